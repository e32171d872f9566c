package commands

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
)

// terminal runs the built binary in a pseudo-terminal, as a person would,
// and collects everything the terminal shows.
type terminal struct {
	cmd  *exec.Cmd
	tty  *os.File
	mu   sync.Mutex
	seen bytes.Buffer
	done chan error
}

func startInTerminal(tb testing.TB, env []string, args ...string) *terminal {
	tb.Helper()
	t := &terminal{cmd: exec.Command(testkit.Binary(tb), args...), done: make(chan error, 1)}
	t.cmd.Env = append(os.Environ(), env...)
	tty, err := pty.StartWithSize(t.cmd, &pty.Winsize{Rows: 50, Cols: 160})
	if err != nil {
		tb.Fatal(err)
	}
	t.tty = tty
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			t.mu.Lock()
			t.seen.Write(buf[:n])
			t.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() {
		err := t.cmd.Wait()
		<-copied // the terminal reads EIO once the program is gone
		t.done <- err
	}()
	tb.Cleanup(func() { t.cmd.Process.Kill(); tty.Close() })
	return t
}

func (t *terminal) screen() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.seen.String()
}

// wait waits for the program to end and returns what the terminal showed.
func (t *terminal) wait(tb testing.TB) string {
	tb.Helper()
	select {
	case err := <-t.done:
		if err != nil {
			tb.Fatalf("exited with %v; the terminal showed:\n%s", err, t.screen())
		}
	case <-time.After(60 * time.Second):
		tb.Fatalf("still running after 60s; the terminal showed:\n%s", t.screen())
	}
	return t.screen()
}

// ctrlC types Ctrl-C, which the terminal turns into SIGINT for the program.
func (t *terminal) ctrlC(tb testing.TB) {
	tb.Helper()
	if _, err := io.WriteString(t.tty, "\x03"); err != nil {
		tb.Fatal(err)
	}
}

func (t *terminal) waitFor(tb testing.TB, what string) {
	tb.Helper()
	testkit.WaitFor(tb, 60*time.Second, what, func() bool { return strings.Contains(t.screen(), what) })
}

func TestInATerminalTheProgressBarAppearsAndFinishes(t *testing.T) {
	b := testkit.StartBroker(t)
	screen := startInTerminal(t, nil, "publish", "--brokers", b.Bootstrap(), "--rate", "0", "--count", "5000").wait(t)
	if !strings.Contains(screen, "publishing") || !strings.Contains(screen, "100%") || !strings.Contains(screen, "5000/5000") {
		t.Errorf("no finished progress bar in:\n%s", screen)
	}
	screen = startInTerminal(t, nil, "stats", "--brokers", b.Bootstrap(), "--from-beginning", "--once").wait(t)
	if !strings.Contains(screen, "replaying") || !strings.Contains(screen, "100%") {
		t.Errorf("no replay bar in:\n%s", screen)
	}
}

func TestInATerminalTheTableRedrawsInPlaceAndCtrlCEndsIt(t *testing.T) {
	b := testkit.StartBroker(t)
	mustRun(t, "publish", "--brokers", b.Bootstrap(), "--rate", "0", "--count", "2000", "--seed", "1")
	term := startInTerminal(t, nil, "last-pitch", "--brokers", b.Bootstrap(), "--from-beginning", "--interval", "300ms")
	testkit.WaitFor(t, 60*time.Second, "three redraws", func() bool { return strings.Count(term.screen(), clearScreen) >= 3 })
	term.ctrlC(t)
	screen := term.wait(t)
	if strings.Count(screen, "(") < 3 || !strings.Contains(screen, "PITCHER") {
		t.Errorf("no table on the screen:\n%s", screen)
	}
}

func TestColoursOnlyWhereAllowed(t *testing.T) {
	b := testkit.StartBroker(t)
	mustRun(t, "publish", "--brokers", b.Bootstrap(), "--rate", "0", "--count", "2000", "--seed", "1")
	args := []string{"--log-level", "error", "last-pitch", "--brokers", b.Bootstrap(), "--from-beginning", "--once"}
	coloured := startInTerminal(t, nil, args...).wait(t)
	plain := startInTerminal(t, []string{"NO_COLOR=1"}, args...).wait(t)
	piped := mustRun(t, args...).stdout.String()
	if !strings.Contains(coloured, "\x1b[3") {
		t.Errorf("no colour in a terminal:\n%q", coloured)
	}
	if strings.Contains(plain, "\x1b[3") || strings.Contains(piped, "\x1b[") {
		t.Errorf("colour with NO_COLOR or through a pipe")
	}
}

func TestCtrlCEndsEachSubcommandCleanlyWithItsSummary(t *testing.T) {
	testkit.SkipOnKafka(t, "it runs the embedded broker itself")
	b := testkit.StartBroker(t)
	mustRun(t, "publish", "--brokers", b.Bootstrap(), "--rate", "0", "--count", "500", "--seed", "1")
	tests := []struct {
		name  string
		args  []string
		ready string // shown once the command is at work
		bye   string // its summary
	}{
		{"publish", []string{"publish", "--brokers", b.Bootstrap(), "--rate", "50"}, "publishing", "done"},
		{"last-pitch", []string{"last-pitch", "--brokers", b.Bootstrap(), "--from-beginning"}, "caught up", "PITCHER"},
		{"announce", []string{"announce", "--brokers", b.Bootstrap(), "--group", "pty", "--from-beginning"}, "mph", "announcer stopped"},
		{"stats", []string{"stats", "--brokers", b.Bootstrap(), "--from-beginning"}, "replaying", "runs per team-game"},
		{"broker", []string{"broker", "--listen", "127.0.0.1:0"}, "listening on", "broker stopped"},
		{"demo", []string{"demo", "--rate", "50"}, "announce-", "announcer stopped"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			term := startInTerminal(t, nil, tc.args...)
			term.waitFor(t, tc.ready)
			time.Sleep(300 * time.Millisecond)
			term.ctrlC(t)
			if screen := term.wait(t); !strings.Contains(screen, tc.bye) || strings.Contains(screen, "goroutine ") {
				t.Errorf("after Ctrl-C, no %q (or a stack trace) in:\n%s", tc.bye, tail(screen, 3000))
			}
		})
	}
}
