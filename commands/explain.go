package commands

import (
	"errors"
	"fmt"

	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/kafkaio"
	"github.com/urfave/cli/v2"
)

// explained wraps a command's action so that the errors kafkaio returns in
// its own terms reach the user with what to do about them, in the CLI's.
func explained(action cli.ActionFunc) cli.ActionFunc {
	if action == nil {
		return nil
	}
	return func(c *cli.Context) error { return explain(action(c)) }
}

// explain adds the CLI's remedy to the kafkaio errors that have one.
func explain(err error) error {
	if hint := remedy(err); hint != "" {
		return &explainedError{err: err, hint: hint}
	}
	return err
}

// remedy names the command or flag that fixes err, or "".
func remedy(err error) string {
	var (
		unreachable *kafkaio.UnreachableError
		registry    *formats.RegistryUnreachableError
		missing     *kafkaio.TopicMissingError
	)
	switch {
	case errors.As(err, &unreachable) && len(unreachable.Unresolved) > 0:
		return "check the host name in --brokers (or PITCHKAFKA_BROKERS)"
	case errors.As(err, &unreachable) && unreachable.Interrupted:
		return ""
	case errors.As(err, &unreachable):
		return "start one with `pitchkafka broker`, or pass --brokers"
	case errors.As(err, &registry):
		return "check the URL (--schema-registry), or start one with `pitchkafka broker --schema-registry 127.0.0.1:8081`"
	case errors.As(err, &missing):
		return "start `pitchkafka publish` first, or pass --topic"
	}
	return ""
}

// explainedError is an error followed by its remedy, on one line.
type explainedError struct {
	err  error
	hint string
}

func (e *explainedError) Error() string { return fmt.Sprintf("%v — %s", e.err, e.hint) }
func (e *explainedError) Unwrap() error { return e.err }
