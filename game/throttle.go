package game

import "sync"

// Throttle is a pace that may change while Emit runs: its rate, and
// whether it is paused. The demo's page paces its publisher with one.
type Throttle struct {
	mu     sync.Mutex
	rate   float64
	paused bool
	// changed is closed, and replaced, on every change.
	changed chan struct{}
}

// NewThrottle returns a running throttle of rate pitches a second; 0 is
// as fast as they are taken.
func NewThrottle(rate float64) *Throttle {
	return &Throttle{rate: max(rate, 0), changed: make(chan struct{})}
}

// SetRate sets the rate, pitches a second; 0 is as fast as they are taken.
func (t *Throttle) SetRate(rate float64) {
	t.change(func() { t.rate = max(rate, 0) })
}

// Pause holds the pitches back until Resume.
func (t *Throttle) Pause() { t.change(func() { t.paused = true }) }

// Resume lets the pitches go on at the rate.
func (t *Throttle) Resume() { t.change(func() { t.paused = false }) }

// State is the rate, whether paused, and a channel closed at the next
// change.
func (t *Throttle) State() (rate float64, paused bool, changed <-chan struct{}) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.rate, t.paused, t.changed
}

func (t *Throttle) change(apply func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	apply()
	close(t.changed)
	t.changed = make(chan struct{})
}
