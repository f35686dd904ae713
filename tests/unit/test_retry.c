/*
 * test_retry: the retry policy, table-driven and deterministic (the
 * jitter draw is passed in).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/retry.h"
#include "tap.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct outcome_case {
	const char *name;
	enum retry_service service;
	enum retry_failure failure;
	long status;
	const char *code;
	const char *retry_after;
	long want;      /* delay for rand01 = 0.5 on the first attempt */
	int want_quota; /* AWS quota afterwards; -1 to skip */
};

static const struct outcome_case outcomes[] = {
    /* AWS: status codes */
    {"aws 500", RETRY_AWS, RETRY_HTTP, 500, NULL, NULL, 500, 495},
    {"aws 502", RETRY_AWS, RETRY_HTTP, 502, NULL, NULL, 500, 495},
    {"aws 503", RETRY_AWS, RETRY_HTTP, 503, NULL, NULL, 500, 495},
    {"aws 504", RETRY_AWS, RETRY_HTTP, 504, NULL, NULL, 500, 495},
    {"aws 429", RETRY_AWS, RETRY_HTTP, 429, NULL, NULL, 500, 495},
    {"aws 501 final", RETRY_AWS, RETRY_HTTP, 501, NULL, NULL, -1, 500},
    {"aws 505 final", RETRY_AWS, RETRY_HTTP, 505, NULL, NULL, -1, 500},
    {"aws 400 final", RETRY_AWS, RETRY_HTTP, 400, NULL, NULL, -1, 500},
    {"aws 403 final", RETRY_AWS, RETRY_HTTP, 403, NULL, NULL, -1, 500},
    {"aws 404 final", RETRY_AWS, RETRY_HTTP, 404, NULL, NULL, -1, 500},
    {"aws 409 final", RETRY_AWS, RETRY_HTTP, 409, NULL, NULL, -1, 500},
    /* AWS: throttling codes (botocore list minus LimitExceeded) */
    {"aws Throttling", RETRY_AWS, RETRY_HTTP, 400, "Throttling", NULL, 500,
        495},
    {"aws ThrottlingException", RETRY_AWS, RETRY_HTTP, 400,
        "ThrottlingException", NULL, 500, 495},
    {"aws ThrottledException", RETRY_AWS, RETRY_HTTP, 400, "ThrottledException",
        NULL, 500, 495},
    {"aws RequestThrottledException", RETRY_AWS, RETRY_HTTP, 400,
        "RequestThrottledException", NULL, 500, 495},
    {"aws TooManyRequestsException", RETRY_AWS, RETRY_HTTP, 400,
        "TooManyRequestsException", NULL, 500, 495},
    {"aws ProvisionedThroughputExceededException", RETRY_AWS, RETRY_HTTP, 400,
        "ProvisionedThroughputExceededException", NULL, 500, 495},
    {"aws TransactionInProgressException", RETRY_AWS, RETRY_HTTP, 400,
        "TransactionInProgressException", NULL, 500, 495},
    {"aws RequestLimitExceeded", RETRY_AWS, RETRY_HTTP, 400,
        "RequestLimitExceeded", NULL, 500, 495},
    {"aws BandwidthLimitExceeded", RETRY_AWS, RETRY_HTTP, 400,
        "BandwidthLimitExceeded", NULL, 500, 495},
    {"aws RequestThrottled", RETRY_AWS, RETRY_HTTP, 400, "RequestThrottled",
        NULL, 500, 495},
    {"aws SlowDown", RETRY_AWS, RETRY_HTTP, 503, "SlowDown", NULL, 500, 495},
    {"aws EC2ThrottledException", RETRY_AWS, RETRY_HTTP, 400,
        "EC2ThrottledException", NULL, 500, 495},
    /* AWS: transient and modeled-retryable codes */
    {"aws RequestTimeout", RETRY_AWS, RETRY_HTTP, 400, "RequestTimeout", NULL,
        500, 495},
    {"aws RequestTimeoutException", RETRY_AWS, RETRY_HTTP, 400,
        "RequestTimeoutException", NULL, 500, 495},
    {"aws PriorRequestNotComplete", RETRY_AWS, RETRY_HTTP, 400,
        "PriorRequestNotComplete", NULL, 500, 495},
    {"aws InternalServerException", RETRY_AWS, RETRY_HTTP, 500,
        "InternalServerException", NULL, 500, 495},
    {"aws InternalServerException on 400", RETRY_AWS, RETRY_HTTP, 400,
        "InternalServerException", NULL, 500, 495},
    {"aws IDPCommunicationError", RETRY_AWS, RETRY_HTTP, 400,
        "IDPCommunicationError", NULL, 500, 495},
    /* AWS: ACM quota and client errors are final */
    {"aws LimitExceededException final", RETRY_AWS, RETRY_HTTP, 400,
        "LimitExceededException", NULL, -1, 500},
    {"aws LimitExceededException on 503 final", RETRY_AWS, RETRY_HTTP, 503,
        "LimitExceededException", NULL, -1, 500},
    {"aws LimitExceededException on 429 final", RETRY_AWS, RETRY_HTTP, 429,
        "LimitExceededException", NULL, -1, 500},
    {"aws ServiceQuotaExceededException final", RETRY_AWS, RETRY_HTTP, 400,
        "ServiceQuotaExceededException", NULL, -1, 500},
    {"aws ResourceInUseException final", RETRY_AWS, RETRY_HTTP, 400,
        "ResourceInUseException", NULL, -1, 500},
    {"aws ValidationException final", RETRY_AWS, RETRY_HTTP, 400,
        "ValidationException", NULL, -1, 500},
    {"aws AccessDeniedException final", RETRY_AWS, RETRY_HTTP, 400,
        "AccessDeniedException", NULL, -1, 500},
    {"aws throttling code is case-sensitive", RETRY_AWS, RETRY_HTTP, 400,
        "throttlingexception", NULL, -1, 500},
    /* AWS: network */
    {"aws connect error", RETRY_AWS, RETRY_CONNECT, 0, NULL, NULL, 500, 495},
    {"aws timeout costs 10", RETRY_AWS, RETRY_TIMEOUT, 0, NULL, NULL, 500, 490},
    {"aws local error final", RETRY_AWS, RETRY_OTHER, 0, NULL, NULL, -1, 500},
    {"aws success final", RETRY_AWS, RETRY_OK, 200, NULL, NULL, -1, 500},
    {"aws ignores Retry-After", RETRY_AWS, RETRY_HTTP, 503, NULL, "50", 500,
        495},
    /* Port */
    {"port 429", RETRY_PORT, RETRY_HTTP, 429, NULL, NULL, 250, -1},
    {"port 502", RETRY_PORT, RETRY_HTTP, 502, NULL, NULL, 250, -1},
    {"port 503", RETRY_PORT, RETRY_HTTP, 503, NULL, NULL, 250, -1},
    {"port 504", RETRY_PORT, RETRY_HTTP, 504, NULL, NULL, 250, -1},
    {"port 500 final", RETRY_PORT, RETRY_HTTP, 500, NULL, NULL, -1, -1},
    {"port 501 final", RETRY_PORT, RETRY_HTTP, 501, NULL, NULL, -1, -1},
    {"port 400 final", RETRY_PORT, RETRY_HTTP, 400, NULL, NULL, -1, -1},
    {"port 401 final", RETRY_PORT, RETRY_HTTP, 401, NULL, NULL, -1, -1},
    {"port 403 final", RETRY_PORT, RETRY_HTTP, 403, NULL, NULL, -1, -1},
    {"port 404 final", RETRY_PORT, RETRY_HTTP, 404, NULL, NULL, -1, -1},
    {"port 422 final", RETRY_PORT, RETRY_HTTP, 422, NULL, NULL, -1, -1},
    {"port 422 with Retry-After final", RETRY_PORT, RETRY_HTTP, 422, NULL, "1",
        -1, -1},
    {"port connect error", RETRY_PORT, RETRY_CONNECT, 0, NULL, NULL, 250, -1},
    {"port timeout", RETRY_PORT, RETRY_TIMEOUT, 0, NULL, NULL, 250, -1},
    {"port local error final", RETRY_PORT, RETRY_OTHER, 0, NULL, NULL, -1, -1},
    {"port success final", RETRY_PORT, RETRY_OK, 200, NULL, NULL, -1, -1},
    {"port ignores AWS codes", RETRY_PORT, RETRY_HTTP, 400,
        "ThrottlingException", NULL, -1, -1},
    /* Port: Retry-After */
    {"port Retry-After 3 s beats jitter", RETRY_PORT, RETRY_HTTP, 429, NULL,
        "3", 3000, -1},
    {"port Retry-After 0 keeps jitter", RETRY_PORT, RETRY_HTTP, 429, NULL, "0",
        250, -1},
    {"port Retry-After 60 s waits", RETRY_PORT, RETRY_HTTP, 503, NULL, "60",
        60000, -1},
    {"port Retry-After 61 s gives up", RETRY_PORT, RETRY_HTTP, 503, NULL, "61",
        -1, -1},
    {"port Retry-After garbage keeps jitter", RETRY_PORT, RETRY_HTTP, 429, NULL,
        "soon", 250, -1},
    {"port Retry-After past date keeps jitter", RETRY_PORT, RETRY_HTTP, 429,
        NULL, "Sun, 06 Nov 1994 08:49:37 GMT", 250, -1},
    {"port Retry-After far date gives up", RETRY_PORT, RETRY_HTTP, 429, NULL,
        "Fri, 31 Dec 9999 23:59:59 GMT", -1, -1},
    {"port Retry-After ignored on connect error", RETRY_PORT, RETRY_CONNECT, 0,
        NULL, "30", 250, -1},
};

static void
test_outcomes(void)
{
	size_t i;

	for (i = 0; i < NELEM(outcomes); i++) {
		const struct outcome_case *c = &outcomes[i];
		struct retry r;
		struct retry_outcome o = {
		    c->failure, c->status, c->code, c->retry_after, 0, 0};
		long got;

		retry_init(&r, c->service, 0);
		got = retry_next(&r, &o, 0.5);
		ok(got == c->want, "%s: delay %ld (want %ld)", c->name, got,
		    c->want);
		if (c->want_quota >= 0)
			ok(r.quota == c->want_quota, "%s: quota %d (want %d)",
			    c->name, r.quota, c->want_quota);
	}
}

/* Port: a 500 is retried only for requests that may be repeated as
 * is; a POST (a log line, the token) is not. */
static void
test_port_500(void)
{
	struct retry r;
	struct retry_outcome post = {RETRY_HTTP, 500, NULL, NULL, 0, 0};
	struct retry_outcome patch = {RETRY_HTTP, 500, NULL, NULL, 1, 0};

	retry_init(&r, RETRY_PORT, 0);
	ok(retry_next(&r, &post, 0.5) == -1, "port: 500 on a POST is final");
	retry_init(&r, RETRY_PORT, 0);
	ok(retry_next(&r, &patch, 0.5) == 250,
	    "port: 500 on an idempotent request is retried");
}

static void
test_init(void)
{
	struct retry r;

	retry_init(&r, RETRY_AWS, 0);
	ok(r.max_attempts == 3 && r.attempt == 0 && r.quota == 500 &&
	        r.last_cost == 0 && r.base_ms == 1000 &&
	        r.max_delay_ms == 20000,
	    "aws defaults: 3 attempts, 500 tokens, 1 s base, 20 s cap");
	retry_init(&r, RETRY_AWS, 7);
	ok(r.max_attempts == 7, "aws AWS_MAX_ATTEMPTS honoured");
	retry_init(&r, RETRY_PORT, 0);
	ok(r.max_attempts == 4 && r.base_ms == 500 && r.max_delay_ms == 20000,
	    "port defaults: 4 attempts, 500 ms base, 20 s cap");
	retry_init(&r, RETRY_PORT, 2);
	ok(r.max_attempts == 2, "port max attempts honoured");
}

/* Delays for attempts 1..n with a fixed draw; -1 ends the list. */
static void
check_sequence(const char *name, enum retry_service svc, unsigned max,
    double rand01, const long *want, size_t n)
{
	struct retry r;
	struct retry_outcome o = {RETRY_CONNECT, 0, NULL, NULL, 0, 0};
	char got[256] = "", exp[256] = "";
	size_t i, len;
	long d;

	retry_init(&r, svc, max);
	for (i = 0; i < n; i++) {
		d = retry_next(&r, &o, rand01);
		len = strlen(got);
		snprintf(got + len, sizeof(got) - len, " %ld", d);
		len = strlen(exp);
		snprintf(exp + len, sizeof(exp) - len, " %ld", want[i]);
	}
	is_str(got, exp, "%s", name);
}

static void
test_backoff(void)
{
	static const long aws_full[] = {
	    1000, 2000, 4000, 8000, 16000, 20000, 20000, 20000, 20000, -1};
	static const long aws_half[] = {500, 1000, -1};
	static const long aws_zero[] = {0, 0, -1};
	static const long aws_one[] = {-1};
	static const long aws_five[] = {1000, 2000, 4000, 8000, -1};
	static const long port_full[] = {500, 1000, 2000, -1};
	static const long port_cap[] = {
	    500, 1000, 2000, 4000, 8000, 16000, 20000, 20000, -1};
	static const long port_quarter[] = {125, 250, 500, -1};
	static const long aws_long[] = {1000, 2000, 4000, 8000, 16000, 20000,
	    20000, 20000, 20000, 20000, 20000, 20000, 20000, 20000, 20000,
	    20000, 20000, 20000, 20000, 20000, 20000, 20000, 20000, 20000,
	    20000, 20000, 20000, 20000, 20000, 20000, 20000, 20000, 20000,
	    20000, 20000, 20000, 20000, 20000, 20000, 20000};

	check_sequence("aws full jitter ceiling doubles to the 20 s cap",
	    RETRY_AWS, 10, 1.0, aws_full, NELEM(aws_full));
	check_sequence("aws default 3 attempts, half draw", RETRY_AWS, 0, 0.5,
	    aws_half, NELEM(aws_half));
	check_sequence("aws zero draw waits 0", RETRY_AWS, 0, 0.0, aws_zero,
	    NELEM(aws_zero));
	check_sequence("aws max_attempts 1 never retries", RETRY_AWS, 1, 0.5,
	    aws_one, NELEM(aws_one));
	check_sequence("aws max_attempts 5 retries 4 times", RETRY_AWS, 5, 1.0,
	    aws_five, NELEM(aws_five));
	check_sequence("aws no overflow after 40 attempts", RETRY_AWS, 100, 1.0,
	    aws_long, NELEM(aws_long));
	check_sequence("port default 4 attempts, 500 ms base", RETRY_PORT, 0,
	    1.0, port_full, NELEM(port_full));
	check_sequence("port ceiling capped at 20 s", RETRY_PORT, 9, 1.0,
	    port_cap, NELEM(port_cap));
	check_sequence("port quarter draw", RETRY_PORT, 0, 0.25, port_quarter,
	    NELEM(port_quarter));

	{
		struct retry r;
		struct retry_outcome o = {RETRY_HTTP, 503, NULL, NULL, 0, 0};

		retry_init(&r, RETRY_AWS, 0);
		ok(retry_next(&r, &o, -0.5) == 0, "negative draw clamps to 0");
		retry_init(&r, RETRY_AWS, 0);
		ok(retry_next(&r, &o, NAN) == 0, "NaN draw clamps to 0");
		retry_init(&r, RETRY_AWS, 0);
		ok(retry_next(&r, &o, 7.0) == 1000, "draw above 1 clamps to 1");
		retry_init(&r, RETRY_AWS, 0);
		ok(retry_next(&r, &o, 0.9999) == 999, "draw just below 1");
		ok(r.attempt == 1, "attempt counted");
	}
}

static void
test_quota(void)
{
	struct retry r;
	struct retry_outcome conn = {RETRY_CONNECT, 0, NULL, NULL, 0, 0};
	struct retry_outcome tmo = {RETRY_TIMEOUT, 0, NULL, NULL, 0, 0};
	struct retry_outcome okay = {RETRY_OK, 200, NULL, NULL, 0, 0};
	struct retry_outcome bad = {
	    RETRY_HTTP, 400, "ValidationException", NULL, 0, 0};
	struct retry_outcome thr = {
	    RETRY_HTTP, 400, "ThrottlingException", NULL, 0, 0};
	int n, quota_seen_zero_retry;
	long d;

	/* 50 timeout retries drain the 500 tokens; the 51st is refused. */
	retry_init(&r, RETRY_AWS, 1000);
	for (n = 0; (d = retry_next(&r, &tmo, 0.5)) >= 0; n++)
		;
	ok(n == 50, "quota: 50 timeout retries then none (%d)", n);
	ok(r.quota == 0, "quota: drained to 0 (%d)", r.quota);
	ok(r.attempt == 51, "quota: refused on attempt 51 (%u)", r.attempt);

	/* Connect retries cost 5: 99 leave 5, the 100th takes the last 5
	 * (quota equal to cost is enough), the 101st is refused. */
	retry_init(&r, RETRY_AWS, 1000);
	for (n = 0; n < 99; n++)
		retry_next(&r, &conn, 0.5);
	ok(r.quota == 5, "quota: 99 connect retries leave 5 (%d)", r.quota);
	ok(retry_next(&r, &tmo, 0.5) == -1 && r.quota == 5,
	    "quota: timeout retry needs 10, refused with 5 left");
	ok(retry_next(&r, &conn, 0.5) >= 0 && r.quota == 0,
	    "quota: connect retry allowed when quota equals cost");
	ok(retry_next(&r, &thr, 0.5) == -1 && r.quota == 0,
	    "quota: throttling retry refused at 0");

	/* Quota persists across logical calls of one client. */
	retry_begin(&r);
	ok(r.attempt == 0 && r.quota == 0 && r.last_cost == 0,
	    "begin: attempts reset, quota kept");
	ok(retry_next(&r, &conn, 0.5) == -1,
	    "begin: exhausted quota still refuses the next call's retry");
	retry_begin(&r);
	ok(retry_next(&r, &okay, 0.5) == -1 && r.quota == 1,
	    "refund: success without retry adds 1");

	/* Refunds. */
	retry_init(&r, RETRY_AWS, 0);
	retry_next(&r, &conn, 0.5);
	ok(r.quota == 495 && r.last_cost == 5, "refund: retry took 5");
	retry_next(&r, &okay, 0.5);
	ok(r.quota == 500 && r.last_cost == 0,
	    "refund: success after retry returns 5 (%d)", r.quota);

	retry_begin(&r);
	retry_next(&r, &conn, 0.5);
	retry_next(&r, &tmo, 0.5);
	ok(r.quota == 485 && r.last_cost == 10, "refund: 5 + 10 taken");
	retry_next(&r, &okay, 0.5);
	ok(r.quota == 495, "refund: only the last retry's 10 comes back (%d)",
	    r.quota);

	retry_begin(&r);
	ok(retry_next(&r, &okay, 0.5) == -1 && r.quota == 496,
	    "refund: success without retry adds 1 (%d)", r.quota);

	retry_init(&r, RETRY_AWS, 0);
	retry_next(&r, &okay, 0.5);
	ok(r.quota == 500, "refund: capped at 500");

	retry_init(&r, RETRY_AWS, 0);
	retry_next(&r, &conn, 0.5);
	retry_next(&r, &bad, 0.5);
	ok(r.quota == 495, "refund: a final failure returns nothing (%d)",
	    r.quota);
	retry_begin(&r);
	retry_next(&r, &conn, 0.5);
	retry_next(&r, &conn, 0.5);
	ok(retry_next(&r, &conn, 0.5) == -1 && r.quota == 485,
	    "attempts exhausted: no tokens taken for the refused retry");
	retry_begin(&r);
	retry_next(&r, &okay, 0.5);
	ok(r.quota == 486, "refund: stale last_cost not refunded after begin");

	/* Many calls: steady failures then successes refill slowly. */
	retry_init(&r, RETRY_AWS, 0);
	quota_seen_zero_retry = 0;
	for (n = 0; n < 300; n++) {
		retry_begin(&r);
		if (retry_next(&r, &conn, 0.5) == -1)
			quota_seen_zero_retry++;
		else
			retry_next(&r, &bad, 0.5);
	}
	ok(quota_seen_zero_retry == 200 && r.quota == 0,
	    "quota: 100 calls retry once each, then 200 calls get none (%d)",
	    quota_seen_zero_retry);

	/* Port has no quota. */
	retry_init(&r, RETRY_PORT, 1000);
	for (n = 0; n < 200 && retry_next(&r, &tmo, 0.5) >= 0; n++)
		;
	ok(n == 200, "port: no retry quota");
}

struct after_case {
	const char *value;
	long long now;
	long want;
};

#define T1994 784111777LL  /* Sun, 06 Nov 1994 08:49:37 GMT */
#define T2000 951782400LL  /* Tue, 29 Feb 2000 00:00:00 GMT */
#define T2026 1767225600LL /* Thu, 01 Jan 2026 00:00:00 GMT */
#define SAT   2147483000L

static const struct after_case afters[] = {
    /* delta-seconds */
    {"120", 0, 120000},
    {"0", 0, 0},
    {"007", 0, 7000},
    {" 5\t", 0, 5000},
    {"2147483", 0, SAT},
    {"99999999999999999999", 0, SAT},
    /* the three HTTP-date forms, 2 minutes ahead */
    {"Sun, 06 Nov 1994 08:49:37 GMT", T1994 - 120, 120000},
    {"Sunday, 06-Nov-94 08:49:37 GMT", T1994 - 120, 120000},
    {"Sun Nov  6 08:49:37 1994", T1994 - 120, 120000},
    {"Sun Nov 06 08:49:37 1994", T1994 - 120, 120000},
    {"Sun, 06 Nov 1994 08:49:37 GMT", T1994, 0},
    {"Sun, 06 Nov 1994 08:49:37 GMT", T1994 + 3600, 0},
    {"Thu, 01 Jan 1970 00:00:10 GMT", 0, 10000},
    {"Tue, 29 Feb 2000 00:00:00 GMT", T2000 - 1, 1000},
    {"Sat, 31 Dec 2016 23:59:60 GMT", 1483228799LL, 1000},
    {"Fri, 31 Dec 9999 23:59:59 GMT", 0, SAT},
    {"Thu, 01 Jan 2026 00:00:30 GMT", T2026, 30000},
    /* RFC 850 two-digit years: >50 years ahead means last century */
    {"Thursday, 01-Jan-26 00:00:10 GMT", T2026, 10000},
    {"Friday, 01-Jan-77 00:00:00 GMT", T2026, 0},
    {"Wednesday, 01-Jan-76 00:00:00 GMT", T2026, SAT},
    /* garbage */
    {"", 0, -1},
    {"   ", 0, -1},
    {"-1", 0, -1},
    {"+5", 0, -1},
    {"1.5", 0, -1},
    {"5s", 0, -1},
    {"5 5", 0, -1},
    {"soon", 0, -1},
    {"Sun, 06 Nov 1994 08:49:37 UTC", 0, -1},
    {"Sun, 06 Nov 1994 08:49:37", 0, -1},
    {"Sun, 06 Nov 1994 08:49:37 GMTx", 0, -1},
    {"Sun, 6 Nov 1994 08:49:37 GMT", 0, -1},
    {"sun, 06 nov 1994 08:49:37 GMT", 0, -1},
    {"Xyz, 06 Nov 1994 08:49:37 GMT", 0, -1},
    {"Sun, 06 Foo 1994 08:49:37 GMT", 0, -1},
    {"Sun, 06 Nov 94 08:49:37 GMT", 0, -1},
    {"Sun, 31 Feb 1994 08:49:37 GMT", 0, -1},
    {"Sun, 29 Feb 1995 08:49:37 GMT", 0, -1},
    {"Sun, 29 Feb 1900 08:49:37 GMT", 0, -1},
    {"Sun, 00 Nov 1994 08:49:37 GMT", 0, -1},
    {"Sun, 06 Nov 1994 24:00:00 GMT", 0, -1},
    {"Sun, 06 Nov 1994 08:60:00 GMT", 0, -1},
    {"Sun, 06 Nov 1994 08:49:61 GMT", 0, -1},
    {"Sun, 06 Nov 1994 8:49:37 GMT", 0, -1},
    {"Sunday, 06 Nov 1994 08:49:37 GMT", 0, -1},
    {"Sunday, 06-Nov-1994 08:49:37 GMT", 0, -1},
    {"Sun Nov  6 08:49:37 1994 GMT", 0, -1},
    {"Sun Nov 6 08:49:37 1994", 0, -1},
    {"Sun Nov   6 08:49:37 1994", 0, -1},
    {"Sun, 06 Nov 1994 08:49:37 GMT and then some more text here ok", 0, -1},
};

static void
test_retry_after(void)
{
	size_t i;
	long got;
	char tmp[64];
	struct tm tm;
	time_t t;
	struct retry r;
	struct retry_outcome o = {RETRY_HTTP, 503, NULL, tmp, 0, 0};

	for (i = 0; i < NELEM(afters); i++) {
		got = retry_after_ms(afters[i].value, afters[i].now);
		ok(got == afters[i].want,
		    "Retry-After '%s' at %lld: %ld (want "
		    "%ld)",
		    afters[i].value, afters[i].now, got, afters[i].want);
	}
	ok(retry_after_ms(NULL, 0) == -1, "Retry-After absent");

	/* A real HTTP-date 30 s ahead drives the Port wait (the module
	 * reads the clock itself, so allow one second of slack). */
	t = time(NULL) + 30;
	gmtime_r(&t, &tm);
	strftime(tmp, sizeof(tmp), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	retry_init(&r, RETRY_PORT, 0);
	got = retry_next(&r, &o, 0.5);
	ok(got >= 29000 && got <= 30000,
	    "port waits for an HTTP-date "
	    "Retry-After 30 s ahead (%ld)",
	    got);
}

static void
test_throttling(void)
{
	static const char *const yes[] = {"Throttling", "ThrottlingException",
	    "ThrottledException", "RequestThrottledException",
	    "TooManyRequestsException",
	    "ProvisionedThroughputExceededException",
	    "TransactionInProgressException", "RequestLimitExceeded",
	    "BandwidthLimitExceeded", "RequestThrottled", "SlowDown",
	    "PriorRequestNotComplete", "EC2ThrottledException"};
	static const char *const no[] = {"LimitExceededException",
	    "ServiceQuotaExceededException", "InternalServerException",
	    "RequestTimeout", "Throttlingexception", "ThrottlingException ", "",
	    "ValidationException"};
	size_t i;

	for (i = 0; i < NELEM(yes); i++)
		ok(retry_is_throttling(yes[i]), "throttling: %s", yes[i]);
	for (i = 0; i < NELEM(no); i++)
		ok(!retry_is_throttling(no[i]), "not throttling: '%s'", no[i]);
	ok(!retry_is_throttling(NULL), "not throttling: NULL");
}

int
main(void)
{
	test_init();
	test_port_500();
	test_outcomes();
	test_backoff();
	test_quota();
	test_retry_after();
	test_throttling();
	return done_testing();
}
