package kafkaio

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/embedded"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
)

// mustReadAsGroup reads the topic to its end as a member of group, which
// commits and leaves.
func mustReadAsGroup(tb testing.TB, cfg Config, topic, group string) {
	tb.Helper()
	g, err := NewGroupReader(context.Background(), cfg, GroupOptions{Topic: topic, Group: group, FromBeginning: true, Once: true})
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := g.Run(ctx, func(Record) error { return nil }); err != nil {
		tb.Fatal(err)
	}
	if err := g.Close(); err != nil {
		tb.Fatal(err)
	}
}

// mustWatch opens a watch of topic, closed when the test ends, and takes
// its first snapshot.
func mustWatch(tb testing.TB, cfg Config, topic string) (*TopicWatch, TopicState) {
	tb.Helper()
	w, err := NewTopicWatch(context.Background(), cfg, topic)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(w.Close)
	st, err := w.Snapshot(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return w, st
}

// A group that read the topic and left is still shown, with no member and
// its committed offsets, and its lag grows as the topic does; a group of
// another topic is not shown; asking again within a second asks nothing.
func TestTopicWatchSeesAGroupThatLeftAndItsLag(t *testing.T) {
	b := testkit.StartBroker(t)
	cfg := testConfig(b, zerolog.Nop())
	mustPublish(t, cfg, "pitches", 300)
	mustPublish(t, cfg, "other", 10)
	mustReadAsGroup(t, cfg, "pitches", "radio")
	mustReadAsGroup(t, cfg, "other", "elsewhere")

	w, st := mustWatch(t, cfg, "pitches")
	total := int64(0)
	for _, h := range st.High {
		total += h
	}
	if len(st.High) != 3 || total != 300 || len(st.Groups) != 1 {
		t.Fatalf("high watermarks %v, groups %+v: want 3 partitions holding 300 records, and group radio alone", st.High, st.Groups)
	}
	g := st.Groups[0]
	if g.ID != "radio" || len(g.Members) != 0 || g.Protocol != GroupProtocolClassic {
		t.Errorf("group %+v: want radio, classic, no member", g)
	}
	for p, h := range st.High {
		if g.Committed[p] != h {
			t.Errorf("partition %d: committed %d, high watermark %d", p, g.Committed[p], h)
		}
	}
	again, err := w.Snapshot(context.Background())
	if err != nil || !again.At.Equal(st.At) {
		t.Errorf("a second snapshot at once asked the cluster again (%v, %v)", again.At, err)
	}
	mustPublish(t, cfg, "pitches", 50) // the same 50 first pitches of the season, written again
	time.Sleep(MinWatchInterval)
	later, err := w.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	lag := int64(0)
	for p, h := range later.High {
		lag += h - later.Groups[0].Committed[p]
	}
	if lag != 50 {
		t.Errorf("lag %d after 50 more records, want 50", lag)
	}
}

// On a cluster of three brokers the watch sees each partition's leader
// among its three replicas, all in sync, the brokers with their addresses,
// and a partition's low watermark once records before it are deleted.
func TestTopicWatchSeesReplicasAndLowWatermarks(t *testing.T) {
	b := testkit.StartBrokerWith(t, embedded.BrokerOptions{Listen: "127.0.0.1:0", Nodes: 3, Log: zerolog.Nop()})
	cfg := testConfig(b, zerolog.Nop())
	mustPublish(t, cfg, "pitches", 300)
	mustDeleteRecords(t, cfg, "pitches", 0, 10)

	_, st := mustWatch(t, cfg, "pitches")
	var addrs []string
	for _, br := range st.Brokers {
		addrs = append(addrs, br.Addr)
	}
	if want := b.Addrs(); !slices.Equal(addrs, want) {
		t.Errorf("brokers %+v, want the cluster's %q", st.Brokers, want)
	}
	if len(st.Partitions) != 3 {
		t.Fatalf("partitions %+v, want 3", st.Partitions)
	}
	for _, p := range st.Partitions {
		if len(p.Replicas) != 3 || !slices.Contains(p.Replicas, p.Leader) || !slices.Equal(sorted(p.ISR), sorted(p.Replicas)) || len(p.Offline) != 0 {
			t.Errorf("partition %+v: want a leader among three replicas, all in sync, none offline", p)
		}
	}
	if st.Low[0] != 10 || st.Low[1] != 0 || st.Low[2] != 0 || st.High[0] < 10 {
		t.Errorf("low watermarks %v, high %v: want 10 on partition 0, 0 elsewhere", st.Low, st.High)
	}
}

func sorted(ids []int32) []int32 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// mustDeleteRecords deletes a partition's records before offset, as
// retention would.
func mustDeleteRecords(tb testing.TB, cfg Config, topic string, partition int32, before int64) {
	tb.Helper()
	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": cfg.Brokers, "log_level": 3})
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := admin.DeleteRecords(ctx, []kafka.TopicPartition{{Topic: &topic, Partition: partition, Offset: kafka.Offset(before)}})
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range res.DeleteRecordsResults {
		if r.TopicPartition.Error != nil {
			tb.Fatalf("delete records of %s/%d: %v", topic, partition, r.TopicPartition.Error)
		}
	}
}

// The watch asks for the watermarks of the partitions led by a live
// broker only: asking for one with no leader, or whose leader is down,
// would wait for a leader until the timeout.
func TestTopicWatchAsksLedPartitionsOnly(t *testing.T) {
	brokers := []BrokerState{{ID: 1, Addr: "a:9092"}, {ID: 2, Addr: "b:9092"}}
	ps := []PartitionState{{ID: 0, Leader: 1}, {ID: 1, Leader: -1}, {ID: 2, Leader: 3}, {ID: 3, Leader: 2}}
	var got []int32
	for _, p := range led(ps, brokers) {
		got = append(got, p.ID)
	}
	if want := []int32{0, 3}; !slices.Equal(got, want) || len(ps) != 4 {
		t.Errorf("asked for partitions %v, want %v", got, want)
	}
}
