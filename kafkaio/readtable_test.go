package kafkaio

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
)

// foldTable folds a topic into a table, with or without LastPitchesOnly.
func foldTable(tb testing.TB, cfg Config, topic string, lastPitchesOnly bool) (*game.LastPitches, ConsumerStats) {
	tb.Helper()
	r, err := NewReader(cfg, topic)
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	table := game.NewLastPitches()
	opts := ReadOptions{FromBeginning: true, Once: true, LastPitchesOnly: lastPitchesOnly}
	if err := r.Run(context.Background(), opts, func(rec Record) { table.Apply(&rec.Pitch) }); err != nil {
		tb.Fatal(err)
	}
	return table, r.Stats()
}

// TestLastPitchesOnlyGivesTheTableOfFullDecoding reads one log of good
// pitches, pitches without a speed, a record in another field order and
// bad records, one of them the latest of its pitcher, both ways: the table
// must be the same, rows and speeds, and most records must go undecoded.
func TestLastPitchesOnlyGivesTheTableOfFullDecoding(t *testing.T) {
	b := testkit.StartBroker(t)
	cfg := testConfig(b, zerolog.Nop())
	mustCreateTopic(t, cfg, "one") // all records go to partition 0, so they are folded in one order
	pitches := testkit.SeasonPitches(t, 4, 3000)
	base := time.Now().Truncate(time.Millisecond)
	var values [][]byte
	for i := range pitches {
		p := &pitches[i]
		p.TS = base.Add(time.Duration(i) * time.Millisecond)
		if i%7 == 0 {
			p.ReleaseSpeed = 0
		}
		v := p.AppendJSON(nil)
		switch i {
		case 1500: // the same pitch, its fields in another order
			v = []byte(strings.Replace(string(v), `{"schema":"`+game.SchemaV1+`",`, `{`, 1))
			v = append(v[:len(v)-1], `,"schema":"`+game.SchemaV1+`"}`...)
		case 700: // a bad record among good ones
			values = append(values, poisonValues(t, v)[5])
		}
		values = append(values, v)
	}
	last := pitches[len(pitches)-1]
	last.TS, last.GameSeq = last.TS.Add(time.Second), last.GameSeq+1
	values = append(values, poisonValues(t, last.AppendJSON(nil))[6]) // bad, and the latest of its pitcher
	produceRaw(t, b.Bootstrap(), "one", 0, values)

	full, fullStats := foldTable(t, cfg, "one", false)
	picked, pickedStats := foldTable(t, cfg, "one", true)
	if fullStats.Records != 3000 || fullStats.Skipped != 2 || fullStats.Unchecked != 0 {
		t.Fatalf("full decoding: %+v, want 3000 records and 2 skipped", fullStats)
	}
	if !reflect.DeepEqual(picked.Sorted(), full.Sorted()) {
		t.Fatal("LastPitchesOnly gives another table than full decoding")
	}
	for _, p := range full.Sorted() {
		if got, want := picked.RecentSpeeds(p.Pitcher), full.RecentSpeeds(p.Pitcher); !reflect.DeepEqual(got, want) {
			t.Fatalf("pitcher %d's speeds are %v, want %v", p.Pitcher, got, want)
		}
	}
	// How many go unchecked depends on how the records come in batches: the
	// batch with the latest bad record is decoded in full.
	if pickedStats.Skipped < 1 || pickedStats.Records+pickedStats.Skipped != 3002 || pickedStats.Unchecked < 1 {
		t.Fatalf("LastPitchesOnly: %+v, want 3002 records in all, the latest bad one skipped, some unchecked", pickedStats)
	}
	t.Logf("full %+v, LastPitchesOnly %+v", fullStats, pickedStats)
}
