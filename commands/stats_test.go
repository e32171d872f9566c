package commands

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
)

func TestStatsOnAPublishedStreamAgreesWithTheSimulator(t *testing.T) {
	c := testkit.StartCluster(t, testkit.ClusterOptions{})
	at := []string{"--brokers", c.Bootstrap, "--topic", c.Name("pitches")}
	const games, seed = 150, 77
	mustRun(t, append([]string{"publish", "--rate", "0", "--games", fmt.Sprint(games), "--seed", fmt.Sprint(seed)}, at...)...)
	out := mustRun(t, append([]string{"stats", "--from-beginning", "--once", "--output", "json"}, at...)...)
	var got statsReport
	if err := json.Unmarshal([]byte(out.stdout.String()), &got); err != nil {
		t.Fatalf("%v\n%s", err, out.stdout)
	}

	season, err := game.NewSeason(game.DefaultLeague(), game.SeasonConfig{Seed: seed, Concurrent: 15, Games: games,
		Rules: game.Rules{ExtraInningsRunner: true}})
	if err != nil {
		t.Fatal(err)
	}
	var want game.Stats
	for p, ok := season.Next(); ok; p, ok = season.Next() {
		want.Add(&p)
	}
	if got.Games != games || got.InProgress != 0 || got.Counts.Pitches != want.Pitches {
		t.Fatalf("games %d (%d in progress), pitches %d; want %d games, %d pitches", got.Games, got.InProgress,
			got.Counts.Pitches, games, want.Pitches)
	}
	wantFigures := want.Figures()
	for i, f := range got.Figures {
		if f.Name != wantFigures[i].Name || math.Abs(f.Value-wantFigures[i].Value) > 1e-9 {
			t.Errorf("%s = %v, the simulator says %v", f.Name, f.Value, wantFigures[i].Value)
		}
	}
	wantRE := want.RunExpectancy.Figures()
	if len(got.RunExpectancy) != len(wantRE) {
		t.Fatalf("%d run-expectancy states, want %d", len(got.RunExpectancy), len(wantRE))
	}
	for i, f := range got.RunExpectancy {
		if f != wantRE[i] {
			t.Errorf("run expectancy %s, %d out: %+v, the simulator says %+v", f.Bases, f.Outs, f, wantRE[i])
		}
	}
	if len(got.PitchTypes) < 8 {
		t.Errorf("only %d pitch types", len(got.PitchTypes))
	}
	table := mustRun(t, append([]string{"stats", "--from-beginning", "--once"}, at...)...)
	t.Logf("stats on %d published games:\n%s", games, table.stdout)
}

func TestTheSameSeedGivesTheSameEventsWhateverTheRate(t *testing.T) {
	b := testkit.StartBroker(t)
	events := func(topic, rate string) map[[2]int64]game.Pitch {
		mustRun(t, "publish", "--brokers", b.Bootstrap(), "--topic", topic, "--rate", rate, "--count", "400", "--seed", "31")
		out := map[[2]int64]game.Pitch{}
		for _, p := range mustReadAll(t, b.Bootstrap(), topic) {
			p.TS = time.Time{}
			out[[2]int64{p.GamePK, int64(p.GameSeq)}] = p
		}
		return out
	}
	flatOut, paced := events("flat", "0"), events("paced", "4000")
	if len(flatOut) != 400 || !reflect.DeepEqual(flatOut, paced) {
		t.Fatalf("--rate 0 and --rate 4000 gave different pitches for the same seed (%d and %d)", len(flatOut), len(paced))
	}
}

func TestPublishPlaysAUsersLeague(t *testing.T) {
	b := testkit.StartBroker(t)
	mustRun(t, "publish", "--brokers", b.Bootstrap(), "--league", "../testdata/league-two-teams.json", "--concurrent", "1",
		"--games", "2", "--rate", "0", "--seed", "1")
	out := mustRun(t, "last-pitch", "--brokers", b.Bootstrap(), "--from-beginning", "--once", "--output", "json")
	ace := false
	for _, p := range decodeArray(t, out.stdout.String()) {
		if p.HomeTeam+p.AwayTeam != "BOSNYY" && p.HomeTeam+p.AwayTeam != "NYYBOS" {
			t.Fatalf("a game between %s and %s in a two-team league", p.AwayTeam, p.HomeTeam)
		}
		ace = ace || p.PitcherName == "Ace Lefty"
	}
	if !ace {
		t.Error("Ace Lefty, Boston's listed starter, did not pitch")
	}
}

func TestStatsTablePrintsTheRunExpectancyMatrix(t *testing.T) {
	season, err := game.NewSeason(game.DefaultLeague(), game.SeasonConfig{Seed: 3, Concurrent: 15, Games: 300,
		Rules: game.Rules{ExtraInningsRunner: true}})
	if err != nil {
		t.Fatal(err)
	}
	book := game.NewStatsBook()
	for p, ok := season.Next(); ok; p, ok = season.Next() {
		book.Add(&p)
	}
	view := &statsView{book: book}
	var out strings.Builder
	if err := writeStats(&out, "table", view.report()); err != nil {
		t.Fatal(err)
	}
	table := out.String()
	for _, want := range []string{"run expectancy, innings 1-8 (stream / MLB 2025)", "runners", "123", "2.50", "0.71"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	t.Logf("\n%s", table)
}

// TestStatsShowsPitchFiguresFromTheFirstPitch: before any game ends, the
// figures per pitch or plate appearance show, and those per game say they
// wait for a game to end.
func TestStatsShowsPitchFiguresFromTheFirstPitch(t *testing.T) {
	season, err := game.NewSeason(game.DefaultLeague(), game.SeasonConfig{Seed: 5, Concurrent: 15,
		Rules: game.Rules{ExtraInningsRunner: true}})
	if err != nil {
		t.Fatal(err)
	}
	book := game.NewStatsBook()
	for range 1500 { // about a hundred pitches each of fifteen games: none is over
		p, _ := season.Next()
		book.Add(&p)
	}
	r := (&statsView{book: book}).report()
	if r.Games != 0 || r.InProgress != 15 || r.Counts.Pitches != 1500 {
		t.Fatalf("%d complete, %d in progress, %d pitches; want 0, 15 and 1500", r.Games, r.InProgress, r.Counts.Pitches)
	}
	for _, f := range r.Figures {
		if !f.PerGame && (f.Value <= 0 || f.Value > 3*f.MLB) {
			t.Errorf("%s is %.3f before any game ended; MLB's is %.3f", f.Name, f.Value, f.MLB)
		}
	}
	var out strings.Builder
	if err := writeStats(&out, "table", r); err != nil {
		t.Fatal(err)
	}
	table := out.String()
	for _, want := range []string{"1500 pitches so far: 0 games complete, 15 in progress", "figures per game wait for a game to end"} {
		if !strings.Contains(table, want) {
			t.Errorf("no %q in:\n%s", want, table)
		}
	}
	for _, line := range strings.Split(table, "\n") {
		fields := strings.Fields(line)
		if strings.HasPrefix(strings.TrimSpace(line), "runs per team-game") && fields[len(fields)-2] != "-" {
			t.Errorf("runs per team-game shows %q before any game ended, want -", line)
		}
		if strings.HasPrefix(strings.TrimSpace(line), "K% of PA") && fields[len(fields)-2] == "-" {
			t.Errorf("K%% waits for a game: %q", line)
		}
	}
}
