package kafkaio

import (
	"context"
	"errors"
	"fmt"
	"sync"
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
// it until the time to stop is up; then, or if the time is up already, it
// returns ErrStopTimedOut, wrapped, and a call under way is left running.
// Once the time is up no call is started, so no client is closed under a
// call left running.
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
		return fmt.Errorf("%w (%v)", ErrStopTimedOut, c.timeout)
	}
}

// err returns ErrStopTimedOut, wrapped, if the time to stop ran out.
func (c *stopClock) err() error {
	if c.ctx.Err() == nil {
		return nil
	}
	return fmt.Errorf("%w (%v): the transaction left open is aborted by the broker within transaction.timeout.ms, unseen by read_committed readers", ErrStopTimedOut, c.timeout)
}
