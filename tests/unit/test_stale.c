/* Unit tests for stale.c: the threshold rule a sync applies per region
 * and overall (issue 16, defect 2). */
#include "ops/stale.h"
#include "tap.h"

int
main(void)
{
	ok(!stale_too_many(0, 0, 0), "nothing stale: never too many");
	ok(!stale_too_many(5, 10, 50) && stale_too_many(6, 10, 50),
	    "50%%: half may go, not more");
	ok(stale_too_many(2, 2, 50) && stale_too_many(2, 2, 99),
	    "defect 2: a region gone from 2 to none is refused below 100");
	ok(!stale_too_many(2, 2, 100), "defect 2: 100 allows all");
	ok(stale_too_many(1, 1000, 0), "0 allows none");
	return done_testing();
}
