package commands

import (
	"sync/atomic"
	"time"

	"github.com/pitchkafka/pitchkafka/kafkaio"
	"github.com/schollz/progressbar/v3"
)

// progressBar draws progress on stderr when a person watches it; it does
// nothing otherwise, where the periodic log lines say the same.
type progressBar struct {
	bar *progressbar.ProgressBar
}

// newProgressBar returns a bar of total units, or an inert one when stderr
// is not a terminal or the total is unknown.
func newProgressBar(e *env, total int64, description, units string) *progressBar {
	if !e.stderrIsTerminal || total <= 0 {
		return &progressBar{}
	}
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(e.stderr),
		progressbar.OptionSetDescription(description),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString(units),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetWidth(30),
		progressbar.OptionOnCompletion(func() { e.stderr.Write([]byte("\n")) }),
		// Drawing the empty bar starts its clock now: otherwise the
		// first update starts it, and the rate shown divides what was
		// done by almost no time at all.
		progressbar.OptionSetRenderBlankState(true),
	)
	bar.Add64(0) // starts the clock of the rolling rate too
	return &progressBar{bar: bar}
}

// shown reports whether the bar is drawn.
func (p *progressBar) shown() bool { return p.bar != nil }

// set moves the bar to done units.
func (p *progressBar) set(done int64) {
	if p.bar != nil {
		p.bar.Set64(min(done, p.bar.GetMax64()))
	}
}

// finish completes the bar.
func (p *progressBar) finish() {
	if p.bar != nil && !p.bar.IsFinished() {
		p.bar.Finish()
	}
}

// replayBar shows a reader catching up with the log: records read of the
// backlog at start. It is drawn once the backlog is known.
type replayBar struct {
	e      *env
	reader interface{ Stats() kafkaio.ConsumerStats }
	bar    atomic.Pointer[progressBar]
	stop   func() // ends the bar's updates
}

// startReplayBar wires a bar into opts; stop it when reading ends.
func startReplayBar(e *env, reader interface{ Stats() kafkaio.ConsumerStats }, opts *kafkaio.ReadOptions) *replayBar {
	rb := &replayBar{e: e, reader: reader, stop: func() {}}
	if !e.stderrIsTerminal || !opts.FromBeginning {
		return rb
	}
	opts.Backlog = func(n int64) { rb.bar.Store(newProgressBar(e, n, "replaying", "records")) }
	caughtUp := opts.CaughtUp
	opts.CaughtUp = func() {
		rb.finish()
		if caughtUp != nil {
			caughtUp()
		}
	}
	rb.stop = every(200*time.Millisecond, func() {
		if bar := rb.bar.Load(); bar != nil {
			st := reader.Stats()
			bar.set(st.Records + st.Skipped)
		}
	})
	return rb
}

func (rb *replayBar) finish() {
	if bar := rb.bar.Load(); bar != nil {
		st := rb.reader.Stats()
		bar.set(st.Records + st.Skipped)
		bar.finish()
	}
}
