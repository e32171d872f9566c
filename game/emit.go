package game

import (
	"context"
	"time"
)

// Source gives pitches one at a time: a simulated season or a replay.
// NextInto fills p and reports false when the source is dry.
type Source interface {
	NextInto(p *Pitch) bool
}

// Pace says how fast Emit hands pitches on and when it stops.
type Pace struct {
	// Rate is pitches per second in total; 0 hands them on as fast as emit
	// takes them.
	Rate float64
	// Count stops after this many pitches; 0 is no limit.
	Count int64
}

// Emit stamps the source's pitches with their ts as they fall due and hands
// each to emit, spaced evenly at the pace's rate, until the count is
// reached, the source runs dry or ctx ends. Before waiting for a pitch that
// is not yet due it calls idle, if not nil, so that a caller batching
// pitches can send what it holds: pacing adds no latency. It returns the
// first error of emit or idle, or ctx's.
func Emit(ctx context.Context, source Source, pace Pace, emit func(*Pitch) error, idle func() error) error {
	due := newPacer(pace.Rate)
	var p Pitch
	var clock Clock
	for n := int64(0); pace.Count == 0 || n < pace.Count; n++ {
		if idle != nil && !due.isDue(n) {
			if err := idle(); err != nil {
				return err
			}
		}
		if err := due.wait(ctx, n); err != nil {
			return err
		}
		if !source.NextInto(&p) {
			return nil
		}
		clock.Stamp(&p, time.Now())
		if err := emit(&p); err != nil {
			return err
		}
	}
	return nil
}

// pacer spaces pitches evenly at a rate; rate 0 never waits.
type pacer struct {
	start time.Time
	rate  float64
}

func newPacer(rate float64) *pacer { return &pacer{start: time.Now(), rate: rate} }

// due is when pitch n is due.
func (p *pacer) due(n int64) time.Time {
	return p.start.Add(time.Duration(float64(n) / p.rate * float64(time.Second)))
}

// isDue reports whether pitch n is due now.
func (p *pacer) isDue(n int64) bool {
	return p.rate == 0 || !time.Now().Before(p.due(n))
}

// wait blocks until pitch n is due, or ctx ends.
func (p *pacer) wait(ctx context.Context, n int64) error {
	if p.rate == 0 {
		return ctx.Err()
	}
	d := time.Until(p.due(n))
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
