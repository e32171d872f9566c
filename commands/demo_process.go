package commands

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rs/zerolog"
)

// memberBinary is the pitchkafka binary the demo runs its members with:
// this one. Tests, whose binary is not pitchkafka, set it.
var memberBinary = thisBinary

// thisBinary is the running binary's path; where /proc is missing (a bare
// chroot) it is the path it was started by.
func thisBinary() (string, error) {
	if path, err := os.Executable(); err == nil {
		return path, nil
	}
	if strings.ContainsRune(os.Args[0], os.PathSeparator) {
		return os.Args[0], nil
	}
	return "", errors.New("cannot tell which binary is running: start pitchkafka by its path")
}

// Process states, as the page shows them.
const (
	procStarting = "starting"
	procRunning  = "running"
	procStopping = "stopping"
	procFrozen   = "frozen"
	procStopped  = "stopped"
	procKilled   = "killed"
	procFailed   = "failed"
)

// memberProcess is one of the demo's announcers or scores processors: a
// pitchkafka process of its own, so that it can be killed as a real member
// dies, without leaving its group.
type memberProcess struct {
	name, kind, group string
	// sessionTimeout is how long its group waits for it once it stops
	// heartbeating.
	sessionTimeout time.Duration
	cmd            *exec.Cmd
	done           chan struct{} // closed once it has exited and its output is drained

	mu     sync.Mutex
	state  string
	exit   string
	goneBy time.Time
}

// startMemberProcess starts pitchkafka with args as a member named name. Its
// stdout goes to out, line by line; its logs, JSON lines, are logged again
// through log, which names it.
func startMemberProcess(name, kind, group string, sessionTimeout time.Duration, args []string, out io.Writer, log zerolog.Logger) (*memberProcess, error) {
	bin, err := memberBinary()
	if err != nil {
		return nil, err
	}
	p := &memberProcess{name: name, kind: kind, group: group, sessionTimeout: sessionTimeout, state: procStarting,
		done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	// The members are given their client properties: none read a file
	// the environment names.
	p.cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, configEnv+"=") })
	p.cmd.Stdout = out
	p.cmd.Stdin = strings.NewReader("") // it reads nothing; and a bare chroot has no /dev/null
	p.cmd.SysProcAttr = memberProcAttr()
	logs, err := p.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go p.wait(logs, log)
	return p, nil
}

// wait relogs the process's logs until it exits, then says how it ended.
func (p *memberProcess) wait(logs io.Reader, log zerolog.Logger) {
	defer close(p.done)
	relog(logs, log, p.noteLog)
	err := p.cmd.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.state == procKilled:
		p.exit = "killed (SIGKILL): it left no word to its group"
	case err == nil:
		p.state, p.exit = procStopped, "left its group and exited"
	case p.state == procStopping:
		// Asked to stop before it got going (still waiting for a
		// broker, say): its own log line says what it was doing.
		p.state, p.exit = procStopped, "stopped early: "+err.Error()
	default:
		p.state, p.exit = procFailed, err.Error()
	}
	level := log.Info()
	if p.state == procFailed {
		level = log.Warn()
	}
	level.Str("state", p.state).Str("exit", p.exit).Msg("the process ended")
}

// noteLog marks the process running once it logs that it got partitions
// (scores logs its restore just before).
func (p *memberProcess) noteLog(msg string) {
	if msg != "assigned" && msg != "restored games from games" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state == procStarting {
		p.state = procRunning
	}
}

// relog logs each JSON log line of r again through log, at its level and
// with its fields; a line that is not JSON (a crash, say) is logged as it
// is, at warn. seen is told each message.
func relog(r io.Reader, log zerolog.Logger, seen func(msg string)) {
	lines := bufio.NewScanner(r)
	lines.Buffer(make([]byte, 64<<10), 1<<20)
	for lines.Scan() {
		var fields map[string]any
		if err := json.Unmarshal(lines.Bytes(), &fields); err != nil {
			log.Warn().Str("line", lines.Text()).Msg("the process wrote")
			continue
		}
		level, err := zerolog.ParseLevel(fmt.Sprint(fields[zerolog.LevelFieldName]))
		if err != nil || level == zerolog.NoLevel {
			level = zerolog.InfoLevel
		}
		msg, _ := fields[zerolog.MessageFieldName].(string)
		for _, k := range []string{zerolog.LevelFieldName, zerolog.MessageFieldName, zerolog.TimestampFieldName} {
			delete(fields, k)
		}
		seen(msg)
		log.WithLevel(level).Fields(fields).Msg(msg)
	}
}

// signal sends sig and moves the process to state; it fails once the
// process has ended.
func (p *memberProcess) signal(sig syscall.Signal, state string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ended() {
		return fmt.Errorf("%s has already ended (%s)", p.name, p.state)
	}
	if err := p.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("signal %s: %w", p.name, err)
	}
	switch state {
	case procKilled, procFrozen:
		// It heartbeats no more: its group waits out its session timeout.
		p.goneBy = time.Now().Add(p.sessionTimeout)
	default:
		p.goneBy = time.Time{}
	}
	p.state = state
	return nil
}

// ended reports whether the process has exited or been killed; p.mu held.
func (p *memberProcess) ended() bool {
	switch p.state {
	case procStopped, procKilled, procFailed:
		return true
	}
	return false
}

// running reports whether the process is alive and not frozen.
func (p *memberProcess) running() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return !p.ended() && p.state != procFrozen && p.state != procStopping
}

// frozen reports whether the process is stopped by SIGSTOP.
func (p *memberProcess) frozen() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state == procFrozen
}

// stop asks the process to finish, as Ctrl-C does, and waits up to
// timeout for it; then kills it.
func (p *memberProcess) stop(timeout time.Duration) {
	if p.frozen() {
		p.signal(syscall.SIGCONT, procRunning)
	}
	if p.signal(syscall.SIGINT, procStopping) != nil {
		<-p.done
		return
	}
	select {
	case <-p.done:
	case <-time.After(timeout):
		p.signal(syscall.SIGKILL, procKilled)
		<-p.done
	}
}

// freeze stops the process where it is (SIGSTOP): it keeps its
// connections but sends nothing, a zombie its group gives up on.
func (p *memberProcess) freeze() error {
	if p.frozen() {
		return fmt.Errorf("%s is frozen already: thaw it", p.name)
	}
	return p.signal(syscall.SIGSTOP, procFrozen)
}

// thaw lets a frozen process go on (SIGCONT).
func (p *memberProcess) thaw() error {
	if !p.frozen() {
		return fmt.Errorf("%s is not frozen", p.name)
	}
	return p.signal(syscall.SIGCONT, procRunning)
}
