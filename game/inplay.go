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

// hit moves runners on a single, double or triple. Runners on second score
// on most singles, runners on first on some doubles, more often with two out
// when they run on contact.
func (g *Game) hit(p *Pitch, bb battedBall) {
	b := g.batter
	twoOut := 0.0
	if g.outs == 2 {
		twoOut = 0.2
	}
	var scored []*Batter
	take := func(i int) *Batter { r := g.bases[i]; g.bases[i] = nil; return r }
	switch bb.hit {
	case hitSingle:
		if r := take(2); r != nil {
			scored = append(scored, r)
		}
		if r := take(1); r != nil {
			if g.rng.Float64() < 0.72+twoOut {
				scored = append(scored, r)
			} else {
				g.bases[2] = r
			}
		}
		if r := take(0); r != nil {
			if g.bases[2] == nil && g.rng.Float64() < 0.38 {
				g.bases[2] = r
			} else {
				g.bases[1] = r
			}
		}
		g.bases[0] = b
	case hitDouble:
		scored = append(scored, nonNil(take(2), take(1))...)
		if r := take(0); r != nil {
			if g.rng.Float64() < 0.52+twoOut {
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

// groundOut turns double plays and force outs with a runner on first and
// fewer than two out; otherwise the batter is out and runners may move up.
func (g *Game) groundOut(p *Pitch, bb battedBall) {
	b := g.batter
	if g.bases[0] != nil && g.outs < 2 {
		lead := g.bases[0]
		x := g.rng.Float64()
		switch {
		case x < 0.45:
			g.outs += 2
			g.bases[0] = nil
			scored := g.runnersMoveUpOnOut()
			g.endPlateAppearance(p, "grounded_into_double_play", g.des.gidpDes(b, bb)+scoredDes(scored))
			return
		case x < 0.8:
			g.outs++
			g.bases[0] = nil
			scored := g.runnersMoveUpOnOut()
			g.bases[0] = b
			g.endPlateAppearance(p, "force_out", forceDes(b, lead, bb)+scoredDes(scored))
			return
		}
	}
	g.outs++
	scored := g.runnersMoveUpOnOut()
	g.endPlateAppearance(p, "field_out", g.des.outDes(b, bb)+scoredDes(scored))
}

// runnersMoveUpOnOut advances runners one base on a ground out while the
// inning goes on; a run scores only if the out was not the third.
func (g *Game) runnersMoveUpOnOut() []*Batter {
	if g.outs >= 3 {
		return nil
	}
	var scored []*Batter
	if r := g.bases[2]; r != nil && g.rng.Float64() < 0.62 {
		scored = append(scored, r)
		g.bases[2] = nil
	}
	if r := g.bases[1]; r != nil && g.bases[2] == nil && g.rng.Float64() < 0.6 {
		g.bases[2], g.bases[1] = r, nil
	}
	if r := g.bases[0]; r != nil && g.bases[1] == nil {
		g.bases[1], g.bases[0] = r, nil
	}
	return g.scoreRuns(scored, false)
}

// flyOut scores a runner from third on a sacrifice fly with fewer than two out.
func (g *Game) flyOut(p *Pitch, bb battedBall) {
	b := g.batter
	g.outs++
	if r := g.bases[2]; r != nil && g.outs < 3 && g.rng.Float64() < 0.75 {
		g.bases[2] = nil
		scored := g.scoreRuns([]*Batter{r}, false)
		g.endPlateAppearance(p, "sac_fly", g.des.sacFlyDes(b, bb)+scoredDes(scored))
		return
	}
	if r := g.bases[1]; r != nil && g.outs < 3 && g.bases[2] == nil && g.rng.Float64() < 0.3 {
		g.bases[2], g.bases[1] = r, nil
	}
	g.endPlateAppearance(p, "field_out", g.des.outDes(b, bb))
}

// OutsOn returns the outs made by a plate appearance that ended in the given
// Statcast event.
func OutsOn(event string) int {
	switch event {
	case "strikeout", "field_out", "force_out", "sac_fly", "sac_bunt", "fielders_choice_out",
		"caught_stealing_2b", "caught_stealing_3b", "caught_stealing_home",
		"pickoff_1b", "pickoff_2b", "pickoff_3b", "other_out":
		return 1
	case "grounded_into_double_play", "double_play", "strikeout_double_play",
		"sac_fly_double_play", "sac_bunt_double_play":
		return 2
	case "triple_play":
		return 3
	}
	return 0
}

// IsHit reports whether the event is a base hit.
func IsHit(event string) bool {
	switch event {
	case "single", "double", "triple", "home_run":
		return true
	}
	return false
}
