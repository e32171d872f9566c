package game

import (
	"math/rand/v2"
	"testing"
)

// newTestGame returns a game between two teams of the default league.
func newTestGame(tb testing.TB, rules Rules) *Game {
	tb.Helper()
	l := DefaultLeague()
	away, home := l.Team("SEA"), l.Team("MIN")
	return NewGame(1, "2026-04-01", away, home, away.Rotation[0], home.Rotation[0], rules, rand.New(rand.NewPCG(1, 2)))
}

func TestRulesSituations(t *testing.T) {
	tests := []struct {
		name string
		// setup puts the game in a situation; act plays something.
		setup, act func(g *Game, p *Pitch)
		wantEvent  string
		wantOuts   int
		wantScore  [2]int
		wantOver   bool
		wantInning int
		wantTop    bool
	}{
		{
			name:      "fourth ball walks the batter",
			setup:     func(g *Game, p *Pitch) { g.balls = 3 },
			act:       func(g *Game, p *Pitch) { g.play(p, resBall, testMatchup(g)) },
			wantEvent: "walk", wantInning: 1, wantTop: true,
		},
		{
			name:      "third strike is an out",
			setup:     func(g *Game, p *Pitch) { g.strikes = 2 },
			act:       func(g *Game, p *Pitch) { g.play(p, resCalledStrike, testMatchup(g)) },
			wantEvent: "strikeout", wantOuts: 1, wantInning: 1, wantTop: true,
		},
		{
			name:      "walk with the bases loaded forces in a run",
			setup:     func(g *Game, p *Pitch) { g.balls = 3; g.bases = loaded(g) },
			act:       func(g *Game, p *Pitch) { g.play(p, resBall, testMatchup(g)) },
			wantEvent: "walk", wantScore: [2]int{1, 0}, wantInning: 1, wantTop: true,
		},
		{
			name:      "third out ends the half",
			setup:     func(g *Game, p *Pitch) { g.outs, g.strikes = 2, 2 },
			act:       func(g *Game, p *Pitch) { g.play(p, resSwingingStrike, testMatchup(g)) },
			wantEvent: "strikeout", wantInning: 1, wantTop: false,
		},
		{
			name:      "home team leading after the top of the ninth wins without batting",
			setup:     func(g *Game, p *Pitch) { g.inning, g.outs, g.strikes, g.score = 9, 2, 2, [2]int{2, 3} },
			act:       func(g *Game, p *Pitch) { g.play(p, resCalledStrike, testMatchup(g)) },
			wantEvent: "strikeout", wantOuts: 3, wantScore: [2]int{2, 3}, wantOver: true, wantInning: 9, wantTop: true,
		},
		{
			name: "tied after nine goes to extra innings",
			setup: func(g *Game, p *Pitch) {
				g.inning, g.top, g.outs, g.strikes, g.score = 9, false, 2, 2, [2]int{4, 4}
			},
			act:       func(g *Game, p *Pitch) { g.play(p, resCalledStrike, testMatchup(g)) },
			wantEvent: "strikeout", wantScore: [2]int{4, 4}, wantInning: 10, wantTop: true,
		},
		{
			name: "away team leading after a full extra inning wins",
			setup: func(g *Game, p *Pitch) {
				g.inning, g.top, g.outs, g.strikes, g.score = 11, false, 2, 2, [2]int{5, 4}
			},
			act:       func(g *Game, p *Pitch) { g.play(p, resCalledStrike, testMatchup(g)) },
			wantEvent: "strikeout", wantOuts: 3, wantScore: [2]int{5, 4}, wantOver: true, wantInning: 11,
		},
		{
			name: "walk-off double counts only the winning run",
			setup: func(g *Game, p *Pitch) {
				g.inning, g.top, g.score = 9, false, [2]int{3, 3}
				g.bases = loaded(g)
			},
			act: func(g *Game, p *Pitch) {
				g.ballInPlay(p, battedBall{bbType: LineDrive, hit: hitDouble, field: 7})
			},
			wantEvent: "double", wantScore: [2]int{3, 4}, wantOver: true, wantInning: 9,
		},
		{
			name: "walk-off home run counts every run",
			setup: func(g *Game, p *Pitch) {
				g.inning, g.top, g.score = 10, false, [2]int{5, 4}
				g.bases = loaded(g)
			},
			act: func(g *Game, p *Pitch) {
				g.ballInPlay(p, battedBall{bbType: FlyBall, hit: hitHomeRun, field: 8})
			},
			wantEvent: "home_run", wantScore: [2]int{5, 8}, wantOver: true, wantInning: 10,
		},
		{
			name:  "double play with a runner on first",
			setup: func(g *Game, p *Pitch) { g.bases[0] = g.teams[0].Lineup[8] },
			act: func(g *Game, p *Pitch) {
				g.rng = rand.New(rand.NewPCG(3, 3)) // its first draw, < 0.45, makes it a double play
				g.groundOut(p, battedBall{bbType: GroundBall, field: 6})
			},
			wantEvent: "grounded_into_double_play", wantOuts: 2, wantInning: 1, wantTop: true,
		},
		{
			name:  "sacrifice fly scores the runner from third",
			setup: func(g *Game, p *Pitch) { g.bases[2] = g.teams[0].Lineup[8]; g.rng = rand.New(rand.NewPCG(3, 3)) },
			act: func(g *Game, p *Pitch) {
				g.flyOut(p, battedBall{bbType: FlyBall, field: 9})
			},
			wantEvent: "sac_fly", wantOuts: 1, wantScore: [2]int{1, 0}, wantInning: 1, wantTop: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newTestGame(t, Rules{ExtraInningsRunner: true})
			g.startPlateAppearance()
			p := Pitch{}
			tc.setup(g, &p)
			tc.act(g, &p)
			if p.Events != tc.wantEvent {
				t.Errorf("event %q, want %q", p.Events, tc.wantEvent)
			}
			if g.over != tc.wantOver {
				t.Errorf("over %v, want %v", g.over, tc.wantOver)
			}
			if g.score != tc.wantScore {
				t.Errorf("score (away, home) %v, want %v", g.score, tc.wantScore)
			}
			if g.outs != tc.wantOuts {
				t.Errorf("outs %d, want %d", g.outs, tc.wantOuts)
			}
			if g.inning != tc.wantInning || g.top != tc.wantTop {
				t.Errorf("inning %d top %v, want %d top %v", g.inning, g.top, tc.wantInning, tc.wantTop)
			}
		})
	}
}

func testMatchup(g *Game) matchup {
	return matchup{pitcher: g.staffs[g.fielding()].current, batter: g.batter, kind: lookupKind("FF")}
}

func loaded(g *Game) [3]*Batter {
	l := g.teams[g.batting()].Lineup
	return [3]*Batter{l[6], l[7], l[8]}
}

func TestFoulWithTwoStrikesIsNotStrikeThree(t *testing.T) {
	g := newTestGame(t, Rules{})
	g.startPlateAppearance()
	g.strikes = 2
	for i := 0; i < 200; i++ {
		p := Pitch{}
		g.play(&p, resFoul, testMatchup(g))
		if p.Description == "foul" && (g.strikes != 2 || p.Events != "") {
			t.Fatalf("foul with two strikes changed the count to %d (event %q)", g.strikes, p.Events)
		}
		if p.Description == "foul_tip" {
			if p.Events != "strikeout" {
				t.Fatalf("foul tip with two strikes: event %q, want strikeout", p.Events)
			}
			return
		}
	}
}

func TestExtraInningsRunnerOnSecond(t *testing.T) {
	for _, on := range []bool{true, false} {
		g := newTestGame(t, Rules{ExtraInningsRunner: on})
		g.inning, g.top, g.outs, g.score = 9, false, 3, [2]int{1, 1}
		g.endHalf()
		if got := g.bases[1] != nil; got != on {
			t.Errorf("rule %v: runner on second in the 10th = %v", on, got)
		}
	}
}
