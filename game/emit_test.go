package game

import (
	"context"
	"errors"
	"testing"
	"time"
)

// sliceSource hands out pitches from a slice.
type sliceSource struct{ ps []Pitch }

func (s *sliceSource) NextInto(p *Pitch) bool {
	if len(s.ps) == 0 {
		return false
	}
	*p, s.ps = s.ps[0], s.ps[1:]
	return true
}

func TestEmitPacesCountsStampsAndStops(t *testing.T) {
	pitches := make([]Pitch, 10)
	for i := range pitches {
		pitches[i] = Pitch{GamePK: 1, GameSeq: i + 1, GameDate: "2024-04-01"}
	}
	tests := []struct {
		name       string
		pace       Pace
		emitted    int
		atLeast    time.Duration
		idleCalled bool
	}{
		{"flat out to the source's end", Pace{}, 10, 0, false},
		{"a count stops early", Pace{Count: 4}, 4, 0, false},
		{"a rate spaces pitches and idles between them", Pace{Rate: 200, Count: 5}, 5, 20 * time.Millisecond, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []Pitch
			idled := false
			start := time.Now()
			err := Emit(context.Background(), &sliceSource{ps: pitches}, tc.pace,
				func(p *Pitch) error { got = append(got, *p); return nil },
				func() error { idled = true; return nil })
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.emitted || time.Since(start) < tc.atLeast || idled != tc.idleCalled {
				t.Fatalf("emitted %d in %v, idled %v; want %d, at least %v, %v",
					len(got), time.Since(start), idled, tc.emitted, tc.atLeast, tc.idleCalled)
			}
			for i := range got {
				if got[i].TS.IsZero() || (i > 0 && got[i].TS.Before(got[i-1].TS)) {
					t.Fatalf("pitch %d ts %v after %v", i, got[i].TS, got[max(i-1, 0)].TS)
				}
			}
		})
	}
}

func TestEmitStopsAtTheFirstErrorOrWhenCtxEnds(t *testing.T) {
	boom := errors.New("boom")
	err := Emit(context.Background(), &sliceSource{ps: make([]Pitch, 3)}, Pace{}, func(*Pitch) error { return boom }, nil)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = Emit(ctx, &sliceSource{ps: make([]Pitch, 3)}, Pace{Rate: 1}, func(*Pitch) error { return nil }, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}
