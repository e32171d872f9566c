package kafkaio

import (
	"sync"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/rs/zerolog"
)

// errorLog logs librdkafka error events without flooding: one line per
// error code every ten seconds, counting the ones left out.
type errorLog struct {
	log  zerolog.Logger
	mu   sync.Mutex
	last map[string]time.Time
	hush map[string]int
}

func newErrorLog(log zerolog.Logger) *errorLog {
	return &errorLog{log: log, last: map[string]time.Time{}, hush: map[string]int{}}
}

func (l *errorLog) report(err kafka.Error) {
	code := err.Code()
	hidden, ok := l.due(code.String())
	if !ok {
		return
	}
	ev := l.log.Warn()
	if err.IsFatal() {
		ev = l.log.Error()
	}
	ev.Str("code", code.String()).Int("repeats_hidden", hidden).Msg(err.Error())
}

// due reports whether a line of this kind may be logged now, at most once
// every ten seconds, and how many were held back since the last one.
func (l *errorLog) due(kind string) (hidden int, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if time.Since(l.last[kind]) < 10*time.Second {
		l.hush[kind]++
		return 0, false
	}
	hidden = l.hush[kind]
	l.last[kind] = time.Now()
	l.hush[kind] = 0
	return hidden, true
}
