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
	// Brokers are the cluster's live brokers, as its metadata lists them.
	Brokers []Broker `json:"brokers"`
	Groups  []Group  `json:"groups"`
	// Changes are the latest changes of the groups' membership and
	// assignments, newest first.
	Changes  []Change  `json:"changes"`
	Pitchers []Pitcher `json:"pitchers"`
	// Problem says why part of the page is stale (a broker that does not
	// answer), or is empty.
	Problem string `json:"problem,omitempty"`
	// Stage is what the page's controls act on; only a page with controls
	// (the demo's, on loopback) has one.
	Stage *Stage `json:"stage,omitempty"`
}

// Broker is one broker of the cluster.
type Broker struct {
	ID   int32  `json:"id"`
	Addr string `json:"addr"` // host:port, as it advertises itself
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
	// Low is the low watermark: the earliest offset still on the log, 0
	// until retention deletes records.
	Low int64 `json:"low"`
	// Leader is the broker leading the partition, -1 when none does or
	// the cluster has not been asked yet.
	Leader   int32   `json:"leader"`
	Replicas []int32 `json:"replicas"`
	// ISR are the replicas in sync with the leader; fewer than Replicas
	// means the partition is under-replicated.
	ISR []int32 `json:"isr"`
	// Offline are the replicas on brokers that are down.
	Offline []int32 `json:"offline,omitempty"`
	// LeaderMoved is set for leaderMovedFor after the page saw the leader
	// change.
	LeaderMoved *LeaderMove `json:"leader_moved,omitempty"`
	// Segments are the games on the partition, in the order of their
	// first record, each with how many records it has there; the oldest
	// games are merged into one segment with game_pk 0.
	Segments []Segment `json:"segments"`
	// Recent are the partition's latest records, oldest first.
	Recent []Mark `json:"recent"`
}

// LeaderMove is a partition's change of leader.
type LeaderMove struct {
	From int32  `json:"from"` // the previous leader, -1 for none
	At   string `json:"at"`   // when the page saw it, RFC 3339 to the millisecond
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
	// LagTrend is Lag at each of the watch's last looks, one a second,
	// oldest first: up to lagTrendLen of them.
	LagTrend []int64 `json:"lag_trend"`
	// Handled, OnTopic and ToGo say that nothing is lost: OnTopic counts
	// the records on the log (each partition's high watermark minus its
	// low), Handled those of them the group has committed (its committed
	// offset minus the low watermark, none on a partition it has committed
	// nothing on), and ToGo is OnTopic minus Handled. Expired counts the
	// records retention deleted before the group committed past them.
	Handled int64 `json:"handled"`
	OnTopic int64 `json:"on_topic"`
	ToGo    int64 `json:"to_go"`
	Expired int64 `json:"expired,omitempty"`
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

// Change is a rebalance: a change of a group's membership or assignment,
// from the group as it was before to the group as it settled.
type Change struct {
	// At is when the watch first saw it: the group leaving Stable, or its
	// members or owners changed; RFC 3339, to the millisecond.
	At       string `json:"at"`
	Group    string `json:"group"`
	Protocol string `json:"protocol"`
	// Joined and Left name members that came and went.
	Joined []string `json:"joined,omitempty"`
	Left   []string `json:"left,omitempty"`
	// Moves are the partitions that went from one member to another.
	Moves []Move `json:"moves,omitempty"`
	// Members say, for each member whose partitions changed, which it gave
	// up and which it got.
	Members []MemberMoves `json:"members,omitempty"`
	// Settled says the rebalance is over: the group is Stable with every
	// partition owned, or has no member left, or nothing changed for
	// settleAfter.
	Settled bool `json:"settled"`
	// TookMs is how long it took, from At to the look that saw it settled;
	// so far, while it is not. 0 when it settled between two looks.
	TookMs int64 `json:"took_ms"`
	// Unowned are the partitions no member owned when it settled, when some
	// member was left.
	Unowned []int32 `json:"unowned,omitempty"`
}

// MemberMoves are the partitions one member gave up and got in a
// rebalance.
type MemberMoves struct {
	Name string  `json:"name"`
	Gave []int32 `json:"gave,omitempty"`
	Got  []int32 `json:"got,omitempty"`
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
