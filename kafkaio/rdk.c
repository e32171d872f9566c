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

/* Errors: a fatal one is replaced by its underlying error. */
static void pk_error(rd_kafka_t *rk, int err, const char *reason, void *opaque) {
	pk_producer *p = opaque;
	char buf[512];
	int fatal = 0;
	if (err == RD_KAFKA_RESP_ERR__FATAL) {
		fatal = 1;
		err = rd_kafka_fatal_error(rk, buf, sizeof(buf));
		reason = buf;
	}
	pkError(p->handle, err, (char *)reason, fatal);
}

static int pk_stats(rd_kafka_t *rk, char *json, size_t len, void *opaque) {
	pk_producer *p = opaque;
	(void)rk;
	pkStats(p->handle, json, (int)len);
	return 0; /* librdkafka frees json */
}

static void pk_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
	pk_producer *p = rd_kafka_opaque(rk);
	if (p != NULL)
		pkLog(p->handle, level, (char *)fac, (char *)buf);
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
	if (r->hdr_len <= 0)
		return rd_kafka_producev(p->rk, RD_KAFKA_V_RKT(p->rkt),
		                         RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
		                         RD_KAFKA_V_KEY(key, klen), RD_KAFKA_V_VALUE((void *)val, vlen),
		                         RD_KAFKA_V_TIMESTAMP(r->ts_ms), RD_KAFKA_V_END);
	rd_kafka_headers_t *hdrs = pk_headers(buf + r->hdr_off, r->hdr_len);
	rd_kafka_resp_err_t err = rd_kafka_producev(
	    p->rk, RD_KAFKA_V_RKT(p->rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
	    RD_KAFKA_V_KEY(key, klen), RD_KAFKA_V_VALUE((void *)val, vlen),
	    RD_KAFKA_V_TIMESTAMP(r->ts_ms), RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
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

/* pk_producer_destroy closes the producer; callbacks are not served after. */
void pk_producer_destroy(pk_producer *p) {
	rd_kafka_topic_destroy(p->rkt);
	rd_kafka_destroy(p->rk);
	free(p);
}
