/*
 * fake_http.h: a scripted stand-in for src/base/http.c, so the ACM and Port
 * clients can be fuzzed on their whole response handling (status,
 * headers, body, retries) without a network. Include it from exactly
 * one file per fuzz target: it defines the http.h functions, so the
 * linker never pulls src/base/http.c (and libcurl) into the target.
 *
 * The fuzz input is a script of answers separated by lines "%%":
 *
 *	503                       status line: a number, or one of
 *	Retry-After: 1            RESET TIMEOUT TLS BIG OTHER for a
 *	X-Amzn-Errortype: ...     transport failure; then headers up to
 *	                          an empty line; the rest is the body
 *	{"message":"slow down"}
 *	%%
 *	200
 *	...
 *
 * When the script runs out every further request gets RESET, so each
 * call ends. Every request the client sends is checked: no raw control
 * characters or spaces in the URL, no CR/LF inside a header line, and
 * none of the registered secrets (fake_secrets) in the URL or the
 * headers unless the script itself contains that secret (a server may
 * echo anything, e.g. hand back the secret as a token).
 *
 * Time is virtual, so a target is deterministic and never sleeps: each
 * request takes 50 ms, http_sleep_ms advances the clock, and the
 * deadline (http_options.deadline_ms, or http_set_deadline) is enforced
 * like src/base/http.c does. getrandom() is replaced by a fixed stream
 * (reset by fake_start) so retry jitter is the same on every run.
 */
#ifndef PORT_ACM_FAKE_HTTP_H
#define PORT_ACM_FAKE_HTTP_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/http.h"

#include <sys/types.h>

struct http {
	long long deadline_ms; /* 0 = none */
};

static long long fake_clock_ms;
static uint64_t fake_rand_state = 0x9e3779b97f4a7c15ULL;
static const char *fake_script; /* borrowed, NUL-terminated */
static const char *fake_secrets[4];
static int fake_echoed[4]; /* the script holds fake_secrets[i] */
static unsigned long fake_requests;

static void
fake_start(const char *script)
{
	size_t j;

	fake_script = script;
	fake_requests = 0;
	fake_clock_ms = 0;
	fake_rand_state = 0x9e3779b97f4a7c15ULL;
	for (j = 0; j < 4 && fake_secrets[j] != NULL; j++)
		fake_echoed[j] = strstr(script, fake_secrets[j]) != NULL;
}

static void
fake_check_request(const struct http_request *req)
{
	const unsigned char *u;
	size_t i, j;

	if (req->method == NULL || req->url == NULL)
		abort();
	for (u = (const unsigned char *)req->url; *u != '\0'; u++) {
		if (*u <= 0x20 || *u >= 0x7f)
			abort(); /* unencoded byte reached the URL */
	}
	for (i = 0; i < req->nheaders; i++) {
		if (req->headers[i] == NULL ||
		    strpbrk(req->headers[i], "\r\n") != NULL)
			abort(); /* header injection */
		for (j = 0; j < 4 && fake_secrets[j] != NULL; j++) {
			if (!fake_echoed[j] &&
			    strstr(req->headers[i], fake_secrets[j]) != NULL)
				abort();
		}
	}
	for (j = 0; j < 4 && fake_secrets[j] != NULL; j++) {
		if (!fake_echoed[j] &&
		    strstr(req->url, fake_secrets[j]) != NULL)
			abort();
	}
	if (req->body_len > 0 && req->body == NULL)
		abort();
}

/* Copies the value of header "name: value" into dst if line is one. */
static void
fake_header(
    const char *line, size_t len, const char *name, char *dst, size_t dstlen)
{
	size_t n = strlen(name), v;

	if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
		return;
	line += n + 1;
	len -= n + 1;
	while (len > 0 && *line == ' ') {
		line++;
		len--;
	}
	v = len < dstlen - 1 ? len : dstlen - 1;
	memcpy(dst, line, v);
	dst[v] = '\0';
}

/* Deterministic stand-in for the C library's getrandom(). */
ssize_t getrandom(void *buf, size_t len, unsigned int flags);

ssize_t
getrandom(void *buf, size_t len, unsigned int flags)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		fake_rand_state ^= fake_rand_state << 13;
		fake_rand_state ^= fake_rand_state >> 7;
		fake_rand_state ^= fake_rand_state << 17;
		p[i] = (unsigned char)fake_rand_state;
	}
	return (ssize_t)len;
}

struct http *
http_new(const struct http_options *opt)
{
	struct http *h = calloc(1, sizeof(struct http));

	if (h != NULL && opt != NULL)
		h->deadline_ms = opt->deadline_ms;
	return h;
}

void
http_set_deadline(struct http *h, long long deadline_ms)
{
	h->deadline_ms = deadline_ms;
}

long long
http_get_deadline(const struct http *h)
{
	return h->deadline_ms;
}

/* aws_call_many's batches: one after another here, each as scripted. */
void
http_send_many(struct http *h, struct http_batch *b, size_t n, size_t max)
{
	size_t i;

	(void)max;
	for (i = 0; i < n; i++)
		b[i].result = http_send(
		    h, b[i].req, &b[i].resp, b[i].err, sizeof(b[i].err));
}

/* The validation doctor bounds its DNS by it (no cancel in a fuzz run). */
long long
http_deadline(const struct http *h)
{
	return h->deadline_ms;
}

void
http_free(struct http *h)
{
	free(h);
}

enum http_result
http_send(struct http *h, const struct http_request *req,
    struct http_response *resp, char *err, size_t errlen)
{
	const char *end, *line, *eol, *body;
	size_t len;

	buf_free(&resp->body);
	memset(resp, 0, sizeof(*resp));
	err[0] = '\0';
	fake_check_request(req);
	fake_requests++;
	/* FAKE_HTTP_TRACE=1 shows the conversation, for writing seeds. */
	if (getenv("FAKE_HTTP_TRACE") != NULL)
		fprintf(stderr, "fake_http: %lu %s %s (next: %.20s)\n",
		    fake_requests, req->method, req->url,
		    fake_script != NULL ? fake_script : "");
	if (h->deadline_ms && fake_clock_ms >= h->deadline_ms) {
		snprintf(err, errlen,
		    "%s: not sent, the run's time limit has "
		    "passed",
		    req->url);
		return HTTP_ETIMEOUT;
	}
	fake_clock_ms += 50;
	resp->sends = 1; /* a scripted exchange was sent once */
	if (fake_script == NULL || *fake_script == '\0') {
		snprintf(err, errlen, "%s: connection reset (script ended)",
		    req->url);
		return HTTP_ECONNECT;
	}
	end = strstr(fake_script, "\n%%\n");
	len = end != NULL ? (size_t)(end - fake_script) : strlen(fake_script);
	line = fake_script;
	fake_script = end != NULL ? end + 4 : line + len;
	end = line + len;

	eol = memchr(line, '\n', len);
	if (eol == NULL)
		eol = end;
	if (strncmp(line, "RESET", 5) == 0 ||
	    strncmp(line, "TIMEOUT", 7) == 0 || strncmp(line, "TLS", 3) == 0 ||
	    strncmp(line, "BIG", 3) == 0 || strncmp(line, "OTHER", 5) == 0) {
		/* The keyword only: the rest of the line is the fuzzer's
		 * bytes, which no transport error message would carry. */
		snprintf(err, errlen, "%s: scripted failure %s", req->url,
		    line[0] == 'R'   ? "RESET"
		    : line[1] == 'I' ? "TIMEOUT"
		    : line[0] == 'T' ? "TLS"
		    : line[0] == 'B' ? "BIG"
		                     : "OTHER");
		switch (line[0]) {
		case 'R':
			return HTTP_ECONNECT;
		case 'T':
			return line[1] == 'I' ? HTTP_ETIMEOUT : HTTP_ETLS;
		case 'B':
			return HTTP_ETOOBIG;
		default:
			return HTTP_EOTHER;
		}
	}
	resp->status = strtol(line, NULL, 10);
	for (line = eol < end ? eol + 1 : end; line < end; line = eol + 1) {
		eol = memchr(line, '\n', (size_t)(end - line));
		if (eol == NULL)
			eol = end;
		if (eol == line) {
			line++;
			break;
		}
		fake_header(line, (size_t)(eol - line), "Retry-After",
		    resp->retry_after, sizeof(resp->retry_after));
		fake_header(line, (size_t)(eol - line), "X-Amzn-Errortype",
		    resp->error_type, sizeof(resp->error_type));
		fake_header(line, (size_t)(eol - line), "x-amzn-RequestId",
		    resp->request_id, sizeof(resp->request_id));
		fake_header(line, (size_t)(eol - line), "X-Trace-Id",
		    resp->trace_id, sizeof(resp->trace_id));
		fake_header(line, (size_t)(eol - line), "Date", resp->date,
		    sizeof(resp->date));
		if (eol == end) {
			line = end;
			break;
		}
	}
	body = line < end ? line : end;
	if (buf_append(&resp->body, body, (size_t)(end - body)) != 0) {
		snprintf(err, errlen, "out of memory");
		return HTTP_EOTHER;
	}
	return HTTP_OK;
}

enum http_result
http_send_metadata(struct http *h, const struct http_request *req,
    long timeout_ms, struct http_response *resp, char *err, size_t errlen)
{
	(void)timeout_ms;
	return http_send(h, req, resp, err, errlen);
}

void
http_response_free(struct http_response *resp)
{
	buf_free(&resp->body);
}

long long
http_now_ms(void)
{
	return fake_clock_ms;
}

int
http_sleep_ms(const struct http *h, long ms)
{
	if (ms <= 0)
		return 0;
	if (h->deadline_ms && fake_clock_ms + ms >= h->deadline_ms)
		return -1;
	fake_clock_ms += ms; /* virtual: nothing actually waits */
	return 0;
}

long
http_connections(const struct http *h)
{
	return 1;
}

#endif
