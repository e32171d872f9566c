package kafkaio

import (
	"context"
	"errors"
	"time"

	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/kafkaio/internal/rdk"
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
	offset int64
	epoch  uint64
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
	for i := range b.records {
		m := &b.records[i]
		if h.givenUp.since(m.partition, b.epoch) {
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
func (h *groupHandler) accept(ctx context.Context, m *polledRecord, p game.Pitch, err error, epoch uint64) error {
	if isFatalDecodeErr(err) {
		return err // not stored: read again once the registry answers
	}
	if !h.tally.countAt(m.partition, m.offset, len(m.value), err) {
		if h.dlq != nil {
			if err := h.dlq.send(ctx, m, err); errors.Is(err, errNotCopied) {
				h.tally.uncopied(m, err) // a poison record must never stop the group
			} else if err != nil {
				return err // ctx ended: not stored, so the next owner copies it
			}
		}
	} else if err := h.handle(Record{Partition: m.partition, Offset: m.offset, Timestamp: m.timestamp, Pitch: p,
		headers: m.headers, value: m.value}); err != nil {
		return err
	}
	return h.handled(m.partition, m.offset, epoch)
}

// storeEvery is how many handled records may wait before their offsets
// are stored for commit. Storing is a call into the client that took an
// eighth of a replay's time when made for every record.
const storeEvery = 500

// handled notes that the record at partition and offset, polled in epoch,
// has been dealt with, so its offset may be committed; the offsets are
// stored every storeEvery records, when no batch is waiting, and before
// every commit.
func (h *groupHandler) handled(partition int32, offset int64, epoch uint64) error {
	h.unstored[partition] = handledAt{offset + 1, epoch} // a stored offset is the next one to read
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
	tps := make([]rdk.TopicPartition, 0, len(h.unstored))
	for p, at := range h.unstored {
		if !h.givenUp.since(p, at.epoch) {
			tps = append(tps, rdk.TopicPartition{Topic: h.opts.Topic, Partition: p, Offset: at.offset})
		}
	}
	h.dropHandled()
	stored, err := h.consumer.StoreOffsets(tps)
	if err != nil {
		h.log.Warn().Err(fromRdk(err)).Msg("store offsets")
	}
	for _, tp := range stored {
		if tp.Err != rdk.NoError {
			h.log.Warn().Err(kafkaError(&rdk.Error{Code: tp.Err, Reason: tp.Err.String()})).Int32("partition", tp.Partition).Msg("store offset")
		}
	}
	return nil
}

// dropHandled forgets the offsets handled but not stored.
func (h *groupHandler) dropHandled() {
	clear(h.unstored)
	h.unstoredCount = 0
}
