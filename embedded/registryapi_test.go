package embedded_test

import (
	"encoding/base64"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/pitchkafka/pitchkafka/embedded"
	"github.com/pitchkafka/pitchkafka/schemas"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
)

// otherProto is a schema pitchProtoWithRef imports by reference.
const otherProto = `syntax = "proto3";
package other.v1;
message Venue { string name = 1; }
`

const pitchProtoWithRef = `syntax = "proto3";
package refs.v1;
import "other.proto";
import "google/protobuf/timestamp.proto";
message Game { other.v1.Venue venue = 1; google.protobuf.Timestamp ts = 2; }
`

func TestFormatSerializedAnswersAProtobufSchemaAsItsFileDescriptor(t *testing.T) {
	c := startRegistry(t, embedded.RegistryServerOptions{})
	id := c.register("pitches-value", "PROTOBUF", schemas.Protobuf)
	avroID := c.register("avro-value", "", schemas.Avro)
	c.register("other", "PROTOBUF", otherProto)
	refID := c.register("refs-value", "PROTOBUF", pitchProtoWithRef,
		map[string]any{"name": "other.proto", "subject": "other", "version": 1})
	for _, tc := range []struct {
		name, path string
		raw        bool // the answer is the schema alone, a JSON string
		want       func(t *testing.T, fd *descriptorpb.FileDescriptorProto)
	}{
		{"by id", "/schemas/ids/" + strconv.Itoa(id) + "?format=serialized", false, isPitchFile},
		{"by id, schema only", "/schemas/ids/" + strconv.Itoa(id) + "/schema?format=serialized", true, isPitchFile},
		{"latest version", "/subjects/pitches-value/versions/latest?format=serialized", false, isPitchFile},
		{"version -1", "/subjects/pitches-value/versions/-1?format=serialized", false, isPitchFile},
		{"version, schema only", "/subjects/pitches-value/versions/1/schema?format=serialized", true, isPitchFile},
		{"any case", "/schemas/ids/" + strconv.Itoa(id) + "?format=SERIALIZED", false, isPitchFile},
		{"with a reference, which stays a dependency", "/schemas/ids/" + strconv.Itoa(refID) + "?format=serialized", false,
			func(t *testing.T, fd *descriptorpb.FileDescriptorProto) {
				if want := []string{"other.proto", "google/protobuf/timestamp.proto"}; !reflect.DeepEqual(fd.Dependency, want) {
					t.Errorf("dependencies %v, want %v", fd.Dependency, want)
				}
				if got := fd.MessageType[0].Field[0].GetTypeName(); got != ".other.v1.Venue" {
					t.Errorf("venue's type %q, want .other.v1.Venue", got)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := schemaText(t, c, tc.path, tc.raw)
			raw, err := base64.StdEncoding.DecodeString(text)
			if err != nil {
				t.Fatalf("schema is not base64: %v: %.60q", err, text)
			}
			var fd descriptorpb.FileDescriptorProto
			if err := proto.Unmarshal(raw, &fd); err != nil {
				t.Fatalf("schema is not a FileDescriptorProto: %v", err)
			}
			tc.want(t, &fd)
		})
	}
	for _, tc := range []struct{ name, path, want string }{
		{"Protobuf without format", "/schemas/ids/" + strconv.Itoa(id), schemas.Protobuf},
		{"Protobuf, another format", "/schemas/ids/" + strconv.Itoa(id) + "?format=resolved", schemas.Protobuf},
		{"Avro, serialized", "/schemas/ids/" + strconv.Itoa(avroID) + "?format=serialized", schemas.Avro},
		{"Avro version, serialized", "/subjects/avro-value/versions/1?format=serialized", schemas.Avro},
	} {
		t.Run(tc.name+" keeps the text", func(t *testing.T) {
			if got := schemaText(t, c, tc.path, false); got != tc.want {
				t.Errorf("schema %.80q…, want the registered text", got)
			}
		})
	}
}

// isPitchFile checks the descriptor is pitch.proto's, as Confluent
// serializes it: named "default", importing the well-known Timestamp.
func isPitchFile(t *testing.T, fd *descriptorpb.FileDescriptorProto) {
	t.Helper()
	if fd.GetName() != "default" || fd.GetPackage() != "pitchkafka.pitch.v1" {
		t.Errorf("file %q package %q, want default and pitchkafka.pitch.v1", fd.GetName(), fd.GetPackage())
	}
	if want := []string{"google/protobuf/timestamp.proto"}; !reflect.DeepEqual(fd.Dependency, want) {
		t.Errorf("dependencies %v, want %v", fd.Dependency, want)
	}
	if len(fd.MessageType) != 1 || fd.MessageType[0].GetName() != "Pitch" || len(fd.MessageType[0].Field) != 37 {
		t.Fatalf("messages %v, want Pitch with 37 fields", fd.MessageType)
	}
	if ts := fd.MessageType[0].Field[1]; ts.GetName() != "ts" || ts.GetTypeName() != ".google.protobuf.Timestamp" {
		t.Errorf("field 2 is %s of %s, want ts of .google.protobuf.Timestamp", ts.GetName(), ts.GetTypeName())
	}
	if f := fd.MessageType[0].Field[12]; f.GetName() != "pitcher_name" || !f.GetProto3Optional() {
		t.Errorf("field 13 is %s (proto3 optional %v), want the optional pitcher_name", f.GetName(), f.GetProto3Optional())
	}
}

// schemaText gets a schema's text from path: the answer's "schema", or
// the answer itself when raw.
func schemaText(t *testing.T, c *registryClient, path string, raw bool) string {
	t.Helper()
	if raw {
		var s string
		c.must(http.MethodGet, path, nil, http.StatusOK, &s)
		return s
	}
	var answer struct{ Schema string }
	c.must(http.MethodGet, path, nil, http.StatusOK, &answer)
	return answer.Schema
}

func TestSchemaTypesAndTheVersionsOfAnIDAnswerAsConfluents(t *testing.T) {
	c := startRegistry(t, embedded.RegistryServerOptions{})
	var types []string
	c.must(http.MethodGet, "/schemas/types", nil, http.StatusOK, &types)
	if want := []string{"JSON", "PROTOBUF", "AVRO"}; !reflect.DeepEqual(types, want) {
		t.Errorf("/schemas/types: %v, want %v", types, want)
	}
	id := c.register("b-value", "", schemas.Avro)
	for _, s := range []string{"c-value", "a-value"} {
		if got := c.register(s, "", schemas.Avro); got != id {
			t.Fatalf("the same schema under %s has id %d, want %d", s, got, id)
		}
	}
	var versions []map[string]any
	c.must(http.MethodGet, "/schemas/ids/"+strconv.Itoa(id)+"/versions", nil, http.StatusOK, &versions)
	want := []map[string]any{{"subject": "a-value", "version": 1.0}, {"subject": "b-value", "version": 1.0}, {"subject": "c-value", "version": 1.0}}
	if !reflect.DeepEqual(versions, want) {
		t.Errorf("versions of id %d: %v, want %v", id, versions, want)
	}
	for _, s := range []string{"a-value", "b-value", "c-value"} {
		c.must(http.MethodDelete, "/subjects/"+s+"/versions/1", nil, http.StatusOK, nil)
	}
	status, body := c.do(http.MethodGet, "/schemas/ids/"+strconv.Itoa(id)+"/versions", nil)
	if status != http.StatusOK || strings.TrimSpace(string(body)) != "[]" {
		t.Errorf("versions of an id whose versions are all deleted: %d %s, want 200 []", status, body)
	}
	c.mustFail(http.MethodGet, "/schemas/ids/999/versions", nil, http.StatusNotFound, 40403)
}

func TestConfigSetsAndAnswersCompatibilityLevelsAsConfluents(t *testing.T) {
	c := startRegistry(t, embedded.RegistryServerOptions{})
	for _, step := range []struct {
		name, method, path string
		body               any
		status             int
		want               map[string]any // or, for an error, error_code
	}{
		{"the default global level: NONE, so that a topic may change format", "GET", "/config", nil, 200, map[string]any{"compatibilityLevel": "NONE"}},
		{"set the global level, any case", "PUT", "/config", map[string]any{"compatibility": "full"}, 200, map[string]any{"compatibility": "FULL"}},
		{"the global level set", "GET", "/config", nil, 200, map[string]any{"compatibilityLevel": "FULL"}},
		{"an unknown level", "PUT", "/config", map[string]any{"compatibility": "SIDEWAYS"}, 422, map[string]any{"error_code": 42203.0}},
		{"a level that is not a string", "PUT", "/config", map[string]any{"compatibility": 3}, 422, map[string]any{"error_code": 42203.0}},
		{"a setting not supported", "PUT", "/config", map[string]any{"compatibility": "FULL", "normalize": true}, 422, map[string]any{"error_code": 42205.0}},
		{"an empty setting is fine", "PUT", "/config", map[string]any{"compatibility": "FULL", "normalize": false, "alias": nil}, 200, map[string]any{"compatibility": "FULL"}},
		{"a subject without a level", "GET", "/config/pitches-value", nil, 404, map[string]any{"error_code": 40408.0}},
		{"a subject without a level, defaulting to global", "GET", "/config/pitches-value?defaultToGlobal=true", nil, 200, map[string]any{"compatibilityLevel": "FULL"}},
		{"set a subject's level", "PUT", "/config/pitches-value", map[string]any{"compatibility": "FORWARD_TRANSITIVE"}, 200, map[string]any{"compatibility": "FORWARD_TRANSITIVE"}},
		{"the subject's level", "GET", "/config/pitches-value", nil, 200, map[string]any{"compatibilityLevel": "FORWARD_TRANSITIVE"}},
		{"the global level stays", "GET", "/config", nil, 200, map[string]any{"compatibilityLevel": "FULL"}},
		{"delete the subject's level", "DELETE", "/config/pitches-value", nil, 200, map[string]any{"compatibilityLevel": "FORWARD_TRANSITIVE"}},
		{"delete it again", "DELETE", "/config/pitches-value", nil, 404, map[string]any{"error_code": 40401.0}},
		{"delete the global level", "DELETE", "/config", nil, 200, map[string]any{"compatibilityLevel": "FULL"}},
		{"back to the default", "GET", "/config", nil, 200, map[string]any{"compatibilityLevel": "NONE"}},
	} {
		var got map[string]any
		c.must(step.method, step.path, step.body, step.status, &got)
		for k, v := range step.want {
			if got[k] != v {
				t.Errorf("%s: %s %s answered %v, want %s = %v", step.name, step.method, step.path, got, k, v)
			}
		}
	}
}

func TestErrorsCarryConfluentsStatusAndErrorCode(t *testing.T) {
	c := startRegistry(t, embedded.RegistryServerOptions{})
	c.register("pitches-value", "", schemas.Avro)
	for _, tc := range []struct {
		name, method, path string
		body               any
		status, code       int
	}{
		{"unknown subject", "GET", "/subjects/nope/versions/1", nil, 404, 40401},
		{"unknown version", "GET", "/subjects/pitches-value/versions/99", nil, 404, 40402},
		{"unknown schema id", "GET", "/schemas/ids/999", nil, 404, 40403},
		{"unknown schema id, serialized", "GET", "/schemas/ids/999?format=serialized", nil, 404, 40403},
		{"a version that is not a number", "GET", "/subjects/pitches-value/versions/first", nil, 422, 42202},
		{"version 0", "GET", "/subjects/pitches-value/versions/0", nil, 422, 42202},
		{"a version past 2^31-1", "GET", "/subjects/pitches-value/versions/2147483648", nil, 422, 42202},
		{"a compatibility check against version 0", "POST", "/compatibility/subjects/pitches-value/versions/0", schemaBody("", schemas.Avro), 422, 42202},
		{"a compatibility check against a missing version", "POST", "/compatibility/subjects/pitches-value/versions/7", schemaBody("", schemas.Avro), 404, 40402},
		{"an Avro schema that does not parse", "POST", "/subjects/bad-value/versions", schemaBody("", `{"type": "record", "name": "X", "fields": [{"name": "a", "type": "nope"}]}`), 422, 42201},
		{"a Protobuf schema that does not parse", "POST", "/subjects/bad-value/versions", schemaBody("PROTOBUF", `syntax = "proto3"; message X { strin a = 1; }`), 422, 42201},
		{"a Protobuf import that is not a reference", "POST", "/subjects/bad-value/versions", schemaBody("PROTOBUF", `syntax = "proto3"; import "mine.proto"; message X { Y a = 1; }`), 422, 42201},
		{"a JSON schema that is not JSON", "POST", "/subjects/bad-value/versions", schemaBody("JSON", `{"type": `), 422, 42201},
		{"a JSON schema whose $ref leads nowhere", "POST", "/subjects/bad-value/versions", schemaBody("JSON", `{"$ref": "#/$defs/none"}`), 422, 42201},
		{"a body that is not JSON", "POST", "/subjects/bad-value/versions", "schema", 422, 42201},
		{"an invalid schema in a compatibility check", "POST", "/compatibility/subjects/pitches-value/versions/latest", schemaBody("", `{"type": "nope"}`), 422, 42201},
		{"a path the registry does not serve", "GET", "/no/such/thing", nil, 404, 404},
		{"a method it does not allow", "PATCH", "/schemas/types", nil, 405, 405},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.in(t).mustFail(tc.method, tc.path, tc.body, tc.status, tc.code)
		})
	}
}

func TestARegistryStartsAtTheCompatibilityLevelItIsGiven(t *testing.T) {
	c := startRegistry(t, embedded.RegistryServerOptions{Compatibility: "backward"})
	var level map[string]string
	c.must(http.MethodGet, "/config", nil, http.StatusOK, &level)
	if level["compatibilityLevel"] != "BACKWARD" {
		t.Errorf("global level %v, want BACKWARD", level)
	}
	c.register("pitches-value", "", schemas.Avro)
	c.mustFail(http.MethodPost, "/subjects/pitches-value/versions", schemaBody("PROTOBUF", schemas.Protobuf), http.StatusConflict, 409)
	c.must(http.MethodPut, "/config", map[string]any{"compatibility": "NONE"}, http.StatusOK, nil)
	c.must(http.MethodDelete, "/config", nil, http.StatusOK, nil)
	c.must(http.MethodGet, "/config", nil, http.StatusOK, &level)
	if level["compatibilityLevel"] != "BACKWARD" {
		t.Errorf("global level after DELETE /config: %v, want BACKWARD, the one it started at", level)
	}
	if _, err := embedded.StartRegistry(embedded.RegistryServerOptions{Listen: "127.0.0.1:0", Compatibility: "SIDEWAYS"}); err == nil ||
		!strings.Contains(err.Error(), "BACKWARD") {
		t.Errorf("an unknown level: %v, want an error naming the levels", err)
	}
}

func TestCompatibilityLevelsSurviveARestartWithTheDataDir(t *testing.T) {
	dir := t.TempDir()
	first := startRegistry(t, embedded.RegistryServerOptions{DataDir: dir})
	first.must(http.MethodPut, "/config", map[string]any{"compatibility": "FULL_TRANSITIVE"}, http.StatusOK, nil)
	first.must(http.MethodPut, "/config/pitches-value", map[string]any{"compatibility": "NONE"}, http.StatusOK, nil)
	first.register("pitches-value", "", schemas.Avro)
	// the registry's Close ends the test's first server; a second one on the same dir restores
	again := startRegistry(t, embedded.RegistryServerOptions{DataDir: dir})
	var level map[string]string
	again.must(http.MethodGet, "/config", nil, http.StatusOK, &level)
	if level["compatibilityLevel"] != "FULL_TRANSITIVE" {
		t.Errorf("global level after a restart: %v, want FULL_TRANSITIVE", level)
	}
	again.must(http.MethodGet, "/config/pitches-value", nil, http.StatusOK, &level)
	if level["compatibilityLevel"] != "NONE" {
		t.Errorf("subject level after a restart: %v, want NONE", level)
	}
	// NONE still applies: an unrelated schema is accepted
	again.register("pitches-value", "", `"string"`)
}

func TestANewEndpointRefusesARequestWithoutTheRegistrysCredentials(t *testing.T) {
	c := startRegistry(t, embedded.RegistryServerOptions{BasicAuth: "alice:secret", DataDir: t.TempDir()})
	c.must(http.MethodGet, "/schemas/types", nil, http.StatusOK, nil)
	c.register("pitches-value", "PROTOBUF", schemas.Protobuf)
	schemaText(t, c, "/subjects/pitches-value/versions/1?format=serialized", false)
	anonymous := &registryClient{t: t, url: c.url}
	anonymous.mustFail(http.MethodGet, "/schemas/types", nil, http.StatusUnauthorized, 401)
	anonymous.mustFail(http.MethodGet, "/subjects/pitches-value/versions/1?format=serialized", nil, http.StatusUnauthorized, 401)
	wrong := &registryClient{t: t, url: c.url, user: "alice:guess"}
	wrong.mustFail(http.MethodPut, "/config", map[string]any{"compatibility": "NONE"}, http.StatusForbidden, 403)
}
