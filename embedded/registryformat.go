package embedded

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"
)

// The ?format= of the schema endpoints, as Confluent's registry answers it:
// "serialized" gives a Protobuf schema as the base64 of its
// FileDescriptorProto, which Confluent's serdes outside Go (JavaScript's
// @confluentinc/schemaregistry, and those built the same way) decode
// records with. Every other format, and every format of an Avro or JSON
// schema, gives the schema's text, as Confluent's registry does for a
// format it does not apply ("for forward compatibility of formats").
const formatSerialized = "serialized"

// formatted answers GET /schemas/ids/{id} and /schemas/guids/{guid}.
func (a *registryAPI) formatted(w http.ResponseWriter, req *http.Request) {
	a.serveFormatted(w, req, req.URL.Path)
}

// formattedVersion answers GET /subjects/{subject}/versions/{version}.
func (a *registryAPI) formattedVersion(w http.ResponseWriter, req *http.Request) {
	path, err := a.versionPath(req)
	if err != nil {
		writeError(w, err)
		return
	}
	a.serveFormatted(w, req, path)
}

// versionPath is the path of the request's subject version, once it has
// checked the version, and that the subject exists (srfake says only that
// the version does not).
func (a *registryAPI) versionPath(req *http.Request) (string, error) {
	version, err := parseVersion(req.PathValue("version"))
	if err != nil {
		return "", err
	}
	subject := req.PathValue("subject")
	if status, _ := a.call(http.MethodGet, withQuery(subjectPath(subject, "/versions"), req), nil); status == http.StatusNotFound {
		return "", errSubjectNotFound(subject)
	}
	return subjectPath(subject, "/versions/", version), nil
}

// formattedRaw answers GET /schemas/ids/{id}/schema: the schema alone.
func (a *registryAPI) formattedRaw(w http.ResponseWriter, req *http.Request) {
	a.serveFormattedRaw(w, req, "/schemas/ids/"+req.PathValue("id"))
}

// formattedVersionRaw answers GET /subjects/{subject}/versions/{version}/schema.
func (a *registryAPI) formattedVersionRaw(w http.ResponseWriter, req *http.Request) {
	path, err := a.versionPath(req)
	if err != nil {
		writeError(w, err)
		return
	}
	a.serveFormattedRaw(w, req, path)
}

// serveFormatted gets path (with the request's query) from srfake and
// answers it with its schema in the requested format.
func (a *registryAPI) serveFormatted(w http.ResponseWriter, req *http.Request, path string) {
	status, body := a.call(http.MethodGet, withQuery(path, req), nil)
	if status != http.StatusOK {
		writeError(w, errorFromBody(status, body))
		return
	}
	var answer map[string]any
	var schema sr.Schema
	if err := json.Unmarshal(body, &answer); err != nil {
		writeError(w, err)
		return
	}
	if err := json.Unmarshal(body, &schema); err != nil {
		writeError(w, err)
		return
	}
	text, err := a.formatSchema(schema, req.URL.Query().Get("format"))
	if err != nil {
		writeError(w, err)
		return
	}
	answer["schema"] = text
	writeJSON(w, http.StatusOK, answer)
}

// serveFormattedRaw answers the schema at path alone, in the requested
// format, as a JSON string.
func (a *registryAPI) serveFormattedRaw(w http.ResponseWriter, req *http.Request, path string) {
	var schema sr.Schema
	if err := a.get(withQuery(path, req), &schema); err != nil {
		writeError(w, err)
		return
	}
	text, err := a.formatSchema(schema, req.URL.Query().Get("format"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, text)
}

// formatSchema is the schema's text in format.
func (a *registryAPI) formatSchema(s sr.Schema, format string) (string, error) {
	if s.Type != sr.TypeProtobuf || !strings.EqualFold(strings.TrimSpace(format), formatSerialized) {
		return s.Schema, nil
	}
	deps, err := a.referencedSchemas(s.References)
	if err != nil {
		return "", err
	}
	return serializedProtobuf(s.Schema, deps)
}

// withQuery is path with the request's query, but for format, which is
// this API's to answer.
func withQuery(path string, req *http.Request) string {
	q := req.URL.Query()
	q.Del("format")
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// parseVersion checks a version as Confluent's registry takes it: a number
// from 1 to 2^31-1, or "latest" (also written -1).
func parseVersion(v string) (string, error) {
	if v == "latest" || v == "-1" {
		return "latest", nil
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || n < 1 {
		return "", errInvalidVersion(v)
	}
	return strconv.FormatInt(n, 10), nil
}

// referencedSchemas fetches the schemas refs name, and theirs, by the name
// each is imported (or referred to) by.
func (a *registryAPI) referencedSchemas(refs []sr.SchemaReference) (map[string]sr.Schema, error) {
	out := map[string]sr.Schema{}
	return out, a.collectReferences(refs, out)
}

func (a *registryAPI) collectReferences(refs []sr.SchemaReference, out map[string]sr.Schema) error {
	for _, ref := range refs {
		if _, done := out[ref.Name]; done {
			continue
		}
		var s sr.SubjectSchema
		if err := a.get(subjectPath(ref.Subject, "/versions/", strconv.Itoa(ref.Version)), &s); err != nil {
			return errInvalidSchema("reference " + ref.Name + " (subject " + ref.Subject + " version " +
				strconv.Itoa(ref.Version) + ") cannot be read: " + err.Error())
		}
		out[ref.Name] = s.Schema
		if err := a.collectReferences(s.References, out); err != nil {
			return err
		}
	}
	return nil
}
