package commands

import (
	"context"
	"fmt"

	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/kafkaio"
	"github.com/rs/zerolog"
)

// What publish does when --seed names a stream the topic may already hold.
const (
	rerunRefuse = iota // look, and refuse if the topic holds the seed's games
	rerunResume        // publish only the seed's pitches the topic lacks
	rerunAppend        // publish them all, whatever the topic holds
)

// refuseRerun fails with one line if the last record of some partition of
// the topic is a pitch of the seed's games: a rerun would publish every
// pitch already there again. Looking at the last records costs one small
// fetch per partition on any cluster; it misses the seed's games only if
// other streams wrote after them on every partition.
func refuseRerun(ctx context.Context, cfg kafkaio.Config, topic string, seed uint64) error {
	var found *game.Pitch
	var partition int32
	err := readTopic(ctx, cfg, topic, kafkaio.ReadOptions{Tail: 1, Once: true}, func(r kafkaio.Record) {
		if found == nil && game.FromSeed(seed, r.Pitch.GamePK) {
			found, partition = &r.Pitch, r.Partition
		}
	})
	if err != nil || found == nil {
		return err
	}
	return fmt.Errorf("topic %s already holds games of --seed %d (game %d, pitch %d, on partition %d): "+
		"rerun with --resume to publish only the pitches it lacks, or --append to publish them all again",
		topic, seed, found.GamePK, found.GameSeq, partition)
}

// pitchesOnTopic reads the whole topic and returns the seed's pitches on it.
func pitchesOnTopic(ctx context.Context, cfg kafkaio.Config, topic string, seed uint64) (*game.PitchSet, error) {
	have := game.NewPitchSet()
	err := readTopic(ctx, cfg, topic, kafkaio.ReadOptions{FromBeginning: true, Once: true}, func(r kafkaio.Record) {
		if game.FromSeed(seed, r.Pitch.GamePK) {
			have.Add(r.Pitch.GamePK, r.Pitch.GameSeq)
		}
	})
	return have, err
}

// readTopic reads the topic with opts, quietly: records that are not
// pitches are none of publish's business.
func readTopic(ctx context.Context, cfg kafkaio.Config, topic string, opts kafkaio.ReadOptions, handle func(kafkaio.Record)) error {
	cfg.Log = cfg.Log.Level(max(cfg.Log.GetLevel(), zerolog.ErrorLevel))
	r, err := kafkaio.NewReader(cfg, topic)
	if err != nil {
		return err
	}
	defer r.Close()
	return r.Run(ctx, opts, handle)
}

// resumedSource is a stream without the pitches a topic already holds. It
// counts the stream's pitches, those skipped included, against the limit,
// so that a resumed --count N ends where the whole run would have.
type resumedSource struct {
	source      game.Source
	have        *game.PitchSet
	limit, read int64 // the stream's pitches: at most limit, 0 for no limit
	skipped     int64
}

func (r *resumedSource) NextInto(p *game.Pitch) bool {
	for r.limit == 0 || r.read < r.limit {
		if !r.source.NextInto(p) {
			return false
		}
		r.read++
		if !r.have.Has(p.GamePK, p.GameSeq) {
			return true
		}
		r.skipped++
	}
	return false
}
