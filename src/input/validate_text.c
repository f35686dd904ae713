#include "input/validate_text.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "input/letters.h"
#include "input/validate.h"

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
		if (validate_is_alnum(*u) || strchr(" _.:/=+-@", *u) != NULL) {
			s++;
			continue;
		}
		if (*u < 0x80 || (n = validate_utf8_decode(u, &cp)) == 0 ||
		    validate_is_invisible(cp))
			return s;
		s += n;
	}
	return NULL;
}

static int
check_tag_part(const char *field, const char *what, const char *s, size_t minc,
    size_t maxc, char *err, size_t errlen)
{
	char v[VALIDATE_SHOW_LEN], c[64];
	const char *bad;
	size_t chars;

	validate_show(v, s);
	if ((bad = bad_tag_char(s)) != NULL) {
		str_printf(err, errlen,
		    "%s: the tag %s '%s' contains %s, which is not allowed in "
		    "a tag: use letters, digits, spaces and _ . : / = + - @",
		    field, what, v, validate_describe_char(c, bad));
		return -1;
	}
	chars = validate_utf8_chars(s);
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
	if (validate_prefix_nocase(s, "aws:")) {
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
	char v[VALIDATE_SHOW_LEN],
	    item[sizeof(tags->key) + sizeof(tags->value)];
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
		while (ke > kb && validate_is_blank(ke[-1]))
			ke--;
		while (vb < ve && validate_is_blank(*vb))
			vb++;
		snprintf(item, sizeof(item), "%.*s", (int)(e - b), b);
		if ((size_t)(ke - kb) >= sizeof(tags->key) ||
		    (size_t)(ve - vb) >= sizeof(tags->value)) {
			str_printf(err, errlen,
			    "%s: the tag '%s' is too long: keys are limited "
			    "to 128 characters and values to 256",
			    field, validate_show(v, item));
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
				    field, validate_show(v, tags[*n].key));
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
		return validate_is_alpha((unsigned char)cp);
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
	return cp < 0x80 && validate_is_word((unsigned char)cp);
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
	       (cp < 0x80 && (validate_is_digit((unsigned char)cp) ||
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
	char v[VALIDATE_SHOW_LEN], c[64];
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
		n = cp < 0x80
		        ? 1
		        : validate_utf8_decode((const unsigned char *)p, &cp);
		if (n == 0 || !r->ok(cp)) {
			str_printf(err, errlen,
			    "%s '%s' contains %s, which is not allowed in %s: "
			    "use %s",
			    field, validate_show(v, s),
			    validate_describe_char(c, p), r->what, r->allowed);
			return -1;
		}
	}
	if (chars > r->max) {
		str_printf(err, errlen,
		    "%s '%s' is %zu characters long; the limit is %zu", field,
		    validate_show(v, s), chars, r->max);
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
	if (url != NULL && validate_prefix_nocase(url, "https://"))
		return 1;
	if (url != NULL && validate_prefix_nocase(url, "http://"))
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
		while (i < n && validate_is_digit((unsigned char)h[i]) &&
		       digits < 4) {
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
	if (n == 9 && validate_prefix_nocase(h, "localhost"))
		return 1;
	return is_loopback_v4(h, n);
}

int
validate_base_url(const char *field, const char *s, char *err, size_t errlen)
{
	char v[VALIDATE_SHOW_LEN], c[64];
	const char *p, *host, *hend;
	size_t i;

	if (s == NULL || *s == '\0') {
		str_printf(err, errlen,
		    "%s is empty: give a URL such as "
		    "https://api.getport.io",
		    field);
		return -1;
	}
	validate_show(v, s);
	for (i = 0; s[i]; i++) {
		unsigned char u = (unsigned char)s[i];

		if (u <= 0x20 || u >= 0x7f || u == '\\') {
			str_printf(err, errlen,
			    "%s '%s' contains %s, which is not allowed in a "
			    "URL",
			    field, v, validate_describe_char(c, s + i));
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
			if (!validate_is_digit((unsigned char)*p) &&
			    *p != ':' && *p != '.' &&
			    !strchr("abcdefABCDEF", *p))
				break;
		if (*p != ']' || p == host + 1)
			goto badhost;
		p++;
	} else {
		const char *label = p;

		/* host name: dot-separated labels of letters, digits, '-' */
		for (;; p++) {
			if (validate_is_alnum((unsigned char)*p) || *p == '-')
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

		while (validate_is_digit((unsigned char)*p) && p - d < 6)
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
