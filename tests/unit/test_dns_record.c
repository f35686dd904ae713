/* Unit tests for dns_record.c: the one rule for which validation records
 * port-acm writes to Route 53 (issue 16, defect 3). */
#include <string.h>

#include "ops/dns_record.h"
#include "tap.h"

static struct acm_validation
rec(const char *domain, const char *name, const char *type, const char *value)
{
	struct acm_validation v;

	memset(&v, 0, sizeof(v));
	strcpy(v.domain, domain);
	strcpy(v.method, "DNS");
	strcpy(v.record_name, name);
	strcpy(v.record_type, type);
	strcpy(v.record_value, value);
	return v;
}

int
main(void)
{
	char *sans[] = {"example.com", "*.example.com", "api.dev.example.com"};
	struct acm_certificate c;
	struct acm_validation v;
	char why[512];
	const char *val = "_0a1b.xyz.acm-validations.aws.";

	memset(&c, 0, sizeof(c));
	strcpy(c.arn, "arn:aws:acm:eu-west-1:123456789012:certificate/x");
	strcpy(c.domain, "example.com");
	c.sans = sans;
	c.nsans = 3;

	v = rec("example.com", "_3f2a9c.example.com.", "CNAME", val);
	ok(dns_record_check(&c, &v, why, sizeof(why)) == 0,
	    "ACM's record for the apex");
	v = rec("*.example.com", "_3F2A9C.Example.COM", "CNAME",
	    "_0a1b.xyz.acm-validations.aws");
	ok(dns_record_check(&c, &v, why, sizeof(why)) == 0,
	    "a wildcard's record at its base; case and the final dot do "
	    "not matter");
	v = rec("api.dev.example.com", "_1.api.dev.example.com.", "CNAME", val);
	ok(dns_record_check(&c, &v, why, sizeof(why)) == 0, "a nested SAN");

	v = rec("example.com", "www.example.com.", "CNAME", val);
	ok(dns_record_check(&c, &v, why, sizeof(why)) == -1 &&
	        strstr(why, "_<label>.example.com") != NULL,
	    "defect 3: a name without the _label is refused (%s)", why);
	v = rec("example.com", "_a.evil.example.com.", "CNAME", val);
	ok(dns_record_check(&c, &v, why, sizeof(why)) == -1,
	    "defect 3: a record two labels down is refused");
	v = rec("example.com", "_a.example.org.", "CNAME", val);
	ok(dns_record_check(&c, &v, why, sizeof(why)) == -1,
	    "defect 3: another zone's name is refused");
	v = rec(
	    "example.com", "_a.example.com.", "CNAME", "attacker.example.net.");
	ok(dns_record_check(&c, &v, why, sizeof(why)) == -1 &&
	        strstr(why, "acm-validations.aws.") != NULL,
	    "defect 3: a value outside acm-validations.aws. is refused");
	v = rec("example.com", "_a.example.com.", "CNAME",
	    "x.evilacm-validations.aws.");
	ok(dns_record_check(&c, &v, why, sizeof(why)) == -1,
	    "defect 3: a value that only ends in the same letters is refused");
	v = rec(
	    "example.com", "_a.example.com.", "CNAME", "acm-validations.aws.");
	ok(dns_record_check(&c, &v, why, sizeof(why)) == -1,
	    "defect 3: the bare validation domain is refused");
	v = rec("example.com", "_a.example.com.", "CNAME",
	    "x y.acm-validations.aws.");
	ok(dns_record_check(&c, &v, why, sizeof(why)) == -1,
	    "defect 3: a value with a blank is refused");
	v = rec("other.com", "_a.other.com.", "CNAME", val);
	ok(dns_record_check(&c, &v, why, sizeof(why)) == -1 &&
	        strstr(why, "not a name of certificate") != NULL,
	    "defect 3: a record for a name the certificate does not have");
	v = rec("example.com", "_a.example.com.", "TXT", val);
	ok(dns_record_check(&c, &v, why, sizeof(why)) == -1 &&
	        strstr(why, "only CNAME") != NULL,
	    "a TXT record is refused");
	return done_testing();
}
