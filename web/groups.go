package web

import (
	"slices"
	"strconv"
	"time"

	"github.com/pitchkafka/pitchkafka/kafkaio"
)

// changesKept is how many group changes the page lists.
const changesKept = 10

// idleAfter is how long a group keeps its place on the page once its last
// member has left: long enough for a talk's "stop every announcer, watch
// the lag grow, start one again"; after it the group is idle, and folds
// away. A group with no member when the page first sees it is idle at once.
const idleAfter = 5 * time.Minute

// groupTracker turns the watch's snapshots into the page's group views, and
// notices members joining and leaving and partitions changing owner.
type groupTracker struct {
	// owners is each group's last owner of each partition; a partition
	// without an owner, as in the middle of a rebalance, keeps its last.
	owners  map[string]map[int32]string
	members map[string][]string
	// manned is when each group was last seen with a member.
	manned  map[string]time.Time
	changes []Change
}

func newGroupTracker() *groupTracker {
	return &groupTracker{owners: map[string]map[int32]string{}, members: map[string][]string{}, manned: map[string]time.Time{}}
}

// update takes a new snapshot and returns the groups as the page shows
// them: those with members or recently left, in the snapshot's order (by
// id), then the idle ones.
func (t *groupTracker) update(st kafkaio.TopicState) []Group {
	groups := make([]Group, 0, len(st.Groups))
	for _, gs := range st.Groups {
		g := groupView(gs, st.High)
		t.notice(g, st.At)
		if len(g.Members) > 0 {
			t.manned[g.ID] = st.At
		}
		last, ever := t.manned[g.ID]
		g.Idle = len(g.Members) == 0 && (!ever || st.At.Sub(last) >= idleAfter)
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

// notice records a change of the group's members or owners since the last
// snapshot.
func (t *groupTracker) notice(g Group, at time.Time) {
	names := make([]string, len(g.Members))
	for i, m := range g.Members {
		names[i] = m.Name
	}
	prevNames, known := t.members[g.ID]
	t.members[g.ID] = names
	owners := t.owners[g.ID]
	if owners == nil {
		owners = map[int32]string{}
		t.owners[g.ID] = owners
	}
	c := Change{At: at.UTC().Format("2006-01-02T15:04:05.000Z07:00"), Group: g.ID, Protocol: g.Protocol}
	if known {
		c.Joined, c.Left = missingFrom(prevNames, names), missingFrom(names, prevNames)
	}
	for _, p := range g.Partitions {
		if p.Owner == "" || p.Owner == owners[p.ID] {
			continue
		}
		if known {
			c.Moves = append(c.Moves, Move{Partition: p.ID, From: owners[p.ID], To: p.Owner})
		}
		owners[p.ID] = p.Owner
	}
	if len(c.Joined)+len(c.Left)+len(c.Moves) > 0 {
		t.changes = append([]Change{c}, t.changes[:min(len(t.changes), changesKept-1)]...)
	}
}

// missingFrom returns the names in b that are not in a.
func missingFrom(a, b []string) []string {
	var out []string
	for _, n := range b {
		if !slices.Contains(a, n) {
			out = append(out, n)
		}
	}
	return out
}

// groupView is a group with its members named and its position on every
// partition of the topic.
func groupView(gs kafkaio.GroupState, high map[int32]int64) Group {
	g := Group{ID: gs.ID, Protocol: gs.Protocol, State: gs.State, Assignor: gs.Assignor, Members: []Member{}}
	owner := map[int32]string{}
	for _, m := range gs.Members {
		name := memberName(m)
		g.Members = append(g.Members, Member{Name: name, Host: m.Host, Partitions: nonNil(m.Partitions)})
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
		if c, ok := gs.Committed[id]; ok {
			gp.Committed, gp.Lag = c, max(0, high[id]-c)
			g.Lag += gp.Lag
		}
		g.Partitions = append(g.Partitions, gp)
	}
	return g
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

func nonNil(ps []int32) []int32 {
	if ps == nil {
		return []int32{}
	}
	return ps
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
