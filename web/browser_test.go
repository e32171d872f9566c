package web

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/pitchkafka/pitchkafka/kafkaio"
	"github.com/rs/zerolog"
)

// newBrowser starts a headless Chromium, or skips the test without one.
func newBrowser(tb testing.TB) context.Context {
	tb.Helper()
	var path string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		tb.Skip("no chromium, chromium-browser or google-chrome on PATH: install one to run the browser tests")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 720), chromedp.Flag("force-device-scale-factor", "1"))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	tb.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("start the browser: %v", err)
	}
	return ctx
}

// eval evaluates js in the page.
func eval[T any](tb testing.TB, browser context.Context, js string) T {
	tb.Helper()
	v, err := chromedp.Run(browser, chromedp.Evaluate[T](js))
	if err != nil {
		tb.Fatalf("evaluate %.80q: %v", js, err)
	}
	return v
}

// waitJS waits until js is true in the page.
func waitJS(tb testing.TB, browser context.Context, timeout time.Duration, what, js string) {
	tb.Helper()
	testkit.WaitFor(tb, timeout, what, func() bool { return eval[bool](tb, browser, js) })
}

// click clicks the element sel selects.
func click(tb testing.TB, browser context.Context, sel string) {
	tb.Helper()
	if err := chromedp.Do(browser, chromedp.Click(chromedp.CSS(sel))); err != nil {
		tb.Fatalf("click %s: %v", sel, err)
	}
}

// mustReadAsGroup reads the topic to its end as a member of group, which
// commits and leaves.
func mustReadAsGroup(tb testing.TB, brokers, group string) {
	tb.Helper()
	cfg := kafkaio.Config{Brokers: brokers, Timeout: 10 * time.Second, Log: zerolog.Nop()}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	g, err := kafkaio.NewGroupReader(ctx, cfg, kafkaio.GroupOptions{Topic: "pitches", Group: group, FromBeginning: true, Once: true})
	if err != nil {
		tb.Fatal(err)
	}
	if err := g.Run(ctx, func(kafkaio.Record) error { return nil }); err != nil {
		tb.Fatal(err)
	}
	if err := g.Close(); err != nil {
		tb.Fatal(err)
	}
}

// The demo's page shows the stage: each button posts its action, the
// publisher's rate is set from its field, a button waits disabled while
// its action is in flight, a killed process counts down to when its group
// gives up on it, and a refusal, the stage's or the server's, shows in
// red beside the buttons. The log shows each partition's leader and ISR,
// and a group how much of the log it has handled.
func TestBrowserDrivesTheStage(t *testing.T) {
	browser := newBrowser(t)
	b := testkit.StartBroker(t)
	mustPublish(t, b.Bootstrap(), 300)
	mustReadAsGroup(t, b.Bootstrap(), "radio")
	st := newStage()
	p := startPage(t, b.Bootstrap(), st, nil)
	if err := chromedp.Do(browser, chromedp.EmulateViewport(1280, 720), chromedp.Navigate(p.url)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, browser, 30*time.Second, "the stage, with its three processes",
		`!document.getElementById('stage-section').hidden && document.querySelectorAll('#processes tbody tr[data-process]').length === 3`)

	// do clicks sel and waits for the stage to be given the action.
	do := func(sel string, want Action) {
		t.Helper()
		n := len(st.actions())
		click(t, browser, sel)
		testkit.WaitFor(t, 20*time.Second, "the stage to be given "+want.Verb, func() bool { return len(st.actions()) > n })
		if got := st.actions()[n]; got != want {
			t.Errorf("clicking %s posted %+v, want %+v", sel, got, want)
		}
	}
	// drawn waits for the page to show what js says.
	drawn := func(what, js string) { t.Helper(); waitJS(t, browser, 20*time.Second, what, js) }
	btn := func(verb, target string) string {
		if target == "" {
			return fmt.Sprintf(`#stage-section button[data-verb=%q]`, verb)
		}
		return fmt.Sprintf(`#stage-section button[data-verb=%q][data-target=%q]`, verb, target)
	}
	row := func(name string) string { return fmt.Sprintf(`document.querySelector('tr[data-process=%q]')`, name) }

	do(btn("pause-publish", ""), Action{Verb: VerbPausePublish})
	drawn("the publisher paused", `document.getElementById('pub-toggle').textContent === 'Resume publisher'`)
	do(btn("resume-publish", ""), Action{Verb: VerbResumePublish})
	drawn("the publisher publishing", `document.getElementById('pub-state').textContent === 'publishing'`)
	if err := chromedp.Do(browser, chromedp.SetValue(chromedp.CSS("#rate-input"), "2.5")); err != nil {
		t.Fatal(err)
	}
	do(btn("set-rate", ""), Action{Verb: VerbSetRate, Rate: 2.5})
	drawn("the new rate", `document.getElementById('pub-rate').textContent === '2.5'`)
	do(btn("add-announcer", ""), Action{Verb: VerbAddAnnouncer})
	drawn("the new announcer", row("announce-4")+` !== null`)

	// A button is disabled while its action is in flight.
	release := st.hold(VerbStartScores)
	click(t, browser, btn("start-scores", ""))
	drawn("start-scores disabled while in flight", `document.querySelector('`+btn("start-scores", "")+`').disabled`)
	release()
	drawn("start-scores enabled again", `!document.querySelector('`+btn("start-scores", "")+`').disabled && `+row("scores-5")+` !== null`)
	if got := st.actions(); got[len(got)-1] != (Action{Verb: VerbStartScores}) {
		t.Errorf("the stage was given %+v, want start-scores last", got)
	}

	do(btn("freeze", "announce-1"), Action{Verb: VerbFreezeProcess, Target: "announce-1"})
	drawn("announce-1 frozen, with a thaw button", row("announce-1")+`.dataset.state === 'frozen' && document.querySelector('`+btn("thaw", "announce-1")+`') !== null`)
	do(btn("thaw", "announce-1"), Action{Verb: VerbThawProcess, Target: "announce-1"})
	drawn("announce-1 running", row("announce-1")+`.dataset.state === 'running'`)
	do(btn("stop", "announce-1"), Action{Verb: VerbStopProcess, Target: "announce-1"})
	drawn("announce-1 stopped, with no buttons", row("announce-1")+`.dataset.state === 'stopped' && `+row("announce-1")+`.querySelectorAll('button').length === 0`)

	// A killed process counts down to when its group gives up on it.
	do(btn("kill", "announce-2"), Action{Verb: VerbKillProcess, Target: "announce-2"})
	countdown := row("announce-2") + `.querySelector('.countdown').textContent`
	drawn("announce-2 killed, counting down", row("announce-2")+`.dataset.state === 'killed' && `+row("announce-2")+`.querySelector('.countdown') !== null`)
	first := secondsLeft(t, eval[string](t, browser, countdown))
	time.Sleep(2200 * time.Millisecond)
	then := secondsLeft(t, eval[string](t, browser, countdown))
	if first > int(goneAfter/time.Second) || then >= first {
		t.Errorf("the countdown went from %d s to %d s in 2 s; want it below %d s and falling", first, then, int(goneAfter/time.Second))
	}

	// Nodes stop and start; the stage refuses to stop the last one up, and
	// the page says so in red.
	do(btn("stop-node", "0"), Action{Verb: VerbStopNode, Target: "0"})
	drawn("node 0 down, with a start button", `document.querySelector('[data-node="0"]').classList.contains('down') && document.querySelector('`+btn("start-node", "0")+`') !== null`)
	do(btn("stop-node", "1"), Action{Verb: VerbStopNode, Target: "1"})
	drawn("the refusal, in red", `document.getElementById('stage-msg').classList.contains('refused') && document.getElementById('stage-msg').textContent.includes('refused: node 1 is the last node up')`)
	drawn("the refusal first in the latest actions, in red", `(() => { const li = document.querySelector('#actions li'); return li && li.classList.contains('refused') && li.textContent.includes('stop-node 1'); })()`)
	red := eval[string](t, browser, `getComputedStyle(document.getElementById('stage-msg')).color`)
	if red != "rgb(179, 38, 30)" {
		t.Errorf("a refusal is written in %s, want red", red)
	}
	do(btn("start-node", "0"), Action{Verb: VerbStartNode, Target: "0"})
	drawn("node 0 up", `!document.querySelector('[data-node="0"]').classList.contains('down')`)

	// The server refuses an action without the page's token: the page says
	// why, and the stage is not given it.
	n := len(st.actions())
	eval[bool](t, browser, `(document.querySelector('meta[name="pitchkafka-token"]').content = 'forged', true)`)
	click(t, browser, btn("add-announcer", ""))
	drawn("the server's refusal", `document.getElementById('stage-msg').textContent.includes('refused: no valid X-Pitchkafka-Token')`)
	if got := st.actions(); len(got) != n {
		t.Errorf("an action without the token reached the stage: %+v", got[n:])
	}

	// The log shows each partition's leader and ISR; the group read it all.
	drawn("leader and ISR on every partition", `[...document.querySelectorAll('#log .row')].length === 3 && [...document.querySelectorAll('#log .row .repl')].every((r) => /leader 0 · isr 0/.test(r.textContent) && !r.dataset.under)`)
	drawn("the group's records handled", `(() => { const g = document.querySelector('#groups [data-group="radio"] .handled, #groups-idle-list [data-group="radio"] .handled'); return !g || g.textContent.includes('300 of 300 handled · 0 to go'); })()`)
	drawn("the brokers line", `document.getElementById('brokers').textContent.includes('`+b.Addrs()[0]+`')`)
	checkLayout(t, browser, p.url)
}

var secondsRE = regexp.MustCompile(`session timeout: (\d+) s`)

func secondsLeft(tb testing.TB, text string) int {
	tb.Helper()
	m := secondsRE.FindStringSubmatch(text)
	if m == nil {
		tb.Fatalf("the countdown says %q", text)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// stageLayout is where the page's parts are, measured in the browser.
type stageLayout struct {
	Overlaps  []string `json:"overlaps"`
	Overflows []string `json:"overflows"`
	Wide      bool     `json:"wide"` // the page scrolls sideways
}

const measureStage = `(() => {
  const sections = [...document.querySelectorAll('main > section')].filter((s) => s.getClientRects().length);
  const box = (s) => s.getBoundingClientRect();
  const meet = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const overlaps = [];
  sections.forEach((a, i) => sections.slice(i + 1).forEach((b) => { if (meet(box(a), box(b))) overlaps.push(a.id + ' and ' + b.id); }));
  const wide = [...document.querySelectorAll('#stage-section *, main > section')].filter((e) => e.getClientRects().length &&
    (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible' || e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5));
  return {overlaps, overflows: wide.map((e) => (e.id || e.tagName + '.' + e.className) + ' to ' + Math.round(e.getBoundingClientRect().right)),
    wide: document.documentElement.scrollWidth > document.documentElement.clientWidth};
})()`

// checkLayout checks that the page with its stage fits a 1280×720
// projector and a narrow window: no section over another, nothing beyond
// the right edge.
func checkLayout(t *testing.T, browser context.Context, url string) {
	t.Helper()
	for _, vp := range []struct{ w, h int64 }{{1280, 720}, {800, 900}, {420, 900}} {
		if err := chromedp.Do(browser, chromedp.EmulateViewport(vp.w, vp.h), chromedp.Navigate(url)); err != nil {
			t.Fatal(err)
		}
		waitJS(t, browser, 20*time.Second, "the stage drawn", `!document.getElementById('stage-section').hidden && document.querySelectorAll('#log .row').length === 3`)
		l := eval[stageLayout](t, browser, measureStage)
		if len(l.Overlaps) > 0 || len(l.Overflows) > 0 || l.Wide {
			t.Errorf("%d×%d: sections overlap %q; beyond the right edge %q; scrolls sideways %v", vp.w, vp.h, l.Overlaps, l.Overflows, l.Wide)
		}
	}
}
