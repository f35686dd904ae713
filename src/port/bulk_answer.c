#include "port/bulk_answer.h"

#include <string.h>

void
bulk_read_upsert(const cJSON *resp, size_t n, struct bulk_answer *out,
    size_t *refused, size_t *nrefused)
{
	const cJSON *errs = cJSON_GetObjectItemCaseSensitive(resp, "errors");
	const cJSON *oks = cJSON_GetObjectItemCaseSensitive(resp, "entities");
	const cJSON *e, *idx, *msg, *code;
	size_t i;
	double k;

	*nrefused = 0;
	for (i = 0; i < n; i++)
		out[i] = (struct bulk_answer){BULK_UNANSWERED, 0, NULL};
	cJSON_ArrayForEach(e, oks)
	{
		idx = cJSON_GetObjectItemCaseSensitive(e, "index");
		k = cJSON_IsNumber(idx) ? idx->valuedouble : -1;
		if (k >= 0 && k < (double)n)
			out[(size_t)k].verdict = BULK_WRITTEN;
	}
	/* The first error naming an entity not written decides. */
	cJSON_ArrayForEach(e, errs)
	{
		idx = cJSON_GetObjectItemCaseSensitive(e, "index");
		k = cJSON_IsNumber(idx) ? idx->valuedouble : -1;
		if (!(k >= 0 && k < (double)n) ||
		    out[(size_t)k].verdict != BULK_UNANSWERED)
			continue;
		i = (size_t)k;
		msg = cJSON_GetObjectItemCaseSensitive(e, "message");
		code = cJSON_GetObjectItemCaseSensitive(e, "statusCode");
		out[i].verdict = BULK_REFUSED;
		out[i].status =
		    cJSON_IsNumber(code) ? (long)code->valuedouble : 0;
		out[i].reason = cJSON_IsString(msg) ? msg->valuestring : NULL;
		refused[(*nrefused)++] = i;
	}
}

int
bulk_read_delete(const cJSON *resp, const char *id)
{
	const cJSON *gone =
	    cJSON_GetObjectItemCaseSensitive(resp, "deletedEntities");
	const cJSON *e;

	cJSON_ArrayForEach(e, gone)
	{
		if (cJSON_IsString(e) && strcmp(e->valuestring, id) == 0)
			return 1;
	}
	return 0;
}
