package commands

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/game/statcast"
	"github.com/pitchkafka/pitchkafka/kafkaio"
	"github.com/urfave/cli/v2"
)

// publishOptions is everything publish needs, checked.
type publishOptions struct {
	kafka  kafkaio.Config
	topic  kafkaio.TopicSpec
	season game.SeasonConfig
	league *game.League
	replay []string // Savant CSV files to replay instead of simulating
	dryRun bool     // write the events to stdout instead of Kafka
	format formats.Format
	rate   float64
	// throttle, if set, paces the pitches instead of rate: the demo's page
	// pauses the publisher and changes its rate with it.
	throttle *game.Throttle
	// started, if set, is given the publisher once it runs.
	started       func(*kafkaio.Publisher)
	count         int64
	duration      time.Duration
	statsInterval time.Duration
	seedGiven     bool // --seed was given: the stream is one the topic may already hold
	rerun         int  // rerunRefuse, rerunResume or rerunAppend
}

func publishCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "publish",
		Usage: "simulate ball games and publish every pitch to Kafka",
		Description: "Simulates MLB games pitch by pitch and publishes each pitch as a JSON event,\n" +
			"keyed by game_pk so that each game's pitches stay in order on one partition.\n" +
			"The producer is idempotent with acks=all, and every delivery report is checked:\n" +
			"publish exits 0 only if every pitch was delivered.\n\n" +
			"Latency for throughput: the producer waits up to 5 ms (linger.ms=5, as librdkafka\n" +
			"and Kafka's own producer do) to fill batches, so a busy stream makes fewer,\n" +
			"larger requests of a real cluster, for up to 5 ms more latency. Pass\n" +
			"-X linger.ms=0 when each pitch should leave at once (about 1 ms end to end).\n\n" +
			"Examples:\n" +
			"  pitchkafka publish                              # 20 pitches/s, endless\n" +
			"  pitchkafka publish --rate 0 --count 1000000     # a million pitches, flat out\n" +
			"  pitchkafka publish --games 30 --seed 2016       # 30 complete games, reproducible\n" +
			"  pitchkafka publish --replay savant_data.csv     # real pitches from a Baseball Savant export\n" +
			"  pitchkafka publish --rate 1000 -X linger.ms=0   # lowest latency\n" +
			"  pitchkafka publish --format avro --schema-registry http://127.0.0.1:8081\n\n" +
			"--format avro, protobuf or json-schema writes each pitch in the Schema Registry\n" +
			"wire format (a zero byte, the schema id, the payload), as Confluent's serializers\n" +
			"do, with pitchkafka's schema registered under the subject TOPIC-value.",
		Flags: append(kafkaFlags(),
			&cli.Float64Flag{Name: "rate", Value: 20, Usage: "pitches per second in total; 0 publishes as fast as the broker takes them"},
			&cli.IntFlag{Name: "concurrent", Value: 15, Usage: "games in progress at once (1-15); a team is never in two games at once"},
			&cli.IntFlag{Name: "games", Usage: "stop after this many complete games (0: endless)"},
			&cli.Int64Flag{Name: "count", Usage: "stop after this many pitches (0: no limit)"},
			&cli.DurationFlag{Name: "duration", Usage: "stop after this long (0: no limit)"},
			&cli.Uint64Flag{Name: "seed", Usage: "the same seed gives the same pitches, every field but ts", DefaultText: "random, logged"},
			&cli.IntFlag{Name: "partitions", Value: 6, Usage: "partitions of the topic if publish creates it"},
			&cli.IntFlag{Name: "replication-factor", Value: -1, Usage: "replication factor if publish creates the topic (-1: the broker's default)"},
			&cli.BoolFlag{Name: "classic-extras", Usage: "play extra innings without the automatic runner on second (pre-2020 rules)"},
			&cli.StringFlag{Name: "league", Usage: "`FILE` with your own league, in the format docs/simulation.md gives", DefaultText: "built in"},
			&cli.BoolFlag{Name: "dry-run", Usage: "write the events to stdout, one JSON object a line, instead of publishing (no broker or registry needed; --format is ignored)"},
			&cli.StringSliceFlag{Name: "replay", Usage: "publish the pitches of Baseball Savant (Statcast) CSV `FILE`s instead of simulating; more files may follow as arguments"},
			&cli.DurationFlag{Name: "stats-interval", Value: 5 * time.Second, Usage: "how often to log progress on stderr"},
			formatFlag(),
			&cli.BoolFlag{Name: "resume", Usage: "with --seed: publish only the pitches of the seed's stream that the topic lacks"},
			&cli.BoolFlag{Name: "append", Usage: "with --seed: publish even if the topic already holds the seed's games"},
		),
		Action: func(c *cli.Context) error {
			opts, err := parsePublish(c, e)
			if err != nil {
				return doneIfListed(err)
			}
			if len(opts.replay) == 0 && !opts.dryRun {
				waits, _ := stopNoteOf("publish")
				e.stopping.say(waits, fmt.Sprintf("pitches not yet acknowledged may or may not be written; "+
					"rerun with --seed %d --resume to publish exactly what is missing", opts.season.Seed))
			}
			return runPublish(c.Context, e, opts)
		},
	}
}

// parseDryRunFormat checks --format; a dry run writes JSON lines whatever
// it says, and needs no Schema Registry.
func parseDryRunFormat(c *cli.Context, e *env, dryRun bool, kcfg kafkaio.Config) (formats.Format, error) {
	if !dryRun {
		return parseFormat(c, kcfg)
	}
	f, err := formats.ParseFormat(c.String("format"))
	if err != nil {
		return f, usageErrorf(c, "--format %q: use json, avro, protobuf or json-schema", c.String("format"))
	}
	if f != formats.FormatJSON {
		e.log.Info().Str("format", string(f)).Msg("--dry-run writes JSON lines, one pitch a line: --format applies only when publishing")
	}
	return formats.FormatJSON, nil
}

func parsePublish(c *cli.Context, e *env) (publishOptions, error) {
	kcfg, err := kafkaConfig(c, e)
	if err != nil {
		return publishOptions{}, err
	}
	opts := publishOptions{
		kafka: kcfg,
		topic: kafkaio.TopicSpec{Name: c.String("topic"), Partitions: c.Int("partitions"),
			ReplicationFactor: c.Int("replication-factor")},
		season: game.SeasonConfig{Seed: c.Uint64("seed"), Concurrent: c.Int("concurrent"), Games: c.Int("games"),
			Rules: game.Rules{ExtraInningsRunner: !c.Bool("classic-extras")}},
		rate: c.Float64("rate"), count: c.Int64("count"), duration: c.Duration("duration"),
		statsInterval: c.Duration("stats-interval"),
	}
	opts.seedGiven = c.IsSet("seed")
	if !opts.seedGiven {
		opts.season.Seed = rand.Uint64()
	}
	if opts.rerun, err = parseRerun(c, opts.seedGiven); err != nil {
		return opts, err
	}
	opts.replay = c.StringSlice("replay")
	opts.dryRun = c.Bool("dry-run")
	if opts.format, err = parseDryRunFormat(c, e, opts.dryRun, kcfg); err != nil {
		return opts, err
	}
	if c.Args().Present() {
		if len(opts.replay) == 0 {
			return opts, usageErrorf(c, "unexpected argument %q: publish takes files only after --replay", c.Args().First())
		}
		opts.replay = append(opts.replay, c.Args().Slice()...)
	}
	switch {
	case opts.rate < 0:
		return opts, usageErrorf(c, "--rate %v: must be 0 (flat out) or more pitches per second", opts.rate)
	case opts.topic.Partitions < 1:
		return opts, usageErrorf(c, "--partitions %d: must be at least 1", opts.topic.Partitions)
	case opts.season.Concurrent < 1 || opts.season.Concurrent > 15:
		return opts, usageErrorf(c, "--concurrent %d: must be between 1 and 15", opts.season.Concurrent)
	case opts.season.Games < 0 || opts.count < 0 || opts.duration < 0:
		return opts, usageErrorf(c, "--games, --count and --duration must not be negative")
	case opts.statsInterval <= 0:
		return opts, usageErrorf(c, "--stats-interval must be positive, e.g. 5s")
	}
	opts.league, err = loadLeague(c)
	return opts, err
}

// parseRerun reads --resume and --append.
func parseRerun(c *cli.Context, seedGiven bool) (int, error) {
	switch {
	case c.Bool("resume") && c.Bool("append"):
		return 0, usageErrorf(c, "--resume and --append: choose one")
	case (c.Bool("resume") || c.Bool("append")) && !seedGiven:
		return 0, usageErrorf(c, "--resume and --append need --seed: they say what to do with a seed's stream the topic already holds")
	case c.Bool("resume"):
		return rerunResume, nil
	case c.Bool("append"):
		return rerunAppend, nil
	}
	return rerunRefuse, nil
}

func loadLeague(c *cli.Context) (*game.League, error) {
	path := c.String("league")
	if path == "" {
		return game.DefaultLeague(), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, usageErrorf(c, "--league: %v", err)
	}
	defer f.Close()
	l, err := game.ParseLeague(f)
	if err != nil {
		return nil, usageErrorf(c, "--league %s: %v", path, err)
	}
	return l, nil
}

// runPublish simulates (or replays) and publishes until a limit is reached,
// the source runs dry or ctx ends, then flushes. It fails if any pitch was
// not delivered.
func runPublish(ctx context.Context, e *env, opts publishOptions) error {
	source, err := openSource(e, opts)
	if err != nil {
		return err
	}
	if opts.dryRun {
		err := writeEvents(ctx, e, source, opts)
		if replay, ok := source.(*replaySource); ok {
			replay.logSummary(e, replay.played)
		}
		return err
	}
	pub, err := kafkaio.NewPublisher(ctx, opts.kafka, opts.topic)
	if err != nil {
		return err
	}
	if source, err = checkRerun(ctx, e, opts, source, pub.CreatedTopic()); err != nil {
		return errors.Join(err, pub.Close(opts.kafka.Timeout))
	}
	if opts.started != nil {
		opts.started(pub)
	}
	enc, err := formats.NewEncoder(opts.kafka.Formats(), opts.topic.Name, opts.format)
	if err != nil {
		pub.Close(opts.kafka.Timeout)
		return err
	}
	defer enc.Close()
	if opts.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.duration)
		defer cancel()
	}
	rates := kafkaio.NewRateLog(pub)
	bar, barValue := publishBar(e, opts, pub)
	var stopReporting func()
	if bar.shown() {
		stopReporting = every(200*time.Millisecond, func() { bar.set(barValue()) })
	} else {
		stopReporting = every(opts.statsInterval, rates.Log)
	}
	genErr := pub.PublishStream(ctx, enc, paced(source, opts))
	stopReporting()
	closeErr := pub.Close(opts.kafka.Timeout)
	bar.set(barValue())
	bar.finish()
	rates.Final()
	if r, ok := source.(*resumedSource); ok {
		e.log.Info().Int64("already_on_topic", r.skipped).Msg("resumed: left out the pitches the topic held")
	}
	if errors.Is(closeErr, kafkaio.ErrUndelivered) && opts.seedGiven && len(opts.replay) == 0 {
		closeErr = fmt.Errorf("%w; rerun with --seed %d --resume to publish exactly the pitches the topic lacks",
			closeErr, opts.season.Seed)
	}
	if replay, ok := source.(*replaySource); ok {
		replay.logSummary(e, pub.Stats().Delivered)
	}
	if genErr != nil && !errors.Is(genErr, context.Canceled) && !errors.Is(genErr, context.DeadlineExceeded) {
		return errors.Join(genErr, closeErr)
	}
	return closeErr
}

// checkRerun applies --resume and --append to a stream named by --seed:
// without either it refuses a topic that already holds the seed's games;
// with --resume it leaves out the pitches the topic holds. A topic publish
// has just created holds nothing, and is not read.
func checkRerun(ctx context.Context, e *env, opts publishOptions, source game.Source, newTopic bool) (game.Source, error) {
	if !opts.seedGiven || len(opts.replay) > 0 || opts.rerun == rerunAppend || newTopic {
		return source, nil
	}
	if opts.rerun == rerunRefuse {
		return source, refuseRerun(ctx, opts.kafka, opts.topic.Name, opts.season.Seed)
	}
	have, err := pitchesOnTopic(ctx, opts.kafka, opts.topic.Name, opts.season.Seed)
	if err != nil {
		return nil, err
	}
	e.log.Info().Int("on_topic", have.Len()).Uint64("seed", opts.season.Seed).
		Msg("resuming: publishing only the pitches of the seed's stream that the topic lacks")
	return &resumedSource{source: source, have: have, limit: opts.count}, nil
}

// openSource builds the season to simulate, or reads every replay file,
// so that a bad file fails before anything is published.
func openSource(e *env, opts publishOptions) (game.Source, error) {
	if len(opts.replay) == 0 {
		season, err := game.NewSeason(opts.league, opts.season)
		if err != nil {
			return nil, err
		}
		e.log.Info().Uint64("seed", opts.season.Seed).Str("topic", opts.topic.Name).Float64("rate", opts.rate).
			Msg("publishing; rerun with --seed to repeat this stream")
		return season, nil
	}
	src, err := openReplay(e, opts)
	if err != nil {
		return nil, err // not a typed nil in the interface
	}
	return src, nil
}

// replaySource is a replay of Savant exports, with what was left out of
// them, for the run's last line.
type replaySource struct {
	*statcast.Replay
	skipped map[string]int // rows skipped, by kind
	played  int64
}

func (r *replaySource) NextInto(p *game.Pitch) bool {
	ok := r.Replay.NextInto(p)
	if ok {
		r.played++
	}
	return ok
}

// openReplay reads every replay file; a file that is not an export, or
// files with no usable row at all, fail before anything is published.
func openReplay(e *env, opts publishOptions) (*replaySource, error) {
	src := &replaySource{skipped: map[string]int{}}
	var exports [][]game.Pitch
	for _, path := range opts.replay {
		ps, err := readStatcastFile(e, path, src.skipped)
		if err != nil {
			return nil, err
		}
		exports = append(exports, ps)
	}
	src.Replay = statcast.NewReplay(exports...)
	if src.Len() == 0 {
		return nil, fmt.Errorf("--replay: no pitch to publish in %s: %s", strings.Join(opts.replay, ", "), src.skipSummary())
	}
	whole, partial := src.Games()
	e.log.Info().Strs("files", opts.replay).Int("pitches", src.Len()).Int("whole_games", whole).
		Int("partial_games", partial).Int("duplicates_left_out", src.Duplicates()).
		Int("post_scores_fixed", src.ScoresFixed()).
		Str("topic", opts.topic.Name).Float64("rate", opts.rate).Msg("replaying Statcast pitches")
	return src, nil
}

// skipSummary says how many rows were skipped, by kind, and which
// pitches were left out as duplicates.
func (r *replaySource) skipSummary() string {
	total := 0
	kinds := make([]string, 0, len(r.skipped))
	for kind, n := range r.skipped {
		total += n
		kinds = append(kinds, kind)
	}
	sort.Strings(kinds)
	parts := make([]string, 0, len(kinds))
	for _, kind := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s", r.skipped[kind], kind))
	}
	s := fmt.Sprintf("%d rows skipped", total)
	switch total {
	case 0:
		s = "no row skipped"
	case 1:
		s = "1 row skipped"
	}
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	if d := r.Duplicates(); d > 0 {
		s += fmt.Sprintf(", %d duplicate pitches left out", d)
	}
	return s
}

// logSummary is a replay's last line: the pitches published and the rows
// skipped, by kind.
func (r *replaySource) logSummary(e *env, published int64) {
	ev := e.log.Info()
	if published < r.played || len(r.skipped) > 0 {
		ev = e.log.Warn()
	}
	for kind, n := range r.skipped {
		ev = ev.Int("skipped_"+strings.ReplaceAll(kind, " ", "_"), n)
	}
	whole, partial := r.Games()
	ev.Int64("published", published).Int("whole_games", whole).Int("partial_games", partial).
		Msgf("replay: %d pitches published; %s", published, r.skipSummary())
}

func readStatcastFile(e *env, path string, skippedByKind map[string]int) ([]game.Pitch, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--replay: %w", err)
	}
	defer f.Close()
	ps, skipped, err := statcast.Read(f, path)
	if err != nil {
		return nil, err
	}
	for _, s := range skipped {
		e.log.Warn().Str("file", s.File).Int("line", s.Line).Str("kind", s.Kind).Err(s.Err).
			Msg("skipped a row that cannot be replayed")
		skippedByKind[s.Kind]++
	}
	return ps, nil
}

// paced is the source's stream of pitches at --rate, up to --count.
func paced(source game.Source, opts publishOptions) kafkaio.PitchStream {
	return func(ctx context.Context, emit func(*game.Pitch) error, idle func() error) error {
		return game.Emit(ctx, source, game.Pace{Rate: opts.rate, Throttle: opts.throttle, Count: opts.count}, emit, idle)
	}
}

// publishBar chooses what the progress bar counts: pitches for --count,
// games for --games, seconds for --duration; no bar for an endless run.
func publishBar(e *env, opts publishOptions, pub *kafkaio.Publisher) (*progressBar, func() int64) {
	start := time.Now()
	switch {
	case opts.count > 0:
		return newProgressBar(e, opts.count, "publishing", "pitches"), func() int64 { return pub.Stats().Delivered }
	case opts.season.Games > 0 && len(opts.replay) == 0:
		return newProgressBar(e, int64(opts.season.Games), "publishing", "games"), func() int64 { return pub.Stats().GamesOver }
	case opts.duration > 0:
		return newProgressBar(e, int64(opts.duration.Seconds()), "publishing", "s"),
			func() int64 { return int64(time.Since(start).Seconds()) }
	}
	return &progressBar{}, func() int64 { return 0 }
}

// writeEvents writes what publish would send to stdout as JSON lines.
func writeEvents(ctx context.Context, e *env, source game.Source, opts publishOptions) error {
	if opts.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.duration)
		defer cancel()
	}
	out := bufio.NewWriterSize(e.stdout, 1<<16)
	var buf []byte
	err := paced(source, opts)(ctx, func(p *game.Pitch) error {
		buf = append(p.AppendJSON(buf[:0]), '\n')
		_, err := out.Write(buf)
		return err
	}, out.Flush) // a paced run shows each pitch as it is due
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return out.Flush()
}
