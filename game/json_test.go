package game

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// samplePitches returns the first n pitches of a seeded season, stamped
// with increasing timestamps.
func samplePitches(tb testing.TB, seed uint64, n int) []Pitch {
	tb.Helper()
	s, err := NewSeason(DefaultLeague(), SeasonConfig{Seed: seed, Concurrent: 15, Rules: Rules{ExtraInningsRunner: true}})
	if err != nil {
		tb.Fatal(err)
	}
	base := time.Date(2026, 11, 24, 13, 40, 0, 123_000_000, time.UTC)
	out := make([]Pitch, n)
	for i := range out {
		out[i], _ = s.Next()
		out[i].TS = base.Add(time.Duration(i) * time.Millisecond)
	}
	return out
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	for _, p := range samplePitches(t, 1, 2000) {
		data := p.AppendJSON(nil)
		if !json.Valid(data) {
			t.Fatalf("invalid JSON: %s", data)
		}
		got, err := Decode(data)
		if err != nil {
			t.Fatalf("decode %s: %v", data, err)
		}
		if !got.TS.Equal(p.TS) {
			t.Fatalf("ts %v, want %v", got.TS, p.TS)
		}
		got.TS = p.TS
		if !reflect.DeepEqual(got, p) {
			t.Fatalf("round trip changed the pitch:\n got %+v\nwant %+v", got, p)
		}
	}
}

func TestEncodeMatchesEncodingJSON(t *testing.T) {
	p := samplePitches(t, 3, 1)[0]
	p.BatterName = "Jos\u00e9 \"Q\" O'Neil\\\n\t\x01"
	var fromStd map[string]any
	if err := json.Unmarshal(p.AppendJSON(nil), &fromStd); err != nil {
		t.Fatal(err)
	}
	if fromStd["batter_name"] != p.BatterName {
		t.Errorf("batter_name %q, want %q", fromStd["batter_name"], p.BatterName)
	}
	if fromStd["ts"] != "2026-11-24T13:40:00.123Z" {
		t.Errorf("ts %q, want millisecond precision in UTC", fromStd["ts"])
	}
	if fromStd["events"] != nil && p.Events == "" {
		t.Errorf("events %v, want null", fromStd["events"])
	}
}

func TestDecodeRejects(t *testing.T) {
	good := string(samplePitches(t, 1, 1)[0].AppendJSON(nil))
	tests := []struct {
		name, value, want string
	}{
		{"empty", "", "empty value"},
		{"not json", "strike three!", "invalid character"},
		{"truncated", good[:len(good)/2], "unexpected end"},
		{"wrong type", strings.Replace(good, `"inning":1`, `"inning":"first"`, 1), "cannot unmarshal"},
		{"unknown schema", strings.Replace(good, SchemaV1, "pitchkafka.pitch/v9", 1), "schema"},
		{"missing game_pk", strings.Replace(good, `"game_pk":`, `"game_pkx":`, 1), "game_pk"},
		{"missing ts", strings.Replace(good, `"ts":`, `"tsx":`, 1), "ts missing"},
		{"array", "[1,2]", "cannot unmarshal"},
		{"null", "null", "schema"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode([]byte(tc.value))
			if !errors.Is(err, ErrInvalidPitch) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Decode(%.40q) = %v, want an ErrInvalidPitch mentioning %q", tc.value, err, tc.want)
			}
		})
	}
}

// withField returns event with field name's value replaced by raw JSON.
func withField(tb testing.TB, event, name, raw string) string {
	tb.Helper()
	re := regexp.MustCompile(`"` + name + `":("(?:[^"\\]|\\.)*"|[^,}]*)`)
	if !re.MatchString(event) {
		tb.Fatalf("no field %s in %s", name, event)
	}
	return re.ReplaceAllLiteralString(event, `"`+name+`":`+raw)
}

// TestDecodeRejectsWhatTheSchemaForbids feeds events that are valid JSON
// of the right types but break a rule of schemas/pitch.schema.json, and
// checks each is rejected with a short error naming the rule.
func TestDecodeRejectsWhatTheSchemaForbids(t *testing.T) {
	good := string(samplePitches(t, 1, 1)[0].AppendJSON(nil))
	huge := strings.Repeat("x", 900_000)
	future := time.Now().Add(49 * time.Hour).UTC().Format(TimestampLayout)
	tests := []struct {
		name, value, want string
	}{
		{"negative speed", withField(t, good, "release_speed", "-95.5"), "release_speed -95.5 out of range"},
		{"speed too high", withField(t, good, "release_speed", "110.1"), "release_speed"},
		{"speed too low", withField(t, good, "release_speed", "29.9"), "release_speed"},
		{"four balls", withField(t, good, "balls", "4"), "balls 4 out of range"},
		{"negative balls", withField(t, good, "balls", "-1"), "balls -1"},
		{"three strikes", withField(t, good, "strikes", "3"), "strikes 3"},
		{"three outs", withField(t, good, "outs_when_up", "3"), "outs_when_up 3"},
		{"negative score", withField(t, good, "home_score", "-2"), "home_score -2"},
		{"negative inning", withField(t, good, "inning", "-1"), "inning -1"},
		{"p_throws", withField(t, good, "p_throws", `"X"`), `p_throws "X" is not allowed`},
		{"stand", withField(t, good, "stand", `"left"`), "stand"},
		{"type", withField(t, good, "type", `"Z"`), "type"},
		{"bb_type", withField(t, good, "bb_type", `"grounder"`), "bb_type"},
		{"pitch_type", withField(t, good, "pitch_type", `"ff"`), "pitch_type"},
		{"game_date", withField(t, good, "game_date", `"March 1st"`), "game_date"},
		{"inning_topbot", withField(t, good, "inning_topbot", `"Middle"`), "inning_topbot"},
		{"invalid UTF-8", withField(t, good, "pitcher_name", "\"Jos\xe9\""), "not valid UTF-8"},
		{"invalid UTF-8 beside an escape", withField(t, good, "des", "\"\\n\xff\""), "not valid UTF-8"},
		{"invalid UTF-8 in an unknown field", strings.Replace(good, `{`, "{\"x\":\"\xc3\",", 1), "not valid UTF-8"},
		{"field given twice", strings.Replace(good, `{`, `{"pitcher":7,`, 1), "given twice"},
		{"field given twice in another case", strings.Replace(good, `{`, `{"Release_Speed":90.5,`, 1), "given twice"},
		{"field given twice, once null", strings.Replace(good, `{`, `{"batter":null,`, 1), "given twice"},
		{"name of 201 characters", withField(t, good, "pitcher_name", `"`+strings.Repeat("é", 201)+`"`), "pitcher_name is 201 characters long, the limit is 200"},
		{"des of 1001 characters", withField(t, good, "des", `"`+strings.Repeat("d", 1001)+`"`), "des is 1001 characters"},
		{"900 KB name", withField(t, good, "pitcher_name", `"`+huge+`"`), "pitcher_name is 900000 characters"},
		{"900 KB team", withField(t, good, "inning_topbot", `"`+huge+`"`), "inning_topbot is 900000"},
		{"ts in year 9999", withField(t, good, "ts", `"9999-12-31T23:59:59.999Z"`), "in the future"},
		{"ts two days ahead", withField(t, good, "ts", `"`+future+`"`), "in the future"},
		{"600,000-digit game_pk", withField(t, good, "game_pk", strings.Repeat("9", 600_000)), "whole number"},
		{"900 KB bad ts", withField(t, good, "ts", `"`+huge+`"`), "not an RFC 3339 time"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode([]byte(tc.value))
			if !errors.Is(err, ErrInvalidPitch) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Decode = %.300v, want an ErrInvalidPitch mentioning %q", err, tc.want)
			}
			if len(err.Error()) > 300 {
				t.Errorf("error of %d bytes: it must quote only a little of the record", len(err.Error()))
			}
		})
	}
}

// TestDecodeAcceptsTheSchemasEdges checks values at the edges of what the
// schema allows are accepted.
func TestDecodeAcceptsTheSchemasEdges(t *testing.T) {
	good := string(samplePitches(t, 1, 1)[0].AppendJSON(nil))
	soon := time.Now().Add(time.Hour).UTC().Format(TimestampLayout)
	tests := []struct{ name, value string }{
		{"slowest", withField(t, good, "release_speed", "30")},
		{"fastest", withField(t, good, "release_speed", "110.0")},
		{"no speed", withField(t, good, "release_speed", "null")},
		{"full count, two out", withField(t, withField(t, withField(t, good, "balls", "3"), "strikes", "2"), "outs_when_up", "2")},
		{"name of 200 characters, 400 bytes", withField(t, good, "pitcher_name", `"`+strings.Repeat("é", 200)+`"`)},
		{"des of 1000 characters", withField(t, good, "des", `"`+strings.Repeat("d", 1000)+`"`)},
		{"ts an hour ahead of this clock", withField(t, good, "ts", `"`+soon+`"`)},
		{"lone surrogate escape", withField(t, good, "des", `"\ud800"`)},
		{"unknown field", strings.Replace(good, `{`, `{"spin_rate":2400,`, 1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Decode([]byte(tc.value)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestLaterIsATotalOrder(t *testing.T) {
	ts := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := Pitch{TS: ts, GamePK: 2, GameSeq: 1}
	tests := []struct {
		name string
		b    Pitch
		want bool // a later than b
	}{
		{"later ts wins", Pitch{TS: ts.Add(-time.Millisecond), GamePK: 9, GameSeq: 9}, true},
		{"earlier ts loses", Pitch{TS: ts.Add(time.Millisecond), GamePK: 1, GameSeq: 1}, false},
		{"same ts, higher game_pk wins", Pitch{TS: ts, GamePK: 1, GameSeq: 9}, true},
		{"same ts and game, higher game_seq wins", Pitch{TS: ts, GamePK: 2, GameSeq: 2}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Later(&a, &tc.b); got != tc.want {
				t.Errorf("Later = %v, want %v", got, tc.want)
			}
			if Later(&a, &tc.b) == Later(&tc.b, &a) {
				t.Errorf("Later is not antisymmetric")
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	ps := samplePitches(b, 1, 1024)
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf = ps[i&1023].AppendJSON(buf[:0])
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkDecode(b *testing.B) {
	ps := samplePitches(b, 1, 1024)
	data := make([][]byte, len(ps))
	for i := range ps {
		data[i] = ps[i].AppendJSON(nil)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Decode(data[i&1023]); err != nil {
			b.Fatal(err)
		}
	}
}

func TestTimestampsAreWrittenAsTheLayoutSays(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	times := []time.Time{
		time.Date(2026, 3, 26, 13, 5, 9, 7_000_000, time.UTC),
		time.Date(2026, 12, 31, 23, 59, 59, 999_999_999, time.FixedZone("EST", -5*3600)),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for range 1000 {
		times = append(times, time.Unix(0, rng.Int64N(1<<62)))
	}
	for _, ts := range times {
		if got, want := string(appendTimestamp(nil, ts)), ts.UTC().Format(TimestampLayout); got != want {
			t.Fatalf("%v: wrote %s, want %s", ts, got, want)
		}
	}
}

func TestQuotedStringsReadBackAsWritten(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	alphabet := []string{"a", "Z", " ", "\"", "\\", "\n", "\t", "\x00", "\x1f", "\x7f", "é", "⚾", "<", "/"}
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(40) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		s := b.String()
		quoted := appendQuoted(nil, s)
		var back string
		if err := json.Unmarshal(quoted, &back); err != nil || back != s {
			t.Fatalf("%q written as %s, read back as %q (%v)", s, quoted, back, err)
		}
	}
}

// TestSpecialBytesFindsEveryByteAStringMustEscape checks the word-at-a-time
// test against the byte-at-a-time one: every byte value at every place in
// a word, then random words.
func TestSpecialBytesFindsEveryByteAStringMustEscape(t *testing.T) {
	special := func(c byte) bool { return c == '"' || c == '\\' || c < 0x20 }
	check := func(w [8]byte) {
		want := false
		for _, c := range w {
			want = want || special(c)
		}
		if got := specialBytes(binary.LittleEndian.Uint64(w[:])) != 0; got != want {
			t.Fatalf("specialBytes(%q) = %v, want %v", w, got, want)
		}
	}
	for c := 0; c < 256; c++ {
		for at := 0; at < 8; at++ {
			w := [8]byte{'a', 'b', 0xc3, 0xa9, '~', ' ', 'z', 0x7f}
			w[at] = byte(c)
			check(w)
		}
	}
	rng := rand.New(rand.NewPCG(3, 3))
	for range 200_000 {
		var w [8]byte
		for i := range w {
			w[i] = byte(rng.IntN(256))
		}
		check(w)
	}
}

func TestSpeedsAreWrittenAsStrconvWritesThem(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	speeds := []float64{0.1, 0.05, 0.15, 95.25, 95.35, 99.95, 99.94999999, 100, 105.3, 1e5 - 0.1, 1e5, 1e6, -3.2,
		math.NaN(), math.Inf(1), math.SmallestNonzeroFloat64, 1e-7}
	for range 100000 {
		tenths := float64(rng.IntN(2000))
		speeds = append(speeds, tenths/10, tenths/10+rng.Float64()*1e-6, (tenths+0.5)/10, rng.Float64()*200)
	}
	for _, mph := range speeds {
		want := "null"
		if mph != 0 {
			want = strconv.FormatFloat(mph, 'f', 1, 64)
		}
		if got := string(appendSpeed(nil, mph)); got != want {
			t.Fatalf("speed %v written %s, strconv writes %s", mph, got, want)
		}
	}
}

func TestNumbersAreWrittenAsStrconvWritesThem(t *testing.T) {
	for _, v := range []int64{-101, -100, -99, -10, -9, -1, 0, 1, 9, 10, 11, 42, 99, 100, 101, 999, 1 << 40, math.MaxInt64, math.MinInt64} {
		if got, want := string(appendNumber(nil, v)), strconv.FormatInt(v, 10); got != want {
			t.Errorf("%d written %s", v, got)
		}
	}
}

// BenchmarkPeekOrder measures reading a record's order alone, as
// last-pitch does for every record.
func BenchmarkPeekOrder(b *testing.B) {
	ps := samplePitches(b, 1, 1024)
	data := make([][]byte, len(ps))
	for i := range ps {
		data[i] = ps[i].AppendJSON(nil)
	}
	for i := 0; b.Loop(); i++ {
		if _, ok := PeekOrder(data[i&1023]); !ok {
			b.Fatalf("PeekOrder declined %s", data[i&1023])
		}
	}
}
