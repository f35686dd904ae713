#include "ops/stale.h"

int
stale_too_many(unsigned long stale, unsigned long total, unsigned long percent)
{
	/* In integers, without overflow for any count a sync can see. */
	return stale > 0 && stale * 100 > percent * total;
}
