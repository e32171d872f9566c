/*
 * pitchkafka's batch path to librdkafka's C API: one call from Go per batch
 * of records, callbacks counted in C and reported to Go. See rdk.go.
 */
#ifndef PITCHKAFKA_RDK_H
#define PITCHKAFKA_RDK_H

#include <stdint.h>
#include <stdlib.h>
#include "rdkafka.h"

/* A producer handle and what its delivery reports have counted. */
typedef struct pk_producer {
	rd_kafka_t *rk;
	rd_kafka_topic_t *rkt;
	uintptr_t handle;  /* the Go side's cgo.Handle */
	int64_t delivered; /* atomic: delivery reports without error */
} pk_producer;

/*
 * One record of a batch, located in the batch's buffer. A length of -1 is a
 * null key or value. Headers, if hdr_len > 0, are encoded back to back:
 * uint16 name length, name, int32 value length (-1: null), value.
 */
typedef struct pk_record {
	int64_t ts_ms; /* 0: now */
	int32_t key_off, key_len;
	int32_t val_off, val_len;
	int32_t hdr_off, hdr_len;
} pk_record;

pk_producer *pk_producer_new(rd_kafka_conf_t *conf, uintptr_t handle,
                             const char *topic, char *errstr, size_t errstr_size);
int pk_produce_batch(pk_producer *p, const char *buf, const pk_record *recs,
                     int n, int *errp);
int64_t pk_delivered(pk_producer *p);
void pk_producer_wake(pk_producer *p);
void pk_producer_destroy(pk_producer *p);

/* One consumed message as Go reads it; key and value point into
 * librdkafka's memory, valid until the next pk_consume_batch or
 * pk_consumer_destroy. */
typedef struct pk_msg {
	const char *value; /* NULL: null value */
	int64_t value_len;
	const char *key; /* NULL: null key */
	int64_t key_len;
	int64_t offset;
	int64_t ts_ms;
	int32_t partition;
	int32_t err;
	int32_t hdr_cnt;
} pk_msg;

/*
 * A rebalance a group consumer was told of inside a batch call, kept for Go
 * to act on once the batch is read: assign (err ASSIGN_PARTITIONS) or
 * revoke, lost if the assignment was lost, and its own copy of the
 * partitions.
 */
typedef struct pk_rebalance {
	int32_t err;
	int lost;
	rd_kafka_topic_partition_list_t *parts;
} pk_rebalance;

/* How many rebalances a batch call can keep; librdkafka sends the next only
 * once the last is acted on, so more is a bug, acted on in C at once. */
#define PK_REBALANCES 4

/* A consumer handle, its queue, its current batch and, for a group
 * consumer, the rebalances kept since Go last took them. */
typedef struct pk_consumer {
	rd_kafka_t *rk;
	rd_kafka_queue_t *q;
	uintptr_t handle;
	rd_kafka_message_t **msgs;
	pk_msg *out;
	int cap, n;
	int closing; /* set by pk_consumer_destroy: rebalances are acted on in C */
	pk_rebalance rb[PK_REBALANCES];
	int nrb;
} pk_consumer;

pk_consumer *pk_consumer_new(rd_kafka_conf_t *conf, uintptr_t handle, int cap,
                             int group, char *errstr, size_t errstr_size);
int pk_consume_batch(pk_consumer *c, int timeout_ms);
int pk_take_rebalance(pk_consumer *c, pk_rebalance *out);
int pk_rebalance_apply(rd_kafka_t *rk, int assign, rd_kafka_topic_partition_list_t *parts,
                       char *errstr, size_t errstr_size);
int pk_commit(pk_consumer *c, int timeout_ms);
int pk_msg_header(pk_consumer *c, int i, size_t idx, const char **name,
                  const void **value, size_t *size);
void pk_consumer_destroy(pk_consumer *c);

#endif
