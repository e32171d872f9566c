package kafkaio

// #include "rdk.h"
import "C"

import (
	"fmt"
	"runtime/cgo"
	"time"
	"unsafe"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// batchCap is how many messages one rd_kafka_consume_batch_queue call
// returns at most.
const batchCap = 1024

// rdkConsumer is a librdkafka consumer driven through the C API: one call
// returns a batch of messages, which Go reads in place and which the next
// call releases. Its callbacks are served during those calls.
type rdkConsumer struct {
	c      *C.pk_consumer
	handle cgo.Handle
}

// rdkMessage is one message of the current batch. value points into
// librdkafka's memory: it is valid until the next consume or close, and
// whatever must outlive the batch has to be copied.
type rdkMessage struct {
	Partition int32
	Offset    int64
	Timestamp time.Time
	Err       kafka.ErrorCode
	value     []byte // nil: a null value; for an error, its text
	index     int    // in the batch, for its headers
	headers   int
}

// newRdkConsumer creates a consumer from the config map; events receives
// its errors, statistics and logs until close returns.
func newRdkConsumer(cm kafka.ConfigMap, events clientEvents) (*rdkConsumer, error) {
	if err := checkLibrary(); err != nil {
		return nil, err
	}
	conf, err := newConf(cm)
	if err != nil {
		return nil, err
	}
	r := &rdkConsumer{handle: cgo.NewHandle(&callbackTarget{events: events})}
	errstr := (*C.char)(C.malloc(512))
	defer C.free(unsafe.Pointer(errstr))
	r.c = C.pk_consumer_new(conf, C.uintptr_t(r.handle), batchCap, errstr, 512)
	if r.c == nil {
		r.handle.Delete()
		return nil, kafka.NewError(kafka.ErrInvalidArg, C.GoString(errstr), false)
	}
	return r, nil
}

// assign starts reading the partitions of topic, each at its offset.
func (r *rdkConsumer) assign(topic string, tps []kafka.TopicPartition) error {
	list := C.rd_kafka_topic_partition_list_new(C.int(len(tps)))
	defer C.rd_kafka_topic_partition_list_destroy(list)
	ctopic := C.CString(topic)
	defer C.free(unsafe.Pointer(ctopic))
	for _, tp := range tps {
		C.rd_kafka_topic_partition_list_add(list, ctopic, C.int32_t(tp.Partition)).offset = C.int64_t(tp.Offset)
	}
	if code := C.rd_kafka_assign(r.c.rk, list); code != C.RD_KAFKA_RESP_ERR_NO_ERROR {
		ec := kafka.ErrorCode(code)
		return fmt.Errorf("assign %s: %w", topic, kafka.NewError(ec, ec.String(), false))
	}
	return nil
}

// consume releases the previous batch and waits up to timeout for the
// next, into msgs, which it returns.
func (r *rdkConsumer) consume(timeout time.Duration, msgs []rdkMessage) []rdkMessage {
	n := int(C.pk_consume_batch(r.c, C.int(timeout.Milliseconds())))
	msgs = msgs[:0]
	if n == 0 {
		return msgs
	}
	for i, m := range unsafe.Slice(r.c.out, n) {
		msg := rdkMessage{Partition: int32(m.partition), Offset: int64(m.offset), Err: kafka.ErrorCode(m.err),
			index: i, headers: int(m.hdr_cnt)}
		if m.ts_ms >= 0 {
			msg.Timestamp = time.UnixMilli(int64(m.ts_ms))
		}
		if m.value != nil {
			msg.value = unsafe.Slice((*byte)(unsafe.Pointer(m.value)), int(m.value_len))
		}
		msgs = append(msgs, msg)
	}
	return msgs
}

// copyHeaders returns a copy of a message's headers; m must be of the
// current batch.
func (r *rdkConsumer) copyHeaders(m *rdkMessage) []kafka.Header {
	if m.headers == 0 {
		return nil
	}
	hs := make([]kafka.Header, 0, m.headers)
	for i := range m.headers {
		var name *C.char
		var value unsafe.Pointer
		var size C.size_t
		if C.pk_msg_header(r.c, C.int(m.index), C.size_t(i), &name, &value, &size) != 0 {
			break
		}
		h := kafka.Header{Key: C.GoString(name)}
		if value != nil {
			h.Value = C.GoBytes(value, C.int(size))
		}
		hs = append(hs, h)
	}
	return hs
}

// wake makes a consume under way, or the next one, return at once. It is
// safe to call from any goroutine until close.
func (r *rdkConsumer) wake() { C.rd_kafka_queue_yield(r.c.q) }

// close releases the batch and closes the consumer.
func (r *rdkConsumer) close() {
	C.pk_consumer_destroy(r.c)
	r.c = nil
	r.handle.Delete()
}
