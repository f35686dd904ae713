/* Unit tests for strmap.c: the one open-addressing string table
 * sync_index.c and sync_tags.c keep their records in: find, the slot a
 * new key goes in, growth with every record moved, and the bound. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"
#include "tap.h"

struct rec {
	char *key; /* first: strmap's key */
	int value;
};

struct table {
	struct rec *tab;
	size_t cap, count;
};

/* Adds key with value; 0, or -1 when strmap_reserve refused. */
static int
add(struct table *t, const char *key, int value, size_t max)
{
	struct rec *tab, *r;

	if ((tab = strmap_reserve(
	         t->tab, &t->cap, t->count, sizeof(*t->tab), max)) == NULL)
		return -1;
	t->tab = tab;
	r = strmap_slot(t->tab, t->cap, sizeof(*t->tab), key);
	if (r == NULL || r->key != NULL || (r->key = strdup(key)) == NULL)
		return -1;
	r->value = value;
	t->count++;
	return 0;
}

static void
table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->tab[i].key);
	free(t->tab);
	memset(t, 0, sizeof(*t));
}

int
main(void)
{
	struct table t = {0};
	struct rec *r;
	char key[32];
	size_t i, n;
	int all;

	ok(strmap_find(NULL, 0, sizeof(struct rec), "a") == NULL,
	    "an empty table finds nothing");
	ok(add(&t, "a", 1, 0) == 0 && t.cap == 1024 && t.count == 1,
	    "the first record makes a table of 1,024 slots");
	r = strmap_find(t.tab, t.cap, sizeof(*t.tab), "a");
	ok(r && r->value == 1 && strcmp(r->key, "a") == 0, "finds it");
	ok(strmap_find(t.tab, t.cap, sizeof(*t.tab), "b") == NULL &&
	        strmap_find(t.tab, t.cap, sizeof(*t.tab), "") == NULL,
	    "does not find others");

	for (i = 1; i < 512; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		if (add(&t, key, (int)i, 0) != 0)
			break;
	}
	ok(i == 512 && t.cap == 1024 && t.count == 512,
	    "512 records fit in 1,024 slots (half full)");
	ok(add(&t, "k512", 512, 0) == 0 && t.cap == 2048 && t.count == 513,
	    "the 513th doubles the table");
	for (i = 1, all = 1; i <= 512; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		r = strmap_find(t.tab, t.cap, sizeof(*t.tab), key);
		all &= r != NULL && r->value == (int)i;
	}
	ok(all && strmap_find(t.tab, t.cap, sizeof(*t.tab), "a") != NULL,
	    "every record moved with its value");
	for (i = 0, n = 0; i < t.cap; i++)
		n += t.tab[i].key != NULL;
	ok(n == t.count, "walking the slots meets each record once");
	table_free(&t);

	ok(add(&t, "x", 1, 2) == 0 && add(&t, "y", 2, 2) == 0 &&
	        add(&t, "z", 3, 2) == -1 && t.count == 2 &&
	        strmap_find(t.tab, t.cap, sizeof(*t.tab), "z") == NULL &&
	        strmap_find(t.tab, t.cap, sizeof(*t.tab), "y") != NULL,
	    "a table takes no more than its max, and keeps what it has");
	table_free(&t);
	return done_testing();
}
