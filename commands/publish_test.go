package commands

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/game"
)

func TestDryRunWritesAValidReproducibleStream(t *testing.T) {
	first := mustRun(t, "publish", "--dry-run", "--rate", "0", "--count", "500", "--seed", "4")
	again := mustRun(t, "publish", "--dry-run", "--rate", "0", "--count", "500", "--seed", "4")
	lines := strings.Split(strings.TrimSuffix(first.stdout.String(), "\n"), "\n")
	if len(lines) != 500 {
		t.Fatalf("%d lines, want 500", len(lines))
	}
	for _, line := range lines {
		if _, err := game.Decode([]byte(line)); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
	}
	ts := regexp.MustCompile(`"ts":"[^"]*"`)
	if ts.ReplaceAllString(first.stdout.String(), "") != ts.ReplaceAllString(again.stdout.String(), "") {
		t.Fatal("the same seed gave different pitches")
	}
}

// timedWriter records when each write came.
type timedWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	times []time.Time
}

func (w *timedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.times = append(w.times, time.Now())
	return w.buf.Write(p)
}

func TestPacedDryRunWritesEachPitchWhenDue(t *testing.T) {
	out := &timedWriter{}
	args := []string{"pitchkafka", "publish", "--dry-run", "--rate", "20", "--count", "10", "--seed", "4"}
	if err := New("test", out, io.Discard).RunContext(context.Background(), args); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.buf.String(), "\n"); n != 10 {
		t.Fatalf("%d pitches, want 10", n)
	}
	// Ten pitches at 20 a second take 450 ms; buffered to the end, they
	// would come in one write.
	if len(out.times) < 5 || out.times[len(out.times)-1].Sub(out.times[0]) < 300*time.Millisecond {
		t.Fatalf("%d writes over %v: the pitches were held back instead of written as they came",
			len(out.times), out.times[len(out.times)-1].Sub(out.times[0]))
	}
}

// A dry run shows the pitches as JSON lines whatever --format says, and
// says so, rather than refusing the flags a user would publish with.
func TestADryRunInAvroWritesJSONAndSaysSo(t *testing.T) {
	r := mustRun(t, "publish", "--dry-run", "--format", "avro", "--rate", "0", "--count", "5", "--seed", "4")
	lines := strings.Split(strings.TrimSuffix(r.stdout.String(), "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines, want 5:\n%s", len(lines), r.stdout)
	}
	for _, line := range lines {
		if _, err := game.Decode([]byte(line)); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
	}
	if !strings.Contains(r.stderr.String(), "--format applies only when publishing") {
		t.Errorf("stderr does not say the dry run ignores --format:\n%s", r.stderr)
	}
	mustFail(t, "publish", "--dry-run", "--format", "xml", "--count", "5")
}
