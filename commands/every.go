package commands

import "time"

// every calls fn every interval until done is closed.
func every(interval time.Duration, done <-chan struct{}, fn func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			fn()
		}
	}
}
