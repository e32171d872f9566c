package game

import "strings"

// The sentences of "des", in the spirit of Statcast's play descriptions.

var fielderNames = [...]string{
	1: "pitcher", 2: "catcher", 3: "first baseman", 4: "second baseman", 5: "third baseman",
	6: "shortstop", 7: "left fielder", 8: "center fielder", 9: "right fielder",
}

var fieldNames = [...]string{7: "left field", 8: "center field", 9: "right field"}

var bbPhrase = map[string]string{
	GroundBall: "a ground ball", LineDrive: "a line drive", FlyBall: "a fly ball", Popup: "a pop up",
}

func strikeoutDes(b *Batter, description string) string {
	if description == "called_strike" {
		return b.Name + " called out on strikes."
	}
	return b.Name + " strikes out swinging."
}

func walkDes(b *Batter, event string) string {
	if event == "hit_by_pitch" {
		return b.Name + " hit by pitch."
	}
	return b.Name + " walks."
}

var hitVerb = [...]string{hitSingle: "singles", hitDouble: "doubles", hitTriple: "triples", hitHomeRun: "homers"}

func hitDes(b *Batter, bb battedBall) string {
	field := bb.field
	if field < 7 {
		field = 8
	}
	return b.Name + " " + hitVerb[bb.hit] + " on " + bbPhrase[bb.bbType] + " to " + fieldNames[field] + "."
}

func errorDes(b *Batter, bb battedBall) string {
	return b.Name + " reaches on a fielding error by " + fielderNames[bb.field] + "."
}

var outVerb = map[string]string{
	GroundBall: " grounds out to ", LineDrive: " lines out to ", FlyBall: " flies out to ", Popup: " pops out to ",
}

func outDes(b *Batter, bb battedBall) string {
	return b.Name + outVerb[bb.bbType] + fielderNames[bb.field] + "."
}

func gidpDes(b *Batter, bb battedBall) string {
	return b.Name + " grounds into a double play, " + fielderNames[bb.field] + " to second to first."
}

func forceDes(b *Batter, runner *Batter, bb battedBall) string {
	return b.Name + " grounds into a force out, " + fielderNames[bb.field] + " to second. " + runner.Name + " out at 2nd."
}

func sacFlyDes(b *Batter, bb battedBall) string {
	return b.Name + " hits a sacrifice fly to " + fielderNames[bb.field] + "."
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
