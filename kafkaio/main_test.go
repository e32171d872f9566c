package kafkaio

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: every
// client, log drain and delivery-report reader must end on Close.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
