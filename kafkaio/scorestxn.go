package kafkaio

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/rs/zerolog"
)

// txn is the open transaction: what it consumed and produced, and how to
// undo it in memory.
type txn struct {
	started time.Time
	in, out int64
	next    map[int32]kafka.TopicPartition // offset after the last record consumed
	first   map[int32]kafka.Offset         // first offset consumed
	saved   map[int64]savedGame            // each game's state before the transaction touched it
	finals  []game.GameState               // games the transaction made final
}

type savedGame struct {
	partition int32
	state     *game.GameState // nil: the game was new
}

func (s *Scores) begin() error {
	if s.txn != nil {
		return nil
	}
	if err := s.producer.BeginTransaction(); err != nil {
		return s.fatal("begin transaction", err)
	}
	s.txn = &txn{started: time.Now(), next: map[int32]kafka.TopicPartition{}, first: map[int32]kafka.Offset{},
		saved: map[int64]savedGame{}}
	return nil
}

func (t *txn) consumed(tp kafka.TopicPartition) {
	if _, ok := t.first[tp.Partition]; !ok {
		t.first[tp.Partition] = tp.Offset
	}
	tp.Offset++
	tp.Error, tp.Metadata, tp.LeaderEpoch = nil, nil, nil
	t.next[tp.Partition] = tp
	t.in++
}

// save keeps a copy of a game's state from before the transaction first
// changes it; nil for a game the transaction began.
func (t *txn) save(partition int32, pk int64, st *game.GameState) {
	if _, ok := t.saved[pk]; ok {
		return
	}
	var before *game.GameState
	if st.ThroughSeq > 0 {
		before = st.Clone()
	}
	t.saved[pk] = savedGame{partition: partition, state: before}
}

// commit sends the consumed offsets with the group's metadata and commits
// the open transaction; if either fails it aborts and rewinds.
func (s *Scores) commit() error {
	if s.txn == nil {
		return nil
	}
	offsets := slices.Collect(maps.Values(s.txn.next))
	err := s.retry(func(ctx context.Context) error {
		md, err := s.consumer.GetConsumerGroupMetadata()
		if err != nil {
			return err
		}
		return s.producer.SendOffsetsToTransaction(ctx, offsets, md)
	})
	if err == nil {
		err = s.retry(s.producer.CommitTransaction)
	}
	if err != nil {
		return s.abort(err)
	}
	s.committed.Add(1)
	s.in.Add(s.txn.in)
	s.out.Add(s.txn.out)
	finals := s.txn.finals
	s.txn = nil
	if s.opts.OnFinal != nil {
		for _, st := range finals {
			s.opts.OnFinal(st)
		}
	}
	return nil
}

// retry calls f until it succeeds, fails for good, or the client timeout
// passes; once the processor is stopping, at the latest when its time to
// stop is up.
func (s *Scores) retry(f func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(s.clock.ctx, s.cfg.timeout())
	defer cancel()
	for {
		err := s.clock.await(func() error { return f(ctx) })
		var ke kafka.Error
		if err == nil || !errors.As(err, &ke) || !ke.IsRetriable() || ctx.Err() != nil {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// abort aborts the open transaction after err, restores the state it
// changed and rewinds the consumer to where it began. A fatal error, the
// producer fenced, is returned; anything else is logged in one line.
func (s *Scores) abort(cause error) error {
	if err := s.fatal("commit transaction", cause); isFatal(cause) {
		return err
	}
	switch {
	case groupFenced(cause):
		s.sayFenced(zerolog.WarnLevel, cause, "fenced: the group moved on from this member, another took over its partitions; its transaction is aborted, and it rewinds and rejoins")
	case generationMoved(cause):
		s.log.Warn().Err(cause).Msg("transaction aborted: the group's generation moved on in a rebalance; rewinding to the committed offsets")
	default:
		s.log.Warn().Err(cause).Msg("transaction failed; aborting it and rewinding to the committed offsets")
	}
	if err := s.retry(s.producer.AbortTransaction); err != nil {
		return s.fatal("abort transaction", err)
	}
	s.aborted.Add(1)
	s.rewind()
	return nil
}

// rewind undoes the aborted transaction in memory and seeks back to the
// first record it consumed in each partition, which is the committed
// offset.
func (s *Scores) rewind() {
	t := s.txn
	s.txn = nil
	for pk, saved := range t.saved {
		if saved.state == nil {
			delete(s.games[saved.partition], pk)
		} else {
			s.games[saved.partition][pk] = saved.state
		}
	}
	for partition, offset := range t.first {
		tp := kafka.TopicPartition{Topic: &s.opts.Input, Partition: partition, Offset: offset}
		if err := s.consumer.Seek(tp, 0); err != nil {
			s.log.Debug().Err(err).Int32("partition", partition).Msg("rewind: partition no longer assigned")
		}
	}
}

// sayFenced logs that the processor was fenced, in one line: once per
// fencing, however many of its calls then fail for it.
func (s *Scores) sayFenced(level zerolog.Level, cause error, msg string) {
	if s.fencedSaid {
		level = zerolog.DebugLevel
	}
	s.fencedSaid = true
	s.log.WithLevel(level).Str("group", s.opts.Group).Str("reason", cause.Error()).Msg(msg)
}

func isFatal(err error) bool {
	var ke kafka.Error
	return errors.As(err, &ke) && ke.IsFatal()
}

// fatal returns err as the error that stops the processor: ErrFenced,
// logged in one line, when a newer producer or the broker fenced this one.
func (s *Scores) fatal(what string, err error) error {
	var ke kafka.Error
	if !errors.As(err, &ke) || !ke.IsFatal() {
		return fmt.Errorf("%s: %w", what, err)
	}
	if fatalErr := s.producer.GetFatalError(); fatalErr != nil {
		err = fatalErr
	}
	switch kafkaCode(err) {
	case kafka.ErrFenced, kafka.ErrProducerFenced, kafka.ErrInvalidProducerEpoch:
		s.sayFenced(zerolog.ErrorLevel, err, "fenced: a newer processor with transactional.id "+s.txnID+
			" took over, or this one's transaction timed out; stopping without committing")
		return fmt.Errorf("%s: %w: %w", what, ErrFenced, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// errAssignmentLost is why a transaction is aborted when the consumer
// finds that the group has given its partitions to others.
var errAssignmentLost = errors.New("assignment lost")

// groupFenced reports whether err says the group has moved on without
// this member: its partitions lost, or the member unknown or replaced.
func groupFenced(err error) bool {
	if errors.Is(err, errAssignmentLost) {
		return true
	}
	switch kafkaCode(err) {
	case kafka.ErrUnknownMemberID, kafka.ErrFencedInstanceID:
		return true
	}
	return false
}

// generationMoved reports whether err says the offsets were sent with a
// generation (or member epoch) a rebalance has just left behind: the
// member stays, and does the transaction again.
func generationMoved(err error) bool {
	switch kafkaCode(err) {
	case kafka.ErrIllegalGeneration, kafka.ErrStaleMemberEpoch, kafka.ErrRebalanceInProgress:
		return true
	}
	return false
}

// transactionTimeout is the producer's transaction.timeout.ms: the user's,
// or DefaultTransactionTimeout.
func (s *Scores) transactionTimeout() time.Duration {
	if ms, err := strconv.Atoi(s.cfg.Properties["transaction.timeout.ms"]); err == nil && ms > 0 {
		return time.Duration(ms) * time.Millisecond
	}
	return DefaultTransactionTimeout
}
