package embedded_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pitchkafka/pitchkafka/embedded"
	"github.com/pitchkafka/pitchkafka/schemas"
)

// compatCase is one rule: may a reader (the new schema) read what a
// writer (the old one) wrote? want is "" when it may, or the errorType
// Confluent's registry reports when it may not.
type compatCase struct {
	name, writer, reader, want string
}

// checkRules checks each case over HTTP: the writer registered under a
// subject of its own at BACKWARD, the reader posted to
// /compatibility/subjects/{s}/versions/latest?verbose=true.
func checkRules(t *testing.T, typ string, cases []compatCase) {
	c := startRegistry(t, embedded.RegistryServerOptions{Compatibility: "BACKWARD"})
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := c.in(t)
			subject := fmt.Sprintf("rule-%d", i)
			c.register(subject, typ, tc.writer)
			var got struct {
				IsCompatible bool     `json:"is_compatible"`
				Messages     []string `json:"messages"`
			}
			c.must(http.MethodPost, "/compatibility/subjects/"+subject+"/versions/latest?verbose=true",
				schemaBody(typ, tc.reader), http.StatusOK, &got)
			switch {
			case tc.want == "" && !got.IsCompatible:
				t.Errorf("refused, want compatible: %v", got.Messages)
			case tc.want != "" && got.IsCompatible:
				t.Errorf("compatible, want refused with %s", tc.want)
			case tc.want != "" && !strings.Contains(strings.Join(got.Messages, "\n"), tc.want):
				t.Errorf("messages %v, want one of type %s", got.Messages, tc.want)
			}
		})
	}
}

// avroRecord is a record schema named Pitch with fields.
func avroRecord(fields string) string {
	return `{"type": "record", "name": "Pitch", "namespace": "t", "fields": [` + fields + `]}`
}

func TestAvroCompatibilityFollowsSchemaResolution(t *testing.T) {
	a := `{"name": "a", "type": "int"}`
	checkRules(t, "", []compatCase{
		{"the same schema", schemas.Avro, schemas.Avro, ""},
		{"a field added with a default", avroRecord(a), avroRecord(a + `, {"name": "b", "type": "string", "default": ""}`), ""},
		{"a field added without a default", avroRecord(a), avroRecord(a + `, {"name": "b", "type": "string"}`), "READER_FIELD_MISSING_DEFAULT_VALUE"},
		{"a field removed", avroRecord(a + `, {"name": "b", "type": "string"}`), avroRecord(a), ""},
		{"a field renamed with an alias", avroRecord(a), avroRecord(`{"name": "z", "type": "int", "aliases": ["a"]}`), ""},
		{"int promoted to long", avroRecord(a), avroRecord(`{"name": "a", "type": "long"}`), ""},
		{"int promoted to double", avroRecord(a), avroRecord(`{"name": "a", "type": "double"}`), ""},
		{"long narrowed to int", avroRecord(`{"name": "a", "type": "long"}`), avroRecord(a), "TYPE_MISMATCH"},
		{"string read as bytes", avroRecord(`{"name": "a", "type": "string"}`), avroRecord(`{"name": "a", "type": "bytes"}`), ""},
		{"int read as string", avroRecord(a), avroRecord(`{"name": "a", "type": "string"}`), "TYPE_MISMATCH"},
		{"a value made nullable", avroRecord(a), avroRecord(`{"name": "a", "type": ["null", "int"], "default": null}`), ""},
		{"a nullable value made required", avroRecord(`{"name": "a", "type": ["null", "int"], "default": null}`), avroRecord(a), "TYPE_MISMATCH"},
		{"a union widened", `["null", "string"]`, `["null", "string", "long"]`, ""},
		{"a union narrowed", `["null", "string", "long"]`, `["null", "string"]`, "MISSING_UNION_BRANCH"},
		{"an enum symbol added", `{"type": "enum", "name": "E", "symbols": ["A"]}`, `{"type": "enum", "name": "E", "symbols": ["A", "B"]}`, ""},
		{"an enum symbol removed", `{"type": "enum", "name": "E", "symbols": ["A", "B"]}`, `{"type": "enum", "name": "E", "symbols": ["A"]}`, "MISSING_ENUM_SYMBOLS"},
		{"an enum symbol removed, the reader has a default", `{"type": "enum", "name": "E", "symbols": ["A", "B"]}`,
			`{"type": "enum", "name": "E", "symbols": ["A"], "default": "A"}`, ""},
		{"a record renamed", avroRecord(a), strings.Replace(avroRecord(a), `"Pitch"`, `"Throw"`, 1), "NAME_MISMATCH"},
		{"a record renamed with an alias", avroRecord(a), strings.Replace(avroRecord(a), `"name": "Pitch"`, `"name": "Throw", "aliases": ["t.Pitch"]`, 1), ""},
		{"a record moved to another namespace", avroRecord(a), strings.Replace(avroRecord(a), `"namespace": "t"`, `"namespace": "u"`, 1), ""},
		{"a fixed resized", `{"type": "fixed", "name": "F", "size": 4}`, `{"type": "fixed", "name": "F", "size": 8}`, "FIXED_SIZE_MISMATCH"},
		{"a nested record's field added without default", avroRecord(`{"name": "n", "type": ` + strings.Replace(avroRecord(a), "Pitch", "N", 1) + `}`),
			avroRecord(`{"name": "n", "type": ` + strings.Replace(avroRecord(a+`, {"name": "b", "type": "int"}`), "Pitch", "N", 1) + `}`),
			"READER_FIELD_MISSING_DEFAULT_VALUE"},
		{"an array's items promoted", `{"type": "array", "items": "int"}`, `{"type": "array", "items": "long"}`, ""},
		{"a map's values changed", `{"type": "map", "values": "int"}`, `{"type": "map", "values": "string"}`, "TYPE_MISMATCH"},
	})
}

// protoMessage is a proto3 file of package t with a message M of fields,
// and more declarations.
func protoMessage(fields string, more ...string) string {
	return "syntax = \"proto3\";\npackage t;\nmessage M {\n" + fields + "\n}\n" + strings.Join(more, "\n")
}

func TestProtobufCompatibilityFollowsConfluentsRules(t *testing.T) {
	x := "int32 x = 1;"
	checkRules(t, "PROTOBUF", []compatCase{
		{"the same schema", schemas.Protobuf, schemas.Protobuf, ""},
		{"a field added", protoMessage(x), protoMessage(x + " string y = 2;"), ""},
		{"a field removed", protoMessage(x + " string y = 2;"), protoMessage(x), ""},
		{"a field renamed", protoMessage(x), protoMessage("int32 renamed = 1;"), ""},
		{"int32 to int64", protoMessage(x), protoMessage("int64 x = 1;"), ""},
		{"int32 to bool", protoMessage(x), protoMessage("bool x = 1;"), ""},
		{"int32 to an enum", protoMessage(x), protoMessage("E x = 1;", "enum E { A = 0; }"), ""},
		{"int32 to sint32", protoMessage(x), protoMessage("sint32 x = 1;"), "FIELD_SCALAR_KIND_CHANGED"},
		{"int32 to fixed32", protoMessage(x), protoMessage("fixed32 x = 1;"), "FIELD_SCALAR_KIND_CHANGED"},
		{"fixed64 to sfixed64", protoMessage("fixed64 x = 1;"), protoMessage("sfixed64 x = 1;"), ""},
		{"float to double", protoMessage("float x = 1;"), protoMessage("double x = 1;"), "FIELD_SCALAR_KIND_CHANGED"},
		{"string to bytes", protoMessage("string x = 1;"), protoMessage("bytes x = 1;"), ""},
		{"string to int32", protoMessage("string x = 1;"), protoMessage(x), "FIELD_SCALAR_KIND_CHANGED"},
		{"a scalar made a message", protoMessage(x), protoMessage("N x = 1;", "message N { int32 v = 1; }"), "FIELD_KIND_CHANGED"},
		{"a scalar made a map", protoMessage(x), protoMessage("map<string, int32> x = 1;"), "FIELD_KIND_CHANGED"},
		{"a map's value type changed", protoMessage("map<string, int32> x = 1;"), protoMessage("map<string, string> x = 1;"), "FIELD_SCALAR_KIND_CHANGED"},
		{"an optional number made repeated", protoMessage("optional int32 x = 1;"), protoMessage("repeated int32 x = 1;"), "FIELD_NUMERIC_LABEL_CHANGED"},
		{"a number made optional", protoMessage(x), protoMessage("optional int32 x = 1;"), ""},
		{"an optional string made repeated", protoMessage("optional string x = 1;"), protoMessage("repeated string x = 1;"), ""},
		{"a message field's type renamed", protoMessage("N x = 1;", "message N { int32 v = 1; }"),
			protoMessage("O x = 1;", "message O { int32 v = 1; }"), "FIELD_NAMED_TYPE_CHANGED"},
		{"a message field's type changed inside", protoMessage("N x = 1;", "message N { int32 v = 1; }"),
			protoMessage("N x = 1;", "message N { string v = 1; }"), "FIELD_NAMED_TYPE_CHANGED"},
		{"a recursive message", protoMessage("M next = 1; int32 v = 2;"), protoMessage("M next = 1; int64 v = 2;"), ""},
		{"a message added", protoMessage(x), protoMessage(x, "message N { int32 v = 1; }"), ""},
		{"a message removed", protoMessage(x, "message N { int32 v = 1; }"), protoMessage(x), "MESSAGE_REMOVED"},
		{"messages reordered", protoMessage(x, "message N { int32 v = 1; }"), "syntax = \"proto3\";\npackage t;\nmessage N { int32 v = 1; }\nmessage M { int32 x = 1; }", ""},
		{"the package changed", protoMessage(x), strings.Replace(protoMessage(x), "package t;", "package u;", 1), "PACKAGE_CHANGED"},
		{"an enum value added", protoMessage("E x = 1;", "enum E { A = 0; }"), protoMessage("E x = 1;", "enum E { A = 0; B = 1; }"), ""},
		{"an enum value removed", protoMessage("E x = 1;", "enum E { A = 0; B = 1; }"), protoMessage("E x = 1;", "enum E { A = 0; }"), ""},
		{"a oneof member removed", protoMessage("oneof o { int32 a = 1; string b = 2; }"), protoMessage("oneof o { int32 a = 1; }"), "ONEOF_FIELD_REMOVED"},
		{"a whole oneof removed", protoMessage(x + " oneof o { int32 a = 2; string b = 3; }"), protoMessage(x), ""},
		{"a oneof member added", protoMessage("oneof o { int32 a = 1; }"), protoMessage("oneof o { int32 a = 1; string b = 2; }"), ""},
		{"a field moved out of its oneof", protoMessage("oneof o { int32 a = 1; string b = 2; }"), protoMessage("string b = 2; oneof o { int32 a = 1; }"), ""},
		{"two fields moved into a oneof", protoMessage("int32 a = 1; string b = 2;"), protoMessage("oneof o { int32 a = 1; string b = 2; }"), "MULTIPLE_FIELDS_MOVED_TO_ONEOF"},
		{"one field moved into an existing oneof", protoMessage("int32 a = 1; oneof o { string b = 2; }"), protoMessage("oneof o { int32 a = 1; string b = 2; }"), "FIELD_MOVED_TO_EXISTING_ONEOF"},
		{"one field made a oneof of its own", protoMessage("int32 a = 1;"), protoMessage("oneof o { int32 a = 1; string b = 2; }"), ""},
		{"a proto2 required field added", "syntax = \"proto2\";\nmessage M { optional int32 x = 1; }",
			"syntax = \"proto2\";\nmessage M { optional int32 x = 1; required int32 y = 2; }", "REQUIRED_FIELD_ADDED"},
		{"a proto2 required field removed", "syntax = \"proto2\";\nmessage M { optional int32 x = 1; required int32 y = 2; }",
			"syntax = \"proto2\";\nmessage M { optional int32 x = 1; }", "REQUIRED_FIELD_REMOVED"},
		{"a nested message's field changed", protoMessage("N x = 1; message N { int32 v = 1; }"),
			protoMessage("N x = 1; message N { double v = 1; }"), "FIELD_SCALAR_KIND_CHANGED"},
		{"a well-known type kept", protoMessage("google.protobuf.Timestamp ts = 1;") + "\nimport \"google/protobuf/timestamp.proto\";",
			protoMessage("google.protobuf.Timestamp ts = 1; int32 y = 2;") + "\nimport \"google/protobuf/timestamp.proto\";", ""},
	})
}

// jsonObject is an object schema with properties, more keywords after.
func jsonObject(properties string, more ...string) string {
	s := `{"type": "object", "properties": {` + properties + `}`
	for _, m := range more {
		s += ", " + m
	}
	return s + "}"
}

func TestJSONSchemaCompatibilityFollowsConfluentsRules(t *testing.T) {
	a := `"a": {"type": "integer"}`
	b := `"b": {"type": "string"}`
	closed := `"additionalProperties": false`
	checkRules(t, "JSON", []compatCase{
		{"the same schema", schemas.JSONSchema, schemas.JSONSchema, ""},
		{"a property removed from an open model", jsonObject(a + ", " + b), jsonObject(a), ""},
		{"a property removed from a closed model", jsonObject(a+", "+b, closed), jsonObject(a, closed), "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"},
		{"a property removed, covered by additionalProperties", jsonObject(a+", "+b, closed), jsonObject(a, `"additionalProperties": {"type": "string"}`), ""},
		{"a property removed, not covered by additionalProperties", jsonObject(a+", "+b, closed), jsonObject(a, `"additionalProperties": {"type": "number"}`),
			"PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"},
		{"a property added to an open model", jsonObject(a), jsonObject(a + ", " + b), "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"},
		{"a property of any value added to an open model", jsonObject(a), jsonObject(a + `, "b": {}`), ""},
		{"a property added to a closed model", jsonObject(a, closed), jsonObject(a+", "+b, closed), ""},
		{"a required property added to a closed model", jsonObject(a, closed), jsonObject(a+", "+b, closed, `"required": ["b"]`), "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"},
		{"a required property with a default added to a closed model", jsonObject(a, closed),
			jsonObject(a+`, "b": {"type": "string", "default": "x"}`, closed, `"required": ["b"]`), ""},
		{"a property made required", jsonObject(a), jsonObject(a, `"required": ["a"]`), "REQUIRED_ATTRIBUTE_ADDED"},
		{"a property made optional", jsonObject(a, `"required": ["a"]`), jsonObject(a), ""},
		{"the content model opened", jsonObject(a, closed), jsonObject(a), ""},
		{"the content model closed", jsonObject(a), jsonObject(a, closed), "ADDITIONAL_PROPERTIES_REMOVED"},
		{"integer widened to number", `{"type": "integer"}`, `{"type": "number"}`, ""},
		{"number narrowed to integer", `{"type": "number"}`, `{"type": "integer"}`, "TYPE_NARROWED"},
		{"string to integer", `{"type": "string"}`, `{"type": "integer"}`, "TYPE_CHANGED"},
		{"a value made nullable", `{"type": "string"}`, `{"type": ["string", "null"]}`, ""},
		{"a nullable value made required", `{"type": ["string", "null"]}`, `{"type": "string"}`, "TYPE_CHANGED"},
		{"a union extended", `{"anyOf": [{"type": "string"}, {"type": "integer"}]}`, `{"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]}`, ""},
		{"a union narrowed", `{"anyOf": [{"type": "string"}, {"type": "integer"}]}`, `{"anyOf": [{"type": "string"}]}`, "SUM_TYPE_NARROWED"},
		{"a union's branch changed", `{"oneOf": [{"type": "string"}, {"type": "integer"}]}`, `{"oneOf": [{"type": "string"}, {"type": "boolean"}]}`, "COMBINED_TYPE_SUBSCHEMAS_CHANGED"},
		{"oneOf made anyOf", `{"oneOf": [{"type": "string"}, {"type": "integer"}]}`, `{"anyOf": [{"type": "string"}, {"type": "integer"}]}`, ""},
		{"anyOf made oneOf", `{"anyOf": [{"type": "string"}, {"type": "integer"}]}`, `{"oneOf": [{"type": "string"}, {"type": "integer"}]}`, "COMBINED_TYPE_CHANGED"},
		{"maxLength raised", `{"type": "string", "maxLength": 5}`, `{"type": "string", "maxLength": 9}`, ""},
		{"maxLength lowered", `{"type": "string", "maxLength": 9}`, `{"type": "string", "maxLength": 5}`, "MAX_LENGTH_DECREASED"},
		{"minLength added", `{"type": "string"}`, `{"type": "string", "minLength": 1}`, "MIN_LENGTH_ADDED"},
		{"a pattern removed", `{"type": "string", "pattern": "^a"}`, `{"type": "string"}`, ""},
		{"a pattern changed", `{"type": "string", "pattern": "^a"}`, `{"type": "string", "pattern": "^b"}`, "PATTERN_CHANGED"},
		{"minimum lowered", `{"type": "integer", "minimum": 5}`, `{"type": "integer", "minimum": 1}`, ""},
		{"maximum lowered", `{"type": "integer", "maximum": 5}`, `{"type": "integer", "maximum": 1}`, "MAXIMUM_DECREASED"},
		{"multipleOf made a divisor", `{"type": "number", "multipleOf": 0.5}`, `{"type": "number", "multipleOf": 0.25}`, ""},
		{"multipleOf made a multiple", `{"type": "number", "multipleOf": 0.25}`, `{"type": "number", "multipleOf": 0.5}`, "MULTIPLE_OF_EXPANDED"},
		{"an enum extended", `{"enum": ["L", "R"]}`, `{"enum": ["L", "R", null]}`, ""},
		{"an enum narrowed", `{"enum": ["L", "R", null]}`, `{"enum": ["L", "R"]}`, "ENUM_ARRAY_NARROWED"},
		{"a const changed", `{"const": "v1"}`, `{"const": "v2"}`, "ENUM_ARRAY_CHANGED"},
		{"an array's items widened", `{"type": "array", "items": {"type": "integer"}}`, `{"type": "array", "items": {"type": "number"}}`, ""},
		{"an array's items narrowed", `{"type": "array", "items": {"type": "number"}}`, `{"type": "array", "items": {"type": "integer"}}`, "TYPE_NARROWED"},
		{"uniqueItems added", `{"type": "array"}`, `{"type": "array", "uniqueItems": true}`, "UNIQUE_ITEMS_ADDED"},
		{"a $ref's target narrowed", `{"$defs": {"n": {"type": "number"}}, "type": "object", "properties": {"a": {"$ref": "#/$defs/n"}}}`,
			`{"$defs": {"n": {"type": "integer"}}, "type": "object", "properties": {"a": {"$ref": "#/$defs/n"}}}`, "TYPE_NARROWED"},
		{"a recursive schema", `{"type": "object", "properties": {"next": {"$ref": "#"}, "v": {"type": "integer"}}}`,
			`{"type": "object", "properties": {"next": {"$ref": "#"}, "v": {"type": "number"}}}`, ""},
		{"anything narrowed to a string", `{}`, `{"type": "string"}`, "TYPE_CHANGED"},
		{"a string widened to anything", `{"type": "string"}`, `{}`, ""},
		{"a pitch property removed from its closed model", schemas.JSONSchema,
			strings.Replace(schemas.JSONSchema, `"partial": {"type": "boolean", "description": "Replays only, and only when true: the stream holds only part of this game (no pitch of it is game_over)."}`, `"x": {}`, 1),
			"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"},
	})
}

// history is a subject's versions, oldest first: each field added with a
// default, then "a" made a long (old readers cannot read it).
var history = []string{
	avroRecord(`{"name": "a", "type": "int"}`),
	avroRecord(`{"name": "a", "type": "int"}, {"name": "b", "type": "string", "default": ""}`),
}

func TestEachLevelChecksTheDirectionAndTheVersionsItSays(t *testing.T) {
	// Compatible with the latest version only: needs b, which version 1 lacks.
	needsB := avroRecord(`{"name": "a", "type": "int"}, {"name": "b", "type": "string"}`)
	// Readable by version 1 but not by the latest: b, which it needs, is gone.
	dropsB := avroRecord(`{"name": "a", "type": "int"}`)
	// Reads both; neither reads it: a is a long.
	widensA := avroRecord(`{"name": "a", "type": "long"}, {"name": "b", "type": "string", "default": ""}`)
	for _, tc := range []struct {
		level, candidate string
		want             bool
	}{
		{"NONE", `"string"`, true},
		{"BACKWARD", needsB, true},
		{"BACKWARD_TRANSITIVE", needsB, false},
		{"BACKWARD", widensA, true},
		{"FORWARD", widensA, false},
		{"FORWARD", dropsB, true},
		{"FORWARD_TRANSITIVE", dropsB, true},
		{"BACKWARD", dropsB, true},
		{"FULL", dropsB, true},
		{"FULL", widensA, false},
		{"FULL", needsB, true},
		{"FULL_TRANSITIVE", needsB, false},
		{"BACKWARD", `"string"`, false},
	} {
		t.Run(tc.level+"/"+map[bool]string{true: "compatible", false: "refused"}[tc.want], func(t *testing.T) {
			c := startRegistry(t, embedded.RegistryServerOptions{})
			for _, v := range history {
				c.register("s", "", v)
			}
			c.must(http.MethodPut, "/config/s", map[string]any{"compatibility": tc.level}, http.StatusOK, nil)
			var got struct {
				IsCompatible bool     `json:"is_compatible"`
				Messages     []string `json:"messages"`
			}
			c.must(http.MethodPost, "/compatibility/subjects/s/versions", schemaBody("", tc.candidate), http.StatusOK, &got)
			if got.IsCompatible != tc.want {
				t.Fatalf("is_compatible %v, want %v", got.IsCompatible, tc.want)
			}
			if got.Messages != nil {
				t.Errorf("messages %v without ?verbose=true", got.Messages)
			}
			status, body := c.do(http.MethodPost, "/subjects/s/versions", schemaBody("", tc.candidate))
			if tc.want && status != http.StatusOK || !tc.want && status != http.StatusConflict {
				t.Errorf("registration: %d %s", status, body)
			}
			if !tc.want && !strings.Contains(string(body), `"error_code":409`) {
				t.Errorf("registration refused with %s, want error_code 409", body)
			}
		})
	}
}

func TestCompatibilityChecksAgainstOneVersionOrNone(t *testing.T) {
	c := startRegistry(t, embedded.RegistryServerOptions{Compatibility: "BACKWARD"})
	for _, v := range history {
		c.register("s", "", v)
	}
	needsB := avroRecord(`{"name": "a", "type": "int"}, {"name": "b", "type": "string"}`)
	for _, tc := range []struct {
		name, path string
		want       bool
	}{
		{"against version 2, which has b", "/compatibility/subjects/s/versions/2?verbose=true", true},
		{"against version 1, which lacks b", "/compatibility/subjects/s/versions/1?verbose=true", false},
		{"against latest", "/compatibility/subjects/s/versions/latest?verbose=true", true},
		{"against the latest of a subject without versions", "/compatibility/subjects/new/versions/latest?verbose=true", true},
		{"against every version of a subject without versions", "/compatibility/subjects/new/versions?verbose=true", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got struct {
				IsCompatible bool     `json:"is_compatible"`
				Messages     []string `json:"messages"`
			}
			c.in(t).must(http.MethodPost, tc.path, schemaBody("", needsB), http.StatusOK, &got)
			if got.IsCompatible != tc.want || got.Messages == nil || (len(got.Messages) == 0) != tc.want {
				t.Errorf("is_compatible %v, messages %v; want %v", got.IsCompatible, got.Messages, tc.want)
			}
		})
	}
	var got struct {
		IsCompatible bool     `json:"is_compatible"`
		Messages     []string `json:"messages"`
	}
	c.must(http.MethodPost, "/compatibility/subjects/s/versions/1?verbose=true", schemaBody("PROTOBUF", schemas.Protobuf), http.StatusOK, &got)
	if got.IsCompatible || !strings.Contains(strings.Join(got.Messages, " "), "different schema type") {
		t.Errorf("a Protobuf schema against an Avro one: %v %v, want refused for its type", got.IsCompatible, got.Messages)
	}
	c.must(http.MethodPost, "/compatibility/subjects/s/versions/latest?verbose=true", schemaBody("", `{"type": "nope"}`), http.StatusOK, &got)
	if got.IsCompatible || len(got.Messages) != 1 {
		t.Errorf("an invalid schema, verbose: %v %v, want refused with its error", got.IsCompatible, got.Messages)
	}
}
