package game

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"strings"
)

// Roster sizes of every team: 13 pitchers and 13 position players make 26.
const (
	RotationSize = 5
	BullpenSize  = 8 // the closer included
	LineupSize   = 9
	BenchSize    = 4
)

// League is every team that can play, with full rosters.
type League struct {
	Name  string  `json:"name"`
	Teams []*Team `json:"teams"`
}

// Team is a club: its abbreviation, its name and its 26-man roster.
type Team struct {
	Abbr     string     `json:"abbr"`
	Name     string     `json:"name"`
	Pitchers []*Pitcher `json:"pitchers,omitempty"`
	Batters  []*Batter  `json:"batters,omitempty"`

	// Rotation, Bullpen and Closer are derived from Pitchers.
	Rotation []*Pitcher `json:"-"`
	Bullpen  []*Pitcher `json:"-"`
	Closer   *Pitcher   `json:"-"`
	// Lineup is the batting order, the first nine Batters.
	Lineup []*Batter `json:"-"`

	index int // place in the league, for per-team bookkeeping
}

// Pitch roles a pitcher can have.
const (
	RoleStarter  = "starter"
	RoleReliever = "reliever"
	RoleCloser   = "closer"
)

// Pitcher is a player who pitches, with his repertoire and skills.
type Pitcher struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Throws string `json:"throws"`
	Role   string `json:"role"`
	// Stuff scales his swinging-strike rate; 1 is league average.
	Stuff float64 `json:"stuff,omitempty"`
	// Control scales his ball rate; below 1 is better than average.
	Control float64 `json:"control,omitempty"`
	// Stamina is the pitch count around which he tires, for starters.
	Stamina    int        `json:"stamina,omitempty"`
	Repertoire []PitchMix `json:"repertoire"`

	// mixByCount holds, for each count, the cumulative weights of the
	// repertoire with fastballs leaned on when behind in the count.
	mixByCount [4][3][]float64
}

// PitchMix is one pitch type in a repertoire: how often and how fast.
type PitchMix struct {
	Type  string  `json:"type"`
	Share float64 `json:"share"`
	MPH   float64 `json:"mph"`

	kind     *PitchKind
	fastball bool
}

// Batter is a position player with his hitting skills.
type Batter struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Bats string `json:"bats"`
	// Contact scales how rarely he misses; Eye how rarely he chases;
	// Power his extra-base and home-run rate. 1 is league average.
	Contact float64 `json:"contact,omitempty"`
	Eye     float64 `json:"eye,omitempty"`
	Power   float64 `json:"power,omitempty"`

	invEye, invContact float64 // 1/Eye and 1/Contact, for the per-pitch draw
}

//go:embed league.json
var defaultLeagueJSON []byte

// DefaultLeague returns the built-in league: 30 teams with their 2016 names,
// the seven pitchers of the original demo on their 2016 clubs, and the rest
// of every roster generated deterministically.
func DefaultLeague() *League {
	l, err := ParseLeague(strings.NewReader(string(defaultLeagueJSON)))
	if err != nil {
		panic("built-in league is invalid: " + err.Error()) // a build defect, caught by tests
	}
	return l
}

// ParseLeague reads a league in pitchkafka's JSON format, checks it and fills
// every roster up to 26 players with generated ones. Errors name the team or
// player at fault.
func ParseLeague(r io.Reader) (*League, error) {
	var l League
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("read league: %w", err)
	}
	if len(l.Teams) < 2 {
		return nil, errors.New("a league needs at least 2 teams")
	}
	seen := map[string]bool{}
	for i, t := range l.Teams {
		if t.Abbr == "" {
			return nil, fmt.Errorf("team %d has no abbr", i+1)
		}
		if seen[t.Abbr] {
			return nil, fmt.Errorf("team %s appears twice", t.Abbr)
		}
		seen[t.Abbr] = true
		t.index = i
		if err := t.complete(i); err != nil {
			return nil, fmt.Errorf("team %s: %w", t.Abbr, err)
		}
	}
	return &l, nil
}

// Team returns the team with the given abbreviation, or nil.
func (l *League) Team(abbr string) *Team {
	for _, t := range l.Teams {
		if t.Abbr == abbr {
			return t
		}
	}
	return nil
}

// complete checks the listed players and generates the missing ones.
func (t *Team) complete(index int) error {
	rng := rand.New(rand.NewPCG(hashString(t.Abbr), 0x9e3779b97f4a7c15))
	for _, p := range t.Pitchers {
		if err := p.check(); err != nil {
			return err
		}
	}
	for _, b := range t.Batters {
		if err := b.check(); err != nil {
			return err
		}
	}
	nextID := int64(600000 + index*100)
	for t.count(RoleStarter) < RotationSize {
		t.Pitchers = append(t.Pitchers, generatePitcher(rng, nextID, RoleStarter))
		nextID++
	}
	if t.count(RoleCloser) == 0 {
		t.Pitchers = append(t.Pitchers, generatePitcher(rng, nextID, RoleCloser))
		nextID++
	}
	for t.count(RoleReliever)+t.count(RoleCloser) < BullpenSize {
		t.Pitchers = append(t.Pitchers, generatePitcher(rng, nextID, RoleReliever))
		nextID++
	}
	for len(t.Batters) < LineupSize+BenchSize {
		t.Batters = append(t.Batters, generateBatter(rng, nextID+50))
		nextID++
	}
	t.assignRoles()
	return nil
}

func (t *Team) count(role string) int {
	n := 0
	for _, p := range t.Pitchers {
		if p.Role == role {
			n++
		}
	}
	return n
}

func (t *Team) assignRoles() {
	t.Rotation, t.Bullpen, t.Closer = nil, nil, nil
	for _, p := range t.Pitchers {
		switch {
		case p.Role == RoleStarter && len(t.Rotation) < RotationSize:
			t.Rotation = append(t.Rotation, p)
		case p.Role == RoleCloser && t.Closer == nil:
			t.Closer = p
		default:
			t.Bullpen = append(t.Bullpen, p)
		}
	}
	t.Lineup = t.Batters[:LineupSize]
}

func (p *Pitcher) check() error {
	if p.ID <= 0 || p.Name == "" {
		return fmt.Errorf("pitcher %q needs a positive id and a name", p.Name)
	}
	if p.Throws != "L" && p.Throws != "R" {
		return fmt.Errorf("pitcher %s: throws must be L or R", p.Name)
	}
	switch p.Role {
	case RoleStarter, RoleReliever, RoleCloser:
	default:
		return fmt.Errorf("pitcher %s: role must be starter, reliever or closer", p.Name)
	}
	if len(p.Repertoire) == 0 {
		return fmt.Errorf("pitcher %s: empty repertoire", p.Name)
	}
	setDefault(&p.Stuff, 1)
	setDefault(&p.Control, 1)
	if p.Stamina == 0 {
		p.Stamina = 98
	}
	return p.prepareRepertoire()
}

func (p *Pitcher) prepareRepertoire() error {
	total := 0.0
	for i := range p.Repertoire {
		m := &p.Repertoire[i]
		kind := lookupKind(m.Type)
		if kind == nil {
			return fmt.Errorf("pitcher %s: unknown pitch type %q", p.Name, m.Type)
		}
		if m.Share <= 0 || m.MPH < 40 || m.MPH > 106 {
			return fmt.Errorf("pitcher %s: %s needs a positive share and mph between 40 and 106", p.Name, m.Type)
		}
		m.kind, m.fastball = kind, isFastball(kind.Code)
		total += m.Share
	}
	for i := range p.Repertoire {
		p.Repertoire[i].Share /= total
	}
	for balls := range p.mixByCount {
		for strikes := range p.mixByCount[balls] {
			cum, sum := make([]float64, len(p.Repertoire)), 0.0
			for i, m := range p.Repertoire {
				w := m.Share
				if m.fastball {
					w *= fastballLean(balls, strikes)
				}
				sum += w
				cum[i] = sum
			}
			p.mixByCount[balls][strikes] = cum
		}
	}
	return nil
}

func (b *Batter) check() error {
	if b.ID <= 0 || b.Name == "" {
		return fmt.Errorf("batter %q needs a positive id and a name", b.Name)
	}
	if b.Bats != "L" && b.Bats != "R" && b.Bats != "S" {
		return fmt.Errorf("batter %s: bats must be L, R or S", b.Name)
	}
	setDefault(&b.Contact, 1)
	setDefault(&b.Eye, 1)
	setDefault(&b.Power, 1)
	b.prepare()
	return nil
}

func (b *Batter) prepare() { b.invEye, b.invContact = 1/b.Eye, 1/b.Contact }

func setDefault(v *float64, def float64) {
	if *v == 0 {
		*v = def
	}
}

func generatePitcher(rng *rand.Rand, id int64, role string) *Pitcher {
	p := &Pitcher{
		ID:      id,
		Name:    generateName(rng),
		Throws:  pick(rng, 0.72, "R", "L"),
		Role:    role,
		Stuff:   clamp(1+rng.NormFloat64()*0.10, 0.75, 1.3),
		Control: clamp(1+rng.NormFloat64()*0.06, 0.85, 1.15),
		Stamina: int(clamp(98+rng.NormFloat64()*6, 85, 112)),
	}
	if role != RoleStarter {
		p.Stuff *= 1.06
	}
	if role == RoleCloser {
		p.Stuff *= 1.06
	}
	arm := rng.NormFloat64() * 1.4
	for _, k := range pitchKinds {
		if k.Include == 0 || rng.Float64() >= k.Include {
			continue
		}
		share := k.LeagueShare * mixCorrection[k.Code] / k.Include * math.Exp(rng.NormFloat64()*0.35)
		mph := k.MPH + arm + rng.NormFloat64()*k.SD*0.6
		p.Repertoire = append(p.Repertoire, PitchMix{Type: k.Code, Share: share, MPH: round1(mph)})
	}
	if len(p.Repertoire) < 2 {
		p.Repertoire = append(p.Repertoire, PitchMix{Type: "FF", Share: 0.6, MPH: round1(94.3 + arm)})
		p.Repertoire = append(p.Repertoire, PitchMix{Type: "SL", Share: 0.4, MPH: round1(85.3 + arm)})
	}
	if err := p.prepareRepertoire(); err != nil {
		panic(err) // generated data is valid by construction
	}
	return p
}

// mixCorrection scales each type's weight when generating repertoires, so
// that the league as pitched (starters throw more pitches than relievers,
// and shares are renormalised per pitcher) matches the Statcast mix. The
// factors are the measured ratio of target to pitched share;
// TestLeaguePitchMixMatchesStatcast checks the result.
var mixCorrection = map[string]float64{
	"FF": 1.018, "SI": 1.049, "SL": 0.917, "CH": 0.988, "CU": 1.021,
	"FC": 0.934, "KC": 0.922, "ST": 1.159, "FS": 1.978, "SV": 0.900,
}

func generateBatter(rng *rand.Rand, id int64) *Batter {
	b := &Batter{
		ID:      id,
		Name:    generateName(rng),
		Bats:    pickOf(rng, []float64{0.55, 0.35, 0.10}, "R", "L", "S"),
		Contact: clamp(1+rng.NormFloat64()*0.10, 0.75, 1.3),
		Eye:     clamp(1+rng.NormFloat64()*0.08, 0.8, 1.25),
		Power:   clamp(math.Exp(rng.NormFloat64()*0.35), 0.35, 2.2),
	}
	b.prepare()
	return b
}

var firstNames = strings.Fields(`Aaron Adam Alex Andrew Ben Blake Brandon Brian Carlos Chris Cody Colin Daniel
	David Dylan Eddie Eric Evan Francisco Gabe Garrett Hunter Ian Jack Jake James Javier Jesse Joe Jonah Jorge Jose
	Josh Juan Justin Kevin Kyle Luis Manny Marcus Matt Max Miguel Mike Nate Nick Oscar Pablo Pete Rafael Ryan Sam
	Sean Shane Spencer Tom Tony Trevor Tyler Victor Will Yoan Zack`)

var lastNames = strings.Fields(`Adams Alvarez Anderson Baker Bell Brooks Burns Castillo Chavez Clark Cole Collins
	Cruz Davis Diaz Edwards Evans Flores Foster Garcia Gomez Gonzalez Gray Green Hall Harris Hayes Hernandez Hill
	Howard Hughes Jackson James Jenkins Johnson Jones Kelly King Lee Lewis Lopez Martin Martinez Miller Mitchell
	Moore Morales Morgan Murphy Nelson Ortiz Parker Perez Peterson Phillips Ramirez Reed Reyes Rivera Roberts
	Robinson Rodriguez Rogers Ross Russell Sanchez Santos Scott Smith Stewart Sullivan Taylor Thomas Thompson
	Torres Turner Walker Ward Watson White Williams Wilson Wood Wright Young`)

func generateName(rng *rand.Rand) string {
	return firstNames[rng.IntN(len(firstNames))] + " " + lastNames[rng.IntN(len(lastNames))]
}

func pick(rng *rand.Rand, pFirst float64, first, second string) string {
	if rng.Float64() < pFirst {
		return first
	}
	return second
}

func pickOf(rng *rand.Rand, weights []float64, options ...string) string {
	x := rng.Float64()
	for i, w := range weights {
		if x < w {
			return options[i]
		}
		x -= w
	}
	return options[len(options)-1]
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// round1 rounds a positive value to one decimal.
func round1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }

func hashString(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}
