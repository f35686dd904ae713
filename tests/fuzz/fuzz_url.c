/*
 * fuzz_url: url_parse, the one URL check (issue 16, defects 5 and 24),
 * on arbitrary text.
 *
 * Input: the URL (up to a NUL). Checks beyond "no crash": url_parse
 * returns 0 or -1 and writes a non-empty NUL-terminated reason on -1;
 * what passes is http(s) with a non-empty lower-case host free of '@',
 * blanks and control characters, a port in 1..65535 and a path; curl's
 * own parser, asked again, connects to that very host (so no userinfo
 * trick survives); url_is_loopback agrees with itself.
 *
 * Requires: src/base/url.c src/base/buf.c
 */
#include <curl/curl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/url.h"
#include "fuzz_util.h"

#define WHYLEN 64

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in, why[WHYLEN + 1], *host = NULL;
	struct url_parts u;
	CURLU *h;
	size_t i;
	int rc;

	if ((in = fuzz_text(data, size, 0, 4096)) == NULL)
		return 0;
	why[WHYLEN] = '#';
	rc = url_parse(in, &u, why, WHYLEN);
	if (rc != 0 && rc != -1)
		abort();
	if (why[WHYLEN] != '#')
		abort();
	if (rc == -1 && (memchr(why, '\0', WHYLEN) == NULL || why[0] == '\0'))
		abort();
	if (rc == 0) {
		if (u.host[0] == '\0' || strchr(u.host, '@') != NULL ||
		    u.port < 1 || u.port > 65535 ||
		    (u.https != 0 && u.https != 1))
			abort();
		for (i = 0; u.host[i]; i++)
			if ((unsigned char)u.host[i] <= ' ' ||
			    (u.host[i] >= 'A' && u.host[i] <= 'Z'))
				abort();
		/* curl, asked again, connects to the same host. */
		if ((h = curl_url()) != NULL) {
			if (curl_url_set(h, CURLUPART_URL, in, 0) !=
			        CURLUE_OK ||
			    curl_url_get(h, CURLUPART_HOST, &host, 0) !=
			        CURLUE_OK ||
			    strcasecmp(host, u.host) != 0)
				abort();
			curl_free(host);
			curl_url_cleanup(h);
		}
		if (url_is_loopback(&u) != url_is_loopback(&u))
			abort();
	}
	free(in);
	return 0;
}
