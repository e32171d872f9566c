package kafkaio

import (
	"context"
	"strconv"

	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/kafkaio/internal/rdk"
)

// Sizes of PublishStream's pipeline: pitches per batch, and batches in
// flight between the goroutine that generates and encodes and the one that
// hands them to the client.
const (
	streamBatchSize = 512
	streamBatches   = 4
)

// PitchStream generates pitches: it calls emit for each, and idle whenever
// the next one is not yet due, until it is done or ctx ends. game.Emit is
// one.
type PitchStream func(ctx context.Context, emit func(*game.Pitch) error, idle func() error) error

// encodeStream encodes the stream's pitches into batches taken from free
// and sends each on full when it is full or the stream idles.
func encodeStream(ctx context.Context, stream PitchStream, free <-chan *pitchBatch, full chan<- *pitchBatch) error {
	b := <-free
	send := func() error {
		if b.records.Len() == 0 {
			return nil
		}
		full <- b
		select {
		case b = <-free:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	err := stream(ctx, func(p *game.Pitch) error {
		if err := b.add(p); err != nil {
			return err
		}
		if b.records.Len() < streamBatchSize {
			return nil
		}
		return send()
	}, send)
	if err != nil {
		return err
	}
	return send()
}

// pitchBatch is a batch of pitch records: key game_pk, value the event
// encoded by enc (nil: JSON), timestamp ts; and how many of them end a game.
type pitchBatch struct {
	records   rdk.Batch
	enc       *formats.Encoder
	gamesOver int
}

// add encodes a pitch into the batch, in place. On error the batch is as
// it was.
func (b *pitchBatch) add(p *game.Pitch) error {
	buf := b.records.Buffer()
	start := len(buf)
	buf = strconv.AppendInt(buf, p.GamePK, 10)
	keyLen := len(buf) - start
	if b.enc == nil {
		buf = p.AppendJSON(buf)
	} else {
		var err error
		if buf, err = b.enc.Append(buf, p); err != nil {
			return err
		}
	}
	b.records.AddAppended(buf, keyLen, p.TS)
	if p.GameOver {
		b.gamesOver++
	}
	return nil
}

// reset empties the batch, keeping its memory.
func (b *pitchBatch) reset() {
	b.records.Reset()
	b.gamesOver = 0
}
