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
void pk_producer_destroy(pk_producer *p);

#endif
