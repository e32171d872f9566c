package commands

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/kafkaio"
)

func TestKafkaioErrorsReachTheUserWithTheFlagThatFixesThem(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string // the remedy names this; "" for none
	}{
		{"unreachable broker", &kafkaio.UnreachableError{Brokers: "127.0.0.1:1", Err: errors.New("timed out")}, "--brokers"},
		{"unreachable registry", &formats.RegistryUnreachableError{URL: "http://127.0.0.1:1", Err: errors.New("refused")}, "--schema-registry"},
		{"missing topic", &kafkaio.TopicMissingError{Topic: "pitches"}, "--topic"},
		{"wrapped missing topic", fmt.Errorf("restore: %w", &kafkaio.TopicMissingError{Topic: "changes"}), "--topic"},
		{"any other error", errors.New("disk full"), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := explain(tc.err)
			if !errors.Is(got, tc.err) {
				t.Errorf("explain lost the error: %v", got)
			}
			if !strings.HasPrefix(got.Error(), tc.err.Error()) || strings.Contains(got.Error(), "\\n") {
				t.Errorf("%q should begin with %q, on one line", got, tc.err)
			}
			if tc.want == "" && got.Error() != tc.err.Error() {
				t.Errorf("%q gained a remedy it has none of", got)
			}
			if tc.want != "" && !strings.Contains(got.Error(), tc.want) {
				t.Errorf("%q should name %s", got, tc.want)
			}
		})
	}
	if explain(nil) != nil {
		t.Error("explain(nil) is not nil")
	}
}

// kafkaio's errors speak of Kafka, not of this CLI's flags.
func TestKafkaioErrorsNameNoFlag(t *testing.T) {
	for _, err := range []error{
		&kafkaio.UnreachableError{Brokers: "b:1", Err: errors.New("x")},
		&formats.RegistryUnreachableError{URL: "http://r:1", Err: errors.New("x")},
		&kafkaio.TopicMissingError{Topic: "t"},
	} {
		if strings.Contains(err.Error(), "--") || strings.Contains(err.Error(), "pitchkafka") {
			t.Errorf("%q names the CLI", err)
		}
	}
}
