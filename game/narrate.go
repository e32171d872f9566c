package game

import (
	"fmt"
	"strconv"
	"strings"
)

// PitchLine narrates one pitch in a compact, unambiguous line, from the
// event alone:
//
//	[SEA@MIN T3 1-2, 1 out, runner on 2nd, 2-1] Kyle Gibson 91.4 mph sinker: foul
//
// The bracket holds the game (away@home), the half-inning, the count, the
// outs, the runners and the score (away-home) before the pitch.
func PitchLine(p *Pitch) string {
	var b strings.Builder
	b.Grow(120)
	b.WriteString("[")
	b.WriteString(p.AwayTeam)
	b.WriteString("@")
	b.WriteString(p.HomeTeam)
	b.WriteString(" ")
	b.WriteString(HalfInning(p))
	fmt.Fprintf(&b, " %d-%d, %s, %s, %d-%d] ", p.Balls, p.Strikes, outsPhrase(p.OutsWhenUp), RunnersPhrase(p),
		p.AwayScore, p.HomeScore)
	b.WriteString(p.PitcherName)
	if p.ReleaseSpeed > 0 {
		b.WriteString(" ")
		b.WriteString(strconv.FormatFloat(p.ReleaseSpeed, 'f', 1, 64))
		b.WriteString(" mph")
	}
	if p.PitchName != "" {
		b.WriteString(" ")
		b.WriteString(strings.ToLower(p.PitchName))
	}
	b.WriteString(": ")
	b.WriteString(DescriptionPhrase(p.Description))
	return b.String()
}

// HalfInning returns "T3" for the top of the third, "B9" for the bottom of the ninth.
func HalfInning(p *Pitch) string {
	if p.Top() {
		return "T" + strconv.Itoa(p.Inning)
	}
	return "B" + strconv.Itoa(p.Inning)
}

func outsPhrase(outs int) string {
	if outs == 1 {
		return "1 out"
	}
	return strconv.Itoa(outs) + " out"
}

// RunnersPhrase describes the bases before the pitch.
func RunnersPhrase(p *Pitch) string {
	var on []string
	for i, id := range []int64{p.On1B, p.On2B, p.On3B} {
		if id != 0 {
			on = append(on, [...]string{"1st", "2nd", "3rd"}[i])
		}
	}
	switch len(on) {
	case 0:
		return "bases empty"
	case 1:
		return "runner on " + on[0]
	case 2:
		return "runners on " + on[0] + " and " + on[1]
	}
	return "bases loaded"
}

// DescriptionPhrase turns a Statcast description into words.
func DescriptionPhrase(d string) string {
	switch d {
	case "hit_into_play":
		return "in play"
	case "blocked_ball":
		return "ball in the dirt"
	case "swinging_strike_blocked":
		return "swinging strike in the dirt"
	case "":
		return "no description"
	}
	return strings.ReplaceAll(d, "_", " ")
}

func resultSentence(p *Pitch) string {
	s := p.Des
	if s == "" {
		s = p.BatterName + ": " + strings.ReplaceAll(p.Events, "_", " ") + "."
	}
	if runs := p.RunsScored(); runs > 0 {
		s += fmt.Sprintf(" (%s %d, %s %d)", p.AwayTeam, p.PostAwayScore, p.HomeTeam, p.PostHomeScore)
	}
	return s
}

// FinalLine announces the final score of a game.
func FinalLine(p *Pitch) string {
	extra := ""
	if p.Inning != 9 {
		extra = fmt.Sprintf(" (%d innings)", p.Inning)
	}
	walkOff := ""
	if !p.Top() && p.PostHomeScore > p.PostAwayScore && p.OutsWhenUp+p.OutsOnPlay() < 3 {
		walkOff = ", on a walk-off"
	}
	return fmt.Sprintf("FINAL %s %d, %s %d%s%s. (game %d)", p.AwayTeam, p.PostAwayScore, p.HomeTeam, p.PostHomeScore,
		extra, walkOff, p.GamePK)
}

func halfName(p *Pitch) string {
	if p.Top() {
		return "top"
	}
	return "bottom"
}

// Ordinal returns 1st, 2nd, 3rd, 4th…
func Ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}
