package kafkaio

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/embedded"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

func mustCreateTopic(tb testing.TB, cfg Config, topic string) {
	tb.Helper()
	pub, err := NewPublisher(context.Background(), cfg, TopicSpec{Name: topic, Partitions: 3, ReplicationFactor: -1})
	if err != nil {
		tb.Fatal(err)
	}
	if err := pub.Close(5 * time.Second); err != nil {
		tb.Fatal(err)
	}
}

func testConfig(b *embedded.Broker, log zerolog.Logger) Config {
	return Config{Brokers: b.Bootstrap(), Timeout: 10 * time.Second, Log: log}
}

// mustPublish publishes the first n pitches of a seeded season.
func mustPublish(tb testing.TB, cfg Config, topic string, n int) []game.Pitch {
	tb.Helper()
	return mustPublishLingering(tb, cfg, topic, n, 0)
}

// mustPublishLingering is mustPublish keeping the publisher open for a
// while before closing it, so that librdkafka reports its statistics.
func mustPublishLingering(tb testing.TB, cfg Config, topic string, n int, linger time.Duration) []game.Pitch {
	tb.Helper()
	pub, err := NewPublisher(context.Background(), cfg, TopicSpec{Name: topic, Partitions: 3, ReplicationFactor: -1})
	if err != nil {
		tb.Fatal(err)
	}
	out := testkit.SeasonPitches(tb, 9, n)
	for i := range out {
		if err := pub.Publish(context.Background(), &out[i]); err != nil {
			tb.Fatal(err)
		}
	}
	time.Sleep(linger)
	if err := pub.Close(10 * time.Second); err != nil {
		tb.Fatal(err)
	}
	if st := pub.Stats(); st.Delivered != int64(n) || st.Failed != 0 {
		tb.Fatalf("stats %+v, want %d delivered", st, n)
	}
	return out
}

// readRaw reads n records of a topic with a plain client.
func readRaw(tb testing.TB, brokers, topic string, n int) []*kafka.Message {
	tb.Helper()
	c, err := kafka.NewConsumer(&kafka.ConfigMap{"bootstrap.servers": brokers, "group.id": "raw-" + topic,
		"auto.offset.reset": "earliest", "enable.auto.commit": false, "log_level": 3})
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	if err := c.Subscribe(topic, nil); err != nil {
		tb.Fatal(err)
	}
	var out []*kafka.Message
	deadline := time.Now().Add(30 * time.Second)
	for len(out) < n && time.Now().Before(deadline) {
		if m, err := c.ReadMessage(200 * time.Millisecond); err == nil {
			out = append(out, m)
		}
	}
	if len(out) != n {
		tb.Fatalf("read %d records, want %d", len(out), n)
	}
	return out
}

func TestPublishedRecordsCarryKeyAndTimestamp(t *testing.T) {
	t.Run("one by one", func(t *testing.T) {
		b := testkit.StartBroker(t)
		sent := mustPublish(t, testConfig(b, zerolog.Nop()), "pitches", 500)
		assertRecordsArePitches(t, b.Bootstrap(), sent)
	})
	t.Run("in batches", func(t *testing.T) {
		b := testkit.StartBroker(t)
		pub, err := NewPublisher(context.Background(), testConfig(b, zerolog.Nop()),
			TopicSpec{Name: "pitches", Partitions: 3, ReplicationFactor: -1})
		if err != nil {
			t.Fatal(err)
		}
		sent := testkit.SeasonPitches(t, 9, 500)
		var batch pitchBatch
		for i := range sent {
			batch.add(&sent[i])
			if batch.records.Len() == 64 || i == len(sent)-1 {
				if err := pub.publish(context.Background(), &batch.records, batch.gamesOver); err != nil {
					t.Fatal(err)
				}
				batch.reset() // reused: the client copied every record
			}
		}
		if err := pub.Close(10 * time.Second); err != nil {
			t.Fatal(err)
		}
		assertRecordsArePitches(t, b.Bootstrap(), sent)
	})
}

// assertRecordsArePitches reads the topic "pitches" and checks it holds
// the pitches sent, each keyed by its game and stamped with its ts, with no
// headers, valid against the JSON Schema.
func assertRecordsArePitches(t *testing.T, brokers string, sent []game.Pitch) {
	t.Helper()
	byID := map[[2]int64]game.Pitch{}
	for _, p := range sent {
		byID[[2]int64{p.GamePK, int64(p.GameSeq)}] = p
	}
	sch := mustCompileSchema(t)
	for _, m := range readRaw(t, brokers, "pitches", len(sent)) {
		p, err := game.Decode(m.Value)
		if err != nil {
			t.Fatal(err)
		}
		if string(m.Key) != strconv.FormatInt(p.GamePK, 10) {
			t.Fatalf("key %q, want game_pk %d", m.Key, p.GamePK)
		}
		if !m.Timestamp.Equal(p.TS) {
			t.Fatalf("record timestamp %v, want ts %v", m.Timestamp, p.TS)
		}
		if len(m.Headers) != 0 {
			t.Fatalf("headers %v, want none: the schema is the value's first field", m.Headers)
		}
		want := byID[[2]int64{p.GamePK, int64(p.GameSeq)}]
		if !bytes.Equal(m.Value, want.AppendJSON(nil)) {
			t.Fatalf("value differs from the pitch sent:\n got %s\nwant %s", m.Value, want.AppendJSON(nil))
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(m.Value))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(v); err != nil {
			t.Fatal(err)
		}
	}
}

func mustCompileSchema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	path, _ := filepath.Abs("../schemas/pitch.schema.json")
	sch, err := jsonschema.NewCompiler().Compile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return sch
}

// produceRaw writes records exactly as given, bypassing the Publisher.
func produceRaw(tb testing.TB, brokers, topic string, partition int32, values [][]byte) {
	tb.Helper()
	produceRawKeyed(tb, brokers, topic, partition, nil, values...)
}

// produceRawKeyed is produceRaw with a key on every record.
func produceRawKeyed(tb testing.TB, brokers, topic string, partition int32, key []byte, values ...[]byte) {
	tb.Helper()
	p, err := kafka.NewProducer(&kafka.ConfigMap{"bootstrap.servers": brokers, "log_level": 3,
		"message.max.bytes": 2_000_000})
	if err != nil {
		tb.Fatal(err)
	}
	defer p.Close()
	for _, v := range values {
		msg := &kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: partition}, Key: key, Value: v}
		if err := p.Produce(msg, nil); err != nil {
			tb.Fatal(err)
		}
	}
	for reports := 0; reports < len(values); {
		select {
		case ev := <-p.Events():
			if m, ok := ev.(*kafka.Message); ok {
				if m.TopicPartition.Error != nil {
					tb.Fatal(m.TopicPartition.Error)
				}
				reports++
			}
		case <-time.After(30 * time.Second):
			tb.Fatalf("%d of %d delivery reports after 30s", reports, len(values))
		}
	}
}

func TestReaderSkipsAndCountsBadRecordsAndKeepsTheGoodOnes(t *testing.T) {
	b := testkit.StartBroker(t)
	var logs bytes.Buffer
	cfg := testConfig(b, zerolog.New(zerolog.SyncWriter(&logs)))
	good := mustPublish(t, cfg, "mixed", 300)
	valid := good[0].AppendJSON(nil)
	bad := [][]byte{
		[]byte("not json at all"),
		valid[:len(valid)/2],
		[]byte(strings.Replace(string(valid), `"inning":`, `"inning":"x","i":`, 1)),
		[]byte(`{"schema":"pitchkafka.pitch/v1"}`),
		[]byte(strings.Replace(string(valid), game.SchemaV1, "other/v2", 1)),
		nil,
		[]byte(`{"big":"` + strings.Repeat("x", 1_000_000-10) + `"}`), // 1 MB, Kafka's default maximum
	}
	produceRaw(t, b.Bootstrap(), "mixed", 1, bad)
	r, err := NewReader(cfg, "mixed")
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	if err := r.Run(context.Background(), ReadOptions{FromBeginning: true, Once: true}, func(Record) { got++ }); err != nil {
		t.Fatal(err)
	}
	r.Close() // its log lines are all written once it is closed
	if st := r.Stats(); got != len(good) || st.Skipped != int64(len(bad)) {
		t.Fatalf("handled %d, skipped %d; want %d and %d", got, st.Skipped, len(good), len(bad))
	}
	if n := strings.Count(logs.String(), `"partition":1`); n < len(bad) {
		t.Errorf("%d skip lines name partition 1, want %d:\n%s", n, len(bad), logs.String())
	}
}

func TestUnreachableBrokerFailsWithinTheTimeoutWithOneClearLine(t *testing.T) {
	cfg := Config{Brokers: "127.0.0.1:1", Timeout: 2 * time.Second, Log: zerolog.Nop()}
	tests := []struct {
		name string
		open func() error
	}{
		{"publisher", func() error {
			_, err := NewPublisher(context.Background(), cfg, TopicSpec{Name: "t", Partitions: 1, ReplicationFactor: -1})
			return err
		}},
		{"reader", func() error {
			r, err := NewReader(cfg, "t")
			if err != nil {
				return err
			}
			defer r.Close()
			return r.Run(context.Background(), ReadOptions{Once: true}, func(Record) {})
		}},
		{"group reader", func() error {
			_, err := NewGroupReader(context.Background(), cfg, GroupOptions{Topic: "t", Group: "g"})
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			err := tc.open()
			var unreachable *UnreachableError
			if !errors.As(err, &unreachable) {
				t.Fatalf("error %v, want an UnreachableError", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "127.0.0.1:1") || strings.Contains(msg, "\n") {
				t.Errorf("error %q should name the address on one line", msg)
			}
			if d := time.Since(start); d > 8*time.Second {
				t.Errorf("took %v with a 2s timeout", d)
			}
		})
	}
}

func TestReadProperties(t *testing.T) {
	props, err := ReadProperties(strings.NewReader("# comment\n! also\n\nlinger.ms = 0\nsasl.password=p=w\nacks: all\n"), "client.properties")
	if err != nil {
		t.Fatal(err)
	}
	want := []Property{{"linger.ms", "0", "client.properties:4"}, {"sasl.password", "p=w", "client.properties:5"},
		{"acks", "all", "client.properties:6"}}
	if !slices.Equal(props, want) {
		t.Errorf("props %v, want %v", props, want)
	}
	_, err = ReadProperties(strings.NewReader("ok=1\nsasl.password\n"), "my.properties")
	if err == nil || !strings.Contains(err.Error(), "my.properties:2") {
		t.Errorf("error %v, want one naming my.properties:2", err)
	}
	if got := Redact("sasl.password=hunter2"); strings.Contains(got, "hunter2") {
		t.Errorf("Redact left the secret: %s", got)
	}
	cm := Config{Brokers: "b:1", Properties: map[string]string{"ssl.key.password": "hunter2"}}.configMap(nil)
	if strings.Contains(describe(cm), "hunter2") {
		t.Errorf("describe shows a secret: %s", describe(cm))
	}
}
