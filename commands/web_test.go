package commands

import (
	"bufio"
	"context"
	"encoding/json"
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

	"github.com/pitchkafka/pitchkafka/embedded"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/pitchkafka/pitchkafka/kafkaio"
	"github.com/pitchkafka/pitchkafka/web"
	"github.com/rs/zerolog"
)

// pageStream follows the page's server-sent events and keeps the latest
// state, as a browser's EventSource does.
type pageStream struct {
	mu     sync.Mutex
	latest web.State
	events int
	done   chan struct{}
}

// followPage reads url's /events until ctx ends.
func followPage(tb testing.TB, ctx context.Context, url string) *pageStream {
	tb.Helper()
	req, err := http.NewRequestWithContext(ctx, "GET", url+"events", nil)
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "text/event-stream" {
		tb.Fatalf("GET /events: %s, Content-Type %q", resp.Status, ct)
	}
	s := &pageStream{done: make(chan struct{})}
	go func() {
		defer close(s.done)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 8<<20)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var st web.State
			if err := json.Unmarshal([]byte(data), &st); err != nil {
				tb.Errorf("an event is not a state: %v", err)
				return
			}
			s.mu.Lock()
			s.latest, s.events = st, s.events+1
			s.mu.Unlock()
		}
	}()
	tb.Cleanup(func() { <-s.done })
	return s
}

func (s *pageStream) state() web.State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.latest
}

var pageURLLine = regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)

// startWeb runs `pitchkafka web` on a free loopback port and returns the
// page's URL once it is printed.
func startWeb(tb testing.TB, ctx context.Context, args ...string) (string, *running) {
	tb.Helper()
	r := startInProcess(ctx, append([]string{"--log-level", "debug", "web", "--listen", "127.0.0.1:0"}, args...)...)
	var url string
	testkit.WaitFor(tb, 30*time.Second, "the page's URL on stdout", func() bool {
		select {
		case err := <-r.done:
			tb.Fatalf("web stopped: %v\nstderr:\n%s", err, r.stderr)
		default:
		}
		url = pageURLLine.FindString(r.stdout.String())
		return url != ""
	})
	return url, r
}

// stopAndWait ends a command and checks it ended without an error.
func stopAndWait(tb testing.TB, cancel context.CancelFunc, r *running, what string) {
	tb.Helper()
	cancel()
	select {
	case err := <-r.done:
		if err != nil {
			tb.Errorf("%s: %v\nstderr:\n%s", what, err, r.stderr)
		}
	case <-time.After(30 * time.Second):
		tb.Fatalf("%s did not stop within 30 s", what)
	}
}

// finalScores folds the simulator's pitches, as publish --dry-run writes
// them for a seed, into each game's final state.
func finalScores(tb testing.TB, dryRun string) map[int64]game.GameState {
	tb.Helper()
	states := map[int64]*game.GameState{}
	for _, line := range strings.Split(strings.TrimSpace(dryRun), "\n") {
		var p game.Pitch
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			tb.Fatalf("dry run line %q: %v", line, err)
		}
		if states[p.GamePK] == nil {
			states[p.GamePK] = &game.GameState{}
		}
		states[p.GamePK].Apply(&p)
	}
	out := map[int64]game.GameState{}
	for pk, s := range states {
		out[pk] = *s
	}
	return out
}

// The page's stream shows the games as they are published, on one
// partition each, and ends each with the simulator's score for the seed.
func TestWebStreamsTheGamesAsPublished(t *testing.T) {
	b := testkit.StartBroker(t)
	const seed, games = "11", 3
	want := finalScores(t, mustRun(t, "publish", "--dry-run", "--rate", "0", "--seed", seed, "--games", strconv.Itoa(games), "--concurrent", "3").stdout.String())
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	url, page := startWeb(t, ctx, "--brokers", b.Bootstrap())
	stream := followPage(t, ctx, url)
	pub := startInProcess(ctx, "publish", "--brokers", b.Bootstrap(), "--seed", seed, "--games", strconv.Itoa(games),
		"--concurrent", "3", "--rate", "300")
	testkit.WaitFor(t, 60*time.Second, "a game in progress on the page", func() bool {
		return slices.ContainsFunc(stream.state().Games, func(g web.Game) bool { return !g.Final && g.Last != nil })
	})
	testkit.WaitFor(t, 120*time.Second, "every game final on the page", func() bool {
		n := 0
		for _, g := range stream.state().Games {
			if g.Final {
				n++
			}
		}
		return n == games
	})
	if err := <-pub.done; err != nil {
		t.Fatalf("publish: %v", err)
	}
	st := stream.state()
	for _, g := range st.Games {
		w, ok := want[g.GamePK]
		if !ok || g.AwayScore != w.AwayScore || g.HomeScore != w.HomeScore || g.Line == nil || g.Line.AwayRHE[0] != w.AwayScore {
			t.Errorf("game %d (%s) final %d-%d, line %+v; the simulator's: %+v", g.GamePK, g.Tag, g.AwayScore, g.HomeScore, g.Line, w)
		}
	}
	checkLog(t, st)
	stopAndWait(t, cancel, page, "web")
}

// checkLog checks that the partitions hold every pitch read, and that each
// game keeps to one partition.
func checkLog(t *testing.T, st web.State) {
	t.Helper()
	var high, records int64
	partitionOf := map[int64]int32{}
	for _, p := range st.Partitions {
		high += p.High
		for _, s := range p.Segments {
			records += s.Records
			if q, seen := partitionOf[s.GamePK]; seen && q != p.ID {
				t.Errorf("game %d on partitions %d and %d", s.GamePK, q, p.ID)
			}
			partitionOf[s.GamePK] = p.ID
		}
	}
	if high != st.Records || records != st.Records || len(st.Partitions) != 6 {
		t.Errorf("%d partitions, high watermarks add up to %d, segments to %d; %d records read", len(st.Partitions), high, records, st.Records)
	}
}

// A second announcer joining its group shows on the page, within a few
// seconds, as a member joining and partitions moving to it, with the
// group's protocol, under both protocols; the page shows committed offsets
// and lag.
func TestWebShowsAReassignmentWhenAnAnnouncerJoins(t *testing.T) {
	for _, protocol := range groupProtocols {
		t.Run(protocol, func(t *testing.T) { testWebShowsAReassignment(t, protocol) })
	}
}

func testWebShowsAReassignment(t *testing.T, protocol string) {
	c := groupCluster(t)
	w, talk := where{c.Bootstrap, c.Name("pitches")}, c.Group(t, "talk")
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	pub := startInProcess(ctx, append([]string{"publish", "--seed", "5", "--rate", "100", "--concurrent", "4"}, w.at()...)...)
	url, page := startWeb(t, ctx, w.at()...)
	stream := followPage(t, ctx, url)
	var members []*member
	t.Cleanup(func() {
		if t.Failed() {
			st := stream.state()
			t.Logf("the page's last state (%d events): groups %+v, changes %+v, problem %q; web's stderr:\n%s",
				stream.events, st.Groups, st.Changes, st.Problem, tail(page.stderr.String(), 3000))
			for _, m := range members {
				t.Logf("an announcer's stderr:\n%s", tail(m.stderr.String(), 3000))
			}
		}
	})
	announce := func(name string) { members = append(members, startAnnouncer(t, w, talk, name, protocol)) }
	// An announcer needs the topic, which the publisher creates.
	if err := waitForTopic(ctx, kafkaio.Config{Brokers: w.brokers, Timeout: 30 * time.Second, Log: zerolog.Nop()}, w.topic); err != nil {
		t.Fatal(err)
	}
	announce("first")
	testkit.WaitFor(t, 90*time.Second, "the first announcer owning every partition, with offsets committed", func() bool {
		g, ok := groupOn(stream.state(), talk)
		return ok && len(g.Members) == 1 && len(g.Members[0].Partitions) == 6 && g.Partitions[0].Committed >= 0
	})
	joined := time.Now()
	announce("second")
	var change web.Change
	testkit.WaitFor(t, 45*time.Second, "the page showing partitions moving to the second announcer", func() bool {
		for _, c := range stream.state().Changes {
			if c.Group == talk && len(c.Moves) > 0 && strings.HasPrefix(c.Moves[0].To, "second·") {
				change = c
				return true
			}
		}
		return false
	})
	t.Logf("the page showed the reassignment %v after the second announcer started: %+v", time.Since(joined).Round(100*time.Millisecond), change)
	if change.Protocol != protocol || !strings.HasPrefix(change.Moves[0].From, "first·") {
		t.Errorf("change %+v: want partitions moving from first to second, protocol %s", change, protocol)
	}
	g, _ := groupOn(stream.state(), talk)
	for _, p := range g.Partitions {
		if p.Committed >= 0 && p.Lag < 0 {
			t.Errorf("partition %d: committed %d without a lag", p.ID, p.Committed)
		}
	}
	stopAndWait(t, cancel, page, "web")
	<-pub.done
}

// startAnnouncer runs `pitchkafka announce` as a process of its own in
// group, its clients named name, as startMemberWith runs the group tests'
// members; it is killed, and waited for, when the test ends.
func startAnnouncer(tb testing.TB, w where, group, name, protocol string) *member {
	tb.Helper()
	return startGroupProcess(tb, name, protocol, "--log-format", "json", "announce", "--brokers", w.brokers, "--topic", w.topic, "--group", group,
		"--from-beginning", "--output", "json", "--stats-interval", "1h", "--group-protocol", protocol,
		"--name", name, "-X", "auto.commit.interval.ms=500")
}

// groupOn returns the group with the given id on the page.
func groupOn(st web.State, id string) (web.Group, bool) {
	for _, g := range st.Groups {
		if g.ID == id {
			return g, true
		}
	}
	return web.Group{}, false
}

// No secret of the client's configuration, SASL password or Schema
// Registry credentials, reaches the page, its assets or its stream; and on
// loopback a request for another host name is refused.
func TestWebShowsNoSecret(t *testing.T) {
	testkit.SkipOnKafka(t, "it runs the embedded broker itself")
	const kafkaSecret, registrySecret = "kafka-pw-7Qz", "registry-pw-9Xw"
	b, err := embedded.StartBroker(embedded.BrokerOptions{Listen: "127.0.0.1:0", Nodes: 1, Log: zerolog.Nop(),
		Users: []embedded.BrokerUser{{Name: "alice", Password: kafkaSecret, Role: embedded.RoleAdmin}}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	reg, err := embedded.StartRegistry(embedded.RegistryServerOptions{Listen: "127.0.0.1:0", Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	creds := []string{"--brokers", b.Bootstrap(), "-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanisms=PLAIN",
		"-X", "sasl.username=alice", "-X", "sasl.password=" + kafkaSecret, "--schema-registry", reg.URL(),
		"-X", "schema.registry.basic.auth.credentials.source=USER_INFO", "-X", "schema.registry.basic.auth.user.info=alice:" + registrySecret}
	mustRun(t, append([]string{"publish", "--seed", "3", "--count", "200", "--rate", "0"}, creds...)...)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	url, page := startWeb(t, ctx, creds...)
	stream := followPage(t, ctx, url)
	testkit.WaitFor(t, 30*time.Second, "the page to read the pitches", func() bool { return stream.state().Records == 200 })
	for _, path := range []string{"", "app.js", "style.css", "state"} {
		body := mustGet(t, url+path, "", 200)
		for _, secret := range []string{kafkaSecret, registrySecret} {
			if strings.Contains(body, secret) {
				t.Errorf("GET /%s shows a secret", path)
			}
		}
	}
	st, _ := json.Marshal(stream.state())
	if strings.Contains(string(st), kafkaSecret) || strings.Contains(string(st), registrySecret) {
		t.Error("the stream shows a secret")
	}
	mustGet(t, url+"state", "rebound.example", http.StatusForbidden)
	stopAndWait(t, cancel, page, "web")
	if out := page.stdout.String() + page.stderr.String(); strings.Contains(out, kafkaSecret) || strings.Contains(out, registrySecret) {
		t.Error("web wrote a secret to stdout or stderr")
	}
}

// mustGet fetches url, with another Host header if host is set, and
// checks the status.
func mustGet(tb testing.TB, url, host string, status int) string {
	tb.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	if resp.StatusCode != status {
		tb.Fatalf("GET %s (Host %q): %s, want %d", url, host, resp.Status, status)
	}
	return string(body)
}

func TestWebRejectsBadFlags(t *testing.T) {
	if err := mustFail(t, "web", "--listen", "8080"); !strings.Contains(err.Error(), "--listen") {
		t.Errorf("error %q does not name --listen", err)
	}
	if err := mustFail(t, "demo", "--web", "nowhere"); !strings.Contains(err.Error(), "--web") {
		t.Errorf("error %q does not name --web", err)
	}
}

// demo prints the page's URL first, on a free loopback port when --web's
// is taken, and the page shows its games, both announcers in their group
// and the scores processor.
func TestDemoServesThePage(t *testing.T) {
	testkit.SkipOnKafka(t, "it runs the embedded broker itself")
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	demo := startInProcess(ctx, "demo", "--rate", "100", "--seed", "3", "--web", taken.Addr().String())
	var url string
	testkit.WaitFor(t, 30*time.Second, "the page's URL", func() bool {
		url = pageURLLine.FindString(demo.stdout.String())
		return url != ""
	})
	if first, _, _ := strings.Cut(demo.stdout.String(), "\n"); !strings.HasPrefix(first, "web | the live page: http://") {
		t.Errorf("demo's first line is %q, want the page's URL", first)
	}
	if strings.Contains(url, taken.Addr().String()) {
		t.Fatalf("the page is on %s, which was taken", url)
	}
	stream := followPage(t, ctx, url)
	testkit.WaitFor(t, 60*time.Second, "games, two announcers and the scores processor on the page", func() bool {
		st := stream.state()
		announcers, ok := groupOn(st, "demo-announcers")
		_, scores := groupOn(st, "demo-scores")
		return len(st.Games) > 0 && ok && scores && len(announcers.Members) == 2 &&
			strings.HasPrefix(announcers.Members[0].Name, "announce-")
	})
	stopAndWait(t, cancel, demo, "demo")
}

// demo --brokers runs the tour on the cluster it is given, with no
// embedded broker: pitches published there, announced, tabled and scored.
func TestDemoRunsOnTheClusterItIsGiven(t *testing.T) {
	c := testkit.StartCluster(t, testkit.ClusterOptions{})
	topic := c.Name("pitches")
	r := mustRun(t, "demo", "--brokers", c.Bootstrap, "--topic", topic, "--duration", "8s", "--rate", "200",
		"--interval", "1s", "--web", "", "--seed", "4")
	out := r.stdout.String()
	for _, want := range []string{"announce-1 | [", "announce-2 | [", "last-pitch | PITCHER"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo printed no %q:\n%.2000s", want, out)
		}
	}
	if strings.Contains(r.stderr.String(), "development broker (kfake)") {
		t.Errorf("demo --brokers started an embedded broker:\n%s", tail(r.stderr.String(), 2000))
	}
	if n := len(mustReadAll(t, c.Bootstrap, topic)); n < 200 {
		t.Errorf("the cluster's topic %s holds %d pitches after 8 s at 200 a second", topic, n)
	}
	if err := mustFail(t, "demo", "-X", "linger.ms=0", "--duration", "1s"); !strings.Contains(err.Error(), "--brokers") {
		t.Errorf("-X without --brokers: %v, want a usage error naming --brokers", err)
	}
}

// A second terminal joins the demo: demo prints the embedded broker's
// address (--listen) and the command that joins its announcers.
func TestASecondTerminalJoinsTheDemo(t *testing.T) {
	testkit.SkipOnKafka(t, "it runs the embedded broker itself")
	addr := testkit.FreeAddr(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	demo := startInProcess(ctx, "demo", "--listen", addr, "--rate", "200", "--web", "", "--seed", "8")
	testkit.WaitFor(t, 30*time.Second, "demo to say where its broker is", func() bool {
		return strings.Contains(demo.stdout.String(), "broker | "+addr+": from another terminal, pitchkafka announce --brokers "+addr+" --group demo-announcers")
	})
	testkit.WaitFor(t, 30*time.Second, "pitches on the demo's topic", func() bool { return strings.Contains(demo.stdout.String(), "announce-1 | [") })
	joined := mustRun(t, "announce", "--brokers", addr, "--group", "second-terminal", "--from-beginning", "--once", "--output", "json")
	if n := len(parseAnnounced(t, joined.stdout.String())); n == 0 {
		t.Error("a second terminal's announcer read nothing from the demo's broker")
	}
	stopAndWait(t, cancel, demo, "demo")
	if err := mustFail(t, "demo", "--listen", addr, "--brokers", addr); !strings.Contains(err.Error(), "--listen") {
		t.Errorf("--listen with --brokers: %v", err)
	}
}
