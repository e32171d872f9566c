package kafkaio

import (
	"strings"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

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
