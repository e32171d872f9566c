package game

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// PitchLine narrates one pitch in a compact, unambiguous line, from the
// event alone:
//
//	[SEA@MIN T3 1-2, 1 out, runner on 2nd, 2-1] Kyle Gibson 91.4 mph sinker: foul
//
// The bracket holds the game (away@home), the half-inning, the count, the
// outs, the runners and the score (away-home) before the pitch.
func PitchLine(p *Pitch) string {
	var buf [160]byte
	return string(appendPitchLine(buf[:0], p))
}

// appendPitchLine appends PitchLine's text to b. Announcing a replay
// narrates hundreds of thousands of pitches a second, so it appends
// rather than formats.
func appendPitchLine(b []byte, p *Pitch) []byte {
	b = append(b, '[')
	b = append(b, p.AwayTeam...)
	b = append(b, '@')
	b = append(b, p.HomeTeam...)
	b = append(b, ' ')
	b = appendHalfInning(b, p)
	b = append(b, ' ')
	b = appendNumber(b, int64(p.Balls))
	b = append(b, '-')
	b = appendNumber(b, int64(p.Strikes))
	b = append(b, ", "...)
	b = append(b, outsPhrase(p.OutsWhenUp)...)
	b = append(b, ", "...)
	b = append(b, RunnersPhrase(p)...)
	b = append(b, ", "...)
	b = appendNumber(b, int64(p.AwayScore))
	b = append(b, '-')
	b = appendNumber(b, int64(p.HomeScore))
	b = append(b, "] "...)
	if p.PitcherName == "" {
		b = strconv.AppendInt(append(b, "pitcher "...), p.Pitcher, 10)
	}
	b = append(b, p.PitcherName...)
	if p.ReleaseSpeed > 0 {
		b = append(b, ' ')
		b = appendTenths(b, p.ReleaseSpeed)
		b = append(b, " mph"...)
	}
	if p.PitchName != "" {
		b = append(b, ' ')
		b = appendLower(b, p.PitchName)
	}
	b = append(b, ": "...)
	return append(b, DescriptionPhrase(p.Description)...)
}

// appendLower appends s in lower case; pitch names are ASCII.
func appendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return append(b, strings.ToLower(s[i:])...)
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// HalfInning returns "T3" for the top of the third, "B9" for the bottom of the ninth.
func HalfInning(p *Pitch) string {
	return string(appendHalfInning(nil, p))
}

func appendHalfInning(b []byte, p *Pitch) []byte {
	if p.Top() {
		return strconv.AppendInt(append(b, 'T'), int64(p.Inning), 10)
	}
	return strconv.AppendInt(append(b, 'B'), int64(p.Inning), 10)
}

func outsPhrase(outs int) string {
	switch outs {
	case 0:
		return "0 out"
	case 1:
		return "1 out"
	case 2:
		return "2 out"
	}
	return strconv.Itoa(outs) + " out"
}

// RunnersPhrase describes the bases before the pitch.
func RunnersPhrase(p *Pitch) string {
	occupied := 0
	if p.On1B != 0 {
		occupied |= 1
	}
	if p.On2B != 0 {
		occupied |= 2
	}
	if p.On3B != 0 {
		occupied |= 4
	}
	return runnersPhrases[occupied]
}

// runnersPhrases names each set of occupied bases, 1st base the low bit.
var runnersPhrases = [8]string{
	"bases empty",
	"runner on 1st",
	"runner on 2nd",
	"runners on 1st and 2nd",
	"runner on 3rd",
	"runners on 1st and 3rd",
	"runners on 2nd and 3rd",
	"bases loaded",
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
	if phrase, ok := commonDescriptions[d]; ok {
		return phrase
	}
	return strings.ReplaceAll(d, "_", " ")
}

// commonDescriptions spares the most common descriptions an allocation.
var commonDescriptions = map[string]string{
	"ball": "ball", "foul": "foul", "called_strike": "called strike", "swinging_strike": "swinging strike",
}

func resultSentence(p *Pitch) string {
	s := p.Des
	if s == "" {
		who := p.BatterName
		if who == "" {
			who = "batter " + strconv.FormatInt(p.Batter, 10)
		}
		s = who + ": " + strings.ReplaceAll(p.Events, "_", " ") + "."
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

// PartialLine says, before the first pitch seen of a game the stream holds
// only in part, that its score will not be a final one.
func PartialLine(p *Pitch) string {
	return fmt.Sprintf("PARTIAL %s@%s %s: the stream holds only some of this game's pitches; no final score. (game %d)",
		p.AwayTeam, p.HomeTeam, p.GameDate, p.GamePK)
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
