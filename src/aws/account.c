#include "aws/account.h"

#include <stdlib.h>
#include <string.h>

#include "input/validate_arn.h"

struct account {
	struct aws_client *client;
};

static const struct aws_service account_service = {
    "Account Management", "account", AWS_PROTO_JSON, NULL};

struct account *
account_new(struct http *http, const struct account_config *cfg, char *why,
    size_t whylen)
{
	struct account *a;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		str_copy(why, whylen, "out of memory");
		return NULL;
	}
	a->client = aws_client_new(http, cfg->clock,
	    &(struct aws_client_config){&account_service, cfg->endpoint,
	        cfg->region, cfg->credentials, cfg->ca_file, cfg->ca_setting,
	        cfg->max_attempts},
	    why, whylen);
	if (a->client == NULL) {
		free(a);
		return NULL;
	}
	return a;
}

void
account_free(struct account *a)
{
	if (a != NULL)
		aws_client_free(a->client);
	free(a);
}

void
account_endpoint(const char *region, char *url, size_t urllen,
    char *signing_region, size_t srlen)
{
	const struct partition *p = validate_partition_for_region(region);

	str_copy(signing_region, srlen, p->global_region);
	str_printf(url, urllen, "https://account.%s.%s", p->global_region,
	    p->dns_suffix);
}

int
account_list_regions(
    struct account *a, const char *token, cJSON **out, struct aws_error *err)
{
	struct buf resp = {0};
	cJSON *params = cJSON_CreateObject(), *st;
	char *body = NULL;
	int rc = -1;

	*out = NULL;
	memset(err, 0, sizeof(*err));
	if (params && (st = cJSON_AddArrayToObject(
	                   params, "RegionOptStatusContains")) != NULL) {
		cJSON_AddItemToArray(st, cJSON_CreateString("ENABLED"));
		cJSON_AddItemToArray(
		    st, cJSON_CreateString("ENABLED_BY_DEFAULT"));
		if (cJSON_AddNumberToObject(params, "MaxResults", 50) &&
		    (!token || !token[0] ||
		        cJSON_AddStringToObject(params, "NextToken", token)))
			body = cJSON_PrintUnformatted(params);
	}
	cJSON_Delete(params);
	if (body == NULL) {
		err->kind = AWS_ERR_LOCAL;
		str_copy(err->message, sizeof(err->message), "out of memory");
		return -1;
	}
	/* A read: safe to repeat. */
	if (aws_call(a->client,
	        &(struct aws_request){"POST", "/listRegions", NULL,
	            "application/json", NULL, 0, body, strlen(body), 1, 0,
	            NULL},
	        &resp, err) == 0) {
		*out = resp.len ? cJSON_ParseWithLength(resp.data, resp.len)
		                : cJSON_CreateObject();
		if (*out == NULL) {
			err->kind = AWS_ERR_LOCAL;
			str_copy(err->message, sizeof(err->message),
			    "out of memory");
		} else
			rc = 0;
	}
	free(body);
	buf_free(&resp);
	return rc;
}
