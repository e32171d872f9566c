package commands

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/pitchkafka/pitchkafka/embedded"
	"github.com/pitchkafka/pitchkafka/web"
)

// nodeControl stops and starts the nodes of the demo's embedded cluster.
type nodeControl interface {
	nodes() []web.Node
	stopNode(id int32) error
	startNode(id int32) error
}

// node stops or starts a node of the embedded cluster.
func (s *demoStage) node(a web.Action) (string, error) {
	if s.nodes == nil {
		return "", errors.New("the demo runs on a cluster of yours: its nodes are not the demo's to stop")
	}
	id, err := strconv.ParseInt(a.Target, 10, 32)
	if err != nil {
		return "", fmt.Errorf("node %q: name a node by its id, e.g. 1", a.Target)
	}
	if a.Verb == web.VerbStopNode {
		if err := s.nodes.stopNode(int32(id)); err != nil {
			return "", err
		}
		return fmt.Sprintf("node %d stopped: the partitions it led elect new leaders, their in-sync replicas shrink, the clients carry on", id), nil
	}
	if err := s.nodes.startNode(int32(id)); err != nil {
		return "", err
	}
	return fmt.Sprintf("node %d started: it catches up and rejoins the in-sync replicas", id), nil
}

// embeddedNodes are the nodes of the demo's embedded cluster.
type embeddedNodes struct{ b *embedded.Broker }

func (n embeddedNodes) stopNode(id int32) error  { return n.b.StopNode(id) }
func (n embeddedNodes) startNode(id int32) error { return n.b.StartNode(id) }

func (n embeddedNodes) nodes() []web.Node {
	var out []web.Node
	for _, node := range n.b.Nodes() {
		out = append(out, web.Node{ID: node.ID, Addr: node.Addr, Up: node.Up})
	}
	return out
}
