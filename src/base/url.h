/*
 * url: the one parser for every URL port-acm takes from its environment
 * or inputs (AWS_ENDPOINT_URL_*, AWS_CONTAINER_CREDENTIALS_FULL_URI,
 * AWS_EC2_METADATA_SERVICE_ENDPOINT, port_base_url), on curl's own URL
 * API (curl_url), so the host we check is the host curl connects to.
 *
 * Why: a hand-made split disagrees with curl on the corner cases, and
 * each disagreement is a bypass: "http://169.254.170.2:x@0.0.0.0/" is
 * 169.254.170.2 to a split at ':' and 0.0.0.0 to curl (issue 16,
 * defect 5). Userinfo is refused outright: no URL port-acm uses
 * carries credentials.
 */
#ifndef PORT_ACM_URL_H
#define PORT_ACM_URL_H

#include <stddef.h>

struct url_parts {
	int https;       /* 1 https, 0 http */
	char host[256];  /* as curl connects to it, lower case: a name, a
	                  * dotted IPv4 (curl's normal form of "127.1"),
	                  * or an IPv6 address in brackets */
	long port;       /* the explicit port, or the scheme's default */
	int port_given;  /* the URL named a port */
	char path[2048]; /* "/" at least */
	int query;       /* the URL has a query ("?...") */
	int fragment;    /* ... or a fragment ("#...") */
};

/* Parses url with curl_url. 0, or -1 with why (a phrase such as "its
 * host is empty", to follow "<setting> <url> is refused: ") when it is
 * not http(s), has userinfo (user, password or login options), no host,
 * a zone id, or does not fit. */
int url_parse(const char *url, struct url_parts *out, char *why, size_t whylen);

/* Pure. Whether the host is this machine: 127.0.0.0/8, [::1] or
 * localhost (after curl's normalisation). */
int url_is_loopback(const struct url_parts *u);

/* Pure. Whether the host is one of hosts (n of them, lower case, IPv6
 * in brackets). */
int url_host_in(const struct url_parts *u, const char *const *hosts, size_t n);

#endif
