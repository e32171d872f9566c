package commands

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/pitchkafka/pitchkafka/embedded"
	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/kafkaio"
	"github.com/pitchkafka/pitchkafka/web"
	"github.com/urfave/cli/v2"
)

func demoCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "the one-command tour: broker, publisher, last-pitch, two announcers, scores and the live page",
		Description: "Runs everything in one process: the embedded broker on a free loopback port,\n" +
			"a publisher, a last-pitch view, two announcers in one consumer group and the\n" +
			"exactly-once scores processor (its games topic), so you can watch the log,\n" +
			"event sourcing, a consumer group and a stream processor side by side.\n" +
			"Every line of output says which component wrote it. Stop it with Ctrl-C.\n\n" +
			"Examples:\n" +
			"  pitchkafka demo                        # until Ctrl-C\n" +
			"  pitchkafka demo --duration 1m --rate 5 # a calmer minute\n" +
			"  pitchkafka demo --format avro          # Avro records, through an embedded Schema Registry\n" +
			"  pitchkafka demo --web 127.0.0.1:9000   # the live page elsewhere (--web \"\" for none)\n" +
			"  pitchkafka demo --brokers kafka1:9092 --config client.properties   # the tour on your cluster\n\n" +
			"It also serves the live page (pitchkafka web) and prints its URL first. With --brokers\n" +
			"it runs on that cluster instead of the embedded broker, with -X and --config as every\n" +
			"client command takes them: topics pitches (or --topic) and games, groups demo-announcers\n" +
			"and demo-scores.",
		Flags: []cli.Flag{
			&cli.Float64Flag{Name: "rate", Value: 10, Usage: "pitches per second"},
			&cli.IntFlag{Name: "concurrent", Value: 4, Usage: "games in progress at once (1-15); fewer games finish sooner"},
			&cli.DurationFlag{Name: "duration", Usage: "stop after this long (0: until Ctrl-C)"},
			&cli.DurationFlag{Name: "interval", Value: 10 * time.Second, Usage: "how often last-pitch prints its table"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text",
				Usage: "text, or json: each component's lines as announce, scores and last-pitch write them with --output json"},
			&cli.Uint64Flag{Name: "seed", Usage: "seed of the simulation", DefaultText: "random"},
			&cli.StringFlag{Name: "format", Value: string(formats.FormatJSON),
				Usage: "record values as json, avro, protobuf or json-schema (the last three through a Schema Registry: the demo starts one unless --schema-registry names yours)"},
			&cli.StringFlag{Name: "web", Value: "127.0.0.1:8080",
				Usage: "serve the live page on `HOST:PORT` (a free loopback port if taken; \"\" for none)"},
			&cli.StringFlag{Name: "schema-registry", EnvVars: []string{"PITCHKAFKA_SCHEMA_REGISTRY"},
				Usage: "Schema Registry `URL` to use with --format", DefaultText: "an embedded one on a free loopback port"},
			&cli.IntFlag{Name: "nodes", Value: 1, Usage: "nodes of the embedded cluster (1-5); with 3 or more the pitch topic has 3 replicas, and the page stops and starts nodes"},
			&cli.StringFlag{Name: "listen", Value: "127.0.0.1:9092",
				Usage: "the embedded broker's `HOST:PORT`, for other terminals to join (a free loopback port if taken)"},
			&cli.StringFlag{Name: "brokers", Aliases: []string{"b"},
				Usage: "run the tour on this cluster, host:port[,host:port…], instead of the embedded broker"},
			&cli.StringFlag{Name: "topic", Aliases: []string{"t"}, Value: "pitches", Usage: "the topic of pitch events"},
			&cli.StringSliceFlag{Name: "X", Usage: "with --brokers: librdkafka property `key=value`, repeatable; wins over --config"},
			&cli.StringFlag{Name: "config", Usage: "with --brokers: `FILE` of librdkafka key=value properties " +
				"(default: ~/.config/pitchkafka/client.properties if it exists)"},
			&cli.DurationFlag{Name: "timeout", Value: kafkaio.DefaultTimeout, Usage: "with --brokers: give up when no broker answers within this long"},
		},
		Action: func(c *cli.Context) error {
			if c.Float64("rate") <= 0 || c.Duration("interval") <= 0 || c.Duration("duration") < 0 {
				return usageErrorf(c, "--rate and --interval must be positive, --duration not negative")
			}
			if n := c.Int("concurrent"); n < 1 || n > 15 {
				return usageErrorf(c, "--concurrent %d: must be between 1 and 15", n)
			}
			if addr := c.String("web"); addr != "" {
				if _, _, err := embedded.ParseListen(addr); err != nil {
					return usageErrorf(c, "--web %v, e.g. 127.0.0.1:8080, or \"\" for no page", err)
				}
			}
			return runDemo(c, e)
		},
	}
}

func runDemo(c *cli.Context, e *env) error {
	ctx := c.Context
	if d := c.Duration("duration"); d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	format, err := formats.ParseFormat(c.String("format"))
	if err != nil {
		return usageErrorf(c, "--format %q: use json, avro, protobuf or json-schema", c.String("format"))
	}
	output, err := oneOf(c, "output", "text", "json")
	if err != nil {
		return err
	}
	page, err := demoPage(c, e)
	if err != nil {
		return err
	}
	if page != nil {
		defer page.Close()
	}
	kcfg, broker, err := demoCluster(c, e)
	if err != nil {
		return err
	}
	var nodes nodeControl
	if broker != nil {
		defer broker.Close()
		nodes = embeddedNodes{broker}
	}
	topic := c.String("topic")
	if format.NeedsRegistry() && kcfg.Registry.URL == "" {
		reg, err := startRegistry(e, embedded.RegistryServerOptions{Listen: "127.0.0.1:0"})
		if err != nil {
			return err
		}
		defer reg.Close()
		kcfg.Registry.URL = reg.URL()
		fmt.Fprintf(e.stdout, "schema registry | %s: pitches and games in %s, subjects %s and %s\n", reg.URL(), format,
			formats.Subject(topic), formats.Subject("games"))
	}
	pub := publishOptions{
		topic:         kafkaio.TopicSpec{Name: topic, Partitions: 6, ReplicationFactor: -1},
		season:        game.SeasonConfig{Seed: c.Uint64("seed"), Concurrent: c.Int("concurrent"), Rules: game.Rules{ExtraInningsRunner: true}},
		league:        game.DefaultLeague(),
		rate:          c.Float64("rate"),
		throttle:      game.NewThrottle(c.Float64("rate")),
		statsInterval: 10 * time.Second,
		format:        format,
	}
	if !c.IsSet("seed") {
		pub.season.Seed = uint64(time.Now().UnixNano())
	}
	out := lineWriter{mu: &sync.Mutex{}, out: e.stdout}
	stage, err := newDemoStage(e, out, kcfg, memberSettings{topic: topic, format: format, output: output,
		logLevel: c.String("log-level")}, pub.throttle, nodes)
	if err != nil {
		return err
	}
	pub.started = func(p *kafkaio.Publisher) { stage.publisherStarted(func() int64 { return p.Stats().Delivered }) }
	err = runDemoCast(ctx, c, e, demoCast{out: out, kcfg: kcfg, pub: pub, stage: stage, page: page, output: output})
	return errors.Join(err, stage.close(kcfg.Timeout))
}

// demoCast is what runDemoCast runs.
type demoCast struct {
	out    lineWriter
	kcfg   kafkaio.Config
	pub    publishOptions
	stage  *demoStage
	page   net.Listener // nil for no page
	output string
}

// runDemoCast runs the publisher, last-pitch and the page in this process
// and starts two announcers and a scores processor as processes of their
// own, until ctx ends; it returns the first error of the components here.
func runDemoCast(ctx context.Context, c *cli.Context, e *env, cast demoCast) error {
	topic := cast.pub.topic.Name
	var wg sync.WaitGroup
	// One slot per component started below, so that none blocks on
	// reporting its error while the others run on.
	const components = 3 // publish, last-pitch, web
	errs := make(chan error, components)
	start := func(name string, run func(ctx context.Context, ce *env) error) {
		ce := e.component(name)
		ce.stdout = cast.out.withPrefix(name + " | ")
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(ctx, ce); ignoreCanceled(err) != nil {
				errs <- err
			}
		}()
	}
	start("publish", func(ctx context.Context, ce *env) error {
		pub := cast.pub
		pub.kafka = withClientID(withLog(cast.kcfg, ce), "publish")
		return runPublish(ctx, ce, pub)
	})
	// The consumers start once the publisher has created the topic.
	if err := waitForTopic(ctx, withLog(cast.kcfg, e), topic); err != nil {
		wg.Wait()
		close(errs)
		return errors.Join(err, <-errs)
	}
	start("last-pitch", func(ctx context.Context, ce *env) error {
		output := "table"
		if cast.output == "json" {
			output = "json"
		}
		return runLastPitch(ctx, ce, lastPitchOptions{kafka: withClientID(withLog(cast.kcfg, ce), "last-pitch"), topic: topic, fromBeginning: true,
			interval: c.Duration("interval"), output: output})
	})
	var startErr error
	for range 2 {
		if _, err := cast.stage.addAnnouncer(); err != nil {
			startErr = err
		}
	}
	if _, err := cast.stage.startScores(); err != nil {
		startErr = err
	}
	if cast.page != nil {
		start("web", func(ctx context.Context, ce *env) error {
			return serveDemoPage(ctx, ce, cast.page, withClientID(withLog(cast.kcfg, ce), "web"), topic, cast.stage)
		})
	}
	wg.Wait()
	close(errs)
	return errors.Join(startErr, <-errs)
}

// demoCluster is the cluster the tour runs on: --brokers with the client
// flags, or else the embedded broker of --nodes nodes, started on a free
// loopback port if --listen's is taken; nil for a cluster of yours.
func demoCluster(c *cli.Context, e *env) (kafkaio.Config, *embedded.Broker, error) {
	if c.IsSet("brokers") {
		for _, name := range []string{"listen", "nodes"} {
			if c.IsSet(name) {
				return kafkaio.Config{}, nil, usageErrorf(c, "--%s is for the embedded broker; with --brokers there is none", name)
			}
		}
		kcfg, err := kafkaConfig(c, e)
		return kcfg, nil, err
	}
	for _, name := range []string{"X", "config", "timeout"} {
		if c.IsSet(name) {
			return kafkaio.Config{}, nil, usageErrorf(c, "--%s is for a cluster of yours, with --brokers; the embedded broker needs none", name)
		}
	}
	if n := c.Int("nodes"); n < 1 || n > maxDemoNodes {
		return kafkaio.Config{}, nil, usageErrorf(c, "--nodes %d: the embedded cluster has 1 to %d nodes", n, maxDemoNodes)
	}
	b, err := startDemoBroker(e, c.String("listen"), c.Int("nodes"))
	if err != nil {
		return kafkaio.Config{}, nil, err
	}
	fmt.Fprintf(e.stdout, "broker | %s: from another terminal, pitchkafka announce --brokers %s --group %s joins the demo's announcers\n",
		b.Bootstrap(), b.Bootstrap(), demoAnnouncers)
	kcfg := kafkaio.Config{Brokers: b.Bootstrap(), Timeout: kafkaio.DefaultTimeout,
		Registry: formats.RegistryConfig{URL: c.String("schema-registry")}}
	return kcfg, b, nil
}

// maxDemoNodes is the most nodes the demo's embedded cluster has: enough
// to show replication, few enough to follow on one page.
const maxDemoNodes = 5

// The groups of the demo's announcers and scores processors.
const (
	demoAnnouncers = "demo-announcers"
	demoScores     = "demo-scores"
)

// startDemoBroker starts the embedded broker on listen, or on a free
// loopback port when that is taken (another broker on 9092, say).
func startDemoBroker(e *env, listen string, nodes int) (*embedded.Broker, error) {
	b, err := startBroker(e, embedded.BrokerOptions{Listen: listen, Nodes: nodes})
	if err != nil && errors.Is(err, syscall.EADDRINUSE) {
		e.log.Info().Str("listen", listen).Msg("the broker's address is taken: listening on a free loopback port instead")
		b, err = startBroker(e, embedded.BrokerOptions{Listen: "127.0.0.1:0", Nodes: nodes})
	}
	return b, err
}

func withLog(cfg kafkaio.Config, e *env) kafkaio.Config {
	cfg.Log = e.log
	return cfg
}

// withClientID names a component's clients, so that the live page and the
// broker's logs tell the members of a group apart.
func withClientID(cfg kafkaio.Config, id string) kafkaio.Config {
	if id == "" {
		return cfg
	}
	props := maps.Clone(cfg.Properties)
	if props == nil {
		props = map[string]string{}
	}
	props["client.id"] = id
	cfg.Properties = props
	return cfg
}

// demoPage listens for the live page at --web, falling back to a free
// loopback port, and prints its URL; nil when --web is "".
func demoPage(c *cli.Context, e *env) (net.Listener, error) {
	if c.String("web") == "" {
		return nil, nil
	}
	ln, err := listenWeb(e, c.String("web"), "--web", true)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(e.stdout, "web | the live page: %s\n", pageURL(ln))
	return ln, nil
}

// serveDemoPage serves the live page on ln until ctx ends, with the
// stage's controls.
func serveDemoPage(ctx context.Context, e *env, ln net.Listener, kcfg kafkaio.Config, topic string, stage web.Controls) error {
	defer ln.Close()
	srv, err := web.New(ctx, web.Options{Kafka: kcfg, Topic: topic, Log: e.log, Controls: stage})
	if err != nil {
		return err
	}
	return srv.Run(ctx, ln)
}

// waitForTopic waits until the topic exists, so consumers find it.
func waitForTopic(ctx context.Context, cfg kafkaio.Config, topic string) error {
	for {
		ok, err := kafkaio.TopicExists(ctx, cfg, topic)
		if err != nil || ok {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
