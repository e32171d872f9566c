package main

import (
	"errors"
	"testing"

	"github.com/pitchkafka/pitchkafka/commands"
)

func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"success", nil, 0},
		{"usage mistake", &commands.UsageError{Command: "publish", Err: errors.New("--rate -1")}, 2},
		{"wrapped usage mistake", errors.Join(errors.New("x"), &commands.UsageError{Err: errors.New("y")}), 2},
		{"failure", errors.New("no broker"), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := exitCode(tc.err); got != tc.want {
				t.Errorf("exitCode = %d, want %d", got, tc.want)
			}
		})
	}
}
