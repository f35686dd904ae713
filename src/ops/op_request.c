/*
 * op_request: the request flow: RequestCertificate, its validation
 * records, and waiting for issuance when asked.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ops/dns_validate.h"
#include "ops/doctor.h"
#include "ops/explain.h"
#include "ops/ops.h"

/* RequestCertificate's parameters: only the members that are set. */
static cJSON *
request_params(const struct config *c)
{
	cJSON *p = cJSON_CreateObject(), *arr, *t, *o;
	size_t i;

	if (p == NULL)
		return NULL;
	cJSON_AddStringToObject(p, "DomainName", c->domain_name);
	/* A private CA validates nothing; the two are exclusive. */
	if (c->pca_arn[0])
		cJSON_AddStringToObject(
		    p, "CertificateAuthorityArn", c->pca_arn);
	else
		cJSON_AddStringToObject(
		    p, "ValidationMethod", c->validation_method);
	if (c->nsans) {
		arr = cJSON_AddArrayToObject(p, "SubjectAlternativeNames");
		/* ACM wants the domain among the names it validates. */
		cJSON_AddItemToArray(arr, cJSON_CreateString(c->domain_name));
		for (i = 0; i < c->nsans; i++)
			if (strcasecmp(c->sans[i], c->domain_name) != 0)
				cJSON_AddItemToArray(
				    arr, cJSON_CreateString(c->sans[i]));
	}
	if (c->idempotency_token[0])
		cJSON_AddStringToObject(
		    p, "IdempotencyToken", c->idempotency_token);
	if (c->key_algorithm[0])
		cJSON_AddStringToObject(p, "KeyAlgorithm", c->key_algorithm);
	if (c->ntags) {
		arr = cJSON_AddArrayToObject(p, "Tags");
		for (i = 0; i < c->ntags; i++) {
			t = cJSON_CreateObject();
			cJSON_AddStringToObject(t, "Key", c->tags[i].key);
			cJSON_AddStringToObject(t, "Value", c->tags[i].value);
			cJSON_AddItemToArray(arr, t);
		}
	}
	if (c->export_option[0]) {
		o = cJSON_AddObjectToObject(p, "Options");
		cJSON_AddStringToObject(o, "Export", c->export_option);
	}
	return p;
}

static int
records_ready(const struct acm_certificate *cert)
{
	size_t i;

	if (cert->nvalidations == 0)
		return 0;
	for (i = 0; i < cert->nvalidations; i++)
		if (strcmp(cert->validations[i].method, "DNS") == 0 &&
		    cert->validations[i].record_name[0] == '\0')
			return 0;
	return 1;
}

static const char *
last_paragraph(const struct buf *b)
{
	const char *s = strrchr(buf_str(b), '\n');

	return s ? s + 1 : buf_str(b);
}

static int
is_final(const char *status)
{
	return strcmp(status, "PENDING_VALIDATION") != 0;
}

/* Describes until the DNS records exist: right after the request ACM
 * may not know the certificate yet, or list no records (aws-acm.md §4).
 * Returns 0 with *cert filled (the last good answer when the wait ends
 * early), -1 with err set when ACM never described it. */
static int
wait_records(struct op_env *env, const char *arn, struct acm_certificate *cert,
    struct acm_error *err)
{
	long interval = env->cfg->poll_interval_ms / 5 + 1;
	long long until = http_now_ms() + 5 * 60 * 1000;
	struct acm_certificate next;
	int tries = 0;

	memset(cert, 0, sizeof(*cert));
	for (;;) {
		tries++;
		if (op_describe(env, arn, &next, err) == 0) {
			/* Replaced only by a newer good answer, so a wait cut
			 * short still reports what ACM said last. */
			acm_certificate_free(cert);
			*cert = next;
			if (strcmp(env->cfg->validation_method, "DNS") != 0 ||
			    env->cfg->pca_arn[0] || records_ready(cert) ||
			    is_final(cert->status))
				return 0;
		} else if (cert->arn[0])
			return 0; /* report what there is */
		else if (!acm_error_is(err, "ResourceNotFoundException") ||
		         tries > 10)
			return -1;
		if (http_now_ms() + interval > until ||
		    op_wait(env, &interval) != 0)
			return cert->arn[0] ? 0 : -1;
	}
}

/* The records ACM asks for. With dns_validation: route53 port-acm
 * writes them itself, so the "add these records" paragraph goes into
 * manual, for the summary only if the writing fails. */
static void
say_records(struct op_env *env, struct op_result *res,
    const struct acm_certificate *cert, struct buf *md_out, struct buf *manual)
{
	struct buf line = {0}, md = {0}, list = {0};
	size_t i, n, k = 0;

	buf_reset(&res->records_json);
	n = op_records(cert, &res->records_json, &md);
	if (n > 0) {
		if (env->cfg->dns_route53)
			buf_printf(&line,
			    "ACM asks for %s DNS record%s; port-acm writes %s "
			    "to Route 53:",
			    n == 1 ? "this" : "these", n == 1 ? "" : "s",
			    n == 1 ? "it" : "them");
		else
			buf_printf(&line,
			    "Add %s DNS record%s to validate the certificate "
			    "(keep %s: ACM also needs %s to renew):",
			    n == 1 ? "this" : "these", n == 1 ? "" : "s",
			    n == 1 ? "it" : "them", n == 1 ? "it" : "them");
		for (i = 0; i < cert->nvalidations; i++) {
			const struct acm_validation *v = &cert->validations[i];

			if (!op_record_first(cert, i))
				continue;
			buf_printf(&line, "%s %s %s %s", k++ ? ";" : "",
			    v->record_name, v->record_type, v->record_value);
			buf_printf(&list, "- %s %s %s\n", v->record_name,
			    v->record_type, v->record_value);
		}
		report_log(env->report, "%s", buf_str(&line));
		buf_printf(env->cfg->dns_route53 ? manual : &res->summary,
		    "\n\nTo validate it, add %s DNS record%s:\n%s",
		    n == 1 ? "this" : "these", n == 1 ? "" : "s",
		    buf_str(&list));
		buf_printf(
		    md_out, "\n**DNS validation records**\n\n%s", buf_str(&md));
	} else if (strcmp(env->cfg->validation_method, "EMAIL") == 0 &&
	           !env->cfg->pca_arn[0]) {
		for (i = 0; i < cert->nvalidations; i++) {
			const struct acm_validation *v = &cert->validations[i];

			buf_reset(&line);
			if (v->emails[0])
				buf_printf(&line, "%s", v->emails);
			else
				buf_printf(&line,
				    "admin@, administrator@, hostmaster@, "
				    "postmaster@ and webmaster@ %s",
				    v->domain);
			report_log(env->report,
			    "ACM sent the validation email for %s to %s; "
			    "someone there must approve it within 72 hours",
			    v->domain, buf_str(&line));
			buf_printf(&res->summary,
			    "\n\nACM emailed %s for %s: approve within 72 "
			    "hours.",
			    buf_str(&line), v->domain);
		}
		if (cert->nvalidations == 0)
			buf_printf(&res->summary,
			    "\n\nACM emails the domain's administrative "
			    "contacts (admin@, administrator@, hostmaster@, "
			    "postmaster@, webmaster@ %s); approve within 72 "
			    "hours.",
			    env->cfg->domain_name);
	} else if (strcmp(cert->status, "PENDING_VALIDATION") == 0 &&
	           !env->cfg->pca_arn[0]) {
		report_warn(env->report,
		    "ACM has not published the DNS validation records yet; "
		    "see them later in the AWS console");
	}
	if (buf_str(&res->records_json)[0] == '\0')
		buf_puts(&res->records_json, "[]");
	buf_free(&line);
	buf_free(&list);
	buf_free(&md);
}

/* Puts "Requested certificate <arn> for <domain> (status <status>)."
 * in front of the summary, with the status as the run leaves it. */
static void
say_status(struct op_result *res, const struct config *c,
    const struct acm_certificate *cert)
{
	struct buf head = {0};

	if (buf_printf(&head, "Requested certificate %s for %s (status %s).%s",
	        res->arn, c->domain_name, cert->status,
	        buf_str(&res->summary)) == 0) {
		buf_reset(&res->summary);
		buf_puts(&res->summary, buf_str(&head));
	}
	buf_free(&head);
}

/* Keeps describing until ISSUED or a final failure, or the timeout.
 * The certificate exists whatever happens here, so nothing in the wait
 * fails the request: a re-run would have a new run id, hence a new
 * idempotency token, hence a second certificate. *cert keeps the last
 * good answer. */
static void
wait_issued(
    struct op_env *env, struct op_result *res, struct acm_certificate *cert)
{
	long interval = env->cfg->poll_interval_ms;
	long long start = http_now_ms();
	long long until = start + (long long)env->cfg->timeout_minutes * 60000;
	struct acm_certificate next;
	struct acm_error err;
	char label[128], progress[64] = "", seen[64] = "";

	report_log(env->report,
	    "Waiting up to %lu minutes for ACM to issue the certificate",
	    env->cfg->timeout_minutes);
	while (strcmp(cert->status, "PENDING_VALIDATION") == 0) {
		long long left = until - http_now_ms();

		if (left > 0 && interval > left)
			interval = (long)left;
		if (left <= 0 || op_wait(env, &interval) != 0) {
			buf_printf(&res->summary,
			    "\n\nAfter %lu minutes the certificate is still "
			    "PENDING_VALIDATION. It will be issued once ACM "
			    "sees the validation record%s (ACM gives up after "
			    "72 hours) and keeps its ARN; follow it in the AWS "
			    "console or on the catalog entity.",
			    env->cfg->timeout_minutes,
			    cert->nvalidations > 1 ? "s" : "");
			return;
		}
		if (env->cfg->dns_route53)
			dns_progress(cert, progress, sizeof(progress));
		snprintf(label, sizeof(label),
		    "Waiting for validation%s%s (%lld min)",
		    progress[0] ? ": " : "", progress,
		    (http_now_ms() - start) / 60000);
		report_label(env->report, label);
		if (op_describe(env, res->arn, &next, &err) != 0) {
			report_warn(env->report,
			    "could not confirm issuance: %s", err.message);
			buf_printf(&res->summary,
			    "\n\nIssuance could not be confirmed: ACM did not "
			    "answer while port-acm waited (%s). The "
			    "certificate exists and keeps its ARN; ACM issues "
			    "it once it sees the validation record%s. Follow "
			    "it in the AWS console or on the catalog entity; "
			    "do not request it again.",
			    err.message, cert->nvalidations > 1 ? "s" : "");
			snprintf(res->label, sizeof(res->label),
			    "Issuance not confirmed");
			return;
		}
		acm_certificate_free(cert);
		*cert = next;
		if (env->cfg->dns_route53) {
			/* Per-name progress on the run, once per change. */
			dns_progress(cert, progress, sizeof(progress));
			if (strcmp(progress, seen) != 0)
				report_log(env->report, "ACM: %s", progress);
			snprintf(seen, sizeof(seen), "%s", progress);
		}
	}
}

int
op_request(struct op_env *env, struct op_result *res)
{
	const struct config *c = env->cfg;
	struct acm_certificate cert = {0};
	struct acm_error err;
	struct buf md = {0}, manual = {0};
	struct arn arn;
	cJSON *params = NULL, *resp = NULL, *v;
	char why[256];
	int rc = 1;
	long long t0 = http_now_ms(), t1;

	snprintf(res->domain, sizeof(res->domain), "%s", c->domain_name);
	snprintf(res->status, sizeof(res->status), "NOT_REQUESTED");
	buf_puts(&res->records_json, "[]");
	if ((params = request_params(c)) == NULL) {
		buf_puts(&res->summary, "port-acm ran out of memory");
		goto done;
	}
	if (op_change(env, res, "RequestCertificate", params, &resp, &err) !=
	    0) {
		op_fail(env, res, &err, "request", c->domain_name);
		goto done;
	}
	v = cJSON_GetObjectItemCaseSensitive(resp, "CertificateArn");
	if (!cJSON_IsString(v) ||
	    validate_certificate_arn("CertificateArn", v->valuestring, &arn,
	        why, sizeof(why)) != 0) {
		buf_printf(&res->summary,
		    "ACM accepted the request but returned no usable "
		    "certificate ARN; check the AWS console for %s.",
		    c->domain_name);
		goto done;
	}
	snprintf(res->arn, sizeof(res->arn), "%s", v->valuestring);
	snprintf(res->status, sizeof(res->status), "PENDING_VALIDATION");
	snprintf(res->changed, sizeof(res->changed), "requested");
	op_console_url(&arn, res);
	report_log(env->report, "ACM certificate %s requested", res->arn);

	if (wait_records(env, res->arn, &cert, &err) != 0) {
		/* The certificate exists; only its details are missing. */
		report_warn(env->report,
		    "could not read the new certificate's details: %s",
		    err.message);
		buf_printf(&res->summary,
		    "Requested certificate %s for %s. Its validation details "
		    "were not available yet; see them in the AWS console.",
		    res->arn, c->domain_name);
		snprintf(
		    res->label, sizeof(res->label), "Certificate requested");
		rc = 0;
		goto done;
	}
	op_fill(res, &cert);
	/* The first sentence, with the status, is put in front once the
	 * status is final for this run (say_status). */
	say_records(env, res, &cert, &md, &manual);
	res->dns_records_ms = http_now_ms() - t0;

	if (c->dns_route53 && strcmp(cert.status, "PENDING_VALIDATION") == 0 &&
	    dns_write_records(env, res, &cert,
	        t0 + (long long)c->timeout_minutes * 60000, &md) != 0) {
		env->dns_zones = res->dns_zones;
		snprintf(res->label, sizeof(res->label),
		    "Validation records not written");
		report_log(env->report, "%s", last_paragraph(&res->summary));
		buf_puts(&res->summary, buf_str(&manual));
		say_status(res, c, &cert);
		buf_printf(&res->step_summary,
		    "### ACM certificate requested, validation records not "
		    "written\n\n%s\n%s",
		    buf_str(&res->summary), buf_str(&md));
		catalog_upsert(env, &cert);
		goto done;
	}
	env->dns_zones = res->dns_zones;
	t1 = http_now_ms();

	if (c->wait_for_issuance)
		wait_issued(env, res, &cert);
	op_fill(res, &cert);
	if (c->dns_route53 && res->dns_zones) {
		res->dns_issue_ms = http_now_ms() - t1;
		dns_finish(env, res, cert.status);
	}
	if (strcmp(cert.status, "FAILED") == 0 ||
	    strcmp(cert.status, "VALIDATION_TIMED_OUT") == 0) {
		buf_reset(&res->summary);
		buf_printf(&res->summary,
		    "Certificate %s for %s %s: ", res->arn, c->domain_name,
		    strcmp(cert.status, "FAILED") == 0
		        ? "could not be issued"
		        : "was not validated within 72 hours");
		explain_failure_reason(cert.failure_reason, &res->summary);
		buf_puts(&res->summary,
		    ". Fix the cause, delete it and request a new one.");
		report_log(env->report, "%s", buf_str(&res->summary));
		if (doctor_report(env, res, &cert, 0))
			buf_printf(&res->step_summary,
			    "### ACM certificate not issued\n\n%s\n",
			    buf_str(&res->summary));
		snprintf(res->label, sizeof(res->label), "Certificate %s",
		    strcmp(cert.status, "FAILED") == 0
		        ? "failed"
		        : "validation timed out");
		catalog_upsert(env, &cert);
		goto done;
	}
	/* Still pending when the wait ran out: the doctor says why. */
	doctor_report(
	    env, res, &cert, c->wait_for_issuance && res->label[0] == '\0');
	if (c->wait_for_issuance && strcmp(cert.status, "ISSUED") == 0)
		buf_puts(&res->summary,
		    "\n\nACM has issued it: it is ready to attach.");
	say_status(res, c, &cert);
	buf_printf(&res->step_summary,
	    "### ACM certificate requested\n\n| | |\n|---|---|\n"

	    "| Domain | `%s` |\n| ARN | `%s` |\n| Region | %s |\n"
	    "| Status | %s |\n%s",
	    c->domain_name, res->arn, c->region, cert.status, buf_str(&md));
	if (res->diagnosis.len)
		buf_printf(&res->step_summary, "\n**Validation doctor**\n\n%s",
		    buf_str(&res->diagnosis));
	if (res->label[0] == '\0')
		snprintf(res->label, sizeof(res->label), "%s",
		    strcmp(cert.status, "ISSUED") == 0 ? "Certificate issued"
		                                       : "Awaiting validation");
	catalog_upsert(env, &cert);
	rc = 0;
done:
	buf_free(&md);
	buf_free(&manual);
	acm_certificate_free(&cert);
	cJSON_Delete(params);
	cJSON_Delete(resp);
	return rc;
}
