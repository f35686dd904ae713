/*
 * organizations: the AWS Organizations client (awsJson1_1, target
 * AWSOrganizationsV20161128.<Op>) on the AWS request layer, for sync's
 * accounts: organization (issue 19): ListAccounts, paginated.
 *
 * Return convention: 0 on success; -1 on failure with *err filled in.
 */
#ifndef PORT_ACM_ORGANIZATIONS_H
#define PORT_ACM_ORGANIZATIONS_H

#include <cjson/cJSON.h>

#include "aws/aws.h"
#include "base/http.h"

struct organizations_config {
	const char *endpoint; /* aws_endpoint("organizations", ...) or
	                       * AWS_ENDPOINT_URL_ORGANIZATIONS; borrowed */
	const char *region;   /* signing region; borrowed */
	struct aws_credentials_provider credentials; /* ctx outlives it */
	const char *ca_file;    /* NULL = built-in bundle; borrowed */
	const char *ca_setting; /* what named ca_file, for messages */
	unsigned max_attempts;  /* 0 = SDK default (3) */
	struct clock *clock;    /* the run's; borrowed */
};

struct organizations;

/* NULL when the endpoint is unusable (why says so) or out of memory.
 * http is borrowed. Caller frees with organizations_free. */
struct organizations *organizations_new(struct http *http,
    const struct organizations_config *cfg, char *why, size_t whylen);
void organizations_free(struct organizations *o);

/* Pure. The partition's Organizations endpoint for region (global:
 * organizations.<its global region>.<suffix>) and the signing region. */
int organizations_endpoint(const char *region, char *url, size_t urllen,
    char *signing_region, size_t srlen);

/* One ListAccounts page: MaxResults 20 (the most it allows), from token
 * (NULL or "" = the first page). *out (caller frees) is the answer. */
int organizations_list_accounts(struct organizations *o, const char *token,
    cJSON **out, struct aws_error *err);

#endif
