package commands

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/pitchkafka/pitchkafka/kafkaio"
	"github.com/rs/zerolog"
)

var excerpts = []string{"../testdata/statcast/kershaw-2022-excerpt.csv", "../testdata/statcast/verlander-2022-excerpt.csv"}

// csvRecords reads an export with encoding/csv alone, as maps by column name.
func csvRecords(tb testing.TB, path string) []map[string]string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	if b, _ := br.Peek(3); string(b) == "\ufeff" {
		br.Discard(3)
	}
	rows, err := csv.NewReader(br).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	var out []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			if _, dup := m[h]; !dup {
				m[h] = r[i]
			}
		}
		out = append(out, m)
	}
	return out
}

func mustReplay(tb testing.TB, brokers string) {
	tb.Helper()
	mustRun(tb, append([]string{"publish", "--brokers", brokers, "--rate", "0", "--replay"}, excerpts...)...)
}

func TestReplayLastPitchIsEachPitchersChronologicallyLast(t *testing.T) {
	b := testkit.StartBroker(t)
	mustReplay(t, b.Bootstrap())
	out := mustRun(t, "last-pitch", "--brokers", b.Bootstrap(), "--from-beginning", "--once", "--output", "json")
	got := decodeArray(t, out.stdout.String())
	if len(got) != 2 {
		t.Fatalf("%d pitchers, want Kershaw and Verlander", len(got))
	}
	for i, path := range excerpts {
		var last map[string]string
		for _, r := range csvRecords(t, path) {
			if last == nil || chronoKey(r) > chronoKey(last) {
				last = r
			}
		}
		p := got[1-i] // sorted by pitcher id: Verlander 434378 before Kershaw 477132
		if p.GameDate != last["game_date"] || itoa(p.AtBatNumber) != last["at_bat_number"] ||
			itoa(p.PitchNumber) != last["pitch_number"] || p.PitchType != last["pitch_type"] || p.Description != last["description"] {
			t.Errorf("%s: last pitch %s ab %d #%d %s %s, the file says %s ab %s #%s %s %s", path, p.GameDate, p.AtBatNumber,
				p.PitchNumber, p.PitchType, p.Description, last["game_date"], last["at_bat_number"], last["pitch_number"],
				last["pitch_type"], last["description"])
		}
	}
}

func chronoKey(r map[string]string) string {
	pad := func(s string) string { return strings.Repeat("0", 4-len(s)) + s }
	return r["game_date"] + pad(r["at_bat_number"]) + pad(r["pitch_number"])
}

func itoa(n int) string { return strconv.Itoa(n) }

// wholeGame is a made-up whole game whose export repeats the score before
// the pitch as the score after it on both home runs, with a truncated_pa.
const wholeGame = "../testdata/statcast/handmade-whole-game.csv"

// tally is what a CSV says, counted here with encoding/csv alone.
type tally struct{ pitches, pa, k, bb, h, hr, runs int }

// csvTally counts a file's pitches and events. Runs are the score after
// each pitch less the score before it; for a file holding one whole game
// whose post-pitch scores are not to be trusted, the last pitch's score.
func csvTally(tb testing.TB, path string, wholeGame bool) tally {
	tb.Helper()
	var t tally
	num := func(s string) int { n, _ := strconv.Atoi(s); return n }
	rows := csvRecords(tb, path)
	for _, r := range rows {
		t.pitches++
		e := r["events"]
		switch e {
		case "", "truncated_pa":
		default:
			t.pa++
		}
		switch e {
		case "strikeout", "strikeout_double_play":
			t.k++
		case "walk", "intent_walk":
			t.bb++
		case "home_run":
			t.hr++
			t.h++
		case "single", "double", "triple":
			t.h++
		}
		t.runs += num(r["post_home_score"]) + num(r["post_away_score"]) - num(r["home_score"]) - num(r["away_score"])
	}
	if wholeGame {
		last := rows[0] // newest first
		t.runs = num(last["post_home_score"]) + num(last["post_away_score"])
	}
	return t
}

func (t tally) add(o tally) tally {
	return tally{t.pitches + o.pitches, t.pa + o.pa, t.k + o.k, t.bb + o.bb, t.h + o.h, t.hr + o.hr, t.runs + o.runs}
}

func statsTally(s game.Stats) tally {
	return tally{s.Pitches, s.PlateApps, s.Strikeouts, s.Walks, s.Hits, s.HomeRuns, s.Runs}
}

func TestReplayStatsAndLastPitchAgreeWithTheCSV(t *testing.T) {
	b := testkit.StartBroker(t)
	mustRun(t, append([]string{"publish", "--brokers", b.Bootstrap(), "--rate", "0", "--replay", wholeGame}, excerpts...)...)
	out := mustRun(t, "stats", "--brokers", b.Bootstrap(), "--from-beginning", "--once", "--output", "json")
	var got statsReport
	if err := json.Unmarshal([]byte(out.stdout.String()), &got); err != nil {
		t.Fatal(err)
	}
	partial := csvTally(t, excerpts[0], false).add(csvTally(t, excerpts[1], false))
	whole := csvTally(t, wholeGame, true)
	if g := statsTally(got.Counts); g != whole || got.Games != 1 {
		t.Errorf("whole games: stats %+v in %d games; the CSV %+v in 1", g, got.Games, whole)
	}
	if g := statsTally(got.PartialCts); g != partial || got.Partial != 4 {
		t.Errorf("partial games: stats %+v in %d games; the CSV %+v in 4", g, got.Partial, partial)
	}
	text := mustRun(t, "stats", "--brokers", b.Bootstrap(), "--from-beginning", "--once").stdout.String()
	if !strings.Contains(text, "4 partial games") {
		t.Errorf("the table does not say the games are partial:\n%s", text)
	}
	lp := decodeArray(t, mustRun(t, "last-pitch", "--brokers", b.Bootstrap(), "--from-beginning", "--once",
		"--output", "json").stdout.String())
	last := map[string]game.Pitch{}
	for _, p := range lp {
		last[p.PitcherName] = p
	}
	if len(lp) != 4 {
		t.Fatalf("%d pitchers, want Verlander, Kershaw and the whole game's two", len(lp))
	}
	if p := last["Away Pitcher"]; p.Events != "double" || !p.GameOver || p.PostHomeScore != 2 || p.PostAwayScore != 1 {
		t.Errorf("the whole game's last pitch: %+v", p)
	}
	if p := last["Home Pitcher"]; p.Inning != 9 || !p.Top() || p.Events != "field_out" || p.PostAwayScore != 1 {
		t.Errorf("the home pitcher's last pitch, the last out of the top of the 9th: %+v", p)
	}
	if p := last["Clayton Kershaw"]; !p.Partial || p.GameOver || p.GameDate != "2022-08-04" {
		t.Errorf("Kershaw's last pitch: %+v", p)
	}
}

// Announce says which games are partial, and gives a FINAL and a line
// score, adding up, to the whole game only; every pitch is announced.
func TestReplayAnnouncesWholeAndPartialGames(t *testing.T) {
	b := testkit.StartBroker(t)
	mustRun(t, append([]string{"publish", "--brokers", b.Bootstrap(), "--rate", "0", "--replay", wholeGame}, excerpts...)...)
	out := mustRun(t, "announce", "--brokers", b.Bootstrap(), "--from-beginning", "--once", "--group", "replay-test")
	text := out.stdout.String()
	want := csvTally(t, excerpts[0], false).add(csvTally(t, excerpts[1], false)).add(csvTally(t, wholeGame, true))
	if n := strings.Count("\n"+text, "\n["); n != want.pitches {
		t.Errorf("%d pitch lines, want %d", n, want.pitches)
	}
	if n := strings.Count(text, "PARTIAL "); n != 4 {
		t.Errorf("%d games announced partial, want 4", n)
	}
	finals := strings.Count(text, "FINAL ")
	if finals != 1 || !strings.Contains(text, "FINAL SEA 1, CLE 2, on a walk-off. (game 900100)") {
		t.Fatalf("%d FINAL lines, want the whole game's only:\n%s", finals, text)
	}
	box := strings.Split(text[strings.Index(text, "FINAL "):], "\n")[1:4]
	for _, line := range box[1:] {
		f := strings.Fields(line)
		sum := 0
		for _, cell := range f[1 : len(f)-3] {
			n, _ := strconv.Atoi(cell) // x and - count nothing
			sum += n
		}
		if r, _ := strconv.Atoi(f[len(f)-3]); r != sum {
			t.Errorf("line score does not add up: %q", line)
		}
	}
}

// A file re-saved the ways real files come is replayed whole, and the
// run's last line says what was published and what was skipped, by kind.
func TestReplayOfAResavedFileSaysWhatItSkipped(t *testing.T) {
	b := testkit.StartBroker(t)
	resaved := "../testdata/statcast/kershaw-2022-07-30-resaved.csv"
	out := mustRun(t, "publish", "--brokers", b.Bootstrap(), "--rate", "0", "--replay", resaved)
	lines := strings.Split(strings.TrimSpace(out.stderr.String()), "\n")
	var last struct{ Message string }
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range csvRecords(t, excerpts[0]) {
		if r["game_date"] == "2022-07-30" {
			n++
		}
	}
	want := fmt.Sprintf("replay: %d pitches published; 4 rows skipped (1 broken quoting, 1 unreadable game_date, "+
		"2 wrong number of fields)", n)
	if last.Message != want {
		t.Errorf("last line %q, want %q", last.Message, want)
	}
	for _, where := range []string{"resaved.csv\",\"line\":12", "resaved.csv\",\"line\":97"} {
		if !strings.Contains(out.stderr.String(), where) {
			t.Errorf("no log of the skipped row at %s", where)
		}
	}
	if got := len(mustReadAll(t, b.Bootstrap(), "pitches")); got != n {
		t.Errorf("%d pitches on the topic, want %d", got, n)
	}
}

func TestReplayOfNothingUsableFails(t *testing.T) {
	b := testkit.StartBroker(t)
	path := filepath.Join(t.TempDir(), "dates.csv")
	data := "game_pk,game_date,at_bat_number,pitch_number,pitcher,batter,inning,inning_topbot,balls,strikes,description,home_team,away_team\n" +
		"1,someday,1,1,10,20,1,Top,0,0,ball,LAD,SF\n1,2022-04-01,1,2\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	err := mustFail(t, "publish", "--brokers", b.Bootstrap(), "--rate", "0", "--replay", path)
	want := "no pitch to publish in " + path + ": 2 rows skipped (1 unreadable game_date, 1 wrong number of fields)"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q, want it to say %q", err, want)
	}
}

func TestReplayIsNarrated(t *testing.T) {
	b := testkit.StartBroker(t)
	mustReplay(t, b.Bootstrap())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := startInProcess(ctx, "announce", "--brokers", b.Bootstrap(), "--from-beginning", "--output", "json")
	testkit.WaitFor(t, 60*time.Second, "355 pitches announced", func() bool { return len(r.announced(t)) >= 355 })
	cancel()
	if err := <-r.done; err != nil {
		t.Fatal(err)
	}
	text := r.stdout.String()
	for _, want := range []string{"Clayton Kershaw", "Justin Verlander", "mph", "strikes out"} {
		if !strings.Contains(text, want) {
			t.Errorf("the narration never says %q", want)
		}
	}
}

func TestReplayOfAForeignFileFailsBeforePublishing(t *testing.T) {
	b := testkit.StartBroker(t)
	foreign := filepath.Join(t.TempDir(), "roster.csv")
	if err := os.WriteFile(foreign, []byte("name,team\nClayton Kershaw,LAD\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(context.Background(), "publish", "--brokers", b.Bootstrap(), "--rate", "0", "--replay", excerpts[0], foreign)
	if r.err == nil || !strings.Contains(r.err.Error(), "roster.csv") || !strings.Contains(r.err.Error(), "Savant") {
		t.Fatalf("error %v, want one naming roster.csv as no Savant export", r.err)
	}
	exists, err := kafkaio.TopicExists(context.Background(), kafkaio.Config{Brokers: b.Bootstrap(), Timeout: 5 * time.Second, Log: zerolog.Nop()}, "pitches")
	if err != nil || exists {
		t.Errorf("topic exists %v (%v): nothing should have been published", exists, err)
	}
}
