package commands

import (
	"errors"
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
		"--seed", "21", "--timeout", "3s")
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	time.Sleep(2 * time.Second)
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
