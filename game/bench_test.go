package game

import "testing"

// BenchmarkSimulator measures the simulator alone: one op is one pitch.
func BenchmarkSimulator(b *testing.B) {
	s, err := NewSeason(DefaultLeague(), SeasonConfig{Seed: 1, Concurrent: 15, Rules: Rules{ExtraInningsRunner: true}})
	if err != nil {
		b.Fatal(err)
	}
	var p Pitch
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.NextInto(&p)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds()/1e6, "Mpitches/s")
}
