/*
 * Unit tests for the pure parts of port.c: path-segment encoding (an
 * ACM ARN as an entity identifier in a URL path) and Port's error body
 * {ok, error, message} (port-api.md §3.3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port/port.h"
#include "tap.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define UNRESERVED                                                             \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"

static const char *const encodings[][3] = {
    {"ARN", "arn:aws:acm:us-east-1:123456789012:certificate/1234-abcd",
        "arn%3Aaws%3Aacm%3Aus-east-1%3A123456789012%3Acertificate%2F1234-abcd"},
    {"run id", "r_QOz6WoOB1Q2lmhZZ", "r_QOz6WoOB1Q2lmhZZ"},
    {"unreserved kept", "AZaz09-_.~", "AZaz09-_.~"},
    {"space and plus", "a b+c", "a%20b%2Bc"},
    {"percent", "100%", "100%25"},
    {"query and fragment", "a?b=c&d#e", "a%3Fb%3Dc%26d%23e"},
    {"dot-dot segment", "../admin", "..%2Fadmin"},
    {"CR LF", "a\r\nb", "a%0D%0Ab"},
    {"two-byte UTF-8", "caf\xc3\xa9", "caf%C3%A9"},
    {"three-byte UTF-8", "\xe6\x97\xa5", "%E6%97%A5"},
    {"four-byte UTF-8", "\xf0\x9f\x94\x92", "%F0%9F%94%92"},
    {"DEL and high byte", "\x7f\xff", "%7F%FF"},
    {"empty", "", ""},
};

static int
unhex(int c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

static void
test_encode(void)
{
	struct buf b = {0};
	char all[256], back[256];
	size_t i, n;
	const char *s;
	int bad;

	for (i = 0; i < NELEM(encodings); i++) {
		buf_reset(&b);
		ok(port_encode(encodings[i][1], &b) == 0,
		    "encode %s: returns 0", encodings[i][0]);
		is_str(
		    buf_str(&b), encodings[i][2], "encode %s", encodings[i][0]);
	}

	buf_reset(&b);
	buf_puts(&b, "/v1/entities/");
	port_encode("a/b", &b);
	is_str(buf_str(&b), "/v1/entities/a%2Fb", "encode appends to out");

	/* Every byte: kept only if unreserved, else %XX in upper case,
	 * and the result decodes back to the input. */
	for (i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	buf_reset(&b);
	port_encode(all, &b);
	bad = 0;
	n = 0;
	for (s = buf_str(&b); *s && n < sizeof(back); n++) {
		if (*s == '%') {
			if (unhex(s[1]) < 0 || unhex(s[2]) < 0) {
				bad = 1;
				break;
			}
			back[n] = (char)(unhex(s[1]) * 16 + unhex(s[2]));
			s += 3;
		} else {
			if (!strchr(UNRESERVED, *s))
				bad = 1;
			back[n] = *s++;
		}
	}
	ok(!bad && n == 255 && memcmp(back, all, 255) == 0,
	    "all 255 bytes: only unreserved kept, upper-case %%XX, round "
	    "trip");
	ok(strpbrk(buf_str(&b), "/:?#[]@!$&'()*+,;= \r\n") == NULL,
	    "no reserved or space byte survives encoding");
	buf_free(&b);
}

struct ecase {
	const char *name;
	long status;
	const char *body;
	const char *trace;
	const char *want_code;
	const char *want_message;
};

static const struct ecase ecases[] = {
    {"not_found with message", 404,
        "{\"ok\":false,\"error\":\"not_found\",\"message\":\"Action run with "
        "identifier r_1 was not found\"}",
        "trace-1", "not_found",
        "Port answered HTTP 404: Action run with identifier r_1 was not found"},
    {"422 run already ended", 422,
        "{\"ok\":false,\"error\":\"run_already_completed\",\"message\":\"The "
        "run has already ended\"}",
        "t", "run_already_completed",
        "Port answered HTTP 422: The run has already ended"},
    {"401 without message", 401, "{\"ok\":false,\"error\":\"unauthorized\"}",
        NULL, "unauthorized", "Port answered HTTP 401: unauthorized"},
    {"empty object", 500, "{}", NULL, "", "Port answered HTTP 500"},
    {"HTML from a proxy", 502, "<html><body>Bad gateway</body></html>", NULL,
        "", "Port answered HTTP 502"},
    {"no body", 503, NULL, NULL, "", "Port answered HTTP 503"},
    {"error of the wrong type", 400,
        "{\"ok\":false,\"error\":7,\"message\":\"bad body\"}", NULL, "",
        "Port answered HTTP 400: bad body"},
    {"message of the wrong type", 400,
        "{\"ok\":false,\"error\":\"invalid_body\",\"message\":[1]}", NULL,
        "invalid_body", "Port answered HTTP 400: invalid_body"},
    {"array body", 400, "[\"error\",\"message\"]", NULL, "",
        "Port answered HTTP 400"},
    {"413 without message", 413, "{\"ok\":false,\"error\":\"too_large\"}", NULL,
        "too_large", "Port answered HTTP 413: too_large"},
};

static void
test_error_parse(void)
{
	struct port_error e;
	char body[400];
	size_t i;

	for (i = 0; i < NELEM(ecases); i++) {
		const struct ecase *t = &ecases[i];

		memset(&e, 0x55, sizeof(e));
		port_error_parse(t->status, t->body,
		    t->body ? strlen(t->body) : 0, t->trace, &e);
		ok(e.http_status == t->status &&
		        strcmp(e.code, t->want_code) == 0 &&
		        strcmp(e.message, t->want_message) == 0 &&
		        strcmp(e.trace_id, t->trace ? t->trace : "") == 0,
		    "port error: %s", t->name);
		if (strcmp(e.message, t->want_message) != 0 ||
		    strcmp(e.code, t->want_code) != 0)
			printf("#   got code '%s' message '%s'\n", e.code,
			    e.message);
	}

	/* Only len bytes are read: a cut body is not JSON. */
	port_error_parse(404, ecases[0].body, 20, NULL, &e);
	ok(e.code[0] == 0 && strcmp(e.message, "Port answered HTTP 404") == 0,
	    "port error: truncated body read only up to len");

	snprintf(body, sizeof(body), "{\"error\":\"%0200d\"}", 0);
	port_error_parse(400, body, strlen(body), NULL, &e);
	ok(strlen(e.code) == sizeof(e.code) - 1,
	    "port error: long code cut to the field, NUL-terminated");
}

int
main(void)
{
	test_encode();
	test_error_parse();
	return done_testing();
}
