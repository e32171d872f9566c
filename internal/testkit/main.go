package testkit

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// Main runs a package's tests, then stops the Apache Kafka clusters they
// started and removes the binary they built, and fails the run if any
// goroutine outlived the tests: every client and command must end all it
// started. A package's TestMain calls it.
func Main(m *testing.M) {
	code := m.Run()
	StopClusters()
	RemoveBinary()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goroutines outlived the tests:", err)
			code = 1
		}
	}
	os.Exit(code)
}
