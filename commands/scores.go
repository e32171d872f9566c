package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/kafkaio"
	"github.com/urfave/cli/v2"
)

type scoresOptions struct {
	kafka     kafkaio.Config
	processor kafkaio.ScoresOptions
	output    string
}

func scoresCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "scores",
		Usage: "keep every game's score in a topic, exactly once: a consume-transform-produce processor",
		Description: "Reads the pitches as a member of --group, folds each game's pitches into its\n" +
			"state (score, inning, outs, runners, runs by inning, hits, errors) and writes\n" +
			"every change to --to, keyed by game_pk: a compacted topic, created with as many\n" +
			"partitions as the pitch topic, each game in its pitches' partition.\n\n" +
			"Exactly once: each transaction holds the games records and the pitch offsets\n" +
			"consumed, committed together every --commit-interval or --commit-records; on an\n" +
			"error it is aborted and the processor rewinds to the committed offsets. Readers\n" +
			"of --to that read committed records (isolation.level=read_committed) see each\n" +
			"pitch folded in once, across crashes and rebalances. A member the group has\n" +
			"moved on from is fenced (KIP-447). The state of a partition's games is rebuilt\n" +
			"from --to itself, its changelog, whenever the partition is assigned.\n\n" +
			"The transactional.id is pitchkafka-scores-GROUP-INSTANCE: give every processor\n" +
			"of a group its own --instance (default: the host name), the same across its\n" +
			"restarts, so a restart aborts at once what a crash left open.\n\n" +
			"--format avro, protobuf or json-schema writes the games in the Schema Registry\n" +
			"wire format, their schema (schemas/games.*) registered at start under the\n" +
			"subject TOPIC-value of --to; the pitches are read in whatever format they are.\n\n" +
			"stdout: for each game that ends, a line and its line score (--output json: its\n" +
			"state). stderr: every 10 s, transactions committed and aborted, records in and\n" +
			"out, and lag.\n\n" +
			"Examples:\n" +
			"  pitchkafka scores                                        # group scores, topic games\n" +
			"  pitchkafka scores --instance a & pitchkafka scores --instance b   # two share the work\n" +
			"  pitchkafka scores --commit-interval 1s --group-protocol consumer\n" +
			"  pitchkafka scores --format avro --schema-registry http://127.0.0.1:8081\n" +
			"  kcat -C -t games -X isolation.level=read_committed -f '%k %s\\n'   # read the games",
		Flags: append(kafkaFlags(),
			&cli.StringFlag{Name: "group", Aliases: []string{"g"}, Value: "scores", Usage: "consumer group to join"},
			&cli.StringFlag{Name: "to", Value: "games", Usage: "the games `TOPIC` to write (created compacted if missing)"},
			&cli.StringFlag{Name: "instance", Usage: "this processor's name in the group, stable across restarts; its client.id too, unless -X client.id", DefaultText: "the host name"},
			&cli.DurationFlag{Name: "commit-interval", Value: 100 * time.Millisecond, Usage: "commit a transaction at least this often"},
			&cli.IntFlag{Name: "commit-records", Value: 1000, Usage: "commit a transaction once it holds this many pitches"},
			formatFlag(),
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "what stdout shows of each game that ends: text or json"},
			&cli.DurationFlag{Name: "stats-interval", Value: 10 * time.Second, Usage: "how often to log transactions, records and lag on stderr"},
			groupProtocolFlag(),
		),
		Action: func(c *cli.Context) error {
			opts, err := parseScores(c, e)
			if err != nil {
				return doneIfListed(err)
			}
			return runScores(c.Context, e, opts)
		},
	}
}

func parseScores(c *cli.Context, e *env) (scoresOptions, error) {
	kcfg, err := kafkaConfig(c, e)
	if err != nil {
		return scoresOptions{}, err
	}
	if err := applyGroupProtocol(c, &kcfg); err != nil {
		return scoresOptions{}, err
	}
	output, err := oneOf(c, "output", "text", "json")
	if err != nil {
		return scoresOptions{}, err
	}
	format, err := parseFormat(c, kcfg)
	if err != nil {
		return scoresOptions{}, err
	}
	switch {
	case c.String("group") == "" || c.String("to") == "":
		return scoresOptions{}, usageErrorf(c, "--group and --to must not be empty")
	case c.String("to") == c.String("topic"):
		return scoresOptions{}, usageErrorf(c, "--to %s is the pitch topic: name another, e.g. --to games", c.String("to"))
	case c.Duration("commit-interval") <= 0 || c.Int("commit-records") <= 0 || c.Duration("stats-interval") <= 0:
		return scoresOptions{}, usageErrorf(c, "--commit-interval, --commit-records and --stats-interval must be positive")
	}
	instance := c.String("instance")
	if instance == "" {
		if instance, err = os.Hostname(); err != nil || instance == "" {
			return scoresOptions{}, usageErrorf(c, "no host name to name this processor: pass --instance")
		}
	}
	if kcfg, err = namedClient(c, kcfg, instance); err != nil {
		return scoresOptions{}, err
	}
	return scoresOptions{kafka: kcfg, output: output, processor: kafkaio.ScoresOptions{
		Input: c.String("topic"), Output: c.String("to"), Group: c.String("group"), Instance: instance, Format: format,
		CommitInterval: c.Duration("commit-interval"), CommitRecords: c.Int("commit-records"),
		StatsInterval: c.Duration("stats-interval")}}, nil
}

// runScores processes until ctx ends. A processor fenced by a newer one,
// which it has logged in one line, stops without an error.
func runScores(ctx context.Context, e *env, opts scoresOptions) error {
	var writeErr error
	opts.processor.OnFinal = func(st game.GameState) {
		if writeErr == nil {
			writeErr = writeFinal(e.stdout, opts.output, &st)
		}
	}
	opts.kafka.Log = e.log
	s, err := kafkaio.NewScores(ctx, opts.kafka, opts.processor)
	if err != nil {
		return err
	}
	err = s.Run(ctx)
	closeErr := s.Close()
	st := s.Stats()
	e.log.Info().Int64("committed", st.Committed).Int64("aborted", st.Aborted).Int64("records_in", st.In).
		Int64("records_out", st.Out).Msg("scores stopped")
	switch {
	case errors.Is(err, kafkaio.ErrFenced):
		return nil // said in one line; the newer processor carries on
	case err != nil:
		return err
	case writeErr != nil:
		return writeErr
	}
	return closeErr
}

// writeFinal writes one ended game: a line and its line score, or its
// state as JSON.
func writeFinal(w io.Writer, output string, st *game.GameState) error {
	if output == "json" {
		b, err := st.MarshalJSON()
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	}
	awayHits, homeHits := st.Hits()
	_, err := fmt.Fprintf(w, "Final: %s %d, %s %d (hits %d-%d, %d innings, game %d)\n%s\n", st.AwayTeam, st.AwayScore,
		st.HomeTeam, st.HomeScore, awayHits, homeHits, st.Inning, st.GamePK, strings.Join(st.LineScore(), "\n"))
	return err
}
