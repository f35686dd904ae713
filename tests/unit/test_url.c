/* Unit tests for url.c: the one URL check, on curl's own parser, for
 * every URL port-acm takes from its environment (issue 16, defect 5). */
#include <curl/curl.h>
#include <string.h>

#include "base/url.h"
#include "tap.h"

static const char *const container[] = {
    "169.254.170.2", "169.254.170.23", "[fd00:ec2::23]"};

static int
allowed(const char *url)
{
	struct url_parts u;
	char why[256];

	return url_parse(url, &u, why, sizeof(why)) == 0 &&
	       (u.https || url_is_loopback(&u) ||
	           url_host_in(&u, container, 3));
}

int
main(void)
{
	struct url_parts u;
	char why[256];

	curl_global_init(CURL_GLOBAL_DEFAULT);
	ok(url_parse("http://169.254.170.2:x@0.0.0.0/creds", &u, why,
	       sizeof(why)) == -1 &&
	        strstr(why, "user name or password") != NULL,
	    "defect 5: userinfo is refused (%s)", why);
	ok(!allowed("http://169.254.170.2:x@0.0.0.0/creds"),
	    "defect 5: the allowlist bypass of issue 16 is closed");
	ok(!allowed("http://169.254.170.2@evil.example/"),
	    "defect 5: a user name alone is refused too");
	ok(!allowed("https://u:p@example.com/"), "even over https");
	ok(!allowed("http://;opt@169.254.170.2/"), "and login options");

	ok(url_parse("http://169.254.170.2/v2/creds", &u, why, sizeof(why)) ==
	            0 &&
	        strcmp(u.host, "169.254.170.2") == 0 && u.port == 80 &&
	        !u.port_given && strcmp(u.path, "/v2/creds") == 0,
	    "host, default port and path");
	ok(allowed("http://169.254.170.2/v2/creds") &&
	        allowed("http://169.254.170.23:80/x") &&
	        allowed("http://[fd00:ec2::23]/x"),
	    "the container hosts are allowed");
	ok(url_parse("HTTPS://Example.COM:8443", &u, why, sizeof(why)) == 0 &&
	        u.https && strcmp(u.host, "example.com") == 0 &&
	        u.port == 8443 && u.port_given,
	    "scheme and host case-insensitive; an explicit port");
	ok(url_parse("http://127.1:9/", &u, why, sizeof(why)) == 0 &&
	        url_is_loopback(&u) && strcmp(u.host, "127.0.0.1") == 0,
	    "127.1 is read as curl connects to it: 127.0.0.1 (%s)", u.host);
	ok(url_parse("http://localhost/", &u, why, sizeof(why)) == 0 &&
	        url_is_loopback(&u),
	    "localhost is this machine");
	ok(url_parse("http://[::1]:8080/", &u, why, sizeof(why)) == 0 &&
	        url_is_loopback(&u),
	    "[::1] is this machine");
	ok(url_parse("http://127.0.0.1.evil.example/", &u, why, sizeof(why)) ==
	            0 &&
	        !url_is_loopback(&u),
	    "a name starting 127.0.0.1. is not");
	ok(!allowed("http://10.1.2.3/creds"), "another host over http");
	ok(url_parse("http://[fdc2::283]:0/x", &u, why, sizeof(why)) == -1 &&
	        strstr(why, "port") != NULL,
	    "port 0 is refused (fuzz_url's finding)");
	ok(url_parse("ftp://example.com/", &u, why, sizeof(why)) == -1,
	    "not http(s): refused");
	ok(url_parse("example.com", &u, why, sizeof(why)) == -1,
	    "no scheme: refused, not guessed");
	ok(url_parse("http://[fe80::1%25eth0]/", &u, why, sizeof(why)) == -1,
	    "an IPv6 zone id: refused");
	ok(url_parse("http://h/p?q=1#f", &u, why, sizeof(why)) == 0 &&
	        u.query && u.fragment,
	    "query and fragment are reported");
	return done_testing();
}
