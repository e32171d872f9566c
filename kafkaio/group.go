package kafkaio

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/rs/zerolog"
)

// GroupOptions configures a consumer-group member.
type GroupOptions struct {
	Topic string
	Group string
	// FromBeginning starts a group with no committed offsets at the earliest
	// offset instead of the latest.
	FromBeginning bool
	// DLQ, if set, is a topic where records that are not valid pitch events
	// are copied, with headers saying why and where from, before they are
	// skipped. A copy that cannot be written (too large with its headers,
	// say) is logged and counted in ConsumerStats.NotCopied, and its record
	// skipped all the same.
	DLQ string
	// Once stops the member when every partition it owns has reached the
	// end of the log as it stood when Run began.
	Once bool
	// StatsInterval and OnStats, if both set, report the member's lag from
	// the goroutine that calls the handler, every interval.
	StatsInterval time.Duration
	OnStats       func(GroupStats)
	// Flush, if set, is called before the offsets of handled records are
	// stored for commit. A handler that buffers its output writes it out
	// here, so that no offset is committed before its record's output is
	// out. It is called from the goroutine that calls the handler, at least
	// every few hundred records and whenever no record is waiting.
	Flush func() error
}

// PartitionLag is one assigned partition's position and lag.
type PartitionLag struct {
	Partition     int32 `json:"partition"`
	Position      int64 `json:"position"`
	HighWatermark int64 `json:"high_watermark"`
	Lag           int64 `json:"lag"`
}

// GroupStats is a member's view of its partitions at one moment.
type GroupStats struct {
	Partitions []PartitionLag
	TotalLag   int64
}

// GroupReader is a member of a consumer group. It consumes at least once:
// a record's offset is stored for commit only after the handler has
// returned, the stored offsets are committed in the background, before
// partitions are given up in a rebalance, and at shutdown.
//
// One goroutine polls the client and hands the records over in batches to
// another, which handles them and stores their offsets, so that the
// client's per-record cost and the handler's overlap. Records are decoded
// by the handling goroutine, or by the polling one when batches are
// already waiting to be handled. A handler stuck writing holds up neither
// the group's rebalances nor a shutdown (see groupstall.go).
type GroupReader struct {
	cfg      Config
	opts     GroupOptions
	consumer *kafka.Consumer
	log      zerolog.Logger
	logsDone chan struct{}
	events   consumerEvents
	tally    *tally
	decoder  *valueDecoder

	dlq *deadLetters

	// stopBy, once set, is when the member must be gone (Unix nanoseconds):
	// the client timeout after Run's context ended or Close was called.
	// Every commit, leaving the group and closing the client fit in it.
	stopBy atomic.Int64

	// unstored holds, per partition, the offset after the last record
	// handled but not yet stored for commit; unstoredCount counts them.
	// Only the handling goroutine uses them.
	unstored      map[int32]handledAt
	unstoredCount int

	// pipe carries polled records to the handling goroutine while Run
	// runs; pending is the batch being filled by the polling goroutine;
	// stalled says the handler is stuck and the partitions are paused
	// (see groupstall.go); givenUp, what a revoke gave up on meanwhile.
	pipe    *pipe
	pending *batch
	stalled bool
	givenUp givenUp
}

// handledAt is the offset after a handled record, and the epoch of the
// batch it came in.
type handledAt struct {
	tp    kafka.TopicPartition
	epoch uint64
}

// NewGroupReader joins the group and subscribes to the topic. It fails
// within cfg.Timeout when no broker answers or the topic does not exist.
func NewGroupReader(cfg Config, opts GroupOptions) (*GroupReader, error) {
	reset := "latest"
	if opts.FromBeginning {
		reset = "earliest"
	}
	defaults := kafka.ConfigMap{
		"group.id":                      opts.Group,
		"partition.assignment.strategy": "cooperative-sticky",
		"enable.auto.commit":            true,
		"enable.auto.offset.store":      false,
		"auto.offset.reset":             reset,
		"queued.min.messages":           consumerDefaults["queued.min.messages"],
		"queued.max.messages.kbytes":    consumerDefaults["queued.max.messages.kbytes"],
		"fetch.queue.backoff.ms":        consumerDefaults["fetch.queue.backoff.ms"],
		"fetch.wait.max.ms":             consumerDefaults["fetch.wait.max.ms"],
		// After a broker restart the member fetches again as soon as it
		// reconnects, but commits nothing until it has found its
		// coordinator and rejoined; librdkafka's default backoff (up to
		// 10 s) kept it printing for that long with nothing committed.
		"reconnect.backoff.max.ms": 1000,
		// What a member has printed but not committed is printed again
		// after a crash or a restart of the coordinator; commit every
		// second rather than every five.
		"auto.commit.interval.ms": 1000,
	}
	cm := cfg.configMap(withoutAssignorIfBrokerAssigns(defaults, cfg))
	userAsked := withGroupDebug(cm)
	cfg.Log.Debug().Str("config", describe(cm)).Msg("group consumer")
	c, err := kafka.NewConsumer(cm)
	if err != nil {
		return nil, fmt.Errorf("create consumer: %w", err)
	}
	g := &GroupReader{cfg: cfg, opts: opts, consumer: c, log: cfg.Log, logsDone: make(chan struct{}),
		events: newConsumerEvents(cfg.Log), tally: newTally(cfg.Log), unstored: map[int32]handledAt{}}
	go drainLogsAt(c.Logs(), cfg.Log, g.logsDone, g.events.brokers.codes.noting(groupLogLevel(userAsked, g.events.errs)))
	if g.decoder, err = newValueDecoder(cfg, opts.Topic); err == nil {
		err = g.subscribe()
	}
	if err != nil {
		g.consumer.Close()
		<-g.logsDone
		g.decoder.close()
		return nil, err
	}
	if opts.DLQ != "" {
		if g.dlq, err = openDeadLetters(cfg, opts.DLQ, opts.Topic); err != nil {
			g.Close()
			return nil, err
		}
	}
	return g, nil
}

func (g *GroupReader) subscribe() error {
	if _, err := existingTopic(g.consumer, g.cfg, g.opts.Topic); err != nil {
		return err
	}
	if err := g.consumer.Subscribe(g.opts.Topic, g.rebalance); err != nil {
		return fmt.Errorf("subscribe to %s: %w", g.opts.Topic, err)
	}
	return nil
}

// rebalance runs inside Poll on the polling goroutine. Before partitions
// go, it waits until every record polled so far has been handled and its
// offset stored, or a stuck handler has been waited for long enough, then
// commits.
func (g *GroupReader) rebalance(c *kafka.Consumer, ev kafka.Event) error {
	switch e := ev.(type) {
	case kafka.AssignedPartitions:
		g.log.WithLevel(changeLevel(e.Partitions)).Ints32("partitions", ids(e.Partitions)).Msg("assigned")
		err := c.IncrementalAssign(e.Partitions)
		if err == nil && g.stalled {
			g.pause(e.Partitions)
		}
		return err
	case kafka.RevokedPartitions:
		if c.AssignmentLost() {
			g.sync(false, ids(e.Partitions)) // their offsets cannot be committed: the new owner reads them again
			g.log.Warn().Ints32("partitions", ids(e.Partitions)).Msg("assignment lost; its uncommitted offsets will be read again by the new owner")
		} else {
			g.sync(true, ids(e.Partitions))
			g.commit()
			g.log.WithLevel(changeLevel(e.Partitions)).Ints32("partitions", ids(e.Partitions)).Msg("revoked")
		}
		if g.stalled {
			g.resume(e.Partitions) // so that they are not paused if they come back
		}
		return c.IncrementalUnassign(e.Partitions)
	}
	return nil
}

// commit synchronously commits the offsets stored so far for the current
// assignment. During a revoke the assignment still holds the partitions
// being given up, so their processed offsets are committed before they go.
// It waits no longer than the client timeout, or what is left of it once
// the member is stopping: a commit the group cannot answer (it is
// rebalancing, or its coordinator is gone) must not hold up a shutdown.
// A commit given up on may still complete; if not, the next owner reads
// those records again.
func (g *GroupReader) commit() {
	wait := g.shutdownBudget()
	type committed struct {
		offsets []kafka.TopicPartition
		err     error
	}
	done := make(chan committed, 1)
	go func() {
		offsets, err := g.consumer.Commit()
		done <- committed{offsets, err}
	}()
	select {
	case c := <-done:
		g.logCommit(c.offsets, c.err)
	case <-time.After(wait):
		g.log.Warn().Str("waited", wait.String()).Msg("commit unanswered in time; going on without it: the next owner may read some records again")
	}
}

// stopAt notes that the member must be gone within the client timeout from
// now, unless it was told so earlier. The steps that come once the budget
// is spent (leaving the group, closing the client and the dead-letter
// producer) are each given minShutdownStep all the same, so the budget
// ends that much earlier.
func (g *GroupReader) stopAt(now time.Time) {
	t := g.cfg.timeout()
	g.stopBy.CompareAndSwap(0, now.Add(max(t-lastShutdownSteps*minShutdownStep, t/2)).UnixNano())
}

// lastShutdownSteps is how many steps of shutting down may still come once
// the budget is spent.
const lastShutdownSteps = 3

// shutdownBudget is what is left of the time to stop in, at least a moment;
// before the member is told to stop, the whole client timeout.
func (g *GroupReader) shutdownBudget() time.Duration {
	by := g.stopBy.Load()
	if by == 0 {
		return g.cfg.timeout()
	}
	return max(time.Until(time.Unix(0, by)), minShutdownStep)
}

// minShutdownStep is the least time a step of shutting down is given even
// when the budget is spent, so that a healthy cluster still gets the
// final commit.
const minShutdownStep = 200 * time.Millisecond

// Records handed from the polling goroutine to the handling one: up to
// batchRecords at a time, up to pipeBatches batches in flight.
const (
	batchRecords = 256
	pipeBatches  = 4
)

// pipe connects the polling goroutine to the handling one.
type pipe struct {
	work    chan work
	free    chan *batch   // emptied batches, for reuse
	stopped chan struct{} // closed when the handling goroutine returns
	err     error         // why it returned; read after stopped
}

// work is a batch of polled records, or a barrier: synced, if set, is
// closed once every record sent before it has been handled and, if store
// is set, its offset stored; otherwise the unstored offsets are dropped.
type work struct {
	batch  *batch
	synced chan struct{}
	store  bool
}

// batch is records polled together. The polling goroutine decodes them
// itself when the handling goroutine is behind, which shares the decoding,
// the heaviest part of handling, between the two.
type batch struct {
	records []*kafka.Message
	epoch   uint64 // see givenUp
	decoded bool
	pitches []game.Pitch
	errs    []error
}

// decode decodes every record of the batch.
func (b *batch) decode(d *valueDecoder) {
	b.pitches, b.errs = slices.Grow(b.pitches[:0], len(b.records)), slices.Grow(b.errs[:0], len(b.records))
	for _, m := range b.records {
		p, err := d.decode(m.Value)
		b.pitches, b.errs = append(b.pitches, p), append(b.errs, err)
	}
	b.decoded = true
}

// pitch returns record i decoded, decoding it now if the batch is not.
func (b *batch) pitch(i int, d *valueDecoder) (game.Pitch, error) {
	if b.decoded && i < len(b.pitches) { // a stalled batch may grow after decoding
		return b.pitches[i], b.errs[i]
	}
	return d.decode(b.records[i].Value)
}

// reset empties the batch for reuse, letting go of what it held.
func (b *batch) reset() {
	clear(b.records)
	clear(b.pitches)
	clear(b.errs)
	b.records, b.pitches, b.errs, b.decoded = b.records[:0], b.pitches[:0], b.errs[:0], false
}

// Run hands every good record to handle, then stores its offset for
// commit, until ctx ends; then it commits. Invalid records are logged,
// counted and skipped, and their offsets committed so they never block the
// group. An error from handle stops the member without storing that
// record's offset.
func (g *GroupReader) Run(ctx context.Context, handle func(Record) error) error {
	var ends map[int32]int64
	if g.opts.Once {
		var err error
		if ends, err = g.logEnds(); err != nil {
			return err
		}
	}
	stopWatch := context.AfterFunc(ctx, func() { g.stopAt(time.Now()) })
	defer stopWatch()
	g.pipe = &pipe{work: make(chan work, pipeBatches), free: make(chan *batch, pipeBatches+2),
		stopped: make(chan struct{})}
	go func() {
		defer close(g.pipe.stopped)
		g.pipe.err = g.handleAll(ctx, handle)
	}()
	pollErr := g.poll(ctx, ends)
	g.stopAt(time.Now()) // with Once, or on an error, ctx has not ended
	g.sendPending()
	close(g.pipe.work)
	<-g.pipe.stopped
	handleErr := g.pipe.err
	g.pipe, g.pending = nil, nil
	g.commit()
	if handleErr != nil {
		return handleErr
	}
	return pollErr
}

// poll polls the client and sends the records on in batches: a batch goes
// when it is full or when the client has no more records ready. While the
// member is stalled, it polls for the group's events and hands the held
// batch over once the handler has room. It returns when ctx ends, the
// handling goroutine stops, or, with ends, the member's partitions are
// read to their ends.
func (g *GroupReader) poll(ctx context.Context, ends map[int32]int64) error {
	nextEndCheck := time.Now()
	for ctx.Err() == nil {
		if g.stalled && !g.unstall() {
			return nil
		}
		timeout := 100
		if g.pending != nil && !g.stalled {
			timeout = 0 // send what there is as soon as nothing more is ready
		}
		switch ev := g.consumer.Poll(timeout).(type) {
		case *kafka.Message:
			if g.pending == nil {
				g.pending = g.emptyBatch()
			}
			g.pending.records = append(g.pending.records, ev)
			if len(g.pending.records) >= batchRecords && !g.stalled && !g.offerPending() {
				return nil
			}
		case nil:
			if !g.stalled && !g.offerPending() {
				return nil
			}
		case kafka.OffsetsCommitted:
			g.logCommit(ev.Offsets, ev.Error)
		case kafka.Event:
			if err := g.events.handle(ev); err != nil {
				return err
			}
		}
		if ends != nil && time.Now().After(nextEndCheck) {
			if g.reachedEnds(ends) {
				return nil
			}
			nextEndCheck = time.Now().Add(100 * time.Millisecond)
		}
	}
	return nil
}

func (g *GroupReader) emptyBatch() *batch {
	var b *batch
	select {
	case b = <-g.pipe.free:
	default:
		b = &batch{records: make([]*kafka.Message, 0, batchRecords)}
	}
	b.epoch = g.givenUp.epoch.Load()
	return b
}

// sendPending sends the batch being filled, if any, decoding it first if
// the handling goroutine has batches waiting, and waits as long as it
// must; false means the handling goroutine has stopped.
func (g *GroupReader) sendPending() bool {
	if g.pending == nil {
		return true
	}
	if g.pipe != nil && len(g.pipe.work) > 0 {
		g.pending.decode(g.decoder)
	}
	ok := g.send(work{batch: g.pending})
	g.pending = nil
	return ok
}

// send hands w to the handling goroutine; false means it has stopped, or
// Run is not running.
func (g *GroupReader) send(w work) bool {
	if g.pipe == nil {
		return false
	}
	select {
	case g.pipe.work <- w:
		return true
	case <-g.pipe.stopped:
		return false
	}
}

// handleAll is the handling goroutine: it handles every batch, honours
// barriers, stores offsets every storeEvery records and whenever no batch
// is waiting, and reports stats every interval. When the pipe closes it
// stores what it handled and returns.
func (g *GroupReader) handleAll(ctx context.Context, handle func(Record) error) error {
	var stats <-chan time.Time
	if g.opts.OnStats != nil && g.opts.StatsInterval > 0 {
		t := time.NewTicker(g.opts.StatsInterval)
		defer t.Stop()
		stats = t.C
	}
	for {
		select {
		case w, ok := <-g.pipe.work:
			if !ok {
				return g.storeHandled()
			}
			if err := g.handleWork(ctx, w, handle); err != nil {
				return err
			}
		case <-stats:
			g.opts.OnStats(g.lag())
		}
	}
}

func (g *GroupReader) handleWork(ctx context.Context, w work, handle func(Record) error) error {
	if b := w.batch; b != nil {
		for i, m := range b.records {
			if g.givenUp.since(m.TopicPartition.Partition, b.epoch) {
				continue // a revoke gave it up while the handler was stuck
			}
			p, err := b.pitch(i, g.decoder)
			if err := g.accept(ctx, m, p, err, b.epoch, handle); err != nil {
				return err
			}
		}
		b.reset()
		select {
		case g.pipe.free <- b:
		default:
		}
	}
	switch {
	case w.synced != nil && !w.store:
		g.dropHandled()
		close(w.synced)
		return nil
	case w.synced != nil:
		defer close(w.synced)
		return g.storeHandled()
	case len(g.pipe.work) == 0: // nothing waiting: a good moment
		return g.storeHandled()
	}
	return nil
}

// positions returns the member's position in each partition it owns, or
// nothing if it owns none or the client cannot say.
func (g *GroupReader) positions() []kafka.TopicPartition {
	assigned, err := g.consumer.Assignment()
	if err != nil || len(assigned) == 0 {
		return nil
	}
	positions, err := g.consumer.Position(assigned)
	if err != nil {
		return nil
	}
	return positions
}

// logEnds returns the end offset of every partition of the topic now.
func (g *GroupReader) logEnds() (map[int32]int64, error) {
	tm, err := existingTopic(g.consumer, g.cfg, g.opts.Topic)
	if err != nil {
		return nil, err
	}
	ends := map[int32]int64{}
	for _, p := range partitionIDs(tm) {
		_, high, err := watermarks(g.consumer, g.cfg, g.opts.Topic, p)
		if err != nil {
			return nil, err
		}
		ends[p] = high
	}
	return ends, nil
}

// reachedEnds reports whether the member owns partitions and has read each
// of them up to its end.
func (g *GroupReader) reachedEnds(ends map[int32]int64) bool {
	positions := g.positions()
	if len(positions) == 0 {
		return false
	}
	var unread []kafka.TopicPartition
	for _, tp := range positions {
		switch pos := int64(tp.Offset); {
		case pos < 0:
			unread = append(unread, tp)
		case pos < ends[tp.Partition]:
			return false
		}
	}
	return len(unread) == 0 || g.nothingToRead(unread, ends)
}

// nothingToRead reports whether partitions the member has read nothing
// from have nothing to read: the group committed them up to their end, or
// they hold no record before it.
func (g *GroupReader) nothingToRead(tps []kafka.TopicPartition, ends map[int32]int64) bool {
	committed, err := g.consumer.Committed(tps, int(g.cfg.timeout().Milliseconds()))
	if err != nil {
		return false
	}
	for _, tp := range committed {
		if int64(tp.Offset) >= ends[tp.Partition] {
			continue
		}
		low, _, err := g.consumer.GetWatermarkOffsets(g.opts.Topic, tp.Partition)
		if err != nil || low < ends[tp.Partition] {
			return false
		}
	}
	return true
}

// logCommit logs the offsets a commit stored in the group, at debug.
func (g *GroupReader) logCommit(offsets []kafka.TopicPartition, err error) {
	if err != nil {
		if kafkaCode(err) != kafka.ErrNoOffset {
			g.log.Warn().Err(err).Msg("commit failed; the next owner may read some records again")
		}
		return
	}
	committed := map[string]int64{}
	for _, tp := range offsets {
		if tp.Error == nil && tp.Offset >= 0 {
			committed[strconv.Itoa(int(tp.Partition))] = int64(tp.Offset)
		}
	}
	if len(committed) > 0 {
		g.log.Debug().Interface("offsets", committed).Msg("committed")
	}
}

// lag reads the member's positions and the high watermarks the client last
// saw for its partitions.
func (g *GroupReader) lag() GroupStats {
	var st GroupStats
	for _, tp := range g.positions() {
		low, high, err := g.consumer.GetWatermarkOffsets(g.opts.Topic, tp.Partition)
		if err != nil || high < 0 {
			continue
		}
		pos := int64(tp.Offset)
		if pos < 0 {
			pos = low // nothing consumed yet
		}
		pl := PartitionLag{Partition: tp.Partition, Position: pos, HighWatermark: high, Lag: max(0, high-pos)}
		st.Partitions = append(st.Partitions, pl)
		st.TotalLag += pl.Lag
	}
	sort.Slice(st.Partitions, func(i, j int) bool { return st.Partitions[i].Partition < st.Partitions[j].Partition })
	return st
}

// accept hands a decoded record to handle, or logs, counts and skips one
// that did not decode; then it notes the record handled.
func (g *GroupReader) accept(ctx context.Context, m *kafka.Message, p game.Pitch, err error, epoch uint64, handle func(Record) error) error {
	if isFatalDecodeErr(err) {
		return err // not stored: read again once the registry answers
	}
	if !g.tally.count(m, err) {
		if g.dlq != nil {
			if err := g.dlq.send(ctx, m, err); errors.Is(err, errNotCopied) {
				g.tally.uncopied(m, err) // a poison record must never stop the group
			} else if err != nil {
				return err // ctx ended: not stored, so the next owner copies it
			}
		}
	} else if err := handle(recordOf(m, p)); err != nil {
		return err
	}
	return g.handled(m.TopicPartition, epoch)
}

// storeEvery is how many handled records may wait before their offsets
// are stored for commit. Storing is a call into the client that took an
// eighth of a replay's time when made for every record.
const storeEvery = 500

// handled notes that the record at tp, polled in epoch, has been dealt
// with, so its offset may be committed; the offsets are stored every
// storeEvery records, when no batch is waiting, and before every commit.
func (g *GroupReader) handled(tp kafka.TopicPartition, epoch uint64) error {
	tp.Offset++ // a stored offset is the next one to read
	g.unstored[tp.Partition] = handledAt{tp, epoch}
	if g.unstoredCount++; g.unstoredCount >= storeEvery {
		return g.storeHandled()
	}
	return nil
}

// storeHandled flushes the handler's output, then stores the offsets of
// the records handled so far, but for partitions given up since. If the
// flush fails nothing is stored.
func (g *GroupReader) storeHandled() error {
	if len(g.unstored) == 0 {
		return nil
	}
	if g.opts.Flush != nil {
		if err := g.opts.Flush(); err != nil {
			return err
		}
	}
	tps := make([]kafka.TopicPartition, 0, len(g.unstored))
	for p, h := range g.unstored {
		if !g.givenUp.since(p, h.epoch) {
			tps = append(tps, h.tp)
		}
	}
	g.dropHandled()
	stored, err := g.consumer.StoreOffsets(tps)
	if err != nil {
		g.log.Warn().Err(err).Msg("store offsets")
	}
	for _, tp := range stored {
		if tp.Error != nil {
			g.log.Warn().Err(tp.Error).Int32("partition", tp.Partition).Msg("store offset")
		}
	}
	return nil
}

// dropHandled forgets the offsets handled but not stored.
func (g *GroupReader) dropHandled() {
	clear(g.unstored)
	g.unstoredCount = 0
}

// Stats returns the counts so far. It is safe to call at any time.
func (g *GroupReader) Stats() ConsumerStats { return g.tally.stats() }

// Close leaves the group, committing what was stored, and closes the
// client. All of it, and the commits in Run once its context ended, fit in
// the client timeout from when that context ended, or from the call when
// it had not.
func (g *GroupReader) Close() error {
	g.stopAt(time.Now())
	g.leave(g.shutdownBudget() * 2 / 3) // the rest is for closing the client
	closed := make(chan error, 1)
	go func() { closed <- g.consumer.Close() }()
	var err error
	select {
	case err = <-closed:
		<-g.logsDone
	case <-time.After(g.shutdownBudget()):
		err = fmt.Errorf("leaving group %s took longer than %v; what was committed before stays committed, the rest will be read again",
			g.opts.Group, g.cfg.timeout())
	}
	if g.dlq != nil {
		err = errors.Join(err, g.dlq.close(g.shutdownBudget()))
	}
	g.decoder.close()
	return err
}

// leave unsubscribes and serves the rebalance that revokes every partition
// (committing their stored offsets) until nothing is assigned, before the
// client is closed. The librdkafka bundled here (2.11) can hang closing a
// consumer whose cooperative rebalance is still under way (librdkafka
// issue 4527, fixed in later releases); leaving first, as its maintainers
// advise, avoids that. Records polled meanwhile are not stored, so the next
// owner reads them: none is lost.
func (g *GroupReader) leave(timeout time.Duration) {
	if err := g.consumer.Unsubscribe(); err != nil {
		g.log.Warn().Err(err).Msg("unsubscribe")
		return
	}
	unassigned := false
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); {
		ev := g.consumer.Poll(100)
		if committed, ok := ev.(kafka.OffsetsCommitted); ok {
			g.logCommit(committed.Offsets, committed.Error)
		}
		// Once nothing is assigned, serve events until none comes for a
		// poll: unassigning may have started a commit, and a client closed
		// with a commit in flight may not send LeaveGroup, which leaves the
		// group waiting a session timeout (45 s) before the next member
		// can join.
		if unassigned && ev == nil {
			return
		}
		if assigned, err := g.consumer.Assignment(); err == nil && len(assigned) == 0 {
			unassigned = true
		}
	}
	g.log.Warn().Msg("partitions still assigned after leaving the group; closing anyway")
}

func ids(tps []kafka.TopicPartition) []int32 {
	out := make([]int32, len(tps))
	for i, tp := range tps {
		out[i] = tp.Partition
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// changeLevel logs real changes of assignment at info and the empty
// increments of a cooperative rebalance at debug.
func changeLevel(tps []kafka.TopicPartition) zerolog.Level {
	if len(tps) == 0 {
		return zerolog.DebugLevel
	}
	return zerolog.InfoLevel
}
