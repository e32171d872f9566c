package game

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPeekOrderReadsWhatAppendJSONWrites(t *testing.T) {
	pitches := samplePitches(t, 3, 2000)
	pitches[0].HomeTeam = `N"Y` // an escape before pitcher
	pitches[1].GameDate, pitches[1].Inning = "", 0
	pitches[2].TS = time.Date(2026, 4, 1, 19, 5, 0, 0, time.FixedZone("EDT", -4*3600))
	for i := range pitches {
		p := &pitches[i]
		got, ok := PeekOrder(p.AppendJSON(nil))
		if !ok {
			t.Fatalf("PeekOrder declined %s", p.AppendJSON(nil))
		}
		want := OrderOf(p)
		if !got.TS.Equal(want.TS) || got.Pitcher != want.Pitcher || got.GamePK != want.GamePK || got.GameSeq != want.GameSeq {
			t.Fatalf("PeekOrder gave %+v, want %+v", got, want)
		}
	}
}

func TestPeekOrderDeclinesAnyOtherShape(t *testing.T) {
	p := samplePitches(t, 3, 1)[0]
	good := string(p.AppendJSON(nil))
	for name, data := range map[string]string{
		"a space":            strings.Replace(good, `"ts":`, `"ts": `, 1),
		"fields reordered":   strings.Replace(good, `{"schema":"pitchkafka.pitch/v1","ts"`, `{"ts"`, 1),
		"a key in capitals":  strings.Replace(good, `"pitcher":`, `"Pitcher":`, 1),
		"an escaped ts":      strings.Replace(good, `"ts":"2`, `"ts":"\u0032`, 1),
		"a null pitcher":     strings.Replace(good, `"pitcher":`+itoa(p.Pitcher), `"pitcher":null`, 1),
		"a pitcher as text":  strings.Replace(good, `"pitcher":`+itoa(p.Pitcher), `"pitcher":"`+itoa(p.Pitcher)+`"`, 1),
		"a leading zero":     strings.Replace(good, `"game_pk":`, `"game_pk":0`, 1),
		"a fraction":         strings.Replace(good, `"pitcher":`+itoa(p.Pitcher), `"pitcher":`+itoa(p.Pitcher)+`.0`, 1),
		"a ts that is wrong": strings.Replace(good, `"ts":"2`, `"ts":"x`, 1),
		"cut short":          good[:strings.Index(good, `"pitcher":`)+12],
		"not JSON":           "not json",
		"empty":              "",
	} {
		if o, ok := PeekOrder([]byte(data)); ok {
			t.Errorf("%s: PeekOrder read %+v from %s", name, o, data)
		}
	}
}

func itoa(v int64) string { return string(appendInt(nil, "", v)) }

// FuzzPeekOrder checks that whenever Decode accepts a record that
// PeekOrder reads, both give the same order, and that PeekOrder never
// panics.
//
//	go test ./game -run XXX -fuzz FuzzPeekOrder -fuzztime 5m
func FuzzPeekOrder(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		peeked, ok := PeekOrder(data)
		p, err := Decode(data)
		if !ok || err != nil {
			return
		}
		want := OrderOf(&p)
		if !peeked.TS.Equal(want.TS) || peeked.Pitcher != want.Pitcher || peeked.GamePK != want.GamePK ||
			peeked.GameSeq != want.GameSeq {
			t.Fatalf("PeekOrder gave %+v, Decode %+v: %q", peeked, want, data)
		}
	})
}

// pickerRecord is a record of a random batch: a pitch, or a bad record
// whose order PeekOrder could still read.
type pickerRecord struct {
	pitch Pitch
	bad   bool
}

// randomBatch makes a batch of a few pitchers' pitches, mostly later and
// later, with some repeated, some earlier, some without a speed and, if
// withBad, some bad.
func randomBatch(rng *rand.Rand, base time.Time, n int, withBad bool) []pickerRecord {
	batch := make([]pickerRecord, n)
	for i := range batch {
		r := &batch[i]
		r.pitch = Pitch{Pitcher: int64(1 + rng.IntN(5)), GamePK: int64(1 + rng.IntN(3)), GameSeq: 1 + rng.IntN(4),
			TS: base.Add(time.Duration(i*10-rng.IntN(40)) * time.Millisecond), AtBatNumber: i}
		if rng.IntN(4) > 0 {
			r.pitch.ReleaseSpeed = 80 + float64(rng.IntN(200))/10
		}
		r.bad = withBad && rng.IntN(30) == 0
	}
	return batch
}

// applyAll is the table as every good record of a batch makes it.
func applyAll(t *LastPitches, batch []pickerRecord) {
	for i := range batch {
		if !batch[i].bad {
			t.Apply(&batch[i].pitch)
		}
	}
}

func TestTablePickerGivesTheTableOfEveryGoodRecord(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	var picker TablePicker
	base := time.Date(2026, 5, 1, 19, 0, 0, 0, time.UTC)
	full, picked := NewLastPitches(), NewLastPitches()
	fellBack, decodedTotal, total := 0, 0, 0
	for round := 0; round < 2000; round++ {
		batch := randomBatch(rng, base.Add(time.Duration(round)*time.Second), 1+rng.IntN(400), round%3 == 0)
		applyAll(full, batch)
		picker.Reset()
		for i := range batch {
			picker.Add(OrderOf(&batch[i].pitch))
		}
		var idx []int
		ok := picker.Pick(func(i int) (float64, bool) {
			idx = append(idx, i)
			return batch[i].pitch.ReleaseSpeed, !batch[i].bad
		})
		slices.Sort(idx) // applied in log order
		decoded := len(idx)
		if !ok {
			fellBack++
			applyAll(picked, batch)
			continue
		}
		decodedTotal, total = decodedTotal+decoded, total+len(batch)
		for _, i := range idx {
			picked.Apply(&batch[i].pitch)
		}
		if !reflect.DeepEqual(picked.Sorted(), full.Sorted()) {
			t.Fatalf("round %d: the picked records give another table", round)
		}
		for _, p := range full.Sorted() {
			if got, want := picked.RecentSpeeds(p.Pitcher), full.RecentSpeeds(p.Pitcher); !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d: pitcher %d's speeds are %v, want %v", round, p.Pitcher, got, want)
			}
		}
	}
	if fellBack == 0 || decodedTotal*2 > total {
		t.Fatalf("%d batches fell back, %d of %d records decoded: the test tests too little", fellBack, decodedTotal, total)
	}
	t.Logf("%d batches fell back; of the others, %d of %d records decoded", fellBack, decodedTotal, total)
}
