#include "aws/acm.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/aws_json.h"

struct acm {
	struct aws_client *client;
};

static const struct aws_service acm_service = {.name = "ACM",
    .signing_name = "acm",
    .protocol = AWS_PROTO_JSON,
    .target_prefix = "CertificateManager",
    .content_type = "application/x-amz-json-1.1"};

struct acm *
acm_new(struct http *http, const struct acm_config *cfg)
{
	struct acm *a = calloc(1, sizeof(*a));
	char why[256];

	if (a != NULL && (a->client = aws_client_open(http, &acm_service, cfg,
	                      0, 0, why, sizeof(why))) == NULL) {
		free(a);
		return NULL;
	}
	return a;
}

void
acm_free(struct acm *a)
{
	if (a != NULL)
		aws_client_free(a->client);
	free(a);
}

int
acm_error_is(const struct acm_error *err, const char *type)
{
	return aws_error_is(err, type);
}

void
acm_error_parse(long status, const char *errortype_header, const char *body,
    size_t len, const char *request_id, struct acm_error *err)
{
	aws_error_parse(AWS_PROTO_JSON, status, errortype_header, body, len,
	    request_id, NULL, err);
}

int
acm_endpoint_for_region(const char *region, char *out, size_t outlen)
{
	char sr[64];

	return aws_endpoint("acm", region, 0, 0, out, outlen, sr, sizeof(sr));
}

/* RequestCertificate is not idempotent by itself: a retry after a lost
 * answer would mint a second certificate. With an IdempotencyToken
 * (derived from the Port run id) ACM returns the same one, so any retry
 * is safe. */
static int
idempotent(const char *op, const cJSON *params)
{
	return strcmp(op, "RequestCertificate") != 0 ||
	       cJSON_GetObjectItemCaseSensitive(params, "IdempotencyToken") !=
	           NULL;
}

int
acm_call(struct acm *a, const char *op, const cJSON *params, cJSON **out,
    struct acm_error *err)
{
	return aws_json_call(
	    a->client, op, params, idempotent(op, params), out, err);
}

struct aws_json_item
acm_list_item(struct acm *acm, const cJSON *params)
{
	/* A read: safe to repeat. */
	return (struct aws_json_item){.client = acm->client,
	    .op = "ListCertificates",
	    .params = params,
	    .idempotent = 1};
}

static void
get_str(const cJSON *obj, const char *name, char *dst, size_t dstlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (cJSON_IsString(v)) {
		str_copy(dst, dstlen, v->valuestring);
		str_scrub(dst);
	}
}

static double
get_time(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	/* Epoch seconds as a double: fractions and exponents occur. */
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static int
get_strings(const cJSON *obj, const char *name, char ***out, size_t *n)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, name), *v;
	size_t i = 0;

	*out = NULL;
	*n = 0;
	if (arr == NULL)
		return 0;
	if (!cJSON_IsArray(arr))
		return -1;
	if ((*out = calloc(
	         (size_t)cJSON_GetArraySize(arr) + 1, sizeof(char *))) == NULL)
		return -1;
	cJSON_ArrayForEach(v, arr)
	{
		if (!cJSON_IsString(v) ||
		    ((*out)[i] = strdup(v->valuestring)) == NULL)
			return -1;
		str_scrub((*out)[i]);
		*n = ++i;
	}
	return 0;
}

static int
get_validations(const cJSON *obj, struct acm_validation **out, size_t *n)
{
	const cJSON *arr, *v, *rr, *mails, *m;
	struct acm_validation *val;
	size_t len;

	*out = NULL;
	*n = 0;
	arr = cJSON_GetObjectItemCaseSensitive(obj, "DomainValidationOptions");
	if (arr == NULL)
		return 0;
	if (!cJSON_IsArray(arr))
		return -1;
	if ((*out = calloc(
	         (size_t)cJSON_GetArraySize(arr) + 1, sizeof(**out))) == NULL)
		return -1;
	cJSON_ArrayForEach(v, arr)
	{
		if (!cJSON_IsObject(v))
			return -1;
		val = &(*out)[(*n)++];
		get_str(v, "DomainName", val->domain, sizeof(val->domain));
		get_str(
		    v, "ValidationMethod", val->method, sizeof(val->method));
		get_str(
		    v, "ValidationStatus", val->status, sizeof(val->status));
		rr = cJSON_GetObjectItemCaseSensitive(v, "ResourceRecord");
		if (cJSON_IsObject(rr)) {
			get_str(rr, "Name", val->record_name,
			    sizeof(val->record_name));
			get_str(rr, "Type", val->record_type,
			    sizeof(val->record_type));
			get_str(rr, "Value", val->record_value,
			    sizeof(val->record_value));
		}
		mails = cJSON_GetObjectItemCaseSensitive(v, "ValidationEmails");
		cJSON_ArrayForEach(m, mails)
		{
			if (!cJSON_IsString(m))
				continue;
			len = strlen(val->emails);
			snprintf(val->emails + len, sizeof(val->emails) - len,
			    "%s%s", len ? ", " : "", m->valuestring);
			str_scrub(val->emails);
		}
	}
	return 0;
}

int
acm_certificate_parse(
    const cJSON *response, struct acm_certificate *c, char *err, size_t errlen)
{
	const cJSON *d, *rs, *opt;
	char *p;

	memset(c, 0, sizeof(*c));
	d = cJSON_GetObjectItemCaseSensitive(response, "Certificate");
	if (!cJSON_IsObject(d)) {
		snprintf(err, errlen,
		    "ACM's DescribeCertificate answer has no Certificate "
		    "object");
		return -1;
	}
	get_str(d, "CertificateArn", c->arn, sizeof(c->arn));
	get_str(d, "DomainName", c->domain, sizeof(c->domain));
	get_str(d, "Status", c->status, sizeof(c->status));
	if (c->arn[0] == '\0' || c->domain[0] == '\0' || c->status[0] == '\0') {
		snprintf(err, errlen,
		    "ACM's DescribeCertificate answer lacks CertificateArn, "
		    "DomainName or Status");
		return -1;
	}
	get_str(d, "Type", c->type, sizeof(c->type));
	get_str(d, "KeyAlgorithm", c->key_algorithm, sizeof(c->key_algorithm));
	/* ACM answers "RSA-2048" where requests say "RSA_2048". */
	for (p = c->key_algorithm; *p; p++)
		if (*p == '-')
			*p = '_';
	get_str(d, "RenewalEligibility", c->renewal_eligibility,
	    sizeof(c->renewal_eligibility));
	get_str(
	    d, "FailureReason", c->failure_reason, sizeof(c->failure_reason));
	get_str(d, "CertificateAuthorityArn", c->ca_arn, sizeof(c->ca_arn));
	get_str(d, "Issuer", c->issuer, sizeof(c->issuer));
	get_str(d, "Serial", c->serial, sizeof(c->serial));
	opt = cJSON_GetObjectItemCaseSensitive(d, "Options");
	if (cJSON_IsObject(opt))
		get_str(
		    opt, "Export", c->export_option, sizeof(c->export_option));
	c->created_at = get_time(d, "CreatedAt");
	c->issued_at = get_time(d, "IssuedAt");
	c->imported_at = get_time(d, "ImportedAt");
	c->not_before = get_time(d, "NotBefore");
	c->not_after = get_time(d, "NotAfter");
	if (get_strings(d, "SubjectAlternativeNames", &c->sans, &c->nsans) !=
	        0 ||
	    get_strings(d, "InUseBy", &c->in_use_by, &c->nin_use_by) != 0 ||
	    get_validations(d, &c->validations, &c->nvalidations) != 0)
		goto bad;
	rs = cJSON_GetObjectItemCaseSensitive(d, "RenewalSummary");
	if (cJSON_IsObject(rs)) {
		get_str(rs, "RenewalStatus", c->renewal_status,
		    sizeof(c->renewal_status));
		get_str(rs, "RenewalStatusReason", c->renewal_reason,
		    sizeof(c->renewal_reason));
		if (get_validations(rs, &c->renewal_validations,
		        &c->nrenewal_validations) != 0)
			goto bad;
	}
	return 0;
bad:
	acm_certificate_free(c);
	snprintf(err, errlen,
	    "ACM's DescribeCertificate answer has a field of the wrong type");
	return -1;
}

void
acm_certificate_free(struct acm_certificate *c)
{
	size_t i;

	if (c->sans)
		for (i = 0; c->sans[i]; i++)
			free(c->sans[i]);
	if (c->in_use_by)
		for (i = 0; c->in_use_by[i]; i++)
			free(c->in_use_by[i]);
	free(c->sans);
	free(c->in_use_by);
	free(c->validations);
	free(c->renewal_validations);
	memset(c, 0, sizeof(*c));
}
