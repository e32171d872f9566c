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
	// Throttle, if set, stands in for Rate: its rate, and its pauses,
	// count from the moment they change.
	Throttle *Throttle
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
	due := newPacer(pace)
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

// pacer spaces pitches evenly at a rate, from pitch base on at start;
// rate 0 never waits. With a throttle, a change of its rate or pause
// starts the spacing again from the pitch then due.
type pacer struct {
	start    time.Time
	base     int64
	rate     float64
	paused   bool
	throttle *Throttle
	changed  <-chan struct{}
}

func newPacer(pace Pace) *pacer {
	p := &pacer{start: time.Now(), rate: pace.Rate, throttle: pace.Throttle}
	if p.throttle != nil {
		p.rate, p.paused, p.changed = p.throttle.State()
	}
	return p
}

// follow takes up the throttle's change, if there was one, from pitch n.
func (p *pacer) follow(n int64) {
	if p.throttle == nil {
		return
	}
	select {
	case <-p.changed:
		p.rate, p.paused, p.changed = p.throttle.State()
		p.start, p.base = time.Now(), n
	default:
	}
}

// due is when pitch n is due.
func (p *pacer) due(n int64) time.Time {
	return p.start.Add(time.Duration(float64(n-p.base) / p.rate * float64(time.Second)))
}

// isDue reports whether pitch n is due now.
func (p *pacer) isDue(n int64) bool {
	p.follow(n)
	return !p.paused && (p.rate == 0 || !time.Now().Before(p.due(n)))
}

// wait blocks until pitch n is due, or ctx ends.
func (p *pacer) wait(ctx context.Context, n int64) error {
	for {
		if p.isDue(n) {
			return ctx.Err()
		}
		if p.sleep(ctx, n) {
			return ctx.Err()
		}
	}
}

// sleep waits for pitch n to fall due, or ctx to end, and reports true;
// or for the throttle to change, and reports false.
func (p *pacer) sleep(ctx context.Context, n int64) bool {
	var due <-chan time.Time
	if !p.paused {
		t := time.NewTimer(time.Until(p.due(n)))
		defer t.Stop()
		due = t.C
	}
	select {
	case <-ctx.Done():
		return true
	case <-due:
		return true
	case <-p.changed: // nil without a throttle: never
		return false
	}
}
