package game

import "sort"

// LastPitches is a table folded from the pitch log: for every pitcher, the
// last pitch he threw by the order of Later. It holds one entry per pitcher
// however long the log, and the result never depends on the order in which
// partitions are read.
type LastPitches struct {
	byPitcher map[int64]Pitch
}

// NewLastPitches returns an empty table.
func NewLastPitches() *LastPitches {
	return &LastPitches{byPitcher: map[int64]Pitch{}}
}

// Apply folds one pitch into the table and reports whether it changed it.
func (t *LastPitches) Apply(p *Pitch) bool {
	if cur, ok := t.byPitcher[p.Pitcher]; ok && !Later(p, &cur) {
		return false
	}
	t.byPitcher[p.Pitcher] = *p
	return true
}

// Get returns the last pitch of a pitcher.
func (t *LastPitches) Get(pitcher int64) (Pitch, bool) {
	p, ok := t.byPitcher[pitcher]
	return p, ok
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
