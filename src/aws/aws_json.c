#include "aws/aws_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A call's request and what it points into; not to be moved once
 * made (req points at body and header). */
struct json_req {
	struct aws_request req;
	char *body;          /* malloc'd */
	char target[160];    /* "X-Amz-Target: <prefix>.<op>" */
	const char *hdrs[1]; /* target */
};

/* Fills j for op on c; -1 (err filled) on out of memory. */
static int
json_req_make(struct json_req *j, const struct aws_client *c, const char *op,
    const cJSON *params, int idempotent, struct aws_error *err)
{
	const struct aws_service *sv = aws_client_service(c);
	const int rest = sv->target_prefix == NULL;

	memset(j, 0, sizeof(*j));
	j->body = params ? cJSON_PrintUnformatted(params) : strdup("{}");
	if (j->body == NULL)
		return aws_error_local(err, "out of memory");
	if (!rest) {
		snprintf(j->target, sizeof(j->target), "X-Amz-Target: %s.%s",
		    sv->target_prefix, op);
		j->hdrs[0] = j->target;
	}
	j->req = (struct aws_request){"POST", rest ? op : NULL, NULL,
	    sv->content_type, rest ? NULL : j->hdrs, rest ? 0 : 1, j->body,
	    strlen(j->body), idempotent, 0, NULL};
	return 0;
}

/* The answer resp (consumed; aws_call checked it is a JSON object, or
 * empty) into *out. */
static int
take_answer(struct buf *resp, cJSON **out, struct aws_error *err)
{
	*out = resp->len ? cJSON_ParseWithLength(resp->data, resp->len)
	                 : cJSON_CreateObject();
	buf_free(resp);
	return *out ? 0 : aws_error_local(err, "out of memory");
}

int
aws_json_call(struct aws_client *c, const char *op, const cJSON *params,
    int idempotent, cJSON **out, struct aws_error *err)
{
	struct json_req j;
	struct buf resp = {0};
	int rc;

	*out = NULL;
	memset(err, 0, sizeof(*err));
	if (json_req_make(&j, c, op, params, idempotent, err) != 0)
		return -1;
	rc = aws_call(c, &j.req, &resp, err);
	free(j.body);
	if (rc != 0) {
		buf_free(&resp);
		return -1;
	}
	return take_answer(&resp, out, err);
}

void
aws_json_call_many(struct aws_json_item *it, size_t n, size_t max)
{
	struct json_req *j = calloc(n ? n : 1, sizeof(*j));
	struct aws_call_item *ci = calloc(n ? n : 1, sizeof(*ci));
	size_t i, k = 0;

	if (j == NULL || ci == NULL) {
		for (i = 0; i < n; i++) /* one by one */
			it[i].rc =
			    aws_json_call(it[i].client, it[i].op, it[i].params,
			        it[i].idempotent, &it[i].out, &it[i].err);
		goto out;
	}
	/* ci[k] is the k-th call that could be made, in order. */
	for (i = 0; i < n; i++) {
		it[i].out = NULL;
		memset(&it[i].err, 0, sizeof(it[i].err));
		it[i].rc = json_req_make(&j[i], it[i].client, it[i].op,
		    it[i].params, it[i].idempotent, &it[i].err);
		if (it[i].rc == 0) {
			ci[k].client = it[i].client;
			ci[k++].req = &j[i].req;
		}
	}
	aws_call_many(ci, k, max);
	for (i = 0, k = 0; i < n; i++) {
		if (it[i].rc != 0)
			continue; /* never sent */
		if ((it[i].rc = ci[k].rc) != 0) {
			it[i].err = ci[k].err;
			buf_free(&ci[k].out);
		} else
			it[i].rc =
			    take_answer(&ci[k].out, &it[i].out, &it[i].err);
		k++;
	}
	for (i = 0; i < n; i++)
		free(j[i].body);
out:
	free(j);
	free(ci);
}
