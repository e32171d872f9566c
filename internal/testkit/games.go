package testkit

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/game"
)

// GameRecord is one record of a games topic, as `pitchkafka scores` writes
// it.
type GameRecord struct {
	Partition int32
	Offset    int64
	State     game.GameState
}

// ReadGames reads every record of a games topic, from its beginning to its
// high watermark as it is when called, in offset order per partition, in
// any format scores writes (decoded by formats, with its registry). With
// committed it reads as a read_committed consumer does, only the records
// of committed transactions, waiting up to wait for transactions still
// open to end; without, it reads every record written, those of aborted
// transactions too. It fails on a record that is no game state.
func ReadGames(brokers string, fc formats.Config, topic string, committed bool, wait time.Duration) ([]GameRecord, error) {
	ends, err := highWatermarks(brokers, topic)
	if err != nil {
		return nil, err
	}
	dec, err := formats.NewDecoder(fc, topic)
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	isolation := map[bool]string{true: "read_committed", false: "read_uncommitted"}[committed]
	c, err := kafka.NewConsumer(&kafka.ConfigMap{"bootstrap.servers": brokers, "group.id": "testkit-games",
		"isolation.level": isolation, "enable.partition.eof": true, "enable.auto.commit": false, "log_level": 3})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var tps []kafka.TopicPartition
	for p := range ends {
		tps = append(tps, kafka.TopicPartition{Topic: &topic, Partition: p, Offset: kafka.OffsetBeginning})
	}
	if err := c.Assign(tps); err != nil {
		return nil, err
	}
	var out []GameRecord
	deadline := time.Now().Add(wait)
	for len(ends) > 0 {
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("partitions %v of %s not read to their end in %v: a transaction there stays open",
				slices.Sorted(maps.Keys(ends)), topic, wait)
		}
		switch ev := c.Poll(100).(type) {
		case *kafka.Message:
			tp := ev.TopicPartition
			st, err := dec.DecodeGame(ev.Value)
			if err != nil {
				return nil, fmt.Errorf("%s/%d offset %d: %w", topic, tp.Partition, tp.Offset, err)
			}
			out = append(out, GameRecord{Partition: tp.Partition, Offset: int64(tp.Offset), State: st})
			if int64(tp.Offset)+1 >= ends[tp.Partition] {
				delete(ends, tp.Partition)
			}
		case kafka.PartitionEOF:
			if int64(ev.Offset) >= ends[ev.Partition] {
				delete(ends, ev.Partition)
			}
		case kafka.Error:
			if ev.IsFatal() {
				return nil, ev
			}
		}
	}
	return out, nil
}

// highWatermarks returns the high watermark of each partition of topic
// that holds anything. Asked through a read_uncommitted client, it lies
// past any transaction still open.
func highWatermarks(brokers, topic string) (map[int32]int64, error) {
	c, err := kafka.NewConsumer(&kafka.ConfigMap{"bootstrap.servers": brokers, "group.id": "testkit-ends", "log_level": 3})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	md, err := c.GetMetadata(&topic, false, 10000)
	if err != nil {
		return nil, err
	}
	tm, ok := md.Topics[topic]
	if !ok || tm.Error.Code() != kafka.ErrNoError {
		return nil, fmt.Errorf("topic %s: %v", topic, tm.Error)
	}
	ends := map[int32]int64{}
	for _, p := range tm.Partitions {
		low, high, err := c.QueryWatermarkOffsets(topic, p.ID, 10000)
		if err != nil {
			return nil, err
		}
		if high > low {
			ends[p.ID] = high
		}
	}
	return ends, nil
}
