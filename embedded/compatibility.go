package embedded

import (
	"fmt"
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
