/*
 * sync_report: the parts of sync's report that name certificates (the
 * run log's lists), apart from op_sync.c's flow. Every value from the
 * network goes through md.h.
 */
#ifndef PORT_ACM_SYNC_REPORT_H
#define PORT_ACM_SYNC_REPORT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "buf.h"

/* "domain (region, <third>); ..." for the first max objects of arr
 * (their "domain", "region" and `third` strings, neutralised), into
 * list (reset first): a log line names who needs attention. */
void sync_report_names(
    struct buf *list, const cJSON *arr, const char *third, size_t max);

#endif
