/*
 * sync_index: the catalog's entities sync read before listing, by
 * identifier (an open-addressing hash table), each with the (account,
 * region) unit it belongs to: what stale deletion looks at afterwards.
 * With include_details each entry also keeps, compactly, what renewal
 * readiness reuses (sync_ready.h): the fields that tell whether the
 * certificate changed since the entity was written, and its DNS
 * validation records, so an unchanged certificate is not described
 * again. 48 bytes a slot (the table is at most half full) plus its
 * records' names and values: about 3 MB at 10,000 certificates
 * (estimated: 32,768 slots, 110-byte records, 90-byte ARNs).
 */
#ifndef PORT_ACM_SYNC_INDEX_H
#define PORT_ACM_SYNC_INDEX_H

#include <stddef.h>

#include "ops/ops.h"

/* sync_memo's small enumerations: 0 is always "the catalog did not say". */
enum { MEMO_TYPE_AMAZON = 1, MEMO_TYPE_IMPORTED, MEMO_TYPE_PRIVATE };
enum { MEMO_ELIGIBLE = 1, MEMO_INELIGIBLE };
enum { MEMO_METHOD_DNS = 1, MEMO_METHOD_EMAIL, MEMO_METHOD_HTTP };
enum {
	MEMO_USE_LB,
	MEMO_USE_CLOUDFRONT,
	MEMO_USE_API,
	MEMO_USE_OTHER,
	MEMO_USE_KINDS
};

/* What the catalog entity said (include_details only). */
struct sync_memo {
	long long not_after; /* expirationDate, epoch s; 0 = none */
	char *records;       /* owned: nrecords x "name\0value\0" (CNAMEs) */
	unsigned short in_use[MEMO_USE_KINDS]; /* inUseBy, by kind */
	signed char status;             /* config_status_index; -1 = none */
	unsigned char type;             /* MEMO_TYPE_*; 0 = none */
	unsigned char eligible, method; /* MEMO_ELIGIBLE..., MEMO_METHOD_* */
	unsigned char in_use_flag;      /* inUse: 0 none, 1 false, 2 true */
	unsigned char known;            /* validationRecords was an array */
	unsigned char nrecords;
};

struct sync_known {
	char *id;             /* owned; NULL = empty slot */
	unsigned unit;        /* index into sync's (account, region) units */
	unsigned char synced; /* syncedBy == port-acm */
	unsigned char seen;   /* ACM listed it in this run */
	struct sync_memo memo;
};

struct sync_index {
	struct sync_known *tab; /* a base/strmap.h table: power-of-two
	                         * capacity; walk 0..cap-1 */
	size_t cap, count;
	char error[512]; /* why sync_index_read failed; "" when it did not */
};

/* The unit an (account, region) ARN belongs to, or (size_t)-1. */
typedef size_t (*sync_index_unit_fn)(
    void *ctx, const char *account, const char *region);

/* Reads the catalog's entities of blueprint in regions[0..nregions-1]
 * (the units' region names, borrowed; each asked once however many
 * accounts list it) (port_search, paged and bounded) into x: identifier,
 * region, syncedBy, and with include_details the memo's properties. Entities
 * whose identifier is not a certificate ARN, or of no unit, are left
 * out. A failure is warned (stale entities are then not looked for)
 * and said in x->error. 0, or -1 (x keeps what was read). */
int sync_index_read(struct sync_index *x, struct op_env *env,
    const char *const *regions, size_t nregions, sync_index_unit_fn unit_of,
    void *ctx);

/* Pure. The memo of an entity's properties (borrowed); m's records are
 * owned by the caller (sync_index_free frees those in the index). 0,
 * or -1 out of memory. */
int sync_index_memo(const cJSON *props, struct sync_memo *m);

/* Pure. MEMO_USE_* of an InUseBy ARN (by its service). */
int sync_index_use_kind(const char *arn);

/* The entry for id, or NULL. */
struct sync_known *sync_index_lookup(
    const struct sync_index *x, const char *id);

/* Adds id (copied) unless present; the new entry is returned in *out
 * when out is not NULL (the existing one when present), valid until
 * the next insert. 0, or -1 on out of memory or past the most entities
 * a catalog search answers. */
int sync_index_insert(struct sync_index *x, const char *id, size_t unit,
    int synced, struct sync_known **out);

void sync_index_free(struct sync_index *x);

#endif
