package commands

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/internal/testkit"
)

// The rate a bar shows counts from when the bar was drawn, not from its
// first update: work done before that update took time too.
func TestAProgressBarsRateCountsFromItsStart(t *testing.T) {
	var stderr testkit.Buffer
	e := &env{stderr: &stderr, stderrIsTerminal: true}
	bar := newProgressBar(e, 10_000, "replaying", "records")
	time.Sleep(200 * time.Millisecond)
	bar.set(1_000)

	rates := regexp.MustCompile(`(\d+) records/s`).FindAllStringSubmatch(stderr.String(), -1)
	if len(rates) == 0 {
		t.Fatalf("no rate shown in %q", stderr.String())
	}
	for _, r := range rates {
		// 1,000 records in at least 200 ms: at most 5,000 a second.
		if n, _ := strconv.Atoi(r[1]); n > 5_000 {
			t.Errorf("bar shows %s records/s for 1,000 records in 200 ms or more:\n%q", r[1], stderr.String())
		}
	}
}
