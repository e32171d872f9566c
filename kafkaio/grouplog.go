package kafkaio

import (
	"strings"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/rs/zerolog"
)

// groupDebug is librdkafka's debug context for the consumer group
// protocol. A heartbeat or offset commit the coordinator refuses is retried
// inside librdkafka with no error event, no log line and no statistic; its
// cgrp debug lines are the only word of it. So group members always turn
// cgrp on and raise those lines to warnings.
const groupDebug = "cgrp"

// withGroupDebug adds the cgrp context to the configuration's debug
// contexts, and reports whether the user had already asked for it, in which
// case every cgrp line is theirs to see at debug level.
func withGroupDebug(cm *kafka.ConfigMap) (userAsked bool) {
	debug, _ := (*cm)["debug"].(string)
	for _, ctx := range strings.Split(debug, ",") {
		if ctx = strings.TrimSpace(ctx); ctx == groupDebug || ctx == "all" {
			return true
		}
	}
	if debug == "" {
		(*cm)["debug"] = groupDebug
	} else {
		(*cm)["debug"] = debug + "," + groupDebug
	}
	return false
}

// groupLogLevel returns the level function for a group member's log lines:
// failed group requests become warnings, at most one of a kind every ten
// seconds; the other cgrp debug lines are dropped unless the user asked for
// them; everything else is as logLevel says.
func groupLogLevel(userAsked bool, throttle *errorLog) func(kafka.LogEvent) zerolog.Level {
	return func(ev kafka.LogEvent) zerolog.Level {
		if ev.Level < 7 {
			return logLevel(ev)
		}
		if groupRequestFailed(ev.Tag, ev.Message) {
			if _, ok := throttle.due("group " + ev.Tag); ok {
				return zerolog.WarnLevel
			}
		}
		if userAsked {
			return zerolog.DebugLevel
		}
		return zerolog.Disabled
	}
}

// groupRequestFailed reports whether a cgrp debug line tells of a group
// request the coordinator refused or that never got an answer. A heartbeat
// answered "rebalance in progress" is the protocol working, not a failure.
func groupRequestFailed(tag, msg string) bool {
	switch tag {
	case "HEARTBEAT":
		return strings.Contains(msg, "heartbeat error") && !strings.Contains(msg, "rebalance in progress")
	case "COORD":
		return strings.Contains(msg, "marking the coordinator") && strings.Contains(msg, "dead")
	case "COMMIT":
		// "Deferring … offset commit …: no coordinator available": after a
		// broker restart the member may print for seconds with nothing
		// committed, all of which a rejoin will have it print again.
		return strings.HasPrefix(strings.TrimPrefix(msg, "[thrd:main]: "), "Deferring") ||
			strings.Contains(msg, "returned: Broker:") ||
			strings.Contains(msg, "returned: Local: Timed out") ||
			strings.Contains(msg, "returned: Local: Broker transport failure")
	}
	return false
}
