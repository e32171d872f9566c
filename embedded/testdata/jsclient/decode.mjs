// Decodes records in the Schema Registry wire format with Confluent's own
// JavaScript serdes (@confluentinc/schemaregistry), the way a consumer in
// Node.js would, and prints each as one line of JSON with the field names
// of pitchkafka's JSON event.
//
//   node decode.mjs REGISTRY_URL TOPIC avro|protobuf|json-schema HEX...
import {
  AvroDeserializer, JsonDeserializer, ProtobufDeserializer, SchemaRegistryClient, SerdeType,
} from '@confluentinc/schemaregistry';
import { toJson } from '@bufbuild/protobuf';

const [url, topic, format, ...records] = process.argv.slice(2);
const client = new SchemaRegistryClient({ baseURLs: [url] });
const deserializers = {
  'avro': () => new AvroDeserializer(client, SerdeType.VALUE, {}),
  'protobuf': () => new ProtobufDeserializer(client, SerdeType.VALUE, {}),
  'json-schema': () => new JsonDeserializer(client, SerdeType.VALUE, {}),
};
if (!deserializers[format]) {
  console.error(`unknown format ${format}: want avro, protobuf or json-schema`);
  process.exit(2);
}
const deserializer = deserializers[format]();

// plain turns a decoded value into JSON-able data: a Protobuf message by
// its proto field names (unset optional fields left out), 64-bit integers
// as numbers, dates as RFC 3339.
function plain(value) {
  if (value && value.$typeName) {
    const desc = deserializer.fileRegistry.getMessage(value.$typeName);
    return toJson(desc, value, { useProtoFieldName: true, alwaysEmitImplicit: true });
  }
  return JSON.parse(JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? Number(v) : v)));
}

for (const hex of records) {
  const value = await deserializer.deserialize(topic, Buffer.from(hex, 'hex'));
  console.log(JSON.stringify(plain(value)));
}
