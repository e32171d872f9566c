package kafkaio

import (
	"fmt"
	"sort"

	"github.com/rs/zerolog"
)

// statsTopic is the part of a topic in librdkafka's statistics read here.
type statsTopic struct {
	Partitions map[string]struct {
		Partition int32 `json:"partition"`
		Leader    int32 `json:"leader"`
	} `json:"partitions"`
}

// leaderWatch logs, from a client's statistics, the partitions whose
// leader moved to another broker since the last report: librdkafka follows
// a moved leader without a word.
type leaderWatch struct {
	last map[string]int32 // "topic/partition" to leader node
}

// observe compares the leaders in one statistics report with the last.
func (w *leaderWatch) observe(log zerolog.Logger, topics map[string]statsTopic) {
	moved := map[string]string{}
	for name, t := range topics {
		for _, p := range t.Partitions {
			if p.Partition < 0 || p.Leader < 0 { // the unassigned partition, or no leader known
				continue
			}
			key := fmt.Sprintf("%s/%d", name, p.Partition)
			if was, ok := w.last[key]; ok && was != p.Leader {
				moved[key] = fmt.Sprintf("node %d to node %d", was, p.Leader)
			}
			if w.last == nil {
				w.last = map[string]int32{}
			}
			w.last[key] = p.Leader
		}
	}
	if len(moved) == 0 {
		return
	}
	keys := make([]string, 0, len(moved))
	for k := range moved {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	d := zerolog.Dict()
	for _, k := range keys {
		d = d.Str(k, moved[k])
	}
	log.Info().Dict("moved", d).Msg("partition leaders moved; the client follows them")
}
