package testkit

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// Binary builds pitchkafka once per test process and returns the path of
// the binary, for tests that run it as its own process (to kill it, or to
// talk to it through a terminal). PITCHKAFKA_TEST_BINARY names a prebuilt
// one instead, for running tests many times in a row. RemoveBinary, in
// TestMain, removes what Binary built.
func Binary(tb testing.TB) string {
	tb.Helper()
	bin, err := BuildBinary()
	if err != nil {
		tb.Fatal(err)
	}
	return bin
}

// BuildBinary is Binary for code without a testing.TB, such as a TestMain
// or a hook that runs pitchkafka: it builds the binary once, or returns
// PITCHKAFKA_TEST_BINARY.
func BuildBinary() (string, error) {
	if prebuilt := os.Getenv("PITCHKAFKA_TEST_BINARY"); prebuilt != "" {
		return prebuilt, nil
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "pitchkafka-bin")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "pitchkafka")
		cmd := exec.Command("go", "build", "-o", binary, ".")
		cmd.Dir = moduleRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	return binary, buildErr
}

// RemoveBinary removes the binary Binary built, if any.
func RemoveBinary() {
	if binary != "" {
		os.RemoveAll(filepath.Dir(binary))
	}
}

// moduleRoot is the directory of pitchkafka's go.mod.
func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Path is the path of a file of the module, given relative to its root
// (testdata/…, schemas/…), wherever the test runs.
func Path(rel string) string { return filepath.Join(moduleRoot(), rel) }

// Process is a command running as its own process, its output captured.
type Process struct {
	Cmd            *exec.Cmd
	Stdout, Stderr *Buffer
	done           chan struct{}
}

// Start starts bin with args; the test's end kills it and waits for it.
func Start(tb testing.TB, bin string, args ...string) *Process {
	tb.Helper()
	p := &Process{Cmd: exec.Command(bin, args...), Stdout: &Buffer{}, Stderr: &Buffer{}, done: make(chan struct{})}
	p.Cmd.Stdout, p.Cmd.Stderr = p.Stdout, p.Stderr
	if err := p.Cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() { p.Cmd.Wait(); close(p.done) }()
	tb.Cleanup(func() { p.Kill(); <-p.done })
	return p
}

// Kill sends SIGKILL: the process is gone without a word to anyone.
func (p *Process) Kill() { p.Cmd.Process.Signal(syscall.SIGKILL) }

// Signal sends sig.
func (p *Process) Signal(sig os.Signal) { p.Cmd.Process.Signal(sig) }

// Done is closed once the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Wait waits up to timeout for the process to exit and reports whether it
// did.
func (p *Process) Wait(timeout time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(timeout):
		return false
	}
}

// StartBrokerProcess runs `pitchkafka broker` with args as a process of
// its own, so that a test can stop, freeze or kill it, and waits until it
// listens.
func StartBrokerProcess(tb testing.TB, args ...string) *Process {
	tb.Helper()
	SkipOnKafka(tb, "it runs pitchkafka broker as a process, to kill it")
	p := Start(tb, Binary(tb), append([]string{"broker"}, args...)...)
	WaitFor(tb, 30*time.Second, "the broker to listen", func() bool { return strings.Contains(p.Stdout.String(), "listening on") })
	return p
}

// Stop sends SIGINT and fails the test unless the process exits within
// 30 s.
func (p *Process) Stop(tb testing.TB) {
	tb.Helper()
	p.Signal(syscall.SIGINT)
	if !p.Wait(30 * time.Second) {
		tb.Fatalf("%s did not stop within 30 s of SIGINT", p.Cmd.Path)
	}
}

// FreeAddr returns a loopback address whose port was free a moment ago.
func FreeAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
