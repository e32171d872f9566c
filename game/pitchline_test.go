package game_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/game/statcast"
)

// simulatedPitches returns the first n pitches of a seeded season.
func simulatedPitches(tb testing.TB, seed uint64, n int) []game.Pitch {
	tb.Helper()
	s, err := game.NewSeason(game.DefaultLeague(), game.SeasonConfig{Seed: seed, Concurrent: 15, Rules: game.Rules{ExtraInningsRunner: true}})
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]game.Pitch, n)
	for i := range out {
		out[i], _ = s.Next()
	}
	return out
}

// replayedPitches reads a Statcast export, which must have no bad row.
func replayedPitches(tb testing.TB, path string) []game.Pitch {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	ps, skipped, err := statcast.Read(f, path)
	if err != nil || len(skipped) > 0 {
		tb.Fatalf("%s: %v, %d rows skipped", path, err, len(skipped))
	}
	return ps
}

// TestPitchLineSaysWhatItsFormatSays checks the appending narration against
// the format it implements, written out with fmt, on simulated and real
// pitches.
func TestPitchLineSaysWhatItsFormatSays(t *testing.T) {
	runners := func(p *game.Pitch) string {
		var on []string
		for i, id := range []int64{p.On1B, p.On2B, p.On3B} {
			if id != 0 {
				on = append(on, []string{"1st", "2nd", "3rd"}[i])
			}
		}
		switch len(on) {
		case 0:
			return "bases empty"
		case 1:
			return "runner on " + on[0]
		case 2:
			return "runners on " + on[0] + " and " + on[1]
		}
		return "bases loaded"
	}
	half := map[bool]string{true: "T", false: "B"}
	pitches := append(simulatedPitches(t, 11, 20000), replayedPitches(t, "../testdata/statcast/kershaw-2022-excerpt.csv")...)
	for i := range pitches {
		p := &pitches[i]
		want := fmt.Sprintf("[%s@%s %s%d %d-%d, %d out, %s, %d-%d] %s", p.AwayTeam, p.HomeTeam, half[p.Top()], p.Inning,
			p.Balls, p.Strikes, p.OutsWhenUp, runners(p), p.AwayScore, p.HomeScore, p.PitcherName)
		if p.ReleaseSpeed > 0 {
			want += fmt.Sprintf(" %.1f mph", p.ReleaseSpeed)
		}
		if p.PitchName != "" {
			want += " " + strings.ToLower(p.PitchName)
		}
		want += ": " + game.DescriptionPhrase(p.Description)
		if got := game.PitchLine(p); got != want {
			t.Fatalf("PitchLine:\n got %s\nwant %s", got, want)
		}
	}
}
