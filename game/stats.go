package game

import "math"

// Stats accumulates league figures from a stream of pitches, the same way
// for simulated and replayed data.
type Stats struct {
	Pitches         int
	Strikes         int // called, swinging, foul, in play
	FirstPitches    int
	FirstStrikes    int
	PlateApps       int
	AtBats          int
	Hits            int
	HomeRuns        int
	Strikeouts      int
	Walks           int
	HitByPitch      int
	Runs            int
	Games           int // games seen to their end
	ExtraInningGame int
	speed           map[string]*speedSum
}

type speedSum struct {
	n          int
	sum, sumSq float64
}

// Add counts one pitch.
func (s *Stats) Add(p *Pitch) {
	s.Pitches++
	if p.Type == "S" || p.Type == "X" {
		s.Strikes++
	}
	if p.Balls == 0 && p.Strikes == 0 {
		s.FirstPitches++
		if p.Type == "S" || p.Type == "X" {
			s.FirstStrikes++
		}
	}
	s.addSpeed(p.PitchType, p.ReleaseSpeed)
	s.Runs += p.RunsScored()
	if p.GameOver {
		s.Games++
		if p.Inning > 9 {
			s.ExtraInningGame++
		}
	}
	if p.Events != "" {
		s.addEvent(p.Events)
	}
}

func (s *Stats) addEvent(e string) {
	s.PlateApps++
	switch e {
	case "walk", "intent_walk":
		s.Walks++
		return
	case "hit_by_pitch":
		s.HitByPitch++
		return
	case "sac_fly", "sac_bunt", "catcher_interf", "sac_fly_double_play", "sac_bunt_double_play":
		return
	case "strikeout", "strikeout_double_play":
		s.Strikeouts++
	case "home_run":
		s.HomeRuns++
	}
	if IsHit(e) {
		s.Hits++
	}
	s.AtBats++
}

func (s *Stats) addSpeed(code string, mph float64) {
	if code == "" || mph == 0 {
		return
	}
	if s.speed == nil {
		s.speed = map[string]*speedSum{}
	}
	ss := s.speed[code]
	if ss == nil {
		ss = &speedSum{}
		s.speed[code] = ss
	}
	ss.n++
	ss.sum += mph
	ss.sumSq += mph * mph
}

// TeamGames returns the number of team-games: two per complete game.
func (s *Stats) TeamGames() float64 { return float64(2 * s.Games) }

// PitchTypeShare returns the share of pitches thrown with the given type.
func (s *Stats) PitchTypeShare(code string) float64 {
	if ss := s.speed[code]; ss != nil && s.Pitches > 0 {
		return float64(ss.n) / float64(s.Pitches)
	}
	return 0
}

// MeanSpeed returns the average release speed of a pitch type, and its
// standard deviation.
func (s *Stats) MeanSpeed(code string) (mean, sd float64) {
	ss := s.speed[code]
	if ss == nil || ss.n == 0 {
		return 0, 0
	}
	mean = ss.sum / float64(ss.n)
	return mean, math.Sqrt(math.Max(0, ss.sumSq/float64(ss.n)-mean*mean))
}

// Figure is one league figure, simulated or replayed, beside MLB's.
type Figure struct {
	Name     string  `json:"name"`
	Value    float64 `json:"value"`
	MLB      float64 `json:"mlb_2024"`
	Low      float64 `json:"low"`
	High     float64 `json:"high"`
	Decimals int     `json:"-"`
}

// InBounds reports whether the figure is within the calibration bounds.
func (f Figure) InBounds() bool { return f.Value >= f.Low && f.Value <= f.High }

// Figures returns the league figures the simulator is calibrated on, each
// with its 2024 MLB value and the bounds of the calibration.
func (s *Stats) Figures() []Figure {
	tg := s.TeamGames()
	pa := float64(s.PlateApps)
	ff, _ := s.MeanSpeed("FF")
	rel := func(name string, v, mlb, tol float64, dec int) Figure {
		return Figure{name, v, mlb, mlb * (1 - tol), mlb * (1 + tol), dec}
	}
	abs := func(name string, v, mlb, lo, hi float64, dec int) Figure {
		return Figure{name, v, mlb, lo, hi, dec}
	}
	return []Figure{
		rel("runs per team-game", ratio(float64(s.Runs), tg), 4.39, 0.05, 2),
		rel("K% of PA", 100*ratio(float64(s.Strikeouts), pa), 22.6, 0.05, 1),
		rel("BB% of PA", 100*ratio(float64(s.Walks), pa), 8.2, 0.08, 1),
		rel("HR per team-game", ratio(float64(s.HomeRuns), tg), 1.12, 0.10, 2),
		rel("hits per team-game", ratio(float64(s.Hits), tg), 8.20, 0.05, 2),
		rel("pitches per PA", ratio(float64(s.Pitches), pa), 3.89, 0.03, 2),
		rel("pitches per team-game", ratio(float64(s.Pitches), tg), 146, 0.05, 1),
		abs("strike%", 100*ratio(float64(s.Strikes), float64(s.Pitches)), 64.4, 62.9, 65.9, 1),
		abs("batting average", ratio(float64(s.Hits), float64(s.AtBats)), 0.243, 0.233, 0.253, 3),
		abs("extra-inning games %", 100*ratio(float64(s.ExtraInningGame), float64(s.Games)), 8.9, 6, 12, 1),
		abs("first-pitch strike%", 100*ratio(float64(s.FirstStrikes), float64(s.FirstPitches)), 60, 58, 63, 1),
		abs("four-seam mph", ff, 94.3, 93.3, 95.3, 1),
	}
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
