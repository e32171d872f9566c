package kfake

import (
	"fmt"
	"net"
	"slices"
)

// pitchkafka: stopping a node and starting it again, as a broker of a
// cluster shuts down and comes back. RemoveNode and AddNode change the
// cluster instead: RemoveNode only closes the listener (its connections
// keep being served) and both move every partition's leader at random.
//
// A stopped node stays one of the cluster's nodes and a replica of its
// partitions, out of their in-sync replicas; metadata lists it as an
// offline replica and no longer as a broker. Its listener and its clients'
// connections are closed, and everything it led moves to a live node: the
// partitions to their first live replica (as Kafka's controller elects
// them), the controller, and the group and transaction coordinators (to
// the next live node, as the leadership of __consumer_offsets and
// __transaction_state would move). Started again, it listens on its port
// and takes back the leadership of the partitions it was the preferred
// leader of, as Kafka's auto.leader.rebalance.enable (on by default) gives
// it back, if a few minutes later.
//
// A broker's stopped, ln and conns are written by the cluster's run loop
// under the broker's mu; the run loop reads them without it, and the
// listener's goroutine with it.

// NodeState is a node of the cluster: its ID, the address it listens on
// (or listened on, while stopped) and whether it is stopped.
type NodeState struct {
	ID      int32
	Addr    string
	Stopped bool
}

// NodeStates returns the cluster's nodes, in the order ListenAddrs lists
// them.
func (c *Cluster) NodeStates() []NodeState {
	var states []NodeState
	c.admin(func() {
		for _, b := range c.bs {
			states = append(states, NodeState{ID: b.node, Addr: b.ln.Addr().String(), Stopped: b.stopped})
		}
	})
	return states
}

// StopNode stops a node as a broker shuts down, keeping it one of the
// cluster's nodes: see the comment at the top of nodes.go. It returns an
// error if the node does not exist, is stopped already or is the last
// live one.
func (c *Cluster) StopNode(nodeID int32) error {
	var err error
	c.admin(func() { err = c.stopNode(nodeID) })
	return err
}

// StartNode starts a stopped node again on the port it listened on. It
// returns an error if the node does not exist, is not stopped, or cannot
// listen on its port.
func (c *Cluster) StartNode(nodeID int32) error {
	var err error
	c.admin(func() { err = c.startNode(nodeID) })
	return err
}

func (c *Cluster) stopNode(nodeID int32) error {
	b := c.nodeByID(nodeID)
	switch {
	case b == nil:
		return fmt.Errorf("node %d not found", nodeID)
	case b.stopped:
		return fmt.Errorf("node %d is stopped already", nodeID)
	case len(c.liveBrokers()) == 1:
		return fmt.Errorf("node %d is the last live node", nodeID)
	}
	b.stop()
	if c.controller == b {
		c.controller = c.liveBrokers()[0]
	}
	c.data.tps.each(func(t string, _ int32, pd *partData) {
		if pd.leader != b {
			return
		}
		if pd.preferred == nil {
			pd.preferred = b
		}
		pd.leader = c.noLeader() // offline, until one of its replicas starts
		for _, r := range c.replicas(t, pd) {
			if !r.stopped {
				pd.leader = r
				break
			}
		}
		pd.epoch++
	})
	return nil
}

func (c *Cluster) startNode(nodeID int32) error {
	b := c.nodeByID(nodeID)
	switch {
	case b == nil:
		return fmt.Errorf("node %d not found", nodeID)
	case !b.stopped:
		return fmt.Errorf("node %d is not stopped", nodeID)
	}
	_, port := b.hostport()
	ln, err := newListener(int(port), c.cfg.tls, c.cfg.listenFn)
	if err != nil {
		return fmt.Errorf("node %d: %w", nodeID, err)
	}
	b.mu.Lock()
	b.ln, b.stopped = ln, false
	b.mu.Unlock()
	go b.listen()
	c.data.tps.each(func(t string, _ int32, pd *partData) {
		switch {
		case pd.preferred == b:
			pd.leader, pd.preferred = b, nil
		case pd.leader.node < 0 && slices.Contains(c.replicas(t, pd), b):
			pd.leader = b
		default:
			return
		}
		pd.epoch++
	})
	return nil
}

// stop closes the node's listener and its clients' connections.
func (b *broker) stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.stopped = true
	b.ln.Close()
	for cc := range b.conns {
		cc.conn.Close()
	}
	b.conns = nil
}

// track records a connection ln accepted, for stop to close, and reports
// false if the node stopped (or listens elsewhere) since: the connection
// is then to be closed unserved.
func (b *broker) track(ln net.Listener, cc *clientConn) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped || b.ln != ln {
		return false
	}
	if b.conns == nil {
		b.conns = make(map[*clientConn]struct{})
	}
	b.conns[cc] = struct{}{}
	return true
}

func (b *broker) untrack(cc *clientConn) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.conns, cc)
}

func (c *Cluster) nodeByID(nodeID int32) *broker {
	for _, b := range c.bs {
		if b.node == nodeID {
			return b
		}
	}
	return nil
}

func (c *Cluster) liveBrokers() []*broker {
	var live []*broker
	for _, b := range c.bs {
		if !b.stopped {
			live = append(live, b)
		}
	}
	return live
}

// nextLive returns the first live node after c.bs[i], in c.bs order,
// wrapping around.
func (c *Cluster) nextLive(i int) *broker {
	for j := 1; j <= len(c.bs); j++ {
		if b := c.bs[(i+j)%len(c.bs)]; !b.stopped {
			return b
		}
	}
	return c.noLeader()
}

// replicas returns the nodes holding a copy of a partition, its preferred
// leader first. They follow its leader, as upstream has them, except while
// the preferred leader is stopped.
func (c *Cluster) replicas(t string, pd *partData) []*broker {
	first := pd.leader
	if pd.preferred != nil {
		first = pd.preferred
	}
	n := min(c.data.treplicas[t], len(c.bs))
	rs := make([]*broker, 0, n)
	for i := range n {
		rs = append(rs, c.bs[(first.bsIdx+i)%len(c.bs)])
	}
	return rs
}

// replicaIDs returns a partition's replicas, those in sync (the live
// ones) and the offline ones (the stopped), as metadata lists them.
func (c *Cluster) replicaIDs(t string, pd *partData) (replicas, isr, offline []int32) {
	for _, r := range c.replicas(t, pd) {
		replicas = append(replicas, r.node)
		if r.stopped {
			offline = append(offline, r.node)
		} else {
			isr = append(isr, r.node)
		}
	}
	return replicas, isr, offline
}
