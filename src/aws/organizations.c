#include "aws/organizations.h"

#include <stdlib.h>
#include <string.h>

#include "input/validate_arn.h"

struct organizations {
	struct aws_client *client;
};

static const struct aws_service organizations_service = {
    "Organizations", "organizations", AWS_PROTO_JSON, NULL};

struct organizations *
organizations_new(struct http *http, const struct organizations_config *cfg,
    char *why, size_t whylen)
{
	struct organizations *o;

	if ((o = calloc(1, sizeof(*o))) == NULL) {
		str_copy(why, whylen, "out of memory");
		return NULL;
	}
	o->client = aws_client_new(http, cfg->clock,
	    &(struct aws_client_config){&organizations_service, cfg->endpoint,
	        cfg->region, cfg->credentials, cfg->ca_file, cfg->ca_setting,
	        cfg->max_attempts},
	    why, whylen);
	if (o->client == NULL) {
		free(o);
		return NULL;
	}
	return o;
}

void
organizations_free(struct organizations *o)
{
	if (o != NULL)
		aws_client_free(o->client);
	free(o);
}

int
organizations_list_accounts(struct organizations *o, const char *token,
    cJSON **out, struct aws_error *err)
{
	static const char *hdrs[] = {
	    "X-Amz-Target: AWSOrganizationsV20161128.ListAccounts"};
	struct buf resp = {0};
	cJSON *params = cJSON_CreateObject();
	char *body = NULL;
	int rc = -1;

	*out = NULL;
	memset(err, 0, sizeof(*err));
	if (params && cJSON_AddNumberToObject(params, "MaxResults", 20) &&
	    (!token || !token[0] ||
	        cJSON_AddStringToObject(params, "NextToken", token)))
		body = cJSON_PrintUnformatted(params);
	cJSON_Delete(params);
	if (body == NULL) {
		err->kind = AWS_ERR_LOCAL;
		str_copy(err->message, sizeof(err->message), "out of memory");
		return -1;
	}
	/* A read: safe to repeat. */
	if (aws_call(o->client,
	        &(struct aws_request){"POST", NULL, NULL,
	            "application/x-amz-json-1.1", hdrs, 1, body, strlen(body),
	            1, 0, NULL},
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

int
organizations_endpoint(const char *region, char *url, size_t urllen,
    char *signing_region, size_t srlen)
{
	const struct partition *p = validate_partition_for_region(region);

	str_copy(signing_region, srlen, p->global_region);
	str_printf(url, urllen, "https://organizations.%s.%s", p->global_region,
	    p->dns_suffix);
	return 0;
}
