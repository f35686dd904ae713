#include "aws/tagging.h"

#include <stdlib.h>
#include <string.h>

struct tagging {
	struct aws_client *client;
};

static const struct aws_service tagging_service = {
    "Resource Groups Tagging API", "tagging", AWS_PROTO_JSON, NULL};

struct tagging *
tagging_new(struct http *http, struct clock *clock, const char *endpoint,
    const char *region, int fips, int dualstack,
    struct aws_credentials_provider credentials, const char *ca_file,
    const char *ca_setting, unsigned max_attempts)
{
	struct tagging *t;
	char ep[2048], sr[64], why[256];

	if (endpoint && endpoint[0])
		str_copy(ep, sizeof(ep), endpoint);
	else if (aws_endpoint("tagging", region, fips, dualstack, ep,
	             sizeof(ep), sr, sizeof(sr)) != 0)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->client = aws_client_new(http, clock,
	    &(struct aws_client_config){&tagging_service, ep, region,
	        credentials, ca_file, ca_setting, max_attempts},
	    why, sizeof(why));
	if (t->client == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

void
tagging_free(struct tagging *t)
{
	if (t != NULL)
		aws_client_free(t->client);
	free(t);
}

static int
local_error(struct aws_error *err, const char *msg)
{
	err->kind = AWS_ERR_LOCAL;
	str_copy(err->message, sizeof(err->message), msg);
	return -1;
}

int
tagging_get_certificates(struct tagging *t, const char *token, cJSON **out,
    char *next, size_t nextlen, struct aws_error *err)
{
	static const char *const hdrs[] = {
	    "X-Amz-Target: ResourceGroupsTaggingAPI_20170126.GetResources"};
	struct buf resp = {0};
	cJSON *p, *types;
	const cJSON *n;
	char *body;
	int rc;

	*out = NULL;
	next[0] = '\0';
	memset(err, 0, sizeof(*err));
	if ((p = cJSON_CreateObject()) == NULL)
		return local_error(err, "out of memory");
	types = cJSON_AddArrayToObject(p, "ResourceTypeFilters");
	cJSON_AddItemToArray(types, cJSON_CreateString("acm:certificate"));
	cJSON_AddNumberToObject(p, "ResourcesPerPage", 100);
	if (token && token[0])
		cJSON_AddStringToObject(p, "PaginationToken", token);
	body = cJSON_PrintUnformatted(p);
	cJSON_Delete(p);
	if (body == NULL)
		return local_error(err, "out of memory");
	/* A read: always safe to repeat. */
	rc = aws_call(t->client,
	    &(struct aws_request){"POST", NULL, NULL,
	        "application/x-amz-json-1.1", hdrs, 1, body, strlen(body), 1, 0,
	        NULL},
	    &resp, err);
	free(body);
	if (rc != 0)
		return -1;
	*out = resp.len ? cJSON_ParseWithLength(resp.data, resp.len)
	                : cJSON_CreateObject();
	buf_free(&resp);
	if (*out == NULL)
		return local_error(err, "out of memory");
	n = cJSON_GetObjectItemCaseSensitive(*out, "PaginationToken");
	if (cJSON_IsString(n) && n->valuestring[0]) {
		if (strlen(n->valuestring) >= nextlen) {
			cJSON_Delete(*out);
			*out = NULL;
			err->kind = AWS_ERR_RESPONSE;
			str_copy(err->message, sizeof(err->message),
			    "GetResources answered a PaginationToken longer "
			    "than port-acm accepts");
			return -1;
		}
		str_copy(next, nextlen, n->valuestring);
	}
	return 0;
}
