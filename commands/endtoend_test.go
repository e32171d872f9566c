package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// simulatedLastPitches folds the simulator's own first n pitches for seed,
// the way publish generates them, into the expected last-pitch table.
func simulatedLastPitches(tb testing.TB, seed uint64, n int) map[int64]game.Pitch {
	tb.Helper()
	return simulatedLastPitchesAt(tb, seed, 15, n)
}

// simulatedLastPitchesAt is simulatedLastPitches with concurrent games.
func simulatedLastPitchesAt(tb testing.TB, seed uint64, concurrent, n int) map[int64]game.Pitch {
	tb.Helper()
	s, err := game.NewSeason(game.DefaultLeague(), game.SeasonConfig{Seed: seed, Concurrent: concurrent,
		Rules: game.Rules{ExtraInningsRunner: true}})
	if err != nil {
		tb.Fatal(err)
	}
	last := map[int64]game.Pitch{}
	for i := 0; i < n; i++ {
		p, _ := s.Next()
		last[p.Pitcher] = p // a pitcher's pitches come in the order Later sorts them
	}
	return last
}

func decodeArray(tb testing.TB, out string) []game.Pitch {
	tb.Helper()
	var raw []json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		tb.Fatalf("last-pitch output is not one JSON array: %v\n%s", err, out)
	}
	ps := make([]game.Pitch, len(raw))
	for i, r := range raw {
		p, err := game.Decode(r)
		if err != nil {
			tb.Fatal(err)
		}
		ps[i] = p
	}
	return ps
}

func TestPublishThenLastPitchEqualsTheSimulatorsState(t *testing.T) {
	c := testkit.StartCluster(t, testkit.ClusterOptions{})
	at := []string{"--brokers", c.Bootstrap, "--topic", c.Name("pitches")}
	const n, seed = 3000, 7
	pub := mustRun(t, append([]string{"publish", "--rate", "0", "--count", fmt.Sprint(n), "--seed", fmt.Sprint(seed)}, at...)...)
	if !strings.Contains(pub.stderr.String(), fmt.Sprintf(`"delivered":%d`, n)) {
		t.Fatalf("publish did not report %d delivered:\n%s", n, pub.stderr)
	}
	lp := mustRun(t, append([]string{"last-pitch", "--from-beginning", "--once", "--output", "json"}, at...)...)
	got := decodeArray(t, lp.stdout.String())
	want := simulatedLastPitches(t, seed, n)
	if len(got) != len(want) {
		t.Fatalf("%d pitchers in the table, want %d", len(got), len(want))
	}
	for i, p := range got {
		if i > 0 && got[i-1].Pitcher >= p.Pitcher {
			t.Fatalf("output not sorted by pitcher at %d", i)
		}
		w := want[p.Pitcher]
		w.TS = p.TS
		if !reflect.DeepEqual(p, w) {
			t.Fatalf("pitcher %d:\n got %+v\nwant %+v", p.Pitcher, p, w)
		}
	}
	assertMatchesSchema(t, lp.stdout.String())
}

func assertMatchesSchema(tb testing.TB, array string) {
	tb.Helper()
	path, _ := filepath.Abs("../schemas/pitch.schema.json")
	sch, err := jsonschema.NewCompiler().Compile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var events []json.RawMessage
	if err := json.Unmarshal([]byte(array), &events); err != nil {
		tb.Fatal(err)
	}
	for _, e := range events {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(e))
		if err != nil {
			tb.Fatal(err)
		}
		if err := sch.Validate(v); err != nil {
			tb.Fatalf("%v\n%s", err, e)
		}
	}
}

func TestLastPitchOnceReturnsPromptlyOnAnEmptyTopic(t *testing.T) {
	b := testkit.StartBroker(t)
	mustCreateTopic(t, b.Bootstrap(), "empty", 4)
	start := time.Now()
	lp := mustRun(t, "last-pitch", "--brokers", b.Bootstrap(), "--topic", "empty", "--from-beginning", "--once", "--output", "json")
	if strings.TrimSpace(lp.stdout.String()) != "[]" {
		t.Errorf("output %q, want []", lp.stdout)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v on an empty topic", d)
	}
}

// announced is one line of announce --output json.
type announced struct {
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
	GamePK    int64  `json:"game_pk"`
	GameSeq   int    `json:"game_seq"`
	Text      string `json:"text"`
}

func parseAnnounced(tb testing.TB, out string) []announced {
	tb.Helper()
	var as []announced
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var a announced
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			tb.Fatalf("bad announce line %q: %v", line, err)
		}
		as = append(as, a)
	}
	return as
}

func TestTwoAnnouncersInOneGroupPrintEveryOffset(t *testing.T) {
	c := testkit.StartCluster(t, testkit.ClusterOptions{})
	topic := c.Name("pitches")
	const n = 2000
	mustCreateTopic(t, c.Bootstrap, topic, 6)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var members []*running
	group := c.Group(t, "two")
	for range 2 {
		members = append(members, startInProcess(ctx, "announce", "--brokers", c.Bootstrap, "--topic", topic, "--group", group,
			"--from-beginning", "--output", "json"))
	}
	testkit.WaitFor(t, 60*time.Second, "both announcers to own partitions", func() bool {
		return ownsPartitions(members[0].stderr.String()) && ownsPartitions(members[1].stderr.String())
	})
	mustRun(t, "publish", "--brokers", c.Bootstrap, "--topic", topic, "--rate", "0", "--count", fmt.Sprint(n), "--seed", "3")
	seen := func() map[[2]int64]bool {
		set := map[[2]int64]bool{}
		for _, m := range members {
			for _, a := range m.announced(t) {
				set[[2]int64{int64(a.Partition), a.Offset}] = true
			}
		}
		return set
	}
	testkit.WaitFor(t, 60*time.Second, fmt.Sprintf("%d offsets announced", n), func() bool { return len(seen()) >= n })
	cancel()
	for i, m := range members {
		if err := <-m.done; err != nil {
			t.Fatalf("announcer %d: %v\n%s", i, err, m.stderr)
		}
		if len(m.announced(t)) == 0 {
			t.Errorf("announcer %d printed nothing", i)
		}
	}
	assertContiguous(t, seen(), n)
	var all []announced
	for _, m := range members {
		all = append(all, m.announced(t)...)
	}
	assertEachGameInOrder(t, all)
}

// assertEachGameInOrder checks that each game's pitches were announced once
// each, game_seq 1, 2, 3… in the order they were printed: every pitch of a
// game is on one partition, which one member reads in order.
func assertEachGameInOrder(tb testing.TB, as []announced) {
	tb.Helper()
	next := map[int64]int{}
	for _, a := range as {
		if want := next[a.GamePK] + 1; a.GameSeq != want {
			tb.Fatalf("game %d: pitch %d announced where pitch %d was next", a.GamePK, a.GameSeq, want)
		}
		next[a.GamePK] = a.GameSeq
	}
}

// ownsPartitions reports whether an announcer's log shows a non-empty assignment.
func ownsPartitions(stderr string) bool {
	for _, line := range strings.Split(stderr, "\n") {
		if strings.Contains(line, `"message":"assigned"`) && !strings.Contains(line, `"partitions":[]`) {
			return true
		}
	}
	return false
}

// assertContiguous checks that the offsets seen cover 0..end-1 of every
// partition and add up to n.
func assertContiguous(tb testing.TB, seen map[[2]int64]bool, n int) {
	tb.Helper()
	ends := map[int64]int64{}
	for k := range seen {
		ends[k[0]] = max(ends[k[0]], k[1]+1)
	}
	total := int64(0)
	for p, end := range ends {
		for off := int64(0); off < end; off++ {
			if !seen[[2]int64{p, off}] {
				tb.Fatalf("partition %d offset %d was never announced", p, off)
			}
		}
		total += end
	}
	if total != int64(n) {
		tb.Fatalf("%d offsets in the log, want %d", total, n)
	}
}

// logField returns the value of a numeric field in the last JSON log line
// with the given message.
func logField(tb testing.TB, stderr, message, field string) int64 {
	tb.Helper()
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		var m map[string]any
		if json.Unmarshal([]byte(lines[i]), &m) != nil || m["message"] != message {
			continue
		}
		if v, ok := m[field].(float64); ok {
			return int64(v)
		}
	}
	tb.Fatalf("no %q log line with %s in:\n%s", message, field, stderr)
	return 0
}

func TestStoppedPublishDeliversExactlyWhatItReports(t *testing.T) {
	c := testkit.StartCluster(t, testkit.ClusterOptions{})
	topic := c.Name("pitches")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pub := startInProcess(ctx, "publish", "--brokers", c.Bootstrap, "--topic", topic, "--rate", "0", "--seed", "4", "--stats-interval", "100ms")
	waitForDeliveries(t, pub.stderr)
	cancel() // as Ctrl-C does, through the context
	if err := <-pub.done; err != nil {
		t.Fatalf("publish stopped mid-stream: %v\n%s", err, pub.stderr)
	}
	delivered := logField(t, pub.stderr.String(), "done", "delivered")
	if delivered == 0 || delivered != logField(t, pub.stderr.String(), "done", "sent") {
		t.Fatalf("delivered %d of %d sent", delivered, logField(t, pub.stderr.String(), "done", "sent"))
	}
	lp := mustRun(t, "last-pitch", "--brokers", c.Bootstrap, "--topic", topic, "--from-beginning", "--once", "--output", "json")
	if replayed := logField(t, lp.stderr.String(), "caught up: the table is current", "replayed"); replayed != delivered {
		t.Fatalf("the topic holds %d pitches, publish reported %d delivered", replayed, delivered)
	}
}
