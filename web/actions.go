package web

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"
)

// How the page's actions reach its Controls. An action is a POST to
// /control with an Action as its JSON body. It is taken only when
//   - the page offers its controls: it has them and listens on loopback
//     (and, as for every request there, the Host is a loopback name);
//   - the request comes from the page itself: Sec-Fetch-Site, when the
//     browser sends it, is same-origin, and Origin, when sent, is the
//     page's own;
//   - it carries the page's token, a secret made for each run, in the
//     X-Pitchkafka-Token header: only the page has it, in a meta tag;
//   - its Content-Type is application/json, which no form can send and a
//     script of another site cannot send without a preflight, which the
//     page refuses.
// Each action, taken or refused, is logged in one line.

// TokenHeader is the header that carries the page's token.
const TokenHeader = "X-Pitchkafka-Token"

// controlTimeout is how long an action may take before the page is told
// it timed out.
const controlTimeout = 15 * time.Second

// maxActionBytes bounds an action's body.
const maxActionBytes = 4 << 10

// controlReply is the JSON answer to an action.
type controlReply struct {
	OK     bool   `json:"ok"`
	Result string `json:"result,omitempty"`
	Error  string `json:"error,omitempty"`
}

// refusal is why an action is not taken, and its status.
type refusal struct {
	status int
	reason string
}

func (r *refusal) Error() string { return r.reason }

func refuse(status int, format string, args ...any) *refusal {
	return &refusal{status: status, reason: fmt.Sprintf(format, args...)}
}

// serveControl takes the page's actions to the Controls, refusing them all
// unless onLoopback.
func (s *Server) serveControl(onLoopback bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, err := s.admit(r, onLoopback)
		if err != nil {
			s.answer(w, r, a, err.status, controlReply{Error: err.reason})
			return
		}
		// An action goes on when the browser goes away: a page closed in
		// the middle of a kill must not leave it half done.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), controlTimeout)
		defer cancel()
		if err := s.opts.Controls.Do(ctx, a); err != nil {
			status := http.StatusConflict
			if errors.Is(err, context.DeadlineExceeded) {
				status = http.StatusGatewayTimeout
			}
			s.answer(w, r, a, status, controlReply{Error: firstLine(err.Error())})
			return
		}
		s.answer(w, r, a, http.StatusOK, controlReply{OK: true, Result: s.resultOf(a)})
	}
}

// admit reads the action and checks that it may be taken.
func (s *Server) admit(r *http.Request, onLoopback bool) (Action, *refusal) {
	var a Action
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxActionBytes))
	if err != nil {
		return a, refuse(http.StatusRequestEntityTooLarge, "an action is at most %d bytes", maxActionBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	decodeErr := dec.Decode(&a) // the log line names the verb even of a refused action
	if !onLoopback {
		return a, refuse(http.StatusForbidden, "the page is read-only: it listens beyond loopback")
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return a, refuse(http.StatusForbidden, "Sec-Fetch-Site is %s: only the page itself may act", site)
	}
	if origin := r.Header.Get("Origin"); origin != "" && !strings.EqualFold(origin, "http://"+r.Host) {
		return a, refuse(http.StatusForbidden, "Origin %s is not the page's own, http://%s", origin, r.Host)
	}
	if subtle.ConstantTimeCompare([]byte(r.Header.Get(TokenHeader)), []byte(s.token)) != 1 {
		return a, refuse(http.StatusForbidden, "no valid %s: reload the page", TokenHeader)
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return a, refuse(http.StatusUnsupportedMediaType, "Content-Type must be application/json")
	}
	if decodeErr != nil {
		return a, refuse(http.StatusBadRequest, "the body is not an action: %v", decodeErr)
	}
	return a, validate(a)
}

// validate checks an action's verb and what it needs.
func validate(a Action) *refusal {
	switch a.Verb {
	case VerbAddAnnouncer, VerbStartScores, VerbPausePublish, VerbResumePublish:
	case VerbStopProcess, VerbKillProcess, VerbFreezeProcess, VerbThawProcess, VerbStopNode, VerbStartNode:
		if a.Target == "" {
			return refuse(http.StatusBadRequest, "%s needs a target", a.Verb)
		}
	case VerbSetRate:
		if a.Rate <= 0 {
			return refuse(http.StatusBadRequest, "set-rate needs a rate above 0 pitches a second")
		}
	default:
		return refuse(http.StatusBadRequest, "no action is called %q", a.Verb)
	}
	return nil
}

// resultOf says what came of an action done: the stage's note of it, if
// it has one.
func (s *Server) resultOf(a Action) string {
	notes := s.opts.Controls.Stage().Actions
	if i := slices.IndexFunc(notes, func(n ActionNote) bool { return n.Action == a && n.OK }); i >= 0 && notes[i].Result != "" {
		return notes[i].Result
	}
	return "done"
}

// answer writes the reply and logs the action in one line.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, a Action, status int, reply controlReply) {
	ev := s.opts.Log.Info()
	result := reply.Result
	if !reply.OK {
		ev, result = s.opts.Log.Warn(), "refused: "+reply.Error
	}
	ev = ev.Str("verb", a.Verb).Str("target", a.Target)
	if a.Verb == VerbSetRate {
		ev = ev.Float64("rate", a.Rate)
	}
	ev.Str("result", result).Str("remote", r.RemoteAddr).Msg("page action")
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(reply)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
