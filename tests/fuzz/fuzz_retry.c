/*
 * fuzz_retry: retry_after_ms on arbitrary Retry-After values, and the
 * retry policy on an arbitrary sequence of attempt outcomes.
 *
 * Input: the Retry-After value up to the first NUL; each byte after it
 * is one attempt outcome. Checks: retry_after_ms is deterministic and
 * never below -1; retry_next never waits longer than the cap (plus a
 * Retry-After the server asked for, Port only), never allows more
 * attempts than max_attempts, and says "final" after a success.
 *
 * Requires: src/base/retry.c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/retry.h"
#include "fuzz_util.h"

/* 2015-08-30T12:36:00Z: fixed so the target is deterministic. */
#define NOW 1440938160LL

static const char *const codes[] = {NULL, "Throttling", "ThrottlingException",
    "LimitExceededException", "RequestLimitExceeded", "InternalFailure",
    "ValidationException", "", "TooManyRequestsException"};
static const long statuses[] = {200, 400, 401, 403, 404, 409, 422, 429, 500,
    502, 503, 504, 599, 0, -1, 1000};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct retry r;
	struct retry_outcome o;
	const uint8_t *nul;
	char *value;
	size_t vlen, i;
	long ms, d;
	unsigned attempts;

	if (size > 4096)
		return 0;
	nul = memchr(data, '\0', size);
	vlen = nul != NULL ? (size_t)(nul - data) : size;
	if ((value = malloc(vlen + 1)) == NULL)
		return 0;
	memcpy(value, data, vlen);
	value[vlen] = '\0';

	ms = retry_after_ms(value, NOW);
	if (ms < -1 || ms != retry_after_ms(value, NOW))
		abort();
	(void)retry_is_throttling(value);

	if (nul == NULL)
		goto out;
	retry_init(&r, (data[0] & 1) ? RETRY_PORT : RETRY_AWS,
	    (unsigned)(data[0] >> 1) % 12);
	attempts = 1;
	for (i = vlen + 1; i < size; i++) {
		memset(&o, 0, sizeof(o));
		o.failure = (enum retry_failure)(data[i] % 5);
		o.http_status = statuses[(data[i] >> 3) % 16];
		o.error_code = codes[(data[i] >> 3) % 9];
		o.retry_after = (data[i] & 0x80) ? value : NULL;
		d = retry_next(&r, &o, (double)(data[i] % 97) / 97.0);
		if (d < -1)
			abort();
		if (o.failure == RETRY_OK && d != -1)
			abort();
		if (d == -1)
			break;
		if (r.service == RETRY_AWS && (unsigned long)d > r.max_delay_ms)
			abort();
		if (++attempts > r.max_attempts)
			abort();
	}
out:
	free(value);
	return 0;
}
