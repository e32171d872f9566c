package schemas

import (
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/hamba/avro/v2"
	"github.com/jhump/protoreflect/desc/protoparse"
	"github.com/pitchkafka/pitchkafka/schemas/pitchpb"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// TestTheGeneratedProtobufCodeMatchesTheSchema guards against editing
// pitch.proto without running go generate: every field of the schema must
// be in the generated code with the same number, type and presence.
func TestTheGeneratedProtobufCodeMatchesTheSchema(t *testing.T) {
	parser := protoparse.Parser{Accessor: func(name string) (io.ReadCloser, error) {
		if name != "pitch.proto" {
			return nil, io.EOF
		}
		return io.NopCloser(strings.NewReader(Protobuf)), nil
	}}
	files, err := parser.ParseFiles("pitch.proto")
	if err != nil {
		t.Fatal(err)
	}
	parsed := files[0].FindMessage("pitchkafka.pitch.v1.Pitch").UnwrapMessage()
	generated := (&pitchpb.Pitch{}).ProtoReflect().Descriptor()
	if parsed.Fields().Len() != generated.Fields().Len() {
		t.Fatalf("schema has %d fields, generated code %d: run go generate ./schemas", parsed.Fields().Len(), generated.Fields().Len())
	}
	for i := range parsed.Fields().Len() {
		p := parsed.Fields().Get(i)
		g := generated.Fields().ByName(p.Name())
		if g == nil || g.Number() != p.Number() || g.Kind() != p.Kind() || g.HasPresence() != p.HasPresence() {
			t.Errorf("field %s differs in the generated code: run go generate ./schemas", p.Name())
		}
	}
}

// TestTheSchemasAgreeOnFieldsAndNulls checks that Avro and Protobuf name
// the same fields in the same order and make the same ones nullable.
func TestTheSchemasAgreeOnFieldsAndNulls(t *testing.T) {
	record := mustParseAvro(t).(*avro.RecordSchema)
	fields := (&pitchpb.Pitch{}).ProtoReflect().Descriptor().Fields()
	if len(record.Fields()) != fields.Len() {
		t.Fatalf("Avro has %d fields, Protobuf %d", len(record.Fields()), fields.Len())
	}
	for i, f := range record.Fields() {
		pf := fields.Get(i)
		if string(pf.Name()) != f.Name() {
			t.Errorf("field %d: Avro %s, Protobuf %s", i, f.Name(), pf.Name())
		}
		_, nullable := f.Type().(*avro.UnionSchema)
		if optional := pf.HasPresence() && pf.Kind() != protoreflect.MessageKind; nullable != optional {
			t.Errorf("field %s: nullable in Avro %v, optional in Protobuf %v", f.Name(), nullable, optional)
		}
	}
}

// TestJSONSchemaAllowsNullExactlyWhereAvroDoes sets each field of a valid
// event to null in turn: the JSON Schema must accept it exactly where the
// Avro schema is nullable.
func TestJSONSchemaAllowsNullExactlyWhereAvroDoes(t *testing.T) {
	c := jsonschema.NewCompiler()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(JSONSchema))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("pitch.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("pitch.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	const event = `{"schema":"pitchkafka.pitch/v1","ts":"2026-11-24T13:40:00.123Z","game_pk":316000002,"game_seq":1,"game_date":"2026-03-26","home_team":"BOS","away_team":"ARI","inning":1,"inning_topbot":"Top","at_bat_number":1,"pitch_number":1,"pitcher":600300,"pitcher_name":"Alex Alvarez","batter":600063,"batter_name":"Justin Scott","p_throws":"R","stand":"R","balls":0,"strikes":0,"outs_when_up":0,"on_1b":600001,"on_2b":600002,"on_3b":600003,"home_score":0,"away_score":0,"pitch_type":"FF","pitch_name":"4-Seam Fastball","release_speed":93.1,"type":"X","description":"hit_into_play","bb_type":"fly_ball","events":"field_out","des":"Justin Scott flies out.","post_home_score":0,"post_away_score":0,"game_over":false}`
	record := mustParseAvro(t).(*avro.RecordSchema)
	for _, f := range record.Fields() {
		var v map[string]any
		if err := json.Unmarshal([]byte(event), &v); err != nil {
			t.Fatal(err)
		}
		v[f.Name()] = nil
		_, nullable := f.Type().(*avro.UnionSchema)
		if accepted := sch.Validate(v) == nil; accepted != nullable {
			t.Errorf("field %s: JSON Schema accepts null %v, Avro nullable %v", f.Name(), accepted, nullable)
		}
	}
}

func mustParseAvro(tb testing.TB) avro.Schema {
	tb.Helper()
	s, err := avro.Parse(Avro)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
