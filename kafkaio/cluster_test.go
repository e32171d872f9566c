package kafkaio

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/game"
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
func electLeaders(tb testing.TB, b *Broker, admin *kafka.AdminClient, topic string, partitions int32) (before, after []int32) {
	tb.Helper()
	var tps []kafka.TopicPartition
	for p := range partitions {
		t := topic
		tps = append(tps, kafka.TopicPartition{Topic: &t, Partition: p})
		before = append(before, b.cluster.LeaderFor(topic, p))
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
	for p := range partitions {
		after = append(after, b.cluster.LeaderFor(topic, p))
	}
	return before, after
}

// Three nodes, every partition replicated three times, and every leader
// moved five times while a producer, a group member and a reader by
// assignment stream 12,000 pitches: the topic holds each once, in order per
// game, and each consumer handles each offset exactly once.
func TestLeadersMovingUnderAStreamOnThreeNodes(t *testing.T) {
	b, err := StartBroker(BrokerOptions{Listen: "127.0.0.1:0", Nodes: 3, Log: zerolog.Nop()})
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
	if info := b.cluster.TopicInfo(topic); info == nil || info.NumReplicas != 3 {
		t.Fatalf("topic info %+v, want 3 replicas", info)
	}

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var grouped, assigned offsetCounts
	memberLog := &lockedBuffer{}
	memberCfg := cfg
	memberCfg.Log = zerolog.New(memberLog)
	g, err := NewGroupReader(memberCfg, GroupOptions{Topic: topic, Group: "followers", FromBeginning: true})
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

	published := publishPaced(t, cfg, seasonPitches(t, 33, n), rate)
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
	waitUntil(t, 60*time.Second, "both consumers to handle every record", func() bool {
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
