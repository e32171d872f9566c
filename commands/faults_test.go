package commands

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/pitchkafka/pitchkafka/kafkaio"
)

// assertExactlyOnceInOrder checks every game's pitches are on the topic
// once each, game_seq 1, 2, 3… without a gap.
func assertExactlyOnceInOrder(tb testing.TB, pitches []game.Pitch, want int) {
	tb.Helper()
	if err := game.CheckGameSequences(pitches); err != nil {
		tb.Fatal(err)
	}
	if len(pitches) != want {
		tb.Fatalf("%d pitches on the topic, want %d", len(pitches), want)
	}
}

func TestPublishRidesOutABrokerRestart(t *testing.T) {
	addr, dir := testkit.FreeAddr(t), t.TempDir()
	broker := testkit.StartBrokerProcess(t, "--listen", addr, "--data-dir", dir)
	const n = 15000
	mustCreateTopic(t, addr, "pitches", 6)
	ctx, stopConsumers := context.WithCancel(t.Context())
	defer stopConsumers()
	announcer := startInProcess(ctx, "announce", "--brokers", addr, "--group", "restart", "--from-beginning", "--output", "json")
	view := startInProcess(ctx, "last-pitch", "--brokers", addr, "--from-beginning", "--interval", "300ms", "--output", "json")
	published := make(chan result, 1)
	go func() {
		published <- runCLI(t.Context(), "publish", "--brokers", addr, "--rate", "3000", "--count", fmt.Sprint(n), "--seed", "5")
	}()
	time.Sleep(2 * time.Second)
	broker.Stop(t)
	time.Sleep(time.Second)
	testkit.StartBrokerProcess(t, "--listen", addr, "--data-dir", dir)
	var pub result
	select {
	case pub = <-published:
	case <-time.After(2 * time.Minute):
		t.Fatal("publish did not finish within 2 minutes of the restart")
	}
	if pub.err != nil {
		t.Fatalf("publish: %v\n%s", pub.err, tail(pub.stderr.String(), 4000))
	}
	if delivered := logField(t, pub.stderr.String(), "done", "delivered"); delivered != n {
		t.Fatalf("delivered %d of %d", delivered, n)
	}
	assertExactlyOnceInOrder(t, mustReadAll(t, addr, "pitches"), n)

	// The consumers reconnected and carried on.
	testkit.WaitFor(t, 90*time.Second, "the announcer to cover every offset", func() bool {
		return len(seenSet(unionOf(t, announcer))) >= n
	})
	want := mustRun(t, "last-pitch", "--brokers", addr, "--from-beginning", "--once", "--output", "json").stdout.String()
	testkit.WaitFor(t, 60*time.Second, "the live table to match a fresh replay", func() bool {
		return lastLine(view.stdout.String()) == strings.TrimSpace(want)
	})
	stopConsumers()
	for _, r := range []*running{announcer, view} {
		if err := <-r.done; err != nil {
			t.Errorf("a consumer failed: %v\n%s", err, tail(r.stderr.String(), 3000))
		}
	}
	assertContiguous(t, seenSet(unionOf(t, announcer)), n)
}

func unionOf(tb testing.TB, r *running) map[[2]int64][]string {
	out := map[[2]int64][]string{}
	for _, a := range r.announced(tb) {
		k := [2]int64{int64(a.Partition), a.Offset}
		out[k] = append(out[k], "announcer")
	}
	return out
}

// lastLine returns the last complete line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func TestSIGINTMidStreamDeliversExactlyWhatPublishSays(t *testing.T) {
	b := testkit.StartBroker(t)
	cmd := exec.Command(testkit.Binary(t), "--log-format", "json", "publish", "--brokers", b.Bootstrap(), "--rate", "0", "--seed", "12",
		"--stats-interval", "100ms")
	stderr := &testkit.Buffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitForDeliveries(t, stderr)
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("publish after SIGINT: %v\n%s", err, tail(stderr.String(), 3000))
	}
	delivered := logField(t, stderr.String(), "done", "delivered")
	if delivered == 0 {
		t.Fatal("publish reported pitches delivered, then nothing delivered at the end")
	}
	assertExactlyOnceInOrder(t, mustReadAll(t, b.Bootstrap(), "pitches"), int(delivered))
}

func TestEveryCommandGivesUpOnAnUnreachableBroker(t *testing.T) {
	for _, args := range [][]string{
		{"publish"}, {"last-pitch", "--once"}, {"announce"}, {"stats", "--once"},
	} {
		t.Run(args[0], func(t *testing.T) {
			start := time.Now()
			err := mustFail(t, append(args, "--brokers", "127.0.0.1:1", "--timeout", "2s")...)
			if msg := err.Error(); !strings.Contains(msg, "no broker at 127.0.0.1:1") || strings.Contains(msg, "\n") {
				t.Errorf("error %q, want one line naming 127.0.0.1:1", msg)
			}
			if d := time.Since(start); d > 8*time.Second {
				t.Errorf("gave up after %v with --timeout 2s", d)
			}
		})
	}
}

func TestReadingATopicThatDoesNotExistSaysHowToFillIt(t *testing.T) {
	b := testkit.StartBroker(t)
	for _, args := range [][]string{{"last-pitch", "--once"}, {"stats", "--once"}} {
		t.Run(args[0], func(t *testing.T) {
			err := mustFail(t, append(args, "--brokers", b.Bootstrap(), "--topic", "no-such-topic", "--timeout", "5s")...)
			var missing *kafkaio.TopicMissingError
			if !errors.As(err, &missing) || missing.Topic != "no-such-topic" {
				t.Fatalf("error %v, want a TopicMissingError for no-such-topic", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "pitchkafka publish") || !strings.Contains(msg, "--topic") || strings.Contains(msg, "\n") {
				t.Errorf("error %q should say, on one line, to publish first or pass --topic", msg)
			}
		})
	}
}
