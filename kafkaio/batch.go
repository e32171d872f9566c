package kafkaio

// #include "rdk.h"
import "C"

import (
	"context"
	"encoding/binary"
	"strconv"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/game"
)

// Batch is a run of records, keys, values and headers back to back in one
// buffer, located by C-layout entries that librdkafka's batch path reads in
// place: so that one goroutine can simulate and encode while another hands
// the whole batch to the client in one call. A Batch is reused: Reset it
// and add again.
type Batch struct {
	enc       *formats.Encoder // nil: JSON
	buf       []byte
	records   []C.pk_record
	gamesOver int
}

// NewBatch returns an empty batch whose records enc encodes; a zero Batch
// encodes JSON.
func NewBatch(enc *formats.Encoder) *Batch { return &Batch{enc: enc} }

// Add encodes a pitch as its record: key game_pk, value the event in the
// batch's format, timestamp ts. On error the batch is as it was.
func (b *Batch) Add(p *game.Pitch) error {
	start := len(b.buf)
	b.buf = strconv.AppendInt(b.buf, p.GamePK, 10)
	keyEnd := len(b.buf)
	if b.enc == nil {
		b.buf = p.AppendJSON(b.buf)
	} else if buf, err := b.enc.Append(b.buf, p); err != nil {
		b.buf = b.buf[:start]
		return err
	} else {
		b.buf = buf
	}
	b.records = append(b.records, C.pk_record{ts_ms: tsMillis(p.TS),
		key_off: C.int32_t(start), key_len: C.int32_t(keyEnd - start),
		val_off: C.int32_t(keyEnd), val_len: C.int32_t(len(b.buf) - keyEnd)})
	if p.GameOver {
		b.gamesOver++
	}
	return nil
}

// addRecord adds a record as given: a nil key or value stays null.
func (b *Batch) addRecord(key, value []byte, headers []kafka.Header, ts time.Time) {
	r := C.pk_record{ts_ms: tsMillis(ts)}
	r.key_off, r.key_len = b.appendBytes(key)
	r.val_off, r.val_len = b.appendBytes(value)
	r.hdr_off = C.int32_t(len(b.buf))
	for _, h := range headers {
		b.buf = binary.NativeEndian.AppendUint16(b.buf, uint16(len(h.Key)))
		b.buf = append(b.buf, h.Key...)
		b.appendBytesLen(h.Value)
	}
	r.hdr_len = C.int32_t(len(b.buf)) - r.hdr_off
	b.records = append(b.records, r)
}

// appendBytes appends v and says where it lies; nil has length -1.
func (b *Batch) appendBytes(v []byte) (off, n C.int32_t) {
	off = C.int32_t(len(b.buf))
	if v == nil {
		return off, -1
	}
	b.buf = append(b.buf, v...)
	return off, C.int32_t(len(v))
}

// appendBytesLen appends v after its int32 length (-1 for nil).
func (b *Batch) appendBytesLen(v []byte) {
	n := int32(-1)
	if v != nil {
		n = int32(len(v))
	}
	b.buf = binary.NativeEndian.AppendUint32(b.buf, uint32(n))
	b.buf = append(b.buf, v...)
}

// tsMillis is a record timestamp for librdkafka: 0 (now) for a zero time.
func tsMillis(ts time.Time) C.int64_t {
	if ts.IsZero() {
		return 0
	}
	return C.int64_t(ts.UnixMilli())
}

// Len is the number of records in the batch.
func (b *Batch) Len() int { return len(b.records) }

// Reset empties the batch, keeping its memory.
func (b *Batch) Reset() {
	b.buf, b.records, b.gamesOver = b.buf[:0], b.records[:0], 0
}

// valueBytes is the sum of the records' value lengths.
func (b *Batch) valueBytes(recs []C.pk_record) int64 {
	var n int64
	for _, r := range recs {
		n += int64(max(r.val_len, 0))
	}
	return n
}

// PublishBatch hands the batch's records to the client in order, in one
// call, waiting while its queue is full. On error, the records before the
// failing one have been handed over.
func (p *Publisher) PublishBatch(ctx context.Context, b *Batch) error {
	n, err := p.rdk.produce(ctx, b.buf, b.records, p.fatalErr)
	p.sent.Add(int64(n))
	p.bytes.Add(b.valueBytes(b.records[:n]))
	if err == nil {
		p.gamesOver.Add(int64(b.gamesOver))
	}
	if fatal, ok := err.(kafka.Error); ok && fatal.IsFatal() {
		p.clientError(fatal) // logged once, and it stops publishing
		return p.fatalErr()
	}
	return err
}
