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

/* The service, for aws_client_open: settings.endpoint is
 * AWS_ENDPOINT_URL_ORGANIZATIONS or "" for the partition's global one
 * (organizations.<its global region>.<suffix>), signed for the
 * partition's global region either way. */
extern const struct aws_service organizations_service;

/* One ListAccounts page: MaxResults 20 (the most it allows), from token
 * (NULL or "" = the first page), asked of c (an aws_client_open of
 * organizations_service). *out (caller frees) is the answer. */
int organizations_list_accounts(struct aws_client *c, const char *token,
    cJSON **out, struct aws_error *err);

#endif
