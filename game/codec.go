package game

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// AppendJSON appends p as one JSON object, in schema pitchkafka.pitch/v1, to
// buf and returns the extended buffer. It writes the fields in a fixed order
// and allocates nothing when buf has room.
func (p *Pitch) AppendJSON(buf []byte) []byte {
	b := append(buf, `{"schema":"`...)
	b = append(b, SchemaV1...)
	b = append(b, `","ts":"`...)
	b = appendTimestamp(b, p.TS)
	b = appendInt(b, `","game_pk":`, p.GamePK)
	b = appendInt(b, `,"game_seq":`, int64(p.GameSeq))
	b = appendString(b, `,"game_date":`, p.GameDate)
	b = appendString(b, `,"home_team":`, p.HomeTeam)
	b = appendString(b, `,"away_team":`, p.AwayTeam)
	b = appendInt(b, `,"inning":`, int64(p.Inning))
	b = appendString(b, `,"inning_topbot":`, p.InningTopBot)
	b = appendInt(b, `,"at_bat_number":`, int64(p.AtBatNumber))
	b = appendInt(b, `,"pitch_number":`, int64(p.PitchNumber))
	b = appendID(b, `,"pitcher":`, p.Pitcher)
	b = appendString(b, `,"pitcher_name":`, p.PitcherName)
	b = appendID(b, `,"batter":`, p.Batter)
	b = appendString(b, `,"batter_name":`, p.BatterName)
	b = appendString(b, `,"p_throws":`, p.PThrows)
	b = appendString(b, `,"stand":`, p.Stand)
	b = appendInt(b, `,"balls":`, int64(p.Balls))
	b = appendInt(b, `,"strikes":`, int64(p.Strikes))
	b = appendInt(b, `,"outs_when_up":`, int64(p.OutsWhenUp))
	b = appendID(b, `,"on_1b":`, p.On1B)
	b = appendID(b, `,"on_2b":`, p.On2B)
	b = appendID(b, `,"on_3b":`, p.On3B)
	b = appendInt(b, `,"home_score":`, int64(p.HomeScore))
	b = appendInt(b, `,"away_score":`, int64(p.AwayScore))
	b = appendString(b, `,"pitch_type":`, p.PitchType)
	b = appendString(b, `,"pitch_name":`, p.PitchName)
	b = append(b, `,"release_speed":`...)
	b = appendSpeed(b, p.ReleaseSpeed)
	b = appendString(b, `,"type":`, p.Type)
	b = appendString(b, `,"description":`, p.Description)
	b = appendString(b, `,"bb_type":`, p.BBType)
	b = appendString(b, `,"events":`, p.Events)
	b = appendString(b, `,"des":`, p.Des)
	b = appendInt(b, `,"post_home_score":`, int64(p.PostHomeScore))
	b = appendInt(b, `,"post_away_score":`, int64(p.PostAwayScore))
	b = append(b, `,"game_over":`...)
	b = strconv.AppendBool(b, p.GameOver)
	if p.Partial {
		b = append(b, `,"partial":true`...)
	}
	return append(b, '}')
}

// MarshalJSON implements json.Marshaler with AppendJSON.
func (p Pitch) MarshalJSON() ([]byte, error) {
	return p.AppendJSON(make([]byte, 0, 768)), nil
}

// appendTimestamp writes t as TimestampLayout does, in UTC, digit by digit:
// time.Format interprets its layout on every call, which made it a third of
// the encoder's time.
func appendTimestamp(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, TimestampLayout)
	}
	hour, minute, sec := t.Clock()
	b = appendDigits(b, year, 4)
	b = appendDigits(append(b, '-'), int(month), 2)
	b = appendDigits(append(b, '-'), day, 2)
	b = appendDigits(append(b, 'T'), hour, 2)
	b = appendDigits(append(b, ':'), minute, 2)
	b = appendDigits(append(b, ':'), sec, 2)
	b = appendDigits(append(b, '.'), t.Nanosecond()/1e6, 3)
	return append(b, 'Z')
}

// appendDigits writes the non-negative v zero-padded to width digits.
func appendDigits(b []byte, v, width int) []byte {
	var digits [4]byte
	for i := width - 1; i >= 0; i-- {
		digits[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, digits[:width]...)
}

func appendInt(b []byte, name string, v int64) []byte {
	return strconv.AppendInt(append(b, name...), v, 10)
}

// appendID writes a player id, or null for 0 (nobody).
func appendID(b []byte, name string, id int64) []byte {
	if id == 0 {
		return append(append(b, name...), "null"...)
	}
	return appendInt(b, name, id)
}

// appendSpeed writes mph with one decimal, as Statcast does, or null for 0.
func appendSpeed(b []byte, mph float64) []byte {
	if mph == 0 {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, mph, 'f', 1, 64)
}

// appendString writes s as a JSON string, or null when s is empty.
func appendString(b []byte, name, s string) []byte {
	b = append(b, name...)
	if s == "" {
		return append(b, "null"...)
	}
	return appendQuoted(b, s)
}

const hexDigits = "0123456789abcdef"

// plainASCII holds the bytes a JSON string literal holds as they are:
// ASCII but the quote, the backslash and the control characters.
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendQuoted writes s as a JSON string literal. Invalid UTF-8 becomes U+FFFD.
func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if plainASCII[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// ErrInvalidPitch is wrapped by every error Decode returns, so callers can
// tell a bad record from a failure of their own.
var ErrInvalidPitch = errors.New("not a valid " + SchemaV1 + " event")

// Decode parses one pitch event and checks it is a usable v1 event: valid
// JSON of the right types in valid UTF-8, no field given twice, schema
// pitchkafka.pitch/v1, the fields that identify and order a pitch
// (game_pk, game_seq, pitcher, ts) present, and every field present within
// the schema's ranges, values and lengths (see Validate). Errors wrap
// ErrInvalidPitch and say what is wrong, quoting at most a few dozen bytes
// of the record.
func Decode(data []byte) (Pitch, error) {
	var p Pitch
	if len(bytes.TrimSpace(data)) == 0 {
		return p, fmt.Errorf("%w: empty value", ErrInvalidPitch)
	}
	d := decoder{data: data, vocab: vocabulary()}
	if err := d.pitch(&p); err != nil {
		return Pitch{}, fmt.Errorf("%w: %v", ErrInvalidPitch, err)
	}
	// The decoder has found every string valid UTF-8 already.
	if err := p.validate(false); err != nil {
		return Pitch{}, fmt.Errorf("%w: %v", ErrInvalidPitch, err)
	}
	return p, nil
}

// Validate checks that p is a usable v1 event, whatever format it was
// decoded from: the schema, the fields that identify and order a pitch, a
// ts no more than FutureTolerance past the clock, and what
// testdata/pitch.schema.json forbids of the fields present (zero and ""
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

// The codes' checks, made once: a check made per call would allocate for
// every event decoded.
var (
	isHand           = oneOf("L", "R")
	isPitchResult    = oneOf("B", "S", "X")
	isBattedBallType = oneOf(GroundBall, LineDrive, FlyBall, Popup)
)

func oneOf(allowed ...string) func(string) bool {
	return func(s string) bool { return slices.Contains(allowed, s) }
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
