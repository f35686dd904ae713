#include "acm.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "retry.h"
#include "sigv4.h"
#include "validate.h"

struct acm {
	struct http *http;
	struct acm_config cfg;
	char url[2048];  /* endpoint as sent */
	char host[512];  /* Host header value as signed */
	char path[1024]; /* request path, "/" unless the endpoint has one */
	struct retry retry;
};

/* Splits the endpoint into what curl is sent and what is signed: the
 * Host header is lower-case with the port only when it is not the
 * scheme's default (botocore's _host_from_url). */
static int
split_endpoint(struct acm *a, const char *endpoint)
{
	const char *p, *hs, *he, *slash;
	int https;
	size_t n, i;

	if (strncmp(endpoint, "https://", 8) == 0) {
		https = 1;
		hs = endpoint + 8;
	} else if (strncmp(endpoint, "http://", 7) == 0) {
		https = 0;
		hs = endpoint + 7;
	} else
		return -1;
	slash = strchr(hs, '/');
	he = slash ? slash : hs + strlen(hs);
	n = (size_t)(he - hs);
	if (n == 0 || n >= sizeof(a->host))
		return -1;
	for (i = 0; i < n; i++)
		a->host[i] = (char)tolower((unsigned char)hs[i]);
	a->host[n] = '\0';
	if ((p = strrchr(a->host, ':')) != NULL && strchr(p, ']') == NULL) {
		if ((https && strcmp(p, ":443") == 0) ||
		    (!https && strcmp(p, ":80") == 0))
			a->host[p - a->host] = '\0';
	}
	str_copy(a->path, sizeof(a->path), slash && slash[1] ? slash : "/");
	n = strlen(endpoint);
	while (n > 0 && endpoint[n - 1] == '/')
		n--;
	if (n + 1 >= sizeof(a->url))
		return -1;
	memcpy(a->url, endpoint, n);
	a->url[n] = '\0';
	if (strcmp(a->path, "/") == 0)
		strcat(a->url, "/");
	return 0;
}

struct acm *
acm_new(struct http *http, const struct acm_config *cfg)
{
	struct acm *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->http = http;
	a->cfg = *cfg;
	if (split_endpoint(a, cfg->endpoint) != 0) {
		free(a);
		return NULL;
	}
	retry_init(&a->retry, RETRY_AWS, cfg->max_attempts);
	return a;
}

void
acm_free(struct acm *a)
{
	free(a);
}

int
acm_error_is(const struct acm_error *err, const char *type)
{
	return err->kind == ACM_ERR_SERVICE && strcmp(err->type, type) == 0;
}

static void
sanitise_type(const char *in, char *out, size_t outlen)
{
	char tmp[256];
	char *p;

	str_copy(tmp, sizeof(tmp), in);
	if ((p = strchr(tmp, ':')) != NULL)
		*p = '\0';
	p = strrchr(tmp, '#');
	str_copy(out, outlen, p ? p + 1 : tmp);
	/* Trim what a proxy might wrap around it. */
	for (p = out; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.')
			*p = '\0';
}

void
acm_error_parse(long status, const char *errortype_header, const char *body,
    size_t len, const char *request_id, struct acm_error *err)
{
	cJSON *json = NULL, *v;
	size_t i, n;

	memset(err, 0, sizeof(*err));
	err->kind = ACM_ERR_SERVICE;
	err->http_status = status;
	str_copy(err->request_id, sizeof(err->request_id), request_id);
	if (body != NULL && len > 0)
		json = cJSON_ParseWithLength(body, len);
	if (errortype_header != NULL && errortype_header[0] != '\0')
		sanitise_type(errortype_header, err->type, sizeof(err->type));
	if (err->type[0] == '\0' && cJSON_IsObject(json)) {
		v = cJSON_GetObjectItemCaseSensitive(json, "code");
		if (!cJSON_IsString(v))
			v = cJSON_GetObjectItemCaseSensitive(json, "__type");
		if (cJSON_IsString(v))
			sanitise_type(
			    v->valuestring, err->type, sizeof(err->type));
	}
	if (cJSON_IsObject(json)) {
		v = cJSON_GetObjectItemCaseSensitive(json, "message");
		if (!cJSON_IsString(v))
			v = cJSON_GetObjectItemCaseSensitive(json, "Message");
		if (cJSON_IsString(v))
			str_copy(
			    err->message, sizeof(err->message), v->valuestring);
	} else if (body != NULL && len > 0) {
		/* e.g. an HTML page from a proxy: keep it printable. */
		n = len < sizeof(err->message) - 1 ? len
		                                   : sizeof(err->message) - 1;
		for (i = 0; i < n; i++)
			err->message[i] =
			    isprint((unsigned char)body[i]) ? body[i] : ' ';
		err->message[n] = '\0';
	}
	if (err->type[0] == '\0')
		snprintf(err->type, sizeof(err->type), "HTTP%ld", status);
	str_scrub(err->message);
	str_scrub(err->request_id);
	cJSON_Delete(json);
}

int
acm_endpoint_for_region(const char *region, char *out, size_t outlen)
{
	const struct partition *p = validate_partition_for_region(region);
	int n;

	n = snprintf(out, outlen, "https://acm.%s.%s", region, p->dns_suffix);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* Signs and sends one attempt. */
static enum http_result
attempt(struct acm *a, const char *op, const char *body,
    struct http_response *resp, char *err, size_t errlen, int send_once)
{
	struct sigv4_header sh[5];
	struct sigv4_request sr;
	struct sigv4_credentials cr;
	struct buf authz = {0}, lines[6] = {{0}};
	const char *hdrs[6];
	char date[17], target[128];
	size_t n = 0, i;
	enum http_result rc = HTTP_EOTHER;

	snprintf(target, sizeof(target), "CertificateManager.%s", op);
	/* Re-signed on every attempt: the date must be current. */
	if (sigv4_amz_date(time(NULL), date) != 0)
		goto done;
	sh[n++] =
	    (struct sigv4_header){"Content-Type", "application/x-amz-json-1.1"};
	sh[n++] = (struct sigv4_header){"Host", a->host};
	sh[n++] = (struct sigv4_header){"X-Amz-Date", date};
	sh[n++] = (struct sigv4_header){"X-Amz-Target", target};
	if (a->cfg.session_token != NULL)
		sh[n++] = (struct sigv4_header){
		    "X-Amz-Security-Token", a->cfg.session_token};
	sr = (struct sigv4_request){
	    "POST", a->path, "", sh, n, body, strlen(body)};
	cr = (struct sigv4_credentials){a->cfg.access_key_id,
	    a->cfg.secret_access_key, a->cfg.session_token};
	if (sigv4_authorization(&sr, &cr, date, a->cfg.region, "acm", &authz) !=
	    0) {
		snprintf(err, errlen, "could not sign the ACM request");
		goto done;
	}
	for (i = 0; i < n; i++) {
		if (buf_printf(&lines[i], "%s: %s", sh[i].name, sh[i].value) !=
		    0)
			goto done;
		hdrs[i] = buf_str(&lines[i]);
	}
	if (buf_printf(&lines[n], "Authorization: %s", buf_str(&authz)) != 0)
		goto done;
	hdrs[n] = buf_str(&lines[n]);
	rc = http_send(a->http,
	    &(struct http_request){"POST", a->url, hdrs, n + 1, body,
	        strlen(body), a->cfg.ca_file, a->cfg.ca_setting, send_once},

	    resp, err, errlen);
done:
	buf_wipe(&authz);
	for (i = 0; i < 6; i++)
		buf_wipe(&lines[i]);
	return rc;
}

int
acm_call(struct acm *a, const char *op, const cJSON *params, cJSON **out,
    struct acm_error *err)
{
	struct http_response resp = {0};
	struct retry_outcome o;
	enum http_result hr;
	char *body = NULL, why[1024];
	int result = -1, idempotent;
	unsigned attempts = 0;
	long delay;

	*out = NULL;
	memset(err, 0, sizeof(*err));
	body = params ? cJSON_PrintUnformatted(params) : strdup("{}");
	if (body == NULL) {
		err->kind = ACM_ERR_TRANSPORT;
		str_copy(err->message, sizeof(err->message), "out of memory");
		return -1;
	}
	idempotent =
	    strcmp(op, "RequestCertificate") != 0 ||
	    cJSON_GetObjectItemCaseSensitive(params, "IdempotencyToken");
	/* One logical call; the retry quota carries over between calls. */
	retry_begin(&a->retry);
	for (;;) {
		memset(&o, 0, sizeof(o));
		memset(err, 0, sizeof(*err));
		resp.sends = 0;
		hr = attempt(a, op, body, &resp, why, sizeof(why), !idempotent);
		attempts += resp.sends;
		if (hr == HTTP_OK && resp.status >= 200 && resp.status < 300) {
			*out = resp.body.len
			           ? cJSON_ParseWithLength(
			                 resp.body.data, resp.body.len)
			           : cJSON_CreateObject();
			if (cJSON_IsObject(*out)) {
				o.failure = RETRY_OK;
				retry_next(&a->retry, &o, 0);
				result = 0;
				goto done;
			}
			cJSON_Delete(*out);
			*out = NULL;
			err->kind = ACM_ERR_RESPONSE;
			err->http_status = resp.status;
			str_copy(err->request_id, sizeof(err->request_id),
			    resp.request_id);
			snprintf(err->message, sizeof(err->message),
			    "ACM answered %s with HTTP %ld but a body that is "
			    "not a JSON object",
			    op, resp.status);
			/* A mangled answer is as good as none: retry. */
			o.failure = RETRY_CONNECT;
		} else if (hr == HTTP_OK) {
			acm_error_parse(resp.status, resp.error_type,
			    resp.body.data, resp.body.len, resp.request_id,
			    err);
			/* e.g. a signature error quoting the canonical
			 * request, session token included. */
			str_redact(err->message, a->cfg.secret_access_key);
			str_redact(err->message, a->cfg.session_token);

			o.failure = RETRY_HTTP;
			o.http_status = resp.status;
			o.error_code = err->type;
			o.retry_after =
			    resp.retry_after[0] ? resp.retry_after : NULL;
		} else {
			err->kind = ACM_ERR_TRANSPORT;
			str_copy(err->message, sizeof(err->message), why);
			o.failure = hr == HTTP_ETIMEOUT   ? RETRY_TIMEOUT
			            : hr == HTTP_ECONNECT ? RETRY_CONNECT
			                                  : RETRY_OTHER;
		}
		/* RequestCertificate is not idempotent by itself: a retry
		 * after a lost answer would mint a second certificate.
		 * With an IdempotencyToken (derived from the Port run id)
		 * ACM returns the same one, so any retry is safe; without,
		 * only an answer proving nothing happened (throttling) is
		 * retried. */
		if (!idempotent && !(o.failure == RETRY_HTTP &&
		                       (retry_is_throttling(o.error_code) ||
		                           o.http_status == 429)))
			goto done;
		delay = retry_next(&a->retry, &o, retry_rand01());
		if (delay < 0 || http_sleep_ms(a->http, delay) != 0)
			goto done;
	}
done:
	err->attempts = attempts; /* also on success: the outcome */
	http_response_free(&resp);
	free(body);
	return result;
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
