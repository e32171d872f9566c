// Package statcast turns Baseball Savant's Statcast CSV exports (and
// pybaseball's statcast(), which writes the same columns) into pitch events,
// and plays them back in the order they were thrown (Replay). It reads and
// sets only the exported fields of game.Pitch, as any importer would.
package statcast

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/pitchkafka/pitchkafka/game"
)

// statcastRequired are the columns without which a file is not a Savant
// pitch export, or its pitches cannot be placed in a game.
var statcastRequired = []string{
	"game_pk", "game_date", "at_bat_number", "pitch_number", "pitcher", "batter",
	"inning", "inning_topbot", "balls", "strikes", "description", "home_team", "away_team",
}

// Why rows of an export were skipped: RowError.Kind.
const (
	SkipFieldCount = "wrong number of fields"
	SkipQuoting    = "broken quoting"
	SkipDate       = "unreadable game_date"
	SkipValue      = "unusable value"
	SkipHeader     = "header repeated"
)

// RowError is a row of an export that could not be used; it was skipped.
// Kind is one of the Skip constants.
type RowError struct {
	File string
	Line int
	Kind string
	Err  error
}

func (e *RowError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }

func (e *RowError) Unwrap() error { return e.Err }

// Read parses one Savant CSV export, by header name. It copes with
// what real exports hold: a byte-order mark, quoted fields, empty fields
// or null, NULL, NaN for no value, columns named twice (the first wins),
// columns that come and go between years, dates as spreadsheets write them
// and player_name naming the pitcher, the batter or neither. Rows that
// cannot be used are returned as RowErrors and left out. A file that is not
// a Savant export at all is an error, before any row.
func Read(r io.Reader, name string) ([]game.Pitch, []*RowError, error) {
	rr := newRecordReader(r)
	header, _, err := rr.next()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("the file is empty")
		}
		return nil, nil, fmt.Errorf("%s is not a Baseball Savant export: %w", name, err)
	}
	cols, err := statcastColumns(header)
	if err != nil {
		return nil, nil, fmt.Errorf("%s is not a Baseball Savant (Statcast) pitch export: %w", name, err)
	}
	rr.width = len(header)
	f := &exportFile{name: name, cols: cols, width: len(header)}
	for {
		rec, line, err := rr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && line == 0 {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		f.add(rec, line, err)
	}
	return f.finish()
}

// exportFile is one export as it is read: the pitches kept so far, with
// their lines and raw names and dates, which need the whole file to be
// understood.
type exportFile struct {
	name    string
	cols    columns
	width   int
	pitches []game.Pitch
	lines   []int
	names   []string
	skipped []*RowError
}

func (f *exportFile) skip(line int, kind string, err error) {
	f.skipped = append(f.skipped, &RowError{File: f.name, Line: line, Kind: kind, Err: err})
}

// add turns one record into a pitch, or skips it.
func (f *exportFile) add(rec []string, line int, err error) {
	switch {
	case err != nil:
		f.skip(line, SkipQuoting, err)
		return
	case len(rec) < f.width:
		f.skip(line, SkipFieldCount, fmt.Errorf("%d fields, the header has %d", len(rec), f.width))
		return
	case len(rec) > f.width && strings.Join(rec[f.width:], "") != "":
		f.skip(line, SkipFieldCount, fmt.Errorf("%d fields, the header has %d", len(rec), f.width))
		return
	}
	if strings.TrimPrefix(rec[f.cols["game_pk"]], "\ufeff") == "game_pk" {
		f.skip(line, SkipHeader, errors.New("the header again (files joined end to end?)"))
		return
	}
	p, err := f.cols.pitch(rec)
	if err != nil {
		f.skip(line, SkipValue, err)
		return
	}
	f.pitches = append(f.pitches, p)
	f.lines = append(f.lines, line)
	f.names = append(f.names, (&row{cols: f.cols, rec: rec}).str("player_name"))
}

// finish dates the pitches, names their players and returns them with
// the rows skipped, in the order of the file.
func (f *exportFile) finish() ([]game.Pitch, []*RowError, error) {
	dayFirst := dayFirstDates(f.pitches)
	kept := f.pitches[:0]
	var names []string
	for i, p := range f.pitches {
		d, ok := savantDate(p.GameDate, dayFirst)
		if !ok {
			f.skip(f.lines[i], SkipDate, fmt.Errorf("game_date %q is not a date (want YYYY-MM-DD, or M/D/YYYY as spreadsheets write it)", p.GameDate))
			continue
		}
		p.GameDate = d
		kept = append(kept, p)
		names = append(names, f.names[i])
	}
	nameThePlayers(kept, names)
	sort.SliceStable(f.skipped, func(i, j int) bool { return f.skipped[i].Line < f.skipped[j].Line })
	return kept, f.skipped, nil
}

// skipBOM drops a UTF-8 byte-order mark, which would otherwise be taken for
// part of the first field (and then make its opening quote a stray one).
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

// str returns a column's text; what exports write for no value (an empty
// field, null, NULL, NaN and the like) is "".
func (r *row) str(name string) string {
	i, ok := r.cols[name]
	if !ok || i >= len(r.rec) {
		return ""
	}
	s := strings.TrimSpace(r.rec[i])
	if isNoValue(s) {
		return ""
	}
	return s
}

// isNoValue reports whether a field says "no value": raw Savant exports of
// about 2015-2020 write null, pandas NaN, R NA, Python None.
func isNoValue(s string) bool {
	switch strings.ToLower(s) {
	case "", "null", "nan", "none", "n/a", "<na>":
		return true
	}
	return s == "NA"
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
	if err != nil && strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		v, err = strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64) // 93,5: a decimal comma
	}
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("%s %q is not a number", name, s)
	}
	return v
}

// pitch turns one export row into a pitch event, without ts, game_seq and
// the players' names; game_date is as the file writes it.
func (c columns) pitch(rec []string) (game.Pitch, error) {
	r := &row{cols: c, rec: rec}
	p := game.Pitch{
		Schema: game.SchemaV1, GamePK: r.int("game_pk", true), GameDate: r.str("game_date"),
		HomeTeam: r.str("home_team"), AwayTeam: r.str("away_team"),
		Inning: int(r.int("inning", true)), InningTopBot: r.str("inning_topbot"),
		AtBatNumber: int(r.int("at_bat_number", true)), PitchNumber: int(r.int("pitch_number", true)),
		Pitcher: r.int("pitcher", true), Batter: r.int("batter", true),
		PThrows: r.str("p_throws"), Stand: r.str("stand"),
		Balls: int(r.int("balls", true)), Strikes: int(r.int("strikes", true)), OutsWhenUp: int(r.int("outs_when_up", false)),
		On1B: r.int("on_1b", false), On2B: r.int("on_2b", false), On3B: r.int("on_3b", false),
		HomeScore: int(r.int("home_score", false)), AwayScore: int(r.int("away_score", false)),
		PitchType: r.str("pitch_type"), PitchName: r.str("pitch_name"), ReleaseSpeed: r.float("release_speed"),
		Type: r.str("type"), Description: r.str("description"), BBType: r.str("bb_type"), Events: r.str("events"),
		PostHomeScore: int(r.int("post_home_score", false)), PostAwayScore: int(r.int("post_away_score", false)),
	}
	if p.Type == "" {
		p.Type = typeOf(p.Description)
	}
	if p.Events != "" {
		p.Des = r.str("des") // Savant repeats the plate appearance's des on each of its pitches
	}
	if r.str("post_home_score") == "" && r.str("post_away_score") == "" {
		p.PostHomeScore, p.PostAwayScore = p.HomeScore, p.AwayScore // the next pitch may tell better: fixPostScores
	}
	p.PostHomeScore, p.PostAwayScore = max(p.PostHomeScore, p.HomeScore), max(p.PostAwayScore, p.AwayScore) // runs are never taken back
	if r.err != nil {
		return game.Pitch{}, r.err
	}
	return p, checkReplayed(&p)
}

func checkReplayed(p *game.Pitch) error {
	switch {
	case p.GamePK <= 0 || p.Pitcher <= 0 || p.Batter <= 0:
		return errors.New("game_pk, pitcher and batter must be positive")
	case p.InningTopBot != "Top" && p.InningTopBot != "Bot":
		return fmt.Errorf("inning_topbot %q, want Top or Bot", p.InningTopBot)
	case p.Inning < 1 || p.AtBatNumber < 1 || p.PitchNumber < 1:
		return errors.New("inning, at_bat_number and pitch_number must be at least 1")
	case p.Balls < 0 || p.Balls > 3 || p.Strikes < 0 || p.Strikes > 2:
		return fmt.Errorf("impossible count %d-%d", p.Balls, p.Strikes)
	case p.OutsWhenUp < 0 || p.OutsWhenUp > 2:
		return fmt.Errorf("outs_when_up %d, want 0 to 2", p.OutsWhenUp)
	case p.HomeScore < 0 || p.AwayScore < 0 || p.PostHomeScore < 0 || p.PostAwayScore < 0:
		return errors.New("negative score")
	case p.Description == "":
		return errors.New("description is empty")
	case p.HomeTeam == "" || p.AwayTeam == "":
		return errors.New("home_team or away_team is empty")
	}
	return nil
}

// typeOf is Statcast's type for a description, for exports without one:
// B a ball (hit by pitch too), X in play, S any strike.
func typeOf(description string) string {
	switch {
	case strings.HasPrefix(description, "hit_into_play"):
		return "X"
	case description == "hit_by_pitch", strings.Contains(description, "ball"), description == "pitchout":
		return "B"
	}
	return "S"
}

// savantName turns Savant's "Kershaw, Clayton" into "Clayton Kershaw".
func savantName(s string) string {
	last, first, ok := strings.Cut(s, ", ")
	if !ok {
		return s
	}
	return first + " " + last
}
