package formats

import (
	"errors"
	"fmt"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/jsonschema"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/protobuf"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/schemas/pitchpb"
)

// ErrRegistryRequired is returned for a Schema Registry format without a
// registry URL.
var ErrRegistryRequired = errors.New("this format keeps its schema in a Schema Registry, and no registry URL is configured")

// Encoder writes pitch events as record values in one format. The Schema
// Registry formats go through Confluent's serializers, with the product
// schema registered under the topic's subject (TopicNameStrategy). An
// Encoder is used by one goroutine at a time.
type Encoder struct {
	serializers
	avroMsg  avroPitch
	protoMsg pitchpb.Pitch
}

// NewEncoder returns an encoder of the format for records of topic. For a
// Schema Registry format it connects to the registry in cfg.Registry and
// registers the product schema, or, when the registry refuses writes, uses
// the subject's latest version if that is the same schema.
func NewEncoder(cfg Config, topic string, format Format) (*Encoder, error) {
	e := &Encoder{}
	if err := e.open(cfg, topic, format, pitchSchemas, "pitches"); err != nil {
		return nil, err
	}
	return e, nil
}

// serializers are Confluent's serializers of one format for the values of
// one topic, writing the schema registered for them; for JSON, none.
type serializers struct {
	format   Format
	topic    string
	schemaID int
	reg      *Registry

	avro  *avrov2.Serializer
	proto *protobuf.Serializer
	json  *jsonschema.Serializer
}

// open connects to the registry, registers the format's schema of the
// values (named what, for the log) under the topic's subject and builds
// the serializer.
func (s *serializers) open(cfg Config, topic string, format Format, of productSchemas, what string) error {
	s.format, s.topic = format, topic
	if !format.NeedsRegistry() {
		s.format = FormatJSON
		return nil
	}
	reg, err := OpenRegistry(cfg)
	if err != nil {
		return err
	}
	if reg == nil {
		return ErrRegistryRequired
	}
	s.reg = reg
	if s.schemaID, err = reg.register(Subject(topic), format.schemaInfo(of)); err != nil {
		reg.Close()
		return err
	}
	if err := s.newSerializer(); err != nil {
		reg.Close()
		return fmt.Errorf("%s serializer: %w", format, err)
	}
	cfg.Log.Info().Str("format", string(format)).Str("subject", Subject(topic)).Int("schema_id", s.schemaID).
		Str("schema_registry", reg.url).Msg("writing " + what + " in the Schema Registry wire format")
	return nil
}

// newSerializer builds the format's serializer, set to write the
// registered schema's id.
//
// Told the id (UseSchemaID), Confluent's serializers look it up for every
// record under a cache key that is the whole schema marshalled to JSON: half
// of publish's time. When the id is the subject's latest version, as it is
// once registered, they are told to use the latest version instead, which the
// client caches by subject.
func (s *serializers) newSerializer() (err error) {
	conf := serde.NewSerializerConfig()
	conf.AutoRegisterSchemas, conf.UseSchemaID = false, s.schemaID
	if latest, lerr := s.reg.client.GetLatestSchemaMetadata(Subject(s.topic)); lerr == nil && latest.ID == s.schemaID {
		conf.UseSchemaID, conf.UseLatestVersion = -1, true
	}
	switch s.format {
	case FormatAvro:
		s.avro, err = avrov2.NewSerializer(s.reg.client, serde.ValueSerde, &avrov2.SerializerConfig{SerializerConfig: *conf})
	case FormatProtobuf:
		s.proto, err = protobuf.NewSerializer(s.reg.client, serde.ValueSerde, &protobuf.SerializerConfig{SerializerConfig: *conf})
	case FormatJSONSchema:
		s.json, err = jsonschema.NewSerializer(s.reg.client, serde.ValueSerde, &jsonschema.SerializerConfig{SerializerConfig: *conf})
	}
	return err
}

// SchemaID is the registry id of the schema the encoder writes, or 0 for
// JSON.
func (s *serializers) SchemaID() int { return s.schemaID }

// Append appends p's record value to buf.
func (e *Encoder) Append(buf []byte, p *game.Pitch) ([]byte, error) {
	var value []byte
	var err error
	switch e.format {
	case FormatJSON, "":
		return p.AppendJSON(buf), nil
	case FormatAvro:
		e.avroMsg.fromPitch(p)
		value, err = e.avro.Serialize(e.topic, &e.avroMsg)
	case FormatProtobuf:
		protoFromPitch(&e.protoMsg, p)
		value, err = e.proto.Serialize(e.topic, &e.protoMsg)
	case FormatJSONSchema:
		value, err = e.json.Serialize(e.topic, p)
	}
	if err != nil {
		return buf, fmt.Errorf("encode pitch %d/%d as %s: %w", p.GamePK, p.GameSeq, e.format, err)
	}
	return append(buf, value...), nil
}

// Close lets go of the registry client.
func (s *serializers) Close() { s.reg.Close() }
