/* Unit tests for pager.c: the one guard on every paginated listing
 * (issue 16, defect 8). */
#include <stdio.h>
#include <string.h>

#include "base/pager.h"
#include "tap.h"

int
main(void)
{
	struct pager p;
	char why[256], tok[32];
	unsigned i;
	int rc = 0;

	pager_init(&p, "ACM", "page token", 100);
	ok(pager_next(&p, "a", why, sizeof(why)) == 0 &&
	        pager_next(&p, "b", why, sizeof(why)) == 0,
	    "new cursors go on");
	ok(pager_next(&p, "a", why, sizeof(why)) == -1 &&
	        strstr(why, "ACM returned the same page token twice") != NULL,
	    "defect 8: a cursor seen twice stops (%s)", why);
	pager_free(&p);

	pager_init(&p, "ACM", "page token", 100);
	ok(pager_next(&p, "x", why, sizeof(why)) == 0 &&
	        pager_next(&p, "x", why, sizeof(why)) == -1,
	    "defect 8: the same cursor on the next page stops");
	pager_free(&p);

	pager_init(&p, "Port", "search cursor (next)", 10);
	for (i = 0; i < 20 && rc == 0; i++) {
		snprintf(tok, sizeof(tok), "t%u", i);
		rc = pager_next(&p, tok, why, sizeof(why));
	}
	ok(rc == -1 && i == 10 && strstr(why, "Port") != NULL &&
	        strstr(why, "10 pages") != NULL,
	    "defect 8: pages past the bound stop (%u: %s)", i, why);
	pager_free(&p);

	pager_init(&p, "Route 53", "NextDNSName", 3);
	ok(pager_next(&p, "a", why, sizeof(why)) == 0 &&
	        pager_next(&p, "", why, sizeof(why)) == 0 &&
	        pager_next(&p, NULL, why, sizeof(why)) == 0,
	    "the last page (no cursor) always ends well");
	pager_free(&p);
	ok(p.seen == NULL && p.pages == 0, "pager_free forgets");
	return done_testing();
}
