/*
 * Unit tests for explain.c: every ACM error branch must name the
 * certificate (or domain) it is about and say what to do next, in words
 * for the person who clicked the button; times and failure reasons.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ops/explain.h"
#include "tap.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define ARN                                                                    \
	"arn:aws:acm:eu-west-1:123456789012:certificate/"                      \
	"12345678-1234-1234-1234-123456789012"

struct xcase {
	const char *type;
	const char *verb;
	const char *advice; /* what the message must tell the user to do */
};

static const struct xcase xcases[] = {
    {"ResourceInUseException", "delete", "Detach"},
    {"ResourceNotFoundException", "renew", "does not exist"},
    {"InvalidArnException", "delete", "certificate_arn"},
    {"LimitExceededException", "request", "quota"},
    {"RequestInProgressException", "renew", "again in a few minutes"},
    {"AccessDeniedException", "delete", "IAM policy"},
    {"UnrecognizedClientException", "renew", "IAM policy"},
    {"InvalidClientTokenId", "renew", "IAM policy"},
    {"ExpiredTokenException", "renew", "IAM policy"},
    {"InvalidSignatureException", "renew", "IAM policy"},
    {"ThrottlingException", "request", "again in a minute"},
    {"InvalidDomainValidationOptionsException", "request", "validation"},
    {"InvalidTagException", "request", "tag policy"},
    {"TooManyTagsException", "request", "tag policy"},
    {"TagPolicyException", "request", "tag policy"},
    {"ValidationException", "request", "could not request"},
};

static struct acm_error
service_error(const char *type, const char *message, const char *rid)
{
	struct acm_error e;

	memset(&e, 0, sizeof(e));
	e.kind = ACM_ERR_SERVICE;
	e.http_status = 400;
	snprintf(e.type, sizeof(e.type), "%s", type);
	snprintf(e.message, sizeof(e.message), "%s", message);
	snprintf(e.request_id, sizeof(e.request_id), "%s", rid);
	return e;
}

static void
test_branches(void)
{
	struct buf b = {0};
	struct acm_error e;
	const char *s;
	size_t i;

	for (i = 0; i < NELEM(xcases); i++) {
		const struct xcase *t = &xcases[i];
		int req = strcmp(t->verb, "request") == 0;
		const char *who = req ? "app.example.com" : ARN;

		e = service_error(t->type, "the message", "rid-42");
		buf_reset(&b);
		ok(explain_acm_error(
		       &e, t->verb, req ? "" : ARN, "app.example.com", &b) == 0,
		    "%s: returns 0", t->type);
		s = buf_str(&b);
		ok(strstr(s, who) != NULL, "%s: names the %s", t->type,
		    req ? "domain" : "certificate");
		ok(strstr(s, t->advice) != NULL, "%s: says '%s'", t->type,
		    t->advice);
		ok(strstr(s, t->type) && strstr(s, "the message") &&
		        strstr(s, "rid-42"),
		    "%s: carries ACM's type, message and request id", t->type);
		if (strstr(s, who) == NULL || strstr(s, t->advice) == NULL)
			printf("#   got: %s\n", s);
	}
	buf_free(&b);
}

static void
test_details(void)
{
	struct buf b = {0};
	struct acm_error e;

	e = service_error("ResourceInUseException", "in use", "");
	explain_acm_error(&e, "delete", ARN, "", &b);
	ok(strstr(buf_str(&b), "attached") && strstr(buf_str(&b), "delete") &&
	        strstr(buf_str(&b), "load balancer"),
	    "in use: says attached, the verb and an example resource");
	ok(strstr(buf_str(&b), "request id") == NULL,
	    "no request id: not mentioned");
	ok(strstr(buf_str(&b), "(ACM: ResourceInUseException: in use)") != NULL,
	    "ACM detail in parentheses");

	buf_reset(&b);
	e = service_error("ResourceNotFoundException", "", "");
	explain_acm_error(&e, "renew", ARN, "", &b);
	ok(strstr(buf_str(&b), "(ACM: ResourceNotFoundException)") != NULL,
	    "empty ACM message: no dangling ': '");

	buf_reset(&b);
	buf_puts(&b, "Renewal failed. ");
	e = service_error("ThrottlingException", "Rate exceeded", "");
	explain_acm_error(&e, "renew", ARN, "", &b);
	ok(strncmp(buf_str(&b), "Renewal failed. ACM is throttling", 33) == 0,
	    "explain appends to the buffer");

	buf_reset(&b);
	e = service_error("SomethingNewException", "", "");
	explain_acm_error(&e, "request", "", "", &b);
	ok(strstr(buf_str(&b), " .") == NULL &&
	        strstr(buf_str(&b), "  ") == NULL,
	    "unknown error without a name: no stray space ('%s')", buf_str(&b));

	buf_reset(&b);
	memset(&e, 0, sizeof(e));
	e.kind = ACM_ERR_TRANSPORT;
	snprintf(e.message, sizeof(e.message), "Connection timed out");
	explain_acm_error(&e, "delete", ARN, "", &b);
	ok(strstr(buf_str(&b), "Could not reach ACM to delete") &&
	        strstr(buf_str(&b), "Connection timed out") &&
	        strstr(buf_str(&b), "again"),
	    "transport error: reach, cause and advice");
	ok(strstr(buf_str(&b), "(ACM:") == NULL,
	    "transport error: no ACM type appended");

	buf_reset(&b);
	e.kind = ACM_ERR_SETUP;
	snprintf(e.message, sizeof(e.message),
	    "the CA bundle /x.pem (from AWS_CA_BUNDLE) cannot be read");
	explain_acm_error(&e, "renew", ARN, "", &b);
	ok(strstr(buf_str(&b), "/x.pem") &&
	        strstr(buf_str(&b), "fix the file") &&
	        strstr(buf_str(&b), "Nothing was changed") &&
	        strstr(buf_str(&b), "reachable") == NULL,
	    "local mistake: fix the file, not wait for AWS");

	buf_reset(&b);
	e.kind = ACM_ERR_RESPONSE;
	snprintf(e.message, sizeof(e.message), "not a JSON object");
	explain_acm_error(&e, "request", "", "app.example.com", &b);
	ok(strstr(buf_str(&b), "could not be understood") &&
	        strstr(buf_str(&b), "not a JSON object") &&
	        strstr(buf_str(&b), "AWS console"),
	    "response error: says so and where to check");
	buf_free(&b);
}

static void
test_time(void)
{
	static const struct {
		double t;
		const char *want;
	} cases[] = {
	    {0, "unknown"},
	    {-1, "unknown"},
	    {1446835267.0, "2015-11-06 18:41 UTC"},
	    {1.485179373361E9, "2017-01-23 13:49 UTC"},
	    {1446835681.999, "2015-11-06 18:48 UTC"},
	    {4102444800.0, "2100-01-01 00:00 UTC"},
	    /* ACM's answer is untrusted input: absurd values must not be
	     * cast to time_t (undefined behaviour past its range). */
	    {1e300, "unknown"},
	    {HUGE_VAL, "unknown"},
	};
	struct buf b = {0};
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		buf_reset(&b);
		ok(explain_time(cases[i].t, &b) == 0, "explain_time(%g) ok",
		    cases[i].t);
		is_str(
		    buf_str(&b), cases[i].want, "explain_time(%g)", cases[i].t);
	}
	buf_free(&b);
}

static void
test_reasons(void)
{
	static const char *const known[] = {
	    "NO_AVAILABLE_CONTACTS",
	    "ADDITIONAL_VERIFICATION_REQUIRED",
	    "DOMAIN_NOT_ALLOWED",
	    "INVALID_PUBLIC_DOMAIN",
	    "DOMAIN_VALIDATION_DENIED",
	    "CAA_ERROR",
	    "PCA_LIMIT_EXCEEDED",
	    "PCA_INVALID_ARN",
	    "PCA_INVALID_STATE",
	    "PCA_REQUEST_FAILED",
	    "PCA_NAME_CONSTRAINTS_VALIDATION",
	    "PCA_RESOURCE_NOT_FOUND",
	    "PCA_INVALID_ARGS",
	    "PCA_INVALID_DURATION",
	    "PCA_ACCESS_DENIED",
	    "SLR_NOT_FOUND",
	    "OTHER",
	};
	struct buf b = {0};
	char paren[64];
	size_t i;
	int all = 1;

	/* aws-acm.md §4 lists these 17 FailureReason values. */
	for (i = 0; i < NELEM(known); i++) {
		buf_reset(&b);
		snprintf(paren, sizeof(paren), " (%s)", known[i]);
		if (explain_failure_reason(known[i], &b) != 0 ||
		    strstr(buf_str(&b), paren) == NULL ||
		    strncmp(buf_str(&b), "ACM's reason", 12) == 0) {
			all = 0;
			printf("#   %s: %s\n", known[i], buf_str(&b));
		}
	}
	ok(all, "every documented FailureReason has words and the code");
	buf_reset(&b);
	explain_failure_reason("CAA_ERROR", &b);
	ok(strstr(buf_str(&b), "CAA") && strstr(buf_str(&b), "amazon.com"),
	    "CAA_ERROR says which CAA value to allow");
	buf_reset(&b);
	explain_failure_reason("BRAND_NEW_REASON", &b);
	is_str(buf_str(&b), "ACM's reason: BRAND_NEW_REASON",
	    "unknown reason passed through");
	buf_reset(&b);
	explain_failure_reason("", &b);
	is_str(buf_str(&b), "ACM's reason: none", "empty reason: none");
	buf_free(&b);
}

int
main(void)
{
	test_branches();
	test_details();
	test_time();
	test_reasons();
	return done_testing();
}
