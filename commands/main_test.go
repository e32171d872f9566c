package commands

import (
	"testing"

	"github.com/pitchkafka/pitchkafka/internal/testkit"
)

// TestMain stops what the tests started and fails the run if any goroutine
// outlived them: every command must end all it started.
func TestMain(m *testing.M) { testkit.Main(m) }
