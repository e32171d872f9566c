package kafkaio

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// A handler stuck writing (announce with its stdout on a pipe nobody
// reads) must hold up neither the group nor a shutdown. Two things would
// wait for it. The polling goroutine, blocked handing over a batch when
// the pipe is full, would stop polling, and librdkafka delivers a
// rebalance only from inside Poll; and a revoke waits until every record
// polled has been handled. So:
//
//   - when the handler takes no batch for handlerStuckAfter, the member
//     stalls: it pauses its partitions, so nothing more is fetched, holds
//     the batch, and goes on polling for the group's events alone, until
//     the handler takes the batch and the partitions are resumed;
//   - a revoke waits for the handler at most revokeWait; then it gives
//     up the revoked partitions' records not yet handled, which stay
//     uncommitted so that the next owner handles them (at least once),
//     commits what was stored, and lets the rebalance go on.
const (
	handlerStuckAfter = time.Second
	revokeWait        = 2 * time.Second
)

// givenUp remembers the partitions a revoke gave up on while the handler
// was stuck, so that the handler, once free, neither handles their records
// polled before nor stores their offsets. Each give-up starts a new epoch;
// a batch carries the epoch it was polled in.
type givenUp struct {
	epoch atomic.Uint64
	mu    sync.Mutex
	at    map[int32]uint64 // partition to the epoch its last give-up began
}

// add gives up partitions and returns the new epoch.
func (u *givenUp) add(partitions []int32) uint64 {
	u.mu.Lock()
	defer u.mu.Unlock()
	e := u.epoch.Add(1)
	if u.at == nil {
		u.at = map[int32]uint64{}
	}
	for _, p := range partitions {
		u.at[p] = e
	}
	return e
}

// since reports whether partition p was given up after epoch e, so that
// its records polled in e are no longer the member's to handle.
func (u *givenUp) since(p int32, e uint64) bool {
	if u.epoch.Load() == e {
		return false
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.at[p] > e
}

// handover is how handing work to the handling goroutine ended.
type handover int

const (
	taken handover = iota
	handlerStopped
	handlerStuck
)

// handOver sends w to the handling goroutine, unless it stops first or
// stuck fires.
func (g *GroupReader) handOver(w work, stuck <-chan time.Time) handover {
	select {
	case g.pipe.work <- w:
		return taken
	case <-g.pipe.stopped:
		return handlerStopped
	case <-stuck:
		return handlerStuck
	}
}

// offerPending sends the batch being filled, decoding it first if the
// handling goroutine has batches waiting. If the handler takes no batch
// for handlerStuckAfter, the member stalls. False means the handler has stopped.
func (g *GroupReader) offerPending() bool {
	if g.pending == nil {
		return true
	}
	if len(g.pipe.work) > 0 {
		g.pending.decode(g.decoder)
	}
	select {
	case g.pipe.work <- work{batch: g.pending}:
		g.pending = nil
		return true
	default:
	}
	timer := time.NewTimer(handlerStuckAfter)
	defer timer.Stop()
	switch g.handOver(work{batch: g.pending}, timer.C) {
	case handlerStopped:
		return false
	case handlerStuck:
		g.stall()
	default:
		g.pending = nil
	}
	return true
}

// stall pauses the member's partitions while the handler is stuck.
func (g *GroupReader) stall() {
	g.stalled = true
	if assigned, err := g.consumer.Assignment(); err == nil {
		g.pause(assigned)
	}
	g.log.Warn().Str("waited", handlerStuckAfter.String()).
		Msg("the handler takes no records (is the output blocked?); fetching is paused until it does, and the group is still served")
}

// unstall hands the held batch over if the handler has room for it now,
// and if so resumes the partitions. False means the handler has stopped.
func (g *GroupReader) unstall() bool {
	if g.pending != nil {
		select {
		case g.pipe.work <- work{batch: g.pending}:
			g.pending = nil
		case <-g.pipe.stopped:
			return false
		default:
			return true
		}
	}
	g.stalled = false
	if assigned, err := g.consumer.Assignment(); err == nil {
		g.resume(assigned)
	}
	g.log.Info().Msg("the handler takes records again; fetching resumed")
	return true
}

func (g *GroupReader) pause(tps []kafka.TopicPartition) {
	if err := g.consumer.Pause(tps); err != nil {
		g.log.Warn().Err(err).Msg("pause partitions")
	}
}

func (g *GroupReader) resume(tps []kafka.TopicPartition) {
	if err := g.consumer.Resume(tps); err != nil {
		g.log.Warn().Err(err).Msg("resume partitions")
	}
}

// sync waits until the handling goroutine has handled every record polled
// so far and stored their offsets, or dropped them if store is false. It
// returns at once when Run is not running: Run has stored everything
// handled before it returned. It waits at most revokeWait; then the
// records of partitions (those being revoked) not yet handled are given
// up.
func (g *GroupReader) sync(store bool, partitions []int32) {
	if g.pipe == nil {
		return
	}
	timeout := time.NewTimer(revokeWait)
	defer timeout.Stop()
	if g.pending != nil {
		if !g.handedOver(work{batch: g.pending}, timeout.C, partitions) {
			return
		}
		g.pending = nil
	}
	synced := make(chan struct{})
	if !g.handedOver(work{synced: synced, store: store}, timeout.C, partitions) {
		return
	}
	select {
	case <-synced:
	case <-g.pipe.stopped:
	case <-timeout.C:
		g.giveUp(partitions)
	}
}

// handedOver hands w over for sync, giving up partitions if the handler
// is stuck; false means w was not handed over.
func (g *GroupReader) handedOver(w work, timeout <-chan time.Time, partitions []int32) bool {
	switch g.handOver(w, timeout) {
	case handlerStuck:
		g.giveUp(partitions)
		return false
	case handlerStopped:
		return false
	}
	return true
}

// giveUp gives up the records of partitions polled but not handled: the
// batch being filled drops them now, and the handler skips them later.
func (g *GroupReader) giveUp(partitions []int32) {
	epoch := g.givenUp.add(partitions)
	if b := g.pending; b != nil {
		b.records = slices.DeleteFunc(b.records, func(m *kafka.Message) bool {
			return slices.Contains(partitions, m.TopicPartition.Partition)
		})
		b.decoded, b.epoch = false, epoch
	}
	g.log.Warn().Ints32("partitions", partitions).Str("waited", revokeWait.String()).
		Msg("the handler is stuck (is the output blocked?); partitions given up without it: what it had not written stays uncommitted, for the next owner")
}
