/*
 * sync_pages: what sync does with each ListCertificates page (issue 12,
 * 18, 19), and the state of a sync that op_sync.c shares with it.
 *
 * A page is held by its unit until its region's tags are in
 * (sync_tags.h), then handed to Port's bulk writer entity by entity,
 * only as fast as the writer takes them without waiting (bulk_room), the
 * oldest page first: the listing of the other units goes on meanwhile,
 * and Port's connections stay busy while any page has entities to give.
 * While ACM, STS or the tagging API answers, the writer is served as
 * the run's HTTP side (http_set_side, bulk_side_step), so Port's calls
 * in flight end and the next ones start during the wait too.
 * Each summary becomes an entity (catalog.h), with its details
 * (DescribeCertificate, paced), its readiness (sync_ready.h), its
 * doctor's diagnosis (doctor.h) and its tags; what must outlive the page
 * (expiring and failed certificates, counts per status) goes into the
 * sync's report state.
 */
#ifndef PORT_ACM_SYNC_PAGES_H
#define PORT_ACM_SYNC_PAGES_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "aws/acm.h"
#include "base/buf.h"
#include "base/pager.h"
#include "input/config.h"
#include "ops/ops.h"
#include "ops/stale.h"
#include "ops/sync_accounts.h"
#include "ops/sync_health.h"
#include "ops/sync_index.h"
#include "ops/sync_ready.h"
#include "ops/sync_report.h"
#include "ops/sync_tags.h"
#include "port/bulk.h"

#define LIST_PACE_MS     1000 /* ListCertificates: 1 request/s (§8) */
#define DESCRIBE_PACE_MS 125  /* DescribeCertificate 10/s: stay at 8 */
#define EXPIRY_DAYS      30
#define REPORT_MAX       100 /* certificates listed by name in the report */
#define LOG_MAX          20  /* ... and in one log line */

/* One (account, region) unit: its own ACM client, pace and listing. */
struct region {
	const char *name; /* the region; borrowed from the config */
	size_t account;   /* index into sync's accounts */
	char label[80];   /* "123456789012/us-east-1", or the region alone */
	struct acm *acm;
	struct buf token;          /* NextToken; empty before the first page */
	struct pager pager;        /* bounds the pages (pager.h) */
	int done, failed, refused; /* refused: too many stale */
	long long next_at, describe_at;
	unsigned long pages, listed, queued, skipped;
	unsigned long by_status[CONFIG_NSTATUSES + 1]; /* + unknown */
	unsigned long catalog;       /* entities of the region before the run */
	unsigned long synced, stale; /* ours, and ours ACM did not list */
	struct buf error;
	cJSON *held; /* a page waiting for its tags (sync_tags.h) or for
	              * Port to take its entities */
	cJSON *next; /* held's next summary to write */
	unsigned long tags_seen; /* sync_tags_version when held was last
	                          * looked through for known tags */
};

struct sync {
	struct op_env *env;
	const struct config *c;
	struct region *r;
	size_t nr;
	struct bulk *bulk;
	struct sync_index ix;      /* the catalog before the run */
	struct sync_accounts acc;  /* the accounts, their credentials */
	struct sync_tags *tags;    /* every certificate's tags (sync_tags.h) */
	struct sync_health health; /* fail_on (sync_health.h) */
	struct sync_ready *ready;  /* include_details (sync_ready.h) */
	int catalog_ok;
	size_t *held, nheld; /* units holding a page, oldest first */
	char account[16];
	double now;
	cJSON *expiring, *attention; /* at most REPORT_MAX entries each */
	unsigned long nexpiring, nattention, dry_writes, failed, deleted;
	unsigned long would_delete;
	unsigned long fail_logged; /* other warnings, bounded */
	char reasons[8][256];      /* distinct Port refusals, logged once */
	size_t nreasons;
	unsigned long nfailures;       /* rows in failures */
	int refused;                   /* stale threshold */
	struct buf failures;           /* Markdown lines for the step summary */
	struct sync_refusals refusals; /* every refused entity, by reason */
};

/* Lists every unit to the end (sync_list.h) and writes its pages, or
 * until the run stops; s->bulk (NULL in a dry run) stays the run's HTTP
 * side meanwhile. */
void sync_pages_run(struct sync *s);

/* Waits until `at` (http_now_ms clock), giving the time to the tags
 * and Port's writes; -1 at once on a cancel or when the run's deadline
 * comes first. s is the sync (sync_ready's wait). */
int sync_pages_wait(void *s, long long at);

#endif
