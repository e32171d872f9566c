package commands

import (
	"context"
	"errors"
	"io"
	"time"
)

// errOutputBlocked is what writes fail with once a stuck write was given up.
var errOutputBlocked = errors.New("stdout took no output after the stop was asked for, so writing was given up: " +
	"what was not written keeps its offset uncommitted, for the next member to announce")

// abandonableWriter writes to w on a goroutine of its own, so that a write
// stuck on a pipe nobody reads can be given up: once ctx has ended, a write
// that has not finished within grace fails, and so does every later one.
// Until ctx ends, writes wait as long as they must. It is used by one
// goroutine at a time.
type abandonableWriter struct {
	ctx    context.Context
	grace  time.Duration
	todo   chan []byte
	done   chan writeResult
	gaveUp bool
}

type writeResult struct {
	n   int
	err error
}

func newAbandonableWriter(ctx context.Context, w io.Writer, grace time.Duration) *abandonableWriter {
	a := &abandonableWriter{ctx: ctx, grace: grace, todo: make(chan []byte), done: make(chan writeResult, 1)}
	go func() {
		for p := range a.todo {
			n, err := w.Write(p)
			a.done <- writeResult{n, err}
		}
	}()
	return a
}

// Write writes p, or gives up as described above. A write given up on may
// still finish, or not; the caller must not touch p again (bufio.Writer,
// which keeps the error, does not).
func (a *abandonableWriter) Write(p []byte) (int, error) {
	if a.gaveUp {
		return 0, errOutputBlocked
	}
	a.todo <- p // the writing goroutine is idle: the last write finished
	select {
	case r := <-a.done:
		return r.n, r.err
	case <-a.ctx.Done():
	}
	t := time.NewTimer(a.grace)
	defer t.Stop()
	select {
	case r := <-a.done:
		return r.n, r.err
	case <-t.C:
		a.gaveUp = true
		return 0, errOutputBlocked
	}
}

// Close ends the writing goroutine, unless a write was given up: that one
// is left to finish, or to end with the process.
func (a *abandonableWriter) Close() error {
	close(a.todo)
	return nil
}
