package kafkaio

import (
	"fmt"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/rs/zerolog"
)

// consumerEvents handles the events a consumer's Poll returns besides
// records: errors are logged (and a fatal one ends the consumer) and
// statistics are watched for broker errors.
type consumerEvents struct {
	errs    *errorLog
	brokers *brokerErrors
}

func newConsumerEvents(log zerolog.Logger) consumerEvents {
	return consumerEvents{errs: newErrorLog(log), brokers: &brokerErrors{log: log, codes: newRequestCodes()}}
}

// handle deals with ev if it is an error or statistics, and returns the
// error that should stop the consumer, if any.
func (c consumerEvents) handle(ev kafka.Event) error {
	switch e := ev.(type) {
	case *kafka.Stats:
		c.brokers.observe(e.String(), -1)
	case kafka.Error:
		c.errs.report(e)
		if e.IsFatal() {
			return fmt.Errorf("consumer failed: %w", e)
		}
	}
	return nil
}
