package kafkaio

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/embedded"
	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
)

// TestScoresWritesAndRestoresTheGamesInEveryFormat runs scores in each
// format over pitches in that format, in two incarnations: the second
// restores the games from what the first wrote, so it reads the games topic
// in the format too. Every format's committed output is each pitch folded
// in once, record for record the same game states as JSON's.
func TestScoresWritesAndRestoresTheGamesInEveryFormat(t *testing.T) {
	b := testkit.StartBroker(t)
	reg := testkit.StartRegistry(t, "")
	var logs testkit.Buffer
	cfg := withRegistry(testConfig(b, zerolog.New(&logs).Level(zerolog.WarnLevel)), reg.URL())
	pitches := testkit.SeasonPitches(t, 9, 1200)
	states := map[formats.Format]map[string]string{} // by format, by game_pk/through_seq: the state as JSON
	sizes := map[formats.Format]int{}
	for _, f := range formats.Formats {
		t.Run(string(f), func(t *testing.T) {
			opts := ScoresOptions{Input: "pitches-" + string(f), Output: "games-" + string(f), Group: "g-" + string(f),
				Instance: "t", Format: f, CommitInterval: 50 * time.Millisecond, CommitRecords: 200}
			mustCreateGames(t, cfg, opts.Output)
			mustPublishAs(t, cfg, opts.Input, f, pitches[:500])
			runScoresUntil(t, cfg, opts, 500)
			mustPublishAs(t, cfg, opts.Input, f, pitches[500:])
			runScoresUntil(t, cfg, opts, len(pitches)) // restores the games from the first's output
			recs := mustReadGamesFrom(t, cfg, opts.Output, true)
			assertGamesFoldedOnce(t, recs, pitches)
			bytes := 0
			for _, m := range readRaw(t, b.Bootstrap(), opts.Output, len(pitches)) {
				if framed := m.Value[0] == 0; framed != f.NeedsRegistry() {
					t.Fatalf("first byte %#x: framed %v, want %v", m.Value[0], framed, f.NeedsRegistry())
				}
				bytes += len(m.Value)
			}
			sizes[f] = bytes / len(pitches)
			states[f] = statesByKey(t, recs)
		})
	}
	if t.Failed() {
		t.Logf("logs:\n%s", logs.String())
	}
	t.Logf("mean games record value size, bytes: %v", sizes)
	for _, f := range formats.Formats[1:] {
		for k, want := range states[formats.FormatJSON] {
			if got := states[f][k]; got != want {
				t.Fatalf("%s: game %s reads back as\n%s\nJSON's is\n%s", f, k, got, want)
			}
		}
	}
}

// TestScoresWritesAvroWhileTheRegistryIsDown stops the registry once scores
// has started: the schema was registered and its lookups cached at start,
// so every transaction still commits, and the records read back once a
// registry with the same schemas answers again.
func TestScoresWritesAvroWhileTheRegistryIsDown(t *testing.T) {
	b := testkit.StartBroker(t)
	dir := t.TempDir()
	reg, err := embedded.StartRegistry(embedded.RegistryServerOptions{Listen: "127.0.0.1:0", DataDir: dir, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	cfg := withRegistry(testConfig(b, zerolog.Nop()), reg.URL())
	pitches := mustPublish(t, cfg, "pitches", 800)
	mustCreateGames(t, cfg, "games")
	s, err := NewScores(context.Background(), cfg, ScoresOptions{Input: "pitches", Output: "games", Group: "g", Instance: "t",
		Format: formats.FormatAvro, CommitInterval: 50 * time.Millisecond, CommitRecords: 200})
	if err != nil {
		t.Fatal(err)
	}
	reg.Close()
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- s.Run(ctx) }()
	for deadline := time.Now().Add(60 * time.Second); s.Stats().In < int64(len(pitches)) && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.In != int64(len(pitches)) || st.Aborted != 0 {
		t.Fatalf("stats %+v with the registry down: want all %d pitches committed, none aborted", st, len(pitches))
	}
	again := testkit.StartRegistry(t, dir)
	assertGamesFoldedOnce(t, mustReadGamesFrom(t, withRegistry(cfg, again.URL()), "games", true), pitches)
}

// statesByKey maps each record's game_pk/through_seq to its state as JSON.
func statesByKey(tb testing.TB, recs []testkit.GameRecord) map[string]string {
	tb.Helper()
	out := map[string]string{}
	for i := range recs {
		b, err := json.Marshal(&recs[i].State)
		if err != nil {
			tb.Fatal(err)
		}
		out[fmt.Sprintf("%d/%d", recs[i].State.GamePK, recs[i].State.ThroughSeq)] = string(b)
	}
	return out
}
