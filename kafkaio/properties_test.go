package kafkaio

import (
	"maps"
	"strings"
	"testing"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// confluentCloudFile is the client.properties Confluent Cloud hands out for
// a Java client, as it comes (the keys made up).
const confluentCloudFile = `# Required connection configs for Kafka producer, consumer, and admin
bootstrap.servers=pkc-abc12.us-east-1.aws.confluent.cloud:9092
security.protocol=SASL_SSL
sasl.mechanisms=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username='ABCDEFGH12345678' password='cflt+secret/WITH=equals';

# Required for correctness in Apache Kafka clients prior to 2.6
client.dns.lookup=use_all_dns_ips

# Best practice for higher availability in Apache Kafka clients prior to 3.0
session.timeout.ms=45000

# Best practice for Kafka producer to prevent data loss
acks=all

# Required connection configs for Confluent Cloud Schema Registry
schema.registry.url=https://psrc-xyz98.us-east-2.aws.confluent.cloud
basic.auth.credentials.source=USER_INFO
basic.auth.user.info=SRKEY1234:sr+secret
`

func TestConfluentCloudsClientPropertiesWorkAsTheyCome(t *testing.T) {
	props, err := ReadProperties(strings.NewReader(confluentCloudFile), "client.properties")
	if err != nil {
		t.Fatal(err)
	}
	props, notes, err := Normalize(props)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range props {
		got[p.Key] = p.Value
		if err := CheckProperty(p); err != nil && !strings.HasPrefix(p.Key, "schema.registry.") {
			t.Errorf("librdkafka refuses %s: %v", p.Key, err)
		}
	}
	want := map[string]string{
		"bootstrap.servers": "pkc-abc12.us-east-1.aws.confluent.cloud:9092", "security.protocol": "SASL_SSL",
		"sasl.mechanisms": "PLAIN", "sasl.username": "ABCDEFGH12345678", "sasl.password": "cflt+secret/WITH=equals",
		"client.dns.lookup": "use_all_dns_ips", "session.timeout.ms": "45000", "acks": "all",
		"schema.registry.url":                           "https://psrc-xyz98.us-east-2.aws.confluent.cloud",
		"schema.registry.basic.auth.credentials.source": "USER_INFO",
		"schema.registry.basic.auth.user.info":          "SRKEY1234:sr+secret",
	}
	if !maps.Equal(got, want) {
		t.Errorf("normalized to\n%v\nwant\n%v", got, want)
	}
	if len(notes) != 3 {
		t.Errorf("notes %q, want one for the JAAS line and one for each registry setting", notes)
	}
}

func TestNormalizeReadsLoginsAndDefaultsTheMechanism(t *testing.T) {
	cases := []struct {
		name    string
		in      []Property
		want    map[string]string
		wantErr string
	}{
		{"a SCRAM login", []Property{{Key: "sasl.jaas.config", Value: `org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";`}},
			map[string]string{"sasl.username": "u", "sasl.password": "p", "sasl.mechanisms": "SCRAM-SHA-512"}, ""},
		{"the file's mechanism wins", []Property{{Key: "sasl.mechanism", Value: "SCRAM-SHA-256"},
			{Key: "sasl.jaas.config", Value: `org.apache.kafka.common.security.scram.ScramLoginModule required username=u password=p;`}},
			map[string]string{"sasl.mechanism": "SCRAM-SHA-256", "sasl.username": "u", "sasl.password": "p"}, ""},
		{"SASL_SSL alone gets PLAIN", []Property{{Key: "security.protocol", Value: "SASL_SSL"}},
			map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanisms": "PLAIN"}, ""},
		{"no SASL, no mechanism", []Property{{Key: "security.protocol", Value: "SSL"}},
			map[string]string{"security.protocol": "SSL"}, ""},
		{"a Kerberos login", []Property{{Key: "sasl.jaas.config", Value: `com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true;`, From: "f:3"}},
			nil, "f:3: sasl.jaas.config"},
		{"a Java serializer", []Property{{Key: "value.serializer", Value: "io.confluent.kafka.serializers.KafkaAvroSerializer"}},
			map[string]string{}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := Normalize(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one saying %q", err, tc.wantErr)
				}
				return
			}
			got := map[string]string{}
			for _, p := range out {
				got[p.Key] = p.Value
			}
			if err != nil || !maps.Equal(got, tc.want) {
				t.Errorf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestCheckPropertyNamesThePropertyAsTyped(t *testing.T) {
	cases := []struct {
		p       Property
		unknown bool
		want    string
	}{
		{Property{Key: "linger.ms", Value: "abc", From: "-X"}, false, `-X: linger.ms=abc: Invalid value for configuration property "linger.ms"`},
		{Property{Key: "foo.bar", Value: "1", From: "f.properties:7"}, true, "f.properties:7: no librdkafka property is named foo.bar"},
		{Property{Key: "sasl.password", Value: "x", From: "-X"}, false, ""},
	}
	for _, tc := range cases {
		err := CheckProperty(tc.p)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.p.Key, err)
			}
			continue
		}
		pe, ok := err.(*PropertyError)
		if !ok || pe.Unknown != tc.unknown || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "queue.buffering") {
			t.Errorf("%s=%s: %v, want %q", tc.p.Key, tc.p.Value, err, tc.want)
		}
	}
}

// The producers and admin clients of a consumer command leave out what
// only a consumer takes, which librdkafka warns of, and keep the rest.
func TestAProducerLeavesOutTheConsumersProperties(t *testing.T) {
	cm := forProducer(&kafka.ConfigMap{"session.timeout.ms": "10000", "heartbeat.interval.ms": "1000", "group.protocol": "consumer",
		"client.id": "scores-1", "linger.ms": "5", "security.protocol": "SASL_SSL"})
	want := kafka.ConfigMap{"client.id": "scores-1", "linger.ms": "5", "security.protocol": "SASL_SSL"}
	if !maps.Equal(*cm, want) {
		t.Errorf("forProducer kept %v, want %v", *cm, want)
	}
}
