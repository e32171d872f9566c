package game

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// formatRunExpectancy renders the matrix as the README shows it: each
// state's simulated mean runs beside MLB's, and the difference.
func formatRunExpectancy(re *RunExpectancy) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| runners | 0 out: sim | MLB | diff | 1 out: sim | MLB | diff | 2 out: sim | MLB | diff |\n")
	fmt.Fprintf(&b, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	figs := re.Figures()
	for bases := range 8 {
		fmt.Fprintf(&b, "| `%s` |", figs[bases].Bases)
		for outs := range 3 {
			f := figs[outs*8+bases]
			fmt.Fprintf(&b, " %.2f | %.2f | %+.2f |", f.Value, f.MLB, f.Value-f.MLB)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TestRunExpectancyMatchesMLB holds the mean runs from each of the 24
// base-out states to the end of the half-inning, innings 1 to 8, within
// 0.08 runs of MLB's matrix (the 2025 regular season as published at
// gsarajian.github.io/RE24, see MLBRunExpectancy), and the states with two
// or more runners and none out within 0.04. It folds several seeds' seasons
// together, so that the figures are the model's, not one sample's (a
// single season of 10,000 games puts bases loaded with none out 0.1 runs
// off either way); so many games because the rarest states come up about
// once in eleven.
func TestRunExpectancyMatchesMLB(t *testing.T) {
	const gamesPerSeed, tolerance, multiRunnerTolerance = 10000, 0.08, 0.04
	seeds := []uint64{20240, 3, 7, 11}
	var re RunExpectancy
	for _, seed := range seeds {
		re.Merge(&simulateStats(t, seed, gamesPerSeed).RunExpectancy)
	}
	t.Logf("run expectancy, innings 1-8 of %d simulated games (seeds %v), against MLB 2025 (gsarajian.github.io/RE24):\n%s",
		gamesPerSeed*len(seeds), seeds, formatRunExpectancy(&re))
	worst := 0.0
	for _, f := range re.Figures() {
		d := f.Value - f.MLB
		worst = max(worst, math.Abs(d))
		limit := tolerance
		if f.Outs == 0 && strings.Count(f.Bases, "_") <= 1 {
			limit = multiRunnerTolerance
		}
		if math.Abs(d) > limit || f.N < 500 {
			t.Errorf("%s, %d out: %.3f runs (%d times), MLB %.3f: off by %+.3f, more than %.2f", f.Bases, f.Outs, f.Value, f.N, f.MLB, d, limit)
		}
	}
	t.Logf("largest difference %.3f runs", worst)
}

// halfPitch is one pitch of a plate appearance in a hand-built half-inning.
func halfPitch(pk int64, inning, atBat, outs int, on [3]bool, event string, runsBefore, runsAfter int) Pitch {
	p := Pitch{GamePK: pk, Inning: inning, InningTopBot: "Top", AtBatNumber: atBat, PitchNumber: 1,
		OutsWhenUp: outs, Events: event, AwayScore: runsBefore, PostAwayScore: runsAfter}
	for i, id := range []*int64{&p.On1B, &p.On2B, &p.On3B} {
		if on[i] {
			*id = int64(100 + i)
		}
	}
	return p
}

func TestRunExpectancyFoldsHalfInnings(t *testing.T) {
	none, first, firstSecond := [3]bool{}, [3]bool{true, false, false}, [3]bool{true, true, false}
	// Game 1, top of the 1st: single, walk, three-run homer, three outs.
	// Game 2 interleaves: its top of the 9th does not count, and its
	// top of the 2nd stops before the third out.
	stream := []Pitch{
		halfPitch(1, 1, 1, 0, none, "single", 0, 0),
		halfPitch(2, 9, 60, 0, none, "home_run", 3, 4),
		halfPitch(1, 1, 2, 0, first, "walk", 0, 0),
		halfPitch(2, 2, 10, 0, none, "single", 0, 0),
		halfPitch(1, 1, 3, 0, firstSecond, "home_run", 0, 3),
		halfPitch(1, 1, 4, 0, none, "strikeout", 3, 3),
		halfPitch(1, 1, 5, 1, none, "field_out", 3, 3),
		halfPitch(1, 1, 6, 2, none, "strikeout", 3, 3),
		halfPitch(2, 3, 14, 0, none, "strikeout", 0, 0),
	}
	var re RunExpectancy
	for i := range stream {
		re.Add(&stream[i])
	}
	tests := []struct {
		name     string
		state, n int
		wantMean float64
	}{
		{"bases empty, none out: the single and the strikeout after the homer", BaseOutState(0, false, false, false), 2, 1.5},
		{"first, none out: the walk", BaseOutState(0, true, false, false), 1, 3},
		{"first and second, none out: the homer", BaseOutState(0, true, true, false), 1, 3},
		{"bases empty, one out", BaseOutState(1, false, false, false), 1, 0},
		{"bases empty, two out", BaseOutState(2, false, false, false), 1, 0},
	}
	total := 0
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if mean, n := re.Mean(tc.state); n != tc.n || mean != tc.wantMean {
				t.Errorf("mean %.2f over %d, want %.2f over %d", mean, n, tc.wantMean, tc.n)
			}
		})
		total += tc.n
	}
	counted := 0
	for _, n := range re.Count {
		counted += n
	}
	if counted != total {
		t.Errorf("%d states counted, want %d (innings past the 8th and unfinished halves left out)", counted, total)
	}
}
