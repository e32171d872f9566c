package kafkaio

import (
	"bytes"
	"context"
	"math"
	"slices"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/kafkaio/internal/rdk"
)

// Records handed from the polling goroutine to the handling one: up to
// batchRecords at a time, up to pipeBatches batches in flight. A batch call
// returns up to rdk.BatchCap records, handed over in several batches: the
// handler starts sooner, and a stuck one is noticed (the pipe full) with
// as few records in flight as when the member read record by record.
const (
	batchRecords = 256
	pipeBatches  = 4
)

// pipe connects a GroupReader's polling goroutine to its handling one
// while Run runs. Only the polling goroutine sends, and only the handling
// one receives and returns batches for reuse.
type pipe struct {
	work    chan message
	free    chan *polledBatch // emptied batches, for reuse
	stopped chan struct{}     // closed when the handling goroutine returns
	err     error             // why it returned; read after stopped
}

func newPipe() *pipe {
	return &pipe{work: make(chan message, pipeBatches), free: make(chan *polledBatch, pipeBatches+2), stopped: make(chan struct{})}
}

// message is what the pipe carries: a *polledBatch of records, a storeBarrier
// or a dropBarrier.
type message interface {
	// handledBy is how the handling goroutine takes the message in; an
	// error stops that goroutine.
	handledBy(ctx context.Context, h *groupHandler) error
}

// storeBarrier asks the handling goroutine to store the offsets of every
// record sent before it, then closes done, even if storing failed.
type storeBarrier struct{ done chan struct{} }

func (s storeBarrier) handledBy(_ context.Context, h *groupHandler) error {
	defer close(s.done)
	return h.storeHandled()
}

// dropBarrier asks the handling goroutine to forget the offsets of every
// record sent before it, which can no longer be committed, then closes
// done.
type dropBarrier struct{ done chan struct{} }

func (d dropBarrier) handledBy(_ context.Context, h *groupHandler) error {
	h.dropHandled()
	close(d.done)
	return nil
}

// handover is how handing a message to the handling goroutine ended.
type handover int

const (
	taken handover = iota
	handlerStopped
	handlerStuck // it took nothing in the time given
)

// waitForever is a wait for send that lasts as long as the handler takes.
const waitForever = time.Duration(math.MaxInt64)

// send hands m to the handling goroutine, waiting for it to take m at most
// wait: not at all if wait is 0, as long as it takes if waitForever.
func (p *pipe) send(m message, wait time.Duration) handover {
	select {
	case p.work <- m: // the usual case, and the cheapest select
		return taken
	default:
	}
	if wait <= 0 {
		select {
		case <-p.stopped:
			return handlerStopped
		default:
			return handlerStuck
		}
	}
	var stuck <-chan time.Time
	if wait != waitForever {
		t := time.NewTimer(wait)
		defer t.Stop()
		stuck = t.C
	}
	select {
	case p.work <- m:
		return taken
	case <-p.stopped:
		return handlerStopped
	case <-stuck:
		return handlerStuck
	}
}

// behind reports whether batches are waiting to be handled.
func (p *pipe) behind() bool { return len(p.work) > 0 }

// emptyBatch returns a batch for records polled in epoch, reusing one the
// handler is done with if there is one.
func (p *pipe) emptyBatch(epoch uint64) *polledBatch {
	var b *polledBatch
	select {
	case b = <-p.free:
	default:
		b = &polledBatch{records: make([]polledRecord, 0, batchRecords)}
	}
	b.epoch = epoch
	return b
}

// recycle empties a handled batch and keeps it for reuse, if there is room.
func (p *pipe) recycle(b *polledBatch) {
	b.reset()
	select {
	case p.free <- b:
	default:
	}
}

// polledBatch is records polled together, copied out of librdkafka's
// batch into memory of its own, which is reused once the batch is handled.
// The polling goroutine decodes them itself when the handling goroutine is
// behind, which shares the decoding, the heaviest part of handling,
// between the two.
type polledBatch struct {
	records []polledRecord
	arena   []byte // the records' keys and values, back to back
	epoch   uint64 // see givenUp
	decoded bool
	pitches []game.Pitch
	errs    []error
}

// polledRecord is one record of a polledBatch; its key and value lie in
// the batch's arena, valid until the batch is reused.
type polledRecord struct {
	partition  int32
	offset     int64
	timestamp  time.Time
	key, value []byte // nil: null
	headers    []kafka.Header
}

func (b *polledBatch) handledBy(ctx context.Context, h *groupHandler) error {
	return h.handleBatch(ctx, b)
}

// add copies message m of c's current batch into b.
func (b *polledBatch) add(c *rdk.Consumer, m *rdk.Message) {
	r := polledRecord{partition: m.Partition, offset: m.Offset, timestamp: m.Timestamp}
	r.key, r.value = b.keep(m.Key), b.keep(m.Value)
	if m.HasHeaders() {
		r.headers = kafkaHeaders(c.CopyHeaders(m))
	}
	b.records = append(b.records, r)
}

// keep copies v into the arena and returns the copy; nil stays nil. When
// the arena grows, the copies made before keep the old one alive.
func (b *polledBatch) keep(v []byte) []byte {
	if v == nil {
		return nil
	}
	if cap(b.arena)-len(b.arena) < len(v) {
		b.arena = make([]byte, 0, max(2*cap(b.arena), len(v), arenaStart))
	}
	start := len(b.arena)
	b.arena = append(b.arena, v...)
	return b.arena[start:len(b.arena):len(b.arena)]
}

// arenaStart is a new arena's size: a batch's worth of pitch events.
const arenaStart = 256 << 10

// decode decodes every record of the batch.
func (b *polledBatch) decode(d *formats.Decoder) {
	b.pitches, b.errs = slices.Grow(b.pitches[:0], len(b.records)), slices.Grow(b.errs[:0], len(b.records))
	for i := range b.records {
		p, err := decodeValue(d, b.records[i].value)
		b.pitches, b.errs = append(b.pitches, p), append(b.errs, err)
	}
	b.decoded = true
}

// pitch returns record i decoded, decoding it now if the batch is not.
func (b *polledBatch) pitch(i int, d *formats.Decoder) (game.Pitch, error) {
	if b.decoded && i < len(b.pitches) { // a stalled batch may grow after decoding
		return b.pitches[i], b.errs[i]
	}
	return decodeValue(d, b.records[i].value)
}

// decodeValue decodes a value that lies in a batch's arena. A value in the
// Schema Registry's wire format is copied first: the deserializers may
// keep parts of it, and the arena is reused.
func decodeValue(d *formats.Decoder, v []byte) (game.Pitch, error) {
	if formats.IsFramed(v) {
		v = bytes.Clone(v)
	}
	return d.Decode(v)
}

// reset empties the batch for reuse, letting go of what it held.
func (b *polledBatch) reset() {
	clear(b.records)
	clear(b.pitches)
	clear(b.errs)
	b.records, b.pitches, b.errs, b.decoded = b.records[:0], b.pitches[:0], b.errs[:0], false
	b.arena = b.arena[:0]
}
