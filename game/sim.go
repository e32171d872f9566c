package game

import (
	"math"
	"math/rand/v2"
)

// Rules are the choices of rules a game is played under.
type Rules struct {
	// ExtraInningsRunner starts every extra half-inning with a runner on
	// second base, as the MLB regular season has since 2020.
	ExtraInningsRunner bool
}

// Game simulates one ball game, pitch by pitch. Its output depends only on
// the teams, their starters, the rules and the random source it is given.
type Game struct {
	pk    int64
	date  string
	teams [2]*Team // away, home
	rules Rules
	rng   *rand.Rand

	inning          int
	top             bool
	outs            int
	balls, strikes  int
	bases           [3]*Batter
	score           [2]int
	atBat, pitchNum int
	seq             int
	order           [2]int
	staffs          [2]*staff
	batter          *Batter
	over            bool
	des             *sentences
}

// NewGame sets up a game between away and home with the given starters.
func NewGame(pk int64, date string, away, home *Team, awayStarter, homeStarter *Pitcher, rules Rules, rng *rand.Rand) *Game {
	g := &Game{
		pk: pk, date: date, teams: [2]*Team{away, home}, rules: rules, rng: rng,
		inning: 1, top: true, atBat: 1, des: newSentences(),
	}
	g.staffs[0] = newStaff(away, awayStarter, rng)
	g.staffs[1] = newStaff(home, homeStarter, rng)
	return g
}

// Over reports whether the game has ended.
func (g *Game) Over() bool { return g.over }

// batting and fielding index the team at bat and the team in the field.
func (g *Game) batting() int {
	if g.top {
		return 0
	}
	return 1
}

func (g *Game) fielding() int { return 1 - g.batting() }

// Next simulates the next pitch and returns its event, without ts. Calling
// Next after the game is over returns the zero Pitch.
func (g *Game) Next() Pitch {
	var p Pitch
	g.NextInto(&p)
	return p
}

// NextInto simulates the next pitch into p, overwriting all of it but ts,
// and reports false, leaving p alone, once the game is over.
func (g *Game) NextInto(p *Pitch) bool {
	if g.over {
		return false
	}
	if g.batter == nil {
		g.startPlateAppearance()
	}
	st := g.staffs[g.fielding()]
	g.situation(p, st.current)
	m := matchup{pitcher: st.current, batter: g.batter, fatigue: st.fatigue(),
		hitShift: situationShift(g.outs, g.bases)}
	mix := chooseMix(g.rng, st.current, g.balls, g.strikes)
	m.kind = mix.kind
	p.PitchType, p.PitchName = mix.kind.Code, mix.kind.Name
	p.ReleaseSpeed = round1(mix.MPH + g.rng.NormFloat64()*1.3 - m.fatigue)
	st.pitches++
	g.play(p, drawResult(g.rng, g.balls, g.strikes, m), m)
	p.PostAwayScore, p.PostHomeScore = g.score[0], g.score[1]
	p.GameOver = g.over
	return true
}

// situation fills in everything known before the pitch is thrown, and
// clears what the pitch itself will set. It assigns field by field, leaving
// ts alone, because this runs for every pitch.
func (g *Game) situation(p *Pitch, pitcher *Pitcher) {
	g.seq++
	g.pitchNum++
	p.Schema, p.GamePK, p.GameSeq, p.GameDate = SchemaV1, g.pk, g.seq, g.date
	p.AwayTeam, p.HomeTeam = g.teams[0].Abbr, g.teams[1].Abbr
	p.Inning, p.InningTopBot, p.AtBatNumber, p.PitchNumber = g.inning, "Bot", g.atBat, g.pitchNum
	if g.top {
		p.InningTopBot = "Top"
	}
	p.Pitcher, p.PitcherName, p.PThrows = pitcher.ID, pitcher.Name, pitcher.Throws
	p.Batter, p.BatterName, p.Stand = g.batter.ID, g.batter.Name, stance(g.batter, pitcher)
	p.Balls, p.Strikes, p.OutsWhenUp = g.balls, g.strikes, g.outs
	p.On1B, p.On2B, p.On3B = runnerID(g.bases[0]), runnerID(g.bases[1]), runnerID(g.bases[2])
	p.AwayScore, p.HomeScore = g.score[0], g.score[1]
	p.BBType, p.Events, p.Des = "", "", ""
}

func stance(b *Batter, p *Pitcher) string {
	if b.Bats != "S" {
		return b.Bats
	}
	if p.Throws == "R" {
		return "L"
	}
	return "R"
}

func runnerID(b *Batter) int64 {
	if b == nil {
		return 0
	}
	return b.ID
}

func (g *Game) startPlateAppearance() {
	g.staffs[g.fielding()].maybeRelieve(g, false)
	side := g.batting()
	g.batter = g.teams[side].Lineup[g.order[side]%LineupSize]
	g.pitchNum, g.balls, g.strikes = 0, 0, 0
}

// play applies a pitch's result to the count, the bases and the score.
func (g *Game) play(p *Pitch, res result, m matchup) {
	switch res {
	case resBall:
		p.Type, p.Description = "B", ballDescription(g.rng, m.kind)
		if g.balls++; g.balls == 4 {
			g.walk(p, "walk")
		}
	case resHitByPitch:
		p.Type, p.Description = "B", "hit_by_pitch"
		g.walk(p, "hit_by_pitch")
	case resCalledStrike:
		p.Type, p.Description = "S", "called_strike"
		g.strike(p)
	case resSwingingStrike:
		p.Type, p.Description = "S", swingDescription(g.rng, m.kind)
		g.strike(p)
	case resFoul:
		p.Type, p.Description = "S", "foul"
		if g.rng.Float64() < foulTipShare {
			p.Description = "foul_tip"
			g.strike(p)
		} else if g.strikes < 2 {
			g.strikes++
		}
	default:
		p.Type, p.Description = "X", "hit_into_play"
		g.ballInPlay(p, drawBattedBall(g.rng, m))
	}
}

func ballDescription(rng *rand.Rand, k *PitchKind) string {
	if k.Whiff > 1 && rng.Float64() < 0.15 {
		return "blocked_ball"
	}
	return "ball"
}

func swingDescription(rng *rand.Rand, k *PitchKind) string {
	if k.Whiff > 1 && rng.Float64() < 0.12 {
		return "swinging_strike_blocked"
	}
	return "swinging_strike"
}

func (g *Game) strike(p *Pitch) {
	if g.strikes++; g.strikes == 3 {
		g.outs++
		g.endPlateAppearance(p, "strikeout", g.des.strikeoutDes(g.batter, p.Description))
	}
}

// walk sends the batter to first, forcing runners ahead of him.
func (g *Game) walk(p *Pitch, event string) {
	scored := g.forceAdvance(g.batter)
	g.endPlateAppearance(p, event, g.des.walkDes(g.batter, event)+scoredDes(scored))
}

// forceAdvance puts the batter on first and moves up only forced runners.
func (g *Game) forceAdvance(b *Batter) []*Batter {
	var scored []*Batter
	if g.bases[0] != nil {
		if g.bases[1] != nil {
			if g.bases[2] != nil {
				scored = append(scored, g.bases[2])
			}
			g.bases[2] = g.bases[1]
		}
		g.bases[1] = g.bases[0]
	}
	g.bases[0] = b
	return g.scoreRuns(scored, false)
}

// scoreRuns adds the runs of the given runners. A non-home-run walk-off in
// the last inning counts only up to the winning run, as the rules say.
func (g *Game) scoreRuns(runners []*Batter, homeRun bool) []*Batter {
	side := g.batting()
	if side == 1 && g.inning >= 9 && g.score[1]+len(runners) > g.score[0] {
		if !homeRun {
			runners = runners[:g.score[0]-g.score[1]+1]
		}
		g.over = true
	}
	g.score[side] += len(runners)
	g.staffs[g.fielding()].runs += len(runners)
	return runners
}

// endPlateAppearance records the event and readies the next batter or half.
func (g *Game) endPlateAppearance(p *Pitch, event, des string) {
	p.Events, p.Des = event, des
	g.order[g.batting()]++
	g.batter = nil
	g.atBat++
	if g.over {
		return
	}
	if g.outs >= 3 {
		g.endHalf()
	}
}

// endHalf ends the half-inning and decides whether the game goes on.
func (g *Game) endHalf() {
	away, home := g.score[0], g.score[1]
	if g.inning >= 9 && ((g.top && home > away) || (!g.top && home != away)) {
		g.over = true
		return
	}
	if !g.top {
		g.inning++
	}
	g.top = !g.top
	g.outs = 0
	g.bases = [3]*Batter{}
	if g.inning > 9 && g.rules.ExtraInningsRunner {
		side := g.batting()
		g.bases[1] = g.teams[side].Lineup[(g.order[side]+LineupSize-1)%LineupSize]
	}
	g.staffs[g.fielding()].maybeRelieve(g, true)
}

// lead returns the fielding team's lead in runs.
func (g *Game) lead() int {
	return g.score[g.fielding()] - g.score[g.batting()]
}

// chooseMix picks the pitch type: more fastballs when behind in the count,
// more breaking and off-speed pitches when ahead.
func chooseMix(rng *rand.Rand, p *Pitcher, balls, strikes int) *PitchMix {
	cum := p.mixByCount[balls][strikes]
	x := rng.Float64() * cum[len(cum)-1]
	for i, c := range cum {
		if x < c {
			return &p.Repertoire[i]
		}
	}
	return &p.Repertoire[len(p.Repertoire)-1]
}

// fastballLean scales fastball usage at a count.
func fastballLean(balls, strikes int) float64 { return 1 + 0.18*float64(balls-strikes) }

func isFastball(code string) bool { return code == "FF" || code == "SI" || code == "FC" }

// staff is one team's pitching in one game: who is on the mound and how he
// has fared, and who is left in the bullpen.
type staff struct {
	team     *Team
	current  *Pitcher
	starter  bool
	limit    int // pitches after which the current pitcher comes out
	pitches  int
	runs     int
	halves   int // half-innings the current pitcher has started
	used     map[int64]bool
	closerIn bool
}

func newStaff(t *Team, starter *Pitcher, rng *rand.Rand) *staff {
	s := &staff{team: t, used: map[int64]bool{starter.ID: true}}
	s.bring(starter, true, rng)
	return s
}

func (s *staff) bring(p *Pitcher, starter bool, rng *rand.Rand) {
	s.current, s.starter, s.pitches, s.runs, s.halves = p, starter, 0, 0, 0
	s.used[p.ID] = true
	if starter {
		s.limit = int(math.Round(float64(p.Stamina) + rng.NormFloat64()*6))
	} else {
		s.limit = 22 + rng.IntN(14)
	}
}

// fatigue is 0 for a fresh pitcher and grows as he nears his limit.
func (s *staff) fatigue() float64 {
	onset := s.limit - 25
	if !s.starter {
		onset = s.limit - 10
	}
	if s.pitches <= onset {
		return 0
	}
	return float64(s.pitches-onset) / 25
}

// maybeRelieve makes a pitching change when a manager would: the starter
// tires or is hit hard, a reliever has done his inning, or it is a save
// situation for the closer.
func (s *staff) maybeRelieve(g *Game, halfStart bool) {
	if halfStart {
		s.halves++
	}
	if next := s.reliever(g, halfStart); next != nil {
		s.bring(next, false, g.rng)
		if halfStart {
			s.halves = 1
		}
	}
}

func (s *staff) reliever(g *Game, halfStart bool) *Pitcher {
	closerTime := halfStart && g.inning >= 9 && g.lead() >= 0 && g.lead() <= 3 && (g.lead() > 0 || g.top)
	if closerTime && !s.closerIn && s.team.Closer != nil {
		s.closerIn = true
		return s.team.Closer
	}
	if s.current == s.team.Closer && g.inning >= 9 && s.pitches < 40 && s.runs < 3 {
		return nil
	}
	if !s.tired(halfStart) {
		return nil
	}
	return s.nextFromBullpen(g.rng)
}

// tired reports whether the pitcher on the mound should come out.
func (s *staff) tired(halfStart bool) bool {
	if s.starter {
		return s.pitches >= s.limit || s.runs >= 6 || (s.runs >= 5 && s.pitches > 60) ||
			(halfStart && s.pitches >= s.limit-12)
	}
	return s.pitches >= s.limit+10 || s.runs >= 3 || (halfStart && s.halves > 1 && s.pitches >= 8)
}

func (s *staff) nextFromBullpen(rng *rand.Rand) *Pitcher {
	var fresh []*Pitcher
	for _, p := range s.team.Bullpen {
		if !s.used[p.ID] {
			fresh = append(fresh, p)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	return fresh[rng.IntN(len(fresh))]
}
