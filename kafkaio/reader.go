package kafkaio

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/game"
)

// Record is one consumed pitch with where it came from.
type Record struct {
	Partition int32
	Offset    int64
	// Timestamp is the record's timestamp, which publish sets to the pitch's ts.
	Timestamp time.Time
	Pitch     game.Pitch

	headers []kafka.Header
}

// ConsumerStats counts what a consumer read.
type ConsumerStats struct {
	Records int64 // good pitches handed on
	Skipped int64 // records that were not valid pitch events
	Bytes   int64
}

// consumerDefaults fill the client's queue deep enough that a replay is
// limited by the broker, not by round trips.
var consumerDefaults = kafka.ConfigMap{
	"queued.min.messages":     200000,
	"fetch.wait.max.ms":       100,
	"enable.partition.eof":    true,
	"enable.auto.commit":      false,
	"auto.offset.reset":       "earliest",
	"socket.keepalive.enable": true,
}

// Reader reads every partition of a topic by assignment, the way an event
// sourced view rebuilds its state: no consumer group, nothing committed.
type Reader struct {
	cfg      Config
	consumer *kafka.Consumer
	topic    string
	logsDone chan struct{}
	events   consumerEvents
	skips    *skipLog

	records, bytes atomic.Int64
}

// NewReader connects to the cluster; it fails within cfg.Timeout when no
// broker answers, and when the topic does not exist.
func NewReader(cfg Config, topic string) (*Reader, error) {
	defaults := kafka.ConfigMap{"group.id": "pitchkafka-reader"}
	for k, v := range consumerDefaults {
		defaults[k] = v
	}
	cm := cfg.configMap(defaults)
	cfg.Log.Debug().Str("config", describe(cm)).Msg("consumer")
	c, err := kafka.NewConsumer(cm)
	if err != nil {
		return nil, fmt.Errorf("create consumer: %w", err)
	}
	r := &Reader{cfg: cfg, consumer: c, topic: topic, logsDone: make(chan struct{}),
		events: newConsumerEvents(cfg.Log), skips: newSkipLog(cfg.Log)}
	go drainLogs(c.Logs(), cfg.Log, r.logsDone)
	return r, nil
}

// ReadOptions says where a Reader starts and when it stops.
type ReadOptions struct {
	// FromBeginning replays each partition from its first offset; otherwise
	// reading starts at the end and sees only new pitches.
	FromBeginning bool
	// Once stops at the end of the log as it stood when reading began.
	Once bool
	// Start, when it has a partition, overrides where that partition starts.
	Start map[int32]int64
	// Partitions, if set, reads only these partitions.
	Partitions []int32
	// CaughtUp, if set, is called once when every partition has reached the
	// end of the log as it stood at the start.
	CaughtUp func()
	// Backlog, if set, is told how many records lie between where reading
	// starts and the end of the log as it stands at the start.
	Backlog func(records int64)
}

// Run reads pitches and hands each good one to handle, in order within each
// partition, until ctx ends or, with Once, the log's end is reached. Records
// that are not valid pitch events are logged with partition and offset,
// counted and skipped.
func (r *Reader) Run(ctx context.Context, opts ReadOptions, handle func(Record)) error {
	ends, err := r.assign(opts)
	if err != nil {
		return err
	}
	pending := len(ends)
	caughtUp := false
	for {
		if pending == 0 && !caughtUp {
			caughtUp = true
			if opts.CaughtUp != nil {
				opts.CaughtUp()
			}
			if opts.Once {
				return nil
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		switch ev := r.consumer.Poll(100).(type) {
		case *kafka.Message:
			r.accept(ev, handle)
			pending -= markDone(ends, ev.TopicPartition.Partition, int64(ev.TopicPartition.Offset)+1)
		case kafka.PartitionEOF:
			pending -= markDone(ends, ev.Partition, int64(ev.Offset))
		case kafka.Event:
			if err := r.events.handle(ev); err != nil {
				return err
			}
		}
	}
}

// markDone marks a partition caught up once its position reaches its end.
func markDone(ends map[int32]int64, partition int32, position int64) int {
	end, ok := ends[partition]
	if !ok || position < end {
		return 0
	}
	delete(ends, partition)
	return 1
}

// assign assigns every partition and returns, for those with records to
// read, the end offset as it stands now.
func (r *Reader) assign(opts ReadOptions) (map[int32]int64, error) {
	tm, err := existingTopic(r.consumer, r.cfg, r.topic)
	if err != nil {
		return nil, err
	}
	ends := map[int32]int64{}
	backlog := int64(0)
	var tps []kafka.TopicPartition
	partitions := opts.Partitions
	if partitions == nil {
		partitions = partitionIDs(tm)
	}
	for _, p := range partitions {
		low, high, err := r.consumer.QueryWatermarkOffsets(r.topic, p, int(r.cfg.timeout().Milliseconds()))
		if err != nil {
			return nil, fmt.Errorf("read offsets of %s/%d: %w", r.topic, p, err)
		}
		start := kafka.Offset(high)
		if opts.FromBeginning {
			start = kafka.Offset(low)
		}
		if s, ok := opts.Start[p]; ok {
			start = kafka.Offset(max(s, low))
		}
		if int64(start) < high {
			ends[p] = high
			backlog += high - max(int64(start), low)
		}
		tps = append(tps, kafka.TopicPartition{Topic: &r.topic, Partition: p, Offset: start})
	}
	if err := r.consumer.Assign(tps); err != nil {
		return nil, fmt.Errorf("assign %s: %w", r.topic, err)
	}
	if opts.Backlog != nil {
		opts.Backlog(backlog)
	}
	return ends, nil
}

func (r *Reader) accept(m *kafka.Message, handle func(Record)) {
	r.bytes.Add(int64(len(m.Value)))
	p, err := decodeRecord(m)
	if err != nil {
		r.skips.skip(m, err)
		return
	}
	r.records.Add(1)
	handle(Record{Partition: m.TopicPartition.Partition, Offset: int64(m.TopicPartition.Offset),
		Timestamp: m.Timestamp, Pitch: p, headers: m.Headers})
}

// Stats returns the counts so far. It is safe to call at any time.
func (r *Reader) Stats() ConsumerStats {
	return ConsumerStats{Records: r.records.Load(), Skipped: r.skips.count.Load(), Bytes: r.bytes.Load()}
}

// Close closes the client.
func (r *Reader) Close() error {
	err := r.consumer.Close()
	<-r.logsDone
	return err
}

// decodeRecord decodes a record's value as a pitch event.
func decodeRecord(m *kafka.Message) (game.Pitch, error) {
	if m.Value == nil {
		return game.Pitch{}, fmt.Errorf("%w: null value", game.ErrInvalidPitch)
	}
	return game.Decode(m.Value)
}
