/*
 * Unit tests for the pure parts of aws.c: endpoint splitting (https
 * only, except loopback; scheme in any case), error parsing per
 * protocol with credential redaction before truncation and AWS's
 * signing echo dropped, HTTP dates, clock-skew codes, endpoints.
 *
 * With "--endpoints" it instead reads "service region fips dualstack"
 * lines from stdin and prints "url signing_region" (or "ERROR") per
 * line, for tests/endpoints/test_endpoints.py, which compares that with
 * botocore's rule engine on the model's endpoint-rule-set-1.json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "tap.h"

static int
endpoints_mode(void)
{
	char svc[32], region[64], url[512], sr[64];
	int fips, ds;

	while (scanf("%31s %63s %d %d", svc, region, &fips, &ds) == 4) {
		if (aws_endpoint(svc, region, fips, ds, url, sizeof(url), sr,
		        sizeof(sr)) == 0)
			printf("%s %s\n", url, sr);
		else
			printf("ERROR\n");
	}
	return 0;
}

static void
test_split(void)
{
	static const struct {
		const char *in;
		int ok;
		const char *base, *host, *path;
	} cases[] = {
	    {"https://acm.us-east-1.amazonaws.com", 1,
	        "https://acm.us-east-1.amazonaws.com",
	        "acm.us-east-1.amazonaws.com", ""},
	    {"HTTPS://ACM.example.COM:443/", 1, "https://ACM.example.COM:443",
	        "acm.example.com", ""},
	    {"https://h.example:8443/prefix/", 1, "https://h.example:8443",
	        "h.example:8443", "/prefix"},
	    {"http://127.0.0.1:4566", 1, "http://127.0.0.1:4566",
	        "127.0.0.1:4566", ""},
	    {"HtTp://127.9.8.7", 1, "http://127.9.8.7", "127.9.8.7", ""},
	    {"http://localhost:80/x", 1, "http://localhost:80", "localhost",
	        "/x"},
	    {"http://[::1]:9000", 1, "http://[::1]:9000", "[::1]:9000", ""},
	    {"http://acm.example.com", 0, NULL, NULL, NULL},
	    {"http://128.0.0.1", 0, NULL, NULL, NULL},
	    {"http://127.0.0.1.example.com", 0, NULL, NULL, NULL},
	    {"http://localhost.example.com", 0, NULL, NULL, NULL},
	    {"ftp://127.0.0.1", 0, NULL, NULL, NULL},
	    {"https://", 0, NULL, NULL, NULL},
	    {"https://user@host", 0, NULL, NULL, NULL},
	    {"https://host/a?b", 0, NULL, NULL, NULL},
	};
	char base[256], host[256], path[256], why[256];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rc = aws_endpoint_split(cases[i].in, base, sizeof(base), host,
		    sizeof(host), path, sizeof(path), why, sizeof(why));
		ok((rc == 0) == cases[i].ok, "split %s: %s", cases[i].in,
		    cases[i].ok ? "usable" : "refused");
		if (rc == 0 && cases[i].ok) {
			is_str(
			    base, cases[i].base, "split %s: base", cases[i].in);
			is_str(
			    host, cases[i].host, "split %s: host", cases[i].in);
			is_str(
			    path, cases[i].path, "split %s: path", cases[i].in);
		}
	}
}

/* A session token longer than the message buffer, echoed by AWS in a
 * SignatureDoesNotMatch message: none of it may survive, in any
 * protocol, neither in full nor cut. */
static void
test_redaction(void)
{
	static const char akid[] = "AKIAEXAMPLEREDACT1";
	static const char secret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";
	char token[1500], body[8192], prefix[40];
	const char *secrets[] = {akid, secret, token, NULL};
	struct aws_error e;
	size_t i;

	for (i = 0; i < sizeof(token) - 1; i++)
		token[i] =
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789+/"[(i * 7) % 64];
	token[sizeof(token) - 1] = '\0';
	memcpy(prefix, token, sizeof(prefix) - 1);
	prefix[sizeof(prefix) - 1] = '\0';

	/* JSON: the token in the message itself, before the echo. */
	snprintf(body, sizeof(body),
	    "{\"__type\":\"UnrecognizedClientException\",\"message\":\"The "
	    "security token %s included in the request (key %s, secret %s) "
	    "is invalid.\"}",
	    token, akid, secret);
	aws_error_parse(
	    AWS_PROTO_JSON, 400, NULL, body, strlen(body), "rid", secrets, &e);
	is_str(e.type, "UnrecognizedClientException", "json: type");
	ok(strstr(e.message, prefix) == NULL, "json: no part of the token");
	ok(strstr(e.message, akid) == NULL && strstr(e.message, secret) == NULL,
	    "json: no key id or secret");
	ok(strstr(e.message, "is invalid") != NULL,
	    "json: the rest survives: %s", e.message + strlen(e.message) - 20);

	/* Query/XML: SignatureDoesNotMatch with the canonical request. */
	snprintf(body, sizeof(body),
	    "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/"
	    "\"><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code>"
	    "<Message>The request signature we calculated does not match the "
	    "signature you provided. Check your AWS Secret Access Key and "
	    "signing method.\n\nThe Canonical String for this request should "
	    "have been\n'POST\n/\n\nx-amz-security-token:%s\n'\n\nThe "
	    "String-to-Sign should have been\n'AWS4-HMAC-SHA256\n...'"
	    "</Message></Error><RequestId>req-1</RequestId></ErrorResponse>",
	    token);
	aws_error_parse(
	    AWS_PROTO_QUERY, 403, NULL, body, strlen(body), "hdr", secrets, &e);
	is_str(e.type, "SignatureDoesNotMatch", "query: code");
	is_str(e.request_id, "req-1", "query: RequestId from the body");
	ok(strstr(e.message, prefix) == NULL, "query: no part of the token");
	ok(strstr(e.message, "Canonical") == NULL &&
	        strstr(e.message, "String-to-Sign") == NULL,
	    "query: the signing echo is dropped");
	is_str(e.message,
	    "The request signature we calculated does not match the "
	    "signature you provided. Check your AWS Secret Access Key and "
	    "signing method.",
	    "query: the explanation stays");

	/* The token at the very place a cut would fall. */
	memset(body, 'x', 1000);
	snprintf(body + 1000, sizeof(body) - 1000, " %s tail", token);
	aws_error_parse(
	    AWS_PROTO_REST_XML, 502, NULL, body, strlen(body), "", secrets, &e);
	ok(strstr(e.message, prefix) == NULL &&
	        strstr(e.message, "ABCDEFG") == NULL,
	    "non-XML body cut at 1023: redacted before the cut");

	/* A bare <Error> root (S3-style) is understood too. */
	snprintf(body, sizeof(body),
	    "<Error><Code>InvalidClientTokenId</Code><Message>token "
	    "%s</Message></Error>",
	    token);
	aws_error_parse(
	    AWS_PROTO_REST_XML, 403, NULL, body, strlen(body), "", secrets, &e);
	is_str(e.type, "InvalidClientTokenId", "bare <Error>: code");
	is_str(e.message, "token ***", "bare <Error>: message redacted");
}

static void
test_xml_errors(void)
{
	static const char r53[] =
	    "<?xml version=\"1.0\"?>\n<InvalidChangeBatch "
	    "xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Messages>"
	    "<Message>Tried to create resource record set [name='a.', "
	    "type='CNAME'] but it already exists</Message><Message>second"
	    "</Message></Messages><RequestId>r53-id</RequestId>"
	    "</InvalidChangeBatch>";
	static const char doctype[] =
	    "<!DOCTYPE x [<!ENTITY a \"aaaaaaaa\">]><Error><Code>&a;</Code>"
	    "</Error>";
	struct aws_error e;

	aws_error_parse(
	    AWS_PROTO_REST_XML, 400, NULL, r53, strlen(r53), "", NULL, &e);
	is_str(e.type, "InvalidChangeBatch", "route53: root name as code");
	is_str(e.message,
	    "Tried to create resource record set [name='a.', type='CNAME'] "
	    "but it already exists; second",
	    "route53: messages joined");
	is_str(e.request_id, "r53-id", "route53: request id");
	aws_error_parse(AWS_PROTO_QUERY, 503, NULL, NULL, 0, "h-id", NULL, &e);
	is_str(e.type, "HTTP503", "no body: HTTP status as type");
	is_str(e.request_id, "h-id", "no body: header request id");
	aws_error_parse(
	    AWS_PROTO_QUERY, 400, NULL, doctype, strlen(doctype), "", NULL, &e);
	is_str(e.type, "HTTP400", "DOCTYPE: not parsed as XML");
}

static void
test_dates(void)
{
	ok(aws_parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777,
	    "IMF-fixdate");
	ok(aws_parse_http_date("Wed, 02 Dec 2026 16:36:59 GMT") == 1796229419,
	    "IMF-fixdate 2026");
	ok(aws_parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == -1,
	    "RFC 850 refused");
	ok(aws_parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT") == -1,
	    "bad month refused");
	ok(aws_parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT x") == -1,
	    "trailing text refused");
	ok(aws_parse_http_date("") == -1 && aws_parse_http_date(NULL) == -1,
	    "empty refused");
}

static void
test_skew_codes(void)
{
	ok(aws_is_skew_error("RequestTimeTooSkewed") &&
	        aws_is_skew_error("SignatureDoesNotMatch") &&
	        aws_is_skew_error("InvalidSignatureException") &&
	        aws_is_skew_error("AuthFailure") &&
	        aws_is_skew_error("RequestExpired") &&
	        aws_is_skew_error("RequestInTheFuture"),
	    "the JS SDK's six clock-skew codes");
	ok(!aws_is_skew_error("AccessDenied") && !aws_is_skew_error(NULL),
	    "others are not");
}

static void
test_endpoints(void)
{
	char url[256], sr[64];

	ok(aws_endpoint(
	       "acm", "eu-west-1", 0, 0, url, sizeof(url), sr, sizeof(sr)) == 0,
	    "acm eu-west-1");
	is_str(url, "https://acm.eu-west-1.amazonaws.com", "acm default");
	aws_endpoint(
	    "sts", "us-gov-west-1", 1, 0, url, sizeof(url), sr, sizeof(sr));
	is_str(url, "https://sts.us-gov-west-1.amazonaws.com",
	    "sts FIPS in GovCloud is the plain endpoint");
	aws_endpoint(
	    "route53", "eu-west-1", 0, 1, url, sizeof(url), sr, sizeof(sr));
	is_str(url, "https://route53.global.api.aws", "route53 dual-stack");
	is_str(sr, "us-east-1", "route53 signs for us-east-1");
	aws_endpoint(
	    "route53", "us-west-2", 1, 0, url, sizeof(url), sr, sizeof(sr));
	is_str(url, "https://route53-fips.amazonaws.com", "route53 FIPS");
	aws_endpoint(
	    "route53", "cn-north-1", 0, 0, url, sizeof(url), sr, sizeof(sr));
	is_str(url, "https://route53.amazonaws.com.cn", "route53 in aws-cn");
	is_str(sr, "cn-northwest-1", "... signed for cn-northwest-1");
	aws_endpoint("organizations", "eu-west-1", 1, 1, url, sizeof(url), sr,
	    sizeof(sr));
	is_str(url, "https://organizations.us-east-1.amazonaws.com",
	    "organizations is global, the plain endpoint");
	is_str(sr, "us-east-1", "... signed for us-east-1");
	aws_endpoint(
	    "account", "cn-north-1", 0, 0, url, sizeof(url), sr, sizeof(sr));
	is_str(url, "https://account.cn-northwest-1.amazonaws.com.cn",
	    "account in aws-cn");
	is_str(sr, "cn-northwest-1", "... signed for cn-northwest-1");
	ok(aws_endpoint(
	       "s3", "eu-west-1", 0, 0, url, sizeof(url), sr, sizeof(sr)) != 0,
	    "unknown service refused");
}

/* defect 6: the one list of what a call must not let an answer repeat,
 * for signed and unsigned calls alike. */
static void
test_call_secrets(void)
{
	static const char jwt[] =
	    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvIn0.c2ln";
	const char *extra[] = {jwt, NULL};
	const char *list[AWS_MAX_SECRETS + 1];
	struct aws_credentials cv = {"AKIAEXAMPLE0000001",
	    "sEcReT/key+value0000", "sessionTokenValue0001", 0};
	struct aws_request unsigned_req = {
	    "POST", NULL, NULL, NULL, NULL, 0, NULL, 0, 1, 1, extra};
	struct aws_request signed_req = {
	    "POST", NULL, NULL, NULL, NULL, 0, NULL, 0, 1, 0, NULL};
	struct aws_error e;
	char body[512];

	ok(aws_call_secrets(NULL, &unsigned_req, list, 9) == 1 &&
	        list[0] == jwt && list[1] == NULL,
	    "defect 6: an unsigned call holds its web identity token");
	ok(aws_call_secrets(&cv, &signed_req, list, 9) == 3 && list[3] == NULL,
	    "a signed call holds its key id, secret and session token");
	signed_req.secrets = extra;
	ok(aws_call_secrets(&cv, &signed_req, list, 9) == 4,
	    "and whatever else its request carries");
	ok(aws_call_secrets(&cv, &signed_req, list, 2) == 1 && list[1] == NULL,
	    "never more than the room, always NULL-terminated");

	aws_call_secrets(NULL, &unsigned_req, list, 9);
	snprintf(body, sizeof(body),
	    "<ErrorResponse><Error><Code>AccessDenied</Code><Message>Not "
	    "authorized with token %s</Message></Error></ErrorResponse>",
	    jwt);
	aws_error_parse(
	    AWS_PROTO_QUERY, 403, NULL, body, strlen(body), "r", list, &e);
	ok(strstr(e.message, jwt) == NULL &&
	        strstr(e.message, "Not authorized") != NULL,
	    "defect 6: STS quoting the token of an unsigned call: redacted "
	    "(%s)",
	    e.message);
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--endpoints") == 0)
		return endpoints_mode();
	test_split();
	test_redaction();
	test_call_secrets();
	test_xml_errors();
	test_dates();
	test_skew_codes();
	test_endpoints();
	return done_testing();
}
