package kafkaio

import (
	"sync/atomic"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/rs/zerolog"
)

// tally counts what a consumer reads: good pitches, skipped records and
// bytes, and logs each skipped record. Both readers keep one.
type tally struct {
	log                     zerolog.Logger
	records, skipped, bytes atomic.Int64
}

func newTally(log zerolog.Logger) *tally { return &tally{log: log} }

// count counts record m, which decoded to a pitch or failed with err, and
// reports whether it is good; a bad one is logged with where it lies.
func (t *tally) count(m *kafka.Message, err error) bool {
	t.bytes.Add(int64(len(m.Value)))
	if err == nil {
		t.records.Add(1)
		return true
	}
	skipped := t.skipped.Add(1)
	t.log.Warn().Int32("partition", m.TopicPartition.Partition).Int64("offset", int64(m.TopicPartition.Offset)).
		Int("bytes", len(m.Value)).Int64("skipped", skipped).Err(err).Msg("skipped a record that is not a pitch event")
	return false
}

// stats returns the counts so far. It is safe to call at any time.
func (t *tally) stats() ConsumerStats {
	return ConsumerStats{Records: t.records.Load(), Skipped: t.skipped.Load(), Bytes: t.bytes.Load()}
}

// recordOf is the Record of message m, decoded as p.
func recordOf(m *kafka.Message, p game.Pitch) Record {
	return Record{Partition: m.TopicPartition.Partition, Offset: int64(m.TopicPartition.Offset),
		Timestamp: m.Timestamp, Pitch: p, headers: m.Headers}
}
