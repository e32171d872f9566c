package rdk

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/internal/testkit"
)

// commits records what a group consumer's commits reported.
type commits struct {
	mu   sync.Mutex
	last map[int32]int64
}

func (c *commits) events() Events {
	return Events{Committed: func(err *Error, offsets []TopicPartition) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.last == nil {
			c.last = map[int32]int64{}
		}
		for _, tp := range offsets {
			if err == nil && tp.Err == NoError {
				c.last[tp.Partition] = tp.Offset
			}
		}
	}}
}

func (c *commits) at(partition int32) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if off, ok := c.last[partition]; ok {
		return off
	}
	return -1
}

func mustGroupConsumer(tb testing.TB, brokers, group string, ev Events) *Consumer {
	tb.Helper()
	c, err := NewGroupConsumer(Config{"bootstrap.servers": brokers, "group.id": group,
		"partition.assignment.strategy": "cooperative-sticky", "auto.offset.reset": "earliest",
		"enable.auto.commit": "false", "enable.auto.offset.store": "false"}, ev)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// consumed is what a group consumer read: each record's key and value,
// copied out of its batch, and the rebalances it took, in order.
type consumed struct {
	keys, values [][]byte
	last         map[int32]int64 // partition -> last offset read
	rebalances   []*Rebalance
}

// consumeUntil reads, taking and applying every rebalance after its batch,
// until done says so or 30 s pass.
func consumeUntil(tb testing.TB, c *Consumer, done func(*consumed) bool) *consumed {
	tb.Helper()
	out := &consumed{last: map[int32]int64{}}
	var msgs []Message
	for deadline := time.Now().Add(30 * time.Second); !done(out); {
		if time.Now().After(deadline) {
			tb.Fatalf("not done in 30 s: %d records, %d rebalances", len(out.values), len(out.rebalances))
		}
		msgs = c.Consume(100*time.Millisecond, msgs)
		for i := range msgs {
			m := &msgs[i]
			if m.Err != NoError {
				tb.Fatalf("message error %v: %s", m.Err, m.Value)
			}
			out.keys, out.values = append(out.keys, bytes.Clone(m.Key)), append(out.values, bytes.Clone(m.Value))
			out.last[m.Partition] = m.Offset
		}
		for rb, ok := c.TakeRebalance(); ok; rb, ok = c.TakeRebalance() {
			out.rebalances = append(out.rebalances, rb)
			if err := c.Apply(rb); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return out
}

// TestAGroupConsumerActsOnItsRebalancesAfterTheBatch drives a group
// consumer's C calls: the assignment is kept for Go and applied by it, the
// records come in batches with their keys, offsets are stored and
// committed (the commit reported), positions, committed offsets and
// watermarks read back, and leaving revokes every partition.
func TestAGroupConsumerActsOnItsRebalancesAfterTheBatch(t *testing.T) {
	cluster := testkit.StartCluster(t, testkit.ClusterOptions{})
	topic, group := cluster.Name("grouped"), cluster.Name("rdk-group")
	testkit.CreateTopic(t, cluster.Bootstrap, topic, 2, nil)
	const n = 200
	var b Batch
	for i := range n {
		b.Add(fmt.Appendf(nil, "k%d", i%7), fmt.Appendf(nil, "v%d", i), nil, time.Time{})
	}
	p := mustProducer(t, cluster.Bootstrap, topic, nil, Events{})
	mustProduce(t, p, &b)
	p.Close()

	var cm commits
	c := mustGroupConsumer(t, cluster.Bootstrap, group, cm.events())
	defer c.Close()
	if err := c.Subscribe(topic); err != nil {
		t.Fatal(err)
	}
	got := consumeUntil(t, c, func(c *consumed) bool { return len(c.values) == n })
	if len(got.rebalances) == 0 || !got.rebalances[0].Assign || got.rebalances[0].Lost || len(got.rebalances[0].Partitions) != 2 {
		t.Fatalf("rebalances %+v, want first the assignment of both partitions", got.rebalances)
	}
	for i, k := range got.keys {
		if !bytes.HasPrefix(k, []byte("k")) || !bytes.HasPrefix(got.values[i], []byte("v")) {
			t.Fatalf("record %d: key %q value %q", i, k, got.values[i])
		}
	}
	assigned, err := c.Assignment()
	if err != nil || len(assigned) != 2 {
		t.Fatalf("assignment %v, %v", assigned, err)
	}
	var store []TopicPartition
	for part, off := range got.last {
		store = append(store, TopicPartition{Topic: topic, Partition: part, Offset: off + 1})
	}
	if stored, err := c.StoreOffsets(store); err != nil || stored[0].Err != NoError {
		t.Fatalf("store %v: %v", stored, err)
	}
	if err := c.Commit(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	committed, err := c.Committed(assigned, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	positions, err := c.Positions(assigned)
	if err != nil {
		t.Fatal(err)
	}
	for i, tp := range committed {
		want := got.last[tp.Partition] + 1
		if tp.Offset != want || positions[i].Offset != want {
			t.Errorf("partition %d: committed %d, position %d, want %d", tp.Partition, tp.Offset, positions[i].Offset, want)
		}
		if _, high := c.Watermarks(topic, tp.Partition); high != want {
			t.Errorf("partition %d: high watermark %d, want %d", tp.Partition, high, want)
		}
	}
	consumeUntil(t, c, func(*consumed) bool { return cm.at(0) >= 0 && cm.at(1) >= 0 }) // the report is served by Consume
	if _, err := c.Pause(assigned); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Resume(assigned); err != nil {
		t.Fatal(err)
	}

	if err := c.Unsubscribe(); err != nil {
		t.Fatal(err)
	}
	left := consumeUntil(t, c, func(c *consumed) bool { return len(c.rebalances) > 0 })
	if rb := left.rebalances[0]; rb.Assign || len(rb.Partitions) != 2 {
		t.Fatalf("leaving: %+v, want both partitions revoked", rb)
	}
	if assigned, err := c.Assignment(); err != nil || len(assigned) != 0 {
		t.Fatalf("assignment after leaving %v, %v", assigned, err)
	}
}

// TestClosingActsOnARebalanceNobodyTook closes a group consumer whose
// assignment was kept but never taken: Close applies it and leaves the
// group rather than wait for Go.
func TestClosingActsOnARebalanceNobodyTook(t *testing.T) {
	cluster := testkit.StartCluster(t, testkit.ClusterOptions{})
	topic := cluster.Name("untaken")
	testkit.CreateTopic(t, cluster.Bootstrap, topic, 1, nil)
	c := mustGroupConsumer(t, cluster.Bootstrap, cluster.Name("rdk-untaken"), Events{})
	if err := c.Subscribe(topic); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); c.c.nrb == 0; {
		if time.Now().After(deadline) {
			t.Fatal("no rebalance in 30 s")
		}
		c.Consume(100*time.Millisecond, nil)
	}
	rb, _ := c.TakeRebalance() // taken, and never applied
	if !rb.Assign {
		t.Fatalf("first rebalance %+v, want an assignment", rb)
	}
	start := time.Now()
	c.Close()
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("Close took %v", took)
	}
}
