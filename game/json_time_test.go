package game

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// TestEncodedTimestampsAreReadAsUnmarshalTextReadsThem checks the digit
// by digit reader against time's own: whatever it reads, UnmarshalText
// reads to the same time.Time, and every timestamp the encoder writes it
// reads itself.
func TestEncodedTimestampsAreReadAsUnmarshalTextReadsThem(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 13))
	var inputs []string
	for range 20000 { // written by the encoder: every one must be read
		ts := time.Date(1+rng.IntN(9998), time.Month(1+rng.IntN(12)), 1+rng.IntN(31), rng.IntN(24), rng.IntN(60),
			rng.IntN(60), rng.IntN(1000)*1e6, time.UTC)
		raw := appendTimestamp(nil, ts)
		got, ok := encodedTimestamp(raw)
		if !ok || !reflect.DeepEqual(got, ts) {
			t.Fatalf("%s read as %v, %v; want %v", raw, got, ok, ts)
		}
		inputs = append(inputs, string(raw))
	}
	for _, y := range []string{"2024", "2025", "2000", "1900", "0000"} { // month ends, leap years
		for _, md := range []string{"02-28", "02-29", "02-30", "04-30", "04-31", "12-31", "12-32", "13-01", "00-10", "01-00"} {
			inputs = append(inputs, y+"-"+md+"T12:00:00.000Z")
		}
	}
	inputs = append(inputs, "2026-11-24T24:00:00.000Z", "2026-11-24T23:60:00.000Z", "2026-11-24T23:59:60.000Z",
		"2026-11-24T23:59:59.999Z", "2026-11-24T13:40:00.123+00:00", "2026-11-24T13:40:00.12Z",
		"2026-11-24T13:40:00.1234Z", "2026-11-24t13:40:00.123Z", "2026-11-24T13:40:00.123z",
		"2026-11-24 13:40:00.123Z", "2026-1a-24T13:40:00.123Z", "+026-11-24T13:40:00.123Z", "")
	for range 20000 { // one byte of a good one changed
		b := []byte(inputs[rng.IntN(100)])
		b[rng.IntN(len(b))] = "0123456789-:.TZz+ a"[rng.IntN(19)]
		inputs = append(inputs, string(b))
	}
	for _, in := range inputs {
		var want time.Time
		wantErr := want.UnmarshalText([]byte(in))
		got, ok := encodedTimestamp([]byte(in))
		if ok && (wantErr != nil || !reflect.DeepEqual(got, want)) {
			t.Fatalf("%q read as %v; UnmarshalText says %v, %v", in, got, want, wantErr)
		}
		if got, err := parseTimestamp([]byte(in)); (err == nil) != (wantErr == nil) || !reflect.DeepEqual(got, want) {
			t.Fatalf("parseTimestamp(%q) = %v, %v; UnmarshalText says %v, %v", in, got, err, want, wantErr)
		}
	}
}
