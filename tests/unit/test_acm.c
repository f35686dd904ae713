/*
 * Unit tests for the pure parts of acm.c: the error parser (Smithy's
 * awsJson error rules, aws-acm.md §1.4), the DescribeCertificate parser
 * (§4) and the endpoint per partition (§1.3).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/acm.h"
#include "tap.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define ARN                                                                    \
	"arn:aws:acm:us-east-1:123456789012:certificate/"                      \
	"12345678-1234-1234-1234-123456789012"
#define CORAL "http://internal.amazon.com/coral/com.amazon.coral.validate/"

struct ecase {
	const char *name;
	long status;
	const char *header;
	const char *body;
	const char *want_type;
	const char *want_message;
};

static const struct ecase ecases[] = {
    {"header beats body code and __type", 400, "ResourceNotFoundException",
        "{\"code\":\"A\",\"__type\":\"B\",\"message\":\"gone\"}",
        "ResourceNotFoundException", "gone"},
    {"body code beats __type", 400, NULL,
        "{\"code\":\"FooError\",\"__type\":\"BarError\",\"message\":\"m\"}",
        "FooError", "m"},
    {"empty header = absent", 400, "",
        "{\"__type\":\"InvalidArnException\",\"message\":\"bad arn\"}",
        "InvalidArnException", "bad arn"},
    {"__type alone", 400, NULL,
        "{\"__type\":\"ResourceInUseException\",\"message\":\"in use\"}",
        "ResourceInUseException", "in use"},
    {"__type with :suffix", 400, NULL, "{\"__type\":\"FooError:" CORAL "\"}",
        "FooError", ""},
    {"__type with namespace#", 400, NULL,
        "{\"__type\":\"aws.protocoltests.restjson#FooError\"}", "FooError", ""},
    {"__type with namespace# and :suffix", 400, NULL,
        "{\"__type\":\"aws.protocoltests.restjson#FooError:" CORAL "\"}",
        "FooError", ""},
    {"header with namespace# and :suffix", 400,
        "aws.protocoltests.restjson#FooError:" CORAL, "{}", "FooError", ""},
    {"header with :suffix", 400, "FooError:" CORAL, NULL, "FooError", ""},
    {"awsJson1_0 shape id", 400, NULL,
        "{\"__type\":\"com.amazon.certificatemanager#LimitExceededException\","
        "\"message\":\"quota\"}",
        "LimitExceededException", "quota"},
    {"Message (AccessDeniedException)", 400, NULL,
        "{\"__type\":\"AccessDeniedException\",\"Message\":\"not allowed\"}",
        "AccessDeniedException", "not allowed"},
    {"message preferred over Message", 400, NULL,
        "{\"__type\":\"X\",\"message\":\"lower\",\"Message\":\"upper\"}", "X",
        "lower"},
    {"non-string code falls back to __type", 400, NULL,
        "{\"code\":42,\"__type\":\"FooError\"}", "FooError", ""},
    {"nested __type ignored", 400, NULL,
        "{\"error\":{\"__type\":\"Nested\"},\"message\":\"x\"}", "HTTP400",
        "x"},
    {"no type: HTTP status", 500, NULL, "{}", "HTTP500", ""},
    {"no body: HTTP status", 503, NULL, NULL, "HTTP503", ""},
    {"non-JSON body kept printable", 502, NULL,
        "<html>\r\n<b>Bad\tGateway</b>\n</html>", "HTTP502",
        "<html>  <b>Bad Gateway</b> </html>"},
    {"non-JSON body with header type", 400, "ThrottlingException",
        "Rate exceeded", "ThrottlingException", "Rate exceeded"},
    {"invalid signature, real shape", 400, NULL,
        "{\"__type\":\"InvalidSignatureException\",\"message\":\"Signature "
        "expired: 20190430T075732Z is now earlier than 20190430T105409Z "
        "(20190430T105909Z - 5 min.)\"}",
        "InvalidSignatureException",
        "Signature expired: 20190430T075732Z is now earlier than "
        "20190430T105409Z (20190430T105909Z - 5 min.)"},
    {"message of the wrong type ignored", 400, NULL,
        "{\"__type\":\"X\",\"message\":{\"a\":1}}", "X", ""},
};

static void
test_error_parse(void)
{
	struct acm_error e;
	char big[3000];
	size_t i;

	for (i = 0; i < NELEM(ecases); i++) {
		const struct ecase *t = &ecases[i];

		memset(&e, 0x55, sizeof(e));
		acm_error_parse(t->status, t->header, t->body,
		    t->body ? strlen(t->body) : 0, "req-1", &e);
		ok(e.kind == ACM_ERR_SERVICE && e.http_status == t->status &&
		        strcmp(e.type, t->want_type) == 0 &&
		        strcmp(e.message, t->want_message) == 0 &&
		        strcmp(e.request_id, "req-1") == 0,
		    "error: %s", t->name);
		if (strcmp(e.type, t->want_type) != 0 ||
		    strcmp(e.message, t->want_message) != 0)
			printf("#   got type '%s' message '%s'\n", e.type,
			    e.message);
	}

	acm_error_parse(400, NULL, "{}", 2, NULL, &e);
	is_str(e.request_id, "", "NULL request id: empty");

	/* Only len bytes count: a truncated body is not JSON. */
	acm_error_parse(400, NULL, "{\"__type\":\"FooError\"}", 10, NULL, &e);
	ok(strcmp(e.type, "HTTP400") == 0 &&
	        strcmp(e.message, "{\"__type\":") == 0,
	    "only len bytes of the body are read");

	/* Embedded NUL and high bytes in a raw body stay printable. */
	acm_error_parse(502, NULL, "a\0b\x80\xff", 5, NULL, &e);
	is_str(e.message, "a b  ", "control and high bytes become spaces");

	memset(big, 'x', sizeof(big));
	acm_error_parse(502, NULL, big, sizeof(big), NULL, &e);
	ok(strlen(e.message) == sizeof(e.message) - 1,
	    "a huge raw body is cut to the message size");

	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	acm_error_parse(400, big, NULL, 0, NULL, &e);
	ok(strlen(e.type) == sizeof(e.type) - 1,
	    "an overlong type is cut, NUL-terminated");

	acm_error_parse(400, "Foo\"><script>", NULL, 0, NULL, &e);
	is_str(e.type, "Foo", "a type is cut at the first odd character");

	acm_error_parse(
	    400, NULL, "{\"__type\":\"ResourceInUseException\"}", 35, NULL, &e);
	ok(acm_error_is(&e, "ResourceInUseException") &&
	        !acm_error_is(&e, "ResourceNotFoundException"),
	    "acm_error_is matches the type");
	e.kind = ACM_ERR_TRANSPORT;
	ok(!acm_error_is(&e, "ResourceInUseException"),
	    "acm_error_is is false for a transport error");
}

/* DescribeCertificate for a wildcard + apex DNS certificate with an
 * EMAIL-validated extra name, in use, during a managed renewal; field
 * values as in aws-cli's describe-certificate example and aws-acm.md §4,
 * with fields port-acm does not know. */
static const char full[] =
    "{\"Certificate\":{"
    "\"CertificateArn\":\"" ARN "\","
    "\"DomainName\":\"*.example.com\","
    "\"SubjectAlternativeNames\":[\"*.example.com\",\"example.com\","
    "\"mail.example.org\"],"
    "\"DomainValidationOptions\":["
    "{\"DomainName\":\"*.example.com\",\"ValidationDomain\":\"example.com\","
    "\"ValidationStatus\":\"SUCCESS\",\"ValidationMethod\":\"DNS\","
    "\"ResourceRecord\":{\"Name\":\"_a79865eb4cd1a6ab990a45779b4e0b96."
    "example.com.\",\"Type\":\"CNAME\",\"Value\":\"_4ace5aa5.auiqqraehs.acm-"
    "validations.aws.\"}},"
    "{\"DomainName\":\"example.com\",\"ValidationDomain\":\"example.com\","
    "\"ValidationStatus\":\"SUCCESS\",\"ValidationMethod\":\"DNS\","
    "\"ResourceRecord\":{\"Name\":\"_a79865eb4cd1a6ab990a45779b4e0b96."
    "example.com.\",\"Type\":\"CNAME\",\"Value\":\"_4ace5aa5.auiqqraehs.acm-"
    "validations.aws.\"}},"
    "{\"DomainName\":\"mail.example.org\",\"ValidationMethod\":\"EMAIL\","
    "\"ValidationStatus\":\"PENDING_VALIDATION\",\"ValidationEmails\":["
    "\"admin@example.org\",\"hostmaster@example.org\"]}],"
    "\"Serial\":\"07:71:71:f4:6b:e7:bf:63:87:e6:ad:3c:b2:0f:d0:5b\","
    "\"Subject\":\"CN=*.example.com\",\"Issuer\":\"Amazon\","
    "\"CreatedAt\":1446835267.0,"
    "\"IssuedAt\":1446835681.125,"
    "\"NotBefore\":1.446768E9,"
    "\"NotAfter\":1.485179373361E9,"
    "\"Status\":\"ISSUED\","
    "\"KeyAlgorithm\":\"RSA-2048\",\"SignatureAlgorithm\":\"SHA256WITHRSA\","
    "\"InUseBy\":[\"arn:aws:elasticloadbalancing:us-east-1:123456789012:"
    "loadbalancer/app/web/50dc6c495c0c9188\",\"arn:aws:cloudfront::"
    "123456789012:distribution/E2QWRUHAPOMQZL\"],"
    "\"Type\":\"AMAZON_ISSUED\","
    "\"RenewalSummary\":{\"RenewalStatus\":\"PENDING_AUTO_RENEWAL\","
    "\"RenewalStatusReason\":\"CAA_ERROR\",\"UpdatedAt\":1.7E9,"
    "\"DomainValidationOptions\":[{\"DomainName\":\"example.com\","
    "\"ValidationMethod\":\"DNS\",\"ValidationStatus\":\"PENDING_VALIDATION\","
    "\"ResourceRecord\":{\"Name\":\"_r.example.com.\",\"Type\":\"CNAME\","
    "\"Value\":\"_v.acm-validations.aws.\"}}]},"
    "\"KeyUsages\":[{\"Name\":\"DIGITAL_SIGNATURE\"}],"
    "\"ExtendedKeyUsages\":[{\"Name\":\"TLS_WEB_SERVER_AUTHENTICATION\","
    "\"OID\":\"1.3.6.1.5.5.7.3.1\"}],"
    "\"RenewalEligibility\":\"ELIGIBLE\","
    "\"Options\":{\"CertificateTransparencyLoggingPreference\":\"ENABLED\","
    "\"Export\":\"ENABLED\"},"
    "\"CertificateKeyPairOrigin\":\"AWS_MANAGED\","
    "\"AcmeEndpointArn\":null,"
    "\"SomethingNew\":{\"deep\":[1,2,{\"x\":null}]}"
    "}}";

static int
parse_text(
    const char *text, struct acm_certificate *cert, char *err, size_t errlen)
{
	cJSON *j = cJSON_Parse(text);
	int rc;

	if (j == NULL) {
		snprintf(err, errlen, "test JSON does not parse");
		return -2;
	}
	rc = acm_certificate_parse(j, cert, err, errlen);
	cJSON_Delete(j);
	return rc;
}

static int
near(double a, double b)
{
	return fabs(a - b) < 1e-3;
}

static void
test_certificate_full(void)
{
	struct acm_certificate c;
	const struct acm_validation *v;
	char err[256] = "";

	ok(parse_text(full, &c, err, sizeof(err)) == 0,
	    "full DescribeCertificate parses (%s)", err);
	is_str(c.arn, ARN, "CertificateArn");
	is_str(c.domain, "*.example.com", "DomainName");
	is_str(c.status, "ISSUED", "Status");
	is_str(c.type, "AMAZON_ISSUED", "Type");
	is_str(
	    c.key_algorithm, "RSA_2048", "KeyAlgorithm RSA-2048 -> RSA_2048");
	is_str(c.renewal_eligibility, "ELIGIBLE", "RenewalEligibility");
	is_str(c.export_option, "ENABLED", "Options.Export");
	ok(near(c.created_at, 1446835267.0), "CreatedAt as a double");
	ok(near(c.issued_at, 1446835681.125), "IssuedAt keeps its fraction");
	ok(near(c.not_before, 1446768000.0), "NotBefore 1.446768E9");
	ok(near(c.not_after, 1485179373.361),
	    "NotAfter in exponent notation 1.485179373361E9");
	ok(c.imported_at == 0, "absent ImportedAt is 0");
	ok(c.nsans == 3 && strcmp(c.sans[0], "*.example.com") == 0 &&
	        strcmp(c.sans[2], "mail.example.org") == 0 && c.sans[3] == NULL,
	    "SubjectAlternativeNames, NULL-terminated");
	ok(c.nin_use_by == 2 && strstr(c.in_use_by[1], ":distribution/"),
	    "InUseBy");
	ok(c.nvalidations == 3, "three DomainValidationOptions");
	if (c.nvalidations == 3) {
		v = &c.validations[0];
		ok(strcmp(v->domain, "*.example.com") == 0 &&
		        strcmp(v->method, "DNS") == 0 &&
		        strcmp(v->status, "SUCCESS") == 0 &&
		        strcmp(v->record_type, "CNAME") == 0 &&
		        strncmp(v->record_name, "_a79865eb", 9) == 0 &&
		        strcmp(v->record_value,
		            "_4ace5aa5.auiqqraehs.acm-validations.aws.") == 0,
		    "DNS validation with its ResourceRecord");
		v = &c.validations[2];
		ok(strcmp(v->method, "EMAIL") == 0 && v->record_name[0] == 0 &&
		        v->record_value[0] == 0,
		    "EMAIL validation without a ResourceRecord");
		ok(strstr(v->emails, "admin@example.org") &&
		        strstr(v->emails, "hostmaster@example.org"),
		    "ValidationEmails joined: '%s'", v->emails);
	}
	is_str(c.renewal_status, "PENDING_AUTO_RENEWAL",
	    "RenewalSummary.RenewalStatus");
	is_str(c.renewal_reason, "CAA_ERROR",
	    "RenewalSummary.RenewalStatusReason");
	ok(c.nrenewal_validations == 1 &&
	        strcmp(c.renewal_validations[0].record_name,
	            "_r.example.com.") == 0,
	    "RenewalSummary.DomainValidationOptions");
	acm_certificate_free(&c);
	ok(c.sans == NULL && c.validations == NULL && c.nsans == 0,
	    "acm_certificate_free clears the struct");
	acm_certificate_free(&c);
	ok(1, "acm_certificate_free twice is harmless");
}

static void
test_certificate_variants(void)
{
	struct acm_certificate c;
	char err[256] = "";

	ok(parse_text("{\"Certificate\":{\"CertificateArn\":\"" ARN "\","
	              "\"DomainName\":\"a.example.com\","
	              "\"Status\":\"PENDING_VALIDATION\","
	              "\"KeyAlgorithm\":\"EC-prime256v1\","
	              "\"DomainValidationOptions\":[{\"DomainName\":"
	              "\"a.example.com\",\"ValidationMethod\":\"DNS\","
	              "\"ValidationStatus\":\"PENDING_VALIDATION\"}]}}",
	       &c, err, sizeof(err)) == 0,
	    "fresh request: DVO without ResourceRecord yet");
	is_str(c.key_algorithm, "EC_prime256v1",
	    "KeyAlgorithm EC-prime256v1 -> EC_prime256v1");
	ok(c.nvalidations == 1 && c.validations[0].record_name[0] == 0,
	    "record name empty until ACM made it");
	ok(c.nsans == 0 && c.sans == NULL && c.nin_use_by == 0,
	    "absent lists: empty");
	acm_certificate_free(&c);

	ok(parse_text("{\"Certificate\":{\"CertificateArn\":\"" ARN "\","
	              "\"DomainName\":\"a.example.com\",\"Status\":\"FAILED\","
	              "\"FailureReason\":\"CAA_ERROR\",\"Type\":\"PRIVATE\","
	              "\"CertificateAuthorityArn\":\"arn:aws:acm-pca:us-east-1:"
	              "123456789012:certificate-authority/abc\","
	              "\"DomainValidationOptions\":[],\"InUseBy\":[],"
	              "\"ImportedAt\":1.5e9,\"Issuer\":\"Test CA\","
	              "\"Serial\":\"0a:1b\"}}",
	       &c, err, sizeof(err)) == 0,
	    "failed private certificate parses");
	ok(strcmp(c.issuer, "Test CA") == 0 && strcmp(c.serial, "0a:1b") == 0,
	    "Issuer and Serial (sync's include_details)");
	ok(strcmp(c.failure_reason, "CAA_ERROR") == 0 &&
	        strcmp(c.type, "PRIVATE") == 0 &&
	        strstr(c.ca_arn, ":certificate-authority/abc") != NULL &&
	        near(c.imported_at, 1.5e9) && c.nvalidations == 0,
	    "FailureReason, Type, CA ARN, ImportedAt");
	acm_certificate_free(&c);
}

struct bad {
	const char *name;
	const char *certificate; /* the value of "Certificate" */
};

static const struct bad bads[] = {
    {"Certificate is a string", "\"x\""},
    {"Certificate is null", "null"},
    {"no CertificateArn", "{\"DomainName\":\"a.com\",\"Status\":\"ISSUED\"}"},
    {"no DomainName", "{\"CertificateArn\":\"" ARN "\",\"Status\":\"ISSUED\"}"},
    {"no Status", "{\"CertificateArn\":\"" ARN "\",\"DomainName\":\"a.com\"}"},
    {"CertificateArn a number", "{\"CertificateArn\":1,\"DomainName\":\"a."
                                "com\",\"Status\":\"ISSUED\"}"},
    {"Status empty", "{\"CertificateArn\":\"" ARN "\",\"DomainName\":\"a.com\","
                     "\"Status\":\"\"}"},
    {"SubjectAlternativeNames an object",
        "{\"CertificateArn\":\"" ARN "\",\"DomainName\":\"a.com\","
        "\"Status\":\"ISSUED\",\"SubjectAlternativeNames\":{}}"},
    {"SubjectAlternativeNames with a number after strings",
        "{\"CertificateArn\":\"" ARN "\",\"DomainName\":\"a.com\","
        "\"Status\":\"ISSUED\",\"SubjectAlternativeNames\":[\"a.com\","
        "\"b.com\",7]}"},
    {"InUseBy a string after good SANs",
        "{\"CertificateArn\":\"" ARN "\",\"DomainName\":\"a.com\","
        "\"Status\":\"ISSUED\",\"SubjectAlternativeNames\":[\"a.com\"],"
        "\"InUseBy\":\"arn:x\"}"},
    {"DomainValidationOptions a string",
        "{\"CertificateArn\":\"" ARN "\",\"DomainName\":\"a.com\","
        "\"Status\":\"ISSUED\",\"SubjectAlternativeNames\":[\"a.com\"],"
        "\"InUseBy\":[\"arn:x\"],\"DomainValidationOptions\":\"x\"}"},
    {"DomainValidationOptions element a number",
        "{\"CertificateArn\":\"" ARN "\",\"DomainName\":\"a.com\","
        "\"Status\":\"ISSUED\",\"SubjectAlternativeNames\":[\"a.com\"],"
        "\"DomainValidationOptions\":[{\"DomainName\":\"a.com\"},3]}"},
    {"RenewalSummary DVOs wrong type after everything else",
        "{\"CertificateArn\":\"" ARN "\",\"DomainName\":\"a.com\","
        "\"Status\":\"ISSUED\",\"SubjectAlternativeNames\":[\"a.com\"],"
        "\"InUseBy\":[\"arn:x\"],\"DomainValidationOptions\":[{\"DomainName\":"
        "\"a.com\"}],\"RenewalSummary\":{\"DomainValidationOptions\":7}}"},
};

static void
test_certificate_bad(void)
{
	struct acm_certificate c;
	char text[2048], err[256];
	size_t i;

	for (i = 0; i < NELEM(bads); i++) {
		snprintf(text, sizeof(text), "{\"Certificate\":%s}",
		    bads[i].certificate);
		err[0] = '\0';
		ok(parse_text(text, &c, err, sizeof(err)) == -1 &&
		        err[0] != '\0' && c.sans == NULL &&
		        c.in_use_by == NULL && c.validations == NULL &&
		        c.renewal_validations == NULL,
		    "refused, nothing left to free: %s", bads[i].name);
	}
	ok(parse_text("{}", &c, err, sizeof(err)) == -1 &&
	        strstr(err, "Certificate"),
	    "no Certificate object: refused, says so");
	ok(acm_certificate_parse(NULL, &c, err, sizeof(err)) == -1,
	    "NULL response refused without a crash");
}

static void
test_endpoints(void)
{
	static const char *const cases[][2] = {
	    {"us-east-1", "https://acm.us-east-1.amazonaws.com"},
	    {"eu-west-1", "https://acm.eu-west-1.amazonaws.com"},
	    {"il-central-1", "https://acm.il-central-1.amazonaws.com"},
	    {"mx-central-1", "https://acm.mx-central-1.amazonaws.com"},
	    {"cn-north-1", "https://acm.cn-north-1.amazonaws.com.cn"},
	    {"cn-northwest-1", "https://acm.cn-northwest-1.amazonaws.com.cn"},
	    {"us-gov-west-1", "https://acm.us-gov-west-1.amazonaws.com"},
	    {"us-gov-east-1", "https://acm.us-gov-east-1.amazonaws.com"},
	    {"us-iso-east-1", "https://acm.us-iso-east-1.c2s.ic.gov"},
	    {"us-isob-east-1", "https://acm.us-isob-east-1.sc2s.sgov.gov"},
	    {"eu-isoe-west-1", "https://acm.eu-isoe-west-1.cloud.adc-e.uk"},
	    {"us-isof-south-1", "https://acm.us-isof-south-1.csp.hci.ic.gov"},
	    {"eusc-de-east-1", "https://acm.eusc-de-east-1.amazonaws.eu"},
	};
	char out[256];
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		out[0] = '\0';
		ok(acm_endpoint_for_region(cases[i][0], out, sizeof(out)) == 0,
		    "endpoint for %s: returns 0", cases[i][0]);
		is_str(out, cases[i][1], "endpoint for %s", cases[i][0]);
	}
	ok(acm_endpoint_for_region("us-east-1", out, 20) == -1,
	    "endpoint: too small a buffer is an error");
}

int
main(void)
{
	test_error_parse();
	test_certificate_full();
	test_certificate_variants();
	test_certificate_bad();
	test_endpoints();
	return done_testing();
}
