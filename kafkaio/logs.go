package kafkaio

import (
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
