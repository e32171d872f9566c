package commands

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/pitchkafka/pitchkafka/kafkaio"
	"github.com/rs/zerolog"
)

var updateScreenshot = flag.Bool("update-screenshot", false, "save the browser test's screenshot as docs/web.png")

// browserPath finds a Chromium or Chrome to drive, or skips the test.
func browserPath(tb testing.TB) string {
	tb.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	tb.Skip("no chromium, chromium-browser or google-chrome on PATH: install one (apt-get install chromium) to run the browser test")
	return ""
}

// newBrowser starts a headless browser the size of a projector's screen.
func newBrowser(tb testing.TB) context.Context {
	tb.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browserPath(tb)), chromedp.NoSandbox,
		chromedp.WindowSize(1600, 1000), chromedp.Flag("force-device-scale-factor", "1"))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	tb.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("start the browser: %v", err)
	}
	return ctx
}

// pageDOM is what the browser shows, read from its DOM.
type pageDOM struct {
	Games      []string            `json:"games"`      // each card's tag and score text
	Partitions []string            `json:"partitions"` // each log row's partition id
	Members    map[string][]string `json:"members"`    // member name → partition chips, in group talk
	Changes    []string            `json:"changes"`
	Records    string              `json:"records"`
	LineScores int                 `json:"lineScores"` // final games' line scores
}

const readDOM = `(() => {
  const text = (el) => el.textContent.trim();
  const members = {};
  document.querySelectorAll('[data-group="talk"] .member').forEach((m) => {
    members[m.dataset.member] = [...m.querySelectorAll('.pchip')].map(text);
  });
  return {
    games: [...document.querySelectorAll('.game')].map((g) => text(g.querySelector('.tag')) + ' ' +
      [...g.querySelectorAll('.score')].map(text).join('-')),
    partitions: [...document.querySelectorAll('#log .row')].map((r) => r.dataset.partition),
    members: members,
    changes: [...document.querySelectorAll('#changes li')].map(text),
    records: document.body.dataset.records || '',
    lineScores: document.querySelectorAll('.game.final table.line').length,
  };
})()`

// waitForDOM reads the page until cond holds.
func waitForDOM(tb testing.TB, ctx context.Context, timeout time.Duration, what string, cond func(pageDOM) bool) pageDOM {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		dom, err := chromedp.Run(ctx, chromedp.Evaluate[pageDOM](readDOM))
		if err != nil {
			tb.Fatalf("read the page: %v", err)
		}
		if cond(dom) {
			return dom
		}
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %v waiting for %s; the page shows %+v", timeout, what, dom)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A real browser shows the games, the six partitions and the group's
// member; when a second announcer joins, it shows partitions moving to it.
// With -update-screenshot it saves the page as docs/web.png.
func TestBrowserShowsTheLivePage(t *testing.T) {
	browser := newBrowser(t)
	b := testkit.StartBroker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	pub := startInProcess(ctx, "publish", "--brokers", b.Bootstrap(), "--seed", "7", "--rate", "150", "--concurrent", "4")
	url, page := startWeb(t, ctx, "--brokers", b.Bootstrap())
	announce := func(name string) { startAnnouncer(t, where{b.Bootstrap(), "pitches"}, "talk", name, "classic") }
	// An announcer needs the topic, which the publisher creates.
	if err := waitForTopic(ctx, kafkaio.Config{Brokers: b.Bootstrap(), Timeout: 30 * time.Second, Log: zerolog.Nop()}, "pitches"); err != nil {
		t.Fatal(err)
	}
	announce("announce-1")
	if err := chromedp.Do(browser, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	dom := waitForDOM(t, browser, 90*time.Second, "games, six partitions and one member owning them all", func(d pageDOM) bool {
		return len(d.Games) >= 2 && len(d.Partitions) == 6 && len(d.Members) == 1 && len(firstMember(d, "announce-1·")) == 6
	})
	t.Logf("the page shows games %q, partitions %q, members %v", dom.Games, dom.Partitions, dom.Members)
	waitForDOM(t, browser, 120*time.Second, "a final game with its line score", func(d pageDOM) bool { return d.LineScores > 0 })
	announce("announce-2")
	dom = waitForDOM(t, browser, 60*time.Second, "partitions moving to the second announcer", func(d pageDOM) bool {
		one, two := firstMember(d, "announce-1·"), firstMember(d, "announce-2·")
		return len(one) == 3 && len(two) == 3 && len(d.Changes) > 0 && strings.Contains(d.Changes[0], "→ announce-2·")
	})
	t.Logf("after the rebalance: members %v; %q", dom.Members, dom.Changes[0])
	saveScreenshot(t, browser)
	checkShowOnly(t, browser, url)
	stopAndWait(t, cancel, page, "web")
	<-pub.done
}

// firstMember returns the partition chips of the member whose name starts
// with prefix.
func firstMember(d pageDOM, prefix string) []string {
	for name, chips := range d.Members {
		if strings.HasPrefix(name, prefix) {
			return chips
		}
	}
	return nil
}

// saveScreenshot captures the page, to docs/web.png with
// -update-screenshot and to the test's temporary directory otherwise.
func saveScreenshot(t *testing.T, browser context.Context) {
	t.Helper()
	png, err := chromedp.Run(browser, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(t.TempDir(), "web.png")
	if *updateScreenshot {
		path = filepath.Join("..", "docs", "web.png")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(png))
}

// checkShowOnly loads the page with ?show=log,groups and checks that only
// those sections are shown, still live.
func checkShowOnly(t *testing.T, browser context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(browser, chromedp.Navigate(url+"?show=log,groups")); err != nil {
		t.Fatal(err)
	}
	const shown = `[...document.querySelectorAll('main > section')].filter((s) => !s.hidden).map((s) => s.id).join(',')`
	var got string
	testkit.WaitFor(t, 10*time.Second, "only the log and the groups, live", func() bool {
		var err error
		if got, err = chromedp.Run(browser, chromedp.Evaluate[string](shown)); err != nil {
			t.Fatal(err)
		}
		var rows float64
		if rows, err = chromedp.Run(browser, chromedp.Evaluate[float64](`document.querySelectorAll('#log .row').length`)); err != nil {
			t.Fatal(err)
		}
		return got == "log-section,groups-section" && rows == 6
	})
}

// viewports are the screens the page must fit: a 720p projector and a
// larger one.
var viewports = []struct{ width, height int64 }{{1280, 720}, {1600, 1000}}

// evalJS evaluates js in the page.
func evalJS[T any](tb testing.TB, browser context.Context, js string, opts ...chromedp.EvaluateOption) T {
	tb.Helper()
	v, err := chromedp.Run(browser, chromedp.Evaluate[T](js, opts...))
	if err != nil {
		tb.Fatalf("evaluate %.60q in the page: %v", js, err)
	}
	return v
}

// openPage shows url in a viewport of the given size.
func openPage(tb testing.TB, browser context.Context, width, height int64, url string) {
	tb.Helper()
	if err := chromedp.Do(browser, chromedp.EmulateViewport(width, height), chromedp.Navigate(url)); err != nil {
		tb.Fatalf("open %s at %d×%d: %v", url, width, height, err)
	}
}

// pageLayout is where the page's parts are, measured in the browser.
type pageLayout struct {
	Sections       []string `json:"sections"`       // the visible sections and their boxes
	Overlaps       []string `json:"overlaps"`       // pairs of sections whose boxes intersect
	Overflows      []string `json:"overflows"`      // sections whose content is wider than they are
	Markers        int      `json:"markers"`        // committed-offset markers on the log
	MarkerOverlaps []string `json:"markerOverlaps"` // pairs of markers whose boxes intersect
	SmallMarkers   []string `json:"smallMarkers"`   // markers in letters too small to read on a projector
	ScrollWidth    float64  `json:"scrollWidth"`
	ClientWidth    float64  `json:"clientWidth"`
	ScrollHeight   float64  `json:"scrollHeight"`
}

const measureLayout = `(() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return {l: r.left + scrollX, t: r.top + scrollY, r: r.right + scrollX, b: r.bottom + scrollY}; };
  const meet = (a, b) => a.l < b.r - 0.5 && b.l < a.r - 0.5 && a.t < b.b - 0.5 && b.t < a.b - 0.5;
  const at = (b) => '[' + [b.l, b.t, b.r, b.b].map(Math.round).join(',') + ']';
  const pairs = (items) => {
    const out = [];
    items.forEach((a, i) => items.slice(i + 1).forEach((b) => { if (meet(a.box, b.box)) out.push(a.name + at(a.box) + ' and ' + b.name + at(b.box)); }));
    return out;
  };
  const sections = [...document.querySelectorAll('main > section')].filter((s) => s.getClientRects().length)
    .map((s) => ({name: s.id, box: box(s), el: s}));
  const markers = [...document.querySelectorAll('#log .marker')].filter((m) => m.getClientRects().length).map((m) => ({
    name: 'P' + m.closest('[data-partition]').dataset.partition + ' ' + m.textContent.trim(), box: box(m),
    size: parseFloat(getComputedStyle(m).fontSize)}));
  const de = document.documentElement;
  return {
    sections: sections.map((s) => s.name + at(s.box)),
    overlaps: pairs(sections),
    overflows: sections.filter((s) => s.el.scrollWidth > s.el.clientWidth + 1).map((s) => s.name + ': content ' + s.el.scrollWidth + 'px wide in ' + s.el.clientWidth + 'px'),
    markers: markers.length,
    markerOverlaps: pairs(markers),
    smallMarkers: markers.filter((m) => m.size < 12).map((m) => m.name + ' ' + m.size + 'px'),
    scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, scrollHeight: de.scrollHeight,
  };
})()`

// Every view of the page, the whole of it and each combination of
// ?show=games,log,groups,pitch, lays out at 1280×720 and 1600×1000 with no
// section over another, nothing beyond the right edge, and the committed
// offsets of three groups on one partition each readable, none over
// another.
func TestBrowserLaysOutEveryView(t *testing.T) {
	browser := newBrowser(t)
	b := testkit.StartBroker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	pub := startInProcess(ctx, "publish", "--brokers", b.Bootstrap(), "--seed", "8", "--rate", "100", "--concurrent", "4")
	url, page := startWeb(t, ctx, "--brokers", b.Bootstrap())
	if err := waitForTopic(ctx, kafkaio.Config{Brokers: b.Bootstrap(), Timeout: 30 * time.Second, Log: zerolog.Nop()}, "pitches"); err != nil {
		t.Fatal(err)
	}
	// Three groups reading the same partitions, each caught up: their
	// committed offsets fall on the same places of the log.
	for _, g := range []string{"radio", "talk", "tv"} {
		startAnnouncer(t, where{b.Bootstrap(), "pitches"}, g, g+"-1", "classic")
	}
	const threeMarkers = `[...document.querySelectorAll('#log .row')].some((r) => r.querySelectorAll('.marker').length >= 3)`
	openPage(t, browser, 1600, 1000, url)
	testkit.WaitFor(t, 90*time.Second, "three groups' committed offsets on one partition", func() bool { return evalJS[bool](t, browser, threeMarkers) })
	parts := []string{"games", "log", "groups", "pitch"}
	views := []string{""}
	for set := 1; set < 1<<len(parts); set++ {
		var show []string
		for i, p := range parts {
			if set&(1<<i) != 0 {
				show = append(show, p)
			}
		}
		views = append(views, "?show="+strings.Join(show, ","))
	}
	for _, vp := range viewports {
		for _, view := range views {
			name := fmt.Sprintf("%d×%d %s", vp.width, vp.height, cmp.Or(view, "whole page"))
			openPage(t, browser, vp.width, vp.height, url+view)
			drawn := `document.body.dataset.records > 0`
			if view == "" || strings.Contains(view, "log") {
				drawn += ` && document.querySelectorAll('#log .row').length === 6 && ` + threeMarkers
			}
			if view == "" || strings.Contains(view, "groups") {
				drawn += ` && document.querySelectorAll('#groups .group').length >= 3`
			}
			testkit.WaitFor(t, 20*time.Second, name+" drawn", func() bool { return evalJS[bool](t, browser, drawn) })
			l := evalJS[pageLayout](t, browser, measureLayout)
			if len(l.Overlaps) > 0 {
				t.Errorf("%s: sections overlap: %q", name, l.Overlaps)
			}
			if len(l.Overflows) > 0 {
				t.Errorf("%s: %q", name, l.Overflows)
			}
			if l.ScrollWidth > l.ClientWidth {
				t.Errorf("%s: the page is %vpx wide in a %vpx window: it scrolls sideways", name, l.ScrollWidth, l.ClientWidth)
			}
			if len(l.MarkerOverlaps) > 0 {
				t.Errorf("%s: committed-offset markers overlap: %q", name, l.MarkerOverlaps)
			}
			if len(l.SmallMarkers) > 0 {
				t.Errorf("%s: markers too small to read: %q", name, l.SmallMarkers)
			}
			t.Logf("%s: %vpx tall, %d markers, sections %q", name, l.ScrollHeight, l.Markers, l.Sections)
		}
	}
	stopAndWait(t, cancel, page, "web")
	<-pub.done
}

// foldView is what the page shows of the games and groups, measured in the
// browser. Games are told apart by seed: seeds 1 to 3 are the runs that
// stopped early, seed 9 the live one.
type foldView struct {
	Live         []string `json:"live"`       // the live run's games in progress, shown, with their boxes
	Below        []string `json:"below"`      // those of them not wholly above the fold
	StaleShown   int      `json:"staleShown"` // cards of the stopped runs shown
	Cards        int      `json:"cards"`      // cards shown
	GamesFolded  string   `json:"gamesFolded"`
	GroupsFolded string   `json:"groupsFolded"`
	// IdleShown says whether the idle group's card is shown; IdleAfterLive
	// whether what stands for it (its fold, or its card) is below the live
	// group's card.
	IdleShown     bool    `json:"idleShown"`
	IdleAfterLive bool    `json:"idleAfterLive"`
	Height        float64 `json:"height"`
	Records       string  `json:"records"`
}

const measureFolds = `(() => {
  const shown = (el) => !!el && el.getClientRects().length > 0;
  const seed = (c) => Math.floor(Number(c.dataset.gamePk) / 1e6) - 100;
  const cards = [...document.querySelectorAll('.game')].filter(shown);
  const live = cards.filter((c) => seed(c) === 9 && c.dataset.final !== 'true');
  const where = (c) => { const r = c.getBoundingClientRect(); return c.querySelector('.tag').textContent + ' ' + Math.round(r.top) + '–' + Math.round(r.bottom); };
  const liveGroup = document.querySelector('[data-group="talk"]');
  const idle = document.querySelector('[data-group="earlier-run"]');
  const idleFold = document.querySelector('#groups-idle');
  const idleMark = shown(idle) ? idle : (shown(idleFold) ? idleFold : null);
  return {
    live: live.map(where),
    below: live.filter((c) => c.getBoundingClientRect().bottom > innerHeight || c.getBoundingClientRect().top < 0).map(where),
    staleShown: cards.filter((c) => seed(c) >= 1 && seed(c) <= 3).length,
    cards: cards.length,
    gamesFolded: shown(document.querySelector('#games-folded')) ? document.querySelector('#games-folded > summary').textContent.trim() : '',
    groupsFolded: shown(idleFold) ? idleFold.querySelector('summary').textContent.trim() : '',
    idleShown: shown(idle),
    idleAfterLive: shown(liveGroup) && !!idleMark && idleMark.getBoundingClientRect().top >= liveGroup.getBoundingClientRect().bottom,
    height: document.documentElement.scrollHeight,
    records: document.body.dataset.records || '',
  };
})()`

// Games that will never finish, left by runs that stopped early, fold away
// below the live ones with their count, and show when asked; so does a
// group with no member left from an earlier run, after the live group.
func TestBrowserFoldsStaleGamesAndIdleGroups(t *testing.T) {
	browser := newBrowser(t)
	b := testkit.StartBroker(t)
	w := where{b.Bootstrap(), "pitches"}
	// Three runs that stopped early, each leaving its 15 games in progress.
	for _, seed := range []string{"1", "2", "3"} {
		mustRun(t, "publish", "--brokers", b.Bootstrap(), "--seed", seed, "--count", "40", "--rate", "0")
	}
	// A group from an earlier run: it read the log, committed, and its
	// member left.
	earlier := startMember(t, w, "earlier-run", "earlier")
	testkit.WaitFor(t, 60*time.Second, "the earlier run's announcer committing every pitch", func() bool {
		var n int64
		for _, off := range earlier.lastCommitted(t) {
			n += off
		}
		return n == 120
	})
	if err := earlier.stop(t, syscall.SIGINT); err != nil {
		t.Fatalf("the earlier run's announcer: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	url, page := startWeb(t, ctx, "--brokers", b.Bootstrap())
	pub := startInProcess(ctx, "publish", "--brokers", b.Bootstrap(), "--seed", "9", "--rate", "40", "--concurrent", "4")
	startAnnouncer(t, w, "talk", "talk-1", "classic")
	openPage(t, browser, 1280, 720, url)
	measure := func() foldView { return evalJS[foldView](t, browser, measureFolds) }
	var v foldView
	deadline := time.Now().Add(90 * time.Second)
	for {
		v = measure()
		if v.StaleShown == 0 && strings.Contains(v.GamesFolded, "45 stale") && len(v.Live) >= 3 && strings.Contains(v.GroupsFolded, "1 idle group") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 90 s the page does not fold the 45 stale games and the idle group: it is %vpx tall with %d cards, %d of them stale; the live games are at %q; games folded %q, groups folded %q, the idle group shown %v",
				v.Height, v.Cards, v.StaleShown, v.Live, v.GamesFolded, v.GroupsFolded, v.IdleShown)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("folded: the page is %vpx tall with %d cards; the live games at %q; %q; %q", v.Height, v.Cards, v.Live, v.GamesFolded, v.GroupsFolded)
	if len(v.Below) > 0 {
		t.Errorf("live games below the fold of a 1280×720 screen: %q", v.Below)
	}
	if v.IdleShown || !v.IdleAfterLive {
		t.Errorf("the idle group: shown %v, after the live group %v; want it folded after the live group", v.IdleShown, v.IdleAfterLive)
	}
	if err := chromedp.Do(browser, chromedp.Click(chromedp.CSS(`#games-folded > summary`)), chromedp.Click(chromedp.CSS(`#groups-idle > summary`))); err != nil {
		t.Fatal(err)
	}
	testkit.WaitFor(t, 10*time.Second, "the stale games and the idle group shown", func() bool {
		v = measure()
		return v.StaleShown == 45 && v.IdleShown
	})
	t.Logf("unfolded: the page is %vpx tall with %d cards", v.Height, v.Cards)
	stopAndWait(t, cancel, page, "web")
	<-pub.done
}

// The page links an icon, served as SVG, and /favicon.ico is there too:
// the browser meets no 404 and logs no error loading the page.
func TestBrowserLoadsTheFavicon(t *testing.T) {
	browser := newBrowser(t)
	b := testkit.StartBroker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	url, page := startWeb(t, ctx, "--brokers", b.Bootstrap())
	var mu sync.Mutex
	var failures []string
	err := chromedp.Listen(browser, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventResponseReceived:
			if ev.Response.Status >= 400 {
				failures = append(failures, fmt.Sprintf("%s: %d", ev.Response.URL, ev.Response.Status))
			}
		case *network.EventLoadingFailed:
			failures = append(failures, fmt.Sprintf("loading %s failed: %s", ev.RequestID, ev.ErrorText))
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError {
				failures = append(failures, "console: "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	openPage(t, browser, 1280, 720, url)
	testkit.WaitFor(t, 20*time.Second, "the page live", func() bool {
		return evalJS[string](t, browser, `document.getElementById('live').textContent`) == "live"
	})
	icon := evalJS[string](t, browser, `(document.querySelector('link[rel~="icon"]') || {}).href || ''`)
	if icon == "" {
		t.Error("the page links no icon")
	} else {
		got := evalJS[string](t, browser, `fetch(`+strconv.Quote(icon)+`).then((r) => r.status + ' ' + r.headers.get('content-type'))`, chromedp.EvalAwaitPromise)
		if got != "200 image/svg+xml" {
			t.Errorf("GET %s in the browser: %s, want 200 image/svg+xml", icon, got)
		}
		size := evalJS[string](t, browser, `(async () => { const i = new Image(); i.src = `+strconv.Quote(icon)+`; await i.decode(); return i.naturalWidth + 'x' + i.naturalHeight; })()`, chromedp.EvalAwaitPromise)
		t.Logf("the icon %s is an image %s", icon, size)
	}
	resp, err := http.Get(url + "favicon.ico")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "image/svg+xml" {
		t.Errorf("GET /favicon.ico: %s, Content-Type %q; want 200, image/svg+xml", resp.Status, ct)
	}
	time.Sleep(time.Second) // the browser's own request for an icon, if any
	mu.Lock()
	if len(failures) > 0 {
		t.Errorf("the browser met errors loading the page: %q", failures)
	}
	mu.Unlock()
	stopAndWait(t, cancel, page, "web")
}
