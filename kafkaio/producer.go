package kafkaio

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/game"
)

// producerDefaults are the settings publish runs with unless the user says
// otherwise: every record acknowledged by all in-sync replicas, exactly once
// per partition (idempotence), a bounded queue so memory stays flat, and a
// 5 ms linger that trades a few milliseconds of latency for batching.
// The Go client's own channels are sized down from a million slots each:
// delivery reports are read as they come, and the produce channel is unused.
var producerDefaults = kafka.ConfigMap{
	"acks":                         "all",
	"enable.idempotence":           true,
	"linger.ms":                    5,
	"queue.buffering.max.messages": 50000,
	"queue.buffering.max.kbytes":   4096,
	"go.delivery.report.fields":    "none",
	"go.events.channel.size":       10000,
	"go.produce.channel.size":      1,
}

// Pitch records carry no headers. The schema is the value's first field,
// and each header costs the Go client a cgo allocation per record when
// producing and two conversions with several allocations when consuming:
// measured on this project's records, two headers cut the client's raw
// produce rate by a third and its raw consume rate by a quarter.

// PublisherStats counts a publisher's pitches.
type PublisherStats struct {
	Sent      int64 // handed to the client
	Delivered int64 // acknowledged by the broker
	Failed    int64 // reported failed: not written
	// Unconfirmed have no known outcome and may or may not be written: they
	// timed out or were purged in flight, or were still queued or in flight
	// when Close gave up waiting.
	Unconfirmed int64
	Bytes       int64 // value bytes sent
}

// Publisher writes pitch events to a topic, keyed by game, and checks every
// delivery report.
type Publisher struct {
	cfg      Config
	producer *kafka.Producer
	topic    string
	msg      kafka.Message
	one      Batch // Publish's single pitch

	sent, delivered, failed, bytes atomic.Int64
	unconfirmed                    atomic.Int64
	fatal, authFailed, lastErr     atomic.Pointer[error]
	reportsDone, logsDone          chan struct{}
	errs                           *errorLog
	brokerErrs                     *brokerErrors
}

// NewPublisher connects to the cluster and creates the topic if it is
// missing. It fails within cfg.Timeout when no broker answers.
func NewPublisher(ctx context.Context, cfg Config, spec TopicSpec) (*Publisher, error) {
	cm := cfg.configMap(producerDefaults)
	cfg.Log.Debug().Str("config", describe(cm)).Msg("producer")
	p, err := kafka.NewProducer(cm)
	if err != nil {
		return nil, fmt.Errorf("create producer: %w", err)
	}
	pub := &Publisher{
		cfg: cfg, producer: p, topic: spec.Name,
		reportsDone: make(chan struct{}), logsDone: make(chan struct{}),
		errs: newErrorLog(cfg.Log), brokerErrs: &brokerErrors{log: cfg.Log},
	}
	go drainLogs(p.Logs(), cfg.Log, pub.logsDone)
	go pub.readReports()
	if err := pub.ensureTopic(ctx, spec); err != nil {
		pub.closeNow()
		return nil, err
	}
	pub.msg.TopicPartition = kafka.TopicPartition{Topic: &pub.topic, Partition: kafka.PartitionAny}
	return pub, nil
}

func (p *Publisher) ensureTopic(ctx context.Context, spec TopicSpec) error {
	admin, err := kafka.NewAdminClientFromProducer(p.producer)
	if err != nil {
		return fmt.Errorf("create admin client: %w", err)
	}
	defer admin.Close()
	_, err = ensureTopic(ctx, admin, p.cfg, spec, func() error {
		if err := p.authFailed.Load(); err != nil {
			return *err
		}
		return nil
	})
	return err
}

// readReports counts delivery reports until the producer closes.
func (p *Publisher) readReports() {
	defer close(p.reportsDone)
	for ev := range p.producer.Events() {
		switch e := ev.(type) {
		case *kafka.Message:
			if err := e.TopicPartition.Error; err != nil {
				p.lastErr.Store(&err)
				if outcomeUnknown(err) {
					p.unconfirmed.Add(1)
				} else if p.failed.Add(1) == 1 {
					p.cfg.Log.Error().Err(err).Msg("delivery failed")
				}
				if isNotAuthorized(err) {
					p.fatal.CompareAndSwap(nil, &err)
				}
				continue
			}
			p.delivered.Add(1)
		case *kafka.Stats:
			p.brokerErrs.observe(e.String(), p.delivered.Load()+p.failed.Load())
		case kafka.Error:
			p.errs.report(e)
			err := error(e)
			if isAuthFailure(e) {
				p.authFailed.CompareAndSwap(nil, &err)
			}
			if e.IsFatal() || isNotAuthorized(e) {
				p.fatal.CompareAndSwap(nil, &err)
			}
		}
	}
}

// Publish hands one pitch to the client, keyed by its game. When the
// client's queue is full it waits for deliveries to make room, so memory
// stays bounded. It returns an error when ctx ends first or the producer has
// failed for good.
func (p *Publisher) Publish(ctx context.Context, pitch *game.Pitch) error {
	p.one.Reset()
	if err := p.one.Add(pitch); err != nil {
		return err
	}
	return p.PublishBatch(ctx, &p.one)
}

// produce hands p.msg to the client, waiting while its queue is full.
func (p *Publisher) produce(ctx context.Context) error {
	for {
		if err := p.fatalErr(); err != nil {
			return err
		}
		err := p.producer.Produce(&p.msg, nil)
		if err == nil {
			p.sent.Add(1)
			p.bytes.Add(int64(len(p.msg.Value)))
			return nil
		}
		if kafkaCode(err) != kafka.ErrQueueFull {
			return fmt.Errorf("produce: %w", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
}

// lastFailure is the error of the last delivery that failed.
func (p *Publisher) lastFailure() error {
	if err := p.lastErr.Load(); err != nil {
		return *err
	}
	return errors.New("no delivery failed")
}

// fatalErr says why the producer cannot go on, or returns nil.
func (p *Publisher) fatalErr() error {
	fatal := p.fatal.Load()
	if fatal == nil {
		return nil
	}
	if isNotAuthorized(*fatal) {
		return fmt.Errorf("not authorized to write topic %s: ask for a Write ACL on it, or use other credentials (%w)",
			p.topic, *fatal)
	}
	return fmt.Errorf("producer failed: %w", *fatal)
}

// Stats returns the counts so far. It is safe to call at any time.
func (p *Publisher) Stats() PublisherStats {
	return PublisherStats{Sent: p.sent.Load(), Delivered: p.delivered.Load(), Failed: p.failed.Load(),
		Unconfirmed: p.unconfirmed.Load(), Bytes: p.bytes.Load()}
}

// outcomeUnknown reports whether a delivery error leaves it unknown
// whether the broker wrote the record: it timed out, or was purged, while
// a request carrying it may have reached the broker.
func outcomeUnknown(err error) bool {
	switch kafkaCode(err) {
	case kafka.ErrMsgTimedOut, kafka.ErrPurgeInflight, kafka.ErrTimedOut:
		return true
	}
	return false
}

// ErrUndelivered is returned by Close when some pitches were not delivered.
var ErrUndelivered = errors.New("pitches not delivered")

// Close waits up to timeout for every outstanding pitch to be delivered,
// then closes the client. It returns an error wrapping ErrUndelivered when
// any pitch failed or is unconfirmed; the error tells the two apart, since
// a pitch still queued or in flight at shutdown may or may not have been
// written. Stats counts them once Close has returned.
func (p *Publisher) Close(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for p.producer.Len() > 0 && time.Now().Before(deadline) {
		p.producer.Flush(10) // short waits: the reports goroutine may take the event Flush waits for
	}
	p.closeNow()
	st := p.Stats()
	if outstanding := st.Sent - st.Delivered - st.Failed - st.Unconfirmed; outstanding > 0 {
		p.unconfirmed.Add(outstanding) // no report came: queued or in flight when the client closed
		st = p.Stats()
	}
	if lost := st.Sent - st.Delivered; lost > 0 {
		err := fmt.Errorf("%w: %d of %d: %d failed, %d not confirmed (queued or in flight at shutdown: may or may not be written)",
			ErrUndelivered, lost, st.Sent, st.Failed, st.Unconfirmed)
		if cause := p.fatalErr(); cause != nil {
			err = fmt.Errorf("%w; %w", cause, err)
		}
		return err
	}
	return nil
}

func (p *Publisher) closeNow() {
	p.producer.Close()
	<-p.reportsDone
	<-p.logsDone
}
