package commands

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
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

// exited waits up to within for the program to end, and returns what the
// terminal showed and how long it took from now.
func (t *terminal) exited(tb testing.TB, within time.Duration) (string, time.Duration) {
	tb.Helper()
	start := time.Now()
	select {
	case <-t.done:
		return t.screen(), time.Since(start)
	case <-time.After(within):
		tb.Fatalf("still running %v after Ctrl-C; the terminal showed:\n%s", within, tail(t.screen(), 3000))
		return "", 0
	}
}

// Forgetting to start a broker is the commonest first mistake: every client
// command waits up to --timeout for one. Ctrl-C ends that wait at once,
// saying what it was waiting for, and a name that does not resolve fails
// at once, saying so.
func TestCtrlCEndsTheWaitForABrokerAtOnce(t *testing.T) {
	nobody := testkit.FreeAddr(t) // nothing listens there
	for _, args := range [][]string{
		{"publish"}, {"last-pitch", "--from-beginning"}, {"announce"}, {"stats", "--from-beginning"}, {"scores"}, {"web", "--listen", "127.0.0.1:0"},
	} {
		t.Run(args[0], func(t *testing.T) {
			term := startInTerminal(t, nil, append(args, "--brokers", nobody, "--timeout", "30s")...)
			time.Sleep(1500 * time.Millisecond)
			term.ctrlC(t)
			screen, took := term.exited(t, 5*time.Second)
			if !strings.Contains(screen, "interrupted while waiting for a broker at "+nobody) {
				t.Errorf("after Ctrl-C (%v), the terminal showed:\n%s", took.Round(time.Millisecond), tail(screen, 2000))
			}
		})
	}
	t.Run("a name that does not resolve", func(t *testing.T) {
		start := time.Now()
		err := mustFail(t, "announce", "--brokers", "nosuchhost.invalid:9092", "--timeout", "30s")
		if !strings.Contains(err.Error(), "nosuchhost.invalid does not resolve") || !strings.Contains(err.Error(), "--brokers") ||
			strings.Contains(err.Error(), "pitchkafka broker") || time.Since(start) > 10*time.Second {
			t.Errorf("after %v: %v", time.Since(start).Round(time.Millisecond), err)
		}
	})
}

// With the broker gone mid-run, a stop waits up to --timeout for what it
// must finish. The first Ctrl-C says at once what that is; the second
// quits now, saying what may be lost or repeated.
func TestASecondCtrlCQuitsAtOnceSayingWhatMayBeLost(t *testing.T) {
	tests := []struct {
		name, ready, finishing, risk string
		args                         []string
	}{
		{"publish", "publishing", "delivering the pitches sent", "--resume", []string{"publish", "--rate", "500"}},
		{"announce", "mph", "committing the offsets", "announces again", []string{"announce", "--group", "twice", "--from-beginning"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			addr := testkit.FreeAddr(t)
			broker := testkit.StartBrokerProcess(t, "--listen", addr)
			mustRun(t, "publish", "--brokers", addr, "--rate", "0", "--count", "300", "--seed", "1")
			term := startInTerminal(t, nil, append(tc.args, "--brokers", addr, "--timeout", "60s")...)
			term.waitFor(t, tc.ready)
			broker.Signal(syscall.SIGSTOP)
			defer broker.Signal(syscall.SIGCONT)
			time.Sleep(time.Second)
			term.ctrlC(t)
			term.waitFor(t, "press Ctrl-C again to quit now")
			if !strings.Contains(term.screen(), tc.finishing) {
				t.Errorf("the first Ctrl-C does not say what it is finishing (%q):\n%s", tc.finishing, tail(term.screen(), 2000))
			}
			term.ctrlC(t)
			screen, took := term.exited(t, 5*time.Second)
			if !strings.Contains(screen, "quitting now") || !strings.Contains(screen, tc.risk) {
				t.Errorf("the second Ctrl-C quit in %v without saying what may be lost (%q):\n%s", took, tc.risk, tail(screen, 2000))
			}
		})
	}
}
