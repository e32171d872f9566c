package game

import (
	"context"
	"errors"
	"sync/atomic"
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

// A throttle's pause holds pitches back until it resumes, and a new rate
// takes hold at once, counted from the change.
func TestEmitFollowsAThrottle(t *testing.T) {
	pitches := make([]Pitch, 100_000)
	for i := range pitches {
		pitches[i] = Pitch{GamePK: 1, GameSeq: i + 1, GameDate: "2024-04-01"}
	}
	throttle := NewThrottle(200)
	var emitted atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Emit(ctx, &sliceSource{ps: pitches}, Pace{Throttle: throttle},
			func(*Pitch) error { emitted.Add(1); return nil }, nil)
	}()
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d emitted", what, emitted.Load())
			}
		}
	}
	waitFor("10 pitches at 200 a second", func() bool { return emitted.Load() >= 10 })

	throttle.Pause()
	atPause := emitted.Load()
	time.Sleep(300 * time.Millisecond) // 60 pitches' time at 200 a second
	if n := emitted.Load(); n > atPause+1 {
		t.Fatalf("paused at %d, %d emitted 300 ms later", atPause, n)
	}

	throttle.SetRate(0) // flat out, but still paused
	time.Sleep(50 * time.Millisecond)
	if n := emitted.Load(); n > atPause+1 {
		t.Fatalf("a new rate resumed a paused throttle: %d emitted, paused at %d", n, atPause)
	}
	throttle.Resume()
	waitFor("all pitches, flat out", func() bool { return emitted.Load() == int64(len(pitches)) })
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	cancel()
	if rate, paused, _ := throttle.State(); rate != 0 || paused {
		t.Errorf("throttle state %v %v, want 0 false", rate, paused)
	}
}
