package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
)

// stageDOM is what the demo's page shows of its stage, its groups and its
// log, read from the DOM.
type stageDOM struct {
	// Members are the members of each group, by name, with the
	// partitions each owns.
	Members map[string]map[string][]string `json:"members"`
	// Processes are the stage's processes: name → state.
	Processes map[string]string `json:"processes"`
	// Countdowns are the countdowns shown, by process.
	Countdowns map[string]string `json:"countdowns"`
	// Leaders and ISR are each partition's, as the log shows them.
	Leaders map[string]string `json:"leaders"`
	ISR     map[string]string `json:"isr"`
	// Handled and OnTopic are each group's nothing-lost counter.
	Handled map[string]string `json:"handled"`
	OnTopic map[string]string `json:"onTopic"`
	Nodes   map[string]bool   `json:"nodes"` // node id → up
	Said    string            `json:"said"`  // what came of the latest action
}

const readStage = `(() => {
  const members = {}, handled = {}, onTopic = {};
  document.querySelectorAll('#groups article.group[data-group]').forEach((g) => {
    const ms = {};
    g.querySelectorAll('.member[data-member]').forEach((m) => {
      ms[m.dataset.member] = [...m.querySelectorAll('.pchip')].map((c) => c.dataset.partition);
    });
    members[g.dataset.group] = ms;
    const h = g.querySelector('.handled');
    if (h) { handled[g.dataset.group] = h.dataset.handled; onTopic[g.dataset.group] = h.dataset.onTopic; }
  });
  const processes = {}, countdowns = {};
  document.querySelectorAll('#stage-section tr[data-process]').forEach((r) => {
    processes[r.dataset.process] = r.dataset.state;
    const c = r.querySelector('.countdown');
    if (c) countdowns[r.dataset.process] = c.textContent.trim();
  });
  const leaders = {}, isr = {};
  document.querySelectorAll('#log .row[data-partition]').forEach((r) => {
    const rep = r.querySelector('.repl');
    if (rep) { leaders[r.dataset.partition] = rep.dataset.leader; isr[r.dataset.partition] = rep.dataset.isr; }
  });
  const nodes = {};
  document.querySelectorAll('#stage-section .node[data-node]').forEach((n) => { nodes[n.dataset.node] = !n.classList.contains('down'); });
  const said = document.querySelector('#stage-section .said');
  return {members, processes, countdowns, leaders, isr, handled, onTopic, nodes, said: said ? said.textContent.trim() : ''};
})()`

// waitForStage reads the page until cond holds.
func waitForStage(tb testing.TB, browser context.Context, timeout time.Duration, what string, cond func(stageDOM) bool) stageDOM {
	tb.Helper()
	var dom stageDOM
	deadline := time.Now().Add(timeout)
	for {
		dom = evalJS[stageDOM](tb, browser, readStage)
		if cond(dom) {
			return dom
		}
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %v waiting for %s; the page shows %+v", timeout, what, dom)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// click clicks the stage's button for verb and target.
func click(tb testing.TB, browser context.Context, verb, target string) {
	tb.Helper()
	sel := fmt.Sprintf(`#stage-section button[data-verb=%q]`, verb)
	if target != "" {
		sel += fmt.Sprintf(`[data-target=%q]`, target)
	}
	if err := chromedp.Do(browser, chromedp.Click(chromedp.CSS(sel))); err != nil {
		tb.Fatalf("click %s: %v", sel, err)
	}
}

// owners are a group's members by the start of their names (announce-3
// for announce-3·5263), with how many partitions each owns.
func owners(dom stageDOM, group string) map[string]int {
	out := map[string]int{}
	for name, ps := range dom.Members[group] {
		short, _, _ := strings.Cut(name, "·")
		out[short] = len(ps)
	}
	return out
}

// ownersAre reports whether exactly these members own partitions, each
// the given number.
func ownersAre(dom stageDOM, group string, want map[string]int) bool {
	got := owners(dom, group)
	if len(got) != len(want) {
		return false
	}
	for name, n := range want {
		if got[name] != n {
			return false
		}
	}
	return true
}

// TestBrowserDrivesTheDemo clicks each control of the demo's page, in a
// real Chromium, on a three-node embedded cluster, and watches what the
// audience would: a third announcer splits the partitions three ways, a
// killed one's partitions move only after its session timeout while the
// page counts it down, a stopped node's partitions get new leaders and
// its replicas leave the in-sync set and come back, a killed scores
// processor is followed by another, and a frozen one, a zombie, is fenced
// by its successor and leaves once thawed; and afterwards every pitch was
// announced, twice only where the killed announcer had not committed, and
// the games topic is the fold of the pitches.
func TestBrowserDrivesTheDemo(t *testing.T) {
	testkit.SkipOnKafka(t, "it runs the embedded cluster itself, to stop its nodes")
	browser := newBrowser(t)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	demo := startInProcess(ctx, "--log-format", "json", "demo", "--nodes", "3", "--rate", "40", "--concurrent", "6",
		"--seed", "32", "--web", "127.0.0.1:0", "--listen", "127.0.0.1:0", "--output", "json")
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the demo's stderr ends:\n%s", tail(demo.stderr.String(), 6000))
		}
	})
	var url, brokers string
	testkit.WaitFor(t, 30*time.Second, "the page's URL and the broker's address", func() bool {
		url = pageURLLine.FindString(demo.stdout.String())
		if m := regexp.MustCompile(`(?m)^broker \| (127\.0\.0\.1:\d+)`).FindStringSubmatch(demo.stdout.String()); m != nil {
			brokers = m[1]
		}
		return url != "" && brokers != ""
	})
	openPage(t, browser, 1280, 720, url)

	waitForStage(t, browser, 90*time.Second, "two announcers of three partitions each, and scores-1", func(d stageDOM) bool {
		return ownersAre(d, demoAnnouncers, map[string]int{"announce-1": 3, "announce-2": 3}) &&
			ownersAre(d, demoScores, map[string]int{"scores-1": 6}) && len(d.Nodes) == 3
	})

	click(t, browser, "add-announcer", "")
	waitForStage(t, browser, 60*time.Second, "a third announcer, the partitions split three ways", func(d stageDOM) bool {
		return ownersAre(d, demoAnnouncers, map[string]int{"announce-1": 2, "announce-2": 2, "announce-3": 2})
	})

	click(t, browser, "kill", "announce-2")
	killed := time.Now()
	first := waitForStage(t, browser, 10*time.Second, "a countdown for announce-2", func(d stageDOM) bool {
		return d.Processes["announce-2"] == procKilled && secondsIn(d.Countdowns["announce-2"]) > 0
	})
	if owners(first, demoAnnouncers)["announce-2"] != 2 {
		t.Errorf("announce-2's partitions moved at once, before its session timeout: %v", first.Members[demoAnnouncers])
	}
	time.Sleep(2 * time.Second)
	later := evalJS[stageDOM](t, browser, readStage)
	if a, b := secondsIn(first.Countdowns["announce-2"]), secondsIn(later.Countdowns["announce-2"]); b >= a && b > 0 {
		t.Errorf("the countdown went from %q to %q in 2 s", first.Countdowns["announce-2"], later.Countdowns["announce-2"])
	}
	if *updateScreenshot {
		saveStageScreenshot(t, browser)
	}
	waitForStage(t, browser, 60*time.Second, "announce-2's partitions to move to the others", func(d stageDOM) bool {
		return ownersAre(d, demoAnnouncers, map[string]int{"announce-1": 3, "announce-3": 3})
	})
	if moved := time.Since(killed); moved < demoSessionTimeout/2 {
		t.Errorf("announce-2's partitions moved %v after it was killed, before its session could time out", moved)
	}

	before := evalJS[stageDOM](t, browser, readStage)
	node := busiestLeader(before.Leaders)
	click(t, browser, "stop-node", node)
	waitForStage(t, browser, 60*time.Second, "node "+node+"'s partitions to get new leaders and leave it out of their ISR", func(d stageDOM) bool {
		for p, leader := range d.Leaders {
			if leader == node || leader == "-1" || slices.Contains(strings.Split(d.ISR[p], ","), node) {
				return false
			}
		}
		return len(d.Leaders) == 6 && !d.Nodes[node]
	})
	click(t, browser, "start-node", node)
	waitForStage(t, browser, 60*time.Second, "node "+node+" back in every partition's ISR", func(d stageDOM) bool {
		for _, isr := range d.ISR {
			if len(strings.Split(isr, ",")) != 3 {
				return false
			}
		}
		return len(d.ISR) == 6 && d.Nodes[node]
	})

	click(t, browser, "kill", "scores-1")
	waitForStage(t, browser, 10*time.Second, "scores-1 killed", func(d stageDOM) bool { return d.Processes["scores-1"] == procKilled })
	click(t, browser, "start-scores", "")
	waitForStage(t, browser, 90*time.Second, "scores-1.2, the same instance, owning every partition", func(d stageDOM) bool {
		return ownersAre(d, demoScores, map[string]int{"scores-1.2": 6})
	})
	click(t, browser, "freeze", "scores-1.2")
	waitForStage(t, browser, 60*time.Second, "frozen scores-1.2 out of its group after its session timeout", func(d stageDOM) bool {
		return d.Processes["scores-1.2"] == procFrozen && len(d.Members[demoScores]) == 0
	})
	click(t, browser, "start-scores", "")
	waitForStage(t, browser, 90*time.Second, "scores-1.3 owning every partition", func(d stageDOM) bool {
		return ownersAre(d, demoScores, map[string]int{"scores-1.3": 6})
	})
	click(t, browser, "thaw", "scores-1.2")
	waitForStage(t, browser, 90*time.Second, "the thawed zombie scores-1.2 fenced, gone, and scores-1.3 owning every partition", func(d stageDOM) bool {
		return d.Processes["scores-1.2"] == procStopped && ownersAre(d, demoScores, map[string]int{"scores-1.3": 6})
	})
	click(t, browser, "stop", "announce-3")
	waitForStage(t, browser, 60*time.Second, "announce-3 gone cleanly, announce-1 owning all", func(d stageDOM) bool {
		return d.Processes["announce-3"] == procStopped && ownersAre(d, demoAnnouncers, map[string]int{"announce-1": 6})
	})

	click(t, browser, "pause-publish", "")
	caughtUp := waitForStage(t, browser, 120*time.Second, "every record on the topic handled by both groups", func(d stageDOM) bool {
		return d.OnTopic[demoAnnouncers] != "" && d.OnTopic[demoAnnouncers] != "0" &&
			d.Handled[demoAnnouncers] == d.OnTopic[demoAnnouncers] && d.Handled[demoScores] == d.OnTopic[demoScores]
	})
	onTopic, _ := strconv.ParseInt(caughtUp.OnTopic[demoAnnouncers], 10, 64)
	assertGamesAreTheFold(t, scoresRig{brokers: brokers, input: "pitches", output: "games", format: formats.FormatJSON})
	stopAndWait(t, cancel, demo, "demo")
	assertAnnouncedOnce(t, demo.stdout.String(), onTopic, "announce-2")
}

// secondsIn reads the number of seconds a countdown shows, 0 if none.
func secondsIn(countdown string) int {
	m := regexp.MustCompile(`(\d+) s`).FindStringSubmatch(countdown)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// busiestLeader is the node that leads the most partitions.
func busiestLeader(leaders map[string]string) string {
	count := map[string]int{}
	best := ""
	for _, node := range leaders {
		count[node]++
		if best == "" || count[node] > count[best] || (count[node] == count[best] && node < best) {
			best = node
		}
	}
	return best
}

// assertAnnouncedOnce checks the demo's announcers' lines: every one of
// the n records announced, and announced twice only by a member that
// was killed, whose uncommitted lines its successor announced again.
func assertAnnouncedOnce(t *testing.T, stdout string, n int64, killed string) {
	t.Helper()
	by := map[[2]int64][]string{}
	for _, line := range strings.Split(stdout, "\n") {
		name, rest, ok := strings.Cut(line, " | ")
		if !ok || !strings.HasPrefix(name, "announce-") || !strings.HasPrefix(rest, "{") {
			continue
		}
		for _, a := range parseAnnounced(t, rest) {
			k := [2]int64{int64(a.Partition), a.Offset}
			by[k] = append(by[k], name)
		}
	}
	if int64(len(by)) != n {
		t.Errorf("%d records announced of the %d on the topic", len(by), n)
	}
	twice := 0
	for k, who := range by {
		if len(who) > 1 {
			twice++
			if !slices.Contains(who, killed) {
				t.Errorf("partition %d offset %d announced by %v: twice, with no killed member among them", k[0], k[1], who)
			}
		}
	}
	t.Logf("%d records announced, %d of them twice (what %s had not committed when killed)", len(by), twice, killed)
}

// saveStageScreenshot saves the page mid-rebalance as docs/stage.png.
func saveStageScreenshot(t *testing.T, browser context.Context) {
	t.Helper()
	png, err := chromedp.Run(browser, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join("..", "docs", "stage.png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(png))
}

// assertGamesAreTheFold checks a compacted games topic against the pitch
// topic: per game, the committed states come in through_seq order with no
// repeat (the cleaner may have taken earlier ones), and the last equals
// the test's own fold of the game's pitches.
func assertGamesAreTheFold(t *testing.T, r scoresRig) {
	t.Helper()
	want := foldByGame(mustReadAll(t, r.brokers, r.input))
	last := map[int64]game.GameState{}
	for _, rec := range mustReadGames(t, r, true) {
		pk := rec.State.GamePK
		if prev, ok := last[pk]; ok && rec.State.ThroughSeq <= prev.ThroughSeq {
			t.Fatalf("game %d: through_seq %d after %d (a repeat)", pk, rec.State.ThroughSeq, prev.ThroughSeq)
		}
		last[pk] = rec.State
	}
	if len(last) != len(want) {
		t.Errorf("%d games in the games topic, %d in the pitch topic", len(last), len(want))
	}
	for pk, st := range last {
		got, _ := json.Marshal(&st)
		folded, _ := json.Marshal(want[pk])
		if string(got) != string(folded) {
			t.Errorf("game %d: last state\n%s\nfolded by the test from the pitches\n%s", pk, got, folded)
		}
	}
	t.Logf("the games topic holds the fold of each of the %d games' pitches", len(want))
}
