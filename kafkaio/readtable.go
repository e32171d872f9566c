package kafkaio

import (
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/kafkaio/internal/rdk"
)

// tableBatch is what a poller keeps to read a batch for a last-pitch
// table (ReadOptions.LastPitchesOnly): the picker and, for each record of
// the batch, its message and the index of its decoded Record in the
// poller's recs, if it was picked.
type tableBatch struct {
	picker  game.TablePicker
	message []int
	rec     []int32
}

// decodeForTable turns the batch into steps as decode does, but decodes in
// full only the records a last-pitch table can need (game.TablePicker);
// the others are counted as read and handed on to nobody. It returns
// false, having handed on nothing, when the batch must be decoded in full:
// a record whose order cannot be read on its own (another format or field
// order), a message that is an error, or a picked record that is bad, so
// that bad records are counted and logged as always.
func (p *poller) decodeForTable(r *Reader) bool {
	p.recs = p.recs[:0]
	if !p.pickForTable() {
		return false
	}
	t := &p.table
	p.steps = p.steps[:0]
	next := 0 // the next record of the batch
	for i := range p.msgs {
		m := &p.msgs[i]
		if m.Err == rdk.PartitionEOF {
			p.steps = append(p.steps, readStep{rec: noRecord, partition: m.Partition, position: m.Offset})
			continue
		}
		rec := t.rec[next]
		next++
		r.tally.countAt(m.Partition, m.Offset, len(m.Value), nil)
		if rec == noRecord {
			r.tally.unchecked.Add(1)
		}
		p.steps = append(p.steps, readStep{rec: rec, partition: m.Partition, position: m.Offset + 1})
	}
	return true
}

// pickForTable reads the order of every record of the batch and decodes
// the ones the table can need into p.recs.
func (p *poller) pickForTable() bool {
	t := &p.table
	t.picker.Reset()
	t.message, t.rec = t.message[:0], t.rec[:0]
	for i := range p.msgs {
		m := &p.msgs[i]
		switch m.Err {
		case rdk.PartitionEOF:
			continue
		case rdk.NoError:
		default:
			return false
		}
		o, ok := game.PeekOrder(m.Value) // false for a framed value, or none
		if !ok {
			return false
		}
		t.picker.Add(o)
		t.message = append(t.message, i)
		t.rec = append(t.rec, noRecord)
	}
	ok := t.picker.Pick(func(i int) (float64, bool) {
		m := &p.msgs[t.message[i]]
		pitch, err := game.Decode(m.Value)
		if err != nil {
			return 0, false
		}
		t.rec[i] = p.handOn(Record{Partition: m.Partition, Offset: m.Offset, Timestamp: m.Timestamp, Pitch: pitch,
			headers: kafkaHeaders(p.consumer.CopyHeaders(m)), value: m.Value}, true)
		return pitch.ReleaseSpeed, true
	})
	if !ok {
		clear(p.recs)
		p.recs = p.recs[:0]
	}
	return ok
}
