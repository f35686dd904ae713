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
 * The calls go through aws_json.h; this module only builds them.
 */
#ifndef PORT_ACM_ACCOUNT_H
#define PORT_ACM_ACCOUNT_H

#include <cjson/cJSON.h>

#include "aws/aws.h"

/* The service, for aws_client_open: settings.endpoint is
 * AWS_ENDPOINT_URL_ACCOUNT or "" for the partition's global one
 * (account.<its global region>.<suffix>, us-east-1 in aws), signed for
 * the partition's global region either way. */
extern const struct aws_service account_service;

/* Pure. The parameters of one ListRegions page of the caller's own
 * account: the enabled regions only (ENABLED, ENABLED_BY_DEFAULT),
 * MaxResults 50 (the most it allows), from token (NULL or "" = the first
 * page). Sent with aws_json_call or aws_json_call_many (op
 * "/listRegions", a read: idempotent) on an aws_client_open of
 * account_service, several accounts at once. NULL on out of memory.
 * Caller frees. */
cJSON *account_list_regions_params(const char *token);

#endif
