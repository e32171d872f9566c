package rdk

// #include "rdk.h"
import "C"

import (
	"encoding/binary"
	"time"
)

// Batch is a run of records, keys, values and headers back to back in one
// buffer, located by C-layout entries that the C side reads in place, so
// that a whole batch goes to librdkafka in one call. A Batch is reused:
// Reset it and add again. The zero Batch is empty and ready.
type Batch struct {
	buf     []byte
	records []C.pk_record
}

// Header is a record header; a nil Value is a null one.
type Header struct {
	Key   string
	Value []byte
}

// Buffer returns the batch's buffer, for a record to be appended to it in
// place, key then value, and added with AddAppended.
func (b *Batch) Buffer() []byte { return b.buf }

// AddAppended adds the record that buf, Buffer() extended, holds past the
// batch's end: its first keyLen bytes are the key, the rest the value.
// It has timestamp ts (zero: now) and no headers.
func (b *Batch) AddAppended(buf []byte, keyLen int, ts time.Time) {
	start, keyEnd := len(b.buf), len(b.buf)+keyLen
	b.buf = buf
	b.records = append(b.records, C.pk_record{ts_ms: tsMillis(ts),
		key_off: C.int32_t(start), key_len: C.int32_t(keyLen),
		val_off: C.int32_t(keyEnd), val_len: C.int32_t(len(buf) - keyEnd)})
}

// Add adds a record as given: a nil key or value stays null.
func (b *Batch) Add(key, value []byte, headers []Header, ts time.Time) {
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
func (b *Batch) Reset() { b.buf, b.records = b.buf[:0], b.records[:0] }

// ValueBytes is the sum of the value lengths of records [from, to).
func (b *Batch) ValueBytes(from, to int) int64 {
	var n int64
	for _, r := range b.records[from:to] {
		n += int64(max(r.val_len, 0))
	}
	return n
}
