package rdk

// #include "rdk.h"
import "C"

import (
	"context"
	"runtime/cgo"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Producer is a librdkafka producer of one topic driven through the C API:
// records go in by the Batch, delivery reports are counted in C (failures
// reach Go one by one, through Events.DeliveryFailed), and a goroutine
// serves its callbacks until Close.
type Producer struct {
	mu       sync.RWMutex // guards c against Close
	c        *C.pk_producer
	handle   cgo.Handle
	final    int64 // delivered, once closed
	stop     atomic.Bool
	pollDone chan struct{}
}

// NewProducer creates a producer of topic; events receives what it reports
// until Close returns. An unknown or bad property fails with an *Error
// naming it.
func NewProducer(cfg Config, topic string, events Events) (*Producer, error) {
	if err := CheckLibrary(); err != nil {
		return nil, err
	}
	conf, err := newConf(cfg)
	if err != nil {
		return nil, err
	}
	p := &Producer{handle: cgo.NewHandle(&callbackTarget{events: events}), pollDone: make(chan struct{})}
	errstr := (*C.char)(C.malloc(512))
	defer C.free(unsafe.Pointer(errstr))
	ctopic := C.CString(topic)
	defer C.free(unsafe.Pointer(ctopic))
	p.c = C.pk_producer_new(conf, C.uintptr_t(p.handle), ctopic, errstr, 512)
	if p.c == nil {
		p.handle.Delete()
		return nil, &Error{Code: InvalidArg, Reason: C.GoString(errstr)}
	}
	go p.serve()
	return p, nil
}

// serve polls for callbacks until Close.
func (p *Producer) serve() {
	defer close(p.pollDone)
	for !p.stop.Load() {
		C.rd_kafka_poll(p.c.rk, 100)
	}
}

// Produce hands the batch's records from the first one on to librdkafka,
// which copies them, in order, waiting while its queue is full. check is
// asked before each try whether to go on, and its error is returned as it
// is; so is ctx's. A refusal is an *Error (Fatal for a fatal error of the
// producer). It returns how many records were handed over.
func (p *Producer) Produce(ctx context.Context, b *Batch, first int, check func() error) (int, error) {
	done := first
	for done < len(b.records) {
		if err := check(); err != nil {
			return done - first, err
		}
		var code C.int
		n := C.pk_produce_batch(p.c, (*C.char)(unsafe.Pointer(unsafe.SliceData(b.buf))), &b.records[done],
			C.int(len(b.records)-done), &code)
		done += int(n)
		switch Code(code) {
		case NoError:
		case Fatal: // its error callback may not have been served yet
			return done - first, p.FatalError()
		case QueueFull:
			select {
			case <-ctx.Done():
				return done - first, ctx.Err()
			case <-time.After(time.Millisecond):
			}
		default:
			return done - first, errorOf(Code(code))
		}
	}
	return done - first, nil
}

// TopicMetadata is what a broker says of the producer's topic.
type TopicMetadata struct {
	Topic      string
	Err        Code // UnknownTopicOrPartition for a missing topic
	Partitions []int32
}

// Metadata asks a broker for the producer's topic's metadata, waiting up
// to timeout; a topic-level error is in the result's Err, but a topic the
// client may not see fails as the call (TopicAuthorization), as the admin
// client's does.
//
// It is also how an idempotent producer gets its producer id without
// delay: librdkafka asks for one whenever a metadata answer arrives with a
// broker up, and otherwise on a 500 ms timer. A producer's first answer
// comes from its bootstrap connection, which it then drops for the brokers
// it learned, so the first ask finds no broker up; when the topic exists
// nothing else asks for metadata and the first records waited half a
// second. Asking again once the topic is there avoids it.
func (p *Producer) Metadata(timeout time.Duration) (TopicMetadata, error) {
	var md *C.struct_rd_kafka_metadata
	code := C.rd_kafka_metadata(p.c.rk, 0, p.c.rkt, &md, C.int(timeout.Milliseconds()))
	if Code(code) != NoError {
		return TopicMetadata{}, errorOf(Code(code))
	}
	defer C.rd_kafka_metadata_destroy(md)
	tm := TopicMetadata{Topic: C.GoString(C.rd_kafka_topic_name(p.c.rkt))}
	if md.topic_cnt < 1 {
		tm.Err = UnknownTopicOrPartition
		return tm, nil
	}
	t := unsafe.Slice(md.topics, md.topic_cnt)[0]
	if tm.Err = Code(t.err); tm.Err == TopicAuthorization {
		return TopicMetadata{}, errorOf(tm.Err)
	}
	for _, part := range unsafe.Slice(t.partitions, t.partition_cnt) {
		tm.Partitions = append(tm.Partitions, int32(part.id))
	}
	return tm, nil
}

// FatalError is the producer's fatal error, as raised.
func (p *Producer) FatalError() *Error {
	buf := (*C.char)(C.malloc(512))
	defer C.free(unsafe.Pointer(buf))
	code := C.rd_kafka_fatal_error(p.c.rk, buf, 512)
	return &Error{Code: Code(code), Reason: C.GoString(buf), Fatal: true}
}

// Outstanding is how many records are queued, in flight or awaiting their
// delivery report.
func (p *Producer) Outstanding() int { return int(C.rd_kafka_outq_len(p.c.rk)) }

// Flush sends what lingers and serves delivery reports for up to timeout,
// and returns how many records are still outstanding.
func (p *Producer) Flush(timeout time.Duration) int {
	C.rd_kafka_flush(p.c.rk, C.int(timeout.Milliseconds()))
	return p.Outstanding()
}

// Delivered is how many records were delivered. It is safe to call at any
// time, also after Close.
func (p *Producer) Delivered() int64 {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.c == nil {
		return p.final
	}
	return int64(C.pk_delivered(p.c))
}

// Close stops serving callbacks, serves those already due, and destroys
// the producer; records still outstanding get no report.
func (p *Producer) Close() {
	p.stop.Store(true)
	C.pk_producer_wake(p.c) // end the poll under way now, not at its timeout
	<-p.pollDone
	C.rd_kafka_poll(p.c.rk, 0)
	p.mu.Lock()
	c := p.c
	p.final, p.c = int64(C.pk_delivered(c)), nil
	p.mu.Unlock()
	C.pk_producer_destroy(c)
	p.handle.Delete()
}

// RaiseFatal makes librdkafka raise a fatal error on the producer, as an
// idempotence failure would. It is for tests of what follows one.
func (p *Producer) RaiseFatal(code Code, reason string) {
	creason := C.CString(reason)
	defer C.free(unsafe.Pointer(creason))
	C.rd_kafka_test_fatal_error(p.c.rk, C.rd_kafka_resp_err_t(code), creason)
}
