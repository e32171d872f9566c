package game

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestGameStateFollowsTheSimulator folds every pitch of simulated games and
// checks, after each one, that the state stands where the simulator does:
// inning, half, outs, score, and at the end a final game.
func TestGameStateFollowsTheSimulator(t *testing.T) {
	l := DefaultLeague()
	for seed := uint64(1); seed <= 40; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			away, home := l.Teams[int(seed)%len(l.Teams)], l.Teams[(int(seed)+7)%len(l.Teams)]
			g := NewGame(int64(seed), "2026-04-01", away, home, away.Rotation[0], home.Rotation[0],
				Rules{ExtraInningsRunner: seed%2 == 0}, rand.New(rand.NewPCG(seed, 3)))
			var s GameState
			var p Pitch
			for g.NextInto(&p) {
				if !s.Apply(&p) {
					t.Fatalf("game_seq %d changed nothing", p.GameSeq)
				}
				if err := sameAsSimulator(&s, g); err != nil {
					t.Fatalf("after game_seq %d: %v", p.GameSeq, err)
				}
			}
			if !s.Final || s.Status() != StatusFinal || s.ThroughSeq != g.seq {
				t.Fatalf("end: final %v status %s through_seq %d, want final through %d", s.Final, s.Status(), s.ThroughSeq, g.seq)
			}
			checkLineScore(t, &s)
		})
	}
}

func sameAsSimulator(s *GameState, g *Game) error {
	got := fmt.Sprintf("inning %d top %v outs %d score %d-%d", s.Inning, s.Top, s.Outs, s.AwayScore, s.HomeScore)
	want := fmt.Sprintf("inning %d top %v outs %d score %d-%d", g.inning, g.top, g.outs, g.score[0], g.score[1])
	if got != want {
		return fmt.Errorf("state %s, simulator %s", got, want)
	}
	if s.Final != g.over {
		return fmt.Errorf("final %v, simulator over %v", s.Final, g.over)
	}
	return nil
}

// checkLineScore checks that the runs by inning add up to the score and
// that the away team batted in every inning the game went.
func checkLineScore(t *testing.T, s *GameState) {
	t.Helper()
	away, home := s.Runs()
	if sum(away) != s.AwayScore || sum(home) != s.HomeScore {
		t.Fatalf("runs by inning %v / %v do not add up to %d-%d", away, home, s.AwayScore, s.HomeScore)
	}
	if len(away) != s.Inning || len(home) < s.Inning-1 || len(home) > s.Inning {
		t.Fatalf("%d innings: runs by inning %v / %v", s.Inning, away, home)
	}
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// TestGameStateFoldsEachPitchOnce: pitches read again, as an at-least-once
// reader may, change nothing.
func TestGameStateFoldsEachPitchOnce(t *testing.T) {
	g := newTestGame(t, Rules{})
	var once, twice GameState
	var p Pitch
	for g.NextInto(&p) {
		once.Apply(&p)
		twice.Apply(&p)
		if twice.Apply(&p) {
			t.Fatalf("game_seq %d folded twice", p.GameSeq)
		}
	}
	if !reflect.DeepEqual(once, twice) {
		t.Fatalf("states differ:\n%+v\n%+v", once, twice)
	}
}

// TestGameStateJSONRoundTrip: a state written as JSON reads back the same,
// and the record has the fields the README documents.
func TestGameStateJSONRoundTrip(t *testing.T) {
	g := newTestGame(t, Rules{})
	var s GameState
	var p Pitch
	for n := 0; g.NextInto(&p); n++ {
		s.Apply(&p)
		b, err := json.Marshal(&s)
		if err != nil {
			t.Fatal(err)
		}
		var back GameState
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if !reflect.DeepEqual(s, back) {
			t.Fatalf("round trip of game_seq %d:\n%s\n%+v\n%+v", p.GameSeq, b, s, back)
		}
	}
	b, _ := json.Marshal(&s)
	var fields map[string]any
	if err := json.Unmarshal(b, &fields); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"schema", "ts", "game_pk", "game_date", "away_team", "home_team", "status", "inning",
		"inning_topbot", "outs", "on_1b", "on_2b", "on_3b", "away_score", "home_score", "runs_by_inning", "hits",
		"errors", "through_seq"} {
		if _, ok := fields[f]; !ok {
			t.Errorf("no %q in %s", f, b)
		}
	}
	if len(fields) != 19 {
		t.Errorf("%d fields, want 19: %s", len(fields), b)
	}
}

// TestGameStateJSONIsWhatEncodingJSONWrote: the hand-written encoder writes,
// byte for byte, what encoding/json wrote of gameJSON before it, for every
// state of simulated games (a games topic written by either reads the
// same); for strings that encoding/json escapes as HTML, the same values.
func TestGameStateJSONIsWhatEncodingJSONWrote(t *testing.T) {
	for seed := range uint64(5) {
		l := DefaultLeague()
		away, home := l.Team("SEA"), l.Team("MIN")
		g := NewGame(1, "2026-04-01", away, home, away.Rotation[0], home.Rotation[0], Rules{}, rand.New(rand.NewPCG(seed, 2)))
		var s GameState
		var p Pitch
		for g.NextInto(&p) {
			s.Apply(&p)
			if got, want := s.AppendJSON(nil), reflectedGameJSON(t, &s); string(got) != string(want) {
				t.Fatalf("seed %d, game_seq %d:\n got %s\nwant %s", seed, p.GameSeq, got, want)
			}
		}
	}
	odd := GameState{GamePK: -1, GameDate: "<&>\u2028\"\\\n\x01\xff", AwayTeam: "Ñü", HomeTeam: "",
		TS: time.Date(2025, 4, 1, 19, 5, 0, 123456789, time.FixedZone("x", 3600))}
	var got, want any
	if err := json.Unmarshal(odd.AppendJSON(nil), &got); err != nil {
		t.Fatalf("%s: %v", odd.AppendJSON(nil), err)
	}
	if err := json.Unmarshal(reflectedGameJSON(t, &odd), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("odd strings:\n got %v\nwant %v", got, want)
	}
}

// reflectedGameJSON is the state as encoding/json writes gameJSON.
func reflectedGameJSON(t *testing.T, s *GameState) []byte {
	t.Helper()
	id := func(v int64) *int64 {
		if v == 0 {
			return nil
		}
		return &v
	}
	runs := func(r []int) []int {
		if r == nil {
			return []int{}
		}
		return r
	}
	b, err := json.Marshal(gameJSON{
		Schema: GameSchemaV1, TS: s.TS.UTC().Format(TimestampLayout), GamePK: s.GamePK, GameDate: s.GameDate,
		AwayTeam: s.AwayTeam, HomeTeam: s.HomeTeam, Status: s.Status(),
		Inning: s.Inning, InningTopBot: s.TopBot(), Outs: s.Outs,
		On1B: id(s.On1B), On2B: id(s.On2B), On3B: id(s.On3B), AwayScore: s.AwayScore, HomeScore: s.HomeScore,
		RunsByInning: teamsOf[[]int]{runs(s.runs[0]), runs(s.runs[1])},
		Hits:         teamsOf[int]{s.hits[0], s.hits[1]}, Errors: teamsOf[int]{s.errors[0], s.errors[1]},
		ThroughSeq: s.ThroughSeq,
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGameStateCloneSharesNothing: a clone taken before pitches are folded
// in stays as it was, runs by inning included (a transaction that is
// undone puts it back).
func TestGameStateCloneSharesNothing(t *testing.T) {
	g := newTestGame(t, Rules{})
	var s GameState
	var p Pitch
	var clones []*GameState
	var want [][]byte
	for g.NextInto(&p) {
		c := s.Clone()
		b, _ := json.Marshal(c)
		clones, want = append(clones, c), append(want, b)
		s.Apply(&p)
	}
	for i, c := range clones {
		if b, _ := json.Marshal(c); string(b) != string(want[i]) {
			t.Fatalf("clone %d changed with the state:\n%s\nwas\n%s", i, b, want[i])
		}
	}
}

// TestGameStateDrawsTheAnnouncersLineScore: a game folded into a GameState
// draws the line score the announcer prints at its end, game by game.
func TestGameStateDrawsTheAnnouncersLineScore(t *testing.T) {
	for pk, ps := range seasonPitches(t, 21, 40) {
		a := NewAnnouncer()
		var s GameState
		var last []string
		for i := range ps {
			last = a.Lines(&ps[i])
			s.Apply(&ps[i])
		}
		got := strings.Join(s.LineScore(), "\n")
		if want := strings.Join(last[len(last)-3:], "\n"); got != want {
			t.Fatalf("game %d: the state draws\n%s\nthe announcer printed\n%s", pk, got, want)
		}
	}
}
