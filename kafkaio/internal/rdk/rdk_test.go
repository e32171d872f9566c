package rdk

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/internal/testkit"
)

// These tests drive the C calls one by one against a real broker; .ci/run
// runs them again under go test -asan, which catches a use of freed C
// memory.

// TestMain fails the package's tests if any goroutine outlives them: every
// producer's serving goroutine must end with Close.
func TestMain(m *testing.M) { testkit.Main(m) }

func TestTheLinkedLibrdkafkaIsTheVendoredHeadersVersion(t *testing.T) {
	if err := CheckLibrary(); err != nil {
		t.Fatal(err)
	}
	if got, want := HeaderVersion(), LibraryVersion(); got != want {
		t.Fatalf("header %s, library %s", got, want)
	}
}

func TestTheVendoredHeaderIsTheOneConfluentKafkaGoBundles(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/confluentinc/confluent-kafka-go/v2").Output()
	if err != nil {
		t.Skipf("go list cannot find the module: %v", err)
	}
	bundled, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "kafka", "librdkafka_vendor", "rdkafka.h"))
	if err != nil {
		t.Fatal(err)
	}
	vendored, err := os.ReadFile(testkit.Path("third_party/librdkafka/rdkafka.h"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bundled, vendored) {
		t.Fatal("third_party/librdkafka/rdkafka.h differs from the bundled librdkafka's: copy it again (third_party/librdkafka/README.md)")
	}
}

// events records what a client reports, safe to read while it reports.
type events struct {
	mu     sync.Mutex
	failed []*Error
	errs   []*Error
	stats  int
	logs   []LogLine
}

func (e *events) Events() Events {
	return Events{
		DeliveryFailed: func(err *Error, _ int32, _ int64) { e.mu.Lock(); e.failed = append(e.failed, err); e.mu.Unlock() },
		Error:          func(err *Error) { e.mu.Lock(); e.errs = append(e.errs, err); e.mu.Unlock() },
		Stats:          func(string) { e.mu.Lock(); e.stats++; e.mu.Unlock() },
		Log:            func(l LogLine) { e.mu.Lock(); e.logs = append(e.logs, l); e.mu.Unlock() },
	}
}

func (e *events) logged(tag string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, l := range e.logs {
		if l.Tag == tag {
			return true
		}
	}
	return false
}

func mustProducer(tb testing.TB, brokers, topic string, cfg Config, ev Events) *Producer {
	tb.Helper()
	all := Config{"bootstrap.servers": brokers, "enable.idempotence": "true", "linger.ms": "5"}
	for k, v := range cfg {
		all[k] = v
	}
	p, err := NewProducer(all, topic, ev)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// mustProduce hands the whole batch over and waits for every delivery.
func mustProduce(tb testing.TB, p *Producer, b *Batch) {
	tb.Helper()
	n, err := p.Produce(context.Background(), b, 0, func() error { return nil })
	if err != nil || n != b.Len() {
		tb.Fatalf("produced %d of %d: %v", n, b.Len(), err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for p.Flush(100*time.Millisecond) > 0 {
		if time.Now().After(deadline) {
			tb.Fatalf("%d records not delivered in 30 s", p.Outstanding())
		}
	}
}

// readBack reads every record of partition 0 of topic, up to its end, on
// the batch path; each message's value and headers are copied out of the
// batch as soon as it is read.
type readRecord struct {
	value     []byte
	null      bool
	headers   []Header
	timestamp time.Time
}

func readBack(tb testing.TB, brokers, topic string, want int) []readRecord {
	tb.Helper()
	c, err := NewConsumer(Config{"bootstrap.servers": brokers, "group.id": "rdk-test", "enable.partition.eof": "true"}, Events{})
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	if err := c.Assign(topic, []Start{{Partition: 0, Offset: 0}}); err != nil {
		tb.Fatal(err)
	}
	var out []readRecord
	var msgs []Message
	deadline := time.Now().Add(30 * time.Second)
	for len(out) < want && time.Now().Before(deadline) {
		msgs = c.Consume(100*time.Millisecond, msgs)
		for i := range msgs {
			m := &msgs[i]
			switch m.Err {
			case NoError:
				out = append(out, readRecord{value: bytes.Clone(m.Value), null: m.Value == nil,
					headers: c.CopyHeaders(m), timestamp: m.Timestamp})
			case PartitionEOF:
			default:
				tb.Fatalf("message error %v: %s", m.Err, m.Value)
			}
		}
	}
	if len(out) != want {
		tb.Fatalf("read %d records, want %d", len(out), want)
	}
	return out
}

func TestABatchRoundTripsValuesHeadersNullsAndTimestamps(t *testing.T) {
	c := testkit.StartCluster(t, testkit.ClusterOptions{})
	topic := c.Name("raw")
	testkit.CreateTopic(t, c.Bootstrap, topic, 1, nil)
	p := mustProducer(t, c.Bootstrap, topic, nil, Events{})
	defer p.Close()
	ts := time.UnixMilli(1_700_000_000_123)
	var batch Batch
	batch.Add([]byte("k1"), []byte("v1"), nil, ts)
	batch.Add(nil, []byte("no key"), []Header{{Key: "h", Value: []byte("x")}, {Key: "null", Value: nil}, {Key: "empty", Value: []byte{}}}, ts)
	batch.Add([]byte("tombstone"), nil, []Header{{Key: "only", Value: []byte("header")}}, ts)
	buf := batch.Buffer()
	buf = append(buf, "key3"...)
	buf = append(buf, "appended value"...)
	batch.AddAppended(buf, len("key3"), ts)
	if batch.ValueBytes(0, batch.Len()) != int64(len("v1")+len("no key")+len("appended value")) {
		t.Fatalf("value bytes %d", batch.ValueBytes(0, batch.Len()))
	}
	mustProduce(t, p, &batch)
	if p.Delivered() != 4 {
		t.Fatalf("%d delivered, want 4", p.Delivered())
	}
	batch.Reset()
	if batch.Len() != 0 || len(batch.Buffer()) != 0 {
		t.Fatal("Reset left records behind")
	}

	got := readBack(t, c.Bootstrap, topic, 4)
	want := []struct {
		value   string
		null    bool
		headers string
	}{
		{"v1", false, ""},
		{"no key", false, `h="x" null=nil empty=""`},
		{"", true, `only="header"`},
		{"appended value", false, ""},
	}
	for i, w := range want {
		r := got[i]
		if string(r.value) != w.value || r.null != w.null {
			t.Errorf("record %d: value %q (null %v), want %q (null %v)", i, r.value, r.null, w.value, w.null)
		}
		if h := headerString(r.headers); h != w.headers {
			t.Errorf("record %d: headers %s, want %s", i, h, w.headers)
		}
		if !r.timestamp.Equal(ts) {
			t.Errorf("record %d: timestamp %v, want %v", i, r.timestamp, ts)
		}
	}
}

func headerString(hs []Header) string {
	var parts []string
	for _, h := range hs {
		if h.Value == nil {
			parts = append(parts, h.Key+"=nil")
		} else {
			parts = append(parts, fmt.Sprintf("%s=%q", h.Key, h.Value))
		}
	}
	return strings.Join(parts, " ")
}

func TestAFullQueueIsWaitedOutAndEveryDeliveryCounted(t *testing.T) {
	c := testkit.StartCluster(t, testkit.ClusterOptions{})
	topic := c.Name("full")
	testkit.CreateTopic(t, c.Bootstrap, topic, 1, nil)
	var ev events
	p := mustProducer(t, c.Bootstrap, topic, Config{"queue.buffering.max.messages": "10"}, ev.Events())
	defer p.Close()
	var batch Batch
	for i := range 3000 {
		batch.Add(nil, fmt.Appendf(nil, "record %d", i), nil, time.Time{})
	}
	mustProduce(t, p, &batch)
	if p.Delivered() != 3000 || len(ev.failed) != 0 {
		t.Fatalf("%d delivered, %d failed; want 3000 and none", p.Delivered(), len(ev.failed))
	}
	got := readBack(t, c.Bootstrap, topic, 3000)
	for i, r := range got {
		if string(r.value) != fmt.Sprintf("record %d", i) {
			t.Fatalf("record %d reads %q: out of order or lost", i, r.value)
		}
	}
}

func TestAProduceThatCannotGoOnReturnsCheckOrContextErrors(t *testing.T) {
	c := testkit.StartCluster(t, testkit.ClusterOptions{})
	topic := c.Name("stopped")
	testkit.CreateTopic(t, c.Bootstrap, topic, 1, nil)
	p := mustProducer(t, c.Bootstrap, topic, Config{"queue.buffering.max.messages": "1"}, Events{})
	defer p.Close()
	var batch Batch
	for range 100 {
		batch.Add(nil, []byte("x"), nil, time.Time{})
	}
	stop := fmt.Errorf("told to stop")
	if n, err := p.Produce(context.Background(), &batch, 0, func() error { return stop }); n != 0 || err != stop {
		t.Fatalf("produced %d with a check that says stop: %v", n, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if n, err := p.Produce(ctx, &batch, 0, func() error { return nil }); err != context.Canceled || n >= batch.Len() {
		t.Fatalf("produced %d of %d into a full queue with ctx cancelled: %v", n, batch.Len(), err)
	}
	p.Flush(10 * time.Second)
}

func TestAFatalErrorIsReportedWithItsCause(t *testing.T) {
	c := testkit.StartCluster(t, testkit.ClusterOptions{})
	topic := c.Name("fatal")
	testkit.CreateTopic(t, c.Bootstrap, topic, 1, nil)
	var ev events
	p := mustProducer(t, c.Bootstrap, topic, nil, ev.Events())
	defer p.Close()
	var batch Batch
	batch.Add(nil, []byte("before"), nil, time.Time{})
	mustProduce(t, p, &batch)
	p.RaiseFatal(Code(45), "test: sequence desynchronised") // OUT_OF_ORDER_SEQUENCE_NUMBER
	var err error
	deadline := time.Now().Add(5 * time.Second)
	for err == nil && time.Now().Before(deadline) {
		_, err = p.Produce(context.Background(), &batch, 0, func() error { return nil })
		time.Sleep(10 * time.Millisecond)
	}
	fatal, ok := err.(*Error)
	if !ok || !fatal.Fatal || fatal.Code != 45 || !strings.Contains(fatal.Reason, "sequence desynchronised") {
		t.Fatalf("produce after a fatal error: %#v", err)
	}
	testkit.WaitFor(t, 5*time.Second, "the fatal error event", func() bool {
		ev.mu.Lock()
		defer ev.mu.Unlock()
		for _, e := range ev.errs {
			if e.Fatal && strings.Contains(e.Reason, "sequence desynchronised") {
				return true
			}
		}
		return false
	})
}

func TestAnUnknownPropertyIsRefusedByName(t *testing.T) {
	bad := Config{"bootstrap.servers": "127.0.0.1:1", "no.such.property": "1"}
	if _, err := NewProducer(bad, "t", Events{}); err == nil || !strings.Contains(err.Error(), "no.such.property") {
		t.Errorf("producer: %v", err)
	}
	if _, err := NewConsumer(bad, Events{}); err == nil || !strings.Contains(err.Error(), "no.such.property") {
		t.Errorf("consumer: %v", err)
	}
	p, err := NewProducer(Config{"go.events.channel.size": "5", "bootstrap.servers": "127.0.0.1:1"}, "t", Events{})
	if err != nil {
		t.Fatalf("confluent-kafka-go's own go.* properties are not librdkafka's, and are left out: %v", err)
	}
	p.Close()
}

func TestLogsAndStatisticsReachTheirEvents(t *testing.T) {
	c := testkit.StartCluster(t, testkit.ClusterOptions{})
	topic := c.Name("logged")
	testkit.CreateTopic(t, c.Bootstrap, topic, 1, nil)
	var ev events
	p := mustProducer(t, c.Bootstrap, topic, Config{"debug": "eos", "statistics.interval.ms": "100"}, ev.Events())
	var batch Batch
	batch.Add(nil, []byte("x"), nil, time.Time{})
	mustProduce(t, p, &batch)
	testkit.WaitFor(t, 10*time.Second, "statistics", func() bool { ev.mu.Lock(); defer ev.mu.Unlock(); return ev.stats > 0 })
	p.Close()
	if !ev.logged("IDEMPSTATE") {
		t.Fatal("no librdkafka debug line reached Events.Log")
	}
}

func TestMetadataSaysWhetherTheTopicExists(t *testing.T) {
	c := testkit.StartCluster(t, testkit.ClusterOptions{})
	topic := c.Name("there")
	testkit.CreateTopic(t, c.Bootstrap, topic, 3, nil)
	p := mustProducer(t, c.Bootstrap, topic, nil, Events{})
	defer p.Close()
	md, err := p.Metadata(10 * time.Second)
	if err != nil || md.Topic != topic || md.Err != NoError || len(md.Partitions) != 3 {
		t.Fatalf("metadata %+v, %v; want 3 partitions", md, err)
	}
}

func TestWakeEndsAConsumeAtOnce(t *testing.T) {
	cluster := testkit.StartCluster(t, testkit.ClusterOptions{})
	topic := cluster.Name("quiet")
	testkit.CreateTopic(t, cluster.Bootstrap, topic, 1, nil)
	c, err := NewConsumer(Config{"bootstrap.servers": cluster.Bootstrap, "group.id": "rdk-wake"}, Events{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Assign(topic, []Start{{Partition: 0, Offset: 0}}); err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(200*time.Millisecond, c.Wake)
	start := time.Now()
	c.Consume(30*time.Second, nil)
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("Consume returned %v after Wake, want at once", took)
	}
}

func TestACodeSaysWhatItIs(t *testing.T) {
	if s := PartitionEOF.String(); !strings.Contains(s, "No more messages") {
		t.Errorf("PartitionEOF reads %q", s)
	}
	if e := (&Error{Code: QueueFull}); e.Error() != QueueFull.String() {
		t.Errorf("an error without a reason reads %q, want the code's text", e.Error())
	}
}
