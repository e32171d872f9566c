package kafkaio

import (
	"fmt"
	"sync"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/rs/zerolog"
)

// drainLogs forwards librdkafka's log lines into zerolog until the client
// closes the channel, at the level logLevel gives each.
func drainLogs(logs <-chan kafka.LogEvent, log zerolog.Logger, done chan<- struct{}) {
	drainLogsAt(logs, log, done, logLevel)
}

// drainLogsAt is drainLogs with the level of each line chosen by levelOf;
// a line at zerolog.Disabled is dropped.
func drainLogsAt(logs <-chan kafka.LogEvent, log zerolog.Logger, done chan<- struct{}, levelOf func(kafka.LogEvent) zerolog.Level) {
	defer close(done)
	for ev := range logs {
		logEvent(log, ev, levelOf)
	}
}

// logEvent logs one librdkafka log line at the level levelOf gives it; a
// line at zerolog.Disabled is dropped.
func logEvent(log zerolog.Logger, ev kafka.LogEvent, levelOf func(kafka.LogEvent) zerolog.Level) {
	if lvl := levelOf(ev); lvl != zerolog.Disabled {
		log.WithLevel(lvl).Str("librdkafka", ev.Tag).Msg(ev.Message)
	}
}

// logLevel maps a librdkafka (syslog) level to zerolog. Its errors (level
// 3) go to debug because librdkafka also reports them as error events,
// which pitchkafka logs once per code every few seconds instead of once per
// retry; its warnings stay warnings and its notices go to debug.
func logLevel(ev kafka.LogEvent) zerolog.Level {
	switch {
	case ev.Level <= 2:
		return zerolog.ErrorLevel
	case ev.Level == 4:
		return zerolog.WarnLevel
	}
	return zerolog.DebugLevel
}

// errorLog logs librdkafka error events without flooding: one line per
// error code every ten seconds, counting the ones left out.
type errorLog struct {
	log  zerolog.Logger
	mu   sync.Mutex
	last map[string]time.Time
	hush map[string]int
}

func newErrorLog(log zerolog.Logger) *errorLog {
	return &errorLog{log: log, last: map[string]time.Time{}, hush: map[string]int{}}
}

func (l *errorLog) report(err kafka.Error) {
	code := err.Code()
	hidden, ok := l.due(code.String())
	if !ok {
		return
	}
	ev := l.log.Warn()
	if err.IsFatal() {
		ev = l.log.Error()
	}
	ev.Str("code", code.String()).Int("repeats_hidden", hidden).Msg(err.Error())
}

// due reports whether a line of this kind may be logged now, at most once
// every ten seconds, and how many were held back since the last one.
func (l *errorLog) due(kind string) (hidden int, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if time.Since(l.last[kind]) < 10*time.Second {
		l.hush[kind]++
		return 0, false
	}
	hidden = l.hush[kind]
	l.last[kind] = time.Now()
	l.hush[kind] = 0
	return hidden, true
}

// consumerEvents handles the events a consumer's Poll returns besides
// records: errors are logged (and a fatal one ends the consumer) and
// statistics are watched for broker errors.
type consumerEvents struct {
	errs    *errorLog
	brokers *brokerErrors
	group   string // the consumer group, if it is a member of one
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
		if e.Code() == kafka.ErrGroupAuthorizationFailed {
			return c.groupRefused(e)
		}
		c.errs.report(e)
		if e.IsFatal() {
			return fmt.Errorf("consumer failed: %w", e)
		}
	}
	return nil
}

// groupRefused handles the ACLs refusing the consumer's group.id. A
// member cannot go on: librdkafka retries for good, and the member would
// wait forever. A consumer by assignment (a Reader) needs librdkafka's
// group.id only for its name, and commits nothing, so it reads on.
func (c consumerEvents) groupRefused(e kafka.Error) error {
	if c.group != "" {
		return &NotAuthorizedError{Resource: "group", Name: c.group, Err: e}
	}
	c.errs.log.Debug().Str("code", e.Code().String()).Msg(e.Error() + " (no group is used: reading by assignment)")
	return nil
}
