package kafkaio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/kafkaio/internal/rdk"
	"github.com/rs/zerolog"
)

// Record is one consumed pitch with where it came from.
type Record struct {
	Partition int32
	Offset    int64
	// Timestamp is the record's timestamp, which publish sets to the pitch's ts.
	Timestamp time.Time
	Pitch     game.Pitch

	headers []kafka.Header
	// value is the record's value as it was read. From a Reader it lies in
	// librdkafka's memory and is valid only while the handler runs.
	value []byte
}

// ConsumerStats counts what a consumer read.
type ConsumerStats struct {
	Records int64 // good pitches handed on
	Skipped int64 // records that were not valid pitch events
	// NotCopied counts skipped records whose dead-letter copy could not be
	// written (a group member with a dead-letter topic only).
	NotCopied int64
	// Unchecked counts the records of Records that were not decoded in
	// full, because a later pitch of the same pitcher in the same batch
	// made them needless (ReadOptions.LastPitchesOnly).
	Unchecked int64
	Bytes     int64
}

// consumerDefaults keep the client's prefetch queue filled, so that a
// replay is limited by the client, not by round trips: librdkafka stops
// fetching a partition whose queue is full for fetch.queue.backoff.ms, by
// default a whole second, in which a replay empties a queue several times
// over. With a 10 ms pause a 16 MB queue is enough; with librdkafka's
// defaults a replay ran at half the speed with four times the queue.
var consumerDefaults = kafka.ConfigMap{
	"queued.min.messages":        200000,
	"queued.max.messages.kbytes": 16384,
	"fetch.queue.backoff.ms":     10,
	"fetch.wait.max.ms":          100,
	"enable.partition.eof":       true,
	"enable.auto.commit":         false,
	"auto.offset.reset":          "earliest",
	"socket.keepalive.enable":    true,
}

// Reader reads every partition of a topic by assignment, the way an event
// sourced view rebuilds its state: no consumer group, nothing committed.
//
// It reads on the batch path: each call to librdkafka returns a batch of
// records, decoded where they lie in librdkafka's memory. Decoding is then
// what limits a replay, so a Reader shares the partitions among up to
// maxPollers consumers, each read by its own goroutine, with one
// consumer's share of the prefetch queue each. A confluent-kafka-go
// consumer, which reads nothing, asks for the metadata and offsets.
type Reader struct {
	cfg          Config
	topic        string
	config       *kafka.ConfigMap
	meta         *kafka.Consumer
	metaLogsDone chan struct{}
	pollers      []*poller
	tally        *tally
	decoder      *formats.Decoder
}

// maxPollers bounds how many consumers a Reader reads at once; it uses no
// more than GOMAXPROCS.
const maxPollers = 4

// poller is one consumer of a Reader, with what it reports.
type poller struct {
	consumer *rdk.Consumer
	log      zerolog.Logger
	events   consumerEvents
	fatal    atomic.Pointer[error]
	msgs     []rdk.Message
	steps    []readStep
	recs     []Record // the batch's records to hand on, which steps index
	table    tableBatch
}

// NewReader connects to the cluster; it fails within cfg.Timeout when no
// broker answers, and when the topic does not exist.
func NewReader(cfg Config, topic string) (*Reader, error) {
	defaults := kafka.ConfigMap{"group.id": "pitchkafka-reader"}
	for k, v := range consumerDefaults {
		defaults[k] = v
	}
	for _, k := range []string{"queued.min.messages", "queued.max.messages.kbytes"} {
		defaults[k] = consumerDefaults[k].(int) / pollerCount() // the pollers share one queue's worth
	}
	r := &Reader{cfg: cfg, topic: topic, config: cfg.configMap(defaults), tally: newTally(cfg.Log),
		metaLogsDone: make(chan struct{})}
	cfg.Log.Debug().Str("config", describe(r.config)).Msg("consumer")
	if err := rdk.CheckLibrary(); err != nil {
		return nil, err
	}
	meta, err := kafka.NewConsumer(r.config)
	if err != nil {
		return nil, fmt.Errorf("create consumer: %w", err)
	}
	r.meta = meta
	go drainLogs(meta.Logs(), cfg.Log, r.metaLogsDone)
	if r.decoder, err = formats.NewDecoder(cfg.Formats(), topic); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

func pollerCount() int { return max(1, min(runtime.GOMAXPROCS(0), maxPollers)) }

// addPoller creates one more consumer.
func (r *Reader) addPoller() (*poller, error) {
	p := &poller{log: r.cfg.Log, events: newConsumerEvents(r.cfg.Log)}
	var err error
	if p.consumer, err = rdk.NewConsumer(rdkConfig(r.config), rdkEvents(p)); err != nil {
		return nil, fmt.Errorf("create consumer: %w", err)
	}
	r.pollers = append(r.pollers, p)
	return p, nil
}

// deliveryFailed is never called: a consumer delivers nothing.
func (p *poller) deliveryFailed(kafka.Error, int32, int64) {}

// clientError logs a consumer error; a fatal one stops the poller.
func (p *poller) clientError(e kafka.Error) {
	if err := p.events.handle(e); err != nil {
		p.fatal.CompareAndSwap(nil, &err)
	}
}

// stats watches librdkafka's statistics for errors it handled silently.
func (p *poller) stats(json string) { p.events.brokers.observe(json, -1) }

// logLine logs one of librdkafka's log lines.
func (p *poller) logLine(ev kafka.LogEvent) { logEvent(p.log, ev, logLevel) }

// ReadOptions says where a Reader starts and when it stops.
type ReadOptions struct {
	// FromBeginning replays each partition from its first offset; otherwise
	// reading starts at the end and sees only new pitches.
	FromBeginning bool
	// Once stops at the end of the log as it stood when reading began.
	Once bool
	// Start, when it has a partition, overrides where that partition starts.
	Start map[int32]int64
	// Tail, if positive, starts each partition this many records before
	// its end, as it stands at the start: with Once, Tail 1 reads the last
	// record of every partition, a cheap look at what a topic holds.
	Tail int64
	// Partitions, if set, reads only these partitions.
	Partitions []int32
	// LastPitchesOnly hands on, of each batch, only the records a
	// game.LastPitches table can need (see game.TablePicker), and decodes
	// only those in full: a table folded from them is the table folded
	// from every record. The others are counted in Records and Unchecked;
	// a bad record among them is not looked at, as it could not change
	// the table. A batch that cannot be read this way (records in another
	// format or field order, or a bad record picked) is decoded in full.
	LastPitchesOnly bool
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
// counted and skipped. The partitions are read by several goroutines, but
// handle is called for one record at a time.
func (r *Reader) Run(ctx context.Context, opts ReadOptions, handle func(Record)) error {
	tps, ends, err := r.plan(ctx, opts)
	if err != nil {
		return err
	}
	shares, err := r.share(tps)
	if err != nil {
		return err
	}
	ctx, stop := context.WithCancel(ctx)
	woken := r.wakeWhenDone(ctx, len(shares))
	defer func() { stop(); <-woken }()
	shared := &readRun{ends: ends, pending: len(ends), opts: opts, handle: handle, stop: stop}
	shared.check()
	errs := make(chan error, len(shares))
	for i := range shares {
		go func() { errs <- r.pollers[i].run(ctx, r, shared) }()
	}
	for range shares {
		if e := <-errs; e != nil && err == nil {
			err = e
			stop()
		}
	}
	return err
}

// wakeWhenDone wakes the first n pollers from the wait for their next
// batch as soon as ctx ends, so that a finished replay or an interrupt
// need not wait out the poll's timeout; the channel closes once done.
func (r *Reader) wakeWhenDone(ctx context.Context, n int) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-ctx.Done()
		for _, p := range r.pollers[:n] {
			p.consumer.Wake()
		}
	}()
	return done
}

// share splits the partitions among the pollers, creating those it needs,
// and assigns each its share.
func (r *Reader) share(tps []kafka.TopicPartition) ([][]kafka.TopicPartition, error) {
	shares := make([][]kafka.TopicPartition, max(1, min(pollerCount(), len(tps))))
	for i, tp := range tps {
		shares[i%len(shares)] = append(shares[i%len(shares)], tp)
	}
	for i, share := range shares {
		if i == len(r.pollers) {
			if _, err := r.addPoller(); err != nil {
				return nil, err
			}
		}
		starts := make([]rdk.Start, len(share))
		for j, tp := range share {
			starts[j] = rdk.Start{Partition: tp.Partition, Offset: int64(tp.Offset)}
		}
		if err := r.pollers[i].consumer.Assign(r.topic, starts); err != nil {
			return nil, fmt.Errorf("assign %s: %w", r.topic, fromRdk(err))
		}
	}
	return shares, nil
}

// run reads one consumer's batches until ctx ends or it reports a fatal
// error. Each batch is read in place and released by the next call.
func (p *poller) run(ctx context.Context, r *Reader, shared *readRun) error {
	for ctx.Err() == nil {
		p.msgs = p.consumer.Consume(100*time.Millisecond, p.msgs)
		var err error
		if !shared.opts.LastPitchesOnly || !p.decodeForTable(r) {
			err = p.decode(r)
		}
		shared.apply(p.steps, p.recs)
		clear(p.recs) // their values lie in the batch's memory
		if err != nil {
			return err
		}
		if err := p.fatal.Load(); err != nil {
			return *err
		}
	}
	return nil
}

// decode turns the batch into steps, decoding the records, outside the
// run's lock: a record, the end of a partition; an error is reported. It
// stops at an error that says nothing about a record.
func (p *poller) decode(r *Reader) error {
	p.steps, p.recs = p.steps[:0], p.recs[:0]
	for i := range p.msgs {
		m := &p.msgs[i]
		switch m.Err {
		case rdk.NoError:
			rec, ok, err := r.accept(p.consumer, m)
			if err != nil {
				return err
			}
			p.steps = append(p.steps, readStep{rec: p.handOn(rec, ok), partition: m.Partition, position: m.Offset + 1})
		case rdk.PartitionEOF:
			p.steps = append(p.steps, readStep{rec: noRecord, partition: m.Partition, position: m.Offset})
		default:
			p.clientError(kafka.NewError(kafka.ErrorCode(m.Err), string(m.Value), false))
		}
	}
	return nil
}

// readStep is one message of a batch as the run sees it: a good record
// to hand on, a record skipped, or the end of a partition, with the
// position it brings the partition to.
type readStep struct {
	rec       int32 // the index of the record to hand on in the poller's recs, or noRecord
	partition int32
	position  int64
}

// noRecord is a readStep's rec when it hands on nothing.
const noRecord = -1

// handOn adds rec to the batch's records to hand on, if ok, and returns
// its index for a readStep, or noRecord.
func (p *poller) handOn(rec Record, ok bool) int32 {
	if !ok {
		return noRecord
	}
	p.recs = append(p.recs, rec)
	return int32(len(p.recs) - 1)
}

// readRun is what the pollers of one Run share: the handler, called
// under its lock, and how far each partition has still to go to reach the
// end of the log as it stood at the start.
type readRun struct {
	mu       sync.Mutex
	ends     map[int32]int64
	pending  int
	caughtUp bool
	opts     ReadOptions
	handle   func(Record)
	stop     context.CancelFunc
}

// apply hands on a batch's good records, in order, under one lock, and
// notes how far each partition has come.
func (p *readRun) apply(steps []readStep, recs []Record) {
	if len(steps) == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := range steps {
		s := &steps[i]
		if s.rec != noRecord {
			if p.caughtUp && p.opts.Once {
				return // another poller has finished the replay
			}
			p.handle(recs[s.rec])
		}
		p.pending -= markDone(p.ends, s.partition, s.position)
		p.checkLocked()
	}
}

func (p *readRun) check() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.checkLocked()
}

// checkLocked reports catching up, once, and with Once ends the Run.
func (p *readRun) checkLocked() {
	if p.pending > 0 || p.caughtUp {
		return
	}
	p.caughtUp = true
	if p.opts.CaughtUp != nil {
		p.opts.CaughtUp()
	}
	if p.opts.Once {
		p.stop()
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

// plan returns the partitions to read with where each starts, and, for
// those with records to read, the end offset as it stands now.
func (r *Reader) plan(ctx context.Context, opts ReadOptions) ([]kafka.TopicPartition, map[int32]int64, error) {
	first := r.meta
	tm, err := existingTopic(ctx, first, r.cfg, r.topic)
	if err != nil {
		return nil, nil, err
	}
	ends := map[int32]int64{}
	backlog := int64(0)
	var tps []kafka.TopicPartition
	partitions := opts.Partitions
	if partitions == nil {
		partitions = partitionIDs(tm)
	}
	for _, p := range partitions {
		low, high, err := watermarks(first, r.cfg, r.topic, p)
		if err != nil {
			return nil, nil, err
		}
		start := kafka.Offset(high)
		if opts.FromBeginning {
			start = kafka.Offset(low)
		}
		if opts.Tail > 0 {
			start = kafka.Offset(max(high-opts.Tail, low))
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
	if opts.Backlog != nil {
		opts.Backlog(backlog)
	}
	return tps, ends, nil
}

// accept decodes a record where it lies; a bad one is logged, counted and
// not ok. It fails when the record could not be decoded for a reason other
// than the record itself (the Schema Registry did not answer). A value in
// the Schema Registry's wire format is copied first: the deserializers may
// keep parts of it.
func (r *Reader) accept(c *rdk.Consumer, m *rdk.Message) (Record, bool, error) {
	value := m.Value
	if formats.IsFramed(value) {
		value = bytes.Clone(value)
	}
	p, err := r.decoder.Decode(value)
	if isFatalDecodeErr(err) {
		return Record{}, false, err
	}
	if !r.tally.countAt(m.Partition, m.Offset, len(m.Value), err) {
		return Record{}, false, nil
	}
	return Record{Partition: m.Partition, Offset: m.Offset, Timestamp: m.Timestamp, Pitch: p,
		headers: kafkaHeaders(c.CopyHeaders(m)), value: m.Value}, true, nil
}

// Stats returns the counts so far. It is safe to call at any time.
func (r *Reader) Stats() ConsumerStats { return r.tally.stats() }

// Close closes the clients, all at once: each takes about 100 ms, the
// time librdkafka's threads take to notice.
func (r *Reader) Close() error {
	var wg sync.WaitGroup
	for _, p := range r.pollers {
		wg.Go(p.consumer.Close)
	}
	var err error
	if r.meta != nil {
		err = r.meta.Close()
		<-r.metaLogsDone
	}
	wg.Wait()
	if r.decoder != nil {
		r.decoder.Close()
	}
	return err
}

// isFatalDecodeErr reports whether a decoding error says nothing about the
// record: not an invalid pitch, but a registry that could not be asked.
func isFatalDecodeErr(err error) bool {
	return err != nil && !errors.Is(err, game.ErrInvalidPitch)
}
