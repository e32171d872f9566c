package formats

import (
	"time"

	"github.com/pitchkafka/pitchkafka/game"
)

// avroPitch is the pitch event as schemas/pitch.avsc describes it: the
// nullable fields are pointers, nil for null.
type avroPitch struct {
	Schema        string    `avro:"schema"`
	TS            time.Time `avro:"ts"`
	GamePK        int64     `avro:"game_pk"`
	GameSeq       int32     `avro:"game_seq"`
	GameDate      string    `avro:"game_date"`
	HomeTeam      string    `avro:"home_team"`
	AwayTeam      string    `avro:"away_team"`
	Inning        int32     `avro:"inning"`
	InningTopBot  string    `avro:"inning_topbot"`
	AtBatNumber   int32     `avro:"at_bat_number"`
	PitchNumber   int32     `avro:"pitch_number"`
	Pitcher       int64     `avro:"pitcher"`
	PitcherName   *string   `avro:"pitcher_name"`
	Batter        int64     `avro:"batter"`
	BatterName    *string   `avro:"batter_name"`
	PThrows       *string   `avro:"p_throws"`
	Stand         *string   `avro:"stand"`
	Balls         int32     `avro:"balls"`
	Strikes       int32     `avro:"strikes"`
	OutsWhenUp    int32     `avro:"outs_when_up"`
	On1B          *int64    `avro:"on_1b"`
	On2B          *int64    `avro:"on_2b"`
	On3B          *int64    `avro:"on_3b"`
	HomeScore     int32     `avro:"home_score"`
	AwayScore     int32     `avro:"away_score"`
	PitchType     *string   `avro:"pitch_type"`
	PitchName     *string   `avro:"pitch_name"`
	ReleaseSpeed  *float64  `avro:"release_speed"`
	Type          string    `avro:"type"`
	Description   string    `avro:"description"`
	BBType        *string   `avro:"bb_type"`
	Events        *string   `avro:"events"`
	Des           *string   `avro:"des"`
	PostHomeScore int32     `avro:"post_home_score"`
	PostAwayScore int32     `avro:"post_away_score"`
	GameOver      bool      `avro:"game_over"`
	Partial       bool      `avro:"partial"`
}

// fromPitch fills a from p. Its pointers point into p, so p must outlive
// the use of a.
func (a *avroPitch) fromPitch(p *game.Pitch) {
	*a = avroPitch{
		Schema: p.Schema, TS: p.TS, GamePK: p.GamePK, GameSeq: int32(p.GameSeq), GameDate: p.GameDate,
		HomeTeam: p.HomeTeam, AwayTeam: p.AwayTeam, Inning: int32(p.Inning), InningTopBot: p.InningTopBot,
		AtBatNumber: int32(p.AtBatNumber), PitchNumber: int32(p.PitchNumber),
		Pitcher: p.Pitcher, PitcherName: nullString(&p.PitcherName), Batter: p.Batter, BatterName: nullString(&p.BatterName),
		PThrows: nullString(&p.PThrows), Stand: nullString(&p.Stand),
		Balls: int32(p.Balls), Strikes: int32(p.Strikes), OutsWhenUp: int32(p.OutsWhenUp),
		On1B: nullID(&p.On1B), On2B: nullID(&p.On2B), On3B: nullID(&p.On3B),
		HomeScore: int32(p.HomeScore), AwayScore: int32(p.AwayScore),
		PitchType: nullString(&p.PitchType), PitchName: nullString(&p.PitchName), ReleaseSpeed: nullSpeed(&p.ReleaseSpeed),
		Type: p.Type, Description: p.Description,
		BBType: nullString(&p.BBType), Events: nullString(&p.Events), Des: nullString(&p.Des),
		PostHomeScore: int32(p.PostHomeScore), PostAwayScore: int32(p.PostAwayScore), GameOver: p.GameOver,
		Partial: p.Partial,
	}
}

// pitch is the event a holds.
func (a *avroPitch) pitch() game.Pitch {
	return game.Pitch{
		Schema: a.Schema, TS: a.TS.UTC(), GamePK: a.GamePK, GameSeq: int(a.GameSeq), GameDate: a.GameDate,
		HomeTeam: a.HomeTeam, AwayTeam: a.AwayTeam, Inning: int(a.Inning), InningTopBot: a.InningTopBot,
		AtBatNumber: int(a.AtBatNumber), PitchNumber: int(a.PitchNumber),
		Pitcher: a.Pitcher, PitcherName: deref(a.PitcherName), Batter: a.Batter, BatterName: deref(a.BatterName),
		PThrows: deref(a.PThrows), Stand: deref(a.Stand),
		Balls: int(a.Balls), Strikes: int(a.Strikes), OutsWhenUp: int(a.OutsWhenUp),
		On1B: deref(a.On1B), On2B: deref(a.On2B), On3B: deref(a.On3B),
		HomeScore: int(a.HomeScore), AwayScore: int(a.AwayScore),
		PitchType: deref(a.PitchType), PitchName: deref(a.PitchName), ReleaseSpeed: deref(a.ReleaseSpeed),
		Type: a.Type, Description: a.Description,
		BBType: deref(a.BBType), Events: deref(a.Events), Des: deref(a.Des),
		PostHomeScore: int(a.PostHomeScore), PostAwayScore: int(a.PostAwayScore), GameOver: a.GameOver,
		Partial: a.Partial,
	}
}

// The pitch event writes null for an empty string, a player id of 0 and a
// speed of 0; the typed formats write null (no value) for the same.

func nullString(s *string) *string {
	if *s == "" {
		return nil
	}
	return s
}

func nullID(id *int64) *int64 {
	if *id == 0 {
		return nil
	}
	return id
}

func nullSpeed(mph *float64) *float64 {
	if *mph == 0 {
		return nil
	}
	return mph
}

// deref is the value behind v, or the zero value (null) for nil.
func deref[T any](v *T) T {
	if v == nil {
		var zero T
		return zero
	}
	return *v
}
