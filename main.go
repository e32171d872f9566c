// Command pitchkafka simulates baseball games pitch by pitch, streams every
// pitch to Apache Kafka, and reads the stream back as event sourcing
// (last-pitch) and as a consumer group (announce).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/pitchkafka/pitchkafka/commands"
)

func main() {
	app := commands.New(version(), os.Stdout, os.Stderr)
	// The first Ctrl-C stops the command cleanly, the second at once.
	ctx, stop := app.InterruptContext(context.Background(), os.Exit)
	err := app.RunContext(ctx, os.Args)
	stop()
	os.Exit(exitCode(err))
}

// exitCode prints err on one line and maps it to the exit status:
// 0 for success, 2 for a usage mistake, 1 for any other failure.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	fmt.Fprintf(os.Stderr, "pitchkafka: %v\n", err)
	var usage *commands.UsageError
	if errors.As(err, &usage) {
		fmt.Fprintln(os.Stderr, usage.Hint())
		return 2
	}
	return 1
}

// release is the version a release build stamps (scripts/release.sh:
// -ldflags "-X main.release=v1.2.0").
var release string

// version is the release's version, else the module's as the build info
// has it (go install …@v1.2.0 sets it, as go build does from the
// repository's commit), else "dev".
func version() string {
	if release != "" {
		return release
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}
