package kafkaio

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
)

// poisonValues are events that are valid JSON but break the JSON Schema,
// as issue 21 found them accepted, each made from a good event v.
func poisonValues(tb testing.TB, v []byte) [][]byte {
	tb.Helper()
	s := string(v)
	replace := func(old, new string) []byte {
		tb.Helper()
		if !strings.Contains(s, old) {
			tb.Fatalf("no %s in %s", old, s)
		}
		return []byte(strings.Replace(s, old, new, 1))
	}
	var p game.Pitch
	if err := json.Unmarshal(v, &p); err != nil {
		tb.Fatal(err)
	}
	name, _ := json.Marshal(p.PitcherName)
	return [][]byte{
		replace(`"release_speed":`, `"release_speed":-95.5,"x":`),
		replace(`"pitcher_name":`+string(name), `"pitcher_name":"`+strings.Repeat("P", 900_000)+`"`),
		replace(`"pitcher_name":`+string(name), "\"pitcher_name\":\"Jos\xe9\""),
		replace(`{`, `{"pitcher":1,`),
		replace(`"ts":"`, `"ts":"9999-12-31T23:59:59.999Z","x":"`),
		replace(`"balls":`, `"balls":4,"x":`),
		replace(`"p_throws":`, `"p_throws":"X","x":`),
	}
}

// TestReaderSkipsWhatTheSchemaForbids puts records that break the JSON
// Schema among good ones: the reader must hand on exactly the good ones
// and skip and count every poison one, logging short lines.
func TestReaderSkipsWhatTheSchemaForbids(t *testing.T) {
	b := testkit.StartBroker(t)
	var logs bytes.Buffer
	cfg := testConfig(b, zerolog.New(zerolog.SyncWriter(&logs)))
	good := mustPublish(t, cfg, "pitches", 300)
	poison := poisonValues(t, good[0].AppendJSON(nil))
	produceRaw(t, b.Bootstrap(), "pitches", 1, poison)
	r, err := NewReader(cfg, "pitches")
	if err != nil {
		t.Fatal(err)
	}
	var got int
	last := map[int64]game.Pitch{}
	err = r.Run(context.Background(), ReadOptions{FromBeginning: true, Once: true}, func(rec Record) {
		got++
		if old, ok := last[rec.Pitch.Pitcher]; !ok || game.Later(&rec.Pitch, &old) {
			last[rec.Pitch.Pitcher] = rec.Pitch
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if st := r.Stats(); got != len(good) || st.Skipped != int64(len(poison)) {
		t.Fatalf("handled %d, skipped %d; want %d and %d", got, st.Skipped, len(good), len(poison))
	}
	for id, p := range last {
		if p.TS.Year() > 2100 || p.ReleaseSpeed < 0 {
			t.Errorf("pitcher %d's last pitch is a poison record: %+v", id, p)
		}
	}
	assertShortLogLines(t, logs.String(), len(poison))
}

// assertShortLogLines checks that no log line is longer than a few
// hundred bytes, whatever the records quoted, and that skips were logged.
func assertShortLogLines(tb testing.TB, logs string, skipped int) {
	tb.Helper()
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		if len(line) > 1000 {
			tb.Errorf("log line of %d bytes: %.200s…", len(line), line)
		}
		if strings.Contains(line, "skipped a record") {
			n++
		}
	}
	if n != skipped {
		tb.Errorf("%d records logged as skipped, want %d", n, skipped)
	}
}

// TestADeadLetterCopyThatCannotBeWrittenNeverStopsTheGroup puts poison
// records among good ones: one so large that its copy with headers is over
// the topic's limit, which is written with its value cut to fit and a
// header giving its size, and one whose key alone is over it, whose copy
// cannot be written. The member must announce every good pitch, copy every
// poison record it can with bounded headers, count the one it cannot, and
// commit to the end.
func TestADeadLetterCopyThatCannotBeWrittenNeverStopsTheGroup(t *testing.T) {
	b := testkit.StartBroker(t)
	var logs bytes.Buffer
	cfg := testConfig(b, zerolog.New(zerolog.SyncWriter(&logs)))
	good := mustPublish(t, cfg, "pitches", 300)
	copyable := append(poisonValues(t, good[0].AppendJSON(nil)),
		[]byte(`{"game_pk":`+strings.Repeat("6", 600_000)+`}`)) // the error quoted it whole
	tooLarge := []byte(`{"big":"` + strings.Repeat("x", 999_900-10) + `"}`)
	produceRaw(t, b.Bootstrap(), "pitches", 1, append([][]byte{tooLarge}, copyable...))
	produceRawKeyed(t, b.Bootstrap(), "pitches", 1, bytes.Repeat([]byte("k"), 1_010_000), []byte(`{"key":"too large"}`))

	g, err := NewGroupReader(context.Background(), cfg, GroupOptions{Topic: "pitches", Group: "dlq-limits", FromBeginning: true,
		DLQ: "pitches-dlq", Once: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var handled atomic.Int64
	err = g.Run(ctx, func(Record) error { handled.Add(1); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatal("the member did not read to the end within 60 s")
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	st := g.Stats()
	if handled.Load() != int64(len(good)) || st.Skipped != int64(len(copyable)+2) || st.NotCopied != 1 {
		t.Fatalf("handled %d, skipped %d, not copied %d; want %d, %d and 1",
			handled.Load(), st.Skipped, st.NotCopied, len(good), len(copyable)+2)
	}
	letters := readRaw(t, b.Bootstrap(), "pitches-dlq", len(copyable)+1)
	cut := letters[0]
	if from := headerValue(cut.Headers, headerTruncatedFrom); from != "999900" || !bytes.HasPrefix(tooLarge, cut.Value) ||
		len(cut.Value) < 900_000 {
		t.Errorf("the copy too large for the topic: %d bytes, %s=%q; want a prefix of the record, most of it, and 999900",
			len(cut.Value), headerTruncatedFrom, from)
	}
	for i, m := range letters[1:] {
		for _, h := range m.Headers {
			if h.Key == headerDLQError && len(h.Value) > maxErrorText+40 {
				t.Errorf("dead letter %d: error header of %d bytes", i, len(h.Value))
			}
		}
		if !bytes.Equal(m.Value, copyable[i]) || headerValue(m.Headers, headerTruncatedFrom) != "" {
			t.Errorf("dead letter %d is not the record as it was", i)
		}
	}
	assertCommittedToTheEnd(t, b.Bootstrap(), "pitches", "dlq-limits")
	if !regexp.MustCompile(`"level":"warn","partition":1,"offset":\d+,"bytes":\d+,"not_copied":1,.*could not write the dead-letter copy`).
		MatchString(logs.String()) {
		t.Errorf("no warning naming the partition and offset of the copy not written:\n%.3000s", logs.String())
	}
	assertShortLogLines(t, logs.String(), len(copyable)+2)
}

// headerValue is the value of the header named key, or "".
func headerValue(headers []kafka.Header, key string) string {
	for _, h := range headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}
