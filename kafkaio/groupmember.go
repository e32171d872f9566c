package kafkaio

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/kafkaio/internal/rdk"
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

// GroupReader is a member of a consumer group. It consumes at least once:
// a record's offset is stored for commit only after the handler has
// returned, the stored offsets are committed in the background, before
// partitions are given up in a rebalance, and at shutdown.
//
// It reads on the batch path (package rdk): each call to librdkafka
// returns a batch of records, and the group's rebalances, served inside
// that call, are acted on once the batch's records are in hand (see
// rdk.TakeRebalance). While Run runs, two goroutines share the work, so
// that the client's cost and the handler's overlap: the one that called
// Run polls the client (groupPoller, grouppoller.go), copies each batch's
// records out of librdkafka's memory and hands them over through a pipe
// (grouppipe.go) to one that handles them and stores their offsets
// (groupHandler, grouphandler.go). Each keeps its own state in its own
// struct; what they share is in groupMember. Records are decoded by the
// handling goroutine, or by the polling one when batches are already
// waiting to be handled. A handler stuck writing holds up neither the
// group's rebalances nor a shutdown (see groupstall.go).
type GroupReader struct {
	*groupMember
	// logsDone closes once both clients are closed and their logs written.
	logsDone     chan struct{}
	metaLogsDone chan struct{}
	poller       groupPoller
	handler      groupHandler
}

// groupMember is what both goroutines of a GroupReader use: the client and
// what was set up with it, safe for concurrent use or read-only once Run
// starts, and the two pieces of state they share, each safe on its own.
type groupMember struct {
	cfg      Config
	opts     GroupOptions
	consumer *rdk.Consumer
	// meta, a client that joins nothing and reads nothing, asks for the
	// topic's metadata and end offsets.
	meta    *kafka.Consumer
	log     zerolog.Logger
	events  consumerEvents
	levelOf func(kafka.LogEvent) zerolog.Level
	tally   *tally
	decoder *formats.Decoder
	dlq     *deadLetters
	// fatal is an error the client reported that ends the member: a fatal
	// one, or the group refused by its ACLs.
	fatal atomic.Pointer[error]

	// stopBy, once set, is when the member must be gone (Unix nanoseconds):
	// the client timeout after Run's context ended or Close was called.
	// Every commit, leaving the group and closing the client fit in it.
	stopBy atomic.Int64
	// givenUp is what a revoke gave up on while the handler was stuck.
	givenUp givenUp
}

// NewGroupReader joins the group and subscribes to the topic. It fails
// within cfg.Timeout when no broker answers or the topic does not exist,
// and at once when ctx ends first.
func NewGroupReader(ctx context.Context, cfg Config, opts GroupOptions) (*GroupReader, error) {
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
	defaults = withoutAssignorIfBrokerAssigns(defaults, cfg)
	cm := cfg.configMap(defaults)
	meta, err := kafka.NewConsumer(cfg.configMap(defaults))
	if err != nil {
		return nil, fmt.Errorf("create consumer: %w", err)
	}
	userAsked := withGroupDebug(cm)
	cfg.Log.Debug().Str("config", describe(cm)).Msg("group consumer")
	m := &groupMember{cfg: cfg, opts: opts, meta: meta, log: cfg.Log, events: newConsumerEvents(cfg.Log), tally: newTally(cfg.Log)}
	m.events.group = opts.Group
	m.levelOf = m.events.brokers.codes.noting(groupLogLevel(userAsked, m.events.errs))
	g := &GroupReader{groupMember: m, logsDone: make(chan struct{}), metaLogsDone: make(chan struct{}), poller: groupPoller{groupMember: m},
		handler: groupHandler{groupMember: m, unstored: map[int32]handledAt{}}}
	go drainLogs(meta.Logs(), cfg.Log, g.metaLogsDone)
	events := rdkEvents(m)
	events.Committed = m.committed
	if m.consumer, err = rdk.NewGroupConsumer(rdkConfig(cm), events); err != nil {
		err = fmt.Errorf("create consumer: %w", fromRdk(err))
	} else if g.decoder, err = formats.NewDecoder(cfg.Formats(), opts.Topic); err == nil {
		err = g.subscribe(ctx)
	}
	if err != nil {
		g.closeClients(cfg.timeout())
		g.decoder.Close()
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

// deliveryFailed is never called: a consumer delivers nothing.
func (m *groupMember) deliveryFailed(kafka.Error, int32, int64) {}

// clientError logs a client error; one that ends the member is kept for
// the polling goroutine, which stops on it.
func (m *groupMember) clientError(e kafka.Error) {
	if err := m.events.handle(e); err != nil {
		m.fatal.CompareAndSwap(nil, &err)
	}
}

// failed returns the error that ends the member, if the client reported one.
func (m *groupMember) failed() error {
	if err := m.fatal.Load(); err != nil {
		return *err
	}
	return nil
}

// stats watches librdkafka's statistics for errors it handled silently.
func (m *groupMember) stats(json string) { m.events.brokers.observe(json, -1) }

// logLine logs one of librdkafka's log lines, the group protocol's as
// groupLogLevel says.
func (m *groupMember) logLine(ev kafka.LogEvent) { logEvent(m.log, ev, m.levelOf) }

func (g *GroupReader) subscribe(ctx context.Context) error {
	if _, err := existingTopic(ctx, g.meta, g.cfg, g.opts.Topic); err != nil {
		return err
	}
	if err := g.consumer.Subscribe(g.opts.Topic); err != nil {
		return fmt.Errorf("subscribe to %s: %w", g.opts.Topic, fromRdk(err))
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
func (m *groupMember) commit() {
	wait := m.shutdownBudget()
	// Its outcome, failed or not, is reported to committed, as every
	// commit's is; only the wait is this call's to report.
	var re *rdk.Error
	if err := m.consumer.Commit(wait); errors.As(err, &re) && re.Code == rdk.TimedOut {
		m.log.Warn().Str("waited", wait.String()).Msg("commit unanswered in time; going on without it: the next owner may read some records again")
	}
}

// committed logs the offsets a commit stored in the group, at debug: every
// commit's, the automatic ones too, as the client reports them.
func (m *groupMember) committed(err *rdk.Error, offsets []rdk.TopicPartition) {
	if err != nil {
		if err.Code != rdk.NoOffset {
			m.log.Warn().Err(kafkaError(err)).Msg("commit failed; the next owner may read some records again")
		}
		return
	}
	done := map[string]int64{}
	for _, tp := range offsets {
		if tp.Err == rdk.NoError && tp.Offset >= 0 {
			done[strconv.Itoa(int(tp.Partition))] = tp.Offset
		}
	}
	if len(done) > 0 {
		m.log.Debug().Interface("offsets", done).Msg("committed")
	}
}

// stopAt notes that the member must be gone within the client timeout from
// now, unless it was told so earlier. The steps that come once the budget
// is spent (leaving the group, closing the client and the dead-letter
// producer) are each given minShutdownStep all the same, so the budget
// ends that much earlier.
func (m *groupMember) stopAt(now time.Time) {
	t := m.cfg.timeout()
	m.stopBy.CompareAndSwap(0, now.Add(max(t-lastShutdownSteps*minShutdownStep, t/2)).UnixNano())
}

// lastShutdownSteps is how many steps of shutting down may still come once
// the budget is spent.
const lastShutdownSteps = 3

// shutdownBudget is what is left of the time to stop in, at least a moment;
// before the member is told to stop, the whole client timeout.
func (m *groupMember) shutdownBudget() time.Duration {
	by := m.stopBy.Load()
	if by == 0 {
		return m.cfg.timeout()
	}
	return max(time.Until(time.Unix(0, by)), minShutdownStep)
}

// minShutdownStep is the least time a step of shutting down is given even
// when the budget is spent, so that a healthy cluster still gets the
// final commit.
const minShutdownStep = 200 * time.Millisecond

// Run hands every good record to handle, then stores its offset for
// commit, until ctx ends; then it commits. Invalid records are logged,
// counted and skipped, and their offsets committed so they never block the
// group. An error from handle stops the member without storing that
// record's offset.
func (g *GroupReader) Run(ctx context.Context, handle func(Record) error) error {
	var ends map[int32]int64
	if g.opts.Once {
		var err error
		if ends, err = g.poller.logEnds(ctx); err != nil {
			return err
		}
	}
	stopWatch := context.AfterFunc(ctx, func() { g.stopAt(time.Now()) })
	defer stopWatch()
	p := newPipe()
	g.poller.pipe = p
	go func() {
		defer close(p.stopped)
		p.err = g.handler.run(ctx, p, handle)
	}()
	pollErr := g.poller.poll(ctx, ends)
	g.stopAt(time.Now()) // with Once, or on an error, ctx has not ended
	g.poller.offerPending(waitForever)
	close(p.work)
	<-p.stopped
	g.poller.pipe, g.poller.pending = nil, nil
	g.commit()
	if p.err != nil {
		return p.err
	}
	return pollErr
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
	err := g.closeClients(g.shutdownBudget())
	if g.dlq != nil {
		err = errors.Join(err, g.dlq.close(g.shutdownBudget()))
	}
	g.decoder.Close()
	return err
}

// closeClients closes the member's client, waiting for it at most
// timeout, and the metadata client. logsDone closes once both are closed,
// whether or not the member's client closed in time.
func (g *GroupReader) closeClients(timeout time.Duration) error {
	closed := make(chan struct{})
	go func() {
		if g.consumer != nil {
			g.consumer.Close()
		}
		close(closed)
	}()
	var err error
	inTime := true
	select {
	case <-closed:
	case <-time.After(timeout):
		inTime = false
		err = fmt.Errorf("leaving group %s took longer than %v; what was committed before stays committed, the rest will be read again",
			g.opts.Group, g.cfg.timeout())
	}
	if metaErr := g.meta.Close(); err == nil {
		err = metaErr
	}
	go func() {
		<-g.metaLogsDone
		<-closed
		close(g.logsDone)
	}()
	if inTime {
		<-g.logsDone
	}
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
		g.log.Warn().Err(fromRdk(err)).Msg("unsubscribe")
		return
	}
	unassigned := false
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); {
		g.poller.msgs = g.consumer.Consume(100*time.Millisecond, g.poller.msgs)
		rebalanced := g.poller.rebalanceAll() > 0
		// Once nothing is assigned, serve events until none comes for a
		// poll: unassigning may have started a commit, and a client closed
		// with a commit in flight may not send LeaveGroup, which leaves the
		// group waiting a session timeout (45 s) before the next member
		// can join.
		if unassigned && len(g.poller.msgs) == 0 && !rebalanced {
			return
		}
		if assigned, err := g.consumer.Assignment(); err == nil && len(assigned) == 0 {
			unassigned = true
		}
	}
	g.log.Warn().Msg("partitions still assigned after leaving the group; closing anyway")
}

// changeLevel logs real changes of assignment at info and the empty
// increments of a cooperative rebalance at debug.
func changeLevel(partitions int) zerolog.Level {
	if partitions == 0 {
		return zerolog.DebugLevel
	}
	return zerolog.InfoLevel
}
