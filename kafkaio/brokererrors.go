package kafkaio

import (
	"encoding/json"
	"fmt"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/rs/zerolog"
)

// statsInterval is how often librdkafka reports its statistics, from
// which pitchkafka learns of requests it retried without a word.
const statsInterval = 1000

// brokerErrors watches librdkafka's statistics for requests the brokers
// answered with errors, timed out or that were retried, which librdkafka
// otherwise handles silently, and logs them when their counts rise.
type brokerErrors struct {
	log                               zerolog.Logger
	retries, errors, timeouts, resent int64
}

// librdkafkaStats is the part of librdkafka's statistics JSON read here.
type librdkafkaStats struct {
	TxMsgs  int64 `json:"txmsgs"`  // messages sent, resends counted again
	MsgCnt  int64 `json:"msg_cnt"` // messages queued or in flight
	Brokers map[string]struct {
		TxErrs      int64 `json:"txerrs"`
		TxRetries   int64 `json:"txretries"`
		RxErrs      int64 `json:"rxerrs"`
		ReqTimeouts int64 `json:"req_timeouts"`
	} `json:"brokers"`
}

// observe reads one statistics report and logs what rose since the last.
// settled is how many records a producer has had delivery reports for (at
// least), or -1 for a consumer: messages sent beyond those settled and
// those still queued were sent again after a broker error.
func (b *brokerErrors) observe(statsJSON string, settled int64) {
	var st librdkafkaStats
	if json.Unmarshal([]byte(statsJSON), &st) != nil {
		return
	}
	var retries, errs, timeouts int64
	for _, br := range st.Brokers {
		retries += br.TxRetries
		errs += br.TxErrs + br.RxErrs
		timeouts += br.ReqTimeouts
	}
	resent := b.resent
	if settled >= 0 {
		resent = max(resent, st.TxMsgs-settled-st.MsgCnt)
	}
	if retries > b.retries || errs > b.errors || timeouts > b.timeouts || resent > b.resent {
		b.log.Warn().Int64("requests_retried", retries-b.retries).Int64("errors", errs-b.errors).
			Int64("timed_out", timeouts-b.timeouts).Int64("records_resent", resent-b.resent).
			Msg("brokers answered requests with errors; the client retried them")
	}
	b.retries, b.errors, b.timeouts = max(b.retries, retries), max(b.errors, errs), max(b.timeouts, timeouts)
	b.resent = resent
}

// consumerEvents handles the events a consumer's Poll returns besides
// records: errors are logged (and a fatal one ends the consumer) and
// statistics are watched for broker errors.
type consumerEvents struct {
	errs    *errorLog
	brokers *brokerErrors
}

func newConsumerEvents(log zerolog.Logger) consumerEvents {
	return consumerEvents{errs: newErrorLog(log), brokers: &brokerErrors{log: log}}
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
