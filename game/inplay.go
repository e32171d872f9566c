package game

// ballInPlay resolves a batted ball: the event, the outs and the runners.
func (g *Game) ballInPlay(p *Pitch, bb battedBall) {
	p.BBType = bb.bbType
	b := g.batter
	switch {
	case bb.hit == hitHomeRun:
		scored := g.advanceAll(4, b)
		g.endPlateAppearance(p, "home_run", g.des.hitDes(b, bb)+scoredDes(scored[:len(scored)-1]))
	case bb.hit != hitNone:
		g.hit(p, bb)
	case bb.error:
		scored := g.advanceAll(1, b)
		g.endPlateAppearance(p, "field_error", g.des.errorDes(b, bb)+scoredDes(scored))
	case bb.bbType == GroundBall:
		g.groundOut(p, bb)
	case bb.bbType == FlyBall:
		g.flyOut(p, bb)
	default:
		g.outs++
		g.endPlateAppearance(p, "field_out", g.des.outDes(b, bb))
	}
}

// advanceAll moves every runner and the batter the same number of bases and
// scores those who reach home; the batter is last in the slice if he scores.
func (g *Game) advanceAll(bases int, batter *Batter) []*Batter {
	var scored []*Batter
	for i := 2; i >= 0; i-- {
		r := g.bases[i]
		if r == nil {
			continue
		}
		g.bases[i] = nil
		if i+bases >= 3 {
			scored = append(scored, r)
		} else {
			g.bases[i+bases] = r
		}
	}
	if bases >= 4 {
		scored = append(scored, batter)
	} else {
		g.bases[bases-1] = batter
	}
	return g.scoreRuns(scored, bases >= 4)
}

// How runners move on balls in play, by outs before the play. From
// Retrosheet-derived figures (README, "Data and credits"): a runner on
// second scores on four singles in five with two out; a runner on first
// takes third on about a quarter of singles and scores on about two doubles
// in five, more with two out, when he runs on contact. The rest were set so
// that run expectancy by base-out state comes out as MLB's; they stand in
// too for the steals and wild pitches the simulator does not play.
var (
	secondScoresOnSingle     = [3]float64{0.60, 0.62, 0.80}
	firstToThirdOnSingle     = [3]float64{0.26, 0.26, 0.32}
	firstScoresOnDouble      = [3]float64{0.36, 0.40, 0.60}
	thirdScoresOnGroundOut   = [3]float64{0.38, 0.80, 0}
	secondToThirdOnGroundOut = [3]float64{0.65, 0.55, 0}
	thirdScoresOnFlyOut      = [3]float64{0.78, 0.85, 0}
	secondToThirdOnFlyOut    = [3]float64{0.40, 0.25, 0}
)

// forceOutShare is the share of ground-ball outs with a runner on first and
// fewer than two out on which a runner is forced out and the batter reaches.
const forceOutShare = 0.25

// doublePlayShare is the share of ground-ball outs with a runner on first
// that are double plays, indexed [runner on second][runner on third][outs]:
// about one plate appearance in ten with a runner on first and fewer than
// two out ends in one, as in MLB (README). With another runner on and none
// out the infield often plays in and the fielder takes the lead runner;
// with runners on first and third the runner on first goes with the pitch,
// so there are few double plays.
var doublePlayShare = [2][2][2]float64{
	{{0.52, 0.52}, {0.10, 0.15}}, // first alone; first and third
	{{0.32, 0.45}, {0.28, 0.50}}, // first and second; bases loaded
}

// homeFirstShare is the share of double plays and force outs with the
// bases loaded that are made at home, by outs: with none out the infield
// mostly plays back and concedes the run.
var homeFirstShare = [2]float64{0.10, 0.35}

// hit moves runners on a single, double or triple.
func (g *Game) hit(p *Pitch, bb battedBall) {
	b := g.batter
	var scored []*Batter
	take := func(i int) *Batter { r := g.bases[i]; g.bases[i] = nil; return r }
	chance := func(by [3]float64) bool { return g.rng.Float64() < by[g.outs] }
	switch bb.hit {
	case hitSingle:
		if r := take(2); r != nil {
			scored = append(scored, r)
		}
		if r := take(1); r != nil {
			if chance(secondScoresOnSingle) {
				scored = append(scored, r)
			} else {
				g.bases[2] = r
			}
		}
		if r := take(0); r != nil {
			if g.bases[2] == nil && chance(firstToThirdOnSingle) {
				g.bases[2] = r
			} else {
				g.bases[1] = r
			}
		}
		g.bases[0] = b
	case hitDouble:
		scored = append(scored, nonNil(take(2), take(1))...)
		if r := take(0); r != nil {
			if chance(firstScoresOnDouble) {
				scored = append(scored, r)
			} else {
				g.bases[2] = r
			}
		}
		g.bases[1] = b
	default:
		scored = append(scored, nonNil(take(2), take(1), take(0))...)
		g.bases[2] = b
	}
	scored = g.scoreRuns(scored, false)
	g.endPlateAppearance(p, hitEvent[bb.hit], g.des.hitDes(b, bb)+scoredDes(scored))
}

var hitEvent = [...]string{hitSingle: "single", hitDouble: "double", hitTriple: "triple", hitHomeRun: "home_run"}

func nonNil(rs ...*Batter) []*Batter {
	out := rs[:0]
	for _, r := range rs {
		if r != nil {
			out = append(out, r)
		}
	}
	return out
}

// on returns 1 if base i (0 first, 2 third) is occupied, else 0.
func (g *Game) on(i int) int {
	if g.bases[i] != nil {
		return 1
	}
	return 0
}

// forced counts the runners the batter forces: those on first and on every
// base up to the first empty one.
func (g *Game) forced() int {
	n := 0
	for n < 3 && g.bases[n] != nil {
		n++
	}
	return n
}

// groundOut turns double plays and force outs with a runner on first and
// fewer than two out; otherwise the batter is out at first and runners may
// move up.
func (g *Game) groundOut(p *Pitch, bb battedBall) {
	if g.bases[0] != nil && g.outs < 2 {
		dp := doublePlayShare[g.on(1)][g.on(2)][g.outs]
		x := g.rng.Float64()
		switch {
		case x < dp:
			g.doublePlay(p, bb)
			return
		case x < dp+forceOutShare:
			g.forceOut(p, bb)
			return
		}
	}
	b, forced, before := g.batter, g.forced(), g.outs
	g.outs++
	scored := g.runnersMoveUp(forced, before)
	g.endPlateAppearance(p, "field_out", g.des.outDes(b, bb)+scoredDes(scored))
}

// doublePlay puts out the batter and one forced runner: the runner from
// first at second, or with the bases loaded sometimes the runner from third
// at home. The other forced runners move up.
func (g *Game) doublePlay(p *Pitch, bb battedBall) {
	b, forced, before := g.batter, g.forced(), g.outs
	g.outs += 2
	if forced == 3 && g.rng.Float64() < homeFirstShare[g.outs-2] {
		g.bases[2] = nil
		scored := g.runnersMoveUp(2, before)
		g.endPlateAppearance(p, "grounded_into_double_play", g.des.homeFirstDes(b, bb)+scoredDes(scored))
		return
	}
	g.bases[0] = nil
	scored := g.runnersMoveUp(forced-1, before)
	g.endPlateAppearance(p, "grounded_into_double_play", g.des.gidpDes(b, bb)+scoredDes(scored))
}

// forceOut puts out one forced runner, at second or, with the bases loaded
// and a drawn-in infield, at home; the batter reaches first.
func (g *Game) forceOut(p *Pitch, bb battedBall) {
	b, forced, before := g.batter, g.forced(), g.outs
	g.outs++
	lead, at := g.bases[0], "2nd"
	if forced == 3 && g.rng.Float64() < homeFirstShare[before] {
		lead, at = g.bases[2], "home"
		g.bases[2] = nil
		forced = 2
	} else {
		g.bases[0] = nil
		forced--
	}
	scored := g.runnersMoveUp(forced, before)
	g.bases[0] = b
	g.endPlateAppearance(p, "force_out", forceDes(b, lead, at, bb)+scoredDes(scored))
}

// runnersMoveUp advances runners after an out on the ground while the
// inning goes on: the first forced runners (counted from the lowest base
// still occupied) move up one base; others take the base ahead when it is
// free with the chances for the outs before the play. A run scores only if
// the out was not the third.
func (g *Game) runnersMoveUp(forced, outsBefore int) []*Batter {
	if g.outs >= 3 {
		return nil
	}
	// Forced runners are the lowest ones, ending at base forced-1 counted
	// from the lowest occupied base.
	low := 0
	for low < 3 && g.bases[low] == nil {
		low++
	}
	isForced := func(i int) bool { return i >= low && i < low+forced }
	var scored []*Batter
	if r := g.bases[2]; r != nil && (isForced(2) || g.rng.Float64() < thirdScoresOnGroundOut[outsBefore]) {
		scored = append(scored, r)
		g.bases[2] = nil
	}
	if r := g.bases[1]; r != nil && g.bases[2] == nil && (isForced(1) || g.rng.Float64() < secondToThirdOnGroundOut[outsBefore]) {
		g.bases[2], g.bases[1] = r, nil
	}
	if r := g.bases[0]; r != nil && g.bases[1] == nil {
		g.bases[1], g.bases[0] = r, nil
	}
	return g.scoreRuns(scored, false)
}

// flyOut scores a runner from third on a sacrifice fly with fewer than two
// out, and a runner on second may tag up and take third.
func (g *Game) flyOut(p *Pitch, bb battedBall) {
	b, before := g.batter, g.outs
	g.outs++
	if g.outs >= 3 {
		g.endPlateAppearance(p, "field_out", g.des.outDes(b, bb))
		return
	}
	var scored []*Batter
	if r := g.bases[2]; r != nil && g.rng.Float64() < thirdScoresOnFlyOut[before] {
		g.bases[2] = nil
		scored = g.scoreRuns([]*Batter{r}, false)
	}
	if r := g.bases[1]; r != nil && g.bases[2] == nil && g.rng.Float64() < secondToThirdOnFlyOut[before] {
		g.bases[2], g.bases[1] = r, nil
	}
	if len(scored) > 0 {
		g.endPlateAppearance(p, "sac_fly", g.des.sacFlyDes(b, bb)+scoredDes(scored))
		return
	}
	g.endPlateAppearance(p, "field_out", g.des.outDes(b, bb))
}
