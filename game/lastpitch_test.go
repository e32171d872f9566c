package game

import (
	"reflect"
	"testing"
	"time"
)

func TestRecentSpeedsAndSparkline(t *testing.T) {
	table := NewLastPitches()
	ts := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 12; i++ {
		p := Pitch{Pitcher: 7, GamePK: 1, GameSeq: i + 1, TS: ts.Add(time.Duration(i) * time.Second), ReleaseSpeed: 80 + float64(i)}
		table.Apply(&p)
	}
	old := Pitch{Pitcher: 7, GamePK: 1, GameSeq: 1, TS: ts, ReleaseSpeed: 50}
	table.Apply(&old) // earlier: changes nothing
	want := []float64{82, 83, 84, 85, 86, 87, 88, 89, 90, 91}
	if got := table.RecentSpeeds(7); !reflect.DeepEqual(got, want) {
		t.Errorf("recent speeds %v, want %v", got, want)
	}
	tests := []struct {
		speeds []float64
		want   string
	}{
		{nil, ""},
		{[]float64{90, 90}, "▄▄"},
		{[]float64{76, 94, 85}, "▁█▄"},
		{[]float64{70, 72, 74, 76, 78, 80, 82, 84}, "▁▂▃▄▅▆▇█"},
	}
	for _, tc := range tests {
		if got := Sparkline(tc.speeds); got != tc.want {
			t.Errorf("Sparkline(%v) = %q, want %q", tc.speeds, got, tc.want)
		}
	}
}
