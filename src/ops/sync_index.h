/*
 * sync_index: the catalog's entities sync read before listing, by
 * identifier (an open-addressing hash table), each with the (account,
 * region) unit it belongs to: what stale deletion looks at afterwards.
 */
#ifndef PORT_ACM_SYNC_INDEX_H
#define PORT_ACM_SYNC_INDEX_H

#include <stddef.h>

struct sync_known {
	char *id;             /* owned; NULL = empty slot */
	unsigned unit;        /* index into sync's (account, region) units */
	unsigned char synced; /* syncedBy == port-acm */
	unsigned char seen;   /* ACM listed it in this run */
};

struct sync_index {
	struct sync_known *tab; /* power-of-two capacity; walk 0..cap-1 */
	size_t cap, count;
};

/* The entry for id, or NULL. */
struct sync_known *sync_index_lookup(
    const struct sync_index *x, const char *id);

/* Adds id (copied) unless present. 0, or -1 on out of memory. */
int sync_index_insert(
    struct sync_index *x, const char *id, size_t unit, int synced);

void sync_index_free(struct sync_index *x);

#endif
