#include "base/clock.h"

time_t
clock_now(const struct clock *clock)
{
	return time(NULL) + (time_t)(clock ? clock->offset_s : 0);
}
