package rdk

// #include "rdk.h"
import "C"

import (
	"slices"
	"time"
	"unsafe"
)

// A group consumer is a Consumer that subscribes and whose partitions the
// group assigns. librdkafka serves a rebalance inside the batch call, in
// the middle of filling the batch, where Go cannot act on it: records of
// the partitions it revokes may already sit in the batch, unseen. So the
// rebalance is only kept there, and the call returns once the queue is
// empty; Go reads the batch, then takes the rebalance (TakeRebalance) and,
// when it has done what must be done before the partitions go, acts on it
// (Apply). librdkafka waits for that before it goes on with the group, as
// it waits for an application that takes rebalances as events.

// NewGroupConsumer creates a consumer for a group (cfg's group.id), which
// reads what Subscribe asks for once the group assigns it. Its rebalances
// are kept for TakeRebalance, and its offset commits, the automatic ones
// too, are reported to events.Committed.
func NewGroupConsumer(cfg Config, events Events) (*Consumer, error) {
	return newConsumer(cfg, events, true)
}

// TopicPartition is a partition of a topic, with an offset and an error
// where they apply.
type TopicPartition struct {
	Topic     string
	Partition int32
	Offset    int64
	Err       Code
}

// Offsets below 0 that librdkafka gives meanings to.
const (
	OffsetInvalid int64 = C.RD_KAFKA_OFFSET_INVALID // none known, or none stored
)

// newList builds a C partition list; the caller destroys it.
func newList(tps []TopicPartition) *C.rd_kafka_topic_partition_list_t {
	list := C.rd_kafka_topic_partition_list_new(C.int(len(tps)))
	var ctopic *C.char
	topic := ""
	for _, tp := range tps {
		if ctopic == nil || tp.Topic != topic {
			C.free(unsafe.Pointer(ctopic))
			ctopic, topic = C.CString(tp.Topic), tp.Topic
		}
		C.rd_kafka_topic_partition_list_add(list, ctopic, C.int32_t(tp.Partition)).offset = C.int64_t(tp.Offset)
	}
	C.free(unsafe.Pointer(ctopic))
	return list
}

// fromList reads a C partition list.
func fromList(list *C.rd_kafka_topic_partition_list_t) []TopicPartition {
	if list == nil || list.cnt == 0 {
		return nil
	}
	out := make([]TopicPartition, 0, int(list.cnt))
	topic := ""
	for _, e := range unsafe.Slice(list.elems, int(list.cnt)) {
		if topic == "" || C.GoString(e.topic) != topic { // one topic, usually: one string
			topic = C.GoString(e.topic)
		}
		out = append(out, TopicPartition{Topic: topic, Partition: int32(e.partition), Offset: int64(e.offset), Err: Code(e.err)})
	}
	return out
}

// Subscribe asks the group for the partitions of topic.
func (r *Consumer) Subscribe(topic string) error {
	list := newList([]TopicPartition{{Topic: topic, Partition: C.RD_KAFKA_PARTITION_UA}})
	defer C.rd_kafka_topic_partition_list_destroy(list)
	if code := Code(C.rd_kafka_subscribe(r.c.rk, list)); code != NoError {
		return errorOf(code)
	}
	return nil
}

// Unsubscribe leaves the group's assignment: the rebalance that revokes
// every partition follows, to be taken and applied like any other.
func (r *Consumer) Unsubscribe() error {
	if code := Code(C.rd_kafka_unsubscribe(r.c.rk)); code != NoError {
		return errorOf(code)
	}
	return nil
}

// Rebalance is a change of the group's assignment: partitions assigned, or
// revoked (Lost if the group had already given them to another member, so
// that their offsets can no longer be committed).
type Rebalance struct {
	Assign     bool
	Lost       bool
	Partitions []TopicPartition
	list       *C.rd_kafka_topic_partition_list_t // librdkafka's, until applied
}

// TakeRebalance returns the oldest rebalance the last Consume calls were
// told of, if any. It must be applied (Apply) before the group goes on.
func (r *Consumer) TakeRebalance() (*Rebalance, bool) {
	var cr C.pk_rebalance
	if C.pk_take_rebalance(r.c, &cr) == 0 {
		return nil, false
	}
	rb := &Rebalance{Assign: cr.err == C.RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS, Lost: cr.lost != 0,
		Partitions: fromList(cr.parts), list: cr.parts}
	r.taken = append(r.taken, rb)
	return rb, true
}

// Apply changes the assignment as rb says, and lets the group go on.
// Applied once; a second call does nothing.
func (r *Consumer) Apply(rb *Rebalance) error {
	if rb.list == nil {
		return nil
	}
	errstr := (*C.char)(C.malloc(512))
	defer C.free(unsafe.Pointer(errstr))
	code := Code(C.pk_rebalance_apply(r.c.rk, cBool(rb.Assign), rb.list, errstr, 512))
	C.rd_kafka_topic_partition_list_destroy(rb.list)
	rb.list = nil
	r.taken = slices.DeleteFunc(r.taken, func(t *Rebalance) bool { return t == rb })
	if code != NoError {
		return &Error{Code: code, Reason: C.GoString(errstr)}
	}
	return nil
}

// applyTaken applies the rebalances taken and not applied, before closing.
func (r *Consumer) applyTaken() {
	for len(r.taken) > 0 {
		r.Apply(r.taken[0])
	}
}

// Assignment returns the partitions assigned.
func (r *Consumer) Assignment() ([]TopicPartition, error) {
	var list *C.rd_kafka_topic_partition_list_t
	if code := Code(C.rd_kafka_assignment(r.c.rk, &list)); code != NoError {
		return nil, errorOf(code)
	}
	defer C.rd_kafka_topic_partition_list_destroy(list)
	return fromList(list), nil
}

// withList calls fn on a C list of tps and returns it read back, with each
// partition's error, and fn's.
func withList(tps []TopicPartition, fn func(*C.rd_kafka_topic_partition_list_t) C.rd_kafka_resp_err_t) ([]TopicPartition, error) {
	list := newList(tps)
	defer C.rd_kafka_topic_partition_list_destroy(list)
	if code := Code(fn(list)); code != NoError {
		return fromList(list), errorOf(code)
	}
	return fromList(list), nil
}

// Pause stops fetching tps; their records already fetched still come.
func (r *Consumer) Pause(tps []TopicPartition) ([]TopicPartition, error) {
	return withList(tps, func(l *C.rd_kafka_topic_partition_list_t) C.rd_kafka_resp_err_t {
		return C.rd_kafka_pause_partitions(r.c.rk, l)
	})
}

// Resume fetches tps again.
func (r *Consumer) Resume(tps []TopicPartition) ([]TopicPartition, error) {
	return withList(tps, func(l *C.rd_kafka_topic_partition_list_t) C.rd_kafka_resp_err_t {
		return C.rd_kafka_resume_partitions(r.c.rk, l)
	})
}

// StoreOffsets stores each partition's offset (the next to read) for the
// next commit; a partition no longer assigned fails with its own error.
func (r *Consumer) StoreOffsets(tps []TopicPartition) ([]TopicPartition, error) {
	return withList(tps, func(l *C.rd_kafka_topic_partition_list_t) C.rd_kafka_resp_err_t {
		return C.rd_kafka_offsets_store(r.c.rk, l)
	})
}

// Positions returns, for each partition, the offset after the last record
// handed out, or OffsetInvalid if none was.
func (r *Consumer) Positions(tps []TopicPartition) ([]TopicPartition, error) {
	return withList(tps, func(l *C.rd_kafka_topic_partition_list_t) C.rd_kafka_resp_err_t {
		return C.rd_kafka_position(r.c.rk, l)
	})
}

// Committed asks the group for its committed offsets of tps, waiting at
// most timeout.
func (r *Consumer) Committed(tps []TopicPartition, timeout time.Duration) ([]TopicPartition, error) {
	return withList(tps, func(l *C.rd_kafka_topic_partition_list_t) C.rd_kafka_resp_err_t {
		return C.rd_kafka_committed(r.c.rk, l, C.int(timeout.Milliseconds()))
	})
}

// Commit commits the offsets stored for the assignment and waits for the
// answer at most timeout; past it, it returns an error of code TimedOut,
// and the commit may still complete. What was committed is reported to
// Events.Committed, as every commit is.
func (r *Consumer) Commit(timeout time.Duration) error {
	if code := Code(C.pk_commit(r.c, C.int(timeout.Milliseconds()))); code != NoError {
		return errorOf(code)
	}
	return nil
}

// Watermarks returns a partition's low and high offsets as the client
// last saw them fetching, without asking the broker; -1 if it has not.
func (r *Consumer) Watermarks(topic string, partition int32) (low, high int64) {
	ctopic := C.CString(topic)
	defer C.free(unsafe.Pointer(ctopic))
	var cl, ch C.int64_t
	if C.rd_kafka_get_watermark_offsets(r.c.rk, ctopic, C.int32_t(partition), &cl, &ch) != C.RD_KAFKA_RESP_ERR_NO_ERROR {
		return -1, -1
	}
	return int64(cl), int64(ch)
}

//export pkCommitted
func pkCommitted(h C.uintptr_t, code C.int, offsets *C.rd_kafka_topic_partition_list_t) {
	t := targetOf(h)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.events.Committed != nil {
		var err *Error
		if Code(code) != NoError {
			err = errorOf(Code(code))
		}
		t.events.Committed(err, fromList(offsets))
	}
}

// cBool is a C truth value.
func cBool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}
