// Package schemas holds the product schemas of pitchkafka's record values
// in the three Schema Registry formats, embedded in the binary: the pitch
// event, pitchkafka.pitch/v1 (pitch.avsc, pitch.proto whose Go code is
// pitchpb, pitch.schema.json), and the game state that `pitchkafka scores`
// writes, pitchkafka.game/v1 (games.avsc, games.proto whose Go code is
// gamespb, games.schema.json). Each value's three schemas describe the same
// fields, with the same names and the same nulls, as its JSON form.
package schemas

import _ "embed"

//go:generate protoc --go_out=. --go_opt=module=github.com/pitchkafka/pitchkafka/schemas pitch.proto games.proto

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

// GameAvro is the Avro schema of the game state.
//
//go:embed games.avsc
var GameAvro string

// GameProtobuf is the Protobuf schema of the game state.
//
//go:embed games.proto
var GameProtobuf string

// GameJSONSchema is the JSON Schema of the game state.
//
//go:embed games.schema.json
var GameJSONSchema string
