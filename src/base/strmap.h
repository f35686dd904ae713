/*
 * strmap: the one open-addressing string table (FNV-1a, linear
 * probing, a power-of-two capacity from 1,024, doubled before it is
 * half full), over the caller's own record type, as qsort works over
 * the caller's array. A record's first member is its key, a char *
 * (NULL = an empty slot); records are size bytes each. The caller keeps
 * the table (tab, cap, count) in its own struct, typed, so that it can
 * walk its records in slot order; the records and their keys are the
 * caller's (it strdup's a key into the slot strmap_slot gives, and
 * frees keys and table).
 *
 * Bounded: a table never holds more than the max its caller names (at
 * most STRMAP_MAX), and no probe walks more than cap slots.
 */
#ifndef PORT_ACM_STRMAP_H
#define PORT_ACM_STRMAP_H

#include <stddef.h>

#define STRMAP_MAX ((size_t)1 << 26) /* records, past any real listing */

/* Pure. The record whose key is key in tab (cap records of size bytes;
 * cap 0 or a power of two), or NULL. Borrowed from tab: valid until
 * the table is regrown or freed. */
void *strmap_find(const void *tab, size_t cap, size_t size, const char *key);

/* Makes room for one record more in a table holding count (tab may be
 * NULL with *cap 0): returns tab itself while it stays at most half
 * full, else a new table (calloc'd; the caller's to free) with *cap
 * doubled (1,024 the first time) and every record moved into it, and
 * tab freed. NULL, with tab and *cap untouched, on out of memory or
 * when count has reached max (0 or more than STRMAP_MAX: STRMAP_MAX). */
void *strmap_reserve(
    void *tab, size_t *cap, size_t count, size_t size, size_t max);

/* Pure. The empty record key goes in (key not in the table, which has
 * room: strmap_reserve first); borrowed from tab. The caller fills it
 * (its key first: the slot stays empty while that is NULL) and counts
 * it. */
void *strmap_slot(void *tab, size_t cap, size_t size, const char *key);

#endif
