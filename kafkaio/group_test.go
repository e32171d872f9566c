package kafkaio

import (
	"bytes"
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/rs/zerolog"
)

func TestPoisonRecordsGoToTheDeadLetterTopicAndNeverBlockTheGroup(t *testing.T) {
	b := mustStartBroker(t)
	cfg := testConfig(b, zerolog.Nop())
	good := mustPublish(t, cfg, "pitches", 200)
	bad := [][]byte{[]byte("not json"), []byte(`{"schema":"other/v1"}`), nil, []byte(`{"truncated":`)}
	produceRaw(t, b.Bootstrap(), "pitches", 1, bad)

	g, err := NewGroupReader(cfg, GroupOptions{Topic: "pitches", Group: "dlq-test", FromBeginning: true, DLQ: "pitches-dlq"})
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
	c, err := kafka.NewConsumer(&kafka.ConfigMap{"bootstrap.servers": brokers, "group.id": group, "log_level": 3})
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	var tps []kafka.TopicPartition
	for p := int32(0); p < 3; p++ {
		tps = append(tps, kafka.TopicPartition{Topic: &topic, Partition: p})
	}
	committed, err := c.Committed(tps, 10000)
	if err != nil {
		tb.Fatal(err)
	}
	for _, tp := range committed {
		_, high, err := c.QueryWatermarkOffsets(topic, tp.Partition, 10000)
		if err != nil {
			tb.Fatal(err)
		}
		if int64(tp.Offset) != high {
			tb.Errorf("partition %d committed at %s, end %s: the group would read it again", tp.Partition,
				tp.Offset, strconv.FormatInt(high, 10))
		}
	}
}
