package embedded

import (
	"fmt"
	"sync"

	"github.com/pitchkafka/pitchkafka/embedded/kfake"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Fault makes the broker answer some requests with a Kafka error instead
// of serving them, so that a test can see how clients cope (kfake's fault
// injection). Every field set narrows what it applies to.
type Fault struct {
	// Request is the request's name as Kafka's protocol names it: Produce,
	// Fetch, OffsetCommit, Heartbeat, …
	Request string
	// Topic, if set, faults only requests for this topic.
	Topic string
	// Err is the error's name as Kafka names it: NOT_LEADER_FOR_PARTITION,
	// REQUEST_TIMED_OUT, … A REQUEST_TIMED_OUT on a produce request is
	// answered after the records are written, as a real broker's can be.
	Err string
	// Count is how many requests to fault; -1 means every one until Remove.
	Count int
}

// Faults are the faults one Inject installed.
type Faults struct{ h *kfake.FaultHandle }

// Hits is how many requests the faults have answered.
func (f *Faults) Hits() int { return f.h.Hits() }

// Remove uninstalls the faults.
func (f *Faults) Remove() { f.h.Remove() }

// Inject installs faults. It fails, installing none, for a request or an
// error Kafka has no name for.
func (b *Broker) Inject(faults ...Fault) (*Faults, error) {
	kf := make([]kfake.Fault, len(faults))
	for i, f := range faults {
		key, err := requestKey(f.Request)
		if err != nil {
			return nil, err
		}
		kerrErr, err := kafkaError(f.Err)
		if err != nil {
			return nil, err
		}
		kf[i] = kfake.Fault{Keys: []kmsg.Key{key}, Topic: f.Topic, Err: kerrErr, Count: f.Count}
	}
	return &Faults{h: b.cluster.Fault(kf...)}, nil
}

// Hold makes the broker never answer requests of one kind from now on:
// the clients' requests stay in flight until they time out.
func (b *Broker) Hold(request string) error {
	key, err := requestKey(request)
	if err != nil {
		return err
	}
	b.cluster.ControlKey(int16(key), func(kmsg.Request) (kmsg.Response, error, bool) {
		b.cluster.KeepControl()
		return nil, nil, true // taken, and never answered
	})
	return nil
}

// LeaderOf is the node that leads a partition, or -1.
func (b *Broker) LeaderOf(topic string, partition int32) int32 {
	return b.cluster.LeaderFor(topic, partition)
}

// ReplicationFactor is a topic's number of replicas, or 0 when it does not
// exist.
func (b *Broker) ReplicationFactor(topic string) int {
	if info := b.cluster.TopicInfo(topic); info != nil {
		return info.NumReplicas
	}
	return 0
}

// requestKey is the protocol key of a request named as Kafka names it.
func requestKey(name string) (kmsg.Key, error) {
	for k := range kmsg.Key(100) {
		if kmsg.NameForKey(int16(k)) == name {
			return k, nil
		}
	}
	return 0, fmt.Errorf("no Kafka request is named %q", name)
}

// kafkaErrors are Kafka's errors by name.
var kafkaErrors = sync.OnceValue(func() map[string]*kerr.Error {
	byName := map[string]*kerr.Error{}
	for code := int16(-1); code < 200; code++ {
		if e, ok := kerr.ErrorForCode(code).(*kerr.Error); ok {
			byName[e.Message] = e
		}
	}
	return byName
})

// kafkaError is the Kafka error of a name.
func kafkaError(name string) (*kerr.Error, error) {
	if e, ok := kafkaErrors()[name]; ok {
		return e, nil
	}
	return nil, fmt.Errorf("no Kafka error is named %q", name)
}
