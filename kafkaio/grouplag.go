package kafkaio

import (
	"sort"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
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
func (m *groupMember) positions() []kafka.TopicPartition {
	assigned, err := m.consumer.Assignment()
	if err != nil || len(assigned) == 0 {
		return nil
	}
	positions, err := m.consumer.Position(assigned)
	if err != nil {
		return nil
	}
	return positions
}

// lag reads the member's positions and the high watermarks the client last
// saw for its partitions.
func (m *groupMember) lag() GroupStats {
	var st GroupStats
	for _, tp := range m.positions() {
		low, high, err := m.consumer.GetWatermarkOffsets(m.opts.Topic, tp.Partition)
		if err != nil || high < 0 {
			continue
		}
		pos := int64(tp.Offset)
		if pos < 0 {
			pos = low // nothing consumed yet
		}
		pl := PartitionLag{Partition: tp.Partition, Position: pos, HighWatermark: high, Lag: max(0, high-pos)}
		st.Partitions = append(st.Partitions, pl)
		st.TotalLag += pl.Lag
	}
	sort.Slice(st.Partitions, func(i, j int) bool { return st.Partitions[i].Partition < st.Partitions[j].Partition })
	return st
}
