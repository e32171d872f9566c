package commands

import (
	"io"
	"os"

	"github.com/fatih/color"
	"github.com/pitchkafka/pitchkafka/game"
)

// palette colours pitch results: strikes, balls, balls in play and hits.
// It colours only when output goes to a terminal and NO_COLOR is unset.
type palette struct {
	strike, ball, inPlay, hit *color.Color
	on                        bool
}

func newPalette(w io.Writer) palette {
	p := palette{
		strike: color.New(color.FgRed),
		ball:   color.New(color.FgGreen),
		inPlay: color.New(color.FgCyan),
		hit:    color.New(color.FgYellow, color.Bold),
	}
	on := isTerminal(w) && os.Getenv("NO_COLOR") == ""
	p.on = on
	for _, c := range []*color.Color{p.strike, p.ball, p.inPlay, p.hit} {
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}
	return p
}

// result colours text by what the pitch did.
func (pl palette) result(p *game.Pitch, text string) string {
	switch {
	case game.IsHit(p.Events):
		return pl.hit.Sprint(text)
	case p.Type == "X":
		return pl.inPlay.Sprint(text)
	case p.Type == "B":
		return pl.ball.Sprint(text)
	case p.Description == "called_strike" || p.Description == "swinging_strike" ||
		p.Description == "swinging_strike_blocked" || p.Description == "foul_tip" || p.Events == "strikeout":
		return pl.strike.Sprint(text)
	}
	return text
}
