package testkit

import (
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/game"
)

// SeasonPitches returns the first n pitches of the season of seed, 15
// games at a time, stamped with the time now.
func SeasonPitches(tb testing.TB, seed uint64, n int) []game.Pitch {
	tb.Helper()
	season, err := game.NewSeason(game.DefaultLeague(), game.SeasonConfig{Seed: seed, Concurrent: 15})
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]game.Pitch, n)
	for i := range out {
		season.NextInto(&out[i])
		out[i].TS = time.Now().Truncate(time.Millisecond)
	}
	return out
}
