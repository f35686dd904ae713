/* Unit tests for sync_accounts.c's shards (issue 19): n jobs with
 * shard i/n cover 100 accounts exactly once, for n = 1, 3 and 8, and a
 * share does not depend on the other accounts (stable by account id). */
#include <stdio.h>

#include "ops/sync_accounts.h"
#include "tap.h"

#define NACCOUNTS 100

int
main(void)
{
	static const unsigned ns[] = {1, 3, 8};
	char ids[NACCOUNTS][13];
	size_t a, k;
	unsigned i, n, hits, sizes[8];
	int once, nonempty;

	/* Organization-like ids: a common prefix, varied tails. */
	for (a = 0; a < NACCOUNTS; a++)
		snprintf(ids[a], sizeof(ids[a]), "%012llu",
		    100000000000ULL + (unsigned long long)a * 7919ULL);
	for (k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
		n = ns[k];
		once = 1;
		for (i = 0; i < n; i++)
			sizes[i] = 0;
		for (a = 0; a < NACCOUNTS; a++) {
			hits = 0;
			for (i = 1; i <= n; i++)
				if (sync_accounts_in_shard(ids[a], i, n)) {
					hits++;
					sizes[i - 1]++;
				}
			once &= hits == 1;
		}
		ok(once, "n = %u: each of %d accounts in exactly one shard", n,
		    NACCOUNTS);
		nonempty = 1;
		for (i = 0; i < n; i++)
			nonempty &=
			    sizes[i] > 0 && sizes[i] < NACCOUNTS / n * 2;
		ok(nonempty, "n = %u: every shard holds a fair share", n);
	}
	ok(sync_accounts_in_shard("123456789012", 2, 3) ==
	        sync_accounts_in_shard("123456789012", 2, 3),
	    "a share is a function of the account id alone");
	ok(sync_accounts_in_shard("123456789012", 1, 0),
	    "no shard (n 0): every account");
	return done_testing();
}
