/*
 * dns_validate: ACM DNS validation through Route 53 (dns_validation:
 * route53). After RequestCertificate it writes the certificate's CNAMEs
 * into their public hosted zones (one UPSERT batch per zone, a wildcard
 * and its apex sharing one record), waits until Route 53 has them
 * everywhere (GetChange INSYNC), and says per name how validation goes.
 *
 * Every zone is found before anything is written: a name without a
 * public zone writes nothing and leaves the manual records.
 *
 * Return convention: 0 done; 1 nothing changed in Route 53 and the
 * reason is in res->summary (the caller shows the manual records);
 * -1 Route 53 failed, res->summary says what was already written.
 */
#ifndef PORT_ACM_DNS_VALIDATE_H
#define PORT_ACM_DNS_VALIDATE_H

#include <stddef.h>

#include "aws/acm.h"
#include "ops/ops.h"

/* Writes cert's DNS validation records and waits for INSYNC, bounded
 * by until_ms (http_now_ms clock). Fills res->dns_json (the
 * dns_validation output), the zones for the catalog entity
 * (env->dns_zones), log lines and a step-summary table in md. */
int dns_write_records(struct op_env *env, struct op_result *res,
    const struct acm_certificate *cert, long long until_ms, struct buf *md);

/* What to do about a Route 53 refusal, in the words of the person who
 * clicked: "Route 53 refused to <doing>: <code>: <message>" and the fix
 * (permissions, dns_role_arn, hosted_zone_id, a re-run). No final dot. */
void dns_explain_r53(
    struct buf *b, const struct aws_error *err, const char *doing);

/* Pure. "2 of 3 names validated" from the per-name ValidationStatus. */
void dns_progress(const struct acm_certificate *cert, char *out, size_t len);

/* After the wait for issuance: the phase durations (res->dns_*_ms) and
 * the final status go into the dns_validation output, the summary and
 * the run's log. */
void dns_finish(struct op_env *env, struct op_result *res, const char *status);

#endif
