package commands

import (
	"context"
	"encoding/json"
	"io"
	"strings"

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
			"  pitchkafka announce --output json | jq .text",
		Flags: append(kafkaFlags(),
			&cli.StringFlag{Name: "group", Aliases: []string{"g"}, Value: "announcers", Usage: "consumer group to join"},
			&cli.BoolFlag{Name: "from-beginning", Usage: "a group with no committed offsets starts at the earliest offset (default: latest)"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "text or json"},
		),
		Action: func(c *cli.Context) error {
			opts, err := parseAnnounce(c, e)
			if err != nil {
				return err
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
	return announceOptions{kafka: kcfg, topic: c.String("topic"), group: c.String("group"),
		fromBeginning: c.Bool("from-beginning"), output: output}, nil
}

// runAnnounce narrates every pitch of the member's partitions until ctx ends.
func runAnnounce(ctx context.Context, e *env, opts announceOptions) error {
	reader, err := kafkaio.NewGroupReader(opts.kafka, kafkaio.GroupOptions{
		Topic: opts.topic, Group: opts.group, FromBeginning: opts.fromBeginning,
	})
	if err != nil {
		return err
	}
	write := announceText
	if opts.output == "json" {
		write = announceJSON
	}
	err = reader.Run(ctx, func(r kafkaio.Record) error { return write(e.stdout, r) })
	closeErr := reader.Close()
	st := reader.Stats()
	e.log.Info().Int64("announced", st.Records).Int64("skipped", st.Skipped).Msg("announcer stopped")
	if err != nil {
		return err
	}
	return closeErr
}

// announceText writes a pitch's lines in one write, so that the line is
// out before the offset is stored.
func announceText(w io.Writer, r kafkaio.Record) error {
	var b strings.Builder
	b.WriteString(game.PitchLine(&r.Pitch))
	b.WriteByte('\n')
	for _, l := range game.PlayLines(&r.Pitch) {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// announcement is one pitch in --output json.
type announcement struct {
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
	GamePK    int64  `json:"game_pk"`
	GameSeq   int    `json:"game_seq"`
	Text      string `json:"text"`
}

func announceJSON(w io.Writer, r kafkaio.Record) error {
	lines := append([]string{game.PitchLine(&r.Pitch)}, game.PlayLines(&r.Pitch)...)
	buf, err := json.Marshal(announcement{Partition: r.Partition, Offset: r.Offset, GamePK: r.Pitch.GamePK,
		GameSeq: r.Pitch.GameSeq, Text: strings.Join(lines, "\n")})
	if err != nil {
		return err
	}
	_, err = w.Write(append(buf, '\n'))
	return err
}
