package kafkaio

import (
	"context"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
)

// mustReadAsGroup reads the topic to its end as a member of group, which
// commits and leaves.
func mustReadAsGroup(tb testing.TB, cfg Config, topic, group string) {
	tb.Helper()
	g, err := NewGroupReader(context.Background(), cfg, GroupOptions{Topic: topic, Group: group, FromBeginning: true, Once: true})
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := g.Run(ctx, func(Record) error { return nil }); err != nil {
		tb.Fatal(err)
	}
	if err := g.Close(); err != nil {
		tb.Fatal(err)
	}
}

// A group that read the topic and left is still shown, with no member and
// its committed offsets, and its lag grows as the topic does; a group of
// another topic is not shown; asking again within a second asks nothing.
func TestTopicWatchSeesAGroupThatLeftAndItsLag(t *testing.T) {
	b := testkit.StartBroker(t)
	cfg := testConfig(b, zerolog.Nop())
	mustPublish(t, cfg, "pitches", 300)
	mustPublish(t, cfg, "other", 10)
	mustReadAsGroup(t, cfg, "pitches", "radio")
	mustReadAsGroup(t, cfg, "other", "elsewhere")

	w, err := NewTopicWatch(context.Background(), cfg, "pitches")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	st, err := w.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	total := int64(0)
	for _, h := range st.High {
		total += h
	}
	if len(st.High) != 3 || total != 300 || len(st.Groups) != 1 {
		t.Fatalf("high watermarks %v, groups %+v: want 3 partitions holding 300 records, and group radio alone", st.High, st.Groups)
	}
	g := st.Groups[0]
	if g.ID != "radio" || len(g.Members) != 0 || g.Protocol != GroupProtocolClassic {
		t.Errorf("group %+v: want radio, classic, no member", g)
	}
	for p, h := range st.High {
		if g.Committed[p] != h {
			t.Errorf("partition %d: committed %d, high watermark %d", p, g.Committed[p], h)
		}
	}
	again, err := w.Snapshot(context.Background())
	if err != nil || !again.At.Equal(st.At) {
		t.Errorf("a second snapshot at once asked the cluster again (%v, %v)", again.At, err)
	}
	mustPublish(t, cfg, "pitches", 50) // the same 50 first pitches of the season, written again
	time.Sleep(MinWatchInterval)
	later, err := w.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	lag := int64(0)
	for p, h := range later.High {
		lag += h - later.Groups[0].Committed[p]
	}
	if lag != 50 {
		t.Errorf("lag %d after 50 more records, want 50", lag)
	}
}
