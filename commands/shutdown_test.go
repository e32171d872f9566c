package commands

import (
	"bufio"
	"errors"
	"io"
	"maps"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCtrlCOfPublishWithABrokerFrozenSaysWhatIsUnconfirmed freezes the
// broker (SIGSTOP) under a running publish, then stops publish with
// SIGINT: it must exit 1 within its --timeout, count nothing as failed,
// call what was queued or in flight "not confirmed", and the topic, once
// the broker thaws, must hold every delivered pitch and no more than the
// unconfirmed ones besides, each once.
func TestCtrlCOfPublishWithABrokerFrozenSaysWhatIsUnconfirmed(t *testing.T) {
	addr := freeLoopbackAddr(t)
	broker := startBrokerProcess(t, "--listen", addr)
	mustCreateTopic(t, addr, "pitches", 6)
	cmd := exec.Command(mustBuild(t), "--log-format", "json", "publish", "--brokers", addr, "--rate", "2000",
		"--seed", "21", "--timeout", "3s", "--stats-interval", "100ms")
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	waitForDeliveries(t, stderr)
	broker.cmd.Process.Signal(syscall.SIGSTOP)
	t.Cleanup(func() { broker.cmd.Process.Signal(syscall.SIGCONT) })
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

	broker.cmd.Process.Signal(syscall.SIGCONT)
	onTopic := mustReadAll(t, addr, "pitches")
	if n := int64(len(onTopic)); n < delivered || n > delivered+unconfirmed {
		t.Fatalf("the topic holds %d pitches; want from %d delivered to %d with every unconfirmed one",
			n, delivered, delivered+unconfirmed)
	}
	assertExactlyOnceInOrder(t, onTopic, len(onTopic))
	t.Logf("delivered %d, not confirmed %d, of which %d were written", delivered, unconfirmed, int64(len(onTopic))-delivered)
}

// TestCtrlCEndsAMemberWhoseStdoutIsBlocked runs an announcer whose stdout
// is a pipe the test stops reading after 3,000 lines, then sends SIGINT:
// the member must exit within its --timeout, and the offsets its group
// committed must all be of lines it wrote. A second member then announces
// from there: together they cover every offset.
func TestCtrlCEndsAMemberWhoseStdoutIsBlocked(t *testing.T) {
	b := mustStartBroker(t)
	const n, timeout = 20000, 6 * time.Second
	mustRun(t, "publish", "--brokers", b.Bootstrap(), "--rate", "0", "--count", "20000", "--seed", "41")
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	cmd := exec.Command(mustBuild(t), "--log-format", "json", "announce", "--brokers", b.Bootstrap(), "--group", "stuck",
		"--from-beginning", "--output", "json", "--timeout", timeout.String())
	stderr := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = pw, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })

	out := bufio.NewReader(pr)
	var written strings.Builder
	for lines := 0; lines < 3000; lines++ {
		line, err := out.ReadString('\n')
		if err != nil {
			t.Fatalf("after %d lines: %v\n%s", lines, err, tail(stderr.String(), 3000))
		}
		written.WriteString(line)
	}
	time.Sleep(2 * time.Second) // unread, the pipe fills and the member's writes block
	stopped := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	select {
	case err = <-done:
	case <-time.After(timeout + 10*time.Second):
		t.Fatalf("the member did not end within %v of SIGINT with --timeout %v:\n%s",
			timeout+10*time.Second, timeout, tail(stderr.String(), 3000))
	}
	took := time.Since(stopped)
	t.Logf("the member ended %v after SIGINT (%v); its last log line: %s", took.Round(time.Millisecond), err, lastLine(stderr.String()))
	if took > timeout+2*time.Second {
		t.Errorf("the member took %v to end, more than --timeout %v", took, timeout)
	}
	rest, _ := io.ReadAll(out) // what the member wrote but the test had not read
	written.Write(rest)

	wrote := map[[2]int64]bool{}
	for _, a := range parseAnnounced(t, completeLines(written.String())) {
		wrote[[2]int64{int64(a.Partition), a.Offset}] = true
	}
	next := mustRun(t, "announce", "--brokers", b.Bootstrap(), "--group", "stuck", "--from-beginning", "--once", "--output", "json")
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
		t.Logf("stuck member's log:\n%s\nnext member's log:\n%s", tail(stderr.String(), 6000), tail(next.stderr.String(), 6000))
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
	addr := freeLoopbackAddr(t)
	broker := startBrokerProcess(t, "--listen", addr)
	mustCreateTopic(t, addr, "pitches", 6)
	pub := exec.Command(mustBuild(t), "publish", "--brokers", addr, "--rate", "500", "--seed", "21", "--timeout", "3s")
	if err := pub.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pub.Process.Kill(); pub.Wait() })
	m := startScoresWith(t, addr, "scores", "a", "classic", "--timeout", timeout.String())
	waitFor(t, 60*time.Second, "scores to commit", func() bool { return committedSoFar(m) > 0 })
	broker.cmd.Process.Signal(syscall.SIGSTOP)
	t.Cleanup(func() { broker.cmd.Process.Signal(syscall.SIGCONT) })
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
