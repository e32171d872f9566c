package game

import (
	"math"
	"sort"
)

// Stats accumulates league figures from a stream of pitches, the same way
// for simulated and replayed data.
type Stats struct {
	Pitches         int `json:"pitches"`
	Strikes         int `json:"strikes"` // called, swinging, foul, in play
	FirstPitches    int `json:"first_pitches"`
	FirstStrikes    int `json:"first_pitch_strikes"`
	PlateApps       int `json:"plate_appearances"`
	AtBats          int `json:"at_bats"`
	Hits            int `json:"hits"`
	HomeRuns        int `json:"home_runs"`
	Strikeouts      int `json:"strikeouts"`
	Walks           int `json:"walks"`
	HitByPitch      int `json:"hit_by_pitch"`
	Runs            int `json:"runs"`
	Games           int `json:"games"` // games seen to their end
	ExtraInningGame int `json:"extra_inning_games"`
	// RunExpectancy is the mean runs from each base-out state, innings 1-8.
	RunExpectancy RunExpectancy `json:"run_expectancy"`
	speed         map[string]*speedSum
}

type speedSum struct {
	n          int
	sum, sumSq float64
}

// Add counts one pitch.
func (s *Stats) Add(p *Pitch) {
	s.Pitches++
	if p.Type == "S" || p.Type == "X" {
		s.Strikes++
	}
	if p.Balls == 0 && p.Strikes == 0 {
		s.FirstPitches++
		if p.Type == "S" || p.Type == "X" {
			s.FirstStrikes++
		}
	}
	s.addSpeed(p.PitchType, p.ReleaseSpeed)
	s.Runs += p.RunsScored()
	s.RunExpectancy.Add(p)
	if p.GameOver {
		s.Games++
		if p.Inning > 9 {
			s.ExtraInningGame++
		}
	}
	if IsPlateAppearance(p.Events) {
		s.addEvent(p.Events)
	}
}

func (s *Stats) addEvent(e string) {
	s.PlateApps++
	switch e {
	case "walk", "intent_walk":
		s.Walks++
	case "hit_by_pitch":
		s.HitByPitch++
	case "strikeout", "strikeout_double_play", "strikeout_triple_play":
		s.Strikeouts++
	case "home_run":
		s.HomeRuns++
	}
	if IsHit(e) {
		s.Hits++
	}
	if IsAtBat(e) {
		s.AtBats++
	}
}

func (s *Stats) addSpeed(code string, mph float64) {
	if code == "" || mph == 0 {
		return
	}
	ss := s.speedOf(code)
	ss.n++
	ss.sum += mph
	ss.sumSq += mph * mph
}

// Merge adds the counts of o to s.
func (s *Stats) Merge(o *Stats) {
	s.Pitches += o.Pitches
	s.Strikes += o.Strikes
	s.FirstPitches += o.FirstPitches
	s.FirstStrikes += o.FirstStrikes
	s.PlateApps += o.PlateApps
	s.AtBats += o.AtBats
	s.Hits += o.Hits
	s.HomeRuns += o.HomeRuns
	s.Strikeouts += o.Strikeouts
	s.Walks += o.Walks
	s.HitByPitch += o.HitByPitch
	s.Runs += o.Runs
	s.Games += o.Games
	s.ExtraInningGame += o.ExtraInningGame
	s.RunExpectancy.Merge(&o.RunExpectancy)
	for code, o := range o.speed {
		ss := s.speedOf(code)
		ss.n += o.n
		ss.sum += o.sum
		ss.sumSq += o.sumSq
	}
}

// PitchTypeFigure is one pitch type's share and speed beside Statcast's.
type PitchTypeFigure struct {
	Code     string  `json:"pitch_type"`
	Name     string  `json:"pitch_name"`
	Share    float64 `json:"share"`
	MPH      float64 `json:"mph"`
	MLBShare float64 `json:"mlb_share"`
	MLBMPH   float64 `json:"mlb_mph"`
}

// PitchTypeFigures returns the share and mean speed of every pitch type
// seen, in the order of PitchKinds, then any unknown codes.
func (s *Stats) PitchTypeFigures() []PitchTypeFigure {
	var out []PitchTypeFigure
	seen := map[string]bool{}
	add := func(code, name string, mlbShare, mlbMPH float64) {
		if s.speed[code] == nil {
			return
		}
		mean, _ := s.MeanSpeed(code)
		out = append(out, PitchTypeFigure{code, name, s.PitchTypeShare(code), mean, mlbShare, mlbMPH})
		seen[code] = true
	}
	for _, k := range pitchKinds {
		add(k.Code, k.Name, k.LeagueShare, k.MPH)
	}
	var unknown []string
	for code := range s.speed {
		if !seen[code] {
			unknown = append(unknown, code)
		}
	}
	sort.Strings(unknown)
	for _, code := range unknown {
		add(code, code, 0, 0)
	}
	return out
}

// StatsBook folds a stream of pitches. Figures per pitch or plate
// appearance need no game to end, so every pitch counts in Pitches as it
// comes; figures per game would mix finished games with games still in
// progress, so a game's runs, hits, home runs and pitches count in Complete
// once its last pitch (game_over) is seen. Pitches of games the stream
// holds only in part (replayed, marked partial) count in Partial instead,
// since such a game never ends.
type StatsBook struct {
	Pitches Stats // every pitch of the games the stream holds whole, ended or not
	// Complete counts the games that ended: Games, ExtraInningGame, and
	// their Runs, HomeRuns, Hits and Pitches, what figures per game need.
	Complete   Stats
	Partial    Stats
	partials   map[int64]bool
	inProgress map[int64]*gameTally
}

// gameTally is what figures per game need of a game still in progress.
type gameTally struct{ runs, homeRuns, hits, pitches int }

// NewStatsBook returns an empty book.
func NewStatsBook() *StatsBook {
	return &StatsBook{inProgress: map[int64]*gameTally{}, partials: map[int64]bool{}}
}

// PartialGames returns the number of games seen only in part.
func (b *StatsBook) PartialGames() int { return len(b.partials) }

// Add counts one pitch.
func (b *StatsBook) Add(p *Pitch) {
	if p.Partial {
		b.partials[p.GamePK] = true
		b.Partial.Add(p)
		return
	}
	b.Pitches.Add(p)
	g := b.inProgress[p.GamePK]
	if g == nil {
		g = &gameTally{}
		b.inProgress[p.GamePK] = g
	}
	g.pitches++
	g.runs += p.RunsScored()
	if IsHit(p.Events) {
		g.hits++
	}
	if p.Events == "home_run" {
		g.homeRuns++
	}
	if p.GameOver {
		c := &b.Complete
		c.Games++
		if p.Inning > 9 {
			c.ExtraInningGame++
		}
		c.Runs, c.Hits, c.HomeRuns, c.Pitches = c.Runs+g.runs, c.Hits+g.hits, c.HomeRuns+g.homeRuns, c.Pitches+g.pitches
		delete(b.inProgress, p.GamePK)
	}
}

// InProgress returns the number of games seen but not yet over.
func (b *StatsBook) InProgress() int { return len(b.inProgress) }

// Figures are the league figures: those per game from the complete games,
// the others from every pitch so far.
func (b *StatsBook) Figures() []Figure {
	out := b.Pitches.Figures()
	for i, f := range b.Complete.Figures() {
		if f.PerGame {
			out[i] = f
		}
	}
	return out
}

// speedOf returns the speed sums of a pitch type, made on first use.
func (s *Stats) speedOf(code string) *speedSum {
	if s.speed == nil {
		s.speed = map[string]*speedSum{}
	}
	ss := s.speed[code]
	if ss == nil {
		ss = &speedSum{}
		s.speed[code] = ss
	}
	return ss
}

// TeamGames returns the number of team-games: two per complete game.
func (s *Stats) TeamGames() float64 { return float64(2 * s.Games) }

// PitchTypeShare returns the share of pitches thrown with the given type.
func (s *Stats) PitchTypeShare(code string) float64 {
	if ss := s.speed[code]; ss != nil && s.Pitches > 0 {
		return float64(ss.n) / float64(s.Pitches)
	}
	return 0
}

// MeanSpeed returns the average release speed of a pitch type, and its
// standard deviation.
func (s *Stats) MeanSpeed(code string) (mean, sd float64) {
	ss := s.speed[code]
	if ss == nil || ss.n == 0 {
		return 0, 0
	}
	mean = ss.sum / float64(ss.n)
	return mean, math.Sqrt(math.Max(0, ss.sumSq/float64(ss.n)-mean*mean))
}

// Figure is one league figure, simulated or replayed, beside MLB's.
type Figure struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	MLB   float64 `json:"mlb_2024"`
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
	// PerGame says the figure is per game, so it counts complete games
	// only; the others are per pitch or plate appearance.
	PerGame  bool `json:"per_game"`
	Decimals int  `json:"-"`
}

// InBounds reports whether the figure is within the calibration bounds.
func (f Figure) InBounds() bool { return f.Value >= f.Low && f.Value <= f.High }

// Figures returns the league figures the simulator is calibrated on, each
// with its 2024 MLB value and the bounds of the calibration.
func (s *Stats) Figures() []Figure {
	tg := s.TeamGames()
	pa := float64(s.PlateApps)
	ff, _ := s.MeanSpeed("FF")
	rel := func(name string, v, mlb, tol float64, dec int) Figure {
		return Figure{Name: name, Value: v, MLB: mlb, Low: mlb * (1 - tol), High: mlb * (1 + tol), Decimals: dec}
	}
	abs := func(name string, v, mlb, lo, hi float64, dec int) Figure {
		return Figure{Name: name, Value: v, MLB: mlb, Low: lo, High: hi, Decimals: dec}
	}
	perGame := func(f Figure) Figure { f.PerGame = true; return f }
	return []Figure{
		perGame(rel("runs per team-game", ratio(float64(s.Runs), tg), 4.39, 0.05, 2)),
		rel("K% of PA", 100*ratio(float64(s.Strikeouts), pa), 22.6, 0.05, 1),
		rel("BB% of PA", 100*ratio(float64(s.Walks), pa), 8.2, 0.08, 1),
		perGame(rel("HR per team-game", ratio(float64(s.HomeRuns), tg), 1.12, 0.10, 2)),
		perGame(rel("hits per team-game", ratio(float64(s.Hits), tg), 8.20, 0.05, 2)),
		rel("pitches per PA", ratio(float64(s.Pitches), pa), 3.89, 0.03, 2),
		perGame(rel("pitches per team-game", ratio(float64(s.Pitches), tg), 146, 0.05, 1)),
		abs("strike%", 100*ratio(float64(s.Strikes), float64(s.Pitches)), 64.4, 62.9, 65.9, 1),
		abs("batting average", ratio(float64(s.Hits), float64(s.AtBats)), 0.243, 0.233, 0.253, 3),
		perGame(abs("extra-inning games %", 100*ratio(float64(s.ExtraInningGame), float64(s.Games)), 8.9, 6, 12, 1)),
		abs("first-pitch strike%", 100*ratio(float64(s.FirstStrikes), float64(s.FirstPitches)), 60, 58, 63, 1),
		abs("four-seam mph", ff, 94.3, 93.3, 95.3, 1),
	}
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// BaseOutStates is the number of base-out states: eight arrangements of
// runners times none, one or two out.
const BaseOutStates = 24

// BaseOutState numbers a base-out state: outs*8 plus the occupied bases as
// bits, first base 1, second 2, third 4.
func BaseOutState(outs int, on1b, on2b, on3b bool) int {
	s := outs * 8
	if on1b {
		s |= 1
	}
	if on2b {
		s |= 2
	}
	if on3b {
		s |= 4
	}
	return s
}

// BaseOutName names a base-out state the way the run-expectancy tables do:
// the occupied bases ("1_3", "___" for empty) and the outs.
func BaseOutName(state int) (bases string, outs int) {
	b := []byte("___")
	for i := range 3 {
		if state&(1<<i) != 0 {
			b[i] = byte('1' + i)
		}
	}
	return string(b), state / 8
}

// mlbRunExpectancy is MLB's run-expectancy matrix, indexed by BaseOutState:
// the 2025 regular season as published at gsarajian.github.io/RE24 (bases
// loaded with two out published as 0.71). See the README's data section.
var mlbRunExpectancy = [BaseOutStates]float64{
	// ___    1__    _2_    12_    __3    1_3    _23    123
	0.497, 0.876, 1.155, 1.602, 1.299, 1.837, 1.965, 2.496, // 0 out
	0.265, 0.512, 0.650, 0.933, 0.905, 1.206, 1.398, 1.579, // 1 out
	0.104, 0.219, 0.320, 0.451, 0.325, 0.444, 0.548, 0.710, // 2 out
}

// MLBRunExpectancy returns MLB's mean runs from a base-out state to the end
// of the half-inning (2025 season).
func MLBRunExpectancy(state int) float64 { return mlbRunExpectancy[state] }

// RunExpectancy folds pitches into the mean runs scored from each base-out
// state to the end of the half-inning, innings 1 to 8, as the published
// matrices are made. A state counts once per plate appearance, and again if
// it changes during one (a stolen base in replayed data). Only half-innings
// seen to their third out count; games may interleave.
type RunExpectancy struct {
	Count  [BaseOutStates]int `json:"count"`
	Runs   [BaseOutStates]int `json:"runs"`
	halves map[int64]*halfInning
}

// halfInning is a half-inning in progress: the states it has been in, with
// the batting team's runs on entering each.
type halfInning struct {
	inning int
	top    bool
	atBat  int
	state  int
	seen   []stateAt
}

type stateAt struct{ state, runs int }

// Add counts one pitch.
func (re *RunExpectancy) Add(p *Pitch) {
	if p.Inning > 8 {
		delete(re.halves, p.GamePK)
		return
	}
	h := re.half(p)
	runs, after := p.AwayScore, p.PostAwayScore
	if !p.Top() {
		runs, after = p.HomeScore, p.PostHomeScore
	}
	state := BaseOutState(p.OutsWhenUp, p.On1B != 0, p.On2B != 0, p.On3B != 0)
	if p.OutsWhenUp < 3 && (len(h.seen) == 0 || p.AtBatNumber != h.atBat || state != h.state) {
		h.seen = append(h.seen, stateAt{state, runs})
		h.atBat, h.state = p.AtBatNumber, state
	}
	if p.OutsWhenUp+p.OutsOnPlay() >= 3 {
		for _, s := range h.seen {
			re.Count[s.state]++
			re.Runs[s.state] += after - s.runs
		}
		delete(re.halves, p.GamePK)
	}
	if p.GameOver {
		delete(re.halves, p.GamePK)
	}
}

// half returns the game's half-inning in progress, starting afresh when the
// pitch belongs to another (the one before was not seen to its end).
func (re *RunExpectancy) half(p *Pitch) *halfInning {
	if re.halves == nil {
		re.halves = map[int64]*halfInning{}
	}
	h := re.halves[p.GamePK]
	if h == nil || h.inning != p.Inning || h.top != p.Top() {
		h = &halfInning{inning: p.Inning, top: p.Top()}
		re.halves[p.GamePK] = h
	}
	return h
}

// Merge adds the counts of o to re.
func (re *RunExpectancy) Merge(o *RunExpectancy) {
	for i := range re.Count {
		re.Count[i] += o.Count[i]
		re.Runs[i] += o.Runs[i]
	}
}

// Mean returns the mean runs from a state to the end of the half-inning,
// and how many times the state was seen.
func (re *RunExpectancy) Mean(state int) (float64, int) {
	return ratio(float64(re.Runs[state]), float64(re.Count[state])), re.Count[state]
}

// RunExpectancyFigure is one base-out state's run expectancy beside MLB's.
type RunExpectancyFigure struct {
	Bases string  `json:"bases"`
	Outs  int     `json:"outs"`
	Value float64 `json:"value"`
	N     int     `json:"n"`
	MLB   float64 `json:"mlb"`
}

// Figures returns the 24 states, bases empty with none out first, the
// bases in the order of BaseOutState, then one out, then two.
func (re *RunExpectancy) Figures() []RunExpectancyFigure {
	out := make([]RunExpectancyFigure, BaseOutStates)
	for s := range out {
		bases, outs := BaseOutName(s)
		v, n := re.Mean(s)
		out[s] = RunExpectancyFigure{bases, outs, v, n, mlbRunExpectancy[s]}
	}
	return out
}
