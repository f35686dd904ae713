#include "base/url.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"

/* A part of h into dst (cut to fit is refused); 0, or -1. Absent parts
 * are "" (the CURLUE_NO_* codes). */
static int
part(CURLU *h, CURLUPart what, unsigned flags, char *dst, size_t len,
    int *present)
{
	char *v = NULL;
	CURLUcode rc = curl_url_get(h, what, &v, flags);
	int out = 0;

	*present = rc == CURLUE_OK;
	dst[0] = '\0';
	if (rc == CURLUE_OK) {
		if (strlen(v) >= len)
			out = -1;
		else
			str_copy(dst, len, v);
	} else if (rc == CURLUE_OUT_OF_MEMORY)
		out = -1;
	curl_free(v);
	return out;
}

int
url_parse(const char *url, struct url_parts *out, char *why, size_t whylen)
{
	CURLU *h;
	char scheme[16], tmp[2048], port[16];
	int have, rc = -1;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (url == NULL || (h = curl_url()) == NULL) {
		str_copy(why, whylen, "it cannot be parsed (out of memory)");
		return -1;
	}
	/* No scheme guessing: "example.com" is not a URL here. */
	if (curl_url_set(h, CURLUPART_URL, url, 0) != CURLUE_OK) {
		str_copy(why, whylen, "it is not a URL curl can use");
		goto done;
	}
	if (part(h, CURLUPART_SCHEME, 0, scheme, sizeof(scheme), &have) != 0 ||
	    (strcasecmp(scheme, "https") != 0 &&
	        strcasecmp(scheme, "http") != 0)) {
		str_copy(why, whylen, "it is not an http or https URL");
		goto done;
	}
	out->https = strcasecmp(scheme, "https") == 0;
	if (part(h, CURLUPART_USER, 0, tmp, sizeof(tmp), &have) != 0 || have ||
	    part(h, CURLUPART_PASSWORD, 0, tmp, sizeof(tmp), &have) != 0 ||
	    have ||
	    part(h, CURLUPART_OPTIONS, 0, tmp, sizeof(tmp), &have) != 0 ||
	    have) {
		str_copy(why, whylen,
		    "it has a user name or password before an '@' "
		    "(userinfo): give only scheme, host, port and path");
		goto done;
	}
	if (part(h, CURLUPART_ZONEID, 0, tmp, sizeof(tmp), &have) != 0 ||
	    have) {
		str_copy(why, whylen, "its IPv6 host has a zone id");
		goto done;
	}
	if (part(h, CURLUPART_HOST, 0, out->host, sizeof(out->host), &have) !=
	        0 ||
	    !have || out->host[0] == '\0') {
		str_copy(why, whylen, "its host is empty or too long");
		goto done;
	}
	for (i = 0; out->host[i]; i++)
		out->host[i] = (char)tolower((unsigned char)out->host[i]);
	if (part(h, CURLUPART_PORT, 0, port, sizeof(port), &have) != 0)
		goto toolong;
	out->port_given = have;
	if (part(h, CURLUPART_PORT, CURLU_DEFAULT_PORT, port, sizeof(port),
	        &have) != 0 ||
	    !have)
		goto toolong;
	out->port = strtol(port, NULL, 10);
	/* curl takes ":0"; nothing listens there (found by fuzz_url). */
	if (out->port < 1 || out->port > 65535) {
		str_copy(
		    why, whylen, "its port is not a number from 1 to 65535");
		goto done;
	}
	if (part(h, CURLUPART_PATH, 0, out->path, sizeof(out->path), &have) !=
	    0)
		goto toolong;
	if (part(h, CURLUPART_QUERY, 0, tmp, sizeof(tmp), &out->query) != 0 ||
	    part(h, CURLUPART_FRAGMENT, 0, tmp, sizeof(tmp), &out->fragment) !=
	        0)
		goto toolong;
	rc = 0;
	goto done;
toolong:
	str_copy(why, whylen, "it is too long");
done:
	curl_url_cleanup(h);
	return rc;
}

int
url_is_loopback(const struct url_parts *u)
{
	struct in_addr a;

	if (strcmp(u->host, "localhost") == 0 || strcmp(u->host, "[::1]") == 0)
		return 1;
	/* curl writes IPv4 hosts as four decimal octets (it normalises
	 * "127.1" and "0x7f.0.0.1"), which inet_pton reads; a name is
	 * never a match here. */
	return inet_pton(AF_INET, u->host, &a) == 1 &&
	       (ntohl(a.s_addr) >> 24) == 127;
}

int
url_host_in(const struct url_parts *u, const char *const *hosts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(u->host, hosts[i]) == 0)
			return 1;
	return 0;
}
