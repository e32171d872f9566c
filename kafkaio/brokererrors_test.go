package kafkaio

import (
	"maps"
	"testing"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/rs/zerolog"
)

func TestGroupRequestErrorsAreNamedByCode(t *testing.T) {
	cases := []struct {
		name, tag, msg string
		want           map[string]int
	}{
		{"heartbeat refused", "HEARTBEAT",
			`Group "g" heartbeat error response in state up (join-state steady, 2 partition(s) assigned): Broker: Group rebalance in progress`,
			map[string]int{"HEARTBEAT: Broker: Group rebalance in progress": 1}},
		{"commit timed out", "COMMIT",
			`OffsetCommit for 3 partition(s) in join-state steady: cgrp auto commit timer: returned: Local: Timed out`,
			map[string]int{"COMMIT: Local: Timed out": 1}},
		{"quoted", "SYNCGROUP", `SyncGroup response: Broker: Unknown member (0 bytes of MemberState data)`,
			map[string]int{"SYNCGROUP: Broker: Unknown member": 1}},
		{"success is no error", "JOINGROUP", `JoinGroup response: GenerationId 3, Protocol cooperative-sticky: Success`,
			map[string]int{}},
		{"no error", "HEARTBEAT", `Heartbeat for group "g" returned Broker: No error`, map[string]int{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			codes := newRequestCodes()
			level := codes.noting(func(kafka.LogEvent) zerolog.Level { return zerolog.Disabled })
			level(kafka.LogEvent{Level: 7, Tag: tc.tag, Message: tc.msg})
			if got := codes.take(); !maps.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			if got := codes.take(); len(got) != 0 {
				t.Fatalf("take did not start again: %v", got)
			}
		})
	}
}

func TestDeferredCommitsAreWarnings(t *testing.T) {
	ev := kafka.LogEvent{Level: 7, Tag: "COMMIT",
		Message: `[thrd:main]: Deferring "cgrp auto commit timer" offset commit for 6 partition(s) in state query-coord: no coordinator available`}
	if got := groupLogLevel(false, quietErrorLog())(ev); got != zerolog.WarnLevel {
		t.Fatalf("a deferred commit is logged at %v, want warn", got)
	}
}
