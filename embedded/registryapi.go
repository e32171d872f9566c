package embedded

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// registryAPI is the embedded Schema Registry's HTTP API. It answers, as
// Confluent Schema Registry does, the requests that srfake answers
// differently or not at all, because clients other than pitchkafka's depend
// on them: ?format=serialized, /schemas/types, /schemas/ids/{id}/versions,
// /config, /compatibility, compatibility checks on registration, and
// Confluent's error bodies. Every other request goes to srfake.
type registryAPI struct {
	fake   http.Handler // srfake's own handler
	auth   string       // the Authorization header every request must carry, or ""
	levels *compatLevels
	mux    *http.ServeMux // the requests this API answers itself
	regMu  sync.Mutex     // a registration's compatibility check and its write happen as one
}

// newRegistryAPI serves the registry API in front of srfake's handler.
func newRegistryAPI(fake http.Handler, auth string, levels *compatLevels) http.Handler {
	a := &registryAPI{fake: fake, auth: auth, levels: levels}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /schemas/types", a.schemaTypes)
	mux.HandleFunc("GET /schemas/ids/{id}", a.formatted)
	mux.HandleFunc("GET /schemas/ids/{id}/schema", a.formattedRaw)
	mux.HandleFunc("GET /schemas/ids/{id}/versions", a.versionsOfID)
	mux.HandleFunc("GET /schemas/guids/{guid}", a.formatted)
	mux.HandleFunc("GET /subjects/{subject}/versions/{version}", a.formattedVersion)
	mux.HandleFunc("GET /subjects/{subject}/versions/{version}/schema", a.formattedVersionRaw)
	mux.HandleFunc("POST /subjects/{subject}/versions", a.register)
	mux.HandleFunc("GET /config", a.getGlobalLevel)
	mux.HandleFunc("PUT /config", a.putGlobalLevel)
	mux.HandleFunc("DELETE /config", a.deleteGlobalLevel)
	mux.HandleFunc("GET /config/{subject}", a.getSubjectLevel)
	mux.HandleFunc("PUT /config/{subject}", a.putSubjectLevel)
	mux.HandleFunc("DELETE /config/{subject}", a.deleteSubjectLevel)
	mux.HandleFunc("POST /compatibility/subjects/{subject}/versions/{version}", a.compatibleWithVersion)
	mux.HandleFunc("POST /compatibility/subjects/{subject}/versions", a.compatibleWithAll)
	mux.HandleFunc("/", a.passOn)
	a.mux = mux
	return a.authorized(mux)
}

// authorized refuses requests without the expected credentials, as
// Confluent's REST layer does, before any handler sees them.
func (a *registryAPI) authorized(next http.Handler) http.Handler {
	if a.auth == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch got := req.Header.Get("Authorization"); {
		case got == "":
			writeError(w, &apiError{http.StatusUnauthorized, 401, "Unauthorized: this registry needs HTTP basic authentication"})
		case got != a.auth:
			writeError(w, &apiError{http.StatusForbidden, 403, "Forbidden: wrong user or password"})
		default:
			next.ServeHTTP(w, req)
		}
	})
}

// schemaTypes answers GET /schemas/types.
func (a *registryAPI) schemaTypes(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, []string{"JSON", "PROTOBUF", "AVRO"})
}

// subjectVersion is one subject version a schema id is registered as.
type subjectVersion struct {
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// versionsOfID answers GET /schemas/ids/{id}/versions: the subject versions
// that use the schema, in order ([] rather than srfake's null for none).
func (a *registryAPI) versionsOfID(w http.ResponseWriter, req *http.Request) {
	var out []subjectVersion
	if err := a.get(withQuery(req.URL.Path, req), &out); err != nil {
		writeError(w, err)
		return
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Subject != out[j].Subject {
			return out[i].Subject < out[j].Subject
		}
		return out[i].Version < out[j].Version
	})
	if out == nil {
		out = []subjectVersion{}
	}
	writeJSON(w, http.StatusOK, out)
}

// call serves a request in process through srfake, as the registry's own
// client, and returns the status and body of its answer.
func (a *registryAPI) call(method, path string, body []byte) (int, []byte) {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	if a.auth != "" {
		req.Header.Set("Authorization", a.auth)
	}
	rec := httptest.NewRecorder()
	a.fake.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// get calls srfake and decodes a 200 answer into v; any other answer is
// returned as the *apiError srfake gave.
func (a *registryAPI) get(path string, v any) error {
	status, body := a.call(http.MethodGet, path, nil)
	if status != http.StatusOK {
		return errorFromBody(status, body)
	}
	return json.Unmarshal(body, v)
}

// subjectPath is the path of a subject's resource, escaped.
func subjectPath(subject string, rest ...string) string {
	return "/subjects/" + url.PathEscape(subject) + strings.Join(rest, "")
}

// apiError is an error as Confluent's registry answers it: an HTTP status,
// its own error code, and a message.
type apiError struct {
	status int
	code   int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

// Confluent's error codes (io.confluent.kafka.schemaregistry.rest.exceptions.Errors).
const (
	codeSubjectNotFound       = 40401
	codeVersionNotFound       = 40402
	codeSchemaNotFound        = 40403
	codeSubjectLevelNotSet    = 40408
	codeIncompatible          = 409 // what released versions answer; 40901 only from 8.2 on
	codeInvalidSchema         = 42201
	codeInvalidVersion        = 42202
	codeInvalidCompatibility  = 42203
	codeOperationNotPermitted = 42205
	codeStoreError            = 50001
)

func errSubjectNotFound(subject string) error {
	return &apiError{http.StatusNotFound, codeSubjectNotFound, "Subject '" + subject + "' not found."}
}

func errVersionNotFound(version string) error {
	return &apiError{http.StatusNotFound, codeVersionNotFound, "Version " + version + " not found."}
}

func errInvalidSchema(msg string) error {
	return &apiError{http.StatusUnprocessableEntity, codeInvalidSchema, "Invalid schema: " + msg}
}

func errInvalidVersion(version string) error {
	return &apiError{http.StatusUnprocessableEntity, codeInvalidVersion, "The specified version '" + version +
		"' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\""}
}

func errNotSupported(what string) error {
	return &apiError{http.StatusUnprocessableEntity, codeOperationNotPermitted,
		what + " is not supported by pitchkafka's embedded Schema Registry; use Confluent Schema Registry for it"}
}

// errorFromBody turns an error answer of srfake's into an *apiError.
func errorFromBody(status int, body []byte) error {
	var e struct {
		Code    int    `json:"error_code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) != nil || e.Code == 0 {
		e.Code, e.Message = status, http.StatusText(status)
	}
	return &apiError{status, e.Code, e.Message}
}

// writeError answers err as Confluent does: {"error_code": …, "message": …}.
func writeError(w http.ResponseWriter, err error) {
	e, ok := err.(*apiError)
	if !ok {
		e = &apiError{http.StatusInternalServerError, codeStoreError, err.Error()}
	}
	writeJSON(w, e.status, map[string]any{"error_code": e.code, "message": e.msg})
}

// writeJSON answers v with Confluent's content type.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// readBody reads a request body of at most 16 MiB.
func readBody(w http.ResponseWriter, req *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, 16<<20))
	if err != nil {
		return nil, &apiError{http.StatusRequestEntityTooLarge, 42209, "request body too large: " + err.Error()}
	}
	return body, nil
}

// passOn hands a request to srfake and gives its answer, but for its
// plain-text errors (a path it has no route for, a method it does not
// allow), which become Confluent's JSON ones, so that a client always gets
// an error code: 405 for a path this API serves with other methods, 404 for
// a path nobody serves.
func (a *registryAPI) passOn(w http.ResponseWriter, req *http.Request) {
	rec := httptest.NewRecorder()
	a.fake.ServeHTTP(rec, req)
	if rec.Code < 400 || strings.Contains(rec.Header().Get("Content-Type"), "json") {
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
		return
	}
	status := rec.Code
	if status == http.StatusNotFound && a.servedWithAnotherMethod(req) {
		status = http.StatusMethodNotAllowed
	}
	msg := "HTTP 404 Not Found: pitchkafka's embedded Schema Registry does not serve " + req.URL.Path
	if status != http.StatusNotFound {
		msg = "HTTP " + strconv.Itoa(status) + " " + http.StatusText(status) + " on " + req.Method + " " + req.URL.Path
	}
	writeError(w, &apiError{status, status, msg})
}

// servedWithAnotherMethod reports whether this API answers the request's
// path with another method.
func (a *registryAPI) servedWithAnotherMethod(req *http.Request) bool {
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		probe := req.Clone(req.Context())
		probe.Method = m
		if _, pattern := a.mux.Handler(probe); m != req.Method && pattern != "/" {
			return true
		}
	}
	return false
}
