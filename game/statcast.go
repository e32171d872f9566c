package game

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Statcast replay: Baseball Savant's CSV exports (and pybaseball's
// statcast(), which writes the same columns) turned into pitch events.

// statcastRequired are the columns without which a file is not a Savant
// pitch export, or its pitches cannot be placed in a game.
var statcastRequired = []string{
	"game_pk", "game_date", "at_bat_number", "pitch_number", "pitcher", "batter",
	"inning", "inning_topbot", "balls", "strikes", "description", "home_team", "away_team",
}

// RowError is a row of an export that could not be used; it was skipped.
type RowError struct {
	File string
	Line int
	Err  error
}

func (e *RowError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }

func (e *RowError) Unwrap() error { return e.Err }

// ReadStatcast parses one Savant CSV export, by header name. It copes with
// what real exports hold: a byte-order mark, quoted fields, empty fields,
// columns named twice (the first wins) and columns that come and go between
// years. Rows that cannot be used are returned as RowErrors and left out.
// A file that is not a Savant export at all is an error, before any row.
func ReadStatcast(r io.Reader, name string) ([]Pitch, []*RowError, error) {
	cr := csv.NewReader(skipBOM(r))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("%s is not a Baseball Savant export: %w", name, err)
	}
	cols, err := statcastColumns(header)
	if err != nil {
		return nil, nil, fmt.Errorf("%s is not a Baseball Savant (Statcast) pitch export: %w", name, err)
	}
	var pitches []Pitch
	var skipped []*RowError
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return pitches, skipped, nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var perr *csv.ParseError
			if errors.As(err, &perr) && perr.Err != csv.ErrFieldCount {
				return pitches, skipped, fmt.Errorf("%s: %w", name, err)
			}
		}
		p, err := cols.pitch(rec)
		if err != nil {
			skipped = append(skipped, &RowError{File: name, Line: line, Err: err})
			continue
		}
		pitches = append(pitches, p)
	}
}

// skipBOM drops a UTF-8 byte-order mark, which encoding/csv would take for
// part of the first field (and then reject its opening quote).
func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	return br
}

// columns maps the names of an export's header to their first position.
type columns map[string]int

func statcastColumns(header []string) (columns, error) {
	cols := columns{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if _, dup := cols[h]; !dup {
			cols[h] = i
		}
	}
	var missing []string
	for _, c := range statcastRequired {
		if _, ok := cols[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("no column %s (export pitches from Baseball Savant's Statcast search as CSV)",
			strings.Join(missing, ", "))
	}
	return cols, nil
}

// row reads the fields of one record, collecting the first error.
type row struct {
	cols columns
	rec  []string
	err  error
}

func (r *row) str(name string) string {
	i, ok := r.cols[name]
	if !ok || i >= len(r.rec) {
		return ""
	}
	return strings.TrimSpace(r.rec[i])
}

// int parses a column; an empty optional one is 0.
func (r *row) int(name string, required bool) int64 {
	s := r.str(name)
	if s == "" {
		if required && r.err == nil {
			r.err = fmt.Errorf("%s is empty", name)
		}
		return 0
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if f, ferr := strconv.ParseFloat(s, 64); ferr == nil && f == float64(int64(f)) {
			return int64(f) // pandas writes some integer columns as 2.0
		}
		if r.err == nil {
			r.err = fmt.Errorf("%s %q is not a whole number", name, s)
		}
	}
	return v
}

func (r *row) float(name string) float64 {
	s := r.str(name)
	if s == "" {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("%s %q is not a number", name, s)
	}
	return v
}

// pitch turns one export row into a pitch event, without ts and game_seq.
func (c columns) pitch(rec []string) (Pitch, error) {
	r := &row{cols: c, rec: rec}
	p := Pitch{
		Schema: SchemaV1, GamePK: r.int("game_pk", true), GameDate: r.str("game_date"),
		HomeTeam: r.str("home_team"), AwayTeam: r.str("away_team"),
		Inning: int(r.int("inning", true)), InningTopBot: r.str("inning_topbot"),
		AtBatNumber: int(r.int("at_bat_number", true)), PitchNumber: int(r.int("pitch_number", true)),
		Pitcher: r.int("pitcher", true), PitcherName: savantName(r.str("player_name")), Batter: r.int("batter", true),
		PThrows: r.str("p_throws"), Stand: r.str("stand"),
		Balls: int(r.int("balls", true)), Strikes: int(r.int("strikes", true)), OutsWhenUp: int(r.int("outs_when_up", false)),
		On1B: r.int("on_1b", false), On2B: r.int("on_2b", false), On3B: r.int("on_3b", false),
		HomeScore: int(r.int("home_score", false)), AwayScore: int(r.int("away_score", false)),
		PitchType: r.str("pitch_type"), PitchName: r.str("pitch_name"), ReleaseSpeed: r.float("release_speed"),
		Type: r.str("type"), Description: r.str("description"), BBType: r.str("bb_type"), Events: r.str("events"),
		PostHomeScore: int(r.int("post_home_score", false)), PostAwayScore: int(r.int("post_away_score", false)),
	}
	if p.Events != "" {
		p.Des = r.str("des") // Savant repeats the plate appearance's des on each of its pitches
	}
	if _, ok := c["post_home_score"]; !ok {
		p.PostHomeScore, p.PostAwayScore = p.HomeScore, p.AwayScore
	}
	if r.err != nil {
		return Pitch{}, r.err
	}
	return p, checkReplayed(&p)
}

func checkReplayed(p *Pitch) error {
	switch {
	case p.GamePK <= 0 || p.Pitcher <= 0 || p.Batter <= 0:
		return errors.New("game_pk, pitcher and batter must be positive")
	case p.InningTopBot != "Top" && p.InningTopBot != "Bot":
		return fmt.Errorf("inning_topbot %q, want Top or Bot", p.InningTopBot)
	case p.Inning < 1 || p.AtBatNumber < 1 || p.PitchNumber < 1:
		return errors.New("inning, at_bat_number and pitch_number must be at least 1")
	case p.Balls < 0 || p.Balls > 3 || p.Strikes < 0 || p.Strikes > 2:
		return fmt.Errorf("impossible count %d-%d", p.Balls, p.Strikes)
	case len(p.GameDate) != len("2006-01-02"):
		return fmt.Errorf("game_date %q, want YYYY-MM-DD", p.GameDate)
	case p.Description == "":
		return errors.New("description is empty")
	}
	return nil
}

// savantName turns Savant's "Kershaw, Clayton" into "Clayton Kershaw".
func savantName(s string) string {
	last, first, ok := strings.Cut(s, ", ")
	if !ok {
		return s
	}
	return first + " " + last
}

// Replay plays back pitches read from Statcast exports in the order they
// were thrown: games by game_date then game_pk, each game's pitches by
// at_bat_number then pitch_number. Games of the same date interleave, a
// pitch from each in turn, as they were played side by side; games of
// different dates never overlap. Each pitch gets its game_seq from that
// order, and the last pitch of each game in the files is marked game_over.
type Replay struct {
	pitches    []Pitch
	next       int
	duplicates int
}

// NewReplay merges the pitches of several exports. A pitch that appears
// more than once, the same (game_pk, at_bat_number, pitch_number), is kept
// once.
func NewReplay(exports ...[]Pitch) *Replay {
	type key struct {
		pk            int64
		atBat, number int
	}
	seen := map[key]bool{}
	games := map[int64][]Pitch{}
	r := &Replay{}
	for _, ps := range exports {
		for _, p := range ps {
			k := key{p.GamePK, p.AtBatNumber, p.PitchNumber}
			if seen[k] {
				r.duplicates++
				continue
			}
			seen[k] = true
			games[p.GamePK] = append(games[p.GamePK], p)
		}
	}
	r.pitches = interleaveByDate(orderGames(games))
	return r
}

// orderGames sorts each game's pitches, numbers them and returns the games
// in the order they were played.
func orderGames(games map[int64][]Pitch) [][]Pitch {
	ordered := make([][]Pitch, 0, len(games))
	for _, ps := range games {
		sort.Slice(ps, func(i, j int) bool {
			if ps[i].AtBatNumber != ps[j].AtBatNumber {
				return ps[i].AtBatNumber < ps[j].AtBatNumber
			}
			return ps[i].PitchNumber < ps[j].PitchNumber
		})
		for i := range ps {
			ps[i].GameSeq = i + 1
		}
		ps[len(ps)-1].GameOver = true
		ordered = append(ordered, ps)
	}
	sort.Slice(ordered, func(i, j int) bool {
		a, b := ordered[i][0], ordered[j][0]
		if a.GameDate != b.GameDate {
			return a.GameDate < b.GameDate
		}
		return a.GamePK < b.GamePK
	})
	return ordered
}

// interleaveByDate lets the games of each date take turns, one pitch each.
func interleaveByDate(games [][]Pitch) []Pitch {
	var out []Pitch
	for start := 0; start < len(games); {
		end := start
		for end < len(games) && games[end][0].GameDate == games[start][0].GameDate {
			end++
		}
		out = append(out, roundRobin(games[start:end])...)
		start = end
	}
	return out
}

func roundRobin(games [][]Pitch) []Pitch {
	var out []Pitch
	for pos := 0; ; pos++ {
		took := false
		for _, ps := range games {
			if pos < len(ps) {
				out = append(out, ps[pos])
				took = true
			}
		}
		if !took {
			return out
		}
	}
}

// NextInto writes the next pitch into p, all of it but ts, and reports
// false once every pitch has been played.
func (r *Replay) NextInto(p *Pitch) bool {
	if r.next >= len(r.pitches) {
		return false
	}
	ts := p.TS
	*p = r.pitches[r.next]
	p.TS = ts
	r.next++
	return true
}

// Len returns the number of distinct pitches to play.
func (r *Replay) Len() int { return len(r.pitches) }

// Duplicates returns how many pitches were left out as duplicates.
func (r *Replay) Duplicates() int { return r.duplicates }
