package commands

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/kafkaio"
	"github.com/pitchkafka/pitchkafka/web"
)

// demoSessionTimeout is the session timeout of the demo's members: short,
// so that a killed member's partitions move while the audience watches
// (Kafka's default is 45 s).
const demoSessionTimeout = 10 * time.Second

// actionsKept is how many actions the page lists.
const actionsKept = 20

// demoStage is the demo's cast that the live page directs: the publisher's
// throttle, the announcer and scores processes, and the embedded cluster's
// nodes. It is the page's web.Controls.
type demoStage struct {
	e        *env
	out      lineWriter
	member   memberSettings
	throttle *game.Throttle
	nodes    nodeControl // nil on a cluster of yours

	mu        sync.Mutex
	published func() int64 // the publisher's delivered pitches, once it runs
	procs     []*memberProcess
	actions   []web.ActionNote
	numbered  map[string]int // the last number given, by kind
}

// memberSettings are what every member process is started with.
type memberSettings struct {
	brokers, topic, registry string
	format                   formats.Format
	output                   string // "text" or "json"
	logLevel                 string
	// config is the file of client properties the members read: the
	// demo's own, or "" for none, so that none reads the user's default
	// one instead.
	config string
}

// newDemoStage returns the stage, with no member yet. The members read the
// demo's client properties from a file of their own (removed by close), or
// none when there are none, so that none reads the user's default file.
func newDemoStage(e *env, out lineWriter, kcfg kafkaio.Config, settings memberSettings, throttle *game.Throttle, nodes nodeControl) (*demoStage, error) {
	config, err := writeMemberConfig(kcfg.Properties)
	if err != nil {
		return nil, err
	}
	settings.config = config
	settings.brokers, settings.registry = kcfg.Brokers, kcfg.Registry.URL
	return &demoStage{e: e, out: out, member: settings, throttle: throttle, nodes: nodes, numbered: map[string]int{}}, nil
}

// writeMemberConfig writes the properties to a file only its owner can
// read, in a directory of its own, and returns its path; "" for none.
func writeMemberConfig(props map[string]string) (string, error) {
	if len(props) == 0 {
		return "", nil
	}
	dir, err := os.MkdirTemp("", "pitchkafka-demo-")
	if err != nil {
		return "", fmt.Errorf("a directory for the demo's client properties: %w", err)
	}
	var b strings.Builder
	b.WriteString("# the demo's client properties, for its member processes; removed when it ends\n")
	for _, k := range slices.Sorted(maps.Keys(props)) {
		fmt.Fprintf(&b, "%s=%s\n", k, props[k])
	}
	path := filepath.Join(dir, "client.properties")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("the demo's client properties: %w", err)
	}
	return path, nil
}

// publisherStarted tells the stage where to read the publisher's count.
func (s *demoStage) publisherStarted(delivered func() int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.published = delivered
}

// common are the flags of every member: logs the demo can read, and the
// demo's cluster.
func (m memberSettings) common(command string) []string {
	args := []string{"--log-format", "json", "--log-level", m.logLevel, command,
		"--brokers", m.brokers, "--topic", m.topic, "--config", m.config,
		"-X", "session.timeout.ms=" + strconv.FormatInt(demoSessionTimeout.Milliseconds(), 10),
		"-X", "heartbeat.interval.ms=1000"}
	if m.registry != "" {
		args = append(args, "--schema-registry", m.registry)
	}
	return args
}

// addAnnouncer starts announce-N in the demo's announcer group.
func (s *demoStage) addAnnouncer() (*memberProcess, error) {
	name := s.nextName("announce")
	args := append(s.member.common("announce"), "--group", demoAnnouncers, "--from-beginning", "--name", name,
		"--output", s.member.output, "--stats-interval", "30s")
	return s.start(name, "announce", demoAnnouncers, args)
}

// startScores starts a scores processor (see scoresName).
func (s *demoStage) startScores() (*memberProcess, error) {
	instance, name := s.scoresName()
	args := append(s.member.common("scores"), "--group", demoScores, "--to", "games", "--instance", instance,
		"--format", string(s.member.format), "--commit-interval", "100ms", "--output", s.member.output,
		"--stats-interval", "30s", "-X", "client.id="+name)
	return s.start(name, "scores", demoScores, args)
}

// scoresName picks the next scores process's instance and name. It takes
// the instance of the first processor that is not running (killed,
// stopped, or frozen: then it fences that zombie), so that its
// transactions are those it takes over, as that instance's next
// incarnation (scores-1.2, scores-1.3…); else a new instance.
func (s *demoStage) scoresName() (instance, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	running := map[string]bool{}
	for _, p := range s.procs {
		if p.kind == "scores" && p.running() {
			running[scoresInstance(p.name)] = true
		}
	}
	for _, p := range s.procs {
		if in := scoresInstance(p.name); p.kind == "scores" && !running[in] {
			return in, in + "." + strconv.Itoa(s.incarnations(in)+1)
		}
	}
	instance = s.numberLocked("scores")
	return instance, instance
}

// scoresInstance is the instance a scores process's name stands for:
// scores-1 for scores-1 and its later incarnations scores-1.2, scores-1.3…
func scoresInstance(name string) string {
	instance, _, _ := strings.Cut(name, ".")
	return instance
}

// nextName numbers the next process of a kind: announce-3, scores-2.
func (s *demoStage) nextName(kind string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.numberLocked(kind)
}

// numberLocked is nextName, with s.mu held.
func (s *demoStage) numberLocked(kind string) string {
	s.numbered[kind]++
	return kind + "-" + strconv.Itoa(s.numbered[kind])
}

// incarnations counts the processes that ran an instance, with s.mu held.
func (s *demoStage) incarnations(instance string) int {
	n := 0
	for _, p := range s.procs {
		if scoresInstance(p.name) == instance {
			n++
		}
	}
	return n
}

// start starts a member process and adds it to the cast.
func (s *demoStage) start(name, kind, group string, args []string) (*memberProcess, error) {
	ce := s.e.component(name)
	p, err := startMemberProcess(name, kind, group, demoSessionTimeout, args, s.out.withPrefix(name+" | "), ce.log)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.procs = append(s.procs, p)
	s.mu.Unlock()
	return p, nil
}

// process finds a member by name.
func (s *demoStage) process(name string) (*memberProcess, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.procs {
		if p.name == name {
			return p, nil
		}
	}
	names := make([]string, len(s.procs))
	for i, p := range s.procs {
		names[i] = p.name
	}
	return nil, fmt.Errorf("no process %q: the demo's are %s", name, strings.Join(names, ", "))
}

// Do carries out one of the page's actions and notes what came of it.
func (s *demoStage) Do(_ context.Context, a web.Action) error {
	result, err := s.do(a)
	note := web.ActionNote{At: pageTime(time.Now()), Action: a, Result: result, OK: err == nil}
	if err != nil {
		note.Result = err.Error()
	}
	s.mu.Lock()
	s.actions = append([]web.ActionNote{note}, s.actions[:min(len(s.actions), actionsKept-1)]...)
	s.mu.Unlock()
	return err
}

// do carries out an action and says what it did.
func (s *demoStage) do(a web.Action) (string, error) {
	switch a.Verb {
	case web.VerbAddAnnouncer:
		p, err := s.addAnnouncer()
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("started %s (pid %d): it joins %s, and the group shares the partitions again", p.name, p.cmd.Process.Pid, p.group), nil
	case web.VerbStartScores:
		p, err := s.startScores()
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("started %s (pid %d), instance %s: it takes over that instance's transactions, fencing any older one",
			p.name, p.cmd.Process.Pid, scoresInstance(p.name)), nil
	case web.VerbStopProcess, web.VerbKillProcess, web.VerbFreezeProcess, web.VerbThawProcess:
		return s.signal(a)
	case web.VerbPausePublish:
		s.throttle.Pause()
		return "the publisher holds its pitches: watch the lag drain to 0", nil
	case web.VerbResumePublish:
		s.throttle.Resume()
		return "the publisher goes on from where it paused", nil
	case web.VerbSetRate:
		if a.Rate <= 0 || a.Rate > 100_000 {
			return "", fmt.Errorf("rate %v: give 1 to 100000 pitches a second", a.Rate)
		}
		s.throttle.SetRate(a.Rate)
		return fmt.Sprintf("the publisher publishes %v pitches a second", a.Rate), nil
	case web.VerbStopNode, web.VerbStartNode:
		return s.node(a)
	}
	return "", fmt.Errorf("no such action %q", a.Verb)
}

// signal stops, kills, freezes or thaws a member.
func (s *demoStage) signal(a web.Action) (string, error) {
	p, err := s.process(a.Target)
	if err != nil {
		return "", err
	}
	switch a.Verb {
	case web.VerbStopProcess:
		if err := p.signal(syscall.SIGINT, procStopping); err != nil {
			return "", err
		}
		return fmt.Sprintf("%s finishes its work, commits and leaves %s: its partitions move at once", p.name, p.group), nil
	case web.VerbKillProcess:
		if err := p.signal(syscall.SIGKILL, procKilled); err != nil {
			return "", err
		}
		return fmt.Sprintf("%s killed: %s waits out its session timeout (%v) before moving its partitions",
			p.name, p.group, p.sessionTimeout), nil
	case web.VerbFreezeProcess:
		if err := p.freeze(); err != nil {
			return "", err
		}
		return fmt.Sprintf("%s frozen (SIGSTOP): a zombie, alive but silent; after %v %s moves on without it",
			p.name, p.sessionTimeout, p.group), nil
	default:
		if err := p.thaw(); err != nil {
			return "", err
		}
		return fmt.Sprintf("%s thawed (SIGCONT): it finds out whether its group moved on, and whether it was fenced", p.name), nil
	}
}

// Stage is the cast as the page shows it.
func (s *demoStage) Stage() web.Stage {
	rate, paused, _ := s.throttle.State()
	st := web.Stage{Publisher: web.Publisher{Rate: rate, Paused: paused}, Processes: []web.Process{}, Nodes: []web.Node{},
		Actions: []web.ActionNote{}}
	s.mu.Lock()
	if s.published != nil {
		st.Publisher.Published = s.published()
	}
	procs := slices.Clone(s.procs)
	st.Actions = append(st.Actions, s.actions...)
	s.mu.Unlock()
	for _, p := range procs {
		st.Processes = append(st.Processes, p.view())
	}
	if s.nodes != nil {
		st.Nodes = s.nodes.nodes()
	}
	return st
}

// pageTime writes a time as the page reads it: UTC, to the millisecond.
func pageTime(t time.Time) string { return t.UTC().Format(game.TimestampLayout) }

// view is the process as the page shows it.
func (p *memberProcess) view() web.Process {
	p.mu.Lock()
	defer p.mu.Unlock()
	v := web.Process{Name: p.name, Kind: p.kind, Group: p.group, PID: p.cmd.Process.Pid, State: p.state, Exit: p.exit,
		SessionTimeoutMs: p.sessionTimeout.Milliseconds()}
	if !p.goneBy.IsZero() {
		v.GoneBy = pageTime(p.goneBy)
	}
	return v
}

// close stops every member still running, as Ctrl-C would, within
// timeout, removes their client properties, and returns how the members
// that failed on their own failed.
func (s *demoStage) close(timeout time.Duration) error {
	s.mu.Lock()
	procs := slices.Clone(s.procs)
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, p := range procs {
		wg.Add(1)
		go func() { defer wg.Done(); p.stop(timeout) }()
	}
	wg.Wait()
	if s.member.config != "" {
		os.RemoveAll(filepath.Dir(s.member.config))
	}
	var errs []error
	for _, p := range procs {
		if v := p.view(); v.State == procFailed {
			errs = append(errs, fmt.Errorf("%s failed: %s", p.name, v.Exit))
		}
	}
	return errors.Join(errs...)
}
