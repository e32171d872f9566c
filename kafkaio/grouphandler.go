package kafkaio

import (
	"context"
	"errors"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/game"
)

// groupHandler is a GroupReader's handling goroutine while Run runs: it
// hands the records the pipe brings to the handler and stores their
// offsets for commit. Nothing else uses it.
type groupHandler struct {
	*groupMember
	pipe   *pipe
	handle func(Record) error

	// unstored holds, per partition, the offset after the last record
	// handled but not yet stored for commit; unstoredCount counts them.
	unstored      map[int32]handledAt
	unstoredCount int
}

// handledAt is the offset after a handled record, and the epoch of the
// batch it came in.
type handledAt struct {
	tp    kafka.TopicPartition
	epoch uint64
}

// run takes in every message the pipe brings, stores offsets every
// storeEvery records and whenever no batch is waiting, and reports stats
// every interval. When the pipe closes it stores what it handled and
// returns.
func (h *groupHandler) run(ctx context.Context, pipe *pipe, handle func(Record) error) error {
	h.pipe, h.handle = pipe, handle
	var stats <-chan time.Time
	if h.opts.OnStats != nil && h.opts.StatsInterval > 0 {
		t := time.NewTicker(h.opts.StatsInterval)
		defer t.Stop()
		stats = t.C
	}
	for {
		select {
		case m, ok := <-pipe.work:
			if !ok {
				return h.storeHandled()
			}
			if err := m.handledBy(ctx, h); err != nil {
				return err
			}
		case <-stats:
			h.opts.OnStats(h.lag())
		}
	}
}

// handleBatch handles the records of b but those given up since it was
// polled, gives b back for reuse and, if no batch is waiting, stores the
// offsets handled.
func (h *groupHandler) handleBatch(ctx context.Context, b *polledBatch) error {
	for i, m := range b.records {
		if h.givenUp.since(m.TopicPartition.Partition, b.epoch) {
			continue // a revoke gave it up while the handler was stuck
		}
		p, err := b.pitch(i, h.decoder)
		if err := h.accept(ctx, m, p, err, b.epoch); err != nil {
			return err
		}
	}
	h.pipe.recycle(b)
	if !h.pipe.behind() { // nothing waiting: a good moment
		return h.storeHandled()
	}
	return nil
}

// accept hands a decoded record to handle, or logs, counts and skips one
// that did not decode; then it notes the record handled.
func (h *groupHandler) accept(ctx context.Context, m *kafka.Message, p game.Pitch, err error, epoch uint64) error {
	if isFatalDecodeErr(err) {
		return err // not stored: read again once the registry answers
	}
	if !h.tally.count(m, err) {
		if h.dlq != nil {
			if err := h.dlq.send(ctx, m, err); errors.Is(err, errNotCopied) {
				h.tally.uncopied(m, err) // a poison record must never stop the group
			} else if err != nil {
				return err // ctx ended: not stored, so the next owner copies it
			}
		}
	} else if err := h.handle(recordOf(m, p)); err != nil {
		return err
	}
	return h.handled(m.TopicPartition, epoch)
}

// storeEvery is how many handled records may wait before their offsets
// are stored for commit. Storing is a call into the client that took an
// eighth of a replay's time when made for every record.
const storeEvery = 500

// handled notes that the record at tp, polled in epoch, has been dealt
// with, so its offset may be committed; the offsets are stored every
// storeEvery records, when no batch is waiting, and before every commit.
func (h *groupHandler) handled(tp kafka.TopicPartition, epoch uint64) error {
	tp.Offset++ // a stored offset is the next one to read
	h.unstored[tp.Partition] = handledAt{tp, epoch}
	if h.unstoredCount++; h.unstoredCount >= storeEvery {
		return h.storeHandled()
	}
	return nil
}

// storeHandled flushes the handler's output, then stores the offsets of
// the records handled so far, but for partitions given up since. If the
// flush fails nothing is stored.
func (h *groupHandler) storeHandled() error {
	if len(h.unstored) == 0 {
		return nil
	}
	if h.opts.Flush != nil {
		if err := h.opts.Flush(); err != nil {
			return err
		}
	}
	tps := make([]kafka.TopicPartition, 0, len(h.unstored))
	for p, at := range h.unstored {
		if !h.givenUp.since(p, at.epoch) {
			tps = append(tps, at.tp)
		}
	}
	h.dropHandled()
	stored, err := h.consumer.StoreOffsets(tps)
	if err != nil {
		h.log.Warn().Err(err).Msg("store offsets")
	}
	for _, tp := range stored {
		if tp.Error != nil {
			h.log.Warn().Err(tp.Error).Int32("partition", tp.Partition).Msg("store offset")
		}
	}
	return nil
}

// dropHandled forgets the offsets handled but not stored.
func (h *groupHandler) dropHandled() {
	clear(h.unstored)
	h.unstoredCount = 0
}
