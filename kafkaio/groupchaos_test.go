package kafkaio

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/rs/zerolog"
)

// mustBuildPitchkafka builds the binary into a temporary directory, for
// tests that run group members as processes to kill them.
func mustBuildPitchkafka(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "pitchkafka")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// announcer is `pitchkafka announce` running as its own process.
type announcer struct {
	cmd            *exec.Cmd
	stdout, stderr *lockedBuffer
	done           chan struct{}
}

func startAnnouncer(tb testing.TB, bin, brokers, group string) *announcer {
	tb.Helper()
	a := &announcer{stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, done: make(chan struct{})}
	a.cmd = exec.Command(bin, "--log-format", "json", "announce", "--brokers", brokers, "--group", group,
		"--from-beginning", "--output", "json", "--stats-interval", "1h",
		// A long session, so the new member is surely parked in its join
		// before the coordinator gives up on the killed owner.
		"-X", "session.timeout.ms=15000", "-X", "heartbeat.interval.ms=500", "-X", "auto.commit.interval.ms=500")
	a.cmd.Stdout, a.cmd.Stderr = a.stdout, a.stderr
	if err := a.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() { a.cmd.Wait(); close(a.done) }()
	tb.Cleanup(func() { a.kill(); <-a.done })
	return a
}

func (a *announcer) kill() { a.cmd.Process.Signal(syscall.SIGKILL) }

// offsets returns the (partition, offset) pairs the member has printed.
func (a *announcer) offsets() [][2]int64 {
	var out [][2]int64
	sc := bufio.NewScanner(bytes.NewReader([]byte(a.stdout.String())))
	for sc.Scan() {
		var line struct {
			Partition int32 `json:"partition"`
			Offset    int64 `json:"offset"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil {
			out = append(out, [2]int64{int64(line.Partition), line.Offset})
		}
	}
	return out
}

// announcedByAny counts the distinct offsets printed by any member.
func announcedByAny(members ...*announcer) int {
	seen := map[[2]int64]bool{}
	for _, m := range members {
		for _, o := range m.offsets() {
			seen[o] = true
		}
	}
	return len(seen)
}

// describeGroup returns the group's state and member count.
func describeGroup(tb testing.TB, admin *kafka.AdminClient, group string) (kafka.ConsumerGroupState, int) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := admin.DescribeConsumerGroups(ctx, []string{group})
	if err != nil || len(res.ConsumerGroupDescriptions) != 1 {
		return kafka.ConsumerGroupStateUnknown, 0
	}
	d := res.ConsumerGroupDescriptions[0]
	return d.State, len(d.Members)
}

func waitUntil(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A member killed while its JoinGroup is parked at the coordinator used to
// stay in the group for good on kfake: the join response could not be
// sent, and kfake armed a member's session timer only after a response
// went out, so the dead member never timed out. The group then sat Stable
// with partitions assigned to it, or waited the whole rebalance timeout
// (max.poll.interval.ms, 5 minutes) for it to sync as leader.
func TestAMemberKilledWhileJoiningNeverStallsTheGroup(t *testing.T) {
	bin := mustBuildPitchkafka(t)
	b := mustStartBroker(t)
	cfg := testConfig(b, zerolog.Nop())
	pub, err := NewPublisher(context.Background(), cfg, TopicSpec{Name: "pitches", Partitions: 6, ReplicationFactor: -1})
	if err != nil {
		t.Fatal(err)
	}
	pub.Close(time.Second)
	const n = 1500
	mustPublish(t, cfg, "pitches", n)
	const group = "joiners"
	owners := []*announcer{startAnnouncer(t, bin, b.Bootstrap(), group), startAnnouncer(t, bin, b.Bootstrap(), group),
		startAnnouncer(t, bin, b.Bootstrap(), group)}
	waitUntil(t, 90*time.Second, "three members to announce the first records", func() bool {
		return announcedByAny(owners...) == n
	})

	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": b.Bootstrap(), "log_level": 3})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	waitUntil(t, 60*time.Second, "the group to settle with three members", func() bool {
		st, members := describeGroup(t, admin, group)
		return st == kafka.ConsumerGroupStateStable && members == 3
	})
	owners[0].kill()
	joiner := startAnnouncer(t, bin, b.Bootstrap(), group)
	// The joiner is parked in its JoinGroup once it is a fourth member of
	// a rebalancing group: the killed owner is still listed until its
	// session times out, and the joiner's join started the rebalance.
	waitUntil(t, 12*time.Second, "the joiner to be parked in its join", func() bool {
		st, members := describeGroup(t, admin, group)
		return st == kafka.ConsumerGroupStatePreparingRebalance && members == 4
	})
	joiner.kill()
	<-joiner.done

	// More records, which the two survivors must announce, all of them,
	// once the coordinator has given up on both dead members (15 s each).
	mustPublish(t, cfg, "pitches", n)
	everyone := append(owners, joiner)
	deadline := time.Now().Add(90 * time.Second)
	for announcedByAny(everyone...) != 2*n {
		if time.Now().After(deadline) {
			t.Fatalf("90 s after the kills, %d of %d offsets announced; a survivor's log ends:\n%s",
				announcedByAny(everyone...), 2*n, tail(owners[1].stderr.String(), 3000))
		}
		time.Sleep(200 * time.Millisecond)
	}
	st, members := describeGroup(t, admin, group)
	if st != kafka.ConsumerGroupStateStable || members != 2 {
		t.Errorf("group %v with %d members, want Stable with the 2 survivors", st, members)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
