package game

import "strings"

// The sentences of "des", in the spirit of Statcast's play descriptions.
// Sentences that name only the batter repeat all season, so each batter
// keeps the ones he has needed (see memo); only runners who score are
// appended fresh.

// Kinds of memoised sentences, the high byte of a memo key.
const (
	desStrikeout = iota + 1
	desWalk
	desHit
	desError
	desOut
	desDoublePlay
	desSacFly
)

// sentences memoises, for one season, the sentences that name only the
// batter. It is not safe for concurrent use; a Season and its games run on
// one goroutine.
type sentences struct {
	memo map[sentenceKey]string
}

type sentenceKey struct {
	batter int64
	key    uint16
}

func newSentences() *sentences { return &sentences{memo: map[sentenceKey]string{}} }

// memo returns the batter's sentence for key, building it the first time.
func (d *sentences) memoize(b *Batter, key uint16, build func() string) string {
	k := sentenceKey{b.ID, key}
	if s, ok := d.memo[k]; ok {
		return s
	}
	s := build()
	d.memo[k] = s
	return s
}

func desKey(kind int, a, c int) uint16 { return uint16(kind<<8 | a<<4 | c) }

var fielderNames = [...]string{
	1: "pitcher", 2: "catcher", 3: "first baseman", 4: "second baseman", 5: "third baseman",
	6: "shortstop", 7: "left fielder", 8: "center fielder", 9: "right fielder",
}

var fieldNames = [...]string{7: "left field", 8: "center field", 9: "right field"}

var bbPhrase = map[string]string{
	GroundBall: "a ground ball", LineDrive: "a line drive", FlyBall: "a fly ball", Popup: "a pop up",
}

func (d *sentences) strikeoutDes(b *Batter, description string) string {
	if description == "called_strike" {
		return d.memoize(b, desKey(desStrikeout, 1, 0), func() string { return b.Name + " called out on strikes." })
	}
	return d.memoize(b, desKey(desStrikeout, 0, 0), func() string { return b.Name + " strikes out swinging." })
}

func (d *sentences) walkDes(b *Batter, event string) string {
	if event == "hit_by_pitch" {
		return d.memoize(b, desKey(desWalk, 1, 0), func() string { return b.Name + " hit by pitch." })
	}
	return d.memoize(b, desKey(desWalk, 0, 0), func() string { return b.Name + " walks." })
}

var hitVerb = [...]string{hitSingle: "singles", hitDouble: "doubles", hitTriple: "triples", hitHomeRun: "homers"}

func (d *sentences) hitDes(b *Batter, bb battedBall) string {
	field := bb.field
	if field < 7 {
		field = 8
	}
	return d.memoize(b, desKey(desHit, int(bb.hit)<<2|bbIndex(bb.bbType), field), func() string {
		return b.Name + " " + hitVerb[bb.hit] + " on " + bbPhrase[bb.bbType] + " to " + fieldNames[field] + "."
	})
}

func (d *sentences) errorDes(b *Batter, bb battedBall) string {
	return d.memoize(b, desKey(desError, 0, bb.field), func() string {
		return b.Name + " reaches on a fielding error by " + fielderNames[bb.field] + "."
	})
}

var outVerb = map[string]string{
	GroundBall: " grounds out to ", LineDrive: " lines out to ", FlyBall: " flies out to ", Popup: " pops out to ",
}

func (d *sentences) outDes(b *Batter, bb battedBall) string {
	return d.memoize(b, desKey(desOut, bbIndex(bb.bbType), bb.field), func() string {
		return b.Name + outVerb[bb.bbType] + fielderNames[bb.field] + "."
	})
}

func (d *sentences) gidpDes(b *Batter, bb battedBall) string {
	return d.memoize(b, desKey(desDoublePlay, 0, bb.field), func() string {
		return b.Name + " grounds into a double play, " + fielderNames[bb.field] + " to second to first."
	})
}

func (d *sentences) homeFirstDes(b *Batter, bb battedBall) string {
	return d.memoize(b, desKey(desDoublePlay, 1, bb.field), func() string {
		return b.Name + " grounds into a double play, " + fielderNames[bb.field] + " to catcher to first."
	})
}

var forceBase = map[string]string{"2nd": "second", "home": "catcher"}

func forceDes(b *Batter, runner *Batter, at string, bb battedBall) string {
	return b.Name + " grounds into a force out, " + fielderNames[bb.field] + " to " + forceBase[at] + ". " +
		runner.Name + " out at " + at + "."
}

func (d *sentences) sacFlyDes(b *Batter, bb battedBall) string {
	return d.memoize(b, desKey(desSacFly, 0, bb.field), func() string {
		return b.Name + " hits a sacrifice fly to " + fielderNames[bb.field] + "."
	})
}

// scoredDes names the runners who scored, as " A scores. B scores."
func scoredDes(scored []*Batter) string {
	if len(scored) == 0 {
		return ""
	}
	var sb strings.Builder
	for _, r := range scored {
		sb.WriteString(" ")
		sb.WriteString(r.Name)
		sb.WriteString(" scores.")
	}
	return sb.String()
}
