package commands

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/internal/testkit"
)

func TestChangelogRestoreThenResumeEqualsAFullReplay(t *testing.T) {
	c := testkit.StartCluster(t, testkit.ClusterOptions{})
	at := where{c.Bootstrap, c.Name("pitches")}.at()
	changelog := c.Name("lp-changelog")
	testkit.CreateTopic(t, c.Bootstrap, changelog, 1, c.CompactedTopicConfigs())
	run := func(args ...string) result { return mustRun(t, append(args, at...)...) }
	run("publish", "--rate", "0", "--count", "4000", "--seed", "5")
	// Compaction never touches a partition's last batch; small batches keep
	// what it leaves from depending on how fast the changelog was written.
	first := run("last-pitch", "--from-beginning", "--once", "--changelog", changelog, "-X", "batch.num.messages=100")
	changes := logField(t, first.stderr.String(), "changelog closed", "changes")
	before, after := c.Compact(t, changelog)
	t.Logf("compaction left %d of the changelog's %d records", after, before)
	run("publish", "--rate", "0", "--count", "3000", "--seed", "6")

	restarted := run("last-pitch", "--once", "--changelog", changelog, "--output", "json")
	full := run("last-pitch", "--from-beginning", "--once", "--output", "json")
	if restarted.stdout.String() != full.stdout.String() {
		t.Fatalf("restored and resumed table differs from a full replay:\n%s\nvs\n%s", restarted.stdout, full.stdout)
	}
	restored := logField(t, restarted.stderr.String(), "restored the table from the changelog", "records")
	pitchers := logField(t, restarted.stderr.String(), "restored the table from the changelog", "pitchers")
	resumed := logField(t, restarted.stderr.String(), "caught up: the table is current", "replayed")
	t.Logf("first run wrote %d changes; after compaction the restart restored %d pitchers from %d changelog records, "+
		"then read %d of the 7000 pitches", changes, pitchers, restored, resumed)
	// Compaction keeps one record per pitcher, except in the last batch,
	// which Kafka (and kfake) never compacts.
	if restored*5 > changes || restored*10 > 7000 || restored < pitchers {
		t.Errorf("restore read %d changelog records for %d pitchers of %d changes: compaction should leave about one each",
			restored, pitchers, changes)
	}
	if resumed < 3000 || resumed >= 4000 {
		t.Errorf("the restart read %d pitches: it should resume near the end of the first 4000, not replay them", resumed)
	}
}

func TestOnceOnManyPartitionsMostlyEmpty(t *testing.T) {
	b := testkit.StartBroker(t)
	for _, partitions := range []int{1, 64} {
		topic := fmt.Sprintf("p%d", partitions)
		mustRun(t, "publish", "--brokers", b.Bootstrap(), "--topic", topic, "--partitions", fmt.Sprint(partitions),
			"--rate", "0", "--count", "600", "--concurrent", "2", "--seed", "9")
		start := time.Now()
		out := mustRun(t, "last-pitch", "--brokers", b.Bootstrap(), "--topic", topic, "--from-beginning", "--once", "--output", "json")
		if d := time.Since(start); d > 15*time.Second {
			t.Errorf("%d partitions: took %v", partitions, d)
		}
		got := decodeArray(t, out.stdout.String())
		want := simulatedLastPitchesAt(t, 9, 2, 600)
		if len(got) != len(want) {
			t.Fatalf("%d partitions: %d pitchers, want %d", partitions, len(got), len(want))
		}
		for _, p := range got {
			if w := want[p.Pitcher]; w.GamePK != p.GamePK || w.GameSeq != p.GameSeq {
				t.Fatalf("%d partitions: pitcher %d's last pitch is %d/%d, want %d/%d", partitions, p.Pitcher,
					p.GamePK, p.GameSeq, w.GamePK, w.GameSeq)
			}
		}
	}
}

func TestLastPitchRejectsItsOwnTopicAsChangelog(t *testing.T) {
	r := mustFail(t, "last-pitch", "--changelog", "pitches")
	if !strings.Contains(r.Error(), "--changelog") {
		t.Errorf("error %q", r)
	}
}

func TestTheTableRedrawsInPlaceOnlyWhenAsked(t *testing.T) {
	for _, redraw := range []bool{true, false} {
		var b strings.Builder
		if err := printLastPitches(&b, "table", nil, redraw); err != nil {
			t.Fatal(err)
		}
		if got := strings.HasPrefix(b.String(), clearScreen); got != redraw {
			t.Errorf("redraw %v: output starts with a clear-screen: %v", redraw, got)
		}
	}
}
