package commands

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/urfave/cli/v2"
)

// App is pitchkafka's command line: urfave/cli's App, and what a command
// is finishing when it is asked to stop.
type App struct {
	*cli.App
	env *env
}

// stopNote is what the running command does once asked to stop (Ctrl-C,
// SIGTERM), and what quitting at once instead would cost. Each command says
// it when it starts the work a stop has to finish.
type stopNote struct {
	mu           sync.Mutex
	waits, risks string
}

// say sets the note: what a stop waits for, and what quitting now risks.
func (n *stopNote) say(waits, risks string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.waits, n.risks = waits, risks
}

func (n *stopNote) get() (waits, risks string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.waits, n.risks
}

// InterruptContext returns a context that the first Ctrl-C (SIGINT) or
// SIGTERM ends, with a line on the log saying what the command is
// finishing before it stops; the second quits at once, with a line saying
// what that may lose or repeat, through exit. stop ends the watch.
func (a *App) InterruptContext(parent context.Context, exit func(code int)) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(parent)
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-signals:
		case <-done:
			return
		}
		waits, risks := a.env.stopping.get()
		a.env.log.Warn().Msg("stopping: " + waits + " (press Ctrl-C again to quit now)")
		cancel()
		select {
		case <-signals:
		case <-done:
			return
		}
		a.env.log.Error().Msg("quitting now, without finishing: " + risks)
		exit(130)
	}()
	return ctx, func() {
		signal.Stop(signals)
		close(done)
		cancel()
	}
}
