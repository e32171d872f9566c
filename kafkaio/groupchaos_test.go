package kafkaio

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
)

// announcer is `pitchkafka announce` running as its own process.
type announcer struct {
	cmd            *exec.Cmd
	stdout, stderr *testkit.Buffer
	done           chan struct{}
}

func startAnnouncer(tb testing.TB, bin, brokers, group string) *announcer {
	tb.Helper()
	return startAnnouncerOn(tb, bin, brokers, "pitches", group)
}

// startAnnouncerOn is startAnnouncer reading topic.
func startAnnouncerOn(tb testing.TB, bin, brokers, topic, group string) *announcer {
	tb.Helper()
	a := &announcer{stdout: &testkit.Buffer{}, stderr: &testkit.Buffer{}, done: make(chan struct{})}
	a.cmd = exec.Command(bin, "--log-format", "json", "announce", "--brokers", brokers, "--topic", topic, "--group", group,
		"--from-beginning", "--output", "json", "--stats-interval", "1h",
		// A long session, so the new member is surely parked in its join
		// before the coordinator gives up on the killed owner.
		"-X", fmt.Sprintf("session.timeout.ms=%d", sessionTimeout.Milliseconds()), "-X", "heartbeat.interval.ms=500", "-X", "auto.commit.interval.ms=500")
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

// A member killed while its JoinGroup is parked at the coordinator used to
// stay in the group for good on kfake, in about half the runs: the join
// response could not be sent, and kfake armed a member's session timer only
// after a response went out, so the dead member never timed out. The group
// then sat Stable with partitions assigned to it, or waited the whole
// rebalance timeout (max.poll.interval.ms, 5 minutes) for it to sync as
// leader. Each round kills an owner, parks a new member in its join, kills
// it too, and requires the survivors to announce every new record. It runs
// on Apache Kafka too, which is what the kfake patch is held to.
func TestAMemberKilledWhileJoiningNeverStallsTheGroup(t *testing.T) {
	bin := testkit.Binary(t)
	c := testkit.StartCluster(t, testkit.ClusterOptions{})
	cfg := Config{Brokers: c.Bootstrap, Timeout: 10 * time.Second, Log: zerolog.Nop()}
	topic, group := c.Name("pitches"), c.Name("joiners")
	pub, err := NewPublisher(context.Background(), cfg, TopicSpec{Name: topic, Partitions: 6, ReplicationFactor: -1})
	if err != nil {
		t.Fatal(err)
	}
	pub.Close(time.Second)
	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": c.Bootstrap, "log_level": 3})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	const n, rounds = 500, 3
	everyone := []*announcer{startAnnouncerOn(t, bin, c.Bootstrap, topic, group), startAnnouncerOn(t, bin, c.Bootstrap, topic, group),
		startAnnouncerOn(t, bin, c.Bootstrap, topic, group)}
	live := append([]*announcer(nil), everyone...)
	published := 0
	for round := 1; round <= rounds; round++ {
		mustPublish(t, cfg, topic, n)
		published += n
		waitForAnnounced(t, everyone, published, fmt.Sprintf("round %d", round))
		testkit.WaitFor(t, 60*time.Second, "the group to settle with three members", func() bool {
			st, members := describeGroup(t, admin, group)
			return st == kafka.ConsumerGroupStateStable && members == 3
		})
		live[0].kill()
		killedAt := time.Now()
		joiner := startAnnouncerOn(t, bin, c.Bootstrap, topic, group)
		everyone = append(everyone, joiner)
		// The joiner is parked in its JoinGroup once it is a fourth member
		// of a rebalancing group: the killed owner stays listed until its
		// session times out, and the joiner's join began the rebalance.
		for st, members := describeGroup(t, admin, group); st != kafka.ConsumerGroupStatePreparingRebalance || members != 4; st, members = describeGroup(t, admin, group) {
			if time.Since(killedAt) > sessionTimeout {
				t.Fatalf("round %d: the new member had not joined %v after the kill (group %v, %d members): machine too slow for this test",
					round, sessionTimeout, st, members)
			}
			time.Sleep(50 * time.Millisecond)
		}
		joiner.kill()
		<-joiner.done
		replacement := startAnnouncerOn(t, bin, c.Bootstrap, topic, group)
		everyone = append(everyone, replacement)
		live = append(live[1:], replacement)
	}
	mustPublish(t, cfg, topic, n)
	published += n
	waitForAnnounced(t, everyone, published, "the end")
}

// sessionTimeout is the members' session.timeout.ms.
const sessionTimeout = 10 * time.Second

// waitForAnnounced waits until the members have announced every one of
// the first want offsets, allowing for two dead members' sessions to time
// out and a rebalance or two.
func waitForAnnounced(tb testing.TB, members []*announcer, want int, when string) {
	tb.Helper()
	deadline := time.Now().Add(6*sessionTimeout + 30*time.Second)
	for announcedByAny(members...) != want {
		if time.Now().After(deadline) {
			tb.Fatalf("%s: %d of %d offsets announced after %v; %s", when,
				announcedByAny(members...), want, 6*sessionTimeout+30*time.Second, diagnose(members))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// diagnose says which offsets are missing and what each member logged
// about its partitions.
func diagnose(members []*announcer) string {
	var b strings.Builder
	last := map[int64]int64{}
	for _, m := range members {
		for _, o := range m.offsets() {
			last[o[0]] = max(last[o[0]], o[1])
		}
	}
	fmt.Fprintf(&b, "highest offset announced per partition: %v\n", last)
	for i, m := range members {
		fmt.Fprintf(&b, "member %d (pid %d):\n", i, m.cmd.Process.Pid)
		for _, l := range strings.Split(m.stderr.String(), "\n") {
			if strings.Contains(l, "assign") || strings.Contains(l, "revoked") || strings.Contains(l, "lost") ||
				strings.Contains(l, "rebalanc") || strings.Contains(l, "error") {
				fmt.Fprintf(&b, "  %s\n", l)
			}
		}
	}
	return b.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
