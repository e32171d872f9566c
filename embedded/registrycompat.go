package embedded

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"
)

// register answers POST /subjects/{subject}/versions: a schema the subject
// does not have yet is checked against its earlier versions at the
// subject's compatibility level, and refused with 409 if it may not follow
// them; then srfake registers it.
func (a *registryAPI) register(w http.ResponseWriter, req *http.Request) {
	subject := req.PathValue("subject")
	body, schema, err := readSchema(w, req)
	if err != nil {
		writeError(w, err)
		return
	}
	a.regMu.Lock()
	defer a.regMu.Unlock()
	if !a.registered(subject, body) {
		if err := a.admit(subject, schema); err != nil {
			writeError(w, err)
			return
		}
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	a.passOn(w, req)
}

// readSchema reads the schema a request's body carries, and the body.
func readSchema(w http.ResponseWriter, req *http.Request) ([]byte, sr.Schema, error) {
	var s sr.Schema
	body, err := readBody(w, req)
	if err != nil {
		return nil, s, err
	}
	if err := json.Unmarshal(body, &s); err != nil {
		return nil, s, errInvalidSchema("the body must be a JSON object such as {\"schema\": \"…\", \"schemaType\": \"AVRO\"}: " + err.Error())
	}
	return body, s, nil
}

// registered reports whether subject has the schema already.
func (a *registryAPI) registered(subject string, body []byte) bool {
	status, _ := a.call(http.MethodPost, subjectPath(subject), body)
	return status == http.StatusOK
}

// admit checks that schema is valid and may follow subject's versions.
func (a *registryAPI) admit(subject string, s sr.Schema) error {
	schema, err := a.parseSchema(s, 0)
	if err != nil {
		return err
	}
	level := a.levels.inScope(subject)
	if level == levelNone {
		return nil
	}
	previous, err := a.previousSchemas(subject)
	if err != nil {
		return err
	}
	if msgs := checkCompatibility(level, schema, previous); len(msgs) > 0 {
		return &apiError{http.StatusConflict, codeIncompatible, "Schema being registered is incompatible with an earlier schema for subject \"" +
			subject + "\", details: [" + strings.Join(msgs, ", ") + "]"}
	}
	return nil
}

// previousSchemas are subject's live versions, oldest first, parsed;
// none for a subject that does not exist.
func (a *registryAPI) previousSchemas(subject string) ([]*parsedSchema, error) {
	var versions []int
	err := a.get(subjectPath(subject, "/versions"), &versions)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]*parsedSchema, 0, len(versions))
	for _, v := range versions {
		p, err := a.parsedVersion(subject, strconv.Itoa(v))
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// parsedVersion reads and parses one version of subject.
func (a *registryAPI) parsedVersion(subject, version string) (*parsedSchema, error) {
	var ss sr.SubjectSchema
	if err := a.get(subjectPath(subject, "/versions/", version), &ss); err != nil {
		return nil, err
	}
	p, err := a.parseSchema(ss.Schema, ss.Version)
	if err != nil {
		return nil, fmt.Errorf("version %d of subject %s, registered earlier, does not parse: %w", ss.Version, subject, err)
	}
	return p, nil
}

// isNotFound reports whether err is a 404 of the registry's.
func isNotFound(err error) bool {
	var e *apiError
	return errors.As(err, &e) && e.status == http.StatusNotFound
}

// compatibleWithVersion answers POST
// /compatibility/subjects/{subject}/versions/{version}: may the schema
// follow that version, at the subject's level? Against "latest" of a
// subject without versions, it may.
func (a *registryAPI) compatibleWithVersion(w http.ResponseWriter, req *http.Request) {
	version, err := parseVersion(req.PathValue("version"))
	if err != nil {
		writeError(w, err)
		return
	}
	subject := req.PathValue("subject")
	var previous []*parsedSchema
	p, err := a.parsedVersion(subject, version)
	switch {
	case err == nil:
		previous = []*parsedSchema{p}
	case isNotFound(err) && version == "latest":
	case isNotFound(err):
		writeError(w, errVersionNotFound(version))
		return
	default:
		writeError(w, err)
		return
	}
	a.answerCompatibility(w, req, subject, previous)
}

// compatibleWithAll answers POST /compatibility/subjects/{subject}/versions:
// may the schema follow the subject's versions, at its level?
func (a *registryAPI) compatibleWithAll(w http.ResponseWriter, req *http.Request) {
	subject := req.PathValue("subject")
	previous, err := a.previousSchemas(subject)
	if err != nil {
		writeError(w, err)
		return
	}
	a.answerCompatibility(w, req, subject, previous)
}

// answerCompatibility checks the request's schema against previous and
// answers {"is_compatible": …}, with the reasons in "messages" when the
// request says ?verbose=true.
func (a *registryAPI) answerCompatibility(w http.ResponseWriter, req *http.Request, subject string, previous []*parsedSchema) {
	verbose := req.URL.Query().Get("verbose") == "true"
	_, s, err := readSchema(w, req)
	if err != nil {
		writeError(w, err)
		return
	}
	var msgs []string
	schema, err := a.parseSchema(s, 0)
	switch {
	case err != nil && !verbose:
		writeError(w, err)
		return
	case err != nil:
		msgs = []string{err.Error()}
	default:
		msgs = checkCompatibility(a.levels.inScope(subject), schema, previous)
	}
	answer := map[string]any{"is_compatible": len(msgs) == 0}
	if verbose {
		answer["messages"] = append([]string{}, msgs...)
	}
	writeJSON(w, http.StatusOK, answer)
}
