package testkit

import (
	"testing"

	"github.com/pitchkafka/pitchkafka/embedded"
	"github.com/rs/zerolog"
)

// StartBroker starts an embedded one-node cluster on a free loopback port,
// stopped when the test ends. With KafkaEnv set the test skips: it is one
// of those that run on kfake only (StartCluster gives the others either).
func StartBroker(tb testing.TB) *embedded.Broker {
	tb.Helper()
	return StartBrokerWith(tb, embedded.BrokerOptions{Listen: "127.0.0.1:0", Nodes: 1, Log: zerolog.Nop()})
}

// StartBrokerWith starts an embedded cluster as opts say, stopped when the
// test ends.
func StartBrokerWith(tb testing.TB, opts embedded.BrokerOptions) *embedded.Broker {
	tb.Helper()
	SkipOnKafka(tb, "it starts an embedded broker of its own")
	b, err := embedded.StartBroker(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(b.Close)
	return b
}

// StartRegistry starts an embedded Schema Registry on a free loopback
// port, keeping its schemas in dir if set, stopped when the test ends.
func StartRegistry(tb testing.TB, dir string) *embedded.RegistryServer {
	tb.Helper()
	reg, err := embedded.StartRegistry(embedded.RegistryServerOptions{Listen: "127.0.0.1:0", DataDir: dir, Log: zerolog.Nop()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { reg.Close() })
	return reg
}
