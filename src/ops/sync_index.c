#include "ops/sync_index.h"

#include <stdlib.h>
#include <string.h>

static size_t
hash(const char *s)
{
	size_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

struct sync_known *
sync_index_lookup(const struct sync_index *x, const char *id)
{
	size_t i;

	if (x->cap == 0)
		return NULL;
	for (i = hash(id) & (x->cap - 1); x->tab[i].id;
	     i = (i + 1) & (x->cap - 1))
		if (strcmp(x->tab[i].id, id) == 0)
			return &x->tab[i];
	return NULL;
}

int
sync_index_insert(struct sync_index *x, const char *id, size_t unit, int synced)
{
	struct sync_known *old = x->tab, *k;
	size_t oldcap = x->cap, i, j;

	if (sync_index_lookup(x, id))
		return 0;
	if ((x->count + 1) * 2 > x->cap) {
		x->cap = x->cap ? x->cap * 2 : 1024;
		if ((x->tab = calloc(x->cap, sizeof(*x->tab))) == NULL) {
			x->tab = old;
			x->cap = oldcap;
			return -1;
		}
		for (j = 0; j < oldcap; j++) {
			if (!old[j].id)
				continue;
			for (i = hash(old[j].id) & (x->cap - 1); x->tab[i].id;
			     i = (i + 1) & (x->cap - 1))
				;
			x->tab[i] = old[j];
		}
		free(old);
	}
	for (i = hash(id) & (x->cap - 1); x->tab[i].id;
	     i = (i + 1) & (x->cap - 1))
		;
	k = &x->tab[i];
	if ((k->id = strdup(id)) == NULL)
		return -1;
	k->unit = (unsigned)unit;
	k->synced = (unsigned char)(synced != 0);
	x->count++;
	return 0;
}

void
sync_index_free(struct sync_index *x)
{
	size_t i;

	for (i = 0; i < x->cap; i++)
		free(x->tab[i].id);
	free(x->tab);
	memset(x, 0, sizeof(*x));
}
