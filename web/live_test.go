package web

import (
	"slices"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/kafkaio"
)

// run is a publish run: a season's pitches, one every gap from start, as
// publish stamps them.
type run struct {
	season *game.Season
	next   time.Time
	gap    time.Duration
}

func newRun(t *testing.T, seed uint64, concurrent int, start time.Time, gap time.Duration) *run {
	t.Helper()
	s, err := game.NewSeason(game.DefaultLeague(), game.SeasonConfig{Seed: seed, Concurrent: concurrent})
	if err != nil {
		t.Fatal(err)
	}
	return &run{season: s, next: start, gap: gap}
}

// publish folds the run's next n pitches into l, each on its game's
// partition.
func (r *run) publish(l *live, n int) {
	for range n {
		var p game.Pitch
		r.season.NextInto(&p)
		p.TS = r.next
		r.next = r.next.Add(r.gap)
		l.apply(kafkaio.Record{Partition: int32(p.GamePK % 6), Offset: l.records, Timestamp: p.TS, Pitch: p})
	}
}

// pause makes the run's next pitch come d later.
func (r *run) pause(d time.Duration) { r.next = r.next.Add(d) }

// seedOf is the seed of the run a game is from.
func seedOf(pk int64) uint64 { return uint64(pk/1_000_000 - 100) }

// kinds names each game of the view by its run and what the page does
// with it: "9 live", "1 stale folded", "9 final", "9 final folded".
func kinds(v gamesView) []string {
	out := make([]string, len(v.games))
	for i, g := range v.games {
		k := "live"
		switch {
		case g.Stale:
			k = "stale"
		case g.Final:
			k = "final"
		}
		if g.Folded {
			k += " folded"
		}
		out[i] = string(rune('0'+seedOf(g.GamePK))) + " " + k
	}
	return out
}

var t0 = time.Date(2026, 4, 1, 19, 5, 0, 0, time.UTC)

// Runs that stopped early leave games that fold away, after the live run's,
// once the topic has gone on without them; in a log read long after it
// was written (a replay from the beginning) as in a live one.
func TestGamesLeftByStoppedRunsAreStale(t *testing.T) {
	for _, start := range []time.Time{t0, time.Now().Add(-30 * 24 * time.Hour)} {
		l := newLive()
		for i, seed := range []uint64{1, 2, 3} {
			newRun(t, seed, 15, start.Add(time.Duration(i)*time.Minute), time.Millisecond).publish(l, 40)
		}
		live := newRun(t, 9, 4, start.Add(5*time.Minute), 100*time.Millisecond)
		live.publish(l, 100)
		v, _, _, _ := l.view()
		want := []string{"9 live", "9 live", "9 live", "9 live"}
		for range 45 {
			want = append(want, "")
		}
		got := kinds(v)
		if v.stale != 45 || len(got) != 49 || !slices.Equal(got[:4], want[:4]) {
			t.Fatalf("games %q, %d stale; want the live run's 4 first, then the 45 of the stopped runs", got, v.stale)
		}
		for i, k := range got[4:] {
			if k[1:] != " stale folded" || seedOf(v.games[4+i].GamePK) > 3 {
				t.Errorf("game %d: %s, want a stopped run's, stale and folded", 4+i, k)
			}
		}
		// The stale ones are listed the latest to pitch first: the third run's first.
		if seedOf(v.games[4].GamePK) != 3 || seedOf(v.games[48].GamePK) != 1 {
			t.Errorf("stale games from runs %d … %d, want the latest run's first", seedOf(v.games[4].GamePK), seedOf(v.games[48].GamePK))
		}
	}
}

// When every publisher pauses, nothing folds: time is the pitches' own,
// not the clock's; and a run that resumes after a pause has no stale game.
func TestAPauseFoldsNothing(t *testing.T) {
	l := newLive()
	r := newRun(t, 9, 15, t0, 50*time.Millisecond)
	r.publish(l, 100)
	r.pause(10 * time.Minute)
	r.publish(l, 100)
	if v, _, _, _ := l.view(); v.stale != 0 || len(v.games) != 15 {
		t.Errorf("after a pause: %d games, %d stale (%q); want 15 live", len(v.games), v.stale, kinds(v))
	}
}

// At a slow rate a game's pitches come minutes apart; it is not stale in
// between, nor is a game that has thrown one pitch so far.
func TestASlowRateFoldsNothing(t *testing.T) {
	l := newLive()
	// 15 games, a pitch every 10 s: each game pitches every 150 s. After
	// 20 pitches, five games have two and ten have one, the oldest 140 s
	// before the newest pitch.
	newRun(t, 9, 15, t0, 10*time.Second).publish(l, 20)
	if v, _, _, _ := l.view(); v.stale != 0 {
		t.Errorf("%d stale games at 0.1 pitch/s: %q", v.stale, kinds(v))
	}
}

// Finished games come after the live ones, the latest to end first; the
// latest four keep a card, the rest fold away, and all are counted.
func TestFinishedGamesFoldBeyondFour(t *testing.T) {
	l := newLive()
	r := newRun(t, 9, 2, t0, 10*time.Millisecond)
	for l.finished < finalsSent+3 {
		r.publish(l, 1)
	}
	v, _, _, _ := l.view()
	got := kinds(v)
	var want []string
	for range len(got) - finalsSent {
		want = append(want, "9 live")
	}
	for i := range finalsSent {
		if i < finalsShown {
			want = append(want, "9 final")
		} else {
			want = append(want, "9 final folded")
		}
	}
	if !slices.Equal(got, want) || v.finished != finalsSent+3 {
		t.Fatalf("games %q, %d finished; want %q, %d finished", got, v.finished, want, finalsSent+3)
	}
	for i := len(got) - finalsSent + 1; i < len(got); i++ {
		if a, b := l.games[v.games[i-1].GamePK], l.games[v.games[i].GamePK]; a.TS.Before(b.TS) {
			t.Errorf("finished games %d (ended %v) then %d (ended %v): want the latest to end first", a.GamePK, a.TS, b.GamePK, b.TS)
		}
	}
}
