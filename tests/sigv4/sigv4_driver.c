/*
 * sigv4_driver: signs request descriptions read from stdin, for the
 * differential test against botocore (test_sigv4_botocore.py).
 *
 * Every field, in and out, is "<decimal length> <bytes>\n", so bodies
 * and values may hold any byte. A request is the fields
 *   method path query body access_key secret epoch region service
 *   nheaders name1 value1 ... nameN valueN
 * and the answer is either "OK\n" followed by the fields
 *   amz_date(epoch) canonical_request authorization
 * or "ERR\n" when the signer refused.
 */
#include <psa/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"
#include "base/buf.h"

#define MAXHDR 64

/* Reads one field into a malloc'd NUL-terminated string; NULL at EOF. */
static char *
field(size_t *lenp)
{
	size_t len;
	char *s;

	if (scanf("%zu", &len) != 1 || getchar() != ' ')
		return NULL;
	if ((s = malloc(len + 1)) == NULL || fread(s, 1, len, stdin) != len ||
	    getchar() != '\n') {
		free(s);
		return NULL;
	}
	s[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return s;
}

static void
put(const char *s, size_t len)
{
	printf("%zu ", len);
	fwrite(s, 1, len, stdout);
	putchar('\n');
}

static int
one(void)
{
	char *f[9] = {0}, *h[2 * MAXHDR] = {0}, *n = NULL, date[17];
	struct sigv4_header hv[MAXHDR];
	struct sigv4_request req;
	struct sigv4_credentials cr;
	struct buf creq = {0}, authz = {0};
	size_t i, nh = 0, blen = 0;
	int rc = -1;

	for (i = 0; i < 9; i++) {
		if ((f[i] = field(i == 3 ? &blen : NULL)) == NULL)
			goto cleanup;
	}
	if ((n = field(NULL)) == NULL || (nh = strtoul(n, NULL, 10)) > MAXHDR)
		goto cleanup;
	for (i = 0; i < 2 * nh; i++) {
		if ((h[i] = field(NULL)) == NULL)
			goto cleanup;
	}
	for (i = 0; i < nh; i++) {
		hv[i].name = h[2 * i];
		hv[i].value = h[2 * i + 1];
	}
	req = (struct sigv4_request){f[0], f[1], f[2], hv, nh, f[3], blen};
	cr = (struct sigv4_credentials){f[4], f[5], NULL};
	rc = 0;
	if (sigv4_amz_date((time_t)strtoll(f[6], NULL, 10), date) != 0 ||
	    sigv4_canonical_request(&req, &creq) != 0 ||
	    sigv4_authorization(&req, &cr, date, f[7], f[8], &authz) != 0) {
		printf("ERR\n");
		goto cleanup;
	}
	printf("OK\n");
	put(date, 16);
	put(creq.data, creq.len);
	put(authz.data, authz.len);
cleanup:
	for (i = 0; i < 9; i++)
		free(f[i]);
	for (i = 0; i < 2 * MAXHDR; i++)
		free(h[i]);
	free(n);
	buf_free(&creq);
	buf_free(&authz);
	return rc;
}

int
main(void)
{
	if (psa_crypto_init() != PSA_SUCCESS)
		return 2;
	while (one() == 0)
		;
	return ferror(stdin) ? 1 : 0;
}
