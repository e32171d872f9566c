package game

import (
	"math/rand/v2"
	"testing"
)

func TestCountAfter(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		p                      Pitch
		wantBalls, wantStrikes int
	}{
		{"ball", Pitch{Type: "B", Description: "ball", Balls: 1, Strikes: 2}, 2, 2},
		{"called strike", Pitch{Type: "S", Description: "called_strike", Balls: 0, Strikes: 1}, 0, 2},
		{"foul with two strikes", Pitch{Type: "S", Description: "foul", Balls: 3, Strikes: 2}, 3, 2},
		{"foul with one strike", Pitch{Type: "S", Description: "foul", Balls: 0, Strikes: 1}, 0, 2},
		{"walk", Pitch{Type: "B", Description: "ball", Balls: 3, Strikes: 1, Events: "walk"}, 0, 0},
		{"in play", Pitch{Type: "X", Description: "hit_into_play", Balls: 2, Strikes: 1, Events: "single"}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, s := CountAfter(&tc.p)
			if b != tc.wantBalls || s != tc.wantStrikes {
				t.Errorf("count %d-%d, want %d-%d", b, s, tc.wantBalls, tc.wantStrikes)
			}
		})
	}
}

// A LiveGame folded from a simulated game keeps the simulator's count
// after every pitch and ends with the GameState's own final score.
func TestLiveGameFoldsASimulatedGame(t *testing.T) {
	l := DefaultLeague()
	sim := NewGame(7, "2026-04-01", l.Teams[0], l.Teams[1], l.Teams[0].Rotation[0], l.Teams[1].Rotation[0],
		Rules{ExtraInningsRunner: true}, rand.New(rand.NewPCG(7, 3)))
	var pitches []Pitch
	var g LiveGame
	var st GameState
	for p := (Pitch{}); sim.NextInto(&p); {
		pitches = append(pitches, p)
		g.Apply(&p)
		st.Apply(&p)
		if !p.EndsPlateAppearance() && (g.Balls != sim.balls || g.Strikes != sim.strikes) {
			t.Fatalf("game_seq %d: count %d-%d, simulator %d-%d", p.GameSeq, g.Balls, g.Strikes, sim.balls, sim.strikes)
		}
	}
	if !g.Final || g.AwayScore != st.AwayScore || g.HomeScore != st.HomeScore || g.Last.GameSeq != len(pitches) {
		t.Fatalf("live game %+v, want the state %+v", g.GameState, st)
	}
	if g.Apply(&pitches[0]) {
		t.Error("a pitch folded in twice changed the game")
	}
	if PitchResult(&g.Last) == "" {
		t.Error("the last pitch has no result")
	}
}
