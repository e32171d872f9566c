package kafkaio

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/kafkaio/internal/rdk"
)

// Headers a dead letter carries besides the record's own.
const (
	headerDLQError = "pitchkafka-error"
)

// maxErrorText bounds the text of an error about a record, in a dead
// letter's header or a log line: the error may quote the record, and a
// poison record can be a megabyte.
const maxErrorText = 300

// errorText is err's message cut to maxErrorText bytes, on a character
// boundary, marked when cut.
func errorText(err error) string {
	s := err.Error()
	if len(s) <= maxErrorText {
		return s
	}
	cut := maxErrorText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("… (%d bytes cut)", len(s)-cut)
}

// deadLetters copies records that could not be used to a topic, as they
// were, with headers saying why and where from.
type deadLetters struct {
	pub    *Publisher
	source string
	batch  rdk.Batch // the one copy being written
}

func openDeadLetters(cfg Config, topic, source string) (*deadLetters, error) {
	pub, err := NewPublisher(context.Background(), cfg, TopicSpec{Name: topic, Partitions: 1, ReplicationFactor: -1})
	if err != nil {
		return nil, fmt.Errorf("dead-letter topic %s: %w", topic, err)
	}
	return &deadLetters{pub: pub, source: source}, nil
}

// errNotCopied is wrapped by send's error when the copy could not be
// written: the record is then skipped without one.
var errNotCopied = errors.New("dead-letter copy not written")

// send copies m to the dead-letter topic and waits until it is delivered.
// It returns ctx's error if ctx ends first, and an error wrapping
// errNotCopied if the copy was refused or failed (a record too large with
// its headers, a topic it may not write).
func (d *deadLetters) send(ctx context.Context, m *kafka.Message, why error) error {
	headers := append([]kafka.Header(nil), m.Headers...)
	headers = append(headers, kafka.Header{Key: headerDLQError, Value: []byte(errorText(why))})
	headers = append(headers, sourceHeaders(d.source, m.TopicPartition.Partition, int64(m.TopicPartition.Offset))...)
	p := d.pub
	failedBefore := p.failed.Load() + p.unconfirmed.Load()
	d.batch.Reset()
	d.batch.Add(m.Key, m.Value, rdkHeaders(headers), m.Timestamp)
	err := p.publish(ctx, &d.batch, 0)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%w: %w", errNotCopied, err)
	}
	for p.rdk.Flush(100*time.Millisecond) > 0 {
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if p.failed.Load()+p.unconfirmed.Load() > failedBefore {
		return fmt.Errorf("%w: delivery failed: %s", errNotCopied, p.lastFailure())
	}
	return nil
}

// close closes the producer. Every copy was waited for by send, and each
// that failed was logged and counted then, so only other errors are
// returned.
func (d *deadLetters) close(timeout time.Duration) error {
	if err := d.pub.Close(timeout); err != nil && !errors.Is(err, ErrUndelivered) {
		return err
	}
	return nil
}
