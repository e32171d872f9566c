package kafkaio

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/rs/zerolog"
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
// the timeout passes, and returns the metadata of topic.
func waitForBroker(admin *kafka.AdminClient, cfg Config, topic string) (*kafka.TopicMetadata, error) {
	md, err := admin.GetMetadata(&topic, false, int(cfg.timeout().Milliseconds()))
	if err != nil {
		if code := kafkaCode(err); code == kafka.ErrTopicAuthorizationFailed || code == kafka.ErrAuthentication ||
			code == kafka.ErrSaslAuthenticationFailed {
			return nil, describeAuthError(err, topic)
		}
		return nil, errUnreachable(cfg.Brokers, err)
	}
	tm, ok := md.Topics[topic]
	if !ok {
		return &kafka.TopicMetadata{Topic: topic, Error: kafka.NewError(kafka.ErrUnknownTopicOrPart, "unknown topic", false)}, nil
	}
	return &tm, nil
}

func describeAuthError(err error, topic string) error {
	switch kafkaCode(err) {
	case kafka.ErrTopicAuthorizationFailed:
		return fmt.Errorf("not authorized to access topic %s: ask for an ACL, or use other credentials: %w", topic, err)
	default:
		return fmt.Errorf("authentication failed: check sasl.username and sasl.password: %w", err)
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
func ensureTopic(ctx context.Context, admin *kafka.AdminClient, cfg Config, spec TopicSpec) ([]int32, error) {
	tm, err := waitForBroker(admin, cfg, spec.Name)
	if err != nil {
		return nil, err
	}
	if tm.Error.Code() == kafka.ErrNoError && len(tm.Partitions) > 0 {
		return partitionIDs(tm), nil
	}
	if spec.Partitions <= 0 {
		return nil, fmt.Errorf("topic %s does not exist: start `pitchkafka publish` first, or pass --topic", spec.Name)
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
		return nil, fmt.Errorf("create topic %s: %w", spec.Name, res[0].Error)
	}
	cfg.Log.Info().Str("topic", spec.Name).Int("partitions", spec.Partitions).Msg("created topic")
	return waitForPartitions(ctx, admin, cfg, spec.Name)
}

// waitForPartitions waits until a new topic's partitions show in metadata.
func waitForPartitions(ctx context.Context, admin *kafka.AdminClient, cfg Config, topic string) ([]int32, error) {
	for {
		tm, err := waitForBroker(admin, cfg, topic)
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

// errorLog logs librdkafka error events without flooding: one line per
// error code every ten seconds, counting the ones left out.
type errorLog struct {
	log  zerolog.Logger
	mu   sync.Mutex
	last map[kafka.ErrorCode]time.Time
	hush map[kafka.ErrorCode]int
}

func newErrorLog(log zerolog.Logger) *errorLog {
	return &errorLog{log: log, last: map[kafka.ErrorCode]time.Time{}, hush: map[kafka.ErrorCode]int{}}
}

func (l *errorLog) report(err kafka.Error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	code := err.Code()
	if time.Since(l.last[code]) < 10*time.Second {
		l.hush[code]++
		return
	}
	ev := l.log.Warn()
	if err.IsFatal() {
		ev = l.log.Error()
	}
	ev.Str("code", code.String()).Int("repeats_hidden", l.hush[code]).Msg(err.Error())
	l.last[code] = time.Now()
	l.hush[code] = 0
}

// isFatal reports whether err is a librdkafka error the client cannot recover from.
func isFatal(err error) bool {
	var ke kafka.Error
	return errors.As(err, &ke) && ke.IsFatal()
}

// TopicExists reports whether the topic exists and has partitions.
func TopicExists(cfg Config, topic string) (bool, error) {
	cm := cfg.configMap(nil)
	p, err := kafka.NewProducer(cm)
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
	tm, err := waitForBroker(admin, cfg, topic)
	if err != nil {
		return false, err
	}
	return tm.Error.Code() == kafka.ErrNoError && len(tm.Partitions) > 0, nil
}
