package game

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// DefaultOpeningDay is the game_date of the first day of a simulated season.
var DefaultOpeningDay = time.Date(2026, time.March, 26, 0, 0, 0, 0, time.UTC)

// SeasonConfig says how a Season schedules and plays its games.
type SeasonConfig struct {
	// Seed makes the season reproducible: the same seed gives the same
	// pitches in the same order.
	Seed uint64
	// Concurrent is how many games are in progress at once, at most half
	// the league's teams.
	Concurrent int
	// Games stops the season after that many complete games; 0 is endless.
	Games int
	// Rules are the rules every game is played under.
	Rules Rules
	// OpeningDay is the game_date of the first day; zero means DefaultOpeningDay.
	OpeningDay time.Time
}

// Season schedules games between the league's teams and interleaves their
// pitches into one stream, as if the games were played side by side: the
// games in progress take turns, one pitch each.
//
// Each game's pitches depend only on the seed and the game's place in the
// schedule, never on Concurrent or on timing. The order in which the games'
// pitches interleave depends on Concurrent too.
type Season struct {
	league *League
	cfg    SeasonConfig
	pkBase int64

	schedule *rand.Rand // who plays whom, day by day
	turn     int        // the game in progress that throws the next pitch

	today     []pairing // today's games not yet started
	day       int
	started   int
	active    []*Game
	busy      []bool // by team index: playing now
	teamGames []int  // by team index: games started
	des       *sentences
}

type pairing struct{ away, home *Team }

// NewSeason checks cfg and prepares a season in league.
func NewSeason(league *League, cfg SeasonConfig) (*Season, error) {
	maxConcurrent := len(league.Teams) / 2
	if cfg.Concurrent < 1 || cfg.Concurrent > maxConcurrent {
		return nil, fmt.Errorf("concurrent games must be between 1 and %d (half the %d teams), got %d",
			maxConcurrent, len(league.Teams), cfg.Concurrent)
	}
	if cfg.Games < 0 {
		return nil, errors.New("games must not be negative")
	}
	if cfg.OpeningDay.IsZero() {
		cfg.OpeningDay = DefaultOpeningDay
	}
	return &Season{
		league:    league,
		cfg:       cfg,
		pkBase:    GamePKBase(cfg.Seed),
		schedule:  rand.New(rand.NewPCG(cfg.Seed, 1)),
		busy:      make([]bool, len(league.Teams)),
		teamGames: make([]int, len(league.Teams)),
		des:       newSentences(),
		day:       -1,
	}, nil
}

// GamePKBase returns the number the game_pks of a season with this seed
// count up from, so that runs with different seeds rarely share a game_pk.
func GamePKBase(seed uint64) int64 {
	return int64(seed%900+100) * 1_000_000
}

// FromSeed reports whether gamePK is the game_pk of a game of a season
// with this seed (or of another seed with the same GamePKBase).
func FromSeed(seed uint64, gamePK int64) bool {
	base := GamePKBase(seed)
	return gamePK > base && gamePK < base+1_000_000
}

// Next returns the next pitch of the season, without ts. It returns false
// once the configured number of games is complete.
func (s *Season) Next() (Pitch, bool) {
	var p Pitch
	ok := s.NextInto(&p)
	return p, ok
}

// NextInto writes the next pitch of the season into p, all of it but ts,
// which it leaves as it was. It reports false, leaving p alone, once the
// configured number of games is complete.
func (s *Season) NextInto(p *Pitch) bool {
	s.startGames()
	if len(s.active) == 0 {
		return false
	}
	s.turn %= len(s.active)
	g := s.active[s.turn]
	g.NextInto(p)
	if g.Over() {
		s.finish(s.turn) // the next game slides into this turn
	} else {
		s.turn++
	}
	return true
}

// startGames fills free slots with the next scheduled games, in schedule
// order, as long as both of a game's teams are free.
func (s *Season) startGames() {
	for len(s.active) < s.cfg.Concurrent && (s.cfg.Games == 0 || s.started < s.cfg.Games) {
		if len(s.today) == 0 {
			s.newDay()
		}
		next := s.today[0]
		if s.busy[next.away.index] || s.busy[next.home.index] {
			return
		}
		s.today = s.today[1:]
		s.active = append(s.active, s.startGame(next))
	}
}

func (s *Season) newDay() {
	s.day++
	teams := append([]*Team(nil), s.league.Teams...)
	s.schedule.Shuffle(len(teams), func(i, j int) { teams[i], teams[j] = teams[j], teams[i] })
	for i := 0; i+1 < len(teams); i += 2 {
		s.today = append(s.today, pairing{away: teams[i], home: teams[i+1]})
	}
}

func (s *Season) startGame(pr pairing) *Game {
	s.started++
	pk := s.pkBase + int64(s.started)
	date := s.cfg.OpeningDay.AddDate(0, 0, s.day).Format(time.DateOnly)
	rng := rand.New(rand.NewPCG(s.cfg.Seed, uint64(pk)))
	g := NewGame(pk, date, pr.away, pr.home, s.nextStarter(pr.away), s.nextStarter(pr.home), s.cfg.Rules, rng)
	g.des = s.des // the season's games share one memo of sentences
	s.busy[pr.away.index], s.busy[pr.home.index] = true, true
	return g
}

// nextStarter turns the team's rotation over, one starter a game.
func (s *Season) nextStarter(t *Team) *Pitcher {
	p := t.Rotation[s.teamGames[t.index]%len(t.Rotation)]
	s.teamGames[t.index]++
	return p
}

func (s *Season) finish(i int) {
	g := s.active[i]
	s.busy[g.teams[0].index], s.busy[g.teams[1].index] = false, false
	s.active = append(s.active[:i], s.active[i+1:]...)
}
