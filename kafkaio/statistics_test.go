package kafkaio

import (
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
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

func TestAHangingRebalanceIsNamed(t *testing.T) {
	logs := &testkit.Buffer{}
	clock := time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC)
	b := &brokerErrors{log: zerolog.New(logs), codes: newRequestCodes(), now: func() time.Time { return clock }}
	stats := func(joinState string) string {
		return `{"cgrp":{"join_state":"` + joinState + `","rebalance_reason":"group is rebalancing"},"brokers":{}}`
	}
	for _, step := range []struct {
		after     time.Duration
		joinState string
	}{
		{0, "steady"}, {time.Second, "wait-sync"}, {20 * time.Second, "wait-sync"}, // 20 s: not yet
		{12 * time.Second, "wait-sync"},                                                      // 32 s: warned
		{10 * time.Second, "wait-sync"},                                                      // 42 s: not again so soon
		{time.Second, "steady"}, {time.Second, "wait-join"}, {29 * time.Second, "wait-join"}, // a new one, 29 s
	} {
		clock = clock.Add(step.after)
		b.observe(stats(step.joinState), -1)
	}
	if got := strings.Count(logs.String(), "the group has not finished rebalancing"); got != 1 {
		t.Fatalf("warned %d times, want once; logs:\n%s", got, logs)
	}
	if !strings.Contains(logs.String(), `"group_join_state":"wait-sync"`) || !strings.Contains(logs.String(), `"for":32000`) {
		t.Fatalf("the warning does not say where and how long it waits:\n%s", logs)
	}
}
