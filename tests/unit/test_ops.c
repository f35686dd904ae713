/*
 * Unit tests for the pure parts of the operation flows: validation
 * records (op_records), the ACM console link (op_console_url) and the
 * catalog entity (catalog_entity). Certificates come from realistic
 * DescribeCertificate JSON through acm_certificate_parse.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/validate_arn.h"
#include "ops/ops.h"
#include "tap.h"

#define ID  "12345678-1234-1234-1234-123456789012"
#define ARN "arn:aws:acm:eu-west-1:123456789012:certificate/" ID

#define CNAME_N "_a79865eb4cd1a6ab990a45779b4e0b96.example.com."
#define CNAME_V "_4ace5aa5c1d9.auiqqraehs.acm-validations.aws."

#define DVO_DNS(domain, name, value, status)                                   \
	"{\"DomainName\":\"" domain "\",\"ValidationMethod\":\"DNS\","         \
	"\"ValidationStatus\":\"" status                                       \
	"\",\"ResourceRecord\":{\"Name\":\"" name                              \
	"\",\"Type\":\"CNAME\",\"Value\":\"" value "\"}}"

/* Wildcard and apex share one CNAME; api.example.net has its own; the
 * EMAIL name and the DNS name ACM has not made a record for yet have
 * none. */
static const char pending[] =
    "{\"Certificate\":{\"CertificateArn\":\"" ARN "\","
    "\"DomainName\":\"*.example.com\",\"Status\":\"PENDING_VALIDATION\","
    "\"Type\":\"AMAZON_ISSUED\",\"KeyAlgorithm\":\"RSA-2048\","
    "\"RenewalEligibility\":\"INELIGIBLE\","
    "\"SubjectAlternativeNames\":[\"*.example.com\",\"example.com\","
    "\"api.example.net\",\"mail.example.org\",\"late.example.net\"],"
    "\"CreatedAt\":1446835267.0,\"NotAfter\":1.485179373361E9,"
    "\"InUseBy\":[\"arn:aws:elasticloadbalancing:eu-west-1:123456789012:"
    "loadbalancer/app/web/50dc6c495c0c9188\"],"
    "\"DomainValidationOptions\":[" DVO_DNS("*.example.com", CNAME_N, CNAME_V,
        "PENDING_VALIDATION") ","
                              "{\"DomainName\":\"mail.example.org\","
                              "\"ValidationMethod\":\"EMAIL\","
                              "\"ValidationStatus\":\"PENDING_VALIDATION\","
                              "\"ValidationEmails\":["
                              "\"admin@example.org\"]}," DVO_DNS("example.com",
                                  CNAME_N, CNAME_V,
                                  "PENDING_VALIDATION") "," DVO_DNS("api."
                                                                    "example."
                                                                    "net",
                                  "_b1.api.example.net.",
                                  "_c2.acm-validations.aws.",
                                  "SUCCESS") ","
                                             "{\"DomainName\":\"late.example."
                                             "net\",\"ValidationMethod\":"
                                             "\"DNS\","
                                             "\"ValidationStatus\":\"PENDING_"
                                             "VALIDATION\"}]}}";

static int
parse(const char *text, struct acm_certificate *cert)
{
	cJSON *j = cJSON_Parse(text);
	char err[256];
	int rc = -1;

	if (j != NULL)
		rc = acm_certificate_parse(j, cert, err, sizeof(err));
	if (rc != 0)
		printf("# test certificate does not parse: %s\n",
		    j ? err : "bad JSON");
	cJSON_Delete(j);
	return rc;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay += strlen(needle))
		n++;
	return n;
}

static const char *
str_at(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void
test_records(void)
{
	struct acm_certificate cert;
	struct buf json = {0}, md = {0};
	cJSON *arr, *r0, *r1, *doms;
	const char *m;
	size_t n;

	if (parse(pending, &cert) != 0) {
		ok(0, "records: certificate parses");
		return;
	}
	n = op_records(&cert, &json, &md);
	ok(n == 2, "two distinct CNAMEs (got %zu)", n);
	arr = cJSON_Parse(buf_str(&json));
	ok(cJSON_IsArray(arr) && cJSON_GetArraySize(arr) == 2,
	    "JSON output is an array of two records");
	r0 = cJSON_GetArrayItem(arr, 0);
	r1 = cJSON_GetArrayItem(arr, 1);
	is_str(str_at(r0, "name"), CNAME_N, "record 1 name");
	is_str(str_at(r0, "type"), "CNAME", "record 1 type");
	is_str(str_at(r0, "value"), CNAME_V, "record 1 value");
	is_str(str_at(r0, "status"), "PENDING_VALIDATION", "record 1 status");
	doms = cJSON_GetObjectItemCaseSensitive(r0, "domains");
	ok(cJSON_GetArraySize(doms) == 2 &&
	        strcmp(cJSON_GetArrayItem(doms, 0)->valuestring,
	            "*.example.com") == 0 &&
	        strcmp(cJSON_GetArrayItem(doms, 1)->valuestring,
	            "example.com") == 0,
	    "shared CNAME lists the wildcard and the apex once each");
	is_str(str_at(r1, "name"), "_b1.api.example.net.", "record 2 name");
	doms = cJSON_GetObjectItemCaseSensitive(r1, "domains");
	ok(cJSON_GetArraySize(doms) == 1, "record 2 is for one domain");
	ok(strstr(buf_str(&json), "mail.example.org") == NULL &&
	        strstr(buf_str(&json), "late.example.net") == NULL,
	    "names without a ResourceRecord are skipped");
	cJSON_Delete(arr);

	m = buf_str(&md);
	ok(strncmp(m, "| DNS name | Type | Value | For |\n|---|---|---|---|\n",
	       48) == 0,
	    "Markdown table header");
	ok(strstr(m, "| `" CNAME_N "` | CNAME | `" CNAME_V
	             "` | *.example.com, example.com |\n") != NULL,
	    "Markdown row for the shared CNAME names both domains");
	ok(strstr(m, "| `_b1.api.example.net.` | CNAME |") != NULL,
	    "Markdown row for the second record");
	ok(count(m, CNAME_N) == 1, "the shared CNAME appears in one row only");
	ok(count(m, "\n") == 4, "header, separator and two rows");

	/* Either output may be skipped. */
	buf_reset(&json);
	ok(op_records(&cert, &json, NULL) == 2 && json.len > 0, "JSON only");
	buf_reset(&md);
	ok(op_records(&cert, NULL, &md) == 2 && md.len > 0, "Markdown only");
	ok(op_records(&cert, NULL, NULL) == 2, "count only");
	acm_certificate_free(&cert);

	/* No records yet. */
	if (parse("{\"Certificate\":{\"CertificateArn\":\"" ARN "\","
	          "\"DomainName\":\"a.example.com\",\"Status\":"
	          "\"PENDING_VALIDATION\",\"DomainValidationOptions\":[]}}",
	        &cert) == 0) {
		buf_reset(&json);
		ok(op_records(&cert, &json, NULL) == 0 &&
		        strcmp(buf_str(&json), "[]") == 0,
		    "no records yet: 0 and []");
		acm_certificate_free(&cert);
	}
	buf_free(&json);
	buf_free(&md);
}

static void
test_console_url(void)
{
	static const char *const cases[][2] = {
	    {ARN, "https://eu-west-1.console.aws.amazon.com/acm/home?region="
	          "eu-west-1#/certificates/" ID},
	    {"arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/" ID,
	        "https://console.amazonaws-us-gov.com/acm/home?region="
	        "us-gov-west-1#/certificates/" ID},
	    {"arn:aws-iso:acm:us-iso-east-1:123456789012:certificate/" ID, ""},
	};
	struct op_result res;
	struct arn arn;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&res, 0, sizeof(res));
		if (validate_certificate_arn(
		        "arn", cases[i][0], &arn, err, sizeof(err)) != 0) {
			ok(0, "console url: %s parses (%s)", cases[i][0], err);
			continue;
		}
		res.console_url[0] = 'x';
		op_console_url(&arn, &res);
		is_str(res.console_url, cases[i][1], "console url for %s",
		    arn.partition);
	}
	memset(&res, 0, sizeof(res));
	if (validate_certificate_arn("arn",
	        "arn:aws-cn:acm:cn-north-1:123456789012:certificate/" ID, &arn,
	        err, sizeof(err)) == 0) {
		op_console_url(&arn, &res);
		ok(strncmp(res.console_url, "https://", 8) == 0 &&
		        strstr(res.console_url, "console.amazonaws.cn/acm/") &&
		        strstr(res.console_url, "region=cn-north-1") &&
		        strstr(res.console_url, "#/certificates/" ID),
		    "console url for aws-cn: %s", res.console_url);
	} else
		ok(0, "console url: cn ARN parses (%s)", err);
}

static const cJSON *
prop(const cJSON *e, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(e, "properties"), name);
}

static void
test_entity(void)
{
	struct acm_certificate cert;
	const cJSON *p, *rel;
	cJSON *e;
	char *text;

	if (parse(pending, &cert) != 0) {
		ok(0, "entity: certificate parses");
		return;
	}
	e = catalog_entity(&cert, NULL, "eu-west-1", "123456789012");
	ok(e != NULL, "catalog_entity returns an object");
	is_str(str_at(e, "identifier"), ARN, "identifier is the ARN");
	is_str(str_at(e, "title"), "*.example.com", "title is the domain");
	p = cJSON_GetObjectItemCaseSensitive(e, "properties");
	is_str(str_at(p, "arn"), ARN, "properties.arn");
	is_str(
	    str_at(p, "domainName"), "*.example.com", "properties.domainName");
	is_str(str_at(p, "status"), "PENDING_VALIDATION", "properties.status");
	is_str(str_at(p, "type"), "AMAZON_ISSUED", "properties.type");
	is_str(str_at(p, "keyAlgorithm"), "RSA_2048",
	    "properties.keyAlgorithm normalised");
	is_str(str_at(p, "renewalEligibility"), "INELIGIBLE",
	    "properties.renewalEligibility");
	is_str(str_at(p, "region"), "eu-west-1", "properties.region");
	ok(cJSON_IsTrue(prop(e, "inUse")) &&
	        cJSON_GetArraySize(prop(e, "inUseBy")) == 1,
	    "properties.inUse and inUseBy");
	ok(cJSON_GetArraySize(prop(e, "subjectAlternativeNames")) == 5,
	    "properties.subjectAlternativeNames");
	is_str(str_at(p, "createdAt"), "2015-11-06T18:41:07Z",
	    "createdAt as ISO 8601 UTC");
	is_str(str_at(p, "expirationDate"), "2017-01-23T13:49:33Z",
	    "expirationDate from NotAfter 1.485179373361E9");
	ok(cJSON_IsArray(prop(e, "validationRecords")) &&
	        cJSON_GetArraySize(prop(e, "validationRecords")) == 2,
	    "properties.validationRecords: the two distinct records");
	rel = cJSON_GetObjectItemCaseSensitive(e, "relations");
	is_str(str_at(rel, "account"), "123456789012", "relations.account");
	text = cJSON_PrintUnformatted(e);
	ok(text != NULL && strlen(text) < 1024 * 1024,
	    "entity serialises under Port's 1 MiB body limit");
	cJSON_free(text);
	cJSON_Delete(e);
	acm_certificate_free(&cert);

	/* Imported, not in use, absurd NotAfter from a hostile answer. */
	if (parse("{\"Certificate\":{\"CertificateArn\":\"" ARN "\","
	          "\"DomainName\":\"old.example.com\",\"Status\":\"ISSUED\","
	          "\"Type\":\"IMPORTED\",\"ImportedAt\":1.7E9,"
	          "\"NotAfter\":1e300}}",
	        &cert) != 0) {
		ok(0, "entity: imported certificate parses");
		return;
	}
	e = catalog_entity(&cert, NULL, "eu-west-1", "123456789012");
	is_str(str_at(cJSON_GetObjectItemCaseSensitive(e, "properties"),
	           "createdAt"),
	    "2023-11-14T22:13:20Z", "imported: createdAt from ImportedAt");
	ok(cJSON_IsFalse(prop(e, "inUse")) &&
	        cJSON_GetArraySize(prop(e, "inUseBy")) == 0,
	    "not in use: inUse false, inUseBy []");
	ok(prop(e, "expirationDate") == NULL,
	    "absurd NotAfter: no expirationDate");
	ok(prop(e, "keyAlgorithm") == NULL &&
	        prop(e, "renewalEligibility") == NULL,
	    "absent optional strings are left out");
	ok(cJSON_GetArraySize(prop(e, "validationRecords")) == 0,
	    "no validation records: []");
	cJSON_Delete(e);
	/* The entity the action ran on, not keyed by the ARN (defect 8). */
	e = catalog_entity(&cert, "cert-web", "eu-west-1", "123456789012");
	is_str(str_at(e, "identifier"), "cert-web",
	    "identifier: the entity the action ran on");
	is_str(str_at(cJSON_GetObjectItemCaseSensitive(e, "properties"), "arn"),
	    ARN, "properties.arn: still the ARN");
	cJSON_Delete(e);
	acm_certificate_free(&cert);
}

int
main(void)
{
	test_records();
	test_console_url();
	test_entity();
	return done_testing();
}
