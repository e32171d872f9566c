package kafkaio

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/rs/zerolog"
)

// statsInterval is how often librdkafka reports its statistics, from
// which pitchkafka learns of requests it retried without a word.
const statsInterval = 1000

// brokerErrors watches librdkafka's statistics for requests the brokers
// answered with errors, timed out or that were retried, which librdkafka
// otherwise handles silently, and logs them when their counts rise.
type brokerErrors struct {
	log                               zerolog.Logger
	retries, errors, timeouts, resent int64
	// codes, for a group member, are the errors its group requests were
	// answered with, which the statistics count but do not name.
	codes *requestCodes
	// rebalancing is when the member's group join state left steady.
	rebalancing time.Time
	stuckWarned time.Time
	leaders     leaderWatch
	now         func() time.Time // time.Now unless a test fixes the clock
}

// librdkafkaStats is the part of librdkafka's statistics JSON read here.
type librdkafkaStats struct {
	TxMsgs int64 `json:"txmsgs"`  // messages sent, resends counted again
	MsgCnt int64 `json:"msg_cnt"` // messages queued or in flight
	Cgrp   *struct {
		JoinState       string `json:"join_state"`
		RebalanceReason string `json:"rebalance_reason"`
	} `json:"cgrp"`
	Brokers map[string]struct {
		TxErrs      int64 `json:"txerrs"`
		TxRetries   int64 `json:"txretries"`
		RxErrs      int64 `json:"rxerrs"`
		ReqTimeouts int64 `json:"req_timeouts"`
	} `json:"brokers"`
	Topics map[string]statsTopic `json:"topics"`
}

// observe reads one statistics report and logs what rose since the last.
// settled is how many records a producer has had delivery reports for (at
// least), or -1 for a consumer: messages sent beyond those settled and
// those still queued were sent again after a broker error.
func (b *brokerErrors) observe(statsJSON string, settled int64) {
	var st librdkafkaStats
	if json.Unmarshal([]byte(statsJSON), &st) != nil {
		return
	}
	var retries, errs, timeouts int64
	var failing []string
	for name, br := range st.Brokers {
		retries += br.TxRetries
		errs += br.TxErrs + br.RxErrs
		timeouts += br.ReqTimeouts
		if br.TxErrs+br.RxErrs+br.ReqTimeouts > 0 {
			failing = append(failing, name)
		}
	}
	sort.Strings(failing)
	b.watchRebalance(st)
	b.leaders.observe(b.log, st.Topics)
	resent := b.resent
	if settled >= 0 {
		resent = max(resent, st.TxMsgs-settled-st.MsgCnt)
	}
	if retries > b.retries || errs > b.errors || timeouts > b.timeouts || resent > b.resent {
		ev := b.log.Warn().Int64("requests_retried", retries-b.retries).Int64("errors", errs-b.errors).
			Int64("timed_out", timeouts-b.timeouts).Int64("records_resent", resent-b.resent).Strs("brokers", failing)
		msg := "brokers answered requests with errors; the client retried them"
		if codes := b.codes.take(); len(codes) > 0 {
			ev = ev.Interface("answered", codes)
			msg = "brokers answered requests with errors (see answered); the client retried them"
		}
		if st.Cgrp != nil {
			ev = ev.Str("group_join_state", st.Cgrp.JoinState)
		}
		ev.Msg(msg)
	}
	b.retries, b.errors, b.timeouts = max(b.retries, retries), max(b.errors, errs), max(b.timeouts, timeouts)
	b.resent = resent
}

// stuckAfter is how long a member may spend rebalancing before it says so.
const stuckAfter = 30 * time.Second

// watchRebalance warns, every stuckAfter, while the member's group has
// been rebalancing for longer than stuckAfter: the coordinator is waiting
// for a member, typically one that died mid-join, until its session
// times out.
func (b *brokerErrors) watchRebalance(st librdkafkaStats) {
	if st.Cgrp == nil || st.Cgrp.JoinState == "" || st.Cgrp.JoinState == "steady" || st.Cgrp.JoinState == "init" {
		b.rebalancing = time.Time{}
		return
	}
	now := time.Now()
	if b.now != nil {
		now = b.now()
	}
	if b.rebalancing.IsZero() {
		b.rebalancing = now
		return
	}
	if now.Sub(b.rebalancing) < stuckAfter || now.Sub(b.stuckWarned) < stuckAfter {
		return
	}
	b.stuckWarned = now
	b.log.Warn().Str("group_join_state", st.Cgrp.JoinState).Str("reason", st.Cgrp.RebalanceReason).
		Dur("for", now.Sub(b.rebalancing).Round(time.Second)).Interface("answered", b.codes.peek()).
		Msg("the group has not finished rebalancing: the coordinator is waiting for a member, perhaps one that died while joining, until its session times out")
}

// requestCodes counts the errors a group member's requests were answered
// with, as librdkafka's cgrp debug lines name them ("Broker: Unknown
// member"), per request ("HEARTBEAT: …").
type requestCodes struct {
	mu     sync.Mutex
	counts map[string]int
}

func newRequestCodes() *requestCodes { return &requestCodes{counts: map[string]int{}} }

// noting wraps a log level function so that it notes, first, the error
// named by each cgrp debug line.
func (c *requestCodes) noting(levelOf func(kafka.LogEvent) zerolog.Level) func(kafka.LogEvent) zerolog.Level {
	return func(ev kafka.LogEvent) zerolog.Level {
		if ev.Level == 7 {
			c.note(ev.Tag, ev.Message)
		}
		return levelOf(ev)
	}
}

func (c *requestCodes) note(tag, msg string) {
	i := strings.Index(msg, "Broker: ")
	if i < 0 {
		if i = strings.Index(msg, "Local: "); i < 0 {
			return
		}
	}
	code := msg[i:]
	if j := strings.IndexAny(code, "()\"\n"); j >= 0 {
		code = code[:j]
	}
	code = strings.TrimSpace(strings.TrimRight(code, " .,:"))
	if code == "Broker: No error" || code == "Local: No error" || code == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.counts) < 32 { // bounded, whatever librdkafka says
		c.counts[tag+": "+code]++
	} else if _, ok := c.counts[tag+": "+code]; ok {
		c.counts[tag+": "+code]++
	}
}

// take returns the counts so far and starts again.
func (c *requestCodes) take() map[string]int {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.counts
	c.counts = map[string]int{}
	return out
}

// peek returns a copy of the counts so far.
func (c *requestCodes) peek() map[string]int {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.counts))
	for k, v := range c.counts {
		out[k] = v
	}
	return out
}

// statsTopic is the part of a topic in librdkafka's statistics read here.
type statsTopic struct {
	Partitions map[string]struct {
		Partition int32 `json:"partition"`
		Leader    int32 `json:"leader"`
	} `json:"partitions"`
}

// leaderWatch logs, from a client's statistics, the partitions whose
// leader moved to another broker since the last report: librdkafka follows
// a moved leader without a word.
type leaderWatch struct {
	last map[string]int32 // "topic/partition" to leader node
}

// observe compares the leaders in one statistics report with the last.
func (w *leaderWatch) observe(log zerolog.Logger, topics map[string]statsTopic) {
	moved := map[string]string{}
	for name, t := range topics {
		for _, p := range t.Partitions {
			if p.Partition < 0 || p.Leader < 0 { // the unassigned partition, or no leader known
				continue
			}
			key := fmt.Sprintf("%s/%d", name, p.Partition)
			if was, ok := w.last[key]; ok && was != p.Leader {
				moved[key] = fmt.Sprintf("node %d to node %d", was, p.Leader)
			}
			if w.last == nil {
				w.last = map[string]int32{}
			}
			w.last[key] = p.Leader
		}
	}
	if len(moved) == 0 {
		return
	}
	keys := make([]string, 0, len(moved))
	for k := range moved {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	d := zerolog.Dict()
	for _, k := range keys {
		d = d.Str(k, moved[k])
	}
	log.Info().Dict("moved", d).Msg("partition leaders moved; the client follows them")
}
