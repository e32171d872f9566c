package web

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/kafkaio"
)

// look is one look at group g, of a topic of six partitions, in a state,
// its members owning the given partitions.
type look struct {
	state   string
	members map[string][]int32
}

// snapshot is the topic with group g as look says, at at.
func snapshot(at time.Time, l look) kafkaio.TopicState {
	g := kafkaio.GroupState{ID: "g", Protocol: kafkaio.GroupProtocolClassic, State: l.state,
		Committed: map[int32]int64{0: 5}}
	for _, id := range []string{"member-aaaa", "member-bbbb", "member-cccc"} {
		if ps, ok := l.members[id]; ok {
			g.Members = append(g.Members, kafkaio.GroupMember{ID: id, ClientID: "announce", Partitions: ps})
		}
	}
	return kafkaio.TopicState{Topic: "pitches", At: at, High: map[int32]int64{0: 10, 1: 0, 2: 0, 3: 0, 4: 0, 5: 0},
		Groups: []kafkaio.GroupState{g}}
}

// summary is a change as one line: who joined and left, what each member
// gave and got, whether it settled and how long it took.
func summary(c Change) string {
	out := fmt.Sprintf("joined %v left %v", c.Joined, c.Left)
	for _, m := range c.Members {
		out += fmt.Sprintf(" %s gave %v got %v", strings.TrimPrefix(m.Name, "announce·"), m.Gave, m.Got)
	}
	if len(c.Unowned) > 0 {
		out += fmt.Sprintf(" unowned %v", c.Unowned)
	}
	if c.Settled {
		return out + fmt.Sprintf(" took %v", time.Duration(c.TookMs)*time.Millisecond)
	}
	return out + fmt.Sprintf(" so far %v", time.Duration(c.TookMs)*time.Millisecond)
}

// The tracker times a rebalance from the first look that sees the group
// leave Stable, or its members or owners change, to the first that sees it
// Stable with every partition owned (or with no member); it says who
// joined and left and what each member gave up and got, from the group as
// it last settled to the group as it settles.
func TestRebalancesAreTimedUntilEveryPartitionIsOwned(t *testing.T) {
	const joining, leaving, stuck = "PreparingRebalance", "CompletingRebalance", "Unknown"
	all, a, b := []int32{0, 1, 2, 3, 4, 5}, "member-aaaa", "member-bbbb"
	for _, tc := range []struct {
		name  string
		looks []look
		want  []string // the changes after the last look, newest first
	}{
		{"nothing moves", []look{
			{stable, map[string][]int32{a: all}},
			{stable, map[string][]int32{a: all}},
		}, nil},
		{"a member joins: the group leaves Stable, partitions are revoked, then given out", []look{
			{stable, map[string][]int32{a: all}},
			{joining, map[string][]int32{a: all}},
			{leaving, map[string][]int32{a: {}, b: {}}},
			{stable, map[string][]int32{a: {3, 4, 5}, b: {}}}, // Stable, but not every partition owned yet
			{stable, map[string][]int32{a: {3, 4, 5}, b: {0, 1, 2}}},
			{stable, map[string][]int32{a: {3, 4, 5}, b: {0, 1, 2}}},
		}, []string{"joined [announce·bbbb] left [] aaaa gave [0 1 2] got [] bbbb gave [] got [0 1 2] took 3s"}},
		{"in progress", []look{
			{stable, map[string][]int32{a: all}},
			{joining, map[string][]int32{a: all}},
			{leaving, map[string][]int32{a: {}, b: {}}},
		}, []string{"joined [announce·bbbb] left [] aaaa gave [0 1 2 3 4 5] got [] so far 1s"}},
		{"a rebalance between two looks took under one", []look{
			{stable, map[string][]int32{a: {3, 4, 5}, b: {0, 1, 2}}},
			{stable, map[string][]int32{a: all}},
		}, []string{"joined [] left [announce·bbbb] aaaa gave [] got [0 1 2] bbbb gave [0 1 2] got [] took 0s"}},
		{"the last member leaves", []look{
			{stable, map[string][]int32{a: all}},
			{"Empty", nil},
			{"Empty", nil},
		}, []string{"joined [] left [announce·aaaa] aaaa gave [0 1 2 3 4 5] got [] took 0s"}},
		{"two rebalances", []look{
			{stable, map[string][]int32{a: all}},
			{joining, map[string][]int32{a: all}},
			{stable, map[string][]int32{a: {3, 4, 5}, b: {0, 1, 2}}},
			{joining, map[string][]int32{a: {3, 4, 5}, b: {0, 1, 2}}},
			{joining, map[string][]int32{a: {3, 4, 5}}},
			{stable, map[string][]int32{a: all}},
		}, []string{
			"joined [] left [announce·bbbb] aaaa gave [] got [0 1 2] bbbb gave [0 1 2] got [] took 2s",
			"joined [announce·bbbb] left [] aaaa gave [0 1 2] got [] bbbb gave [] got [0 1 2] took 1s",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := newGroupTracker()
			for i, l := range tc.looks {
				tr.update(snapshot(t0.Add(time.Duration(i)*time.Second), l))
			}
			var got []string
			for _, c := range tr.list() {
				got = append(got, summary(c))
				if c.Group != "g" || c.Protocol != kafkaio.GroupProtocolClassic {
					t.Errorf("change %+v: want group g, classic", c)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("changes\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
	// One that never gets every partition owned settles once nothing has
	// changed for settleAfter, timed to its last change, and says what
	// stayed unowned.
	tr := newGroupTracker()
	start := t0
	tr.update(snapshot(start, look{stable, map[string][]int32{a: all}}))
	tr.update(snapshot(start.Add(time.Second), look{stuck, map[string][]int32{a: {0, 1}}}))
	tr.update(snapshot(start.Add(2*time.Second), look{stuck, map[string][]int32{a: {0, 1, 2}}}))
	if c := tr.list()[0]; c.Settled {
		t.Errorf("settled at once: %s", summary(c))
	}
	tr.update(snapshot(start.Add(2*time.Second+settleAfter), look{stuck, map[string][]int32{a: {0, 1, 2}}}))
	if got, want := summary(tr.list()[0]), "joined [] left [] aaaa gave [3 4 5] got [] unowned [3 4 5] took 1s"; got != want {
		t.Errorf("a rebalance stuck with partitions unowned: %q, want %q", got, want)
	}
	tr.update(snapshot(start.Add(3*time.Second+settleAfter), look{stuck, map[string][]int32{a: {0, 1, 2}}}))
	if n := len(tr.list()); n != 1 {
		t.Errorf("%d changes once it settled and nothing changed, want 1", n)
	}
}

// The page's moves, from whom to whom, are those of the group as it
// settled: a partition revoked and given back did not move.
func TestRebalanceMovesAreFromTheSettledOwner(t *testing.T) {
	a, b := "member-aaaa", "member-bbbb"
	tr := newGroupTracker()
	for i, l := range []look{
		{stable, map[string][]int32{a: {0, 1, 2, 3, 4, 5}}},
		{"PreparingRebalance", map[string][]int32{a: {}, b: {}}},
		{stable, map[string][]int32{a: {0, 1, 2}, b: {3, 4, 5}}},
	} {
		tr.update(snapshot(t0.Add(time.Duration(i)*time.Second), l))
	}
	var moves []string
	for _, m := range tr.list()[0].Moves {
		moves = append(moves, fmt.Sprintf("%d %s→%s", m.Partition, m.From, m.To))
	}
	if want := []string{"3 announce·aaaa→announce·bbbb", "4 announce·aaaa→announce·bbbb", "5 announce·aaaa→announce·bbbb"}; !slices.Equal(moves, want) {
		t.Errorf("moves %q, want %q", moves, want)
	}
}

// A group's lag is kept for the last lagTrendLen looks, oldest first.
func TestLagTrendKeepsTheLastMinute(t *testing.T) {
	tr := newGroupTracker()
	var groups []Group
	for i := range lagTrendLen + 5 {
		st := snapshot(t0.Add(time.Duration(i)*time.Second), look{stable, map[string][]int32{"member-aaaa": {0, 1, 2, 3, 4, 5}}})
		st.High[0] = 5 + int64(i) // committed 5: the lag grows by one a look
		groups = tr.update(st)
	}
	trend := groups[0].LagTrend
	if len(trend) != lagTrendLen || trend[0] != 5 || trend[lagTrendLen-1] != lagTrendLen+4 || groups[0].Lag != trend[lagTrendLen-1] {
		t.Errorf("lag %d, trend %v: want the last %d lags, 5 to %d", groups[0].Lag, trend, lagTrendLen, lagTrendLen+4)
	}
}

// The nothing-lost counter counts the records on the log, from each
// partition's low watermark to its high, and those of them the group has
// committed; a partition the group has committed nothing on counts as none
// handled, and records retention deleted before the group committed past
// them count apart, as expired.
func TestNothingLostCountsFromTheLowWatermark(t *testing.T) {
	for _, tc := range []struct {
		name                            string
		low, high, committed            map[int32]int64
		handled, onTopic, toGo, expired int64
	}{
		{"caught up from the start", map[int32]int64{0: 0, 1: 0}, map[int32]int64{0: 100, 1: 50}, map[int32]int64{0: 100, 1: 50}, 150, 150, 0, 0},
		{"behind", map[int32]int64{0: 0, 1: 0}, map[int32]int64{0: 100, 1: 50}, map[int32]int64{0: 90, 1: 5}, 95, 150, 55, 0},
		{"retention deleted the first records, the group read past them",
			map[int32]int64{0: 40, 1: 10}, map[int32]int64{0: 100, 1: 50}, map[int32]int64{0: 100, 1: 45}, 95, 100, 5, 0},
		{"a partition with no commit yet", map[int32]int64{0: 40, 1: 10}, map[int32]int64{0: 100, 1: 50}, map[int32]int64{0: 70}, 30, 100, 70, 0},
		{"no commit at all", map[int32]int64{0: 40, 1: 10}, map[int32]int64{0: 100, 1: 50}, nil, 0, 100, 100, 0},
		{"retention deleted records before the group read them",
			map[int32]int64{0: 40, 1: 10}, map[int32]int64{0: 100, 1: 50}, map[int32]int64{0: 30, 1: 50}, 40, 100, 60, 10},
		{"an empty partition after retention", map[int32]int64{0: 100}, map[int32]int64{0: 100}, map[int32]int64{0: 100}, 0, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := groupView(kafkaio.GroupState{ID: "g", Committed: tc.committed}, tc.high, tc.low)
			if g.Handled != tc.handled || g.OnTopic != tc.onTopic || g.ToGo != tc.toGo || g.Expired != tc.expired {
				t.Errorf("%d of %d handled, %d to go, %d expired; want %d of %d, %d to go, %d expired",
					g.Handled, g.OnTopic, g.ToGo, g.Expired, tc.handled, tc.onTopic, tc.toGo, tc.expired)
			}
		})
	}
}

// A group with no member when the page first sees it is idle, and listed
// after the others; one whose members leave keeps its place for
// idleAfter, then is idle too.
func TestGroupsWithNoMemberTurnIdle(t *testing.T) {
	t0 := time.Date(2026, 4, 1, 19, 5, 0, 0, time.UTC)
	at := func(d time.Duration, talkMembers int) kafkaio.TopicState {
		talk := kafkaio.GroupState{ID: "talk", Protocol: kafkaio.GroupProtocolClassic, State: "Empty"}
		for i := range talkMembers {
			talk.State = "Stable"
			talk.Members = append(talk.Members, kafkaio.GroupMember{ID: fmt.Sprintf("member-%04d", i), ClientID: "announce", Partitions: []int32{0}})
		}
		earlier := kafkaio.GroupState{ID: "earlier", Protocol: kafkaio.GroupProtocolClassic, State: "Empty", Committed: map[int32]int64{0: 3}}
		return kafkaio.TopicState{Topic: "pitches", At: t0.Add(d), High: map[int32]int64{0: 10}, Groups: []kafkaio.GroupState{earlier, talk}}
	}
	tr := newGroupTracker()
	for _, step := range []struct {
		after       time.Duration
		talkMembers int
		want        string
	}{
		{0, 1, "talk, earlier idle"},
		{time.Second, 0, "talk, earlier idle"}, // the members left
		{idleAfter - time.Millisecond, 0, "talk, earlier idle"},
		{idleAfter + time.Second, 0, "earlier idle, talk idle"},
		{idleAfter + 2*time.Second, 1, "talk, earlier idle"},
	} {
		got := ""
		for i, g := range tr.update(at(step.after, step.talkMembers)) {
			if i > 0 {
				got += ", "
			}
			got += g.ID
			if g.Idle {
				got += " idle"
			}
		}
		if got != step.want {
			t.Errorf("after %v with %d members in talk: %q, want %q", step.after, step.talkMembers, got, step.want)
		}
	}
}
