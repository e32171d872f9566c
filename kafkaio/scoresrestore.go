package kafkaio

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/rs/zerolog"
)

// rebalance runs inside Poll. Before any change of assignment the open
// transaction commits (or, if the partitions were lost, aborts), so that
// a partition's offsets and output are always committed together; newly
// assigned partitions have their games restored from the games topic
// before they are read.
func (s *Scores) rebalance(c *kafka.Consumer, ev kafka.Event) error {
	switch e := ev.(type) {
	case kafka.AssignedPartitions:
		s.settle(false)
		if len(e.Partitions) > 0 {
			s.fencedSaid = false
		}
		if s.stop == nil && len(e.Partitions) > 0 {
			s.stop = s.restore(ids(e.Partitions))
		}
		s.log.WithLevel(changeLevel(len(e.Partitions))).Ints32("partitions", ids(e.Partitions)).Msg("assigned")
		return c.IncrementalAssign(e.Partitions)
	case kafka.RevokedPartitions:
		lost := c.AssignmentLost()
		if lost {
			s.sayFenced(zerolog.WarnLevel, errAssignmentLost, fmt.Sprintf("fenced: the group gave partitions %v of this member to another; "+
				"what it had not committed is aborted and read again by their new owner, and it rejoins", ids(e.Partitions)))
		}
		s.settle(lost)
		for _, tp := range e.Partitions {
			delete(s.games, tp.Partition)
		}
		if lost {
			s.log.Warn().Ints32("partitions", ids(e.Partitions)).Msg("assignment lost")
		} else {
			s.log.WithLevel(changeLevel(len(e.Partitions))).Ints32("partitions", ids(e.Partitions)).Msg("revoked")
		}
		return c.IncrementalUnassign(e.Partitions)
	}
	return nil
}

// settle ends the open transaction before the assignment changes: it
// commits it, or aborts it when the assignment was lost.
func (s *Scores) settle(lost bool) {
	if s.txn == nil || s.stop != nil {
		return
	}
	if lost {
		s.stop = s.abort(errAssignmentLost)
		return
	}
	s.stop = s.commit()
}

// restore rebuilds the games of the given partitions from the games
// topic, reading its committed records to the end. The end is the high
// watermark, past any transaction still open there: a transaction left
// open by a member that lost these partitions is aborted (or, if its
// offsets went in before it lost them, committed) within the transaction
// timeout, and the state must include what it committed.
func (s *Scores) restore(partitions []int32) error {
	start := time.Now()
	s.log.Debug().Ints32("partitions", partitions).Msg("restoring games from " + s.opts.Output)
	for _, p := range partitions {
		s.games[p] = map[int64]*game.GameState{}
	}
	ends, err := highWatermarks(s.peek, s.cfg, s.opts.Output, partitions)
	if err != nil {
		return err
	}
	r, err := s.newClient(gamesReaderConfig(s.opts.Group+"-restore", true), false)
	if err != nil {
		return err
	}
	defer r.Close()
	n := 0
	var unreadable error // the registry did not answer
	err = readToEnds(r, s.opts.Output, ends, s.transactionTimeout()+s.cfg.timeout(), s.clock.stopping, s.events, func(m *kafka.Message) {
		n++
		if err := s.restoreGame(m); err != nil && unreadable == nil {
			unreadable = err
		}
	})
	if err == nil {
		err = unreadable
	}
	if err != nil {
		return fmt.Errorf("restore from %s: %w", s.opts.Output, err)
	}
	s.log.Info().Ints32("partitions", partitions).Int("records", n).Dur("took", time.Since(start)).Msg("restored games from " + s.opts.Output)
	return nil
}

// restoreGame puts one games record's state in place. A record that is no
// game state is skipped and logged; an error means the registry could not
// be asked, and the state cannot be rebuilt.
func (s *Scores) restoreGame(m *kafka.Message) error {
	st, err := s.restorer.DecodeGame(m.Value)
	if err != nil && !errors.Is(err, formats.ErrInvalidGame) {
		return err
	}
	if err != nil {
		s.log.Warn().Err(err).Int32("partition", m.TopicPartition.Partition).Int64("offset", int64(m.TopicPartition.Offset)).
			Msg("skipping a games record that does not read as a game state")
		return nil
	}
	s.games[m.TopicPartition.Partition][st.GamePK] = &st
	return nil
}

// gamesReaderConfig reads a games topic by assignment, from the beginning.
func gamesReaderConfig(group string, committed bool) kafka.ConfigMap {
	isolation := "read_uncommitted"
	if committed {
		isolation = "read_committed"
	}
	return kafka.ConfigMap{"group.id": group, "isolation.level": isolation, "enable.auto.commit": false,
		"enable.partition.eof": true, "auto.offset.reset": "earliest", "fetch.wait.max.ms": 10}
}

// highWatermarks returns the high watermark of each of the partitions that
// holds anything. Asked through a read_uncommitted client, it lies past
// any transaction still open.
func highWatermarks(c *kafka.Consumer, cfg Config, topic string, partitions []int32) (map[int32]int64, error) {
	ends := map[int32]int64{}
	for _, p := range partitions {
		low, high, err := watermarks(c, cfg, topic, p)
		if err != nil {
			return nil, err
		}
		if high > low {
			ends[p] = high
		}
	}
	return ends, nil
}

// errInterrupted says that a read to the ends was given up because its
// reader is stopping.
var errInterrupted = errors.New("interrupted: stopping")

// readToEnds reads the partitions of ends from their beginning until each
// is read up to its end, handing every record to fn. A read_committed
// consumer reaches an end only once the transactions open before it have
// ended; it gives up after wait, or with errInterrupted when quit closes.
func readToEnds(c *kafka.Consumer, topic string, ends map[int32]int64, wait time.Duration, quit <-chan struct{}, events consumerEvents, fn func(*kafka.Message)) error {
	if len(ends) == 0 {
		return nil
	}
	ends = maps.Clone(ends)
	var tps []kafka.TopicPartition
	for p := range ends {
		tps = append(tps, kafka.TopicPartition{Topic: &topic, Partition: p, Offset: kafka.OffsetBeginning})
	}
	if err := c.Assign(tps); err != nil {
		return err
	}
	deadline := time.Now().Add(wait)
	for len(ends) > 0 {
		select {
		case <-quit:
			return errInterrupted
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("partitions %v not read to their end in %v: a transaction there stays open", slices.Sorted(maps.Keys(ends)), wait)
		}
		switch ev := c.Poll(100).(type) {
		case *kafka.Message:
			fn(ev)
			if int64(ev.TopicPartition.Offset)+1 >= ends[ev.TopicPartition.Partition] {
				delete(ends, ev.TopicPartition.Partition)
			}
		case kafka.PartitionEOF:
			if int64(ev.Offset) >= ends[ev.Partition] {
				delete(ends, ev.Partition)
			}
		case kafka.Event:
			if err := events.handle(ev); err != nil {
				return err
			}
		}
	}
	return nil
}

// ids returns the partitions' numbers, in order.
func ids(tps []kafka.TopicPartition) []int32 {
	out := make([]int32, len(tps))
	for i, tp := range tps {
		out[i] = tp.Partition
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
