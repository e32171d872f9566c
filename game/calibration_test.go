package game

import (
	"fmt"
	"strings"
	"testing"
)

// simulateStats plays n complete games with a fixed seed and returns their figures.
func simulateStats(tb testing.TB, seed uint64, games int) *Stats {
	tb.Helper()
	s, err := NewSeason(DefaultLeague(), SeasonConfig{Seed: seed, Concurrent: 15, Games: games,
		Rules: Rules{ExtraInningsRunner: true}})
	if err != nil {
		tb.Fatal(err)
	}
	var st Stats
	for p, ok := s.Next(); ok; p, ok = s.Next() {
		st.Add(&p)
	}
	return &st
}

// FormatFigures renders the calibration table as the README shows it.
func formatFigures(figs []Figure) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| %-22s | %9s | %9s | %-17s |\n", "figure", "simulated", "MLB 2024", "bounds")
	fmt.Fprintf(&b, "|%s|%s|%s|%s|\n", strings.Repeat("-", 24), strings.Repeat("-", 11), strings.Repeat("-", 11), strings.Repeat("-", 19))
	for _, f := range figs {
		fmt.Fprintf(&b, "| %-22s | %9.*f | %9.*f | %7.*f – %-7.*f |\n", f.Name, f.Decimals, f.Value, f.Decimals, f.MLB,
			f.Decimals, f.Low, f.Decimals, f.High)
	}
	return b.String()
}

func TestCalibrationAgainstMLB2024(t *testing.T) {
	const games = 3000
	st := simulateStats(t, 20160, games)
	if st.Games != games {
		t.Fatalf("played %d games, want %d", st.Games, games)
	}
	t.Logf("%d simulated games against MLB 2024:\n%s", games, formatFigures(st.Figures()))
	for _, f := range st.Figures() {
		if !f.InBounds() {
			t.Errorf("%s = %.3f, want between %.3f and %.3f (MLB %.3f)", f.Name, f.Value, f.Low, f.High, f.MLB)
		}
	}
}

func TestLeaguePitchMixMatchesStatcast(t *testing.T) {
	st := simulateStats(t, 42, 600)
	for _, k := range PitchKinds() {
		if k.LeagueShare == 0 {
			continue
		}
		share := st.PitchTypeShare(k.Code)
		tol := max(0.005, 0.12*k.LeagueShare)
		if diff := share - k.LeagueShare; diff < -tol || diff > tol {
			t.Errorf("%s share %.4f, want %.4f ± %.4f", k.Code, share, k.LeagueShare, tol)
		}
		mean, _ := st.MeanSpeed(k.Code)
		if diff := mean - k.MPH; diff < -1.5 || diff > 1.5 {
			t.Errorf("%s mean %.1f mph, want %.1f ± 1.5", k.Code, mean, k.MPH)
		}
	}
}
