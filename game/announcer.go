package game

import (
	"fmt"
	"strings"
)

// Announcer narrates pitches as they come, for any number of games at once.
// Each pitch line needs only its own event; the half-inning summaries and
// the line score at the end of a game come from a scorebook it keeps per
// game. A game joined after its first pitch gets a line score marked
// incomplete. It is not safe for concurrent use.
//
// A scorebook is small (a few hundred bytes: two teams' runs by inning,
// hits and errors) and is dropped at the game's end. Games that never end
// here (their partition moved to another announcer, their publisher
// stopped, or a replay holds them only in part) would keep theirs for
// good, so an announcer keeps at most MaxScorebooks; past that it drops a
// partial game's first, which has no FINAL to give, and only when there is
// none the book of the game seen least recently.
type Announcer struct {
	books    map[int64]*scorebook
	partials []int64 // partial games, in the order their books were made (some may be gone since)
	seen     int64   // pitches announced, to find the books of abandoned games
}

// MaxScorebooks bounds the scorebooks an announcer keeps, about 20 MB at
// most: far more games than any stream has in progress at once.
const MaxScorebooks = 65536

// NewAnnouncer returns an announcer with no games yet.
func NewAnnouncer() *Announcer { return &Announcer{books: map[int64]*scorebook{}} }

// scorebook is what an announcer has seen of one game.
type scorebook struct {
	away, home string
	partial    bool // a replayed game the stream holds only in part
	box             // runs by inning, hits and errors per team (away, home)
	halfRuns   int
	halfHits   int
	firstSeq   int
	lastSeq    int
	gaps       bool
	lastSeen   int64
}

// Lines narrates one pitch: the pitch line, then what it ended, if anything.
func (a *Announcer) Lines(p *Pitch) []string {
	return strings.Split(strings.TrimSuffix(string(a.AppendLines(nil, p)), "\n"), "\n")
}

// AppendLines appends Lines' lines to buf, each ending in a newline. It
// allocates nothing for most pitches, for announcing replays.
func (a *Announcer) AppendLines(buf []byte, p *Pitch) []byte {
	a.seen++
	b := a.book(p)
	if p.Partial && b.lastSeq < b.firstSeq {
		buf = append(append(buf, PartialLine(p)...), '\n')
	}
	b.record(p)
	buf = append(appendPitchLine(buf, p), '\n')
	if p.EndsPlateAppearance() {
		buf = append(append(append(buf, "  "...), resultSentence(p)...), '\n')
	}
	switch {
	case p.GameOver:
		buf = append(append(buf, FinalLine(p)...), '\n')
		for _, line := range b.lineScore(p) {
			buf = append(append(buf, line...), '\n')
		}
		a.drop(p.GamePK)
	case p.OutsWhenUp+p.OutsOnPlay() >= 3:
		buf = append(append(buf, b.halfSummary(p)...), '\n')
		b.halfRuns, b.halfHits = 0, 0
	}
	return buf
}

func (a *Announcer) book(p *Pitch) *scorebook {
	b := a.books[p.GamePK]
	if b == nil {
		if len(a.books) >= MaxScorebooks {
			a.drop(a.leastNeeded())
		}
		b = &scorebook{away: p.AwayTeam, home: p.HomeTeam, partial: p.Partial, firstSeq: p.GameSeq, lastSeq: p.GameSeq - 1}
		a.books[p.GamePK] = b
		if b.partial {
			a.partials = append(a.partials, p.GamePK)
		}
	}
	b.lastSeen = a.seen
	return b
}

// drop forgets a game's scorebook.
func (a *Announcer) drop(pk int64) { delete(a.books, pk) }

// leastNeeded is the game whose book goes first when there are too many:
// the partial game whose book is oldest, at once, or, with none, the game
// seen least recently.
func (a *Announcer) leastNeeded() int64 {
	for len(a.partials) > 0 {
		pk := a.partials[0]
		a.partials = a.partials[1:]
		if b, ok := a.books[pk]; ok && b.partial {
			return pk
		}
	}
	var pick int64
	var pickSeen int64 = -1
	for pk, b := range a.books {
		if pickSeen < 0 || b.lastSeen < pickSeen {
			pick, pickSeen = pk, b.lastSeen
		}
	}
	return pick
}

// record counts the runs, hits and errors of a pitch.
func (b *scorebook) record(p *Pitch) {
	if p.GameSeq != b.lastSeq+1 {
		b.gaps = true
	}
	b.lastSeq = p.GameSeq
	runs, hit := b.add(p)
	b.halfRuns += runs
	if hit {
		b.halfHits++
	}
}

func (b *scorebook) complete() bool { return b.firstSeq == 1 && !b.gaps }

// halfSummary ends a half-inning: its runs and hits, and the score.
func (b *scorebook) halfSummary(p *Pitch) string {
	return fmt.Sprintf("  End of the %s of the %s: %s on %s. %s %d, %s %d.", halfName(p), Ordinal(p.Inning),
		plural(b.halfRuns, "run"), plural(b.halfHits, "hit"), p.AwayTeam, p.PostAwayScore, p.HomeTeam, p.PostHomeScore)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// lineScore draws the box a fan looks at, marked incomplete when the
// announcer did not see the whole game.
func (b *scorebook) lineScore(last *Pitch) []string {
	lines := b.box.lineScore(b.away, b.home, last.Inning, last.Top(), [2]int{last.PostAwayScore, last.PostHomeScore}, b.complete())
	if !b.complete() {
		lines = append(lines, fmt.Sprintf("  (incomplete: this announcer saw pitches %d to %d of the game, with gaps: %v)",
			b.firstSeq, b.lastSeq, b.gaps))
	}
	return lines
}

// lineScore draws runs by inning, then R, H, E, of a game that ended in
// lastInning, in its top half if endedInTop, with the final score final.
// An x marks a bottom half that was not needed; a dash, an inning the
// scorer did not see (complete is false) or that was not played.
func (b *box) lineScore(away, home string, lastInning int, endedInTop bool, final [2]int, complete bool) []string {
	innings := max(lastInning, 9)
	var sb strings.Builder
	header := fmt.Sprintf("  %-4s", "")
	for i := 1; i <= innings; i++ {
		header += fmt.Sprintf("%3d", i)
	}
	header += "    R  H  E"
	lines := []string{header}
	for team, abbr := range []string{away, home} {
		sb.Reset()
		fmt.Fprintf(&sb, "  %-4s", abbr)
		for i := 1; i <= innings; i++ {
			sb.WriteString(b.inningCell(team, i, lastInning, endedInTop, complete))
		}
		fmt.Fprintf(&sb, "  %3d%3d%3d", final[team], b.hits[team], b.errors[team])
		lines = append(lines, sb.String())
	}
	return lines
}

func (b *box) inningCell(team, inning, lastInning int, endedInTop, complete bool) string {
	if team == 1 && inning == lastInning && endedInTop {
		return "  x" // the home team won without batting in the last inning
	}
	if inning > len(b.runs[team]) {
		if inning > lastInning || !complete {
			return "  -"
		}
		return "  0"
	}
	return fmt.Sprintf("%3d", b.runs[team][inning-1])
}
