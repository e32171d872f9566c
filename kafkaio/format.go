package kafkaio

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/jsonschema"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/protobuf"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/schemas"
	"github.com/pitchkafka/pitchkafka/schemas/pitchpb"
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
	reg      *registry

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
	reg, err := openRegistry(cfg)
	if err != nil {
		return err
	}
	if reg == nil {
		return ErrRegistryRequired
	}
	s.reg = reg
	if s.schemaID, err = reg.register(Subject(topic), format.schemaInfo(of)); err != nil {
		reg.close()
		return err
	}
	if err := s.newSerializer(); err != nil {
		reg.close()
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
func (s *serializers) Close() { s.reg.close() }

// valueDecoder reads a record value by its first byte: 0 is the Schema
// Registry wire format, in whichever format its schema id names; anything
// else is a JSON event. Schemas are fetched by id once and cached. It is
// safe for concurrent use.
type valueDecoder struct {
	subject string // the subject the topic's schemas are registered under
	topic   string
	reg     *registry // nil without a registry

	avro  *avrov2.Deserializer
	proto *protobuf.Deserializer
	json  *jsonschema.Deserializer
}

// newValueDecoder returns the decoder of topic's records; with a registry
// configured it connects to it first.
func newValueDecoder(cfg Config, topic string) (*valueDecoder, error) {
	d := &valueDecoder{subject: Subject(topic), topic: topic}
	reg, err := openRegistry(cfg)
	if err != nil || reg == nil {
		return d, err
	}
	d.reg = reg
	if err := d.newDeserializers(); err != nil {
		reg.close()
		return nil, fmt.Errorf("schema registry deserializers: %w", err)
	}
	return d, nil
}

func (d *valueDecoder) newDeserializers() (err error) {
	client := d.reg.client
	if d.avro, err = avrov2.NewDeserializer(client, serde.ValueSerde, avrov2.NewDeserializerConfig()); err != nil {
		return err
	}
	if d.proto, err = protobuf.NewDeserializer(client, serde.ValueSerde, protobuf.NewDeserializerConfig()); err != nil {
		return err
	}
	d.json, err = jsonschema.NewDeserializer(client, serde.ValueSerde, jsonschema.NewDeserializerConfig())
	return err
}

// close lets go of the registry client.
func (d *valueDecoder) close() {
	if d != nil {
		d.reg.close()
	}
}

// wireFormatMagic is the first byte of a Schema Registry framed value.
const wireFormatMagic = 0

// decode decodes a record value. An error wrapping game.ErrInvalidPitch
// means the record is no pitch event; any other error means the registry
// could not be asked, and says nothing about the record.
func (d *valueDecoder) decode(value []byte) (game.Pitch, error) {
	switch {
	case value == nil:
		return game.Pitch{}, fmt.Errorf("%w: null value", game.ErrInvalidPitch)
	case len(value) > 0 && value[0] == wireFormatMagic:
		return d.decodeFramed(value)
	}
	return game.Decode(value)
}

// decodeFramed decodes a value in the Schema Registry wire format.
func (d *valueDecoder) decodeFramed(value []byte) (game.Pitch, error) {
	schemaType, id, err := d.framedSchema(value, game.ErrInvalidPitch)
	if err != nil {
		return game.Pitch{}, err
	}
	p, err := d.deserialize(schemaType, value)
	if err != nil {
		return game.Pitch{}, fmt.Errorf("%w: %s with schema id %d: %v", game.ErrInvalidPitch, schemaType, id, err)
	}
	return p, p.Validate()
}

// framedSchema returns the type and id of the schema a framed value names.
// An error wrapping invalid means the value cannot be read; any other, that
// the registry could not be asked.
func (d *valueDecoder) framedSchema(value []byte, invalid error) (typ string, id int, err error) {
	if len(value) < 5 {
		return "", 0, fmt.Errorf("%w: %d bytes, too short for the Schema Registry wire format", invalid, len(value))
	}
	id = int(binary.BigEndian.Uint32(value[1:5]))
	if d.reg == nil {
		return "", id, fmt.Errorf("%w: schema id %d: %w", invalid, id, ErrNoRegistry)
	}
	info, err := d.reg.client.GetBySubjectAndID(d.subject, id)
	if isNotFound(err) {
		return "", id, fmt.Errorf("%w: schema id %d is not in the registry under subject %s", invalid, id, d.subject)
	}
	if err != nil {
		return "", id, fmt.Errorf("schema registry %s: schema id %d: %w", d.reg.url, id, err)
	}
	return schemaType(info.SchemaType), id, nil
}

// deserialize decodes a framed value with the deserializer of its schema's
// type.
func (d *valueDecoder) deserialize(schemaType string, value []byte) (game.Pitch, error) {
	switch schemaType {
	case "AVRO":
		var a avroPitch
		if err := d.avro.DeserializeInto(d.topic, value, &a); err != nil {
			return game.Pitch{}, err
		}
		return a.pitch(), nil
	case "PROTOBUF":
		var m pitchpb.Pitch
		if err := d.proto.DeserializeInto(d.topic, value, &m); err != nil {
			return game.Pitch{}, err
		}
		return pitchFromProto(&m), nil
	case "JSON":
		var j jsonEvent
		if err := d.json.DeserializeInto(d.topic, value, &j); err != nil {
			return game.Pitch{}, err
		}
		return j.pitch, nil
	}
	return game.Pitch{}, fmt.Errorf("schema type %s is not one pitchkafka reads", schemaType)
}

// jsonEvent decodes a JSON Schema payload with the pitch event's own
// decoder.
type jsonEvent struct{ pitch game.Pitch }

// UnmarshalJSON implements json.Unmarshaler.
func (j *jsonEvent) UnmarshalJSON(b []byte) (err error) {
	j.pitch, err = game.Decode(b)
	return err
}
