package web

import (
	"slices"
	"time"

	"github.com/pitchkafka/pitchkafka/kafkaio"
)

// leaderMovedFor is how long the page marks a partition whose leader
// changed: long enough to point at it after stopping a node.
const leaderMovedFor = 30 * time.Second

// clusterTracker keeps the topic's partitions as the watch last saw them,
// where their replicas are and their low watermarks, and notices leaders
// changing.
type clusterTracker struct {
	partitions map[int32]kafkaio.PartitionState
	low        map[int32]int64
	brokers    []Broker
	moves      map[int32]leaderMove
}

// leaderMove is a partition's last change of leader.
type leaderMove struct {
	from int32
	at   time.Time
}

func newClusterTracker() *clusterTracker {
	return &clusterTracker{partitions: map[int32]kafkaio.PartitionState{}, low: map[int32]int64{}, moves: map[int32]leaderMove{}}
}

// update takes a new snapshot.
func (c *clusterTracker) update(st kafkaio.TopicState) {
	next := make(map[int32]kafkaio.PartitionState, len(st.Partitions))
	for _, p := range st.Partitions {
		if was, ok := c.partitions[p.ID]; ok && was.Leader != p.Leader {
			c.moves[p.ID] = leaderMove{from: was.Leader, at: st.At}
		}
		next[p.ID] = p
	}
	c.partitions, c.low = next, st.Low
	c.brokers = make([]Broker, len(st.Brokers))
	for i, b := range st.Brokers {
		c.brokers[i] = Broker{ID: b.ID, Addr: b.Addr}
	}
}

// describe adds to a partition of the page where its replicas are, its
// low watermark, and its leader's change if it was lately.
func (c *clusterTracker) describe(p *Partition, now time.Time) {
	p.Low = min(c.low[p.ID], p.High)
	p.Leader, p.Replicas, p.ISR = -1, []int32{}, []int32{}
	if ps, ok := c.partitions[p.ID]; ok {
		p.Leader, p.Replicas, p.ISR = ps.Leader, orEmpty(slices.Clone(ps.Replicas)), orEmpty(slices.Clone(ps.ISR))
		p.Offline = slices.Clone(ps.Offline)
	}
	if m, ok := c.moves[p.ID]; ok && now.Sub(m.at) < leaderMovedFor {
		p.LeaderMoved = &LeaderMove{From: m.from, At: stamp(m.at)}
	}
}
