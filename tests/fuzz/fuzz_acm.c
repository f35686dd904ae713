/*
 * fuzz_acm: the ACM client's response handling on scripted hostile
 * answers (fake_http.h): acm_call for DescribeCertificate, whose answer
 * goes through acm_certificate_parse, then acm_error_parse on the raw
 * input with every header variant.
 *
 * Checks beyond "no crash": requests never carry the secret key, CR/LF
 * in a header or raw bytes in the URL; parsed certificates have
 * NUL-terminated fields and as many list items as they claim; error
 * fields are NUL-terminated, the type is sanitised (no ':' or '#') and
 * nothing is left allocated after acm_certificate_free (LeakSanitizer).
 *
 * Requires: src/aws/acm.c src/aws/sigv4.c src/base/retry.c src/input/validate.c
 * src/base/buf.c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <psa/crypto.h>

#include "aws/acm.h"
#include "creds/creds.h"
#include "fake_http.h"
#include "fuzz_util.h"

#define SECRET "ZZfuzzSecretKeyEXAMPLE/K7MDENG+bPxRfiCYzzzz"
#define TOKEN  "fuzzSessionTokenEXAMPLEzzzz"

FUZZ_INITIALIZE_PSA()

static int echoed; /* the input itself holds the secret */

static void
check_err(const struct acm_error *e)
{
	if (!TERMINATED(e->type) || !TERMINATED(e->message) ||
	    !TERMINATED(e->request_id) || strpbrk(e->type, ":#") != NULL ||
	    (!echoed && strstr(e->message, SECRET) != NULL))
		abort();
}

static void
check_validations(const struct acm_validation *v, size_t n)
{
	size_t i;

	if (n > 0 && v == NULL)
		abort();
	for (i = 0; i < n; i++) {
		if (!TERMINATED(v[i].domain) || !TERMINATED(v[i].method) ||
		    !TERMINATED(v[i].status) || !TERMINATED(v[i].record_name) ||
		    !TERMINATED(v[i].record_type) ||
		    !TERMINATED(v[i].record_value) || !TERMINATED(v[i].emails))
			abort();
	}
}

static void
check_certificate(const struct acm_certificate *c)
{
	size_t i;

	if (!TERMINATED(c->arn) || !TERMINATED(c->domain) ||
	    !TERMINATED(c->status) || !TERMINATED(c->type) ||
	    !TERMINATED(c->key_algorithm) ||
	    !TERMINATED(c->renewal_eligibility) ||
	    !TERMINATED(c->renewal_status) || !TERMINATED(c->renewal_reason) ||
	    !TERMINATED(c->failure_reason) || !TERMINATED(c->export_option) ||
	    !TERMINATED(c->ca_arn))
		abort();
	/* Required fields are required. */
	if (c->arn[0] == '\0' || c->domain[0] == '\0' || c->status[0] == '\0')
		abort();
	if (strchr(c->key_algorithm, '-') != NULL)
		abort();
	for (i = 0; i < c->nsans; i++) {
		if (c->sans == NULL || c->sans[i] == NULL)
			abort();
	}
	for (i = 0; i < c->nin_use_by; i++) {
		if (c->in_use_by == NULL || c->in_use_by[i] == NULL)
			abort();
	}
	check_validations(c->validations, c->nvalidations);
	check_validations(c->renewal_validations, c->nrenewal_validations);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct creds *creds;
	struct acm_config cfg = {.endpoint = "http://127.0.0.1:1",
	    .region = "eu-west-1",
	    .max_attempts = 3};
	struct acm_certificate cert;
	struct acm_error e;
	struct http *h;
	struct acm *a;
	cJSON *params, *out = NULL;
	char *script, msg[256];
	const char *nl;

	if ((script = fuzz_text(data, size, 0, 64 * 1024)) == NULL)
		return 0;
	echoed = contains(data, size, SECRET);

	/* Error parsing: the first line as X-Amzn-Errortype, then none. */
	nl = strchr(script, '\n');
	if (nl != NULL) {
		char hdr[256];
		size_t n = (size_t)(nl - script);

		n = n < sizeof(hdr) - 1 ? n : sizeof(hdr) - 1;
		memcpy(hdr, script, n);
		hdr[n] = '\0';
		acm_error_parse(400, hdr, nl + 1, strlen(nl + 1), hdr, &e);
		check_err(&e);
	}
	acm_error_parse(500, NULL, (const char *)data, size, NULL, &e);
	check_err(&e);

	/* The whole client on the scripted answers. */
	fake_secrets[0] = SECRET;
	fake_start(script);
	creds = creds_new_static("AKIDFUZZEXAMPLE", SECRET, TOKEN, "fuzz");
	cfg.credentials = creds_provider(creds);
	h = http_new(&(struct http_options){0});
	a = acm_new(h, &cfg);
	if (h == NULL || a == NULL)
		abort();
	params = cJSON_Parse("{\"CertificateArn\":\"arn:aws:acm:eu-west-1:"
	                     "123456789012:certificate/x\"}");
	if (acm_call(a, "DescribeCertificate", params, &out, &e) == 0) {
		if (!cJSON_IsObject(out))
			abort();
		memset(&cert, 0xa5, sizeof(cert));
		if (acm_certificate_parse(out, &cert, msg, sizeof(msg)) == 0) {
			check_certificate(&cert);
			acm_certificate_free(&cert);
		} else if (!TERMINATED(msg) || msg[0] == '\0')
			abort();
		cJSON_Delete(out);
	} else {
		check_err(&e);
		if (out != NULL)
			abort();
	}
	/* A second call: the retry quota carries over between calls. */
	if (acm_call(a, "ListCertificates", NULL, &out, &e) == 0)
		cJSON_Delete(out);
	else
		check_err(&e);
	cJSON_Delete(params);
	acm_free(a);
	creds_free(creds);
	http_free(h);
	free(script);
	return 0;
}
