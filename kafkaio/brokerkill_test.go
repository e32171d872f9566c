package kafkaio

import (
	"context"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/embedded"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
)

// publishPaced publishes pitches at about rate a second, and returns the
// publisher's stats once every one is settled.
func publishPaced(tb testing.TB, cfg Config, pitches []game.Pitch, rate int) <-chan PublisherStats {
	return publishPacedTo(tb, cfg, "pitches", pitches, rate)
}

// publishPacedTo is publishPaced to topic.
func publishPacedTo(tb testing.TB, cfg Config, topic string, pitches []game.Pitch, rate int) <-chan PublisherStats {
	tb.Helper()
	pub, err := NewPublisher(context.Background(), cfg, TopicSpec{Name: topic, Partitions: 6, ReplicationFactor: -1})
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan PublisherStats, 1)
	go func() {
		const tick = 20 * time.Millisecond
		per := max(1, rate*int(tick)/int(time.Second))
		t := time.NewTicker(tick)
		defer t.Stop()
		for i := range pitches {
			if i%per == 0 {
				<-t.C
			}
			if err := pub.Publish(context.Background(), &pitches[i]); err != nil {
				break
			}
		}
		pub.Close(2 * time.Minute)
		done <- pub.Stats()
	}()
	return done
}

// A broker killed (SIGKILL) and restarted on its --data-dir under a live
// producer and group member: the producer's records are on the topic
// exactly once, and the member reads each exactly once. kfake used to
// forget a group's members and generation when killed, so the member's
// commits were refused until it rejoined, and the rejoin dropped what it
// had not committed, which it read again: 40 % of the stream with
// librdkafka's default backoff and commit interval, about a second of
// records a kill with the member's own settings, none with the kfake patch.
//
// On Apache Kafka, which the kfake patch is held to, the cluster's one node
// is killed and restarted the same way.
func TestAGroupMemberRidesOutBrokerKills(t *testing.T) {
	addr, topic, group, kill := killableBroker(t)
	cfg := Config{Brokers: addr, Timeout: 30 * time.Second, Log: zerolog.Nop()}
	const n, rate, kills = 20000, 1000, 3
	pitches := testkit.SeasonPitches(t, 21, n)
	published := publishPacedTo(t, cfg, topic, pitches, rate)

	g, err := NewGroupReader(context.Background(), cfg, GroupOptions{Topic: topic, Group: group, FromBeginning: true})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[[2]int64]int{}
	ctx, stop := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() {
		ran <- g.Run(ctx, func(r Record) error {
			mu.Lock()
			seen[[2]int64{int64(r.Partition), r.Offset}]++
			mu.Unlock()
			return nil
		})
	}()
	// Kill only once the group is Stable and the member at work.
	testkit.WaitFor(t, 30*time.Second, "the member to handle records", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(seen) > 0
	})
	for range kills {
		time.Sleep(5 * time.Second)
		kill()
	}
	st := <-published
	if st.Delivered != n || st.Failed != 0 {
		t.Fatalf("publisher: %+v, want all %d delivered", st, n)
	}
	onTopic := mustReadAllPitchesOf(t, cfg, topic)
	if err := game.CheckGameSequences(dedupe(onTopic)); err != nil {
		t.Fatal(err)
	}
	if len(onTopic) != n {
		// kfake kept an idempotent producer's sequence state only at an
		// orderly shutdown, so a batch written just before a kill and
		// retried after it was written twice; embedded/kfake/pitchkafka.patch
		// rebuilds it from the log.
		t.Fatalf("the topic holds %d records for %d pitches: a retried batch was written twice", len(onTopic), n)
	}
	testkit.WaitFor(t, 90*time.Second, "the member to read every record", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(seen) == len(onTopic)
	})
	stop()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	repeats := 0
	for _, c := range seen {
		repeats += c - 1
	}
	if repeats != 0 {
		t.Fatalf("%d of %d records read twice after %d kills, want none: the restarted broker knows the member, so it keeps what it stored", repeats, n, kills)
	}
}

// killableBroker is a one-node cluster that the test can SIGKILL and
// restart: `pitchkafka broker --data-dir` as a process of its own on kfake,
// the cluster's node on Apache Kafka. It returns the bootstrap address,
// names for a topic and a group, and what kills and restarts it.
func killableBroker(t *testing.T) (addr, topic, group string, kill func()) {
	t.Helper()
	if testkit.OnKafka() {
		c := testkit.StartCluster(t, testkit.ClusterOptions{})
		return c.Bootstrap, c.Name("pitches"), c.Name("kills"), func() {
			c.KillNode(t, 1)
			time.Sleep(time.Second)
			c.RestartNode(t, 1)
		}
	}
	addr, dir := testkit.FreeAddr(t), t.TempDir()
	broker := testkit.StartBrokerProcess(t, "--listen", addr, "--data-dir", dir)
	return addr, "pitches", "kills", func() {
		broker.Kill()
		broker.Wait(time.Minute)
		time.Sleep(time.Second)
		broker = testkit.StartBrokerProcess(t, "--listen", addr, "--data-dir", dir)
	}
}

// mustReadAllPitches reads the whole topic with the plain reader.
func mustReadAllPitches(tb testing.TB, cfg Config) []game.Pitch {
	tb.Helper()
	return mustReadAllPitchesOf(tb, cfg, "pitches")
}

// mustReadAllPitchesOf is mustReadAllPitches of topic.
func mustReadAllPitchesOf(tb testing.TB, cfg Config, topic string) []game.Pitch {
	tb.Helper()
	r, err := NewReader(cfg, topic)
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	var out []game.Pitch
	err = r.Run(context.Background(), ReadOptions{FromBeginning: true, Once: true}, func(rec Record) {
		out = append(out, rec.Pitch)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// dedupe drops repeated pitches (same game and game_seq), keeping order.
func dedupe(pitches []game.Pitch) []game.Pitch {
	seen := map[[2]int64]bool{}
	var out []game.Pitch
	for _, p := range pitches {
		k := [2]int64{p.GamePK, int64(p.GameSeq)}
		if !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out
}

// An idempotent producer's batch that the broker wrote but whose answer
// was lost, retried after the broker crashed and restarted, must not be
// written twice. kfake kept producers' sequence state only at an orderly
// shutdown; embedded/kfake/pitchkafka.patch rebuilds it from the log. The crash is
// a copy of the data directory taken while the broker runs, which is what
// a SIGKILL leaves behind, so the test can hold the retry until the
// restarted broker is up.
func TestARetriedBatchIsNotWrittenTwiceAfterABrokerCrash(t *testing.T) {
	testkit.SkipOnKafka(t, "it runs the embedded broker itself")
	dirA, dirB := t.TempDir(), filepath.Join(t.TempDir(), "crashed")
	a, err := embedded.StartBroker(embedded.BrokerOptions{Listen: "127.0.0.1:0", Nodes: 1, DataDir: dirA, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	addr := a.Addrs()[0]
	cfg := Config{Brokers: addr, Timeout: 10 * time.Second, Log: zerolog.Nop()}
	pub, err := NewPublisher(context.Background(), cfg, TopicSpec{Name: "pitches", Partitions: 1, ReplicationFactor: -1})
	if err != nil {
		t.Fatal(err)
	}
	pub.Close(time.Second)
	p, err := kafka.NewProducer(&kafka.ConfigMap{"bootstrap.servers": addr, "enable.idempotence": true,
		"message.timeout.ms": 60000, "reconnect.backoff.max.ms": 500, "log_level": 0})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	produce := func(n int) chan error {
		done := make(chan error, 1)
		topic := "pitches"
		reports := make(chan kafka.Event, n)
		for i := range n {
			if err := p.Produce(&kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: 0},
				Value: []byte(strconv.Itoa(i))}, reports); err != nil {
				t.Fatal(err)
			}
		}
		go func() {
			for range n {
				if m := (<-reports).(*kafka.Message); m.TopicPartition.Error != nil {
					done <- m.TopicPartition.Error
					return
				}
			}
			done <- nil
		}()
		return done
	}
	if err := <-produce(100); err != nil {
		t.Fatal(err)
	}

	// The broker writes the next batch and answers "timed out"; the
	// producer retries, and this broker, knowing the batch, would dedupe.
	faults := mustInject(t, a, embedded.Fault{Request: "Produce", Err: "REQUEST_TIMED_OUT", Count: -1})
	pending := produce(50)
	testkit.WaitFor(t, 30*time.Second, "the batch to be written and its answer lost", func() bool { return faults.Hits() >= 1 })
	if out, err := exec.Command("cp", "-a", dirA, dirB).CombinedOutput(); err != nil {
		t.Fatalf("copy the data directory: %v %s", err, out)
	}
	a.Close()
	b, err := embedded.StartBroker(embedded.BrokerOptions{Listen: addr, Nodes: 1, DataDir: dirB, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	select {
	case err := <-pending:
		if err != nil {
			t.Fatalf("the retried batch failed: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the retried batch was not delivered within 60 s of the restart")
	}
	if ends := readEnd(t, addr, "pitches"); ends != 150 {
		t.Fatalf("the partition ends at offset %d, want 150: the retried batch was written twice", ends)
	}
}

// readEnd returns the high watermark of partition 0.
func readEnd(tb testing.TB, addr, topic string) int64 {
	tb.Helper()
	c, err := kafka.NewConsumer(&kafka.ConfigMap{"bootstrap.servers": addr, "group.id": "ends", "log_level": 3})
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	_, high, err := c.QueryWatermarkOffsets(topic, 0, 10000)
	if err != nil {
		tb.Fatal(err)
	}
	return high
}
