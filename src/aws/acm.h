/*
 * acm: the AWS Certificate Manager client, a thin awsJson1_1 module on
 * the AWS request layer (aws.h: signing, retries, errors, clock skew).
 *
 * Return convention: 0 on success; -1 on failure with *err filled in.
 * acm_error_parse and acm_certificate_parse are pure (no I/O) so they
 * can be unit-tested and fuzzed.
 */
#ifndef PORT_ACM_ACM_H
#define PORT_ACM_ACM_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "aws/aws.h"
#include "aws/aws_json.h"
#include "base/http.h"

/* Where the client connects and how (aws.h); endpoint is a URL
 * (NULL or "" = the service's own for region), clock NULL = a private
 * one. The old name stays for op code. */
#define acm_config aws_client_settings

/* ACM errors are the AWS layer's; the old names stay for op code. */
#define acm_error         aws_error
#define acm_error_kind    aws_error_kind
#define ACM_ERR_SERVICE   AWS_ERR_SERVICE
#define ACM_ERR_TRANSPORT AWS_ERR_TRANSPORT
#define ACM_ERR_RESPONSE  AWS_ERR_RESPONSE
#define ACM_ERR_SETUP     AWS_ERR_SETUP
#define ACM_ERR_CANCELLED AWS_ERR_CANCELLED

/* A validation record ACM wants in DNS (or where its mails go). */
struct acm_validation {
	char domain[254];
	char method[8];        /* "DNS", "EMAIL", "HTTP" */
	char status[32];       /* PENDING_VALIDATION, SUCCESS, FAILED */
	char record_name[512]; /* "" until ACM has made the record */
	char record_type[16];
	char record_value[512];
	char emails[1024]; /* comma-separated ValidationEmails */
};

/* The parts of DescribeCertificate's CertificateDetail port-acm uses.
 * CertificateDetail has no "Exported" (only ListCertificates' summary
 * does, aws-acm.md §2.3): whether a certificate was exported is learnt
 * from RenewCertificate's refusal. */
struct acm_certificate {
	char arn[2049];
	char domain[254];
	char status[32];        /* ISSUED, PENDING_VALIDATION, ... */
	char type[32];          /* AMAZON_ISSUED, PRIVATE, IMPORTED */
	char key_algorithm[32]; /* normalised: '-' mapped to '_' */
	char renewal_eligibility[16];
	char renewal_status[32];  /* RenewalSummary.RenewalStatus */
	char renewal_reason[128]; /* RenewalSummary.RenewalStatusReason */
	char failure_reason[64];
	char export_option[16]; /* Options.Export */
	char ca_arn[2049];      /* CertificateAuthorityArn */
	char issuer[256];       /* Issuer: "Amazon", a private CA's name */
	char serial[128];       /* Serial, hex with ':'; "" when imported */
	double created_at, issued_at, imported_at, not_before, not_after;
	char **sans; /* owned: SubjectAlternativeNames */
	size_t nsans;
	char **in_use_by; /* owned: InUseBy ARNs */
	size_t nin_use_by;
	struct acm_validation *validations; /* owned: DomainValidationOptions */
	size_t nvalidations;
	struct acm_validation *renewal_validations; /* RenewalSummary's */
	size_t nrenewal_validations;
};

struct acm;

/* Returns NULL on out of memory or an unusable endpoint. http is
 * borrowed and must outlive the client. Caller frees with acm_free. */
struct acm *acm_new(struct http *http, const struct acm_config *cfg);
void acm_free(struct acm *acm);

/* Calls CertificateManager.<op> with params (borrowed; NULL = {}).
 * On success *out is the parsed response object (an empty object for
 * operations without output); the caller frees it with cJSON_Delete. */
int acm_call(struct acm *acm, const char *op, const cJSON *params, cJSON **out,
    struct acm_error *err);

/* One ListCertificates call as an aws_json_call_many item, for a caller
 * that sends it in one batch with other calls (other units, other
 * services): acm (its own client: account, region, credentials) and
 * params borrowed and outliving the batch. */
struct aws_json_item acm_list_item(struct acm *acm, const cJSON *params);

/* Pure. Fills err from an error response (aws_error_parse for JSON,
 * no secrets): the type from the X-Amzn-Errortype header, else body
 * "code", else top-level "__type", sanitised (text before the first ':'
 * then after the last '#'); message from "message" or "Message", or the
 * raw body if not JSON. */
void acm_error_parse(long status, const char *errortype_header,
    const char *body, size_t len, const char *request_id,
    struct acm_error *err);

/* Pure. Parses a DescribeCertificate response ({"Certificate":{...}}).
 * Missing required fields (CertificateArn, DomainName, Status) and lists
 * of the wrong type are errors; unknown fields, and optional scalars of
 * the wrong type, are ignored (the model grows; a newer ACM must not
 * break an older port-acm). Text fields are truncated to their buffers
 * and scrubbed of control characters. On success the caller
 * frees with acm_certificate_free; on failure nothing is left to free. */
int acm_certificate_parse(const cJSON *response, struct acm_certificate *out,
    char *err, size_t errlen);
void acm_certificate_free(struct acm_certificate *c);

/* Pure. "https://acm.<region>.<dns suffix>" for region into out
 * (aws_endpoint without FIPS or dual-stack). */
int acm_endpoint_for_region(const char *region, char *out, size_t outlen);

/* Pure. Whether an error type is one of ACM's "doesn't exist" errors. */
int acm_error_is(const struct acm_error *err, const char *type);

#endif
