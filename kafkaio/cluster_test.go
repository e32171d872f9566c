package kafkaio

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/embedded"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
)

func firstLineWith(s, substr string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			return l
		}
	}
	return ""
}

// offsetCounts counts how often each (partition, offset) was handled.
type offsetCounts struct {
	mu sync.Mutex
	n  map[[2]int64]int
}

func (c *offsetCounts) add(r Record) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[[2]int64]int{}
	}
	c.n[[2]int64{int64(r.Partition), r.Offset}]++
}

// distinct returns how many offsets were handled and how many of them more
// than once.
func (c *offsetCounts) distinct() (offsets, repeated int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range c.n {
		if k > 1 {
			repeated++
		}
	}
	return len(c.n), repeated
}

// electLeaders moves the leader of every partition of topic to another
// node, through the admin API, and returns the leaders before and after.
func electLeaders(tb testing.TB, b *embedded.Broker, admin *kafka.AdminClient, topic string, partitions int32) (before, after []int32) {
	tb.Helper()
	for p := range partitions {
		before = append(before, b.LeaderOf(topic, p))
	}
	electAll(tb, admin, topic, int(partitions))
	for p := range partitions {
		after = append(after, b.LeaderOf(topic, p))
	}
	return before, after
}

// Three nodes, every partition replicated three times, and every leader
// moved five times while a producer, a group member and a reader by
// assignment stream 12,000 pitches: the topic holds each once, in order per
// game, and each consumer handles each offset exactly once.
func TestLeadersMovingUnderAStreamOnThreeNodes(t *testing.T) {
	testkit.SkipOnKafka(t, "it runs the embedded broker itself")
	b, err := embedded.StartBroker(embedded.BrokerOptions{Listen: "127.0.0.1:0", Nodes: 3, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	cfg := testConfig(b, zerolog.Nop())
	const topic, partitions, n, rate, moves = "pitches", 6, 12000, 1000, 5
	pub, err := NewPublisher(context.Background(), cfg, TopicSpec{Name: topic, Partitions: partitions, ReplicationFactor: 3})
	if err != nil {
		t.Fatal(err)
	}
	pub.Close(time.Second)
	if n := b.ReplicationFactor(topic); n != 3 {
		t.Fatalf("%d replicas, want 3", n)
	}

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var grouped, assigned offsetCounts
	memberLog := &testkit.Buffer{}
	memberCfg := cfg
	memberCfg.Log = zerolog.New(memberLog)
	g, err := NewGroupReader(context.Background(), memberCfg, GroupOptions{Topic: topic, Group: "followers", FromBeginning: true})
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(cfg, topic)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	wg.Add(2)
	go func() {
		defer wg.Done()
		errs <- g.Run(ctx, func(rec Record) error { grouped.add(rec); return nil })
	}()
	go func() {
		defer wg.Done()
		errs <- r.Run(ctx, ReadOptions{FromBeginning: true}, assigned.add)
	}()

	published := publishPaced(t, cfg, testkit.SeasonPitches(t, 33, n), rate)
	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": b.Bootstrap(), "log_level": 0})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	for i := range moves {
		time.Sleep(n / rate * time.Second / (moves + 1))
		before, after := electLeaders(t, b, admin, topic, partitions)
		t.Logf("move %d: leaders %v -> %v", i+1, before, after)
		for p := range before {
			if before[p] == after[p] {
				t.Fatalf("partition %d: leader stayed on node %d", p, before[p])
			}
		}
	}
	if st := <-published; st.Delivered != n || st.Failed != 0 {
		t.Fatalf("publisher: %+v, want all %d delivered", st, n)
	}
	onTopic := mustReadAllPitches(t, cfg)
	if err := game.CheckGameSequences(onTopic); err != nil {
		t.Fatal(err)
	}
	if len(onTopic) != n {
		t.Fatalf("the topic holds %d records for %d pitches", len(onTopic), n)
	}
	testkit.WaitFor(t, 60*time.Second, "both consumers to handle every record", func() bool {
		a, _ := grouped.distinct()
		c, _ := assigned.distinct()
		return a == n && c == n
	})
	stop()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	r.Close()
	if got := strings.Count(memberLog.String(), "partition leaders moved"); got == 0 {
		t.Errorf("the group member never logged a leader move; its log:\n%s", tail(memberLog.String(), 3000))
	}
	t.Logf("the group member logged %d leader moves, the first: %s", strings.Count(memberLog.String(), "partition leaders moved"),
		firstLineWith(memberLog.String(), "partition leaders moved"))
	for name, c := range map[string]*offsetCounts{"group member": &grouped, "reader": &assigned} {
		if offsets, repeated := c.distinct(); offsets != n || repeated != 0 {
			t.Errorf("%s: %d offsets, %d of them more than once; want %d once each", name, offsets, repeated, n)
		}
	}
}

// ownsPartitions reports whether a member's log shows a non-empty assignment.
func ownsPartitions(log string) bool {
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, `"message":"assigned"`) && !strings.Contains(line, `"partitions":[]`) {
			return true
		}
	}
	return false
}

// leadersOf returns the leader of each partition of topic, from metadata.
func leadersOf(tb testing.TB, admin *kafka.AdminClient, topic string, partitions int) []int32 {
	tb.Helper()
	md, err := admin.GetMetadata(&topic, false, 10000)
	if err != nil {
		tb.Fatal(err)
	}
	tm := md.Topics[topic]
	if len(tm.Partitions) != partitions {
		tb.Fatalf("topic %s has %d partitions, want %d", topic, len(tm.Partitions), partitions)
	}
	out := make([]int32, partitions)
	for _, p := range tm.Partitions {
		if len(p.Replicas) != 3 {
			tb.Fatalf("partition %d has replicas %v, want 3", p.ID, p.Replicas)
		}
		out[p.ID] = p.Leader
	}
	return out
}

// electAll moves the leader of every partition of topic to another node,
// through the admin API.
func electAll(tb testing.TB, admin *kafka.AdminClient, topic string, partitions int) {
	tb.Helper()
	var tps []kafka.TopicPartition
	for p := range partitions {
		t := topic
		tps = append(tps, kafka.TopicPartition{Topic: &t, Partition: int32(p)})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := admin.ElectLeaders(ctx, kafka.NewElectLeadersRequest(kafka.ElectionTypePreferred, tps))
	if err != nil {
		tb.Fatalf("elect leaders: %v", err)
	}
	for _, r := range res.TopicPartitions {
		if e, ok := r.Error.(kafka.Error); r.Error != nil && (!ok || e.Code() != kafka.ErrNoError) {
			tb.Fatalf("elect leaders of %v: %v", r, r.Error)
		}
	}
}

// The same as TestLeadersMovingUnderAStreamOnThreeNodes with every part a
// process of its own, as people run it: `pitchkafka broker --nodes 3`, a
// topic replicated three times, `publish` streaming 12,000 pitches and two
// `announce` members of one group, while every partition's leader is moved
// five times through the admin API. The topic holds each pitch once, the
// group announces each offset exactly once, and the publisher's and the
// members' logs say which leaders moved.
func TestLeadersMovingUnderProcessesOnAThreeNodeBroker(t *testing.T) {
	testkit.SkipOnKafka(t, "it runs the embedded broker itself")
	bin := testkit.Binary(t)
	out := &testkit.Buffer{}
	broker := exec.Command(bin, "broker", "--nodes", "3", "--listen", "127.0.0.1:0")
	broker.Stdout = out
	if err := broker.Start(); err != nil {
		t.Fatal(err)
	}
	brokerDone := make(chan struct{})
	go func() { broker.Wait(); close(brokerDone) }()
	t.Cleanup(func() { broker.Process.Kill(); <-brokerDone })
	testkit.WaitFor(t, 30*time.Second, "the broker to listen", func() bool { return strings.Contains(out.String(), "listening on") })
	bootstrap := strings.Fields(firstLineWith(out.String(), "listening on"))
	brokers := bootstrap[len(bootstrap)-1]
	if got := len(strings.Split(brokers, ",")); got != 3 {
		t.Fatalf("the broker listens on %q: %d nodes, want 3", brokers, got)
	}

	const topic, partitions, n, rate, moves = "pitches", 6, 12000, 1000, 5
	cfg := Config{Brokers: brokers, Timeout: 10 * time.Second, Log: zerolog.Nop()}
	pub, err := NewPublisher(context.Background(), cfg, TopicSpec{Name: topic, Partitions: partitions, ReplicationFactor: 3})
	if err != nil {
		t.Fatal(err)
	}
	pub.Close(time.Second)
	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": brokers, "log_level": 0})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	leadersOf(t, admin, topic, partitions) // three replicas each

	members := []*announcer{startAnnouncer(t, bin, brokers, "followers"), startAnnouncer(t, bin, brokers, "followers")}
	testkit.WaitFor(t, 60*time.Second, "both members to own partitions", func() bool {
		for _, m := range members {
			if !ownsPartitions(m.stderr.String()) {
				return false
			}
		}
		return true
	})
	publisher := exec.Command(bin, "--log-format", "json", "publish", "--brokers", brokers, "--rate", fmt.Sprint(rate),
		"--count", fmt.Sprint(n), "--seed", "33")
	pubLog := &testkit.Buffer{}
	publisher.Stderr = pubLog
	if err := publisher.Start(); err != nil {
		t.Fatal(err)
	}
	published := make(chan error, 1)
	go func() { published <- publisher.Wait() }()
	t.Cleanup(func() { publisher.Process.Kill() })

	for i := range moves {
		time.Sleep(n / rate * time.Second / (moves + 1))
		before := leadersOf(t, admin, topic, partitions)
		electAll(t, admin, topic, partitions)
		after := leadersOf(t, admin, topic, partitions)
		t.Logf("move %d: leaders %v -> %v", i+1, before, after)
		for p := range before {
			if before[p] == after[p] {
				t.Fatalf("partition %d: leader stayed on node %d", p, before[p])
			}
		}
	}
	select {
	case err := <-published:
		if err != nil {
			t.Fatalf("publish: %v\n%s", err, tail(pubLog.String(), 3000))
		}
	case <-time.After(2 * time.Minute):
		t.Fatalf("publish did not end within 2 minutes:\n%s", tail(pubLog.String(), 3000))
	}
	if !strings.Contains(pubLog.String(), fmt.Sprintf(`"delivered":%d,`, n)) {
		t.Fatalf("publish did not deliver all %d:\n%s", n, tail(pubLog.String(), 2000))
	}
	onTopic := mustReadAllPitches(t, cfg)
	if err := game.CheckGameSequences(onTopic); err != nil {
		t.Fatal(err)
	}
	if len(onTopic) != n {
		t.Fatalf("the topic holds %d records for %d pitches", len(onTopic), n)
	}

	testkit.WaitFor(t, 60*time.Second, "the group to announce every record", func() bool { return announcedByAny(members...) == n })
	for _, m := range members {
		m.cmd.Process.Signal(syscall.SIGINT)
		<-m.done
	}
	counts := map[[2]int64]int{}
	for _, m := range members {
		for _, o := range m.offsets() {
			counts[o]++
		}
	}
	for o, c := range counts {
		if c != 1 {
			t.Errorf("partition %d offset %d announced %d times", o[0], o[1], c)
		}
	}
	for name, log := range map[string]string{"publish": pubLog.String(), "member 1": members[0].stderr.String(),
		"member 2": members[1].stderr.String()} {
		moved := firstLineWith(log, "partition leaders moved")
		if moved == "" {
			t.Errorf("%s never logged a leader move:\n%s", name, tail(log, 2000))
		}
		t.Logf("%s logged %d leader moves, the first: %s", name, strings.Count(log, "partition leaders moved"), moved)
	}
}

// A broker of three SIGKILLed and restarted under a stream, on Apache
// Kafka: `publish` streams 12,000 pitches to a topic replicated three times
// (min.insync.replicas 2) and two `announce` members of one group read it,
// while a node is killed, its partitions' leaders move to the others, the
// node comes back and catches up, and a preferred-leader election moves the
// leaders back. Every pitch publish counted delivered is on the topic once,
// every offset is announced, an offset twice only on a partition that
// changed hands in a rebalance (at least once allows that), and the
// publisher and both members log the leaders moving.
func TestABrokerOfThreeKilledAndRestartedUnderAStream(t *testing.T) {
	c := testkit.StartCluster(t, testkit.ClusterOptions{Nodes: 3})
	if !c.OnKafka() {
		t.Skip("Apache Kafka only: kfake's nodes live in one process, so no node can be killed alone " +
			"(TestLeadersMovingUnderProcessesOnAThreeNodeBroker moves kfake's leaders instead); set " + testkit.KafkaEnv + "=start")
	}
	bin := testkit.Binary(t)
	const partitions, n, rate = 6, 12000, 1000
	topic, group := c.Name("pitches"), c.Name("followers")
	cfg := Config{Brokers: c.Bootstrap, Timeout: 10 * time.Second, Log: zerolog.Nop()}
	testkit.CreateTopic(t, c.Bootstrap, topic, partitions, map[string]string{"min.insync.replicas": "2"})
	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": c.Bootstrap, "log_level": 0})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()

	members := []*announcer{startAnnouncerOn(t, bin, c.Bootstrap, topic, group), startAnnouncerOn(t, bin, c.Bootstrap, topic, group)}
	testkit.WaitFor(t, 60*time.Second, "both members to own partitions", func() bool {
		return ownsPartitions(members[0].stderr.String()) && ownsPartitions(members[1].stderr.String())
	})
	streaming := time.Now()
	publisher := testkit.Start(t, bin, "--log-format", "json", "publish", "--brokers", c.Bootstrap, "--topic", topic,
		"--rate", fmt.Sprint(rate), "--count", fmt.Sprint(n), "--seed", "34")

	time.Sleep(3 * time.Second)
	before := leadersOf(t, admin, topic, partitions)
	victim := int(before[0]) // a node that leads partitions
	c.KillNode(t, victim)
	testkit.WaitFor(t, 30*time.Second, fmt.Sprintf("the leaders of node %d's partitions to move", victim), func() bool {
		return !slices.Contains(leadersOf(t, admin, topic, partitions), int32(victim))
	})
	t.Logf("node %d killed: leaders %v -> %v", victim, before, leadersOf(t, admin, topic, partitions))
	time.Sleep(2 * time.Second)
	c.RestartNode(t, victim)
	testkit.WaitFor(t, 60*time.Second, fmt.Sprintf("node %d back in every partition's in-sync replicas", victim), func() bool {
		return inSyncEverywhere(t, admin, topic, int32(victim))
	})
	c.Tool(t, "kafka-leader-election", "--bootstrap-server", c.Bootstrap, "--election-type", "PREFERRED", "--all-topic-partitions")
	t.Logf("node %d restarted and in sync; preferred leaders elected: %v", victim, leadersOf(t, admin, topic, partitions))

	if !publisher.Wait(2 * time.Minute) {
		t.Fatalf("publish did not end within 2 minutes:\n%s", tail(publisher.Stderr.String(), 3000))
	}
	if code := publisher.Cmd.ProcessState.ExitCode(); code != 0 || !strings.Contains(publisher.Stderr.String(), fmt.Sprintf(`"delivered":%d,`, n)) {
		t.Fatalf("publish exited %d without delivering all %d:\n%s", code, n, tail(publisher.Stderr.String(), 3000))
	}
	onTopic := mustReadAllPitchesOf(t, cfg, topic)
	if err := game.CheckGameSequences(onTopic); err != nil {
		t.Fatal(err)
	}
	if len(onTopic) != n {
		t.Fatalf("the topic holds %d records for %d pitches delivered", len(onTopic), n)
	}

	testkit.WaitFor(t, 90*time.Second, "the group to announce every record", func() bool { return announcedByAny(members...) == n })
	for _, m := range members {
		m.cmd.Process.Signal(syscall.SIGINT)
		<-m.done
	}
	handedOver := map[int64]bool{}
	for _, m := range members {
		for _, p := range partitionsGivenUp(m.stderr.String(), streaming) {
			handedOver[int64(p)] = true
		}
	}
	counts := map[[2]int64]int{}
	for _, m := range members {
		for _, o := range m.offsets() {
			counts[o]++
		}
	}
	twice := 0
	for o, k := range counts {
		if k > 1 {
			twice++
			if !handedOver[o[0]] {
				t.Errorf("partition %d offset %d announced %d times, though the partition never changed hands", o[0], o[1], k)
			}
		}
	}
	t.Logf("%d offsets announced twice, on partitions that changed hands %v", twice, handedOver)
	for name, log := range map[string]string{"publish": publisher.Stderr.String(), "member 1": members[0].stderr.String(),
		"member 2": members[1].stderr.String()} {
		moved := firstLineWith(log, "partition leaders moved")
		if moved == "" {
			t.Errorf("%s never logged a leader move:\n%s", name, tail(log, 2000))
		}
		t.Logf("%s logged %d leader moves, the first: %s", name, strings.Count(log, "partition leaders moved"), moved)
	}
}

// inSyncEverywhere reports whether node is in the in-sync replicas of
// every partition of topic.
func inSyncEverywhere(tb testing.TB, admin *kafka.AdminClient, topic string, node int32) bool {
	tb.Helper()
	md, err := admin.GetMetadata(&topic, false, 10000)
	if err != nil {
		return false
	}
	for _, p := range md.Topics[topic].Partitions {
		if !slices.Contains(p.Isrs, node) {
			return false
		}
	}
	return true
}

// partitionsGivenUp are the partitions a member's JSON log says it gave up,
// revoked or lost, since a time.
func partitionsGivenUp(log string, since time.Time) []int32 {
	var out []int32
	for _, line := range strings.Split(log, "\n") {
		var l struct {
			Time       time.Time `json:"time"`
			Message    string    `json:"message"`
			Partitions []int32   `json:"partitions"`
		}
		if json.Unmarshal([]byte(line), &l) == nil && !l.Time.Before(since) &&
			(l.Message == "revoked" || strings.HasPrefix(l.Message, "assignment lost")) {
			out = append(out, l.Partitions...)
		}
	}
	return out
}
