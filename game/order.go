package game

import "time"

// PitchOrder is what a LastPitches table needs of a pitch to know whether
// it changes the table: whose it is and, by Later, when it came.
type PitchOrder struct {
	Pitcher int64
	TS      time.Time
	GamePK  int64
	GameSeq int
}

// OrderOf returns p's order.
func OrderOf(p *Pitch) PitchOrder {
	return PitchOrder{Pitcher: p.Pitcher, TS: p.TS, GamePK: p.GamePK, GameSeq: p.GameSeq}
}

// Later reports whether a comes after b: the latest ts, then the higher
// game_pk, then the higher game_seq (see the function Later).
func (a *PitchOrder) Later(b *PitchOrder) bool {
	if !a.TS.Equal(b.TS) {
		return a.TS.After(b.TS)
	}
	if a.GamePK != b.GamePK {
		return a.GamePK > b.GamePK
	}
	return a.GameSeq > b.GameSeq
}

// TablePicker picks, from a batch of records in log order, those a
// LastPitches table can need, so that the others need not be decoded: of
// each pitcher, only his pitches that are later than all his pitches
// before them in the batch can change his row, and of those only the last
// one, and the ones with the last SpeedHistory release speeds, can show.
// A pitcher's row and speeds come out as if every good record of the batch
// had been applied, as long as every record picked is good; a bad one
// makes Pick fail, and the batch must be decoded in full. The zero
// TablePicker is ready to use; it keeps its memory from batch to batch.
type TablePicker struct {
	orders []PitchOrder
	// previous[i] is the index of the pitch before record i in its
	// pitcher's run of ever later pitches, runStart, or notInRun.
	previous []int
	last     map[int64]int // a pitcher's last pitch in his run
}

// A record's previous in its run is runStart when it is his first pitch
// in the batch, and notInRun when an earlier pitch of his is as late or
// later, so that it is never picked.
const (
	runStart = -1
	notInRun = -2
)

// Add appends the next record of the batch.
func (t *TablePicker) Add(o PitchOrder) {
	if t.last == nil {
		t.last = map[int64]int{}
	}
	i := len(t.orders)
	t.orders = append(t.orders, o)
	prev, ok := t.last[o.Pitcher]
	if ok && !o.Later(&t.orders[prev]) {
		t.previous = append(t.previous, notInRun)
		return
	}
	if !ok {
		prev = runStart
	}
	t.previous = append(t.previous, prev)
	t.last[o.Pitcher] = i
}

// Pick calls decode for each record the table can need, in no particular
// order; decode decodes record i in full and returns its release speed, or
// false when the record is not a good pitch, and then Pick stops and
// returns false. The records decoded, applied in log order, give the table.
func (t *TablePicker) Pick(decode func(i int) (speed float64, ok bool)) bool {
	for _, i := range t.last {
		for speeds := 0; i >= 0 && speeds < SpeedHistory; i = t.previous[i] {
			speed, ok := decode(i)
			if !ok {
				return false
			}
			if speed > 0 {
				speeds++
			}
		}
	}
	return true
}

// Reset empties the picker for the next batch.
func (t *TablePicker) Reset() {
	t.orders, t.previous = t.orders[:0], t.previous[:0]
	clear(t.last)
}
