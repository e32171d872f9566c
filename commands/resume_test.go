package commands

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
)

// streamPitches returns the first n pitches of seed's stream as publish
// generates them, by game_pk and game_seq.
func streamPitches(tb testing.TB, seed uint64, n int) map[[2]int64]bool {
	tb.Helper()
	s, err := game.NewSeason(game.DefaultLeague(), game.SeasonConfig{Seed: seed, Concurrent: 15,
		Rules: game.Rules{ExtraInningsRunner: true}})
	if err != nil {
		tb.Fatal(err)
	}
	out := map[[2]int64]bool{}
	for range n {
		p, _ := s.Next()
		out[[2]int64{p.GamePK, int64(p.GameSeq)}] = true
	}
	return out
}

// assertTopicHoldsTheStream checks the topic holds exactly the first n
// pitches of seed's stream, each once, every game in order.
func assertTopicHoldsTheStream(tb testing.TB, brokers string, seed uint64, n int) {
	tb.Helper()
	got := mustReadAll(tb, brokers, "pitches")
	assertExactlyOnceInOrder(tb, got, n)
	want := streamPitches(tb, seed, n)
	for _, p := range got {
		if !want[[2]int64{p.GamePK, int64(p.GameSeq)}] {
			tb.Fatalf("game %d pitch %d is not among the stream's first %d", p.GamePK, p.GameSeq, n)
		}
	}
}

func TestRerunningASeedIsRefusedUnlessResumedOrAppended(t *testing.T) {
	b := testkit.StartBroker(t)
	publish := func(n int, extra ...string) result {
		args := append([]string{"publish", "--brokers", b.Bootstrap(), "--rate", "0", "--count", fmt.Sprint(n),
			"--seed", "77"}, extra...)
		return runCLI(t.Context(), args...)
	}
	if r := publish(2000); r.err != nil {
		t.Fatal(r.err)
	}

	r := publish(2000)
	var usage *UsageError
	if r.err == nil || errors.As(r.err, &usage) {
		t.Fatalf("a rerun of --seed 77 returned %v, want a plain error (exit 1)", r.err)
	}
	msg := r.err.Error()
	if strings.Contains(msg, "\n") || !strings.Contains(msg, "already holds games of --seed 77") ||
		!strings.Contains(msg, "--resume") || !strings.Contains(msg, "--append") {
		t.Fatalf("refusal %q: want one line naming the seed, --resume and --append", msg)
	}
	assertTopicHoldsTheStream(t, b.Bootstrap(), 77, 2000) // nothing was published

	// Resuming a longer run publishes exactly the pitches the topic lacks.
	r = publish(5000, "--resume")
	if r.err != nil {
		t.Fatalf("--resume: %v\n%s", r.err, tail(r.stderr.String(), 3000))
	}
	if delivered := logField(t, r.stderr.String(), "done", "delivered"); delivered != 3000 {
		t.Fatalf("--resume delivered %d pitches, want the 3000 the topic lacked", delivered)
	}
	assertTopicHoldsTheStream(t, b.Bootstrap(), 77, 5000)

	// Resuming a complete run publishes nothing.
	if r = publish(5000, "--resume"); r.err != nil || logField(t, r.stderr.String(), "done", "delivered") != 0 {
		t.Fatalf("a second --resume: %v, delivered %d; want nothing to do", r.err, logField(t, r.stderr.String(), "done", "delivered"))
	}

	// Appending publishes them again.
	if r = publish(1000, "--append"); r.err != nil {
		t.Fatal(r.err)
	}
	if n := len(mustReadAll(t, b.Bootstrap(), "pitches")); n != 6000 {
		t.Fatalf("after --append the topic holds %d pitches, want 6000", n)
	}
}

func TestResumeAndAppendNeedASeed(t *testing.T) {
	for _, args := range [][]string{{"--resume"}, {"--append"}, {"--seed", "1", "--resume", "--append"}} {
		err := mustFail(t, append([]string{"publish", "--dry-run"}, args...)...)
		var usage *UsageError
		if !errors.As(err, &usage) {
			t.Errorf("publish %v: %v, want a usage error (exit 2)", args, err)
		}
	}
}
