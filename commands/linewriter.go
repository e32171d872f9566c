package commands

import (
	"bytes"
	"fmt"
	"io"
	"sync"
)

// lineWriter serialises whole lines from several writers onto one, each
// line prefixed, so concurrent components never interleave mid-line.
type lineWriter struct {
	mu  *sync.Mutex
	out io.Writer
}

// prefixWriter writes complete lines to a shared lineWriter with a prefix.
type prefixWriter struct {
	dst    lineWriter
	prefix string
	buf    []byte
}

func (lw lineWriter) withPrefix(prefix string) *prefixWriter {
	return &prefixWriter{dst: lw, prefix: prefix}
}

func (w *prefixWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		w.dst.mu.Lock()
		_, err := fmt.Fprintf(w.dst.out, "%s%s\n", w.prefix, w.buf[:i])
		w.dst.mu.Unlock()
		w.buf = w.buf[i+1:]
		if err != nil {
			return len(p), err
		}
	}
}
