#include "aws/tagging.h"

#include <stdlib.h>
#include <string.h>

#include "aws/aws_json.h"

struct tagging {
	struct aws_client *client;
};

static const struct aws_service tagging_service = {
    .name = "Resource Groups Tagging API",
    .signing_name = "tagging",
    .protocol = AWS_PROTO_JSON,
    .target_prefix = "ResourceGroupsTaggingAPI_20170126",
    .content_type = "application/x-amz-json-1.1"};

struct tagging *
tagging_new(struct http *http, struct clock *clock, const char *endpoint,
    const char *region, int fips, int dualstack,
    struct aws_credentials_provider credentials, const char *ca_file,
    const char *ca_setting, unsigned max_attempts)
{
	struct tagging *t = calloc(1, sizeof(*t));
	char why[256];

	if (t != NULL &&
	    (t->client = aws_client_open(http, &tagging_service,
	         &(struct aws_client_settings){endpoint, region, credentials,
	             ca_file, ca_setting, max_attempts, clock},
	         fips, dualstack, why, sizeof(why))) == NULL) {
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

/* GetResources' parameters from token; NULL on out of memory. */
static cJSON *
get_params(const char *token)
{
	cJSON *p = cJSON_CreateObject(), *types;

	if (p == NULL ||
	    (types = cJSON_AddArrayToObject(p, "ResourceTypeFilters")) ==
	        NULL ||
	    !cJSON_AddItemToArray(
	        types, cJSON_CreateString("acm:certificate")) ||
	    !cJSON_AddNumberToObject(p, "ResourcesPerPage", 100) ||
	    (token && token[0] &&
	        !cJSON_AddStringToObject(p, "PaginationToken", token))) {
		cJSON_Delete(p);
		return NULL;
	}
	return p;
}

/* The answer's PaginationToken into next; on failure *out is freed. */
static int
take_next(
    int rc, cJSON **out, char *next, size_t nextlen, struct aws_error *err)
{
	const cJSON *n;

	if (rc != 0)
		return -1;
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
	cJSON *params;
	int rc;

	*out = NULL;
	next[0] = '\0';
	memset(err, 0, sizeof(*err));
	if ((params = get_params(token)) == NULL)
		return aws_error_local(err, "out of memory");
	/* A read: always safe to repeat. */
	rc = aws_json_call(t->client, "GetResources", params, 1, out, err);
	cJSON_Delete(params);
	return take_next(rc, out, next, nextlen, err);
}

int
tagging_page_item(struct tagging_page *p, struct aws_json_item *it)
{
	cJSON *params;

	p->out = NULL;
	p->next[0] = '\0';
	memset(&p->err, 0, sizeof(p->err));
	if ((params = get_params(p->token)) == NULL) {
		p->rc = aws_error_local(&p->err, "out of memory");
		return -1;
	}
	p->rc = 0;
	/* A read: always safe to repeat. */
	*it = (struct aws_json_item){.client = p->t->client,
	    .op = "GetResources",
	    .params = params,
	    .idempotent = 1};
	return 0;
}

void
tagging_page_take(struct tagging_page *p, struct aws_json_item *it)
{
	p->out = it->out;
	p->err = it->err;
	p->rc = take_next(it->rc, &p->out, p->next, sizeof(p->next), &p->err);
	it->out = NULL;
	cJSON_Delete((cJSON *)it->params);
	it->params = NULL;
}

void
tagging_get_many(struct tagging_page *p, size_t n, size_t max)
{
	struct aws_json_item *it = calloc(n ? n : 1, sizeof(*it));
	size_t i, k = 0;

	if (it == NULL) {
		for (i = 0; i < n; i++) /* one by one */
			p[i].rc = tagging_get_certificates(p[i].t, p[i].token,
			    &p[i].out, p[i].next, sizeof(p[i].next), &p[i].err);
		return;
	}
	/* it[k] is the k-th page that could be asked for, in order. */
	for (i = 0; i < n; i++)
		if (tagging_page_item(&p[i], &it[k]) == 0)
			k++;
	aws_json_call_many(it, k, max);
	for (i = 0, k = 0; i < n; i++)
		if (p[i].rc == 0) /* asked */
			tagging_page_take(&p[i], &it[k++]);
	free(it);
}
