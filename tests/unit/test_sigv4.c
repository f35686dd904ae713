/*
 * test_sigv4: SigV4 stage by stage against fixed vectors.
 *
 * Sources of the expected values: get-vanilla's signature and string to
 * sign are the public AWS SigV4 test-suite values (aws-acm.md §6.2); the
 * two IAM ListUsers examples are AWS's former General Reference worked
 * examples (POST 20110909, GET 20150830), reproduced independently; the
 * rest were computed with botocore 1.29 SigV4Auth (Debian's package) with
 * the timestamp fixed.
 */
#include <psa/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"
#include "base/buf.h"
#include "tap.h"

#define AKID   "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define D2015  "20150830T123600Z"
#define EMPTY  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SCOPE  "20150830/us-east-1/service/aws4_request"
#define CRED   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"
#define TOKEN  "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"

struct vector {
	const char *name;
	const char *method, *path, *query;
	struct sigv4_header headers[8];
	const char *body;
	const char *date, *region, *service;
	const char *creq, *signed_headers, *sts, *authz;
};

static const struct vector vectors[] = {
    {"get-vanilla", "GET", "/", NULL,
        {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", D2015}}, "", D2015,
        "us-east-1", "service",
        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:" D2015
        "\n\nhost;x-amz-date\n" EMPTY,
        "host;x-amz-date",
        "AWS4-HMAC-SHA256\n" D2015 "\n" SCOPE
        "\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
        CRED SCOPE ", SignedHeaders=host;x-amz-date, "
                   "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9"
                   "b8aae1d763fbf31"},
    /* The caller adds the token header; the signer just signs it. */
    {"get-vanilla-with-session-token", "GET", "/", "",
        {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", D2015},
            {"X-Amz-Security-Token", TOKEN}},
        NULL, D2015, "us-east-1", "service",
        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:" D2015
        "\nx-amz-security-token:" TOKEN
        "\n\nhost;x-amz-date;x-amz-security-token\n" EMPTY,
        "host;x-amz-date;x-amz-security-token",
        "AWS4-HMAC-SHA256\n" D2015 "\n" SCOPE
        "\n067b36aa60031588cea4a4cde1f21215227a047690c72247f1d70b32fbbfad2b",
        CRED SCOPE ", SignedHeaders=host;x-amz-date;x-amz-security-token, "
                   "Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a970"
                   "44c66dd9f74e7f8"},
    /* What port-acm really sends: ACM JSON 1.1 with a session token. */
    {"acm-describe-certificate-json", "POST", "/", "",
        {{"Host", "acm.eu-west-1.amazonaws.com"},
            {"Content-Type", "application/x-amz-json-1.1"},
            {"X-Amz-Target", "CertificateManager.DescribeCertificate"},
            {"X-Amz-Date", "20261105T090703Z"},
            {"X-Amz-Security-Token", "FQoGZXIvYXdzEXAMPLETOKEN//+="}},
        "{\"CertificateArn\":\"arn:aws:acm:eu-west-1:123456789012:certificate/"
        "12345678-1234-1234-1234-123456789012\"}",
        "20261105T090703Z", "eu-west-1", "acm",
        "POST\n/\n\ncontent-type:application/x-amz-json-1.1\n"
        "host:acm.eu-west-1.amazonaws.com\nx-amz-date:20261105T090703Z\n"
        "x-amz-security-token:FQoGZXIvYXdzEXAMPLETOKEN//+=\n"
        "x-amz-target:CertificateManager.DescribeCertificate\n\n"
        "content-type;host;x-amz-date;x-amz-security-token;x-amz-target\n"
        "4325d081550e54861616db756ed687790012e98b77c3a9c9f73c62f9a0054373",
        "content-type;host;x-amz-date;x-amz-security-token;x-amz-target",
        "AWS4-HMAC-SHA256\n20261105T090703Z\n20261105/eu-west-1/acm/"
        "aws4_request\n"
        "10c0080ba0662e0b7dd50109ef497c4a5b3755914558e44d7afd19565c56aad9",
        CRED "20261105/eu-west-1/acm/aws4_request, "
             "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;"
             "x-amz-target, Signature=8973b1d6d4fa3aafca8fb05ff7804ceb42c656e"
             "0b3bc72544f23603e6b0c5296"},
    /* Dot segments, '//', an encoded '/' (encoded again), UTF-8, space. */
    {"path-normalise-and-encode", "get", "/a/./b//c/../d%2F/\xe1\x88\xb4 $x/",
        NULL, {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", D2015}}, NULL,
        D2015, "us-east-1", "service",
        "GET\n/a/b/d%252F/%E1%88%B4%20%24x/\n\nhost:example.amazonaws.com\n"
        "x-amz-date:" D2015 "\n\nhost;x-amz-date\n" EMPTY,
        "host;x-amz-date",
        "AWS4-HMAC-SHA256\n" D2015 "\n" SCOPE
        "\n101c2ca1b29d8dd846461c759ae19153aed107c75d0f0d10de13db3aeb0ca1c0",
        CRED SCOPE ", SignedHeaders=host;x-amz-date, "
                   "Signature=45f19492c74b34732aa629ffd71b53d34d58fd08e7310443a"
                   "82030e152c31fc7"},
    /* Sorted by name then value; "e" without '=' still gets one. */
    {"query-encode-and-sort", "GET", "/",
        "Param-3=Value3&Param=b&&Param=a&\xe1\x88\xb4=v w&e",
        {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", D2015}}, NULL, D2015,
        "us-east-1", "service",
        "GET\n/\n%E1%88%B4=v%20w&Param=a&Param=b&Param-3=Value3&e=\n"
        "host:example.amazonaws.com\nx-amz-date:" D2015
        "\n\nhost;x-amz-date\n" EMPTY,
        "host;x-amz-date",
        "AWS4-HMAC-SHA256\n" D2015 "\n" SCOPE
        "\nc5d3c12ca6359e2f3367205d532f9fa62537b055bbda0819cabe1a2ecb508877",
        CRED SCOPE ", SignedHeaders=host;x-amz-date, "
                   "Signature=739612160c24fa452d12571f49b40c6374b9bfc956132194e"
                   "82b4f2db0b8496f"},
    /* Case-folded duplicates joined in request order; whitespace trimmed. */
    {"headers-trim-and-duplicates", "POST", "/", NULL,
        {{"Host", "example.amazonaws.com"}, {"My-Header1", "  a   b \t c  "},
            {"my-header2", "\"a   b   c\""}, {"MY-HEADER1", "second"},
            {"ZOO", "x"}, {"X-Amz-Date", D2015}},
        "{\"k\":\"\xc3\xa9\"}", D2015, "us-east-1", "service",
        "POST\n/\n\nhost:example.amazonaws.com\nmy-header1:a b c,second\n"
        "my-header2:\"a b c\"\nx-amz-date:" D2015
        "\nzoo:x\n\nhost;my-header1;my-header2;x-amz-date;zoo\n"
        "0ca09f1dffb485d259fc791100d48ad7ae9c17f52a2bb07b608c0e28fbca34a1",
        "host;my-header1;my-header2;x-amz-date;zoo",
        "AWS4-HMAC-SHA256\n" D2015 "\n" SCOPE
        "\n9e983ed8899ec976a4982cf6ab95fa06637306937382b5672f06ffc66ff368c1",
        CRED SCOPE ", SignedHeaders=host;my-header1;my-header2;x-amz-date;zoo, "
                   "Signature=17bfea237b31e09d2b3aaaad46d59bcdcc4a6f69e5d47dd4e"
                   "a6332d63307da77"},
    /* AWS General Reference, "Signed Signature Version 4 Requests
     * Examples": POST ListUsers, 2011-09-09. */
    {"iam-doc-post-listusers-2011", "POST", "/", NULL,
        {{"host", "iam.amazonaws.com"},
            {"Content-type",
                "application/x-www-form-urlencoded; charset=utf-8"},
            {"x-amz-date", "20110909T233600Z"}},
        "Action=ListUsers&Version=2010-05-08", "20110909T233600Z", "us-east-1",
        "iam",
        "POST\n/\n\ncontent-type:application/x-www-form-urlencoded; "
        "charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20110909T233600Z\n\n"
        "content-type;host;x-amz-date\n"
        "b6359072c78d70ebee1e81adcbab4f01bf2c23245fa365ef83fe8f1f955085e2",
        "content-type;host;x-amz-date",
        "AWS4-HMAC-SHA256\n20110909T233600Z\n20110909/us-east-1/iam/"
        "aws4_request\n"
        "3511de7e95d28ecd39e9513b642aee07e54f4941150d8df8bf94b328ef7e55e2",
        CRED "20110909/us-east-1/iam/aws4_request, "
             "SignedHeaders=content-type;host;x-amz-date, "
             "Signature=ced6826de92d2bdeed8f846f0bf508e8559e98e4b0199114b84c54"
             "174deb456c"},
    /* The same guide's later GET ListUsers example, 2015-08-30. */
    {"iam-doc-get-listusers-2015", "GET", "/",
        "Action=ListUsers&Version=2010-05-08",
        {{"Host", "iam.amazonaws.com"},
            {"Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8"},
            {"X-Amz-Date", D2015}},
        NULL, D2015, "us-east-1", "iam",
        "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
        "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
        "host:iam.amazonaws.com\nx-amz-date:" D2015
        "\n\ncontent-type;host;x-amz-date\n" EMPTY,
        "content-type;host;x-amz-date",
        "AWS4-HMAC-SHA256\n" D2015 "\n20150830/us-east-1/iam/aws4_request\n"
        "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59",
        CRED "20150830/us-east-1/iam/aws4_request, "
             "SignedHeaders=content-type;host;x-amz-date, "
             "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b59"
             "24a6f2b5d7"},
};

static size_t
count_headers(const struct vector *v)
{
	size_t n = 0;

	while (n < 8 && v->headers[n].name != NULL)
		n++;
	return n;
}

static void
to_request(const struct vector *v, struct sigv4_request *r)
{
	memset(r, 0, sizeof(*r));
	r->method = v->method;
	r->path = v->path;
	r->query = v->query;
	r->headers = v->headers;
	r->nheaders = count_headers(v);
	r->body = v->body;
	r->body_len = v->body ? strlen(v->body) : 0;
}

static void
test_vector(const struct vector *v)
{
	struct sigv4_credentials creds = {AKID, SECRET, NULL};
	struct sigv4_request r;
	struct buf b = {0};

	to_request(v, &r);
	ok(sigv4_canonical_request(&r, &b) == 0, "%s: canonical request rc",
	    v->name);
	is_str(buf_str(&b), v->creq, "%s: canonical request", v->name);
	buf_reset(&b);
	ok(sigv4_signed_headers(&r, &b) == 0, "%s: signed headers rc", v->name);
	is_str(buf_str(&b), v->signed_headers, "%s: signed headers", v->name);
	buf_reset(&b);
	ok(sigv4_string_to_sign(&r, v->date, v->region, v->service, &b) == 0,
	    "%s: string to sign rc", v->name);
	is_str(buf_str(&b), v->sts, "%s: string to sign", v->name);
	buf_reset(&b);
	ok(sigv4_authorization(
	       &r, &creds, v->date, v->region, v->service, &b) == 0,
	    "%s: authorization rc", v->name);
	is_str(buf_str(&b), v->authz, "%s: authorization", v->name);
	buf_free(&b);
}

static void
test_helpers(void)
{
	char date[17], hex[65];

	ok(sigv4_amz_date(1440938160, date) == 0, "amz_date rc");
	is_str(date, D2015, "amz_date of 2015-08-30T12:36:00Z");
	ok(sigv4_amz_date(0, date) == 0 &&
	        strcmp(date, "19700101T000000Z") == 0,
	    "amz_date of the epoch");
	ok(sigv4_amz_date(951782400, date) == 0 &&
	        strcmp(date, "20000229T000000Z") == 0,
	    "amz_date of a leap day");
	ok(sigv4_sha256_hex(NULL, 0, hex) == 0, "sha256_hex(NULL, 0) rc");
	is_str(hex, EMPTY, "sha256_hex of nothing");
	ok(sigv4_sha256_hex("abc", 3, hex) == 0, "sha256_hex(abc) rc");
	is_str(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "sha256_hex(abc), FIPS 180-2 vector");
	ok(sigv4_sha256_hex("{}", 2, hex) == 0 &&
	        strcmp(hex,
	            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c"
	            "060f61caaff8a") == 0,
	    "sha256_hex({}), ACM's smallest body");
}

/* Paths that botocore's normalize_url_path treats specially. */
static void
test_paths(void)
{
	static const char *cases[][2] = {
	    {"", "/"},
	    {NULL, "/"},
	    {"//", "/"},
	    {"/..", "/"},
	    {"/../a/../..", "/"},
	    {"/a/.", "/a"},
	    {"/a/./", "/a/"},
	    {"/a/b/..", "/a"},
	    {"/./a//b///", "/a/b/"},
	    {"/-_.~AZaz09!*'()%+=:@,;&", "/-_.~AZaz09%21%2A%27%28%29%25%2B%3D"
	                                 "%3A%40%2C%3B%26"},
	    {"/...", "/..."},
	};
	struct sigv4_header h[] = {{"host", "h"}};
	struct sigv4_request r = {"GET", NULL, NULL, h, 1, NULL, 0};
	struct buf b = {0};
	char want[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r.path = cases[i][0];
		snprintf(want, sizeof(want),
		    "GET\n%s\n\nhost:h\n\nhost\n" EMPTY, cases[i][1]);
		buf_reset(&b);
		ok(sigv4_canonical_request(&r, &b) == 0, "path '%s' rc",
		    cases[i][0] ? cases[i][0] : "(null)");
		is_str(buf_str(&b), want, "path '%s' -> '%s'",
		    cases[i][0] ? cases[i][0] : "(null)", cases[i][1]);
	}
	buf_free(&b);
}

static void
test_refusals(void)
{
	struct sigv4_credentials creds = {AKID, SECRET, NULL};
	struct sigv4_header nohost[] = {{"X-Amz-Date", D2015}};
	struct sigv4_header good[] = {{"Host", "h"}, {"X-Amz-Date", D2015}};
	struct sigv4_header badname[] = {
	    {"Host", "h"}, {"bad name", "v"}, {"X-Amz-Date", D2015}};
	struct sigv4_header nodate[] = {{"Host", "h"}};
	struct sigv4_header withauth[] = {{"Host", "h"}, {"X-Amz-Date", D2015},
	    {"Authorization", "AWS4-HMAC-SHA256 Credential=old"}};
	struct sigv4_request r = {"GET", "/", NULL, nohost, 1, NULL, 0};
	struct buf b = {0};

	ok(sigv4_canonical_request(&r, &b) == -1, "no host header: refused");
	ok(sigv4_signed_headers(&r, &b) == -1,
	    "no host: signed headers refused");
	r.headers = badname;
	r.nheaders = 3;
	ok(sigv4_canonical_request(&r, &b) == -1, "header name with a space");
	r.headers = nodate;
	r.nheaders = 1;
	ok(sigv4_string_to_sign(&r, D2015, "us-east-1", "s", &b) == -1,
	    "no x-amz-date header: refused");
	r.headers = good;
	r.nheaders = 2;
	ok(sigv4_string_to_sign(&r, "20150830T123601Z", "us-east-1", "s", &b) ==
	        -1,
	    "x-amz-date header differs from amz_date: refused");
	ok(sigv4_string_to_sign(&r, D2015, "us-east-1/x", "s", &b) == -1,
	    "region with '/': refused");
	ok(sigv4_string_to_sign(&r, D2015, "", "s", &b) == -1,
	    "empty region: refused");
	creds.access_key_id = "";
	ok(sigv4_authorization(&r, &creds, D2015, "us-east-1", "s", &b) == -1,
	    "empty access key id: refused");
	creds.access_key_id = "AKID/20150830";
	ok(sigv4_authorization(&r, &creds, D2015, "us-east-1", "s", &b) == -1,
	    "access key id with '/': refused");
	r.headers = withauth;
	r.nheaders = 3;
	ok(sigv4_canonical_request(&r, &b) == -1,
	    "stale Authorization header among the signed ones: refused");
	r.headers = good;
	r.nheaders = 2;
	buf_reset(&b);
	creds.access_key_id = AKID;
	ok(sigv4_authorization(&r, &creds, D2015, "us-east-1", "s", &b) == 0,
	    "the same request with good inputs signs");
	ok(strstr(buf_str(&b), SECRET) == NULL, "secret not in the output");
	buf_free(&b);
}

/* A changed secret, body or header must change the signature. */
static void
test_sensitivity(void)
{
	const struct vector *v = &vectors[2];
	struct sigv4_credentials creds = {AKID, SECRET, NULL};
	struct sigv4_request r;
	struct buf a = {0}, b = {0};

	to_request(v, &r);
	sigv4_authorization(&r, &creds, v->date, v->region, v->service, &a);
	creds.secret_access_key = SECRET "x";
	sigv4_authorization(&r, &creds, v->date, v->region, v->service, &b);
	ok(strcmp(buf_str(&a), buf_str(&b)) != 0, "other secret, other sig");
	creds.secret_access_key = SECRET;
	buf_reset(&b);
	r.body_len--;
	sigv4_authorization(&r, &creds, v->date, v->region, v->service, &b);
	ok(b.len > 0 && strcmp(buf_str(&a), buf_str(&b)) != 0,
	    "one body byte less, other sig");
	buf_free(&a);
	buf_free(&b);
}

int
main(void)
{
	size_t i;

	if (psa_crypto_init() != PSA_SUCCESS) {
		printf("not ok 1 - psa_crypto_init\n");
		return 1;
	}
	test_helpers();
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		test_vector(&vectors[i]);
	test_paths();
	test_refusals();
	test_sensitivity();
	return done_testing();
}
