package kafkaio

import (
	"fmt"
	"time"
)

// RateLog logs a publisher's counts and rates: sent, delivered, failed,
// pitches/s and MB/s, each Log since the one before, and Final over the
// whole run.
type RateLog struct {
	pub    *Publisher
	start  time.Time
	last   PublisherStats
	lastAt time.Time
}

// NewRateLog starts a rate log of the publisher's pitches, from now.
func NewRateLog(p *Publisher) *RateLog {
	now := time.Now()
	return &RateLog{pub: p, start: now, lastAt: now}
}

// Log logs the counts so far and the rates since the last Log.
func (r *RateLog) Log() {
	now, st := time.Now(), r.pub.Stats()
	secs := now.Sub(r.lastAt).Seconds()
	r.pub.cfg.Log.Info().Int64("sent", st.Sent).Int64("delivered", st.Delivered).Int64("failed", st.Failed).
		Str("pitches_per_s", fmt.Sprintf("%.0f", float64(st.Delivered-r.last.Delivered)/secs)).
		Str("mb_per_s", fmt.Sprintf("%.2f", float64(st.Bytes-r.last.Bytes)/secs/1e6)).Msg("progress")
	r.last, r.lastAt = st, now
}

// Final logs the run's counts and rates, at error level if any pitch was
// not delivered, telling the not confirmed ones apart.
func (r *RateLog) Final() {
	st := r.pub.Stats()
	log := r.pub.cfg.Log
	secs := time.Since(r.start).Seconds()
	ev := log.Info()
	if st.Failed > 0 || st.Delivered < st.Sent {
		ev = log.Error()
	}
	ev = ev.Int64("sent", st.Sent).Int64("delivered", st.Delivered).Int64("failed", st.Failed)
	if st.Unconfirmed > 0 {
		ev = ev.Int64("not_confirmed", st.Unconfirmed).Str("not_confirmed_means", "queued or in flight at shutdown: may or may not be written")
	}
	ev.Str("pitches_per_s", fmt.Sprintf("%.0f", float64(st.Delivered)/secs)).
		Str("mb_per_s", fmt.Sprintf("%.2f", float64(st.Bytes)/secs/1e6)).
		Str("elapsed", time.Since(r.start).Round(time.Millisecond).String()).Msg("done")
}
