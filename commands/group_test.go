package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/internal/testkit"
)

// member is an announce process in a consumer group.
type member struct {
	name           string
	cmd            *exec.Cmd
	stdout, stderr *testkit.Buffer
	done           chan error    // the process's exit, once
	exited         chan struct{} // closed once the process has exited
	stopped        time.Time
}

// where is the cluster and topic a test's commands use.
type where struct{ brokers, topic string }

// at points a command at w.
func (w where) at() []string { return []string{"--brokers", w.brokers, "--topic", w.topic} }

func startMember(tb testing.TB, w where, group, name string) *member {
	return startMemberWith(tb, w, group, name, "classic")
}

// startMemberWith starts a member joining with the given group protocol.
// Under classic its session times out in 6 s; under consumer the broker
// says when (see groupCluster).
func startMemberWith(tb testing.TB, w where, group, name, protocol string) *member {
	tb.Helper()
	return startGroupProcess(tb, name, protocol, "--log-level", "debug", "--log-format", "json", "announce", "--brokers", w.brokers,
		"--topic", w.topic, "--group", group, "--from-beginning", "--output", "json", "--stats-interval", "1h",
		"--group-protocol", protocol, "-X", "auto.commit.interval.ms=1000")
}

// startGroupProcess starts pitchkafka with args as a group member named
// name. Under the classic protocol its session times out in 6 s, with a
// heartbeat every 500 ms; under consumer the broker says when (see
// groupCluster).
func startGroupProcess(tb testing.TB, name, protocol string, args ...string) *member {
	tb.Helper()
	m := &member{name: name, stdout: &testkit.Buffer{}, stderr: &testkit.Buffer{}, done: make(chan error, 1), exited: make(chan struct{})}
	if protocol == "classic" {
		args = append(args, "-X", "session.timeout.ms=6000", "-X", "heartbeat.interval.ms=500")
	}
	m.cmd = exec.Command(testkit.Binary(tb), args...)
	m.cmd.Stdout, m.cmd.Stderr = m.stdout, m.stderr
	if err := m.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() {
		m.done <- m.cmd.Wait()
		close(m.exited)
	}()
	tb.Cleanup(func() {
		m.cmd.Process.Kill()
		<-m.exited // its output is complete before the test's last look at it
	})
	return m
}

// stop sends sig and waits for the process to end.
func (m *member) stop(tb testing.TB, sig syscall.Signal) error {
	tb.Helper()
	m.stopped = time.Now()
	m.cmd.Process.Signal(sig)
	select {
	case err := <-m.done:
		return err
	case <-time.After(30 * time.Second):
		m.cmd.Process.Signal(syscall.SIGQUIT) // Go prints every goroutine's stack
		<-m.done
		tb.Fatalf("%s did not stop within 30s of %v; its stderr ends:\n%s", m.name, sig, tail(m.stderr.String(), 12000))
		return nil
	}
}

// announced parses the complete lines the member has printed.
func (m *member) announced(tb testing.TB) []announced {
	return parseAnnounced(tb, completeLines(m.stdout.String()))
}

// logLine is what the group tests read from a member's JSON log.
type logLine struct {
	Time       string           `json:"time"`
	Message    string           `json:"message"`
	Partitions []int32          `json:"partitions"`
	Offsets    map[string]int64 `json:"offsets"`
}

func (m *member) logs(tb testing.TB) []logLine {
	var out []logLine
	for _, l := range strings.Split(m.stderr.String(), "\n") {
		var ll logLine
		if json.Unmarshal([]byte(l), &ll) == nil && ll.Message != "" {
			out = append(out, ll)
		}
	}
	return out
}

func (m *member) ownsPartitions(tb testing.TB) bool {
	for _, l := range m.logs(tb) {
		if l.Message == "assigned" && len(l.Partitions) > 0 {
			return true
		}
	}
	return false
}

// lastCommitted returns the last offset the member logged as committed, per partition.
func (m *member) lastCommitted(tb testing.TB) map[int32]int64 {
	out := map[int32]int64{}
	for _, l := range m.logs(tb) {
		if l.Message == "committed" {
			for p, off := range l.Offsets {
				n, _ := strconv.Atoi(p)
				out[int32(n)] = off
			}
		}
	}
	return out
}

type interval struct {
	member     string
	start, end time.Time
}

// ownership turns members' assigned and revoked logs into intervals of
// ownership per partition; a member still owning a partition at its end
// owns it until it stopped.
func ownership(tb testing.TB, members []*member) map[int32][]interval {
	tb.Helper()
	out := map[int32][]interval{}
	for _, m := range members {
		open := map[int32]time.Time{}
		for _, l := range m.logs(tb) {
			at, err := time.Parse("2006-01-02T15:04:05.000Z07:00", l.Time)
			if err != nil {
				continue
			}
			for _, p := range l.Partitions {
				switch {
				case l.Message == "assigned":
					open[p] = at
				case l.Message == "revoked" || strings.HasPrefix(l.Message, "assignment lost"):
					out[p] = append(out[p], interval{m.name, open[p], at})
					delete(open, p)
				}
			}
		}
		for p, start := range open {
			out[p] = append(out[p], interval{m.name, start, m.stopped})
		}
	}
	return out
}

// assertNoSharedPartitions checks that no partition was owned by two
// members at once.
func assertNoSharedPartitions(tb testing.TB, members []*member) {
	tb.Helper()
	for p, ivs := range ownership(tb, members) {
		sort.Slice(ivs, func(i, j int) bool { return ivs[i].start.Before(ivs[j].start) })
		for i := 1; i < len(ivs); i++ {
			if ivs[i].start.Before(ivs[i-1].end) {
				tb.Errorf("partition %d: %s owned it from %s while %s owned it until %s", p, ivs[i].member,
					ivs[i].start.Format("15:04:05.000"), ivs[i-1].member, ivs[i-1].end.Format("15:04:05.000"))
			}
		}
	}
}

// union returns how many times each (partition, offset) was announced, and by whom.
func union(tb testing.TB, members []*member) map[[2]int64][]string {
	out := map[[2]int64][]string{}
	for _, m := range members {
		for _, a := range m.announced(tb) {
			k := [2]int64{int64(a.Partition), a.Offset}
			out[k] = append(out[k], m.name)
		}
	}
	return out
}

func seenSet(u map[[2]int64][]string) map[[2]int64]bool {
	s := map[[2]int64]bool{}
	for k := range u {
		s[k] = true
	}
	return s
}

// publishInBackground streams n pitches at rate while the test goes on.
func publishInBackground(tb testing.TB, w where, n, rate int) <-chan error {
	done := make(chan error, 1)
	go func() {
		r := runCLI(context.Background(), append([]string{"publish", "--rate", fmt.Sprint(rate), "--count", fmt.Sprint(n),
			"--seed", "17"}, w.at()...)...)
		done <- r.err
	}()
	return done
}

// startMembers starts count members of group, m1, m2…, and waits until
// each owns partitions.
func startMembers(tb testing.TB, w where, group, protocol string, count int) []*member {
	tb.Helper()
	var members []*member
	for i := 1; i <= count; i++ {
		members = append(members, startMemberWith(tb, w, group, fmt.Sprintf("m%d", i), protocol))
	}
	testkit.WaitFor(tb, 60*time.Second, fmt.Sprintf("%d members to own partitions", count), func() bool {
		for _, m := range members {
			if !m.ownsPartitions(tb) {
				return false
			}
		}
		return true
	})
	return members
}

// streamToThreeMembers starts a topic of six partitions, three members of
// group on it, and a publisher of n pitches at 800 a second, whose result
// comes on published; it returns the group's name, which is the test's own
// on a shared cluster.
func streamToThreeMembers(t *testing.T, group, protocol string, n int) (w where, name string, members []*member, published <-chan error) {
	c := groupCluster(t)
	w = where{c.Bootstrap, c.Name("pitches")}
	name = c.Group(t, group)
	mustCreateTopic(t, w.brokers, w.topic, 6)
	members = startMembers(t, w, name, protocol, 3)
	return w, name, members, publishInBackground(t, w, n, 800)
}

// groupCluster is a cluster whose KIP-848 groups time a member out after
// 6 s and ask for heartbeats every 500 ms, as the classic members of these
// tests ask for themselves.
func groupCluster(tb testing.TB) *testkit.Cluster {
	tb.Helper()
	return testkit.StartCluster(tb, testkit.ClusterOptions{ConsumerGroupSession: 6 * time.Second,
		ConsumerGroupHeartbeat: 500 * time.Millisecond})
}

// groupProtocols are the consumer group protocols the membership tests run under.
var groupProtocols = []string{"classic", "consumer"}

func TestGroupMembersJoinAndLeaveWithoutLosingOrRepeating(t *testing.T) {
	for _, protocol := range groupProtocols {
		t.Run(protocol, func(t *testing.T) { testJoinAndLeave(t, protocol) })
	}
}

func testJoinAndLeave(t *testing.T, protocol string) {
	const n = 4000
	w, group, members, published := streamToThreeMembers(t, "g1", protocol, n)
	testkit.WaitFor(t, 60*time.Second, "1000 announced", func() bool { return len(union(t, members)) >= 1000 })
	members = append(members, startMemberWith(t, w, group, "m4", protocol)) // joins mid-stream
	testkit.WaitFor(t, 60*time.Second, "2500 announced and m4 at work", func() bool {
		return len(union(t, members)) >= 2500 && members[3].ownsPartitions(t)
	})
	if err := members[1].stop(t, syscall.SIGINT); err != nil { // leaves gracefully
		t.Fatalf("m2 left with %v\n%s", err, members[1].stderr)
	}
	if err := <-published; err != nil {
		t.Fatal(err)
	}
	testkit.WaitFor(t, 90*time.Second, fmt.Sprintf("all %d announced", n), func() bool { return len(union(t, members)) >= n })
	for _, m := range []*member{members[0], members[2], members[3]} {
		if err := m.stop(t, syscall.SIGINT); err != nil {
			t.Fatalf("%s stopped with %v", m.name, err)
		}
	}
	u := union(t, members)
	assertContiguous(t, seenSet(u), n)
	for k, who := range u {
		if len(who) > 1 {
			t.Errorf("partition %d offset %d announced by %v with no crash", k[0], k[1], who)
		}
	}
	assertNoSharedPartitions(t, members)
}

func TestAMemberKilledMidStreamLosesNothing(t *testing.T) {
	for _, protocol := range groupProtocols {
		t.Run(protocol, func(t *testing.T) { testKilledMidStream(t, protocol) })
	}
}

func testKilledMidStream(t *testing.T, protocol string) {
	const n = 4000
	_, _, members, published := streamToThreeMembers(t, "g2", protocol, n)
	dead := members[1]
	testkit.WaitFor(t, 60*time.Second, "1500 announced and a commit by m2", func() bool {
		return len(union(t, members)) >= 1500 && len(dead.lastCommitted(t)) > 0
	})
	dead.stop(t, syscall.SIGKILL) // dies without committing what it has not committed yet
	committed := dead.lastCommitted(t)
	deadPrinted := map[[2]int64]bool{}
	for _, a := range dead.announced(t) {
		deadPrinted[[2]int64{int64(a.Partition), a.Offset}] = true
	}
	if err := <-published; err != nil {
		t.Fatal(err)
	}
	testkit.WaitFor(t, 90*time.Second, fmt.Sprintf("the survivors to cover all %d", n), func() bool { return len(union(t, members)) >= n })
	for _, m := range []*member{members[0], members[2]} {
		if err := m.stop(t, syscall.SIGINT); err != nil {
			t.Fatalf("%s stopped with %v", m.name, err)
		}
	}
	u := union(t, members)
	assertContiguous(t, seenSet(u), n)
	dups := 0
	for k, who := range u {
		if len(who) == 1 {
			continue
		}
		dups++
		c, ok := committed[int32(k[0])]
		if !deadPrinted[k] || (ok && k[1] < c) {
			t.Errorf("partition %d offset %d announced by %v: only offsets the dead member printed and had not committed (from %d) may repeat",
				k[0], k[1], who, c)
		}
	}
	t.Logf("the killed member had committed %v; %d offsets were announced twice", committed, dups)
	if len(committed) == 0 {
		t.Fatal("the killed member logged no commit, so the test proves nothing about what may repeat")
	}
	assertNoSharedPartitions(t, members)
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// A member is named as --name (announce) or --instance (scores) say, so
// the page and kafka-consumer-groups tell the members apart; -X client.id
// still names one that has neither.
func TestGroupMembersGoByTheNamesGiven(t *testing.T) {
	c := groupCluster(t)
	w := where{c.Bootstrap, c.Name("pitches")}
	talk, processors := c.Group(t, "talk"), c.Group(t, "processors")
	mustCreateTopic(t, w.brokers, w.topic, 2)
	startGroupProcess(t, "alice", "classic", append([]string{"announce", "--group", talk, "--name", "alice"}, w.at()...)...)
	startGroupProcess(t, "x", "classic", append([]string{"announce", "--group", talk, "-X", "client.id=bob"}, w.at()...)...)
	startGroupProcess(t, "carol", "classic", append([]string{"scores", "--group", processors, "--instance", "carol",
		"--to", c.Name("games")}, w.at()...)...)

	names := func(group string) []string {
		var out []string
		for id := range groupAssignment(t, w.brokers, group) {
			name, _, _ := strings.Cut(id, "/")
			out = append(out, name)
		}
		slices.Sort(out)
		return out
	}
	testkit.WaitFor(t, 60*time.Second, "alice and bob in the announcers, carol in the processors", func() bool {
		return slices.Equal(names(talk), []string{"alice", "bob"}) && slices.Equal(names(processors), []string{"carol"})
	})
	if err := mustFail(t, "announce", "--name", "", "--brokers", w.brokers); !strings.Contains(err.Error(), "--name must not be empty") {
		t.Errorf("announce --name \"\": %v", err)
	}
}
