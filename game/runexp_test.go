package game

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// formatRunExpectancy renders the matrix as the README shows it: each
// state's simulated mean runs beside MLB's, and the difference.
func formatRunExpectancy(re *RunExpectancy) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| runners | 0 out: sim | MLB | diff | 1 out: sim | MLB | diff | 2 out: sim | MLB | diff |\n")
	fmt.Fprintf(&b, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	figs := re.Figures()
	for bases := range 8 {
		fmt.Fprintf(&b, "| `%s` |", figs[bases].Bases)
		for outs := range 3 {
			f := figs[outs*8+bases]
			fmt.Fprintf(&b, " %.2f | %.2f | %+.2f |", f.Value, f.MLB, f.Value-f.MLB)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestRunExpectancyMatchesMLB(t *testing.T) {
	const games, tolerance = 40000, 0.08
	st := simulateStats(t, 20240, games)
	re := &st.RunExpectancy
	t.Logf("run expectancy, innings 1-8 of %d simulated games, against MLB 2025:\n%s", games, formatRunExpectancy(re))
	worst := 0.0
	for _, f := range re.Figures() {
		d := f.Value - f.MLB
		worst = max(worst, math.Abs(d))
		if math.Abs(d) > tolerance || f.N < 500 {
			t.Errorf("%s, %d out: %.3f runs (%d times), MLB %.3f: off by %+.3f", f.Bases, f.Outs, f.Value, f.N, f.MLB, d)
		}
	}
	t.Logf("largest difference %.3f runs", worst)
}
