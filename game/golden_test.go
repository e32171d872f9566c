package game

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const goldenPath = "../testdata/season-seed-2016.jsonl"

// goldenStream is what the golden file holds: the first pitches of the
// season with seed 2016, one JSON event a line, ts fixed at the epoch since
// it is the one field a seed does not decide.
func goldenStream(tb testing.TB) []byte {
	tb.Helper()
	s, err := NewSeason(DefaultLeague(), SeasonConfig{Seed: 2016, Concurrent: 4, Games: 4, Rules: Rules{ExtraInningsRunner: true}})
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	for p, ok := s.Next(); ok; p, ok = s.Next() {
		p.TS = time.Unix(0, 0)
		buf.Write(p.AppendJSON(nil))
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

func TestGoldenSeason(t *testing.T) {
	got := goldenStream(t)
	if *update {
		if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("%v (run go test ./game -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if !bytes.Equal(gl[i], wl[i]) {
				t.Fatalf("line %d differs from %s:\n got %s\nwant %s\n(if the change is intended: go test ./game -run Golden -update)", i+1, goldenPath, gl[i], wl[i])
			}
		}
		t.Fatalf("%d lines, golden has %d", len(gl), len(wl))
	}
}

func TestSameSeedSameGamesWhateverTheConcurrency(t *testing.T) {
	byGame := func(concurrent int) map[int64][]byte {
		s, err := NewSeason(DefaultLeague(), SeasonConfig{Seed: 5, Concurrent: concurrent, Games: 20, Rules: Rules{ExtraInningsRunner: true}})
		if err != nil {
			t.Fatal(err)
		}
		out := map[int64][]byte{}
		for p, ok := s.Next(); ok; p, ok = s.Next() {
			out[p.GamePK] = p.AppendJSON(out[p.GamePK])
		}
		return out
	}
	one, fifteen := byGame(1), byGame(15)
	if len(one) != 20 || len(fifteen) != 20 {
		t.Fatalf("games: %d and %d, want 20", len(one), len(fifteen))
	}
	for pk, events := range one {
		if !bytes.Equal(events, fifteen[pk]) {
			t.Fatalf("game %d differs between --concurrent 1 and 15", pk)
		}
	}
}

// MustCompileSchema compiles the pitch event's JSON Schema from schemas/.
func mustCompileSchema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	path, err := filepath.Abs("../schemas/pitch.schema.json")
	if err != nil {
		tb.Fatal(err)
	}
	sch, err := jsonschema.NewCompiler().Compile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return sch
}

func TestSimulatedEventsMatchTheJSONSchema(t *testing.T) {
	sch := mustCompileSchema(t)
	for _, p := range samplePitches(t, 11, 5000) {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(p.AppendJSON(nil)))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(v); err != nil {
			t.Fatalf("game %d seq %d: %v", p.GamePK, p.GameSeq, err)
		}
	}
}
