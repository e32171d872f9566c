package embedded_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/embedded"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// startNodes starts an embedded cluster of n nodes on loopback, closed
// when the test ends.
func startNodes(tb testing.TB, n int) *embedded.Broker {
	tb.Helper()
	return testkit.StartBrokerWith(tb, embedded.BrokerOptions{Listen: "127.0.0.1:0", Nodes: n, Log: zerolog.Nop()})
}

func mustAdmin(tb testing.TB, b *embedded.Broker) *kafka.AdminClient {
	tb.Helper()
	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": b.Bootstrap(), "log_level": 0})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(admin.Close)
	return admin
}

// partitionState is a partition as DescribeTopics shows it to a client.
type partitionState struct {
	leader        int32 // -1 for none
	replicas, isr []int32
}

func (s partitionState) String() string {
	return fmt.Sprintf("leader %d replicas %v isr %v", s.leader, s.replicas, s.isr)
}

// describe returns the partitions of topic, by number, as the Admin API's
// DescribeTopics shows them.
func describe(admin *kafka.AdminClient, topic string) ([]partitionState, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := admin.DescribeTopics(ctx, kafka.NewTopicCollectionOfTopicNames([]string{topic}))
	if err != nil {
		return nil, err
	}
	d := res.TopicDescriptions[0]
	if d.Error.Code() != kafka.ErrNoError {
		return nil, d.Error
	}
	ids := func(nodes []kafka.Node) []int32 {
		var out []int32
		for _, n := range nodes {
			out = append(out, int32(n.ID))
		}
		slices.Sort(out)
		return out
	}
	out := make([]partitionState, len(d.Partitions))
	for _, p := range d.Partitions {
		s := partitionState{leader: -1, replicas: ids(p.Replicas), isr: ids(p.Isr)}
		if p.Leader != nil {
			s.leader = int32(p.Leader.ID)
		}
		out[p.Partition] = s
	}
	return out, nil
}

// waitForPartitions waits until DescribeTopics shows topic's partitions as
// ok wants them, and returns them.
func waitForPartitions(tb testing.TB, admin *kafka.AdminClient, topic, what string, ok func([]partitionState) bool) []partitionState {
	tb.Helper()
	var last []partitionState
	var lastErr error
	deadline := time.Now().Add(30 * time.Second)
	for {
		last, lastErr = describe(admin, topic)
		if lastErr == nil && ok(last) {
			return last
		}
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s; DescribeTopics says %v (error %v)", what, last, lastErr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// everyPartition reports whether every partition holds cond.
func everyPartition(cond func(partitionState) bool) func([]partitionState) bool {
	return func(ps []partitionState) bool {
		for _, s := range ps {
			if !cond(s) {
				return false
			}
		}
		return len(ps) > 0
	}
}

// coordinatedBy returns the first of base-0, base-1, … that node
// coordinates, as a group or transactional ID.
func coordinatedBy(tb testing.TB, b *embedded.Broker, base string, node int32) string {
	tb.Helper()
	for i := range 100 {
		if key := base + "-" + strconv.Itoa(i); b.CoordinatorOf(key) == node {
			return key
		}
	}
	tb.Fatalf("node %d coordinates none of %s-0 to %s-99", node, base, base)
	return ""
}

// record is a produced record: its number and where it landed.
type record struct {
	seq       int
	partition int32
	offset    int64
}

// producer produces numbered records to the partitions of a topic in
// turn, with an idempotent producer (acks=all), and checks every delivery
// report.
type producer struct {
	p     *kafka.Producer
	topic string
	parts int

	mu        sync.Mutex
	sent      int
	delivered []record
	failed    []error
}

// startProducer starts an idempotent producer, with further configs if
// any, closed when the test ends.
func startProducer(tb testing.TB, b *embedded.Broker, topic string, parts int, configs kafka.ConfigMap) *producer {
	tb.Helper()
	cfg := kafka.ConfigMap{"bootstrap.servers": b.Bootstrap(), "enable.idempotence": true, "acks": "all",
		"linger.ms": 5, "log_level": 0}
	maps.Copy(cfg, configs)
	p, err := kafka.NewProducer(&cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(p.Close)
	pr := &producer{p: p, topic: topic, parts: parts}
	go pr.reports()
	return pr
}

// produce sends the next record to its partition, waiting for room in
// the producer's queue if it is full.
func (pr *producer) produce() error {
	pr.mu.Lock()
	seq := pr.sent
	pr.mu.Unlock()
	msg := &kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &pr.topic, Partition: int32(seq % pr.parts)},
		Value: []byte(strconv.Itoa(seq))}
	for {
		err := pr.p.Produce(msg, nil)
		if e, ok := err.(kafka.Error); ok && e.Code() == kafka.ErrQueueFull {
			pr.p.Flush(100)
			continue
		}
		if err != nil {
			return fmt.Errorf("produce record %d: %w", seq, err)
		}
		pr.mu.Lock()
		pr.sent++
		pr.mu.Unlock()
		return nil
	}
}

// flush waits for every delivery report, a minute at most.
func (pr *producer) flush() error {
	deadline := time.Now().Add(60 * time.Second)
	for pr.p.Flush(1000) > 0 {
		if time.Now().After(deadline) {
			return fmt.Errorf("%d records still outstanding after a minute", pr.p.Len())
		}
	}
	return nil
}

// reports reads the delivery reports until the producer is closed.
func (pr *producer) reports() {
	for ev := range pr.p.Events() {
		pr.mu.Lock()
		switch ev := ev.(type) {
		case *kafka.Message:
			seq, _ := strconv.Atoi(string(ev.Value))
			if ev.TopicPartition.Error != nil {
				pr.failed = append(pr.failed, fmt.Errorf("record %d: %w", seq, ev.TopicPartition.Error))
			} else {
				pr.delivered = append(pr.delivered, record{seq, ev.TopicPartition.Partition, int64(ev.TopicPartition.Offset)})
			}
		case kafka.Error:
			if ev.IsFatal() {
				pr.failed = append(pr.failed, ev)
			}
		}
		pr.mu.Unlock()
	}
}

// run produces a record a millisecond until ctx is done, then flushes.
func (pr *producer) run(ctx context.Context) error {
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for ctx.Err() == nil {
		if err := pr.produce(); err != nil {
			return err
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
		}
	}
	return pr.flush()
}

// deliveredCount returns how many records were delivered.
func (pr *producer) deliveredCount() int {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	return len(pr.delivered)
}

// progress returns how many records were delivered to each partition.
func (pr *producer) progress() []int {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	out := make([]int, pr.parts)
	for _, r := range pr.delivered {
		out[r.partition]++
	}
	return out
}

// consumer is a member of a consumer group reading a topic from its
// start, which keeps what it reads.
type consumer struct {
	c *kafka.Consumer

	mu   sync.Mutex
	read map[[2]int64]int // (partition, offset) -> the record's number
	next map[int32]int64  // the offset after the highest one read, by partition
	errs []error
}

func startConsumer(tb testing.TB, b *embedded.Broker, topic, group string) *consumer {
	tb.Helper()
	c, err := kafka.NewConsumer(&kafka.ConfigMap{"bootstrap.servers": b.Bootstrap(), "group.id": group,
		"auto.offset.reset": "earliest", "session.timeout.ms": 10000, "log_level": 0})
	if err != nil {
		tb.Fatal(err)
	}
	if err := c.Subscribe(topic, nil); err != nil {
		c.Close()
		tb.Fatal(err)
	}
	return &consumer{c: c, read: map[[2]int64]int{}, next: map[int32]int64{}}
}

// run polls until ctx is done, then leaves the group.
func (co *consumer) run(ctx context.Context) error {
	for ctx.Err() == nil {
		switch ev := co.c.Poll(100).(type) {
		case *kafka.Message:
			co.add(ev)
		case kafka.Error:
			if ev.IsFatal() {
				co.c.Close()
				return ev
			}
		}
	}
	return co.c.Close()
}

// add keeps a record read, and an error if it skipped records of its
// partition: a member reads on in order, or again from a committed
// offset, never beyond the next offset.
func (co *consumer) add(m *kafka.Message) {
	co.mu.Lock()
	defer co.mu.Unlock()
	p, off := m.TopicPartition.Partition, int64(m.TopicPartition.Offset)
	if off > co.next[p] {
		co.errs = append(co.errs, fmt.Errorf("partition %d: read offset %d after %d: offsets skipped", p, off, co.next[p]-1))
	}
	co.next[p] = max(co.next[p], off+1)
	seq, _ := strconv.Atoi(string(m.Value))
	co.read[[2]int64{int64(p), off}] = seq
}

// count returns how many distinct records were read.
func (co *consumer) count() int {
	co.mu.Lock()
	defer co.mu.Unlock()
	return len(co.read)
}

// Three nodes, a topic of six partitions replicated three times, an
// idempotent producer and a group member streaming: a node that leads
// partitions and coordinates the group is stopped, then started. Clients
// see, through the Admin API, what Apache Kafka shows: only its partitions
// change leader, it leaves every ISR and rejoins it, and gets its
// leaderships back; every record is delivered and read, in order per
// partition, none lost and none written twice.
func TestANodeStopsAndStartsUnderAStream(t *testing.T) {
	b := startNodes(t, 3)
	admin := mustAdmin(t, b)
	const topic, parts = "pitches", 6
	testkit.CreateTopic(t, b.Bootstrap(), topic, parts, nil) // replication factor -1: the broker's default
	before := waitForPartitions(t, admin, topic, "three replicas in sync", everyPartition(func(s partitionState) bool {
		return slices.Equal(s.replicas, []int32{0, 1, 2}) && slices.Equal(s.isr, s.replicas)
	}))
	victim := before[0].leader
	var led []int
	for p, s := range before {
		if s.leader == victim {
			led = append(led, p)
		}
	}
	group := coordinatedBy(t, b, "followers", victim)
	t.Logf("stopping node %d, which leads partitions %v of %v and coordinates group %s", victim, led, before, group)

	producing, stopProducing := context.WithCancel(context.Background())
	defer stopProducing()
	reading, stopReading := context.WithCancel(context.Background())
	defer stopReading()
	pr := startProducer(t, b, topic, parts, nil)
	co := startConsumer(t, b, topic, group)
	produced, read := make(chan error, 1), make(chan error, 1)
	go func() { produced <- pr.run(producing) }()
	go func() { read <- co.run(reading) }()
	carriesOn := func(what string) {
		t.Helper()
		from, read := pr.progress(), co.count()
		testkit.WaitFor(t, 30*time.Second, "every partition to take 100 more records "+what, func() bool {
			now := pr.progress()
			for p := range now {
				if now[p] < from[p]+100 {
					return false
				}
			}
			return true
		})
		testkit.WaitFor(t, 30*time.Second, "the group member to read 600 more records "+what, func() bool {
			return co.count() >= read+600
		})
	}
	carriesOn("before the stop")

	if err := b.StopNode(victim); err != nil {
		t.Fatal(err)
	}
	stopped := waitForPartitions(t, admin, topic, fmt.Sprintf("node %d out of every ISR", victim), everyPartition(func(s partitionState) bool {
		return len(s.isr) == 2 && !slices.Contains(s.isr, victim) && s.leader != victim
	}))
	t.Logf("stopped: %v", stopped)
	for p, s := range stopped {
		if !slices.Equal(s.replicas, before[p].replicas) {
			t.Errorf("partition %d: replicas %v while node %d is down, want %v", p, s.replicas, victim, before[p].replicas)
		}
		if !slices.Contains(led, p) && s.leader != before[p].leader {
			t.Errorf("partition %d: led by node %d, now by %d; only node %d's partitions should move", p, before[p].leader, s.leader, victim)
		}
	}
	carriesOn(fmt.Sprintf("while node %d is down", victim))

	if err := b.StartNode(victim); err != nil {
		t.Fatal(err)
	}
	started := waitForPartitions(t, admin, topic, fmt.Sprintf("node %d back in every ISR", victim), everyPartition(func(s partitionState) bool {
		return len(s.isr) == 3
	}))
	t.Logf("started: %v", started)
	for p, s := range started {
		if s.leader != before[p].leader {
			t.Errorf("partition %d: led by node %d after the start, want %d as before the stop", p, s.leader, before[p].leader)
		}
	}
	carriesOn(fmt.Sprintf("once node %d is back", victim))

	stopProducing()
	if err := <-produced; err != nil {
		t.Fatal(err)
	}
	delivered := pr.deliveredCount()
	testkit.WaitFor(t, 30*time.Second, "the group member to read every record delivered", func() bool {
		return co.count() >= delivered
	})
	stopReading()
	if err := <-read; err != nil {
		t.Fatal(err)
	}
	checkEveryRecordDeliveredAndRead(t, pr, co)
}

// checkEveryRecordDeliveredAndRead checks that every record sent was
// delivered, each partition's in the order sent at offsets 0, 1, 2, …
// (none lost, none written twice), and that the group member read each.
func checkEveryRecordDeliveredAndRead(tb testing.TB, pr *producer, co *consumer) {
	tb.Helper()
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if len(pr.failed) > 0 {
		tb.Fatalf("%d of %d records failed, the first: %v", len(pr.failed), pr.sent, pr.failed[0])
	}
	if len(pr.delivered) != pr.sent {
		tb.Fatalf("%d delivery reports for %d records", len(pr.delivered), pr.sent)
	}
	bySeq := slices.Clone(pr.delivered)
	slices.SortFunc(bySeq, func(x, y record) int { return x.seq - y.seq })
	next := map[int32]int64{}
	for i, r := range bySeq {
		if r.seq != i {
			tb.Fatalf("record %d delivered, want %d: a record was delivered twice or not at all", r.seq, i)
		}
		if r.offset != next[r.partition] {
			tb.Fatalf("record %d at offset %d of partition %d, want %d", r.seq, r.offset, r.partition, next[r.partition])
		}
		next[r.partition]++
	}
	co.mu.Lock()
	defer co.mu.Unlock()
	if len(co.errs) > 0 {
		tb.Fatalf("the group member: %v", errors.Join(co.errs...))
	}
	for _, r := range pr.delivered {
		if seq, ok := co.read[[2]int64{int64(r.partition), r.offset}]; !ok || seq != r.seq {
			tb.Fatalf("record %d at partition %d offset %d: read %v (record %d)", r.seq, r.partition, r.offset, ok, seq)
		}
	}
	tb.Logf("%d records delivered and read, %d delivery reports checked", len(pr.delivered), pr.sent)
}

func TestStoppingAndStartingNodesSaysWhatItCannotDo(t *testing.T) {
	b := startNodes(t, 3)
	steps := []struct {
		name string
		do   func(int32) error
		node int32
		want string // the error, or "" for none
	}{
		{"stop a node there is not", b.StopNode, 7, "node 7: no such node; nodes are 0, 1 and 2"},
		{"start a node there is not", b.StartNode, -1, "node -1: no such node; nodes are 0, 1 and 2"},
		{"start a node that is up", b.StartNode, 1, "node 1 is up already: stop it to start it again"},
		{"stop a node", b.StopNode, 0, ""},
		{"stop it again", b.StopNode, 0, "node 0 is stopped already: start it to stop it again"},
		{"stop another", b.StopNode, 2, ""},
		{"stop the last one up", b.StopNode, 1, "node 1 is the last one up: start another first"},
		{"start one", b.StartNode, 0, ""},
		{"stop the one that was last", b.StopNode, 1, ""},
		{"start them both", func(int32) error { return errors.Join(b.StartNode(1), b.StartNode(2)) }, 0, ""},
	}
	addrs := b.Addrs()
	for _, step := range steps {
		err := step.do(step.node)
		if got := fmt.Sprint(err); (step.want == "" && err != nil) || (step.want != "" && got != step.want) {
			t.Fatalf("%s: got error %v, want %q", step.name, err, step.want)
		}
	}
	for i, n := range b.Nodes() {
		if want := (embedded.Node{ID: int32(i), Addr: addrs[i], Up: true}); n != want {
			t.Errorf("node %d: %+v, want %+v", i, n, want)
		}
	}

	t.Run("its address taken", func(t *testing.T) {
		if err := b.StopNode(2); err != nil {
			t.Fatal(err)
		}
		taken, err := net.Listen("tcp", addrs[2])
		if err != nil {
			t.Fatal(err)
		}
		err = b.StartNode(2)
		taken.Close()
		if want := "free " + addrs[2] + ", then start node 2 again"; err == nil || !strings.HasSuffix(err.Error(), want) {
			t.Fatalf("got error %v, want one ending %q", err, want)
		}
		if err := b.StartNode(2); err != nil {
			t.Fatalf("once the address is free: %v", err)
		}
	})

	t.Run("a closed broker", func(t *testing.T) {
		b.Close()
		want := "the broker is closed: start a new one"
		if err := b.StopNode(0); fmt.Sprint(err) != want {
			t.Errorf("stop: got error %v, want %q", err, want)
		}
		if err := b.StartNode(0); fmt.Sprint(err) != want {
			t.Errorf("start: got error %v, want %q", err, want)
		}
		if nodes := b.Nodes(); nodes != nil {
			t.Errorf("nodes %v, want none", nodes)
		}
	})
}

// apiVersionsV0 is an ApiVersions v0 request (key 18, correlation ID 1,
// no client ID), which every Kafka broker answers.
var apiVersionsV0 = []byte{0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0, 1, 0xff, 0xff}

// mustBeAnswered sends an ApiVersions request on conn and reads the
// answer's length.
func mustBeAnswered(tb testing.TB, conn net.Conn) {
	tb.Helper()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write(apiVersionsV0); err != nil {
		tb.Fatal(err)
	}
	size := make([]byte, 4)
	if _, err := io.ReadFull(conn, size); err != nil {
		tb.Fatalf("no answer to ApiVersions: %v", err)
	}
	if _, err := io.ReadFull(conn, make([]byte, binary.BigEndian.Uint32(size))); err != nil {
		tb.Fatalf("half an answer to ApiVersions: %v", err)
	}
}

// A stopped node closes the connections it served and refuses new ones,
// as a broker process that has exited; started again, it answers on the
// same address.
func TestAStoppedNodeAnswersNothing(t *testing.T) {
	b := startNodes(t, 3)
	addr := b.Nodes()[1].Addr
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	mustBeAnswered(t, conn)

	if err := b.StopNode(1); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Read(make([]byte, 1)); !errors.Is(err, io.EOF) && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("reading from the stopped node: %v, want the connection closed", err)
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Fatal("the stopped node accepted a connection")
	}
	if n := b.Nodes()[1]; n.Up || n.Addr != addr {
		t.Fatalf("node 1 is %+v, want down on %s", n, addr)
	}

	if err := b.StartNode(1); err != nil {
		t.Fatal(err)
	}
	again, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("node 1 started again: %v", err)
	}
	defer again.Close()
	mustBeAnswered(t, again)
}

// On one node, on two, three and four, a topic created with replication
// factor -1 gets the broker's default: as many replicas as nodes, three at
// most (Kafka's default.replication.factor, as a three-node cluster is
// usually set up).
func TestTheDefaultReplicationFactorIsThreeAtMost(t *testing.T) {
	for _, nodes := range []int{1, 2, 3, 4} {
		t.Run(fmt.Sprintf("%d nodes", nodes), func(t *testing.T) {
			b := startNodes(t, nodes)
			testkit.CreateTopic(t, b.Bootstrap(), "pitches", 2, nil)
			ps, err := describe(mustAdmin(t, b), "pitches")
			if err != nil {
				t.Fatal(err)
			}
			for p, s := range ps {
				if want := min(3, nodes); len(s.replicas) != want || len(s.isr) != want {
					t.Errorf("partition %d: %v, want %d replicas in sync", p, s, want)
				}
			}
		})
	}
}

// A transaction whose coordinator stops between its records and its
// commit commits on the node its coordination moved to, and the next one,
// coordinated by the node started again, too: a read_committed reader
// reads every record once.
func TestATransactionCarriesOnWhenItsCoordinatorStops(t *testing.T) {
	b := startNodes(t, 3)
	const topic, node, perTxn = "scores", 1, 100
	testkit.CreateTopic(t, b.Bootstrap(), topic, 3, nil)
	txid := coordinatedBy(t, b, "scores", node)
	pr := startProducer(t, b, topic, 3, kafka.ConfigMap{"transactional.id": txid})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	produce := func() {
		t.Helper()
		for range perTxn {
			must("produce", pr.produce())
		}
		must("flush", pr.flush())
	}

	must("init", pr.p.InitTransactions(ctx))
	must("begin", pr.p.BeginTransaction())
	produce()
	must("stop its coordinator", b.StopNode(node))
	if moved := b.CoordinatorOf(txid); moved == node {
		t.Fatalf("transactional ID %s still coordinated by the stopped node %d", txid, node)
	}
	produce()
	must("commit while its coordinator is down", pr.p.CommitTransaction(ctx))

	must("start the coordinator", b.StartNode(node))
	if back := b.CoordinatorOf(txid); back != node {
		t.Fatalf("transactional ID %s coordinated by node %d after node %d started, want it back", txid, back, node)
	}
	must("begin again", pr.p.BeginTransaction())
	produce()
	must("commit once it is back", pr.p.CommitTransaction(ctx))

	pr.mu.Lock()
	sent, delivered, failed := pr.sent, len(pr.delivered), pr.failed
	pr.mu.Unlock()
	if delivered != sent || len(failed) > 0 {
		t.Fatalf("%d of %d records delivered; failed: %v", delivered, sent, failed)
	}
	got := readCommitted(t, b, topic, sent)
	for i := range sent {
		if got[i] != 1 {
			t.Errorf("record %d read %d times, want once", i, got[i])
		}
	}
}

// readCommitted reads topic from its start, committed records only, until
// n distinct records are read, and returns how often each was read.
func readCommitted(tb testing.TB, b *embedded.Broker, topic string, n int) map[int]int {
	tb.Helper()
	c, err := kafka.NewConsumer(&kafka.ConfigMap{"bootstrap.servers": b.Bootstrap(), "group.id": "check",
		"auto.offset.reset": "earliest", "isolation.level": "read_committed", "enable.auto.commit": false, "log_level": 0})
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	if err := c.Subscribe(topic, nil); err != nil {
		tb.Fatal(err)
	}
	got := map[int]int{}
	deadline := time.Now().Add(30 * time.Second)
	for len(got) < n {
		if time.Now().After(deadline) {
			tb.Fatalf("read %d of %d committed records in 30 s", len(got), n)
		}
		if m, ok := c.Poll(100).(*kafka.Message); ok {
			seq, _ := strconv.Atoi(string(m.Value))
			got[seq]++
		}
	}
	return got
}

// Metadata and DescribeTopicPartitions list a stopped node as an offline
// replica, out of the ISR, and no longer as a broker; DescribeCluster
// lists it as fenced when asked to include fenced brokers. librdkafka's
// Admin API shows none of this, so the test asks with franz-go's client.
func TestAStoppedNodeIsAnOfflineReplica(t *testing.T) {
	b := startNodes(t, 3)
	const topic = "pitches"
	testkit.CreateTopic(t, b.Bootstrap(), topic, 3, nil)
	if err := b.StopNode(1); err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Nodes()[0].Addr))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sorted := func(ids []int32) []int32 { return slices.Sorted(slices.Values(ids)) }
	check := func(request string, p int32, replicas, isr, offline []int32) {
		t.Helper()
		if !slices.Equal(sorted(replicas), []int32{0, 1, 2}) || !slices.Equal(sorted(isr), []int32{0, 2}) || !slices.Equal(offline, []int32{1}) {
			t.Errorf("%s, partition %d: replicas %v, ISR %v, offline %v; want 0, 1 and 2, 0 and 2, 1", request, p, replicas, isr, offline)
		}
	}

	meta := kmsg.NewPtrMetadataRequest()
	mt := kmsg.NewMetadataRequestTopic()
	mt.Topic = kmsg.StringPtr(topic)
	meta.Topics = append(meta.Topics, mt)
	mresp, err := meta.RequestWith(ctx, cl)
	if err != nil {
		t.Fatal(err)
	}
	var brokers []int32
	for _, br := range mresp.Brokers {
		brokers = append(brokers, br.NodeID)
	}
	if !slices.Equal(sorted(brokers), []int32{0, 2}) {
		t.Errorf("Metadata lists brokers %v, want 0 and 2", brokers)
	}
	for _, p := range mresp.Topics[0].Partitions {
		check(fmt.Sprintf("Metadata v%d", meta.Version), p.Partition, p.Replicas, p.ISR, p.OfflineReplicas)
	}

	dtp := kmsg.NewPtrDescribeTopicPartitionsRequest()
	dt := kmsg.NewDescribeTopicPartitionsRequestTopic()
	dt.Topic = topic
	dtp.Topics = append(dtp.Topics, dt)
	dresp, err := dtp.RequestWith(ctx, cl)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range dresp.Topics[0].Partitions {
		check("DescribeTopicPartitions", p.Partition, p.Replicas, p.ISR, p.OfflineReplicas)
	}

	dc := kmsg.NewPtrDescribeClusterRequest()
	dc.IncludeFencedBrokers = true
	cresp, err := dc.RequestWith(ctx, cl)
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, br := range cresp.Brokers {
		listed = append(listed, fmt.Sprintf("%d fenced %v", br.NodeID, br.IsFenced))
	}
	slices.Sort(listed)
	if want := []string{"0 fenced false", "1 fenced true", "2 fenced false"}; !slices.Equal(listed, want) {
		t.Errorf("DescribeCluster v%d with fenced brokers lists %v, want %v", dc.Version, listed, want)
	}
}
