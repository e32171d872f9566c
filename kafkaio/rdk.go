package kafkaio

/*
#cgo CFLAGS: -I${SRCDIR}/../third_party/librdkafka
#include "rdk.h"
*/
import "C"

import (
	"context"
	"fmt"
	"runtime/cgo"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// The batch path: for the hot loops, kafkaio calls librdkafka's C API
// itself, one cgo call per batch of records, instead of confluent-kafka-go's
// one (or several) per record. It is the same librdkafka, the one
// confluent-kafka-go links into the binary; its header is vendored in
// third_party/librdkafka so the compiler checks every call.

// checkLibrary refuses a librdkafka whose version differs from the header
// kafkaio was compiled against: structs and prototypes could differ.
func checkLibrary() error {
	if linked := int(C.rd_kafka_version()); linked != C.RD_KAFKA_VERSION {
		return fmt.Errorf("librdkafka %s is linked in, but kafkaio was compiled against the header of %s "+
			"(third_party/librdkafka/rdkafka.h): copy the header of the bundled librdkafka and rebuild",
			C.GoString(C.rd_kafka_version_str()), versionString(C.RD_KAFKA_VERSION))
	}
	return nil
}

// versionString formats librdkafka's version integer, 0xMMmmrrxx.
func versionString(v int) string {
	return fmt.Sprintf("%d.%d.%d", v>>24&0xff, v>>16&0xff, v>>8&0xff)
}

// newConf builds a librdkafka configuration from a config map, leaving out
// confluent-kafka-go's own go.* properties. The error names the property.
func newConf(cm kafka.ConfigMap) (*C.rd_kafka_conf_t, error) {
	conf := C.rd_kafka_conf_new()
	errstr := (*C.char)(C.malloc(512))
	defer C.free(unsafe.Pointer(errstr))
	for k, v := range cm {
		if strings.HasPrefix(k, "go.") {
			continue
		}
		ck, cv := C.CString(k), C.CString(fmt.Sprint(v))
		res := C.rd_kafka_conf_set(conf, ck, cv, errstr, 512)
		C.free(unsafe.Pointer(ck))
		C.free(unsafe.Pointer(cv))
		if res != C.RD_KAFKA_CONF_OK {
			C.rd_kafka_conf_destroy(conf)
			return nil, kafka.NewError(kafka.ErrInvalidArg, C.GoString(errstr), false)
		}
	}
	return conf, nil
}

// clientEvents is what a C client reports to Go: delivery failures,
// errors, statistics and log lines. The calls for one client never overlap.
type clientEvents interface {
	deliveryFailed(err kafka.Error, partition int32, offset int64)
	clientError(err kafka.Error)
	stats(json string)
	logLine(ev kafka.LogEvent)
}

// callbackTarget is what a client's cgo.Handle holds: its events and the
// lock that keeps their calls from overlapping (librdkafka serves
// callbacks on whichever thread polls, and Close's flush polls too).
type callbackTarget struct {
	mu     sync.Mutex
	events clientEvents
}

func targetOf(h C.uintptr_t) *callbackTarget {
	return cgo.Handle(h).Value().(*callbackTarget)
}

//export pkDeliveryFailed
func pkDeliveryFailed(h C.uintptr_t, code C.int, partition C.int32_t, offset C.int64_t) {
	t := targetOf(h)
	t.mu.Lock()
	defer t.mu.Unlock()
	ec := kafka.ErrorCode(code)
	t.events.deliveryFailed(kafka.NewError(ec, ec.String(), false), int32(partition), int64(offset))
}

//export pkError
func pkError(h C.uintptr_t, code C.int, reason *C.char, fatal C.int) {
	t := targetOf(h)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.events.clientError(kafka.NewError(kafka.ErrorCode(code), C.GoString(reason), fatal != 0))
}

//export pkStats
func pkStats(h C.uintptr_t, json *C.char, n C.int) {
	t := targetOf(h)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.events.stats(C.GoStringN(json, n))
}

//export pkLog
func pkLog(h C.uintptr_t, level C.int, fac, msg *C.char) {
	t := targetOf(h)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.events.logLine(kafka.LogEvent{Tag: C.GoString(fac), Message: C.GoString(msg), Level: int(level), Timestamp: time.Now()})
}

// rdkProducer is a librdkafka producer driven through the C API: records
// go in by the batch, delivery reports are counted in C (failures reach Go
// one by one), and a goroutine serves its callbacks.
type rdkProducer struct {
	mu       sync.RWMutex // guards c against Close
	c        *C.pk_producer
	handle   cgo.Handle
	final    int64 // delivered, once closed
	stop     atomic.Bool
	pollDone chan struct{}
}

// newRdkProducer creates a producer of topic from the config map; events
// receives what it reports until close returns.
func newRdkProducer(cm kafka.ConfigMap, topic string, events clientEvents) (*rdkProducer, error) {
	if err := checkLibrary(); err != nil {
		return nil, err
	}
	conf, err := newConf(cm)
	if err != nil {
		return nil, err
	}
	p := &rdkProducer{handle: cgo.NewHandle(&callbackTarget{events: events}), pollDone: make(chan struct{})}
	errstr := (*C.char)(C.malloc(512))
	defer C.free(unsafe.Pointer(errstr))
	ctopic := C.CString(topic)
	defer C.free(unsafe.Pointer(ctopic))
	p.c = C.pk_producer_new(conf, C.uintptr_t(p.handle), ctopic, errstr, 512)
	if p.c == nil {
		p.handle.Delete()
		return nil, kafka.NewError(kafka.ErrInvalidArg, C.GoString(errstr), false)
	}
	go p.serve()
	return p, nil
}

// serve polls for callbacks until close.
func (p *rdkProducer) serve() {
	defer close(p.pollDone)
	for !p.stop.Load() {
		C.rd_kafka_poll(p.c.rk, 100)
	}
}

// produce hands recs, located in buf, to librdkafka, which copies them,
// waiting while its queue is full. check is asked before each try whether
// to go on. It returns how many records were handed over.
func (p *rdkProducer) produce(ctx context.Context, buf []byte, recs []C.pk_record, check func() error) (int, error) {
	done := 0
	for done < len(recs) {
		if err := check(); err != nil {
			return done, err
		}
		var code C.int
		n := C.pk_produce_batch(p.c, (*C.char)(unsafe.Pointer(unsafe.SliceData(buf))), &recs[done], C.int(len(recs)-done), &code)
		done += int(n)
		switch ec := kafka.ErrorCode(code); ec {
		case kafka.ErrNoError:
		case kafka.ErrFatal: // its error callback may not have been served yet
			return done, p.fatalError()
		case kafka.ErrQueueFull:
			select {
			case <-ctx.Done():
				return done, ctx.Err()
			case <-time.After(time.Millisecond):
			}
		default:
			return done, fmt.Errorf("produce: %w", kafka.NewError(ec, ec.String(), false))
		}
	}
	return done, nil
}

// metadata asks a broker for the producer's topic's metadata, waiting up
// to timeout; a topic-level error is in the result's Error, but a topic
// the client may not see fails as the call, as the admin client's does.
//
// It is also how an idempotent producer gets its producer id without
// delay: librdkafka asks for one whenever a metadata answer arrives with a
// broker up, and otherwise on a 500 ms timer. A producer's first answer
// comes from its bootstrap connection, which it then drops for the brokers
// it learned, so the first ask finds no broker up; when the topic exists
// nothing else asks for metadata and the first records waited half a
// second. Publisher asks again once the topic is there (see NewPublisher).
func (p *rdkProducer) metadata(_ string, timeout time.Duration) (*kafka.TopicMetadata, error) {
	var md *C.struct_rd_kafka_metadata
	code := C.rd_kafka_metadata(p.c.rk, 0, p.c.rkt, &md, C.int(timeout.Milliseconds()))
	if code != C.RD_KAFKA_RESP_ERR_NO_ERROR {
		ec := kafka.ErrorCode(code)
		return nil, kafka.NewError(ec, ec.String(), false)
	}
	defer C.rd_kafka_metadata_destroy(md)
	tm := &kafka.TopicMetadata{Topic: C.GoString(C.rd_kafka_topic_name(p.c.rkt))}
	if md.topic_cnt < 1 {
		tm.Error = kafka.NewError(kafka.ErrUnknownTopicOrPart, "unknown topic", false)
		return tm, nil
	}
	t := unsafe.Slice(md.topics, md.topic_cnt)[0]
	if ec := kafka.ErrorCode(t.err); ec != kafka.ErrNoError {
		tm.Error = kafka.NewError(ec, ec.String(), false)
		if ec == kafka.ErrTopicAuthorizationFailed {
			return nil, tm.Error
		}
	}
	for _, part := range unsafe.Slice(t.partitions, t.partition_cnt) {
		tm.Partitions = append(tm.Partitions, kafka.PartitionMetadata{ID: int32(part.id)})
	}
	return tm, nil
}

// fatalError is the producer's fatal error, as raised.
func (p *rdkProducer) fatalError() kafka.Error {
	buf := (*C.char)(C.malloc(512))
	defer C.free(unsafe.Pointer(buf))
	code := C.rd_kafka_fatal_error(p.c.rk, buf, 512)
	return kafka.NewError(kafka.ErrorCode(code), C.GoString(buf), true)
}

// outstanding is how many records are queued, in flight or awaiting their
// delivery report.
func (p *rdkProducer) outstanding() int { return int(C.rd_kafka_outq_len(p.c.rk)) }

// flush sends what lingers and serves delivery reports for up to timeout,
// and returns how many records are still outstanding.
func (p *rdkProducer) flush(timeout time.Duration) int {
	C.rd_kafka_flush(p.c.rk, C.int(timeout.Milliseconds()))
	return p.outstanding()
}

// delivered is how many records were delivered. It is safe to call at any
// time, also after close.
func (p *rdkProducer) delivered() int64 {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.c == nil {
		return p.final
	}
	return int64(C.pk_delivered(p.c))
}

// close stops serving callbacks, serves those already due, and destroys
// the producer; records still outstanding get no report.
func (p *rdkProducer) close() {
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

// headerVersion is RD_KAFKA_VERSION of the vendored header, for tests.
func headerVersion() string { return versionString(C.RD_KAFKA_VERSION) }

// raiseFatal makes librdkafka raise a fatal error on the producer, as an
// idempotence failure would, for tests.
func (p *rdkProducer) raiseFatal(code kafka.ErrorCode, reason string) {
	creason := C.CString(reason)
	defer C.free(unsafe.Pointer(creason))
	C.rd_kafka_test_fatal_error(p.c.rk, C.rd_kafka_resp_err_t(code), creason)
}
