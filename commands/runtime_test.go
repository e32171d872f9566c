package commands

import (
	"math"
	"os"
	"runtime/debug"
	"testing"
)

// TestRuntimeSettingsAreChosenOncePerCommand checks the process-wide
// collector settings each command gets from the application: publish bounds
// the heap, the consumers collect less often, and demo, which runs them all
// beside the broker in one heap, keeps Go's defaults.
func TestRuntimeSettingsAreChosenOncePerCommand(t *testing.T) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOGC or GOMEMLIMIT is set, and the user's choice wins")
	}
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	tests := []struct {
		command   string
		gcPercent int
		memLimit  int64
	}{
		{"demo", 100, math.MaxInt64},
		{"broker", 100, math.MaxInt64},
		{"scores", 100, math.MaxInt64},
		{"publish", 100, publishMemoryLimit},
		{"last-pitch", consumerGCPercent, math.MaxInt64},
		{"announce", consumerGCPercent, math.MaxInt64},
		{"stats", consumerGCPercent, math.MaxInt64},
	}
	for _, tc := range tests {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
		if err := beforeCommand(&env{stopping: &stopNote{}}, tc.command)(nil); err != nil {
			t.Fatal(err)
		}
		if got := debug.SetGCPercent(100); got != tc.gcPercent {
			t.Errorf("%s: GOGC %d, want %d", tc.command, got, tc.gcPercent)
		}
		if got := debug.SetMemoryLimit(-1); got != tc.memLimit {
			t.Errorf("%s: memory limit %d, want %d", tc.command, got, tc.memLimit)
		}
	}
}
