package kafkaio

import (
	"testing"

	"github.com/pitchkafka/pitchkafka/internal/testkit"
)

// TestMain fails the package's tests if any goroutine outlives them: every
// client, log drain and delivery-report reader must end on Close.
func TestMain(m *testing.M) { testkit.Main(m) }
