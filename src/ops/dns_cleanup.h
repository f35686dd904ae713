/*
 * dns_cleanup: delete_validation_records. After a certificate is
 * deleted, its DNS validation CNAMEs are removed from Route 53, but only
 * those no other certificate still uses: ACM hands out the same record
 * for the same name in one account, so a second certificate for
 * example.com (or *.example.com) renews through the very same CNAME.
 *
 * Checked first, with every certificate of the region (ListCertificates,
 * all key types and origins) whose names share a base name with ours
 * (DescribeCertificate of those). A record is kept, and the run says
 * why, whenever that check cannot be sure: another certificate uses it,
 * one could not be read, the record holds another value, or its zone
 * could not be found. The rest are read back (ListResourceRecordSets)
 * and deleted with their exact TTL and value, one batch per zone.
 */
#ifndef PORT_ACM_DNS_CLEANUP_H
#define PORT_ACM_DNS_CLEANUP_H

#include "aws/acm.h"
#include "ops/ops.h"

/* cert is the deleted certificate as described before its deletion.
 * Appends what was removed and what was kept (and why) to res->summary
 * and the run's log, and the dns_validation output to res->dns_json.
 * 0 when every record was removed or deliberately kept; -1 when Route
 * 53 refused or failed (res->summary says what is left to do). */
int dns_delete_records(struct op_env *env, struct op_result *res,
    const struct acm_certificate *cert);

/* Pure. The base name a validation record hangs on: the domain without
 * "*." and one trailing dot, lower case. */
void dns_base_name(const char *domain, char *out, size_t outlen);

#endif
