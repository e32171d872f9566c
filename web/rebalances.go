package web

import (
	"maps"
	"slices"
	"time"
)

// changesKept is how many rebalances the page lists.
const changesKept = 10

// settleAfter is how long a rebalance that never reaches Stable with every
// partition owned (a member that owns nothing of the topic by design, a
// state the broker names otherwise) may go unchanged before the page calls
// it settled, so that none stays "in progress" for ever.
const settleAfter = 10 * time.Second

// stable is the state of a group done rebalancing, as the broker names it.
const stable = "Stable"

// A rebalance, as the page times it, starts at the first look (one a
// second) that sees the group leave Stable, or its members or owners
// differ from when it last settled; it settles at the first look that
// sees the group Stable with every partition of the topic owned, or with
// no member left. Its duration is the time between the two looks: a
// rebalance over between two looks took "under a second", 0. It compares
// the group as it settled with the group as it was when the last one
// settled, so a partition taken away and given back within it did not
// move.
type rebalance struct {
	change Change
	start  time.Time
	from   groupShape
}

// groupShape is what a rebalance changes: the group's state, its members
// and each partition's owner ("" for none).
type groupShape struct {
	state   string
	members []string
	owners  map[int32]string
}

func shapeOf(g Group) groupShape {
	s := groupShape{state: g.State, members: make([]string, len(g.Members)), owners: make(map[int32]string, len(g.Partitions))}
	for i, m := range g.Members {
		s.members[i] = m.Name
	}
	for _, p := range g.Partitions {
		s.owners[p.ID] = p.Owner
	}
	return s
}

// sameMembers reports whether two shapes have the same members owning the
// same partitions.
func (s groupShape) sameMembers(o groupShape) bool {
	return len(missingFrom(s.members, o.members))+len(missingFrom(o.members, s.members)) == 0 && maps.Equal(s.owners, o.owners)
}

// done reports whether a group of this shape is done rebalancing: Stable
// with every partition owned, or with no member left.
func (s groupShape) done() bool {
	if len(s.members) == 0 {
		return true
	}
	if s.state != stable {
		return false
	}
	for _, o := range s.owners {
		if o == "" {
			return false
		}
	}
	return true
}

// notice follows the group's rebalances from one look to the next.
func (t *groupTracker) notice(h *groupHistory, g Group, at time.Time) {
	now := shapeOf(g)
	if now.state != h.last.state || !now.sameMembers(h.last) {
		h.quietSince = at
	}
	h.last = now
	if h.open == nil && !h.rebalancing(now) {
		return
	}
	if h.open == nil {
		h.open = &rebalance{start: at, from: h.settled, change: Change{At: stamp(at), Group: g.ID}}
		t.changes = append([]*rebalance{h.open}, t.changes[:min(len(t.changes), changesKept-1)]...)
	}
	r := h.open
	r.describe(g, now)
	r.change.TookMs = at.Sub(r.start).Milliseconds()
	switch {
	case now.done():
	case at.Sub(h.quietSince) >= settleAfter:
		r.stuck(now, h.quietSince)
	default:
		return
	}
	r.change.Settled = true
	h.settled, h.open = now, nil
}

// rebalancing reports whether a group that had settled is rebalancing
// now: it has left Stable for another state, or its members or owners
// changed.
func (h *groupHistory) rebalancing(now groupShape) bool {
	left := now.state != h.settled.state && now.state != stable
	return left || !now.sameMembers(h.settled)
}

// stuck settles a rebalance that never got done, timed to its last change,
// with the partitions it left unowned.
func (r *rebalance) stuck(now groupShape, lastChange time.Time) {
	r.change.TookMs = lastChange.Sub(r.start).Milliseconds()
	for id, o := range now.owners {
		if o == "" {
			r.change.Unowned = append(r.change.Unowned, id)
		}
	}
	slices.Sort(r.change.Unowned)
}

// describe says what changed from the group as the rebalance found it to
// the group now: who joined and left, which partitions went from whom to
// whom, and what each member gave up and got.
func (r *rebalance) describe(g Group, now groupShape) {
	c := &r.change
	c.Protocol = g.Protocol
	c.Joined, c.Left = missingFrom(r.from.members, now.members), missingFrom(now.members, r.from.members)
	c.Moves, c.Members = nil, nil
	ids := slices.Sorted(maps.Keys(now.owners))
	for _, id := range ids {
		if to := now.owners[id]; to != "" && to != r.from.owners[id] {
			c.Moves = append(c.Moves, Move{Partition: id, From: r.from.owners[id], To: to})
		}
	}
	names := append(slices.Clone(r.from.members), missingFrom(r.from.members, now.members)...)
	for _, name := range names {
		m := MemberMoves{Name: name}
		for _, id := range ids {
			was, is := r.from.owners[id] == name, now.owners[id] == name
			switch {
			case was && !is:
				m.Gave = append(m.Gave, id)
			case is && !was:
				m.Got = append(m.Got, id)
			}
		}
		if len(m.Gave)+len(m.Got) > 0 {
			c.Members = append(c.Members, m)
		}
	}
}

// list returns the latest rebalances, newest first.
func (t *groupTracker) list() []Change {
	out := make([]Change, len(t.changes))
	for i, r := range t.changes {
		out[i] = r.change
	}
	return out
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

// stamp is a time as the page's JSON gives it: RFC 3339, to the
// millisecond, in UTC.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }
