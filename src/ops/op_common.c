/*
 * op_common: what the operation flows share (ops.h): results, outputs,
 * the validation records, cancellation.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "base/cancel.h"
#include "base/md.h"
#include "ops/explain.h"
#include "ops/ops.h"

void
op_result_free(struct op_result *res)
{
	buf_free(&res->records_json);
	buf_free(&res->dns_json);
	cJSON_Delete(res->dns_zones);
	res->dns_zones = NULL;
	buf_free(&res->summary);
	buf_free(&res->step_summary);
	buf_free(&res->diagnosis);
	cJSON_Delete(res->outputs);
	res->outputs = NULL;
}

int
op_describe(struct op_env *env, const char *arn, struct acm_certificate *cert,
    struct acm_error *err)
{
	cJSON *params, *resp = NULL;
	char why[256];
	int rc = -1;

	memset(cert, 0, sizeof(*cert));
	if ((params = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(params, "CertificateArn", arn) == NULL) {
		memset(err, 0, sizeof(*err));
		err->kind = ACM_ERR_TRANSPORT;
		snprintf(err->message, sizeof(err->message), "out of memory");
		goto done;
	}
	if (acm_call(env->acm, "DescribeCertificate", params, &resp, err) != 0)
		goto done;
	if (acm_certificate_parse(resp, cert, why, sizeof(why)) != 0) {
		memset(err, 0, sizeof(*err));
		err->kind = ACM_ERR_RESPONSE;
		snprintf(err->message, sizeof(err->message), "%s", why);
		goto done;
	}
	rc = 0;
done:
	cJSON_Delete(params);
	cJSON_Delete(resp);
	return rc;
}

int
op_change(struct op_env *env, struct op_result *res, const char *op,
    const cJSON *params, cJSON **out, struct acm_error *err)
{
	int rc;

	*out = NULL;
	if (cancel_requested()) {
		memset(err, 0, sizeof(*err));
		err->kind = ACM_ERR_CANCELLED;
		snprintf(err->message, sizeof(err->message),
		    "%s was not sent: the run was cancelled", op);
		return -1;
	}
	res->in_flight = op;
	rc = acm_call(env->acm, op, params, out, err);
	if (rc == 0 || err->kind != ACM_ERR_CANCELLED)
		res->in_flight = NULL;
	return rc;
}

void
op_cancelled(const struct config *c, struct op_result *res, int sig)
{
	const char *name = sig == SIGINT    ? "SIGINT"
	                   : sig == SIGTERM ? "SIGTERM"
	                                    : "a signal";

	buf_reset(&res->summary);
	buf_printf(&res->summary,
	    "Cancelled (%s: the workflow run was cancelled or timed out). ",
	    name);
	if (res->changed[0])
		buf_printf(&res->summary,
		    "Before the cancel, certificate %s (%s) was %s in %s; "
		    "that stands.",
		    res->arn, res->domain[0] ? res->domain : "?", res->changed,
		    c->region);
	else if (res->in_flight && res->arn[0])
		buf_printf(&res->summary,
		    "%s for %s was in flight, so ACM may have carried it "
		    "out: check the certificate in %s before running the "
		    "action again.",
		    res->in_flight, res->arn, c->region);
	else if (res->in_flight)
		buf_printf(&res->summary,
		    "%s for %s was in flight, so ACM may have created the "
		    "certificate: look for it in ACM in %s before requesting "
		    "again.",
		    res->in_flight, c->domain_name, c->region);
	else
		buf_puts(&res->summary, "Nothing was changed in AWS.");
	buf_reset(&res->step_summary);
	buf_printf(&res->step_summary, "### Cancelled\n\n%s\n",
	    buf_str(&res->summary));
	snprintf(res->label, sizeof(res->label), "Cancelled");
}

int
op_wait(struct op_env *env, long *interval_ms)
{
	if (http_sleep_ms(env->http, *interval_ms) != 0)
		return -1;
	*interval_ms = *interval_ms * 3 / 2;
	if (*interval_ms > 30000)
		*interval_ms = 30000;
	return 0;
}

static int
same_record(const struct acm_validation *a, const struct acm_validation *b)
{
	return strcmp(a->record_name, b->record_name) == 0 &&
	       strcmp(a->record_value, b->record_value) == 0;
}

int
op_record_first(const struct acm_certificate *cert, size_t i)
{
	const struct acm_validation *v = &cert->validations[i];
	size_t j;

	if (v->record_name[0] == '\0')
		return 0;
	for (j = 0; j < i; j++)
		if (same_record(&cert->validations[j], v))
			return 0; /* *.a.com and a.com share one record */
	return 1;
}

size_t
op_records(const struct acm_certificate *cert, struct buf *json, struct buf *md)
{
	cJSON *arr = cJSON_CreateArray(), *rec, *names;
	const struct acm_validation *v, *w;
	size_t i, j, n = 0;
	char *s;

	if (md)
		buf_puts(md, "| DNS name | Type | Value | For |\n"
		             "|---|---|---|---|\n");
	for (i = 0; i < cert->nvalidations && arr; i++) {
		if (!op_record_first(cert, i))
			continue;
		v = &cert->validations[i];
		n++;
		rec = cJSON_CreateObject();
		cJSON_AddStringToObject(rec, "name", v->record_name);
		cJSON_AddStringToObject(rec, "type", v->record_type);
		cJSON_AddStringToObject(rec, "value", v->record_value);
		names = cJSON_AddArrayToObject(rec, "domains");
		if (md) { /* ACM's text, neutralised (md.h) */
			buf_puts(md, "| `");
			md_text(md, v->record_name);
			buf_puts(md, "` | ");
			md_text(md, v->record_type);
			buf_puts(md, " | `");
			md_text(md, v->record_value);
			buf_puts(md, "` | ");
		}
		for (j = i; j < cert->nvalidations; j++) {
			w = &cert->validations[j];
			if (!same_record(w, v))
				continue;
			cJSON_AddItemToArray(
			    names, cJSON_CreateString(w->domain));
			if (md) {
				buf_puts(md, j == i ? "" : ", ");
				md_text(md, w->domain);
			}
		}
		if (md)
			buf_puts(md, " |\n");
		cJSON_AddStringToObject(rec, "status", v->status);
		cJSON_AddItemToArray(arr, rec);
	}
	if (json && arr && (s = cJSON_PrintUnformatted(arr)) != NULL) {
		buf_puts(json, s);
		cJSON_free(s);
	}
	cJSON_Delete(arr);
	return n;
}

void
op_console_url(const struct arn *arn, struct op_result *res)
{
	const char *id = strchr(arn->resource, '/');

	id = id ? id + 1 : arn->resource;
	if (strcmp(arn->partition, "aws") == 0)
		snprintf(res->console_url, sizeof(res->console_url),
		    "https://%s.console.aws.amazon.com/acm/home?region=%s"
		    "#/certificates/%s",
		    arn->region, arn->region, id);
	else if (strcmp(arn->partition, "aws-cn") == 0)
		snprintf(res->console_url, sizeof(res->console_url),
		    "https://%s.console.amazonaws.cn/acm/home?region=%s"
		    "#/certificates/%s",
		    arn->region, arn->region, id);
	else if (strcmp(arn->partition, "aws-us-gov") == 0)
		snprintf(res->console_url, sizeof(res->console_url),
		    "https://console.amazonaws-us-gov.com/acm/home?region=%s"
		    "#/certificates/%s",
		    arn->region, id);
	else
		res->console_url[0] = '\0';
}

void
op_fill(struct op_result *res, const struct acm_certificate *cert)
{
	snprintf(res->arn, sizeof(res->arn), "%s", cert->arn);
	snprintf(res->status, sizeof(res->status), "%s", cert->status);
	snprintf(res->domain, sizeof(res->domain), "%s", cert->domain);
}

void
op_fail(struct op_env *env, struct op_result *res, const struct acm_error *err,
    const char *verb, const char *what)
{
	buf_reset(&res->summary);
	res->local = err->kind == ACM_ERR_SETUP;
	explain_acm_error(err, verb, what, res->domain, &res->summary);
	snprintf(res->label, sizeof(res->label), "%s failed",
	    strcmp(verb, "request") == 0 ? "Request"
	    : strcmp(verb, "renew") == 0 ? "Renewal"
	                                 : "Deletion");
	report_log(env->report, "%s", buf_str(&res->summary));
}
