package embedded

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Node is one node (broker) of the embedded cluster.
type Node struct {
	// ID is the node's broker ID, as clients see it in metadata.
	ID int32
	// Addr is the host:port it listens on, or listened on while it is down.
	Addr string
	// Up is false while the node is stopped (see StopNode).
	Up bool
}

// errClosed is returned by the node operations of a closed broker.
var errClosed = errors.New("the broker is closed: start a new one")

// Nodes returns the cluster's nodes by ID, or none once the broker is
// closed.
func (b *Broker) Nodes() []Node {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	return b.nodes()
}

func (b *Broker) nodes() []Node {
	var nodes []Node
	for _, s := range b.cluster.NodeStates() {
		nodes = append(nodes, Node{ID: s.ID, Addr: s.Addr, Up: !s.Stopped})
	}
	slices.SortFunc(nodes, func(x, y Node) int { return int(x.ID - y.ID) })
	return nodes
}

// StopNode stops a node as a Kafka broker shuts down: it stops listening
// and closes its clients' connections; the partitions it led get new
// leaders among their live replicas (the others keep theirs), and it stays
// a replica of its partitions, out of their in-sync replicas. The groups
// and transactions it coordinated move to a live node, so clients carry
// on against the others. It returns an error, saying what to do, for a
// node that does not exist, is down already or is the last one up.
func (b *Broker) StopNode(id int32) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.node(id)
	switch {
	case err != nil:
		return err
	case !n.Up:
		return fmt.Errorf("node %d is stopped already: start it to stop it again", id)
	}
	up := 0
	for _, n := range b.nodes() {
		if n.Up {
			up++
		}
	}
	if up == 1 {
		return fmt.Errorf("node %d is the last one up: start another first", id)
	}
	return b.cluster.StopNode(id)
}

// StartNode starts a stopped node again on its address. It rejoins the
// in-sync replicas of its partitions and takes back the leadership of
// those it is the preferred leader of, as Kafka's automatic leader
// rebalance gives it back. It returns an error, saying what to do, for a
// node that does not exist or is up, or when its address is taken.
func (b *Broker) StartNode(id int32) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.node(id)
	switch {
	case err != nil:
		return err
	case n.Up:
		return fmt.Errorf("node %d is up already: stop it to start it again", id)
	}
	if err := b.cluster.StartNode(id); err != nil {
		return fmt.Errorf("%w: free %s, then start node %d again", err, n.Addr, id)
	}
	return nil
}

// node returns the node of an ID, or an error naming the nodes there are.
func (b *Broker) node(id int32) (Node, error) {
	if b.closed {
		return Node{}, errClosed
	}
	nodes := b.nodes()
	for _, n := range nodes {
		if n.ID == id {
			return n, nil
		}
	}
	ids := make([]string, len(nodes))
	for i, n := range nodes {
		ids[i] = strconv.Itoa(int(n.ID))
	}
	if len(ids) == 1 {
		return Node{}, fmt.Errorf("node %d: no such node; the only node is %s", id, ids[0])
	}
	last := len(ids) - 1
	return Node{}, fmt.Errorf("node %d: no such node; nodes are %s and %s", id, strings.Join(ids[:last], ", "), ids[last])
}

// CoordinatorOf is the node that coordinates a consumer group or a
// transactional ID.
func (b *Broker) CoordinatorOf(key string) int32 { return b.cluster.CoordinatorFor(key) }
