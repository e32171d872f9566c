package kafkaio

import (
	"sort"
	"time"

	"github.com/pitchkafka/pitchkafka/kafkaio/internal/rdk"
)

// PartitionLag is one assigned partition's position and lag.
type PartitionLag struct {
	Partition     int32 `json:"partition"`
	Position      int64 `json:"position"`
	HighWatermark int64 `json:"high_watermark"`
	Lag           int64 `json:"lag"`
}

// GroupStats is a member's view of its partitions at one moment.
type GroupStats struct {
	Partitions []PartitionLag
	TotalLag   int64
}

// positions returns the member's position in each partition it owns, or
// nothing if it owns none or the client cannot say.
func (m *groupMember) positions() []rdk.TopicPartition {
	assigned, err := m.consumer.Assignment()
	if err != nil || len(assigned) == 0 {
		return nil
	}
	positions, err := m.consumer.Positions(assigned)
	if err != nil {
		return nil
	}
	return positions
}

// startsOfUnread returns, for the partitions the member has read nothing
// of yet, the group's committed offset, where it starts reading them; a
// partition with none starts as auto.offset.reset says. (librdkafka knows
// a partition's position only once it has handed out a record of it: a
// group started at the end of a quiet partition would otherwise show the
// whole partition as lag.)
func (m *groupMember) startsOfUnread(positions []rdk.TopicPartition) map[int32]int64 {
	var unread []rdk.TopicPartition
	for _, tp := range positions {
		if tp.Offset < 0 {
			unread = append(unread, rdk.TopicPartition{Topic: tp.Topic, Partition: tp.Partition, Offset: rdk.OffsetInvalid})
		}
	}
	starts := map[int32]int64{}
	if len(unread) == 0 {
		return starts
	}
	committed, err := m.consumer.Committed(unread, min(m.cfg.timeout(), 2*time.Second))
	if err != nil {
		return starts
	}
	for _, tp := range committed {
		if tp.Offset >= 0 {
			starts[tp.Partition] = tp.Offset
		}
	}
	return starts
}

// lag reads the member's positions and the high watermarks the client last
// saw for its partitions.
func (m *groupMember) lag() GroupStats {
	var st GroupStats
	positions := m.positions()
	starts := m.startsOfUnread(positions)
	for _, tp := range positions {
		low, high := m.consumer.Watermarks(m.opts.Topic, tp.Partition)
		if high < 0 {
			continue
		}
		pos := tp.Offset
		if pos < 0 { // nothing consumed yet: it reads from where it starts
			start, ok := starts[tp.Partition]
			switch {
			case ok:
				pos = start
			case m.opts.FromBeginning:
				pos = low
			default:
				pos = high // a new group starts at the end of the log
			}
		}
		pl := PartitionLag{Partition: tp.Partition, Position: pos, HighWatermark: high, Lag: max(0, high-pos)}
		st.Partitions = append(st.Partitions, pl)
		st.TotalLag += pl.Lag
	}
	sort.Slice(st.Partitions, func(i, j int) bool { return st.Partitions[i].Partition < st.Partitions[j].Partition })
	return st
}
