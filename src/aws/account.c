#include "aws/account.h"

#include <string.h>

#include "aws/aws_json.h"

const struct aws_service account_service = {.name = "Account Management",
    .signing_name = "account",
    .protocol = AWS_PROTO_JSON,
    .content_type = "application/json"};

cJSON *
account_list_regions_params(const char *token)
{
	cJSON *params = cJSON_CreateObject(), *st;

	if (params == NULL ||
	    (st = cJSON_AddArrayToObject(params, "RegionOptStatusContains")) ==
	        NULL ||
	    !cJSON_AddItemToArray(st, cJSON_CreateString("ENABLED")) ||
	    !cJSON_AddItemToArray(
	        st, cJSON_CreateString("ENABLED_BY_DEFAULT")) ||
	    !cJSON_AddNumberToObject(params, "MaxResults", 50) ||
	    (token && token[0] &&
	        !cJSON_AddStringToObject(params, "NextToken", token))) {
		cJSON_Delete(params);
		return NULL;
	}
	return params;
}

int
account_list_regions(
    struct aws_client *c, const char *token, cJSON **out, struct aws_error *err)
{
	cJSON *params = account_list_regions_params(token);
	int rc;

	if (params == NULL) {
		*out = NULL;
		memset(err, 0, sizeof(*err));
		return aws_error_local(err, "out of memory");
	}
	/* A read: safe to repeat. */
	rc = aws_json_call(c, "/listRegions", params, 1, out, err);
	cJSON_Delete(params);
	return rc;
}
