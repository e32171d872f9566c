package commands

import (
	"context"
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

type lastPitchOptions struct {
	kafka         kafkaio.Config
	topic         string
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
			"  pitchkafka last-pitch --from-beginning --once --output json | jq '.[0]'",
		Flags: append(kafkaFlags(),
			&cli.BoolFlag{Name: "from-beginning", Usage: "rebuild the state by replaying the whole log (default: only new pitches)"},
			&cli.BoolFlag{Name: "once", Usage: "read up to the end of the log as it is now, print the table and exit"},
			&cli.DurationFlag{Name: "interval", Value: 5 * time.Second, Usage: "how often to print the table"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "table", Usage: "table or json"},
		),
		Action: func(c *cli.Context) error {
			opts, err := parseLastPitch(c, e)
			if err != nil {
				return err
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
	return lastPitchOptions{kafka: kcfg, topic: c.String("topic"), fromBeginning: c.Bool("from-beginning"),
		once: c.Bool("once"), interval: c.Duration("interval"), output: output}, nil
}

// lastPitchView is the folded table, shared by the reader and the printer.
type lastPitchView struct {
	mu    sync.Mutex
	table *game.LastPitches
}

func (v *lastPitchView) apply(r kafkaio.Record) {
	v.mu.Lock()
	v.table.Apply(&r.Pitch)
	v.mu.Unlock()
}

func (v *lastPitchView) snapshot() []game.Pitch {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.table.Sorted()
}

// runLastPitch replays and follows the log, printing the table every
// interval, or once at the end with --once.
func runLastPitch(ctx context.Context, e *env, opts lastPitchOptions) error {
	reader, err := kafkaio.NewReader(opts.kafka, opts.topic)
	if err != nil {
		return err
	}
	defer reader.Close()
	view := &lastPitchView{table: game.NewLastPitches()}
	printTable := func() error { return printLastPitches(e.stdout, opts.output, view.snapshot()) }
	start := time.Now()
	readOpts := kafkaio.ReadOptions{FromBeginning: opts.fromBeginning, Once: opts.once, CaughtUp: func() {
		st := reader.Stats()
		secs := time.Since(start).Seconds()
		e.log.Info().Int64("replayed", st.Records).Int64("skipped", st.Skipped).
			Str("records_per_s", fmt.Sprintf("%.0f", float64(st.Records)/secs)).
			Str("elapsed", time.Since(start).Round(time.Millisecond).String()).Msg("caught up: the table is current")
	}}
	done := make(chan struct{})
	if !opts.once {
		go every(opts.interval, done, func() { _ = printTable() })
	}
	err = reader.Run(ctx, readOpts, view.apply)
	close(done)
	if err != nil {
		return err
	}
	return printTable()
}

// printLastPitches writes the table as aligned text or as one JSON array.
func printLastPitches(w io.Writer, output string, pitches []game.Pitch) error {
	if output == "json" {
		buf := []byte{'['}
		for i := range pitches {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = pitches[i].AppendJSON(buf)
		}
		_, err := w.Write(append(buf, ']', '\n'))
		return err
	}
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PITCHER\tTEAM\tPITCH\tMPH\tRESULT\tGAME\tINNING\tWHEN")
	for i := range pitches {
		p := &pitches[i]
		result := game.DescriptionPhrase(p.Description)
		if p.Events != "" {
			result = strings.ReplaceAll(p.Events, "_", " ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.1f\t%s\t%s@%s\t%s\t%s\n", p.PitcherName, p.FieldingTeam(), p.PitchName,
			p.ReleaseSpeed, result, p.AwayTeam, p.HomeTeam, game.HalfInning(p), p.TS.UTC().Format("15:04:05.000"))
	}
	tw.Flush()
	fmt.Fprintf(&b, "(%d pitchers)\n", len(pitches))
	_, err := io.WriteString(w, b.String())
	return err
}
