package commands

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/internal/testkit"
)

func TestAnnounceLogsLagAndLatency(t *testing.T) {
	b := testkit.StartBroker(t)
	mustRun(t, "publish", "--brokers", b.Bootstrap(), "--rate", "0", "--count", "500", "--seed", "2")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := startInProcess(ctx, "announce", "--brokers", b.Bootstrap(), "--from-beginning", "--stats-interval", "300ms")
	caughtUp := func() bool {
		for _, l := range strings.Split(r.stderr.String(), "\n") {
			var m struct {
				Message    string  `json:"message"`
				Lag        *int64  `json:"lag"`
				Partitions []int32 `json:"partitions"`
				P99        string  `json:"latency_p99"`
			}
			if json.Unmarshal([]byte(l), &m) == nil && m.Message == "lag and latency" && m.Lag != nil && *m.Lag == 0 &&
				len(m.Partitions) == 6 && strings.HasSuffix(m.P99, "ms") {
				return true
			}
		}
		return false
	}
	testkit.WaitFor(t, 60*time.Second, "a lag line showing 6 partitions caught up", caughtUp)
	cancel()
	if err := <-r.done; err != nil {
		t.Fatal(err)
	}
}

func TestAnnounceOnceStopsAtTheEndOfTheLog(t *testing.T) {
	b := testkit.StartBroker(t)
	mustRun(t, "publish", "--brokers", b.Bootstrap(), "--rate", "0", "--count", "700", "--seed", "8")
	out := mustRun(t, "announce", "--brokers", b.Bootstrap(), "--group", "once", "--from-beginning", "--once", "--output", "json")
	if n := len(parseAnnounced(t, out.stdout.String())); n != 700 {
		t.Errorf("announced %d pitches, want the 700 in the log", n)
	}
}
