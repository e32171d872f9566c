package kafkaio

import (
	"context"
	"slices"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/kafkaio/internal/rdk"
)

// groupPoller is a GroupReader's polling goroutine: the one that calls Run,
// and Close, which reads the client's batches and acts on the group's
// rebalances. Nothing else uses it.
type groupPoller struct {
	*groupMember
	// msgs is the client's current batch, in librdkafka's memory until
	// the next Consume.
	msgs []rdk.Message
	// pipe carries the polled records to the handling goroutine while Run
	// runs; pending is the batch being filled; stalled says the handler is
	// stuck and the partitions are paused (see groupstall.go).
	pipe    *pipe
	pending *polledBatch
	stalled bool
}

// rebalanceAll acts on the rebalances the last batch call was told of, in
// order, and returns how many there were.
func (p *groupPoller) rebalanceAll() int {
	n := 0
	for rb, ok := p.consumer.TakeRebalance(); ok; rb, ok = p.consumer.TakeRebalance() {
		p.rebalance(rb)
		n++
	}
	return n
}

// rebalance acts on a rebalance once every record polled before it is in
// hand. Before partitions go, it waits until every record polled so far
// has been handled and its offset stored, or a stuck handler has been
// waited for long enough, then commits; a lost assignment commits nothing.
func (p *groupPoller) rebalance(rb *rdk.Rebalance) {
	partitions := idsOf(rb.Partitions)
	level := changeLevel(len(partitions))
	switch {
	case rb.Assign:
		p.log.WithLevel(level).Ints32("partitions", partitions).Msg("assigned")
		p.apply(rb)
		if p.stalled {
			p.pause(rb.Partitions)
		}
		return
	case rb.Lost:
		p.sync(false, partitions) // their offsets cannot be committed: the new owner reads them again
		p.log.Warn().Ints32("partitions", partitions).Msg("assignment lost; its uncommitted offsets will be read again by the new owner")
	default:
		p.sync(true, partitions)
		p.commit()
		p.log.WithLevel(level).Ints32("partitions", partitions).Msg("revoked")
	}
	if p.stalled {
		p.resume(rb.Partitions) // so that they are not paused if they come back
	}
	p.apply(rb)
}

// idsOf returns the partitions' numbers, in order.
func idsOf(tps []rdk.TopicPartition) []int32 {
	out := make([]int32, len(tps))
	for i, tp := range tps {
		out[i] = tp.Partition
	}
	slices.Sort(out)
	return out
}

// apply changes the assignment as rb says.
func (p *groupPoller) apply(rb *rdk.Rebalance) {
	if err := p.consumer.Apply(rb); err != nil {
		p.log.Warn().Err(fromRdk(err)).Bool("assign", rb.Assign).Ints32("partitions", idsOf(rb.Partitions)).Msg("rebalance")
	}
}

// poll reads the client's batches and sends their records on, in batches
// of up to batchRecords, the last as soon as the call's records are all in
// hand; then it acts on the rebalances served during the call. While the
// member is stalled, it keeps the records, and hands them over once the
// handler has room. It returns when ctx ends, the handling
// goroutine stops, the client reports an error that ends the member, or,
// with ends, the member's partitions are read to their ends.
func (p *groupPoller) poll(ctx context.Context, ends map[int32]int64) error {
	nextEndCheck := time.Now()
	for ctx.Err() == nil {
		if p.stalled && !p.unstall() {
			return nil
		}
		p.msgs = p.consumer.Consume(100*time.Millisecond, p.msgs)
		if ok, err := p.take(p.msgs); !ok {
			return err
		}
		if err := p.failed(); err != nil {
			return err
		}
		p.rebalanceAll()
		if !p.stalled && !p.offer() {
			return nil
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

// take copies the batch's records out of librdkafka's memory into
// batches of up to batchRecords, each handed over once full, and reports
// the batch's errors. It returns false when the handling goroutine has
// stopped, and an error that ends the member.
func (p *groupPoller) take(msgs []rdk.Message) (bool, error) {
	for i := range msgs {
		m := &msgs[i]
		switch m.Err {
		case rdk.NoError:
			if p.pending == nil {
				p.pending = p.pipe.emptyBatch(p.givenUp.epoch.Load())
			}
			p.pending.add(p.consumer, m)
			if len(p.pending.records) >= batchRecords && !p.stalled && !p.offer() {
				return false, nil
			}
		case rdk.PartitionEOF:
		default:
			if err := p.events.handle(kafka.NewError(kafka.ErrorCode(m.Err), string(m.Value), false)); err != nil {
				return false, err
			}
		}
	}
	return true, nil
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
	tm, err := existingTopic(ctx, p.meta, p.cfg, p.opts.Topic)
	if err != nil {
		return nil, err
	}
	ends := map[int32]int64{}
	for _, id := range partitionIDs(tm) {
		_, high, err := watermarks(p.meta, p.cfg, p.opts.Topic, id)
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
	var unread []rdk.TopicPartition
	for _, tp := range positions {
		switch pos := tp.Offset; {
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
func (p *groupPoller) nothingToRead(tps []rdk.TopicPartition, ends map[int32]int64) bool {
	committed, err := p.consumer.Committed(tps, p.cfg.timeout())
	if err != nil {
		return false
	}
	for _, tp := range committed {
		if tp.Offset >= ends[tp.Partition] {
			continue
		}
		low, _ := p.consumer.Watermarks(p.opts.Topic, tp.Partition)
		if low < 0 || low < ends[tp.Partition] {
			return false
		}
	}
	return true
}
