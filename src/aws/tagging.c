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

static const char *const get_hdrs[] = {
    "X-Amz-Target: ResourceGroupsTaggingAPI_20170126.GetResources"};

/* GetResources' body from token; NULL on out of memory. */
static char *
get_body(const char *token)
{
	cJSON *p, *types;
	char *body;

	if ((p = cJSON_CreateObject()) == NULL)
		return NULL;
	types = cJSON_AddArrayToObject(p, "ResourceTypeFilters");
	cJSON_AddItemToArray(types, cJSON_CreateString("acm:certificate"));
	cJSON_AddNumberToObject(p, "ResourcesPerPage", 100);
	if (token && token[0])
		cJSON_AddStringToObject(p, "PaginationToken", token);
	body = cJSON_PrintUnformatted(p);
	cJSON_Delete(p);
	return body;
}

/* A read: always safe to repeat. */
static struct aws_request
get_request(const char *body)
{
	return (struct aws_request){"POST", NULL, NULL,
	    "application/x-amz-json-1.1", get_hdrs, 1, body, strlen(body), 1, 0,
	    NULL};
}

/* The answer resp (consumed) into *out and next. */
static int
take_answer(struct buf *resp, cJSON **out, char *next, size_t nextlen,
    struct aws_error *err)
{
	const cJSON *n;

	*out = resp->len ? cJSON_ParseWithLength(resp->data, resp->len)
	                 : cJSON_CreateObject();
	buf_free(resp);
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

int
tagging_get_certificates(struct tagging *t, const char *token, cJSON **out,
    char *next, size_t nextlen, struct aws_error *err)
{
	struct buf resp = {0};
	struct aws_request rq;
	char *body;
	int rc;

	*out = NULL;
	next[0] = '\0';
	memset(err, 0, sizeof(*err));
	if ((body = get_body(token)) == NULL)
		return local_error(err, "out of memory");
	rq = get_request(body);
	rc = aws_call(t->client, &rq, &resp, err);
	free(body);
	if (rc != 0)
		return -1;
	return take_answer(&resp, out, next, nextlen, err);
}

void
tagging_get_many(struct tagging_page *p, size_t n, size_t max)
{
	struct aws_call_item *it = calloc(n ? n : 1, sizeof(*it));
	struct aws_request *rq = calloc(n ? n : 1, sizeof(*rq));
	char **body = calloc(n ? n : 1, sizeof(*body));
	size_t i;

	for (i = 0; i < n; i++) {
		p[i].out = NULL;
		p[i].next[0] = '\0';
		memset(&p[i].err, 0, sizeof(p[i].err));
	}
	if (it == NULL || rq == NULL || body == NULL) {
		for (i = 0; i < n; i++) /* one by one */
			p[i].rc = tagging_get_certificates(p[i].t, p[i].token,
			    &p[i].out, p[i].next, sizeof(p[i].next), &p[i].err);
		goto out;
	}
	for (i = 0; i < n; i++) {
		body[i] = get_body(p[i].token);
		rq[i] = get_request(body[i] ? body[i] : "{}");
		it[i].client = p[i].t->client;
		it[i].req = &rq[i];
	}
	aws_call_many(it, n, max);
	for (i = 0; i < n; i++) {
		if (body[i] == NULL) {
			buf_free(&it[i].out);
			p[i].rc = local_error(&p[i].err, "out of memory");
		} else if ((p[i].rc = it[i].rc) != 0) {
			buf_free(&it[i].out);
			p[i].err = it[i].err;
		} else
			p[i].rc = take_answer(&it[i].out, &p[i].out, p[i].next,
			    sizeof(p[i].next), &p[i].err);
	}
out:
	for (i = 0; body != NULL && i < n; i++)
		free(body[i]);
	free(body);
	free(rq);
	free(it);
}
