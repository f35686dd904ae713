#include "base/strmap.h"

#include <stdlib.h>
#include <string.h>

#define FIRST_CAP 1024

/* FNV-1a, 64-bit. */
static size_t
hash(const char *s)
{
	size_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

/* A record's key: its first member. */
static const char *
key_at(const void *tab, size_t i, size_t size)
{
	const char *k;

	memcpy(&k, (const char *)tab + i * size, sizeof(k));
	return k;
}

void *
strmap_find(const void *tab, size_t cap, size_t size, const char *key)
{
	size_t i, n;
	const char *k;

	if (cap == 0)
		return NULL;
	for (i = hash(key) & (cap - 1), n = 0;
	     n < cap && (k = key_at(tab, i, size)) != NULL;
	     i = (i + 1) & (cap - 1), n++)
		if (strcmp(k, key) == 0)
			return (char *)tab + i * size;
	return NULL;
}

void *
strmap_slot(void *tab, size_t cap, size_t size, const char *key)
{
	size_t i, n;

	/* A table strmap_reserve kept at most half full has an empty
	 * slot within cap probes. */
	for (i = hash(key) & (cap - 1), n = 0;
	     n < cap && key_at(tab, i, size) != NULL;
	     i = (i + 1) & (cap - 1), n++)
		;
	return n < cap ? (char *)tab + i * size : NULL;
}

void *
strmap_reserve(void *tab, size_t *cap, size_t count, size_t size, size_t max)
{
	size_t newcap, j;
	const char *k;
	char *grown;

	if (max == 0 || max > STRMAP_MAX)
		max = STRMAP_MAX;
	if (count >= max)
		return NULL;
	if ((count + 1) * 2 <= *cap)
		return tab;
	newcap = *cap ? *cap * 2 : FIRST_CAP;
	if ((grown = calloc(newcap, size)) == NULL)
		return NULL;
	for (j = 0; j < *cap; j++)
		if ((k = key_at(tab, j, size)) != NULL)
			memcpy(strmap_slot(grown, newcap, size, k),
			    (char *)tab + j * size, size);
	free(tab);
	*cap = newcap;
	return grown;
}
