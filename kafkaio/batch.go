package kafkaio

import (
	"context"
	"strconv"
	"time"

	"github.com/pitchkafka/pitchkafka/game"
)

// Batch is a run of pitches encoded as records, keys and values back to
// back in one buffer, so that one goroutine can simulate and encode while
// another hands the records to the client. A Batch is reused: Reset it
// and add again.
type Batch struct {
	enc       *Encoder // nil: JSON
	buf       []byte
	records   []encodedRecord
	gamesOver int
}

// NewBatch returns an empty batch whose records enc encodes; a zero Batch
// encodes JSON.
func NewBatch(enc *Encoder) *Batch { return &Batch{enc: enc} }

// encodedRecord locates one record in a Batch's buffer: its key is
// buf[start:keyEnd] and its value buf[keyEnd:end].
type encodedRecord struct {
	start, keyEnd, end int
	ts                 time.Time
}

// Add encodes a pitch as its record: key game_pk, value the event in the
// batch's format, timestamp ts. On error the batch is as it was.
func (b *Batch) Add(p *game.Pitch) error {
	start := len(b.buf)
	b.buf = strconv.AppendInt(b.buf, p.GamePK, 10)
	keyEnd := len(b.buf)
	if b.enc == nil {
		b.buf = p.AppendJSON(b.buf)
	} else if buf, err := b.enc.Append(b.buf, p); err != nil {
		b.buf = b.buf[:start]
		return err
	} else {
		b.buf = buf
	}
	b.records = append(b.records, encodedRecord{start: start, keyEnd: keyEnd, end: len(b.buf), ts: p.TS})
	if p.GameOver {
		b.gamesOver++
	}
	return nil
}

// Len is the number of pitches in the batch.
func (b *Batch) Len() int { return len(b.records) }

// GamesOver is the number of pitches in the batch that ended a game.
func (b *Batch) GamesOver() int { return b.gamesOver }

// Reset empties the batch, keeping its memory.
func (b *Batch) Reset() {
	b.buf, b.records, b.gamesOver = b.buf[:0], b.records[:0], 0
}

// PublishBatch hands the batch's records to the client in order, waiting
// while its queue is full, as Publish does for one pitch. On error, the
// records before the failing one have been handed over.
func (p *Publisher) PublishBatch(ctx context.Context, b *Batch) error {
	for _, r := range b.records {
		p.msg.Key, p.msg.Value, p.msg.Timestamp = b.buf[r.start:r.keyEnd], b.buf[r.keyEnd:r.end], r.ts
		if err := p.produce(ctx); err != nil {
			return err
		}
	}
	return nil
}
