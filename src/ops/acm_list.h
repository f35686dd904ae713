/*
 * acm_list: the one ListCertificates request port-acm makes (sync's
 * inventory, delete's search for certificates sharing a record), and
 * the bound on its pages.
 */
#ifndef PORT_ACM_ACM_LIST_H
#define PORT_ACM_ACM_LIST_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "input/validate_arn.h"

/* Pages of one region's listing before port-acm gives up: ACM's
 * certificate quota is 2,500 per region by default, raised on request;
 * at 1,000 a page this allows a million. */
#define ACM_LIST_MAX_PAGES 1000

/* The parameters of one ListCertificates page: every key type and
 * key-pair origin (ACM hides ECDSA, RSA 3072/4096 and ACME-origin
 * certificates unless asked, aws-acm.md §2.3), MaxItems 1000, and
 * NextToken when next is not NULL or "". NULL on out of memory; the
 * caller frees with cJSON_Delete. */
cJSON *acm_list_params(const char *next);

/* Pure. One ListCertificates answer of the listing of where (a region
 * label, for why), its page-th page: 0 with *list its summaries
 * (borrowed from resp) and next reset to its NextToken ("" on the last
 * page); -1 with why when it has no CertificateSummaryList array, so
 * the listing is incomplete: never "no certificates" (issue 16,
 * defect 2). */
int acm_list_page(const cJSON *resp, const char *where, unsigned long page,
    const cJSON **list, struct buf *next, char *why, size_t whylen);

/* Pure. One summary of the listing of region (and of account, when not
 * NULL or ""): 0 with *a filled when its CertificateArn is a
 * certificate ARN of that region and account; else -1 with why saying
 * which. */
int acm_list_summary(const cJSON *sum, const char *region, const char *account,
    struct arn *a, char *why, size_t whylen);

#endif
