package testkit

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// segmentAge is how old a compacted topic's segment gets on Apache Kafka
// before the next record rolls it, and the log cleaner may take it.
const segmentAge = 300 * time.Millisecond

// CompactedTopicConfigs are the configs of a compacted topic whose log
// cleaner, on Apache Kafka, runs within seconds: segments roll every few
// hundred milliseconds and any dirt is worth cleaning. kfake compacts when
// Compact asks.
func (c *Cluster) CompactedTopicConfigs() map[string]string {
	configs := map[string]string{"cleanup.policy": "compact"}
	if c.OnKafka() {
		configs["segment.ms"] = fmt.Sprint(segmentAge.Milliseconds())
		configs["min.cleanable.dirty.ratio"] = "0.001"
		configs["min.compaction.lag.ms"] = "0"
		configs["delete.retention.ms"] = "1000"
	}
	return configs
}

// Compact has the cluster compact topic and waits until it has: kfake
// compacts at once; Apache Kafka's log cleaner never touches a partition's
// active segment, so each partition's last record is written again once
// the segment has aged (the same change, again), which rolls it, and the
// test waits until the cleaner has cleaned every partition (each key once,
// and each partition's last record once more),
// rolling the segments again every 10 s, for up to 2 minutes. The
// topic must have CompactedTopicConfigs. It returns the records before and
// after.
func (c *Cluster) Compact(tb testing.TB, topic string) (before, after int) {
	tb.Helper()
	if c.Embedded != nil {
		before = len(readTopic(tb, c.Bootstrap, topic))
		c.Embedded.Compact()
		return before, len(readTopic(tb, c.Bootstrap, topic))
	}
	msgs := readTopic(tb, c.Bootstrap, topic)
	before = len(msgs)
	last := map[int32]*kafka.Message{}
	keys := map[string]bool{}
	for _, m := range msgs {
		last[m.TopicPartition.Partition] = m
		keys[strconv.Itoa(int(m.TopicPartition.Partition))+"/"+string(m.Key)] = true
	}
	// Compacted is each key once, and each partition's last record once
	// more in the segment the cleaner does not touch.
	compacted := len(keys) + len(last)
	p, err := kafka.NewProducer(&kafka.ConfigMap{"bootstrap.servers": c.Bootstrap, "acks": "all", "log_level": 3})
	if err != nil {
		tb.Fatal(err)
	}
	defer p.Close()
	// Each round rolls the segments again, giving the cleaner another
	// chance: on a loaded machine its first pass may come late, or find
	// too little dirt.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		time.Sleep(2 * segmentAge)
		writeAgain(tb, p, topic, last)
		for wait := time.Now().Add(10 * time.Second); time.Now().Before(wait); time.Sleep(500 * time.Millisecond) {
			if after = len(readTopic(tb, c.Bootstrap, topic)); after <= compacted {
				return before, after
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("the log cleaner did not compact %s in 2 minutes: %d records, %d before, %d once compacted", topic, after, before, compacted)
		}
	}
}

// writeAgain writes each partition's last record again, which rolls its
// segment once that has aged.
func writeAgain(tb testing.TB, p *kafka.Producer, topic string, last map[int32]*kafka.Message) {
	tb.Helper()
	reports := make(chan kafka.Event, len(last))
	for _, m := range last {
		again := &kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: m.TopicPartition.Partition},
			Key: m.Key, Value: m.Value, Headers: m.Headers}
		if err := p.Produce(again, reports); err != nil {
			tb.Fatal(err)
		}
	}
	for range last {
		select {
		case ev := <-reports:
			if m := ev.(*kafka.Message); m.TopicPartition.Error != nil {
				tb.Fatalf("write the last record of %s again: %v", topic, m.TopicPartition.Error)
			}
		case <-time.After(30 * time.Second):
			tb.Fatalf("the last records of %s were not written again in 30 s", topic)
		}
	}
}

// readTopic reads every record of a topic up to its end as it is now.
func readTopic(tb testing.TB, brokers, topic string) []*kafka.Message {
	tb.Helper()
	ends, err := highWatermarks(brokers, topic)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := kafka.NewConsumer(&kafka.ConfigMap{"bootstrap.servers": brokers, "group.id": "testkit-read",
		"enable.partition.eof": true, "enable.auto.commit": false, "log_level": 3})
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	var tps []kafka.TopicPartition
	for p := range ends {
		tps = append(tps, kafka.TopicPartition{Topic: &topic, Partition: p, Offset: kafka.OffsetBeginning})
	}
	if err := c.Assign(tps); err != nil {
		tb.Fatal(err)
	}
	var out []*kafka.Message
	deadline := time.Now().Add(30 * time.Second)
	for len(ends) > 0 && time.Now().Before(deadline) {
		switch ev := c.Poll(100).(type) {
		case *kafka.Message:
			out = append(out, ev)
			if int64(ev.TopicPartition.Offset)+1 >= ends[ev.TopicPartition.Partition] {
				delete(ends, ev.TopicPartition.Partition)
			}
		case kafka.PartitionEOF:
			if int64(ev.Offset) >= ends[ev.Partition] {
				delete(ends, ev.Partition)
			}
		}
	}
	if len(ends) > 0 {
		tb.Fatalf("partitions of %s not read to their end in 30 s", topic)
	}
	return out
}
