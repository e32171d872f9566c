package kafkaio

import (
	"errors"
	"sync/atomic"

	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/rs/zerolog"
)

// tally counts what a consumer reads: good pitches, skipped records and
// bytes, and logs each skipped record. Both readers keep one.
type tally struct {
	log                                zerolog.Logger
	records, skipped, notCopied, bytes atomic.Int64
	unchecked                          atomic.Int64 // records not decoded in full (ReadOptions.LastPitchesOnly)
	noRegistry                         atomic.Int64 // framed records met without a registry
}

func newTally(log zerolog.Logger) *tally { return &tally{log: log} }

// countAt counts the record of size bytes at partition and offset, which
// decoded to a pitch or failed with err, and reports whether it is good; a
// bad one is logged with where it lies.
func (t *tally) countAt(partition int32, offset int64, size int, err error) bool {
	t.bytes.Add(int64(size))
	if err == nil {
		t.records.Add(1)
		return true
	}
	skipped := t.skipped.Add(1)
	if errors.Is(err, formats.ErrNoRegistry) {
		t.countNoRegistry(partition, offset, skipped)
		return false
	}
	t.log.Warn().Int32("partition", partition).Int64("offset", offset).
		Int("bytes", size).Int64("skipped", skipped).Str("error", errorText(err)).
		Msg("skipped a record that is not a pitch event")
	return false
}

// countNoRegistry says once, at error level, that records need a Schema
// Registry to be read; the records after it are skipped quietly (debug).
func (t *tally) countNoRegistry(partition int32, offset int64, skipped int64) {
	ev := t.log.Debug()
	if t.noRegistry.Add(1) == 1 {
		ev = t.log.Error()
	}
	ev.Int32("partition", partition).Int64("offset", offset).Int64("skipped", skipped).
		Msg("skipping records in the Schema Registry wire format (Avro, Protobuf or JSON Schema): pass --schema-registry URL, or set PITCHKAFKA_SCHEMA_REGISTRY, to read them")
}

// uncopied counts and logs a skipped record whose dead-letter copy could
// not be written: it is skipped all the same, so that it never stops the
// group.
func (t *tally) uncopied(m *polledRecord, err error) {
	n := t.notCopied.Add(1)
	t.log.Warn().Int32("partition", m.partition).Int64("offset", m.offset).
		Int("bytes", len(m.value)).Int64("not_copied", n).Str("error", errorText(err)).
		Msg("could not write the dead-letter copy of a skipped record; skipped it without one")
}

// stats returns the counts so far. It is safe to call at any time.
func (t *tally) stats() ConsumerStats {
	return ConsumerStats{Records: t.records.Load(), Skipped: t.skipped.Load(), NotCopied: t.notCopied.Load(),
		Unchecked: t.unchecked.Load(), Bytes: t.bytes.Load()}
}
