// Package formats writes and reads pitchkafka's record values: the pitch
// event and the game state, as schemaless JSON (the game package's own
// codec) or in a Schema Registry format, Avro, Protobuf or JSON Schema,
// through Confluent's serializers and a Schema Registry client. It is the
// only package that imports Confluent's Schema Registry serdes; it knows
// nothing of Kafka clients.
package formats

import (
	"fmt"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	"github.com/pitchkafka/pitchkafka/schemas"
	"github.com/rs/zerolog"
)

// Format is how pitch events are written as record values: schemaless
// JSON, or one of the Schema Registry formats, framed as Confluent's
// serializers frame them (a zero byte, the 4-byte schema id, the payload).
type Format string

// The formats publish can write. Consumers read them all.
const (
	FormatJSON       Format = "json"
	FormatAvro       Format = "avro"
	FormatProtobuf   Format = "protobuf"
	FormatJSONSchema Format = "json-schema"
)

// Formats lists every format, JSON first.
var Formats = []Format{FormatJSON, FormatAvro, FormatProtobuf, FormatJSONSchema}

// ParseFormat checks a format's name.
func ParseFormat(name string) (Format, error) {
	for _, f := range Formats {
		if string(f) == name {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q", name)
}

// NeedsRegistry reports whether the format keeps its schema in a Schema
// Registry.
func (f Format) NeedsRegistry() bool { return f != FormatJSON && f != "" }

// productSchemas are one record value's product schemas, one a format.
type productSchemas struct{ avro, protobuf, jsonSchema string }

// The product schemas of the pitch event and of the game state.
var (
	pitchSchemas = productSchemas{avro: schemas.Avro, protobuf: schemas.Protobuf, jsonSchema: schemas.JSONSchema}
	gameSchemas  = productSchemas{avro: schemas.GameAvro, protobuf: schemas.GameProtobuf, jsonSchema: schemas.GameJSONSchema}
)

// schemaInfo is the format's schema of a value, as the registry takes it.
func (f Format) schemaInfo(of productSchemas) schemaregistry.SchemaInfo {
	switch f {
	case FormatAvro:
		return schemaregistry.SchemaInfo{Schema: of.avro, SchemaType: "AVRO"}
	case FormatProtobuf:
		return schemaregistry.SchemaInfo{Schema: of.protobuf, SchemaType: "PROTOBUF"}
	}
	return schemaregistry.SchemaInfo{Schema: of.jsonSchema, SchemaType: "JSON"}
}

// Config is what the formats need to reach a Schema Registry: where it is,
// how long to wait for it and where to log.
type Config struct {
	// Registry is the Schema Registry, if any (an empty URL: none).
	Registry RegistryConfig
	// Timeout bounds how long a registry that does not answer is waited
	// for; zero is DefaultTimeout.
	Timeout time.Duration
	// Log receives what the formats have to say.
	Log zerolog.Logger
}

// DefaultTimeout is how long a registry that does not answer is waited for
// when Config.Timeout is zero.
const DefaultTimeout = 30 * time.Second

func (c Config) timeout() time.Duration {
	if c.Timeout <= 0 {
		return DefaultTimeout
	}
	return c.Timeout
}
