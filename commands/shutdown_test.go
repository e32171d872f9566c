package commands

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/internal/testkit"
)

// TestCtrlCOfPublishWithABrokerFrozenSaysWhatIsUnconfirmed freezes the
// broker (SIGSTOP) under a running publish, then stops publish with
// SIGINT: it must exit 1 within its --timeout, count nothing as failed,
// call what was queued or in flight "not confirmed", and the topic, once
// the broker thaws, must hold every delivered pitch and no more than the
// unconfirmed ones besides, each once.
func TestCtrlCOfPublishWithABrokerFrozenSaysWhatIsUnconfirmed(t *testing.T) {
	addr := testkit.FreeAddr(t)
	broker := testkit.StartBrokerProcess(t, "--listen", addr)
	mustCreateTopic(t, addr, "pitches", 6)
	cmd := exec.Command(testkit.Binary(t), "--log-format", "json", "publish", "--brokers", addr, "--rate", "2000",
		"--seed", "21", "--timeout", "3s", "--stats-interval", "100ms")
	stderr := &testkit.Buffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	waitForDeliveries(t, stderr)
	broker.Signal(syscall.SIGSTOP)
	t.Cleanup(func() { broker.Signal(syscall.SIGCONT) })
	time.Sleep(time.Second) // a second's pitches queue up behind the frozen broker
	stopped := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("publish did not end within 30 s of SIGINT with --timeout 3s:\n%s", tail(stderr.String(), 3000))
	}
	t.Logf("publish ended %v after SIGINT", time.Since(stopped).Round(time.Millisecond))
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("publish exited with %v, want exit status 1:\n%s", err, tail(stderr.String(), 3000))
	}
	sent, delivered := logField(t, stderr.String(), "done", "sent"), logField(t, stderr.String(), "done", "delivered")
	failed, unconfirmed := logField(t, stderr.String(), "done", "failed"), logField(t, stderr.String(), "done", "not_confirmed")
	if failed != 0 || unconfirmed == 0 || sent != delivered+unconfirmed {
		t.Fatalf("sent %d, delivered %d, failed %d, not confirmed %d: want none failed, some not confirmed, adding up",
			sent, delivered, failed, unconfirmed)
	}
	if !strings.Contains(stderr.String(), "not confirmed (queued or in flight at shutdown: may or may not be written)") {
		t.Errorf("the error does not say the unconfirmed may or may not be written:\n%s", tail(stderr.String(), 2000))
	}

	broker.Signal(syscall.SIGCONT)
	onTopic := mustReadAll(t, addr, "pitches")
	if n := int64(len(onTopic)); n < delivered || n > delivered+unconfirmed {
		t.Fatalf("the topic holds %d pitches; want from %d delivered to %d with every unconfirmed one",
			n, delivered, delivered+unconfirmed)
	}
	assertExactlyOnceInOrder(t, onTopic, len(onTopic))
	t.Logf("delivered %d, not confirmed %d, of which %d were written", delivered, unconfirmed, int64(len(onTopic))-delivered)
}

// stuckMember is an announce process whose stdout is a pipe the test
// reads only when it says.
type stuckMember struct {
	cmd     *exec.Cmd
	out     *bufio.Reader
	pr      *os.File
	stderr  *testkit.Buffer
	done    chan error
	written strings.Builder
}

// startStuckMember starts an announcer of group with --timeout timeout,
// and reads its first lines of output, then no more: the pipe fills and
// the member's writes block.
func startStuckMember(tb testing.TB, brokers, group string, timeout time.Duration, lines int) *stuckMember {
	tb.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { pr.Close() })
	m := &stuckMember{out: bufio.NewReader(pr), pr: pr, stderr: &testkit.Buffer{}, done: make(chan error, 1)}
	m.cmd = exec.Command(testkit.Binary(tb), "--log-format", "json", "announce", "--brokers", brokers, "--group", group,
		"--from-beginning", "--output", "json", "--timeout", timeout.String(), "--stats-interval", "1h",
		"-X", "session.timeout.ms=6000", "-X", "heartbeat.interval.ms=500")
	m.cmd.Stdout, m.cmd.Stderr = pw, m.stderr
	if err := m.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	pw.Close()
	go func() { m.done <- m.cmd.Wait() }()
	tb.Cleanup(func() { m.cmd.Process.Kill() })
	for i := 0; i < lines; i++ {
		line, err := m.out.ReadString('\n')
		if err != nil {
			tb.Fatalf("after %d lines: %v\n%s", i, err, tail(m.stderr.String(), 3000))
		}
		m.written.WriteString(line)
	}
	return m
}

// interrupt sends SIGINT and requires the member to end within timeout
// (and a little), then reads what it wrote but the test had not read.
func (m *stuckMember) interrupt(tb testing.TB, timeout time.Duration) {
	tb.Helper()
	stopped := time.Now()
	m.cmd.Process.Signal(syscall.SIGINT)
	var err error
	select {
	case err = <-m.done:
	case <-time.After(timeout + 10*time.Second):
		tb.Fatalf("the member did not end within %v of SIGINT with --timeout %v:\n%s",
			timeout+10*time.Second, timeout, tail(m.stderr.String(), 3000))
	}
	took := time.Since(stopped)
	tb.Logf("the member ended %v after SIGINT (%v); its last log line: %s", took.Round(time.Millisecond), err, lastLine(m.stderr.String()))
	if took > timeout+2*time.Second {
		tb.Errorf("the member took %v to end, more than --timeout %v", took, timeout)
	}
	rest, _ := io.ReadAll(m.out)
	m.written.Write(rest)
}

// wrote returns the offsets whose lines the member wrote out whole.
func (m *stuckMember) wrote(tb testing.TB) map[[2]int64]bool {
	out := map[[2]int64]bool{}
	for _, a := range parseAnnounced(tb, completeLines(m.written.String())) {
		out[[2]int64{int64(a.Partition), a.Offset}] = true
	}
	return out
}

// TestCtrlCEndsAMemberWhoseStdoutIsBlocked runs an announcer whose stdout
// is a pipe the test stops reading after 3,000 lines, then sends SIGINT:
// the member must exit within its --timeout, and the offsets its group
// committed must all be of lines it wrote. A second member then announces
// from there: together they cover every offset.
func TestCtrlCEndsAMemberWhoseStdoutIsBlocked(t *testing.T) {
	b := testkit.StartBroker(t)
	testCtrlCOfAStuckMember(t, b.Bootstrap(), func() {}, func() {})
}

// TestCtrlCEndsAStuckMemberWhileItsBrokerIsFrozen is the same with the
// broker frozen (SIGSTOP) before the SIGINT, so that neither the commit
// nor leaving the group is answered; it thaws once the member has ended.
func TestCtrlCEndsAStuckMemberWhileItsBrokerIsFrozen(t *testing.T) {
	addr := testkit.FreeAddr(t)
	broker := testkit.StartBrokerProcess(t, "--listen", addr)
	thaw := func() { broker.Signal(syscall.SIGCONT) }
	t.Cleanup(thaw)
	testCtrlCOfAStuckMember(t, addr, func() { broker.Signal(syscall.SIGSTOP) }, thaw)
}

// testCtrlCOfAStuckMember runs the Ctrl-C tests above: freeze runs once
// the member's output is blocked, thaw once the member has ended.
func testCtrlCOfAStuckMember(t *testing.T, brokers string, freeze, thaw func()) {
	const timeout = 6 * time.Second
	mustRun(t, "publish", "--brokers", brokers, "--rate", "0", "--count", "20000", "--seed", "41")
	m := startStuckMember(t, brokers, "stuck", timeout, 3000)
	time.Sleep(2 * time.Second) // unread, the pipe fills and the member's writes block
	freeze()
	m.interrupt(t, timeout)
	thaw()
	assertResumesAfterWhatWasWritten(t, brokers, m)
}

// assertResumesAfterWhatWasWritten runs a member of the stuck one's group
// to the end: the offsets the group had committed must all be of lines
// the stuck member wrote, and together the two cover every offset.
func assertResumesAfterWhatWasWritten(t *testing.T, brokers string, m *stuckMember) {
	t.Helper()
	const n = 20000
	wrote := m.wrote(t)
	next := mustRun(t, "announce", "--brokers", brokers, "--group", "stuck", "--from-beginning", "--once", "--output", "json")
	resumedAt := map[int64]int64{}
	seen := maps.Clone(wrote)
	for _, a := range parseAnnounced(t, next.stdout.String()) {
		p := int64(a.Partition)
		if at, ok := resumedAt[p]; !ok || a.Offset < at {
			resumedAt[p] = a.Offset
		}
		seen[[2]int64{p, a.Offset}] = true
	}
	committed := int64(0)
	for p, at := range resumedAt {
		for off := int64(0); off < at; off++ {
			if !wrote[[2]int64{p, off}] {
				t.Fatalf("partition %d was committed to %d, but offset %d was never written", p, at, off)
			}
		}
		committed += at
	}
	t.Logf("the stuck member wrote %d lines; its group had committed %d offsets", len(wrote), committed)
	if committed == 0 {
		t.Errorf("nothing was committed of the %d lines written", len(wrote))
	}
	if t.Failed() || os.Getenv("PITCHKAFKA_DEBUG_TEST") != "" {
		t.Logf("stuck member's log:\n%s\nnext member's log:\n%s", tail(m.stderr.String(), 6000), tail(next.stderr.String(), 6000))
	}
	assertContiguous(t, seen, n)
}

// TestCtrlCOfScoresWithABrokerFrozenEndsWithinItsTimeout freezes the broker
// (SIGSTOP) under a scores processor with a transaction open, then stops it
// with SIGINT: committing, aborting, leaving the group and closing the
// clients all wait on the frozen broker, and together they must end within
// --timeout.
func TestCtrlCOfScoresWithABrokerFrozenEndsWithinItsTimeout(t *testing.T) {
	const timeout = 3 * time.Second
	addr := testkit.FreeAddr(t)
	broker := testkit.StartBrokerProcess(t, "--listen", addr)
	mustCreateTopic(t, addr, "pitches", 6)
	pub := exec.Command(testkit.Binary(t), "publish", "--brokers", addr, "--rate", "500", "--seed", "21", "--timeout", "3s")
	if err := pub.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pub.Process.Kill(); pub.Wait() })
	m := startScoresWith(t, defaultScoresRig(addr), "a", "classic", "--timeout", timeout.String())
	testkit.WaitFor(t, 60*time.Second, "scores to commit", func() bool { return committedSoFar(m) > 0 })
	broker.Signal(syscall.SIGSTOP)
	t.Cleanup(func() { broker.Signal(syscall.SIGCONT) })
	time.Sleep(500 * time.Millisecond) // pitches read before the freeze are folded into an open transaction
	stopped := time.Now()
	m.cmd.Process.Signal(syscall.SIGINT)
	var err error
	select {
	case err = <-m.done:
	case <-time.After(60 * time.Second):
		t.Fatalf("scores did not end within 60 s of SIGINT with --timeout %v:\n%s", timeout, tail(m.stderr.String(), 3000))
	}
	took := time.Since(stopped)
	t.Logf("scores ended %v after SIGINT (%v); its last log lines:\n%s", took.Round(time.Millisecond), err, tail(m.stderr.String(), 8000))
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(m.stderr.String(), "aborted by the broker") {
		t.Errorf("scores exited with %v; want exit status 1 and a line saying the broker aborts the open transaction", err)
	}
	if took > timeout+time.Second {
		t.Errorf("scores took %v to end, more than --timeout %v and a second", took, timeout)
	}
}

// TestAMemberStuckWritingBlocksNeitherTheGroupNorCtrlC blocks one
// announcer's stdout, then starts a second member of its group: the
// newcomer must own partitions within a few seconds, not when the pipe is
// read (it used to wait as long as the pipe stayed blocked). The stuck
// member gives up the revoked partitions' unwritten lines, and a SIGINT
// still ends it within --timeout. Every offset is announced at least
// once; an offset announced twice must be one the stuck member wrote (it
// wrote it, but had not committed it when it gave it up), and the repeats
// are counted exactly.
func TestAMemberStuckWritingBlocksNeitherTheGroupNorCtrlC(t *testing.T) {
	b := testkit.StartBroker(t)
	const n, timeout = 20000, 6 * time.Second
	mustCreateTopic(t, b.Bootstrap(), "pitches", 6)
	mustRun(t, "publish", "--brokers", b.Bootstrap(), "--rate", "0", "--count", fmt.Sprint(n), "--seed", "41")
	stuck := startStuckMember(t, b.Bootstrap(), "stuck", timeout, 3000)
	testkit.WaitFor(t, 30*time.Second, "the stuck member to pause fetching", func() bool {
		return strings.Contains(stuck.stderr.String(), "fetching is paused")
	})
	joined := time.Now()
	other := startMember(t, where{b.Bootstrap(), "pitches"}, "stuck", "newcomer")
	testkit.WaitFor(t, 60*time.Second, "the newcomer to own partitions", func() bool { return other.ownsPartitions(t) })
	took := time.Since(joined)
	t.Logf("the newcomer owned partitions %v after joining; the stuck member said: %s", took.Round(time.Millisecond),
		firstLineWith(stuck.stderr.String(), "given up"))
	if took > 15*time.Second {
		t.Errorf("the newcomer waited %v for partitions while the other member was stuck", took)
	}
	if !strings.Contains(stuck.stderr.String(), "partitions given up") {
		t.Errorf("the stuck member never said it gave partitions up:\n%s", tail(stuck.stderr.String(), 3000))
	}
	testkit.WaitFor(t, 60*time.Second, "the newcomer to announce its partitions", func() bool { return len(other.announced(t)) > 0 })
	stuck.interrupt(t, timeout)
	wrote := stuck.wrote(t)
	testkit.WaitFor(t, 90*time.Second, fmt.Sprintf("all %d announced", n), func() bool {
		seen := maps.Clone(wrote)
		for _, a := range other.announced(t) {
			seen[[2]int64{int64(a.Partition), a.Offset}] = true
		}
		return len(seen) >= n
	})
	if err := other.stop(t, syscall.SIGINT); err != nil {
		t.Fatalf("the newcomer stopped with %v", err)
	}
	counts := map[[2]int64]int{}
	for k := range wrote {
		counts[k]++
	}
	for _, a := range other.announced(t) {
		counts[[2]int64{int64(a.Partition), a.Offset}]++
	}
	seen, twice := map[[2]int64]bool{}, 0
	for k, c := range counts {
		seen[k] = true
		switch {
		case c > 2:
			t.Errorf("partition %d offset %d announced %d times", k[0], k[1], c)
		case c == 2:
			twice++
		}
	}
	assertContiguous(t, seen, n)
	t.Logf("the stuck member wrote %d lines, the newcomer %d; %d offsets were announced twice (written by the stuck member, uncommitted when given up)",
		len(wrote), len(other.announced(t)), twice)
}

func firstLineWith(s, substr string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			return l
		}
	}
	return ""
}
