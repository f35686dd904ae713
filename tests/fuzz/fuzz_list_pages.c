/*
 * fuzz_list_pages: ListCertificates pages as sync walks them (issue 16,
 * item 24; defects 2 and 8 hid here) on scripted hostile answers
 * (fake_http.h): acm_call with acm_list_params, then acm_list_page,
 * acm_list_summary and catalog_summary_entity for each summary, and the
 * pager on NextToken, exactly as op_sync.c's list_page does.
 *
 * Checks beyond "no crash": the listing ends (the pager or the script
 * stops it); it is complete only when every page parsed with its
 * CertificateSummaryList array, and then it never saw a token twice;
 * an incomplete page says why; a summary that passes names a
 * certificate of the listed region and account and becomes an entity
 * whose identifier is its ARN; one that fails says why in text without
 * control characters (never stale bytes); nothing leaks.
 *
 * Requires: src/ops/acm_list.c src/ops/catalog.c src/aws/acm.c
 * src/base/pager.c src/input/validate_arn.c src/base/buf.c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <psa/crypto.h>

#include "aws/acm.h"
#include "base/pager.h"
#include "creds/creds.h"
#include "fake_http.h"
#include "fuzz_util.h"
#include "ops/acm_list.h"
#include "ops/ops.h"

#define REGION  "eu-west-1"
#define ACCOUNT "123456789012"

FUZZ_INITIALIZE_PSA()

static void
check_text(const char *s)
{
	if (s[0] == '\0')
		abort();
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			abort();
}

static void
one_summary(const cJSON *sum, const char *account)
{
	const cJSON *id, *v;
	struct arn *a = malloc(sizeof(*a));
	char why[256];
	cJSON *e;

	if (a == NULL)
		return;
	memset(why, 'X', sizeof(why)); /* stale bytes must not survive */
	why[sizeof(why) - 1] = '\0';
	if (acm_list_summary(sum, REGION, account, a, why, sizeof(why)) != 0) {
		check_text(why);
		if (strspn(why, "X") == strlen(why))
			abort();
		free(a);
		return;
	}
	v = cJSON_GetObjectItemCaseSensitive(sum, "CertificateArn");
	if (!cJSON_IsString(v) || strcmp(a->region, REGION) != 0 ||
	    (account[0] && strcmp(a->account, account) != 0))
		abort();
	if ((e = catalog_summary_entity(sum, REGION, a->account, NULL)) !=
	    NULL) {
		id = cJSON_GetObjectItemCaseSensitive(e, "identifier");
		if (!cJSON_IsString(id) ||
		    strcmp(id->valuestring, v->valuestring) != 0)
			abort();
		cJSON_Delete(e);
	}
	free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acm_config cfg = {.endpoint = "http://127.0.0.1:1",
	    .region = REGION,
	    .max_attempts = 2};
	struct buf token = {0}, prev = {0};
	struct pager pg;
	struct creds *creds;
	struct acm_error err;
	struct http *h;
	struct acm *acm;
	const cJSON *list, *sum;
	cJSON *params, *resp;
	char *script, why[512];
	unsigned long pages = 0;
	int complete = 0, repeated = 0;

	if ((script = fuzz_text(data, size, 1, 64 * 1024)) == NULL)
		return 0;

	fake_start(script);
	creds = creds_new_static("AKIDFUZZEXAMPLE", "fuzzSecret", NULL, "fuzz");
	cfg.credentials = creds_provider(creds);
	h = http_new(&(struct http_options){0});
	if (h == NULL || (acm = acm_new(h, &cfg)) == NULL)
		abort();
	pager_init(&pg, "ACM", "page token", ACM_LIST_MAX_PAGES);
	for (;;) {
		if ((params = acm_list_params(buf_str(&token))) == NULL)
			break;
		resp = NULL;
		if (acm_call(acm, "ListCertificates", params, &resp, &err) !=
		    0) {
			cJSON_Delete(params);
			break; /* region_failed: incomplete */
		}
		cJSON_Delete(params);
		pages++;
		buf_reset(&prev);
		buf_puts(&prev, buf_str(&token));
		if (acm_list_page(resp, REGION, pages, &list, &token, why,
		        sizeof(why)) != 0) {
			check_text(why);
			if (list != NULL)
				abort();
			cJSON_Delete(resp);
			break; /* incomplete, nothing deleted */
		}
		if (!cJSON_IsArray(list))
			abort();
		/* Byte 0: with or without an accounts input. */
		cJSON_ArrayForEach(sum, list)
		    one_summary(sum, data[0] % 2 ? ACCOUNT : "");
		cJSON_Delete(resp);
		if (token.len > 0 &&
		    strcmp(buf_str(&token), buf_str(&prev)) == 0)
			repeated = 1; /* the pager must stop it now */
		if (pager_next(&pg, buf_str(&token), why, sizeof(why)) != 0) {
			check_text(why);
			break;
		}
		if (repeated)
			abort(); /* the same token twice, walked again */
		if (token.len == 0) {
			complete = 1;
			break;
		}
	}
	if (complete && (pages == 0 || pages > ACM_LIST_MAX_PAGES))
		abort();
	pager_free(&pg);
	buf_free(&token);
	buf_free(&prev);
	acm_free(acm);
	creds_free(creds);
	http_free(h);
	free(script);
	return 0;
}
