package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/kafkaio"
	"github.com/urfave/cli/v2"
)

type lastPitchOptions struct {
	kafka         kafkaio.Config
	topic         string
	changelog     string
	fromBeginning bool
	once          bool
	interval      time.Duration
	output        string
}

func lastPitchCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "last-pitch",
		Usage: "rebuild the last pitch of every pitcher by replaying the log",
		Description: "Event sourcing: the table of each pitcher's last pitch is the log folded up.\n" +
			"last-pitch reads every partition by assignment (no consumer group, nothing\n" +
			"committed), so it can always rebuild its state by replaying from the beginning.\n" +
			"\"Last\" is the latest ts, then the higher game_pk, then game_seq, so the table\n" +
			"never depends on how the partitions happen to interleave.\n\n" +
			"Examples:\n" +
			"  pitchkafka last-pitch --from-beginning                   # replay, then follow live\n" +
			"  pitchkafka last-pitch --from-beginning --once            # replay to the end and print\n" +
			"  pitchkafka last-pitch --from-beginning --once --output json | jq '.[0]'\n" +
			"  pitchkafka last-pitch --from-beginning --changelog last-pitch-changelog  # restart in seconds\n\n" +
			"With --changelog, every change of the table is also written to a compacted topic\n" +
			"(key: pitcher id), as Kafka Streams backs a state store. On restart the table is\n" +
			"restored from that topic first and the pitch topic is resumed where the changes\n" +
			"left off, instead of replaying it all: compaction keeps one record per pitcher.",
		Flags: append(kafkaFlags(),
			&cli.BoolFlag{Name: "from-beginning", Usage: "rebuild the state by replaying the whole log", DefaultText: "only new pitches"},
			&cli.BoolFlag{Name: "once", Usage: "read up to the end of the log as it is now, print the table and exit"},
			&cli.DurationFlag{Name: "interval", Value: 5 * time.Second, Usage: "how often to print the table"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "table", Usage: "table or json"},
			&cli.StringFlag{Name: "changelog", Usage: "compacted `TOPIC` to write the table's changes to and restore it from on restart"},
		),
		Action: func(c *cli.Context) error {
			opts, err := parseLastPitch(c, e)
			if err != nil {
				return doneIfListed(err)
			}
			return runLastPitch(c.Context, e, opts)
		},
	}
}

func parseLastPitch(c *cli.Context, e *env) (lastPitchOptions, error) {
	kcfg, err := kafkaConfig(c, e)
	if err != nil {
		return lastPitchOptions{}, err
	}
	output, err := oneOf(c, "output", "table", "json")
	if err != nil {
		return lastPitchOptions{}, err
	}
	if c.Duration("interval") <= 0 {
		return lastPitchOptions{}, usageErrorf(c, "--interval must be positive, e.g. 5s")
	}
	if c.String("changelog") != "" && c.String("changelog") == c.String("topic") {
		return lastPitchOptions{}, usageErrorf(c, "--changelog must name another topic than --topic")
	}
	return lastPitchOptions{kafka: kcfg, topic: c.String("topic"), changelog: c.String("changelog"),
		fromBeginning: c.Bool("from-beginning"), once: c.Bool("once"), interval: c.Duration("interval"), output: output}, nil
}

// lastPitchView is the folded table, shared by the reader and the printer.
type lastPitchView struct {
	mu    sync.Mutex
	table *game.LastPitches
}

// apply folds one pitch into the table and reports whether it changed it.
func (v *lastPitchView) apply(p *game.Pitch) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.table.Apply(p)
}

func (v *lastPitchView) snapshot() []lastPitchRow {
	v.mu.Lock()
	defer v.mu.Unlock()
	pitches := v.table.Sorted()
	rows := make([]lastPitchRow, len(pitches))
	for i, p := range pitches {
		rows[i] = lastPitchRow{pitch: p, speeds: v.table.RecentSpeeds(p.Pitcher)}
	}
	return rows
}

// runLastPitch replays and follows the log, printing the table every
// interval, or once at the end with --once. With a changelog it restores
// the table first and records every change.
func runLastPitch(ctx context.Context, e *env, opts lastPitchOptions) error {
	view := &lastPitchView{table: game.NewLastPitches()}
	// The table needs only each pitcher's latest pitches: the rest of a
	// batch is counted, not decoded.
	readOpts := kafkaio.ReadOptions{FromBeginning: opts.fromBeginning, Once: opts.once, LastPitchesOnly: true}
	var changelog *kafkaio.Changelog
	if opts.changelog != "" {
		var err error
		if changelog, err = restoreLastPitches(ctx, e, opts, view, &readOpts); err != nil {
			return err
		}
	}
	reader, err := kafkaio.NewReader(opts.kafka, opts.topic)
	if err != nil {
		return closeChangelog(e, changelog, opts, err)
	}
	defer reader.Close()
	redraw := opts.output == "table" && !opts.once && isTerminal(e.stdout)
	printTable := func() error { return printLastPitches(e.stdout, opts.output, view.snapshot(), redraw) }
	start := time.Now()
	readOpts.CaughtUp = func() { logCaughtUp(e, reader.Stats(), start) }
	bar := startReplayBar(e, reader, &readOpts)
	defer bar.stop()
	stopPrinting := func() {}
	if !opts.once {
		stopPrinting = every(opts.interval, func() { _ = printTable() })
	}
	err = reader.Run(ctx, readOpts, func(r kafkaio.Record) {
		if view.apply(&r.Pitch) && changelog != nil {
			if err := changelog.Record(ctx, &r); err != nil && ctx.Err() == nil {
				e.log.Error().Err(err).Msg("changelog write failed")
			}
		}
	})
	stopPrinting()
	if err = closeChangelog(e, changelog, opts, err); err != nil {
		return err
	}
	return printTable()
}

// restoreLastPitches opens the changelog, restores the table from it and
// sets where each partition of the pitch topic resumes.
func restoreLastPitches(ctx context.Context, e *env, opts lastPitchOptions, view *lastPitchView,
	readOpts *kafkaio.ReadOptions) (*kafkaio.Changelog, error) {
	start := time.Now()
	changelog, err := kafkaio.OpenChangelog(ctx, opts.kafka, opts.changelog, opts.topic)
	if err != nil {
		return nil, err
	}
	resume, st, err := changelog.Restore(ctx, func(p *game.Pitch) { view.apply(p) })
	if err != nil {
		return nil, closeChangelog(e, changelog, opts, err)
	}
	e.log.Info().Str("changelog", opts.changelog).Int64("records", st.Records).Int("pitchers", view.table.Len()).
		Interface("resume_offsets", resume).Str("elapsed", time.Since(start).Round(time.Millisecond).String()).
		Msg("restored the table from the changelog")
	if len(resume) > 0 {
		// Partitions the changelog knows resume after their last change; any
		// other partition is read from its beginning, so nothing is missed.
		readOpts.Start, readOpts.FromBeginning = resume, true
	}
	return changelog, nil
}

func closeChangelog(e *env, changelog *kafkaio.Changelog, opts lastPitchOptions, err error) error {
	if changelog == nil {
		return err
	}
	err = errors.Join(err, changelog.Close(opts.kafka.Timeout))
	st := changelog.Stats()
	e.log.Info().Str("changelog", opts.changelog).Int64("changes", st.Delivered).Int64("failed", st.Failed).
		Msg("changelog closed")
	return err
}

func logCaughtUp(e *env, st kafkaio.ConsumerStats, start time.Time) {
	secs := time.Since(start).Seconds()
	e.log.Info().Int64("replayed", st.Records).Int64("skipped", st.Skipped).Int64("superseded_unchecked", st.Unchecked).
		Str("records_per_s", fmt.Sprintf("%.0f", float64(st.Records)/secs)).
		Str("elapsed", time.Since(start).Round(time.Millisecond).String()).Msg("caught up: the table is current")
}

// clearScreen moves the cursor home and clears the terminal, so that the
// table redraws in place.
const clearScreen = "\x1b[H\x1b[2J"

// lastPitchRow is one pitcher's row of the table.
type lastPitchRow struct {
	pitch  game.Pitch
	speeds []float64
}

// printLastPitches writes the table as aligned text or as one JSON array.
// With redraw it first clears the terminal.
func printLastPitches(w io.Writer, output string, rows []lastPitchRow, redraw bool) error {
	if output == "json" {
		buf := []byte{'['}
		for i := range rows {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = rows[i].pitch.AppendJSON(buf)
		}
		_, err := w.Write(append(buf, ']', '\n'))
		return err
	}
	var b strings.Builder
	if redraw {
		b.WriteString(clearScreen)
	}
	pl := newPalette(w)
	t := table{header: []string{"PITCHER", "TEAM", "PITCH", "MPH", "LAST 10", "RESULT", "GAME", "INNING", "WHEN"}}
	for i := range rows {
		p := &rows[i].pitch
		result := game.DescriptionPhrase(p.Description)
		if p.Events != "" {
			result = strings.ReplaceAll(p.Events, "_", " ")
		}
		t.add([]cell{{text: pitcherLabel(p)}, {text: p.FieldingTeam()}, {text: p.PitchName},
			{text: fmt.Sprintf("%.1f", p.ReleaseSpeed)}, {text: game.Sparkline(rows[i].speeds)},
			{text: result, shown: pl.result(p, result)}, {text: p.AwayTeam + "@" + p.HomeTeam},
			{text: game.HalfInning(p)}, {text: p.TS.UTC().Format("15:04:05.000")}})
	}
	t.write(&b)
	fmt.Fprintf(&b, "(%d pitchers)\n", len(rows))
	_, err := io.WriteString(w, b.String())
	return err
}

// pitcherLabel is the pitcher's name, or his id when the stream has no
// name for him (a replayed batter's export names the batter only).
func pitcherLabel(p *game.Pitch) string {
	if p.PitcherName != "" {
		return p.PitcherName
	}
	return "pitcher " + strconv.FormatInt(p.Pitcher, 10)
}
