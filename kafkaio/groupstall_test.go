package kafkaio

import (
	"context"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/embedded"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
)

// TestAStuckHandler runs a member whose handler blocks, as a write to a
// pipe nobody reads does, after 300 records; then a second member joins:
// it must get partitions within a few seconds rather than wait for the
// stuck one, which gives up the revoked partitions' records it had not
// handled and, once free, handles none of them. Together the two handle
// every record, each offset at least once, the repeats counted exactly.
//
// The stuck member must block before it has handled the whole of any
// partition: the smallest holds 400 of the 3000 records, and when the stuck
// member had handled and committed all of it before blocking, the joiner,
// given that partition, rightly had nothing to handle, and the test failed
// waiting for it: on a loaded machine, in a third of the runs or more,
// the smallest partition's records were the first handed over.
func TestAStuckHandler(t *testing.T) {
	b := testkit.StartBroker(t)
	const n, stuckAt = 3000, 300
	mustPublish(t, testConfig(b, zerolog.Nop()), "pitches", n)
	if least := smallestPartition(t, b.Bootstrap(), "pitches"); least <= stuckAt {
		t.Fatalf("the smallest partition holds %d records: a member stuck at its %dth record may have handled all of it, leaving the joiner nothing to handle", least, stuckAt)
	}
	var a, c offsetCounts
	stuckLog := &testkit.Buffer{}
	release := make(chan struct{})
	var releasedAt atomic.Pointer[time.Time]
	var afterRelease sync.Map // partition -> records the stuck member handled once free
	handledA := 0
	stuck := startMember(t, b, "stuck", zerolog.New(stuckLog), func(r Record) error {
		if releasedAt.Load() != nil {
			v, _ := afterRelease.LoadOrStore(r.Partition, new(atomic.Int64))
			v.(*atomic.Int64).Add(1)
		}
		a.add(r)
		if handledA++; handledA == stuckAt {
			<-release // blocked, like a write to a full pipe
		}
		return nil
	})
	releaseStuck := sync.OnceFunc(func() { close(release) })
	t.Cleanup(func() { // before the member is stopped: a failed test must not leave it stuck
		if t.Failed() {
			t.Logf("the stuck member's log:\n%s", tail(stuckLog.String(), 3000))
		}
		releaseStuck()
	})
	testkit.WaitFor(t, 30*time.Second, "the handler to be stuck and the member to stall", func() bool {
		return strings.Contains(stuckLog.String(), "fetching is paused")
	})

	joined := time.Now()
	var firstAt atomic.Pointer[time.Time]
	otherLog := &testkit.Buffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the joining member's log:\n%s", tail(otherLog.String(), 3000))
		}
	})
	other := startMember(t, b, "stuck", zerolog.New(otherLog), func(r Record) error {
		now := time.Now()
		firstAt.CompareAndSwap(nil, &now)
		c.add(r)
		return nil
	})
	testkit.WaitFor(t, 20*time.Second, "the joining member to handle records while the other is stuck", func() bool { return firstAt.Load() != nil })
	took := firstAt.Load().Sub(joined)
	t.Logf("the joining member handled its first record %v after it joined", took.Round(time.Millisecond))
	if took > 15*time.Second { // it used to wait until the handler was released
		t.Errorf("the joining member waited %v for the stuck one", took)
	}
	givenUp := firstLineWith(stuckLog.String(), "partitions given up")
	if givenUp == "" {
		t.Fatalf("the stuck member did not say it gave partitions up; its log:\n%s", tail(stuckLog.String(), 3000))
	}
	now := time.Now()
	releasedAt.Store(&now)
	releaseStuck()

	all := func() int {
		seen := map[[2]int64]bool{}
		for _, cnt := range []*offsetCounts{&a, &c} {
			cnt.mu.Lock()
			for k := range cnt.n {
				seen[k] = true
			}
			cnt.mu.Unlock()
		}
		return len(seen)
	}
	testkit.WaitFor(t, 60*time.Second, "every record handled by one or the other", func() bool { return all() == n })
	theirs := map[int32]bool{} // before the stuck member leaves them its partitions
	c.mu.Lock()
	for k := range c.n {
		theirs[int32(k[0])] = true
	}
	c.mu.Unlock()
	stuck.stop(t)
	other.stop(t)
	afterRelease.Range(func(p, v any) bool {
		if theirs[p.(int32)] {
			t.Errorf("once free, the stuck member handled %d records of partition %d, which it had given up", v.(*atomic.Int64).Load(), p)
		}
		return true
	})
	repeated := 0
	for k := range c.n {
		if a.n[k] > 0 {
			repeated++
		}
	}
	t.Logf("%s\nthe joining member took partitions %v; %d offsets handled by both (given up unwritten by the stuck one)",
		givenUp, theirs, repeated)
	if repeated > stuckAt {
		t.Errorf("%d offsets handled twice, more than the %d the stuck member had handled", repeated, stuckAt)
	}
	assertCommittedToTheEnd(t, b.Bootstrap(), "pitches", "stuck")
}

// smallestPartition returns how many records the smallest partition of
// topic holds.
func smallestPartition(tb testing.TB, brokers, topic string) int64 {
	tb.Helper()
	c := groupInspector(tb, brokers, "partition-sizes")
	md, err := c.GetMetadata(&topic, false, 10000)
	if err != nil {
		tb.Fatal(err)
	}
	least := int64(math.MaxInt64)
	for _, p := range md.Topics[topic].Partitions {
		low, high, err := c.QueryWatermarkOffsets(topic, p.ID, 10000)
		if err != nil {
			tb.Fatal(err)
		}
		least = min(least, high-low)
	}
	return least
}

// runningMember is a GroupReader running in the test.
type runningMember struct {
	g    *GroupReader
	stop func(testing.TB)
}

// startMember starts a member of group from the beginning of "pitches"
// with handle, and returns it with a function that stops and closes it.
func startMember(tb testing.TB, b *embedded.Broker, group string, log zerolog.Logger, handle func(Record) error) runningMember {
	tb.Helper()
	cfg := testConfig(b, log)
	cfg.Properties = map[string]string{"auto.commit.interval.ms": "200"}
	g, err := NewGroupReader(context.Background(), cfg, GroupOptions{Topic: "pitches", Group: group, FromBeginning: true})
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- g.Run(ctx, handle) }()
	stopped := false
	stop := func(tb testing.TB) {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			tb.Errorf("run: %v", err)
		}
		if err := g.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	}
	tb.Cleanup(func() { stop(tb) })
	return runningMember{g: g, stop: stop}
}
