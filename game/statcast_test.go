package game

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var excerpts = []string{"../testdata/statcast/kershaw-2022-excerpt.csv", "../testdata/statcast/verlander-2022-excerpt.csv"}

func mustReadStatcast(tb testing.TB, path string) []Pitch {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	ps, skipped, err := ReadStatcast(f, path)
	if err != nil {
		tb.Fatal(err)
	}
	if len(skipped) > 0 {
		tb.Fatalf("skipped rows of a real export: %v", skipped[0])
	}
	return ps
}

// csvRows counts the data rows of a file with encoding/csv, independently.
func csvRows(tb testing.TB, path string) [][]string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(skipBOM(f)).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	return rows[1:]
}

func TestReadStatcastExcerpts(t *testing.T) {
	for _, path := range excerpts {
		ps := mustReadStatcast(t, path)
		if want := len(csvRows(t, path)); len(ps) != want {
			t.Errorf("%s: %d pitches, want %d", path, len(ps), want)
		}
		for _, p := range ps {
			if err := p.validate(); err != nil && !strings.Contains(err.Error(), "ts missing") {
				t.Fatalf("%s: %v", path, err)
			}
		}
	}
	sch := mustCompileSchema(t)
	for _, path := range excerpts {
		for _, p := range mustReadStatcast(t, path) {
			p.TS = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
			p.GameSeq = 1
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(p.AppendJSON(nil)))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(v); err != nil {
				t.Fatalf("%s: replayed event breaks the schema: %v", path, err)
			}
		}
	}
	k := mustReadStatcast(t, excerpts[0])
	if k[0].PitcherName != "Clayton Kershaw" || k[0].Pitcher != 477132 || k[0].PThrows != "L" {
		t.Errorf("first row: %q %d %q", k[0].PitcherName, k[0].Pitcher, k[0].PThrows)
	}
	nullSpeed := 0
	for _, p := range k {
		if p.ReleaseSpeed == 0 {
			nullSpeed++
		}
		if p.Events == "" && p.Des != "" {
			t.Fatalf("des %q on a pitch that ended nothing", p.Des)
		}
	}
	if nullSpeed != 1 {
		t.Errorf("%d pitches without release_speed, the export has 1", nullSpeed)
	}
}

func TestReplayOrder(t *testing.T) {
	r := NewReplay(mustReadStatcast(t, excerpts[0]), mustReadStatcast(t, excerpts[1]))
	var ps []Pitch
	for p := (Pitch{}); r.NextInto(&p); {
		ps = append(ps, p)
	}
	if len(ps) != 355 || r.Len() != 355 {
		t.Fatalf("%d pitches, want 355", len(ps))
	}
	lastSeq := map[int64]int{}
	over := map[int64]bool{}
	sameDay := 0
	for i, p := range ps {
		if i > 0 && p.GameDate < ps[i-1].GameDate {
			t.Fatalf("pitch %d goes back from %s to %s", i, ps[i-1].GameDate, p.GameDate)
		}
		if p.GameSeq != lastSeq[p.GamePK]+1 {
			t.Fatalf("game %d: game_seq %d after %d", p.GamePK, p.GameSeq, lastSeq[p.GamePK])
		}
		if over[p.GamePK] {
			t.Fatalf("game %d goes on after game_over", p.GamePK)
		}
		lastSeq[p.GamePK], over[p.GamePK] = p.GameSeq, p.GameOver
		if i > 0 && p.GameDate == "2022-08-04" && ps[i-1].GameDate == p.GameDate && ps[i-1].GamePK != p.GamePK {
			sameDay++
		}
	}
	if len(over) != 4 {
		t.Errorf("%d games, want 4", len(over))
	}
	for pk, o := range over {
		if o {
			t.Errorf("game %d is game_over: a pitcher's export holds only his pitches", pk)
		}
	}
	for _, p := range ps {
		if !p.Partial {
			t.Fatalf("game %d pitch %d not marked partial", p.GamePK, p.GameSeq)
		}
	}
	if whole, partial := r.Games(); whole != 0 || partial != 4 || r.ScoresFixed() != 0 {
		t.Errorf("%d whole and %d partial games, %d scores fixed; want 0, 4 and 0", whole, partial, r.ScoresFixed())
	}
	if sameDay < 50 {
		t.Errorf("the two games of 2022-08-04 alternate only %d times: they should interleave", sameDay)
	}
}

func TestReplayMergesDuplicates(t *testing.T) {
	k := mustReadStatcast(t, excerpts[0])
	r := NewReplay(k, k[:40])
	if r.Len() != len(k) || r.Duplicates() != 40 {
		t.Errorf("len %d, duplicates %d; want %d and 40", r.Len(), r.Duplicates(), len(k))
	}
}

func TestReadStatcastBadInput(t *testing.T) {
	header := `game_pk,game_date,at_bat_number,pitch_number,pitcher,batter,inning,inning_topbot,balls,strikes,description,home_team,away_team` + "\n"
	good := `1,2022-04-01,1,1,10,20,1,Top,0,0,ball,LAD,SF` + "\n"
	tests := []struct {
		name, data  string
		wantErr     string // the whole file fails
		wantSkipped []int  // lines skipped
		wantPitches int
	}{
		{"not a Savant export", "name,team\nKershaw,LAD\n", "no column game_pk", nil, 0},
		{"empty file", "", "not a Baseball Savant export", nil, 0},
		{"a minimal export", header + good, "", nil, 1},
		{"bad rows are skipped with their line", header + good +
			`x,2022-04-01,1,2,10,20,1,Top,0,0,ball,LAD,SF` + "\n" +
			`1,2022-04-01,1,3,10,20,1,Middle,0,0,ball,LAD,SF` + "\n" +
			`1,2022-04-01,1,4,10,20,1,Top,5,0,ball,LAD,SF` + "\n" +
			`1,2022-04-01,1,5` + "\n" + good, "", []int{3, 4, 5, 6}, 2},
		{"quoted commas and a byte-order mark", "\ufeff\"game_pk\"" + strings.TrimPrefix(header, "game_pk") +
			`1,2022-04-01,1,1,10,20,1,Top,0,0,"ball, in the dirt",LAD,SF` + "\n", "", nil, 1},
		{"a column named twice keeps the first", strings.TrimSuffix(header, "\n") + ",pitcher\n" +
			strings.TrimSuffix(good, "\n") + ",99\n", "", nil, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps, skipped, err := ReadStatcast(strings.NewReader(tc.data), "test.csv")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "test.csv") {
					t.Fatalf("error %v, want one naming test.csv and %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != tc.wantPitches {
				t.Errorf("%d pitches, want %d", len(ps), tc.wantPitches)
			}
			var lines []string
			for _, s := range skipped {
				lines = append(lines, strconv.Itoa(s.Line))
				if !strings.HasPrefix(s.Error(), "test.csv:") {
					t.Errorf("skip %q does not name the file", s)
				}
			}
			var want []string
			for _, l := range tc.wantSkipped {
				want = append(want, strconv.Itoa(l))
			}
			if strings.Join(lines, ",") != strings.Join(want, ",") {
				t.Errorf("skipped lines %v, want %v", lines, want)
			}
			for _, p := range ps {
				if p.Pitcher != 10 {
					t.Errorf("pitcher %d, want the first pitcher column", p.Pitcher)
				}
			}
		})
	}
}

func TestReadStatcastReportsBrokenCSV(t *testing.T) {
	_, _, err := ReadStatcast(strings.NewReader("game_pk,\"unterminated\n"), "broken.csv")
	if err == nil || errors.Is(err, io.EOF) {
		t.Fatalf("error %v, want a parse error", err)
	}
}
