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
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/rs/zerolog"
)

// ScoresOptions configures a Scores processor.
type ScoresOptions struct {
	Input  string // the pitch topic
	Output string // the games topic, created compacted if missing
	Group  string
	// Instance names this processor within its group, stably across
	// restarts: its transactional.id is derived from the group and it.
	Instance string
	// Format is how game states are written: JSON (the default) or a
	// Schema Registry format, whose schema is registered at start.
	Format formats.Format
	// A transaction commits when it is CommitInterval old or holds
	// CommitRecords input records, whichever comes first.
	CommitInterval time.Duration
	CommitRecords  int
	// StatsInterval is how often the processor logs what it did.
	StatsInterval time.Duration
	// OnFinal, if set, is called with every game that a committed
	// transaction made final, after the commit.
	OnFinal func(game.GameState)
}

// DefaultTransactionTimeout bounds how long a transaction of a processor
// that died stays open: until the broker aborts it, consumers that read
// committed records wait at it. librdkafka's default is a minute.
const DefaultTransactionTimeout = 10 * time.Second

// ErrFenced says that a newer processor with the same transactional.id, or
// the broker after a transaction timed out, fenced this one's producer:
// it must stop, and whatever it had not committed is aborted.
var ErrFenced = errors.New("fenced")

// ScoresStats counts what a processor committed.
type ScoresStats struct {
	Committed int64 // transactions committed
	Aborted   int64 // transactions aborted
	In        int64 // input records in committed transactions
	Out       int64 // output records in committed transactions
}

// Scores is an exactly-once stream processor: it consumes pitches as a
// member of a group, folds every game's pitches into its game.GameState and
// writes each change to the games topic, keyed by game_pk, to the partition
// of the same number as the pitch's. Each transaction holds its output
// records and the consumed offsets, sent with the consumer's group
// metadata so that a member the group has moved on from is fenced
// (KIP-447). The games topic is its changelog: the state of the games of a
// partition is rebuilt from it whenever the partition is assigned.
type Scores struct {
	cfg      Config
	opts     ScoresOptions
	log      zerolog.Logger
	txnID    string
	consumer *kafka.Consumer
	producer *kafka.Producer
	peek     *kafka.Consumer // reads high watermarks past open transactions
	events   consumerEvents
	decoder  *formats.Decoder // of the pitch topic
	encoder  *formats.GameEncoder
	restorer *formats.Decoder // of the games topic
	logsDone []chan struct{}
	reports  chan struct{}

	games map[int32]map[int64]*game.GameState // by partition, by game_pk
	txn   *txn                                // nil between transactions
	stop  error                               // set in a rebalance callback: Run must end

	fencedSaid bool // the fencing has been logged; cleared by an assignment

	committed, aborted, in, out atomic.Int64
	undelivered                 atomic.Int64

	clock stopClock // bounds the time from Run's context ending to Close returning
}

// NewScores connects, creates the games topic if it is missing, with as many
// partitions as the pitch topic, initializes the transactional producer
// (fencing an earlier incarnation of this instance and aborting what it
// left open) and joins the group.
func NewScores(ctx context.Context, cfg Config, opts ScoresOptions) (*Scores, error) {
	s := &Scores{cfg: cfg, opts: opts, log: cfg.Log, events: newConsumerEvents(cfg.Log),
		txnID: TransactionalID(opts.Group, opts.Instance), games: map[int32]map[int64]*game.GameState{},
		reports: make(chan struct{})}
	s.events.group = opts.Group
	s.clock.init(cfg.timeout())
	err := s.open(ctx)
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// TransactionalID returns the transactional.id of a processor: the group
// and the instance name. Fencing by the group's generation (KIP-447) makes
// it free of the partitions a member owns; keeping it stable per instance
// lets a restarted processor abort at once what its previous incarnation
// left open, instead of every reader waiting for the transaction timeout.
func TransactionalID(group, instance string) string {
	return "pitchkafka-scores-" + group + "-" + instance
}

func (s *Scores) open(ctx context.Context) error {
	var err error
	if s.peek, err = s.newClient(kafka.ConfigMap{"group.id": s.opts.Group + "-peek", "isolation.level": "read_uncommitted"}, false); err != nil {
		return err
	}
	tm, err := existingTopic(ctx, s.peek, s.cfg, s.opts.Input)
	if err != nil {
		return err
	}
	if err := s.openCodecs(); err != nil {
		return err
	}
	if err := s.openProducer(ctx, len(tm.Partitions)); err != nil {
		return err
	}
	if s.consumer, err = s.newClient(s.consumerConfig(), true); err != nil {
		return err
	}
	if err := s.consumer.Subscribe(s.opts.Input, s.rebalance); err != nil {
		return fmt.Errorf("subscribe to %s: %w", s.opts.Input, err)
	}
	return nil
}

// openCodecs opens the decoders of both topics and the encoder of game
// states. The encoder registers its schema now, before any transaction, and
// has every registry lookup cached: a registry that stops answering later
// cannot fail a record inside a transaction.
func (s *Scores) openCodecs() error {
	var err error
	if s.decoder, err = formats.NewDecoder(s.cfg.Formats(), s.opts.Input); err != nil {
		return err
	}
	if s.restorer, err = formats.NewDecoder(s.cfg.Formats(), s.opts.Output); err != nil {
		return err
	}
	s.encoder, err = formats.NewGameEncoder(s.cfg.Formats(), s.opts.Output, s.opts.Format)
	return err
}

func (s *Scores) consumerConfig() kafka.ConfigMap {
	return withoutAssignorIfBrokerAssigns(kafka.ConfigMap{
		"group.id":                      s.opts.Group,
		"partition.assignment.strategy": "cooperative-sticky",
		"isolation.level":               "read_committed",
		"enable.auto.commit":            false,
		"enable.auto.offset.store":      false,
		"auto.offset.reset":             "earliest",
		"enable.partition.eof":          false,
		"fetch.wait.max.ms":             100,
		"reconnect.backoff.max.ms":      1000,
	}, s.cfg)
}

// newClient creates a consumer whose logs go to the processor's log. Only
// the group member keeps group.protocol: librdkafka warns of it in every
// client.
func (s *Scores) newClient(defaults kafka.ConfigMap, member bool) (*kafka.Consumer, error) {
	cm := s.cfg.configMap(defaults)
	if !member {
		delete(*cm, "group.protocol")
	}
	s.cfg.Log.Debug().Str("config", describe(cm)).Msg("scores consumer")
	c, err := kafka.NewConsumer(cm)
	if err != nil {
		return nil, fmt.Errorf("create consumer: %w", err)
	}
	done := make(chan struct{})
	s.logsDone = append(s.logsDone, done)
	go drainLogs(c.Logs(), s.cfg.Log, done)
	return c, nil
}

// openProducer creates the games topic if it is missing and initializes
// the transactional producer.
func (s *Scores) openProducer(ctx context.Context, partitions int) error {
	defaults := kafka.ConfigMap{"transactional.id": s.txnID,
		"transaction.timeout.ms": int(DefaultTransactionTimeout.Milliseconds())}
	for k, v := range producerDefaults {
		defaults[k] = v
	}
	cm := forProducer(s.cfg.configMap(defaults)) // a producer warns of the consumer's
	s.cfg.Log.Debug().Str("config", describe(cm)).Msg("scores producer")
	p, err := kafka.NewProducer(cm)
	if err != nil {
		return fmt.Errorf("create producer: %w", err)
	}
	s.producer = p
	done := make(chan struct{})
	s.logsDone = append(s.logsDone, done)
	go drainLogs(p.Logs(), s.cfg.Log, done)
	go s.readReports()
	if err := s.ensureOutput(ctx, partitions); err != nil {
		return err
	}
	ictx, cancel := context.WithTimeout(ctx, s.cfg.timeout())
	defer cancel()
	if err := p.InitTransactions(ictx); err != nil {
		if transactionalIDRefused(err) {
			return &NotAuthorizedError{Resource: "transactional id", Name: s.txnID, Err: err}
		}
		return fmt.Errorf("init transactions (transactional.id %s): %w", s.txnID, err)
	}
	return nil
}

func (s *Scores) ensureOutput(ctx context.Context, partitions int) error {
	admin, err := kafka.NewAdminClientFromProducer(s.producer)
	if err != nil {
		return fmt.Errorf("create admin client: %w", err)
	}
	defer admin.Close()
	got, err := ensureTopic(ctx, admin, s.cfg, TopicSpec{Name: s.opts.Output, Partitions: partitions, ReplicationFactor: -1,
		Configs: map[string]string{"cleanup.policy": "compact"}}, func() error { return nil })
	if err != nil {
		return err
	}
	if len(got) != partitions {
		return &PartitionMismatchError{Input: s.opts.Input, Output: s.opts.Output, InputPartitions: partitions, OutputPartitions: len(got)}
	}
	return nil
}

// PartitionMismatchError says that the games topic cannot hold each pitch
// partition's games in the partition of the same number.
type PartitionMismatchError struct {
	Input, Output                     string
	InputPartitions, OutputPartitions int
}

func (e *PartitionMismatchError) Error() string {
	return fmt.Sprintf("topic %s has %d partitions and %s %d: they must match, each game's state going to its pitches' partition",
		e.Output, e.OutputPartitions, e.Input, e.InputPartitions)
}

// readReports checks every delivery report. A record that failed makes
// its transaction fail to commit, and the transaction is aborted.
func (s *Scores) readReports() {
	defer close(s.reports)
	var lastWarned time.Time
	for ev := range s.producer.Events() {
		switch e := ev.(type) {
		case *kafka.Message:
			if e.TopicPartition.Error != nil {
				// One line a second: a failed batch reports every record.
				if n := s.undelivered.Add(1); time.Since(lastWarned) > time.Second {
					lastWarned = time.Now()
					s.log.Warn().Err(e.TopicPartition.Error).Int32("partition", e.TopicPartition.Partition).
						Int64("undelivered_so_far", n).Msg("games records not delivered; their transaction will abort")
				}
			}
		case kafka.Error:
			s.events.errs.report(e)
		}
	}
}

// Run processes until ctx ends, then commits what it has processed.
// It returns ErrFenced, wrapped, when the producer was fenced.
//
// From the moment ctx ends, Run and Close together take at most the client
// timeout, whatever the broker does: see stopClock.
func (s *Scores) Run(ctx context.Context) error {
	unwatch := context.AfterFunc(ctx, s.clock.start)
	defer unwatch()
	err := s.run(ctx)
	if errors.Is(err, ErrStopTimedOut) {
		return s.clock.err() // says what becomes of the open transaction
	}
	return err
}

func (s *Scores) run(ctx context.Context) error {
	statsTick := time.NewTicker(s.statsInterval())
	defer statsTick.Stop()
	pollMs := int(min(s.opts.CommitInterval, 100*time.Millisecond).Milliseconds())
	for ctx.Err() == nil && s.stop == nil {
		if err := s.pollOnce(max(pollMs, 1)); err != nil {
			return err
		}
		if s.due() {
			if err := s.commit(); err != nil {
				return err
			}
		}
		select {
		case <-statsTick.C:
			s.logStats()
		default:
		}
	}
	if errors.Is(s.stop, errInterrupted) {
		return nil // stopped while restoring: nothing was read since the last commit
	}
	if s.stop != nil {
		return s.stop
	}
	err := s.commit()
	s.logStats()
	return err
}

func (s *Scores) statsInterval() time.Duration {
	if s.opts.StatsInterval <= 0 {
		return 10 * time.Second
	}
	return s.opts.StatsInterval
}

// due reports whether the open transaction should commit now.
func (s *Scores) due() bool {
	return s.txn != nil && (time.Since(s.txn.started) >= s.opts.CommitInterval ||
		(s.opts.CommitRecords > 0 && s.txn.in >= int64(s.opts.CommitRecords)))
}

func (s *Scores) pollOnce(ms int) error {
	switch ev := s.consumer.Poll(ms).(type) {
	case *kafka.Message:
		if ev.TopicPartition.Error != nil {
			s.log.Warn().Err(ev.TopicPartition.Error).Int32("partition", ev.TopicPartition.Partition).Msg("consume")
			return nil
		}
		return s.handle(ev)
	case kafka.Event:
		return s.events.handle(ev)
	}
	return nil
}

// handle folds one pitch record into its game and produces the game's new
// state, in the open transaction (begun if none is).
func (s *Scores) handle(m *kafka.Message) error {
	if err := s.begin(); err != nil {
		return err
	}
	tp := m.TopicPartition
	s.txn.consumed(tp)
	p, err := s.decoder.Decode(m.Value)
	if isFatalDecodeErr(err) {
		return err // the registry does not answer: Close aborts the transaction, the pitch is read again
	}
	if err != nil {
		s.log.Warn().Err(err).Int32("partition", tp.Partition).Int64("offset", int64(tp.Offset)).
			Msg("skipping a record that is not a pitch event")
		return nil
	}
	st := s.state(tp.Partition, p.GamePK)
	s.txn.save(tp.Partition, p.GamePK, st)
	if !st.Apply(&p) {
		return nil
	}
	if st.Final {
		s.txn.finals = append(s.txn.finals, *st)
	}
	return s.produce(tp.Partition, st)
}

func (s *Scores) state(partition int32, pk int64) *game.GameState {
	games := s.games[partition]
	if games == nil {
		games = map[int64]*game.GameState{}
		s.games[partition] = games
	}
	st := games[pk]
	if st == nil {
		st = &game.GameState{}
		games[pk] = st
	}
	return st
}

func (s *Scores) produce(partition int32, st *game.GameState) error {
	value, err := s.encoder.Encode(st)
	if err != nil {
		return err // never once started (see openCodecs); Close aborts the transaction
	}
	msg := &kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &s.opts.Output, Partition: partition},
		Key: strconv.AppendInt(nil, st.GamePK, 10), Value: value, Timestamp: st.TS}
	for {
		err := s.producer.Produce(msg, nil)
		switch {
		case err == nil:
			s.txn.out++
			return nil
		case kafkaCode(err) == kafka.ErrQueueFull:
			s.producer.Flush(100)
		default: // a record of the transaction failed, or the producer did
			return s.abort(fmt.Errorf("produce to %s: %w", s.opts.Output, err))
		}
	}
}

// lag sums, over the assigned partitions, the records not yet consumed.
func (s *Scores) lag() int64 {
	assigned, err := s.consumer.Assignment()
	if err != nil || len(assigned) == 0 {
		return 0
	}
	positions, err := s.consumer.Position(assigned)
	if err != nil {
		return 0
	}
	var lag int64
	for _, tp := range positions {
		low, high, err := s.consumer.GetWatermarkOffsets(s.opts.Input, tp.Partition)
		if err != nil || high < 0 {
			continue
		}
		pos := int64(tp.Offset)
		if pos < 0 {
			pos = low
		}
		lag += max(0, high-pos)
	}
	return lag
}

func (s *Scores) logStats() {
	st := s.Stats()
	s.log.Info().Int64("committed", st.Committed).Int64("aborted", st.Aborted).Int64("records_in", st.In).
		Int64("records_out", st.Out).Int64("lag", s.lag()).Msg("transactions")
}

// Stats returns the counts so far. It is safe to call at any time.
func (s *Scores) Stats() ScoresStats {
	return ScoresStats{Committed: s.committed.Load(), Aborted: s.aborted.Load(), In: s.in.Load(), Out: s.out.Load()}
}

// Close aborts any transaction still open (Run commits what it processed
// before it returns), leaves the group and closes the clients, all within
// the client timeout of Run's context ending (or of Close being called).
// Against a broker that does not answer, it stops waiting then, leaving the
// open transaction to the broker, which aborts it within
// transaction.timeout.ms, and returns an error wrapping ErrStopTimedOut.
func (s *Scores) Close() error {
	s.clock.start()
	var err error
	if s.txn != nil && s.producer != nil {
		if aerr := s.retry(s.producer.AbortTransaction); aerr != nil && !isFatal(aerr) {
			err = fmt.Errorf("abort transaction: %w", aerr)
		}
		s.txn = nil
	}
	if s.consumer != nil {
		err = errors.Join(err, s.leave())
	}
	if s.peek != nil {
		s.clock.await(func() error { s.peek.Close(); return nil })
	}
	err = errors.Join(err, s.closeProducer())
	s.decoder.Close()
	s.restorer.Close()
	if s.encoder != nil {
		s.encoder.Close()
	}
	for _, done := range s.logsDone {
		select {
		case <-done:
		case <-s.clock.ctx.Done(): // a client that would not close
		}
	}
	if n := s.undelivered.Load(); n > 0 {
		s.log.Debug().Int64("records", n).Msg("games records not delivered, all in aborted transactions")
	}
	if stopErr := s.clock.err(); stopErr != nil {
		return stopErr // one line, saying what becomes of the open transaction
	}
	return err
}

// closeProducer closes the producer, unless the time to stop is up: a call
// of it may still be running then, and it is left to the process's exit.
func (s *Scores) closeProducer() error {
	if s.producer == nil {
		return nil
	}
	return s.clock.await(func() error {
		s.producer.Close()
		<-s.reports
		return nil
	})
}

// leave unsubscribes, serving the rebalance that revokes everything, then
// closes the consumer, within the time left to stop.
func (s *Scores) leave() error {
	if err := s.consumer.Unsubscribe(); err == nil {
		for deadline := time.Now().Add(s.cfg.timeout() / 2); time.Now().Before(deadline) && s.clock.ctx.Err() == nil; {
			s.consumer.Poll(100)
			if assigned, err := s.consumer.Assignment(); err == nil && len(assigned) == 0 {
				break
			}
		}
	}
	err := s.clock.await(s.consumer.Close)
	if errors.Is(err, ErrStopTimedOut) {
		return fmt.Errorf("leaving group %s: %w", s.opts.Group, err)
	}
	return err
}
