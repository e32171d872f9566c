package kafkaio

import (
	"context"

	"github.com/pitchkafka/pitchkafka/game"
)

// Publish hands one pitch to the client, keyed by its game, as publish
// does a batch of them: tests publish pitch by pitch.
func (p *Publisher) Publish(ctx context.Context, pitch *game.Pitch) error {
	var b pitchBatch
	if err := b.add(pitch); err != nil {
		return err
	}
	return p.publish(ctx, &b.records, b.gamesOver)
}
