package kafkaio

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// ErrStopTimedOut says that a processor gave up waiting for the broker while
// stopping: what it had not committed is left to the broker to abort.
var ErrStopTimedOut = errors.New("stopping took the whole timeout")

// stopClock bounds how long a processor takes to stop: from start, every
// client call waits at most the timeout in all, not each its own.
//
// Without it, stopping against a broker that does not answer took the sum
// of the waits: SendOffsetsToTransaction waits out its AddOffsetsToTxn
// request (transaction.timeout.ms) whatever timeout it is given, then the
// abort, the abort again in Close, leaving the group and closing each client
// each waited up to the timeout of their own.
type stopClock struct {
	timeout  time.Duration
	ctx      context.Context // done when the time to stop is up
	cancel   context.CancelFunc
	stopping chan struct{} // closed when the clock starts
	once     sync.Once
	running  atomic.Int32 // calls given up on, still running
}

func (c *stopClock) init(timeout time.Duration) {
	c.timeout = timeout
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.stopping = make(chan struct{})
}

// start starts the clock, once.
func (c *stopClock) start() {
	c.once.Do(func() {
		close(c.stopping)
		time.AfterFunc(c.timeout, c.cancel)
	})
}

// await runs a blocking client call on a goroutine of its own and waits for
// it, until the time to stop is up: then the call is left running, counted,
// and ErrStopTimedOut returned.
func (c *stopClock) await(call func() error) error {
	if c.ctx.Err() != nil {
		return fmt.Errorf("%w (%v)", ErrStopTimedOut, c.timeout)
	}
	done := make(chan error, 1)
	go func() { done <- call() }()
	select {
	case err := <-done:
		return err
	case <-c.ctx.Done():
	}
	select { // both may be ready
	case err := <-done:
		return err
	default:
	}
	c.running.Add(1)
	go func() {
		<-done
		c.running.Add(-1)
	}()
	return fmt.Errorf("%w (%v)", ErrStopTimedOut, c.timeout)
}

// abandoned reports whether a call given up on is still running: the
// client it belongs to must not be closed under it.
func (c *stopClock) abandoned() bool { return c.running.Load() > 0 }

// err returns ErrStopTimedOut, wrapped, if the time to stop ran out.
func (c *stopClock) err() error {
	if c.ctx.Err() == nil {
		return nil
	}
	return fmt.Errorf("%w (%v): the transaction left open is aborted by the broker within transaction.timeout.ms, unseen by read_committed readers", ErrStopTimedOut, c.timeout)
}
