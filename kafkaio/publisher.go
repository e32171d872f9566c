package kafkaio

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/kafkaio/internal/rdk"
)

// producerDefaults are the settings publish runs with unless the user says
// otherwise: every record acknowledged by all in-sync replicas, exactly once
// per partition (idempotence), a bounded queue so memory stays flat, and a
// 5 ms linger that trades a few milliseconds of latency for batching.
var producerDefaults = kafka.ConfigMap{
	"acks":                         "all",
	"enable.idempotence":           true,
	"linger.ms":                    5,
	"queue.buffering.max.messages": 50000,
	"queue.buffering.max.kbytes":   4096,
}

// Pitch records carry no headers: the schema is the value's first field.
// (Headers cost confluent-kafka-go a cgo allocation per record producing
// and two conversions consuming, which cut its raw rates by a third and a
// quarter; on the batch path they would cost less, but say nothing new.)

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
	GamesOver   int64 // pitches handed to the client that ended a game
}

// Publisher writes pitch events to a topic, keyed by game, and checks every
// delivery report.
type Publisher struct {
	cfg   Config
	rdk   *rdk.Producer
	topic string

	sent, failed, bytes        atomic.Int64
	gamesOver                  atomic.Int64
	unconfirmed                atomic.Int64
	fatal, authFailed, lastErr atomic.Pointer[error]
	errs                       *errorLog
	brokerErrs                 *brokerErrors
	createdTopic               bool
}

// NewPublisher connects to the cluster and creates the topic if it is
// missing. It fails within cfg.Timeout when no broker answers.
func NewPublisher(ctx context.Context, cfg Config, spec TopicSpec) (*Publisher, error) {
	cm := cfg.configMap(producerDefaults)
	cfg.Log.Debug().Str("config", describe(cm)).Msg("producer")
	pub := &Publisher{cfg: cfg, topic: spec.Name, errs: newErrorLog(cfg.Log), brokerErrs: &brokerErrors{log: cfg.Log}}
	var err error
	if pub.rdk, err = rdk.NewProducer(rdkConfig(cm), spec.Name, rdkEvents(pub)); err != nil {
		err = fromRdk(err)
		return nil, fmt.Errorf("create producer: %w", err)
	}
	if err := pub.ensureTopic(ctx, spec); err != nil {
		pub.closeNow()
		return nil, err
	}
	return pub, nil
}

// ensureTopic asks the producer's own connections whether the topic
// exists and, if it is missing, creates it through an admin client. It
// then asks for the topic's metadata once more, from a broker the producer
// learned, so that librdkafka asks for the producer id at once (see
// rdkProducer.metadata): to an existing topic the first records waited
// 500 ms for it.
func (p *Publisher) ensureTopic(ctx context.Context, spec TopicSpec) error {
	tm, err := waitForMetadata(ctx, p.metadata, p.cfg, spec.Name, p.authFailure)
	if err != nil {
		return err
	}
	if tm.Error.Code() != kafka.ErrNoError || len(tm.Partitions) == 0 {
		err = withAdmin(p.cfg, func(admin *kafka.AdminClient) error {
			_, err := ensureTopic(ctx, admin, p.cfg, spec, p.authFailure)
			return err
		})
		if err != nil {
			return err
		}
		p.createdTopic = true
	}
	_, err = waitForMetadata(ctx, p.metadata, p.cfg, spec.Name, p.authFailure)
	return err
}

// CreatedTopic reports whether NewPublisher found the topic missing and
// created it: a topic that holds nothing of what came before.
func (p *Publisher) CreatedTopic() bool { return p.createdTopic }

// authFailure is the authentication failure the producer reported, if any.
func (p *Publisher) authFailure() error {
	if err := p.authFailed.Load(); err != nil {
		return *err
	}
	return nil
}

// deliveryFailed counts a failed delivery report: failed, or not confirmed
// when the outcome is unknown.
func (p *Publisher) deliveryFailed(err kafka.Error, partition int32, offset int64) {
	e := error(err)
	p.lastErr.Store(&e)
	if outcomeUnknown(err) {
		p.unconfirmed.Add(1)
	} else if p.failed.Add(1) == 1 {
		p.cfg.Log.Error().Err(err).Int32("partition", partition).Int64("offset", offset).Msg("delivery failed")
	}
	if isNotAuthorized(err) {
		p.fatal.CompareAndSwap(nil, &e)
	}
}

// clientError logs a client error; a fatal one (an idempotence error, an
// authorization refused) stops publishing.
func (p *Publisher) clientError(e kafka.Error) {
	p.errs.report(e)
	err := error(e)
	if isAuthFailure(e) {
		p.authFailed.CompareAndSwap(nil, &err)
	}
	if e.IsFatal() || isNotAuthorized(e) {
		p.fatal.CompareAndSwap(nil, &err)
	}
}

// stats watches librdkafka's statistics for errors it handled silently.
func (p *Publisher) stats(json string) {
	p.brokerErrs.observe(json, p.rdk.Delivered()+p.failed.Load())
}

// logLine logs one of librdkafka's log lines.
func (p *Publisher) logLine(ev kafka.LogEvent) { logEvent(p.cfg.Log, ev, logLevel) }

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
	return PublisherStats{Sent: p.sent.Load(), Delivered: p.rdk.Delivered(), Failed: p.failed.Load(),
		Unconfirmed: p.unconfirmed.Load(), Bytes: p.bytes.Load(), GamesOver: p.gamesOver.Load()}
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
	for n := p.rdk.Outstanding(); n > 0 && time.Now().Before(deadline); n = p.rdk.Flush(10 * time.Millisecond) {
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

func (p *Publisher) closeNow() { p.rdk.Close() }

// metadata asks the producer's own connections for its topic's metadata
// (see rdk.Producer.Metadata), as waitForMetadata asks.
func (p *Publisher) metadata(topic string, timeout time.Duration) (*kafka.TopicMetadata, error) {
	md, err := p.rdk.Metadata(timeout)
	if err != nil {
		return nil, fromRdk(err)
	}
	tm := &kafka.TopicMetadata{Topic: md.Topic}
	if md.Err != rdk.NoError {
		tm.Error = kafka.NewError(kafka.ErrorCode(md.Err), md.Err.String(), false)
	}
	for _, id := range md.Partitions {
		tm.Partitions = append(tm.Partitions, kafka.PartitionMetadata{ID: id})
	}
	return tm, nil
}

// publish hands the batch's records to the client in order, in one call,
// waiting while its queue is full; gamesOver of them end a game. On error,
// the records before the failing one have been handed over.
func (p *Publisher) publish(ctx context.Context, b *rdk.Batch, gamesOver int) error {
	n, err := p.rdk.Produce(ctx, b, 0, p.fatalErr)
	p.sent.Add(int64(n))
	p.bytes.Add(b.ValueBytes(0, n))
	if err == nil {
		p.gamesOver.Add(int64(gamesOver))
		return nil
	}
	var re *rdk.Error
	if !errors.As(err, &re) {
		return err // ctx's, or the fatal error that stopped the producer
	}
	if re.Fatal {
		p.clientError(kafkaError(re)) // logged once, and it stops publishing
		return p.fatalErr()
	}
	return fmt.Errorf("produce: %w", kafkaError(re))
}

// PublishStream publishes what stream generates, encoded by enc (nil:
// JSON). The stream runs on a goroutine of its own, encoding into batches,
// while this one hands each batch to the client in one call, so that
// generating hides behind the client. A batch goes when it is full or when
// the stream idles, so pacing adds no latency. The first error, of either
// side, stops both; it returns nil when the stream ends, and ctx's error
// when ctx ends first. Close still has to flush.
func (p *Publisher) PublishStream(ctx context.Context, enc *formats.Encoder, stream PitchStream) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	full, free := make(chan *pitchBatch, streamBatches), make(chan *pitchBatch, streamBatches)
	for range streamBatches {
		free <- &pitchBatch{enc: enc}
	}
	genErr := make(chan error, 1)
	go func() {
		defer close(full)
		genErr <- encodeStream(ctx, stream, free, full)
	}()
	var pubErr error
	for b := range full {
		if pubErr == nil {
			if pubErr = p.publish(ctx, &b.records, b.gamesOver); pubErr != nil {
				cancel() // stop generating; drain what was already encoded
			}
		}
		b.reset()
		free <- b
	}
	if err := <-genErr; pubErr == nil {
		return err
	}
	return pubErr
}
