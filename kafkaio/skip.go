package kafkaio

import (
	"sync/atomic"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/rs/zerolog"
)

// skipLog logs and counts records that are not valid pitch events.
type skipLog struct {
	log   zerolog.Logger
	count atomic.Int64
}

func newSkipLog(log zerolog.Logger) *skipLog { return &skipLog{log: log} }

func (s *skipLog) skip(m *kafka.Message, why error) {
	s.count.Add(1)
	s.log.Warn().Int32("partition", m.TopicPartition.Partition).Int64("offset", int64(m.TopicPartition.Offset)).
		Int("bytes", len(m.Value)).Int64("skipped", s.count.Load()).Err(why).Msg("skipped a record that is not a pitch event")
}
