package game

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzDecode checks the hand-written decoder against encoding/json and the
// JSON Schema's rules: it must never panic, must accept only what
// encoding/json accepts and must then decode exactly the same pitch, and
// that pitch must pass Validate from valid UTF-8 with no field given twice
// (encoding/json silently takes the last of two and replaces invalid
// UTF-8; the schema forbids both). Seeds: the golden stream, replayed
// Statcast pitches and the bad records of the tests.
//
//	go test ./game -run XXX -fuzz FuzzDecode -fuzztime 10m
func FuzzDecode(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(assertDecodesAsEncodingJSON)
}

// assertDecodesAsEncodingJSON fails when Decode accepts data that
// encoding/json rejects, decodes it to another pitch, or accepts what the
// schema forbids.
func assertDecodesAsEncodingJSON(t *testing.T, data []byte) {
	t.Helper()
	assertInOrderAgrees(t, data)
	got, err := Decode(data)
	if err != nil {
		return
	}
	if !utf8.Valid(data) {
		t.Fatalf("Decode accepted invalid UTF-8: %q", data)
	}
	if name, twice := fieldGivenTwice(data); twice {
		t.Fatalf("Decode accepted field %q given twice: %q", name, data)
	}
	if err := got.Validate(); err != nil {
		t.Fatalf("Decode accepted an event Validate rejects (%v): %q", err, data)
	}
	var want Pitch
	if jerr := json.Unmarshal(data, &want); jerr != nil {
		t.Fatalf("Decode accepted what encoding/json rejects (%v): %q", jerr, data)
	}
	if !got.TS.Equal(want.TS) {
		t.Fatalf("ts %v, encoding/json says %v: %q", got.TS, want.TS, data)
	}
	got.TS = want.TS
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Decode and encoding/json disagree on %q:\n got %+v\nwant %+v", data, got, want)
	}
}

// fieldGivenTwice reports a field of the schema that the top-level object
// of data names twice, matching names as encoding/json does.
func fieldGivenTwice(data []byte) (string, bool) {
	var fields []string
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return "", false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		name, _ := tok.(string)
		for _, f := range fields {
			if strings.EqualFold(f, name) && slices.ContainsFunc(schemaFields, func(s string) bool { return strings.EqualFold(s, name) }) {
				return name, true
			}
		}
		fields = append(fields, name)
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return "", false
		}
	}
	return "", false
}

// TestDecodeReadsFieldsInAnyOrder checks the decoder's shortcut for fields
// in the encoder's order against encoding/json on events whose fields come
// reversed, escaped or in another case.
func TestDecodeReadsFieldsInAnyOrder(t *testing.T) {
	for i, p := range samplePitches(t, 7, 20) {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(p.AppendJSON(nil), &fields); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"pitcher", "schema", "game_pk", "ts"} {
			delete(fields, name) // given below, escaped or in another case
		}
		names := slices.Sorted(maps.Keys(fields))
		if i%2 == 1 {
			slices.Reverse(names)
		}
		var b strings.Builder
		b.WriteString("{")
		for _, name := range names {
			fmt.Fprintf(&b, "%q:%s,", name, fields[name])
		}
		fmt.Fprintf(&b, `"pitcher":%d,"sch\u0065ma":"%s","Game_PK":%d,"TS":%q}`, p.Pitcher+1, SchemaV1, p.GamePK+1,
			p.TS.Add(time.Second).Format(TimestampLayout))
		got, err := Decode([]byte(b.String()))
		if err != nil {
			t.Fatalf("%v: %s", err, b.String())
		}
		if got.Pitcher != p.Pitcher+1 || got.GamePK != p.GamePK+1 || got.Des != p.Des {
			t.Errorf("reordered event decoded as %+v", got)
		}
		assertDecodesAsEncodingJSON(t, []byte(b.String()))
	}
}

func fuzzSeeds(tb testing.TB) [][]byte {
	var seeds [][]byte
	f, err := os.Open("../testdata/season-seed-2016.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for i := 0; sc.Scan() && i < 50; i++ {
		seeds = append(seeds, append([]byte(nil), sc.Bytes()...))
	}
	for _, p := range samplePitches(tb, 4, 20) {
		p.Des = "Jos\u00e9 \"Q\" O'Neil\\ \u2028 \U0001F600"
		seeds = append(seeds, p.AppendJSON(nil))
	}
	seeds = append(seeds, []byte(`{"schema":"pitchkafka.pitch/v1","ts":"2026-01-01T00:00:00.000Z","game_pk":1,"game_seq":1,`+
		`"pitcher":2,"inning_topbot":"Top","extra":{"a":[1,2.5e3,true,null,"\ud83d\ude00"]},"GAME_PK":3}`),
		[]byte(`{"game_pk":01}`), []byte(`{"release_speed":1e400}`), []byte(`{"des":"\ud800\u0041"}`),
		[]byte("not json"), []byte(`{"inning":"x"}`), []byte(`null`), []byte(`[1,2]`), []byte(`{"a":`))
	return seeds
}
