package game

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"
)

// GameSchemaV1 names the version of the game state record. It travels in
// every record's "schema" field.
const GameSchemaV1 = "pitchkafka.game/v1"

// Game statuses.
const (
	StatusInProgress = "in_progress"
	StatusFinal      = "final"
)

// box is what a scorer tallies per team (away, home): runs by inning, hits
// and errors. The announcer's scorebook and GameState both keep one.
type box struct {
	runs         [2][]int
	hits, errors [2]int
}

// add counts one pitch's runs, hit and error and returns what it added.
func (b *box) add(p *Pitch) (runs int, hit bool) {
	bat := 0
	if !p.Top() {
		bat = 1
	}
	for len(b.runs[bat]) < p.Inning {
		b.runs[bat] = append(b.runs[bat], 0)
	}
	runs = p.RunsScored()
	b.runs[bat][p.Inning-1] += runs
	hit = IsHit(p.Events)
	if hit {
		b.hits[bat]++
	}
	if p.Events == "field_error" {
		b.errors[1-bat]++
	}
	return runs, hit
}

// GameState is one game's score as folded from its pitches, in game_seq
// order: who plays, where the game stands after the last pitch folded in,
// the line score and through_seq, the game_seq of that pitch. It is what
// `pitchkafka scores` writes to its games topic, one record per change.
type GameState struct {
	GamePK     int64
	GameDate   string
	AwayTeam   string
	HomeTeam   string
	Final      bool
	Inning     int
	Top        bool
	Outs       int
	On1B       int64 // runners on base when the last pitch was thrown; 0 is empty
	On2B       int64
	On3B       int64
	AwayScore  int
	HomeScore  int
	ThroughSeq int
	TS         time.Time // ts of the last pitch folded in
	box
}

// Apply folds one pitch into the state and reports whether it changed it.
// A pitch at or before ThroughSeq was folded in already and changes
// nothing, so a pitch read twice is counted once.
func (s *GameState) Apply(p *Pitch) bool {
	if p.GameSeq <= s.ThroughSeq {
		return false
	}
	s.GamePK, s.GameDate, s.AwayTeam, s.HomeTeam = p.GamePK, p.GameDate, p.AwayTeam, p.HomeTeam
	s.box.add(p)
	s.AwayScore, s.HomeScore = p.PostAwayScore, p.PostHomeScore
	s.Inning, s.Top, s.Outs = p.Inning, p.Top(), min(3, p.OutsWhenUp+p.OutsOnPlay())
	s.On1B, s.On2B, s.On3B = p.On1B, p.On2B, p.On3B
	s.ThroughSeq, s.TS, s.Final = p.GameSeq, p.TS, p.GameOver
	if s.Outs == 3 && !s.Final {
		s.nextHalf()
	}
	return true
}

// Clone returns a copy of the state that shares nothing with it, to put
// back if pitches folded in after it are undone.
func (s *GameState) Clone() *GameState {
	c := *s
	c.runs = [2][]int{slices.Clone(s.runs[0]), slices.Clone(s.runs[1])}
	return &c
}

// nextHalf moves on to the next half-inning, bases empty and no one out.
func (s *GameState) nextHalf() {
	if !s.Top {
		s.Inning++
	}
	s.Top = !s.Top
	s.Outs, s.On1B, s.On2B, s.On3B = 0, 0, 0, 0
}

// Status returns StatusFinal once the last pitch has been folded in, and
// StatusInProgress before.
func (s *GameState) Status() string {
	if s.Final {
		return StatusFinal
	}
	return StatusInProgress
}

// TopBot returns the half-inning the game stands in, as the pitch event
// names it: Top or Bot.
func (s *GameState) TopBot() string {
	if s.Top {
		return "Top"
	}
	return "Bot"
}

// Runs returns the runs each team scored in each inning it batted.
func (s *GameState) Runs() (away, home []int) { return s.runs[0], s.runs[1] }

// Hits returns each team's hits.
func (s *GameState) Hits() (away, home int) { return s.hits[0], s.hits[1] }

// Errors returns each team's errors.
func (s *GameState) Errors() (away, home int) { return s.errors[0], s.errors[1] }

// LineScore draws a final game's line score as the announcer prints it at
// the game's end: runs by inning, then runs, hits and errors.
func (s *GameState) LineScore() []string {
	return s.box.lineScore(s.AwayTeam, s.HomeTeam, s.Inning, s.Top, [2]int{s.AwayScore, s.HomeScore}, true)
}

// Line is one team's line score: its runs in each inning it batted, its
// hits, and the errors of its fielders.
type Line struct {
	Runs   []int
	Hits   int
	Errors int
}

// SetLines sets each team's line score, as a record of the games topic
// holds it; the state keeps the runs slices.
func (s *GameState) SetLines(away, home Line) {
	s.box = box{runs: [2][]int{nilIfEmpty(away.Runs), nilIfEmpty(home.Runs)},
		hits: [2]int{away.Hits, home.Hits}, errors: [2]int{away.Errors, home.Errors}}
}

// gameJSON is the record's JSON form; see README "The games topic".
type gameJSON struct {
	Schema       string         `json:"schema"`
	TS           string         `json:"ts"`
	GamePK       int64          `json:"game_pk"`
	GameDate     string         `json:"game_date"`
	AwayTeam     string         `json:"away_team"`
	HomeTeam     string         `json:"home_team"`
	Status       string         `json:"status"`
	Inning       int            `json:"inning"`
	InningTopBot string         `json:"inning_topbot"`
	Outs         int            `json:"outs"`
	On1B         *int64         `json:"on_1b"`
	On2B         *int64         `json:"on_2b"`
	On3B         *int64         `json:"on_3b"`
	AwayScore    int            `json:"away_score"`
	HomeScore    int            `json:"home_score"`
	RunsByInning teamsOf[[]int] `json:"runs_by_inning"`
	Hits         teamsOf[int]   `json:"hits"`
	Errors       teamsOf[int]   `json:"errors"`
	ThroughSeq   int            `json:"through_seq"`
}

type teamsOf[T any] struct {
	Away T `json:"away"`
	Home T `json:"home"`
}

// MarshalJSON writes the state as a games record value.
func (s *GameState) MarshalJSON() ([]byte, error) {
	return s.AppendJSON(make([]byte, 0, 512)), nil
}

// AppendJSON appends the state as a games record value to buf, in
// gameJSON's fields and order, and returns the extended buffer. It writes
// field by field: encoding/json's reflection was a fifth of scores' time.
func (s *GameState) AppendJSON(buf []byte) []byte {
	b := append(buf, `{"schema":"`...)
	b = append(b, GameSchemaV1...)
	b = append(b, `","ts":"`...)
	b = appendTimestamp(b, s.TS)
	b = appendInt(b, `","game_pk":`, s.GamePK)
	b = appendQuoted(append(b, `,"game_date":`...), s.GameDate)
	b = appendQuoted(append(b, `,"away_team":`...), s.AwayTeam)
	b = appendQuoted(append(b, `,"home_team":`...), s.HomeTeam)
	b = appendQuoted(append(b, `,"status":`...), s.Status())
	b = appendInt(b, `,"inning":`, int64(s.Inning))
	b = appendQuoted(append(b, `,"inning_topbot":`...), s.TopBot())
	b = appendInt(b, `,"outs":`, int64(s.Outs))
	b = appendID(b, `,"on_1b":`, s.On1B)
	b = appendID(b, `,"on_2b":`, s.On2B)
	b = appendID(b, `,"on_3b":`, s.On3B)
	b = appendInt(b, `,"away_score":`, int64(s.AwayScore))
	b = appendInt(b, `,"home_score":`, int64(s.HomeScore))
	b = appendInts(append(b, `,"runs_by_inning":{"away":`...), s.runs[0])
	b = appendInts(append(b, `,"home":`...), s.runs[1])
	b = appendInt(b, `},"hits":{"away":`, int64(s.hits[0]))
	b = appendInt(b, `,"home":`, int64(s.hits[1]))
	b = appendInt(b, `},"errors":{"away":`, int64(s.errors[0]))
	b = appendInt(b, `,"home":`, int64(s.errors[1]))
	b = appendInt(b, `},"through_seq":`, int64(s.ThroughSeq))
	return append(b, '}')
}

// appendInts writes a JSON array of ints; nil is the empty array.
func appendInts(b []byte, vs []int) []byte {
	b = append(b, '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(v), 10)
	}
	return append(b, ']')
}

// UnmarshalJSON reads a games record value, as MarshalJSON writes it.
func (s *GameState) UnmarshalJSON(b []byte) error {
	var j gameJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	ts, err := time.Parse(time.RFC3339Nano, j.TS)
	if err != nil {
		return err
	}
	*s = GameState{GamePK: j.GamePK, GameDate: j.GameDate, AwayTeam: j.AwayTeam, HomeTeam: j.HomeTeam,
		Final: j.Status == StatusFinal, Inning: j.Inning, Top: j.InningTopBot == "Top", Outs: j.Outs,
		On1B: deref(j.On1B), On2B: deref(j.On2B), On3B: deref(j.On3B),
		AwayScore: j.AwayScore, HomeScore: j.HomeScore, ThroughSeq: j.ThroughSeq, TS: ts}
	s.SetLines(Line{Runs: j.RunsByInning.Away, Hits: j.Hits.Away, Errors: j.Errors.Away},
		Line{Runs: j.RunsByInning.Home, Hits: j.Hits.Home, Errors: j.Errors.Home})
	return nil
}

func deref(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}

func nilIfEmpty(runs []int) []int {
	if len(runs) == 0 {
		return nil
	}
	return runs
}
