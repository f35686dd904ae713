#include "aws/organizations.h"

#include <string.h>

#include "aws/aws_json.h"

const struct aws_service organizations_service = {.name = "Organizations",
    .signing_name = "organizations",
    .protocol = AWS_PROTO_JSON,
    .target_prefix = "AWSOrganizationsV20161128",
    .content_type = "application/x-amz-json-1.1"};

int
organizations_list_accounts(
    struct aws_client *c, const char *token, cJSON **out, struct aws_error *err)
{
	cJSON *params = cJSON_CreateObject();
	int rc;

	if (params == NULL ||
	    !cJSON_AddNumberToObject(params, "MaxResults", 20) ||
	    (token && token[0] &&
	        !cJSON_AddStringToObject(params, "NextToken", token))) {
		cJSON_Delete(params);
		*out = NULL;
		memset(err, 0, sizeof(*err));
		return aws_error_local(err, "out of memory");
	}
	/* A read: safe to repeat. */
	rc = aws_json_call(c, "ListAccounts", params, 1, out, err);
	cJSON_Delete(params);
	return rc;
}
