package embedded

import (
	"encoding/base64"
	"fmt"

	"github.com/jhump/protoreflect/desc"
	"github.com/jhump/protoreflect/desc/protoparse"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/proto"
)

// protoMainFile is the name Confluent's registry gives the file of a
// Protobuf schema in its serialized form; the schemas it imports keep the
// names they are imported by.
const protoMainFile = "default"

// parseProtobuf parses and links a Protobuf schema with the schemas it
// imports: deps, by import name, and the well-known types
// (google/protobuf/*.proto), which need no reference, as with Confluent.
func parseProtobuf(text string, deps map[string]sr.Schema) (*desc.FileDescriptor, error) {
	if _, clash := deps[protoMainFile]; clash {
		return nil, errInvalidSchema(fmt.Sprintf("Protobuf: a reference may not be named %q", protoMainFile))
	}
	parser := protoparse.Parser{Accessor: protoparse.FileContentsFromMap(protoFiles(text, deps))}
	parsed, err := parser.ParseFiles(protoMainFile)
	if err != nil {
		return nil, errInvalidSchema("Protobuf: " + err.Error() +
			" (each import must be a registered reference, or a google/protobuf/ well-known type)")
	}
	return parsed[0], nil
}

// serializedProtobuf is a Protobuf schema as Confluent's registry answers
// ?format=serialized: the base64 of its FileDescriptorProto, named
// "default", without source information; its imports stay as the
// descriptor's dependencies, for the client to resolve by reference or as
// well-known types.
func serializedProtobuf(text string, deps map[string]sr.Schema) (string, error) {
	fd, err := parseProtobuf(text, deps)
	if err != nil {
		return "", err
	}
	fdp := fd.AsFileDescriptorProto()
	fdp.SourceCodeInfo = nil
	raw, err := proto.MarshalOptions{Deterministic: true}.Marshal(fdp)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(raw), nil
}

// protoFiles are the sources of a schema and its dependencies, by name.
func protoFiles(text string, deps map[string]sr.Schema) map[string]string {
	files := map[string]string{protoMainFile: text}
	for name, dep := range deps {
		files[name] = dep.Schema
	}
	return files
}
