// Package commands wires pitchkafka's subcommands to the command line with
// urfave/cli. It parses and checks flags, builds the logger and hands work
// to game and kafkaio; it holds no Kafka or baseball logic of its own.
package commands

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
	"github.com/urfave/cli/v2"
)

// UsageError is a mistake on the command line: a bad flag or value. main
// exits with status 2 for it.
type UsageError struct {
	Command string
	Err     error
}

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Hint tells the user where to read about the command's flags.
func (e *UsageError) Hint() string {
	if e.Command == "" {
		return "Run 'pitchkafka --help' for usage."
	}
	return fmt.Sprintf("Run 'pitchkafka %s --help' for usage.", e.Command)
}

func usageErrorf(c *cli.Context, format string, args ...any) error {
	return &UsageError{Command: commandName(c), Err: fmt.Errorf(format, args...)}
}

// commandName names the subcommand c runs, or "" at the top level, where
// urfave/cli's root command carries the application's own name.
func commandName(c *cli.Context) string {
	if c == nil || c.Command == nil || (c.App != nil && c.Command.Name == c.App.Name) {
		return ""
	}
	return c.Command.Name
}

// env is what every command shares: where output and logs go.
type env struct {
	stdout, stderr io.Writer
	log            zerolog.Logger
	// stderrIsTerminal says whether a person is watching stderr.
	stderrIsTerminal bool
	// stopping says what the command finishes once asked to stop.
	stopping *stopNote
}

// New builds the pitchkafka application writing its product to stdout and
// its logs to stderr.
func New(version string, stdout, stderr io.Writer) *App {
	e := &env{stdout: stdout, stderr: stderr, stderrIsTerminal: isTerminal(stderr), stopping: &stopNote{}}
	app := &cli.App{
		Name:    "pitchkafka",
		Usage:   "simulate baseball pitch by pitch and stream it through Kafka",
		Version: version,
		Description: "pitchkafka publishes every pitch of simulated MLB games to a Kafka topic and reads it back\n" +
			"the two classic ways: event sourcing (last-pitch) and consumer groups (announce).\n\n" +
			"Try it with no Kafka at all:   pitchkafka demo\n" +
			"Or run the parts yourself:     pitchkafka broker; pitchkafka publish;\n" +
			"                               pitchkafka last-pitch --from-beginning; pitchkafka announce",
		Writer:                    stdout,
		ErrWriter:                 stderr,
		DisableSliceFlagSeparator: true,
		EnableBashCompletion:      true,
		HideHelpCommand:           true,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "log-level", Value: "info", Usage: "debug, info, warn or error"},
			&cli.StringFlag{Name: "log-format", Usage: "console or json", DefaultText: "console when stderr is a terminal, json otherwise"},
			&cli.StringFlag{Name: "cpuprofile", Usage: "write a CPU profile of the run to `FILE`, for go tool pprof"},
		},
		Before: func(c *cli.Context) error {
			if err := e.setupLog(c); err != nil {
				return err
			}
			return startCPUProfile(c)
		},
		After: stopCPUProfile,
		Commands: []*cli.Command{
			publishCommand(e),
			lastPitchCommand(e),
			announceCommand(e),
			scoresCommand(e),
			statsCommand(e),
			webCommand(e),
			brokerCommand(e),
			demoCommand(e),
			versionCommand(e),
			completionCommand(e),
		},
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				if near := closest(c.Args().First(), commandNamesOf(c.App.Commands)); near != "" {
					return usageErrorf(c, "unknown command %q: did you mean %s?", c.Args().First(), near)
				}
				return usageErrorf(c, "unknown command %q", c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
		OnUsageError:   onUsageError,
		ExitErrHandler: func(*cli.Context, error) {}, // only main decides the exit code
	}
	for _, cmd := range app.Commands {
		cmd.OnUsageError = onUsageError
		cmd.HideHelpCommand = true
		cmd.Before = beforeCommand(e, cmd.Name)
		cmd.Action = explained(cmd.Action)
	}
	statelessHelpFlags.Do(func() {
		cli.HelpFlag = statelessBoolFlag{cli.HelpFlag.(*cli.BoolFlag)}
		cli.VersionFlag = statelessBoolFlag{cli.VersionFlag.(*cli.BoolFlag)}
		// Log times to the millisecond: rebalances happen within a second.
		zerolog.TimeFieldFormat = "2006-01-02T15:04:05.000Z07:00"
	})
	return &App{App: app, env: e}
}

// commandNamesOf are the names of the commands.
func commandNamesOf(cmds []*cli.Command) []string {
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name)
	}
	return names
}

// beforeCommand is a command's Before hook: once the command line has
// parsed, it applies the process's runtime settings for that command and
// says what the command finishes when it is stopped.
func beforeCommand(e *env, command string) cli.BeforeFunc {
	return func(*cli.Context) error {
		tuneRuntime(command)
		waits, risks := stopNoteOf(command)
		e.stopping.say(waits, risks)
		return nil
	}
}

// stopNoteOf is what each command finishes when asked to stop, and what
// quitting at once instead may cost; a command can say more once it knows.
func stopNoteOf(command string) (waits, risks string) {
	switch command {
	case "publish":
		return "delivering the pitches sent and not yet acknowledged, up to --timeout",
			"pitches not yet acknowledged may or may not be written; rerun the --seed with --resume to publish what is missing"
	case "announce":
		return "committing the offsets of the lines written and leaving the group, up to --timeout",
			"the group's next member announces again what was announced since the last commit"
	case "scores":
		return "committing the open transaction and leaving the group, up to --timeout",
			"the open transaction is aborted by the broker within transaction.timeout.ms and its pitches folded again: nothing is lost or counted twice"
	case "last-pitch":
		return "closing, and writing the changelog's last changes if there is one",
			"a changelog may miss its last changes; a restore from it reads them from the pitch topic again"
	case "demo":
		return "stopping every part: the publisher delivering, the announcers and scores committing",
			"pitches in flight may or may not be written, and announcers repeat what they had not committed"
	case "broker":
		return "stopping the broker, saving to --data-dir if set",
			"a --data-dir is left as a crash leaves it, and the next start replays its log"
	}
	return "closing its connections", "nothing: it keeps no state of its own"
}

var statelessHelpFlags sync.Once

// statelessBoolFlag is a boolean flag whose Apply leaves the flag itself
// untouched. urfave/cli shares its --help and --version flags between every
// App in a process, and its own Apply writes to them, which races when two
// Apps run at once (as in pitchkafka's tests).
type statelessBoolFlag struct{ *cli.BoolFlag }

// Apply defines the flag and its aliases on the set.
func (f statelessBoolFlag) Apply(set *flag.FlagSet) error {
	for _, name := range f.Names() {
		set.Bool(name, false, f.Usage)
	}
	return nil
}

func (e *env) setupLog(c *cli.Context) error {
	level, err := zerolog.ParseLevel(c.String("log-level"))
	if err != nil || level > zerolog.ErrorLevel || level < zerolog.DebugLevel {
		return &UsageError{Err: fmt.Errorf("--log-level %q: use debug, info, warn or error", c.String("log-level"))}
	}
	format := c.String("log-format")
	if format == "" {
		format = "json"
		if e.stderrIsTerminal {
			format = "console"
		}
	}
	var w io.Writer
	switch format {
	case "json":
		w = e.stderr
	case "console":
		w = zerolog.ConsoleWriter{Out: e.stderr, TimeFormat: "15:04:05", NoColor: !e.stderrIsTerminal || os.Getenv("NO_COLOR") != ""}
	default:
		return &UsageError{Err: fmt.Errorf("--log-format %q: use console or json", format)}
	}
	e.log = zerolog.New(w).Level(level).With().Timestamp().Logger()
	return nil
}

// component returns a copy of e whose logs name the component.
func (e *env) component(name string) *env {
	c := *e
	c.log = e.log.With().Str("component", name).Logger()
	return &c
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// ignoreCanceled treats the end of a command by signal as success.
func ignoreCanceled(err error) error {
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// oneOf checks a flag's value against its choices.
func oneOf(c *cli.Context, flag string, choices ...string) (string, error) {
	v := c.String(flag)
	for _, ch := range choices {
		if v == ch {
			return v, nil
		}
	}
	return "", usageErrorf(c, "--%s %q: use %s", flag, v, strings.Join(choices, " or "))
}
