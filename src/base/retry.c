/*
 * retry: one policy for every HTTP call (see retry.h).
 *
 * AWS mirrors botocore's standard mode (retries/standard.py, quota.py;
 * aws-acm.md §5.2). Port follows port-api.md §6.
 *
 * Retrying a non-idempotent AWS call (RequestCertificate) is safe only
 * because the request carries an IdempotencyToken; a retry after a
 * lost response then returns the same certificate.
 */
#include "base/retry.h"

#include <stddef.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define AWS_DEFAULT_ATTEMPTS  3
#define PORT_DEFAULT_ATTEMPTS 4
/* Both AWS bases are 1 s, as in botocore's classic standard mode: ACM
 * calls are few, so a slower first retry costs little and eases
 * throttling. (botocore's opt-in 2026 mode uses 50 ms for non-throttling
 * errors; smithy-typescript 100 ms.) */
#define AWS_BASE_MS           1000
#define AWS_THROTTLE_BASE_MS  1000
#define PORT_BASE_MS          500
#define MAX_DELAY_MS          20000
#define RETRY_AFTER_MAX_MS    60000L
#define QUOTA_INITIAL         500
#define QUOTA_RETRY_COST      5
#define QUOTA_TIMEOUT_COST    10
#define QUOTA_NO_RETRY_REFUND 1
/* Retry-After saturates here (about 24 days); fits a 32-bit long. */
#define RETRY_AFTER_SAT_S 2147483L

/* botocore ThrottledRetryableChecker._THROTTLED_ERROR_CODES without
 * LimitExceededException: for ACM that is an account quota (e.g.
 * certificates per year), and retrying it only burns time. */
static const char *const throttling_codes[] = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
};

/* TransientRetryableChecker codes, the one modeled-retryable ACM shape,
 * and STS's special case (botocore retries/special.py). */
static const char *const transient_codes[] = {
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
    "InternalServerException",
    "IDPCommunicationError",
};

/* Codes that are final even on an otherwise retryable status. */
static const char *const quota_codes[] = {
    "LimitExceededException",
};

static int
member(const char *s, const char *const *list, size_t n)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

#define MEMBER(s, list) member((s), (list), sizeof(list) / sizeof((list)[0]))

double
retry_rand01(void)
{
	unsigned int r;

	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
		r = (unsigned int)time(NULL) * 2654435761u;
	return (double)r / 4294967296.0;
}

int
retry_is_throttling(const char *aws_error_code)
{
	return MEMBER(aws_error_code, throttling_codes);
}

void
retry_init(struct retry *r, enum retry_service service, unsigned max_attempts)
{
	memset(r, 0, sizeof(*r));
	r->service = service;
	r->max_delay_ms = MAX_DELAY_MS;
	if (service == RETRY_AWS) {
		r->max_attempts =
		    max_attempts ? max_attempts : AWS_DEFAULT_ATTEMPTS;
		r->base_ms = AWS_BASE_MS;
		r->quota = QUOTA_INITIAL;
	} else {
		r->max_attempts =
		    max_attempts ? max_attempts : PORT_DEFAULT_ATTEMPTS;
		r->base_ms = PORT_BASE_MS;
	}
}

void
retry_begin(struct retry *r)
{
	r->attempt = 0;
	r->last_cost = 0;
}

/* rand01 * min(base * 2^(attempt-1), cap), attempt >= 1. */
static long
jitter(unsigned base_ms, unsigned cap_ms, unsigned attempt, double rand01)
{
	unsigned long long ceiling = base_ms;
	unsigned i;

	for (i = 1; i < attempt && ceiling < cap_ms; i++)
		ceiling *= 2;
	if (ceiling > cap_ms)
		ceiling = cap_ms;
	if (!(rand01 > 0.0)) /* also NaN */
		return 0;
	if (rand01 > 1.0)
		rand01 = 1.0;
	return (long)(rand01 * (double)ceiling);
}

static int
aws_retryable(const struct retry_outcome *o, int *throttled)
{
	*throttled = 0;
	switch (o->failure) {
	case RETRY_CONNECT:
	case RETRY_TIMEOUT:
		return 1;
	case RETRY_HTTP:
		break;
	default:
		return 0;
	}
	if (MEMBER(o->error_code, quota_codes))
		return 0;
	if (retry_is_throttling(o->error_code) || o->http_status == 429) {
		*throttled = 1;
		return 1;
	}
	if (o->transient || MEMBER(o->error_code, transient_codes))
		return 1;
	switch (o->http_status) {
	case 500:
	case 502:
	case 503:
	case 504:
		return 1;
	default:
		return 0;
	}
}

static long
aws_next(struct retry *r, const struct retry_outcome *o, double rand01)
{
	int throttled, cost;

	if (o->failure == RETRY_OK) {
		/* A success pays back what its last retry took, or one
		 * token when it needed none; failures pay back nothing. */
		r->quota +=
		    r->last_cost > 0 ? r->last_cost : QUOTA_NO_RETRY_REFUND;
		if (r->quota > QUOTA_INITIAL)
			r->quota = QUOTA_INITIAL;
		r->last_cost = 0;
		return -1;
	}
	if (!aws_retryable(o, &throttled) || r->attempt >= r->max_attempts)
		return -1;
	cost =
	    o->failure == RETRY_TIMEOUT ? QUOTA_TIMEOUT_COST : QUOTA_RETRY_COST;
	if (r->quota < cost)
		return -1;
	r->quota -= cost;
	r->last_cost = cost;
	return jitter(throttled ? AWS_THROTTLE_BASE_MS : r->base_ms,
	    r->max_delay_ms, r->attempt, rand01);
}

/* The one clock read in this module, for a Retry-After HTTP-date. */
static long long
now_epoch(void)
{
	return (long long)time(NULL);
}

static long
port_next(struct retry *r, const struct retry_outcome *o, double rand01)
{
	long delay, after;

	switch (o->failure) {
	case RETRY_CONNECT:
	case RETRY_TIMEOUT:
		break;
	case RETRY_HTTP:
		if (o->http_status == 429 || o->http_status == 502 ||
		    o->http_status == 503 || o->http_status == 504 ||
		    (o->http_status == 500 && o->idempotent))
			break;
		return -1;

	default:
		return -1;
	}
	if (r->attempt >= r->max_attempts)
		return -1;
	delay = jitter(r->base_ms, r->max_delay_ms, r->attempt, rand01);
	if (o->failure == RETRY_HTTP && o->retry_after != NULL &&
	    (after = retry_after_ms(o->retry_after, now_epoch())) >= 0) {
		/* The server knows better than our backoff, but a job
		 * should not sit idle for minutes: give up instead. */
		if (after > RETRY_AFTER_MAX_MS)
			return -1;
		if (after > delay)
			delay = after;
	}
	return delay;
}

long
retry_next(struct retry *r, const struct retry_outcome *o, double rand01)
{
	r->attempt++;
	if (r->service == RETRY_AWS)
		return aws_next(r, o, rand01);
	return port_next(r, o, rand01);
}

/* --- Retry-After (RFC 9110 §10.2.3, §5.6.7) --- */

static const char *const wkday[] = {
    "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const weekday[] = {"Monday", "Tuesday", "Wednesday",
    "Thursday", "Friday", "Saturday", "Sunday"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct hdate {
	long long year;
	int mon, day, hour, min, sec; /* mon 1-12 */
};

/* Matches one of list at *p (case-sensitive, as RFC 9110 says). */
static int
word(const char **p, const char *const *list, int n)
{
	size_t len;
	int i;

	for (i = 0; i < n; i++) {
		len = strlen(list[i]);
		if (strncmp(*p, list[i], len) == 0) {
			*p += len;
			return i;
		}
	}
	return -1;
}

static int
lit(const char **p, const char *s)
{
	size_t len = strlen(s);

	if (strncmp(*p, s, len) != 0)
		return -1;
	*p += len;
	return 0;
}

/* Exactly n digits. */
static int
digits(const char **p, int n, long long *out)
{
	long long v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

/* "HH:MM:SS" */
static int
time_of_day(const char **p, struct hdate *d)
{
	long long h, m, s;

	if (digits(p, 2, &h) || lit(p, ":") || digits(p, 2, &m) ||
	    lit(p, ":") || digits(p, 2, &s))
		return -1;
	d->hour = (int)h;
	d->min = (int)m;
	d->sec = (int)s;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil), so no TZ or locale is involved. */
static long long
days_from_civil(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static long long
year_of(long long epoch)
{
	long long z, era, doe, yoe, y, doy, mp;

	z = (epoch >= 0 ? epoch : epoch - 86399) / 86400 + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	return mp >= 10 ? y + 1 : y;
}

static int
valid_date(const struct hdate *d)
{
	static const int mdays[] = {
	    31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap;

	leap = (d->year % 4 == 0 && d->year % 100 != 0) || d->year % 400 == 0;
	if (d->mon < 1 || d->mon > 12 || d->day < 1 ||
	    d->day > mdays[d->mon - 1] || (d->mon == 2 && !leap && d->day > 28))
		return 0;
	/* 60 allows a leap second. */
	return d->hour <= 23 && d->min <= 59 && d->sec <= 60;
}

/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
static int
imf_fixdate(const char *p, struct hdate *d)
{
	long long v;

	if (word(&p, wkday, 7) < 0 || lit(&p, ", ") || digits(&p, 2, &v))
		return -1;
	d->day = (int)v;
	if (lit(&p, " ") || (d->mon = word(&p, months, 12) + 1) == 0 ||
	    lit(&p, " ") || digits(&p, 4, &d->year) || lit(&p, " ") ||
	    time_of_day(&p, d) || lit(&p, " GMT"))
		return -1;
	return *p == '\0' ? 0 : -1;
}

/* rfc850-date: "Sunday, 06-Nov-94 08:49:37 GMT" */
static int
rfc850_date(const char *p, struct hdate *d, long long now)
{
	long long v, yy, cur;

	if (word(&p, weekday, 7) < 0 || lit(&p, ", ") || digits(&p, 2, &v))
		return -1;
	d->day = (int)v;
	if (lit(&p, "-") || (d->mon = word(&p, months, 12) + 1) == 0 ||
	    lit(&p, "-") || digits(&p, 2, &yy) || lit(&p, " ") ||
	    time_of_day(&p, d) || lit(&p, " GMT") || *p != '\0')
		return -1;
	/* RFC 9110: a two-digit year more than 50 years ahead belongs to
	 * the previous century. */
	cur = year_of(now);
	d->year = cur - cur % 100 + yy;
	if (d->year > cur + 50)
		d->year -= 100;
	return 0;
}

/* asctime-date: "Sun Nov  6 08:49:37 1994" */
static int
asctime_date(const char *p, struct hdate *d)
{
	long long v;

	if (word(&p, wkday, 7) < 0 || lit(&p, " ") ||
	    (d->mon = word(&p, months, 12) + 1) == 0 || lit(&p, " "))
		return -1;
	if (*p == ' ') {
		p++;
		if (digits(&p, 1, &v))
			return -1;
	} else if (digits(&p, 2, &v))
		return -1;
	d->day = (int)v;
	if (lit(&p, " ") || time_of_day(&p, d) || lit(&p, " ") ||
	    digits(&p, 4, &d->year) || *p != '\0')
		return -1;
	return 0;
}

static long
delta_to_ms(long long s)
{
	if (s <= 0)
		return 0;
	if (s > RETRY_AFTER_SAT_S)
		s = RETRY_AFTER_SAT_S;
	return (long)(s * 1000);
}

long
retry_after_ms(const char *value, long long now_epoch_s)
{
	char tmp[64];
	const char *p;
	size_t len;
	long long secs = 0;
	struct hdate d;

	if (value == NULL)
		return -1;
	/* Header values may arrive with surrounding OWS. */
	while (*value == ' ' || *value == '\t')
		value++;
	len = strlen(value);
	while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= sizeof(tmp))
		return -1;
	memcpy(tmp, value, len);
	tmp[len] = '\0';

	if (strspn(tmp, "0123456789") == len) {
		for (p = tmp; *p != '\0'; p++)
			if (secs <= RETRY_AFTER_SAT_S)
				secs = secs * 10 + (*p - '0');
		return delta_to_ms(secs);
	}
	memset(&d, 0, sizeof(d));
	if (imf_fixdate(tmp, &d) != 0) {
		memset(&d, 0, sizeof(d));
		if (rfc850_date(tmp, &d, now_epoch_s) != 0) {
			memset(&d, 0, sizeof(d));
			if (asctime_date(tmp, &d) != 0)
				return -1;
		}
	}
	if (!valid_date(&d))
		return -1;
	secs = days_from_civil(d.year, d.mon, d.day) * 86400 + d.hour * 3600LL +
	       d.min * 60LL + d.sec;
	return delta_to_ms(secs - now_epoch_s);
}
