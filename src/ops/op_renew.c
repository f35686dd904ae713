/*
 * op_renew: the renew flow: RenewCertificate where ACM can renew the
 * certificate, and the fix in words where it cannot (imported, managed
 * renewal); its state written back to Port.
 */
#include <stdio.h>
#include <string.h>

#include "ops/doctor.h"
#include "ops/explain.h"
#include "ops/ops.h"

/* Whether ACM's records for managed renewal are all validated. */
static int
records_in_place(const struct acm_certificate *cert, struct buf *missing)
{
	const struct acm_validation *v = cert->nrenewal_validations
	                                     ? cert->renewal_validations
	                                     : cert->validations;
	size_t i, n = cert->nrenewal_validations ? cert->nrenewal_validations
	                                         : cert->nvalidations;
	int ok = 1;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].method, "DNS") == 0 &&
		    strcmp(v[i].status, "SUCCESS") != 0) {
			buf_printf(
			    missing, "%s%s", ok ? "" : ", ", v[i].domain);
			ok = 0;
		}
	return ok;
}

/* A public certificate: ACM renews it itself; say what it will do.
 * refused: ACM refused RenewCertificate (never exported) rather than
 * port-acm not calling it. */
static int
managed(struct op_result *res, const struct acm_certificate *cert, int refused)
{
	struct buf when = {0}, missing = {0};
	int in_place = records_in_place(cert, &missing), rc = 0;

	explain_time(cert->not_after, &when);
	if (strcmp(cert->status, "ISSUED") != 0) {
		buf_printf(&res->summary,
		    "%s (%s) is %s, so there is nothing ACM can renew. %s",
		    cert->arn, cert->domain, cert->status,
		    strcmp(cert->status, "PENDING_VALIDATION") == 0
		        ? "It has not been issued yet: add its DNS "
		          "validation records (see the Request run or the "
		          "AWS console) and ACM will issue it."
		        : "Request a new certificate instead.");
		snprintf(res->label, sizeof(res->label), "Not renewable");
		rc = 1;
		goto done;
	}
	if (strcmp(cert->renewal_status, "FAILED") == 0) {
		buf_printf(&res->summary,
		    "ACM's managed renewal of %s (%s) failed: ", cert->arn,
		    cert->domain);
		explain_failure_reason(cert->renewal_reason, &res->summary);
		buf_printf(&res->summary,
		    ". It expires %s. Fix the cause (keep every validation "
		    "CNAME in DNS) so ACM can retry, or request a new "
		    "certificate.",
		    buf_str(&when));
		snprintf(res->label, sizeof(res->label), "Renewal failed");
		rc = 1;
		goto done;
	}
	buf_printf(&res->summary,
	    "%s (%s) is a public ACM certificate: ACM renews it by itself "
	    "(managed renewal, same ARN). %s It expires %s; renewal "
	    "eligibility: %s",
	    cert->arn, cert->domain,
	    refused ? "ACM refused RenewCertificate because the certificate "
	              "has never been exported: on-demand renewal applies "
	              "only to private certificates and exportable ones "
	              "after their first export."
	            : "port-acm did not call RenewCertificate, which "
	              "applies only to private and exported certificates.",
	    buf_str(&when),
	    cert->renewal_eligibility[0] ? cert->renewal_eligibility
	                                 : "unknown");
	if (cert->renewal_status[0])
		buf_printf(&res->summary, "; renewal status: %s",
		    cert->renewal_status);
	buf_puts(&res->summary, ".");
	if (strcmp(cert->renewal_eligibility, "INELIGIBLE") == 0)
		buf_puts(&res->summary,
		    " ACM renews only certificates that are in use (attached "
		    "to a load balancer, CloudFront, API Gateway...) or "
		    "exported; attach it before it expires.");
	else
		buf_puts(&res->summary,
		    " ACM starts renewing 60 days before expiry (45 for "
		    "email validation).");
	if (!in_place)
		buf_printf(&res->summary,
		    " Validation is not complete for %s: keep the ACM "
		    "validation CNAME records in DNS or renewal will fail.",
		    buf_str(&missing));
	else
		buf_puts(
		    &res->summary, " The DNS validation records are in place.");
	snprintf(res->label, sizeof(res->label), "Managed renewal");
done:
	buf_free(&when);
	buf_free(&missing);
	return rc;
}

int
op_renew(struct op_env *env, struct op_result *res)
{
	const struct config *c = env->cfg;
	struct acm_certificate cert = {0};
	struct acm_error err;
	cJSON *params = NULL, *resp = NULL;
	struct buf when = {0};
	int rc = 1;

	snprintf(res->arn, sizeof(res->arn), "%s", c->certificate_arn);
	op_console_url(&c->arn, res);
	if (op_describe(env, c->certificate_arn, &cert, &err) != 0) {
		op_fail(env, res, &err, "renew", c->certificate_arn);
		goto done;
	}
	op_fill(res, &cert);
	explain_time(cert.not_after, &when);
	if (strcmp(cert.type, "IMPORTED") == 0) {
		buf_printf(&res->summary,
		    "%s (%s) was imported into ACM, and ACM cannot renew "
		    "imported certificates. Get a renewed certificate from its "
		    "issuer and re-import it over the same ARN (aws acm "
		    "import-certificate --certificate-arn %s ...) before it "
		    "expires %s.",
		    cert.arn, cert.domain, cert.arn, buf_str(&when));
		snprintf(res->label, sizeof(res->label), "Re-import needed");
		catalog_upsert(env, &cert);
		goto done;
	}
	if (strcmp(cert.type, "PRIVATE") != 0 &&
	    strcmp(cert.export_option, "ENABLED") != 0) {
		rc = managed(res, &cert, 0);
		doctor_report(env, res, &cert, 0); /* FAILED: why */
		catalog_upsert(env, &cert);
		goto done;
	}

	if ((params = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddStringToObject(params, "CertificateArn", cert.arn))
		goto done;
	if (op_change(env, res, "RenewCertificate", params, &resp, &err) != 0) {
		if (acm_error_is(&err, "RequestInProgressException") &&
		    err.attempts > 1) {
			/* An earlier attempt reached ACM and its answer was
			 * lost: the renewal it started is the one in
			 * progress. */
			report_log(env->report,
			    "ACM's answer to RenewCertificate was lost; the "
			    "retry found the renewal already in progress");
		} else if (acm_error_is(&err, "ValidationException") &&
		           strcmp(cert.type, "PRIVATE") != 0) {
			/* An exportable public certificate that was never
			 * exported: RenewCertificate applies only after an
			 * export (aws-acm.md §3.1); ACM's managed renewal
			 * covers it until then. Whether it was exported is
			 * not in DescribeCertificate, so ACM's refusal is
			 * how port-acm learns it. */
			report_log(env->report,
			    "ACM refused RenewCertificate (%s); the "
			    "certificate has not been exported, so ACM "
			    "renews it itself",
			    err.message);
			rc = managed(res, &cert, 1);
			catalog_upsert(env, &cert);
			goto done;
		} else {
			op_fail(env, res, &err, "renew", cert.arn);
			goto done;
		}
	}
	snprintf(res->changed, sizeof(res->changed), "sent for renewal");
	acm_certificate_free(&cert);
	if (op_describe(env, c->certificate_arn, &cert, &err) != 0) {
		buf_printf(&res->summary,
		    "ACM accepted the renewal of %s; its new state could not "
		    "be "
		    "read (%s).",
		    c->certificate_arn, err.message);
		snprintf(res->label, sizeof(res->label), "Renewal requested");
		rc = 0;
		goto done;
	}
	op_fill(res, &cert);
	buf_reset(&when);
	explain_time(cert.not_after, &when);
	buf_printf(&res->summary,
	    "ACM is renewing %s (%s); renewal status: %s. The ARN stays the "
	    "same; %s",
	    cert.arn, cert.domain,
	    cert.renewal_status[0] ? cert.renewal_status : "requested",
	    strcmp(cert.type, "PRIVATE") == 0
	        ? "export the renewed certificate where it is used."
	        : "export it again once the renewal succeeds.");
	buf_printf(&res->summary, " Current expiry: %s.", buf_str(&when));
	snprintf(res->label, sizeof(res->label), "Renewal requested");
	catalog_upsert(env, &cert);
	rc = 0;
done:
	if (res->summary.len)
		buf_printf(&res->step_summary,
		    "### ACM certificate renewal\n\n%s\n",
		    buf_str(&res->summary));
	buf_free(&when);
	acm_certificate_free(&cert);
	cJSON_Delete(params);
	cJSON_Delete(resp);
	return rc;
}
