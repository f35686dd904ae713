/*
 * validate: input rules, checked before anything changes in AWS.
 *
 * Messages are written for the person who clicked the Port button: they
 * name the field, show the value (escaped, shortened) and say what is
 * allowed. Values are never copied raw into a message: control
 * characters, invalid UTF-8 and invisible formatting characters are
 * shown as \n, \xNN or \u{NNNN}.
 */
#include "input/validate.h"
#include "base/buf.h"
#include "input/letters.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHOW_MAX 64 /* characters of a value quoted in a message */

static const struct partition partitions[] = {
    {"aws", "amazonaws.com", "api.aws", "us-east-1", "console.aws.amazon.com"},
    {"aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn",
        "cn-northwest-1", "console.amazonaws.cn"},
    {"aws-us-gov", "amazonaws.com", "api.aws", "us-gov-west-1",
        "console.amazonaws-us-gov.com"},
    {"aws-iso", "c2s.ic.gov", "api.aws.ic.gov", "us-iso-east-1", NULL},
    {"aws-iso-b", "sc2s.sgov.gov", "api.aws.scloud", "us-isob-east-1", NULL},
    {"aws-iso-e", "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk", "eu-isoe-west-1",
        NULL},
    {"aws-iso-f", "csp.hci.ic.gov", "api.aws.hci.ic.gov", "us-isof-south-1",
        NULL},
    {"aws-eusc", "amazonaws.eu", "api.amazonwebservices.eu", "eusc-de-east-1",
        NULL},
};
#define NPARTITIONS (sizeof(partitions) / sizeof(partitions[0]))

static int
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(unsigned char c)
{
	return is_alpha(c) || is_digit(c);
}

static int
is_word(unsigned char c)
{
	return is_alnum(c) || c == '_';
}

static int
lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static int
eq_nocase(const char *a, const char *b)
{
	while (*a && *b && lower((unsigned char)*a) == lower((unsigned char)*b))
		a++, b++;
	return *a == '\0' && *b == '\0';
}

static int
prefix_nocase(const char *s, const char *prefix)
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
static size_t
utf8_decode(const unsigned char *s, unsigned long *cp)
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
static int
is_invisible(unsigned long cp)
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
	n = utf8_decode(u, &cp);
	if (n == 0) {
		snprintf(dst, dstlen, "\\x%02x", u[0]);
		return 1;
	}
	if (is_invisible(cp))
		snprintf(dst, dstlen, "\\u{%04lx}", cp);
	else
		snprintf(dst, dstlen, "%.*s", (int)n, s);
	return n;
}

/* Writes an escaped copy of s, at most SHOW_MAX characters of it, into
 * dst (which holds SHOW_MAX * 10 + 8 bytes). */
#define SHOW_LEN (SHOW_MAX * 10 + 8)
static const char *
show(char dst[SHOW_LEN], const char *s)
{
	size_t used = 0, chars = 0;
	char one[16];

	dst[0] = '\0';
	if (s == NULL)
		return dst;
	while (*s && chars < SHOW_MAX) {
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
static const char *
describe_char(char dst[64], const char *s)
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
static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Domain names */

static int
check_domain(
    const char *field, const char *s, size_t maxlen, char *err, size_t errlen)
{
	char v[SHOW_LEN], c[64], lab[SHOW_LEN];
	const char *p, *label, *end;
	size_t len, nlabels;

	if (s == NULL || *s == '\0') {
		str_printf(err, errlen,
		    "%s is empty: give a domain name such as www.example.com",
		    field);
		return -1;
	}
	show(v, s);
	for (p = s; *p; p++) {
		unsigned char u = (unsigned char)*p;

		if (is_alnum(u) || u == '-' || u == '.')
			continue;
		if (u == '*') {
			if (p == s && p[1] == '.')
				continue;
			str_printf(err, errlen,
			    "%s '%s' has '*' in the wrong place: a wildcard "
			    "is allowed only as the whole first label, as in "
			    "*.example.com",
			    field, v);
			return -1;
		}
		if (u >= 0x80 && describe_char(c, p)[0] == '\'') {
			str_printf(err, errlen,
			    "%s '%s' contains %s, which is not allowed in a "
			    "domain name: give internationalised names in "
			    "their punycode form (xn--...), otherwise use "
			    "letters, digits, hyphens and dots",
			    field, v, describe_char(c, p));
			return -1;
		}
		str_printf(err, errlen,
		    "%s '%s' contains %s, which is not allowed in a domain "
		    "name: use letters, digits, hyphens and dots (optionally "
		    "starting with '*.')",
		    field, v, describe_char(c, p));
		return -1;
	}
	len = p - s;
	if (len > maxlen) {
		str_printf(err, errlen,
		    "%s '%s' is %zu characters long; the limit is %zu", field,
		    v, len, maxlen);
		return -1;
	}
	if (s[len - 1] == '.') {
		str_printf(err, errlen,
		    "%s '%s' ends with a dot: remove the trailing '.'", field,
		    v);
		return -1;
	}
	label = s[0] == '*' ? s + 2 : s;
	nlabels = 0;
	for (;;) {
		end = strchr(label, '.');
		if (end == NULL)
			end = label + strlen(label);
		len = end - label;
		if (len == 0) {
			str_printf(err, errlen,
			    "%s '%s' has an empty label (a leading dot or "
			    "'..'): labels are separated by single dots",
			    field, v);
			return -1;
		}
		snprintf(lab, sizeof(lab), "%.*s",
		    (int)(len > SHOW_MAX ? SHOW_MAX : len), label);
		if (len > SHOW_MAX)
			strcat(lab, "...");
		if (len > 63) {
			str_printf(err, errlen,
			    "%s '%s' has a label of %zu characters ('%s'); "
			    "each label between dots is limited to 63",
			    field, v, len, lab);
			return -1;
		}
		if (label[0] == '-' || label[len - 1] == '-') {
			str_printf(err, errlen,
			    "%s '%s' has the label '%s', which %s with a "
			    "hyphen: labels must start and end with a letter "
			    "or digit",
			    field, v, lab, label[0] == '-' ? "starts" : "ends");
			return -1;
		}
		nlabels++;
		if (*end == '\0')
			break;
		label = end + 1;
	}
	if (nlabels < 2) {
		str_printf(err, errlen,
		    "%s '%s' needs at least two labels%s, such as "
		    "example.com",
		    field, v, s[0] == '*' ? " after '*.'" : "");
		return -1;
	}
	/* ACM's pattern wants the last label to be 2..63 characters. */
	if (len < 2) {
		str_printf(err, errlen,
		    "%s '%s' ends in the one-character label '%s': the last "
		    "label (the top-level domain) needs at least two",
		    field, v, lab);
		return -1;
	}
	return 0;
}

int
validate_domain(const char *field, const char *s, char *err, size_t errlen)
{
	return check_domain(field, s, 253, err, errlen);
}

int
validate_common_name(const char *field, const char *s, char *err, size_t errlen)
{
	char v[SHOW_LEN];

	if (check_domain(field, s, 253, err, errlen) != 0)
		return -1;
	if (strlen(s) > 64) {
		str_printf(err, errlen,
		    "%s '%s' is %zu characters long; ACM limits the main "
		    "domain name to 64: use a shorter name here and give this "
		    "one as a subject alternative name",
		    field, show(v, s), strlen(s));
		return -1;
	}
	return 0;
}

static int
is_sep(char c)
{
	return c == ',' || c == '\n' || c == '\r';
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
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
		while (*b < *e && is_blank(**b))
			(*b)++;
		while (*e > *b && is_blank((*e)[-1]))
			(*e)--;
		if (*b != *e)
			return 1;
	}
	return 0;
}

int
validate_domain_list(const char *field, const char *list, char **names,
    size_t max, size_t *n, char *err, size_t errlen)
{
	const char *p, *b, *e;
	size_t i, len, total = 0;
	char *name;

	*n = 0;
	if (list == NULL)
		return 0;
	for (p = list; validate_next_item(&p, &b, &e);) {
		len = e - b;
		if ((name = malloc(len + 1)) == NULL) {
			str_printf(err, errlen, "%s: out of memory", field);
			return -1;
		}
		memcpy(name, b, len);
		name[len] = '\0';
		if (check_domain(field, name, 253, err, errlen) != 0) {
			free(name);
			return -1;
		}
		for (i = 0; i < *n; i++)
			if (eq_nocase(names[i], name))
				break;
		if (i < *n) {
			free(name);
			continue;
		}
		total++;
		if (*n >= max) {
			free(name);
			/* keep going: the message gives the real count */
			continue;
		}
		names[(*n)++] = name;
	}
	if (total > max) {
		str_printf(err, errlen,
		    "%s has %zu different domain names; the limit is %zu",
		    field, total, max);
		return -1;
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
	char v[SHOW_LEN];
	int i;

	if ((i = pick(s, names, count)) < 0) {
		str_printf(err, errlen, "%s '%s' is not valid: use %s", field,
		    show(v, s), hint);
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
	char v[SHOW_LEN];
	int i;

	if ((i = pick(s, issued, 3)) >= 0) {
		strcpy(out, issued[i]);
		return 0;
	}
	if (pick(s, imported, 4) >= 0)
		str_printf(err, errlen,
		    "key_algorithm '%s' is only for imported certificates: "
		    "ACM issues RSA_2048, EC_prime256v1 or EC_secp384r1",
		    show(v, s));
	else
		str_printf(err, errlen,
		    "key_algorithm '%s' is not supported: use RSA_2048, "
		    "EC_prime256v1 or EC_secp384r1",
		    show(v, s));
	return -1;
}

int
validate_export(const char *s, char out[9], char *err, size_t errlen)
{
	static const char *const names[] = {"ENABLED", "DISABLED"};

	return check_choice(
	    "export", s, names, 2, "ENABLED or DISABLED", out, 9, err, errlen);
}

/* Regions and partitions */

/* Full match of "<prefix>\w+-\d+" as in botocore's partition regexes. */
static int
match_region_rx(const char *r, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p;

	if (strncmp(r, prefix, n) != 0)
		return 0;
	p = r + n;
	if (!is_word((unsigned char)*p))
		return 0;
	while (is_word((unsigned char)*p))
		p++;
	if (*p++ != '-' || !is_digit((unsigned char)*p))
		return 0;
	while (is_digit((unsigned char)*p))
		p++;
	return *p == '\0';
}

static int
partition_index(const char *region)
{
	static const char *const aws[] = {
	    "us-", "eu-", "ap-", "sa-", "ca-", "me-", "af-", "il-", "mx-"};
	size_t i;

	for (i = 0; i < sizeof(aws) / sizeof(aws[0]); i++)
		if (match_region_rx(region, aws[i]))
			return 0;
	if (match_region_rx(region, "cn-"))
		return 1;
	if (match_region_rx(region, "us-gov-"))
		return 2;
	if (match_region_rx(region, "us-iso-"))
		return 3;
	if (match_region_rx(region, "us-isob-"))
		return 4;
	if (match_region_rx(region, "eu-isoe-"))
		return 5;
	if (match_region_rx(region, "us-isof-"))
		return 6;
	if (match_region_rx(region, "eusc-de-"))
		return 7;
	return -1;
}

const struct partition *
validate_partition_for_region(const char *region)
{
	int i = region ? partition_index(region) : -1;

	/* botocore returns the first partition when nothing matches. */
	return &partitions[i < 0 ? 0 : i];
}

/*
 * Region shape: lower-case parts joined by '-', 3..5 of them; the first
 * 2..4 letters, the last 1..3 digits, the middle ones letters/digits.
 * Not limited to the partition regexes, so a region AWS opens later is
 * not refused (it resolves to "aws" as in botocore).
 */
int
validate_region(const char *field, const char *s, char *err, size_t errlen)
{
	char v[SHOW_LEN];
	const char *part, *p;
	size_t nparts = 0, len, i;
	int good;

	if (s == NULL || *s == '\0') {
		str_printf(err, errlen,
		    "%s is empty: give an AWS region such as us-east-1", field);
		return -1;
	}
	good = strlen(s) <= 32;
	for (part = s; good; part = p + 1) {
		p = part + strcspn(part, "-");
		len = p - part;
		nparts++;
		for (i = 0; i < len; i++) {
			unsigned char u = (unsigned char)part[i];
			int letter = u >= 'a' && u <= 'z';

			/* first part letters, last digits, others both */
			if (nparts == 1)
				good &= letter;
			else if (*p == '\0')
				good &= is_digit(u);
			else
				good &= letter || is_digit(u);
		}
		if (len == 0 || (nparts == 1 && (len < 2 || len > 4)))
			good = 0;
		if (*p == '\0') {
			if (len > 3)
				good = 0;
			break;
		}
	}
	if (!good || nparts < 3 || nparts > 5) {
		str_printf(err, errlen,
		    "%s '%s' is not an AWS region name: use the lower-case "
		    "form such as us-east-1, eu-west-2 or cn-north-1",
		    field, show(v, s));
		return -1;
	}
	return 0;
}

/* ARNs */

static int
is_arn_res_char(unsigned char c)
{
	return is_word(c) || c == '+' || c == '=' || c == ',' || c == '.' ||
	       c == '@' || c == '-';
}

/*
 * Full match of ACM's Arn / PcaArn patterns
 *   arn:[\w+=/,.@-]+:<service>:[\w+=/,.@-]*:[0-9]+:[\w+=,.@-]+(/[\w+=,.@-]+)*
 * narrowed to what a real one looks like: a known partition, a valid
 * region in that partition (none for IAM, a global service), a 12-digit
 * account and <type>/<id>.
 */
static int
check_arn(const char *field, const char *s, const char *service,
    const char *restype, struct arn *out, char *err, size_t errlen)
{
	char v[SHOW_LEN], r[SHOW_LEN];
	char *part[6], *p;
	size_t len, i;
	int pi, global = strcmp(service, "iam") == 0;
	const char *eg = global ? "" : "us-east-1";

	if (s == NULL || *s == '\0') {
		str_printf(err, errlen,
		    "%s is empty: give an ARN such as "
		    "arn:aws:%s:%s:123456789012:%s/<%s>",
		    field, service, eg, restype, global ? "name" : "id");
		return -1;
	}
	show(v, s);
	len = strlen(s);
	if (len < 20 || len > 2048) {
		str_printf(err, errlen,
		    "%s '%s' is %zu characters long; an ARN "
		    "has 20 to 2048",
		    field, v, len);
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char u = (unsigned char)s[i];
		char c[64];

		if (is_arn_res_char(u) || u == ':' || u == '/')
			continue;
		str_printf(err, errlen,
		    "%s '%s' contains %s, which is not allowed in an ARN: "
		    "use letters, digits and + = , . @ - _ : /",
		    field, v, describe_char(c, s + i));
		return -1;
	}
	memcpy(out->buf, s, len + 1);
	p = out->buf;
	for (i = 0; i < 5; i++) {
		part[i] = p;
		if ((p = strchr(p, ':')) == NULL) {
			str_printf(err, errlen,
			    "%s '%s' is not an ARN: expected "
			    "arn:<partition>:%s:<region>:<account>:%s/<id>",
			    field, v, service, restype);
			return -1;
		}
		*p++ = '\0';
	}
	part[5] = p;
	if (strcmp(part[0], "arn") != 0) {
		str_printf(err, errlen,
		    "%s '%s' does not start with 'arn:': expected "
		    "arn:<partition>:%s:<region>:<account>:%s/<id>",
		    field, v, service, restype);
		return -1;
	}
	for (i = 0; i < NPARTITIONS; i++)
		if (strcmp(part[1], partitions[i].name) == 0)
			break;
	if (i == NPARTITIONS) {
		str_printf(err, errlen,
		    "%s '%s' names the unknown partition '%s': use aws, "
		    "aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, "
		    "aws-iso-f or aws-eusc",
		    field, v, show(r, part[1]));
		return -1;
	}
	if (strcmp(part[2], service) != 0) {
		str_printf(err, errlen,
		    "%s '%s' belongs to the service '%s', not %s: give the "
		    "ARN of %s",
		    field, v, show(r, part[2]), service,
		    global ? "an IAM role"
		    : strcmp(service, "acm") == 0
		        ? "an ACM certificate"
		        : "an AWS Private CA certificate authority");
		return -1;
	}
	if (global && part[3][0] != '\0') {
		str_printf(err, errlen,
		    "%s '%s' has the region '%s': IAM ARNs have none "
		    "(arn:<partition>:iam::<account>:%s/<name>)",
		    field, v, show(r, part[3]), restype);
		return -1;
	}
	if (!global && validate_region(field, part[3], NULL, 0) != 0) {
		str_printf(err, errlen,
		    "%s '%s' has the region '%s', which is not an AWS region "
		    "name",
		    field, v, show(r, part[3]));
		return -1;
	}
	pi = partition_index(part[3]);
	if (!global && strcmp(partitions[pi < 0 ? 0 : pi].name, part[1]) != 0) {
		str_printf(err, errlen,
		    "%s '%s' puts the region '%s' in the partition '%s', but "
		    "that region belongs to '%s'",
		    field, v, part[3], part[1],
		    partitions[pi < 0 ? 0 : pi].name);
		return -1;
	}
	for (i = 0; part[4][i]; i++)
		if (!is_digit((unsigned char)part[4][i]))
			break;
	if (i != 12 || part[4][i] != '\0') {
		str_printf(err, errlen,
		    "%s '%s' has the account '%s': an AWS account id is 12 "
		    "digits",
		    field, v, show(r, part[4]));
		return -1;
	}
	len = strlen(restype);
	if (strncmp(part[5], restype, len) != 0 || part[5][len] != '/') {
		str_printf(err, errlen,
		    "%s '%s' does not name a %s: the part after the account "
		    "must be %s/<id>",
		    field, v, restype, restype);
		return -1;
	}
	/* <id> is one or more segments joined by single '/'. */
	for (p = part[5] + len; *p; p++) {
		if (*p == '/' && (p[1] == '/' || p[1] == '\0')) {
			str_printf(err, errlen,
			    "%s '%s' has an empty or missing id after '%s/'",
			    field, v, restype);
			return -1;
		}
		if (*p == ':') {
			str_printf(err, errlen,
			    "%s '%s' has a ':' in its id: expected "
			    "arn:<partition>:%s:<region>:<account>:%s/<id>",
			    field, v, service, restype);
			return -1;
		}
	}
	out->partition = part[1];
	out->service = part[2];
	out->region = part[3];
	out->account = part[4];
	out->resource = part[5];
	return 0;
}

int
validate_certificate_arn(
    const char *field, const char *s, struct arn *out, char *err, size_t errlen)
{
	return check_arn(field, s, "acm", "certificate", out, err, errlen);
}

int
validate_pca_arn(const char *field, const char *s, char *err, size_t errlen)
{
	struct arn *a;
	int rc;

	/* struct arn is 2 KiB; keep it off small stacks. */
	if ((a = malloc(sizeof(*a))) == NULL) {
		str_printf(err, errlen, "%s: out of memory", field);
		return -1;
	}
	rc = check_arn(
	    field, s, "acm-pca", "certificate-authority", a, err, errlen);
	free(a);
	return rc;
}

int
validate_role_arn(const char *field, const char *s, char *err, size_t errlen)
{
	struct arn *a;
	const char *name;
	int rc;

	if ((a = malloc(sizeof(*a))) == NULL) {
		str_printf(err, errlen, "%s: out of memory", field);
		return -1;
	}
	rc = check_arn(field, s, "iam", "role", a, err, errlen);
	/* role/<path/>name: IAM's name is at most 64 characters. */
	if (rc == 0 && strlen(name = strrchr(a->resource, '/') + 1) > 64) {
		str_printf(err, errlen,
		    "%s: the role name '%.64s...' is longer than IAM's 64 "
		    "characters",
		    field, name);
		rc = -1;
	}
	free(a);
	return rc;
}

/* Tags */

/*
 * ACM's tag pattern is [\p{L}\p{Z}\p{N}_.:/=+\-@]*. Without a Unicode
 * database this accepts ASCII letters, digits, space and _.:/=+-@, plus
 * any well-formed multi-byte UTF-8 character except C1 controls and
 * invisible formatting characters. So it accepts some symbols ACM
 * refuses (e.g. U+00A9); ACM then answers InvalidTagException.
 */
static const char *
bad_tag_char(const char *s)
{
	const unsigned char *u;
	unsigned long cp;
	size_t n;

	while (*s) {
		u = (const unsigned char *)s;
		if (is_alnum(*u) || strchr(" _.:/=+-@", *u) != NULL) {
			s++;
			continue;
		}
		if (*u < 0x80 || (n = utf8_decode(u, &cp)) == 0 ||
		    is_invisible(cp))
			return s;
		s += n;
	}
	return NULL;
}

static int
check_tag_part(const char *field, const char *what, const char *s, size_t minc,
    size_t maxc, char *err, size_t errlen)
{
	char v[SHOW_LEN], c[64];
	const char *bad;
	size_t chars;

	show(v, s);
	if ((bad = bad_tag_char(s)) != NULL) {
		str_printf(err, errlen,
		    "%s: the tag %s '%s' contains %s, which is not allowed in "
		    "a tag: use letters, digits, spaces and _ . : / = + - @",
		    field, what, v, describe_char(c, bad));
		return -1;
	}
	chars = utf8_chars(s);
	if (chars < minc) {
		str_printf(err, errlen,
		    "%s: a tag has an empty key: write tags as key=value",
		    field);
		return -1;
	}
	if (chars > maxc) {
		str_printf(err, errlen,
		    "%s: the tag %s '%s' is %zu characters long; the limit is "
		    "%zu",
		    field, what, v, chars, maxc);
		return -1;
	}
	if (prefix_nocase(s, "aws:")) {
		str_printf(err, errlen,
		    "%s: the tag %s '%s' starts with 'aws:', which AWS "
		    "reserves for its own tags",
		    field, what, v);
		return -1;
	}
	return 0;
}

int
validate_tags(const char *field, const char *list, struct tag *tags, size_t max,
    size_t *n, char *err, size_t errlen)
{
	char v[SHOW_LEN], item[sizeof(tags->key) + sizeof(tags->value)];
	const char *p, *b, *e, *eq, *kb, *ke, *vb, *ve;
	size_t i, total = 0;

	*n = 0;
	if (max > VALIDATE_MAX_TAGS)
		max = VALIDATE_MAX_TAGS;
	for (p = list ? list : ""; validate_next_item(&p, &b, &e);) {
		/* The first '=' splits key from value; "key" alone has an
		 * empty value. Blanks around either side are dropped. */
		eq = memchr(b, '=', e - b);
		kb = b;
		ke = eq ? eq : e;
		vb = eq ? eq + 1 : e;
		ve = e;
		while (ke > kb && is_blank(ke[-1]))
			ke--;
		while (vb < ve && is_blank(*vb))
			vb++;
		snprintf(item, sizeof(item), "%.*s", (int)(e - b), b);
		if ((size_t)(ke - kb) >= sizeof(tags->key) ||
		    (size_t)(ve - vb) >= sizeof(tags->value)) {
			str_printf(err, errlen,
			    "%s: the tag '%s' is too long: keys are limited "
			    "to 128 characters and values to 256",
			    field, show(v, item));
			return -1;
		}
		if (++total > max) {
			str_printf(err, errlen,
			    "%s has more than %zu tags; the limit is %zu",
			    field, max, max);
			return -1;
		}
		memcpy(tags[*n].key, kb, ke - kb);
		tags[*n].key[ke - kb] = '\0';
		memcpy(tags[*n].value, vb, ve - vb);
		tags[*n].value[ve - vb] = '\0';
		if (check_tag_part(
		        field, "key", tags[*n].key, 1, 128, err, errlen) != 0 ||
		    check_tag_part(field, "value", tags[*n].value, 0, 256, err,
		        errlen) != 0)
			return -1;
		for (i = 0; i < *n; i++) {
			if (strcmp(tags[i].key, tags[*n].key) == 0) {
				str_printf(err, errlen,
				    "%s: the tag key '%s' is given twice; "
				    "each key may appear once",
				    field, show(v, tags[*n].key));
				return -1;
			}
		}
		(*n)++;
	}
	if (*n == 0) {
		str_printf(err, errlen,
		    "%s is empty: give at least one tag as key=value", field);
		return -1;
	}
	return 0;
}

/* Tokens, identifiers, URLs, numbers */

/* Port's identifier patterns: \p{L}, a Unicode letter. */
static int
is_letter(unsigned long cp)
{
	size_t lo = 0, hi = sizeof(letters) / sizeof(letters[0]), mid;

	if (cp < 0x80)
		return is_alpha((unsigned char)cp);
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (cp < letters[mid][0])
			hi = mid;
		else if (cp > letters[mid][1])
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

static int
token_char(unsigned long cp)
{
	return cp < 0x80 && is_word((unsigned char)cp);
}

static int
run_id_char(unsigned long cp)
{
	return cp > 0x20 && cp < 0x7f && strchr("/?#%", (int)cp) == NULL;
}

/* ^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/-]+$ (create-a-blueprint.json) */
static int
blueprint_char(unsigned long cp)
{
	return is_letter(cp) ||
	       (cp < 0x80 && (is_digit((unsigned char)cp) ||
	                         strchr("@_.+:\\/-", (int)cp) != NULL));
}

/* ^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/=-]+$ (port-api.md §5) */
static int
entity_char(unsigned long cp)
{
	return blueprint_char(cp) || cp == '=';
}

/* One kind of identifier: which characters, how many, how to say it. */
struct id_rule {
	const char *what;    /* "a Port blueprint identifier" */
	const char *example; /* shown when the value is empty or wrong */
	const char *allowed; /* the characters, in words */
	int (*ok)(unsigned long cp);
	size_t max;   /* characters */
	int not_dots; /* "." and ".." refused: URL path segments */
};

static const struct id_rule token_rule = {"an idempotency token", "run_42",
    "letters, digits and underscores", token_char, 32, 0};
static const struct id_rule run_id_rule = {"a Port run id",
    "r_QOz6WoOB1Q2lmhZZ", "printable ASCII except / ? # %", run_id_char, 128,
    1};
static const struct id_rule blueprint_rule = {"a Port blueprint identifier",
    "acmCertificate", "letters, digits and @ _ . + : \\ / -", blueprint_char,
    100, 1};
static const struct id_rule entity_rule = {"a Port entity identifier",
    "the certificate's ARN", "letters, digits and @ _ . + : \\ / = -",
    entity_char, 1000, 1};

/* The one check-each-character loop behind the identifier validators:
 * s is decoded as UTF-8 (invalid UTF-8 is refused) and every character
 * must pass r->ok. */
static int
check_id(const char *field, const char *s, const struct id_rule *r, char *err,
    size_t errlen)
{
	char v[SHOW_LEN], c[64];
	unsigned long cp;
	size_t chars = 0, n;
	const char *p;

	if (s == NULL || *s == '\0') {
		str_printf(err, errlen, "%s is empty: give %s, such as %s",
		    field, r->what, r->example);
		return -1;
	}
	for (p = s; *p; p += n, chars++) {
		cp = (unsigned char)*p;
		n = cp < 0x80 ? 1 : utf8_decode((const unsigned char *)p, &cp);
		if (n == 0 || !r->ok(cp)) {
			str_printf(err, errlen,
			    "%s '%s' contains %s, which is not allowed in %s: "
			    "use %s",
			    field, show(v, s), describe_char(c, p), r->what,
			    r->allowed);
			return -1;
		}
	}
	if (chars > r->max) {
		str_printf(err, errlen,
		    "%s '%s' is %zu characters long; the limit is %zu", field,
		    show(v, s), chars, r->max);
		return -1;
	}
	if (r->not_dots && (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)) {
		str_printf(err, errlen, "%s '%s' is not %s (such as %s)", field,
		    s, r->what, r->example);
		return -1;
	}
	return 0;
}

int
validate_idempotency_token(
    const char *field, const char *s, char *err, size_t errlen)
{
	return check_id(field, s, &token_rule, err, errlen);
}

int
validate_run_id(const char *field, const char *s, char *err, size_t errlen)
{
	return check_id(field, s, &run_id_rule, err, errlen);
}

int
validate_blueprint(const char *field, const char *s, char *err, size_t errlen)
{
	return check_id(field, s, &blueprint_rule, err, errlen);
}

int
validate_entity_id(const char *field, const char *s, char *err, size_t errlen)
{
	return check_id(field, s, &entity_rule, err, errlen);
}

int
validate_url_scheme(const char *url)
{
	/* Schemes are case-insensitive (RFC 3986 §3.1), and curl agrees:
	 * "HTTP://" is plain http. */
	if (url != NULL && prefix_nocase(url, "https://"))
		return 1;
	if (url != NULL && prefix_nocase(url, "http://"))
		return 0;
	return -1;
}

/* 127.0.0.0/8 written as four decimal octets without leading zeros
 * (a resolver may read "0177" or "010" as octal, "127.1" as 127.0.0.1:
 * anything but the plain form is not taken for the loopback). */
static int
is_loopback_v4(const char *h, size_t n)
{
	size_t i = 0, digits, octets = 0;
	unsigned v;

	if (n < 4 || strncmp(h, "127.", 4) != 0)
		return 0;
	for (;;) {
		v = 0;
		digits = 0;
		while (i < n && is_digit((unsigned char)h[i]) && digits < 4) {
			v = v * 10 + (unsigned)(h[i++] - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255 ||
		    (digits > 1 && h[i - digits] == '0'))
			return 0;
		if (++octets == 4)
			return i == n;
		if (i >= n || h[i++] != '.')
			return 0;
	}
}

int
validate_url_loopback(const char *url)
{
	const char *h = url ? strstr(url, "://") : NULL;
	size_t n;

	if (h == NULL)
		return 0;
	h += 3;
	n = strcspn(h, "/?#");
	if (strncmp(h, "[::1]", 5) == 0)
		return n == 5 || h[5] == ':';
	n = strcspn(h, ":/?#");
	if (n == 9 && prefix_nocase(h, "localhost"))
		return 1;
	return is_loopback_v4(h, n);
}

int
validate_base_url(const char *field, const char *s, char *err, size_t errlen)
{
	char v[SHOW_LEN], c[64];
	const char *p, *host, *hend;
	size_t i;

	if (s == NULL || *s == '\0') {
		str_printf(err, errlen,
		    "%s is empty: give a URL such as "
		    "https://api.getport.io",
		    field);
		return -1;
	}
	show(v, s);
	for (i = 0; s[i]; i++) {
		unsigned char u = (unsigned char)s[i];

		if (u <= 0x20 || u >= 0x7f || u == '\\') {
			str_printf(err, errlen,
			    "%s '%s' contains %s, which is not allowed in a "
			    "URL",
			    field, v, describe_char(c, s + i));
			return -1;
		}
	}
	if (validate_url_scheme(s) >= 0)
		host = s + (validate_url_scheme(s) ? 8 : 7);
	else {
		str_printf(err, errlen,
		    "%s '%s' must start with https:// (or "
		    "http:// for a local test server)",
		    field, v);
		return -1;
	}
	if (strpbrk(s, "?#") != NULL) {
		str_printf(err, errlen,
		    "%s '%s' has a query or fragment ('?' or "
		    "'#'): give only scheme, host, port and path",
		    field, v);
		return -1;
	}
	hend = host + strcspn(host, "/");
	if (memchr(host, '@', hend - host) != NULL) {
		str_printf(err, errlen,
		    "%s contains a user name or password ('@'): pass "
		    "credentials through their own settings",
		    field);
		return -1;
	}
	p = host;
	if (*p == '[') {
		/* IPv6 literal */
		for (p++; *p && *p != ']'; p++)
			if (!is_digit((unsigned char)*p) && *p != ':' &&
			    *p != '.' && !strchr("abcdefABCDEF", *p))
				break;
		if (*p != ']' || p == host + 1)
			goto badhost;
		p++;
	} else {
		const char *label = p;

		/* host name: dot-separated labels of letters, digits, '-' */
		for (;; p++) {
			if (is_alnum((unsigned char)*p) || *p == '-')
				continue;
			if (p == label || *label == '-' || p[-1] == '-')
				goto badhost;
			if (*p != '.')
				break;
			label = p + 1;
		}
	}
	if (*p == ':') {
		unsigned long port = 0;
		const char *d = ++p;

		while (is_digit((unsigned char)*p) && p - d < 6)
			port = port * 10 + (unsigned long)(*p++ - '0');
		if (p == d || port == 0 || port > 65535 ||
		    (*p != '/' && *p != '\0')) {
			str_printf(err, errlen,
			    "%s '%s' has a bad port: use a "
			    "number from 1 to 65535",
			    field, v);
			return -1;
		}
	}
	if (*p != '/' && *p != '\0')
		goto badhost;
	if (s[strlen(s) - 1] == '/') {
		str_printf(err, errlen,
		    "%s '%s' ends with '/': remove the "
		    "trailing slash",
		    field, v);
		return -1;
	}
	return 0;
badhost:
	str_printf(err, errlen,
	    "%s '%s' does not have a valid host name: use a "
	    "URL such as https://api.getport.io",
	    field, v);
	return -1;
}

int
validate_uint(const char *field, const char *s, unsigned long min,
    unsigned long max, unsigned long *out, char *err, size_t errlen)
{
	char v[SHOW_LEN], t[32];
	unsigned long n = 0;
	size_t i;

	if (s == NULL || strlen(s) >= sizeof(t))
		goto bad;
	trim_copy(t, sizeof(t), s);
	if (t[0] == '\0')
		goto bad;
	for (i = 0; t[i]; i++) {
		unsigned long d = (unsigned long)(t[i] - '0');

		if (!is_digit((unsigned char)t[i]))
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
	    field, show(v, s), min, max);
	return -1;
bad:
	str_printf(err, errlen,
	    "%s '%s' is not a whole number: use digits only, "
	    "from %lu to %lu",
	    field, show(v, s ? s : ""), min, max);
	return -1;
}

int
validate_bool(
    const char *field, const char *s, int *out, char *err, size_t errlen)
{
	static const char *const names[] = {
	    "true", "yes", "1", "false", "no", "0"};
	char v[SHOW_LEN];
	int i;

	if ((i = pick(s, names, 6)) < 0) {
		str_printf(err, errlen,
		    "%s '%s' is not a yes/no value: use true or "
		    "false",
		    field, show(v, s ? s : ""));
		return -1;
	}
	*out = i < 3;
	return 0;
}

void
validate_session_name(const char *s, char *out, size_t outlen)
{
	size_t i, n = 0;

	for (i = 0; s != NULL && s[i] && n < 64 && n + 1 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];

		out[n++] = isalnum(c) || strchr("_+=,.@-", c) ? (char)c : '-';
	}
	if (outlen > 0)
		out[n] = '\0';
	if (n < 2)
		str_copy(out, outlen, "port-acm");
}
