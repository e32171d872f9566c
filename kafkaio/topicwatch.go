package kafkaio

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// TopicState is what a TopicWatch saw of a topic at one moment: its
// partitions' watermarks and replicas, the cluster's brokers and the
// consumer groups reading the topic.
type TopicState struct {
	Topic string
	At    time.Time
	// High is each partition's high watermark, the offset the next record
	// will take, by partition.
	High map[int32]int64
	// Low is each partition's low watermark, the earliest offset still on
	// the log: 0 until retention (or a DeleteRecords) removes records. A
	// partition with no live leader, which no one can ask, keeps the
	// watermarks last seen (0 if none were).
	Low map[int32]int64
	// Partitions are the topic's partitions as the cluster's metadata
	// describes them, ordered by id.
	Partitions []PartitionState
	// Brokers are the brokers the metadata lists, the live ones, ordered
	// by id.
	Brokers []BrokerState
	// Groups are the groups with a member assigned one of the topic's
	// partitions, or offsets committed on it, ordered by id.
	Groups []GroupState
}

// PartitionState is where one partition's replicas are.
type PartitionState struct {
	ID int32
	// Leader is the broker that leads the partition, -1 when none does.
	Leader   int32
	Replicas []int32
	// ISR are the replicas in sync with the leader.
	ISR []int32
	// Offline are the replicas on brokers the metadata does not list:
	// brokers that are down. (The metadata librdkafka gives has no offline
	// replicas of its own.)
	Offline []int32
}

// BrokerState is one broker of the cluster.
type BrokerState struct {
	ID   int32
	Addr string // host:port, as the broker advertises it
}

// GroupState is one consumer group as the Admin API describes it.
type GroupState struct {
	ID string
	// Protocol is GroupProtocolClassic or GroupProtocolConsumer (KIP-848).
	Protocol string
	// State is the group's state as the broker names it (Stable,
	// PreparingRebalance, Empty…).
	State string
	// Assignor is the partition assignor in use, when the broker says.
	Assignor string
	Members  []GroupMember
	// Committed is the group's committed offset on each partition of the
	// topic that has one.
	Committed map[int32]int64
}

// GroupMember is one member of a group and the topic's partitions it owns.
type GroupMember struct {
	ID         string // the member id the coordinator gave it
	ClientID   string
	InstanceID string // group.instance.id, for a static member
	Host       string
	Partitions []int32
}

// TopicWatch reads the state of one topic and of the groups that consume
// it through the Admin API, on any cluster. It asks no more than once per
// MinWatchInterval however often Snapshot is called: in between it returns
// the last state.
type TopicWatch struct {
	cfg      Config
	topic    string
	producer *kafka.Producer
	admin    *kafka.AdminClient
	logsDone chan struct{}

	mu   sync.Mutex
	last TopicState
	// high and low are the watermarks last seen, for the partitions that
	// have no live leader to ask.
	high, low map[int32]int64
	// idleChecked is when the offsets of a group owning none of the
	// topic's partitions were last asked for: such groups are asked about
	// every idleGroupInterval only, so that a cluster of many groups is not
	// asked about each of them every second.
	idleChecked map[string]time.Time
	idleOffsets map[string]map[int32]int64
}

// MinWatchInterval is the least time between two rounds of Admin requests
// of a TopicWatch.
const MinWatchInterval = time.Second

// idleGroupInterval is how often a TopicWatch asks for the committed
// offsets of a group that owns none of the topic's partitions, and so
// cannot be moving them.
const idleGroupInterval = 10 * time.Second

// NewTopicWatch connects to the cluster; it fails within cfg.Timeout when
// no broker answers, and at once when ctx ends first.
func NewTopicWatch(ctx context.Context, cfg Config, topic string) (*TopicWatch, error) {
	p, err := kafka.NewProducer(forProducer(cfg.configMap(kafka.ConfigMap{"statistics.interval.ms": 0})))
	if err != nil {
		return nil, fmt.Errorf("create client: %w", err)
	}
	w := &TopicWatch{cfg: cfg, topic: topic, producer: p, logsDone: make(chan struct{}),
		idleChecked: map[string]time.Time{}, idleOffsets: map[string]map[int32]int64{}}
	go drainLogs(p.Logs(), cfg.Log, w.logsDone)
	go drainEvents(p.Events())
	if w.admin, err = kafka.NewAdminClientFromProducer(p); err != nil {
		w.Close()
		return nil, fmt.Errorf("create admin client: %w", err)
	}
	if _, err := waitForBroker(ctx, w.admin, cfg, topic, func() error { return nil }); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// drainEvents discards a client's events: a TopicWatch produces nothing,
// and its errors come back from the Admin calls.
func drainEvents(events chan kafka.Event) {
	for range events {
	}
}

// Close closes the client.
func (w *TopicWatch) Close() {
	if w.admin != nil {
		w.admin.Close()
	}
	w.producer.Close()
	<-w.logsDone
}

// Snapshot returns the topic's state, asked for afresh if the last was
// asked for MinWatchInterval ago or more. A topic that does not exist
// (yet) has no partitions; errors are those of the Admin API. When only
// the groups could not be asked about (a user not allowed to list or
// describe them), the state comes back with its high watermarks, no
// groups, and the error.
func (w *TopicWatch) Snapshot(ctx context.Context) (TopicState, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if time.Since(w.last.At) < MinWatchInterval {
		return w.last, nil
	}
	ctx, cancel := context.WithTimeout(ctx, w.cfg.timeout())
	defer cancel()
	st := TopicState{Topic: w.topic, At: time.Now()}
	md, err := w.metadata()
	if err != nil {
		return st, err
	}
	st.Partitions, st.Brokers = replicas(md, w.topic)
	if st.High, st.Low, err = w.watermarks(ctx, led(st.Partitions, st.Brokers)); err != nil {
		return st, err
	}
	for _, p := range st.Partitions {
		if _, ok := st.High[p.ID]; !ok {
			st.High[p.ID], st.Low[p.ID] = w.high[p.ID], w.low[p.ID]
		}
	}
	w.high, w.low = st.High, st.Low
	if st.Groups, err = w.groups(ctx, st.High); err != nil {
		st.Groups = nil
		return st, err
	}
	w.last = st
	return st, nil
}

// TopicExists reports whether the watched topic exists and has
// partitions, asking through the watch's own connections.
func (w *TopicWatch) TopicExists() (bool, error) {
	md, err := w.metadata()
	if err != nil {
		return false, err
	}
	ps, _ := replicas(md, w.topic)
	return len(ps) > 0, nil
}

// metadata asks a broker for the cluster's brokers and the topic's
// partitions, in one Metadata request.
func (w *TopicWatch) metadata() (*kafka.Metadata, error) {
	md, err := w.admin.GetMetadata(&w.topic, false, int(w.cfg.timeout().Milliseconds()))
	if err != nil {
		return nil, fmt.Errorf("read metadata of %s: %w", w.topic, err)
	}
	return md, nil
}

// replicas returns the topic's partitions, none if it does not exist, and
// the brokers, both ordered by id.
func replicas(md *kafka.Metadata, topic string) ([]PartitionState, []BrokerState) {
	brokers := make([]BrokerState, 0, len(md.Brokers))
	live := map[int32]bool{}
	for _, b := range md.Brokers {
		brokers = append(brokers, BrokerState{ID: b.ID, Addr: net.JoinHostPort(b.Host, strconv.Itoa(b.Port))})
		live[b.ID] = true
	}
	slices.SortFunc(brokers, func(a, b BrokerState) int { return cmp.Compare(a.ID, b.ID) })
	tm, ok := md.Topics[topic]
	if !ok || tm.Error.Code() != kafka.ErrNoError {
		return nil, brokers
	}
	ps := make([]PartitionState, 0, len(tm.Partitions))
	for _, p := range tm.Partitions {
		ps = append(ps, PartitionState{ID: p.ID, Leader: p.Leader, Replicas: slices.Clone(p.Replicas), ISR: slices.Clone(p.Isrs),
			Offline: slices.DeleteFunc(slices.Clone(p.Replicas), func(id int32) bool { return live[id] })})
	}
	slices.SortFunc(ps, func(a, b PartitionState) int { return cmp.Compare(a.ID, b.ID) })
	return ps, brokers
}

// led returns the partitions whose leader is a live broker: those whose
// watermarks can be asked for, where asking the others would wait for a
// leader until the timeout.
func led(ps []PartitionState, brokers []BrokerState) []PartitionState {
	return slices.DeleteFunc(slices.Clone(ps), func(p PartitionState) bool {
		return !slices.ContainsFunc(brokers, func(b BrokerState) bool { return b.ID == p.Leader })
	})
}

// watermarks asks every partition's leader for its latest and earliest
// offsets: two ListOffsets calls, as librdkafka takes one spec per
// partition in a call.
func (w *TopicWatch) watermarks(ctx context.Context, ps []PartitionState) (high, low map[int32]int64, err error) {
	if high, err = w.offsets(ctx, ps, kafka.LatestOffsetSpec); err != nil {
		return nil, nil, err
	}
	if low, err = w.offsets(ctx, ps, kafka.EarliestOffsetSpec); err != nil {
		return nil, nil, err
	}
	return high, low, nil
}

// offsets lists the partitions' offsets of one spec, in one ListOffsets
// call.
func (w *TopicWatch) offsets(ctx context.Context, ps []PartitionState, spec kafka.OffsetSpec) (map[int32]int64, error) {
	out := make(map[int32]int64, len(ps))
	if len(ps) == 0 {
		return out, nil
	}
	req := make(map[kafka.TopicPartition]kafka.OffsetSpec, len(ps))
	for _, p := range ps {
		req[kafka.TopicPartition{Topic: &w.topic, Partition: p.ID}] = spec
	}
	res, err := w.admin.ListOffsets(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("list offsets of %s: %w", w.topic, err)
	}
	for tp, info := range res.ResultInfos {
		if info.Error.Code() != kafka.ErrNoError {
			return nil, fmt.Errorf("list offsets of %s/%d: %w", w.topic, tp.Partition, info.Error)
		}
		out[tp.Partition] = int64(info.Offset)
	}
	return out, nil
}

// groups lists the cluster's consumer groups, describes them all, and keeps
// those that read the topic, with their committed offsets.
func (w *TopicWatch) groups(ctx context.Context, high map[int32]int64) ([]GroupState, error) {
	listed, err := w.admin.ListConsumerGroups(ctx)
	if err != nil {
		return nil, fmt.Errorf("list consumer groups: %w", err)
	}
	if err := errors.Join(listed.Errors...); err != nil {
		w.cfg.Log.Debug().Err(err).Msg("some brokers did not list their groups")
	}
	ids := make([]string, 0, len(listed.Valid))
	for _, g := range listed.Valid {
		if !g.IsSimpleConsumerGroup || g.Type == kafka.ConsumerGroupTypeConsumer {
			ids = append(ids, g.GroupID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	described, err := w.admin.DescribeConsumerGroups(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("describe consumer groups: %w", err)
	}
	var out []GroupState
	for _, d := range described.ConsumerGroupDescriptions {
		if d.Error.Code() != kafka.ErrNoError {
			w.cfg.Log.Debug().Str("group", d.GroupID).Err(d.Error).Msg("group not described")
			continue
		}
		g, ok, err := w.group(ctx, d, high)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b GroupState) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// group turns a description into a GroupState, and reports whether the
// group reads the topic: a member owns one of its partitions, or the group
// has offsets committed on it.
func (w *TopicWatch) group(ctx context.Context, d kafka.ConsumerGroupDescription, high map[int32]int64) (GroupState, bool, error) {
	g := GroupState{ID: d.GroupID, Protocol: GroupProtocolClassic, State: d.State.String(), Assignor: d.PartitionAssignor}
	if d.Type == kafka.ConsumerGroupTypeConsumer {
		g.Protocol = GroupProtocolConsumer
	}
	owns := false
	for _, m := range d.Members {
		gm := GroupMember{ID: m.ConsumerID, ClientID: m.ClientID, InstanceID: m.GroupInstanceID, Host: m.Host}
		for _, tp := range m.Assignment.TopicPartitions {
			if tp.Topic != nil && *tp.Topic == w.topic {
				gm.Partitions = append(gm.Partitions, tp.Partition)
			}
		}
		slices.Sort(gm.Partitions)
		owns = owns || len(gm.Partitions) > 0
		g.Members = append(g.Members, gm)
	}
	slices.SortFunc(g.Members, func(a, b GroupMember) int { return strings.Compare(a.ID, b.ID) })
	var err error
	g.Committed, err = w.committed(ctx, d.GroupID, !owns, high)
	if err != nil {
		return g, false, err
	}
	return g, owns || len(g.Committed) > 0, nil
}

// committed returns the group's committed offsets on the topic. An idle
// group, owning none of its partitions, is asked every idleGroupInterval
// only.
func (w *TopicWatch) committed(ctx context.Context, group string, idle bool, high map[int32]int64) (map[int32]int64, error) {
	if !idle {
		delete(w.idleChecked, group)
		delete(w.idleOffsets, group)
	} else if time.Since(w.idleChecked[group]) < idleGroupInterval {
		return w.idleOffsets[group], nil
	}
	tps := make([]kafka.TopicPartition, 0, len(high))
	for p := range high {
		tps = append(tps, kafka.TopicPartition{Topic: &w.topic, Partition: p})
	}
	if len(tps) == 0 {
		return nil, nil
	}
	res, err := w.admin.ListConsumerGroupOffsets(ctx, []kafka.ConsumerGroupTopicPartitions{{Group: group, Partitions: tps}})
	if err != nil {
		return nil, fmt.Errorf("list offsets of group %s: %w", group, err)
	}
	offsets := map[int32]int64{}
	for _, g := range res.ConsumerGroupsTopicPartitions {
		for _, tp := range g.Partitions {
			if tp.Error == nil && tp.Offset >= 0 {
				offsets[tp.Partition] = int64(tp.Offset)
			}
		}
	}
	if idle {
		w.idleChecked[group], w.idleOffsets[group] = time.Now(), offsets
	}
	return offsets, nil
}
