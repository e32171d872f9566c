package commands

import (
	"sync"
	"time"
)

// every calls fn every interval, on a goroutine of its own, until stop is
// called. stop waits for a call under way to return, so nothing calls fn
// once stop has returned: a last call after it (a final table) never
// overlaps a periodic one. stop may be called more than once.
func every(interval time.Duration, fn func()) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				select {
				case <-done: // stop came with the tick: no call after it
					return
				default:
				}
				fn()
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() { close(done) })
		<-finished
	}
}
