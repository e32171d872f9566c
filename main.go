// Command pitchkafka simulates baseball games pitch by pitch, streams every
// pitch to Apache Kafka, and reads the stream back as event sourcing
// (last-pitch) and as a consumer group (announce).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/pitchkafka/pitchkafka/commands"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // the first signal stops the command cleanly; a second one kills it
	}()
	err := commands.New(version(), os.Stdout, os.Stderr).RunContext(ctx, os.Args)
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

func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}
