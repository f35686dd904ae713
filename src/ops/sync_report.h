/*
 * sync_report: the parts of sync's report that name certificates (the
 * run log's lists), apart from op_sync.c's flow. Every value from the
 * network goes through md.h.
 */
#ifndef PORT_ACM_SYNC_REPORT_H
#define PORT_ACM_SYNC_REPORT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "port/report.h"

/* The entities Port refused, every one by name, grouped by what was
 * refused and why (issue 16, defect 22). */
struct sync_refusals {
	cJSON *groups;   /* owned: [{"action","status","reason","count",
	                  * "entities":[...]}], in order of first sight */
	unsigned long n; /* entities in all groups */
};

/* Adds one refused entity: deleting, Port's statusCode (0 without an
 * answer) and reason (neutralised by the caller for the log). 0, or -1
 * out of memory (then it is only counted). */
int sync_refusals_add(struct sync_refusals *r, int deleting, const char *id,
    long status, const char *reason);
/* One log line per group into lines (reset first, groups separated by
 * '\n'): "Port refused to write 2 entities (HTTP 422: <reason>): a, b",
 * naming at most max entities per group, then "and N more (see
 * sync_report)". */
void sync_refusals_log(
    const struct sync_refusals *r, struct buf *lines, size_t max);
/* Hands the groups over (for sync_report's "refused"); an empty array
 * when none. The caller frees it (cJSON_Delete or by adding it). */
cJSON *sync_refusals_take(struct sync_refusals *r);
/* sync_refusals_log's lines, each a line of the run's log. */
void sync_refusals_report(
    const struct sync_refusals *r, struct report *rep, size_t max);
void sync_refusals_free(struct sync_refusals *r);

/* Like report_log, but the job log only (stderr), not the Port run's:
 * for lines that come once per (account, region). */
void sync_echo(struct report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* (account, region) units named in one log line: the first max labels,
 * then how many more. Fixed size: nothing to free. */
struct sync_units {
	char names[2048];
	size_t n;     /* all added, named or not */
	size_t named; /* in names */
};

/* Adds label (a unit's "account/region" or region, ours) to u, named
 * while fewer than max are. */
void sync_units_add(struct sync_units *u, const char *label, size_t max);

/* Stale deletion's log line for the units whose listing did not
 * complete (nothing of them is looked for, nor deleted); none when
 * skipped is empty. */
void sync_report_skipped(struct report *rep, const struct sync_units *skipped);

/* What stale deletion says when it deletes nothing for want of stale
 * entities: about listed, the units listed completely, with total
 * entities synced before there (account_known 0: ACM listed nothing, so
 * no entity can be told to be of this account, and total counts those
 * synced by any), and skipped (sync_report_skipped). */
void sync_report_no_stale(struct report *rep, const struct sync_units *listed,
    const struct sync_units *skipped, unsigned long total, int account_known);

/* The catalog of blueprint could not be read (why, Port's words,
 * neutralised here): a sentence for the run's summary and a line of the
 * step summary (md). With delete_stale it says stale deletion was
 * skipped. */
void sync_report_catalog(struct buf *summary, struct buf *md,
    const char *blueprint, const char *why, int delete_stale);

/* Adds o (taken) to list, which keeps the max objects whose number
 * "notAfter" is smallest (issue 16, defect 23): the certificates that
 * expire soonest, whatever order ACM lists them in. */
void sync_report_keep_soonest(cJSON *list, cJSON *o, size_t max);

/* A certificate {arn, domain, region, status, expires, notAfter} into
 * list, counted in *n: the first max of them, or (soonest) the max that
 * expire soonest of them all. Moved from op_sync.c. */
void sync_report_note(cJSON *list, int soonest, unsigned long *n, size_t max,
    const char *arn, const char *domain, const char *region, const char *status,
    double not_after);
/* Sorts list by "notAfter", soonest first. 0, or -1 out of memory
 * (list unchanged). */
int sync_report_sort_soonest(cJSON *list);

/* The certificates expiring within `days`: a run log line naming the
 * first log_max of list (sorted soonest first) with the total n, and a
 * step summary table (md) of all of list, with the total beside it. */
void sync_report_expiring(struct report *rep, struct buf *md, const cJSON *list,
    unsigned long n, int days, size_t log_max);

/* "domain (region, <third>); ..." for the first max objects of arr
 * (their "domain", "region" and `third` strings, neutralised), into
 * list (reset first): a log line names who needs attention. */
void sync_report_names(
    struct buf *list, const cJSON *arr, const char *third, size_t max);

#endif
