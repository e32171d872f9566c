package commands

import (
	"fmt"
	"net"
	"strings"

	"github.com/pitchkafka/pitchkafka/kafkaio"
	"github.com/urfave/cli/v2"
)

func brokerCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "broker",
		Usage: "run an embedded Kafka-protocol broker for development",
		Description: "Starts a Kafka-protocol broker inside pitchkafka (franz-go's kfake), so you can\n" +
			"try everything without a JVM, ZooKeeper or Docker. It is for development and\n" +
			"demos, not production: in memory unless --data-dir, and loopback only unless\n" +
			"--listen names another address. Stop it with Ctrl-C.\n\n" +
			"Examples:\n" +
			"  pitchkafka broker                                 # 127.0.0.1:9092, in memory\n" +
			"  pitchkafka broker --data-dir ./kafka-data         # survives restarts\n" +
			"  pitchkafka broker --nodes 3 --listen 127.0.0.1:19092",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "listen", Value: "127.0.0.1:9092", Usage: "host:port of the first node; more nodes take the next ports"},
			&cli.IntFlag{Name: "nodes", Value: 1, Usage: "brokers in the cluster"},
			&cli.StringFlag{Name: "data-dir", Usage: "`DIR` to persist to, so the cluster survives restarts (default: in memory)"},
		},
		Action: func(c *cli.Context) error {
			if c.Int("nodes") < 1 {
				return usageErrorf(c, "--nodes %d: must be at least 1", c.Int("nodes"))
			}
			if _, _, err := net.SplitHostPort(c.String("listen")); err != nil {
				return usageErrorf(c, "--listen %q: want host:port, e.g. 127.0.0.1:9092", c.String("listen"))
			}
			b, err := startBroker(e, c.String("listen"), c.Int("nodes"), c.String("data-dir"))
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "pitchkafka development broker listening on %s\n", b.Bootstrap())
			fmt.Fprintf(e.stdout, "point clients at it with --brokers %s; stop it with Ctrl-C\n", b.Bootstrap())
			<-c.Context.Done()
			b.Close()
			e.log.Info().Msg("broker stopped")
			return nil
		},
	}
}

// startBroker starts the embedded broker and says what it is.
func startBroker(e *env, listen string, nodes int, dataDir string) (*kafkaio.Broker, error) {
	b, err := kafkaio.StartBroker(kafkaio.BrokerOptions{Listen: listen, Nodes: nodes, DataDir: dataDir,
		Log: e.log.With().Str("component", "broker").Logger()})
	if err != nil {
		return nil, err
	}
	storage := "in memory: everything is gone when it stops"
	if dataDir != "" {
		storage = "persisted in " + dataDir
	}
	e.log.Warn().Str("bootstrap", b.Bootstrap()).Str("storage", storage).
		Msg("this is a development broker (kfake), not for production")
	if host, _, _ := net.SplitHostPort(listen); !isLoopback(host) {
		e.log.Warn().Str("listen", listen).Msg("listening beyond loopback with no authentication: anyone who can reach it can read and write")
	}
	return b, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
