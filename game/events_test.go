package game

import "testing"

// TestEachStatcastEventCountsAsMLBCountsIt spells out, event by event in
// Statcast's vocabulary, what MLB counts it as: a plate appearance (PA), an
// at-bat (AB), a hit (H), and the outs it makes.
func TestEachStatcastEventCountsAsMLBCountsIt(t *testing.T) {
	type want struct {
		pa, ab, hit bool
		outs        int
	}
	cases := map[string]want{
		"single":   {true, true, true, 0},
		"double":   {true, true, true, 0},
		"triple":   {true, true, true, 0},
		"home_run": {true, true, true, 0},

		"field_out":                 {true, true, false, 1},
		"force_out":                 {true, true, false, 1},
		"fielders_choice":           {true, true, false, 0},
		"fielders_choice_out":       {true, true, false, 1},
		"field_error":               {true, true, false, 0},
		"double_play":               {true, true, false, 2},
		"grounded_into_double_play": {true, true, false, 2},
		"triple_play":               {true, true, false, 3},
		"grounded_into_triple_play": {true, true, false, 3},
		"strikeout":                 {true, true, false, 1},
		"strikeout_double_play":     {true, true, false, 2},
		"strikeout_triple_play":     {true, true, false, 3},
		"batter_interference":       {true, true, false, 1},
		"fan_interference":          {true, true, false, 0},

		"walk":                 {true, false, false, 0},
		"intent_walk":          {true, false, false, 0},
		"hit_by_pitch":         {true, false, false, 0},
		"catcher_interf":       {true, false, false, 0},
		"sac_fly":              {true, false, false, 1},
		"sac_bunt":             {true, false, false, 1},
		"sac_fly_double_play":  {true, false, false, 2},
		"sac_bunt_double_play": {true, false, false, 2},

		// A runner's event leaves the batter up: no plate appearance.
		"caught_stealing_2b":           {false, false, false, 1},
		"caught_stealing_3b":           {false, false, false, 1},
		"caught_stealing_home":         {false, false, false, 1},
		"pickoff_1b":                   {false, false, false, 1},
		"pickoff_2b":                   {false, false, false, 1},
		"pickoff_3b":                   {false, false, false, 1},
		"pickoff_caught_stealing_2b":   {false, false, false, 1},
		"pickoff_caught_stealing_3b":   {false, false, false, 1},
		"pickoff_caught_stealing_home": {false, false, false, 1},
		"other_out":                    {false, false, false, 1},
		"runner_double_play":           {false, false, false, 2},
		"cs_double_play":               {false, false, false, 2},
		"stolen_base_2b":               {false, false, false, 0},
		"stolen_base_3b":               {false, false, false, 0},
		"stolen_base_home":             {false, false, false, 0},
		"wild_pitch":                   {false, false, false, 0},
		"passed_ball":                  {false, false, false, 0},
		"balk":                         {false, false, false, 0},
		"other_advance":                {false, false, false, 0},
		"defensive_indiff":             {false, false, false, 0},
		"pickoff_error_1b":             {false, false, false, 0},
		"pickoff_error_2b":             {false, false, false, 0},
		"pickoff_error_3b":             {false, false, false, 0},
		"error":                        {false, false, false, 0},
		"truncated_pa":                 {false, false, false, 0},
		"game_advisory":                {false, false, false, 0},
		"ejection":                     {false, false, false, 0},

		"":                      {false, false, false, 0}, // no event: the plate appearance goes on
		"a_code_not_yet_coined": {false, false, false, 0},
	}
	for event, w := range cases {
		t.Run(event, func(t *testing.T) {
			got := want{IsPlateAppearance(event), IsAtBat(event), IsHit(event), OutsOn(event)}
			if got != w {
				t.Errorf("%q counts as PA %v, AB %v, hit %v, %d outs; want PA %v, AB %v, hit %v, %d outs",
					event, got.pa, got.ab, got.hit, got.outs, w.pa, w.ab, w.hit, w.outs)
			}
			var s Stats
			s.Add(&Pitch{Events: event, Inning: 9, InningTopBot: "Top", GamePK: 1})
			if (s.PlateApps == 1) != w.pa || (s.AtBats == 1) != w.ab || (s.Hits == 1) != w.hit {
				t.Errorf("stats counted %q as %d PA, %d AB, %d hits", event, s.PlateApps, s.AtBats, s.Hits)
			}
		})
	}
	for event := range events {
		if _, ok := cases[event]; !ok {
			t.Errorf("event %q is in the vocabulary but not in this test", event)
		}
	}
}
