package web

import (
	"encoding/json"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/internal/testkit"
)

// POST /control takes an action only from the page itself: with its
// token, from its own origin, as JSON. Every other request is refused
// with its reason and never reaches the Controls; every action, taken or
// refused, is logged in one line.
func TestControlTakesActionsOnlyFromThePage(t *testing.T) {
	b := testkit.StartBroker(t)
	st := newStage()
	p := startPage(t, b.Bootstrap(), st, nil)
	token := tokenOf(t, p.url)
	if len(token) < 20 {
		t.Fatalf("the page's token is %q", token)
	}
	origin := strings.TrimSuffix(p.url, "/")
	kill := `{"verb":"kill","target":"announce-2"}`
	ok := map[string]string{"Content-Type": "application/json", TokenHeader: token, "Origin": origin, "Sec-Fetch-Site": "same-origin"}
	with := func(k, v string) map[string]string {
		h := maps.Clone(ok)
		if v == "" {
			delete(h, k)
		} else {
			h[k] = v
		}
		return h
	}
	for _, tc := range []struct {
		name    string
		body    string
		headers map[string]string
		status  int
		reply   string // in the reply
	}{
		{"no token", kill, with(TokenHeader, ""), http.StatusForbidden, "no valid X-Pitchkafka-Token"},
		{"a wrong token", kill, with(TokenHeader, token+"x"), http.StatusForbidden, "no valid X-Pitchkafka-Token"},
		{"another site's origin", kill, with("Origin", "http://evil.example"), http.StatusForbidden, "Origin http://evil.example is not the page's own"},
		{"the same host on another port", kill, with("Origin", "http://127.0.0.1:1"), http.StatusForbidden, "is not the page's own"},
		{"a cross-site fetch", kill, with("Sec-Fetch-Site", "cross-site"), http.StatusForbidden, "Sec-Fetch-Site is cross-site"},
		{"a same-site fetch", kill, with("Sec-Fetch-Site", "same-site"), http.StatusForbidden, "Sec-Fetch-Site is same-site"},
		{"a form", "verb=kill&target=announce-2", with("Content-Type", "application/x-www-form-urlencoded"), http.StatusUnsupportedMediaType, "Content-Type must be application/json"},
		{"text", kill, with("Content-Type", "text/plain"), http.StatusUnsupportedMediaType, "Content-Type must be application/json"},
		{"an unknown verb", `{"verb":"format-disk"}`, ok, http.StatusBadRequest, `no action is called \"format-disk\"`},
		{"no target", `{"verb":"kill"}`, ok, http.StatusBadRequest, "kill needs a target"},
		{"not an action", `{"verb":"kill","rm":"-rf"}`, ok, http.StatusBadRequest, "the body is not an action"},
		{"too big", `{"verb":"kill","target":"` + strings.Repeat("x", 5000) + `"}`, ok, http.StatusRequestEntityTooLarge, "at most"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, reply := post(t, p.url+"control", tc.body, tc.headers)
			if status != tc.status || !strings.Contains(reply, tc.reply) || !strings.Contains(reply, `"ok":false`) || strings.Contains(reply, "\n") {
				t.Errorf("%d %s; want %d, one line with %q", status, reply, tc.status, tc.reply)
			}
		})
	}
	if got := st.actions(); len(got) != 0 {
		t.Fatalf("refused requests reached the controls: %+v", got)
	}
	if body, status := get(t, p.url+"control"); status != http.StatusMethodNotAllowed {
		t.Errorf("GET /control: %d %s, want 405", status, body)
	}

	// From the page: taken, with the stage's word for what came of it.
	status, reply := post(t, p.url+"control", kill, ok)
	if status != http.StatusOK || reply != `{"ok":true,"result":"kill announce-2: killed"}` {
		t.Errorf("kill: %d %s", status, reply)
	}
	// A browser's same-origin fetch from localhost, and a client that sends
	// neither Origin nor Sec-Fetch-Site, with the token, are taken too.
	local := with("Origin", strings.Replace(origin, "127.0.0.1", "localhost", 1))
	if status, reply := post(t, strings.Replace(p.url, "127.0.0.1", "localhost", 1)+"control", `{"verb":"set-rate","rate":2.5}`, local); status != http.StatusOK {
		t.Errorf("set-rate from localhost: %d %s", status, reply)
	}
	if status, reply := post(t, p.url+"control", `{"verb":"pause-publish"}`, with("Origin", "")); status != http.StatusOK {
		t.Errorf("pause-publish without Origin: %d %s", status, reply)
	}
	// An action the stage cannot take comes back with its reason.
	status, reply = post(t, p.url+"control", `{"verb":"thaw","target":"announce-1"}`, ok)
	if status != http.StatusConflict || reply != `{"ok":false,"error":"announce-1 is not frozen"}` {
		t.Errorf("thaw of a running process: %d %s", status, reply)
	}
	want := []Action{{Verb: VerbKillProcess, Target: "announce-2"}, {Verb: VerbSetRate, Rate: 2.5}, {Verb: VerbPausePublish},
		{Verb: VerbThawProcess, Target: "announce-1"}}
	if got := st.actions(); !slices.Equal(got, want) {
		t.Errorf("the controls were given %+v, want %+v", got, want)
	}
	checkActionLog(t, p.log.String(), 16, token)
}

// checkActionLog checks that the page logged n actions, each in one JSON
// line naming its verb, target, result and remote address, and never the
// token.
func checkActionLog(tb testing.TB, log string, n int, token string) {
	tb.Helper()
	if strings.Contains(log, token) {
		tb.Error("the log shows the page's token")
	}
	var lines []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		var l map[string]any
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			tb.Fatalf("log line %q: %v", line, err)
		}
		if l["message"] == "page action" {
			lines = append(lines, l)
		}
	}
	if len(lines) != n {
		tb.Errorf("%d actions logged, want %d:\n%s", len(lines), n, log)
	}
	for _, l := range lines {
		remote, _ := l["remote"].(string)
		if _, _, err := net.SplitHostPort(remote); err != nil || l["result"] == "" || l["verb"] == nil || l["target"] == nil {
			tb.Errorf("log line %v: want verb, target, result and remote address", l)
		}
	}
	if !strings.Contains(log, `"verb":"kill","target":"announce-2","result":"refused: no valid X-Pitchkafka-Token: reload the page"`) {
		tb.Errorf("no log line of the kill refused for want of a token:\n%s", log)
	}
}

// The page with controls carries its token in the page alone: /state and
// /events, which show the stage, do not have it.
func TestTheTokenIsInThePageAlone(t *testing.T) {
	b := testkit.StartBroker(t)
	p := startPage(t, b.Bootstrap(), newStage(), nil)
	token := tokenOf(t, p.url)
	var st State
	testkit.WaitFor(t, 20*time.Second, "the stage in /state", func() bool {
		body, _ := get(t, p.url+"state")
		if strings.Contains(body, token) {
			t.Fatal("/state shows the token")
		}
		return json.Unmarshal([]byte(body), &st) == nil && st.Stage != nil
	})
	if len(st.Stage.Processes) != 3 || st.Stage.Actions == nil {
		t.Errorf("stage %+v: want the three processes, and a list of actions", st.Stage)
	}
	events := readEvents(t, p.url, 2)
	if strings.Contains(events, token) || !strings.Contains(events, `"stage":{`) {
		t.Errorf("/events shows the token, or no stage: %.300s", events)
	}
	for _, asset := range []string{"app.js", "style.css"} {
		if body, _ := get(t, p.url+asset); strings.Contains(body, token) {
			t.Errorf("%s shows the token", asset)
		}
	}
	if tok2 := tokenOf(t, p.url); tok2 != token {
		t.Errorf("the token changed within a run: %q, then %q", token, tok2)
	}
	if other := startPage(t, b.Bootstrap(), newStage(), nil); tokenOf(t, other.url) == token {
		t.Error("two runs have the same token")
	}
}

// readEvents reads the first n events of /events.
func readEvents(tb testing.TB, url string, n int) string {
	tb.Helper()
	resp, err := http.Get(url + "events")
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var out strings.Builder
	buf := make([]byte, 64<<10)
	for strings.Count(out.String(), "event: state") < n {
		k, err := resp.Body.Read(buf)
		out.Write(buf[:k])
		if err != nil {
			break
		}
	}
	return out.String()
}

// `pitchkafka web` has no controls: the page is read-only, POST /control
// is refused, and neither the page nor its state has a token or a stage.
func TestAPageWithoutControlsIsReadOnly(t *testing.T) {
	b := testkit.StartBroker(t)
	p := startPage(t, b.Bootstrap(), nil, nil)
	if token := tokenOf(t, p.url); token != "" {
		t.Errorf("a page without controls has a token %q", token)
	}
	status, reply := post(t, p.url+"control", `{"verb":"kill","target":"announce-1"}`, map[string]string{"Content-Type": "application/json"})
	if status != http.StatusMethodNotAllowed {
		t.Errorf("POST /control: %d %s, want 405", status, reply)
	}
	testkit.WaitFor(t, 20*time.Second, "a state", func() bool {
		body, _ := get(t, p.url+"state")
		if strings.Contains(body, `"stage"`) {
			t.Fatalf("/state of a page without controls has a stage: %.300s", body)
		}
		return strings.Contains(body, `"topic":"pitches"`)
	})
}

// A page with controls that listens beyond loopback offers none: it says
// so in one line, refuses every action, and neither it nor its state has a
// token or a stage.
func TestControlsAreOffBeyondLoopback(t *testing.T) {
	b := testkit.StartBroker(t)
	ln, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Skipf("cannot listen beyond loopback: %v", err)
	}
	st := newStage()
	p := startPage(t, b.Bootstrap(), st, ln)
	if token := tokenOf(t, p.url); token != "" {
		t.Errorf("the page has a token %q", token)
	}
	status, reply := post(t, p.url+"control", `{"verb":"kill","target":"announce-1"}`, map[string]string{"Content-Type": "application/json"})
	if status != http.StatusForbidden || !strings.Contains(reply, "listens beyond loopback") {
		t.Errorf("POST /control: %d %s, want 403 saying why", status, reply)
	}
	if len(st.actions()) != 0 {
		t.Errorf("the controls were given %+v", st.actions())
	}
	testkit.WaitFor(t, 20*time.Second, "a state", func() bool {
		body, _ := get(t, p.url+"state")
		if strings.Contains(body, `"stage"`) {
			t.Fatalf("/state has a stage: %.300s", body)
		}
		return strings.Contains(body, `"topic":"pitches"`)
	})
	if log := p.log.String(); strings.Count(log, `"message":"the page is read-only: it listens beyond loopback`) != 1 {
		t.Errorf("the page did not say once why it is read-only:\n%s", log)
	}
}
