/*
 * op_delete: the delete flow: DeleteCertificate (retried while ACM says
 * in use), its entity and, when asked, its DNS records.
 */
#include <stdio.h>
#include <string.h>

#include "ops/dns_cleanup.h"
#include "ops/explain.h"
#include "ops/ops.h"

static void
gone(struct op_env *env, struct op_result *res, const char *how)
{
	snprintf(res->status, sizeof(res->status), "DELETED");
	buf_reset(&res->summary);
	buf_printf(&res->summary, "Certificate %s %s.", res->arn, how);
	snprintf(res->label, sizeof(res->label), "Certificate deleted");
	catalog_delete(env, res->arn);
}

/* delete_validation_records, once the certificate is gone. 0, or 1
 * when Route 53 failed (the certificate is deleted all the same). */
static int
remove_records(struct op_env *env, struct op_result *res,
    const struct acm_certificate *cert)
{
	if (!env->cfg->delete_validation_records)
		return 0;
	if (cert == NULL) {
		buf_puts(&res->summary,
		    "\n\nACM no longer knows the certificate, so port-acm "
		    "cannot tell which validation records it used: nothing "
		    "was removed from Route 53.");
		return 0;
	}
	if (dns_delete_records(env, res, cert) == 0)
		return 0;
	snprintf(res->label, sizeof(res->label),
	    "Certificate deleted, records kept");
	return 1;
}

int
op_delete(struct op_env *env, struct op_result *res)
{
	const struct config *c = env->cfg;
	struct acm_certificate cert = {0};
	struct acm_error err;
	cJSON *params = NULL, *resp = NULL;
	long interval = c->poll_interval_ms;
	long long until;
	size_t i;
	int rc = 1;

	snprintf(res->arn, sizeof(res->arn), "%s", c->certificate_arn);
	op_console_url(&c->arn, res);
	if (op_describe(env, c->certificate_arn, &cert, &err) != 0) {
		if (acm_error_is(&err, "ResourceNotFoundException")) {
			gone(env, res,
			    "is already gone (ACM has no such "
			    "certificate): nothing to delete");
			rc = remove_records(env, res, NULL);
		} else
			op_fail(env, res, &err, "delete", c->certificate_arn);
		goto done;
	}
	op_fill(res, &cert);
	if (cert.nin_use_by > 0) {
		buf_printf(&res->summary,
		    "Certificate %s (%s) is still used by %zu AWS resource%s, "
		    "so it was not deleted. Detach it from these first, then "
		    "run Delete again:",
		    cert.arn, cert.domain, cert.nin_use_by,
		    cert.nin_use_by == 1 ? "" : "s");
		for (i = 0; i < cert.nin_use_by; i++)
			buf_printf(&res->summary, "\n- %s", cert.in_use_by[i]);
		snprintf(res->label, sizeof(res->label), "Certificate in use");
		report_log(env->report, "%s", buf_str(&res->summary));
		goto done;
	}

	if ((params = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddStringToObject(params, "CertificateArn", cert.arn))
		goto done;
	/* Detaching is eventually consistent: ACM may still say "in use"
	 * for a while after the last resource let go. */
	until = http_now_ms() + (long long)c->delete_wait_minutes * 60000;
	for (;;) {
		cJSON_Delete(resp);
		resp = NULL;
		if (op_change(env, res, "DeleteCertificate", params, &resp,
		        &err) == 0) {
			snprintf(res->changed, sizeof(res->changed), "deleted");
			gone(env, res, "was deleted");
			rc = remove_records(env, res, &cert);
			goto done;
		}
		if (acm_error_is(&err, "ResourceNotFoundException")) {
			gone(env, res, "was already gone");
			rc = remove_records(env, res, &cert);
			goto done;
		}
		if (!acm_error_is(&err, "ResourceInUseException") ||
		    http_now_ms() + interval > until)
			break;
		report_log(env->report,
		    "ACM still reports the certificate in use; retrying in "
		    "%ld s",
		    (interval + 999) / 1000);
		if (op_wait(env, &interval) != 0)
			break;
	}
	op_fail(env, res, &err, "delete", cert.arn);
done:
	if (res->summary.len)
		buf_printf(&res->step_summary,
		    "### ACM certificate deletion\n\n%s\n",
		    buf_str(&res->summary));
	acm_certificate_free(&cert);
	cJSON_Delete(params);
	cJSON_Delete(resp);
	return rc;
}
