/*
 * account: the AWS Account Management client (restJson1, POST
 * /listRegions, signing name "account") on the AWS request layer, for
 * sync's regions: all (issue 19): ListRegions with RegionOptStatusContains
 * ENABLED and ENABLED_BY_DEFAULT, paginated.
 *
 * AccountId is never sent: the API accepts it only from the management
 * account or a delegated administrator, for member accounts and not
 * for the management account itself. Each account is asked with its own
 * (assumed) credentials instead, so the answer is always its own.
 *
 * Return convention: 0 on success; -1 on failure with *err filled in.
 */
#ifndef PORT_ACM_ACCOUNT_H
#define PORT_ACM_ACCOUNT_H

#include <cjson/cJSON.h>

#include "aws/aws.h"
#include "base/http.h"

struct account_config {
	const char *endpoint; /* account_endpoint() or
	                       * AWS_ENDPOINT_URL_ACCOUNT; borrowed */
	const char *region;   /* signing region; borrowed */
	struct aws_credentials_provider credentials; /* ctx outlives it */
	const char *ca_file;    /* NULL = built-in bundle; borrowed */
	const char *ca_setting; /* what named ca_file, for messages */
	unsigned max_attempts;  /* 0 = SDK default (3) */
	struct clock *clock;    /* the run's; borrowed */
};

struct account;

/* NULL when the endpoint is unusable (why says so) or out of memory.
 * http is borrowed. Caller frees with account_free. */
struct account *account_new(struct http *http, const struct account_config *cfg,
    char *why, size_t whylen);
void account_free(struct account *a);

/* Pure. The partition's Account Management endpoint for region (global:
 * account.<its global region>.<suffix>, us-east-1 in aws) and the
 * signing region. */
void account_endpoint(const char *region, char *url, size_t urllen,
    char *signing_region, size_t srlen);

/* One ListRegions page of the caller's own account, the enabled regions
 * only (ENABLED, ENABLED_BY_DEFAULT), MaxResults 50 (the most it
 * allows), from token (NULL or "" = the first page). *out (caller
 * frees) is the answer. */
int account_list_regions(
    struct account *a, const char *token, cJSON **out, struct aws_error *err);

#endif
