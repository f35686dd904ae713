/*
 * sync_health: sync's fail_on (issue 18): counts the certificates that
 * need a person (expiring within N days, expired, FAILED or
 * VALIDATION_TIMED_OUT) as they are listed, and at the end says which
 * and turns the run into a failure, so a scheduled sync fails its job
 * and GitHub notifies the workflow's owners.
 */
#ifndef PORT_ACM_SYNC_HEALTH_H
#define PORT_ACM_SYNC_HEALTH_H

#include "base/buf.h"
#include "input/config.h"
#include "ops/ops.h"

struct sync_health {
	const struct config *c; /* borrowed */
	double now;
	unsigned long expiring, expired, failed, at_risk;
	unsigned long named; /* ARNs in names */
	struct buf names;    /* owned: up to 20 matching ARNs */
};

void sync_health_init(
    struct sync_health *h, const struct config *c, double now);

/* One listed certificate; arn must be validated (it is logged). */
void sync_health_note(struct sync_health *h, const char *arn,
    const char *status, double not_after);

/* A certificate whose renewalReadiness is at_risk (sync_ready.h);
 * arn must be validated. */
void sync_health_at_risk(struct sync_health *h, const char *arn);

/* When fail_on matched: logs what matched, adds it to res's summary and
 * step summary, and returns 1 (the run fails); 0 otherwise. */
int sync_health_finish(
    struct sync_health *h, struct report *report, struct op_result *res);

void sync_health_free(struct sync_health *h);

#endif
