// Package embedded runs a Kafka-protocol cluster and a Schema Registry
// inside pitchkafka, for development, tests and demos, so that trying
// pitchkafka needs no JVM: the broker is kfake, franz-go's fake cluster
// (embedded/kfake, with pitchkafka's fixes), and the registry is franz-go's
// srfake, served over HTTP. Neither is a production server. It is the only
// package that imports franz-go; clients reach both over the network, as
// they reach a real cluster.
package embedded

import (
	"crypto/tls"
	"fmt"
	"maps"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/pitchkafka/pitchkafka/embedded/kfake"
	"github.com/rs/zerolog"
	"github.com/twmb/franz-go/pkg/kmsg"
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
	// Users, if any, turn on SASL (PLAIN and SCRAM-SHA-256) and ACLs: only
	// these users may connect, each allowed what its role allows.
	Users []BrokerUser
	// TLSCert and TLSKey, if set, are PEM files: the broker then speaks TLS.
	TLSCert, TLSKey string
	Log             zerolog.Logger
	// Configs are further broker configs, such as
	// group.consumer.session.timeout.ms; they win over pitchkafka's.
	Configs map[string]string
}

// Roles a broker user can have.
const (
	RoleAdmin    = "admin"    // everything, ACLs aside
	RoleProducer = "producer" // create, describe and write topics
	RoleConsumer = "consumer" // describe and read topics, join groups
	RoleClient   = "client"   // producer and consumer
)

// BrokerUser is a SASL user of the embedded broker.
type BrokerUser struct {
	Name, Password, Role string
}

// Broker is an in-process Kafka-protocol cluster (kfake) for development,
// tests and demos. It is not a production broker.
type Broker struct {
	cluster *kfake.Cluster
	lock    *dataDirLock

	// mu serializes stopping and starting nodes with each other and with
	// Close: the cluster answers nothing once closed.
	mu     sync.Mutex
	closed bool
}

// StartBroker starts the cluster and returns once it is listening. With a
// DataDir it first takes the directory's lock and checks it is writable,
// returning a *DataDirError if another broker holds it or it is not.
func StartBroker(opts BrokerOptions) (*Broker, error) {
	host, port, err := ParseListen(opts.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen address %w", err)
	}
	if opts.Nodes < 1 {
		return nil, fmt.Errorf("a cluster needs at least 1 node, got %d", opts.Nodes)
	}
	configs := map[string]string{"log.cleaner.backoff.ms": "10000"}
	maps.Copy(configs, opts.Configs)
	kopts := []kfake.Opt{
		kfake.NumBrokers(opts.Nodes),
		kfake.ListenFn(func(network, addr string) (net.Listener, error) {
			_, p, _ := net.SplitHostPort(addr)
			return net.Listen(network, net.JoinHostPort(host, p))
		}),
		kfake.WithLogger(kfakeLogger{log: opts.Log, storage: &storageFaults{log: opts.Log, dir: opts.DataDir,
			warned: map[syscall.Errno]bool{}}}),
		// Compact compacted topics every 10 s (Kafka's default is 15 s), so
		// that changelogs shrink while people watch.
		kfake.BrokerConfigs(configs),
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
	security, err := securityOpts(opts)
	if err != nil {
		return nil, err
	}
	kopts = append(kopts, security...)
	var lock *dataDirLock
	if opts.DataDir != "" {
		if lock, err = lockDataDir(opts.DataDir); err != nil {
			return nil, err
		}
		kopts = append(kopts, kfake.DataDir(opts.DataDir))
	}
	c, err := kfake.NewCluster(kopts...)
	if err != nil {
		lock.unlock()
		return nil, fmt.Errorf("start broker on %s: %w", opts.Listen, err)
	}
	return &Broker{cluster: c, lock: lock}, nil
}

// securityOpts turns users and certificates into the cluster's options.
func securityOpts(opts BrokerOptions) ([]kfake.Opt, error) {
	var kopts []kfake.Opt
	if opts.TLSCert != "" || opts.TLSKey != "" {
		cert, err := tls.LoadX509KeyPair(opts.TLSCert, opts.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("TLS certificate and key: %w", err)
		}
		kopts = append(kopts, kfake.TLS(&tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}))
	}
	if len(opts.Users) == 0 {
		return kopts, nil
	}
	kopts = append(kopts, kfake.EnableSASL(), kfake.EnableACLs())
	for _, u := range opts.Users {
		acls, err := roleACLs(u.Role)
		if err != nil {
			return nil, fmt.Errorf("user %s: %w", u.Name, err)
		}
		for _, mechanism := range []string{"PLAIN", "SCRAM-SHA-256"} {
			if u.Role == RoleAdmin {
				kopts = append(kopts, kfake.Superuser(mechanism, u.Name, u.Password))
			} else {
				kopts = append(kopts, kfake.User(mechanism, u.Name, u.Password, acls...))
			}
		}
	}
	return kopts, nil
}

// roleACLs returns what a role may do, on every topic and group.
func roleACLs(role string) ([]kfake.ACL, error) {
	allow := func(resource kmsg.ACLResourceType, ops ...kmsg.ACLOperation) []kfake.ACL {
		var acls []kfake.ACL
		for _, op := range ops {
			acls = append(acls, kfake.ACL{Resource: resource, Name: "*", Pattern: kmsg.ACLResourcePatternTypeLiteral,
				Operation: op, Allow: true})
		}
		return acls
	}
	produce := allow(kmsg.ACLResourceTypeTopic, kmsg.ACLOperationCreate, kmsg.ACLOperationDescribe, kmsg.ACLOperationWrite)
	consume := append(allow(kmsg.ACLResourceTypeTopic, kmsg.ACLOperationDescribe, kmsg.ACLOperationRead),
		allow(kmsg.ACLResourceTypeGroup, kmsg.ACLOperationDescribe, kmsg.ACLOperationRead)...)
	switch role {
	case RoleAdmin:
		return nil, nil
	case RoleProducer:
		return produce, nil
	case RoleConsumer:
		return consume, nil
	case RoleClient:
		return append(produce, consume...), nil
	}
	return nil, fmt.Errorf("role %q: use %s", role, strings.Join(Roles, ", "))
}

// Roles lists the roles a broker user can have.
var Roles = []string{RoleAdmin, RoleProducer, RoleConsumer, RoleClient}

// ParseListen checks a listen address, host:port with a port from 0 to
// 65535 (0 picks a free one), and returns its parts. The host may be
// empty, which means every interface.
func ParseListen(listen string) (host string, port int, err error) {
	host, p, err := net.SplitHostPort(listen)
	if err != nil {
		return "", 0, fmt.Errorf("%q: want host:port", listen)
	}
	port, err = strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("%q: the port must be a number from 0 to 65535", listen)
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

// Close stops the cluster, flushing to DataDir when it persists, and
// releases the directory's lock.
func (b *Broker) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	b.cluster.Close()
	b.lock.unlock()
	b.lock = nil
}

// kfakeLogger routes the broker's own logs into zerolog, and explains
// failed writes to the data directory.
type kfakeLogger struct {
	log     zerolog.Logger
	storage *storageFaults
}

func (l kfakeLogger) Logf(level kfake.LogLevel, msg string, args ...any) {
	lvl := zerolog.DebugLevel
	switch level {
	case kfake.LogLevelError:
		lvl = zerolog.ErrorLevel
	case kfake.LogLevelWarn:
		lvl = zerolog.WarnLevel
	}
	if level != kfake.LogLevelWarn && level != kfake.LogLevelError {
		l.log.WithLevel(lvl).Msgf(msg, args...)
		return
	}
	line := fmt.Sprintf(msg, args...)
	l.log.WithLevel(lvl).Msg(line)
	l.storage.observe(line)
}
