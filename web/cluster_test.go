package web

import (
	"slices"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/kafkaio"
)

// topicAt is a topic of three partitions on brokers 1 to 3, at, with the
// given leaders and partition 2's ISR.
func topicAt(at time.Time, leaders [3]int32, isr2 []int32) kafkaio.TopicState {
	st := kafkaio.TopicState{Topic: "pitches", At: at, High: map[int32]int64{0: 100, 1: 50, 2: 10}, Low: map[int32]int64{0: 40, 1: 0, 2: 0},
		Brokers: []kafkaio.BrokerState{{ID: 1, Addr: "127.0.0.1:9092"}, {ID: 2, Addr: "127.0.0.1:9093"}}}
	for id, leader := range leaders {
		p := kafkaio.PartitionState{ID: int32(id), Leader: leader, Replicas: []int32{1, 2, 3}, ISR: []int32{1, 2}, Offline: []int32{3}}
		if id == 2 {
			p.ISR = isr2
		}
		st.Partitions = append(st.Partitions, p)
	}
	return st
}

// The state gives each partition its leader, replicas, ISR, offline
// replicas and low watermark, marks a leader that changed within
// leaderMovedFor, and lists the brokers.
func TestStateShowsLeadersAndISR(t *testing.T) {
	s := &Server{opts: Options{Topic: "pitches"}, live: newLive(), tracker: newGroupTracker(), cluster: newClusterTracker(),
		problems: map[string]string{}}
	now := time.Now()
	for _, st := range []kafkaio.TopicState{
		topicAt(now.Add(-2*leaderMovedFor), [3]int32{1, 2, 3}, []int32{1, 2, 3}),
		topicAt(now.Add(-leaderMovedFor-time.Second), [3]int32{1, 1, 3}, []int32{1, 2, 3}), // partition 1 moved, long ago
		topicAt(now.Add(-time.Second), [3]int32{1, 1, 1}, []int32{1}),                      // partition 2 moved just now
	} {
		s.cluster.update(st)
		s.high = st.High
	}
	st := s.state()
	if len(st.Partitions) != 3 {
		t.Fatalf("partitions %+v", st.Partitions)
	}
	for _, tc := range []struct {
		id        int32
		leader    int32
		isr       []int32
		low       int64
		movedFrom int32 // -2 for no mark
	}{
		{0, 1, []int32{1, 2}, 40, -2},
		{1, 1, []int32{1, 2}, 0, -2},
		{2, 1, []int32{1}, 0, 3},
	} {
		p := st.Partitions[tc.id]
		moved := int32(-2)
		if p.LeaderMoved != nil {
			moved = p.LeaderMoved.From
		}
		if p.Leader != tc.leader || !slices.Equal(p.ISR, tc.isr) || !slices.Equal(p.Replicas, []int32{1, 2, 3}) || p.Low != tc.low ||
			moved != tc.movedFrom || !slices.Equal(p.Offline, []int32{3}) {
			t.Errorf("partition %d: leader %d, replicas %v, isr %v, offline %v, low %d, leader moved %+v; want leader %d, isr %v, low %d, moved from %d",
				tc.id, p.Leader, p.Replicas, p.ISR, p.Offline, p.Low, p.LeaderMoved, tc.leader, tc.isr, tc.low, tc.movedFrom)
		}
	}
	if len(st.Brokers) != 2 || st.Brokers[1] != (Broker{ID: 2, Addr: "127.0.0.1:9093"}) {
		t.Errorf("brokers %+v", st.Brokers)
	}
	if st.Stage != nil {
		t.Errorf("a page without controls has a stage: %+v", st.Stage)
	}
}

// A partition the cluster has not been asked about yet has no leader, and
// lists, not nulls, for its replicas.
func TestStateBeforeTheClusterIsAsked(t *testing.T) {
	s := &Server{opts: Options{Topic: "pitches"}, live: newLive(), tracker: newGroupTracker(), cluster: newClusterTracker(),
		problems: map[string]string{}, high: map[int32]int64{0: 5}}
	p := s.state().Partitions[0]
	if p.Leader != -1 || p.Replicas == nil || p.ISR == nil || p.LeaderMoved != nil {
		t.Errorf("partition %+v: want leader -1, empty lists", p)
	}
}
