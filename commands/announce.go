package commands

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/kafkaio"
	"github.com/urfave/cli/v2"
)

type announceOptions struct {
	kafka         kafkaio.Config
	topic         string
	group         string
	fromBeginning bool
	output        string
	dlq           string
	statsInterval time.Duration
	once          bool
}

func announceCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "announce",
		Usage: "play-by-play of every game, as a member of a consumer group",
		Description: "Consumer groups: every announcer with the same --group shares the topic's\n" +
			"partitions, so start more announcers and the games are split among them; stop\n" +
			"one and its partitions move to the others (cooperative-sticky rebalancing).\n" +
			"Offsets are committed at least once: only after a pitch's line is written,\n" +
			"and before partitions are given up in a rebalance or at shutdown.\n\n" +
			"Examples:\n" +
			"  pitchkafka announce                                  # group announcers, new pitches\n" +
			"  pitchkafka announce --group radio --from-beginning   # a new group replays everything\n" +
			"  pitchkafka announce --output json | jq .text\n" +
			"  pitchkafka announce --group-protocol consumer         # KIP-848: the broker assigns",
		Flags: append(kafkaFlags(),
			&cli.StringFlag{Name: "group", Aliases: []string{"g"}, Value: "announcers", Usage: "consumer group to join"},
			nameFlag(),
			&cli.BoolFlag{Name: "from-beginning", Usage: "a group with no committed offsets starts at the earliest offset", DefaultText: "latest"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "text or json"},
			&cli.BoolFlag{Name: "once", Usage: "stop once this member's partitions are read up to the end of the log as it was at start"},
			&cli.StringFlag{Name: "dlq", Usage: "dead-letter `TOPIC`: copy records that are not pitch events there before skipping them"},
			&cli.DurationFlag{Name: "stats-interval", Value: 10 * time.Second, Usage: "how often to log partitions, lag and latency on stderr"},
			groupProtocolFlag(),
		),
		Action: func(c *cli.Context) error {
			opts, err := parseAnnounce(c, e)
			if err != nil {
				return doneIfListed(err)
			}
			return runAnnounce(c.Context, e, opts)
		},
	}
}

func parseAnnounce(c *cli.Context, e *env) (announceOptions, error) {
	kcfg, err := kafkaConfig(c, e)
	if err != nil {
		return announceOptions{}, err
	}
	output, err := oneOf(c, "output", "text", "json")
	if err != nil {
		return announceOptions{}, err
	}
	if c.String("group") == "" {
		return announceOptions{}, usageErrorf(c, "--group must not be empty")
	}
	if c.Duration("stats-interval") <= 0 {
		return announceOptions{}, usageErrorf(c, "--stats-interval must be positive, e.g. 10s")
	}
	if err := applyGroupProtocol(c, &kcfg); err != nil {
		return announceOptions{}, err
	}
	if kcfg, err = namedClient(c, kcfg, ""); err != nil {
		return announceOptions{}, err
	}
	return announceOptions{kafka: kcfg, topic: c.String("topic"), group: c.String("group"),
		fromBeginning: c.Bool("from-beginning"), output: output, dlq: c.String("dlq"),
		statsInterval: c.Duration("stats-interval"), once: c.Bool("once")}, nil
}

// runAnnounce narrates every pitch of the member's partitions until ctx
// ends, logging its partitions, lag and latency every stats interval.
func runAnnounce(ctx context.Context, e *env, opts announceOptions) error {
	latency := &latencies{}
	// Lines are buffered, and written out before their offsets are stored
	// for commit: at least every few hundred pitches and whenever no more
	// are waiting, so a live game reads as it happens. A write stuck on a
	// pipe nobody reads is given up a quarter of --timeout after the stop,
	// so that Ctrl-C ends the member within --timeout all the same.
	stdout := newAbandonableWriter(ctx, e.stdout, opts.kafka.Timeout/4)
	defer stdout.Close()
	out := bufio.NewWriterSize(stdout, 64<<10)
	reader, err := kafkaio.NewGroupReader(ctx, opts.kafka, kafkaio.GroupOptions{
		Topic: opts.topic, Group: opts.group, FromBeginning: opts.fromBeginning, DLQ: opts.dlq, Once: opts.once,
		StatsInterval: opts.statsInterval, OnStats: func(st kafkaio.GroupStats) { logLag(e, st, latency) },
		Flush: out.Flush,
	})
	if err != nil {
		return err
	}
	announce := announcerFor(opts.output, newPalette(e.stdout), out)
	err = reader.Run(ctx, func(r kafkaio.Record) error {
		if err := announce(r); err != nil {
			return err
		}
		latency.add(time.Since(r.Timestamp))
		return nil
	})
	if flushErr := out.Flush(); err == nil {
		err = flushErr
	}
	closeErr := reader.Close()
	st := reader.Stats()
	e.log.Info().Int64("announced", st.Records).Int64("skipped", st.Skipped).Int64("dead_letters_not_written", st.NotCopied).
		Msg("announcer stopped")
	if err != nil {
		return err
	}
	return closeErr
}

// announcerFor returns what writes each pitch's announcement to w: plain
// text, coloured text or JSON.
func announcerFor(output string, pl palette, w io.Writer) func(kafkaio.Record) error {
	announcer := game.NewAnnouncer()
	switch {
	case output == "json":
		return func(r kafkaio.Record) error { return announceJSON(w, r, announcer.Lines(&r.Pitch)) }
	case pl.on:
		return func(r kafkaio.Record) error {
			lines := announcer.Lines(&r.Pitch)
			lines[0] = colourResult(pl, &r.Pitch, lines[0])
			return announceText(w, lines)
		}
	}
	var text []byte // plain text, the common case, appended without allocating
	return func(r kafkaio.Record) error {
		text = announcer.AppendLines(text[:0], &r.Pitch)
		_, err := w.Write(text)
		return err
	}
}

// announceText writes a pitch's lines.
func announceText(w io.Writer, lines []string) error {
	for _, line := range lines {
		if _, err := io.WriteString(w, line); err != nil {
			return err
		}
		if _, err := io.WriteString(w, "\n"); err != nil {
			return err
		}
	}
	return nil
}

// colourResult colours what the pitch did, the end of its line.
func colourResult(pl palette, p *game.Pitch, line string) string {
	i := strings.LastIndex(line, ": ")
	if i < 0 {
		return line
	}
	return line[:i+2] + pl.result(p, line[i+2:])
}

// announcement is one pitch in --output json.
type announcement struct {
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
	GamePK    int64  `json:"game_pk"`
	GameSeq   int    `json:"game_seq"`
	Text      string `json:"text"`
}

func announceJSON(w io.Writer, r kafkaio.Record, lines []string) error {
	buf, err := json.Marshal(announcement{Partition: r.Partition, Offset: r.Offset, GamePK: r.Pitch.GamePK,
		GameSeq: r.Pitch.GameSeq, Text: strings.Join(lines, "\n")})
	if err != nil {
		return err
	}
	_, err = w.Write(append(buf, '\n'))
	return err
}

// latencies collects end-to-end latencies, from a record's timestamp to
// its line being written, over one stats interval. It is used from the
// consuming goroutine only.
type latencies struct{ samples []time.Duration }

func (l *latencies) add(d time.Duration) { l.samples = append(l.samples, d) }

// take returns p50, p99 and max of the interval and starts a new one.
func (l *latencies) take() (p50, p99, most time.Duration, n int) {
	s := l.samples
	l.samples = l.samples[:0]
	if len(s) == 0 {
		return 0, 0, 0, 0
	}
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[min(len(s)-1, int(q*float64(len(s))))] }
	return at(0.50), at(0.99), s[len(s)-1], len(s)
}

// logLag logs the member's partitions, lag and latency on stderr.
func logLag(e *env, st kafkaio.GroupStats, l *latencies) {
	p50, p99, most, n := l.take()
	perPartition := map[string]int64{}
	partitions := make([]int32, 0, len(st.Partitions))
	for _, p := range st.Partitions {
		perPartition[strconv.Itoa(int(p.Partition))] = p.Lag
		partitions = append(partitions, p.Partition)
	}
	e.log.Info().Ints32("partitions", partitions).Interface("lag_by_partition", perPartition).Int64("lag", st.TotalLag).
		Int("announced", n).Str("latency_p50", ms(p50)).Str("latency_p99", ms(p99)).Str("latency_max", ms(most)).
		Msg("lag and latency")
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + "ms"
}
