package kafkaio

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pitchkafka/pitchkafka/kafkaio/internal/rdk"
)

// A handler stuck writing (announce with its stdout on a pipe nobody
// reads) must hold up neither the group nor a shutdown. Two things would
// wait for it. The polling goroutine, blocked handing over a batch when
// the pipe is full, would stop polling, and librdkafka serves a rebalance
// only from inside a batch call; and a revoke waits until every record
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

// stall pauses the member's partitions while the handler is stuck.
func (p *groupPoller) stall() {
	p.stalled = true
	if assigned, err := p.consumer.Assignment(); err == nil {
		p.pause(assigned)
	}
	p.log.Warn().Str("waited", handlerStuckAfter.String()).
		Msg("the handler takes no records (is the output blocked?); fetching is paused until it does, and the group is still served")
}

// unstall hands the held batch over if the handler has room for it now,
// and if so resumes the partitions. False means the handler has stopped.
func (p *groupPoller) unstall() bool {
	switch p.handOverPending(0) {
	case handlerStopped:
		return false
	case handlerStuck:
		return true
	}
	p.stalled = false
	if assigned, err := p.consumer.Assignment(); err == nil {
		p.resume(assigned)
	}
	p.log.Info().Msg("the handler takes records again; fetching resumed")
	return true
}

func (p *groupPoller) pause(tps []rdk.TopicPartition) {
	if _, err := p.consumer.Pause(tps); err != nil {
		p.log.Warn().Err(fromRdk(err)).Msg("pause partitions")
	}
}

func (p *groupPoller) resume(tps []rdk.TopicPartition) {
	if _, err := p.consumer.Resume(tps); err != nil {
		p.log.Warn().Err(fromRdk(err)).Msg("resume partitions")
	}
}

// sync waits until the handling goroutine has handled every record polled
// so far and stored their offsets, or dropped them if store is false. It
// returns at once when Run is not running: Run has stored everything
// handled before it returned. It waits at most revokeWait; then the
// records of partitions (those being revoked) not yet handled are given
// up.
func (p *groupPoller) sync(store bool, partitions []int32) {
	if p.pipe == nil {
		return
	}
	deadline := time.Now().Add(revokeWait)
	done := make(chan struct{})
	var barrier message = dropBarrier{done}
	if store {
		barrier = storeBarrier{done}
	}
	h := p.handOverPending(time.Until(deadline))
	if h == taken {
		h = p.pipe.send(barrier, time.Until(deadline))
	}
	switch h {
	case taken:
		p.waitFor(done, deadline, partitions)
	case handlerStuck:
		p.giveUp(partitions)
	}
}

// waitFor waits until the barrier closes done, the handler stops, or the
// deadline passes; then it gives up partitions.
func (p *groupPoller) waitFor(done <-chan struct{}, deadline time.Time, partitions []int32) {
	timeout := time.NewTimer(time.Until(deadline))
	defer timeout.Stop()
	select {
	case <-done:
	case <-p.pipe.stopped:
	case <-timeout.C:
		p.giveUp(partitions)
	}
}

// giveUp gives up the records of partitions polled but not handled: the
// batch being filled drops them now, and the handler skips them later.
func (p *groupPoller) giveUp(partitions []int32) {
	epoch := p.givenUp.add(partitions)
	if b := p.pending; b != nil {
		b.records = slices.DeleteFunc(b.records, func(m polledRecord) bool {
			return slices.Contains(partitions, m.partition)
		})
		b.decoded, b.epoch = false, epoch
	}
	p.log.Warn().Ints32("partitions", partitions).Str("waited", revokeWait.String()).
		Msg("the handler is stuck (is the output blocked?); partitions given up without it: what it had not written stays uncommitted, for the next owner")
}
