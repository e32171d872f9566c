package kafkaio

import (
	"errors"
	"fmt"
	"strings"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// errUnreachable is the one clear line for a broker that does not answer.
func errUnreachable(brokers string, err error) error {
	return &UnreachableError{Brokers: brokers, Err: err}
}

// UnreachableError says that no broker answered at the bootstrap address:
// none did within the timeout, none can since its host name does not
// resolve (Unresolved), or the wait was interrupted (Interrupted, ctx
// ended) before one did.
type UnreachableError struct {
	Brokers     string
	Err         error
	Unresolved  []string // the bootstrap host names that do not resolve
	Interrupted bool
}

func (e *UnreachableError) Error() string {
	switch {
	case len(e.Unresolved) > 0:
		return fmt.Sprintf("no broker at %s: the name %s does not resolve", e.Brokers, strings.Join(e.Unresolved, ", "))
	case e.Interrupted:
		return fmt.Sprintf("interrupted while waiting for a broker at %s, none answered yet", e.Brokers)
	}
	return fmt.Sprintf("no broker at %s (%v)", e.Brokers, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// TopicMissingError says that a topic to read from does not exist, or
// that its metadata names an error (Err).
type TopicMissingError struct {
	Topic string
	Err   error
}

func (e *TopicMissingError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("topic %s does not exist", e.Topic)
	}
	return fmt.Sprintf("topic %s: %v", e.Topic, e.Err)
}

func (e *TopicMissingError) Unwrap() error { return e.Err }

// kafkaCode returns the librdkafka error code of err, or ErrNoError.
func kafkaCode(err error) kafka.ErrorCode {
	var ke kafka.Error
	if errors.As(err, &ke) {
		return ke.Code()
	}
	return kafka.ErrNoError
}

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

// transactionalIDRefused reports whether err says the ACLs refuse the
// transactional id; librdkafka may raise it as a fatal error that names
// the broker's code only in its text.
func transactionalIDRefused(err error) bool {
	return kafkaCode(err) == kafka.ErrTransactionalIDAuthorizationFailed ||
		strings.Contains(err.Error(), "Transactional Id authorization failed")
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

// NotAuthorizedError says that the cluster's ACLs do not let these
// credentials use a resource: a topic, a consumer group or a
// transactional id.
type NotAuthorizedError struct {
	Resource string // "topic", "group" or "transactional id"
	Name     string
	Err      error
}

func (e *NotAuthorizedError) Error() string {
	return fmt.Sprintf("not authorized to use %s %s: ask for an ACL on it, or use other credentials (%v)", e.Resource, e.Name, e.Err)
}

func (e *NotAuthorizedError) Unwrap() error { return e.Err }
