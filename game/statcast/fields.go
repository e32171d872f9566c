package statcast

import (
	"strconv"
	"strings"
	"time"

	"github.com/pitchkafka/pitchkafka/game"
)

// Fields of an export that are understood only from the whole file: dates
// whose day and month may come in either order, and player_name, which
// names whichever player was searched.

// dateLayouts are the forms of game_date accepted besides YYYY-MM-DD, once
// any time of day is cut off: Savant's, and what spreadsheets and other
// tools write when they re-save a file.
var dateLayouts = []string{"2006-1-2", "2006/1/2", "20060102", "1/2/2006", "1/2/06", "1-2-2006",
	"2-Jan-2006", "2-Jan-06", "2 Jan 2006", "Jan 2, 2006", "January 2, 2006", "Jan 2 2006"}

// dayFirstLayouts replace the month-first ones in a file whose dates put
// the day first (some day is above 12 where the month should be).
var dayFirstLayouts = map[string]string{"1/2/2006": "2/1/2006", "1/2/06": "2/1/06", "1-2-2006": "2-1-2006"}

// savantDate returns a game_date as YYYY-MM-DD, or false if it is no date.
func savantDate(s string, dayFirst bool) (string, bool) {
	if i := strings.IndexAny(s, " T"); i >= 8 && strings.IndexByte(s[i:], ':') >= 0 {
		s = s[:i] // 2022-10-05 00:00:00, 2022-10-05T00:00:00Z, 10/5/2022 0:00
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.Format("2006-01-02"), true
	}
	if strings.Count(s, ".") == 2 {
		s, dayFirst = strings.ReplaceAll(s, ".", "/"), true // 5.10.2022, as most of Europe writes it
	}
	for _, layout := range dateLayouts {
		if l, ok := dayFirstLayouts[layout]; ok && dayFirst {
			layout = l
		}
		if t, err := time.Parse(layout, s); err == nil && t.Year() >= 1870 {
			return t.Format("2006-01-02"), true
		}
	}
	return "", false
}

// dayFirstDates reports whether a file's numeric dates put the day first:
// some date has a first number above 12 and none a second.
func dayFirstDates(ps []game.Pitch) bool {
	firstBig, secondBig := false, false
	for i := range ps {
		date, _, _ := strings.Cut(ps[i].GameDate, " ")
		parts := strings.FieldsFunc(date, func(r rune) bool { return r == '/' || r == '-' })
		if len(parts) != 3 || len(parts[0]) > 2 {
			continue
		}
		a, errA := strconv.Atoi(parts[0])
		b, errB := strconv.Atoi(parts[1])
		if errA != nil || errB != nil {
			continue
		}
		firstBig = firstBig || a > 12
		secondBig = secondBig || b > 12
	}
	return firstBig && !secondBig
}

// nameThePlayers gives each pitch its pitcher's or its batter's name from
// player_name, whichever player the names follow in this file, and leaves
// both null when that is not clear. names[i] is pitch i's player_name.
func nameThePlayers(ps []game.Pitch, names []string) {
	owner := nameOwner(ps, names)
	for i := range ps {
		switch owner {
		case "pitcher":
			ps[i].PitcherName = savantName(names[i])
		case "batter":
			ps[i].BatterName = savantName(names[i])
		}
	}
}

// nameOwner returns "pitcher" or "batter", the id column player_name
// follows, or "" when it follows neither or both. A pitcher's export has
// one name for one pitcher and many batters; a league export one name per
// pitcher; a search by ballpark one name (the park's) for many pitchers
// and many batters.
func nameOwner(ps []game.Pitch, names []string) string {
	pOne, pUnique := follows(ps, names, func(p *game.Pitch) int64 { return p.Pitcher })
	bOne, bUnique := follows(ps, names, func(p *game.Pitch) int64 { return p.Batter })
	switch {
	case pOne && !bOne:
		return "pitcher"
	case bOne && !pOne:
		return "batter"
	case pOne && bOne && pUnique && !bUnique:
		return "pitcher"
	case pOne && bOne && bUnique && !pUnique:
		return "batter"
	}
	return ""
}

// follows reports whether each id has one name (oneName) and each name
// one id (oneID), over the pitches with a name.
func follows(ps []game.Pitch, names []string, id func(*game.Pitch) int64) (oneName, oneID bool) {
	nameOf := map[int64]string{}
	idOf := map[string]int64{}
	oneName, oneID = true, true
	for i := range ps {
		n := names[i]
		if n == "" {
			continue
		}
		k := id(&ps[i])
		if was, ok := nameOf[k]; ok && was != n {
			oneName = false
		}
		if was, ok := idOf[n]; ok && was != k {
			oneID = false
		}
		nameOf[k], idOf[n] = n, k
	}
	return oneName, oneID
}
