package commands

import (
	"fmt"
	"os"
	"runtime/debug"
	"runtime/pprof"

	"github.com/urfave/cli/v2"
)

// tuneRuntime sets the process-wide garbage-collector settings for the one
// subcommand this process runs. It is decided once, as the application
// starts the command, never from inside a command's work: demo runs the
// broker, the publisher and the consumers in one process and one heap, so
// it keeps Go's defaults (the publisher's memory limit would make the
// collector chase the broker's log, and the consumers' GOGC would let the
// broker's heap grow fivefold). scores, broker and the rest keep them too:
// nothing was measured that would change them.
func tuneRuntime(command string) {
	switch command {
	case "publish":
		limitPublishMemory()
	case "last-pitch", "announce", "stats":
		collectLessOftenWhileConsuming()
	}
}

// publishMemoryLimit is the Go heap's soft limit while publishing.
const publishMemoryLimit = 48 << 20

// limitPublishMemory makes the collector work harder before the heap
// grows, so a long run stays within its bounded queue's footprint. The
// limit is only lowered, never raised over one the user set (GOMEMLIMIT).
func limitPublishMemory() {
	if debug.SetMemoryLimit(-1) > publishMemoryLimit {
		debug.SetMemoryLimit(publishMemoryLimit)
	}
}

// consumerGCPercent lets the Go heap grow to five times what is live
// before a collection, instead of twice. The Kafka client hands over a
// fresh copy of every record and a consumer keeps few of them, so at the
// default a replay collects many times a second; at 400 the collector's
// share of the CPU falls by about a fifth for some 10 MB more heap.
const consumerGCPercent = 400

// collectLessOftenWhileConsuming applies consumerGCPercent unless the user
// chose their own with GOGC.
func collectLessOftenWhileConsuming() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(consumerGCPercent)
	}
}

// startCPUProfile starts profiling the process's CPU if --cpuprofile names
// a file; stopCPUProfile, run after the command, writes it out.
func startCPUProfile(c *cli.Context) error {
	path := c.String("cpuprofile")
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return &UsageError{Err: fmt.Errorf("--cpuprofile: %w", err)}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	return nil
}

func stopCPUProfile(c *cli.Context) error {
	if c.String("cpuprofile") != "" {
		pprof.StopCPUProfile()
	}
	return nil
}
