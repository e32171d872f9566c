package commands

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
