package commands

import (
	"os"
	"runtime/debug"
)

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
