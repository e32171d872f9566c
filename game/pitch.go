// Package game is pitchkafka's domain: a league of teams and players, the
// rules of baseball, a pitch-by-pitch simulator and the pitch event it emits.
//
// It is pure Go. It knows nothing of Kafka, the command line or logging, so
// it can be tested, benchmarked and reused on its own.
package game

import (
	"time"
)

// SchemaV1 names the version of the pitch event. It travels in every event's
// "schema" field.
const SchemaV1 = "pitchkafka.pitch/v1"

// TimestampLayout is how "ts" is written: RFC 3339, UTC, exactly milliseconds.
const TimestampLayout = "2006-01-02T15:04:05.000Z07:00"

// Pitch is one pitch event. Field names follow Baseball Savant's Statcast CSV
// columns wherever Statcast has the field. Player ids of 0 and empty strings
// stand for JSON null.
type Pitch struct {
	Schema string    `json:"schema"`
	TS     time.Time `json:"ts"`

	GamePK       int64  `json:"game_pk"`
	GameSeq      int    `json:"game_seq"`
	GameDate     string `json:"game_date"`
	HomeTeam     string `json:"home_team"`
	AwayTeam     string `json:"away_team"`
	Inning       int    `json:"inning"`
	InningTopBot string `json:"inning_topbot"`
	AtBatNumber  int    `json:"at_bat_number"`
	PitchNumber  int    `json:"pitch_number"`

	Pitcher     int64  `json:"pitcher"`
	PitcherName string `json:"pitcher_name"`
	Batter      int64  `json:"batter"`
	BatterName  string `json:"batter_name"`
	PThrows     string `json:"p_throws"`
	Stand       string `json:"stand"`

	Balls      int   `json:"balls"`
	Strikes    int   `json:"strikes"`
	OutsWhenUp int   `json:"outs_when_up"`
	On1B       int64 `json:"on_1b"`
	On2B       int64 `json:"on_2b"`
	On3B       int64 `json:"on_3b"`
	HomeScore  int   `json:"home_score"`
	AwayScore  int   `json:"away_score"`

	PitchType    string  `json:"pitch_type"`
	PitchName    string  `json:"pitch_name"`
	ReleaseSpeed float64 `json:"release_speed"`
	Type         string  `json:"type"`
	Description  string  `json:"description"`
	BBType       string  `json:"bb_type"`
	Events       string  `json:"events"`
	Des          string  `json:"des"`

	PostHomeScore int  `json:"post_home_score"`
	PostAwayScore int  `json:"post_away_score"`
	GameOver      bool `json:"game_over"`

	// Partial marks every pitch of a replayed game that the stream holds
	// only in part (a pitcher's export has only his pitches): no pitch of
	// it is game_over, and its score is not a final one. It is written
	// only when true.
	Partial bool `json:"partial,omitempty"`
}

// Top reports whether the away team bats, that is the top of the inning.
func (p *Pitch) Top() bool { return p.InningTopBot == "Top" }

// BattingTeam returns the abbreviation of the team at bat.
func (p *Pitch) BattingTeam() string {
	if p.Top() {
		return p.AwayTeam
	}
	return p.HomeTeam
}

// FieldingTeam returns the abbreviation of the team in the field.
func (p *Pitch) FieldingTeam() string {
	if p.Top() {
		return p.HomeTeam
	}
	return p.AwayTeam
}

// RunsScored returns how many runs scored on this pitch.
func (p *Pitch) RunsScored() int {
	return p.PostHomeScore - p.HomeScore + p.PostAwayScore - p.AwayScore
}

// EndsPlateAppearance reports whether the plate appearance ended on this pitch.
func (p *Pitch) EndsPlateAppearance() bool { return p.Events != "" }

// OutsOnPlay returns how many outs this pitch made. A plate appearance cut
// short (truncated_pa) was cut by the inning's third out, a runner's.
func (p *Pitch) OutsOnPlay() int {
	if p.Events == "truncated_pa" {
		return max(0, 3-p.OutsWhenUp)
	}
	return OutsOn(p.Events)
}

// Later reports whether a was thrown after b. The latest ts wins; ties go to
// the higher game_pk, then the higher game_seq. The order is total for
// distinct pitches, so folding a log with it never depends on how its
// partitions interleave.
func Later(a, b *Pitch) bool {
	oa, ob := OrderOf(a), OrderOf(b)
	return oa.Later(&ob)
}
