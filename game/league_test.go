package game

import (
	"strings"
	"testing"
)

func TestDefaultLeague(t *testing.T) {
	l := DefaultLeague()
	if len(l.Teams) != 30 {
		t.Fatalf("%d teams, want 30", len(l.Teams))
	}
	ids := map[int64]string{}
	for _, team := range l.Teams {
		if n := len(team.Pitchers) + len(team.Batters); n != 26 {
			t.Errorf("%s has %d players, want 26", team.Abbr, n)
		}
		if len(team.Rotation) != RotationSize || team.Closer == nil || len(team.Bullpen) != BullpenSize-1 || len(team.Lineup) != LineupSize {
			t.Errorf("%s: rotation %d, closer %v, bullpen %d, lineup %d", team.Abbr, len(team.Rotation), team.Closer != nil,
				len(team.Bullpen), len(team.Lineup))
		}
		for _, p := range team.Pitchers {
			if other, dup := ids[p.ID]; dup {
				t.Errorf("id %d on %s and %s", p.ID, other, team.Abbr)
			}
			ids[p.ID] = team.Abbr
		}
		for _, b := range team.Batters {
			if other, dup := ids[b.ID]; dup {
				t.Errorf("id %d on %s and %s", b.ID, other, team.Abbr)
			}
			ids[b.ID] = team.Abbr
		}
	}
	if DefaultLeague().Team("TOR").Rotation[0].Name != "R.A. Dickey" {
		t.Error("R.A. Dickey does not open Toronto's rotation")
	}
}

func TestParseLeague(t *testing.T) {
	tests := []struct {
		name, json, wantErr string
	}{
		{"two bare teams are filled in", `{"teams":[{"abbr":"AAA","name":"A"},{"abbr":"BBB","name":"B"}]}`, ""},
		{"a listed pitcher is kept", `{"teams":[{"abbr":"AAA","pitchers":[{"id":1,"name":"Ace","throws":"L","role":"starter",
			"repertoire":[{"type":"FF","share":1,"mph":99}]}]},{"abbr":"BBB"}]}`, ""},
		{"one team", `{"teams":[{"abbr":"AAA"}]}`, "at least 2 teams"},
		{"duplicate team", `{"teams":[{"abbr":"AAA"},{"abbr":"AAA"}]}`, "twice"},
		{"unknown field", `{"teams":[{"abbr":"AAA","colour":"red"},{"abbr":"BBB"}]}`, "colour"},
		{"unknown pitch type", `{"teams":[{"abbr":"AAA","pitchers":[{"id":1,"name":"X","throws":"R","role":"starter",
			"repertoire":[{"type":"ZZ","share":1,"mph":90}]}]},{"abbr":"BBB"}]}`, "unknown pitch type"},
		{"bad arm", `{"teams":[{"abbr":"AAA","pitchers":[{"id":1,"name":"X","throws":"Q","role":"starter",
			"repertoire":[{"type":"FF","share":1,"mph":90}]}]},{"abbr":"BBB"}]}`, "throws"},
		{"not json", `teams: []`, "read league"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := ParseLeague(strings.NewReader(tc.json))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s, err := NewSeason(l, SeasonConfig{Seed: 1, Concurrent: 1, Games: 2})
			if err != nil {
				t.Fatal(err)
			}
			over := 0
			for p, ok := s.Next(); ok; p, ok = s.Next() {
				if p.GameOver {
					over++
				}
			}
			if over != 2 {
				t.Errorf("%d games played to the end, want 2", over)
			}
			if a := l.Team("AAA"); len(a.Rotation) != RotationSize || len(a.Lineup) != LineupSize {
				t.Errorf("AAA not filled: %d starters, %d in the lineup", len(a.Rotation), len(a.Lineup))
			}
		})
	}
}
