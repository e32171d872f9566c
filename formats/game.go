package formats

import (
	"errors"
	"fmt"
	"time"

	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/schemas/gamespb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// ErrInvalidGame is wrapped by the errors of a games record that does not
// read as a game state.
var ErrInvalidGame = errors.New("not a " + game.GameSchemaV1 + " record")

// GameEncoder writes game states as record values in one format, the
// Schema Registry formats through Confluent's serializers with
// schemas/games.* registered under the topic's subject.
type GameEncoder struct {
	serializers
	protoMsg gamespb.Game
}

// NewGameEncoder returns an encoder of the format for records of topic. For
// a Schema Registry format it registers the schema and then encodes one
// state, so that every lookup the serializer makes is cached: from then on
// encoding asks the registry nothing.
func NewGameEncoder(cfg Config, topic string, format Format) (*GameEncoder, error) {
	e := &GameEncoder{}
	if err := e.open(cfg, topic, format, gameSchemas, "game states"); err != nil {
		return nil, err
	}
	if _, err := e.Encode(&game.GameState{GamePK: 1, ThroughSeq: 1, TS: time.Now()}); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// Encode returns st's record value.
func (e *GameEncoder) Encode(st *game.GameState) (value []byte, err error) {
	switch e.format {
	case FormatAvro:
		value, err = e.avro.Serialize(e.topic, avroFromGame(st))
	case FormatProtobuf:
		protoFromGame(&e.protoMsg, st)
		value, err = e.proto.Serialize(e.topic, &e.protoMsg)
	case FormatJSONSchema:
		value, err = e.json.Serialize(e.topic, st)
	default:
		value, err = st.MarshalJSON()
	}
	if err != nil {
		return nil, fmt.Errorf("encode game %d through %d as %s: %w", st.GamePK, st.ThroughSeq, e.format, err)
	}
	return value, nil
}

// DecodeGame decodes a games record value by its first byte, as Decode
// does a pitch's. An error wrapping ErrInvalidGame means the record is no
// game state; any other, that the registry could not be asked.
func (d *Decoder) DecodeGame(value []byte) (game.GameState, error) {
	var st game.GameState
	switch {
	case value == nil:
		return st, fmt.Errorf("%w: null value", ErrInvalidGame)
	case IsFramed(value):
		return d.decodeFramedGame(value)
	}
	if err := st.UnmarshalJSON(value); err != nil {
		return st, fmt.Errorf("%w: %v", ErrInvalidGame, err)
	}
	return st, nil
}

func (d *Decoder) decodeFramedGame(value []byte) (game.GameState, error) {
	typ, id, err := d.framedSchema(value, ErrInvalidGame)
	if err != nil {
		return game.GameState{}, err
	}
	st, err := d.deserializeGame(typ, value)
	if err != nil {
		return game.GameState{}, fmt.Errorf("%w: %s with schema id %d: %v", ErrInvalidGame, typ, id, err)
	}
	return st, nil
}

func (d *Decoder) deserializeGame(schemaType string, value []byte) (game.GameState, error) {
	var st game.GameState
	switch schemaType {
	case "AVRO":
		var a avroGame
		if err := d.avro.DeserializeInto(d.topic, value, &a); err != nil {
			return st, err
		}
		return a.state(), nil
	case "PROTOBUF":
		var m gamespb.Game
		if err := d.proto.DeserializeInto(d.topic, value, &m); err != nil {
			return st, err
		}
		return gameFromProto(&m), nil
	case "JSON":
		err := d.json.DeserializeInto(d.topic, value, &st)
		return st, err
	}
	return st, fmt.Errorf("schema type %s is not one pitchkafka reads", schemaType)
}

// avroGame is the game state as schemas/games.avsc describes it: the
// nullable fields are pointers, nil for null.
type avroGame struct {
	Schema       string           `avro:"schema"`
	TS           time.Time        `avro:"ts"`
	GamePK       int64            `avro:"game_pk"`
	GameDate     string           `avro:"game_date"`
	AwayTeam     string           `avro:"away_team"`
	HomeTeam     string           `avro:"home_team"`
	Status       string           `avro:"status"`
	Inning       int              `avro:"inning"`
	InningTopBot string           `avro:"inning_topbot"`
	Outs         int              `avro:"outs"`
	On1B         *int64           `avro:"on_1b"`
	On2B         *int64           `avro:"on_2b"`
	On3B         *int64           `avro:"on_3b"`
	AwayScore    int              `avro:"away_score"`
	HomeScore    int              `avro:"home_score"`
	RunsByInning avroTeams[[]int] `avro:"runs_by_inning"`
	Hits         avroTeams[int]   `avro:"hits"`
	Errors       avroTeams[int]   `avro:"errors"`
	ThroughSeq   int              `avro:"through_seq"`
}

// avroTeams is a value for each team.
type avroTeams[T any] struct {
	Away T `avro:"away"`
	Home T `avro:"home"`
}

func avroFromGame(st *game.GameState) *avroGame {
	awayRuns, homeRuns := st.Runs()
	awayHits, homeHits := st.Hits()
	awayErrors, homeErrors := st.Errors()
	return &avroGame{
		Schema: game.GameSchemaV1, TS: st.TS, GamePK: st.GamePK, GameDate: st.GameDate,
		AwayTeam: st.AwayTeam, HomeTeam: st.HomeTeam, Status: st.Status(),
		Inning: st.Inning, InningTopBot: st.TopBot(), Outs: st.Outs,
		On1B: nullID(&st.On1B), On2B: nullID(&st.On2B), On3B: nullID(&st.On3B),
		AwayScore: st.AwayScore, HomeScore: st.HomeScore,
		RunsByInning: avroTeams[[]int]{Away: emptyIfNil(awayRuns), Home: emptyIfNil(homeRuns)},
		Hits:         avroTeams[int]{Away: awayHits, Home: homeHits},
		Errors:       avroTeams[int]{Away: awayErrors, Home: homeErrors},
		ThroughSeq:   st.ThroughSeq,
	}
}

// state is the game state a holds.
func (a *avroGame) state() game.GameState {
	st := game.GameState{GamePK: a.GamePK, GameDate: a.GameDate, AwayTeam: a.AwayTeam, HomeTeam: a.HomeTeam,
		Final: a.Status == game.StatusFinal, Inning: a.Inning, Top: a.InningTopBot == "Top", Outs: a.Outs,
		On1B: deref(a.On1B), On2B: deref(a.On2B), On3B: deref(a.On3B),
		AwayScore: a.AwayScore, HomeScore: a.HomeScore, ThroughSeq: a.ThroughSeq, TS: a.TS.UTC()}
	st.SetLines(game.Line{Runs: a.RunsByInning.Away, Hits: a.Hits.Away, Errors: a.Errors.Away},
		game.Line{Runs: a.RunsByInning.Home, Hits: a.Hits.Home, Errors: a.Errors.Home})
	return st
}

// protoFromGame fills m from st, reusing m's timestamp.
func protoFromGame(m *gamespb.Game, st *game.GameState) {
	ts := m.Ts
	if ts == nil {
		ts = new(timestamppb.Timestamp)
	}
	ts.Seconds, ts.Nanos = st.TS.Unix(), int32(st.TS.Nanosecond())
	awayRuns, homeRuns := st.Runs()
	awayHits, homeHits := st.Hits()
	awayErrors, homeErrors := st.Errors()
	*m = gamespb.Game{
		Schema: game.GameSchemaV1, Ts: ts, GamePk: st.GamePK, GameDate: st.GameDate,
		AwayTeam: st.AwayTeam, HomeTeam: st.HomeTeam, Status: st.Status(),
		Inning: int32(st.Inning), InningTopbot: st.TopBot(), Outs: int32(st.Outs),
		On_1B: nullID(&st.On1B), On_2B: nullID(&st.On2B), On_3B: nullID(&st.On3B),
		AwayScore: int32(st.AwayScore), HomeScore: int32(st.HomeScore),
		RunsByInning: &gamespb.RunsByInning{Away: int32s(awayRuns), Home: int32s(homeRuns)},
		Hits:         &gamespb.TeamCounts{Away: int32(awayHits), Home: int32(homeHits)},
		Errors:       &gamespb.TeamCounts{Away: int32(awayErrors), Home: int32(homeErrors)},
		ThroughSeq:   int32(st.ThroughSeq),
	}
}

// gameFromProto is the game state m holds.
func gameFromProto(m *gamespb.Game) game.GameState {
	st := game.GameState{GamePK: m.GamePk, GameDate: m.GameDate, AwayTeam: m.AwayTeam, HomeTeam: m.HomeTeam,
		Final: m.Status == game.StatusFinal, Inning: int(m.Inning), Top: m.InningTopbot == "Top", Outs: int(m.Outs),
		On1B: deref(m.On_1B), On2B: deref(m.On_2B), On3B: deref(m.On_3B),
		AwayScore: int(m.AwayScore), HomeScore: int(m.HomeScore), ThroughSeq: int(m.ThroughSeq)}
	if m.Ts != nil {
		st.TS = m.Ts.AsTime()
	}
	runs, hits, errs := m.GetRunsByInning(), m.GetHits(), m.GetErrors()
	st.SetLines(game.Line{Runs: ints(runs.GetAway()), Hits: int(hits.GetAway()), Errors: int(errs.GetAway())},
		game.Line{Runs: ints(runs.GetHome()), Hits: int(hits.GetHome()), Errors: int(errs.GetHome())})
	return st
}

func emptyIfNil(runs []int) []int {
	if runs == nil {
		return []int{}
	}
	return runs
}

func int32s(v []int) []int32 {
	out := make([]int32, len(v))
	for i, x := range v {
		out[i] = int32(x)
	}
	return out
}

func ints(v []int32) []int {
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x)
	}
	return out
}
