package game

import (
	"fmt"
	"sort"
	"strings"
)

// LastPitches is a table folded from the pitch log: for every pitcher, the
// last pitch he threw by the order of Later. It holds one entry per pitcher
// however long the log, and the result never depends on the order in which
// partitions are read.
type LastPitches struct {
	byPitcher map[int64]Pitch
	speeds    map[int64]*recentSpeeds
}

// SpeedHistory is how many recent speeds the table keeps per pitcher.
const SpeedHistory = 10

// recentSpeeds is a ring of a pitcher's last speeds, oldest first.
type recentSpeeds struct {
	mph  [SpeedHistory]float64
	next int
	n    int
}

// NewLastPitches returns an empty table.
func NewLastPitches() *LastPitches {
	return &LastPitches{byPitcher: map[int64]Pitch{}, speeds: map[int64]*recentSpeeds{}}
}

// Apply folds one pitch into the table and reports whether it changed it.
func (t *LastPitches) Apply(p *Pitch) bool {
	if cur, ok := t.byPitcher[p.Pitcher]; ok && !Later(p, &cur) {
		return false
	}
	t.byPitcher[p.Pitcher] = *p
	if p.ReleaseSpeed > 0 {
		r := t.speeds[p.Pitcher]
		if r == nil {
			r = &recentSpeeds{}
			t.speeds[p.Pitcher] = r
		}
		r.mph[r.next] = p.ReleaseSpeed
		r.next = (r.next + 1) % SpeedHistory
		r.n = min(r.n+1, SpeedHistory)
	}
	return true
}

// RecentSpeeds returns up to SpeedHistory of the pitcher's latest speeds,
// oldest first, as they were folded into the table.
func (t *LastPitches) RecentSpeeds(pitcher int64) []float64 {
	r := t.speeds[pitcher]
	if r == nil {
		return nil
	}
	out := make([]float64, 0, r.n)
	for i := 0; i < r.n; i++ {
		out = append(out, r.mph[(r.next-r.n+i+SpeedHistory)%SpeedHistory])
	}
	return out
}

// Sparkline draws speeds as ▁▂▃▄▅▆▇█, from the slowest to the fastest.
func Sparkline(speeds []float64) string {
	const bars = "▁▂▃▄▅▆▇█"
	if len(speeds) == 0 {
		return ""
	}
	lo, hi := speeds[0], speeds[0]
	for _, v := range speeds {
		lo, hi = min(lo, v), max(hi, v)
	}
	var b strings.Builder
	for _, v := range speeds {
		level := 3 // all alike: the middle
		if hi > lo {
			level = int((v - lo) / (hi - lo) * 7.999)
		}
		b.WriteString(string([]rune(bars)[level]))
	}
	return b.String()
}

// Len returns the number of pitchers in the table.
func (t *LastPitches) Len() int { return len(t.byPitcher) }

// Sorted returns the table's pitches ordered by pitcher id.
func (t *LastPitches) Sorted() []Pitch {
	out := make([]Pitch, 0, len(t.byPitcher))
	for _, p := range t.byPitcher {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pitcher < out[j].Pitcher })
	return out
}

// CheckGameSequences checks that every game's pitches are there once each,
// game_seq 1, 2, 3… without a gap, as a log that lost or repeated nothing
// holds them. Pitches of one game may come in any order.
func CheckGameSequences(pitches []Pitch) error {
	seqs := map[int64][]int{}
	for i := range pitches {
		seqs[pitches[i].GamePK] = append(seqs[pitches[i].GamePK], pitches[i].GameSeq)
	}
	for pk, s := range seqs {
		sort.Ints(s)
		for i, seq := range s {
			if seq != i+1 {
				return fmt.Errorf("game %d: game_seq %d where %d belongs (a duplicate or a gap)", pk, seq, i+1)
			}
		}
	}
	return nil
}
