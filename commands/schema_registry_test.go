package commands

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/internal/testkit"
)

// consumersView is what the three consumers make of a topic.
type consumersView struct {
	table     string // last-pitch --output json, without ts
	narration string // announce, game by game
	stats     string
}

// viewOf runs last-pitch, announce and stats over a whole topic.
func viewOf(t *testing.T, brokers, registry, topic string) consumersView {
	t.Helper()
	common := []string{"--brokers", brokers, "--topic", topic, "--schema-registry", registry}
	lp := mustRun(t, append([]string{"last-pitch", "--from-beginning", "--once", "--output", "json"}, common...)...)
	var table []map[string]any
	if err := json.Unmarshal([]byte(lp.stdout.String()), &table); err != nil {
		t.Fatalf("last-pitch output: %v\n%s", err, lp.stdout)
	}
	for _, row := range table {
		delete(row, "ts")
	}
	tableJSON, _ := json.Marshal(table)
	ann := mustRun(t, append([]string{"announce", "--from-beginning", "--once", "--output", "json", "--group", "view-" + topic}, common...)...)
	st := mustRun(t, append([]string{"stats", "--from-beginning", "--once"}, common...)...)
	return consumersView{table: string(tableJSON), narration: narrationByGame(t, ann.stdout.String()), stats: st.stdout.String()}
}

// narrationByGame orders announce's lines by game and pitch, so that how
// the partitions interleaved does not matter.
func narrationByGame(tb testing.TB, out string) string {
	lines := parseAnnounced(tb, out)
	sort.SliceStable(lines, func(i, j int) bool {
		if lines[i].GamePK != lines[j].GamePK {
			return lines[i].GamePK < lines[j].GamePK
		}
		return lines[i].GameSeq < lines[j].GameSeq
	})
	var b strings.Builder
	for _, a := range lines {
		fmt.Fprintf(&b, "%d %d %s\n", a.GamePK, a.GameSeq, a.Text)
	}
	return b.String()
}

func TestTheTableNarrationAndStatsAreTheSameWhateverTheFormat(t *testing.T) {
	b := testkit.StartBroker(t)
	reg := testkit.StartRegistry(t, "")
	var want consumersView
	for _, format := range []string{"json", "avro", "protobuf", "json-schema"} {
		topic := "pitches-" + format
		mustRun(t, "publish", "--brokers", b.Bootstrap(), "--topic", topic, "--format", format,
			"--schema-registry", reg.URL(), "--seed", "2016", "--games", "4", "--concurrent", "4", "--rate", "0")
		got := viewOf(t, b.Bootstrap(), reg.URL(), topic)
		if got.table == "null" || !strings.Contains(got.narration, "FINAL") || !strings.Contains(got.stats, "4 games complete") {
			t.Fatalf("%s: the consumers saw too little:\n%s\n%s\n%s", format, got.table, got.narration, got.stats)
		}
		if format == "json" {
			want = got
			continue
		}
		if got.table != want.table {
			t.Errorf("%s: last-pitch table differs from JSON's:\n%s\nwant\n%s", format, got.table, want.table)
		}
		if got.narration != want.narration {
			t.Errorf("%s: narration differs from JSON's", format)
		}
		if got.stats != want.stats {
			t.Errorf("%s: stats differ from JSON's:\n%s\nwant\n%s", format, got.stats, want.stats)
		}
	}
}

func TestSchemaRegistryMistakesAreClear(t *testing.T) {
	b := testkit.StartBroker(t)
	reg := testkit.StartRegistry(t, "")
	t.Run("a registry format without a registry is a usage error", func(t *testing.T) {
		err := mustFail(t, "publish", "--brokers", b.Bootstrap(), "--format", "avro", "--count", "1")
		var usage *UsageError
		if !errors.As(err, &usage) || !strings.Contains(err.Error(), "--schema-registry") {
			t.Errorf("error %v, want a usage error naming --schema-registry", err)
		}
	})
	t.Run("an unknown format is a usage error", func(t *testing.T) {
		err := mustFail(t, "publish", "--brokers", b.Bootstrap(), "--format", "xml", "--count", "1")
		var usage *UsageError
		if !errors.As(err, &usage) || !strings.Contains(err.Error(), "json, avro, protobuf or json-schema") {
			t.Errorf("error %v, want the formats", err)
		}
	})
	t.Run("a registry property the client does not know is a usage error", func(t *testing.T) {
		err := mustFail(t, "stats", "--brokers", b.Bootstrap(), "--schema-registry", reg.URL(),
			"-X", "schema.registry.basic.auth.userinfo=a:b", "--once")
		var usage *UsageError
		if !errors.As(err, &usage) || !strings.Contains(err.Error(), "schema.registry.basic.auth.user.info") {
			t.Errorf("error %v, want a usage error naming the right property", err)
		}
	})
	t.Run("an unreachable registry fails within the timeout", func(t *testing.T) {
		mustCreateTopic(t, b.Bootstrap(), "pitches", 1)
		for _, args := range [][]string{
			{"publish", "--format", "avro", "--count", "1"},
			{"last-pitch", "--once"},
			{"announce", "--once"},
			{"stats", "--once"},
		} {
			start := time.Now()
			err := mustFail(t, append(args, "--brokers", b.Bootstrap(), "--schema-registry", "http://127.0.0.1:1", "--timeout", "2s")...)
			if !strings.Contains(err.Error(), "no Schema Registry at http://127.0.0.1:1") {
				t.Errorf("%s: %v, want the registry named", args[0], err)
			}
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("%s took %v to give up", args[0], took)
			}
		}
	})
}

func TestDemoRunsTheTourInAvroThroughAnEmbeddedRegistry(t *testing.T) {
	testkit.SkipOnKafka(t, "it runs the embedded broker itself")
	r := mustRun(t, "demo", "--format", "avro", "--duration", "4s", "--rate", "50", "--interval", "1s", "--seed", "3")
	out := r.stdout.String()
	for _, want := range []string{"schema registry | http://127.0.0.1:", "announce-", "last-pitch | PITCHER"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo printed no %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{"skipped a record", "skipping records"} {
		if strings.Contains(r.stderr.String(), bad) {
			t.Errorf("demo logged %q:\n%s", bad, r.stderr)
		}
	}
}
