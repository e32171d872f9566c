package embedded_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pitchkafka/pitchkafka/embedded"
	"github.com/rs/zerolog"
)

// registryClient speaks to an embedded registry over real HTTP, as any
// client of the Schema Registry API does.
type registryClient struct {
	t    *testing.T
	url  string
	user string // user:password, or ""
}

// startRegistry starts an embedded registry on loopback, stopped when the
// test ends.
func startRegistry(t *testing.T, opts embedded.RegistryServerOptions) *registryClient {
	t.Helper()
	opts.Listen, opts.Log = "127.0.0.1:0", zerolog.Nop()
	reg, err := embedded.StartRegistry(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	return &registryClient{t: t, url: reg.URL(), user: opts.BasicAuth}
}

// in is the client for a subtest.
func (c *registryClient) in(t *testing.T) *registryClient {
	cc := *c
	cc.t = t
	return &cc
}

// do sends a request (body marshalled to JSON unless it is a string) and
// returns the status and the body of the answer.
func (c *registryClient) do(method, path string, body any) (int, []byte) {
	c.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.url+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	if c.user != "" {
		user, pass, _ := strings.Cut(c.user, ":")
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp.StatusCode, data
}

// must sends a request, expects status and decodes the answer into v.
func (c *registryClient) must(method, path string, body any, status int, v any) {
	c.t.Helper()
	got, data := c.do(method, path, body)
	if got != status {
		c.t.Fatalf("%s %s: %d %s, want %d", method, path, got, data, status)
	}
	if v != nil {
		if err := json.Unmarshal(data, v); err != nil {
			c.t.Fatalf("%s %s: %v in %s", method, path, err, data)
		}
	}
}

// register registers a schema of type typ ("" for Avro) under subject
// and returns its id.
func (c *registryClient) register(subject, typ, schema string, refs ...map[string]any) int {
	c.t.Helper()
	var out struct{ ID int }
	c.must(http.MethodPost, "/subjects/"+subject+"/versions", schemaBody(typ, schema, refs...), http.StatusOK, &out)
	return out.ID
}

// schemaBody is a registration's body, as Confluent's clients send it.
func schemaBody(typ, schema string, refs ...map[string]any) map[string]any {
	body := map[string]any{"schema": schema}
	if typ != "" {
		body["schemaType"] = typ
	}
	if len(refs) > 0 {
		body["references"] = refs
	}
	return body
}

// confluentError is an error answer.
type confluentError struct {
	Code    int    `json:"error_code"`
	Message string `json:"message"`
}

// mustFail sends a request and expects Confluent's error: the status and
// its error code.
func (c *registryClient) mustFail(method, path string, body any, status, code int) confluentError {
	c.t.Helper()
	var e confluentError
	c.must(method, path, body, status, &e)
	if e.Code != code || e.Message == "" {
		c.t.Fatalf("%s %s: error_code %d (%q), want %d with a message", method, path, e.Code, e.Message, code)
	}
	return e
}
