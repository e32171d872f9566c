package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/pitchkafka/pitchkafka/kafkaio"
	"github.com/rs/zerolog"
)

// startScoresWith starts a scores process joining with the given group
// protocol, with any more arguments; under classic its session times out in
// 6 s, under consumer the broker says when (see groupCluster).
func startScoresWith(tb testing.TB, r scoresRig, instance, protocol string, more ...string) *member {
	tb.Helper()
	args := []string{"--log-format", "json", "scores", "--brokers", r.brokers, "--topic", r.input, "--to", r.output,
		"--group", r.group, "--instance", instance, "--commit-interval", "100ms", "--stats-interval", "1s", "--group-protocol", protocol}
	return startGroupProcess(tb, instance, protocol, append(args, more...)...)
}

// mustCreateGamesTopic creates the games topic before scores does, with
// cleanup.policy=delete instead of compact, so that the test reads every
// record scores wrote, not what compaction left of them.
func mustCreateGamesTopic(tb testing.TB, brokers, topic string) {
	tb.Helper()
	cfg := kafkaio.Config{Brokers: brokers, Timeout: 10 * time.Second, Log: zerolog.Nop()}
	pub, err := kafkaio.NewPublisher(context.Background(), cfg, kafkaio.TopicSpec{Name: topic, Partitions: 6, ReplicationFactor: -1,
		Configs: map[string]string{"cleanup.policy": "delete"}})
	if err != nil {
		tb.Fatal(err)
	}
	if err := pub.Close(5 * time.Second); err != nil {
		tb.Fatal(err)
	}
}

// scoresRig is where the scores tests run: a cluster, the topics and
// group, and a Schema Registry for the formats that need one.
type scoresRig struct {
	brokers, registry    string
	input, output, group string
	format               formats.Format
}

// defaultScoresRig is scores' own defaults on the given brokers.
func defaultScoresRig(brokers string) scoresRig {
	return scoresRig{brokers: brokers, input: "pitches", output: "games", group: "scores", format: formats.FormatJSON}
}

// pitches is where the rig's pitches are.
func (r scoresRig) pitches() where { return where{r.brokers, r.input} }

// args are the arguments that point scores at the rig, in its format.
func (r scoresRig) args() []string {
	if !r.format.NeedsRegistry() {
		return nil
	}
	return []string{"--format", string(r.format), "--schema-registry", r.registry}
}

func mustReadGames(tb testing.TB, r scoresRig, committed bool) []testkit.GameRecord {
	tb.Helper()
	recs, err := testkit.ReadGames(r.brokers, formats.Config{Timeout: 10 * time.Second, Log: zerolog.Nop(),
		Registry: formats.RegistryConfig{URL: r.registry}}, r.output, committed, kafkaio.DefaultTransactionTimeout+10*time.Second)
	if err != nil {
		tb.Fatal(err)
	}
	return recs
}

// streamForScores starts a broker with six-partition pitches and games
// topics and a publisher of n pitches at rate a second; for a Schema
// Registry format, a registry too.
func streamForScores(t *testing.T, n, rate int, format formats.Format) (r scoresRig, published <-chan error) {
	c := groupCluster(t)
	r = scoresRig{brokers: c.Bootstrap, input: c.Name("pitches"), output: c.Name("games"), group: c.Group(t, "scores"), format: format}
	if format.NeedsRegistry() {
		r.registry = testkit.StartRegistry(t, "").URL()
	}
	mustCreateTopic(t, r.brokers, r.input, 6)
	mustCreateGamesTopic(t, r.brokers, r.output)
	return r, publishInBackground(t, r.pitches(), n, rate)
}

// waitForAllFolded waits until the committed games records number the
// pitches: one per pitch, once the processors have caught up.
func waitForAllFolded(t *testing.T, r scoresRig, n int, procs []*member) {
	t.Helper()
	deadline := time.Now().Add(120 * time.Second)
	for {
		got := len(mustReadGames(t, r, true))
		if got == n {
			return
		}
		if got > n || time.Now().After(deadline) {
			for _, p := range procs {
				t.Logf("%s's stderr ends:\n%s", p.name, tail(p.stderr.String(), 4000))
			}
			t.Fatalf("%d committed games records for %d pitches", got, n)
		}
		time.Sleep(time.Second)
	}
}

// foldByGame folds each game's pitches, in game_seq order, into its state.
func foldByGame(pitches []game.Pitch) map[int64]*game.GameState {
	sort.Slice(pitches, func(i, j int) bool { return pitches[i].GameSeq < pitches[j].GameSeq })
	states := map[int64]*game.GameState{}
	for i := range pitches {
		st := states[pitches[i].GamePK]
		if st == nil {
			st = &game.GameState{}
			states[pitches[i].GamePK] = st
		}
		st.Apply(&pitches[i])
	}
	return states
}

// assertExactlyOnce checks the committed games records against the pitch
// topic: per game, through_seq runs 1, 2, 3… up to the game's last pitch,
// no repeat and no gap, and the last state equals the test's own fold of
// the game's pitches.
func assertExactlyOnce(t *testing.T, r scoresRig) []testkit.GameRecord {
	t.Helper()
	want := foldByGame(mustReadAll(t, r.brokers, r.input))
	recs := mustReadGames(t, r, true)
	got := map[int64][]*game.GameState{}
	for i := range recs {
		got[recs[i].State.GamePK] = append(got[recs[i].State.GamePK], &recs[i].State)
	}
	if len(got) != len(want) {
		t.Errorf("%d games in the games topic, %d in the pitch topic", len(got), len(want))
	}
	for pk, states := range got {
		for i, st := range states {
			if st.ThroughSeq != i+1 {
				t.Fatalf("game %d: record %d has through_seq %d, want %d (a repeat or a gap)", pk, i+1, st.ThroughSeq, i+1)
			}
		}
		last, _ := json.Marshal(states[len(states)-1])
		folded, _ := json.Marshal(want[pk])
		if string(last) != string(folded) {
			t.Errorf("game %d: last state\n%s\nfolded by the test from the pitches\n%s", pk, last, folded)
		}
	}
	return recs
}

// TestScoresExactlyOnceThroughCrashesAndRebalances: two processors in one
// group, each SIGKILLed at random (seeded) moments and restarted, while
// pitches stream in. The committed output holds every pitch folded in
// once, and read_uncommitted shows the records of the transactions the
// kills left open, aborted when the processor came back.
//
// Under both group protocols in JSON, and under classic in Avro, where every
// restart restores the games from Avro records.
func TestScoresExactlyOnceThroughCrashesAndRebalances(t *testing.T) {
	for _, protocol := range groupProtocols {
		t.Run(protocol, func(t *testing.T) { testScoresThroughCrashes(t, protocol, formats.FormatJSON) })
	}
	t.Run("classic-avro", func(t *testing.T) { testScoresThroughCrashes(t, "classic", formats.FormatAvro) })
}

func testScoresThroughCrashes(t *testing.T, protocol string, format formats.Format) {
	const n = 8000
	rig, published := streamForScores(t, n, 250, format)
	start := func(instance string) *member {
		return startScoresWith(t, rig, instance, protocol, rig.args()...)
	}
	procs := []*member{start("a"), start("b")}
	testkit.WaitFor(t, 60*time.Second, "both processors to own partitions", func() bool {
		return procs[0].ownsPartitions(t) && procs[1].ownsPartitions(t)
	})
	rng := rand.New(rand.NewPCG(2026, 12))
	kills := 0
	for streaming := true; kills < 5 || (streaming && kills < 8); kills++ {
		i := rng.IntN(len(procs))
		// Kill it at work: once it has committed a transaction, a random
		// moment later.
		testkit.WaitFor(t, 60*time.Second, procs[i].name+" to commit", func() bool { return committedSoFar(procs[i]) > 0 })
		time.Sleep(time.Duration(rng.IntN(500)) * time.Millisecond)
		procs[i].stop(t, syscall.SIGKILL)
		procs[i] = start(procs[i].name) // the same instance, as a supervisor restarts it
		select {
		case err := <-published:
			if err != nil {
				t.Fatal(err)
			}
			streaming = false
		default:
		}
	}
	waitForAllFolded(t, rig, n, procs)
	for _, p := range procs {
		if err := p.stop(t, syscall.SIGTERM); err != nil {
			t.Fatalf("%s stopped with %v\n%s", p.name, err, tail(p.stderr.String(), 4000))
		}
	}
	committed := assertExactlyOnce(t, rig)
	if format.NeedsRegistry() {
		assertSubjects(t, rig.registry, formats.Subject(rig.output))
	}
	all := mustReadGames(t, rig, false)
	t.Logf("%d kills; %d committed games records, %d written in all", kills, len(committed), len(all))
	if len(all) <= len(committed) {
		t.Fatalf("read_uncommitted saw %d records, read_committed %d: the kills should have left aborted records", len(all), len(committed))
	}
	assertRepeatsUncommitted(t, all)
}

// committedSoFar returns the transactions a processor logged committed.
func committedSoFar(m *member) int64 {
	var n int64
	for _, l := range strings.Split(m.stderr.String(), "\n") {
		var ll struct {
			Message   string
			Committed int64
		}
		if json.Unmarshal([]byte(l), &ll) == nil && ll.Message == "transactions" {
			n = ll.Committed
		}
	}
	return n
}

// assertRepeatsUncommitted checks that read_uncommitted shows what
// read_committed hides: some game's through_seq repeats, from a
// transaction that was aborted and done again.
func assertRepeatsUncommitted(t *testing.T, all []testkit.GameRecord) {
	t.Helper()
	seen := map[[2]int64]int{}
	repeats := 0
	for _, r := range all {
		k := [2]int64{r.State.GamePK, int64(r.State.ThroughSeq)}
		if seen[k]++; seen[k] == 2 {
			repeats++
		}
	}
	if repeats == 0 {
		t.Fatal("read_uncommitted shows no through_seq twice")
	}
	t.Logf("read_uncommitted shows %d game states twice or more, from aborted transactions", repeats)
}

// owned replays a processor's assigned, revoked and lost logs into the
// partitions it owns now.
func owned(tb testing.TB, m *member) map[int32]bool {
	out := map[int32]bool{}
	for _, l := range m.logs(tb) {
		for _, p := range l.Partitions {
			switch l.Message {
			case "assigned":
				out[p] = true
			case "revoked", "assignment lost":
				delete(out, p)
			}
		}
	}
	return out
}

// TestScoresZombieIsFenced: a processor stopped (SIGSTOP) past its session
// timeout loses its partitions to the other; continued (SIGCONT), it is
// fenced, says so in one line, and the output stays exactly once.
//
// Under both group protocols: under consumer (KIP-848) the member epoch
// takes the generation's place in TxnOffsetCommit, and the broker has
// removed the zombie from the group when its session timed out.
func TestScoresZombieIsFenced(t *testing.T) {
	for _, protocol := range groupProtocols {
		t.Run(protocol, func(t *testing.T) { testZombieIsFenced(t, protocol) })
	}
}

func testZombieIsFenced(t *testing.T, protocol string) {
	const n = 7000
	rig, published := streamForScores(t, n, 350, formats.FormatJSON)
	zombie, other := startScoresWith(t, rig, "zombie", protocol), startScoresWith(t, rig, "other", protocol)
	testkit.WaitFor(t, 60*time.Second, "both processors to own partitions", func() bool {
		return zombie.ownsPartitions(t) && other.ownsPartitions(t)
	})
	time.Sleep(time.Second)
	zombie.cmd.Process.Signal(syscall.SIGSTOP)
	testkit.WaitFor(t, 60*time.Second, "the other to own all six partitions", func() bool { return len(owned(t, other)) == 6 })
	zombie.cmd.Process.Signal(syscall.SIGCONT)
	t.Logf("the zombie said: %s", zombieEnds(t, rig, n, published, zombie, other))
}

// TestScoresZombieIsFencedByTheGroup wakes the zombie past its session
// timeout but long before its transaction would time out
// (transaction.timeout.ms=30000), while the other waits, restoring, for
// that transaction to end: the group fences it, by generation under classic
// and by member epoch under consumer, never its producer's epoch.
func TestScoresZombieIsFencedByTheGroup(t *testing.T) {
	for _, protocol := range groupProtocols {
		t.Run(protocol, func(t *testing.T) {
			const n = 5000
			rig, published := streamForScores(t, n, 350, formats.FormatJSON)
			zombie := startScoresWith(t, rig, "zombie", protocol, "-X", "transaction.timeout.ms=30000")
			other := startScoresWith(t, rig, "other", protocol)
			testkit.WaitFor(t, 60*time.Second, "both processors to own partitions", func() bool {
				return zombie.ownsPartitions(t) && other.ownsPartitions(t)
			})
			time.Sleep(time.Second)
			zombie.cmd.Process.Signal(syscall.SIGSTOP)
			time.Sleep(9 * time.Second) // the session times out in 6 s
			zombie.cmd.Process.Signal(syscall.SIGCONT)
			line := zombieEnds(t, rig, n, published, zombie, other)
			if !strings.Contains(line, "the group") {
				t.Errorf("the zombie was fenced, but not by the group: %s", line)
			}
			t.Logf("the zombie said: %s", line)
		})
	}
}

// zombieEnds waits for the zombie to say it was fenced and for every pitch
// to be folded, stops both processors, checks that the zombie said so in
// one line and the other in none, that the output is exactly once, and
// returns the zombie's line.
func zombieEnds(t *testing.T, rig scoresRig, n int, published <-chan error, zombie, other *member) string {
	t.Helper()
	procs := []*member{zombie, other}
	testkit.WaitFor(t, 30*time.Second, "the zombie to say it was fenced", func() bool { return len(fencedLines(zombie)) > 0 })
	if err := <-published; err != nil {
		t.Fatal(err)
	}
	waitForAllFolded(t, rig, n, procs)
	for _, p := range procs {
		select {
		case err := <-p.done: // a fenced processor may have stopped
			if err != nil {
				t.Fatalf("%s ended with %v\n%s", p.name, err, tail(p.stderr.String(), 4000))
			}
		default:
			if err := p.stop(t, syscall.SIGTERM); err != nil {
				t.Fatalf("%s stopped with %v\n%s", p.name, err, tail(p.stderr.String(), 4000))
			}
		}
	}
	lines := fencedLines(zombie)
	if len(lines) != 1 {
		t.Fatalf("the zombie said it was fenced in %d lines, want 1:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	if lines := fencedLines(other); len(lines) != 0 {
		t.Errorf("the live processor was fenced:\n%s", strings.Join(lines, "\n"))
	}
	assertExactlyOnce(t, rig)
	return lines[0]
}

// fencedLines returns the log lines, warnings or worse, that say fenced.
func fencedLines(m *member) []string {
	var out []string
	for _, l := range strings.Split(m.stderr.String(), "\n") {
		var ll struct{ Level, Message string }
		if json.Unmarshal([]byte(l), &ll) == nil && strings.HasPrefix(ll.Message, "fenced") &&
			(ll.Level == "warn" || ll.Level == "error") {
			out = append(out, l)
		}
	}
	return out
}

func TestScoresRejectsBadFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"format", []string{"--format", "xml"}, "--format"},
		{"format without a registry", []string{"--format", "avro"}, "--schema-registry"},
		{"same topic", []string{"--to", "pitches"}, "--to pitches"},
		{"commit interval", []string{"--commit-interval", "0s"}, "--commit-interval"},
		{"protocol", []string{"--group-protocol", "eager"}, "--group-protocol"},
		{"protocols disagree", []string{"--group-protocol", "classic", "-X", "group.protocol=consumer"}, "disagree"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := mustFail(t, append([]string{"scores", "--brokers", "127.0.0.1:1", "--timeout", "1s"}, tc.args...)...)
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not name %q", err, tc.want)
			}
		})
	}
}

// assertSubjects checks that the registry holds the subjects.
func assertSubjects(t *testing.T, registry string, want ...string) {
	t.Helper()
	resp, err := http.Get(registry + "/subjects")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var subjects []string
	if err := json.NewDecoder(resp.Body).Decode(&subjects); err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		if !slices.Contains(subjects, w) {
			t.Errorf("the registry holds subjects %v, not %s", subjects, w)
		}
	}
}

// TestScoresPrintsEachEndedGameWithItsLineScore: on stdout, each game that
// ends gets its final line and the line score the announcer draws.
func TestScoresPrintsEachEndedGameWithItsLineScore(t *testing.T) {
	b := testkit.StartBroker(t)
	mustRun(t, "publish", "--brokers", b.Bootstrap(), "--rate", "0", "--games", "3", "--seed", "2016")
	m := startScoresWith(t, defaultScoresRig(b.Bootstrap()), "a", "classic")
	testkit.WaitFor(t, 60*time.Second, "three games to end", func() bool { return strings.Count(m.stdout.String(), "Final: ") == 3 })
	if err := m.stop(t, syscall.SIGTERM); err != nil {
		t.Fatalf("scores stopped with %v\n%s", err, tail(m.stderr.String(), 3000))
	}
	lines := strings.Split(m.stdout.String(), "\n")
	for i, l := range lines {
		var away, home string
		var awayRuns, homeRuns int
		if _, err := fmt.Sscanf(l, "Final: %s %d, %s %d", &away, &awayRuns, &home, &homeRuns); err != nil {
			continue
		}
		away = strings.TrimSuffix(away, ",")
		if i+3 >= len(lines) || !strings.HasSuffix(lines[i+1], "R  H  E") {
			t.Fatalf("no line score after %q:\n%s", l, m.stdout.String())
		}
		for j, want := range []struct {
			team string
			runs int
		}{{away, awayRuns}, {home, homeRuns}} {
			row := strings.Fields(lines[i+2+j])
			if row[0] != want.team || row[len(row)-3] != strconv.Itoa(want.runs) {
				t.Errorf("line score row %q after %q: want %s with %d runs", lines[i+2+j], l, want.team, want.runs)
			}
		}
	}
	t.Logf("stdout:\n%s", m.stdout.String())
}
