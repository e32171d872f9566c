package testkit

import (
	"context"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// CreateTopic creates a topic with the broker's default replication
// factor, failing the test if it cannot.
func CreateTopic(tb testing.TB, brokers, topic string, partitions int, configs map[string]string) {
	tb.Helper()
	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": brokers, "log_level": 3})
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := admin.CreateTopics(ctx, []kafka.TopicSpecification{{Topic: topic, NumPartitions: partitions,
		ReplicationFactor: -1, Config: configs}}, kafka.SetAdminOperationTimeout(20*time.Second))
	if err != nil {
		tb.Fatal(err)
	}
	if code := res[0].Error.Code(); code != kafka.ErrNoError && code != kafka.ErrTopicAlreadyExists {
		tb.Fatalf("create topic %s: %v", topic, res[0].Error)
	}
	WaitFor(tb, 30*time.Second, "topic "+topic+" to have its partitions", func() bool {
		md, err := admin.GetMetadata(&topic, false, 5000)
		return err == nil && len(md.Topics[topic].Partitions) == partitions
	})
}
