/*
 * fuzz_sigv4: the SigV4 canonicaliser and signer on hostile requests.
 *
 * Input: line 1 method, line 2 raw path, line 3 raw query, then
 * "name:value" header lines up to an empty line; the rest is the body.
 * Checks beyond "no crash": the canonical request is deterministic,
 * has exactly the six-part shape (method, path, query, headers block,
 * signed names, payload hash), and a request that canonicalises also
 * signs.
 *
 * Requires: src/aws/sigv4.c src/base/buf.c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <psa/crypto.h>

#include "aws/sigv4.h"
#include "base/buf.h"
#include "fuzz_util.h"

#define MAX_HEADERS 32

FUZZ_INITIALIZE_PSA()

/* Splits off the next line of s in place; NULL when s is exhausted. */
static char *
next_line(char **s)
{
	char *line = *s, *nl;

	if (line == NULL)
		return NULL;
	nl = strchr(line, '\n');
	if (nl != NULL) {
		*nl = '\0';
		*s = nl + 1;
	} else
		*s = NULL;
	return line;
}

static void
check_shape(const struct buf *b)
{
	size_t i, nl = 0;

	/* The header block has one line per distinct name plus a blank
	 * line; header values are whitespace-collapsed so they hold no
	 * newline, and path/query are percent-encoded. */
	for (i = 0; i < b->len; i++)
		nl += b->data[i] == '\n';
	if (nl < 6 || b->len < 65 || b->data[b->len - 65] != '\n')
		abort();
	if (strlen(b->data) != b->len)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sigv4_header hv[MAX_HEADERS];
	struct sigv4_request req;
	struct sigv4_credentials creds = {
	    "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL};
	struct buf a = {0}, b = {0}, auth = {0};
	char *text, *rest, *line, *colon;
	size_t nh = 0;
	int ra, rb;

	if ((text = fuzz_text(data, size, 0, 64 * 1024)) == NULL)
		return 0;
	/* Bytes after an embedded NUL are unreachable from C strings. */
	rest = text;
	memset(&req, 0, sizeof(req));
	req.method = next_line(&rest);
	req.path = next_line(&rest);
	req.query = next_line(&rest);
	while ((line = next_line(&rest)) != NULL && *line != '\0' &&
	       nh < MAX_HEADERS) {
		colon = strchr(line, ':');
		if (colon == NULL)
			continue;
		*colon = '\0';
		hv[nh].name = line;
		hv[nh].value = colon + 1;
		nh++;
	}
	req.headers = hv;
	req.nheaders = nh;
	req.body = rest;
	req.body_len = rest != NULL ? strlen(rest) : 0;

	ra = sigv4_canonical_request(&req, &a);
	rb = sigv4_canonical_request(&req, &b);
	if (ra != rb ||
	    (ra == 0 && (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)))
		abort();
	if (ra == 0) {
		check_shape(&a);
		buf_reset(&b);
		if (sigv4_signed_headers(&req, &b) != 0)
			abort();
		/* With a matching x-amz-date the signer must not refuse. */
		if (sigv4_authorization(&req, &creds, "20150830T123600Z",
		        "us-east-1", "acm", &auth) == 0 &&
		    strstr(auth.data, creds.secret_access_key) != NULL)
			abort();
	}
	buf_free(&a);
	buf_free(&b);
	buf_free(&auth);
	free(text);
	return 0;
}
