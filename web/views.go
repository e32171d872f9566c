package web

// State is everything the page shows, sent whole on every update: the JSON
// of each server-sent event and of /state. It holds pitches, offsets and
// group names only, never the client's configuration.
type State struct {
	Topic string `json:"topic"`
	// At is when the state was built, RFC 3339.
	At      string `json:"at"`
	Records int64  `json:"records"` // pitches folded in
	// Games are the live games, in the order they started; then the
	// finished ones, the latest to end first, all but the latest four
	// folded; then the stale ones (see live.go), folded, the latest to
	// pitch first. Not every finished or stale game is sent: StaleGames and
	// FinishedGames count them all.
	Games         []Game      `json:"games"`
	StaleGames    int         `json:"stale_games"`
	FinishedGames int         `json:"finished_games"` // games read to their end
	Partitions    []Partition `json:"partitions"`
	Groups        []Group     `json:"groups"`
	// Changes are the latest changes of the groups' membership and
	// assignments, newest first.
	Changes  []Change  `json:"changes"`
	Pitchers []Pitcher `json:"pitchers"`
	// Problem says why part of the page is stale (a broker that does not
	// answer), or is empty.
	Problem string `json:"problem,omitempty"`
}

// Game is one game's card.
type Game struct {
	GamePK int64  `json:"game_pk"`
	Tag    string `json:"tag"` // "NYY@BOS", the text beside the game's colour
	// Colour is the game's index in the page's palette.
	Colour    int    `json:"colour"`
	Partition int32  `json:"partition"`
	Away      string `json:"away"`
	Home      string `json:"home"`
	AwayScore int    `json:"away_score"`
	HomeScore int    `json:"home_score"`
	Inning    int    `json:"inning"`
	Half      string `json:"half"` // "Top" or "Bot"
	Outs      int    `json:"outs"`
	Balls     int    `json:"balls"`
	Strikes   int    `json:"strikes"`
	// Bases says which of first, second and third has a runner.
	Bases [3]bool `json:"bases"`
	Final bool    `json:"final"`
	// Stale says the game stopped in progress while the topic went on;
	// Folded that the page lists it folded away, under a count.
	Stale  bool       `json:"stale,omitempty"`
	Folded bool       `json:"folded,omitempty"`
	Last   *LastPitch `json:"last,omitempty"`
	// Line is the line score, sent once the game is final.
	Line *LineScore `json:"line,omitempty"`
}

// LastPitch is the last pitch of a game.
type LastPitch struct {
	Pitcher string  `json:"pitcher"`
	Batter  string  `json:"batter"`
	Type    string  `json:"type"`
	MPH     float64 `json:"mph"`
	Result  string  `json:"result"`
}

// LineScore is a final game's runs by inning, and runs, hits and errors.
type LineScore struct {
	Away    []int  `json:"away"`
	Home    []int  `json:"home"`
	AwayRHE [3]int `json:"away_rhe"`
	HomeRHE [3]int `json:"home_rhe"`
}

// Partition is one partition drawn as a log.
type Partition struct {
	ID int32 `json:"id"`
	// High is the high watermark: the offset the next record will take.
	High int64 `json:"high"`
	// Segments are the games on the partition, in the order of their
	// first record, each with how many records it has there; the oldest
	// games are merged into one segment with game_pk 0.
	Segments []Segment `json:"segments"`
	// Recent are the partition's latest records, oldest first.
	Recent []Mark `json:"recent"`
}

// Segment is one game's records on a partition, at offsets From to To,
// To excluded, with other games' records in between when they interleave.
type Segment struct {
	GamePK  int64  `json:"game_pk"`
	Tag     string `json:"tag"`
	Colour  int    `json:"colour"` // -1 for the merged older games
	From    int64  `json:"from"`
	To      int64  `json:"to"`
	Records int64  `json:"records"`
}

// Mark is one record: its offset and its game.
type Mark struct {
	Offset int64 `json:"offset"`
	GamePK int64 `json:"game_pk"`
	Colour int   `json:"colour"`
}

// Group is one consumer group reading the topic.
type Group struct {
	ID         string           `json:"id"`
	Protocol   string           `json:"protocol"`
	State      string           `json:"state"`
	Assignor   string           `json:"assignor,omitempty"`
	Members    []Member         `json:"members"`
	Partitions []GroupPartition `json:"partitions"`
	Lag        int64            `json:"lag"` // summed over the partitions with a committed offset
	// Idle says the group has had no member for idleAfter, or none since
	// the page started: a group of an earlier run. The page folds it away,
	// below the others.
	Idle bool `json:"idle,omitempty"`
}

// Member is a group member and the partitions it owns.
type Member struct {
	Name       string  `json:"name"` // the client id and the end of the member id
	Host       string  `json:"host"`
	Partitions []int32 `json:"partitions"`
}

// GroupPartition is a group's position on one partition.
type GroupPartition struct {
	ID    int32  `json:"id"`
	Owner string `json:"owner"` // a member's Name, or "" when none owns it
	// Committed is the committed offset, -1 when there is none; Lag is the
	// high watermark minus it, -1 when there is none.
	Committed int64 `json:"committed"`
	Lag       int64 `json:"lag"`
}

// Change is a change of a group's membership or assignment.
type Change struct {
	At       string `json:"at"` // RFC 3339, to the millisecond
	Group    string `json:"group"`
	Protocol string `json:"protocol"`
	// Joined and Left name members that came and went.
	Joined []string `json:"joined,omitempty"`
	Left   []string `json:"left,omitempty"`
	Moves  []Move   `json:"moves,omitempty"`
}

// Move is a partition that changed owner; From is "" when it had none.
type Move struct {
	Partition int32  `json:"partition"`
	From      string `json:"from"`
	To        string `json:"to"`
}

// Pitcher is a row of the last-pitch table.
type Pitcher struct {
	Name   string    `json:"name"`
	Team   string    `json:"team"`
	Pitch  string    `json:"pitch"`
	MPH    float64   `json:"mph"`
	Speeds []float64 `json:"speeds"` // his last speeds, oldest first
	Result string    `json:"result"`
	Game   string    `json:"game"`
	Colour int       `json:"colour"`
	Inning string    `json:"inning"`
	When   string    `json:"when"`
}
