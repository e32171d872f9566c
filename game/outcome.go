package game

import (
	"math/rand/v2"
)

// Pitch results before the count is applied.
type result int

const (
	resBall result = iota
	resCalledStrike
	resSwingingStrike
	resFoul
	resInPlay
	resHitByPitch
	numResults
)

// byCount is the share of pitches at each count that end as ball, called
// strike, swinging strike, foul or in play: MLB 2016, every pitch, from
// Retrosheet (../shared/BASEBALL.md). Indexed [balls][strikes].
var byCount = [4][3][5]float64{
	{{39.7, 31.8, 6.4, 11.1, 10.8}, {41.1, 11.1, 11.4, 18.4, 17.8}, {44.7, 3.7, 13.3, 19.9, 18.0}},
	{{35.0, 23.2, 8.8, 16.2, 16.6}, {34.8, 11.1, 12.0, 21.0, 20.9}, {37.7, 4.1, 14.0, 22.9, 21.0}},
	{{33.3, 24.6, 7.7, 16.7, 17.6}, {29.1, 11.5, 11.6, 23.7, 23.9}, {29.5, 4.8, 13.4, 26.5, 25.5}},
	{{39.8, 51.4, 1.2, 3.7, 3.8}, {27.3, 16.0, 8.6, 23.4, 24.7}, {21.8, 5.2, 11.7, 30.4, 30.7}},
}

// Tuning knobs that move the 2016 by-count base rates to the 2024 league,
// set by the calibration test in calibration_test.go.
const (
	whiffScale      = 1.13   // 2024 strikes out more than 2016
	calledScale     = 1.00   // called strikes as in the table
	ballScale       = 0.995  // about as many balls as 2016
	hitByPitchShare = 0.0030 // of all pitches
	foulTipShare    = 0.045  // of fouls
	foulScale       = 1.05   // a few more two-strike fouls, as in 2024
)

// matchup is everything that shades one pitch's result.
type matchup struct {
	pitcher *Pitcher
	batter  *Batter
	kind    *PitchKind
	fatigue float64 // 0 fresh, rising past the pitcher's stamina
	// hitShift scales the chance of a hit by 1+hitShift for the base-out
	// state: 0 is neutral (see situationShift).
	hitShift float64
}

// Batters hit better with fewer out and with runners on, worse with two
// out and runners in scoring position: MLB batting average by outs was
// .271, .267 and .248 with none, one and two out, .241 with two out and
// runners in scoring position, and .267 with runners on against .259 with
// the bases empty (2009, Baseball-Reference league splits; README, "Data
// and credits"). The sizes were then set so that run expectancy by base-out
// state matches MLB's, over many seeds (docs/simulation.md). Indexed
// [outs][bases empty, runner on first only, one runner in scoring
// position, runners on second and another, runners on first and third or
// the bases loaded]: with none out the last two are apart, where the
// runner on third scores on most balls in play and the one on first keeps
// the double play in order.
var hitShiftBySituation = [3][5]float64{
	{0.025, 0.10, 0.06, 0.13, 0.22},
	{0.00, 0.05, 0.09, 0.09, 0.09},
	{-0.035, -0.04, -0.09, -0.09, -0.09},
}

// situationShift returns the matchup's hitShift for a base-out state.
func situationShift(outs int, bases [3]*Batter) float64 {
	n := 0
	for _, r := range bases {
		if r != nil {
			n++
		}
	}
	on := 0
	switch {
	case n >= 2 && bases[0] != nil && bases[2] != nil:
		on = 4
	case n >= 2:
		on = 3
	case bases[0] != nil:
		on = 1
	case n == 1:
		on = 2
	}
	return hitShiftBySituation[min(outs, 2)][on]
}

// drawResult picks what a pitch does at the given count. One uniform draw
// decides both a hit-by-pitch and, failing that, the other results.
func drawResult(rng *rand.Rand, balls, strikes int, m matchup) result {
	u := rng.Float64()
	if u < hitByPitchShare {
		return resHitByPitch
	}
	base := byCount[balls][strikes]
	var w [5]float64
	w[resBall] = base[resBall] * ballScale * m.pitcher.Control * (1 + m.fatigue*0.25) * m.batter.Eye
	w[resCalledStrike] = base[resCalledStrike] * calledScale * m.kind.Called * m.batter.invEye
	w[resSwingingStrike] = base[resSwingingStrike] * whiffScale * m.kind.Whiff * m.pitcher.Stuff * m.batter.invContact * (1 - m.fatigue*0.2)
	w[resFoul] = base[resFoul] * foulScale
	w[resInPlay] = base[resInPlay]
	total := w[0] + w[1] + w[2] + w[3] + w[4]
	x := (u - hitByPitchShare) / (1 - hitByPitchShare) * total
	for i, v := range w {
		if x < v {
			return result(i)
		}
		x -= v
	}
	return resInPlay
}

// Batted-ball types, as Statcast names them.
const (
	GroundBall = "ground_ball"
	LineDrive  = "line_drive"
	FlyBall    = "fly_ball"
	Popup      = "popup"
)

// Outcomes of a ball in play, before the runners are moved.
type hitKind int

const (
	hitNone hitKind = iota // an out, or an error
	hitSingle
	hitDouble
	hitTriple
	hitHomeRun
)

// battedBall is what happened to a ball put in play.
type battedBall struct {
	bbType string
	hit    hitKind
	error  bool
	field  int // fielder position 1-9 the ball went to
}

// hitRates holds, per batted-ball type (in the order of bbIndex), the
// chance of single, double, triple and home run for a league-average matchup.
var hitRates = [4][4]float64{
	{0.213, 0.017, 0.002, 0},     // ground ball
	{0.432, 0.156, 0.009, 0.014}, // line drive
	{0.033, 0.058, 0.008, 0.120}, // fly ball
	{0.017, 0.002, 0, 0},         // popup
}

// bbIndex numbers the batted-ball types: ground ball, line drive, fly ball, popup.
func bbIndex(bbType string) int {
	switch bbType {
	case GroundBall:
		return 0
	case LineDrive:
		return 1
	case FlyBall:
		return 2
	}
	return 3
}

const errorRate = 0.014

// drawBattedBall decides the type and the result of a ball in play.
func drawBattedBall(rng *rand.Rand, m matchup) battedBall {
	bb := battedBall{bbType: drawBBType(rng, m)}
	rates := hitRates[bbIndex(bb.bbType)]
	contact := m.batter.Contact * (1 + m.fatigue*0.3) / m.pitcher.Stuff
	x := rng.Float64()
	for i, r := range rates {
		scale := 0.5 + 0.5*contact
		if hitKind(i+1) >= hitDouble {
			scale *= 0.4 + 0.6*m.batter.Power
		}
		if hitKind(i+1) == hitHomeRun {
			scale *= m.batter.Power * (1 + m.fatigue*0.5)
		}
		scale *= 1 + m.hitShift
		if x < r*scale {
			bb.hit = hitKind(i + 1)
			break
		}
		x -= r * scale
	}
	if bb.hit == hitNone && rng.Float64() < errorRate {
		bb.error = true
	}
	bb.field = drawFielder(rng, bb.bbType, bb.hit)
	return bb
}

func drawBBType(rng *rand.Rand, m matchup) string {
	ground := 0.43 * m.kind.Grounders / (0.75 + 0.25*m.batter.Power)
	line := 0.245
	fly := 0.255 * (0.7 + 0.3*m.batter.Power)
	pop := 0.07
	x := rng.Float64() * (ground + line + fly + pop)
	switch {
	case x < ground:
		return GroundBall
	case x < ground+line:
		return LineDrive
	case x < ground+line+fly:
		return FlyBall
	}
	return Popup
}

// drawFielder picks where the ball went: infielders for grounders and
// popups, outfielders for fly balls and most hits in the air.
func drawFielder(rng *rand.Rand, bbType string, hit hitKind) int {
	switch {
	case bbType == GroundBall && hit == hitNone:
		return 3 + rng.IntN(4) // first baseman 3 … shortstop 6
	case bbType == Popup:
		return 2 + rng.IntN(5) // catcher 2 … shortstop 6
	case bbType == GroundBall:
		return 7 + rng.IntN(3)
	case bbType == LineDrive && hit == hitNone:
		return 3 + rng.IntN(7)
	}
	return 7 + rng.IntN(3)
}
