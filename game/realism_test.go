package game

import (
	"math"
	"sort"
	"testing"
)

// seasonPitches plays n complete games and returns every pitch by game.
func seasonPitches(tb testing.TB, seed uint64, n int) map[int64][]Pitch {
	tb.Helper()
	s, err := NewSeason(DefaultLeague(), SeasonConfig{Seed: seed, Concurrent: 15, Games: n, Rules: Rules{ExtraInningsRunner: true}})
	if err != nil {
		tb.Fatal(err)
	}
	games := map[int64][]Pitch{}
	for p, ok := s.Next(); ok; p, ok = s.Next() {
		games[p.GamePK] = append(games[p.GamePK], p)
	}
	return games
}

func TestTheOriginalPitchersPitchLikeThemselves(t *testing.T) {
	tests := []struct {
		name, team, throws, primary string
		mph, minShare               float64
	}{
		{"Kyle Gibson", "MIN", "R", "SI", 91.4, 0.35},
		{"R.A. Dickey", "TOR", "R", "KN", 76.2, 0.7},
		{"Ivan Nova", "NYY", "R", "SI", 92.6, 0.4},
		{"Felix Hernandez", "SEA", "R", "CH", 87.8, 0.2},
		{"Derek Holland", "TEX", "L", "FF", 92.0, 0.3},
		{"Jimmy Nelson", "MIL", "R", "SI", 93.3, 0.55},
		{"Jon Lester", "CHC", "L", "FF", 92.6, 0.3},
	}
	type tally struct {
		n, primary            int
		primaryMPH, primarySq float64
		teams, arms           map[string]bool
	}
	seen := map[string]*tally{}
	for _, ps := range seasonPitches(t, 8, 1200) {
		for i := range ps {
			p := &ps[i]
			tl := seen[p.PitcherName]
			if tl == nil {
				tl = &tally{teams: map[string]bool{}, arms: map[string]bool{}}
				seen[p.PitcherName] = tl
			}
			tl.n++
			tl.teams[p.FieldingTeam()] = true
			tl.arms[p.PThrows] = true
			for _, tc := range tests {
				if tc.name == p.PitcherName && tc.primary == p.PitchType {
					tl.primary++
					tl.primaryMPH += p.ReleaseSpeed
					tl.primarySq += p.ReleaseSpeed * p.ReleaseSpeed
				}
			}
		}
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tl := seen[tc.name]
			if tl == nil || tl.n < 500 {
				t.Fatalf("pitched %v pitches in 1,200 games", tl)
			}
			if len(tl.teams) != 1 || !tl.teams[tc.team] || len(tl.arms) != 1 || !tl.arms[tc.throws] {
				t.Errorf("pitched for %v with arms %v, want %s %s", tl.teams, tl.arms, tc.team, tc.throws)
			}
			share, mph := float64(tl.primary)/float64(tl.n), tl.primaryMPH/float64(tl.primary)
			if share < tc.minShare {
				t.Errorf("%s share %.2f, want at least %.2f", tc.primary, share, tc.minShare)
			}
			if mph < tc.mph-1 || mph > tc.mph+1 {
				t.Errorf("%s at %.1f mph, want %.1f ± 1", tc.primary, mph, tc.mph)
			}
			// One pitcher's pitches of one type vary by about 1.2-1.5 mph.
			if sd := math.Sqrt(tl.primarySq/float64(tl.primary) - mph*mph); sd < 1.1 || sd > 1.7 {
				t.Errorf("%s speed varies by %.2f mph, want about 1.2-1.5", tc.primary, sd)
			}
		})
	}
}

// starterCounts returns, per game and side, the pitcher who threw first and how
// many pitches he threw.
func starterCounts(games map[int64][]Pitch) []int {
	var counts []int
	for _, ps := range games {
		for _, top := range []bool{true, false} {
			var starter int64
			n := 0
			for i := range ps {
				if ps[i].Top() != top {
					continue
				}
				if starter == 0 {
					starter = ps[i].Pitcher
				}
				if ps[i].Pitcher == starter {
					n++
				}
			}
			counts = append(counts, n)
		}
	}
	sort.Ints(counts)
	return counts
}

func TestStartersTireAndAreRelieved(t *testing.T) {
	counts := starterCounts(seasonPitches(t, 12, 600))
	median := counts[len(counts)/2]
	p90 := counts[len(counts)*9/10]
	p10 := counts[len(counts)/10]
	t.Logf("starter pitch counts: 10th %d, median %d, 90th %d", p10, median, p90)
	if median < 85 || median > 105 {
		t.Errorf("median starter pitch count %d, want 85-105", median)
	}
	if p90 > 115 {
		t.Errorf("90th percentile %d pitches, want at most 115", p90)
	}
	if p10 >= 80 {
		t.Errorf("10th percentile %d: starters hit hard should leave sooner", p10)
	}
}

func TestTheCloserPitchesTheNinthOfACloseGame(t *testing.T) {
	league := DefaultLeague()
	saves, closers := 0, 0
	for _, ps := range seasonPitches(t, 13, 800) {
		for i := range ps {
			p := &ps[i]
			firstOfHalf := i == 0 || ps[i-1].Inning != p.Inning || ps[i-1].InningTopBot != p.InningTopBot
			if p.Inning != 9 || !firstOfHalf {
				continue
			}
			lead := p.HomeScore - p.AwayScore
			if !p.Top() {
				lead = -lead
			}
			if lead < 1 || lead > 3 {
				continue
			}
			saves++
			if league.Team(p.FieldingTeam()).Closer.ID == p.Pitcher {
				closers++
			}
		}
	}
	if saves < 100 || float64(closers) < 0.9*float64(saves) {
		t.Errorf("the closer started %d of %d ninth innings with a 1-3 run lead", closers, saves)
	}
}

func TestTheRotationTurnsOver(t *testing.T) {
	games := seasonPitches(t, 14, 150)
	pks := make([]int64, 0, len(games))
	for pk := range games {
		pks = append(pks, pk)
	}
	sort.Slice(pks, func(i, j int) bool { return pks[i] < pks[j] })
	starters := map[string][]int64{}
	for _, pk := range pks {
		ps := games[pk]
		starters[ps[0].HomeTeam] = append(starters[ps[0].HomeTeam], ps[0].Pitcher)
		for _, p := range ps {
			if !p.Top() {
				starters[p.AwayTeam] = append(starters[p.AwayTeam], p.Pitcher)
				break
			}
		}
	}
	for team, ids := range starters {
		for i := RotationSize; i < len(ids); i++ {
			if ids[i] != ids[i-RotationSize] {
				t.Fatalf("%s: game %d started by %d, five games earlier by %d", team, i+1, ids[i], ids[i-RotationSize])
			}
		}
		for i := 1; i < len(ids) && i < RotationSize; i++ {
			if ids[i] == ids[0] {
				t.Fatalf("%s: the same starter twice within five games", team)
			}
		}
	}
}

func TestHitByPitchesAndWalkOffsHappen(t *testing.T) {
	hbp, walkOffs, pas := 0, 0, 0
	for _, ps := range seasonPitches(t, 15, 500) {
		for i := range ps {
			if ps[i].Events == "hit_by_pitch" {
				hbp++
			}
			if ps[i].Events != "" {
				pas++
			}
		}
		last := ps[len(ps)-1]
		if !last.Top() && last.PostHomeScore > last.PostAwayScore && last.OutsWhenUp+last.OutsOnPlay() < 3 {
			walkOffs++
		}
	}
	if rate := 100 * float64(hbp) / float64(pas); rate < 0.8 || rate > 1.5 {
		t.Errorf("hit by pitch in %.2f%% of PA, want about 1.1%%", rate)
	}
	if walkOffs < 10 {
		t.Errorf("%d walk-offs in 500 games", walkOffs)
	}
}
