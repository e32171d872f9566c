package game

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

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
	if !d.inOrder(&p) {
		p, d = Pitch{}, decoder{data: data, vocab: d.vocab}
		if err := d.pitch(&p); err != nil {
			return Pitch{}, fmt.Errorf("%w: %v", ErrInvalidPitch, err)
		}
	}
	// The decoder has found every string valid UTF-8 already.
	if err := p.validate(false); err != nil {
		return Pitch{}, fmt.Errorf("%w: %v", ErrInvalidPitch, err)
	}
	return p, nil
}

// decoder parses one pitch event. It is written for this one flat shape,
// an object of strings, numbers, booleans and nulls, because a replay
// decodes every record and encoding/json spends most of its time on
// reflection. It is as strict as encoding/json about types, accepts the
// fields in any order and skips fields it does not know. It is stricter
// than encoding/json where the JSON Schema is: a field given twice (names
// match case-insensitively, as encoding/json matches them) and a string
// that is not valid UTF-8 are errors, not a silent choice of one value or
// a U+FFFD.
type decoder struct {
	data  []byte
	pos   int
	vocab *internTable // vocabulary(), fetched once a record
	// unescaped is the last string read that held escapes.
	unescaped string
}

var (
	errEnd         = errors.New("unexpected end of JSON input")
	errInvalidUTF8 = errors.New("string is not valid UTF-8")
)

func (d *decoder) ws() {
	for d.pos < len(d.data) && d.data[d.pos] <= ' ' { // most often a byte of a value: one comparison
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) peek() (byte, error) {
	d.ws()
	if d.pos >= len(d.data) {
		return 0, errEnd
	}
	return d.data[d.pos], nil
}

func (d *decoder) expect(c byte) error {
	got, err := d.peek()
	if err != nil {
		return err
	}
	if got != c {
		return fmt.Errorf("invalid character %q at offset %d, want %q", got, d.pos, c)
	}
	d.pos++
	return nil
}

// pitch parses the whole input as one pitch event object.
func (d *decoder) pitch(p *Pitch) error {
	c, err := d.peek()
	if err != nil {
		return err
	}
	switch {
	case c == 'n':
		return d.literal("null")
	case c == '[':
		return errors.New("cannot unmarshal array into a pitch event")
	case c != '{':
		return d.invalid(c)
	}
	d.pos++
	if c, err := d.peek(); err != nil {
		return err
	} else if c == '}' {
		d.pos++
		return d.end()
	}
	var seen uint64 // bit f is set once field f has been read
	for next := 0; ; next++ {
		f, key, err := d.fieldKey(next)
		if err != nil {
			return err
		}
		if f != unknownField {
			if seen&(1<<f) != 0 {
				return fmt.Errorf("field %s given twice", clip(string(key)))
			}
			seen |= 1 << f
		}
		next = max(f, next)
		if err := d.field(p, f); err != nil {
			return fmt.Errorf("%s: %w", clip(string(key)), err)
		}
		c, err := d.peek()
		if err != nil {
			return err
		}
		d.pos++
		if c == '}' {
			return d.end()
		}
		if c != ',' {
			return d.invalidAt(c, d.pos-1)
		}
	}
}

func (d *decoder) end() error {
	d.ws()
	if d.pos != len(d.data) {
		return fmt.Errorf("invalid character %q after the top-level value", d.data[d.pos])
	}
	return nil
}

func (d *decoder) invalid(c byte) error { return d.invalidAt(c, d.pos) }

func (d *decoder) invalidAt(c byte, at int) error {
	return fmt.Errorf("invalid character %q looking for beginning of value at offset %d", c, at)
}

// key reads an object key. It returns the bytes of the input when the key
// holds no escapes, as every key of the schema does, so nothing is copied.
func (d *decoder) key() ([]byte, error) {
	if err := d.expect('"'); err != nil {
		return nil, err
	}
	start := d.pos
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case '"':
			d.pos++
			return d.data[start : d.pos-1], nil
		case '\\':
			d.pos = start - 1
			s, err := d.string()
			return []byte(s), err
		}
		if d.data[d.pos] < 0x20 {
			return nil, fmt.Errorf("invalid control character in string at offset %d", d.pos)
		}
		d.pos++
	}
	return nil, errEnd
}

// schemaFields are the schema's field names in the order AppendJSON writes
// them; a field's index is its number in field's switch.
var schemaFields = []string{"schema", "ts", "game_pk", "game_seq", "game_date", "home_team", "away_team",
	"inning", "inning_topbot", "at_bat_number", "pitch_number", "pitcher", "pitcher_name", "batter",
	"batter_name", "p_throws", "stand", "balls", "strikes", "outs_when_up", "on_1b", "on_2b", "on_3b",
	"home_score", "away_score", "pitch_type", "pitch_name", "release_speed", "type", "description",
	"bb_type", "events", "des", "post_home_score", "post_away_score", "game_over", "partial"}

// quotedFields are the field names with their quotes and colons, as
// AppendJSON writes them.
var quotedFields = func() []string {
	q := make([]string, len(schemaFields))
	for i, name := range schemaFields {
		q[i] = `"` + name + `":`
	}
	return q
}()

// unknownField is the index fieldIndex gives a key the schema does not have.
const unknownField = -1

// fieldKey reads an object key and the colon after it and returns the
// index of its field. Events written by AppendJSON have their fields in
// schema order, so it first checks whether the key and colon are the ones
// expected next, which saves scanning and looking them up; any other key
// is read and looked up.
func (d *decoder) fieldKey(expected int) (int, []byte, error) {
	d.ws()
	if expected < len(quotedFields) {
		q := quotedFields[expected]
		if len(d.data)-d.pos >= len(q) && string(d.data[d.pos:d.pos+len(q)]) == q {
			d.pos += len(q)
			return expected, d.data[d.pos-len(q)+1 : d.pos-2], nil
		}
	}
	key, err := d.key()
	if err != nil {
		return unknownField, nil, err
	}
	if !utf8.Valid(key) {
		return unknownField, nil, errInvalidUTF8
	}
	return fieldIndex(key), key, d.expect(':')
}

// fieldIndex returns the index of the field a key names, matched exactly
// or else case-insensitively, as encoding/json matches field names.
func fieldIndex(key []byte) int {
	if i, ok := fieldIndexes[string(key)]; ok {
		return i
	}
	for i, name := range schemaFields {
		if strings.EqualFold(string(key), name) {
			return i
		}
	}
	return unknownField
}

var fieldIndexes = func() map[string]int {
	m := make(map[string]int, len(schemaFields))
	for i, name := range schemaFields {
		m[name] = i
	}
	return m
}()

// field reads the value of field number f (an index of schemaFields, or
// unknownField) into p. A null leaves the field as it
// is, as encoding/json does for fields that are not pointers.
func (d *decoder) field(p *Pitch, f int) (err error) {
	if isNull, err := d.null(); isNull || err != nil {
		return err
	}
	switch f {
	case fieldSchema:
		p.Schema, err = d.text()
	case fieldTS:
		p.TS, err = d.time()
	case fieldGamePK:
		p.GamePK, err = d.int()
	case fieldGameSeq:
		p.GameSeq, err = d.smallInt()
	case fieldGameDate:
		p.GameDate, err = d.text()
	case fieldHomeTeam:
		p.HomeTeam, err = d.text()
	case fieldAwayTeam:
		p.AwayTeam, err = d.text()
	case fieldInning:
		p.Inning, err = d.smallInt()
	case fieldInningTopBot:
		p.InningTopBot, err = d.text()
	case fieldAtBatNumber:
		p.AtBatNumber, err = d.smallInt()
	case fieldPitchNumber:
		p.PitchNumber, err = d.smallInt()
	case fieldPitcher:
		p.Pitcher, err = d.int()
	case fieldPitcherName:
		p.PitcherName, err = d.text()
	case fieldBatter:
		p.Batter, err = d.int()
	case fieldBatterName:
		p.BatterName, err = d.text()
	case fieldPThrows:
		p.PThrows, err = d.text()
	case fieldStand:
		p.Stand, err = d.text()
	case fieldBalls:
		p.Balls, err = d.smallInt()
	case fieldStrikes:
		p.Strikes, err = d.smallInt()
	case fieldOutsWhenUp:
		p.OutsWhenUp, err = d.smallInt()
	case fieldOn1B:
		p.On1B, err = d.int()
	case fieldOn2B:
		p.On2B, err = d.int()
	case fieldOn3B:
		p.On3B, err = d.int()
	case fieldHomeScore:
		p.HomeScore, err = d.smallInt()
	case fieldAwayScore:
		p.AwayScore, err = d.smallInt()
	case fieldPitchType:
		p.PitchType, err = d.text()
	case fieldPitchName:
		p.PitchName, err = d.text()
	case fieldReleaseSpeed:
		p.ReleaseSpeed, err = d.float()
	case fieldType:
		p.Type, err = d.text()
	case fieldDescription:
		p.Description, err = d.text()
	case fieldBBType:
		p.BBType, err = d.text()
	case fieldEvents:
		p.Events, err = d.text()
	case fieldDes:
		p.Des, err = d.text()
	case fieldPostHomeScore:
		p.PostHomeScore, err = d.smallInt()
	case fieldPostAwayScore:
		p.PostAwayScore, err = d.smallInt()
	case fieldGameOver:
		p.GameOver, err = d.bool()
	case fieldPartial:
		p.Partial, err = d.bool()
	default:
		err = d.skip(0)
	}
	return err
}

// wrongType reports a value of another JSON type than the field's.
func (d *decoder) wrongType(want string) error {
	c, err := d.peek()
	if err != nil {
		return err
	}
	kinds := map[byte]string{'"': "string", '{': "object", '[': "array", 't': "bool", 'f': "bool", 'n': "null"}
	got, ok := kinds[c]
	if !ok {
		if c == '-' || (c >= '0' && c <= '9') {
			got = "number"
		} else {
			return d.invalid(c)
		}
	}
	return fmt.Errorf("cannot unmarshal %s into a %s", got, want)
}

// null consumes a null if one comes next.
func (d *decoder) null() (bool, error) {
	c, err := d.peek()
	if err != nil || c != 'n' {
		return false, err
	}
	return true, d.literal("null")
}

func (d *decoder) literal(word string) error {
	if len(d.data)-d.pos < len(word) {
		return errEnd
	}
	if string(d.data[d.pos:d.pos+len(word)]) != word {
		return d.invalid(d.data[d.pos])
	}
	d.pos += len(word)
	return nil
}

// text reads a string.
func (d *decoder) text() (string, error) {
	if c, _ := d.peek(); c != '"' {
		return "", d.wrongType("string")
	}
	return d.string()
}

// string reads a JSON string. Strings of the schema's fixed vocabulary are
// shared, not allocated.
func (d *decoder) string() (string, error) {
	raw, err := d.rawString()
	if err != nil {
		return "", err
	}
	if raw == nil {
		return d.unescaped, nil
	}
	if s, ok := d.vocab.lookup(raw); ok {
		return s, nil
	}
	if !utf8.Valid(raw) {
		return "", errInvalidUTF8
	}
	return string(raw), nil
}

// rawString reads a JSON string and returns its bytes as they are in the
// input when it holds no escape. When it does, it reads the whole string,
// unescaped, into d.unescaped and returns a nil slice.
func (d *decoder) rawString() ([]byte, error) {
	d.pos++ // the opening quote
	start := d.pos
	d.pos = skipPlain(d.data, d.pos)
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		if !plainStringByte[c] {
			switch {
			case c == '"':
				d.pos++
				return d.data[start : d.pos-1 : d.pos-1], nil
			case c == '\\':
				var err error
				d.unescaped, err = d.escaped(start)
				return nil, err
			}
			return nil, fmt.Errorf("invalid control character in string at offset %d", d.pos)
		}
		d.pos++
	}
	return nil, errEnd
}

// skipPlain returns the index of the first of data's bytes from i on
// that may not stand for itself in a string, eight bytes at a time: it
// passes over whole words with no quote, backslash or control character
// and stops at the first word that may hold one (or the last few bytes),
// which rawString then reads a byte at a time.
func skipPlain(data []byte, i int) int {
	for ; i+8 <= len(data); i += 8 {
		if specialBytes(binary.LittleEndian.Uint64(data[i:])) != 0 {
			return i
		}
	}
	return i
}

// wordOnes and wordHighs are a word's eight bytes of 0x01 and of 0x80.
const wordOnes, wordHighs = 0x0101010101010101, 0x8080808080808080

// specialBytes is not zero when any of w's eight bytes is a quote, a
// backslash or a control character: the bytes a JSON string must escape.
func specialBytes(w uint64) uint64 {
	quote, backslash := w^(wordOnes*'"'), w^(wordOnes*'\\')
	return ((quote-wordOnes)&^quote | (backslash-wordOnes)&^backslash | (w-wordOnes*0x20)&^w) & wordHighs
}

// plainStringByte holds the bytes that stand for themselves inside a JSON
// string: all but the quote, the backslash and the control characters.
var plainStringByte = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// escaped finishes reading a string that holds escapes, from start.
func (d *decoder) escaped(start int) (string, error) {
	buf := append([]byte(nil), d.data[start:d.pos]...)
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			if !utf8.Valid(buf) {
				return "", errInvalidUTF8
			}
			return string(buf), nil
		case c < 0x20:
			return "", fmt.Errorf("invalid control character in string at offset %d", d.pos)
		case c != '\\':
			buf = append(buf, c)
			d.pos++
			continue
		}
		if d.pos+1 >= len(d.data) {
			return "", errEnd
		}
		esc := d.data[d.pos+1]
		d.pos += 2
		switch esc {
		case '"', '\\', '/':
			buf = append(buf, esc)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, err := d.unicodeEscape()
			if err != nil {
				return "", err
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", fmt.Errorf("invalid escape \\%c in string", esc)
		}
	}
	return "", errEnd
}

// unicodeEscape reads the hex digits of \uXXXX, and of a second escape
// when the first is half of a surrogate pair.
func (d *decoder) unicodeEscape() (rune, error) {
	r, err := d.hex4()
	if err != nil {
		return 0, err
	}
	if utf16.IsSurrogate(r) {
		if d.pos+6 <= len(d.data) && d.data[d.pos] == '\\' && d.data[d.pos+1] == 'u' {
			back := d.pos
			d.pos += 2
			r2, err := d.hex4()
			if err != nil {
				return 0, err
			}
			if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
				return dec, nil
			}
			d.pos = back // not a pair: the second escape stands on its own
		}
		return utf8.RuneError, nil
	}
	return r, nil
}

func (d *decoder) hex4() (rune, error) {
	if d.pos+4 > len(d.data) {
		return 0, errEnd
	}
	v, err := strconv.ParseUint(string(d.data[d.pos:d.pos+4]), 16, 32)
	if err != nil {
		return 0, fmt.Errorf("invalid \\u escape %q", d.data[d.pos:d.pos+4])
	}
	d.pos += 4
	return rune(v), nil
}

// vocabulary holds the strings that recur in every stream, so that
// decoding them shares one copy instead of allocating: the schema's codes,
// the league's teams and the default league's players. It is built on the
// first decode, not at package init, so that a program that never decodes
// never parses the league.
var vocabulary = sync.OnceValue(func() *internTable {
	words := []string{SchemaV1, "Top", "Bot", "L", "R", "S", "B", "X",
		"ball", "blocked_ball", "called_strike", "swinging_strike", "swinging_strike_blocked",
		"foul", "foul_tip", "foul_bunt", "missed_bunt", "hit_into_play", "hit_by_pitch", "pitchout",
		GroundBall, LineDrive, FlyBall, Popup,
		"single", "double", "triple", "home_run", "strikeout", "walk", "field_out", "force_out",
		"grounded_into_double_play", "double_play", "sac_fly", "sac_bunt", "field_error", "fielders_choice",
		"fielders_choice_out", "intent_walk", "strikeout_double_play", "triple_play", "catcher_interf"}
	for _, k := range pitchKinds {
		words = append(words, k.Code, k.Name)
	}
	for _, t := range DefaultLeague().Teams {
		words = append(words, t.Abbr)
		for _, p := range t.Pitchers {
			words = append(words, p.Name)
		}
		for _, b := range t.Batters {
			words = append(words, b.Name)
		}
	}
	return newInternTable(words)
})

// internTable finds the shared copy of a string from its bytes. It is an
// open-addressing hash table kept at most a quarter full, which costs a
// fraction of a map lookup.
type internTable struct {
	slots []string
	mask  uint32
	// longest is the length of the longest word: a longer string, such
	// as most of des, is not looked up at all.
	longest int
}

func newInternTable(words []string) *internTable {
	size := 1
	for size < 4*len(words) {
		size *= 2
	}
	t := &internTable{slots: make([]string, size), mask: uint32(size - 1)}
	for _, w := range words {
		t.slots[t.slot([]byte(w))] = w // the word's own slot, or the empty one where it goes
		t.longest = max(t.longest, len(w))
	}
	return t
}

// lookup returns the table's copy of b, if it has one.
func (t *internTable) lookup(b []byte) (string, bool) {
	if len(b) > t.longest {
		return "", false
	}
	s := t.slots[t.slot(b)]
	return s, s != ""
}

// slot returns the index holding b, or the empty one where it would go.
func (t *internTable) slot(b []byte) uint32 {
	i := internHash(b) & t.mask
	for t.slots[i] != "" && t.slots[i] != string(b) {
		i = (i + 1) & t.mask
	}
	return i
}

// internHash mixes a string's length with its first and last eight bytes
// (or all of a shorter one's): a word at a time, where hashing byte by
// byte was a tenth of decoding. Words that share all three only probe
// further.
func internHash(b []byte) uint32 {
	n := len(b)
	var h uint64
	switch {
	case n >= 8:
		h = binary.LittleEndian.Uint64(b) ^ bits.RotateLeft64(binary.LittleEndian.Uint64(b[n-8:]), 29)
	case n >= 4:
		h = uint64(binary.LittleEndian.Uint32(b)) | uint64(binary.LittleEndian.Uint32(b[n-4:]))<<32
	default:
		for _, c := range b {
			h = h<<8 | uint64(c)
		}
	}
	h = (h ^ uint64(n)) * 0x9e3779b97f4a7c15
	return uint32(h >> 32)
}

// number returns the bytes of a JSON number, checked against JSON's
// grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *decoder) number() ([]byte, error) {
	start := d.pos
	d.optional('-')
	switch {
	case d.optional('0'):
	case d.digits() == 0:
		return nil, d.badNumber(start)
	}
	if d.optional('.') && d.digits() == 0 {
		return nil, d.badNumber(start)
	}
	if d.optional('e') || d.optional('E') {
		if !d.optional('+') {
			d.optional('-')
		}
		if d.digits() == 0 {
			return nil, d.badNumber(start)
		}
	}
	return d.data[start:d.pos], nil
}

func (d *decoder) optional(c byte) bool {
	if d.pos < len(d.data) && d.data[d.pos] == c {
		d.pos++
		return true
	}
	return false
}

func (d *decoder) digits() int {
	n := 0
	for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
		d.pos++
		n++
	}
	return n
}

func (d *decoder) badNumber(start int) error {
	if d.pos >= len(d.data) {
		return errEnd
	}
	return fmt.Errorf("invalid number at offset %d", start)
}

// numberValue reads a value that must be a number.
func (d *decoder) numberValue() ([]byte, error) {
	if c, _ := d.peek(); c != '-' && (c < '0' || c > '9') {
		return nil, d.wrongType("number")
	}
	return d.number()
}

// int reads a whole number.
func (d *decoder) int() (int64, error) {
	if v, ok := d.plainInt(); ok {
		return v, nil
	}
	b, err := d.numberValue()
	if err != nil {
		return 0, err
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) > 18 {
		return 0, fmt.Errorf("cannot unmarshal number %s into a whole number", clip(string(b)))
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("cannot unmarshal number %s into a whole number", clip(string(b)))
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, nil
}

// plainInt reads the common case of a whole number in one pass: up to 18
// digits, no leading zero, no fraction or exponent. When the input is
// anything else it reads nothing and returns false.
func (d *decoder) plainInt() (int64, bool) {
	d.ws()
	return d.plainIntHere()
}

// plainIntHere is plainInt at the decoder's position, with no whitespace
// before the number.
func (d *decoder) plainIntHere() (int64, bool) {
	v, i, ok := leadingInt(d.data, d.pos)
	if !ok || i < len(d.data) && (d.data[i] == '.' || d.data[i] == 'e' || d.data[i] == 'E') {
		return 0, false
	}
	d.pos = i
	return v, true
}

// leadingInt reads an optional minus and up to 18 digits without a leading
// zero from data[i:], and returns their value and where they end; it fails
// on anything else, and when a nineteenth digit follows.
func leadingInt(data []byte, i int) (v int64, end int, ok bool) {
	neg := i < len(data) && data[i] == '-'
	if neg {
		i++
	}
	first := i
	for ; i < len(data) && i-first < 19 && data[i] >= '0' && data[i] <= '9'; i++ {
		v = v*10 + int64(data[i]-'0')
	}
	digits := i - first
	if digits == 0 || digits > 18 || (digits > 1 && data[first] == '0') {
		return 0, 0, false
	}
	if neg {
		v = -v
	}
	return v, i, true
}

func (d *decoder) smallInt() (int, error) {
	v, err := d.int()
	if !fitsInt32(v) {
		return 0, fmt.Errorf("number %d out of range", v)
	}
	return int(v), err
}

// fitsInt32 reports whether v is within int32's range, that of the
// schema's small numbers.
func fitsInt32(v int64) bool { return v >= math.MinInt32 && v <= math.MaxInt32 }

// float reads a number. Plain decimals such as 93.1 are read directly,
// exactly as strconv would round them; anything else goes to strconv.
func (d *decoder) float() (float64, error) {
	b, err := d.numberValue()
	if err != nil {
		return 0, err
	}
	if v, ok := simpleDecimal(b); ok {
		return v, nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return 0, fmt.Errorf("invalid number %s", clip(string(b)))
	}
	return v, nil
}

// simpleDecimal parses digits with an optional fraction of up to 15 digits
// in all: mantissa and power of ten are then exact, and one division
// rounds correctly.
func simpleDecimal(b []byte) (float64, bool) {
	var mant int64
	digits, frac := 0, -1
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9':
			mant = mant*10 + int64(c-'0')
			digits++
		case c == '.' && frac < 0 && i > 0:
			frac = 0
			continue
		default:
			return 0, false
		}
		if frac >= 0 {
			frac++
		}
	}
	if digits == 0 || digits > 15 || frac == 0 {
		return 0, false
	}
	return float64(mant) / math.Pow10(max(frac, 0)), true
}

func (d *decoder) bool() (bool, error) {
	c, err := d.peek()
	if err != nil {
		return false, err
	}
	switch c {
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	}
	return false, d.wrongType("bool")
}

// time reads an RFC 3339 timestamp string, as time.Time's JSON form is.
func (d *decoder) time() (time.Time, error) {
	if c, _ := d.peek(); c != '"' {
		return time.Time{}, d.wrongType("string")
	}
	raw, err := d.rawString()
	if err != nil {
		return time.Time{}, err
	}
	if raw == nil {
		raw = []byte(d.unescaped)
	}
	t, err := parseTimestamp(raw)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s is not an RFC 3339 time", clip(string(raw)))
	}
	return t, nil
}

// skip passes over a value of any type, nested up to a limit.
func (d *decoder) skip(depth int) error {
	if depth > 64 {
		return errors.New("value nested too deeply")
	}
	c, err := d.peek()
	if err != nil {
		return err
	}
	switch {
	case c == '"':
		_, err = d.string()
		return err
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		_, err = d.number()
		return err
	case c == '{' || c == '[':
		return d.skipContainer(c, depth)
	}
	return d.invalid(c)
}

func (d *decoder) skipContainer(open byte, depth int) error {
	closing := byte('}')
	if open == '[' {
		closing = ']'
	}
	d.pos++
	if c, err := d.peek(); err != nil {
		return err
	} else if c == closing {
		d.pos++
		return nil
	}
	for {
		if open == '{' {
			if _, err := d.key(); err != nil {
				return err
			}
			if err := d.expect(':'); err != nil {
				return err
			}
		}
		if err := d.skip(depth + 1); err != nil {
			return err
		}
		c, err := d.peek()
		if err != nil {
			return err
		}
		d.pos++
		if c == closing {
			return nil
		}
		if c != ',' {
			return d.invalidAt(c, d.pos-1)
		}
	}
}
