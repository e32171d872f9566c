package commands

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
)

// TestJavaAndPitchkafkaShareAGroup: Kafka's own Java console consumer and
// two `pitchkafka announce` members in one group, under both protocols
// (classic with the cooperative-sticky assignor on every side, and
// KIP-848's consumer protocol). The partitions split among all three;
// then the Java consumer leaves, and later an announcer, while pitches
// stream in; every offset is printed by someone, and none more than twice
// (at least once allows a repeat across a hand-over).
func TestJavaAndPitchkafkaShareAGroup(t *testing.T) {
	for _, protocol := range groupProtocols {
		t.Run(protocol, func(t *testing.T) { testJavaAndPitchkafkaShareAGroup(t, protocol) })
	}
}

func testJavaAndPitchkafkaShareAGroup(t *testing.T, protocol string) {
	c := groupCluster(t)
	if c.Dir() == "" {
		t.Skip("needs Apache Kafka's tools, from a cluster the tests start: set " + testkit.KafkaEnv + "=start")
	}
	const n = 6000
	w, group := where{c.Bootstrap, c.Name("pitches")}, c.Group(t, "announcers")
	mustCreateTopic(t, w.brokers, w.topic, 6)
	java := startConsoleConsumer(t, c, w, group, protocol)
	announcers := []*member{startMemberWith(t, w, group, "m1", protocol), startMemberWith(t, w, group, "m2", protocol)}
	testkit.WaitFor(t, 90*time.Second, "the three members to share the six partitions", func() bool {
		owned := groupAssignment(t, w.brokers, group)
		return len(owned) == 3 && sharesAll(owned, 6)
	})
	t.Logf("%s: the group's assignment with all three: %v", protocol, groupAssignment(t, w.brokers, group))
	published := publishInBackground(t, w, n, 600)
	testkit.WaitFor(t, 60*time.Second, "a third of the pitches printed", func() bool { return len(printedBy(t, java, announcers)) >= n/3 })
	java.leave(t)
	testkit.WaitFor(t, 60*time.Second, "two thirds printed", func() bool { return len(printedBy(t, java, announcers)) >= 2*n/3 })
	if err := announcers[1].stop(t, syscall.SIGINT); err != nil {
		t.Fatalf("m2 left with %v", err)
	}
	if err := <-published; err != nil {
		t.Fatal(err)
	}
	testkit.WaitFor(t, 90*time.Second, fmt.Sprintf("all %d printed", n), func() bool { return len(printedBy(t, java, announcers)) >= n })
	if err := announcers[0].stop(t, syscall.SIGINT); err != nil {
		t.Fatalf("m1 stopped with %v", err)
	}
	printed := printedBy(t, java, announcers)
	assertContiguous(t, seenSet(printed), n)
	twice := 0
	for k, who := range printed {
		if len(who) > 1 {
			twice++
		}
		if len(who) > 2 {
			t.Errorf("partition %d offset %d printed by %v", k[0], k[1], who)
		}
	}
	t.Logf("%s: the Java consumer printed %d, the announcers %d and %d; %d offsets twice (at least once, across a hand-over)",
		protocol, len(java.offsets()), len(announcers[0].announced(t)), len(announcers[1].announced(t)), twice)
	if len(java.offsets()) == 0 {
		t.Error("the Java consumer printed nothing")
	}
}

// consoleConsumer is Kafka's Java kafka-console-consumer in a group.
type consoleConsumer struct {
	cmd    *exec.Cmd
	stdout *testkit.Buffer
	stderr *testkit.Buffer
	done   chan struct{}
}

// startConsoleConsumer starts kafka-console-consumer in group, printing
// each record's partition and offset, with the group protocol's settings:
// under classic the cooperative-sticky assignor, as pitchkafka's members.
func startConsoleConsumer(tb testing.TB, c *testkit.Cluster, w where, group, protocol string) *consoleConsumer {
	tb.Helper()
	args := []string{testkit.Path("scripts/kafka.sh"), "tool", "kafka-console-consumer", "--bootstrap-server", w.brokers,
		"--topic", w.topic, "--group", group, "--from-beginning", "--property", "print.partition=true",
		"--property", "print.offset=true", "--property", "print.value=false",
		"--command-property", "group.protocol=" + protocol, "--command-property", "auto.commit.interval.ms=500"}
	if protocol == "classic" {
		args = append(args, "--command-property", "partition.assignment.strategy=org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
			"--command-property", "session.timeout.ms=6000", "--command-property", "heartbeat.interval.ms=500")
	}
	j := &consoleConsumer{cmd: exec.Command("bash", args...), stdout: &testkit.Buffer{}, stderr: &testkit.Buffer{}, done: make(chan struct{})}
	j.cmd.Stdout, j.cmd.Stderr = j.stdout, j.stderr
	j.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // the script and its JVM, signalled together
	if err := j.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() { j.cmd.Wait(); close(j.done) }()
	tb.Cleanup(func() {
		syscall.Kill(-j.cmd.Process.Pid, syscall.SIGKILL)
		<-j.done
		if tb.Failed() {
			tb.Logf("the Java consumer's stderr:\n%s", tail(j.stderr.String(), 3000))
		}
	})
	return j
}

// leave stops the Java consumer as Ctrl-C does: it commits and leaves
// the group.
func (j *consoleConsumer) leave(tb testing.TB) {
	tb.Helper()
	syscall.Kill(-j.cmd.Process.Pid, syscall.SIGTERM)
	testkit.WaitFor(tb, 30*time.Second, "the Java consumer to leave", func() bool {
		return syscall.Kill(-j.cmd.Process.Pid, 0) != nil // no process of its group is left
	})
}

// offsets are the (partition, offset) pairs it has printed.
func (j *consoleConsumer) offsets() [][2]int64 {
	var out [][2]int64
	for _, line := range strings.Split(j.stdout.String(), "\n") {
		var p, o int64
		if _, err := fmt.Sscanf(line, "Partition:%d\tOffset:%d", &p, &o); err == nil {
			out = append(out, [2]int64{p, o})
		}
	}
	return out
}

// printedBy returns who printed each (partition, offset).
func printedBy(tb testing.TB, java *consoleConsumer, announcers []*member) map[[2]int64][]string {
	out := union(tb, announcers)
	for _, k := range java.offsets() {
		out[k] = append(out[k], "java")
	}
	return out
}

// groupAssignment asks the cluster for the group's members and the
// partitions each owns, by client id.
func groupAssignment(tb testing.TB, brokers, group string) map[string][]int32 {
	tb.Helper()
	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": brokers, "log_level": 0})
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := admin.DescribeConsumerGroups(ctx, []string{group})
	if err != nil || len(res.ConsumerGroupDescriptions) != 1 {
		return nil
	}
	out := map[string][]int32{}
	for _, m := range res.ConsumerGroupDescriptions[0].Members {
		var ps []int32
		for _, tp := range m.Assignment.TopicPartitions {
			ps = append(ps, tp.Partition)
		}
		out[m.ClientID+"/"+strconv.Itoa(len(out))] = ps
	}
	return out
}

// sharesAll reports whether every member owns a partition and together
// they own all n, each once.
func sharesAll(owned map[string][]int32, n int) bool {
	seen := map[int32]bool{}
	for _, ps := range owned {
		if len(ps) == 0 {
			return false
		}
		for _, p := range ps {
			if seen[p] {
				return false
			}
			seen[p] = true
		}
	}
	return len(seen) == n
}
