package game

import (
	"encoding/binary"
	"time"
)

// inOrderKeys are the keys as AppendJSON writes them, each with the byte
// before it: the object's brace for the first, a comma for the others.
var inOrderKeys = func() []inOrderKey {
	keys := make([]inOrderKey, len(quotedFields))
	for i, q := range quotedFields {
		sep := ","
		if i == 0 {
			sep = "{"
		}
		keys[i] = newInOrderKey(sep + q)
	}
	return keys
}()

// inOrderKey is a key of 6 to 24 bytes held as the three little-endian
// words that cover it, overlapping where it is shorter than 24 (a key
// shorter than 8 is one masked word): matching one then costs three loads
// and compares, where comparing it as a string called a function that
// was a tenth of announce's time.
type inOrderKey struct {
	len      int
	mask     uint64    // of each word: all ones unless the key is shorter than 8
	words    [3]uint64 // at offsets 0, mid and end
	mid, end int       // min(8, len-8) and len-8, or 0 for a key shorter than 8
}

func newInOrderKey(k string) inOrderKey {
	if len(k) < 6 || len(k) > 24 {
		panic("game: key " + k + " is not 6 to 24 bytes long")
	}
	var padded [24 + 8]byte
	copy(padded[:], k)
	key := inOrderKey{len: len(k), mask: ^uint64(0), mid: max(0, min(8, len(k)-8)), end: max(0, len(k)-8)}
	if len(k) < 8 {
		key.mask >>= 8 * (8 - len(k))
	}
	for i, at := range [...]int{0, key.mid, key.end} {
		key.words[i] = binary.LittleEndian.Uint64(padded[at:]) & key.mask
	}
	return key
}

// at reports whether data begins with the key; data must be at least 8
// bytes long.
func (k *inOrderKey) at(data []byte) bool {
	return binary.LittleEndian.Uint64(data)&k.mask == k.words[0] &&
		binary.LittleEndian.Uint64(data[k.mid:])&k.mask == k.words[1] &&
		binary.LittleEndian.Uint64(data[k.end:])&k.mask == k.words[2]
}

// Field numbers: the indexes of schemaFields, which field and inOrder
// read.
const (
	fieldSchema = iota
	fieldTS
	fieldGamePK
	fieldGameSeq
	fieldGameDate
	fieldHomeTeam
	fieldAwayTeam
	fieldInning
	fieldInningTopBot
	fieldAtBatNumber
	fieldPitchNumber
	fieldPitcher
	fieldPitcherName
	fieldBatter
	fieldBatterName
	fieldPThrows
	fieldStand
	fieldBalls
	fieldStrikes
	fieldOutsWhenUp
	fieldOn1B
	fieldOn2B
	fieldOn3B
	fieldHomeScore
	fieldAwayScore
	fieldPitchType
	fieldPitchName
	fieldReleaseSpeed
	fieldType
	fieldDescription
	fieldBBType
	fieldEvents
	fieldDes
	fieldPostHomeScore
	fieldPostAwayScore
	fieldGameOver
	fieldPartial
)

// inOrder reads a record written as AppendJSON writes one: every field of
// the schema in its order, no space, no field the schema does not have,
// and partial last if at all. It is the decoder's fast path. It reads what
// pitch would read into p, the same values by the same primitives, but
// without the general loop's whitespace, lookups and per-field dispatch,
// which were most of decoding's time. It returns false as soon as the
// record departs from that form, valid or not; the caller then decodes
// the record afresh with pitch, which also says what is wrong with a bad
// one.
func (d *decoder) inOrder(p *Pitch) bool {
	ok := d.keyOf(fieldSchema) && d.textInto(&p.Schema) &&
		d.keyOf(fieldTS) && d.timeInto(&p.TS) &&
		d.keyOf(fieldGamePK) && d.int64Into(&p.GamePK) &&
		d.keyOf(fieldGameSeq) && d.intInto(&p.GameSeq) &&
		d.keyOf(fieldGameDate) && d.textInto(&p.GameDate) &&
		d.keyOf(fieldHomeTeam) && d.textInto(&p.HomeTeam) &&
		d.keyOf(fieldAwayTeam) && d.textInto(&p.AwayTeam) &&
		d.keyOf(fieldInning) && d.intInto(&p.Inning) &&
		d.keyOf(fieldInningTopBot) && d.textInto(&p.InningTopBot) &&
		d.keyOf(fieldAtBatNumber) && d.intInto(&p.AtBatNumber) &&
		d.keyOf(fieldPitchNumber) && d.intInto(&p.PitchNumber) &&
		d.keyOf(fieldPitcher) && d.int64Into(&p.Pitcher) &&
		d.keyOf(fieldPitcherName) && d.textInto(&p.PitcherName) &&
		d.keyOf(fieldBatter) && d.int64Into(&p.Batter) &&
		d.keyOf(fieldBatterName) && d.textInto(&p.BatterName) &&
		d.keyOf(fieldPThrows) && d.textInto(&p.PThrows) &&
		d.keyOf(fieldStand) && d.textInto(&p.Stand) &&
		d.keyOf(fieldBalls) && d.intInto(&p.Balls) &&
		d.keyOf(fieldStrikes) && d.intInto(&p.Strikes) &&
		d.keyOf(fieldOutsWhenUp) && d.intInto(&p.OutsWhenUp) &&
		d.keyOf(fieldOn1B) && d.int64Into(&p.On1B) &&
		d.keyOf(fieldOn2B) && d.int64Into(&p.On2B) &&
		d.keyOf(fieldOn3B) && d.int64Into(&p.On3B) &&
		d.keyOf(fieldHomeScore) && d.intInto(&p.HomeScore) &&
		d.keyOf(fieldAwayScore) && d.intInto(&p.AwayScore) &&
		d.keyOf(fieldPitchType) && d.textInto(&p.PitchType) &&
		d.keyOf(fieldPitchName) && d.textInto(&p.PitchName) &&
		d.keyOf(fieldReleaseSpeed) && d.floatInto(&p.ReleaseSpeed) &&
		d.keyOf(fieldType) && d.textInto(&p.Type) &&
		d.keyOf(fieldDescription) && d.textInto(&p.Description) &&
		d.keyOf(fieldBBType) && d.textInto(&p.BBType) &&
		d.keyOf(fieldEvents) && d.textInto(&p.Events) &&
		d.keyOf(fieldDes) && d.textInto(&p.Des) &&
		d.keyOf(fieldPostHomeScore) && d.intInto(&p.PostHomeScore) &&
		d.keyOf(fieldPostAwayScore) && d.intInto(&p.PostAwayScore) &&
		d.keyOf(fieldGameOver) && d.boolInto(&p.GameOver)
	if ok && d.keyOf(fieldPartial) {
		ok = d.boolInto(&p.Partial)
	}
	return ok && d.pos == len(d.data)-1 && d.data[d.pos] == '}'
}

// keyOf consumes field f's key, with the byte before it and the colon
// after, if it comes next.
func (d *decoder) keyOf(f int) bool {
	end, ok := keyEnd(d.data, d.pos, f)
	d.pos = end
	return ok
}

// keyEnd returns where field f's key, as inOrderKeys has it, ends if
// data holds it from pos on; otherwise pos and false.
func keyEnd(data []byte, pos, f int) (int, bool) {
	k := &inOrderKeys[f]
	if len(data)-pos < max(k.len, 8) || !k.at(data[pos:]) {
		return pos, false
	}
	return pos + k.len, true
}

// next is the byte at the decoder's position, or 0 at the end.
func (d *decoder) next() byte {
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

// skipNull consumes the null its caller saw coming (an n): the field
// keeps its value.
func (d *decoder) skipNull() bool { return d.literal("null") == nil }

func (d *decoder) textInto(s *string) bool {
	switch d.next() {
	case 'n':
		return d.skipNull()
	case '"':
		v, err := d.string()
		*s = v
		return err == nil
	}
	return false
}

func (d *decoder) timeInto(t *time.Time) bool {
	if d.next() == 'n' {
		return d.skipNull()
	}
	var err error
	*t, err = d.time()
	return err == nil
}

func (d *decoder) int64Into(v *int64) bool {
	if d.next() == 'n' {
		return d.skipNull()
	}
	n, ok := d.plainIntHere()
	if ok {
		*v = n
	}
	return ok
}

// intInto reads what smallInt reads: a whole number within int32's range.
func (d *decoder) intInto(v *int) bool {
	var n int64
	if !d.int64Into(&n) || !fitsInt32(n) {
		return false
	}
	*v = int(n)
	return true
}

// floatInto reads a plain decimal; anything needing strconv goes the
// general way.
func (d *decoder) floatInto(v *float64) bool {
	if d.next() == 'n' {
		return d.skipNull()
	}
	b, err := d.number()
	if err != nil {
		return false
	}
	f, ok := simpleDecimal(b)
	*v = f
	return ok
}

func (d *decoder) boolInto(v *bool) bool {
	switch d.next() {
	case 't':
		*v = true
		return d.literal("true") == nil
	case 'f':
		*v = false
		return d.literal("false") == nil
	case 'n':
		return d.skipNull()
	}
	return false
}
