package commands

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

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
	b := mustStartBroker(t)
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

func TestReplayStatsAgreeWithTheCSV(t *testing.T) {
	b := mustStartBroker(t)
	mustReplay(t, b.Bootstrap())
	out := mustRun(t, "stats", "--brokers", b.Bootstrap(), "--from-beginning", "--once", "--output", "json")
	var got statsReport
	if err := json.Unmarshal([]byte(out.stdout.String()), &got); err != nil {
		t.Fatal(err)
	}
	pitches, strikeouts, walks := 0, 0, 0
	for _, path := range excerpts {
		for _, r := range csvRecords(t, path) {
			pitches++
			switch r["events"] {
			case "strikeout", "strikeout_double_play":
				strikeouts++
			case "walk", "intent_walk":
				walks++
			}
		}
	}
	c := got.Counts
	if c.Pitches != pitches || c.Strikeouts != strikeouts || c.Walks != walks || got.Games != 4 {
		t.Errorf("stats: %d pitches, %d K, %d BB in %d games; the CSV: %d, %d, %d in 4", c.Pitches, c.Strikeouts, c.Walks,
			got.Games, pitches, strikeouts, walks)
	}
}

func TestReplayIsNarrated(t *testing.T) {
	b := mustStartBroker(t)
	mustReplay(t, b.Bootstrap())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := startInProcess(ctx, "announce", "--brokers", b.Bootstrap(), "--from-beginning", "--output", "json")
	waitFor(t, 60*time.Second, "355 pitches announced", func() bool { return len(r.announced(t)) >= 355 })
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
	b := mustStartBroker(t)
	foreign := filepath.Join(t.TempDir(), "roster.csv")
	if err := os.WriteFile(foreign, []byte("name,team\nClayton Kershaw,LAD\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(context.Background(), "publish", "--brokers", b.Bootstrap(), "--rate", "0", "--replay", excerpts[0], foreign)
	if r.err == nil || !strings.Contains(r.err.Error(), "roster.csv") || !strings.Contains(r.err.Error(), "Savant") {
		t.Fatalf("error %v, want one naming roster.csv as no Savant export", r.err)
	}
	exists, err := kafkaio.TopicExists(kafkaio.Config{Brokers: b.Bootstrap(), Timeout: 5 * time.Second, Log: zerolog.Nop()}, "pitches")
	if err != nil || exists {
		t.Errorf("topic exists %v (%v): nothing should have been published", exists, err)
	}
}
