package kafkaio

import (
	"fmt"
	"net"
	"strconv"

	"github.com/rs/zerolog"
	"github.com/twmb/franz-go/pkg/kfake"
)

// BrokerOptions configures the embedded development broker.
type BrokerOptions struct {
	// Listen is host:port of the first node; port 0 picks a free one.
	// Further nodes listen on the following ports (or free ones for port 0).
	Listen string
	// Nodes is the number of brokers in the cluster, at least 1.
	Nodes int
	// DataDir, if set, persists the cluster there so it survives restarts.
	DataDir string
	// Partitions is the default partition count of auto-created topics.
	Partitions int
	Log        zerolog.Logger
}

// Broker is an in-process Kafka-protocol cluster (kfake) for development,
// tests and demos. It is not a production broker.
type Broker struct {
	cluster *kfake.Cluster
}

// StartBroker starts the cluster and returns once it is listening.
func StartBroker(opts BrokerOptions) (*Broker, error) {
	host, port, err := splitListen(opts.Listen)
	if err != nil {
		return nil, err
	}
	if opts.Nodes < 1 {
		return nil, fmt.Errorf("--nodes must be at least 1, got %d", opts.Nodes)
	}
	kopts := []kfake.Opt{
		kfake.NumBrokers(opts.Nodes),
		kfake.ListenFn(func(network, addr string) (net.Listener, error) {
			_, p, _ := net.SplitHostPort(addr)
			return net.Listen(network, net.JoinHostPort(host, p))
		}),
		kfake.WithLogger(kfakeLogger{opts.Log}),
		// Compact compacted topics every 10 s (Kafka's default is 15 s), so
		// that changelogs shrink while people watch.
		kfake.BrokerConfigs(map[string]string{"log.cleaner.backoff.ms": "10000"}),
	}
	if port != 0 {
		ports := make([]int, opts.Nodes)
		for i := range ports {
			ports[i] = port + i
		}
		kopts = append(kopts, kfake.Ports(ports...))
	}
	if opts.Partitions > 0 {
		kopts = append(kopts, kfake.DefaultNumPartitions(opts.Partitions))
	}
	if opts.DataDir != "" {
		kopts = append(kopts, kfake.DataDir(opts.DataDir))
	}
	c, err := kfake.NewCluster(kopts...)
	if err != nil {
		return nil, fmt.Errorf("start broker on %s: %w", opts.Listen, err)
	}
	return &Broker{cluster: c}, nil
}

func splitListen(listen string) (string, int, error) {
	host, p, err := net.SplitHostPort(listen)
	if err != nil {
		return "", 0, fmt.Errorf("--listen %q: want host:port, e.g. 127.0.0.1:9092", listen)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("--listen %q: port must be a number from 0 to 65535", listen)
	}
	return host, port, nil
}

// Addrs returns the host:port of every node.
func (b *Broker) Addrs() []string { return b.cluster.ListenAddrs() }

// Bootstrap returns the addresses as a bootstrap.servers list.
func (b *Broker) Bootstrap() string {
	addrs := b.Addrs()
	out := ""
	for i, a := range addrs {
		if i > 0 {
			out += ","
		}
		out += a
	}
	return out
}

// Compact compacts every topic with cleanup.policy=compact now.
func (b *Broker) Compact() { b.cluster.Compact() }

// Close stops the cluster, flushing to DataDir when it persists.
func (b *Broker) Close() { b.cluster.Close() }

// kfakeLogger routes the broker's own logs into zerolog.
type kfakeLogger struct{ log zerolog.Logger }

func (l kfakeLogger) Logf(level kfake.LogLevel, msg string, args ...any) {
	lvl := zerolog.DebugLevel
	switch level {
	case kfake.LogLevelError:
		lvl = zerolog.ErrorLevel
	case kfake.LogLevelWarn:
		lvl = zerolog.WarnLevel
	}
	l.log.WithLevel(lvl).Msgf(msg, args...)
}
