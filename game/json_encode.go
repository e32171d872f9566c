package game

import (
	"math"
	"strconv"
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
	return appendNumber(append(b, name...), v)
}

// appendNumber writes v in decimal. The counts, innings and scores of a
// pitch are below 100, and writing them from a table saves strconv's
// general path, which was a sixth of the encoder's time.
func appendNumber(b []byte, v int64) []byte {
	switch {
	case v >= 0 && v < 10:
		return append(b, byte('0'+v))
	case v >= 10 && v < 100:
		return append(b, twoDigits[2*v], twoDigits[2*v+1])
	}
	return strconv.AppendInt(b, v, 10)
}

// twoDigits holds 00 to 99.
const twoDigits = "00010203040506070809" + "10111213141516171819" + "20212223242526272829" +
	"30313233343536373839" + "40414243444546474849" + "50515253545556575859" +
	"60616263646566676869" + "70717273747576777879" + "80818283848586878889" + "90919293949596979899"

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
	return appendTenths(b, mph)
}

// appendTenths writes mph with one decimal, as strconv's 'f' format with
// precision 1 writes it.
func appendTenths(b []byte, mph float64) []byte {
	tenths := math.Round(mph * 10)
	if !(tenths >= 1 && tenths < 1e6 && math.Abs(mph*10-tenths) <= 1e-6) { // NaN too
		return strconv.AppendFloat(b, mph, 'f', 1, 64)
	}
	// mph is, within a millionth of a tenth, a number of tenths, as the
	// simulator's and Statcast's speeds are: strconv would round it to that
	// number too, since no rounding boundary lies that close.
	t := int64(tenths)
	return append(appendNumber(b, t/10), '.', byte('0'+t%10))
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
