package game

import "strings"

// LiveGame is a game as a scoreboard shows it while it is played: its
// GameState, and what the GameState leaves out, the count and the last
// pitch. It is folded from the game's pitches in game_seq order, as
// GameState is.
type LiveGame struct {
	GameState
	// Balls and Strikes are the count after the last pitch: 0-0 once a
	// plate appearance or a half-inning ended.
	Balls, Strikes int
	// Last is the last pitch folded in.
	Last Pitch
}

// Apply folds one pitch into the game and reports whether it changed it.
// A pitch folded in already changes nothing, as with GameState.Apply.
func (g *LiveGame) Apply(p *Pitch) bool {
	if !g.GameState.Apply(p) {
		return false
	}
	g.Balls, g.Strikes = CountAfter(p)
	if g.Outs == 0 && p.OutsWhenUp+p.OutsOnPlay() >= 3 {
		g.Balls, g.Strikes = 0, 0 // the half-inning ended on a runner
	}
	g.Last = *p
	return true
}

// CountAfter returns the count after the pitch: 0-0 when it ended the
// plate appearance, else one more ball or strike, a foul with two strikes
// leaving it as it was.
func CountAfter(p *Pitch) (balls, strikes int) {
	balls, strikes = p.Balls, p.Strikes
	switch {
	case p.EndsPlateAppearance():
		return 0, 0
	case p.Type == "B":
		balls = min(3, balls+1)
	case p.Type == "S" && !(p.Description == "foul" && strikes == 2):
		strikes = min(2, strikes+1)
	}
	return balls, strikes
}

// PitchResult names what came of a pitch: the plate appearance's event
// when it ended one ("home run", "strikeout"), else the pitch's
// description ("called strike", "foul").
func PitchResult(p *Pitch) string {
	if p.Events != "" {
		return strings.ReplaceAll(p.Events, "_", " ")
	}
	return DescriptionPhrase(p.Description)
}
