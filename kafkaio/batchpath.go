package kafkaio

import (
	"errors"
	"fmt"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/kafkaio/internal/rdk"
)

// The batch path: publish, last-pitch, stats and the changelog restore
// read and write through librdkafka's C API (package rdk), one call per
// batch; the rest uses confluent-kafka-go. This file turns rdk's terms into
// confluent-kafka-go's, which the rest of kafkaio speaks.

// clientEvents is what a batch-path client reports, in confluent-kafka-go's
// types: delivery failures, errors, statistics and log lines. The calls for
// one client never overlap.
type clientEvents interface {
	deliveryFailed(err kafka.Error, partition int32, offset int64)
	clientError(err kafka.Error)
	stats(json string)
	logLine(ev kafka.LogEvent)
}

// rdkEvents hands a client's rdk events to h.
func rdkEvents(h clientEvents) rdk.Events {
	return rdk.Events{
		DeliveryFailed: func(err *rdk.Error, partition int32, offset int64) {
			h.deliveryFailed(kafkaError(err), partition, offset)
		},
		Error: func(err *rdk.Error) { h.clientError(kafkaError(err)) },
		Stats: h.stats,
		Log: func(l rdk.LogLine) {
			h.logLine(kafka.LogEvent{Tag: l.Tag, Message: l.Message, Level: l.Level, Timestamp: l.Time})
		},
	}
}

// rdkConfig is a config map as the batch path takes it.
func rdkConfig(cm *kafka.ConfigMap) rdk.Config {
	cfg := make(rdk.Config, len(*cm))
	for k, v := range *cm {
		cfg[k] = fmt.Sprint(v)
	}
	return cfg
}

// kafkaError is an rdk error as confluent-kafka-go reports one.
func kafkaError(e *rdk.Error) kafka.Error {
	return kafka.NewError(kafka.ErrorCode(e.Code), e.Reason, e.Fatal)
}

// fromRdk turns an *rdk.Error err is, if any, into a kafka.Error, so that
// callers tell errors apart by one kind of code.
func fromRdk(err error) error {
	var re *rdk.Error
	if errors.As(err, &re) {
		return kafkaError(re)
	}
	return err
}

// rdkHeaders are headers as the batch path takes them.
func rdkHeaders(hs []kafka.Header) []rdk.Header {
	if hs == nil {
		return nil
	}
	out := make([]rdk.Header, len(hs))
	for i, h := range hs {
		out[i] = rdk.Header{Key: h.Key, Value: h.Value}
	}
	return out
}

// kafkaHeaders are headers read on the batch path as confluent-kafka-go
// gives them.
func kafkaHeaders(hs []rdk.Header) []kafka.Header {
	if hs == nil {
		return nil
	}
	out := make([]kafka.Header, len(hs))
	for i, h := range hs {
		out[i] = kafka.Header{Key: h.Key, Value: h.Value}
	}
	return out
}

// PropertiesTable returns librdkafka's table of every configuration
// property, with its scope, range, default and description, as kcat's
// -X list prints it.
func PropertiesTable() (string, error) { return rdk.PropertiesTable() }
