package kafkaio

import (
	"context"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// groupPoller is a GroupReader's polling goroutine: the one that calls Run,
// and Close, and inside whose Poll calls the group's rebalances run.
// Nothing else uses it.
type groupPoller struct {
	*groupMember
	// pipe carries the polled records to the handling goroutine while Run
	// runs; pending is the batch being filled; stalled says the handler is
	// stuck and the partitions are paused (see groupstall.go).
	pipe    *pipe
	pending *polledBatch
	stalled bool
}

// rebalance runs inside Poll on the polling goroutine. Before partitions
// go, it waits until every record polled so far has been handled and its
// offset stored, or a stuck handler has been waited for long enough, then
// commits.
func (p *groupPoller) rebalance(c *kafka.Consumer, ev kafka.Event) error {
	switch e := ev.(type) {
	case kafka.AssignedPartitions:
		p.log.WithLevel(changeLevel(e.Partitions)).Ints32("partitions", ids(e.Partitions)).Msg("assigned")
		err := c.IncrementalAssign(e.Partitions)
		if err == nil && p.stalled {
			p.pause(e.Partitions)
		}
		return err
	case kafka.RevokedPartitions:
		if c.AssignmentLost() {
			p.sync(false, ids(e.Partitions)) // their offsets cannot be committed: the new owner reads them again
			p.log.Warn().Ints32("partitions", ids(e.Partitions)).Msg("assignment lost; its uncommitted offsets will be read again by the new owner")
		} else {
			p.sync(true, ids(e.Partitions))
			p.commit()
			p.log.WithLevel(changeLevel(e.Partitions)).Ints32("partitions", ids(e.Partitions)).Msg("revoked")
		}
		if p.stalled {
			p.resume(e.Partitions) // so that they are not paused if they come back
		}
		return c.IncrementalUnassign(e.Partitions)
	}
	return nil
}

// poll polls the client and sends the records on in batches: a batch goes
// when it is full or when the client has no more records ready. While the
// member is stalled, it polls for the group's events and hands the held
// batch over once the handler has room. It returns when ctx ends, the
// handling goroutine stops, or, with ends, the member's partitions are
// read to their ends.
func (p *groupPoller) poll(ctx context.Context, ends map[int32]int64) error {
	nextEndCheck := time.Now()
	for ctx.Err() == nil {
		if p.stalled && !p.unstall() {
			return nil
		}
		timeout := 100
		if p.pending != nil && !p.stalled {
			timeout = 0 // send what there is as soon as nothing more is ready
		}
		switch ev := p.consumer.Poll(timeout).(type) {
		case *kafka.Message:
			if p.pending == nil {
				p.pending = p.pipe.emptyBatch(p.givenUp.epoch.Load())
			}
			p.pending.records = append(p.pending.records, ev)
			if len(p.pending.records) >= batchRecords && !p.stalled && !p.offer() {
				return nil
			}
		case nil:
			if !p.stalled && !p.offer() {
				return nil
			}
		case kafka.OffsetsCommitted:
			p.logCommit(ev.Offsets, ev.Error)
		case kafka.Event:
			if err := p.events.handle(ev); err != nil {
				return err
			}
		}
		if ends != nil && time.Now().After(nextEndCheck) {
			if p.reachedEnds(ends) {
				return nil
			}
			nextEndCheck = time.Now().Add(100 * time.Millisecond)
		}
	}
	return nil
}

// offer hands the batch being filled over; if the handler takes no batch
// for handlerStuckAfter, the member stalls. False means the handler has
// stopped.
func (p *groupPoller) offer() bool {
	switch p.offerPending(handlerStuckAfter) {
	case handlerStopped:
		return false
	case handlerStuck:
		p.stall()
	}
	return true
}

// offerPending hands the batch being filled over like handOverPending,
// decoding it first if batches are already waiting to be handled.
func (p *groupPoller) offerPending(wait time.Duration) handover {
	if p.pending != nil && p.pipe.behind() {
		p.pending.decode(p.decoder)
	}
	return p.handOverPending(wait)
}

// handOverPending hands the batch being filled, if any, to the handling
// goroutine, waiting at most wait (see pipe.send); the batch stays pending
// unless it was taken.
func (p *groupPoller) handOverPending(wait time.Duration) handover {
	if p.pending == nil {
		return taken
	}
	h := p.pipe.send(p.pending, wait)
	if h == taken {
		p.pending = nil
	}
	return h
}

// logEnds returns the end offset of every partition of the topic now.
func (p *groupPoller) logEnds(ctx context.Context) (map[int32]int64, error) {
	tm, err := existingTopic(ctx, p.consumer, p.cfg, p.opts.Topic)
	if err != nil {
		return nil, err
	}
	ends := map[int32]int64{}
	for _, id := range partitionIDs(tm) {
		_, high, err := watermarks(p.consumer, p.cfg, p.opts.Topic, id)
		if err != nil {
			return nil, err
		}
		ends[id] = high
	}
	return ends, nil
}

// reachedEnds reports whether the member owns partitions and has read each
// of them up to its end.
func (p *groupPoller) reachedEnds(ends map[int32]int64) bool {
	positions := p.positions()
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
	return len(unread) == 0 || p.nothingToRead(unread, ends)
}

// nothingToRead reports whether partitions the member has read nothing
// from have nothing to read: the group committed them up to their end, or
// they hold no record before it.
func (p *groupPoller) nothingToRead(tps []kafka.TopicPartition, ends map[int32]int64) bool {
	committed, err := p.consumer.Committed(tps, int(p.cfg.timeout().Milliseconds()))
	if err != nil {
		return false
	}
	for _, tp := range committed {
		if int64(tp.Offset) >= ends[tp.Partition] {
			continue
		}
		low, _, err := p.consumer.GetWatermarkOffsets(p.opts.Topic, tp.Partition)
		if err != nil || low < ends[tp.Partition] {
			return false
		}
	}
	return true
}
