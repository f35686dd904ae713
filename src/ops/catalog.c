/*
 * catalog: a certificate as a Port catalog entity (its properties from
 * ACM's description or list summary), upserted or deleted on the run's
 * behalf.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/http.h"
#include "ops/ops.h"

static void
add_time(cJSON *props, const char *name, double t)
{
	char s[32];
	time_t tt;
	struct tm tm;

	/* Untrusted input: see explain_time. */
	if (!(t > 0 && t < 253402300800.0))
		return;
	tt = (time_t)t;
	if (gmtime_r(&tt, &tm) == NULL)
		return;
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON_AddStringToObject(props, name, s);
}

/* The hosted zone each validation record went into (dns_validation:
 * route53), inside the record objects: validationRecords' items are
 * free-form objects in the blueprint, so no schema change is needed. */
static void
add_zones(cJSON *e, const cJSON *zones)
{
	cJSON *recs, *r, *name;
	const cJSON *z;

	if (zones == NULL)
		return;
	recs = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(e, "properties"),
	    "validationRecords");
	cJSON_ArrayForEach(r, recs)
	{
		name = cJSON_GetObjectItemCaseSensitive(r, "name");
		if (!cJSON_IsString(name))
			continue;
		z = cJSON_GetObjectItemCaseSensitive(zones, name->valuestring);
		if (z == NULL)
			continue;
		cJSON_AddItemToObject(r, "hostedZoneId",
		    cJSON_Duplicate(
		        cJSON_GetObjectItemCaseSensitive(z, "hostedZoneId"),
		        1));
		cJSON_AddItemToObject(r, "hostedZoneName",
		    cJSON_Duplicate(
		        cJSON_GetObjectItemCaseSensitive(z, "hostedZoneName"),
		        1));
	}
}

/* A certificate past validation: ISSUED, or what only an issued one
 * becomes. The validation doctor's validationDiagnosis, written while it
 * was not (doctor.h), is then out of date; a merge upsert keeps what it
 * does not send, so it is sent as null, which clears it. */
static void
clear_diagnosis(cJSON *props, const char *status)
{
	static const char *const issued[] = {"ISSUED", "EXPIRED", "REVOKED"};
	size_t i;

	for (i = 0; status != NULL && i < sizeof(issued) / sizeof(*issued); i++)
		if (strcmp(status, issued[i]) == 0) {
			cJSON_AddNullToObject(props, "validationDiagnosis");
			return;
		}
}

cJSON *
catalog_entity(const struct acm_certificate *cert, const char *id,
    const char *region, const char *account)
{
	cJSON *e = cJSON_CreateObject(), *props, *rel, *arr, *recs;
	struct buf json = {0};
	size_t i;

	if (e == NULL)
		return NULL;
	cJSON_AddStringToObject(e, "identifier", id ? id : cert->arn);
	cJSON_AddStringToObject(e, "title", cert->domain);
	props = cJSON_AddObjectToObject(e, "properties");
	cJSON_AddStringToObject(props, "arn", cert->arn);
	cJSON_AddStringToObject(props, "domainName", cert->domain);
	arr = cJSON_AddArrayToObject(props, "subjectAlternativeNames");
	for (i = 0; i < cert->nsans; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(cert->sans[i]));
	cJSON_AddStringToObject(props, "status", cert->status);
	clear_diagnosis(props, cert->status);
	if (cert->type[0])
		cJSON_AddStringToObject(props, "type", cert->type);
	if (cert->key_algorithm[0])
		cJSON_AddStringToObject(
		    props, "keyAlgorithm", cert->key_algorithm);
	if (cert->renewal_eligibility[0])
		cJSON_AddStringToObject(
		    props, "renewalEligibility", cert->renewal_eligibility);
	cJSON_AddBoolToObject(props, "inUse", cert->nin_use_by > 0);
	arr = cJSON_AddArrayToObject(props, "inUseBy");
	for (i = 0; i < cert->nin_use_by; i++)
		cJSON_AddItemToArray(
		    arr, cJSON_CreateString(cert->in_use_by[i]));
	add_time(props, "createdAt",
	    cert->created_at ? cert->created_at : cert->imported_at);
	add_time(props, "expirationDate", cert->not_after);
	cJSON_AddStringToObject(props, "region", region);
	op_records(cert, &json, NULL);
	recs = cJSON_Parse(buf_str(&json));
	cJSON_AddItemToObject(
	    props, "validationRecords", recs ? recs : cJSON_CreateArray());
	buf_free(&json);
	rel = cJSON_AddObjectToObject(e, "relations");
	cJSON_AddStringToObject(rel, "account", account);
	return e;
}

static const char *
str_of(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double
time_of(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* Network text as a property: scrubbed, and absent when missing. */
static void
add_str(cJSON *props, const char *name, const char *v, int underscores)
{
	char s[256];
	char *p;

	if (v == NULL || *v == '\0')
		return;
	str_copy(s, sizeof(s), v);
	str_scrub(s);
	if (underscores) /* aws-acm.md §4: RSA-2048 -> RSA_2048 */
		for (p = s; *p; p++)
			if (*p == '-')
				*p = '_';
	cJSON_AddStringToObject(props, name, s);
}

/* include_details: what only DescribeCertificate says. */
static void
add_details(cJSON *props, const struct acm_certificate *d)
{
	add_str(props, "issuer", d->issuer, 0);
	add_str(props, "serial", d->serial, 0);
	add_time(props, "notBefore", d->not_before);
	if (d->nvalidations)
		add_str(props, "validationMethod", d->validations[0].method, 0);
	add_str(props, "renewalStatus", d->renewal_status, 0);
	add_str(props, "renewalStatusReason", d->renewal_reason, 0);
	add_str(props, "failureReason", d->failure_reason, 0);
}

cJSON *
catalog_summary_entity(const cJSON *summary, const char *region,
    const char *account, const struct acm_certificate *detail)
{
	const char *arn = str_of(summary, "CertificateArn");
	const char *domain = str_of(summary, "DomainName");
	const cJSON *v, *sans;
	cJSON *e, *props, *arr, *rel, *recs;
	struct buf json = {0};
	size_t i;
	double created;

	if (arn == NULL || domain == NULL || (e = cJSON_CreateObject()) == NULL)
		return NULL;
	cJSON_AddStringToObject(e, "identifier", arn);
	cJSON_AddStringToObject(e, "title", domain);
	props = cJSON_AddObjectToObject(e, "properties");
	cJSON_AddStringToObject(props, "arn", arn);
	cJSON_AddStringToObject(props, "domainName", domain);
	arr = cJSON_AddArrayToObject(props, "subjectAlternativeNames");
	sans = cJSON_GetObjectItemCaseSensitive(
	    summary, "SubjectAlternativeNameSummaries");
	if (detail)
		for (i = 0; i < detail->nsans; i++)
			cJSON_AddItemToArray(
			    arr, cJSON_CreateString(detail->sans[i]));
	else
		cJSON_ArrayForEach(v, sans)
		{
			if (cJSON_IsString(v))
				cJSON_AddItemToArray(
				    arr, cJSON_CreateString(v->valuestring));
		}
	add_str(props, "status", str_of(summary, "Status"), 0);
	clear_diagnosis(props, str_of(summary, "Status"));
	add_str(props, "type", str_of(summary, "Type"), 0);
	add_str(props, "keyAlgorithm", str_of(summary, "KeyAlgorithm"), 1);
	add_str(props, "renewalEligibility",
	    str_of(summary, "RenewalEligibility"), 0);
	add_str(props, "keyPairOrigin",
	    str_of(summary, "CertificateKeyPairOrigin"), 0);
	v = cJSON_GetObjectItemCaseSensitive(summary, "InUse");
	if (detail)
		cJSON_AddBoolToObject(props, "inUse", detail->nin_use_by > 0);
	else if (cJSON_IsBool(v))
		cJSON_AddBoolToObject(props, "inUse", cJSON_IsTrue(v));
	v = cJSON_GetObjectItemCaseSensitive(summary, "Exported");
	if (cJSON_IsBool(v))
		cJSON_AddBoolToObject(props, "exported", cJSON_IsTrue(v));
	created = time_of(summary, "CreatedAt");
	add_time(props, "createdAt",
	    created ? created : time_of(summary, "ImportedAt"));
	add_time(props, "expirationDate", time_of(summary, "NotAfter"));
	cJSON_AddStringToObject(props, "region", region);
	cJSON_AddStringToObject(props, "accountId", account);
	/* Marks what sync wrote: only such entities are ever stale. */
	cJSON_AddStringToObject(props, "syncedBy", CATALOG_SYNCED_BY);
	if (detail) {
		arr = cJSON_AddArrayToObject(props, "inUseBy");
		for (i = 0; i < detail->nin_use_by; i++)
			cJSON_AddItemToArray(
			    arr, cJSON_CreateString(detail->in_use_by[i]));
		op_records(detail, &json, NULL);
		recs = cJSON_Parse(buf_str(&json));
		cJSON_AddItemToObject(props, "validationRecords",
		    recs ? recs : cJSON_CreateArray());
		buf_free(&json);
		add_details(props, detail);
	}
	rel = cJSON_AddObjectToObject(e, "relations");
	cJSON_AddStringToObject(rel, "account", account);
	return e;
}

/* Moves the run's deadline to the catalog's (later) one for one write;
 * returns the deadline to put back. */
static long long
extend(struct op_env *env)
{
	long long d = http_get_deadline(env->http);

	if (d != 0 && env->catalog_deadline_ms > d)
		http_set_deadline(env->http, env->catalog_deadline_ms);
	return d;
}

void
catalog_upsert(struct op_env *env, const struct acm_certificate *cert)
{
	const struct config *c = env->cfg;
	struct port_error err;
	long long saved;
	int rc;
	struct arn arn;
	char why[256];
	cJSON *e;

	if (env->port == NULL || env->report->port_failed)
		return;
	if (validate_certificate_arn(
	        "arn", cert->arn, &arn, why, sizeof(why)) != 0) {
		report_warn(env->report,
		    "not writing the catalog entity: ACM returned an ARN "
		    "port-acm does not recognise (%s)",
		    why);
		return;
	}
	if ((e = catalog_entity(cert, c->entity_id[0] ? c->entity_id : NULL,
	         arn.region, arn.account)) == NULL)
		return;
	add_zones(e, env->dns_zones);
	if (env->diagnosis) { /* the validation doctor's (doctor.h) */
		cJSON *props =
		    cJSON_GetObjectItemCaseSensitive(e, "properties");

		cJSON_DeleteItemFromObjectCaseSensitive(
		    props, "validationDiagnosis");
		cJSON_AddStringToObject(
		    props, "validationDiagnosis", env->diagnosis);
	}
	/* Success needs no log line: Port lists the entity under the
	 * run's affected entities (run_id). */
	saved = extend(env);
	rc = port_upsert_entity(env->port, c->blueprint, e, c->run_id, &err);
	http_set_deadline(env->http, saved);
	if (rc == 0)
		;
	else if (err.http_status >= 400 && err.http_status < 500)
		/* The certificate is fine; only the catalog lags. */
		report_warn(env->report,
		    "Port did not accept the certificate entity for blueprint "
		    "%s: %s. The certificate itself is fine. Make sure the "
		    "blueprint has the properties in port-acm's "
		    "examples/port/blueprint.json (and an 'account' relation)",
		    c->blueprint, err.message);
	else
		report_warn(env->report,
		    "could not update the Port catalog entity: %s",
		    err.message);
	cJSON_Delete(e);
}

void
catalog_delete(struct op_env *env, const char *arn)
{
	const struct config *c = env->cfg;
	struct port_error err;
	long long saved;
	int rc;

	if (env->port == NULL || env->report->port_failed)
		return;
	saved = extend(env);
	rc = port_delete_entity(env->port, c->blueprint,
	    c->entity_id[0] ? c->entity_id : arn, c->run_id, &err);
	http_set_deadline(env->http, saved);
	if (rc < 0)
		report_warn(env->report,
		    "could not remove the Port catalog entity: %s",
		    err.message);
}
