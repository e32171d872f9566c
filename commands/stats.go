package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/kafkaio"
	"github.com/urfave/cli/v2"
)

type statsOptions struct {
	kafka         kafkaio.Config
	topic         string
	fromBeginning bool
	once          bool
	interval      time.Duration
	output        string
}

func statsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "stats",
		Usage: "league figures from the stream, beside MLB's",
		Description: "Analytics on a stream: folds every pitch on the topic into league figures (runs,\n" +
			"K%, BB%, home runs, hits per team-game, pitches per plate appearance, strike%,\n" +
			"the pitch mix and velocities) and prints them beside the 2024 MLB figures, then\n" +
			"the run-expectancy matrix: mean runs from each of the 24 base-out states to the\n" +
			"end of the half-inning (innings 1-8), beside MLB's (2025 season). A game counts\n" +
			"once its last pitch is seen; replayed games only partly in the stream are\n" +
			"counted apart, as partial. It works the same on simulated and on\n" +
			"replayed Statcast data. Like last-pitch it reads by assignment and commits nothing.\n\n" +
			"Examples:\n" +
			"  pitchkafka stats --from-beginning --once          # the whole log, then exit\n" +
			"  pitchkafka stats --from-beginning --interval 30s  # keep counting, print every 30s\n" +
			"  pitchkafka stats --from-beginning --once --output json | jq '.figures[0]'",
		Flags: append(kafkaFlags(),
			&cli.BoolFlag{Name: "from-beginning", Usage: "count the whole log", DefaultText: "only new pitches"},
			&cli.BoolFlag{Name: "once", Usage: "read up to the end of the log as it is now, print and exit"},
			&cli.DurationFlag{Name: "interval", Value: 10 * time.Second, Usage: "how often to print the figures"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "table", Usage: "table or json"},
		),
		Action: func(c *cli.Context) error {
			kcfg, err := kafkaConfig(c, e)
			if err != nil {
				return doneIfListed(err)
			}
			output, err := oneOf(c, "output", "table", "json")
			if err != nil {
				return err
			}
			if c.Duration("interval") <= 0 {
				return usageErrorf(c, "--interval must be positive, e.g. 10s")
			}
			return runStats(c.Context, e, statsOptions{kafka: kcfg, topic: c.String("topic"),
				fromBeginning: c.Bool("from-beginning"), once: c.Bool("once"), interval: c.Duration("interval"), output: output})
		},
	}
}

// statsView is the book of figures, shared by the reader and the printer.
type statsView struct {
	mu   sync.Mutex
	book *game.StatsBook
}

func (v *statsView) add(r kafkaio.Record) {
	v.mu.Lock()
	v.book.Add(&r.Pitch)
	v.mu.Unlock()
}

// statsReport is what stats prints, in --output json as it is.
type statsReport struct {
	Games      int                    `json:"games"` // complete: what figures per game count
	InProgress int                    `json:"games_in_progress"`
	Counts     game.Stats             `json:"counts"` // every pitch so far, of games ended or not
	Partial    int                    `json:"partial_games"`
	PartialCts game.Stats             `json:"partial_counts"` // replayed games only partly in the stream
	Figures    []game.Figure          `json:"figures"`
	PitchTypes []game.PitchTypeFigure `json:"pitch_types"`
	// RunExpectancy is the matrix by base-out state, beside MLB's.
	RunExpectancy []game.RunExpectancyFigure `json:"run_expectancy"`
}

func (v *statsView) report() statsReport {
	v.mu.Lock()
	defer v.mu.Unlock()
	b := v.book
	return statsReport{Games: b.Complete.Games, InProgress: b.InProgress(), Counts: b.Pitches, Figures: b.Figures(),
		PitchTypes: b.Pitches.PitchTypeFigures(), RunExpectancy: b.Pitches.RunExpectancy.Figures(),
		Partial: b.PartialGames(), PartialCts: b.Partial}
}

func runStats(ctx context.Context, e *env, opts statsOptions) error {
	reader, err := kafkaio.NewReader(opts.kafka, opts.topic)
	if err != nil {
		return err
	}
	defer reader.Close()
	view := &statsView{book: game.NewStatsBook()}
	printReport := func() error { return writeStats(e.stdout, opts.output, view.report()) }
	stopPrinting := func() {}
	if !opts.once {
		stopPrinting = every(opts.interval, func() { _ = printReport() })
	}
	readOpts := kafkaio.ReadOptions{FromBeginning: opts.fromBeginning, Once: opts.once}
	bar := startReplayBar(e, reader, &readOpts)
	defer bar.stop()
	err = reader.Run(ctx, readOpts, view.add)
	stopPrinting()
	if err != nil {
		return err
	}
	st := reader.Stats()
	e.log.Info().Int64("pitches", st.Records).Int64("skipped", st.Skipped).Msg("stats read")
	return printReport()
}

func writeStats(w io.Writer, output string, r statsReport) error {
	if output == "json" {
		buf, err := json.Marshal(r)
		if err != nil {
			return err
		}
		_, err = w.Write(append(buf, '\n'))
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d pitches so far: %d games complete, %d in progress\n", r.Counts.Pitches, r.Games, r.InProgress)
	if r.Games == 0 {
		b.WriteString("figures per game wait for a game to end; the others count every pitch so far\n")
	} else {
		b.WriteString("figures per game count the complete games; the others every pitch so far\n")
	}
	if r.Partial > 0 {
		c := r.PartialCts
		fmt.Fprintf(&b, "%d partial games (only some of their pitches in the stream; not in the figures below): "+
			"%d pitches, %d PA, %d K, %d BB, %d H, %d HR, %d R\n",
			r.Partial, c.Pitches, c.PlateApps, c.Strikeouts, c.Walks, c.Hits, c.HomeRuns, c.Runs)
	}
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "figure\tstream\tMLB 2024\t")
	for _, f := range r.Figures {
		value := fmt.Sprintf("%.*f", f.Decimals, f.Value)
		if f.PerGame && r.Games == 0 {
			value = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%.*f\t\n", f.Name, value, f.Decimals, f.MLB)
	}
	fmt.Fprintln(tw, "\t\t\t")
	fmt.Fprintln(tw, "pitch type\tshare\tmph\tStatcast share\tmph\t")
	for _, p := range r.PitchTypes {
		fmt.Fprintf(tw, "%s %s\t%.1f%%\t%.1f\t%.1f%%\t%.1f\t\n", p.Code, p.Name, 100*p.Share, p.MPH, 100*p.MLBShare, p.MLBMPH)
	}
	tw.Flush()
	writeRunExpectancy(&b, r.RunExpectancy)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeRunExpectancy prints the run-expectancy matrix: a row per
// arrangement of runners, the stream's mean runs beside MLB's for each
// number of outs.
func writeRunExpectancy(b *strings.Builder, figs []game.RunExpectancyFigure) {
	if len(figs) != game.BaseOutStates {
		return
	}
	fmt.Fprintln(b, "\nrun expectancy, innings 1-8 (stream / MLB 2025)")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "runners\t0 out\tMLB\t1 out\tMLB\t2 out\tMLB\t")
	for bases := range 8 {
		fmt.Fprintf(tw, "%s\t", figs[bases].Bases)
		for outs := range 3 {
			f := figs[outs*8+bases]
			if f.N == 0 {
				fmt.Fprintf(tw, "-\t%.2f\t", f.MLB)
				continue
			}
			fmt.Fprintf(tw, "%.2f\t%.2f\t", f.Value, f.MLB)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}
