// Package web serves pitchkafka's live page: the games, the topic's
// partitions as logs with their replicas, the consumer groups reading it
// with their rebalances, lag and records handled, and the last-pitch
// table, pushed to the browser as server-sent events. The page is static
// HTML, CSS and JavaScript embedded in the binary; nothing of the client's
// configuration reaches it. It is read-only, unless it is given Controls
// (the demo's) and listens on loopback: then it also takes actions, posted
// to /control with a token only the page has (see actions.go).
package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pitchkafka/pitchkafka/kafkaio"
	"github.com/rs/zerolog"
)

//go:embed static
var static embed.FS

// Options say what the page shows.
type Options struct {
	Kafka kafkaio.Config
	Topic string
	Log   zerolog.Logger
	// Controls, if set, are what the page may do: it shows them, and takes
	// actions, when it listens on loopback. nil for a read-only page.
	Controls Controls
}

// Server is the live page of one topic.
type Server struct {
	opts  Options
	watch *kafkaio.TopicWatch

	// token is the page's secret for posting actions, "" without
	// Controls.
	token string
	// controlsOn says the page offers its Controls: it has them, and
	// listens on loopback. Run sets it before serving.
	controlsOn bool

	mu      sync.Mutex
	live    *live
	groups  []Group
	tracker *groupTracker
	cluster *clusterTracker
	high    map[int32]int64
	// stage is the Controls' stage as last asked, and stageJSON it encoded,
	// to tell when it changed.
	stage     *Stage
	stageJSON []byte
	// problems say why the page is stale, by what went wrong: reading
	// the topic, or asking the cluster about it.
	problems map[string]string
	version  uint64 // counts group snapshots and problems

	hub hub
}

// publishInterval is how often a changed state is pushed to the pages.
const publishInterval = 500 * time.Millisecond

// New connects to the cluster; it fails within the Kafka timeout when no
// broker answers, and at once when ctx ends first.
func New(ctx context.Context, opts Options) (*Server, error) {
	w, err := kafkaio.NewTopicWatch(ctx, opts.Kafka, opts.Topic)
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, watch: w, live: newLive(), tracker: newGroupTracker(), cluster: newClusterTracker(),
		high: map[int32]int64{}, problems: map[string]string{}}
	if opts.Controls != nil {
		s.token = rand.Text()
	}
	s.hub.init()
	return s, nil
}

// Run serves the page on ln until ctx ends, reading the topic from its
// beginning and watching its groups, then closes the listener and the
// Kafka clients. A page with Controls offers them only on loopback, and
// says so when it does not.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	defer s.watch.Close()
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	onLoopback := loopback(ln.Addr())
	s.controlsOn = s.opts.Controls != nil && onLoopback
	if s.opts.Controls != nil && !onLoopback {
		s.opts.Log.Warn().Str("listen", ln.Addr().String()).
			Msg("the page is read-only: it listens beyond loopback, where anyone who reaches it could act on the demo; serve it on 127.0.0.1 for its controls")
	}
	srv := &http.Server{Handler: s.Handler(onLoopback), ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	for _, run := range []func(context.Context){s.follow, s.watchGroups, s.publish} {
		wg.Add(1)
		go func() { defer wg.Done(); run(ctx) }()
	}
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			errs <- fmt.Errorf("serve the page: %w", err)
		}
		close(errs)
	}()
	var err error
	select {
	case <-ctx.Done():
	case err = <-errs:
	}
	stop()
	shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	srv.Shutdown(shutdown) // streams end with ctx, so this is quick
	wg.Wait()
	return err
}

// loopback reports whether the address is a loopback one.
func loopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// Handler serves the page, its assets (its icon at /favicon.ico too),
// /state (the State as JSON) and /events (the State as server-sent
// events). With onLoopback, requests whose Host is not a loopback name are
// refused, so that a web site cannot reach the page through a DNS name
// rebound to 127.0.0.1. With Controls it also takes POST /control, which
// refuses every action unless onLoopback (see actions.go); the page then
// carries the token in a meta tag.
func (s *Server) Handler(onLoopback bool) http.Handler {
	sub, _ := fs.Sub(static, "static")
	mux := http.NewServeMux()
	mux.Handle("GET /", http.FileServerFS(sub))
	index := pageHTML(s.opts.Controls != nil && onLoopback, s.token)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(index)
	})
	// The page links favicon.svg; a browser, a bookmark or a tool that
	// asks for /favicon.ico gets it too, rather than a 404.
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		http.ServeFileFS(w, r, sub, "favicon.svg")
	})
	mux.HandleFunc("GET /state", s.serveState)
	mux.HandleFunc("GET /events", s.serveEvents)
	if s.opts.Controls != nil {
		mux.HandleFunc("POST /control", s.serveControl(onLoopback))
		mux.HandleFunc("GET /control", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "POST an action here, as the page does", http.StatusMethodNotAllowed)
		})
	}
	return guard(mux, onLoopback, s.opts.Controls != nil)
}

// pageHTML is index.html, with the token for the page's script to post
// actions with when it offers controls. The token goes in the page
// itself, not in a response of its own: another site's script cannot read
// the page (the same-origin policy), and the Host check keeps a rebound
// name from loading it.
func pageHTML(controls bool, token string) []byte {
	b, _ := static.ReadFile("static/index.html")
	if !controls {
		return b
	}
	meta := `<meta name="pitchkafka-token" content="` + html.EscapeString(token) + `">` + "\n"
	return bytes.Replace(b, []byte("</head>"), []byte(meta+"</head>"), 1)
}

// guard makes the page read-only, POST /control aside when it has
// controls, keeps it from loading anything from elsewhere and, on
// loopback, checks the Host header.
func guard(next http.Handler, onLoopback, controls bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		post := controls && r.Method == http.MethodPost && r.URL.Path == "/control"
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !post {
			http.Error(w, "the page is read-only", http.StatusMethodNotAllowed)
			return
		}
		if onLoopback && !LoopbackHost(r.Host) {
			http.Error(w, "Host "+r.Host+" is not a loopback name: open the page at 127.0.0.1 or localhost", http.StatusForbidden)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// LoopbackHost reports whether a Host header names this machine by a
// loopback name: localhost, a name under .localhost, or a loopback IP, with
// or without a port.
func LoopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Server) serveState(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	b, _ := s.hub.latest()
	w.Write(b)
}

// serveEvents streams the state: at once, then whenever it changes, with
// a comment every 15 s so proxies keep the stream open.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	keepalive := time.NewTicker(15 * time.Second)
	defer keepalive.Stop()
	for {
		b, changed := s.hub.latest()
		if _, err := fmt.Fprintf(w, "event: state\ndata: %s\n\n", b); err != nil {
			return
		}
		flusher.Flush()
		for waiting := true; waiting; {
			select {
			case <-r.Context().Done():
				return
			case <-changed:
				waiting = false
			case <-keepalive.C:
				fmt.Fprint(w, ": keepalive\n\n")
				flusher.Flush()
			}
		}
	}
}

// follow folds the topic into the live view, from its beginning. When the
// reader fails it starts again, from a fresh view, a little later.
func (s *Server) follow(ctx context.Context) {
	for ctx.Err() == nil {
		err := s.readTopic(ctx)
		if ctx.Err() != nil {
			return
		}
		s.opts.Log.Warn().Err(err).Msg("reading the topic failed; reading it again from the beginning")
		s.setProblem(reading, "reading "+s.opts.Topic+": "+err.Error())
		sleep(ctx, 2*time.Second)
		s.mu.Lock()
		s.live = newLive()
		s.mu.Unlock()
	}
}

// readTopic waits until the topic exists and reads it until ctx ends.
func (s *Server) readTopic(ctx context.Context) error {
	for {
		ok, err := s.watch.TopicExists()
		if err != nil {
			return err
		}
		if ok {
			break
		}
		s.setProblem(reading, "waiting for topic "+s.opts.Topic+": start `pitchkafka publish`")
		if !sleep(ctx, time.Second) {
			return ctx.Err()
		}
	}
	r, err := kafkaio.NewReader(s.opts.Kafka, s.opts.Topic)
	if err != nil {
		return err
	}
	defer r.Close()
	s.mu.Lock()
	l := s.live
	s.mu.Unlock()
	s.setProblem(reading, "")
	return r.Run(ctx, kafkaio.ReadOptions{FromBeginning: true}, l.apply)
}

// watchGroups asks for the partitions' high watermarks and the groups once
// a second.
func (s *Server) watchGroups(ctx context.Context) {
	for {
		st, err := s.watch.Snapshot(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			s.opts.Log.Debug().Err(err).Msg("watching the groups")
			s.setProblem(asking, "asking the cluster: "+err.Error())
		default:
			s.setProblem(asking, "")
		}
		if st.High != nil {
			s.mu.Lock()
			if err == nil {
				s.groups = s.tracker.update(st)
			}
			s.cluster.update(st)
			s.high = st.High
			s.version++
			s.mu.Unlock()
		}
		if !sleep(ctx, kafkaio.MinWatchInterval) {
			return
		}
	}
}

// What a problem is with.
const (
	reading = "reading"
	asking  = "asking"
)

// setProblem says what is wrong with one thing, "" when nothing is.
func (s *Server) setProblem(with, p string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.problems[with] != p {
		s.problems[with] = p
		s.version++
	}
}

// problem joins the problems there are.
func (s *Server) problem() string {
	var ps []string
	for _, with := range []string{reading, asking} {
		if p := s.problems[with]; p != "" {
			ps = append(ps, p)
		}
	}
	return strings.Join(ps, "; ")
}

// publish builds the state every publishInterval and hands it to the
// streams when it changed.
func (s *Server) publish(ctx context.Context) {
	var last uint64
	last--
	for {
		s.askStage()
		if v := s.currentVersion(); v != last {
			last = v
			b, err := json.Marshal(s.state())
			if err != nil {
				s.opts.Log.Error().Err(err).Msg("encode the page's state")
			} else {
				s.hub.set(b)
			}
		}
		if !sleep(ctx, publishInterval) {
			return
		}
	}
}

// askStage asks the Controls for their stage, when the page offers them,
// and counts a change of it as a change of the state.
func (s *Server) askStage() {
	if !s.controlsOn {
		return
	}
	st := s.opts.Controls.Stage()
	// Lists the page can take the length of, never null.
	st.Processes, st.Nodes, st.Actions = orEmpty(st.Processes), orEmpty(st.Nodes), orEmpty(st.Actions)
	b, err := json.Marshal(st)
	if err != nil {
		s.opts.Log.Error().Err(err).Msg("encode the stage")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !bytes.Equal(b, s.stageJSON) {
		s.stage, s.stageJSON = &st, b
		s.version++
	}
}

// orEmpty returns an empty list for nil, which JSON encodes as [], not
// null.
func orEmpty[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}

// currentVersion sums the versions of everything the state is built from.
func (s *Server) currentVersion() uint64 {
	s.mu.Lock()
	l, v := s.live, s.version
	s.mu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	return v + l.version
}

// state builds the State from the live view and the last group snapshot.
func (s *Server) state() State {
	s.mu.Lock()
	l := s.live
	st := State{Topic: s.opts.Topic, Groups: s.groups, Changes: s.tracker.list(), Problem: s.problem(),
		Brokers: s.cluster.brokers, Stage: s.stage}
	high := s.high
	s.mu.Unlock()
	var runs map[int32]partitionLog
	var games gamesView
	games, runs, st.Pitchers, st.Records = l.view()
	st.Games, st.StaleGames, st.FinishedGames = games.games, games.stale, games.finished
	st.Partitions = partitions(high, runs)
	now := time.Now()
	s.mu.Lock()
	for i := range st.Partitions {
		s.cluster.describe(&st.Partitions[i], now)
	}
	s.mu.Unlock()
	st.At = now.UTC().Format(time.RFC3339)
	st.Brokers, st.Games, st.Groups, st.Changes = orEmpty(st.Brokers), orEmpty(st.Games), orEmpty(st.Groups), orEmpty(st.Changes)
	return st
}

// partitions draws each partition up to the larger of its high watermark,
// as last asked, and the records read since.
func partitions(high map[int32]int64, runs map[int32]partitionLog) []Partition {
	ids := make([]int32, 0, len(high))
	for id := range high {
		ids = append(ids, id)
	}
	for id := range runs {
		if _, ok := high[id]; !ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	out := make([]Partition, 0, len(ids))
	for _, id := range ids {
		p := Partition{ID: id, High: high[id], Segments: runs[id].segments, Recent: runs[id].recent}
		if n := len(p.Recent); n > 0 {
			p.High = max(p.High, p.Recent[n-1].Offset+1)
		}
		if p.Segments == nil {
			p.Segments, p.Recent = []Segment{}, []Mark{}
		}
		out = append(out, p)
	}
	return out
}

// sleep waits d, and reports false if ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

// hub holds the latest state and wakes the streams when it changes.
type hub struct {
	mu      sync.Mutex
	state   []byte
	changed chan struct{}
}

func (h *hub) init() {
	h.state = []byte("{}")
	h.changed = make(chan struct{})
}

// latest returns the state and a channel closed when it changes.
func (h *hub) latest() ([]byte, <-chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.state, h.changed
}

func (h *hub) set(b []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.state = b
	close(h.changed)
	h.changed = make(chan struct{})
}
