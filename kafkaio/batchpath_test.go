package kafkaio

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/pitchkafka/pitchkafka/kafkaio/internal/rdk"
	"github.com/rs/zerolog"
)

// These tests exercise kafkaio's use of the batch path to librdkafka's C
// API (package rdk, whose own tests drive the C calls one by one).

func TestTheBatchPathWritesKeysValuesHeadersAndNulls(t *testing.T) {
	b := testkit.StartBroker(t)
	cfg := testConfig(b, zerolog.Nop())
	pub, err := NewPublisher(context.Background(), cfg, TopicSpec{Name: "raw", Partitions: 1, ReplicationFactor: -1})
	if err != nil {
		t.Fatal(err)
	}
	ts := time.UnixMilli(1_700_000_000_123)
	var batch rdk.Batch
	batch.Add([]byte("k1"), []byte("v1"), nil, ts)
	batch.Add(nil, []byte("no key"), rdkHeaders([]kafka.Header{{Key: "h", Value: []byte("x")}, {Key: "null", Value: nil}}), ts)
	batch.Add([]byte("tombstone"), nil, rdkHeaders(sourceHeaders("pitches", 4, 1234)), ts)
	if err := pub.publish(context.Background(), &batch, 0); err != nil {
		t.Fatal(err)
	}
	if err := pub.Close(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if st := pub.Stats(); st.Sent != 3 || st.Delivered != 3 || st.Bytes != int64(len("v1")+len("no key")) {
		t.Fatalf("stats %+v", st)
	}
	got := readRaw(t, b.Bootstrap(), "raw", 3)
	check := func(m *kafka.Message, key, value []byte, headers string) {
		t.Helper()
		if !bytes.Equal(m.Key, key) || (key == nil) != (m.Key == nil) || !bytes.Equal(m.Value, value) || (value == nil) != (m.Value == nil) {
			t.Errorf("record %q=%q, want %q=%q", m.Key, m.Value, key, value)
		}
		var hs []string
		for _, h := range m.Headers {
			hs = append(hs, h.String())
		}
		if strings.Join(hs, " ") != headers {
			t.Errorf("headers %q, want %q", strings.Join(hs, " "), headers)
		}
		if !m.Timestamp.Equal(ts) {
			t.Errorf("timestamp %v, want %v", m.Timestamp, ts)
		}
	}
	check(got[0], []byte("k1"), []byte("v1"), "")
	check(got[1], nil, []byte("no key"), `h="x" null=nil`)
	check(got[2], []byte("tombstone"), nil,
		`pitchkafka-source-topic="pitches" pitchkafka-source-partition="4" pitchkafka-source-offset="1234"`)
	if topic, partition, offset, ok := sourceOf(got[2].Headers); !ok || topic != "pitches" || partition != 4 || offset != 1234 {
		t.Errorf("sourceOf = %s %d %d %v", topic, partition, offset, ok)
	}
}

func TestAFullQueueWaitsAndEveryDeliveryIsCounted(t *testing.T) {
	b := testkit.StartBroker(t)
	cfg := testConfig(b, zerolog.Nop())
	cfg.Properties = map[string]string{"queue.buffering.max.messages": "10"}
	pub, err := NewPublisher(context.Background(), cfg, TopicSpec{Name: "pitches", Partitions: 3, ReplicationFactor: -1})
	if err != nil {
		t.Fatal(err)
	}
	pitches := testkit.SeasonPitches(t, 3, 3000)
	var batch pitchBatch
	for i := range pitches {
		if err := batch.add(&pitches[i]); err != nil {
			t.Fatal(err)
		}
		if batch.records.Len() == 512 || i == len(pitches)-1 {
			if err := pub.publish(context.Background(), &batch.records, batch.gamesOver); err != nil {
				t.Fatal(err)
			}
			batch.reset()
		}
	}
	if err := pub.Close(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if st := pub.Stats(); st.Sent != 3000 || st.Delivered != 3000 || st.Failed != 0 || st.Unconfirmed != 0 {
		t.Fatalf("stats %+v", st)
	}
	assertRecordsArePitches(t, b.Bootstrap(), pitches) // in order within each game
}

func TestAFatalIdempotenceErrorStopsPublishingWithOneClearError(t *testing.T) {
	b := testkit.StartBroker(t)
	var logs testkit.Buffer
	cfg := testConfig(b, zerolog.New(&logs))
	pub, err := NewPublisher(context.Background(), cfg, TopicSpec{Name: "fatal", Partitions: 1, ReplicationFactor: -1})
	if err != nil {
		t.Fatal(err)
	}
	pitches := testkit.SeasonPitches(t, 5, 10)
	if err := pub.Publish(context.Background(), &pitches[0]); err != nil {
		t.Fatal(err)
	}
	pub.rdk.RaiseFatal(rdk.Code(kafka.ErrOutOfOrderSequenceNumber), "test: sequence desynchronised")
	deadline := time.Now().Add(5 * time.Second)
	for err = pub.Publish(context.Background(), &pitches[1]); err == nil && time.Now().Before(deadline); err = pub.Publish(context.Background(), &pitches[1]) {
		time.Sleep(10 * time.Millisecond)
	}
	if err == nil || !strings.Contains(err.Error(), "producer failed") || !strings.Contains(err.Error(), "sequence desynchronised") {
		t.Fatalf("publish after a fatal error: %v", err)
	}
	closeErr := pub.Close(2 * time.Second)
	if closeErr != nil && !strings.Contains(closeErr.Error(), "producer failed") {
		t.Fatalf("close: %v", closeErr)
	}
	if !strings.Contains(logs.String(), "sequence desynchronised") {
		t.Errorf("the fatal error was not logged:\n%s", logs.String())
	}
}

func TestAnUnknownPropertyIsRefusedByName(t *testing.T) {
	cfg := Config{Brokers: "127.0.0.1:1", Timeout: time.Second, Log: zerolog.Nop(),
		Properties: map[string]string{"no.such.property": "1"}}
	_, err := NewPublisher(context.Background(), cfg, TopicSpec{Name: "t", Partitions: 1, ReplicationFactor: -1})
	if err == nil || !strings.Contains(err.Error(), "no.such.property") {
		t.Fatalf("err = %v", err)
	}
}

func TestLibrdkafkasLogsReachTheLogger(t *testing.T) {
	b := testkit.StartBroker(t)
	var logs testkit.Buffer
	cfg := testConfig(b, zerolog.New(&logs).Level(zerolog.DebugLevel))
	cfg.Properties = map[string]string{"debug": "eos"}
	mustPublish(t, cfg, "logged", 10)
	if !strings.Contains(logs.String(), `"librdkafka":"IDEMPSTATE"`) {
		t.Fatalf("no librdkafka debug line in the log:\n%.2000s", logs.String())
	}
}

// publishTime is how long NewPublisher, n pitches and Close take.
func publishTime(tb testing.TB, cfg Config, topic string, n int) time.Duration {
	tb.Helper()
	start := time.Now()
	mustPublish(tb, cfg, topic, n)
	return time.Since(start)
}

func TestPublishingToAnExistingTopicDoesNotStallAtStart(t *testing.T) {
	b := testkit.StartBroker(t)
	cfg := testConfig(b, zerolog.Nop())
	mustCreateTopic(t, cfg, "existing")
	best := func(topic func(i int) string) time.Duration {
		d := time.Hour
		for i := range 3 {
			d = min(d, publishTime(t, cfg, topic(i), 1000))
		}
		return d
	}
	existing := best(func(int) string { return "existing" })
	created := best(func(i int) string { return "new-" + string(rune('a'+i)) })
	t.Logf("1,000 pitches: %v to an existing topic, %v creating it", existing, created)
	// The stall was 500 ms; the bound leaves room for a busy machine.
	if existing > created+300*time.Millisecond {
		t.Fatalf("publishing to an existing topic took %v, creating one %v: the producer id waited for its timer", existing, created)
	}
}

func BenchmarkPublishToAnExistingTopic(b *testing.B) {
	br := testkit.StartBroker(b)
	cfg := testConfig(br, zerolog.Nop())
	mustCreateTopic(b, cfg, "existing")
	for b.Loop() {
		publishTime(b, cfg, "existing", 1000)
	}
}

func TestBatchReaderDecodesInPlaceCopiesHeadersAndCountsPoison(t *testing.T) {
	b := testkit.StartBroker(t)
	cfg := testConfig(b, zerolog.Nop())
	pub, err := NewPublisher(context.Background(), cfg, TopicSpec{Name: "mixed", Partitions: 2, ReplicationFactor: -1})
	if err != nil {
		t.Fatal(err)
	}
	pitches := testkit.SeasonPitches(t, 11, 3000)
	var batch rdk.Batch
	for i := range pitches {
		var headers []kafka.Header
		if i%2 == 0 {
			headers = sourceHeaders("pitches", int32(i%7), int64(i))
		}
		batch.Add([]byte("k"), pitches[i].AppendJSON(nil), rdkHeaders(headers), pitches[i].TS)
		if i%1000 == 0 {
			batch.Add([]byte("k"), nil, nil, time.Time{})                         // a null value
			batch.Add([]byte("k"), []byte(`{"not":"a pitch"}`), nil, time.Time{}) // not a pitch
		}
	}
	if err := pub.publish(context.Background(), &batch, 0); err != nil {
		t.Fatal(err)
	}
	if err := pub.Close(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(cfg, "mixed")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got := map[[2]int64]Record{}
	err = r.Run(context.Background(), ReadOptions{FromBeginning: true, Once: true}, func(rec Record) {
		rec.value = bytes.Clone(rec.value) // valid only while the handler runs
		got[[2]int64{rec.Pitch.GamePK, int64(rec.Pitch.GameSeq)}] = rec
	})
	if err != nil {
		t.Fatal(err)
	}
	if st := r.Stats(); st.Records != 3000 || st.Skipped != 6 {
		t.Fatalf("stats %+v, want 3000 records and 6 skipped", st)
	}
	for i, p := range pitches {
		rec, ok := got[[2]int64{p.GamePK, int64(p.GameSeq)}]
		if !ok {
			t.Fatalf("pitch %d missing", i)
		}
		if !bytes.Equal(rec.Pitch.AppendJSON(nil), p.AppendJSON(nil)) || !bytes.Equal(rec.value, p.AppendJSON(nil)) {
			t.Fatalf("pitch %d read back differs", i)
		}
		topic, partition, offset, ok := sourceOf(rec.headers)
		if (i%2 == 0) != ok || (ok && (topic != "pitches" || partition != int32(i%7) || offset != int64(i))) {
			t.Fatalf("pitch %d headers %v", i, rec.headers)
		}
	}
}
