#include "input/validate_domain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "input/validate.h"

/* Domain names */

static int
check_domain(
    const char *field, const char *s, size_t maxlen, char *err, size_t errlen)
{
	char v[VALIDATE_SHOW_LEN], c[64], lab[VALIDATE_SHOW_LEN];
	const char *p, *label, *end;
	size_t len, nlabels;

	if (s == NULL || *s == '\0') {
		str_printf(err, errlen,
		    "%s is empty: give a domain name such as www.example.com",
		    field);
		return -1;
	}
	validate_show(v, s);
	for (p = s; *p; p++) {
		unsigned char u = (unsigned char)*p;

		if (validate_is_alnum(u) || u == '-' || u == '.')
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
		if (u >= 0x80 && validate_describe_char(c, p)[0] == '\'') {
			str_printf(err, errlen,
			    "%s '%s' contains %s, which is not allowed in a "
			    "domain name: give internationalised names in "
			    "their punycode form (xn--...), otherwise use "
			    "letters, digits, hyphens and dots",
			    field, v, validate_describe_char(c, p));
			return -1;
		}
		str_printf(err, errlen,
		    "%s '%s' contains %s, which is not allowed in a domain "
		    "name: use letters, digits, hyphens and dots (optionally "
		    "starting with '*.')",
		    field, v, validate_describe_char(c, p));
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
		    (int)(len > VALIDATE_SHOW_MAX ? VALIDATE_SHOW_MAX : len),
		    label);
		if (len > VALIDATE_SHOW_MAX)
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
	char v[VALIDATE_SHOW_LEN];

	if (check_domain(field, s, 253, err, errlen) != 0)
		return -1;
	if (strlen(s) > 64) {
		str_printf(err, errlen,
		    "%s '%s' is %zu characters long; ACM limits the main "
		    "domain name to 64: use a shorter name here and give this "
		    "one as a subject alternative name",
		    field, validate_show(v, s), strlen(s));
		return -1;
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
			if (validate_eq_nocase(names[i], name))
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
