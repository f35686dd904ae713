#include "aws/account.h"

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
