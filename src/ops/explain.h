/*
 * explain: ACM's answers in the words of the person who clicked the
 * button: what failed, why, and what to do. Pure.
 *
 * Return convention: 0 on success, -1 when memory ran out.
 */
#ifndef PORT_ACM_EXPLAIN_H
#define PORT_ACM_EXPLAIN_H

#include "aws/acm.h"
#include "base/buf.h"

/* Appends one or two sentences about err for the operation verb
 * ("request", "renew", "delete") on the certificate arn (may be "" for
 * request) of domain (may be ""). */
int explain_acm_error(const struct acm_error *err, const char *verb,
    const char *arn, const char *domain, struct buf *out);

/* Appends "2026-05-01 12:00 UTC" for epoch seconds t ("unknown" if 0). */
int explain_time(double t, struct buf *out);

/* Appends ACM's FailureReason (e.g. CAA_ERROR) in words. */
int explain_failure_reason(const char *reason, struct buf *out);

#endif
