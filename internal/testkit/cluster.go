package testkit

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/embedded"
	"github.com/rs/zerolog"
)

// KafkaEnv is the switch that runs the tests that can against Apache
// Kafka instead of the embedded kfake:
//
//   - "start": the tests start Apache Kafka 4 themselves, with
//     scripts/kafka.sh (from Maven Central's jars), a one-node and a
//     three-node cluster as they need them, once per test binary, stopped
//     when it ends;
//   - host:port[,host:port…]: a cluster of your own; the tests that need
//     to kill a node or a secured listener skip.
//
// Unset, every test runs on kfake. Set, the tests that only kfake can run
// (they inject faults or read the broker's data directory) skip, so that
// a run with it set is the Apache Kafka suite.
const KafkaEnv = "PITCHKAFKA_TEST_KAFKA"

// OnKafka reports whether the tests run against Apache Kafka.
func OnKafka() bool { return os.Getenv(KafkaEnv) != "" }

// SkipOnKafka skips a test that only the embedded kfake can run, saying why.
func SkipOnKafka(tb testing.TB, why string) {
	tb.Helper()
	if OnKafka() {
		tb.Skipf("kfake only (%s): it runs in the kfake suite, without %s", why, KafkaEnv)
	}
}

// ClusterOptions says what cluster a test needs.
type ClusterOptions struct {
	// Nodes is 1 (the default) or 3.
	Nodes int
	// Secure asks for a SASL_SSL listener with SCRAM users and ACLs
	// (Apache Kafka only: kfake's secured broker is embedded.BrokerOptions').
	Secure bool
	// ConsumerGroupSession and ConsumerGroupHeartbeat, if set, are the
	// session timeout and heartbeat interval of KIP-848 groups (which the
	// broker, not the client, sets): broker-wide on kfake, per group
	// (Cluster.Group) on Apache Kafka.
	ConsumerGroupSession, ConsumerGroupHeartbeat time.Duration
}

// Cluster is the Kafka cluster a test runs against: an embedded kfake
// started for it, or a shared Apache Kafka, on which the test's topics and
// groups get names of their own (Name, Group).
type Cluster struct {
	// Bootstrap is the bootstrap.servers list.
	Bootstrap string
	// Embedded is the kfake cluster, nil on Apache Kafka.
	Embedded *embedded.Broker
	opts     ClusterOptions
	kafka    *kafkaCluster // nil on kfake
	id       string        // made unique on a shared cluster
}

// StartCluster returns a cluster for the test: on kfake a new one, stopped
// when the test ends; on Apache Kafka the shared one of its kind.
func StartCluster(tb testing.TB, opts ClusterOptions) *Cluster {
	tb.Helper()
	opts.Nodes = max(opts.Nodes, 1)
	if !OnKafka() {
		if opts.Secure {
			tb.Skip("Apache Kafka only: a SASL_SSL listener with SCRAM users and ACLs (set " + KafkaEnv + "=start)")
		}
		configs := map[string]string{}
		if opts.ConsumerGroupSession > 0 {
			configs["group.consumer.session.timeout.ms"] = fmt.Sprint(opts.ConsumerGroupSession.Milliseconds())
		}
		if opts.ConsumerGroupHeartbeat > 0 {
			configs["group.consumer.heartbeat.interval.ms"] = fmt.Sprint(opts.ConsumerGroupHeartbeat.Milliseconds())
		}
		b := StartBrokerWith(tb, embedded.BrokerOptions{Listen: "127.0.0.1:0", Nodes: opts.Nodes, Log: zerolog.Nop(), Configs: configs})
		return &Cluster{Bootstrap: b.Bootstrap(), Embedded: b, opts: opts}
	}
	k := sharedKafka(tb, opts)
	return &Cluster{Bootstrap: k.bootstrap, opts: opts, kafka: k, id: uniqueID()}
}

// OnKafka reports whether the cluster is Apache Kafka.
func (c *Cluster) OnKafka() bool { return c.kafka != nil }

// Name returns the name of a topic for this test: base itself on a kfake
// started for it, base with a suffix of the test's own on a shared cluster.
func (c *Cluster) Name(base string) string {
	if c.kafka == nil {
		return base
	}
	return base + "-" + c.id
}

// Group returns the name of a consumer group for this test, as Name does,
// and on Apache Kafka sets its KIP-848 session timeout and heartbeat
// interval as the options say.
func (c *Cluster) Group(tb testing.TB, base string) string {
	tb.Helper()
	name := c.Name(base)
	if c.kafka == nil || (c.opts.ConsumerGroupSession == 0 && c.opts.ConsumerGroupHeartbeat == 0) {
		return name
	}
	var set []string
	if c.opts.ConsumerGroupSession > 0 {
		set = append(set, fmt.Sprintf("consumer.session.timeout.ms=%d", c.opts.ConsumerGroupSession.Milliseconds()))
	}
	if c.opts.ConsumerGroupHeartbeat > 0 {
		set = append(set, fmt.Sprintf("consumer.heartbeat.interval.ms=%d", c.opts.ConsumerGroupHeartbeat.Milliseconds()))
	}
	c.Tool(tb, "kafka-configs", "--bootstrap-server", c.Bootstrap, "--alter", "--entity-type", "groups",
		"--entity-name", name, "--add-config", strings.Join(set, ","))
	return name
}

// ClientProperties are the librdkafka properties a client of this cluster
// needs besides the bootstrap list (SASL and TLS on a secured one), as
// pitchkafka's -X flags take them.
func (c *Cluster) ClientProperties(tb testing.TB) []string {
	tb.Helper()
	if c.kafka == nil || c.kafka.dir == "" {
		return nil
	}
	return c.kafka.properties(tb, "client.properties")
}

// GuestProperties are ClientProperties for a user who holds no ACL at all.
func (c *Cluster) GuestProperties(tb testing.TB) []string {
	tb.Helper()
	c.needScript(tb, "have a user without ACLs")
	return c.kafka.properties(tb, "client-guest.properties")
}

// Dir is the cluster's directory (scripts/kafka.sh's --dir), where its
// logs and client properties are; empty on kfake and on a cluster of your
// own.
func (c *Cluster) Dir() string {
	if c.kafka == nil {
		return ""
	}
	return c.kafka.dir
}

// Tool runs one of Apache Kafka's tools (kafka-topics, kafka-configs,
// kafka-console-consumer…) from the cluster's jars and returns its stdout.
func (c *Cluster) Tool(tb testing.TB, name string, args ...string) string {
	tb.Helper()
	out, err := kafkaScript(append([]string{"tool", name}, args...)...).Output()
	if err != nil {
		tb.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderrOf(err))
	}
	return string(out)
}

// Grant gives a user of a secured cluster every ACL on every topic, group
// and transactional id.
func (c *Cluster) Grant(tb testing.TB, user string) {
	tb.Helper()
	c.needScript(tb, "grant ACLs")
	if out, err := kafkaScript("grant", user, "--dir", c.kafka.dir).CombinedOutput(); err != nil {
		tb.Fatalf("grant %s: %v\n%s", user, err, out)
	}
}

// ACL runs kafka-acls as the super user of a secured cluster, with args
// (--add --allow-principal User:pitchkafka --operation Read --topic T…).
func (c *Cluster) ACL(tb testing.TB, args ...string) {
	tb.Helper()
	c.needScript(tb, "change ACLs")
	if out, err := kafkaScript(append([]string{"acl", "--dir", c.kafka.dir}, args...)...).CombinedOutput(); err != nil {
		tb.Fatalf("kafka-acls %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// KillNode SIGKILLs node n (1, 2 or 3) of the cluster.
func (c *Cluster) KillNode(tb testing.TB, n int) {
	tb.Helper()
	c.needScript(tb, "kill a node")
	if out, err := kafkaScript("kill", strconv.Itoa(n), "--dir", c.kafka.dir).CombinedOutput(); err != nil {
		tb.Fatalf("kill node %d: %v\n%s", n, err, out)
	}
}

// RestartNode starts node n again with its data and ports, and returns
// once it runs.
func (c *Cluster) RestartNode(tb testing.TB, n int) {
	tb.Helper()
	c.needScript(tb, "restart a node")
	if out, err := kafkaScript("restart", strconv.Itoa(n), "--dir", c.kafka.dir).CombinedOutput(); err != nil {
		tb.Fatalf("restart node %d: %v\n%s", n, err, out)
	}
}

// needScript skips a test that needs a cluster scripts/kafka.sh started.
func (c *Cluster) needScript(tb testing.TB, what string) {
	tb.Helper()
	if c.kafka == nil || c.kafka.dir == "" {
		tb.Skipf("needs an Apache Kafka the tests start themselves to %s: set %s=start", what, KafkaEnv)
	}
}

// kafkaCluster is an Apache Kafka cluster the test binary shares.
type kafkaCluster struct {
	bootstrap string
	dir       string // scripts/kafka.sh's, or "" for a cluster of the user's
	err       error
	propsMu   sync.Mutex
	props     map[string][]string
}

var (
	kafkaMu       sync.Mutex
	kafkaClusters = map[string]*kafkaCluster{}
)

// sharedKafka returns the test binary's Apache Kafka of the kind opts
// asks for, starting it the first time when KafkaEnv says start.
func sharedKafka(tb testing.TB, opts ClusterOptions) *kafkaCluster {
	tb.Helper()
	setting := os.Getenv(KafkaEnv)
	if setting != "start" {
		if opts.Nodes > 1 || opts.Secure {
			tb.Skipf("needs a %d-node%s Apache Kafka the tests start themselves: set %s=start", opts.Nodes,
				map[bool]string{true: " SASL_SSL", false: ""}[opts.Secure], KafkaEnv)
		}
		return &kafkaCluster{bootstrap: setting}
	}
	kind := fmt.Sprintf("%d-%v", opts.Nodes, opts.Secure)
	kafkaMu.Lock()
	defer kafkaMu.Unlock()
	k, ok := kafkaClusters[kind]
	if !ok {
		k = startKafka(opts)
		kafkaClusters[kind] = k
	}
	if k.err != nil {
		tb.Fatalf("Apache Kafka (%s): %v", kind, k.err)
	}
	return k
}

// startKafka starts a cluster with scripts/kafka.sh; it stops by itself
// within seconds of the test binary's end (--parent), and StopClusters
// stops it at once.
func startKafka(opts ClusterOptions) *kafkaCluster {
	dir, err := os.MkdirTemp("", "pitchkafka-test-kafka-")
	if err != nil {
		return &kafkaCluster{err: err}
	}
	args := []string{"start", "--nodes", strconv.Itoa(opts.Nodes), "--dir", dir,
		"--parent", strconv.Itoa(os.Getpid()), "--ttl", "2h"}
	if opts.Secure {
		args = append(args, "--security", "sasl-ssl")
	}
	cmd := kafkaScript(args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return &kafkaCluster{dir: dir, err: fmt.Errorf("scripts/kafka.sh %s: %v\n%s", strings.Join(args, " "), err, stderr.String())}
	}
	return &kafkaCluster{bootstrap: strings.TrimSpace(string(out)), dir: dir}
}

// StopClusters stops the Apache Kafka clusters the test binary started and
// removes their directories; a TestMain calls it after the tests.
func StopClusters() {
	kafkaMu.Lock()
	defer kafkaMu.Unlock()
	for kind, k := range kafkaClusters {
		if k.dir != "" {
			kafkaScript("stop", "--kill", "--clean", "--dir", k.dir).Run()
			os.RemoveAll(k.dir)
		}
		delete(kafkaClusters, kind)
	}
}

// properties reads one of the cluster's client property files, without
// its bootstrap list, as -X flags.
func (k *kafkaCluster) properties(tb testing.TB, file string) []string {
	tb.Helper()
	k.propsMu.Lock()
	defer k.propsMu.Unlock()
	if p, ok := k.props[file]; ok {
		return p
	}
	f, err := os.Open(k.dir + "/" + file)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var xs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "bootstrap.servers=") {
			continue
		}
		xs = append(xs, "-X", line)
	}
	if k.props == nil {
		k.props = map[string][]string{}
	}
	k.props[file] = xs
	return xs
}

// kafkaScript is a command of scripts/kafka.sh.
func kafkaScript(args ...string) *exec.Cmd {
	return exec.Command("bash", append([]string{Path("scripts/kafka.sh")}, args...)...)
}

// stderrOf is what a command that failed wrote on stderr.
func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

// uniqueID names a test's topics and groups apart on a shared cluster.
func uniqueID() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}
