package web

import "context"

// Controls are what the demo's page may do to the demo: add, stop and
// kill its members, pace its publisher, stop and start the embedded
// cluster's nodes. `web` has none: its page only watches. The page calls
// both methods from several goroutines at once.
type Controls interface {
	// Stage is what the controls act on, as it is now. The page asks for
	// it every half second, and after each action done, so it must be
	// quick: it pushes the stage to the browsers when it changed. The
	// newest of its Actions that equals an action done, if it has a
	// Result, is what the page says came of it.
	Stage() Stage
	// Do carries out one action; its error says in one line why it could
	// not, for the page to show. Its ctx ends after 15 s (the page then
	// says the action timed out), not when the browser goes away.
	Do(ctx context.Context, a Action) error
}

// Action is one click on the page, as the page posts it to /control.
type Action struct {
	// Verb is one of the Verb constants.
	Verb string `json:"verb"`
	// Target names what the verb acts on: a process's Name, or a node's
	// ID in decimal; "" for the verbs that need none.
	Target string `json:"target,omitempty"`
	// Rate is the publisher's new rate, pitches a second, for VerbSetRate.
	Rate float64 `json:"rate,omitempty"`
}

// The verbs of an Action.
const (
	VerbAddAnnouncer  = "add-announcer"  // start one more announcer in the demo's group
	VerbStopProcess   = "stop"           // Ctrl-C a process: it leaves its group cleanly
	VerbKillProcess   = "kill"           // SIGKILL a process: it is gone without leaving
	VerbFreezeProcess = "freeze"         // SIGSTOP a process: a zombie, alive but silent
	VerbThawProcess   = "thaw"           // SIGCONT a frozen process
	VerbStartScores   = "start-scores"   // start a scores processor, taking a stopped one's instance if there is one
	VerbPausePublish  = "pause-publish"  // the publisher stops publishing, keeping its games
	VerbResumePublish = "resume-publish" // and starts again where it paused
	VerbSetRate       = "set-rate"       // the publisher's pitches a second
	VerbStopNode      = "stop-node"      // stop one node of the embedded cluster
	VerbStartNode     = "start-node"     // start a stopped node again, on its address
)

// Stage is what the demo's controls act on; the State carries it only
// when the page has controls.
type Stage struct {
	Publisher Publisher `json:"publisher"`
	// Processes are the demo's announcers and scores processors, in the
	// order they started, those that ended included.
	Processes []Process `json:"processes"`
	// Nodes are the embedded cluster's nodes; none when the demo runs on a
	// cluster of yours, whose nodes it cannot stop.
	Nodes []Node `json:"nodes"`
	// Actions are the latest actions and what came of them, newest first.
	Actions []ActionNote `json:"actions"`
}

// Publisher is the demo's publisher.
type Publisher struct {
	Rate      float64 `json:"rate"` // pitches a second
	Paused    bool    `json:"paused"`
	Published int64   `json:"published"` // pitches delivered
}

// Process is one of the demo's announcers or scores processors, a process
// of its own so that it can be killed.
type Process struct {
	// Name is its client.id, as its group's members show it.
	Name string `json:"name"`
	// Kind is "announce" or "scores".
	Kind  string `json:"kind"`
	Group string `json:"group"`
	PID   int    `json:"pid"`
	// State is "starting", "running", "stopping", "frozen" or, once it
	// has ended, "stopped" (it left its group), "killed" or "failed".
	State string `json:"state"`
	// Exit says how it ended, when it has.
	Exit string `json:"exit,omitempty"`
	// GoneBy is, for a killed or frozen member, when its group gives up
	// waiting for it (its session timeout after its last heartbeat), RFC
	// 3339 to the millisecond: the page counts down to it.
	GoneBy string `json:"gone_by,omitempty"`
	// SessionTimeoutMs is the session timeout its group waits out.
	SessionTimeoutMs int64 `json:"session_timeout_ms,omitempty"`
}

// Node is one node of the embedded cluster.
type Node struct {
	ID   int32  `json:"id"`
	Addr string `json:"addr"`
	Up   bool   `json:"up"`
}

// ActionNote is an action done, or refused, and when.
type ActionNote struct {
	At     string `json:"at"` // RFC 3339, to the millisecond
	Action Action `json:"action"`
	// Result says what came of it: what was done, or why it was not.
	Result string `json:"result"`
	OK     bool   `json:"ok"`
}
