package embedded

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"sync"
)

// Compatibility levels, as Confluent names them.
const (
	levelNone               = "NONE"
	levelBackward           = "BACKWARD"
	levelBackwardTransitive = "BACKWARD_TRANSITIVE"
	levelForward            = "FORWARD"
	levelForwardTransitive  = "FORWARD_TRANSITIVE"
	levelFull               = "FULL"
	levelFullTransitive     = "FULL_TRANSITIVE"
)

// defaultLevel is the global level of an embedded registry nobody
// configured. Confluent's starts at BACKWARD; this one starts at NONE
// because pitchkafka lets a topic change format (JSON, then Avro, then
// Protobuf), which no other level allows under one subject.
// RegistryServerOptions.Compatibility starts it at another.
const defaultLevel = levelNone

// parseLevel checks a compatibility level, in any case.
func parseLevel(s string) (string, bool) {
	switch l := strings.ToUpper(s); l {
	case levelNone, levelBackward, levelBackwardTransitive, levelForward, levelForwardTransitive, levelFull, levelFullTransitive:
		return l, true
	}
	return "", false
}

func errInvalidLevel() error {
	return &apiError{http.StatusUnprocessableEntity, codeInvalidCompatibility, "Invalid compatibility level. Valid values are none, " +
		"backward, forward, full, backward_transitive, forward_transitive, and full_transitive"}
}

// compatLevels are the registry's compatibility levels: the global one and
// those set on subjects. The zero value is a registry nobody configured.
type compatLevels struct {
	mu            sync.Mutex
	initial       string            // the global level when none is set; "" for defaultLevel
	globalLevel   string            // "" for the initial one
	subjectLevels map[string]string // by subject
}

// global is the global level.
func (c *compatLevels) global() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.globalLevel != "":
		return c.globalLevel
	case c.initial != "":
		return c.initial
	}
	return defaultLevel
}

// subject is the level set on subject, if any.
func (c *compatLevels) subject(subject string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.subjectLevels[subject]
	return l, ok
}

// inScope is the level that applies to subject: its own, or the global one.
func (c *compatLevels) inScope(subject string) string {
	if l, ok := c.subject(subject); ok {
		return l
	}
	return c.global()
}

// set sets subject's level, or the global one for subject "".
func (c *compatLevels) set(subject, level string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if subject == "" {
		c.globalLevel = level
		return
	}
	if c.subjectLevels == nil {
		c.subjectLevels = map[string]string{}
	}
	c.subjectLevels[subject] = level
}

// remove forgets subject's level, or the global one for subject "".
func (c *compatLevels) remove(subject string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if subject == "" {
		c.globalLevel = ""
		return
	}
	delete(c.subjectLevels, subject)
}

// savedLevels are the levels as the registry's config file keeps them.
type savedLevels struct {
	Global   string            `json:"compatibilityLevel,omitempty"`
	Subjects map[string]string `json:"subjects,omitempty"`
}

// snapshot is a copy of the levels, to save.
func (c *compatLevels) snapshot() savedLevels {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := savedLevels{Global: c.globalLevel, Subjects: map[string]string{}}
	for k, v := range c.subjectLevels {
		out.Subjects[k] = v
	}
	return out
}

// restore sets the levels to saved ones; levels that are not valid are
// left out.
func (c *compatLevels) restore(saved savedLevels) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if l, ok := parseLevel(saved.Global); ok {
		c.globalLevel = l
	}
	c.subjectLevels = map[string]string{}
	for subject, level := range saved.Subjects {
		if l, ok := parseLevel(level); ok {
			c.subjectLevels[subject] = l
		}
	}
}

// getGlobalLevel answers GET /config.
func (a *registryAPI) getGlobalLevel(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"compatibilityLevel": a.levels.global()})
}

// putGlobalLevel answers PUT /config.
func (a *registryAPI) putGlobalLevel(w http.ResponseWriter, req *http.Request) {
	a.putLevel(w, req, "")
}

// deleteGlobalLevel answers DELETE /config: the global level goes back to
// the one the registry started at, and the answer is the level it had.
func (a *registryAPI) deleteGlobalLevel(w http.ResponseWriter, _ *http.Request) {
	old := a.levels.global()
	a.levels.remove("")
	writeJSON(w, http.StatusOK, map[string]string{"compatibilityLevel": old})
}

// getSubjectLevel answers GET /config/{subject}: the subject's own level,
// or with ?defaultToGlobal=true the global one when it has none.
func (a *registryAPI) getSubjectLevel(w http.ResponseWriter, req *http.Request) {
	subject := req.PathValue("subject")
	level, ok := a.levels.subject(subject)
	if !ok && req.URL.Query().Get("defaultToGlobal") == "true" {
		level, ok = a.levels.global(), true
	}
	if !ok {
		writeError(w, &apiError{http.StatusNotFound, codeSubjectLevelNotSet,
			"Subject '" + subject + "' does not have subject-level compatibility configured"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"compatibilityLevel": level})
}

// putSubjectLevel answers PUT /config/{subject}.
func (a *registryAPI) putSubjectLevel(w http.ResponseWriter, req *http.Request) {
	a.putLevel(w, req, req.PathValue("subject"))
}

// deleteSubjectLevel answers DELETE /config/{subject}: the subject follows
// the global level again, and the answer is the level it had.
func (a *registryAPI) deleteSubjectLevel(w http.ResponseWriter, req *http.Request) {
	subject := req.PathValue("subject")
	old, ok := a.levels.subject(subject)
	if !ok {
		writeError(w, errSubjectNotFound(subject))
		return
	}
	a.levels.remove(subject)
	writeJSON(w, http.StatusOK, map[string]string{"compatibilityLevel": old})
}

// putLevel sets the level of subject ("" for the global one) from a
// request body as Confluent's clients send it: {"compatibility": "FULL"}.
// The other settings of Confluent's config (normalize, aliases, metadata,
// rule sets, …) are refused, unless empty, rather than ignored.
func (a *registryAPI) putLevel(w http.ResponseWriter, req *http.Request, subject string) {
	body, err := readBody(w, req)
	if err != nil {
		writeError(w, err)
		return
	}
	level, err := levelFromRequest(body)
	if err != nil {
		writeError(w, err)
		return
	}
	if level == "" {
		level = a.levels.inScope(subject)
	} else {
		a.levels.set(subject, level)
	}
	writeJSON(w, http.StatusOK, map[string]string{"compatibility": level})
}

// levelFromRequest reads the level of a config update, or "" for none.
func levelFromRequest(body []byte) (string, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return "", &apiError{http.StatusUnprocessableEntity, codeInvalidCompatibility,
			"the body must be a JSON object such as {\"compatibility\": \"FULL\"}: " + err.Error()}
	}
	var unsupported []string
	for name, v := range fields {
		if name != "compatibility" && !isEmptyJSON(v) {
			unsupported = append(unsupported, name)
		}
	}
	if len(unsupported) > 0 {
		sort.Strings(unsupported)
		return "", errNotSupported("the config setting " + strings.Join(unsupported, ", ") + " (only compatibility is)")
	}
	raw, ok := fields["compatibility"]
	if !ok || isEmptyJSON(raw) {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", errInvalidLevel()
	}
	level, ok := parseLevel(s)
	if !ok {
		return "", errInvalidLevel()
	}
	return level, nil
}

// isEmptyJSON reports whether a JSON value sets nothing: null, false, "",
// [] or {}.
func isEmptyJSON(v json.RawMessage) bool {
	switch string(bytes.TrimSpace(v)) {
	case "null", "false", `""`, "[]", "{}":
		return true
	}
	return false
}
