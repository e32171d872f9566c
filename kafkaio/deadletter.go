package kafkaio

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// Headers a dead letter carries besides the record's own.
const (
	headerDLQError = "pitchkafka-error"
)

// deadLetters copies records that could not be used to a topic, as they
// were, with headers saying why and where from.
type deadLetters struct {
	pub    *Publisher
	source string
}

func openDeadLetters(cfg Config, topic, source string) (*deadLetters, error) {
	pub, err := NewPublisher(context.Background(), cfg, TopicSpec{Name: topic, Partitions: 1, ReplicationFactor: -1})
	if err != nil {
		return nil, fmt.Errorf("dead-letter topic %s: %w", topic, err)
	}
	return &deadLetters{pub: pub, source: source}, nil
}

// send copies m to the dead-letter topic and waits until it is delivered.
func (d *deadLetters) send(ctx context.Context, m *kafka.Message, why error) error {
	headers := append([]kafka.Header(nil), m.Headers...)
	headers = append(headers,
		kafka.Header{Key: headerDLQError, Value: []byte(why.Error())},
		kafka.Header{Key: headerSourceTopic, Value: []byte(d.source)},
		kafka.Header{Key: headerSourcePartition, Value: strconv.AppendInt(nil, int64(m.TopicPartition.Partition), 10)},
		kafka.Header{Key: headerSourceOffset, Value: strconv.AppendInt(nil, int64(m.TopicPartition.Offset), 10)})
	p := d.pub
	p.msg.Key, p.msg.Value, p.msg.Headers, p.msg.Timestamp = m.Key, m.Value, headers, m.Timestamp
	if err := p.produce(ctx); err != nil {
		return fmt.Errorf("dead-letter copy of %d/%d: %w", m.TopicPartition.Partition, m.TopicPartition.Offset, err)
	}
	for p.producer.Flush(100) > 0 {
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if st := p.Stats(); st.Failed > 0 {
		return fmt.Errorf("dead-letter copy of %d/%d was not delivered", m.TopicPartition.Partition, m.TopicPartition.Offset)
	}
	return nil
}

func (d *deadLetters) close(timeout time.Duration) error { return d.pub.Close(timeout) }
