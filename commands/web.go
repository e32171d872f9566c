package commands

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"

	"github.com/pitchkafka/pitchkafka/embedded"
	"github.com/pitchkafka/pitchkafka/kafkaio"
	"github.com/pitchkafka/pitchkafka/web"
	"github.com/urfave/cli/v2"
)

type webOptions struct {
	kafka  kafkaio.Config
	topic  string
	listen string
}

func webCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "web",
		Usage: "a live page of the games and of Kafka itself: partitions, consumer groups, lag",
		Description: "Serves one page, for a browser on a projector: a card per game, the topic's\n" +
			"partitions as logs filling up (each record in its game's colour), every\n" +
			"consumer group reading the topic with its members, the partitions each owns,\n" +
			"committed offsets and lag, the rebalances as they happen, and the last-pitch\n" +
			"table. It reads the topic from the beginning by assignment (no group), and\n" +
			"asks the cluster about its groups through the Admin API once a second.\n" +
			"The page is read-only and works offline; it prints its URL on stdout.\n\n" +
			"Examples:\n" +
			"  pitchkafka web                               # http://127.0.0.1:8080/\n" +
			"  pitchkafka web --listen 127.0.0.1:9000 --brokers kafka:9092 --topic pitches",
		Flags: append(kafkaFlags(),
			&cli.StringFlag{Name: "listen", Value: "127.0.0.1:8080", Usage: "`HOST:PORT` to serve the page on"},
		),
		Action: func(c *cli.Context) error {
			kcfg, err := kafkaConfig(c, e)
			if err != nil {
				return doneIfListed(err)
			}
			if _, _, err := embedded.ParseListen(c.String("listen")); err != nil {
				return usageErrorf(c, "--listen %v, e.g. 127.0.0.1:8080", err)
			}
			return runWeb(c.Context, e, webOptions{kafka: kcfg, topic: c.String("topic"), listen: c.String("listen")})
		},
	}
}

// runWeb serves the page until ctx ends.
func runWeb(ctx context.Context, e *env, opts webOptions) error {
	ln, err := listenWeb(e, opts.listen, "--listen", false)
	if err != nil {
		return err
	}
	defer ln.Close()
	srv, err := web.New(ctx, web.Options{Kafka: opts.kafka, Topic: opts.topic, Log: e.log})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, pageURL(ln))
	return srv.Run(ctx, ln)
}

// listenWeb listens on addr. With fallback, an address in use gives way to
// a free loopback port. It warns, as the broker does, when the page can be
// reached beyond loopback.
func listenWeb(e *env, addr, flag string, fallback bool) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil && fallback && errors.Is(err, syscall.EADDRINUSE) {
		e.log.Info().Str("listen", addr).Msg("the page's address is taken: serving it on a free loopback port instead")
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		return nil, fmt.Errorf("serve the page on %s: %w: choose another address with %s", addr, err, flag)
	}
	if host, _, _ := net.SplitHostPort(addr); !isLoopback(host) {
		e.log.Warn().Str("listen", addr).Msg("the page listens beyond loopback with no authentication: anyone who can reach it can watch the games, the groups and their members")
	}
	return ln, nil
}

// pageURL is the address to open in a browser.
func pageURL(ln net.Listener) string {
	addr := ln.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return fmt.Sprintf("http://%s/", net.JoinHostPort(host, fmt.Sprint(addr.Port)))
}
