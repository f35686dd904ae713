/*
 * Unit tests for bulk.c's pure part: x-ratelimit-reset in both of the
 * meanings port-api.md §6 records (epoch seconds per Port's docs,
 * seconds until the reset per Port's Terraform provider). The transfers
 * themselves are tested end to end (tests/e2e/test_sync.py).
 */
#include <string.h>

#include "base/http.h"
#include "port/bulk.h"
#include "tap.h"

/* http_header_value: the one header reader of http.c and bulk.c. */
static void
test_header_value(void)
{
	static const char line[] = "retry-after: \t 7 \r\n";
	char v[8] = "keep";

	http_header_value(line, strlen(line), "Retry-After", v, sizeof(v));
	ok(strcmp(v, "7") == 0, "header: name case-insensitive, value trimmed");
	strcpy(v, "keep");
	http_header_value(line, strlen(line), "Retry", v, sizeof(v));
	ok(strcmp(v, "keep") == 0, "header: a prefix of the name is not it");
	http_header_value(
	    "X-Trace-Id: 0123456789abcdef\r\n", 30, "X-Trace-Id", v, sizeof(v));
	ok(strcmp(v, "0123456") == 0, "header: cut to the room there is");
	http_header_value("Date:\r\n", 7, "Date", v, sizeof(v));
	ok(v[0] == '\0', "header: empty value");
}

int
main(void)
{
	const long long now = 1790000000LL;

	ok(bulk_reset_ms("30", now) == 30000, "seconds until reset");
	ok(bulk_reset_ms("1790000012", now) == 12000, "epoch seconds");
	ok(bulk_reset_ms("1789999990", now) == 0, "an epoch in the past: now");
	ok(bulk_reset_ms("0.5", now) == 500, "fractions of a second");
	ok(bulk_reset_ms("99999", now) == 3600000, "capped at an hour");
	ok(bulk_reset_ms(NULL, now) == -1 && bulk_reset_ms("", now) == -1,
	    "absent: -1");
	ok(bulk_reset_ms("soon", now) == -1 &&
	        bulk_reset_ms("12s", now) == -1 &&
	        bulk_reset_ms("-5", now) == -1 &&
	        bulk_reset_ms("nan", now) == -1,
	    "unparseable or negative: -1");
	test_header_value();
	return done_testing();
}
