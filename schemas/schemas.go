// Package schemas holds the product schemas of the pitch event,
// pitchkafka.pitch/v1, in the three Schema Registry formats, embedded in the
// binary: pitch.avsc (Avro), pitch.proto (Protobuf, whose Go code is
// pitchpb) and pitch.schema.json (JSON Schema). All three describe the same
// fields, with the same names, as the JSON event.
package schemas

import _ "embed"

//go:generate protoc --go_out=. --go_opt=module=github.com/pitchkafka/pitchkafka/schemas pitch.proto

// Avro is the Avro schema of the pitch event.
//
//go:embed pitch.avsc
var Avro string

// Protobuf is the Protobuf schema of the pitch event.
//
//go:embed pitch.proto
var Protobuf string

// JSONSchema is the JSON Schema of the pitch event.
//
//go:embed pitch.schema.json
var JSONSchema string
