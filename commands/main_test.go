package commands

import (
	"testing"

	"github.com/pitchkafka/pitchkafka/internal/testkit"
)

// TestMain stops what the tests started and fails the run if any goroutine
// outlived them: every command must end all it started. The demo's member
// processes run a pitchkafka binary built for the tests, since the test
// binary is not pitchkafka.
func TestMain(m *testing.M) {
	memberBinary = testkit.BuildBinary
	testkit.BuildBinary() // now, not in the middle of a short demo; a test that needs it reports a failure
	testkit.Main(m)
}
