package kafkaio

import (
	"bytes"
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/embedded"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
)

// assertEachGameOnceInOrder checks every pitch arrived once and, per game,
// in game_seq order without a gap.
func assertEachGameOnceInOrder(tb testing.TB, got []game.Pitch, want int) {
	tb.Helper()
	last := map[int64]int{}
	for _, p := range got {
		if p.GameSeq <= last[p.GamePK] {
			tb.Fatalf("game %d: game_seq %d after %d, out of order", p.GamePK, p.GameSeq, last[p.GamePK])
		}
		last[p.GamePK] = p.GameSeq
	}
	if err := game.CheckGameSequences(got); err != nil {
		tb.Fatal(err)
	}
	if len(got) != want {
		tb.Fatalf("%d pitches, want %d", len(got), want)
	}
}

func TestNothingLostOrDuplicatedUnderBrokerErrors(t *testing.T) {
	b := testkit.StartBroker(t)
	var logs bytes.Buffer
	cfg := testConfig(b, zerolog.New(zerolog.SyncWriter(&logs)).Level(zerolog.DebugLevel))
	mustCreateTopic(t, cfg, "pitches")

	produceFaults := mustInject(t, b,
		embedded.Fault{Request: "Produce", Err: "NOT_LEADER_FOR_PARTITION", Count: 5},
		embedded.Fault{Request: "Produce", Err: "REQUEST_TIMED_OUT", Count: 5}, // applied, then reported failed
	)
	const n = 3000
	mustPublishLingering(t, cfg, "pitches", n, 2*time.Duration(statsInterval)*time.Millisecond+500*time.Millisecond) // two statistics reports, even on a busy machine
	if produceFaults.Hits() == 0 {
		t.Fatal("no produce request was faulted")
	}
	if !bytes.Contains(logs.Bytes(), []byte("brokers answered requests with errors")) {
		t.Errorf("the publisher's logs do not say its requests were retried:\n%.3000s", logs.String())
	}

	consumeFaults := mustInject(t, b,
		embedded.Fault{Request: "Fetch", Err: "NETWORK_EXCEPTION", Count: 3},
		embedded.Fault{Request: "Fetch", Err: "NOT_LEADER_FOR_PARTITION", Count: 3},
		embedded.Fault{Request: "OffsetCommit", Err: "COORDINATOR_NOT_AVAILABLE", Count: 3},
		embedded.Fault{Request: "Heartbeat", Err: "NETWORK_EXCEPTION", Count: 3},
	)
	cfg.Properties = map[string]string{"heartbeat.interval.ms": "500"} // meet the heartbeat faults soon
	g, err := NewGroupReader(context.Background(), cfg, GroupOptions{Topic: "pitches", Group: "faults", FromBeginning: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var got []game.Pitch
	var count atomic.Int64
	err = g.Run(ctx, func(r Record) error {
		got = append(got, r.Pitch)
		if count.Add(1) == n {
			time.AfterFunc(2*time.Second, cancel) // let commits and heartbeats meet their faults
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if consumeFaults.Hits() == 0 {
		t.Fatal("no fetch, commit or heartbeat was faulted")
	}
	t.Logf("faults answered: %d produce, %d fetch/commit/heartbeat", produceFaults.Hits(), consumeFaults.Hits())
	// A failed fetch librdkafka reports itself; failed heartbeats and
	// commits only its cgrp debug lines tell, raised to warnings.
	if !bytes.Contains(logs.Bytes(), []byte("Fetch from broker")) {
		t.Errorf("the logs do not say a fetch failed:\n%.2000s", logs.String())
	}
	for _, want := range []string{"heartbeat error", "Coordinator not available"} {
		if !hasWarning(logs.Bytes(), want) {
			t.Errorf("no warning says %q:\n%.3000s", want, logs.String())
		}
	}
	assertEachGameOnceInOrder(t, got, n)
	assertCommittedToTheEnd(t, b.Bootstrap(), "pitches", "faults")
}

// hasWarning reports whether a JSON log holds a warning containing text.
func hasWarning(log []byte, text string) bool {
	for _, line := range bytes.Split(log, []byte("\n")) {
		if bytes.Contains(line, []byte(`"level":"warn"`)) && bytes.Contains(line, []byte(text)) {
			return true
		}
	}
	return false
}

// mustInject installs faults in the embedded broker.
func mustInject(tb testing.TB, b *embedded.Broker, faults ...embedded.Fault) *embedded.Faults {
	tb.Helper()
	f, err := b.Inject(faults...)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}
