#include "ops/dns_record.h"

#include <string.h>
#include <strings.h>

#include "aws/route53.h"
#include "base/buf.h"

/* One label of a host name as ACM makes them: letters, digits, '-' and
 * '_', 1 to 63 of them. */
static int
label_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 63)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		        (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		        s[i] == '_'))
			return 0;
	return 1;
}

/* Every label of a normalised name (one trailing dot) is label_ok. */
static int
name_ok(const char *s)
{
	const char *dot;

	while (*s) {
		if ((dot = strchr(s, '.')) == NULL ||
		    !label_ok(s, (size_t)(dot - s)))
			return 0;
		s = dot + 1;
	}
	return 1;
}

static int
is_cert_name(const struct acm_certificate *cert, const char *domain)
{
	size_t i;

	if (strcasecmp(cert->domain, domain) == 0)
		return 1;
	for (i = 0; i < cert->nsans; i++)
		if (strcasecmp(cert->sans[i], domain) == 0)
			return 1;
	return 0;
}

int
dns_record_check(const struct acm_certificate *cert,
    const struct acm_validation *v, char *why, size_t whylen)
{
	const char *base =
	    strncmp(v->domain, "*.", 2) == 0 ? v->domain + 2 : v->domain;
	char name[512], want[512], value[512];
	const char *dot;
	size_t nv, nd = strlen(DNS_ACM_VALIDATION_DOMAIN);

	if (strcasecmp(v->record_type, "CNAME") != 0) {
		str_printf(why, whylen,
		    "ACM asked for a %s record for %s; port-acm writes only "
		    "CNAME records",
		    v->record_type, v->domain);
		return -1;
	}
	if (!is_cert_name(cert, v->domain)) {
		str_printf(why, whylen,
		    "ACM named a validation record for %s, which is not a "
		    "name of certificate %s",
		    v->domain, cert->arn);
		return -1;
	}
	if (route53_name_norm(base, want, sizeof(want)) != 0 ||
	    route53_name_norm(v->record_name, name, sizeof(name)) != 0 ||
	    name[0] != '_' || (dot = strchr(name, '.')) == NULL ||
	    strcmp(dot + 1, want) != 0 || !name_ok(name)) {
		str_printf(why, whylen,
		    "ACM's validation record for %s is named %s, not "
		    "_<label>.%s as ACM's records are",
		    v->domain, v->record_name, base);
		return -1;
	}
	if (route53_name_norm(v->record_value, value, sizeof(value)) != 0 ||
	    (nv = strlen(value)) <= nd + 1 ||
	    strcmp(value + nv - nd, DNS_ACM_VALIDATION_DOMAIN) != 0 ||
	    value[nv - nd - 1] != '.' || !name_ok(value)) {
		str_printf(why, whylen,
		    "ACM's validation record %s points at %s, which is not a "
		    "name under %s as ACM's validation targets are",
		    v->record_name, v->record_value, DNS_ACM_VALIDATION_DOMAIN);
		return -1;
	}
	return 0;
}
