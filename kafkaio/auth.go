package kafkaio

import (
	"fmt"
	"strings"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// isAuthFailure reports whether a client error says authentication failed.
// kfake drops the connection of a client that fails SASL, so librdkafka can
// report it as a transport failure whose text names SASL authentication.
func isAuthFailure(err kafka.Error) bool {
	switch err.Code() {
	case kafka.ErrAuthentication, kafka.ErrSaslAuthenticationFailed:
		return true
	}
	msg := err.String()
	return strings.Contains(msg, "SASL authentication error") || strings.Contains(msg, "Authentication failed")
}

// isNotAuthorized reports whether err denies access to a topic or the cluster.
func isNotAuthorized(err error) bool {
	switch kafkaCode(err) {
	case kafka.ErrTopicAuthorizationFailed, kafka.ErrClusterAuthorizationFailed, kafka.ErrTransactionalIDAuthorizationFailed:
		return true
	}
	return false
}

// consumerAuthFailure drains a consumer's queued events, before it reads
// anything, and returns the first authentication failure among them.
func consumerAuthFailure(c *kafka.Consumer) func() error {
	return func() error {
		for ev := c.Poll(0); ev != nil; ev = c.Poll(0) {
			if e, ok := ev.(kafka.Error); ok && isAuthFailure(e) {
				return e
			}
		}
		return nil
	}
}

func describeAuthError(err error, topic string) error {
	switch kafkaCode(err) {
	case kafka.ErrTopicAuthorizationFailed:
		return fmt.Errorf("not authorized to access topic %s: ask for an ACL, or use other credentials: %w", topic, err)
	default:
		return fmt.Errorf("authentication failed: check sasl.username and sasl.password: %w", err)
	}
}
