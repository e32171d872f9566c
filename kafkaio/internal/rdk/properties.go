package rdk

/*
#include <stdio.h>
#include <stdlib.h>
#include "rdkafka.h"

static char *properties_table(size_t *len) {
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);
	if (fp == NULL)
		return NULL;
	rd_kafka_conf_properties_show(fp);
	fclose(fp);
	return buf;
}
*/
import "C"

import (
	"errors"
	"unsafe"
)

// PropertiesTable returns librdkafka's table of every configuration
// property, with its scope, range, default and description, as kcat's
// -X list prints it.
func PropertiesTable() (string, error) {
	var n C.size_t
	buf := C.properties_table(&n)
	if buf == nil {
		return "", errors.New("librdkafka could not list its properties")
	}
	defer C.free(unsafe.Pointer(buf))
	return C.GoStringN(buf, C.int(n)), nil
}
