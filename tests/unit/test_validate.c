/*
 * Unit tests for validate.c: table-driven, each case checks the return
 * value and, for refusals, that the message names the field, contains
 * the expected detail and carries no raw control character. ARNs, role
 * names and tags: test_validate_arn.c.
 */
#include <stdlib.h>
#include <string.h>

#include "input/validate.h"
#include "input/validate_arn.h"
#include "input/validate_domain.h"
#include "input/validate_text.h"
#include "tap.h"
#include "validate_cases.h"

static void
test_domains(void)
{
	static const struct vcase cases[] = {
	    {"example.com", 0, NULL},
	    {"www.example.com", 0, NULL},
	    {"*.example.com", 0, NULL},
	    {"WWW.Example.COM", 0, NULL},
	    {"a-b.c-d.example.com", 0, NULL},
	    {"xn--bcher-kva.de", 0, NULL},
	    {"123.example.com", 0, NULL},
	    {"a.co", 0, NULL},
	    {"", -1, "empty"},
	    {"a.com;id", -1, "';'"},
	    {"$(id).a.com", -1, "'$'"},
	    {"a.com\nb.com", -1, "newline (\\n)"},
	    {"`id`.a.com", -1, "'`'"},
	    {"a.com|id", -1, "'|'"},
	    {"a.com&&id", -1, "'&'"},
	    {"a.com>x", -1, "'>'"},
	    {"a.com'", -1, "'''"},
	    {"a\"b.com", -1, "'\"'"},
	    {"a b.com", -1, "a space"},
	    {"a.com ", -1, "a space"},
	    {"a.com\t", -1, "tab (\\t)"},
	    {"a.com\r", -1, "carriage return (\\r)"},
	    {"a\x01.com", -1, "control character (\\x01)"},
	    {"a\x7f.com", -1, "control character (\\x7f)"},
	    {"a.com/x", -1, "'/'"},
	    {"user@a.com", -1, "'@'"},
	    {"a_b.com", -1, "'_'"},
	    {"a\\b.com", -1, "'\\\\'"},
	    {"a..com", -1, "empty label"},
	    {".a.com", -1, "empty label"},
	    {"-a.com", -1, "starts with a hyphen"},
	    {"a-.com", -1, "ends with a hyphen"},
	    {"a.b-.com", -1, "'b-'"},
	    {"*.*.a.com", -1, "'*'"},
	    {"a.*.com", -1, "wildcard"},
	    {"*a.com", -1, "'*'"},
	    {"*", -1, "'*'"},
	    {"*.", -1, NULL},
	    {"example.com.", -1, "trailing"},
	    {"com", -1, "two labels"},
	    {"*.com", -1, "after '*.'"},
	    {"a.b", -1, "one-character"},
	    {"b\xc3\xbc"
	     "cher.de",
	        -1, "punycode"},
	    {"b\xc3\xbc"
	     "cher.de",
	        -1, "'\xc3\xbc'"},
	    {"a\xff.com", -1, "not valid UTF-8 (\\xff)"},
	    {"a\xe2\x80\xae.com", -1, "\\u{202e}"},
	    {"a\xc2\x85.com", -1, "\\u{0085}"},
	};
	size_t i;
	char *s;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = validate_domain(
		    "domain_name", cases[i].in, err, sizeof(err));

		report(
		    judge(rc, &cases[i], "domain_name"), "domain", cases[i].in);
	}

	validate_domain("domain_name", "a.com;id", err, sizeof(err));
	is_str(err,
	    "domain_name 'a.com;id' contains ';', which is not allowed in a "
	    "domain name: use letters, digits, hyphens and dots (optionally "
	    "starting with '*.')",
	    "domain message is the documented sentence");
	validate_domain("domain_name", "a.com\nb.com", err, sizeof(err));
	ok(strstr(err, "'a.com\\nb.com'") != NULL,
	    "newline shown escaped inside the quoted value");

	/* every byte value in the middle of a name */
	{
		int bad = 0, b;

		for (b = 1; b < 256; b++) {
			char name[8] = {'a', (char)b, 'b', '.', 'c', 'o', 'm'};
			int want = (is_ok_byte(b)) ? 0 : -1;

			if (validate_domain("domain_name", name, err,
			        sizeof(err)) != want ||
			    (want == -1 && !clean(err)))
				bad++;
		}
		ok(bad == 0, "all 255 byte values: only [A-Za-z0-9.-] pass");
	}

	/* labels of 63 and 64 characters */
	s = rep("a", 63, ".example.com");
	ok(validate_domain("d", s, err, sizeof(err)) == 0, "63-char label");
	free(s);
	s = rep("a", 64, ".example.com");
	ok(validate_domain("d", s, err, sizeof(err)) == -1 &&
	        strstr(err, "63") != NULL,
	    "64-char label refused");
	free(s);
	s = rep("a", 63, ".co");
	ok(validate_domain("d", s + 3, err, sizeof(err)) == 0,
	    "60-char first label");
	free(s);
	s = rep("a", 64, "");
	s[0] = 'x';
	{
		char buf[80];

		snprintf(buf, sizeof(buf), "example.%s", s);
		ok(validate_domain("d", buf, err, sizeof(err)) == -1,
		    "64-char top-level label refused");
	}
	free(s);

	/* totals of 253 and 254: 62 x "abc." = 248, then "ab.co" = 253 */
	s = rep("abc.", 62, "ab.co");
	ok(strlen(s) == 253 && validate_domain("d", s, err, sizeof(err)) == 0,
	    "253-char name");
	free(s);
	s = rep("abc.", 62, "abc.co");
	ok(strlen(s) == 254 &&
	        validate_domain("d", s, err, sizeof(err)) == -1 &&
	        strstr(err, "253") != NULL && strstr(err, "254") != NULL,
	    "254-char name refused with both numbers");
	ok(strstr(err, "...") != NULL && strlen(err) < 300,
	    "long value shortened in the message");
	free(s);
	s = rep("abc.", 1000, "com");
	ok(validate_domain("d", s, err, sizeof(err)) == -1, "4003-char name");
	free(s);

	/* common name: 64 octets */
	s = rep("a", 60, ".com");
	ok(validate_common_name("domain_name", s, err, sizeof(err)) == 0,
	    "64-octet common name");
	free(s);
	s = rep("a", 61, ".com");
	ok(validate_common_name("domain_name", s, err, sizeof(err)) == -1 &&
	        strstr(err, "64") != NULL && strstr(err, "alternative") != NULL,
	    "65-octet common name refused, SAN suggested");
	ok(validate_domain("domain_name", s, err, sizeof(err)) == 0,
	    "65-octet name is still a valid SAN");
	free(s);
	ok(validate_common_name("domain_name", "a.com;id", err, sizeof(err)) ==
	            -1 &&
	        strstr(err, "';'") != NULL,
	    "common name checks characters");
	ok(validate_common_name("domain_name", NULL, err, sizeof(err)) == -1,
	    "NULL common name");

	/* error buffer handling */
	ok(validate_domain("d", "a;b", NULL, 0) == -1, "NULL err buffer");
	ok(validate_domain("domain_name", "a;b.com", err, 8) == -1 &&
	        strlen(err) == 7,
	    "message truncated to errlen");
}

static void
test_domain_list(void)
{
	char *names[VALIDATE_MAX_NAMES];
	size_t n, i;
	int rc;

	rc = validate_domain_list("subject_alternative_names",
	    " a.com, b.example.com\n*.c.com\r\n", names, 10, &n, err,
	    sizeof(err));
	ok(rc == 0 && n == 3, "three names, mixed separators");
	if (rc == 0 && n == 3) {
		is_str(names[0], "a.com", "first name trimmed");
		is_str(names[1], "b.example.com", "second name");
		is_str(names[2], "*.c.com", "CRLF stripped");
	}
	for (i = 0; i < n; i++)
		free(names[i]);

	rc = validate_domain_list("subject_alternative_names",
	    "a.com,,A.COM, a.com ,\n", names, 10, &n, err, sizeof(err));
	ok(rc == 0 && n == 1,
	    "empties and case-insensitive duplicates dropped");
	for (i = 0; i < n; i++)
		free(names[i]);

	rc = validate_domain_list("sans", "", names, 10, &n, err, sizeof(err));
	ok(rc == 0 && n == 0, "empty list gives no names");
	rc = validate_domain_list(
	    "sans", " ,\n , ", names, 10, &n, err, sizeof(err));
	ok(rc == 0 && n == 0, "blank items only");

	rc = validate_domain_list("subject_alternative_names",
	    "a.com, $(id).b.com", names, 10, &n, err, sizeof(err));
	ok(rc == -1 && strstr(err, "subject_alternative_names") &&
	        strstr(err, "'$'"),
	    "bad item refused, field named");
	for (i = 0; i < n; i++)
		free(names[i]);

	rc = validate_domain_list(
	    "sans", "a.com\nb.com c.com", names, 10, &n, err, sizeof(err));
	ok(rc == -1 && strstr(err, "a space"), "space inside an item");
	for (i = 0; i < n; i++)
		free(names[i]);

	rc = validate_domain_list(
	    "sans", "a.com,b.com,c.com,b.com", names, 2, &n, err, sizeof(err));
	ok(rc == -1 && n == 2 && strstr(err, "3") && strstr(err, "limit is 2"),
	    "over the limit: counts distinct names");
	for (i = 0; i < n; i++)
		free(names[i]);

	rc = validate_domain_list(
	    "sans", "a.com,b.com", names, 2, &n, err, sizeof(err));
	ok(rc == 0 && n == 2, "exactly at the limit");
	for (i = 0; i < n; i++)
		free(names[i]);
}

static void
test_enums(void)
{
	char m[8], k[16], x[9];

	ok(validate_validation_method("DNS", m, err, sizeof(err)) == 0 &&
	        strcmp(m, "DNS") == 0,
	    "DNS");
	ok(validate_validation_method(" email ", m, err, sizeof(err)) == 0 &&
	        strcmp(m, "EMAIL") == 0,
	    "email, trimmed, canonical");
	ok(validate_validation_method("HTTP", m, err, sizeof(err)) == -1 &&
	        strstr(err, "validation_method") && strstr(err, "DNS"),
	    "HTTP refused");
	ok(validate_validation_method("", m, err, sizeof(err)) == -1,
	    "empty method refused");
	ok(validate_validation_method("DNS;id", m, err, sizeof(err)) == -1,
	    "method with junk refused");

	ok(validate_key_algorithm("RSA_2048", k, err, sizeof(err)) == 0 &&
	        strcmp(k, "RSA_2048") == 0,
	    "RSA_2048");
	ok(validate_key_algorithm("rsa-2048", k, err, sizeof(err)) == 0 &&
	        strcmp(k, "RSA_2048") == 0,
	    "rsa-2048 canonicalised");
	ok(validate_key_algorithm("ec_prime256v1", k, err, sizeof(err)) == 0 &&
	        strcmp(k, "EC_prime256v1") == 0,
	    "EC_prime256v1");
	ok(validate_key_algorithm("EC_secp384r1", k, err, sizeof(err)) == 0 &&
	        strcmp(k, "EC_secp384r1") == 0,
	    "EC_secp384r1");
	ok(validate_key_algorithm("RSA_4096", k, err, sizeof(err)) == -1 &&
	        strstr(err, "imported"),
	    "RSA_4096 is import-only");
	ok(validate_key_algorithm("EC_secp521r1", k, err, sizeof(err)) == -1,
	    "EC_secp521r1 is import-only");
	ok(validate_key_algorithm("DSA", k, err, sizeof(err)) == -1 &&
	        strstr(err, "key_algorithm"),
	    "unknown algorithm");

	ok(validate_export("enabled", x, err, sizeof(err)) == 0 &&
	        strcmp(x, "ENABLED") == 0,
	    "export enabled");
	ok(validate_export("DISABLED", x, err, sizeof(err)) == 0 &&
	        strcmp(x, "DISABLED") == 0,
	    "export disabled");
	ok(validate_export("yes", x, err, sizeof(err)) == -1 &&
	        strstr(err, "export"),
	    "export yes refused");
}

static void
test_regions(void)
{
	static const struct vcase cases[] = {
	    {"us-east-1", 0, NULL},
	    {"eu-west-2", 0, NULL},
	    {"ap-southeast-5", 0, NULL},
	    {"il-central-1", 0, NULL},
	    {"mx-central-1", 0, NULL},
	    {"cn-north-1", 0, NULL},
	    {"cn-northwest-1", 0, NULL},
	    {"us-gov-west-1", 0, NULL},
	    {"us-iso-east-1", 0, NULL},
	    {"us-isob-east-1", 0, NULL},
	    {"eu-isoe-west-1", 0, NULL},
	    {"us-isof-south-1", 0, NULL},
	    {"eusc-de-east-1", 0, NULL},
	    {"", -1, "empty"},
	    {"US-EAST-1", -1, "lower-case"},
	    {"us-east", -1, NULL},
	    {"us_east_1", -1, NULL},
	    {"useast1", -1, NULL},
	    {"us--east-1", -1, NULL},
	    {"-us-east-1", -1, NULL},
	    {"us-east-1-", -1, NULL},
	    {"us-east-1a", -1, NULL},
	    {"x-east-1", -1, NULL},
	    {"us-east-1 ", -1, NULL},
	    {"us-east-1;id", -1, NULL},
	    {"us-east-1\n", -1, "\\n"},
	    {"us-east-1.evil.com", -1, NULL},
	    {"a-b-c-d-e-1", -1, NULL},
	};
	static const struct {
		const char *region, *name, *dns, *console;
	} parts[] = {
	    {"us-east-1", "aws", "amazonaws.com", "console.aws.amazon.com"},
	    {"il-central-1", "aws", "amazonaws.com", "console.aws.amazon.com"},
	    {"cn-north-1", "aws-cn", "amazonaws.com.cn",
	        "console.amazonaws.cn"},
	    {"us-gov-west-1", "aws-us-gov", "amazonaws.com",
	        "console.amazonaws-us-gov.com"},
	    {"us-iso-east-1", "aws-iso", "c2s.ic.gov", NULL},
	    {"us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov", NULL},
	    {"eu-isoe-west-1", "aws-iso-e", "cloud.adc-e.uk", NULL},
	    {"us-isof-south-1", "aws-iso-f", "csp.hci.ic.gov", NULL},
	    {"eusc-de-east-1", "aws-eusc", "amazonaws.eu", NULL},
	    {"xx-east-1", "aws", "amazonaws.com", "console.aws.amazon.com"},
	    {"eusc-fr-east-1", "aws", "amazonaws.com",
	        "console.aws.amazon.com"},
	};
	const struct partition *p;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = validate_region(
		    "aws_region", cases[i].in, err, sizeof(err));

		report(
		    judge(rc, &cases[i], "aws_region"), "region", cases[i].in);
	}
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		p = validate_partition_for_region(parts[i].region);
		ok(p != NULL && strcmp(p->name, parts[i].name) == 0 &&
		        strcmp(p->dns_suffix, parts[i].dns) == 0 &&
		        ((p->console == NULL && parts[i].console == NULL) ||
		            (p->console && parts[i].console &&
		                strcmp(p->console, parts[i].console) == 0)),
		    "partition of %s is %s", parts[i].region, parts[i].name);
	}
	p = validate_partition_for_region(NULL);
	ok(p != NULL && strcmp(p->name, "aws") == 0, "NULL region -> aws");
}

static void
test_tokens_ids_urls(void)
{
	static const struct vcase tokens[] = {
	    {"abc_123", 0, NULL},
	    {"0123456789abcdef0123456789abcdef", 0, NULL},
	    {"0123456789abcdef0123456789abcdef0", -1, "32"},
	    {"", -1, "empty"},
	    {"a-b", -1, "'-'"},
	    {"a b", -1, "a space"},
	    {"r_abc;id", -1, "';'"},
	};
	static const struct vcase runs[] = {
	    {"r_QOz6WoOB1Q2lmhZZ", 0, NULL},
	    {"run-1.2_3", 0, NULL},
	    {"", -1, "empty"},
	    {"r/1", -1, "'/'"},
	    {"r?1", -1, "'?'"},
	    {"r#1", -1, "'#'"},
	    {"r%2f", -1, "'%'"},
	    {"r 1", -1, "a space"},
	    {"r\n1", -1, "newline"},
	    {"r\x1b[31m", -1, "\\x1b"},
	    {"r_\xc3\xa9", -1, NULL},
	    {"..", -1, "not a Port run id"},
	    {".", -1, "not a Port run id"},
	};
	/* Port's pattern ^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/-]+$ */
	static const struct vcase bps[] = {
	    {"acmCertificate", 0, NULL}, {"a.b@c_d+e:f/g-i", 0, NULL},
	    {"a\\b", 0, NULL}, {"a..b", 0, NULL}, {"...", 0, NULL},
	    {"Zertifikat\xc3\xa9\xc3\x9f", 0, NULL}, /* é ß */
	    {"\xe8\xaf\x81\xe4\xb9\xa6", 0, NULL},   /* CJK letters */
	    {"\xce\xb1\xce\xb2", 0, NULL},           /* Greek */
	    {"", -1, "empty"}, {".", -1, "is not a Port blueprint identifier"},
	    {"..", -1, "is not a Port blueprint identifier"},
	    {"a=b", -1, "'='"}, {"a b", -1, "a space"}, {"a;b", -1, "';'"},
	    {"a?b", -1, "'?'"},
	    {"a\xe2\x82\xac"
	     "b",
	        -1, "not allowed"},           /* € is not \p{L} */
	    {"a\xc2\xb2", -1, "not allowed"}, /* ² is \p{No} */
	    {"a\xe2\x80\x8b"
	     "b",
	        -1, "invisible"}, /* zero-width space */
	    {"a\xc3", -1, "not valid UTF-8"},
	    {"a\xc0\xaf"
	     "b",
	        -1, "not valid UTF-8"}, /* overlong '/' */
	};
	static const struct vcase urls[] = {
	    {"https://api.getport.io", 0, NULL},
	    {"https://api.us.port.io", 0, NULL},
	    {"http://127.0.0.1:8080", 0, NULL},
	    {"http://localhost:8080/prefix/path", 0, NULL},
	    {"https://[::1]:8443", 0, NULL},
	    {"HTTPS://API.GETPORT.IO", 0, NULL},
	    {"", -1, "empty"},
	    {"api.getport.io", -1, "https://"},
	    {"ftp://api.getport.io", -1, "https://"},
	    {"https://api.getport.io/", -1, "trailing slash"},
	    {"https://user:pw@api.getport.io", -1, "password"},
	    {"https://api.getport.io?x=1", -1, "query"},
	    {"https://api.getport.io#f", -1, "fragment"},
	    {"https://api.getport.io/v1", 0, NULL},
	    {"https://api getport.io", -1, "a space"},
	    {"https://api.getport.io\n", -1, "newline"},
	    {"https://", -1, "host"},
	    {"https://:80", -1, "host"},
	    {"https://a..b", -1, "host"},
	    {"https://-a.com", -1, "host"},
	    {"https://a.com:0", -1, "port"},
	    {"https://a.com:65536", -1, "port"},
	    {"https://a.com:abc", -1, "port"},
	    {"https://a.com:", -1, "port"},
	    {"https://a_b.com", -1, "host"},
	    {"https://[::1", -1, "host"},
	    {"https://a.com\\@b.com", -1, "'\\\\'"},
	};
	size_t i;
	int rc;

	for (i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
		rc = validate_idempotency_token(
		    "idempotency_token", tokens[i].in, err, sizeof(err));
		report(judge(rc, &tokens[i], "idempotency_token"), "token",
		    tokens[i].in);
	}
	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		rc = validate_run_id("run_id", runs[i].in, err, sizeof(err));
		report(judge(rc, &runs[i], "run_id"), "run id", runs[i].in);
	}
	{
		char *s = rep("r", 128, "");

		ok(validate_run_id("run_id", s, err, sizeof(err)) == 0,
		    "128-byte run id");
		free(s);
		s = rep("r", 129, "");
		ok(validate_run_id("run_id", s, err, sizeof(err)) == -1 &&
		        strstr(err, "128"),
		    "129-byte run id refused");
		free(s);
		s = rep("b", 100, "");
		ok(validate_blueprint("blueprint", s, err, sizeof(err)) == 0,
		    "100-char blueprint");
		free(s);
		s = rep("b", 101, "");
		ok(validate_blueprint("blueprint", s, err, sizeof(err)) == -1,
		    "101-char blueprint refused");
		free(s);
		s = rep("\xc3\xa9", 100, "");
		ok(validate_blueprint("blueprint", s, err, sizeof(err)) == 0,
		    "100 two-byte letters (200 bytes): a valid blueprint");
		free(s);
		s = rep("\xc3\xa9", 101, "");
		ok(validate_blueprint("blueprint", s, err, sizeof(err)) == -1 &&
		        strstr(err, "101 characters"),
		    "101 letters refused, counted in characters");
		free(s);
		ok(validate_entity_id("identifier", "a=b", err, sizeof(err)) ==
		        0,
		    "'=' is allowed in an entity identifier");
		ok(validate_entity_id("identifier", "..", err, sizeof(err)) ==
		        -1,
		    "'..' is not an entity identifier");
		s = rep("e", 1001, "");
		ok(validate_entity_id("identifier", s, err, sizeof(err)) == -1,
		    "1001-char entity identifier refused");
		free(s);
	}
	for (i = 0; i < sizeof(bps) / sizeof(bps[0]); i++) {
		rc = validate_blueprint(
		    "blueprint", bps[i].in, err, sizeof(err));
		report(judge(rc, &bps[i], "blueprint"), "blueprint", bps[i].in);
	}
	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		rc = validate_base_url(
		    "port_base_url", urls[i].in, err, sizeof(err));
		report(judge(rc, &urls[i], "port_base_url"), "base url",
		    urls[i].in);
	}
}

static void
test_url_scheme_loopback(void)
{
	static const struct {
		const char *url;
		int scheme, loopback;
	} cases[] = {
	    {"https://api.getport.io", 1, 0},
	    {"HTTPS://api.getport.io", 1, 0},
	    {"http://port.test", 0, 0},
	    {"HTTP://port.test", 0, 0},
	    {"HtTp://127.0.0.1:80", 0, 1},
	    {"http://127.0.0.1", 0, 1},
	    {"http://127.255.3.4:9/x", 0, 1},
	    {"http://127.0.0.1.evil.test", 0, 0},
	    {"http://128.0.0.1", 0, 0},
	    {"http://127.1", 0, 0},       /* not the plain form */
	    {"http://0177.0.0.1", 0, 0},  /* octal to some resolvers */
	    {"http://127.010.0.1", 0, 0}, /* leading zero */
	    {"http://127.0.0.256", 0, 0},
	    {"http://127.0.0.1.", 0, 0},
	    {"http://localhost:4566", 0, 1},
	    {"http://LocalHost", 0, 1},
	    {"http://localhost.evil.test", 0, 0},
	    {"http://[::1]:9000/v1", 0, 1},
	    {"http://[::1]", 0, 1},
	    {"http://[::2]", 0, 0},
	    {"ftp://127.0.0.1", -1, 1},
	    {"127.0.0.1", -1, 0},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ok(validate_url_scheme(cases[i].url) == cases[i].scheme,
		    "scheme of %s", cases[i].url);
		ok(validate_url_loopback(cases[i].url) == cases[i].loopback,
		    "loopback: %s", cases[i].url);
	}
}

static void
test_numbers(void)
{
	unsigned long v = 0;
	int b = -1;

	ok(validate_uint("timeout_minutes", "5", 1, 10, &v, err, sizeof(err)) ==
	            0 &&
	        v == 5,
	    "uint 5");
	ok(validate_uint(
	       "timeout_minutes", " 7\n", 1, 10, &v, err, sizeof(err)) == 0 &&
	        v == 7,
	    "uint with blanks");
	ok(validate_uint(
	       "timeout_minutes", "10", 1, 10, &v, err, sizeof(err)) == 0 &&
	        v == 10,
	    "uint at max");
	ok(validate_uint("timeout_minutes", "0", 1, 10, &v, err, sizeof(err)) ==
	            -1 &&
	        strstr(err, "1 to 10"),
	    "uint below min");
	ok(validate_uint(
	       "timeout_minutes", "11", 1, 10, &v, err, sizeof(err)) == -1,
	    "uint above max");
	ok(validate_uint("timeout_minutes", "99999999999999999999999999", 0,
	       (unsigned long)-1, &v, err, sizeof(err)) == -1,
	    "uint overflow refused");
	ok(validate_uint("timeout_minutes", "18446744073709551615", 0,
	       (unsigned long)-1, &v, err, sizeof(err)) == 0 &&
	        v == (unsigned long)-1,
	    "uint at ULONG_MAX");
	ok(validate_uint(
	       "timeout_minutes", "abc", 1, 10, &v, err, sizeof(err)) == -1 &&
	        strstr(err, "timeout_minutes"),
	    "uint abc");
	ok(validate_uint("timeout_minutes", "", 1, 10, &v, err, sizeof(err)) ==
	        -1,
	    "uint empty");
	ok(validate_uint(
	       "timeout_minutes", "-1", 0, 10, &v, err, sizeof(err)) == -1,
	    "uint negative");
	ok(validate_uint(
	       "timeout_minutes", "+3", 0, 10, &v, err, sizeof(err)) == -1,
	    "uint with sign");
	ok(validate_uint(
	       "timeout_minutes", "1.5", 0, 10, &v, err, sizeof(err)) == -1,
	    "uint fraction");
	ok(validate_uint(
	       "timeout_minutes", NULL, 0, 10, &v, err, sizeof(err)) == -1,
	    "uint NULL");

	ok(validate_bool("wait", "true", &b, err, sizeof(err)) == 0 && b == 1,
	    "bool true");
	ok(validate_bool("wait", "YES", &b, err, sizeof(err)) == 0 && b == 1,
	    "bool YES");
	ok(validate_bool("wait", "1", &b, err, sizeof(err)) == 0 && b == 1,
	    "bool 1");
	ok(validate_bool("wait", "False", &b, err, sizeof(err)) == 0 && b == 0,
	    "bool False");
	ok(validate_bool("wait", "no", &b, err, sizeof(err)) == 0 && b == 0,
	    "bool no");
	ok(validate_bool("wait", "0", &b, err, sizeof(err)) == 0 && b == 0,
	    "bool 0");
	ok(validate_bool("wait", "maybe", &b, err, sizeof(err)) == -1 &&
	        strstr(err, "wait"),
	    "bool maybe refused");
	ok(validate_bool("wait", "", &b, err, sizeof(err)) == -1,
	    "bool empty refused");
}

/* The one list splitter: commas, LF and CR separate; blanks trimmed;
 * empty items skipped. */
static void
test_next_item(void)
{
	const char *p = " a ,b\r\n,, \t\n  c d \r", *b, *e;
	char got[64] = "";

	while (validate_next_item(&p, &b, &e)) {
		strncat(got, b, (size_t)(e - b));
		strcat(got, "|");
	}
	ok(strcmp(got, "a|b|c d|") == 0, "list items: %s", got);
	p = " ,\n\r, ";
	ok(validate_next_item(&p, &b, &e) == 0,
	    "a list of separators is empty");
}

int
main(void)
{
	test_next_item();
	test_domains();
	test_domain_list();
	test_enums();
	test_regions();
	test_tokens_ids_urls();
	test_url_scheme_loopback();
	test_numbers();
	return done_testing();
}
