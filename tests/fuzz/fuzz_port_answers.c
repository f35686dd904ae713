/*
 * fuzz_port_answers: Port's answers that sync reads page by page or
 * entity by entity (issue 16, item 24): search pages with their `next`
 * cursor through port_search on scripted answers (fake_http.h), walked
 * with the pager as op_sync.c's read_catalog walks them; and bulk 200/207
 * answers through bulk_read_upsert and bulk_read_delete (bulk_answer.c),
 * which bulk.c's transfers call on the body curl received.
 *
 * Input: byte 0 picks the mode. Even: the rest is a fake_http.h script
 * of search answers. Odd: byte 1 is the number of entities of the call
 * (1..100), the rest the answer body.
 *
 * Checks beyond "no crash": a search walk ends (a cursor seen twice
 * stops it, saying so) and every page it read was a JSON object; the
 * client secret never leaves in a URL or header; a bulk answer gives
 * each entity exactly one verdict, refused ones listed once each in a
 * valid order, with a reason only when Port gave a string; an entity
 * in `entities` is written whatever `errors` says; nothing leaks.
 *
 * Requires: src/port/bulk_answer.c src/port/port.c src/base/pager.c
 * src/base/retry.c src/base/buf.c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/pager.h"
#include "fake_http.h"
#include "fuzz_util.h"
#include "port/bulk_answer.h"
#include "port/port.h"

#define SECRET "ZZfuzz-port-answers-secret-9Kp"

static void
search(const char *script)
{
	struct port_config cfg = {.base_url = "http://127.0.0.1:1",
	    .client_id = "fuzz-client-id",
	    .client_secret = SECRET,
	    .max_attempts = 2};
	struct port_error e;
	struct pager pg;
	struct http *h;
	struct port *p;
	cJSON *body, *resp;
	const cJSON *next, *ents, *ent;
	char why[256];
	unsigned long pages = 0;

	fake_secrets[0] = SECRET;
	fake_start(script);
	h = http_new(&(struct http_options){0});
	p = port_new(h, &cfg);
	body = cJSON_Parse("{\"query\":{\"combinator\":\"and\",\"rules\":[]},"
	                   "\"include\":[\"$identifier\"],\"limit\":1000}");
	if (h == NULL || p == NULL || body == NULL)
		abort();
	pager_init(&pg, "Port", "search cursor (next)", 10000);
	for (;;) {
		if (port_search(p, "acm_certificate", body, &resp, &e) != 0) {
			if (resp != NULL ||
			    memchr(e.message, '\0', sizeof(e.message)) ==
			        NULL ||
			    strstr(e.message, SECRET) != NULL)
				abort();
			break;
		}
		if (!cJSON_IsObject(resp) || ++pages > 10000)
			abort();
		ents = cJSON_GetObjectItemCaseSensitive(resp, "entities");
		cJSON_ArrayForEach(ent, ents)
		{
			(void)cJSON_GetObjectItemCaseSensitive(
			    ent, "identifier");
		}
		next = cJSON_GetObjectItemCaseSensitive(resp, "next");
		if (!cJSON_IsString(next) || !next->valuestring[0]) {
			cJSON_Delete(resp);
			break;
		}
		if (pager_next(&pg, next->valuestring, why, sizeof(why)) != 0) {
			if (why[0] == '\0')
				abort();
			cJSON_Delete(resp);
			break;
		}
		cJSON_DeleteItemFromObjectCaseSensitive(body, "from");
		cJSON_AddStringToObject(body, "from", next->valuestring);
		cJSON_Delete(resp);
	}
	pager_free(&pg);
	cJSON_Delete(body);
	port_free(p);
	http_free(h);
}

/* Whether resp's `entities` has an item with index i. */
static int
listed_ok(const cJSON *resp, size_t i)
{
	const cJSON *e, *idx;

	cJSON_ArrayForEach(
	    e, cJSON_GetObjectItemCaseSensitive(resp, "entities"))
	{
		idx = cJSON_GetObjectItemCaseSensitive(e, "index");
		if (cJSON_IsNumber(idx) && idx->valuedouble >= 0 &&
		    idx->valuedouble < (double)i + 1 &&
		    (size_t)idx->valuedouble == i)
			return 1;
	}
	return 0;
}

static void
bulk(size_t n, const char *body, size_t len)
{
	struct bulk_answer ans[100];
	size_t refused[100], nrefused = 0, i, j;
	unsigned char seen[100] = {0};
	char id[32];
	cJSON *resp = cJSON_ParseWithLength(body, len);

	if (!cJSON_IsObject(resp)) { /* bulk.c retries such an answer */
		cJSON_Delete(resp);
		return;
	}
	memset(ans, 0xa5, sizeof(ans));
	bulk_read_upsert(resp, n, ans, refused, &nrefused);
	if (nrefused > n)
		abort();
	for (j = 0; j < nrefused; j++) {
		if (refused[j] >= n || seen[refused[j]]++ ||
		    ans[refused[j]].verdict != BULK_REFUSED)
			abort();
	}
	for (i = 0; i < n; i++) {
		if (ans[i].verdict != BULK_UNANSWERED &&
		    ans[i].verdict != BULK_WRITTEN &&
		    ans[i].verdict != BULK_REFUSED)
			abort();
		if (ans[i].verdict == BULK_REFUSED && !seen[i])
			abort(); /* refused but not in the order list */
		if ((ans[i].verdict == BULK_WRITTEN) != listed_ok(resp, i))
			abort();
		if (ans[i].verdict == BULK_REFUSED && ans[i].reason != NULL)
			(void)strlen(ans[i].reason);
		snprintf(id, sizeof(id), "cert-%zu", i);
		(void)bulk_read_delete(resp, id);
	}
	cJSON_Delete(resp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in;

	if (size < 2 || (in = fuzz_text(data, size, 1, 64 * 1024)) == NULL)
		return 0;
	if (data[0] % 2 == 0)
		search(in);
	else
		bulk((size_t)data[1] % 100 + 1, in + 1, size - 2);
	free(in);
	return 0;
}
