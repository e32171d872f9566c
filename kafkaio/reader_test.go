package kafkaio

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
)

// mustFold reads the given partitions (all when nil) into table.
func mustFold(tb testing.TB, cfg Config, topic string, partitions []int32, table *game.LastPitches) int {
	tb.Helper()
	r, err := NewReader(cfg, topic)
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	n := 0
	err = r.Run(context.Background(), ReadOptions{FromBeginning: true, Once: true, Partitions: partitions}, func(rec Record) {
		table.Apply(&rec.Pitch)
		n++
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestLastPitchesAreTheSameWhateverOrderThePartitionsAreRead(t *testing.T) {
	b := testkit.StartBroker(t)
	cfg := testConfig(b, zerolog.Nop())
	mustPublish(t, cfg, "pitches", 3000)
	together := game.NewLastPitches()
	if n := mustFold(t, cfg, "pitches", nil, together); n != 3000 {
		t.Fatalf("read %d records, want 3000", n)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 3; round++ {
		order := []int32{0, 1, 2}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		oneByOne := game.NewLastPitches()
		for _, p := range order {
			mustFold(t, cfg, "pitches", []int32{p}, oneByOne)
		}
		if !reflect.DeepEqual(oneByOne.Sorted(), together.Sorted()) {
			t.Fatalf("partitions read one at a time in order %v give another table", order)
		}
	}
}

func TestOnceOnALogWhoseStartIsAboveZero(t *testing.T) {
	b := testkit.StartBroker(t)
	cfg := testConfig(b, zerolog.Nop())
	mustPublish(t, cfg, "pitches", 900)
	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": b.Bootstrap(), "log_level": 3})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	topic := "pitches"
	var cut []kafka.TopicPartition
	for p := int32(0); p < 3; p++ {
		cut = append(cut, kafka.TopicPartition{Topic: &topic, Partition: p, Offset: 50})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := admin.DeleteRecords(ctx, cut)
	if err != nil {
		t.Fatal(err)
	}
	deleted := 0
	for _, r := range res.DeleteRecordsResults {
		if r.TopicPartition.Error != nil {
			t.Fatal(r.TopicPartition.Error)
		}
		deleted += 50
	}
	start := time.Now()
	if n := mustFold(t, cfg, topic, nil, game.NewLastPitches()); n != 900-deleted {
		t.Fatalf("read %d records after deleting %d of 900", n, deleted)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v", d)
	}
}

// Reading a partition's offsets asks again while its leader moves or is
// not elected yet (Apache Kafka, just after creating a topic, answered
// NOT_LEADER_OR_FOLLOWER and scores failed), and not for other errors.
func TestWatermarksAskAgainWhileTheLeaderMoves(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{kafka.NewError(kafka.ErrNotLeaderForPartition, "not leader", false), true},
		{kafka.NewError(kafka.ErrLeaderNotAvailable, "no leader", false), true},
		{kafka.NewError(kafka.ErrUnknownTopicOrPart, "unknown", false), true},
		{fmt.Errorf("wrapped: %w", kafka.NewError(kafka.ErrNotLeaderForPartition, "not leader", false)), true},
		{kafka.NewError(kafka.ErrTopicAuthorizationFailed, "denied", false), false},
		{kafka.NewError(kafka.ErrTimedOut, "timed out", false), false},
		{errors.New("not a Kafka error"), false},
	} {
		if got := leaderMoving(tc.err); got != tc.want {
			t.Errorf("leaderMoving(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
