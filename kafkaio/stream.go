package kafkaio

import (
	"context"

	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/game"
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

// PublishStream publishes what stream generates, encoded by enc (nil:
// JSON). The stream runs on a goroutine of its own, encoding into batches,
// while this one hands each batch to the client in one call, so that
// generating hides behind the client. A batch goes when it is full or when
// the stream idles, so pacing adds no latency. The first error, of either
// side, stops both; it returns nil when the stream ends, and ctx's error
// when ctx ends first. Close still has to flush.
func (p *Publisher) PublishStream(ctx context.Context, enc *formats.Encoder, stream PitchStream) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	full, free := make(chan *Batch, streamBatches), make(chan *Batch, streamBatches)
	for range streamBatches {
		free <- NewBatch(enc)
	}
	genErr := make(chan error, 1)
	go func() {
		defer close(full)
		genErr <- encodeStream(ctx, stream, free, full)
	}()
	var pubErr error
	for b := range full {
		if pubErr == nil {
			if pubErr = p.PublishBatch(ctx, b); pubErr != nil {
				cancel() // stop generating; drain what was already encoded
			}
		}
		b.Reset()
		free <- b
	}
	if err := <-genErr; pubErr == nil {
		return err
	}
	return pubErr
}

// encodeStream encodes the stream's pitches into batches taken from free
// and sends each on full when it is full or the stream idles.
func encodeStream(ctx context.Context, stream PitchStream, free <-chan *Batch, full chan<- *Batch) error {
	b := <-free
	send := func() error {
		if b.Len() == 0 {
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
		if err := b.Add(p); err != nil {
			return err
		}
		if b.Len() < streamBatchSize {
			return nil
		}
		return send()
	}, send)
	if err != nil {
		return err
	}
	return send()
}
