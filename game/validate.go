package game

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Validate checks that p is a usable v1 event, whatever format it was
// decoded from: the schema, the fields that identify and order a pitch, a
// ts no more than FutureTolerance past the clock, and what
// schemas/pitch.schema.json forbids of the fields present (zero and ""
// stand for absent): counts, outs and release_speed out of range, values
// outside an enum, strings that are not UTF-8 or longer than MaxTextLength
// (MaxDesLength for des). Its error wraps ErrInvalidPitch.
func (p *Pitch) Validate() error {
	if err := p.validate(true); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidPitch, err)
	}
	return nil
}

// validate is Validate; checkUTF8 false leaves out the UTF-8 check of the
// strings, for a decoder that has made it.
func (p *Pitch) validate(checkUTF8 bool) error {
	if err := p.validateText(checkUTF8); err != nil {
		return err
	}
	if err := p.validateIdentity(); err != nil {
		return err
	}
	return p.validateSituation()
}

// Limits on the event's strings, in characters, as the JSON Schema has
// them: a name, team or code has no business being longer than
// MaxTextLength, and des, a play's description, gets more room because real
// Statcast descriptions of busy plays run past 200 characters.
const (
	MaxTextLength = 200
	MaxDesLength  = 1000
)

// FutureTolerance is how far past the decoder's clock a ts may lie. A pitch
// from further in the future is a poison record: folded by "latest ts
// wins", it would pin its pitcher's last-pitch row for good.
const FutureTolerance = 24 * time.Hour

// aheadBound is a Unix second no ts before which is too far ahead: a
// reading of the clock already taken, plus FutureTolerance. The clock only
// moves on, so a ts below it needs no new reading, which a replay's
// decoding would otherwise take for every record.
var aheadBound atomic.Int64

// tooFarAhead reports whether ts lies more than FutureTolerance past the
// clock.
func tooFarAhead(ts time.Time) bool {
	if ts.Unix() < aheadBound.Load() {
		return false
	}
	limit := time.Now().Add(FutureTolerance)
	aheadBound.Store(limit.Unix())
	return ts.After(limit)
}

// validateText checks every string is within its limit and, if checkUTF8,
// valid UTF-8.
func (p *Pitch) validateText(checkUTF8 bool) error {
	texts := [...]struct{ name, value string }{
		{"schema", p.Schema}, {"game_date", p.GameDate}, {"home_team", p.HomeTeam}, {"away_team", p.AwayTeam},
		{"inning_topbot", p.InningTopBot}, {"pitcher_name", p.PitcherName}, {"batter_name", p.BatterName},
		{"p_throws", p.PThrows}, {"stand", p.Stand}, {"pitch_type", p.PitchType}, {"pitch_name", p.PitchName},
		{"type", p.Type}, {"description", p.Description}, {"bb_type", p.BBType}, {"events", p.Events},
	}
	longest := 0
	for _, t := range texts {
		longest = max(longest, len(t.value))
	}
	if !checkUTF8 && longest <= MaxTextLength && len(p.Des) <= MaxDesLength {
		return nil // the common case, checked without naming each field
	}
	for _, t := range texts {
		if err := checkText(t.name, t.value, MaxTextLength, checkUTF8); err != nil {
			return err
		}
	}
	return checkText("des", p.Des, MaxDesLength, checkUTF8)
}

func checkText(name, s string, limit int, checkUTF8 bool) error {
	switch {
	case len(s) > limit && utf8.RuneCountInString(s) > limit:
		return fmt.Errorf("%s is %d characters long, the limit is %d", name, utf8.RuneCountInString(s), limit)
	case checkUTF8 && !utf8.ValidString(s):
		return fmt.Errorf("%s is not valid UTF-8", name)
	}
	return nil
}

// validateIdentity checks the fields that identify and order a pitch.
func (p *Pitch) validateIdentity() error {
	switch {
	case p.Schema != SchemaV1:
		return fmt.Errorf("schema %s, want %q", clip(p.Schema), SchemaV1)
	case p.TS.IsZero():
		return errors.New("ts missing")
	case tooFarAhead(p.TS):
		return fmt.Errorf("ts %s is more than %v in the future", p.TS.UTC().Format(time.RFC3339), FutureTolerance)
	case p.GamePK <= 0:
		return errors.New("game_pk missing or not positive")
	case p.GameSeq <= 0:
		return errors.New("game_seq missing or not positive")
	case p.Pitcher <= 0:
		return errors.New("pitcher missing or not positive")
	case p.InningTopBot != "Top" && p.InningTopBot != "Bot":
		return fmt.Errorf("inning_topbot %s, want Top or Bot", clip(p.InningTopBot))
	}
	return nil
}

// validateSituation checks the count, the numbers and the codes against
// the ranges and values of the schema. Zero and "" stand for a missing
// field or null, which Decode tolerates for all but the identifying ones.
func (p *Pitch) validateSituation() error {
	if err := p.validateNumbers(); err != nil {
		return err
	}
	return p.validateCodes()
}

func (p *Pitch) validateNumbers() error {
	ranges := [...]struct {
		name      string
		v, lo, hi int64
	}{
		{"balls", int64(p.Balls), 0, 3}, {"strikes", int64(p.Strikes), 0, 2}, {"outs_when_up", int64(p.OutsWhenUp), 0, 2},
		{"inning", int64(p.Inning), 0, math.MaxInt64}, {"at_bat_number", int64(p.AtBatNumber), 0, math.MaxInt64},
		{"pitch_number", int64(p.PitchNumber), 0, math.MaxInt64}, {"batter", p.Batter, 0, math.MaxInt64},
		{"on_1b", p.On1B, 0, math.MaxInt64}, {"on_2b", p.On2B, 0, math.MaxInt64}, {"on_3b", p.On3B, 0, math.MaxInt64},
		{"home_score", int64(p.HomeScore), 0, math.MaxInt64}, {"away_score", int64(p.AwayScore), 0, math.MaxInt64},
		{"post_home_score", int64(p.PostHomeScore), 0, math.MaxInt64},
		{"post_away_score", int64(p.PostAwayScore), 0, math.MaxInt64},
	}
	for _, r := range ranges {
		if r.v < r.lo || r.v > r.hi {
			return fmt.Errorf("%s %d out of range", r.name, r.v)
		}
	}
	if v := p.ReleaseSpeed; v != 0 && !(v >= MinReleaseSpeed && v <= MaxReleaseSpeed) {
		return fmt.Errorf("release_speed %g out of range %d–%d mph", v, MinReleaseSpeed, MaxReleaseSpeed)
	}
	return nil
}

// The range of release_speed, in mph, as the schema has it.
const (
	MinReleaseSpeed = 30
	MaxReleaseSpeed = 110
)

func (p *Pitch) validateCodes() error {
	codes := [...]struct {
		name, value string
		valid       func(string) bool
	}{
		{"p_throws", p.PThrows, isHand}, {"stand", p.Stand, isHand},
		{"type", p.Type, isPitchResult},
		{"bb_type", p.BBType, isBattedBallType},
		{"pitch_type", p.PitchType, isPitchTypeCode}, {"game_date", p.GameDate, isDate},
	}
	for _, c := range codes {
		if c.value != "" && !c.valid(c.value) {
			return fmt.Errorf("%s %s is not allowed", c.name, clip(c.value))
		}
	}
	return nil
}

func isHand(s string) bool        { return s == "L" || s == "R" }
func isPitchResult(s string) bool { return s == "B" || s == "S" || s == "X" }

func isBattedBallType(s string) bool {
	return s == GroundBall || s == LineDrive || s == FlyBall || s == Popup
}

// isPitchTypeCode reports whether s is a Statcast pitch type code: two
// capital letters.
func isPitchTypeCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// isDate reports whether s has the form YYYY-MM-DD.
func isDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i, c := range []byte(s) {
		if i != 4 && i != 7 && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// clip quotes s for an error message, cut short if it is long: an error
// must never carry a poison record's megabyte.
func clip(s string) string {
	const keep = 40
	if len(s) <= keep {
		return strconv.Quote(s)
	}
	cut := keep
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q… (%d bytes)", s[:cut], len(s))
}
