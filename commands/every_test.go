package commands

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/internal/testkit"
)

func TestEveryCallsNothingOnceStopped(t *testing.T) {
	var calls, running atomic.Int32
	stop := every(time.Millisecond, func() {
		running.Add(1)
		calls.Add(1)
		time.Sleep(5 * time.Millisecond) // a slow call that stop must wait for
		running.Add(-1)
	})
	testkit.WaitFor(t, 10*time.Second, "a few calls", func() bool { return calls.Load() >= 3 })
	stop()
	if running.Load() != 0 {
		t.Fatal("stop returned while a call was under way")
	}
	after := calls.Load()
	time.Sleep(20 * time.Millisecond)
	if calls.Load() != after {
		t.Errorf("%d calls after stop", calls.Load()-after)
	}
	stop() // a second stop is harmless
}
