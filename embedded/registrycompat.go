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

	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// parsedSchema is a schema parsed for compatibility checks, in the form of
// its type.
type parsedSchema struct {
	typ     sr.SchemaType
	version int // the subject version it is, or 0 for one not registered
	text    string
	avro    avro.Schema
	proto   protoreflect.FileDescriptor
	json    *jsonSchema
}

// parseSchema parses a schema with the schemas it references, which it
// reads from the registry. A schema that does not parse is an *apiError
// with Confluent's code for an invalid schema.
func (a *registryAPI) parseSchema(s sr.Schema, version int) (*parsedSchema, error) {
	deps, err := a.referencedSchemas(s.References)
	if err != nil {
		return nil, err
	}
	p := &parsedSchema{typ: s.Type, version: version, text: s.Schema}
	switch s.Type {
	case sr.TypeAvro:
		p.avro, err = parseAvro(s.Schema, deps)
	case sr.TypeProtobuf:
		fd, perr := parseProtobuf(s.Schema, deps)
		if perr == nil {
			p.proto = fd.UnwrapFile()
		}
		err = perr
	case sr.TypeJSON:
		p.json, err = parseJSONSchema(s.Schema, deps)
	default:
		err = errInvalidSchema("unknown schema type " + s.Type.String())
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// parseAvro parses an Avro schema after the named types its references
// define, each in a cache of this schema's own.
func parseAvro(text string, deps map[string]sr.Schema) (avro.Schema, error) {
	cache := &avro.SchemaCache{}
	pending := make([]string, 0, len(deps))
	for _, d := range deps {
		pending = append(pending, d.Schema)
	}
	// A reference may itself use another: parse until no more do.
	for len(pending) > 0 {
		var failed []string
		var lastErr error
		for _, dep := range pending {
			if _, err := avro.ParseWithCache(dep, "", cache); err != nil {
				failed, lastErr = append(failed, dep), err
			}
		}
		if len(failed) == len(pending) {
			return nil, errInvalidSchema("Avro reference: " + lastErr.Error())
		}
		pending = failed
	}
	s, err := avro.ParseWithCache(text, "", cache)
	if err != nil {
		return nil, errInvalidSchema("Avro: " + err.Error())
	}
	return s, nil
}

// compatIssue is one reason a schema cannot read data written with
// another, as Confluent's registry words it. In its description {reader}
// and {writer} stand for the two schemas' names ("new", "old").
type compatIssue struct {
	errorType   string
	description string
}

// render words the issue with the reader's and the writer's names.
func (i compatIssue) render(reader, writer string) string {
	desc := strings.NewReplacer("{reader}", reader, "{writer}", writer).Replace(i.description)
	if i.errorType == "" {
		return desc
	}
	return fmt.Sprintf("{errorType:%q, description:%q}", i.errorType, desc)
}

// differentType is why schemas of two types are never compatible.
const differentType = "Incompatible because of different schema type"

// readIssues says why reader cannot read what writer wrote: nothing when
// it can.
func readIssues(reader, writer *parsedSchema) []compatIssue {
	if reader.typ != writer.typ {
		return []compatIssue{{description: differentType}}
	}
	switch reader.typ {
	case sr.TypeAvro:
		return avroReadIssues(reader.avro, writer.avro)
	case sr.TypeProtobuf:
		return protoReadIssues(reader.proto, writer.proto)
	default:
		return jsonReadIssues(reader.json, writer.json)
	}
}

// checkCompatibility says why schema may not follow previous (oldest
// first) at level, as Confluent's registry does: BACKWARD, the new schema
// reads data of the latest previous one; FORWARD, the latest previous one
// reads the new schema's; FULL, both; their _TRANSITIVE variants, against
// every previous schema; NONE, no check. Nothing means it may.
func checkCompatibility(level string, schema *parsedSchema, previous []*parsedSchema) []string {
	if level == levelNone || len(previous) == 0 {
		return nil
	}
	against := previous[len(previous)-1:]
	if strings.HasSuffix(level, "_TRANSITIVE") {
		against = previous
	}
	for i := len(against) - 1; i >= 0; i-- {
		old := against[i]
		var msgs []string
		if old.typ != schema.typ {
			msgs = []string{differentType}
		} else {
			msgs = checkPair(strings.TrimSuffix(level, "_TRANSITIVE"), schema, old)
		}
		if len(msgs) > 0 {
			return append(msgs, fmt.Sprintf("{validateFields: 'false', compatibility: '%s'}", level))
		}
	}
	return nil
}

// checkPair checks a new schema against one old one in a direction.
func checkPair(direction string, schema, old *parsedSchema) []string {
	switch direction {
	case levelBackward:
		return describe(readIssues(schema, old), "new", "old", old)
	case levelForward:
		return describe(readIssues(old, schema), "old", "new", old)
	default: // FULL
		msgs := describe(readIssues(old, schema), "old", "new", nil)
		return append(msgs, describe(readIssues(schema, old), "new", "old", old)...)
	}
}

// describe renders issues and, if there are any and old is given, names
// the old schema they are about.
func describe(issues []compatIssue, reader, writer string, old *parsedSchema) []string {
	var out []string
	for _, i := range issues {
		out = append(out, i.render(reader, writer))
	}
	if len(out) > 0 && old != nil {
		if old.version > 0 {
			out = append(out, fmt.Sprintf("{oldSchemaVersion: %d}", old.version))
		}
		out = append(out, "{oldSchema: '"+old.text+"'}")
	}
	return out
}

// register answers POST /subjects/{subject}/versions: a schema the subject
// does not have yet is checked against its earlier versions at the
// subject's compatibility level, and refused with 409 if it may not follow
// them; then srfake registers it.
func (a *registryAPI) register(w http.ResponseWriter, req *http.Request) {
	subject := req.PathValue("subject")
	body, err := readBody(w, req)
	if err != nil {
		writeError(w, err)
		return
	}
	var schema sr.Schema
	if err := json.Unmarshal(body, &schema); err != nil {
		writeError(w, errInvalidSchema("the body must be a JSON object such as {\"schema\": \"…\", \"schemaType\": \"AVRO\"}: "+err.Error()))
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
	body, err := readBody(w, req)
	if err != nil {
		writeError(w, err)
		return
	}
	var s sr.Schema
	if err := json.Unmarshal(body, &s); err != nil {
		writeError(w, errInvalidSchema("the body must be a JSON object such as {\"schema\": \"…\", \"schemaType\": \"AVRO\"}: "+err.Error()))
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
