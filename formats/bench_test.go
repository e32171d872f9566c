package formats_test

import (
	"testing"

	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
)

// benchFormats runs fn once per format with an encoder and a decoder of
// it, against an in-process registry (the client caches what it fetched,
// so the registry is asked only once).
func benchFormats(b *testing.B, fn func(b *testing.B, enc *formats.Encoder, dec *formats.Decoder)) {
	reg := testkit.StartRegistry(b, "")
	cfg := formats.Config{Log: zerolog.Nop(), Registry: formats.RegistryConfig{URL: reg.URL()}}
	for _, f := range formats.Formats {
		b.Run(string(f), func(b *testing.B) {
			enc, err := formats.NewEncoder(cfg, "bench", f)
			if err != nil {
				b.Fatal(err)
			}
			defer enc.Close()
			dec, err := formats.NewDecoder(cfg, "bench")
			if err != nil {
				b.Fatal(err)
			}
			defer dec.Close()
			fn(b, enc, dec)
		})
	}
}

// BenchmarkEncode measures encoding one pitch event as a record value in
// each format: one op is one event.
func BenchmarkEncode(b *testing.B) {
	pitches := testkit.SeasonPitches(b, 1, 1024)
	benchFormats(b, func(b *testing.B, enc *formats.Encoder, _ *formats.Decoder) {
		var buf []byte
		var err error
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if buf, err = enc.Append(buf[:0], &pitches[i%len(pitches)]); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(buf)), "bytes/event")
	})
}

// BenchmarkDecode measures decoding one record value in each format back
// to the pitch event: one op is one event.
func BenchmarkDecode(b *testing.B) {
	pitches := testkit.SeasonPitches(b, 1, 1024)
	benchFormats(b, func(b *testing.B, enc *formats.Encoder, dec *formats.Decoder) {
		values := make([][]byte, len(pitches))
		for i := range pitches {
			var err error
			if values[i], err = enc.Append(nil, &pitches[i]); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := dec.Decode(values[i%len(values)]); err != nil {
				b.Fatal(err)
			}
		}
	})
}
