/*
 * fuzz_route53: the Route 53 answers and ACM records port-acm acts on
 * (issue 16, defects 3, 20 and 24): route53_parse_zone (GetHostedZone),
 * route53_parse_zones (ListHostedZonesByName) and dns_record_check.
 *
 * Input: byte 0 picks the parser; for the XML ones the rest is the
 * answer; for dns_record_check the rest is four NUL-separated fields
 * (domain, record name, type, value) checked against a certificate for
 * example.com and *.example.com. Checks beyond "no crash": results are
 * 0 or -1 with a non-empty reason on -1; a parsed zone has a non-empty
 * id of letters and digits and a name ending in '.'; a record that
 * passes dns_record_check is a CNAME named "_" + label + "." + the base
 * name, with a value under acm-validations.aws.
 *
 * Requires: src/aws/route53.c src/ops/dns_record.c src/aws/xml.c src/base/buf.c
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/route53.h"
#include "fuzz_util.h"
#include "ops/dns_record.h"

static void
check_zone(const struct route53_zone *z)
{
	size_t i, n = strlen(z->name);

	if (z->id[0] == '\0' || n == 0 || z->name[n - 1] != '.')
		abort();
	for (i = 0; z->id[i]; i++)
		if (!isalnum((unsigned char)z->id[i]))
			abort();
}

static void
records(const char *p, const char *end)
{
	static char *sans[] = {"example.com", "*.example.com"};
	struct acm_certificate c;
	struct acm_validation v;
	const char *f[4];
	char why[128], norm[600];
	size_t i, vn;

	for (i = 0; i < 4; i++) {
		f[i] = p < end ? p : "";
		p += p < end ? strlen(p) + 1 : 0;
	}
	memset(&c, 0, sizeof(c));
	memset(&v, 0, sizeof(v));
	strcpy(c.arn, "arn:aws:acm:eu-west-1:123456789012:certificate/x");
	strcpy(c.domain, "example.com");
	c.sans = sans;
	c.nsans = 2;
	strncpy(v.domain, f[0], sizeof(v.domain) - 1);
	strncpy(v.record_name, f[1], sizeof(v.record_name) - 1);
	strncpy(v.record_type, f[2], sizeof(v.record_type) - 1);
	strncpy(v.record_value, f[3], sizeof(v.record_value) - 1);
	if (dns_record_check(&c, &v, why, sizeof(why)) != 0) {
		if (why[0] == '\0')
			abort();
		return;
	}
	if (strcasecmp(v.record_type, "CNAME") != 0 ||
	    route53_name_norm(v.record_name, norm, sizeof(norm)) != 0 ||
	    norm[0] != '_' || strchr(norm, '.') == NULL ||
	    strcmp(strchr(norm, '.'), ".example.com.") != 0)
		abort();
	if (route53_name_norm(v.record_value, norm, sizeof(norm)) != 0 ||
	    (vn = strlen(norm)) <= strlen(".acm-validations.aws.") ||
	    strcmp(norm + vn - strlen(".acm-validations.aws."),
	        ".acm-validations.aws.") != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct route53_zone z, zs[10];
	struct route53_ns ns;
	char why[128], nn[256], ni[40], *in;
	size_t n, i;
	int trunc, rc;

	if ((in = fuzz_text(data, size, 1, 16384)) == NULL)
		return 0;
	switch (data[0] % 3) {
	case 0:
		rc = route53_parse_zone_ns(
		    in, size - 1, &z, &ns, why, sizeof(why));
		if (rc == 0) {
			check_zone(&z);
			/* the delegation set: bounded, each name a string */
			if (ns.n > ROUTE53_MAX_NS)
				abort();
			for (size_t k = 0; k < ns.n; k++)
				if (memchr(ns.ns[k], '\0', sizeof(ns.ns[k])) ==
				    NULL)
					abort();
		} else if (rc != -1 || why[0] == '\0')
			abort();
		break;
	case 1:
		rc = route53_parse_zones(in, size - 1, zs, 10, &n, &trunc, nn,
		    sizeof(nn), ni, sizeof(ni), why, sizeof(why));
		if (rc == 0) {
			if (n > 10)
				abort();
			for (i = 0; i < n; i++)
				check_zone(&zs[i]);
		} else if (rc != -1 || why[0] == '\0')
			abort();
		break;
	default:
		records(in, in + size - 1);
	}
	free(in);
	return 0;
}
