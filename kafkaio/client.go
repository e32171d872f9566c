package kafkaio

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// DefaultTimeout is how long a client waits for a broker that does not answer.
const DefaultTimeout = 30 * time.Second

func (c Config) timeout() time.Duration {
	if c.Timeout <= 0 {
		return DefaultTimeout
	}
	return c.Timeout
}

// waitForBroker asks for the cluster's metadata until a broker answers or
// the timeout passes, and returns the metadata of topic. It asks in short
// turns so that a failed authentication, which authFailure reports, ends the
// wait at once instead of after the timeout.
func waitForBroker(ctx context.Context, admin *kafka.AdminClient, cfg Config, topic string, authFailure func() error) (*kafka.TopicMetadata, error) {
	return waitForMetadata(ctx, adminMetadata(admin), cfg, topic, authFailure)
}

// metadataFunc asks a broker for a topic's metadata, waiting up to timeout.
type metadataFunc func(topic string, timeout time.Duration) (*kafka.TopicMetadata, error)

// adminMetadata asks through an admin client; a missing topic has the
// error ErrUnknownTopicOrPart.
func adminMetadata(admin *kafka.AdminClient) metadataFunc {
	return func(topic string, timeout time.Duration) (*kafka.TopicMetadata, error) {
		md, err := admin.GetMetadata(&topic, false, int(timeout.Milliseconds()))
		if err != nil {
			return nil, err
		}
		tm, ok := md.Topics[topic]
		if !ok {
			return &kafka.TopicMetadata{Topic: topic, Error: kafka.NewError(kafka.ErrUnknownTopicOrPart, "unknown topic", false)}, nil
		}
		return &tm, nil
	}
}

// waitForMetadata is waitForBroker for any way of asking. It gives up at
// once when no bootstrap host name resolves, and when ctx ends (Ctrl-C).
func waitForMetadata(ctx context.Context, ask metadataFunc, cfg Config, topic string, authFailure func() error) (*kafka.TopicMetadata, error) {
	if err := resolveBootstrap(ctx, cfg.Brokers); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(cfg.timeout())
	for {
		if ctx.Err() != nil {
			return nil, &UnreachableError{Brokers: cfg.Brokers, Err: ctx.Err(), Interrupted: true}
		}
		turn := min(time.Until(deadline), 500*time.Millisecond)
		tm, err := ask(topic, max(turn, time.Millisecond))
		if err == nil {
			return tm, nil
		}
		if authErr := authFailure(); authErr != nil {
			return nil, fmt.Errorf("authentication failed at %s: check sasl.username, sasl.password and sasl.mechanisms (%v)",
				cfg.Brokers, authErr)
		}
		if code := kafkaCode(err); code == kafka.ErrTopicAuthorizationFailed {
			return nil, describeAuthError(err, topic)
		}
		if time.Now().After(deadline) {
			return nil, errUnreachable(cfg.Brokers, err)
		}
	}
}

// TopicSpec says how to create a topic that is missing.
type TopicSpec struct {
	Name              string
	Partitions        int
	ReplicationFactor int // -1 for the broker's default
	Configs           map[string]string
}

// ensureTopic creates the topic if it is missing and returns its partitions.
func ensureTopic(ctx context.Context, admin *kafka.AdminClient, cfg Config, spec TopicSpec, authFailure func() error) ([]int32, error) {
	tm, err := waitForBroker(ctx, admin, cfg, spec.Name, authFailure)
	if err != nil {
		return nil, err
	}
	if tm.Error.Code() == kafka.ErrNoError && len(tm.Partitions) > 0 {
		return partitionIDs(tm), nil
	}
	if spec.Partitions <= 0 {
		return nil, &TopicMissingError{Topic: spec.Name}
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout())
	defer cancel()
	res, err := admin.CreateTopics(ctx, []kafka.TopicSpecification{{
		Topic: spec.Name, NumPartitions: spec.Partitions, ReplicationFactor: spec.ReplicationFactor, Config: spec.Configs,
	}})
	if err != nil {
		return nil, fmt.Errorf("create topic %s: %w", spec.Name, err)
	}
	if code := res[0].Error.Code(); code != kafka.ErrNoError && code != kafka.ErrTopicAlreadyExists {
		if isNotAuthorized(res[0].Error) {
			return nil, fmt.Errorf("not authorized to create topic %s: ask for a Create ACL, or create it first (%v)", spec.Name, res[0].Error)
		}
		return nil, fmt.Errorf("create topic %s: %w", spec.Name, res[0].Error)
	}
	cfg.Log.Info().Str("topic", spec.Name).Int("partitions", spec.Partitions).Msg("created topic")
	return waitForPartitions(ctx, admin, cfg, spec.Name, authFailure)
}

// waitForPartitions waits until a new topic's partitions show in metadata.
func waitForPartitions(ctx context.Context, admin *kafka.AdminClient, cfg Config, topic string, authFailure func() error) ([]int32, error) {
	for {
		tm, err := waitForBroker(ctx, admin, cfg, topic, authFailure)
		if err != nil {
			return nil, err
		}
		if tm.Error.Code() == kafka.ErrNoError && len(tm.Partitions) > 0 {
			return partitionIDs(tm), nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("topic %s: no partitions yet: %w", topic, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func partitionIDs(tm *kafka.TopicMetadata) []int32 {
	ids := make([]int32, len(tm.Partitions))
	for i, p := range tm.Partitions {
		ids[i] = p.ID
	}
	return ids
}

// existingTopic returns the metadata of a topic that must already exist,
// asking through the consumer's own connections; it fails within the
// timeout when no broker answers, and says what to do when the topic is
// missing.
func existingTopic(ctx context.Context, c *kafka.Consumer, cfg Config, topic string) (*kafka.TopicMetadata, error) {
	admin, err := kafka.NewAdminClientFromConsumer(c)
	if err != nil {
		return nil, fmt.Errorf("create admin client: %w", err)
	}
	tm, err := waitForBroker(ctx, admin, cfg, topic, consumerAuthFailure(c))
	admin.Close()
	if err != nil {
		return nil, err
	}
	switch tm.Error.Code() {
	case kafka.ErrNoError:
	case kafka.ErrTopicAuthorizationFailed: // Apache Kafka answers so for a topic the ACLs hide
		return nil, describeAuthError(tm.Error, topic)
	default:
		return nil, &TopicMissingError{Topic: topic, Err: tm.Error}
	}
	return tm, nil
}

// watermarks asks the partition's leader for its low and high offsets. A
// partition whose leader is moving or not yet elected (a topic just
// created, on Apache Kafka) is asked again until the timeout:
// librdkafka's QueryWatermarkOffsets asks once.
func watermarks(c *kafka.Consumer, cfg Config, topic string, partition int32) (low, high int64, err error) {
	deadline := time.Now().Add(cfg.timeout())
	for {
		left := time.Until(deadline)
		low, high, err = c.QueryWatermarkOffsets(topic, partition, int(max(left, time.Millisecond).Milliseconds()))
		if err == nil {
			return low, high, nil
		}
		if !leaderMoving(err) || left < watermarksRetry {
			return 0, 0, fmt.Errorf("read offsets of %s/%d: %w", topic, partition, err)
		}
		time.Sleep(watermarksRetry)
	}
}

// watermarksRetry is how long watermarks waits before asking again.
const watermarksRetry = 100 * time.Millisecond

// leaderMoving reports whether err says the partition's leader is not
// where the client asked, or not elected yet: worth asking again.
func leaderMoving(err error) bool {
	var ke kafka.Error
	if !errors.As(err, &ke) {
		return false
	}
	switch ke.Code() {
	case kafka.ErrNotLeaderForPartition, kafka.ErrLeaderNotAvailable, kafka.ErrUnknownTopicOrPart:
		return true
	}
	return false
}

// withAdmin runs fn with an admin client on connections of its own.
func withAdmin(cfg Config, fn func(*kafka.AdminClient) error) error {
	p, err := kafka.NewProducer(forProducer(cfg.configMap(nil)))
	if err != nil {
		return fmt.Errorf("create client: %w", err)
	}
	logsDone := make(chan struct{})
	go drainLogs(p.Logs(), cfg.Log, logsDone)
	defer func() { p.Close(); <-logsDone }()
	admin, err := kafka.NewAdminClientFromProducer(p)
	if err != nil {
		return fmt.Errorf("create admin client: %w", err)
	}
	defer admin.Close()
	return fn(admin)
}

// TopicExists reports whether the topic exists and has partitions.
func TopicExists(ctx context.Context, cfg Config, topic string) (bool, error) {
	p, err := kafka.NewProducer(forProducer(cfg.configMap(nil)))
	if err != nil {
		return false, fmt.Errorf("create client: %w", err)
	}
	logsDone := make(chan struct{})
	go drainLogs(p.Logs(), cfg.Log, logsDone)
	defer func() { p.Close(); <-logsDone }()
	admin, err := kafka.NewAdminClientFromProducer(p)
	if err != nil {
		return false, fmt.Errorf("create admin client: %w", err)
	}
	defer admin.Close()
	tm, err := waitForBroker(ctx, admin, cfg, topic, func() error { return nil })
	if err != nil {
		return false, err
	}
	return tm.Error.Code() == kafka.ErrNoError && len(tm.Partitions) > 0, nil
}

// resolveBootstrap checks that the bootstrap list names hosts that
// resolve, so that a misspelt name fails at once, saying so, instead of
// after the timeout as a broker that does not answer. A name that resolves
// for any one entry is enough; a lookup cut short (no DNS server within a
// few seconds, ctx ended) proves nothing and passes.
func resolveBootstrap(ctx context.Context, brokers string) error {
	var unresolved []string
	entries := strings.Split(brokers, ",")
	for _, hp := range entries {
		host, _, err := net.SplitHostPort(strings.TrimSpace(hp))
		if err != nil {
			host = strings.TrimSpace(hp)
		}
		if net.ParseIP(host) != nil {
			return nil
		}
		lctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		_, err = net.DefaultResolver.LookupHost(lctx, host)
		cancel()
		var dns *net.DNSError
		if err == nil || !errors.As(err, &dns) || !dns.IsNotFound {
			return nil
		}
		unresolved = append(unresolved, host)
	}
	return &UnreachableError{Brokers: brokers, Unresolved: unresolved,
		Err: fmt.Errorf("no such host: %s", strings.Join(unresolved, ", "))}
}
