#include "input/validate.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"

static int
lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

int
validate_eq_nocase(const char *a, const char *b)
{
	while (*a && *b && lower((unsigned char)*a) == lower((unsigned char)*b))
		a++, b++;
	return *a == '\0' && *b == '\0';
}

int
validate_prefix_nocase(const char *s, const char *prefix)
{
	while (*prefix &&
	       lower((unsigned char)*s) == lower((unsigned char)*prefix))
		s++, prefix++;
	return *prefix == '\0';
}

/*
 * Decodes one well-formed UTF-8 sequence of 2..4 bytes at s (no
 * overlongs, no surrogates, nothing above U+10FFFF). Returns its length
 * and the code point in *cp, or 0 when s does not start one.
 */
size_t
validate_utf8_decode(const unsigned char *s, unsigned long *cp)
{
	unsigned long c;
	size_t n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return n;
}

/* Code points that must not appear raw in a message: they are invisible
 * or reorder the text around them. */
int
validate_is_invisible(unsigned long cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0xad ||
	       (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff;
}

/* Appends the escaped form of the byte(s) at s to dst; returns how many
 * input bytes it consumed. */
static size_t
escape_one(const char *s, char *dst, size_t dstlen)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned long cp;
	size_t n;

	switch (u[0]) {
	case '\n':
		snprintf(dst, dstlen, "\\n");
		return 1;
	case '\r':
		snprintf(dst, dstlen, "\\r");
		return 1;
	case '\t':
		snprintf(dst, dstlen, "\\t");
		return 1;
	case '\\':
		snprintf(dst, dstlen, "\\\\");
		return 1;
	}
	if (u[0] < 0x20 || u[0] == 0x7f) {
		snprintf(dst, dstlen, "\\x%02x", u[0]);
		return 1;
	}
	if (u[0] < 0x80) {
		snprintf(dst, dstlen, "%c", u[0]);
		return 1;
	}
	n = validate_utf8_decode(u, &cp);
	if (n == 0) {
		snprintf(dst, dstlen, "\\x%02x", u[0]);
		return 1;
	}
	if (validate_is_invisible(cp))
		snprintf(dst, dstlen, "\\u{%04lx}", cp);
	else
		snprintf(dst, dstlen, "%.*s", (int)n, s);
	return n;
}

/* Writes an escaped copy of s, at most VALIDATE_SHOW_MAX characters of it, into
 * dst (which holds VALIDATE_SHOW_MAX * 10 + 8 bytes). */
const char *
validate_show(char dst[VALIDATE_SHOW_LEN], const char *s)
{
	size_t used = 0, chars = 0;
	char one[16];

	dst[0] = '\0';
	if (s == NULL)
		return dst;
	while (*s && chars < VALIDATE_SHOW_MAX) {
		size_t k;

		s += escape_one(s, one, sizeof(one));
		k = strlen(one);
		memcpy(dst + used, one, k + 1);
		used += k;
		chars++;
	}
	if (*s)
		memcpy(dst + used, "...", 4);
	return dst;
}

/* Describes the character at s for "contains X": "';'", "a space",
 * "a newline (\n)", ... */
const char *
validate_describe_char(char dst[64], const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	char one[16];

	escape_one(s, one, sizeof(one));
	if (u[0] == ' ')
		snprintf(dst, 64, "a space");
	else if (u[0] == '\n')
		snprintf(dst, 64, "a newline (\\n)");
	else if (u[0] == '\r')
		snprintf(dst, 64, "a carriage return (\\r)");
	else if (u[0] == '\t')
		snprintf(dst, 64, "a tab (\\t)");
	else if (u[0] < 0x20 || u[0] == 0x7f)
		snprintf(dst, 64, "a control character (%s)", one);
	else if (one[0] == '\\' && one[1] == 'x')
		snprintf(dst, 64, "a byte that is not valid UTF-8 (%s)", one);
	else if (one[0] == '\\' && one[1] == 'u')
		snprintf(dst, 64, "an invisible character (%s)", one);
	else
		snprintf(dst, 64, "'%s'", one);
	return dst;
}

/* Number of UTF-8 characters in s (s is known to be well-formed). */
size_t
validate_utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static int
is_sep(char c)
{
	return c == ',' || c == '\n' || c == '\r';
}

int
validate_next_item(const char **p, const char **b, const char **e)
{
	while (**p) {
		*b = *p;
		while (**p && !is_sep(**p))
			(*p)++;
		*e = *p;
		if (**p)
			(*p)++;
		while (*b < *e && validate_is_blank(**b))
			(*b)++;
		while (*e > *b && validate_is_blank((*e)[-1]))
			(*e)--;
		if (*b != *e)
			return 1;
	}
	return 0;
}

/* Enumerations */

/* Copies s without surrounding blanks (at most outlen - 1 bytes). */
static const char *
trim_copy(char *out, size_t outlen, const char *s)
{
	const char *e;
	size_t len;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	                    e[-1] == '\n'))
		e--;
	len = e - s;
	if (len >= outlen)
		len = outlen - 1;
	memcpy(out, s, len);
	out[len] = '\0';
	return out;
}

/* Matches s (blanks trimmed, case and '-'/'_' ignored) against names;
 * returns its index or -1. */
static int
pick(const char *s, const char *const *names, size_t count)
{
	char t[64];
	size_t i, j;

	if (s == NULL || strlen(s) >= sizeof(t))
		return -1;
	trim_copy(t, sizeof(t), s);
	for (i = 0; i < count; i++) {
		const char *a = t, *b = names[i];

		for (j = 0; a[j] && b[j]; j++) {
			int x = lower((unsigned char)a[j]);
			int y = lower((unsigned char)b[j]);

			if (x == '-')
				x = '_';
			if (x != y)
				break;
		}
		if (a[j] == '\0' && b[j] == '\0')
			return (int)i;
	}
	return -1;
}

/* One of names (as pick() matches), its canonical spelling into out
 * (outlen bytes); otherwise "<field> '<s>' is not valid: use <hint>". */
static int
check_choice(const char *field, const char *s, const char *const *names,
    size_t count, const char *hint, char *out, size_t outlen, char *err,
    size_t errlen)
{
	char v[VALIDATE_SHOW_LEN];
	int i;

	if ((i = pick(s, names, count)) < 0) {
		str_printf(err, errlen, "%s '%s' is not valid: use %s", field,
		    validate_show(v, s), hint);
		return -1;
	}
	str_copy(out, outlen, names[i]);
	return 0;
}

int
validate_validation_method(const char *s, char out[8], char *err, size_t errlen)
{
	static const char *const names[] = {"DNS", "EMAIL"};

	return check_choice("validation_method", s, names, 2,
	    "DNS (recommended) or EMAIL", out, 8, err, errlen);
}

int
validate_key_algorithm(const char *s, char out[16], char *err, size_t errlen)
{
	static const char *const issued[] = {
	    "RSA_2048", "EC_prime256v1", "EC_secp384r1"};
	static const char *const imported[] = {
	    "RSA_1024", "RSA_3072", "RSA_4096", "EC_secp521r1"};
	char v[VALIDATE_SHOW_LEN];
	int i;

	if ((i = pick(s, issued, 3)) >= 0) {
		strcpy(out, issued[i]);
		return 0;
	}
	if (pick(s, imported, 4) >= 0)
		str_printf(err, errlen,
		    "key_algorithm '%s' is only for imported certificates: "
		    "ACM issues RSA_2048, EC_prime256v1 or EC_secp384r1",
		    validate_show(v, s));
	else
		str_printf(err, errlen,
		    "key_algorithm '%s' is not supported: use RSA_2048, "
		    "EC_prime256v1 or EC_secp384r1",
		    validate_show(v, s));
	return -1;
}

int
validate_export(const char *s, char out[9], char *err, size_t errlen)
{
	static const char *const names[] = {"ENABLED", "DISABLED"};

	return check_choice(
	    "export", s, names, 2, "ENABLED or DISABLED", out, 9, err, errlen);
}

int
validate_uint(const char *field, const char *s, unsigned long min,
    unsigned long max, unsigned long *out, char *err, size_t errlen)
{
	char v[VALIDATE_SHOW_LEN], t[32];
	unsigned long n = 0;
	size_t i;

	if (s == NULL || strlen(s) >= sizeof(t))
		goto bad;
	trim_copy(t, sizeof(t), s);
	if (t[0] == '\0')
		goto bad;
	for (i = 0; t[i]; i++) {
		unsigned long d = (unsigned long)(t[i] - '0');

		if (!validate_is_digit((unsigned char)t[i]))
			goto bad;
		if (n > (ULONG_MAX - d) / 10)
			goto range;
		n = n * 10 + d;
		if (n > max)
			goto range;
	}
	if (n < min)
		goto range;
	*out = n;
	return 0;
range:
	str_printf(err, errlen,
	    "%s '%s' is out of range: use a whole number from "
	    "%lu to %lu",
	    field, validate_show(v, s), min, max);
	return -1;
bad:
	str_printf(err, errlen,
	    "%s '%s' is not a whole number: use digits only, "
	    "from %lu to %lu",
	    field, validate_show(v, s ? s : ""), min, max);
	return -1;
}

int
validate_bool(
    const char *field, const char *s, int *out, char *err, size_t errlen)
{
	static const char *const names[] = {
	    "true", "yes", "1", "false", "no", "0"};
	char v[VALIDATE_SHOW_LEN];
	int i;

	if ((i = pick(s, names, 6)) < 0) {
		str_printf(err, errlen,
		    "%s '%s' is not a yes/no value: use true or "
		    "false",
		    field, validate_show(v, s ? s : ""));
		return -1;
	}
	*out = i < 3;
	return 0;
}
