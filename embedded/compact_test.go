package embedded_test

import (
	"context"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
)

// The log cleaner stops at the first unstable offset, as Kafka's does: a
// transaction still open when the topic is compacted, then aborted, takes
// nothing with it, and each key keeps its latest committed value. (It
// took them: scores' game states, restored from the compacted games
// topic, lost what a killed processor's open transaction superseded.)
func TestCompactionKeepsWhatAnOpenTransactionSupersedes(t *testing.T) {
	b := startNodes(t, 1)
	const topic = "changelog"
	testkit.CreateTopic(t, b.Bootstrap(), topic, 1, map[string]string{"cleanup.policy": "compact"})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	committed := transactional(t, ctx, b.Bootstrap(), "committed")
	writeInTransaction(t, ctx, committed, topic, map[string]string{"a": "a1", "b": "b1"}, true)
	writeInTransaction(t, ctx, committed, topic, map[string]string{"a": "a2", "b": "b2"}, true)
	open := transactional(t, ctx, b.Bootstrap(), "open")
	writeInTransaction(t, ctx, open, topic, map[string]string{"a": "a3"}, false)
	writeInTransaction(t, ctx, committed, topic, map[string]string{"c": "c1"}, true) // after the open one: not the active batch

	b.Compact()
	if err := open.AbortTransaction(ctx); err != nil {
		t.Fatal(err)
	}
	b.Compact()

	got := readCommittedByKey(t, b.Bootstrap(), topic)
	want := map[string]string{"a": "a2", "b": "b2", "c": "c1"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("key %s: %q after compaction and the abort, want %q (all: %v)", k, got[k], v, got)
		}
	}
}

// transactional is an initialized transactional producer.
func transactional(tb testing.TB, ctx context.Context, bootstrap, id string) *kafka.Producer {
	tb.Helper()
	p, err := kafka.NewProducer(&kafka.ConfigMap{"bootstrap.servers": bootstrap, "transactional.id": id, "log_level": 0})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(p.Close)
	if err := p.InitTransactions(ctx); err != nil {
		tb.Fatal(err)
	}
	return p
}

// writeInTransaction writes records in a transaction of their own,
// checks every delivery report, and commits unless told to leave it open.
func writeInTransaction(tb testing.TB, ctx context.Context, p *kafka.Producer, topic string, records map[string]string, commit bool) {
	tb.Helper()
	if err := p.BeginTransaction(); err != nil {
		tb.Fatal(err)
	}
	reports := make(chan kafka.Event, len(records))
	for k, v := range records {
		m := &kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: 0}, Key: []byte(k), Value: []byte(v)}
		if err := p.Produce(m, reports); err != nil {
			tb.Fatal(err)
		}
	}
	p.Flush(10_000)
	for range records {
		if m := (<-reports).(*kafka.Message); m.TopicPartition.Error != nil {
			tb.Fatalf("deliver %s: %v", m.Key, m.TopicPartition.Error)
		}
	}
	if commit {
		if err := p.CommitTransaction(ctx); err != nil {
			tb.Fatal(err)
		}
	}
}

// readCommittedByKey reads the topic's one partition as read_committed, key by
// key, the latest value winning.
func readCommittedByKey(tb testing.TB, bootstrap, topic string) map[string]string {
	tb.Helper()
	c, err := kafka.NewConsumer(&kafka.ConfigMap{"bootstrap.servers": bootstrap, "group.id": "check-compaction",
		"isolation.level": "read_committed", "enable.partition.eof": true, "log_level": 0})
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	if err := c.Assign([]kafka.TopicPartition{{Topic: &topic, Partition: 0, Offset: kafka.OffsetBeginning}}); err != nil {
		tb.Fatal(err)
	}
	got := map[string]string{}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		switch ev := c.Poll(100).(type) {
		case *kafka.Message:
			got[string(ev.Key)] = string(ev.Value)
		case kafka.PartitionEOF:
			return got
		}
	}
	tb.Fatal("the topic was not read to its end in 30 s")
	return nil
}
