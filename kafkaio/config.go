// Package kafkaio is pitchkafka's adapter to Kafka: the only package that
// uses the Kafka client's Go API (confluent-kafka-go, librdkafka
// underneath). It takes and gives game types:
//
//   - Publisher writes pitches, keyed by game, and checks every delivery;
//   - Reader replays a topic by assignment, as an event-sourced view does;
//   - GroupReader is a consumer-group member that commits what it handled;
//   - Scores is the exactly-once (transactional) processor of the games;
//   - Changelog writes a table's changes to a compacted topic;
//   - TopicWatch reads a topic's offsets and groups for the live page.
//
// Its hot paths call librdkafka's C API through internal/rdk, one call a
// batch; record values are written and read by package formats. Errors
// come back typed in Kafka's terms (UnreachableError, TopicMissingError,
// ErrFenced) and name no command-line flag: the commands add the fix.
package kafkaio

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/rs/zerolog"
)

// Config is what every client needs: where the brokers are, the user's own
// librdkafka properties, how long to wait for a broker and where to log.
type Config struct {
	// Brokers is the bootstrap list, host:port[,host:port…].
	Brokers string
	// Properties are librdkafka properties from --config and -X. They win
	// over pitchkafka's defaults.
	Properties map[string]string
	// Timeout bounds how long a command waits for an unreachable broker.
	Timeout time.Duration
	// Log receives pitchkafka's and librdkafka's log lines.
	Log zerolog.Logger
	// Registry is the Schema Registry, if any: publish registers its schema
	// there, and consumers read records in its wire format through it.
	Registry formats.RegistryConfig
}

// IsSecret reports whether a property holds a secret that must never be
// logged: any key containing "password", "secret", "token" or "user.info"
// (the Schema Registry's user:password).
func IsSecret(key string) bool {
	k := strings.ToLower(key)
	for _, word := range []string{"password", "secret", "token", "user.info"} {
		if strings.Contains(k, word) {
			return true
		}
	}
	return false
}

// Redact hides the value of a secret "key=value" string.
func Redact(kv string) string {
	if key, _, ok := strings.Cut(kv, "="); ok && IsSecret(key) {
		return key + "=[redacted]"
	}
	return kv
}

// configMap builds a librdkafka configuration: the given defaults, then the
// bootstrap servers, then the user's properties, which win. librdkafka's
// own logs go to a channel that drainLogs turns into zerolog lines.
func (c Config) configMap(defaults kafka.ConfigMap) *kafka.ConfigMap {
	cm := kafka.ConfigMap{
		"bootstrap.servers":      c.Brokers,
		"go.logs.channel.enable": true,
		"client.id":              "pitchkafka",
		"statistics.interval.ms": statsInterval,
	}
	for k, v := range defaults {
		cm[k] = v
	}
	for k, v := range c.Properties {
		cm[k] = v
	}
	return &cm
}

// describe returns the effective properties for a debug log, secrets hidden.
func describe(cm *kafka.ConfigMap) string {
	keys := make([]string, 0, len(*cm))
	for k := range *cm {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		v := fmt.Sprint((*cm)[k])
		if IsSecret(k) {
			v = "[redacted]"
		}
		fmt.Fprintf(&b, "%s=%s ", k, v)
	}
	return strings.TrimSpace(b.String())
}

// LibraryVersion returns the version of librdkafka in use.
func LibraryVersion() string {
	_, v := kafka.LibraryVersion()
	return v
}

// Formats is what the record formats need of the configuration: the
// Schema Registry, the timeout and the log.
func (c Config) Formats() formats.Config {
	return formats.Config{Registry: c.Registry, Timeout: c.timeout(), Log: c.Log}
}

// Group protocols a member can join with (librdkafka's group.protocol).
const (
	// GroupProtocolClassic is the protocol of Kafka before 4.0: the
	// members rebalance among themselves, the leader assigning.
	GroupProtocolClassic = "classic"
	// GroupProtocolConsumer is KIP-848's protocol, generally available
	// from Kafka 4.0: the broker assigns, member by member.
	GroupProtocolConsumer = "consumer"
)

// brokerAssigns reports whether the member joins with KIP-848's protocol,
// under which the broker assigns partitions and a client-side assignor is
// refused.
func (c Config) brokerAssigns() bool {
	return strings.EqualFold(strings.TrimSpace(c.Properties["group.protocol"]), GroupProtocolConsumer)
}

// withoutAssignorIfBrokerAssigns drops the client-side assignor from a
// group member's defaults when the broker assigns: librdkafka refuses
// partition.assignment.strategy under group.protocol=consumer.
func withoutAssignorIfBrokerAssigns(defaults kafka.ConfigMap, cfg Config) kafka.ConfigMap {
	if cfg.brokerAssigns() {
		delete(defaults, "partition.assignment.strategy")
	}
	return defaults
}
