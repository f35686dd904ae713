#include "ops/explain.h"

#include <string.h>
#include <time.h>

int
explain_time(double t, struct buf *out)
{
	char s[32];
	time_t tt;
	struct tm tm;

	/* ACM's answer is untrusted: past year 9999 (or NaN) the cast to
	 * time_t would be undefined behaviour. */
	if (!(t > 0 && t < 253402300800.0))
		return buf_puts(out, "unknown");
	tt = (time_t)t;
	if (gmtime_r(&tt, &tm) == NULL)
		return buf_puts(out, "unknown");
	strftime(s, sizeof(s), "%Y-%m-%d %H:%M UTC", &tm);
	return buf_puts(out, s);
}

static const struct {
	const char *reason, *words;
} reasons[] = {
    {"NO_AVAILABLE_CONTACTS", "ACM found no email contacts for the domain"},
    {"ADDITIONAL_VERIFICATION_REQUIRED",
        "AWS needs more information to issue it; contact AWS Support"},
    {"DOMAIN_NOT_ALLOWED",
        "a domain name is not allowed (often a well-known or "
        "Amazon-owned domain)"},
    {"INVALID_PUBLIC_DOMAIN", "a domain name is not a valid public domain"},
    {"DOMAIN_VALIDATION_DENIED",
        "the domain owner or administrator denied validation"},
    {"CAA_ERROR",
        "a DNS CAA record forbids Amazon from issuing it; allow "
        "amazon.com, amazontrust.com, awstrust.com or amazonaws.com in "
        "the CAA record"},
    {"PCA_LIMIT_EXCEEDED", "the private CA's quota was reached"},
    {"PCA_INVALID_ARN", "the private CA ARN is not valid"},
    {"PCA_INVALID_STATE", "the private CA is not active"},
    {"PCA_REQUEST_FAILED", "the private CA refused the request"},
    {"PCA_NAME_CONSTRAINTS_VALIDATION",
        "the name is outside the private CA's name constraints"},
    {"PCA_RESOURCE_NOT_FOUND", "the private CA does not exist"},
    {"PCA_INVALID_ARGS", "the private CA rejected the arguments"},
    {"PCA_INVALID_DURATION", "the validity period is not allowed"},
    {"PCA_ACCESS_DENIED", "ACM may not use the private CA"},
    {"SLR_NOT_FOUND", "ACM's service-linked role is missing"},
    {"OTHER", "ACM gave no specific reason"},
};

int
explain_failure_reason(const char *reason, struct buf *out)
{
	size_t i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(reason, reasons[i].reason) == 0)
			return buf_printf(
			    out, "%s (%s)", reasons[i].words, reason);
	return buf_printf(out, "ACM's reason: %s", reason[0] ? reason : "none");
}

int
explain_acm_error(const struct acm_error *err, const char *verb,
    const char *arn, const char *domain, struct buf *out)
{
	const char *t = err->type, *what = arn && arn[0] ? arn : domain;
	int rc;

	if (err->kind == ACM_ERR_SETUP)
		rc = buf_printf(out,
		    "Could not reach ACM to %s the certificate: %s. Nothing "
		    "was changed in AWS; fix the file or setting named here, "
		    "then run the action again.",
		    verb, err->message);
	else if (err->kind == ACM_ERR_TRANSPORT)
		rc = buf_printf(out,
		    "Could not reach ACM to %s the certificate: %s. Nothing "
		    "may have changed; run the action again once AWS is "
		    "reachable.",
		    verb, err->message);
	else if (err->kind == ACM_ERR_RESPONSE)
		rc = buf_printf(out,
		    "ACM's answer to the %s could not be understood (%s). "
		    "Check the certificate in the AWS console before running "
		    "the action again.",
		    verb, err->message);
	else if (strcmp(t, "ResourceInUseException") == 0)
		rc = buf_printf(out,
		    "Certificate %s is attached to another AWS resource (for "
		    "example a load balancer listener, CloudFront distribution "
		    "or API Gateway domain), so ACM will not %s it. Detach it "
		    "from those resources first, then run the action again.",
		    what, verb);
	else if (strcmp(t, "ResourceNotFoundException") == 0)
		rc = buf_printf(out,
		    "Certificate %s does not exist in this account and region "
		    "(it may have been deleted already).",
		    what);
	else if (strcmp(t, "InvalidArnException") == 0)
		rc = buf_printf(out,
		    "ACM says %s is not a valid certificate ARN. Check the "
		    "entity's arn property or the certificate_arn input.",
		    what);
	else if (strcmp(t, "LimitExceededException") == 0)
		rc = buf_printf(out,
		    "ACM will not %s %s: an ACM quota was reached "
		    "(certificates per account and year, or names per "
		    "certificate). Delete unused certificates or ask AWS for "
		    "a quota increase.",
		    verb, what);
	else if (strcmp(t, "RequestInProgressException") == 0)
		rc = buf_printf(out,
		    "ACM is still working on certificate %s; run the action "
		    "again in a few minutes.",
		    what);
	else if (strcmp(t, "AccessDeniedException") == 0 ||
	         strcmp(t, "UnrecognizedClientException") == 0 ||
	         strcmp(t, "InvalidClientTokenId") == 0 ||
	         strcmp(t, "ExpiredTokenException") == 0 ||
	         strcmp(t, "InvalidSignatureException") == 0)
		rc = buf_printf(out,
		    "AWS refused the credentials for acm:%s on %s (%s). Check "
		    "the role or keys the workflow uses and its IAM policy "
		    "(port-acm's examples/iam/ and docs/credentials.md).",
		    verb, what, t);
	else if (strcmp(t, "ThrottlingException") == 0)
		rc = buf_printf(out,
		    "ACM is throttling requests in this account, so %s was "
		    "not done; run the action again in a minute.",
		    what);
	else if (strcmp(t, "InvalidDomainValidationOptionsException") == 0)
		rc = buf_printf(
		    out, "ACM rejected the validation settings for %s.", what);
	else if (strcmp(t, "InvalidTagException") == 0 ||
	         strcmp(t, "TooManyTagsException") == 0 ||
	         strcmp(t, "TagPolicyException") == 0)
		rc = buf_printf(out,
		    "ACM rejected the tags for %s: check them against your "
		    "organisation's tag policy.",
		    what);
	else if (what && what[0])
		rc = buf_printf(
		    out, "ACM could not %s the certificate %s.", verb, what);
	else
		rc = buf_printf(out, "ACM could not %s the certificate.", verb);
	if (rc == 0 && err->kind == ACM_ERR_SERVICE)
		rc = buf_printf(out, " (ACM: %s%s%s%s%s)", t,
		    err->message[0] ? ": " : "", err->message,
		    err->request_id[0] ? "; request id " : "", err->request_id);
	return rc;
}
