package web

import (
	"slices"
	"strconv"
	"time"

	"github.com/pitchkafka/pitchkafka/kafkaio"
)

// idleAfter is how long a group keeps its place on the page once its last
// member has left: long enough for a talk's "stop every announcer, watch
// the lag grow, start one again"; after it the group is idle, and folds
// away. A group with no member when the page first sees it is idle at once.
const idleAfter = 5 * time.Minute

// lagTrendLen is how many of a group's lags, one per look, the page draws:
// the last minute.
const lagTrendLen = 60

// groupTracker turns the watch's snapshots into the page's group views:
// each group's rebalances (see rebalances.go), its lag over the last
// minute, and whether it is idle.
type groupTracker struct {
	groups map[string]*groupHistory
	// changes are the latest rebalances, of every group, newest first.
	changes []*rebalance
}

// groupHistory is what the tracker remembers of one group.
type groupHistory struct {
	// settled is the group as it was when its last rebalance settled, or
	// when the page first saw it; last as it was at the last look, and
	// quietSince when it last looked different.
	settled, last groupShape
	quietSince    time.Time
	open          *rebalance // the rebalance in progress, if any
	// manned is when the group was last seen with a member.
	manned time.Time
	lags   []int64
}

// newGroupHistory starts the history of a group first seen at at: settled
// as it is.
func newGroupHistory(g Group, at time.Time) *groupHistory {
	s := shapeOf(g)
	return &groupHistory{settled: s, last: s, quietSince: at}
}

func newGroupTracker() *groupTracker {
	return &groupTracker{groups: map[string]*groupHistory{}}
}

// update takes a new snapshot and returns the groups as the page shows
// them: those with members or recently left, in the snapshot's order (by
// id), then the idle ones.
func (t *groupTracker) update(st kafkaio.TopicState) []Group {
	groups := make([]Group, 0, len(st.Groups))
	for _, gs := range st.Groups {
		g := groupView(gs, st.High, st.Low)
		h := t.groups[g.ID]
		if h == nil {
			h = newGroupHistory(g, st.At)
			t.groups[g.ID] = h
		} else {
			t.notice(h, g, st.At)
		}
		h.lags = append(h.lags, g.Lag)
		h.lags = h.lags[max(0, len(h.lags)-lagTrendLen):]
		g.LagTrend = slices.Clone(h.lags)
		if len(g.Members) > 0 {
			h.manned = st.At
		}
		g.Idle = len(g.Members) == 0 && (h.manned.IsZero() || st.At.Sub(h.manned) >= idleAfter)
		groups = append(groups, g)
	}
	slices.SortStableFunc(groups, func(a, b Group) int { return compareBool(a.Idle, b.Idle) })
	return groups
}

// compareBool orders false before true.
func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// groupView is a group with its members named, its position on every
// partition of the topic, and its count of records handled.
func groupView(gs kafkaio.GroupState, high, low map[int32]int64) Group {
	g := Group{ID: gs.ID, Protocol: gs.Protocol, State: gs.State, Assignor: gs.Assignor, Members: []Member{}}
	owner := map[int32]string{}
	for _, m := range gs.Members {
		name := memberName(m)
		g.Members = append(g.Members, Member{Name: name, Host: m.Host, Partitions: orEmpty(m.Partitions)})
		for _, p := range m.Partitions {
			owner[p] = name
		}
	}
	ids := make([]int32, 0, len(high))
	for id := range high {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		gp := GroupPartition{ID: id, Owner: owner[id], Committed: -1, Lag: -1}
		c, ok := gs.Committed[id]
		if ok {
			gp.Committed, gp.Lag = c, max(0, high[id]-c)
			g.Lag += gp.Lag
		}
		g.tally(low[id], high[id], c, ok)
		g.Partitions = append(g.Partitions, gp)
	}
	g.ToGo = g.OnTopic - g.Handled
	return g
}

// tally counts one partition's records, those between its low and high
// watermarks, in the group's OnTopic, and those of them below the
// group's committed offset, if it has one, in Handled. Records retention
// deleted before the group committed past them count in Expired.
func (g *Group) tally(low, high, committed int64, ok bool) {
	low = min(low, high)
	g.OnTopic += high - low
	if !ok {
		return
	}
	g.Handled += min(max(committed, low), high) - low
	g.Expired += max(0, low-committed)
}

// memberName is how the page names a member: its client id and the end of
// its member id (or its group.instance.id), short enough for a projector
// and distinct within a group.
func memberName(m kafkaio.GroupMember) string {
	id := m.InstanceID
	if id == "" {
		id = m.ID[max(0, len(m.ID)-4):]
	}
	if m.ClientID == "" {
		return id
	}
	return m.ClientID + "·" + id
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
