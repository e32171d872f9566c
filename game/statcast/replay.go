package statcast

import (
	"regexp"
	"sort"

	"github.com/pitchkafka/pitchkafka/game"
)

// Replay plays back pitches read from Statcast exports in the order they
// were thrown: games by game_date then game_pk, each game's pitches by
// at_bat_number then pitch_number. Games of the same date interleave, a
// pitch from each in turn, as they were played side by side; games of
// different dates never overlap. Each pitch gets its game_seq from that
// order. A game the files hold whole ends with game_over; every pitch of a
// game they hold only in part (a pitcher's export has his pitches only) is
// marked partial instead.
type Replay struct {
	pitches      []game.Pitch
	next         int
	duplicates   int
	wholeGames   int
	partialGames int
	scoresFixed  int
}

// NewReplay merges the pitches of several exports. A pitch that appears
// more than once, the same (game_pk, at_bat_number, pitch_number), is kept
// once, with the names any of its copies give.
func NewReplay(exports ...[]game.Pitch) *Replay {
	type key struct {
		pk            int64
		atBat, number int
	}
	seen := map[key]int{} // index in its game
	games := map[int64][]game.Pitch{}
	r := &Replay{}
	for _, ps := range exports {
		for _, p := range ps {
			k := key{p.GamePK, p.AtBatNumber, p.PitchNumber}
			if i, dup := seen[k]; dup {
				r.duplicates++
				fillNames(&games[p.GamePK][i], &p)
				continue
			}
			seen[k] = len(games[p.GamePK])
			games[p.GamePK] = append(games[p.GamePK], p)
		}
	}
	r.pitches = interleaveByDate(r.orderGames(games))
	return r
}

// fillNames gives a pitch the names another export of it knows: a
// pitcher's export names the pitcher, a batter's the batter.
func fillNames(p, dup *game.Pitch) {
	if p.PitcherName == "" {
		p.PitcherName = dup.PitcherName
	}
	if p.BatterName == "" {
		p.BatterName = dup.BatterName
	}
}

// orderGames sorts each game's pitches, numbers them, mends their scores,
// marks how it ends and returns the games in the order they were played.
func (r *Replay) orderGames(games map[int64][]game.Pitch) [][]game.Pitch {
	ordered := make([][]game.Pitch, 0, len(games))
	for _, ps := range games {
		sort.Slice(ps, func(i, j int) bool {
			if ps[i].AtBatNumber != ps[j].AtBatNumber {
				return ps[i].AtBatNumber < ps[j].AtBatNumber
			}
			return ps[i].PitchNumber < ps[j].PitchNumber
		})
		for i := range ps {
			ps[i].GameSeq = i + 1
		}
		r.scoresFixed += fixPostScores(ps)
		if isWholeGame(ps) {
			ps[len(ps)-1].GameOver = true
			r.wholeGames++
		} else {
			for i := range ps {
				ps[i].Partial = true
			}
			r.partialGames++
		}
		ordered = append(ordered, ps)
	}
	sort.Slice(ordered, func(i, j int) bool {
		a, b := ordered[i][0], ordered[j][0]
		if a.GameDate != b.GameDate {
			return a.GameDate < b.GameDate
		}
		return a.GamePK < b.GamePK
	})
	return ordered
}

// interleaveByDate lets the games of each date take turns, one pitch each.
func interleaveByDate(games [][]game.Pitch) []game.Pitch {
	var out []game.Pitch
	for start := 0; start < len(games); {
		end := start
		for end < len(games) && games[end][0].GameDate == games[start][0].GameDate {
			end++
		}
		out = append(out, roundRobin(games[start:end])...)
		start = end
	}
	return out
}

func roundRobin(games [][]game.Pitch) []game.Pitch {
	var out []game.Pitch
	for pos := 0; ; pos++ {
		took := false
		for _, ps := range games {
			if pos < len(ps) {
				out = append(out, ps[pos])
				took = true
			}
		}
		if !took {
			return out
		}
	}
}

// NextInto writes the next pitch into p, all of it but ts, and reports
// false once every pitch has been played.
func (r *Replay) NextInto(p *game.Pitch) bool {
	if r.next >= len(r.pitches) {
		return false
	}
	ts := p.TS
	*p = r.pitches[r.next]
	p.TS = ts
	r.next++
	return true
}

// Len returns the number of distinct pitches to play.
func (r *Replay) Len() int { return len(r.pitches) }

// Duplicates returns how many pitches were left out as duplicates.
func (r *Replay) Duplicates() int { return r.duplicates }

// Games returns how many games the files hold whole, and how many in part.
func (r *Replay) Games() (whole, partial int) { return r.wholeGames, r.partialGames }

// ScoresFixed returns how many pitches had their post-pitch score taken
// from the next pitch of the game, because the export's disagreed with it.
func (r *Replay) ScoresFixed() int { return r.scoresFixed }

// fixPostScores makes each pitch's post_home_score and post_away_score the
// score before the next pitch of the game, where that pitch directly
// follows it (the same at-bat, or the first pitch of the next): some
// seasons' exports repeat the score before the pitch, even on home runs.
// A pitch no pitch directly follows (a game's last, say a walk-off) has
// its score mended from its event instead, where the export's cannot be
// right (see runsOnPlay). It returns how many pitches it changed.
func fixPostScores(ps []game.Pitch) int {
	fixed := 0
	for i := range ps {
		p := &ps[i]
		var changed bool
		if i+1 < len(ps) && directlyFollows(p, &ps[i+1]) {
			changed = scoreFromNext(p, &ps[i+1])
		} else {
			changed = scoreFromEvent(p)
		}
		if changed {
			fixed++
		}
	}
	return fixed
}

// directlyFollows reports whether next is the pitch thrown right after p:
// the next of the same at-bat, or the first of the next.
func directlyFollows(p, next *game.Pitch) bool {
	return (next.AtBatNumber == p.AtBatNumber && next.PitchNumber == p.PitchNumber+1) ||
		(next.AtBatNumber == p.AtBatNumber+1 && next.PitchNumber == 1)
}

// scoreFromNext makes p's post score the score before next, unless next's
// is lower (an export that cannot be trusted there either).
func scoreFromNext(p, next *game.Pitch) bool {
	if next.HomeScore < p.HomeScore || next.AwayScore < p.AwayScore {
		return false
	}
	if p.PostHomeScore == next.HomeScore && p.PostAwayScore == next.AwayScore {
		return false
	}
	p.PostHomeScore, p.PostAwayScore = next.HomeScore, next.AwayScore
	return true
}

// scoreFromEvent mends the post score of a pitch that says no run scored
// although its event says runs did: a home run scores the batter and every
// runner on base, and other plays name each runner who scores in des ("…
// scores."). A post score that shows runs is left as the export has it.
func scoreFromEvent(p *game.Pitch) bool {
	runs := runsOnPlay(p)
	if runs == 0 || p.RunsScored() != 0 {
		return false
	}
	if p.Top() {
		p.PostAwayScore = p.AwayScore + runs
	} else {
		p.PostHomeScore = p.HomeScore + runs
	}
	return true
}

// scoresInDes finds each runner des says scored.
var scoresInDes = regexp.MustCompile(`\bscores\b`)

// runsOnPlay is how many runs a pitch's event says scored.
func runsOnPlay(p *game.Pitch) int {
	if p.Events == "home_run" {
		runs := 1
		for _, on := range []int64{p.On1B, p.On2B, p.On3B} {
			if on != 0 {
				runs++
			}
		}
		return runs
	}
	return len(scoresInDes.FindAllString(p.Des, -1))
}

// isWholeGame reports whether a game's pitches, in order, are all of it:
// every at-bat from the first to the last, and a last pitch that ends the
// game by the rules. One at-bat may be missing between two of the same
// half-inning, as a plate appearance without a pitch (an automatic
// intentional walk) can be; a missing half-inning never is. Games called
// early (rain, before the 7th) count as partial: the export cannot tell
// them from a file cut short.
func isWholeGame(ps []game.Pitch) bool {
	want := 1
	for i := range ps {
		switch ab := ps[i].AtBatNumber; {
		case ab == want:
			want++
		case ab == want+1 && i > 0 && sameHalf(&ps[i-1], &ps[i]):
			want += 2
		case ab != want-1:
			return false
		}
	}
	return endsGame(&ps[len(ps)-1])
}

func sameHalf(a, b *game.Pitch) bool { return a.Inning == b.Inning && a.InningTopBot == b.InningTopBot }

// endsGame reports whether a game can end on this pitch: from the 7th
// inning on (seven-inning doubleheaders of 2020-2022), a half-inning ends
// with the home team ahead after the top or either team ahead after the
// bottom, or the home team goes ahead in the bottom (a walk-off).
func endsGame(p *game.Pitch) bool {
	if p.Events == "" || p.Inning < 7 {
		return false
	}
	home, away := p.PostHomeScore, p.PostAwayScore
	threeOut := p.OutsWhenUp+p.OutsOnPlay() >= 3
	if p.Top() {
		return threeOut && home > away
	}
	return home > away || (threeOut && away > home)
}
