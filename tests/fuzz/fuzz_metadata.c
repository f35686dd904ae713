/*
 * fuzz_metadata: the container-credentials and EC2 instance metadata
 * answers (src/creds/creds_metadata.c, issue 16, item 24) on scripted
 * hostile answers (fake_http.h), through what the chain calls:
 * creds_probe_container / creds_probe_imds, then creds_get, which
 * fetches (container: GET the full URI with the authorization token;
 * IMDS: the token PUT, with its IMDSv1 fallback, the role name, the
 * role's credentials), and a second creds_get an hour later, which
 * refreshes.
 *
 * Input: byte 0 picks the source (even: container, odd: IMDS); the
 * rest is the script. Checks beyond "no crash": credentials handed out
 * have all three parts, none with a line break, and each was handed to
 * the mask hook first; a failure says why, NUL-terminated and without
 * control characters, and never repeats the container authorization
 * token; no request carries CR/LF in a header (an IMDS token with a
 * line break must never become a header) or raw bytes in its URL;
 * nothing leaks (LeakSanitizer).
 *
 * Requires: src/creds/creds_metadata.c src/creds/creds.c src/base/url.c
 * src/base/buf.c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "creds/creds_source.h"
#include "fake_http.h"
#include "fuzz_util.h"

#define AUTH_TOKEN "ZZfuzzContainerAuthTokenEXAMPLEzzzz"

static int imds;
static char *masks[16]; /* copies: a masked string may be freed */
static size_t nmasks;

static const char *
fake_getenv(const char *name)
{
	if (!imds && strcmp(name, "AWS_CONTAINER_CREDENTIALS_FULL_URI") == 0)
		return "http://127.0.0.1:1/v2/credentials/fuzz";
	if (!imds && strcmp(name, "AWS_CONTAINER_AUTHORIZATION_TOKEN") == 0)
		return AUTH_TOKEN;
	if (imds && strcmp(name, "AWS_EC2_METADATA_SERVICE_ENDPOINT") == 0)
		return "http://127.0.0.1:1/";
	return NULL;
}

static void
on_mask(void *arg, const char *secret)
{
	(void)arg;
	if (secret != NULL && nmasks < sizeof(masks) / sizeof(masks[0]) &&
	    (masks[nmasks] = strdup(secret)) != NULL)
		nmasks++;
}

/* Whether s was masked (the mask hook got that string's value). */
static int
was_masked(const char *s)
{
	size_t i;

	for (i = 0; i < nmasks; i++)
		if (strcmp(masks[i], s) == 0)
			return 1;
	return 0;
}

static void
forget_masks(void)
{
	while (nmasks > 0)
		free(masks[--nmasks]);
}

static void
check(struct creds *c, time_t now)
{
	const struct aws_credentials *v;
	char err[1024];
	size_t i;

	err[0] = '\0';
	v = creds_get(c, now, err, sizeof(err));
	if (v == NULL) {
		if (err[0] == '\0' || memchr(err, '\0', sizeof(err)) == NULL ||
		    (!imds && strstr(err, AUTH_TOKEN) != NULL))
			abort();
		for (i = 0; err[i]; i++)
			if ((unsigned char)err[i] < 0x20)
				abort();
		return;
	}
	if (v->access_key_id == NULL || v->secret_access_key == NULL ||
	    v->session_token == NULL || !v->access_key_id[0] ||
	    !v->secret_access_key[0] || !v->session_token[0] ||
	    strpbrk(v->access_key_id, "\r\n") ||
	    strpbrk(v->secret_access_key, "\r\n") ||
	    strpbrk(v->session_token, "\r\n"))
		abort();
	/* Everything handed out was masked, at this fetch or before. */
	if (!was_masked(v->secret_access_key) || !was_masked(v->session_token))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct creds_env env = {0};
	struct creds *c = NULL;
	struct http *h;
	enum creds_probe r;
	char *script, why[1024];
	time_t now = 1796612400; /* 2026-12-07T03:00:00Z */

	if ((script = fuzz_text(data, size, 1, 64 * 1024)) == NULL)
		return 0;
	imds = data[0] % 2;

	fake_start(script);
	if ((h = http_new(&(struct http_options){0})) == NULL)
		abort();
	env.http = h;
	env.getenv = fake_getenv;
	env.mask = on_mask;
	r = imds ? creds_probe_imds(&env, &c, why, sizeof(why))
	         : creds_probe_container(&env, &c, why, sizeof(why));
	if (r != CREDS_FOUND || c == NULL)
		abort(); /* the environment above is a valid one */
	creds_set_mask(c, on_mask, NULL);
	check(c, now);
	check(c, now + 3600); /* refreshes when they expire by then */
	forget_masks();
	creds_free(c);
	http_free(h);
	free(script);
	return 0;
}
