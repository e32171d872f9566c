// Package rdk is kafkaio's batch path to librdkafka's C API: one cgo call
// per batch of records, where confluent-kafka-go's Go API makes one (or
// several) per record. It is the same librdkafka, the static one
// confluent-kafka-go bundles and links into the binary (this package
// imports it for nothing else, and uses none of its Go API); its header is
// vendored in third_party/librdkafka so that the compiler checks every call.
//
// It is the only package of pitchkafka that uses cgo, unsafe or C
// callbacks, and it speaks in its own small terms (Config, Error, Code,
// Batch, Message) so that it depends on no Kafka client's Go types.
//
// C memory: a Producer copies every record (RD_KAFKA_MSG_F_COPY), so C
// never keeps Go memory; a Consumer hands out Messages whose Value lies in
// librdkafka's memory, valid until its next Consume or Close, and whatever
// must outlive the batch has to be copied. Its tests run under
// AddressSanitizer in CI (.ci/run), which catches a use of freed C memory.
package rdk

/*
#cgo CFLAGS: -I${SRCDIR}/../../../third_party/librdkafka
#include "rdk.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime/cgo"
	"sort"
	"sync"
	"time"
	"unsafe"

	// The static librdkafka that confluent-kafka-go bundles is linked in
	// through its package's cgo flags; its Go API is not used here.
	_ "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// CheckLibrary refuses a librdkafka whose version differs from the header
// this package was compiled against: structs and prototypes could differ.
func CheckLibrary() error {
	if linked := int(C.rd_kafka_version()); linked != C.RD_KAFKA_VERSION {
		return fmt.Errorf("librdkafka %s is linked in, but pitchkafka was compiled against the header of %s "+
			"(third_party/librdkafka/rdkafka.h): copy the header of the bundled librdkafka and rebuild",
			LibraryVersion(), HeaderVersion())
	}
	return nil
}

// LibraryVersion is the version of the librdkafka linked in.
func LibraryVersion() string { return C.GoString(C.rd_kafka_version_str()) }

// HeaderVersion is RD_KAFKA_VERSION of the vendored header.
func HeaderVersion() string { return versionString(C.RD_KAFKA_VERSION) }

// versionString formats librdkafka's version integer, 0xMMmmrrxx.
func versionString(v int) string {
	return fmt.Sprintf("%d.%d.%d", v>>24&0xff, v>>16&0xff, v>>8&0xff)
}

// Config is a librdkafka configuration: property names and their values.
type Config map[string]string

// Code is a librdkafka error code (rd_kafka_resp_err_t): Kafka's own codes
// are positive, librdkafka's internal ones negative.
type Code int

// The codes this package and its users tell apart.
const (
	NoError                 Code = C.RD_KAFKA_RESP_ERR_NO_ERROR
	PartitionEOF            Code = C.RD_KAFKA_RESP_ERR__PARTITION_EOF
	QueueFull               Code = C.RD_KAFKA_RESP_ERR__QUEUE_FULL
	Fatal                   Code = C.RD_KAFKA_RESP_ERR__FATAL
	InvalidArg              Code = C.RD_KAFKA_RESP_ERR__INVALID_ARG
	UnknownTopicOrPartition Code = C.RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART
	TopicAuthorization      Code = C.RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED
	TimedOut                Code = C.RD_KAFKA_RESP_ERR__TIMED_OUT
	NoOffset                Code = C.RD_KAFKA_RESP_ERR__NO_OFFSET
)

// String is librdkafka's text for the code.
func (c Code) String() string { return C.GoString(C.rd_kafka_err2str(C.rd_kafka_resp_err_t(c))) }

// Error is an error librdkafka reported: its code, its text and whether it
// is fatal (the client cannot go on).
type Error struct {
	Code   Code
	Reason string
	Fatal  bool
}

// Error returns the reason, or the code's text when there is none.
func (e *Error) Error() string {
	if e.Reason != "" {
		return e.Reason
	}
	return e.Code.String()
}

// errorOf is the error of a code, with the code's text.
func errorOf(code Code) *Error { return &Error{Code: code, Reason: code.String()} }

// newConf builds a librdkafka configuration, leaving out
// confluent-kafka-go's own go.* properties, in a fixed order so that an
// error names the same property every time.
func newConf(cfg Config) (*C.rd_kafka_conf_t, error) {
	conf := C.rd_kafka_conf_new()
	errstr := (*C.char)(C.malloc(512))
	defer C.free(unsafe.Pointer(errstr))
	keys := make([]string, 0, len(cfg))
	for k := range cfg {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if len(k) > 3 && k[:3] == "go." {
			continue
		}
		ck, cv := C.CString(k), C.CString(cfg[k])
		res := C.rd_kafka_conf_set(conf, ck, cv, errstr, 512)
		C.free(unsafe.Pointer(ck))
		C.free(unsafe.Pointer(cv))
		if res != C.RD_KAFKA_CONF_OK {
			C.rd_kafka_conf_destroy(conf)
			return nil, &Error{Code: InvalidArg, Reason: C.GoString(errstr)}
		}
	}
	return conf, nil
}

// Events is what a client reports, each field called (if set) on the
// goroutine that serves the client's callbacks, never two at once for one
// client.
type Events struct {
	// DeliveryFailed is a delivery report with an error (producers only);
	// successes are only counted (Producer.Delivered).
	DeliveryFailed func(err *Error, partition int32, offset int64)
	// Error is an error event; a fatal one is reported with its cause.
	Error func(err *Error)
	// Stats is librdkafka's statistics JSON, every statistics.interval.ms.
	Stats func(json string)
	// Log is one of librdkafka's log lines, at its syslog level.
	Log func(line LogLine)
	// Committed is an offset commit's outcome (group consumers only):
	// err is nil or the commit's error, offsets what was committed, each
	// with its own error.
	Committed func(err *Error, offsets []TopicPartition)
}

// LogLine is one of librdkafka's log lines.
type LogLine struct {
	Level   int // syslog level: 0 emergency … 7 debug
	Tag     string
	Message string
	Time    time.Time
}

// callbackTarget is what a client's cgo.Handle holds: its events and the
// lock that keeps their calls from overlapping (librdkafka serves
// callbacks on whichever thread polls, and a producer's flush polls too).
type callbackTarget struct {
	mu     sync.Mutex
	events Events
}

func targetOf(h C.uintptr_t) *callbackTarget {
	return cgo.Handle(h).Value().(*callbackTarget)
}

//export pkDeliveryFailed
func pkDeliveryFailed(h C.uintptr_t, code C.int, partition C.int32_t, offset C.int64_t) {
	t := targetOf(h)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.events.DeliveryFailed != nil {
		t.events.DeliveryFailed(errorOf(Code(code)), int32(partition), int64(offset))
	}
}

//export pkError
func pkError(h C.uintptr_t, code C.int, reason *C.char, fatal C.int) {
	t := targetOf(h)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.events.Error != nil {
		t.events.Error(&Error{Code: Code(code), Reason: C.GoString(reason), Fatal: fatal != 0})
	}
}

//export pkStats
func pkStats(h C.uintptr_t, json *C.char, n C.int) {
	t := targetOf(h)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.events.Stats != nil {
		t.events.Stats(C.GoStringN(json, n))
	}
}

//export pkLog
func pkLog(h C.uintptr_t, level C.int, fac, msg *C.char) {
	t := targetOf(h)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.events.Log != nil {
		t.events.Log(LogLine{Level: int(level), Tag: C.GoString(fac), Message: C.GoString(msg), Time: time.Now()})
	}
}

// CheckProperty sets one property on a fresh configuration, as a client
// would. known is false for a name librdkafka does not know; err is
// librdkafka's reason for refusing it, the name or the value.
func CheckProperty(key, value string) (known bool, err error) {
	conf := C.rd_kafka_conf_new()
	defer C.rd_kafka_conf_destroy(conf)
	errstr := (*C.char)(C.malloc(512))
	defer C.free(unsafe.Pointer(errstr))
	ck, cv := C.CString(key), C.CString(value)
	defer C.free(unsafe.Pointer(ck))
	defer C.free(unsafe.Pointer(cv))
	switch C.rd_kafka_conf_set(conf, ck, cv, errstr, 512) {
	case C.RD_KAFKA_CONF_OK:
		return true, nil
	case C.RD_KAFKA_CONF_UNKNOWN:
		return false, errors.New(C.GoString(errstr))
	}
	return true, errors.New(C.GoString(errstr))
}
