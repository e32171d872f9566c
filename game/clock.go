package game

import "time"

// Clock stamps pitches with ts as they are published. ts has millisecond
// precision, so at high rates many pitches share one; the order "latest ts,
// then game_pk, then game_seq" then falls to game_pk, which for real games
// need not follow the calendar. Clock keeps that order chronological: ts
// never goes backwards, and the first pitch of a later game_date is stamped
// at least a millisecond after every pitch before it.
type Clock struct {
	last     time.Time
	lastDate string
}

// Stamp sets p.TS from now, truncated to the millisecond, by the rules above.
func (c *Clock) Stamp(p *Pitch, now time.Time) {
	ts := now.UTC().Truncate(time.Millisecond)
	if ts.Before(c.last) {
		ts = c.last
	}
	if p.GameDate > c.lastDate && c.lastDate != "" && !ts.After(c.last) {
		ts = c.last.Add(time.Millisecond)
	}
	if p.GameDate > c.lastDate {
		c.lastDate = p.GameDate
	}
	p.TS, c.last = ts, ts
}
