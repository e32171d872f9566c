package kafkaio

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/rs/zerolog"
)

// benchPitches returns n simulated pitches, stamped.
func benchPitches(b *testing.B, n int) []game.Pitch {
	s, err := game.NewSeason(game.DefaultLeague(), game.SeasonConfig{Seed: 1, Concurrent: 15})
	if err != nil {
		b.Fatal(err)
	}
	out := make([]game.Pitch, n)
	for i := range out {
		s.NextInto(&out[i])
		out[i].TS = time.Now().Truncate(time.Millisecond)
	}
	return out
}

// BenchmarkPublisher measures Publisher.Publish, encoding included, to an
// in-process broker; one op is one pitch delivered.
func BenchmarkPublisher(b *testing.B) {
	br := mustStartBroker(b)
	pitches := benchPitches(b, 4096)
	pub, err := NewPublisher(context.Background(), testConfig(br, zerolog.Nop()), TopicSpec{Name: "bench", Partitions: 6, ReplicationFactor: -1})
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
			br := mustStartBroker(b)
			pitches := benchPitches(b, 4096)
			values, keys := make([][]byte, len(pitches)), make([][]byte, len(pitches))
			for i := range pitches {
				values[i] = pitches[i].AppendJSON(nil)
				keys[i] = strconv.AppendInt(nil, pitches[i].GamePK, 10)
			}
			creator, err := NewPublisher(context.Background(), testConfig(br, zerolog.Nop()), TopicSpec{Name: "raw", Partitions: 6, ReplicationFactor: -1})
			if err != nil {
				b.Fatal(err)
			}
			creator.Close(time.Second)
			cm := Config{Brokers: br.Bootstrap(), Log: zerolog.Nop()}.configMap(producerDefaults)
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
			topic := "raw"
			msg := kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny}}
			if withHeaders {
				msg.Headers = pitchHeaders
			}
			b.ResetTimer()
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
			b.StopTimer()
			p.Close()
			if n := <-done; n != b.N {
				b.Fatalf("%d of %d delivered", n, b.N)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
