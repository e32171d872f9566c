package schemas

import (
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/hamba/avro/v2"
	"github.com/jhump/protoreflect/desc/protoparse"
	"github.com/pitchkafka/pitchkafka/schemas/gamespb"
	"github.com/pitchkafka/pitchkafka/schemas/pitchpb"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// product is one record value's three schemas, its generated Protobuf
// message, and a valid record in JSON.
type product struct {
	name, avro, proto, protoFile, jsonSchema, message string
	generated                                         protoreflect.MessageDescriptor
	example                                           string
}

var products = []product{
	{name: "pitch", avro: Avro, proto: Protobuf, protoFile: "pitch.proto", jsonSchema: JSONSchema,
		message: "pitchkafka.pitch.v1.Pitch", generated: (&pitchpb.Pitch{}).ProtoReflect().Descriptor(),
		example: `{"schema":"pitchkafka.pitch/v1","ts":"2026-11-24T13:40:00.123Z","game_pk":316000002,"game_seq":1,"game_date":"2026-03-26","home_team":"BOS","away_team":"ARI","inning":1,"inning_topbot":"Top","at_bat_number":1,"pitch_number":1,"pitcher":600300,"pitcher_name":"Alex Alvarez","batter":600063,"batter_name":"Justin Scott","p_throws":"R","stand":"R","balls":0,"strikes":0,"outs_when_up":0,"on_1b":600001,"on_2b":600002,"on_3b":600003,"home_score":0,"away_score":0,"pitch_type":"FF","pitch_name":"4-Seam Fastball","release_speed":93.1,"type":"X","description":"hit_into_play","bb_type":"fly_ball","events":"field_out","des":"Justin Scott flies out.","post_home_score":0,"post_away_score":0,"game_over":false}`},
	{name: "game", avro: GameAvro, proto: GameProtobuf, protoFile: "games.proto", jsonSchema: GameJSONSchema,
		message: "pitchkafka.game.v1.Game", generated: (&gamespb.Game{}).ProtoReflect().Descriptor(),
		example: `{"schema":"pitchkafka.game/v1","ts":"2026-11-24T13:52:10.482Z","game_pk":316000001,"game_date":"2026-03-26","away_team":"NYY","home_team":"CHC","status":"in_progress","inning":6,"inning_topbot":"Top","outs":2,"on_1b":601864,"on_2b":601865,"on_3b":601866,"away_score":8,"home_score":6,"runs_by_inning":{"away":[2,4,2,0,0,0],"home":[1,3,1,1,0]},"hits":{"away":12,"home":7},"errors":{"away":0,"home":0},"through_seq":217}`},
}

// TestTheGeneratedProtobufCodeMatchesTheSchema guards against editing a
// .proto without running go generate: every field of every message of the
// schema must be in the generated code with the same number, type and
// presence.
func TestTheGeneratedProtobufCodeMatchesTheSchema(t *testing.T) {
	for _, p := range products {
		t.Run(p.name, func(t *testing.T) {
			assertSameMessage(t, p.parseProto(t), p.generated)
		})
	}
}

func assertSameMessage(t *testing.T, parsed, generated protoreflect.MessageDescriptor) {
	t.Helper()
	if parsed.Fields().Len() != generated.Fields().Len() {
		t.Fatalf("%s: schema has %d fields, generated code %d: run go generate ./schemas", parsed.FullName(), parsed.Fields().Len(), generated.Fields().Len())
	}
	for i := range parsed.Fields().Len() {
		p := parsed.Fields().Get(i)
		g := generated.Fields().ByName(p.Name())
		if g == nil || g.Number() != p.Number() || g.Kind() != p.Kind() || g.HasPresence() != p.HasPresence() || g.Cardinality() != p.Cardinality() {
			t.Errorf("field %s differs in the generated code: run go generate ./schemas", p.FullName())
			continue
		}
		if p.Kind() == protoreflect.MessageKind && p.Message().FullName() == g.Message().FullName() &&
			!strings.HasPrefix(string(p.Message().FullName()), "google.protobuf.") {
			assertSameMessage(t, p.Message(), g.Message())
		}
	}
}

func (p product) parseProto(tb testing.TB) protoreflect.MessageDescriptor {
	tb.Helper()
	parser := protoparse.Parser{Accessor: func(name string) (io.ReadCloser, error) {
		if name != p.protoFile {
			return nil, io.EOF
		}
		return io.NopCloser(strings.NewReader(p.proto)), nil
	}}
	files, err := parser.ParseFiles(p.protoFile)
	if err != nil {
		tb.Fatal(err)
	}
	return files[0].FindMessage(p.message).UnwrapMessage()
}

// TestTheSchemasAgreeOnFieldsAndNulls checks that Avro and Protobuf name
// the same fields in the same order, nested records and messages too, make
// the same ones nullable, and the same ones lists.
func TestTheSchemasAgreeOnFieldsAndNulls(t *testing.T) {
	for _, p := range products {
		t.Run(p.name, func(t *testing.T) {
			assertAgree(t, mustParseAvro(t, p.avro).(*avro.RecordSchema), p.generated)
		})
	}
}

func assertAgree(t *testing.T, record *avro.RecordSchema, msg protoreflect.MessageDescriptor) {
	t.Helper()
	fields := msg.Fields()
	if len(record.Fields()) != fields.Len() {
		t.Fatalf("%s: Avro has %d fields, Protobuf %d", record.FullName(), len(record.Fields()), fields.Len())
	}
	for i, f := range record.Fields() {
		pf := fields.Get(i)
		if string(pf.Name()) != f.Name() {
			t.Errorf("%s field %d: Avro %s, Protobuf %s", record.FullName(), i, f.Name(), pf.Name())
			continue
		}
		_, nullable := f.Type().(*avro.UnionSchema)
		if optional := pf.HasPresence() && pf.Kind() != protoreflect.MessageKind; nullable != optional {
			t.Errorf("field %s: nullable in Avro %v, optional in Protobuf %v", pf.FullName(), nullable, optional)
		}
		_, array := f.Type().(*avro.ArraySchema)
		if list := pf.IsList(); array != list {
			t.Errorf("field %s: an array in Avro %v, repeated in Protobuf %v", pf.FullName(), array, list)
		}
		if nested, ok := avroRecord(f.Type()); ok {
			if pf.Kind() != protoreflect.MessageKind {
				t.Errorf("field %s: a record in Avro, a %s in Protobuf", pf.FullName(), pf.Kind())
				continue
			}
			assertAgree(t, nested, pf.Message())
		}
	}
}

// avroRecord returns the record a field's type is, by definition or by
// name.
func avroRecord(s avro.Schema) (*avro.RecordSchema, bool) {
	if ref, ok := s.(*avro.RefSchema); ok {
		s = ref.Schema()
	}
	r, ok := s.(*avro.RecordSchema)
	return r, ok
}

// TestJSONSchemaAllowsNullExactlyWhereAvroDoes sets each field of a valid
// record to null in turn, nested ones too: the JSON Schema must accept it
// exactly where the Avro schema is nullable.
func TestJSONSchemaAllowsNullExactlyWhereAvroDoes(t *testing.T) {
	for _, p := range products {
		t.Run(p.name, func(t *testing.T) {
			sch := mustCompileJSONSchema(t, p.jsonSchema)
			var example map[string]any
			if err := json.Unmarshal([]byte(p.example), &example); err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(example); err != nil {
				t.Fatalf("the example is not valid: %v", err)
			}
			assertNullsAgree(t, sch, example, nil, mustParseAvro(t, p.avro).(*avro.RecordSchema))
		})
	}
}

// assertNullsAgree nulls each field of record, found at path in example.
func assertNullsAgree(t *testing.T, sch *jsonschema.Schema, example map[string]any, path []string, record *avro.RecordSchema) {
	t.Helper()
	for _, f := range record.Fields() {
		at := append(append([]string(nil), path...), f.Name())
		v := cloneJSON(t, example)
		setAt(v, at, nil)
		_, nullable := f.Type().(*avro.UnionSchema)
		if accepted := sch.Validate(v) == nil; accepted != nullable {
			t.Errorf("field %s: JSON Schema accepts null %v, Avro nullable %v", strings.Join(at, "."), accepted, nullable)
		}
		if nested, ok := avroRecord(f.Type()); ok {
			assertNullsAgree(t, sch, example, at, nested)
		}
	}
}

func cloneJSON(tb testing.TB, v map[string]any) map[string]any {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		tb.Fatal(err)
	}
	return out
}

func setAt(v map[string]any, path []string, to any) {
	for _, k := range path[:len(path)-1] {
		v = v[k].(map[string]any)
	}
	v[path[len(path)-1]] = to
}

func mustCompileJSONSchema(tb testing.TB, schema string) *jsonschema.Schema {
	tb.Helper()
	c := jsonschema.NewCompiler()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(schema))
	if err != nil {
		tb.Fatal(err)
	}
	if err := c.AddResource("schema.json", doc); err != nil {
		tb.Fatal(err)
	}
	sch, err := c.Compile("schema.json")
	if err != nil {
		tb.Fatal(err)
	}
	return sch
}

func mustParseAvro(tb testing.TB, schema string) avro.Schema {
	tb.Helper()
	s, err := avro.Parse(schema)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
