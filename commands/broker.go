package commands

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/pitchkafka/pitchkafka/embedded"
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
			"  pitchkafka broker --nodes 3 --listen 127.0.0.1:19092\n" +
			"  pitchkafka broker --user alice:s3cret:client --tls-cert broker.pem --tls-key broker-key.pem\n" +
			"  pitchkafka broker --schema-registry 127.0.0.1:8081 # and a Schema Registry\n\n" +
			"With --schema-registry it also serves a Confluent-compatible Schema Registry REST\n" +
			"API (franz-go's srfake) for publish --format avro, protobuf or json-schema; with\n" +
			"--data-dir its schemas survive restarts with the same ids.\n\n" +
			"With --user, clients must authenticate (SASL PLAIN or SCRAM-SHA-256) and may do\n" +
			"what their role allows: admin (everything), producer (create, describe and\n" +
			"write topics), consumer (describe and read topics, join groups) or client (both).",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "listen", Value: "127.0.0.1:9092", Usage: "host:port of the first node; more nodes take the next ports"},
			&cli.IntFlag{Name: "nodes", Value: 1, Usage: "brokers in the cluster"},
			&cli.StringFlag{Name: "data-dir", Usage: "`DIR` to persist to, so the cluster survives restarts", DefaultText: "in memory"},
			&cli.StringSliceFlag{Name: "user", Usage: "require SASL and allow `NAME:PASSWORD[:ROLE]` (role admin, producer, consumer or client; default admin), repeatable"},
			&cli.StringFlag{Name: "tls-cert", Usage: "PEM certificate `FILE`: speak TLS (with --tls-key)"},
			&cli.StringFlag{Name: "tls-key", Usage: "PEM private key `FILE` of --tls-cert"},
			&cli.StringFlag{Name: "schema-registry", Usage: "also serve a Schema Registry on `HOST:PORT` (e.g. 127.0.0.1:8081)"},
		},
		Action: func(c *cli.Context) error {
			if c.Int("nodes") < 1 {
				return usageErrorf(c, "--nodes %d: must be at least 1", c.Int("nodes"))
			}
			if _, _, err := embedded.ParseListen(c.String("listen")); err != nil {
				return usageErrorf(c, "--listen %v, e.g. 127.0.0.1:9092", err)
			}
			users, err := parseUsers(c)
			if err != nil {
				return err
			}
			if (c.String("tls-cert") == "") != (c.String("tls-key") == "") {
				return usageErrorf(c, "--tls-cert and --tls-key go together")
			}
			registryAddr, err := registryListen(c)
			if err != nil {
				return err
			}
			b, err := startBroker(e, embedded.BrokerOptions{Listen: c.String("listen"), Nodes: c.Int("nodes"),
				DataDir: c.String("data-dir"), Users: users, TLSCert: c.String("tls-cert"), TLSKey: c.String("tls-key")})
			if err != nil {
				return err
			}
			defer func() {
				b.Close()
				e.log.Info().Msg("broker stopped")
			}()
			fmt.Fprintf(e.stdout, "pitchkafka development broker listening on %s\n", b.Bootstrap())
			if registryAddr != "" {
				reg, err := startRegistry(e, embedded.RegistryServerOptions{Listen: registryAddr, DataDir: c.String("data-dir")})
				if err != nil {
					return err
				}
				defer reg.Close()
				fmt.Fprintf(e.stdout, "Schema Registry listening on %s (use --schema-registry %s)\n", reg.URL(), reg.URL())
			}
			fmt.Fprintf(e.stdout, "point clients at it with --brokers %s; stop it with Ctrl-C\n", b.Bootstrap())
			<-c.Context.Done()
			return nil
		},
	}
}

// parseUsers reads the --user flags.
func parseUsers(c *cli.Context) ([]embedded.BrokerUser, error) {
	var users []embedded.BrokerUser
	for _, spec := range c.StringSlice("user") {
		parts := strings.SplitN(spec, ":", 3)
		if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
			return nil, usageErrorf(c, "--user wants NAME:PASSWORD[:ROLE], e.g. --user alice:s3cret:client")
		}
		u := embedded.BrokerUser{Name: parts[0], Password: parts[1], Role: embedded.RoleAdmin}
		if len(parts) == 3 {
			u.Role = parts[2]
		}
		if !slices.Contains(embedded.Roles, u.Role) {
			return nil, usageErrorf(c, "--user %s: role %q, use %s", u.Name, u.Role, strings.Join(embedded.Roles, ", "))
		}
		users = append(users, u)
	}
	return users, nil
}

// startBroker starts the embedded broker and says what it is.
func startBroker(e *env, opts embedded.BrokerOptions) (*embedded.Broker, error) {
	opts.Log = e.log.With().Str("component", "broker").Logger()
	b, err := embedded.StartBroker(opts)
	if err != nil {
		return nil, dataDirAdvice(err)
	}
	storage := "in memory: everything is gone when it stops"
	if opts.DataDir != "" {
		storage = "persisted in " + opts.DataDir
	}
	e.log.Warn().Str("bootstrap", b.Bootstrap()).Str("storage", storage).Int("users", len(opts.Users)).
		Bool("tls", opts.TLSCert != "").Msg("this is a development broker (kfake), not for production")
	if host, _, _ := net.SplitHostPort(opts.Listen); !isLoopback(host) && len(opts.Users) == 0 {
		e.log.Warn().Str("listen", opts.Listen).Msg("listening beyond loopback with no authentication: anyone who can reach it can read and write; add --user")
	}
	return b, nil
}

// registryListen reads --schema-registry: host:port, loopback when the host
// is left out (":8081"), as the broker's --listen is by default.
func registryListen(c *cli.Context) (string, error) {
	addr := c.String("schema-registry")
	if addr == "" {
		return "", nil
	}
	host, port, err := embedded.ParseListen(addr)
	if err != nil {
		return "", usageErrorf(c, "--schema-registry %v, e.g. 127.0.0.1:8081", err)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, strconv.Itoa(port)), nil
}

// startRegistry starts the embedded Schema Registry and says what it is.
func startRegistry(e *env, opts embedded.RegistryServerOptions) (*embedded.RegistryServer, error) {
	opts.Log = e.log.With().Str("component", "schema-registry").Logger()
	reg, err := embedded.StartRegistry(opts)
	if err != nil {
		return nil, err
	}
	if host, _, _ := net.SplitHostPort(opts.Listen); !isLoopback(host) {
		e.log.Warn().Str("listen", opts.Listen).Msg("the Schema Registry listens beyond loopback with no authentication: anyone who can reach it can register and delete schemas")
	}
	return reg, nil
}

// dataDirAdvice turns a data directory the broker cannot use into one
// line saying what to do.
func dataDirAdvice(err error) error {
	var dd *embedded.DataDirError
	if !errors.As(err, &dd) {
		return err
	}
	if errors.Is(err, embedded.ErrDataDirInUse) {
		holder := "another pitchkafka broker"
		if dd.HolderPID > 0 {
			holder = fmt.Sprintf("another pitchkafka broker (pid %d)", dd.HolderPID)
		}
		return fmt.Errorf("--data-dir %s is in use by %s: stop that broker, or give this one another --data-dir", dd.Dir, holder)
	}
	return fmt.Errorf("--data-dir %s is not writable (%v): fix its permissions or mount, or choose another --data-dir", dd.Dir, dd.Cause)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
