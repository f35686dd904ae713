/*
 * validate_cases.h: the table-driven helpers test_validate.c and
 * test_validate_arn.c share: a case (input, expected return, a word the
 * message must hold), the message buffer the validators fill, the judge
 * (return value, field named, detail present, no raw control byte) and
 * the report line. Header-only, for tests.
 */
#ifndef PORT_ACM_VALIDATE_CASES_H
#define PORT_ACM_VALIDATE_CASES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

struct vcase {
	const char *in;
	int want;           /* 0 valid, -1 refused */
	const char *needle; /* substring the message must contain */
};

static char err[512];

/* No byte below 0x20 or 0x7f may reach a message. */
static inline int
clean(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static inline int
is_ok_byte(int b)
{
	return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') ||
	       (b >= '0' && b <= '9') || b == '-' || b == '.';
}

static inline int
judge(int rc, const struct vcase *c, const char *field)
{
	if (rc != c->want)
		return 0;
	if (rc == 0)
		return 1;
	if (!clean(err) || strstr(err, field) == NULL)
		return 0;
	return c->needle == NULL || strstr(err, c->needle) != NULL;
}

static inline void
report(int good, const char *what, const char *in)
{
	char shown[96];
	size_t i, j = 0;

	for (i = 0; in[i] && j < sizeof(shown) - 5; i++) {
		unsigned char u = (unsigned char)in[i];

		if (u < 0x20 || u >= 0x7f)
			j += (size_t)snprintf(
			    shown + j, sizeof(shown) - j, "\\x%02x", u);
		else
			shown[j++] = (char)u;
	}
	shown[j] = '\0';
	ok(good, "%s '%.60s'", what, shown);
	if (!good)
		printf("#   message: %s\n", err);
}

/* Strings of a given length made of one repeated unit. */
static inline char *
rep(const char *unit, size_t times, const char *suffix)
{
	size_t ul = strlen(unit), sl = strlen(suffix), i;
	char *s = malloc(ul * times + sl + 1);

	for (i = 0; i < times; i++)
		memcpy(s + i * ul, unit, ul);
	memcpy(s + ul * times, suffix, sl + 1);
	return s;
}

#endif
