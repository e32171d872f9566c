package kafkaio

import (
	"errors"
	"fmt"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// errUnreachable is the one clear line for a broker that does not answer.
func errUnreachable(brokers string, err error) error {
	return &UnreachableError{Brokers: brokers, Err: err}
}

// UnreachableError says that no broker answered at the bootstrap address.
type UnreachableError struct {
	Brokers string
	Err     error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("no broker at %s (%v)", e.Brokers, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// TopicMissingError says that a topic to read from does not exist, or
// that its metadata names an error (Err).
type TopicMissingError struct {
	Topic string
	Err   error
}

func (e *TopicMissingError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("topic %s does not exist", e.Topic)
	}
	return fmt.Sprintf("topic %s: %v", e.Topic, e.Err)
}

func (e *TopicMissingError) Unwrap() error { return e.Err }

// kafkaCode returns the librdkafka error code of err, or ErrNoError.
func kafkaCode(err error) kafka.ErrorCode {
	var ke kafka.Error
	if errors.As(err, &ke) {
		return ke.Code()
	}
	return kafka.ErrNoError
}
