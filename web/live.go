package web

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/kafkaio"
)

// Palette size: the page colours games with the eight colours of Okabe
// and Ito's colour-blind-safe palette, and writes each game's tag beside
// its colour.
const paletteSize = 8

const (
	finalsShown    = 4  // final games that keep a card; older ones fold away
	finalsSent     = 24 // final games sent to the page, folded or not
	finalsKept     = 64 // final games remembered, for their segments' tags
	staleSent      = 64 // stale games sent to the page, all folded
	maxSegments    = 24 // games drawn per partition
	recentRecords  = 24 // latest records drawn one by one per partition
	pitchersShown  = 10 // rows of the last-pitch table
	olderSegmentPK = 0  // game_pk of the merged older runs
)

// A game in progress is stale when it has stopped while the topic went on
// without it: the newest pitch on the topic is more than staleAfter, and
// more than stalePaces of the game's own gaps between pitches, later than
// its last pitch. Time is the pitches' ts, not the clock, so a pause of
// every publisher folds nothing, and a log read again long after, from its
// beginning, folds what had stopped when it was written. A game's gap is
// its time from first pitch to last over its pitches less one; a game of
// one pitch has none yet and takes the median gap of the games in
// progress, so that at a slow --rate nothing live folds between pitches.
const (
	staleAfter = 20 * time.Second
	stalePaces = 10
)

// live is the page's view of the pitch log, folded record by record: the
// games, each partition's runs of records and the last-pitch table.
type live struct {
	mu         sync.Mutex
	games      map[int64]*liveGame
	partitions map[int32]*partitionLog
	table      *game.LastPitches
	records    int64
	finished   int       // games read to their end
	newest     time.Time // the latest ts of a pitch read
	version    uint64    // counts changes, so unchanged state is not sent again
}

// liveGame is a game with where the page draws it.
type liveGame struct {
	game.LiveGame
	colour    int
	partition int32
	first     time.Time // the ts of its first pitch
	pitches   int       // pitches folded in
}

// pace is the game's mean gap between pitches, 0 when it has one pitch.
func (g *liveGame) pace() time.Duration {
	if g.pitches < 2 {
		return 0
	}
	return g.TS.Sub(g.first) / time.Duration(g.pitches-1)
}

// typicalPace is the median pace of the games in progress that have one.
func (l *live) typicalPace() time.Duration {
	var paces []time.Duration
	for _, g := range l.games {
		if !g.Final && g.pitches > 1 {
			paces = append(paces, g.pace())
		}
	}
	if len(paces) == 0 {
		return 0
	}
	slices.Sort(paces)
	return paces[len(paces)/2]
}

// stale reports whether a game in progress has stopped while the topic
// went on without it (see staleAfter); typical is typicalPace().
func (l *live) stale(g *liveGame, typical time.Duration) bool {
	if g.Final {
		return false
	}
	pace := g.pace()
	if g.pitches < 2 {
		pace = typical
	}
	return l.newest.Sub(g.TS) > max(staleAfter, stalePaces*pace)
}

// partitionLog is what the page knows of one partition's records: its
// games in the order of their first record, and its latest records.
type partitionLog struct {
	segments []Segment
	recent   []Mark
}

func newLive() *live {
	return &live{games: map[int64]*liveGame{}, partitions: map[int32]*partitionLog{}, table: game.NewLastPitches()}
}

// apply folds one record in.
func (l *live) apply(r kafkaio.Record) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records++
	l.version++
	p := &r.Pitch
	if p.TS.After(l.newest) {
		l.newest = p.TS
	}
	g := l.games[p.GamePK]
	if g == nil {
		g = &liveGame{colour: l.freeColour(), partition: r.Partition, first: p.TS}
		l.games[p.GamePK] = g
	}
	wasFinal := g.Final
	if g.Apply(p) {
		g.pitches++
	}
	g.partition = r.Partition
	l.table.Apply(p)
	l.addToPartition(r.Partition, r.Offset, p.GamePK, g)
	if g.Final && !wasFinal {
		l.finished++
		l.forgetOldFinals()
	}
}

// freeColour returns the first colour no live game has (in progress and
// not stale), or the least used one when every colour is taken.
func (l *live) freeColour() int {
	var used [paletteSize]int
	typical := l.typicalPace()
	for _, g := range l.games {
		if !g.Final && !l.stale(g, typical) {
			used[g.colour]++
		}
	}
	best := 0
	for c := range used {
		if used[c] < used[best] {
			best = c
		}
	}
	return best
}

// addToPartition counts the record in its game's segment, starting one
// for a new game and merging the oldest beyond maxSegments, and keeps it
// among the partition's recent records.
func (l *live) addToPartition(partition int32, offset, pk int64, g *liveGame) {
	pl := l.partitions[partition]
	if pl == nil {
		pl = &partitionLog{}
		l.partitions[partition] = pl
	}
	pl.recent = append(pl.recent, Mark{Offset: offset, GamePK: pk, Colour: g.colour})
	if len(pl.recent) > recentRecords {
		pl.recent = slices.Delete(pl.recent, 0, len(pl.recent)-recentRecords)
	}
	for i := len(pl.segments) - 1; i >= 0; i-- {
		if seg := &pl.segments[i]; seg.GamePK == pk {
			seg.To, seg.Records = offset+1, seg.Records+1
			return
		}
	}
	pl.segments = append(pl.segments, Segment{GamePK: pk, Tag: tag(&g.LiveGame), Colour: g.colour, From: offset, To: offset + 1, Records: 1})
	if len(pl.segments) > maxSegments {
		a, b := pl.segments[0], pl.segments[1]
		pl.segments = pl.segments[1:]
		pl.segments[0] = Segment{GamePK: olderSegmentPK, Tag: "earlier games", Colour: -1,
			From: min(a.From, b.From), To: max(a.To, b.To), Records: a.Records + b.Records}
	}
}

// forgetOldFinals drops the oldest final games beyond finalsKept.
func (l *live) forgetOldFinals() {
	finals := l.finals()
	for _, pk := range finals[min(len(finals), finalsKept):] {
		delete(l.games, pk)
	}
}

// finals returns the final games' game_pks, the latest to end first.
func (l *live) finals() []int64 {
	var pks []int64
	for pk, g := range l.games {
		if g.Final {
			pks = append(pks, pk)
		}
	}
	slices.SortFunc(pks, func(a, b int64) int { return l.games[b].TS.Compare(l.games[a].TS) })
	return pks
}

func tag(g *game.LiveGame) string { return g.AwayTeam + "@" + g.HomeTeam }

// gamesView is the games as the page lists them: the live ones in the
// order they started, so that a card keeps its place; then the finished
// ones, the latest to end first, the first finalsShown with a card and the
// rest folded; then the stale ones, folded, the latest to pitch first. It
// sends at most finalsSent finished and staleSent stale games, and counts
// them all.
type gamesView struct {
	games           []Game
	stale, finished int
}

// view returns the games, the partitions' runs and the last-pitch table.
func (l *live) view() (games gamesView, runs map[int32]partitionLog, pitchers []Pitcher, records int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var live, stale []*liveGame
	typical := l.typicalPace()
	for _, g := range l.games {
		switch {
		case g.Final:
		case l.stale(g, typical):
			stale = append(stale, g)
		default:
			live = append(live, g)
		}
	}
	slices.SortFunc(live, func(a, b *liveGame) int {
		return cmp.Or(a.first.Compare(b.first), cmp.Compare(a.GamePK, b.GamePK))
	})
	slices.SortFunc(stale, func(a, b *liveGame) int {
		return cmp.Or(b.TS.Compare(a.TS), cmp.Compare(a.GamePK, b.GamePK))
	})
	games.games = make([]Game, 0, len(live)+finalsSent+min(len(stale), staleSent))
	for _, g := range live {
		games.games = append(games.games, gameView(g))
	}
	finals := l.finals()
	for i, pk := range finals[:min(len(finals), finalsSent)] {
		v := gameView(l.games[pk])
		v.Folded = i >= finalsShown
		games.games = append(games.games, v)
	}
	for _, g := range stale[:min(len(stale), staleSent)] {
		v := gameView(g)
		v.Stale, v.Folded = true, true
		games.games = append(games.games, v)
	}
	games.stale, games.finished = len(stale), l.finished
	runs = make(map[int32]partitionLog, len(l.partitions))
	for id, pl := range l.partitions {
		runs[id] = partitionLog{segments: slices.Clone(pl.segments), recent: slices.Clone(pl.recent)}
	}
	return games, runs, l.pitchers(), l.records
}

func gameView(g *liveGame) Game {
	v := Game{GamePK: g.GamePK, Tag: tag(&g.LiveGame), Colour: g.colour, Partition: g.partition,
		Away: g.AwayTeam, Home: g.HomeTeam, AwayScore: g.AwayScore, HomeScore: g.HomeScore,
		Inning: g.Inning, Half: g.TopBot(), Outs: g.Outs, Balls: g.Balls, Strikes: g.Strikes,
		Bases: [3]bool{g.On1B != 0, g.On2B != 0, g.On3B != 0}, Final: g.Final}
	if last := &g.Last; last.GameSeq > 0 {
		v.Last = &LastPitch{Pitcher: last.PitcherName, Batter: last.BatterName, Type: last.PitchName,
			MPH: last.ReleaseSpeed, Result: game.PitchResult(last)}
	}
	if g.Final {
		away, home := g.Runs()
		awayHits, homeHits := g.Hits()
		awayErrors, homeErrors := g.Errors()
		v.Line = &LineScore{Away: away, Home: home,
			AwayRHE: [3]int{g.AwayScore, awayHits, awayErrors}, HomeRHE: [3]int{g.HomeScore, homeHits, homeErrors}}
	}
	return v
}

// pitchers returns the rows of the pitchers who threw last, the latest first.
func (l *live) pitchers() []Pitcher {
	all := l.table.Sorted()
	slices.SortFunc(all, func(a, b game.Pitch) int {
		if game.Later(&a, &b) {
			return -1
		}
		return 1
	})
	rows := make([]Pitcher, 0, pitchersShown)
	for i := range all[:min(len(all), pitchersShown)] {
		p := &all[i]
		speeds := l.table.RecentSpeeds(p.Pitcher)
		colour := -1
		if g := l.games[p.GamePK]; g != nil {
			colour = g.colour
		}
		rows = append(rows, Pitcher{Name: pitcherName(p), Team: p.FieldingTeam(), Pitch: p.PitchName, MPH: p.ReleaseSpeed,
			Speeds: speeds, Result: game.PitchResult(p), Game: p.AwayTeam + "@" + p.HomeTeam,
			Colour: colour, Inning: game.HalfInning(p), When: p.TS.UTC().Format("15:04:05")})
	}
	return rows
}

func pitcherName(p *game.Pitch) string {
	if p.PitcherName != "" {
		return p.PitcherName
	}
	return "pitcher " + itoa(p.Pitcher)
}
