package kafkaio

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/kafkaio/internal/rdk"
)

// Headers a dead letter carries besides the record's own.
const (
	headerDLQError = "pitchkafka-error"
	// headerTruncatedFrom is on a dead letter whose value was cut to fit
	// the dead-letter topic's limit; it gives the value's size, in bytes,
	// as the record had it.
	headerTruncatedFrom = "pitchkafka-truncated-from-bytes"
)

// producerMessageMaxBytes is librdkafka's message.max.bytes by default.
const producerMessageMaxBytes = 1_000_000

// recordOverhead leaves room, when a dead letter is cut to size, for what
// a record carries besides its key, value and headers' bytes.
const recordOverhead = 1024

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
	pub      *Publisher
	source   string
	maxBytes int       // the largest record the producer and the topic take
	batch    rdk.Batch // the one copy being written
}

func openDeadLetters(cfg Config, topic, source string) (*deadLetters, error) {
	pub, err := NewPublisher(context.Background(), cfg, TopicSpec{Name: topic, Partitions: 1, ReplicationFactor: -1})
	if err != nil {
		return nil, fmt.Errorf("dead-letter topic %s: %w", topic, err)
	}
	return &deadLetters{pub: pub, source: source, maxBytes: recordLimit(cfg, topic)}, nil
}

// recordLimit is the largest record a producer may write to topic: the
// smaller of the producer's message.max.bytes and the topic's
// max.message.bytes, when the cluster says it.
func recordLimit(cfg Config, topic string) int {
	limit := producerMessageMaxBytes
	if v, err := strconv.Atoi(cfg.Properties["message.max.bytes"]); err == nil && v > 0 {
		limit = v
	}
	withAdmin(cfg, func(admin *kafka.AdminClient) error {
		ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout())
		defer cancel()
		res, err := admin.DescribeConfigs(ctx, []kafka.ConfigResource{{Type: kafka.ResourceTopic, Name: topic}})
		if err != nil || len(res) != 1 {
			return err
		}
		if v, err := strconv.Atoi(res[0].Config["max.message.bytes"].Value); err == nil && v > 0 {
			limit = min(limit, v)
		}
		return nil
	})
	return limit
}

// errNotCopied is wrapped by send's error when the copy could not be
// written: the record is then skipped without one.
var errNotCopied = errors.New("dead-letter copy not written")

// send copies m to the dead-letter topic and waits until it is delivered.
// It returns ctx's error if ctx ends first, and an error wrapping
// errNotCopied if the copy was refused or failed (a record too large with
// its headers, a topic it may not write).
//
// A copy over the topic's limit is written with its value cut to fit, and
// a header giving the value's size as it was (headerTruncatedFrom), so that
// a user reading the topic finds every poison record.
func (d *deadLetters) send(ctx context.Context, m *polledRecord, why error) error {
	headers := append([]kafka.Header(nil), m.headers...)
	headers = append(headers, kafka.Header{Key: headerDLQError, Value: []byte(errorText(why))})
	headers = append(headers, sourceHeaders(d.source, m.partition, m.offset)...)
	value := m.value
	if d.room(m.key, headers) < len(value) {
		headers = append(headers, kafka.Header{Key: headerTruncatedFrom, Value: strconv.AppendInt(nil, int64(len(value)), 10)})
		value = value[:max(0, min(len(value), d.room(m.key, headers)))]
	}
	return d.write(ctx, m.key, value, headers, m.timestamp)
}

// room is how many bytes of value a dead letter with key and headers may
// carry; a key or headers too large leave none, and the copy fails.
func (d *deadLetters) room(key []byte, headers []kafka.Header) int {
	return d.maxBytes - recordOverhead - len(key) - headersSize(headers)
}

// headersSize is the bytes headers take in a record, near enough.
func headersSize(headers []kafka.Header) int {
	n := 0
	for _, h := range headers {
		n += len(h.Key) + len(h.Value) + 8
	}
	return n
}

// write writes one dead letter and waits until it is delivered.
func (d *deadLetters) write(ctx context.Context, key, value []byte, headers []kafka.Header, ts time.Time) error {
	p := d.pub
	failedBefore := p.failed.Load() + p.unconfirmed.Load()
	d.batch.Reset()
	d.batch.Add(key, value, rdkHeaders(headers), ts)
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
