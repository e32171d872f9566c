package game

import (
	"bufio"
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// FuzzDecode checks the hand-written decoder against encoding/json: it
// must never panic, must accept only what encoding/json accepts, and must
// then decode exactly the same pitch. Seeds: the golden stream, replayed
// Statcast pitches and the bad records of the tests.
//
//	go test ./game -run XXX -fuzz FuzzDecode -fuzztime 10m
func FuzzDecode(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Decode(data)
		if err != nil {
			return
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
	})
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
