/*
 * http: HTTPS over libcurl + Mbed TLS, one handle for the whole run.
 *
 * A cancel (cancel.h) abandons the transfer in flight at once; transfers
 * started after it run, bounded by the cancel budget.
 *
 * One curl easy handle serves every request, so curl keeps one live
 * connection per host (keep-alive) and one TLS session cache. TLS is
 * always verified; there is no switch to turn it off. No retries here:
 * callers loop with the policy in retry.h, because AWS requests must be
 * re-signed on every attempt.
 *
 * Return convention: http_send returns HTTP_OK when a complete response
 * arrived (whatever its status), otherwise the failure class, with err
 * saying what failed in words a user can act on.
 */
#ifndef PORT_ACM_HTTP_H
#define PORT_ACM_HTTP_H

#include <poll.h>
#include <stddef.h>

#include "base/buf.h"

#define HTTP_MAX_RESPONSE (4 * 1024 * 1024)

enum http_result {
	HTTP_OK = 0,
	HTTP_ECONNECT,   /* refused, reset (also during the TLS handshake),
	                  * closed early, truncated body: worth a retry */
	HTTP_ETIMEOUT,   /* connect or total timeout, or the run's deadline */
	HTTP_ETLS,       /* the server's certificate is not trusted by the CA
	                  * bundle, or no common TLS parameters: a retry
	                  * cannot help */
	HTTP_ETOOBIG,    /* response larger than HTTP_MAX_RESPONSE */
	HTTP_EOTHER,     /* local failure: memory, bad URL */
	HTTP_ELOCAL,     /* the CA bundle cannot be read or parsed: a local
	                  * mistake to fix, not an outage */
	HTTP_ECANCELLED, /* abandoned: the run was cancelled (cancel.h) */
};

struct http_options {
	long connect_timeout_ms;
	long timeout_ms;        /* per request */
	long long deadline_ms;  /* absolute, http_now_ms() clock; 0 = none */
	const char *user_agent; /* borrowed */
};

struct http_request {
	const char *method;         /* "GET", "POST", "PATCH", "DELETE" */
	const char *url;            /* borrowed */
	const char *const *headers; /* "Name: value" lines; borrowed */
	size_t nheaders;
	const void *body; /* borrowed; NULL for none */
	size_t body_len;
	const char *ca_file;    /* PEM bundle; NULL = built-in path */
	const char *ca_setting; /* what named ca_file, for messages:
	                         * "SSL_CERT_FILE" when NULL */
	int send_once;          /* not safe to repeat: refuse curl's own re-send
	                         * (see http_response.sends) and fail instead */
};

struct http_response {
	long status;
	struct buf body;       /* owned; http_response_free() */
	char request_id[128];  /* x-amzn-RequestId */
	char error_type[256];  /* X-Amzn-Errortype */
	char trace_id[128];    /* X-Trace-Id (Port) */
	char retry_after[128]; /* Retry-After */
	unsigned sends;        /* times the request went out: curl sends it
	                        * again on a fresh connection when a kept-alive
	                        * one dies before any answer, so > 1 means an
	                        * earlier copy may have been acted on */
	char date[64];         /* Date: the server's clock, for skew */
};

struct http;

/* Returns NULL when curl cannot be set up. Caller frees with http_free.
 * curl_global_init() must have been called. */
struct http *http_new(const struct http_options *opt);
void http_free(struct http *h);

/* resp is reset first; caller frees it with http_response_free. */
enum http_result http_send(struct http *h, const struct http_request *req,
    struct http_response *resp, char *err, size_t errlen);
void http_response_free(struct http_response *resp);
/* http_send for link-local metadata services (EC2 instance metadata,
 * container credentials): timeout_ms bounds connect and transfer, and
 * no proxy from the environment is used. */
enum http_result http_send_metadata(struct http *h,
    const struct http_request *req, long timeout_ms, struct http_response *resp,
    char *err, size_t errlen);

/* The most transfers http_send_many keeps in flight at once. */
#define HTTP_MAX_BATCH 64

/* One request of a batch: req is borrowed; resp (reset first; caller
 * frees it with http_response_free), result and err are what http_send
 * would have returned and said for it alone. */
struct http_batch {
	const struct http_request *req;
	struct http_response resp;
	enum http_result result;
	char err[1024];
};

/* n requests at once on h's connection pool (each connection kept for
 * later calls to its host), at most max in flight (0 or more than
 * HTTP_MAX_BATCH = HTTP_MAX_BATCH), each bounded by the timeouts and
 * the run's deadline as http_send's. Returns when all have ended; a
 * cancel abandons those in flight and sends no more (HTTP_ECANCELLED),
 * as http_send does. Not reentrant: one batch at a time per h. Over
 * TLS too: h keeps at most HTTP_MAX_BATCH connections, which Mbed TLS's
 * key table is sized for (scripts/mbedtls_config.h). */
void http_send_many(struct http *h, struct http_batch *b, size_t n, size_t max);

/* Other transfers that must not stall while h waits on the network:
 * sync's bulk writes to Port, whose connections would sit idle for the
 * whole of each ACM page otherwise. `fds` fills at most max descriptors
 * to wake on (returning how many) and lowers *timeout_ms to when they
 * next need a turn; `step` moves them along without waiting. Neither may
 * call into h or block, and both may be called from inside any of h's
 * calls. */
struct http_side {
	unsigned (*fds)(
	    void *arg, struct pollfd *fds, unsigned max, long *timeout_ms);
	void (*step)(void *arg);
	void *arg;
};
/* side (borrowed, must outlive its use; NULL: none) is served while any
 * call of h waits. */
void http_set_side(struct http *h, const struct http_side *side);

/* Milliseconds on a monotonic clock. */
long long http_now_ms(void);
/* Moves the run's deadline (absolute, http_now_ms() clock), e.g. to
 * give the final report the time kept in reserve for it. */
void http_set_deadline(struct http *h, long long deadline_ms);
/* The deadline last set (0 = none), before any cancel adjustment. */
long long http_get_deadline(const struct http *h);
/* The run's deadline (0 = none), for transfers http.c does not make
 * itself (bulk.c's) to stop by the same time. */
long long http_deadline(const struct http *h);
/* Pure. When the header line (len bytes, as curl's header callback gets
 * it) is name's (case-insensitive), copies its value, blanks and CRLF
 * trimmed, into dst (cut to dstlen - 1); otherwise leaves dst alone. */
void http_header_value(
    const char *line, size_t len, const char *name, char *dst, size_t dstlen);
/* Sleeps ms, but never past the deadline: returns -1 if the deadline
 * would pass first (nothing is slept then), or when the run is cancelled
 * during the sleep (it ends at once). After a cancel the deadline is the
 * cancel budget (cancel.h), and a sleep that fits in it is slept. */
int http_sleep_ms(const struct http *h, long ms);
/* The TLS and protocol rules every port-acm transfer follows (verified
 * TLS 1.2+, http/https only, no redirects, no compression), applied to
 * a CURL * easy handle (void * keeps curl out of this header); for the
 * bulk writer's handles, which http_send does not own. */
void http_easy_secure(void *easy, const char *ca_file);
/* 0 when the CA bundle (ca_file, or curl's built-in path when NULL) is
 * readable; else -1 with err saying which setting names it. */
int http_check_ca(
    const char *ca_file, const char *setting, char *err, size_t errlen);
/* Connections curl opened so far (for the one-connection-per-host
 * promise and its test). */
long http_connections(const struct http *h);

#endif
