package formats

import (
	"encoding/binary"
	"fmt"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/jsonschema"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/protobuf"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/schemas/pitchpb"
)

// Decoder reads a record value by its first byte: 0 is the Schema
// Registry wire format, in whichever format its schema id names; anything
// else is a JSON event. Schemas are fetched by id once and cached. It is
// safe for concurrent use.
type Decoder struct {
	subject string // the subject the topic's schemas are registered under
	topic   string
	reg     *Registry // nil without a registry

	avro  *avrov2.Deserializer
	proto *protobuf.Deserializer
	json  *jsonschema.Deserializer
}

// NewDecoder returns the decoder of topic's records; with a registry
// configured it connects to it first.
func NewDecoder(cfg Config, topic string) (*Decoder, error) {
	d := &Decoder{subject: Subject(topic), topic: topic}
	reg, err := OpenRegistry(cfg)
	if err != nil || reg == nil {
		return d, err
	}
	d.reg = reg
	if err := d.newDeserializers(); err != nil {
		reg.Close()
		return nil, fmt.Errorf("schema registry deserializers: %w", err)
	}
	return d, nil
}

func (d *Decoder) newDeserializers() (err error) {
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

// Close lets go of the registry client.
func (d *Decoder) Close() {
	if d != nil {
		d.reg.Close()
	}
}

// wireFormatMagic is the first byte of a Schema Registry framed value.
const wireFormatMagic = 0

// IsFramed reports whether a record value is in the Schema Registry wire
// format (its first byte is 0), which the decoders read through the
// registry and may keep parts of: such a value must be copied out of
// memory the caller does not own before it is decoded.
func IsFramed(value []byte) bool { return len(value) > 0 && value[0] == wireFormatMagic }

// Decode decodes a record value. An error wrapping game.ErrInvalidPitch
// means the record is no pitch event; any other error means the registry
// could not be asked, and says nothing about the record.
func (d *Decoder) Decode(value []byte) (game.Pitch, error) {
	switch {
	case value == nil:
		return game.Pitch{}, fmt.Errorf("%w: null value", game.ErrInvalidPitch)
	case IsFramed(value):
		return d.decodeFramed(value)
	}
	return game.Decode(value)
}

// decodeFramed decodes a value in the Schema Registry wire format.
func (d *Decoder) decodeFramed(value []byte) (game.Pitch, error) {
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
func (d *Decoder) framedSchema(value []byte, invalid error) (typ string, id int, err error) {
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
func (d *Decoder) deserialize(schemaType string, value []byte) (game.Pitch, error) {
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
