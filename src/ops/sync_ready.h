/*
 * sync_ready: renewal readiness in sync with include_details (issue 18).
 * ACM renews a DNS-validated certificate only while each of its
 * validation CNAMEs still resolves to ACM's value; when someone deletes
 * one, AWS warns 45 days before expiry, by e-mail to root. Sync checks
 * every issued, Amazon-issued, DNS-validated certificate's records on
 * each run and writes renewalReadiness (ready, at_risk, unknown) and
 * renewalReadinessReason (in words) into its entity.
 *
 * Cost: DescribeCertificate (about 10 a second) only for certificates
 * whose records the catalog lacks or that changed since the entity was
 * written (status, notAfter, type, renewalEligibility or inUse differ
 * from the listing's summary); the others reuse the records the catalog
 * holds (sync_index's memo). Then one Route 53 ListResourceRecordSets
 * per record (starting at its name, one item), paced at 5 a second per
 * client, in the longest public hosted zone of the account that holds
 * it (listed once per account: ceil(zones/100) ListHostedZonesByName
 * calls); through dns_role_arn's role when given. A record no zone of
 * the account holds, whose zone has a twin of the same name, or whose
 * account's zones could not be listed, is read from public DNS
 * (base/dns.h, PORT_ACM_DNS_SERVER): what ACM itself reads.
 *
 * unknown, never at_risk, when a record cannot be read. Certificates
 * the check does not apply to (not ISSUED, imported, private, e-mail
 * validated) get both properties cleared (null).
 */
#ifndef PORT_ACM_SYNC_READY_H
#define PORT_ACM_SYNC_READY_H

#include <cjson/cJSON.h>

#include "aws/acm.h"
#include "base/buf.h"
#include "ops/ops.h"
#include "ops/sync_accounts.h"
#include "ops/sync_health.h"
#include "ops/sync_index.h"

enum sync_readiness {
	SYNC_READY_NONE = 0, /* not checked: the check does not apply */
	SYNC_READY_READY,
	SYNC_READY_AT_RISK,
	SYNC_READY_UNKNOWN
};

/* Waits until at_ms (http_now_ms clock) doing other work (sync's Port
 * writes); -1 on a cancel or past the deadline. */
typedef int (*sync_ready_wait_fn)(void *ctx, long long at_ms);

struct sync_ready;

/* NULL on out of memory. env, acc and health are borrowed and must
 * outlive it; wait(ctx) paces the Route 53 calls. */
struct sync_ready *sync_ready_new(struct op_env *env,
    const struct sync_accounts *acc, struct sync_health *health,
    sync_ready_wait_fn wait, void *ctx);
void sync_ready_free(struct sync_ready *rd);

/* Whether the listed certificate (summary, borrowed) must be described:
 * k (its catalog entry, NULL when none) lacks its records or differs
 * from the summary. Counted for the report. */
int sync_ready_describe(
    struct sync_ready *rd, const struct sync_known *k, const cJSON *summary);

/* Checks the certificate's validation records, from detail (its
 * DescribeCertificate, NULL when not described or it failed) else from
 * k's memo, and writes renewalReadiness and renewalReadinessReason into
 * e's properties. account indexes acc (whose Route 53 zones are read);
 * arn must be validated (it is logged). Returns the readiness. */
enum sync_readiness sync_ready_check(struct sync_ready *rd, size_t account,
    const char *region, const struct sync_known *k, const cJSON *summary,
    const struct acm_certificate *detail, cJSON *e);

/* rep (the sync report) gains "renewalReadiness": counts, the calls
 * made and their time, and the at-risk certificates with their reasons
 * (at most 100); md (the step summary) gains a table of them; each is
 * logged (at most 20). Nothing when readiness was not computed. */
void sync_ready_report(struct sync_ready *rd, cJSON *rep, struct buf *md);

#endif
