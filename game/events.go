package game

// Statcast's events, the outcome a pitch's `events` field names, and what
// each counts for by MLB's definitions: a plate appearance is completed
// when the batter is put out, reaches base or is awarded a base (walks,
// hit by pitch, interference) or sacrifices; an at-bat is a plate
// appearance that is not a walk, hit by pitch, sacrifice or catcher's
// interference. Runners' events (caught stealing, pickoffs, stolen bases,
// wild pitches, balks, a runner put out with the batter still up) end no
// plate appearance: the batter stays up, or, when the inning ends on such
// a play, leads off the next (Statcast marks his pitch truncated_pa).
type eventKind struct {
	plateAppearance, atBat, hit bool
	outs                        int
}

// events is Statcast's vocabulary. An event not in it ends no plate
// appearance and makes no out: the batter's outcomes are a fixed list,
// while new codes for other happenings do appear (game_advisory, say).
var events = map[string]eventKind{
	// hits
	"single":   {plateAppearance: true, atBat: true, hit: true},
	"double":   {plateAppearance: true, atBat: true, hit: true},
	"triple":   {plateAppearance: true, atBat: true, hit: true},
	"home_run": {plateAppearance: true, atBat: true, hit: true},
	// outs and reaching without a hit, at-bats all
	"field_out":                 {plateAppearance: true, atBat: true, outs: 1},
	"force_out":                 {plateAppearance: true, atBat: true, outs: 1},
	"fielders_choice":           {plateAppearance: true, atBat: true},
	"fielders_choice_out":       {plateAppearance: true, atBat: true, outs: 1},
	"field_error":               {plateAppearance: true, atBat: true},
	"double_play":               {plateAppearance: true, atBat: true, outs: 2},
	"grounded_into_double_play": {plateAppearance: true, atBat: true, outs: 2},
	"triple_play":               {plateAppearance: true, atBat: true, outs: 3},
	"grounded_into_triple_play": {plateAppearance: true, atBat: true, outs: 3},
	"strikeout":                 {plateAppearance: true, atBat: true, outs: 1},
	"strikeout_double_play":     {plateAppearance: true, atBat: true, outs: 2},
	"strikeout_triple_play":     {plateAppearance: true, atBat: true, outs: 3},
	"batter_interference":       {plateAppearance: true, atBat: true, outs: 1},
	"fan_interference":          {plateAppearance: true, atBat: true},
	// plate appearances that are not at-bats
	"walk":                 {plateAppearance: true},
	"intent_walk":          {plateAppearance: true},
	"hit_by_pitch":         {plateAppearance: true},
	"catcher_interf":       {plateAppearance: true},
	"sac_fly":              {plateAppearance: true, outs: 1},
	"sac_bunt":             {plateAppearance: true, outs: 1},
	"sac_fly_double_play":  {plateAppearance: true, outs: 2},
	"sac_bunt_double_play": {plateAppearance: true, outs: 2},
	// runners' events: the batter's plate appearance goes on
	"caught_stealing_2b":           {outs: 1},
	"caught_stealing_3b":           {outs: 1},
	"caught_stealing_home":         {outs: 1},
	"pickoff_1b":                   {outs: 1},
	"pickoff_2b":                   {outs: 1},
	"pickoff_3b":                   {outs: 1},
	"pickoff_caught_stealing_2b":   {outs: 1},
	"pickoff_caught_stealing_3b":   {outs: 1},
	"pickoff_caught_stealing_home": {outs: 1},
	"other_out":                    {outs: 1},
	"runner_double_play":           {outs: 2},
	"cs_double_play":               {outs: 2},
	"stolen_base_2b":               {},
	"stolen_base_3b":               {},
	"stolen_base_home":             {},
	"wild_pitch":                   {},
	"passed_ball":                  {},
	"balk":                         {},
	"other_advance":                {},
	"defensive_indiff":             {},
	"pickoff_error_1b":             {},
	"pickoff_error_2b":             {},
	"pickoff_error_3b":             {},
	"error":                        {},
	"truncated_pa":                 {}, // the inning's third out, a runner's: see Pitch.OutsOnPlay
	// not plays
	"game_advisory": {},
	"ejection":      {},
}

// IsPlateAppearance reports whether an event completes the batter's plate
// appearance (MLB's definition; see events).
func IsPlateAppearance(event string) bool { return events[event].plateAppearance }

// IsAtBat reports whether an event completes an official at-bat.
func IsAtBat(event string) bool { return events[event].atBat }

// IsHit reports whether the event is a base hit.
func IsHit(event string) bool { return events[event].hit }

// OutsOn returns the outs an event makes. truncated_pa makes the inning's
// third out, however many that is (Pitch.OutsOnPlay).
func OutsOn(event string) int { return events[event].outs }
