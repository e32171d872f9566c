package formats

import (
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/schemas/pitchpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// protoFromPitch fills m from p, reusing m's timestamp. Its pointers point
// into p, so p must outlive the use of m.
func protoFromPitch(m *pitchpb.Pitch, p *game.Pitch) {
	ts := m.Ts
	if ts == nil {
		ts = new(timestamppb.Timestamp)
	}
	ts.Seconds, ts.Nanos = p.TS.Unix(), int32(p.TS.Nanosecond())
	*m = pitchpb.Pitch{
		Schema: p.Schema, Ts: ts, GamePk: p.GamePK, GameSeq: int32(p.GameSeq), GameDate: p.GameDate,
		HomeTeam: p.HomeTeam, AwayTeam: p.AwayTeam, Inning: int32(p.Inning), InningTopbot: p.InningTopBot,
		AtBatNumber: int32(p.AtBatNumber), PitchNumber: int32(p.PitchNumber),
		Pitcher: p.Pitcher, PitcherName: nullString(&p.PitcherName), Batter: p.Batter, BatterName: nullString(&p.BatterName),
		PThrows: nullString(&p.PThrows), Stand: nullString(&p.Stand),
		Balls: int32(p.Balls), Strikes: int32(p.Strikes), OutsWhenUp: int32(p.OutsWhenUp),
		On_1B: nullID(&p.On1B), On_2B: nullID(&p.On2B), On_3B: nullID(&p.On3B),
		HomeScore: int32(p.HomeScore), AwayScore: int32(p.AwayScore),
		PitchType: nullString(&p.PitchType), PitchName: nullString(&p.PitchName), ReleaseSpeed: nullSpeed(&p.ReleaseSpeed),
		Type: p.Type, Description: p.Description,
		BbType: nullString(&p.BBType), Events: nullString(&p.Events), Des: nullString(&p.Des),
		PostHomeScore: int32(p.PostHomeScore), PostAwayScore: int32(p.PostAwayScore), GameOver: p.GameOver,
		Partial: p.Partial,
	}
}

// pitchFromProto is the event m holds.
func pitchFromProto(m *pitchpb.Pitch) game.Pitch {
	p := game.Pitch{
		Schema: m.Schema, GamePK: m.GamePk, GameSeq: int(m.GameSeq), GameDate: m.GameDate,
		HomeTeam: m.HomeTeam, AwayTeam: m.AwayTeam, Inning: int(m.Inning), InningTopBot: m.InningTopbot,
		AtBatNumber: int(m.AtBatNumber), PitchNumber: int(m.PitchNumber),
		Pitcher: m.Pitcher, PitcherName: deref(m.PitcherName), Batter: m.Batter, BatterName: deref(m.BatterName),
		PThrows: deref(m.PThrows), Stand: deref(m.Stand),
		Balls: int(m.Balls), Strikes: int(m.Strikes), OutsWhenUp: int(m.OutsWhenUp),
		On1B: deref(m.On_1B), On2B: deref(m.On_2B), On3B: deref(m.On_3B),
		HomeScore: int(m.HomeScore), AwayScore: int(m.AwayScore),
		PitchType: deref(m.PitchType), PitchName: deref(m.PitchName), ReleaseSpeed: deref(m.ReleaseSpeed),
		Type: m.Type, Description: m.Description,
		BBType: deref(m.BbType), Events: deref(m.Events), Des: deref(m.Des),
		PostHomeScore: int(m.PostHomeScore), PostAwayScore: int(m.PostAwayScore), GameOver: m.GameOver,
		Partial: m.Partial,
	}
	if m.Ts != nil {
		p.TS = m.Ts.AsTime()
	}
	return p
}
