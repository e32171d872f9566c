package game

import (
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	t0 := time.Date(2026, 11, 24, 12, 0, 0, 500_400_000, time.UTC)
	tests := []struct {
		name  string
		date  string
		now   time.Time
		wantT time.Time
	}{
		{"truncated to the millisecond", "2022-08-04", t0, t0.Truncate(time.Millisecond)},
		{"same date, same millisecond", "2022-08-04", t0.Add(100 * time.Microsecond), t0.Truncate(time.Millisecond)},
		{"a later date moves a millisecond on", "2022-09-28", t0, t0.Truncate(time.Millisecond).Add(time.Millisecond)},
		{"the wall clock going back does not", "2022-09-28", t0.Add(-time.Second), t0.Truncate(time.Millisecond).Add(time.Millisecond)},
		{"time moving on is kept", "2022-09-28", t0.Add(time.Second), t0.Add(time.Second).Truncate(time.Millisecond)},
	}
	var c Clock
	for _, tc := range tests {
		p := Pitch{GameDate: tc.date}
		c.Stamp(&p, tc.now)
		if !p.TS.Equal(tc.wantT) {
			t.Errorf("%s: ts %v, want %v", tc.name, p.TS, tc.wantT)
		}
	}
}
