package kafkaio

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/game"
)

// GameRecord is one record of a games topic, as `pitchkafka scores` writes it.
type GameRecord struct {
	Partition int32
	Offset    int64
	State     game.GameState
}

// ReadGames reads every record of a games topic, from its beginning to its
// high watermark as it is when called, in offset order per partition, in
// any format scores writes (decoded by the first byte, as pitches are:
// with cfg.Registry for the Schema Registry formats).
// With committed it reads as a read_committed consumer does, only the
// records of committed transactions, waiting up to the transaction
// timeout for transactions still open to end; without, it reads every
// record written, those of aborted transactions too.
func ReadGames(cfg Config, topic string, committed bool) ([]GameRecord, error) {
	peek, err := newLoggedConsumer(cfg, gamesReaderConfig("pitchkafka-games-reader", false))
	if err != nil {
		return nil, err
	}
	defer peek.close()
	tm, err := existingTopic(peek.Consumer, cfg, topic)
	if err != nil {
		return nil, err
	}
	ends, err := highWatermarks(peek.Consumer, cfg, topic, partitionIDs(tm))
	if err != nil {
		return nil, err
	}
	dec, err := formats.NewDecoder(cfg.Formats(), topic)
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	r, err := newLoggedConsumer(cfg, gamesReaderConfig("pitchkafka-games-reader", committed))
	if err != nil {
		return nil, err
	}
	defer r.close()
	var out []GameRecord
	var bad error
	err = readToEnds(r.Consumer, topic, ends, DefaultTransactionTimeout+cfg.timeout(), nil, newConsumerEvents(cfg.Log), func(m *kafka.Message) {
		rec := GameRecord{Partition: m.TopicPartition.Partition, Offset: int64(m.TopicPartition.Offset)}
		var err error
		if rec.State, err = dec.DecodeGame(m.Value); err != nil && bad == nil {
			bad = fmt.Errorf("%s/%d offset %d: %w", topic, rec.Partition, rec.Offset, err)
		}
		out = append(out, rec)
	})
	if err == nil {
		err = bad
	}
	return out, err
}

// loggedConsumer is a consumer whose librdkafka logs go to the log.
type loggedConsumer struct {
	*kafka.Consumer
	logsDone chan struct{}
}

func newLoggedConsumer(cfg Config, defaults kafka.ConfigMap) (*loggedConsumer, error) {
	c, err := kafka.NewConsumer(cfg.configMap(defaults))
	if err != nil {
		return nil, fmt.Errorf("create consumer: %w", err)
	}
	lc := &loggedConsumer{Consumer: c, logsDone: make(chan struct{})}
	go drainLogs(c.Logs(), cfg.Log, lc.logsDone)
	return lc, nil
}

func (c *loggedConsumer) close() {
	c.Consumer.Close()
	<-c.logsDone
}

// gamesReaderConfig reads a games topic by assignment, from the beginning.
func gamesReaderConfig(group string, committed bool) kafka.ConfigMap {
	isolation := "read_uncommitted"
	if committed {
		isolation = "read_committed"
	}
	return kafka.ConfigMap{"group.id": group, "isolation.level": isolation, "enable.auto.commit": false,
		"enable.partition.eof": true, "auto.offset.reset": "earliest", "fetch.wait.max.ms": 10}
}

// highWatermarks returns the high watermark of each of the partitions that
// holds anything. Asked through a read_uncommitted client, it lies past
// any transaction still open.
func highWatermarks(c *kafka.Consumer, cfg Config, topic string, partitions []int32) (map[int32]int64, error) {
	ends := map[int32]int64{}
	for _, p := range partitions {
		low, high, err := watermarks(c, cfg, topic, p)
		if err != nil {
			return nil, err
		}
		if high > low {
			ends[p] = high
		}
	}
	return ends, nil
}

// errInterrupted says that a read to the ends was given up because its
// reader is stopping.
var errInterrupted = errors.New("interrupted: stopping")

// readToEnds reads the partitions of ends from their beginning until each
// is read up to its end, handing every record to fn. A read_committed
// consumer reaches an end only once the transactions open before it have
// ended; it gives up after wait, or with errInterrupted when quit closes.
func readToEnds(c *kafka.Consumer, topic string, ends map[int32]int64, wait time.Duration, quit <-chan struct{}, events consumerEvents, fn func(*kafka.Message)) error {
	if len(ends) == 0 {
		return nil
	}
	ends = maps.Clone(ends)
	var tps []kafka.TopicPartition
	for p := range ends {
		tps = append(tps, kafka.TopicPartition{Topic: &topic, Partition: p, Offset: kafka.OffsetBeginning})
	}
	if err := c.Assign(tps); err != nil {
		return err
	}
	deadline := time.Now().Add(wait)
	for len(ends) > 0 {
		select {
		case <-quit:
			return errInterrupted
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("partitions %v not read to their end in %v: a transaction there stays open", slices.Sorted(maps.Keys(ends)), wait)
		}
		switch ev := c.Poll(100).(type) {
		case *kafka.Message:
			fn(ev)
			if int64(ev.TopicPartition.Offset)+1 >= ends[ev.TopicPartition.Partition] {
				delete(ends, ev.TopicPartition.Partition)
			}
		case kafka.PartitionEOF:
			if int64(ev.Offset) >= ends[ev.Partition] {
				delete(ends, ev.Partition)
			}
		case kafka.Event:
			if err := events.handle(ev); err != nil {
				return err
			}
		}
	}
	return nil
}
