package kafkaio

import (
	"context"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
)

// benchBrokers returns the broker benchmarks run against: the one named by
// PITCHKAFKA_BENCH_BROKERS (scripts/bench.sh runs one in its own process),
// else one in this process.
func benchBrokers(b *testing.B) string {
	if brokers := os.Getenv("PITCHKAFKA_BENCH_BROKERS"); brokers != "" {
		return brokers
	}
	return testkit.StartBroker(b).Bootstrap()
}

// benchTopic names a topic for this run, from PITCHKAFKA_BENCH_TOPIC if set.
func benchTopic(fallback string) string {
	if t := os.Getenv("PITCHKAFKA_BENCH_TOPIC"); t != "" {
		return t
	}
	return fallback
}

func benchConfig(brokers string) Config {
	return Config{Brokers: brokers, Timeout: 10 * time.Second, Log: zerolog.Nop()}
}

// BenchmarkPublisher measures Publisher.Publish, encoding included, to an
// in-process broker; one op is one pitch delivered.
func BenchmarkPublisher(b *testing.B) {
	brokers := benchBrokers(b)
	pitches := testkit.SeasonPitches(b, 1, 4096)
	pub, err := NewPublisher(context.Background(), benchConfig(brokers), TopicSpec{Name: benchTopic("bench"), Partitions: 6, ReplicationFactor: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := pub.Publish(context.Background(), &pitches[i&4095]); err != nil {
			b.Fatal(err)
		}
	}
	if err := pub.Close(time.Minute); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pitches/s")
}

// BenchmarkRawProduce is the client's raw limit: a produce loop of
// pre-encoded values with the same settings, optionally with the headers.
func BenchmarkRawProduce(b *testing.B) {
	for _, withHeaders := range []bool{false, true} {
		b.Run("headers="+strconv.FormatBool(withHeaders), func(b *testing.B) {
			brokers := benchBrokers(b)
			pitches := testkit.SeasonPitches(b, 1, 4096)
			values, keys := make([][]byte, len(pitches)), make([][]byte, len(pitches))
			for i := range pitches {
				values[i] = pitches[i].AppendJSON(nil)
				keys[i] = strconv.AppendInt(nil, pitches[i].GamePK, 10)
			}
			topic := benchTopic("raw")
			creator, err := NewPublisher(context.Background(), benchConfig(brokers), TopicSpec{Name: topic, Partitions: 6, ReplicationFactor: -1})
			if err != nil {
				b.Fatal(err)
			}
			creator.Close(time.Second)
			// Timed from creating the client to closing it, as a publish
			// run is: closing the Go client waits up to 100 ms for its
			// polling goroutine.
			b.ResetTimer()
			cm := benchConfig(brokers).configMap(producerDefaults)
			(*cm)["go.logs.channel.enable"] = false
			(*cm)["log_level"] = 3
			p, err := kafka.NewProducer(cm)
			if err != nil {
				b.Fatal(err)
			}
			done := make(chan int)
			go func() {
				n := 0
				for ev := range p.Events() {
					if m, ok := ev.(*kafka.Message); ok && m.TopicPartition.Error == nil {
						n++
					}
				}
				done <- n
			}()
			msg := kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny}}
			if withHeaders { // what pitch records carried before they dropped them
				msg.Headers = []kafka.Header{{Key: "content-type", Value: []byte("application/json")},
					{Key: "schema", Value: []byte("pitchkafka.pitch/v1")}}
			}
			for i := 0; i < b.N; i++ {
				msg.Value, msg.Key = values[i&4095], keys[i&4095]
				for {
					err := p.Produce(&msg, nil)
					if err == nil {
						break
					}
					if kafkaCode(err) != kafka.ErrQueueFull {
						b.Fatal(err)
					}
					time.Sleep(time.Millisecond)
				}
			}
			for p.Flush(100) > 0 {
			}
			p.Close()
			b.StopTimer()
			if n := <-done; n != b.N {
				b.Fatalf("%d of %d delivered", n, b.N)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkRawConsume is the consumer's raw limit: a Poll loop reading the
// whole topic with the settings pitchkafka's readers use, decoding nothing.
// One op is one full read; records/s is what counts.
func BenchmarkRawConsume(b *testing.B) {
	brokers := benchBrokers(b)
	topic := benchTopic("")
	if topic == "" {
		topic = "consume"
		pub, err := NewPublisher(context.Background(), benchConfig(brokers), TopicSpec{Name: topic, Partitions: 6, ReplicationFactor: -1})
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range testkit.SeasonPitches(b, 1, 200000) {
			if err := pub.Publish(context.Background(), &p); err != nil {
				b.Fatal(err)
			}
		}
		if err := pub.Close(time.Minute); err != nil {
			b.Fatal(err)
		}
	}
	total := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		total += rawReadAll(b, brokers, topic)
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "records/s")
}

func rawReadAll(b *testing.B, brokers, topic string) int {
	defaults := kafka.ConfigMap{"group.id": "raw-bench", "log_level": 3}
	for k, v := range consumerDefaults {
		defaults[k] = v
	}
	cm := benchConfig(brokers).configMap(defaults)
	(*cm)["go.logs.channel.enable"] = false
	c, err := kafka.NewConsumer(cm)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	md, err := c.GetMetadata(&topic, false, 10000)
	if err != nil {
		b.Fatal(err)
	}
	var tps []kafka.TopicPartition
	for _, p := range md.Topics[topic].Partitions {
		tps = append(tps, kafka.TopicPartition{Topic: &topic, Partition: p.ID, Offset: kafka.OffsetBeginning})
	}
	pending := len(tps) // every partition, empty ones too, reports its end once
	if err := c.Assign(tps); err != nil {
		b.Fatal(err)
	}
	n := 0
	for pending > 0 {
		switch c.Poll(100).(type) {
		case *kafka.Message:
			n++
		case kafka.PartitionEOF:
			pending--
		}
	}
	return n
}

// BenchmarkBatchReadAndNarrate is announce's ceiling on the batch path: a
// Reader reads the whole topic (batch calls, every record decoded) and
// every pitch is narrated, as announce narrates it, into a buffer that is
// thrown away. It is not a group member: no join, no commits, no
// rebalances, which cost little in a replay but are what keeps announce
// on confluent-kafka-go (see the README). One op is one full read;
// records/s is what counts.
func BenchmarkBatchReadAndNarrate(b *testing.B) {
	brokers := benchBrokers(b)
	topic := benchTopic("")
	if topic == "" {
		topic = "narrate"
		mustPublish(b, benchConfig(brokers), topic, 100000)
	}
	total := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		total += readAndNarrate(b, brokers, topic)
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "records/s")
}

func readAndNarrate(b *testing.B, brokers, topic string) int {
	r, err := NewReader(benchConfig(brokers), topic)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	announcer, lines, n := game.NewAnnouncer(), make([]byte, 0, 64<<10), 0
	err = r.Run(context.Background(), ReadOptions{FromBeginning: true, Once: true}, func(rec Record) {
		if lines = announcer.AppendLines(lines, &rec.Pitch); len(lines) > 60<<10 {
			_, _ = io.Discard.Write(lines)
			lines = lines[:0]
		}
		n++
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}
