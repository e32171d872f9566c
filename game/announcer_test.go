package game

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// lineScoreRows returns the two team rows of the line score printed at the
// end of a game, as fields.
func lineScoreRows(tb testing.TB, lines []string, away, home string) (awayRow, homeRow []string) {
	tb.Helper()
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) > 0 && f[0] == away && awayRow == nil {
			awayRow = f
		} else if len(f) > 0 && f[0] == home && homeRow == nil {
			homeRow = f
		}
	}
	if awayRow == nil || homeRow == nil {
		tb.Fatalf("no line score rows for %s and %s in:\n%s", away, home, strings.Join(lines, "\n"))
	}
	return awayRow, homeRow
}

func TestLineScoreAddsUp(t *testing.T) {
	for pk, ps := range seasonPitches(t, 21, 40) {
		a := NewAnnouncer()
		var hits, errs [2]int
		var last []string
		halves := 0
		for i := range ps {
			p := &ps[i]
			bat := 0
			if !p.Top() {
				bat = 1
			}
			if IsHit(p.Events) {
				hits[bat]++
			}
			if p.Events == "field_error" {
				errs[1-bat]++
			}
			last = a.Lines(p)
			for _, l := range last {
				if strings.HasPrefix(strings.TrimSpace(l), "End of the") {
					halves++
				}
			}
		}
		end := ps[len(ps)-1]
		awayRow, homeRow := lineScoreRows(t, last, end.AwayTeam, end.HomeTeam)
		for team, row := range [][]string{awayRow, homeRow} {
			final := []int{end.PostAwayScore, end.PostHomeScore}[team]
			n := len(row)
			want := []string{strconv.Itoa(final), strconv.Itoa(hits[team]), strconv.Itoa(errs[team])}
			if got := row[n-3:]; strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("game %d: %s R H E = %v, want %v", pk, row[0], got, want)
			}
			sum := 0
			for _, cell := range row[1 : n-3] {
				if cell != "x" {
					v, err := strconv.Atoi(cell)
					if err != nil {
						t.Fatalf("game %d: cell %q", pk, cell)
					}
					sum += v
				}
			}
			if sum != final {
				t.Fatalf("game %d: %s innings add up to %d, final %d", pk, row[0], sum, final)
			}
		}
		if strings.Contains(strings.Join(last, "\n"), "incomplete") {
			t.Fatalf("game %d seen whole is marked incomplete", pk)
		}
		if wantHalves := 2*end.Inning - 2; halves < wantHalves {
			t.Fatalf("game %d: %d half-inning summaries for %d innings", pk, halves, end.Inning)
		}
	}
}

func TestJoiningMidGameNarratesAndMarksTheLineScoreIncomplete(t *testing.T) {
	for _, ps := range seasonPitches(t, 22, 1) {
		a := NewAnnouncer()
		var last []string
		for i := 100; i < len(ps); i++ {
			last = a.Lines(&ps[i])
			if !strings.HasPrefix(last[0], fmt.Sprintf("[%s@%s ", ps[i].AwayTeam, ps[i].HomeTeam)) {
				t.Fatalf("pitch line %q does not start with the game", last[0])
			}
		}
		all := strings.Join(last, "\n")
		if !strings.Contains(all, "FINAL") || !strings.Contains(all, "incomplete: this announcer saw pitches 101 to") {
			t.Fatalf("the end of a game joined at pitch 101:\n%s", all)
		}
	}
}

func TestPitchLine(t *testing.T) {
	p := Pitch{AwayTeam: "SEA", HomeTeam: "MIN", Inning: 3, InningTopBot: "Top", Balls: 1, Strikes: 2, OutsWhenUp: 1,
		On2B: 5, AwayScore: 2, HomeScore: 1, PitcherName: "Kyle Gibson", ReleaseSpeed: 91.4, PitchName: "Sinker",
		Description: "foul"}
	want := "[SEA@MIN T3 1-2, 1 out, runner on 2nd, 2-1] Kyle Gibson 91.4 mph sinker: foul"
	if got := PitchLine(&p); got != want {
		t.Errorf("PitchLine:\n got %s\nwant %s", got, want)
	}
}

// TestPartialGamesNeverCostALiveGameItsScorebook: a replay of many
// exports brings thousands of games the stream holds only in part, which
// never end. A whole game in progress among them keeps its scorebook, so
// its FINAL line score is complete, and the books stay bounded.
func TestPartialGamesNeverCostALiveGameItsScorebook(t *testing.T) {
	season, err := NewSeason(DefaultLeague(), SeasonConfig{Seed: 4, Concurrent: 1})
	if err != nil {
		t.Fatal(err)
	}
	var whole []Pitch
	for p, ok := season.Next(); ok && len(whole) == 0 || ok && !whole[len(whole)-1].GameOver; p, ok = season.Next() {
		whole = append(whole, p)
	}
	a := NewAnnouncer()
	partial := func(pk int64) *Pitch {
		return &Pitch{GamePK: pk, GameSeq: 1, AwayTeam: "SEA", HomeTeam: "MIN", Inning: 1, InningTopBot: "Top",
			Description: "ball", Type: "B", Partial: true}
	}
	const perPitch = 600 // more than the 512 books an announcer used to keep in all
	var out []byte
	pk := int64(1 << 40)
	for i := range whole {
		out = a.AppendLines(out[:0], &whole[i])
		for range perPitch {
			pk++
			a.AppendLines(nil, partial(pk))
		}
		if len(a.books) > MaxScorebooks {
			t.Fatalf("%d scorebooks kept, more than %d", len(a.books), MaxScorebooks)
		}
	}
	final := string(out)
	if !strings.Contains(final, "FINAL") || strings.Contains(final, "incomplete") {
		t.Fatalf("the whole game's end among %d partial games:\n%s", pk-(1<<40), final)
	}
	if pk-(1<<40) <= MaxScorebooks {
		t.Fatalf("only %d partial games: the test never reaches the bound", pk-(1<<40))
	}
}
