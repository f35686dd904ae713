/*
 * fuzz_validate: every validator in src/input/validate.h on arbitrary text.
 *
 * Input: byte 0 picks the validator, the rest (up to a NUL) is the
 * value. Checks beyond "no crash": every validator is deterministic,
 * returns 0 or -1, writes a non-empty NUL-terminated message on -1,
 * never writes past errlen; what passes really has the promised shape
 * (no control characters, no '/', '?', '#', '%' where that matters,
 * bounded lengths); lists hand back only as many strings as they say.
 *
 * Requires: src/input/validate.c src/input/validate_domain.c
 * src/input/validate_arn.c src/input/validate_text.c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz_util.h"
#include "input/validate.h"
#include "input/validate_arn.h"
#include "input/validate_domain.h"
#include "input/validate_text.h"

#define ERRLEN 96 /* small, so truncation paths run too */

static void
check_err(int rc, const char *err)
{
	/* The canary after err[ERRLEN - 1] must be untouched. */
	if (rc != 0 && rc != -1)
		abort();
	if (err[ERRLEN] != '#')
		abort();
	if (rc == -1 && (memchr(err, '\0', ERRLEN) == NULL || err[0] == '\0'))
		abort();
}

static int
has_ctl(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	}
	return 0;
}

/* Port counts characters, not bytes: "ϰ" is one of its 100. */
static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static int
run(unsigned which, const char *s, char *err)
{
	static struct tag tags[VALIDATE_MAX_TAGS];
	char *names[VALIDATE_MAX_NAMES];
	struct arn arn;
	char out16[16];
	unsigned long ul;
	size_t n = 0, i;
	int rc, b;

	switch (which) {
	case 0:
		rc = validate_domain("domain_name", s, err, ERRLEN);
		if (rc == 0 && (strlen(s) > 253 || has_ctl(s) ||
		                   strpbrk(s, "/?#%@ ,\\") != NULL))
			abort();
		return rc;
	case 1:
		rc = validate_common_name("domain_name", s, err, ERRLEN);
		if (rc == 0 && (strlen(s) > 64 || has_ctl(s)))
			abort();
		return rc;
	case 2:
		memset(names, 0, sizeof(names));
		rc = validate_domain_list("subject_alternative_names", s, names,
		    VALIDATE_MAX_NAMES, &n, err, ERRLEN);
		if (n > VALIDATE_MAX_NAMES)
			abort();
		for (i = 0; i < n; i++) {
			if (names[i] == NULL || (rc == 0 && has_ctl(names[i])))
				abort();
			free(names[i]);
		}
		return rc;
	case 3:
		return validate_validation_method(s, out16, err, ERRLEN);
	case 4:
		rc = validate_key_algorithm(s, out16, err, ERRLEN);
		if (rc == 0 && memchr(out16, '\0', sizeof(out16)) == NULL)
			abort();
		return rc;
	case 5:
		rc = validate_region("region", s, err, ERRLEN);
		if (rc == 0) {
			const struct partition *p =
			    validate_partition_for_region(s);

			if (p == NULL || p->name == NULL ||
			    p->dns_suffix == NULL || strlen(s) > 64 ||
			    has_ctl(s) || strpbrk(s, "/?#%.@:") != NULL)
				abort();
		}
		return rc;
	case 6:
		rc = validate_certificate_arn(
		    "certificate_arn", s, &arn, err, ERRLEN);
		if (rc == 0 &&
		    (arn.partition == NULL || arn.service == NULL ||
		        arn.region == NULL || arn.account == NULL ||
		        arn.resource == NULL ||
		        strcmp(arn.service, "acm") != 0 ||
		        strlen(arn.account) != 12 ||
		        strncmp(arn.resource, "certificate/", 12) != 0 ||
		        has_ctl(s)))
			abort();
		return rc;
	case 7:
		return validate_pca_arn(
		    "certificate_authority_arn", s, err, ERRLEN);
	case 8:
		rc = validate_tags(
		    "tags", s, tags, VALIDATE_MAX_TAGS, &n, err, ERRLEN);
		if (n > VALIDATE_MAX_TAGS)
			abort();
		for (i = 0; rc == 0 && i < n; i++) {
			if (memchr(tags[i].key, '\0', sizeof(tags[i].key)) ==
			        NULL ||
			    memchr(tags[i].value, '\0',
			        sizeof(tags[i].value)) == NULL ||
			    tags[i].key[0] == '\0' ||
			    strncmp(tags[i].key, "aws:", 4) == 0)
				abort();
		}
		return rc;
	case 9:
		rc = validate_idempotency_token(
		    "idempotency_token", s, err, ERRLEN);
		if (rc == 0 && (strlen(s) < 1 || strlen(s) > 32))
			abort();
		return rc;
	case 10:
		rc = validate_run_id("run_id", s, err, ERRLEN);
		if (rc == 0 && (strlen(s) > 128 || has_ctl(s) ||
		                   strpbrk(s, "/?#% ") != NULL))
			abort();
		return rc;
	case 11:
		rc = validate_blueprint("blueprint", s, err, ERRLEN);
		/* Port's pattern: "." and ".." alone are refused (curl
		 * would fold them out of the path); "a..b" is a valid id. */
		if (rc == 0 && (utf8_chars(s) > 100 || has_ctl(s) ||
		                   strcmp(s, ".") == 0 || strcmp(s, "..") == 0))
			abort();
		return rc;
	case 12:
		rc = validate_base_url("port_base_url", s, err, ERRLEN);
		if (rc == 0) {
			const char *host = strstr(s, "://");
			size_t hlen;

			if (has_ctl(s) || strpbrk(s, "?# ") != NULL ||
			    (strncasecmp(s, "http://", 7) != 0 &&
			        strncasecmp(s, "https://", 8) != 0) ||
			    host == NULL)
				abort();
			/* No userinfo: '@' may not appear before the path. */
			host += 3;
			hlen = strcspn(host, "/");
			if (hlen == 0 || memchr(host, '@', hlen) != NULL)
				abort();
		}
		return rc;
	case 13:
		rc = validate_uint("max_attempts", s, 1, 10, &ul, err, ERRLEN);
		if (rc == 0 && (ul < 1 || ul > 10))
			abort();
		return rc;
	case 14:
		rc = validate_bool("wait_for_issuance", s, &b, err, ERRLEN);
		if (rc == 0 && b != 0 && b != 1)
			abort();
		return rc;
	case 15:
		rc = validate_role_arn("role_to_assume", s, err, ERRLEN);
		/* Global: no region between "iam:" and the account. */
		if (rc == 0 && (has_ctl(s) || strncmp(s, "arn:", 4) != 0 ||
		                   strstr(s, ":iam::") == NULL ||
		                   strstr(s, ":role/") == NULL ||
		                   strpbrk(s, " ;\"'#[]") != NULL))
			abort();
		return rc;
	default:
		rc = validate_export(s, out16, err, ERRLEN);
		if (rc == 0 && strcmp(out16, "ENABLED") != 0 &&
		    strcmp(out16, "DISABLED") != 0)
			abort();
		return rc;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char ea[ERRLEN + 1], eb[ERRLEN + 1];
	unsigned which;
	char *s;
	int ra, rb;

	if (size < 1 || size > 64 * 1024)
		return 0;
	which = data[0] % 17;
	if ((s = malloc(size)) == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	memset(ea, '#', sizeof(ea));
	memset(eb, '#', sizeof(eb));
	ra = run(which, s, ea);
	check_err(ra, ea);
	rb = run(which, s, eb);
	check_err(rb, eb);
	if (ra != rb || (ra == -1 && strcmp(ea, eb) != 0))
		abort();
	free(s);
	return 0;
}
