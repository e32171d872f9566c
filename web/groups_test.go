package web

import (
	"fmt"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/kafkaio"
)

// snapshot is a topic of six partitions read by group g, whose members
// own the given partitions.
func snapshot(at time.Time, members map[string][]int32) kafkaio.TopicState {
	g := kafkaio.GroupState{ID: "g", Protocol: kafkaio.GroupProtocolClassic, State: "Stable",
		Committed: map[int32]int64{0: 5}}
	for _, id := range []string{"member-aaaa", "member-bbbb"} {
		if ps, ok := members[id]; ok {
			g.Members = append(g.Members, kafkaio.GroupMember{ID: id, ClientID: "announce", Partitions: ps})
		}
	}
	return kafkaio.TopicState{Topic: "pitches", At: at, High: map[int32]int64{0: 10, 1: 0, 2: 0, 3: 0, 4: 0, 5: 0},
		Groups: []kafkaio.GroupState{g}}
}

// The tracker reports a member joining, the partitions that move to it
// once the rebalance settles (not the moment in between when nobody owns
// them), and the partitions moving back when it leaves.
func TestGroupTrackerNoticesJoinsAndMoves(t *testing.T) {
	a, b := "announce·aaaa", "announce·bbbb"
	t0 := time.Date(2026, 4, 1, 19, 5, 0, 0, time.UTC)
	steps := []struct {
		members map[string][]int32
		want    string // the newest change, after this snapshot
	}{
		{map[string][]int32{"member-aaaa": {0, 1, 2, 3, 4, 5}}, "none"},
		{map[string][]int32{"member-aaaa": {}, "member-bbbb": {}}, "joined [" + b + "] left [] moves []"},
		{map[string][]int32{"member-aaaa": {3, 4, 5}, "member-bbbb": {0, 1, 2}}, fmt.Sprintf("joined [] left [] moves [0 %[1]s→%[2]s 1 %[1]s→%[2]s 2 %[1]s→%[2]s]", a, b)},
		{map[string][]int32{"member-aaaa": {0, 1, 2, 3, 4, 5}}, fmt.Sprintf("joined [] left [%[2]s] moves [0 %[2]s→%[1]s 1 %[2]s→%[1]s 2 %[2]s→%[1]s]", a, b)},
	}
	tr := newGroupTracker()
	for i, step := range steps {
		groups := tr.update(snapshot(t0.Add(time.Duration(i)*time.Second), step.members))
		got := "none"
		if len(tr.changes) > 0 {
			c := tr.changes[0]
			moves := ""
			for j, m := range c.Moves {
				if j > 0 {
					moves += " "
				}
				moves += fmt.Sprintf("%d %s→%s", m.Partition, m.From, m.To)
			}
			got = fmt.Sprintf("joined %v left %v moves [%s]", c.Joined, c.Left, moves)
			if c.Protocol != kafkaio.GroupProtocolClassic || c.At != t0.Add(time.Duration(i)*time.Second).Format("2006-01-02T15:04:05.000Z07:00") {
				t.Errorf("step %d: change %+v", i, c)
			}
		}
		if got != step.want {
			t.Errorf("step %d: newest change %q, want %q", i, got, step.want)
		}
		if g := groups[0]; g.Lag != 5 || g.Partitions[0].Committed != 5 || g.Partitions[1].Lag != -1 {
			t.Errorf("step %d: lag %d, partitions %+v: want lag 5 on partition 0 and none elsewhere", i, g.Lag, g.Partitions)
		}
	}
	if len(tr.changes) != 3 {
		t.Errorf("%d changes, want 3", len(tr.changes))
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
