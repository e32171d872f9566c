package kafkaio

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/kafkaio/internal/rdk"
)

// Headers of a changelog record naming the pitch record it came from.
const (
	headerSourceTopic     = "pitchkafka-source-topic"
	headerSourcePartition = "pitchkafka-source-partition"
	headerSourceOffset    = "pitchkafka-source-offset"
)

// Changelog writes a table's changes to a compacted topic, the way Kafka
// Streams backs a state store: key = pitcher id, value = his last pitch as
// the pitch record held it (in its format: JSON, or the Schema Registry
// wire format), and headers naming the pitch record behind each change.
// Compaction keeps one record per pitcher, so the table can be restored
// from it quickly, and the headers say where to resume reading the pitch
// topic.
type Changelog struct {
	pub    *Publisher
	cfg    Config
	topic  string
	source string
	key    []byte
	batch  rdk.Batch         // the one change being written
	reg    *formats.Registry // nil without a registry
	warned bool              // a schema could not be registered under the changelog's subject
}

// OpenChangelog connects and creates the changelog topic, compacted, if it
// is missing. source is the pitch topic whose changes it records.
func OpenChangelog(ctx context.Context, cfg Config, topic, source string) (*Changelog, error) {
	pub, err := NewPublisher(ctx, cfg, TopicSpec{Name: topic, Partitions: 1, ReplicationFactor: -1,
		Configs: map[string]string{"cleanup.policy": "compact"}})
	if err != nil {
		return nil, err
	}
	reg, err := formats.OpenRegistry(cfg.Formats())
	if err != nil {
		pub.closeNow()
		return nil, err
	}
	return &Changelog{pub: pub, cfg: cfg, topic: topic, source: source, reg: reg}, nil
}

// RestoreStats says what a restore read.
type RestoreStats struct {
	Records int64 // changelog records read
	Skipped int64 // changelog records that were not pitch events
}

// Restore reads the changelog from its beginning to its end, hands every
// recorded pitch to apply, and returns, for each partition of the source
// topic, the offset after the last record it recorded: where to resume.
func (c *Changelog) Restore(ctx context.Context, apply func(p *game.Pitch)) (map[int32]int64, RestoreStats, error) {
	r, err := NewReader(c.cfg, c.topic)
	if err != nil {
		return nil, RestoreStats{}, err
	}
	defer r.Close()
	resume := map[int32]int64{}
	err = r.Run(ctx, ReadOptions{FromBeginning: true, Once: true}, func(rec Record) {
		apply(&rec.Pitch)
		if topic, partition, offset, ok := sourceOf(rec.headers); ok && topic == c.source {
			resume[partition] = max(resume[partition], offset+1)
		}
	})
	st := r.Stats()
	return resume, RestoreStats{Records: st.Records, Skipped: st.Skipped}, err
}

// sourceOf reads the source headers of a changelog record.
func sourceOf(headers []kafka.Header) (topic string, partition int32, offset int64, ok bool) {
	var havePartition, haveOffset bool
	for _, h := range headers {
		switch h.Key {
		case headerSourceTopic:
			topic = string(h.Value)
		case headerSourcePartition:
			p, err := strconv.ParseInt(string(h.Value), 10, 32)
			partition, havePartition = int32(p), err == nil
		case headerSourceOffset:
			o, err := strconv.ParseInt(string(h.Value), 10, 64)
			offset, haveOffset = o, err == nil
		}
	}
	return topic, partition, offset, topic != "" && havePartition && haveOffset
}

// Record writes one change: the pitcher's new last pitch and the pitch
// record it came from.
func (c *Changelog) Record(ctx context.Context, rec *Record) error {
	value := rec.value
	if value == nil {
		value = rec.Pitch.AppendJSON(nil)
	}
	c.registerSchemaOf(value)
	c.key = strconv.AppendInt(c.key[:0], rec.Pitch.Pitcher, 10)
	c.batch.Reset()
	c.batch.Add(c.key, value, rdkHeaders(sourceHeaders(c.source, rec.Partition, rec.Offset)), rec.Pitch.TS)
	return c.pub.publish(ctx, &c.batch, 0)
}

// sourceHeaders name the record a changelog record or a dead letter came
// from: its topic, partition and offset.
func sourceHeaders(topic string, partition int32, offset int64) []kafka.Header {
	return []kafka.Header{
		{Key: headerSourceTopic, Value: []byte(topic)},
		{Key: headerSourcePartition, Value: strconv.AppendInt(nil, int64(partition), 10)},
		{Key: headerSourceOffset, Value: strconv.AppendInt(nil, offset, 10)}}
}

// registerSchemaOf registers the schema of a framed value under the
// changelog's subject too (once per schema), as Kafka Streams registers a
// changelog's schemas, so that it reads back under its own subject. If the
// registry refuses, it says so once: a registry that does not tie ids to
// subjects still reads the records.
func (c *Changelog) registerSchemaOf(value []byte) {
	if c.reg == nil {
		return
	}
	if err := c.reg.RegisterFramedUnder(value, formats.Subject(c.topic), formats.Subject(c.source)); err != nil && !c.warned {
		c.warned = true
		c.cfg.Log.Warn().Err(err).Str("subject", formats.Subject(c.topic)).
			Msg("could not register the pitches' schema under the changelog's subject; a registry that checks subjects will not restore from it")
	}
}

// Stats returns the changelog producer's counts.
func (c *Changelog) Stats() PublisherStats { return c.pub.Stats() }

// Close flushes the changes still queued, waiting up to timeout, and fails
// if any was not delivered.
func (c *Changelog) Close(timeout time.Duration) error {
	c.reg.Close()
	if err := c.pub.Close(timeout); err != nil {
		return fmt.Errorf("changelog %s: %w", c.topic, err)
	}
	return nil
}
