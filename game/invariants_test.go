package game

import (
	"fmt"
	"testing"
)

// TestSimulatedGamesKeepTheRules plays many games and checks every pitch
// against the one before it: count, outs, bases, score and the end of game.
func TestSimulatedGamesKeepTheRules(t *testing.T) {
	for _, extra := range []bool{true, false} {
		t.Run(fmt.Sprintf("extra-innings-runner=%v", extra), func(t *testing.T) {
			s, err := NewSeason(DefaultLeague(), SeasonConfig{Seed: 99, Concurrent: 15, Games: 1500,
				Rules: Rules{ExtraInningsRunner: extra}})
			if err != nil {
				t.Fatal(err)
			}
			games := map[int64][]Pitch{}
			for p, ok := s.Next(); ok; p, ok = s.Next() {
				games[p.GamePK] = append(games[p.GamePK], p)
			}
			if len(games) != 1500 {
				t.Fatalf("%d games, want 1500", len(games))
			}
			for pk, ps := range games {
				if err := checkGame(ps, extra); err != nil {
					t.Fatalf("game %d: %v", pk, err)
				}
			}
		})
	}
}

func checkGame(ps []Pitch, extraRunner bool) error {
	for i := range ps {
		p := &ps[i]
		if p.GameSeq != i+1 {
			return fmt.Errorf("pitch %d has game_seq %d", i+1, p.GameSeq)
		}
		if err := checkPitch(p); err != nil {
			return fmt.Errorf("game_seq %d: %w", p.GameSeq, err)
		}
		if i+1 < len(ps) {
			if p.GameOver {
				return fmt.Errorf("game_seq %d: game_over before the last pitch", p.GameSeq)
			}
			if err := checkTransition(p, &ps[i+1], extraRunner); err != nil {
				return fmt.Errorf("game_seq %d→%d: %w", p.GameSeq, p.GameSeq+1, err)
			}
		}
	}
	return checkEnd(&ps[len(ps)-1])
}

func checkPitch(p *Pitch) error {
	switch {
	case p.Balls > 3 || p.Strikes > 2 || p.OutsWhenUp > 2:
		return fmt.Errorf("impossible situation %d-%d, %d out", p.Balls, p.Strikes, p.OutsWhenUp)
	case p.Events == "walk" && p.Balls != 3:
		return fmt.Errorf("walk at %d balls", p.Balls)
	case p.Events == "strikeout" && p.Strikes != 2:
		return fmt.Errorf("strikeout at %d strikes", p.Strikes)
	case p.Events == "strikeout" && p.Description == "foul":
		return fmt.Errorf("a foul was strike three")
	case p.RunsScored() < 0 || (p.RunsScored() > 0 && p.Events == ""):
		return fmt.Errorf("%d runs scored on %q", p.RunsScored(), p.Events)
	case p.ReleaseSpeed < 40 || p.ReleaseSpeed > 106:
		return fmt.Errorf("release_speed %.1f", p.ReleaseSpeed)
	}
	return nil
}

func runnersOn(p *Pitch) int {
	n := 0
	for _, id := range []int64{p.On1B, p.On2B, p.On3B} {
		if id != 0 {
			n++
		}
	}
	return n
}

// checkTransition checks that next follows from p.
func checkTransition(p, next *Pitch, extraRunner bool) error {
	if next.HomeScore != p.PostHomeScore || next.AwayScore != p.PostAwayScore {
		return fmt.Errorf("score jumped from %d-%d to %d-%d", p.PostAwayScore, p.PostHomeScore, next.AwayScore, next.HomeScore)
	}
	if p.Events == "" {
		return checkSamePlateAppearance(p, next)
	}
	outs := p.OutsWhenUp + p.OutsOnPlay()
	if outs >= 3 {
		return checkNewHalf(p, next, extraRunner)
	}
	if next.Inning != p.Inning || next.InningTopBot != p.InningTopBot || next.OutsWhenUp != outs {
		return fmt.Errorf("after %s with %d out: inning %d %s with %d out", p.Events, p.OutsWhenUp,
			next.Inning, next.InningTopBot, next.OutsWhenUp)
	}
	if next.Balls != 0 || next.Strikes != 0 || next.PitchNumber != 1 || next.AtBatNumber != p.AtBatNumber+1 {
		return fmt.Errorf("new plate appearance starts at %d-%d, pitch %d", next.Balls, next.Strikes, next.PitchNumber)
	}
	// Conservation: runners before plus the batter are runners after, runs and outs.
	if before, after := runnersOn(p)+1, runnersOn(next)+p.RunsScored()+p.OutsOnPlay(); before != after {
		return fmt.Errorf("%s: %d runners and batter became %d on base, %d runs, %d outs", p.Events,
			runnersOn(p), runnersOn(next), p.RunsScored(), p.OutsOnPlay())
	}
	return nil
}

func checkSamePlateAppearance(p, next *Pitch) error {
	balls, strikes := p.Balls, p.Strikes
	switch p.Description {
	case "ball", "blocked_ball":
		balls++
	case "called_strike", "swinging_strike", "swinging_strike_blocked", "foul_tip":
		strikes++
	case "foul":
		if strikes < 2 {
			strikes++
		}
	default:
		return fmt.Errorf("%s ended nothing", p.Description)
	}
	if next.Balls != balls || next.Strikes != strikes || next.AtBatNumber != p.AtBatNumber ||
		next.PitchNumber != p.PitchNumber+1 || next.Batter != p.Batter {
		return fmt.Errorf("%d-%d then %s gave %d-%d", p.Balls, p.Strikes, p.Description, next.Balls, next.Strikes)
	}
	if next.On1B != p.On1B || next.On2B != p.On2B || next.On3B != p.On3B || next.OutsWhenUp != p.OutsWhenUp {
		return fmt.Errorf("bases or outs changed during a plate appearance")
	}
	return nil
}

func checkNewHalf(p, next *Pitch, extraRunner bool) error {
	wantInning, wantHalf := p.Inning, "Bot"
	if !p.Top() {
		wantInning, wantHalf = p.Inning+1, "Top"
	}
	if next.Inning != wantInning || next.InningTopBot != wantHalf || next.OutsWhenUp != 0 {
		return fmt.Errorf("after the third out: inning %d %s, %d out", next.Inning, next.InningTopBot, next.OutsWhenUp)
	}
	if p.Inning >= 9 && p.Top() && p.PostHomeScore > p.PostAwayScore {
		return fmt.Errorf("home team batted in the bottom of the %d with the lead", p.Inning)
	}
	if p.Inning >= 9 && !p.Top() && p.PostHomeScore != p.PostAwayScore {
		return fmt.Errorf("game went on after the %d with a team ahead", p.Inning)
	}
	wantRunners := 0
	if next.Inning > 9 && extraRunner {
		wantRunners = 1
		if next.On2B == 0 {
			return fmt.Errorf("no runner on second to start the %d", next.Inning)
		}
	}
	if runnersOn(next) != wantRunners {
		return fmt.Errorf("half starts with %d runners", runnersOn(next))
	}
	return nil
}

func checkEnd(last *Pitch) error {
	home, away := last.PostHomeScore, last.PostAwayScore
	switch {
	case !last.GameOver:
		return fmt.Errorf("last pitch is not game_over")
	case home == away:
		return fmt.Errorf("game ended tied %d-%d", away, home)
	case last.Inning < 9:
		return fmt.Errorf("game ended in the %d", last.Inning)
	case last.Top() && (home < away || last.OutsWhenUp+last.OutsOnPlay() != 3):
		return fmt.Errorf("game ended in the top of the %d, %d-%d", last.Inning, away, home)
	case !last.Top() && home < away && last.OutsWhenUp+last.OutsOnPlay() != 3:
		return fmt.Errorf("game ended in the bottom with the away team ahead before three outs")
	case !last.Top() && home > away && last.HomeScore > last.AwayScore:
		return fmt.Errorf("home team batted in the bottom of the %d while leading", last.Inning)
	}
	return nil
}
