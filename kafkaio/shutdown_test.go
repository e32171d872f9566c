package kafkaio

import (
	"context"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
)

// TestAnUnansweredCommitDoesNotHoldUpShutdown reads a topic to its end
// with a member whose group coordinator then stops answering offset
// commits: the final commit, leaving the group and closing the client must
// all end within the client timeout.
func TestAnUnansweredCommitDoesNotHoldUpShutdown(t *testing.T) {
	b := testkit.StartBroker(t)
	cfg := testConfig(b, zerolog.Nop())
	cfg.Timeout = 3 * time.Second
	// The requests never answered fail after this, so that the client's
	// own goroutines end before the test does.
	cfg.Properties = map[string]string{"socket.timeout.ms": "2000"}
	mustPublish(t, cfg, "pitches", 300)
	g, err := NewGroupReader(context.Background(), cfg, GroupOptions{Topic: "pitches", Group: "unanswered", FromBeginning: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	handled := 0
	var stopped time.Time
	err = g.Run(ctx, func(Record) error {
		if handled++; handled == 300 {
			if err := b.Hold("OffsetCommit"); err != nil { // never answered
				t.Error(err)
			}
			stopped = time.Now()
			cancel() // as Ctrl-C does
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	closeErr := g.Close()
	took := time.Since(stopped)
	t.Logf("stopped in %v; Close: %v", took.Round(time.Millisecond), closeErr)
	if handled != 300 {
		t.Fatalf("handled %d records, want 300", handled)
	}
	if took > cfg.Timeout+2*time.Second {
		t.Fatalf("the member took %v to stop with its commits unanswered, more than the %v timeout", took, cfg.Timeout)
	}
	select {
	case <-g.logsDone: // the client closed once its requests timed out
	case <-time.After(60 * time.Second):
		t.Fatal("the client did not close within 60 s")
	}
}
