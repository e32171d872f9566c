#include <string.h>
#include "rdk.h"
#include "_cgo_export.h"

/* Delivery reports: a success is counted here, each failure goes to Go. */
static void pk_dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
	pk_producer *p = opaque;
	(void)rk;
	if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
		__atomic_add_fetch(&p->delivered, 1, __ATOMIC_RELAXED);
		return;
	}
	pkDeliveryFailed(p->handle, m->err, m->partition, m->offset);
}

/* The Go handle is the first field after rk of both handles' opaque. */
static uintptr_t pk_handle(rd_kafka_t *rk) {
	return rd_kafka_type(rk) == RD_KAFKA_PRODUCER
	    ? ((pk_producer *)rd_kafka_opaque(rk))->handle
	    : ((pk_consumer *)rd_kafka_opaque(rk))->handle;
}

/* Errors: a fatal one is replaced by its underlying error. */
static void pk_error(rd_kafka_t *rk, int err, const char *reason, void *opaque) {
	char buf[512];
	int fatal = 0;
	if (err == RD_KAFKA_RESP_ERR__FATAL) {
		fatal = 1;
		err = rd_kafka_fatal_error(rk, buf, sizeof(buf));
		reason = buf;
	}
	(void)opaque;
	pkError(pk_handle(rk), err, (char *)reason, fatal);
}

static int pk_stats(rd_kafka_t *rk, char *json, size_t len, void *opaque) {
	(void)opaque;
	pkStats(pk_handle(rk), json, (int)len);
	return 0; /* librdkafka frees json */
}

static void pk_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
	if (rd_kafka_opaque(rk) != NULL)
		pkLog(pk_handle((rd_kafka_t *)rk), level, (char *)fac, (char *)buf);
}

/*
 * pk_producer_new creates a producer from conf, which it owns from then on
 * (also on failure). Logs are served by rd_kafka_poll, on the Go goroutine
 * that polls, not from librdkafka's threads.
 */
pk_producer *pk_producer_new(rd_kafka_conf_t *conf, uintptr_t handle,
                             const char *topic, char *errstr, size_t errstr_size) {
	pk_producer *p = calloc(1, sizeof(*p));
	if (p == NULL) {
		rd_kafka_conf_destroy(conf);
		snprintf(errstr, errstr_size, "out of memory");
		return NULL;
	}
	p->handle = handle;
	if (rd_kafka_conf_set(conf, "log.queue", "true", errstr, errstr_size) != RD_KAFKA_CONF_OK) {
		rd_kafka_conf_destroy(conf);
		free(p);
		return NULL;
	}
	rd_kafka_conf_set_opaque(conf, p);
	rd_kafka_conf_set_dr_msg_cb(conf, pk_dr);
	rd_kafka_conf_set_error_cb(conf, pk_error);
	rd_kafka_conf_set_stats_cb(conf, pk_stats);
	rd_kafka_conf_set_log_cb(conf, pk_log);
	p->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, errstr_size);
	if (p->rk == NULL) {
		rd_kafka_conf_destroy(conf);
		free(p);
		return NULL;
	}
	rd_kafka_set_log_queue(p->rk, NULL); /* the main queue, served by rd_kafka_poll */
	p->rkt = rd_kafka_topic_new(p->rk, topic, NULL);
	if (p->rkt == NULL) {
		snprintf(errstr, errstr_size, "topic %s: %s", topic, rd_kafka_err2str(rd_kafka_last_error()));
		rd_kafka_destroy(p->rk);
		free(p);
		return NULL;
	}
	return p;
}

/* pk_headers decodes a record's headers (see pk_record). */
static rd_kafka_headers_t *pk_headers(const char *b, int32_t len) {
	rd_kafka_headers_t *hdrs = rd_kafka_headers_new(4);
	const char *end = b + len;
	while (b + 2 <= end) {
		uint16_t nlen;
		int32_t vlen;
		memcpy(&nlen, b, 2);
		const char *name = b + 2;
		memcpy(&vlen, name + nlen, 4);
		const char *value = name + nlen + 4;
		rd_kafka_header_add(hdrs, name, nlen, vlen < 0 ? NULL : value, vlen < 0 ? 0 : vlen);
		b = value + (vlen < 0 ? 0 : vlen);
	}
	return hdrs;
}

static rd_kafka_resp_err_t pk_produce(pk_producer *p, const char *buf, const pk_record *r) {
	const void *key = r->key_len < 0 ? NULL : buf + r->key_off;
	const void *val = r->val_len < 0 ? NULL : buf + r->val_off;
	size_t klen = r->key_len < 0 ? 0 : (size_t)r->key_len;
	size_t vlen = r->val_len < 0 ? 0 : (size_t)r->val_len;
	/* NULL headers mean none, as confluent-kafka-go passes them too. */
	rd_kafka_headers_t *hdrs = r->hdr_len > 0 ? pk_headers(buf + r->hdr_off, r->hdr_len) : NULL;
	rd_kafka_resp_err_t err = rd_kafka_producev(
	    p->rk, RD_KAFKA_V_RKT(p->rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
	    RD_KAFKA_V_KEY(key, klen), RD_KAFKA_V_VALUE((void *)val, vlen),
	    RD_KAFKA_V_TIMESTAMP(r->ts_ms), RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR && hdrs)
		rd_kafka_headers_destroy(hdrs); /* librdkafka owns them only on success */
	return err;
}

/*
 * pk_produce_batch hands records to librdkafka, copying each, and returns how
 * many it took; at the first refusal it stops and sets *errp (QUEUE_FULL:
 * wait for deliveries and call again with the rest).
 */
int pk_produce_batch(pk_producer *p, const char *buf, const pk_record *recs, int n, int *errp) {
	*errp = 0;
	for (int i = 0; i < n; i++) {
		rd_kafka_resp_err_t err = pk_produce(p, buf, &recs[i]);
		if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
			*errp = err;
			return i;
		}
	}
	return n;
}

int64_t pk_delivered(pk_producer *p) {
	return __atomic_load_n(&p->delivered, __ATOMIC_RELAXED);
}

/*
 * pk_producer_wake makes an rd_kafka_poll under way on another thread, or
 * the next one, return at once. (rd_kafka_yield works only from a
 * callback, on the polling thread itself.)
 */
void pk_producer_wake(pk_producer *p) {
	rd_kafka_queue_t *q = rd_kafka_queue_get_main(p->rk);
	rd_kafka_queue_yield(q);
	rd_kafka_queue_destroy(q);
}

/* pk_producer_destroy closes the producer; callbacks are not served after. */
void pk_producer_destroy(pk_producer *p) {
	rd_kafka_topic_destroy(p->rkt);
	rd_kafka_destroy(p->rk);
	free(p);
}

/*
 * pk_rebalance_apply changes the assignment as a rebalance says:
 * incrementally under the cooperative protocols (cooperative-sticky and
 * KIP-848's), whole under the eager ones. It returns the error code, with
 * its text in errstr.
 */
int pk_rebalance_apply(rd_kafka_t *rk, int assign, rd_kafka_topic_partition_list_t *parts,
                       char *errstr, size_t errstr_size) {
	const char *proto = rd_kafka_rebalance_protocol(rk);
	errstr[0] = '\0';
	if (proto != NULL && strcmp(proto, "COOPERATIVE") == 0) {
		rd_kafka_error_t *e = assign ? rd_kafka_incremental_assign(rk, parts)
		                             : rd_kafka_incremental_unassign(rk, parts);
		int code = 0;
		if (e != NULL) {
			code = rd_kafka_error_code(e);
			snprintf(errstr, errstr_size, "%s", rd_kafka_error_string(e));
			rd_kafka_error_destroy(e);
		}
		return code;
	}
	rd_kafka_resp_err_t err = rd_kafka_assign(rk, assign ? parts : NULL);
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
		snprintf(errstr, errstr_size, "%s", rd_kafka_err2str(err));
	return err;
}

/*
 * pk_rebalance_cb runs inside a batch call, where librdkafka serves the
 * rebalance in the middle of filling the batch. It keeps the rebalance for
 * Go, which acts on it once it has the batch's records, all polled before
 * the partitions go; and it makes the call return as soon as the queue is
 * empty. Closing, nobody is left to act on it, so it is acted on here.
 */
static void pk_rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                            rd_kafka_topic_partition_list_t *parts, void *opaque) {
	pk_consumer *c = opaque;
	char errstr[256];
	if (c->closing || c->nrb == PK_REBALANCES) {
		pk_rebalance_apply(rk, err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS, parts, errstr, sizeof(errstr));
		return;
	}
	pk_rebalance *r = &c->rb[c->nrb++];
	r->err = err;
	r->lost = rd_kafka_assignment_lost(rk);
	r->parts = rd_kafka_topic_partition_list_copy(parts);
	rd_kafka_queue_yield(c->q);
}

/* pk_take_rebalance moves the oldest rebalance kept into *out, whose
 * partitions the caller then owns; 0 if there is none. */
int pk_take_rebalance(pk_consumer *c, pk_rebalance *out) {
	if (c->nrb == 0)
		return 0;
	*out = c->rb[0];
	memmove(&c->rb[0], &c->rb[1], (size_t)(c->nrb - 1) * sizeof(c->rb[0]));
	c->nrb--;
	return 1;
}

/* Offset commits, automatic and asked for, are reported to Go as they are
 * served. */
static void pk_committed(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *offsets, void *opaque) {
	(void)rk;
	pkCommitted(((pk_consumer *)opaque)->handle, err, offsets);
}

/*
 * pk_commit commits the offsets stored for the current assignment and waits
 * for the answer at most timeout_ms (then RD_KAFKA_RESP_ERR__TIMED_OUT: the
 * commit may still complete). The offsets committed are reported by
 * pk_committed, as every commit's.
 */
int pk_commit(pk_consumer *c, int timeout_ms) {
	rd_kafka_queue_t *q = rd_kafka_queue_new(c->rk);
	rd_kafka_resp_err_t err = rd_kafka_commit_queue(c->rk, NULL, q, NULL, NULL);
	if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
		rd_kafka_event_t *ev = rd_kafka_queue_poll(q, timeout_ms);
		if (ev == NULL) {
			err = RD_KAFKA_RESP_ERR__TIMED_OUT;
		} else {
			err = rd_kafka_event_error(ev);
			rd_kafka_event_destroy(ev);
		}
	}
	rd_kafka_queue_destroy(q); /* an answer coming later is dropped */
	return err;
}

/*
 * pk_consumer_new creates a consumer from conf, which it owns from then on
 * (also on failure). Its callbacks and logs are served by pk_consume_batch,
 * on the goroutine that reads. A group consumer keeps the rebalances for Go
 * (pk_rebalance_cb) and reports its commits.
 */
pk_consumer *pk_consumer_new(rd_kafka_conf_t *conf, uintptr_t handle, int cap,
                             int group, char *errstr, size_t errstr_size) {
	pk_consumer *c = calloc(1, sizeof(*c));
	if (c != NULL) {
		c->msgs = calloc(cap, sizeof(*c->msgs));
		c->out = calloc(cap, sizeof(*c->out));
	}
	if (c == NULL || c->msgs == NULL || c->out == NULL) {
		snprintf(errstr, errstr_size, "out of memory");
		goto fail;
	}
	c->handle = handle;
	c->cap = cap;
	if (rd_kafka_conf_set(conf, "log.queue", "true", errstr, errstr_size) != RD_KAFKA_CONF_OK)
		goto fail;
	rd_kafka_conf_set_opaque(conf, c);
	rd_kafka_conf_set_error_cb(conf, pk_error);
	rd_kafka_conf_set_stats_cb(conf, pk_stats);
	rd_kafka_conf_set_log_cb(conf, pk_log);
	if (group) {
		rd_kafka_conf_set_rebalance_cb(conf, pk_rebalance_cb);
		rd_kafka_conf_set_offset_commit_cb(conf, pk_committed);
	}
	c->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, errstr_size);
	if (c->rk == NULL)
		goto fail;
	rd_kafka_set_log_queue(c->rk, NULL);
	rd_kafka_poll_set_consumer(c->rk); /* callbacks are served with the records */
	c->q = rd_kafka_queue_get_consumer(c->rk);
	return c;
fail:
	rd_kafka_conf_destroy(conf);
	if (c != NULL) {
		free(c->msgs);
		free(c->out);
		free(c);
	}
	return NULL;
}

/* pk_release destroys the current batch's messages. */
static void pk_release(pk_consumer *c) {
	for (int i = 0; i < c->n; i++)
		rd_kafka_message_destroy(c->msgs[i]);
	c->n = 0;
}

/*
 * pk_consume_batch releases the previous batch and waits up to timeout_ms
 * for the next, which it describes in c->out; it returns its length. The
 * batch is what is ready once the first message comes: one call waits
 * for that message, a second takes the rest without waiting.
 * rd_kafka_consume_batch_queue alone waits until the batch is full or the
 * timeout has passed, which held records arriving at a trickle for up to
 * the whole timeout.
 */
int pk_consume_batch(pk_consumer *c, int timeout_ms) {
	pk_release(c);
	ssize_t n = rd_kafka_consume_batch_queue(c->q, timeout_ms, c->msgs, 1);
	if (n == 1 && c->cap > 1) {
		ssize_t more = rd_kafka_consume_batch_queue(c->q, 0, c->msgs + 1, c->cap - 1);
		n += more > 0 ? more : 0;
	}
	if (n < 0)
		return 0;
	c->n = (int)n;
	for (int i = 0; i < c->n; i++) {
		rd_kafka_message_t *m = c->msgs[i];
		pk_msg *o = &c->out[i];
		rd_kafka_headers_t *hdrs = NULL;
		o->value = m->payload;
		o->value_len = m->payload ? (int64_t)m->len : -1;
		o->key = m->key;
		o->key_len = m->key ? (int64_t)m->key_len : -1;
		o->offset = m->offset;
		o->ts_ms = rd_kafka_message_timestamp(m, NULL);
		o->partition = m->partition;
		o->err = m->err;
		o->hdr_cnt = 0;
		if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR &&
		    rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR)
			o->hdr_cnt = (int32_t)rd_kafka_header_cnt(hdrs);
		if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR && m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
			/* the error's text, in place of the payload */
			o->value = rd_kafka_message_errstr(m);
			o->value_len = (int64_t)strlen(o->value);
		}
	}
	return c->n;
}

/* pk_msg_header reads header idx of message i of the current batch. */
int pk_msg_header(pk_consumer *c, int i, size_t idx, const char **name,
                  const void **value, size_t *size) {
	rd_kafka_headers_t *hdrs = NULL;
	if (i < 0 || i >= c->n || rd_kafka_message_headers(c->msgs[i], &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR)
		return -1;
	return rd_kafka_header_get_all(hdrs, idx, name, value, size) == RD_KAFKA_RESP_ERR_NO_ERROR ? 0 : -1;
}

/*
 * pk_consumer_destroy releases the batch and closes the consumer. Rebalances
 * kept and not taken are acted on first, and those closing serves after, so
 * that the group is left.
 */
void pk_consumer_destroy(pk_consumer *c) {
	pk_rebalance r;
	char errstr[256];
	pk_release(c);
	c->closing = 1;
	while (pk_take_rebalance(c, &r)) {
		pk_rebalance_apply(c->rk, r.err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS, r.parts, errstr, sizeof(errstr));
		rd_kafka_topic_partition_list_destroy(r.parts);
	}
	rd_kafka_queue_destroy(c->q);
	rd_kafka_consumer_close(c->rk);
	rd_kafka_destroy(c->rk);
	free(c->msgs);
	free(c->out);
	free(c);
}
