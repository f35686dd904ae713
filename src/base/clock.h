/*
 * clock: the run's time as AWS sees it. The SDKs keep one "system clock
 * offset" per run and sign with local time plus it; the AWS layer sets
 * it when a service says the signature time is off (aws.c), and the
 * credential sources judge expiry by it. It sits below both so neither
 * has to reach the other for the time.
 */
#ifndef PORT_ACM_CLOCK_H
#define PORT_ACM_CLOCK_H

#include <time.h>

/* Shared by every client of a run. Zero-initialise. */
struct clock {
	long long offset_s; /* AWS time minus local time, seconds */
};

/* Local time corrected by the offset (what is signed). clock may be
 * NULL: local time. */
time_t clock_now(const struct clock *clock);

#endif
