package commands

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestCommandLineMistakesAreUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // the error names this
	}{
		{"negative rate", []string{"publish", "--rate", "-1"}, "--rate"},
		{"zero partitions", []string{"publish", "--partitions", "0"}, "--partitions"},
		{"too many concurrent games", []string{"publish", "--concurrent", "16"}, "--concurrent"},
		{"malformed -X", []string{"publish", "-X", "linger.ms"}, "-X"},
		{"unreadable --config", []string{"last-pitch", "--config", "/nonexistent/client.properties"}, "--config"},
		{"unknown flag", []string{"announce", "--bogus"}, "bogus"},
		{"bad duration", []string{"publish", "--duration", "soon"}, "duration"},
		{"unknown last-pitch output", []string{"last-pitch", "--output", "yaml"}, "--output"},
		{"unknown announce output", []string{"announce", "--output", "xml"}, "--output"},
		{"bad log level", []string{"--log-level", "loud", "publish"}, "--log-level"},
		{"bad log format", []string{"--log-format", "xml", "publish"}, "--log-format"},
		{"unknown command", []string{"pitchz"}, "pitchz"},
		{"bad listen address", []string{"broker", "--listen", "nowhere"}, "--listen"},
		{"missing league file", []string{"publish", "--league", "/nonexistent.json"}, "--league"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(context.Background(), tc.args...)
			var usage *UsageError
			if !errors.As(r.err, &usage) {
				t.Fatalf("error %v, want a UsageError", r.err)
			}
			if msg := r.err.Error(); !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q should name %q on one line", msg, tc.want)
			}
			if !strings.Contains(usage.Hint(), "--help") {
				t.Errorf("hint %q does not point to --help", usage.Hint())
			}
			if strings.Contains(r.stderr.String()+r.stdout.String(), "goroutine ") {
				t.Errorf("printed a stack trace")
			}
		})
	}
}
