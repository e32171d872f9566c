package rdk

// #include "rdk.h"
import "C"

import (
	"runtime/cgo"
	"time"
	"unsafe"
)

// BatchCap is how many messages one Consume returns at most.
const BatchCap = 1024

// Consumer is a librdkafka consumer driven through the C API, by
// assignment: one call returns a batch of messages, which Go reads in place
// and which the next call releases. Its callbacks are served during those
// calls, on the goroutine that consumes.
type Consumer struct {
	c      *C.pk_consumer
	handle cgo.Handle
	taken  []*Rebalance // taken and not yet applied (group.go)
}

// Message is one message of the current batch. Value points into
// librdkafka's memory: it is valid until the next Consume or Close, and
// whatever must outlive the batch has to be copied.
type Message struct {
	Partition int32
	Offset    int64
	Timestamp time.Time // zero when the record has none
	// Err is NoError for a record, PartitionEOF at the end of a partition,
	// or an error, whose text Value then holds.
	Err     Code
	Value   []byte // nil: a null value
	Key     []byte // nil: a null key
	index   int    // in the batch, for its headers
	headers int
}

// HasHeaders reports whether the message has headers (CopyHeaders).
func (m *Message) HasHeaders() bool { return m.headers > 0 }

// NewConsumer creates a consumer; events receives its errors, statistics
// and logs until Close returns. An unknown or bad property fails with an
// *Error naming it.
func NewConsumer(cfg Config, events Events) (*Consumer, error) {
	return newConsumer(cfg, events, false)
}

// newConsumer creates a consumer, a group consumer if group is set.
func newConsumer(cfg Config, events Events, group bool) (*Consumer, error) {
	if err := CheckLibrary(); err != nil {
		return nil, err
	}
	conf, err := newConf(cfg)
	if err != nil {
		return nil, err
	}
	r := &Consumer{handle: cgo.NewHandle(&callbackTarget{events: events})}
	errstr := (*C.char)(C.malloc(512))
	defer C.free(unsafe.Pointer(errstr))
	r.c = C.pk_consumer_new(conf, C.uintptr_t(r.handle), BatchCap, cBool(group), errstr, 512)
	if r.c == nil {
		r.handle.Delete()
		return nil, &Error{Code: InvalidArg, Reason: C.GoString(errstr)}
	}
	return r, nil
}

// Start is where a partition's reading starts.
type Start struct {
	Partition int32
	Offset    int64
}

// Assign starts reading the partitions of topic, each at its offset.
func (r *Consumer) Assign(topic string, starts []Start) error {
	list := C.rd_kafka_topic_partition_list_new(C.int(len(starts)))
	defer C.rd_kafka_topic_partition_list_destroy(list)
	ctopic := C.CString(topic)
	defer C.free(unsafe.Pointer(ctopic))
	for _, s := range starts {
		C.rd_kafka_topic_partition_list_add(list, ctopic, C.int32_t(s.Partition)).offset = C.int64_t(s.Offset)
	}
	if code := Code(C.rd_kafka_assign(r.c.rk, list)); code != NoError {
		return errorOf(code)
	}
	return nil
}

// Consume releases the previous batch and waits up to timeout for the
// next, into msgs, which it returns.
func (r *Consumer) Consume(timeout time.Duration, msgs []Message) []Message {
	n := int(C.pk_consume_batch(r.c, C.int(timeout.Milliseconds())))
	msgs = msgs[:0]
	if n == 0 {
		return msgs
	}
	for i, m := range unsafe.Slice(r.c.out, n) {
		msg := Message{Partition: int32(m.partition), Offset: int64(m.offset), Err: Code(m.err),
			index: i, headers: int(m.hdr_cnt)}
		if m.ts_ms >= 0 {
			msg.Timestamp = time.UnixMilli(int64(m.ts_ms))
		}
		if m.value != nil {
			msg.Value = unsafe.Slice((*byte)(unsafe.Pointer(m.value)), int(m.value_len))
		}
		if m.key != nil {
			msg.Key = unsafe.Slice((*byte)(unsafe.Pointer(m.key)), int(m.key_len))
		}
		msgs = append(msgs, msg)
	}
	return msgs
}

// CopyHeaders returns a copy of a message's headers; m must be of the
// current batch.
func (r *Consumer) CopyHeaders(m *Message) []Header {
	if m.headers == 0 {
		return nil
	}
	hs := make([]Header, 0, m.headers)
	for i := range m.headers {
		var name *C.char
		var value unsafe.Pointer
		var size C.size_t
		if C.pk_msg_header(r.c, C.int(m.index), C.size_t(i), &name, &value, &size) != 0 {
			break
		}
		h := Header{Key: C.GoString(name)}
		if value != nil {
			h.Value = C.GoBytes(value, C.int(size))
		}
		hs = append(hs, h)
	}
	return hs
}

// Wake makes a Consume under way, or the next one, return at once. It is
// safe to call from any goroutine until Close.
func (r *Consumer) Wake() { C.rd_kafka_queue_yield(r.c.q) }

// Close releases the batch and closes the consumer. A group consumer
// first acts on the rebalances it was told of and nobody took, and leaves
// its group.
func (r *Consumer) Close() {
	r.applyTaken()
	C.pk_consumer_destroy(r.c)
	r.c = nil
	r.handle.Delete()
}
