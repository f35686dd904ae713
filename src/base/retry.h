/*
 * retry: the one retry policy for every HTTP call port-acm makes.
 *
 * Pure: given what happened on an attempt, decides whether to try again
 * and how long to wait first. The caller sleeps and re-signs; nothing
 * here does I/O or reads the clock. Randomness comes from the caller
 * (rand01) so tests are deterministic.
 *
 * AWS follows the SDKs' "standard" mode (aws-acm.md §5): max attempts
 * (default 3, AWS_MAX_ATTEMPTS), full-jitter exponential backoff with a
 * 20 s cap, a 500-token retry quota (5 per retry, 10 after a timeout,
 * refunded on success). Retryable: HTTP 500/502/503/504, connection
 * errors, timeouts, and throttling codes — but not ACM's
 * LimitExceededException, which is a quota, not throttling.
 * Port (port-api.md §6): 429/502/503/504 and network errors with
 * backoff honouring Retry-After; other 4xx are final (401 is handled
 * by the Port client: it refreshes the token once).
 */
#ifndef PORT_ACM_RETRY_H
#define PORT_ACM_RETRY_H

enum retry_service { RETRY_AWS, RETRY_PORT };

enum retry_failure {
	RETRY_OK,      /* a 2xx response */
	RETRY_HTTP,    /* an HTTP response that is not 2xx */
	RETRY_CONNECT, /* could not connect, or the connection broke */
	RETRY_TIMEOUT, /* connect or transfer timeout */
	RETRY_OTHER,   /* local error: TLS verification, out of memory */
};

struct retry_outcome {
	enum retry_failure failure;
	long http_status;        /* when RETRY_HTTP */
	const char *error_code;  /* AWS error type, sanitised; may be NULL */
	const char *retry_after; /* Retry-After header value; may be NULL */
	int idempotent;          /* Port: the request may be repeated as is
	                          * (GET, PATCH, DELETE), so a 500 is retried
	                          * too: one 500 must not leave a run open */
	int transient;           /* AWS: the service models error_code as
	                          * retryable (e.g. STS's
	                          * InvalidIdentityToken) */
};

struct retry {
	enum retry_service service;
	unsigned max_attempts; /* total, including the first */
	unsigned attempt;      /* attempts made so far */
	unsigned max_delay_ms; /* cap on one wait */
	unsigned base_ms;      /* first backoff ceiling */
	int quota;             /* AWS retry quota tokens left */
	int last_cost;         /* tokens taken by the last retry */
};

/* max_attempts 0 picks the default (AWS 3, Port 4). */
void retry_init(
    struct retry *r, enum retry_service service, unsigned max_attempts);

/* Starts a new logical call on a struct kept per client: attempts
 * restart, the AWS retry quota carries over. */
void retry_begin(struct retry *r);

/* Call after each attempt. Returns the delay in milliseconds to wait
 * before the next attempt, or -1 when the outcome is final (success,
 * not retryable, attempts or quota exhausted). rand01 is uniform in
 * [0, 1). */
long retry_next(struct retry *r, const struct retry_outcome *o, double rand01);

/* The jitter source for callers: uniform in [0, 1) from getrandom(2).
 * The one impure function here, kept apart so retry_next stays
 * deterministic under test. */
double retry_rand01(void);

/* Pure classification helpers, exposed for tests and messages. */
int retry_is_throttling(const char *aws_error_code);
/* Retry-After as delta-seconds or an HTTP-date relative to now; returns
 * milliseconds, or -1 when absent or unparseable. */
long retry_after_ms(const char *value, long long now_epoch);

#endif
