package kafkaio

import (
	"io"
	"testing"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/rs/zerolog"
)

func TestWithGroupDebugKeepsTheUsersContexts(t *testing.T) {
	for _, tc := range []struct {
		debug, want string
		asked       bool
	}{
		{"", "cgrp", false},
		{"broker,topic", "broker,topic,cgrp", false},
		{"broker, cgrp", "broker, cgrp", true},
		{"all", "all", true},
	} {
		cm := kafka.ConfigMap{}
		if tc.debug != "" {
			cm["debug"] = tc.debug
		}
		asked := withGroupDebug(&cm)
		if got := cm["debug"]; got != tc.want || asked != tc.asked {
			t.Errorf("debug=%q: got %q (user asked %v), want %q (%v)", tc.debug, got, asked, tc.want, tc.asked)
		}
	}
}

func TestGroupLogLevelRaisesOnlyFailedRequests(t *testing.T) {
	const (
		heartbeatFailed = `[thrd:main]: Group "g" heartbeat error response in state up (join-state steady, 3 partition(s) assigned): Broker: Broker disconnected before response received`
		rebalancing     = `[thrd:main]: Group "g" heartbeat error response in state up (join-state steady, 3 partition(s) assigned): Broker: Group rebalance in progress`
		commitFailed    = `[thrd:main]: GroupCoordinator: OffsetCommit for 3 partition(s) in join-state steady: cgrp auto commit timer: returned: Broker: Coordinator not available`
		committed       = `[thrd:main]: GroupCoordinator/0: OffsetCommit for 3 partition(s) in join-state steady: manual: returned: Success`
	)
	for _, tc := range []struct {
		tag, msg  string
		userAsked bool
		want      zerolog.Level
	}{
		{"HEARTBEAT", heartbeatFailed, false, zerolog.WarnLevel},
		{"COMMIT", commitFailed, false, zerolog.WarnLevel},
		{"HEARTBEAT", rebalancing, false, zerolog.Disabled},
		{"HEARTBEAT", rebalancing, true, zerolog.DebugLevel},
		{"COMMIT", committed, false, zerolog.Disabled},
	} {
		if got := groupLogLevel(tc.userAsked, quietErrorLog())(kafka.LogEvent{Level: 7, Tag: tc.tag, Message: tc.msg}); got != tc.want {
			t.Errorf("%s %q (user asked %v): level %v, want %v", tc.tag, tc.msg, tc.userAsked, got, tc.want)
		}
	}
	levelOf := groupLogLevel(false, quietErrorLog())
	failed := kafka.LogEvent{Level: 7, Tag: "HEARTBEAT", Message: heartbeatFailed}
	if first, again := levelOf(failed), levelOf(failed); first != zerolog.WarnLevel || again != zerolog.Disabled {
		t.Errorf("the same failure twice at once: %v then %v, want one warning", first, again)
	}
	if got := levelOf(kafka.LogEvent{Level: 4, Tag: "X", Message: "warning"}); got != zerolog.WarnLevel {
		t.Errorf("a librdkafka warning became %v", got)
	}
}

func quietErrorLog() *errorLog { return newErrorLog(zerolog.New(io.Discard)) }
