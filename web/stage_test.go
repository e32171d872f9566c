package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/pitchkafka/pitchkafka/kafkaio"
	"github.com/rs/zerolog"
)

// stage is a Controls for the tests: it records the actions it is given
// and plays them on a stage of its own, as the demo's would, refusing
// those the stage does not allow (thawing what is not frozen, starting a
// node that is up).
type stage struct {
	mu    sync.Mutex
	st    Stage
	done  []Action
	clock func() time.Time
	// held are verbs whose actions wait until their channel is closed.
	held map[string]chan struct{}
}

// goneAfter is how long the test stage's group waits for a killed or
// frozen member: long enough to watch a countdown.
const goneAfter = 45 * time.Second

func newStage() *stage {
	return &stage{clock: time.Now, held: map[string]chan struct{}{}, st: Stage{
		Publisher: Publisher{Rate: 10, Published: 1234},
		Processes: []Process{
			{Name: "announce-1", Kind: "announce", Group: "demo-announcers", PID: 4101, State: "running"},
			{Name: "announce-2", Kind: "announce", Group: "demo-announcers", PID: 4102, State: "running"},
			{Name: "scores", Kind: "scores", Group: "demo-scores", PID: 4103, State: "running"},
		},
		Nodes: []Node{{ID: 0, Addr: "127.0.0.1:9092", Up: true}, {ID: 1, Addr: "127.0.0.1:9093", Up: true}},
	}}
}

func (s *stage) Stage() Stage {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	st.Processes, st.Nodes, st.Actions = slices.Clone(st.Processes), slices.Clone(st.Nodes), slices.Clone(st.Actions)
	return st
}

// actions returns the actions the stage was given.
func (s *stage) actions() []Action {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.done)
}

// hold makes the actions of a verb wait until the function it returns is
// called.
func (s *stage) hold(verb string) (release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan struct{})
	s.held[verb] = ch
	return func() { close(ch) }
}

func (s *stage) Do(ctx context.Context, a Action) error {
	s.mu.Lock()
	held := s.held[a.Verb]
	s.mu.Unlock()
	if held != nil {
		select {
		case <-held:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done = append(s.done, a)
	result, err := s.play(a)
	note := ActionNote{At: stamp(s.clock()), Action: a, Result: result, OK: err == nil}
	if err != nil {
		note.Result = err.Error()
	}
	s.st.Actions = append([]ActionNote{note}, s.st.Actions...)
	return err
}

// play carries out an action on the stage.
func (s *stage) play(a Action) (string, error) {
	st := &s.st
	switch a.Verb {
	case VerbPausePublish, VerbResumePublish:
		st.Publisher.Paused = a.Verb == VerbPausePublish
		return "publisher " + map[bool]string{true: "paused", false: "publishing"}[st.Publisher.Paused], nil
	case VerbSetRate:
		st.Publisher.Rate = a.Rate
		return fmt.Sprintf("%g pitches a second", a.Rate), nil
	case VerbAddAnnouncer, VerbStartScores:
		kind, group := "announce", "demo-announcers"
		if a.Verb == VerbStartScores {
			kind, group = "scores", "demo-scores"
		}
		name := fmt.Sprintf("%s-%d", kind, len(st.Processes)+1)
		st.Processes = append(st.Processes, Process{Name: name, Kind: kind, Group: group, PID: 4100 + len(st.Processes) + 1, State: "running"})
		return "started " + name, nil
	case VerbStopNode, VerbStartNode:
		return s.playNode(a)
	}
	return s.playProcess(a)
}

func (s *stage) playNode(a Action) (string, error) {
	i := slices.IndexFunc(s.st.Nodes, func(n Node) bool { return strconv.Itoa(int(n.ID)) == a.Target })
	if i < 0 {
		return "", fmt.Errorf("no node %s", a.Target)
	}
	n := &s.st.Nodes[i]
	if up := a.Verb == VerbStartNode; n.Up == up {
		return "", fmt.Errorf("node %s is %s already", a.Target, map[bool]string{true: "up", false: "down"}[up])
	}
	if up := slices.IndexFunc(s.st.Nodes, func(o Node) bool { return o.Up && o.ID != n.ID }); a.Verb == VerbStopNode && up < 0 {
		return "", fmt.Errorf("node %s is the last node up: the cluster would stop", a.Target)
	}
	n.Up = !n.Up
	return fmt.Sprintf("node %s %s", a.Target, map[bool]string{true: "started", false: "stopped"}[n.Up]), nil
}

func (s *stage) playProcess(a Action) (string, error) {
	i := slices.IndexFunc(s.st.Processes, func(p Process) bool { return p.Name == a.Target })
	if i < 0 {
		return "", fmt.Errorf("no process %s", a.Target)
	}
	p := &s.st.Processes[i]
	goneBy := s.clock().Add(goneAfter).UTC().Format("2006-01-02T15:04:05.000Z07:00")
	switch {
	case a.Verb == VerbThawProcess && p.State != "frozen":
		return "", errors.New(p.Name + " is not frozen")
	case a.Verb == VerbThawProcess:
		p.State, p.GoneBy = "running", ""
	case a.Verb == VerbFreezeProcess:
		p.State, p.GoneBy, p.SessionTimeoutMs = "frozen", goneBy, goneAfter.Milliseconds()
	case a.Verb == VerbKillProcess:
		p.State, p.GoneBy, p.SessionTimeoutMs, p.Exit = "killed", goneBy, goneAfter.Milliseconds(), "signal: killed"
	case a.Verb == VerbStopProcess:
		p.State, p.Exit = "stopped", "exit status 0"
	default:
		return "", fmt.Errorf("%s is not a process's verb", a.Verb)
	}
	return a.Verb + " " + p.Name + ": " + p.State, nil
}

// page is a running page: its URL and what it logged.
type page struct {
	url string
	log *testkit.Buffer
}

// startPage serves the page of topic pitches on the embedded broker,
// with controls if set, on ln (a loopback port if nil), until the test
// ends.
func startPage(tb testing.TB, brokers string, controls Controls, ln net.Listener) page {
	tb.Helper()
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			tb.Fatal(err)
		}
	}
	log := &testkit.Buffer{}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := New(ctx, Options{Kafka: kafkaio.Config{Brokers: brokers, Timeout: 10 * time.Second, Log: zerolog.Nop()},
		Topic: "pitches", Log: zerolog.New(log), Controls: controls})
	if err != nil {
		cancel()
		tb.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln) }()
	tb.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			tb.Errorf("the page: %v", err)
		}
	})
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return page{url: "http://127.0.0.1:" + port + "/", log: log}
}

// mustPublish publishes a season's first n pitches to topic pitches.
func mustPublish(tb testing.TB, brokers string, n int) {
	tb.Helper()
	cfg := kafkaio.Config{Brokers: brokers, Timeout: 10 * time.Second, Log: zerolog.Nop()}
	pub, err := kafkaio.NewPublisher(context.Background(), cfg, kafkaio.TopicSpec{Name: "pitches", Partitions: 3, ReplicationFactor: -1})
	if err != nil {
		tb.Fatal(err)
	}
	pitches := testkit.SeasonPitches(tb, 5, n)
	err = pub.PublishStream(context.Background(), nil, func(_ context.Context, emit func(*game.Pitch) error, _ func() error) error {
		for i := range pitches {
			if err := emit(&pitches[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if err := pub.Close(10 * time.Second); err != nil {
		tb.Fatal(err)
	}
}

var tokenMeta = regexp.MustCompile(`<meta name="pitchkafka-token" content="([^"]+)">`)

// tokenOf reads the page, as the browser does, and returns its token, ""
// when it has none.
func tokenOf(tb testing.TB, url string) string {
	tb.Helper()
	body, status := get(tb, url)
	if status != http.StatusOK {
		tb.Fatalf("GET %s: %d", url, status)
	}
	if m := tokenMeta.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

func get(tb testing.TB, url string) (string, int) {
	tb.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	status, body := do(tb, req)
	return body, status
}

// post posts body to url with the given headers and returns the status
// and the reply.
func post(tb testing.TB, url, body string, headers map[string]string) (int, string) {
	tb.Helper()
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	status, reply := do(tb, req)
	return status, strings.TrimSpace(reply)
}

// do sends req and returns the status and the body.
func do(tb testing.TB, req *http.Request) (int, string) {
	tb.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, string(b)
}
