package kafkaio

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
)

func TestPoisonRecordsGoToTheDeadLetterTopicAndNeverBlockTheGroup(t *testing.T) {
	b := testkit.StartBroker(t)
	cfg := testConfig(b, zerolog.Nop())
	good := mustPublish(t, cfg, "pitches", 200)
	bad := [][]byte{[]byte("not json"), []byte(`{"schema":"other/v1"}`), nil, []byte(`{"truncated":`)}
	produceRaw(t, b.Bootstrap(), "pitches", 1, bad)

	g, err := NewGroupReader(context.Background(), cfg, GroupOptions{Topic: "pitches", Group: "dlq-test", FromBeginning: true, DLQ: "pitches-dlq"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var handled atomic.Int64
	err = g.Run(ctx, func(Record) error {
		if handled.Add(1) == int64(len(good)) {
			time.AfterFunc(500*time.Millisecond, cancel) // let the last offsets be stored and polled
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if st := g.Stats(); handled.Load() != int64(len(good)) || st.Skipped != int64(len(bad)) {
		t.Fatalf("handled %d, skipped %d; want %d and %d", handled.Load(), st.Skipped, len(good), len(bad))
	}

	letters := readRaw(t, b.Bootstrap(), "pitches-dlq", len(bad))
	for i, m := range letters {
		h := map[string]string{}
		for _, hd := range m.Headers {
			h[hd.Key] = string(hd.Value)
		}
		if !bytes.Equal(m.Value, bad[i]) || h[headerDLQError] == "" || h[headerSourceTopic] != "pitches" ||
			h[headerSourcePartition] != "1" || h[headerSourceOffset] == "" {
			t.Errorf("dead letter %d: value %q, headers %v", i, m.Value, h)
		}
	}
	assertCommittedToTheEnd(t, b.Bootstrap(), "pitches", "dlq-test")
}

// assertCommittedToTheEnd checks the group's committed offset of every
// partition is its high watermark.
func assertCommittedToTheEnd(tb testing.TB, brokers, topic, group string) {
	tb.Helper()
	c := groupInspector(tb, brokers, group)
	for p, offset := range committedOffsets(tb, brokers, topic, group) {
		_, high, err := c.QueryWatermarkOffsets(topic, p, 10000)
		if err != nil {
			tb.Fatal(err)
		}
		if offset != high {
			tb.Errorf("partition %d committed at %d, end %d: the group would read it again", p, offset, high)
		}
	}
}

// groupInspector returns a client of the group that never joins it, to
// read its offsets; it is closed when the test ends.
func groupInspector(tb testing.TB, brokers, group string) *kafka.Consumer {
	tb.Helper()
	c, err := kafka.NewConsumer(&kafka.ConfigMap{"bootstrap.servers": brokers, "group.id": group, "log_level": 3})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// TestGroupCommitsOnlyWhatItsHandlerFlushed runs a member whose handler
// buffers its output and whose flush fails partway, then a second member
// of the same group: no offset may be committed for a record whose output
// was not flushed, and together the two flush every record.
func TestGroupCommitsOnlyWhatItsHandlerFlushed(t *testing.T) {
	b := testkit.StartBroker(t)
	cfg := testConfig(b, zerolog.Nop())
	mustPublish(t, cfg, "pitches", 3000)
	type at struct {
		partition int32
		offset    int64
	}
	flushed := map[at]bool{}
	run := func(failOnFlush int) error {
		g, err := NewGroupReader(context.Background(), cfg, GroupOptions{Topic: "pitches", Group: "flush-test", FromBeginning: true, Once: true})
		if err != nil {
			t.Fatal(err)
		}
		var buffered []at
		flushes := 0
		g.opts.Flush = func() error {
			if flushes++; flushes == failOnFlush {
				return errors.New("disk full")
			}
			for _, r := range buffered {
				flushed[r] = true
			}
			buffered = buffered[:0]
			return nil
		}
		// Far less than the session timeout (45 s), which the group waits
		// out before a new member may join if the last one did not leave.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		runErr := g.Run(ctx, func(r Record) error {
			buffered = append(buffered, at{r.Partition, r.Offset})
			return nil
		})
		if ctx.Err() != nil {
			t.Fatalf("the member did not read to the end within 30 s: did the one before leave the group?")
		}
		if err := g.Close(); err != nil {
			t.Fatal(err)
		}
		return runErr
	}

	if err := run(3); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("run with a failing flush returned %v, want the flush's error", err)
	}
	committed := committedOffsets(t, b.Bootstrap(), "pitches", "flush-test")
	var done int64
	for p, end := range committed {
		for o := int64(0); o < end; o++ {
			if !flushed[at{p, o}] {
				t.Fatalf("partition %d committed to %d, but offset %d was never flushed", p, end, o)
			}
		}
		done += end
	}
	if done == 0 || done >= 3000 {
		t.Fatalf("the failing run committed %d records; want some, not all", done)
	}

	if err := run(0); err != nil {
		t.Fatal(err)
	}
	if len(flushed) != 3000 {
		t.Fatalf("%d records flushed in all, want 3000", len(flushed))
	}
	assertCommittedToTheEnd(t, b.Bootstrap(), "pitches", "flush-test")
}

// committedOffsets returns the group's committed offset of each of the
// topic's three partitions, 0 where it has none.
func committedOffsets(tb testing.TB, brokers, topic, group string) map[int32]int64 {
	tb.Helper()
	var tps []kafka.TopicPartition
	for p := int32(0); p < 3; p++ {
		tps = append(tps, kafka.TopicPartition{Topic: &topic, Partition: p})
	}
	committed, err := groupInspector(tb, brokers, group).Committed(tps, 10000)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[int32]int64{}
	for _, tp := range committed {
		out[tp.Partition] = max(0, int64(tp.Offset))
	}
	return out
}

// A group that starts at the end of the log shows no lag on a partition
// where nothing new has come: librdkafka knows no position there until it
// has handed out a record, and the whole partition used to count as lag.
func TestANewGroupAtTheEndOfTheLogShowsNoLagWhereNothingCame(t *testing.T) {
	c := testkit.StartCluster(t, testkit.ClusterOptions{})
	cfg := Config{Brokers: c.Bootstrap, Timeout: 10 * time.Second, Log: zerolog.Nop()}
	topic := c.Name("pitches")
	mustPublish(t, cfg, topic, 300) // on three partitions, before the group exists
	var mu sync.Mutex
	var last GroupStats
	g, err := NewGroupReader(context.Background(), cfg, GroupOptions{Topic: topic, Group: c.Name("at-the-end"),
		StatsInterval: 200 * time.Millisecond, OnStats: func(st GroupStats) { mu.Lock(); last = st; mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- g.Run(ctx, func(Record) error { return nil }) }()
	testkit.WaitFor(t, 30*time.Second, "the member's lag on all three partitions", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(last.Partitions) == 3
	})
	time.Sleep(time.Second)
	cancel()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if last.TotalLag != 0 {
		t.Errorf("lag %+v: the group started at the end of the log, and nothing came since", last)
	}
}
