package kafkaio

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/embedded"
	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
)

// TestScoresAbortsAndRewindsAFailedTransaction: the broker refuses some of
// the processor's games records; each transaction holding one is aborted,
// the games it touched are put back, the consumer rewinds, and the
// committed output still holds every pitch folded in once.
func TestScoresAbortsAndRewindsAFailedTransaction(t *testing.T) {
	b := testkit.StartBroker(t)
	var logs testkit.Buffer
	cfg := testConfig(b, zerolog.New(&logs).Level(zerolog.InfoLevel))
	const n = 3000
	pitches := mustPublish(t, cfg, "pitches", n)
	mustCreateGames(t, cfg, "games")
	refused := mustInject(t, b, embedded.Fault{Request: "Produce", Topic: "games", Err: "INVALID_RECORD", Count: 12})

	st := runScoresUntil(t, cfg, ScoresOptions{Input: "pitches", Output: "games", Group: "g", Instance: "t",
		CommitInterval: 50 * time.Millisecond, CommitRecords: 200}, n)
	if refused.Hits() == 0 || st.Aborted == 0 {
		t.Fatalf("%d produce requests refused, %d transactions aborted: the test proves nothing\n%s", refused.Hits(), st.Aborted, logs.String())
	}
	if st.In != n || st.Out != n {
		t.Errorf("stats %+v: want %d in and out of committed transactions", st, n)
	}
	assertGamesFoldedOnce(t, mustReadGamesFrom(t, cfg, "games", true), pitches)
	t.Logf("%d requests refused, stats %+v", refused.Hits(), st)
}

// mustCreateGames creates a games topic that keeps every record, for the
// count (scores would create it compacted).
func mustCreateGames(tb testing.TB, cfg Config, topic string) {
	tb.Helper()
	pub, err := NewPublisher(context.Background(), cfg, TopicSpec{Name: topic, Partitions: 3, ReplicationFactor: -1,
		Configs: map[string]string{"cleanup.policy": "delete"}})
	if err != nil {
		tb.Fatal(err)
	}
	if err := pub.Close(5 * time.Second); err != nil {
		tb.Fatal(err)
	}
}

// runScoresUntil runs a processor until the games topic holds n committed
// records, then stops it, and returns what it counted.
func runScoresUntil(tb testing.TB, cfg Config, opts ScoresOptions, n int) ScoresStats {
	tb.Helper()
	s, err := NewScores(context.Background(), cfg, opts)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- s.Run(ctx) }()
	deadline := time.Now().Add(60 * time.Second)
	for len(mustReadGamesFrom(tb, cfg, opts.Output, true)) < n && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	cancel()
	if err := <-ran; err != nil {
		tb.Fatalf("run: %v", err)
	}
	if err := s.Close(); err != nil {
		tb.Fatal(err)
	}
	return s.Stats()
}

func mustReadGamesFrom(tb testing.TB, cfg Config, topic string, committed bool) []testkit.GameRecord {
	tb.Helper()
	recs, err := testkit.ReadGames(cfg.Brokers, cfg.Formats(), topic, committed, DefaultTransactionTimeout+cfg.Timeout)
	if err != nil {
		tb.Fatal(err)
	}
	return recs
}

// assertGamesFoldedOnce checks that every game's through_seq runs 1, 2, 3…
// and that its last state is the fold of its pitches.
func assertGamesFoldedOnce(t *testing.T, recs []testkit.GameRecord, pitches []game.Pitch) {
	t.Helper()
	want := map[int64]*game.GameState{}
	for i := range pitches {
		if want[pitches[i].GamePK] == nil {
			want[pitches[i].GamePK] = &game.GameState{}
		}
		want[pitches[i].GamePK].Apply(&pitches[i])
	}
	got := map[int64][]testkit.GameRecord{}
	for _, r := range recs {
		got[r.State.GamePK] = append(got[r.State.GamePK], r)
	}
	if len(recs) != len(pitches) || len(got) != len(want) {
		t.Fatalf("%d records of %d games, want %d of %d", len(recs), len(got), len(pitches), len(want))
	}
	for pk, rs := range got {
		for i, r := range rs {
			if r.State.ThroughSeq != i+1 {
				t.Fatalf("game %d: record %d has through_seq %d", pk, i+1, r.State.ThroughSeq)
			}
		}
		last, _ := json.Marshal(&rs[len(rs)-1].State)
		folded, _ := json.Marshal(want[pk])
		if !bytes.Equal(last, folded) {
			t.Errorf("game %d: last state\n%s\nfolded\n%s", pk, last, folded)
		}
	}
}

// TestScoresStopsAtOnceWhileRestoringBehindAnOpenTransaction: a restore
// waits for the transactions open on the games topic to end, up to the
// transaction timeout and more; asked to stop meanwhile, the processor
// stops at once, assigning nothing it has not restored.
func TestScoresStopsAtOnceWhileRestoringBehindAnOpenTransaction(t *testing.T) {
	b := testkit.StartBroker(t)
	var logs testkit.Buffer
	cfg := testConfig(b, zerolog.New(&logs).Level(zerolog.DebugLevel))
	mustPublish(t, cfg, "pitches", 100)
	mustCreateGames(t, cfg, "games")
	mustLeaveTransactionOpen(t, cfg, "games")
	s, err := NewScores(context.Background(), cfg, ScoresOptions{Input: "pitches", Output: "games", Group: "g", Instance: "t",
		CommitInterval: 50 * time.Millisecond, CommitRecords: 200})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- s.Run(ctx) }()
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(logs.String(), "restoring games"); {
		if time.Now().After(deadline) {
			t.Fatalf("no restore began:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	stopped := time.Now()
	cancel()
	if err := <-ran; err != nil {
		t.Fatalf("run: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	took := time.Since(stopped)
	t.Logf("stopped %v after it was asked to, restoring behind an open transaction", took.Round(time.Millisecond))
	if took > 2*time.Second {
		t.Errorf("took %v to stop", took)
	}
	if st := s.Stats(); st.In != 0 {
		t.Errorf("stats %+v: it read pitches of partitions it had not restored", st)
	}
}

// mustLeaveTransactionOpen writes a record to the topic in a transaction
// it leaves open for a minute.
func mustLeaveTransactionOpen(tb testing.TB, cfg Config, topic string) {
	tb.Helper()
	p, err := kafka.NewProducer(&kafka.ConfigMap{"bootstrap.servers": cfg.Brokers, "transactional.id": "left-open",
		"transaction.timeout.ms": 60000, "log_level": 3})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(p.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.InitTransactions(ctx); err != nil {
		tb.Fatal(err)
	}
	if err := p.BeginTransaction(); err != nil {
		tb.Fatal(err)
	}
	deliveries := make(chan kafka.Event, 1)
	err = p.Produce(&kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: 0},
		Value: []byte(`{}`)}, deliveries)
	if err != nil {
		tb.Fatal(err)
	}
	if m := (<-deliveries).(*kafka.Message); m.TopicPartition.Error != nil {
		tb.Fatal(m.TopicPartition.Error)
	}
}

// TestScoresRestoresItsGamesFromACompactedTopic: the games topic is scores'
// changelog, compacted. After the log cleaner has left one state a game,
// a new incarnation rebuilds each game from it and folds the new pitches
// on, to the states a fold of every pitch gives.
func TestScoresRestoresItsGamesFromACompactedTopic(t *testing.T) {
	c := testkit.StartCluster(t, testkit.ClusterOptions{})
	var logs testkit.Buffer
	cfg := Config{Brokers: c.Bootstrap, Timeout: 10 * time.Second, Log: zerolog.New(&logs).Level(zerolog.WarnLevel)}
	opts := ScoresOptions{Input: c.Name("pitches"), Output: c.Name("games"), Group: c.Name("g"), Instance: "t",
		CommitInterval: 50 * time.Millisecond, CommitRecords: 200}
	testkit.CreateTopic(t, c.Bootstrap, opts.Output, 3, c.CompactedTopicConfigs())
	pitches := testkit.SeasonPitches(t, 21, 1500)
	mustPublishAs(t, cfg, opts.Input, formats.FormatJSON, pitches[:900])
	runScoresUntilFolded(t, cfg, opts, pitches[:900])
	before, after := c.Compact(t, opts.Output)
	if after >= before || after > len(foldedStates(pitches[:900]))+3 {
		t.Fatalf("compaction left %d of %d records for %d games", after, before, len(foldedStates(pitches[:900])))
	}
	mustPublishAs(t, cfg, opts.Input, formats.FormatJSON, pitches[900:])
	runScoresUntilFolded(t, cfg, opts, pitches)
	t.Logf("compaction left %d of the games topic's %d records; the restart restored from them and folded on", after, before)
	if t.Failed() {
		t.Logf("logs:\n%s", logs.String())
	}
}

// runScoresUntilFolded runs a processor until each game's latest committed
// state is the fold of its pitches, then stops it. It reads latest states,
// not every record, so that it holds on a compacted games topic too.
func runScoresUntilFolded(tb testing.TB, cfg Config, opts ScoresOptions, pitches []game.Pitch) {
	tb.Helper()
	s, err := NewScores(context.Background(), cfg, opts)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- s.Run(ctx) }()
	want := foldedStates(pitches)
	var got map[int64]string
	deadline := time.Now().Add(90 * time.Second)
	for got = latestStates(mustReadGamesFrom(tb, cfg, opts.Output, true)); !maps.Equal(got, want) && time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
		got = latestStates(mustReadGamesFrom(tb, cfg, opts.Output, true))
	}
	cancel()
	if err := <-ran; err != nil {
		tb.Fatalf("run: %v", err)
	}
	if err := s.Close(); err != nil {
		tb.Fatal(err)
	}
	for pk, w := range want {
		if got[pk] != w {
			tb.Fatalf("game %d: latest committed state\n%s\nthe fold of its pitches\n%s", pk, got[pk], w)
		}
	}
}

// foldedStates folds pitches into each game's state, as JSON.
func foldedStates(pitches []game.Pitch) map[int64]string {
	states := map[int64]*game.GameState{}
	for i := range pitches {
		if states[pitches[i].GamePK] == nil {
			states[pitches[i].GamePK] = &game.GameState{}
		}
		states[pitches[i].GamePK].Apply(&pitches[i])
	}
	out := map[int64]string{}
	for pk, st := range states {
		b, _ := json.Marshal(st)
		out[pk] = string(b)
	}
	return out
}

// latestStates is each game's latest state in records read in offset
// order, as JSON.
func latestStates(recs []testkit.GameRecord) map[int64]string {
	out := map[int64]string{}
	for i := range recs {
		b, _ := json.Marshal(&recs[i].State)
		out[recs[i].State.GamePK] = string(b)
	}
	return out
}
