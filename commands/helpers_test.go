package commands

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/pitchkafka/pitchkafka/kafkaio"
	"github.com/rs/zerolog"
)

// result is what one run of the CLI wrote and returned.
type result struct {
	stdout, stderr *testkit.Buffer
	err            error
}

// runCLI runs pitchkafka with args as a user would, until it returns.
func runCLI(ctx context.Context, args ...string) result {
	r := result{stdout: &testkit.Buffer{}, stderr: &testkit.Buffer{}}
	r.err = New("test", r.stdout, r.stderr).RunContext(ctx, append([]string{"pitchkafka"}, args...))
	return r
}

// mustRun runs the CLI and fails the test if it returns an error.
func mustRun(tb testing.TB, args ...string) result {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r := runCLI(ctx, args...)
	if r.err != nil {
		tb.Fatalf("pitchkafka %s: %v\nstderr:\n%s", strings.Join(args, " "), r.err, r.stderr)
	}
	return r
}

// mustCreateTopic creates an empty topic with the given partitions.
func mustCreateTopic(tb testing.TB, brokers, topic string, partitions int) {
	tb.Helper()
	cfg := kafkaio.Config{Brokers: brokers, Timeout: 10 * time.Second, Log: zerolog.Nop()}
	pub, err := kafkaio.NewPublisher(context.Background(), cfg, kafkaio.TopicSpec{Name: topic, Partitions: partitions, ReplicationFactor: -1})
	if err != nil {
		tb.Fatal(err)
	}
	if err := pub.Close(5 * time.Second); err != nil {
		tb.Fatal(err)
	}
}

// mustReadAll reads every pitch on a topic with the real reader.
func mustReadAll(tb testing.TB, brokers, topic string) []game.Pitch {
	tb.Helper()
	r, err := kafkaio.NewReader(kafkaio.Config{Brokers: brokers, Timeout: 10 * time.Second, Log: zerolog.Nop()}, topic)
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	var out []game.Pitch
	err = r.Run(context.Background(), kafkaio.ReadOptions{FromBeginning: true, Once: true}, func(rec kafkaio.Record) {
		out = append(out, rec.Pitch)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// mustFail runs the CLI and returns its error, failing the test if there is none.
func mustFail(tb testing.TB, args ...string) error {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r := runCLI(ctx, args...)
	if r.err == nil {
		tb.Fatalf("pitchkafka %s succeeded, want an error", strings.Join(args, " "))
	}
	return r.err
}

// running is a command running in this process until its context ends.
type running struct {
	stdout, stderr *testkit.Buffer
	done           chan error
}

// startInProcess runs pitchkafka with args in a goroutine, as a user would.
func startInProcess(ctx context.Context, args ...string) *running {
	r := &running{stdout: &testkit.Buffer{}, stderr: &testkit.Buffer{}, done: make(chan error, 1)}
	go func() {
		r.done <- New("test", r.stdout, r.stderr).RunContext(ctx, append([]string{"pitchkafka"}, args...))
	}()
	return r
}

// announced parses the complete lines of announce --output json so far.
func (r *running) announced(tb testing.TB) []announced {
	return parseAnnounced(tb, completeLines(r.stdout.String()))
}

// completeLines drops a last line still being written.
func completeLines(s string) string {
	return s[:strings.LastIndexByte(s, '\n')+1]
}

// waitForDeliveries waits until publish, logging JSON progress lines to
// stderr (run it with a short --stats-interval), says that it has
// delivered some pitches: a fixed sleep is not enough on a loaded machine.
func waitForDeliveries(tb testing.TB, stderr *testkit.Buffer) {
	tb.Helper()
	testkit.WaitFor(tb, time.Minute, "publish to deliver its first pitches", func() bool {
		for _, line := range strings.Split(stderr.String(), "\n") {
			var m struct {
				Delivered int64 `json:"delivered"`
			}
			if json.Unmarshal([]byte(line), &m) == nil && m.Delivered > 0 {
				return true
			}
		}
		return false
	})
}
