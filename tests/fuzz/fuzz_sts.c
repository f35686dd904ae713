/*
 * fuzz_sts: the STS client's answer handling (issue 16, item 24) on
 * scripted hostile answers (fake_http.h): AssumeRole,
 * AssumeRoleWithWebIdentity and GetCallerIdentity through the public
 * functions the credential chain calls (creds_sts.c, creds_identity.c),
 * their XML answers and STS error bodies; then sts_parse_credentials
 * on the raw input.
 *
 * Checks beyond "no crash": credentials handed back have all four
 * parts, no whitespace inside (a token wrapped over lines is joined)
 * and an expiry; an account is 12 digits; the assumed-role ARN and
 * every error field are NUL-terminated and free of control characters;
 * no error message repeats a secret its call sent (the web identity
 * token; the base secret key and session token of a signed call), even
 * when the answer quotes it (issue 16, defect 6); no request carries the secret
 * key or the web identity token in a header or the URL; nothing is left
 * allocated (LeakSanitizer).
 *
 * Requires: src/aws/sts.c src/aws/aws.c src/aws/xml.c src/aws/sigv4.c
 * src/creds/creds.c src/base/retry.c src/base/buf.c
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <psa/crypto.h>

#include "aws/sts.h"
#include "creds/creds.h"
#include "fake_http.h"
#include "fuzz_util.h"

#define SECRET   "ZZfuzzStsSecretKeyEXAMPLE/K7MDENG+bPxRzzzz"
#define TOKEN    "ZZfuzzStsSessionTokenEXAMPLEzzzz"
#define WEBTOKEN "eyJhbGciOiJSUzI1NiJ9.ZZfuzzWebIdentityJWT.c2ln"

FUZZ_INITIALIZE_PSA()

static void
check_text(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			abort();
}

/* held: the secrets the call sent, which its answer may quote back and
 * the message must not repeat (an answer can only quote what the
 * service was sent). */
static void
check_err(const struct aws_error *e, const char *const *held)
{
	if (!TERMINATED(e->type) || !TERMINATED(e->message) ||
	    !TERMINATED(e->request_id))
		abort();
	check_text(e->type);
	check_text(e->message);
	for (; *held != NULL; held++)
		if (strstr(e->message, *held) != NULL)
			abort(); /* a secret the call held, quoted back */
}

static void
check_creds(struct aws_credentials *c, const char *arn, size_t arnlen)
{
	const char *parts[3] = {
	    c->access_key_id, c->secret_access_key, c->session_token};
	const char *p;
	size_t i;

	for (i = 0; i < 3; i++) {
		if (parts[i] == NULL || parts[i][0] == '\0')
			abort();
		for (p = parts[i]; *p; p++)
			if (isspace((unsigned char)*p))
				abort();
	}
	if (c->expires <= 0 || memchr(arn, '\0', arnlen) == NULL)
		abort();
	check_text(arn);
	aws_credentials_wipe(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const web[] = {WEBTOKEN, NULL};
	static const char *const signed_[] = {SECRET, TOKEN, NULL};
	struct sts_role role = {
	    "arn:aws:iam::123456789012:role/deploy", "port-acm", 0, "ext-id"};
	struct sts_config cfg = {.endpoint = "http://127.0.0.1:1",
	    .region = "eu-west-1",
	    .max_attempts = 3};
	struct aws_credentials out;
	struct aws_error e;
	struct creds *base;
	struct http *h;
	struct sts *s;
	char *script, arn[512], account[13], why[256];

	if ((script = fuzz_text(data, size, 0, 64 * 1024)) == NULL)
		return 0;

	/* The parser alone, on the exact bytes. */
	if (sts_parse_credentials((const char *)data, size, &out, arn,
	        sizeof(arn), why, sizeof(why)) == 0)
		check_creds(&out, arn, sizeof(arn));
	else if (why[0] == '\0' || out.access_key_id != NULL)
		abort();

	/* The client, as the chain calls it, on the scripted answers. */
	fake_secrets[0] = SECRET;
	fake_secrets[1] = WEBTOKEN;
	fake_start(script);
	base = creds_new_static("AKIDFUZZEXAMPLE", SECRET, TOKEN, "fuzz");
	cfg.credentials = creds_provider(base);
	h = http_new(&(struct http_options){0});
	if (h == NULL || (s = sts_new(h, &cfg, why, sizeof(why))) == NULL)
		abort();
	if (sts_assume_role_with_web_identity(
	        s, &role, WEBTOKEN, &out, arn, sizeof(arn), &e) == 0)
		check_creds(&out, arn, sizeof(arn));
	else
		check_err(&e, web);
	if (sts_assume_role(s, &role, &out, arn, sizeof(arn), &e) == 0)
		check_creds(&out, arn, sizeof(arn));
	else
		check_err(&e, signed_);
	if (sts_get_caller_identity(s, account, arn, sizeof(arn), &e) == 0) {
		if (strlen(account) != 12 ||
		    strspn(account, "0123456789") != 12 ||
		    memchr(arn, '\0', sizeof(arn)) == NULL)
			abort();
		check_text(arn);
	} else
		check_err(&e, signed_);
	sts_free(s);
	creds_free(base);
	http_free(h);
	free(script);
	return 0;
}
