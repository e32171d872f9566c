package game

// PitchKind describes one Statcast pitch type: its name, how fast it is
// thrown league-wide and how it shades the outcome of a pitch.
type PitchKind struct {
	Code string
	Name string
	// MPH and SD are the league mean velocity and its spread between pitchers.
	MPH, SD float64
	// LeagueShare is the share of all pitches thrown with this type.
	LeagueShare float64
	// Include is the chance that a generated pitcher throws the type at all.
	Include float64
	// Whiff and Called scale the swinging- and called-strike rates.
	Whiff, Called float64
	// Grounders scales the chance that a ball in play is on the ground.
	Grounders float64
}

// pitchKinds holds the Statcast types pitchkafka knows, with league figures
// from ../shared/BASEBALL.md (2022 Statcast mix and velocity, 2024 whiff and
// called-strike rates by type, scaled to the league average).
var pitchKinds = []PitchKind{
	{"FF", "4-Seam Fastball", 94.3, 2.2, 0.323, 0.85, 0.87, 1.05, 0.85},
	{"SI", "Sinker", 92.8, 2.2, 0.152, 0.50, 0.52, 1.33, 1.35},
	{"SL", "Slider", 85.3, 2.9, 0.152, 0.62, 1.32, 0.92, 1.00},
	{"CH", "Changeup", 85.2, 3.2, 0.120, 0.60, 1.10, 0.58, 1.15},
	{"CU", "Curveball", 78.3, 3.6, 0.092, 0.45, 1.02, 1.18, 1.05},
	{"FC", "Cutter", 88.5, 2.9, 0.082, 0.35, 0.91, 0.95, 0.95},
	{"KC", "Knuckle Curve", 80.8, 3.3, 0.030, 0.12, 1.05, 1.10, 1.10},
	{"ST", "Sweeper", 81.5, 3.9, 0.022, 0.10, 1.13, 0.88, 0.90},
	{"FS", "Split-Finger", 86.9, 2.5, 0.018, 0.08, 1.33, 0.52, 1.30},
	{"SV", "Slurve", 82.3, 2.2, 0.008, 0.04, 1.10, 1.05, 1.00},
	{"KN", "Knuckleball", 76.0, 1.0, 0, 0, 1.00, 1.00, 0.95},
	{"EP", "Eephus", 60.0, 5.0, 0, 0, 0.50, 1.20, 0.80},
}

// PitchKinds returns every pitch type pitchkafka knows, in a fixed order.
func PitchKinds() []PitchKind {
	return append([]PitchKind(nil), pitchKinds...)
}

// lookupKind returns the shared PitchKind of a code, or nil.
func lookupKind(code string) *PitchKind {
	for i := range pitchKinds {
		if pitchKinds[i].Code == code {
			return &pitchKinds[i]
		}
	}
	return nil
}
