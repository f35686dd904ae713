#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/route53.h"
#include "base/pager.h"
#include "ops/acm_list.h"
#include "ops/dns_cleanup.h"
#include "ops/dns_validate.h"

/* ListCertificates pages read before giving up (ACM's quota is 2,500
 * certificates per region; 1,000 per page). */
#define MAX_PAGES 10

/* One of the deleted certificate's records and what becomes of it. */
struct rec {
	const struct acm_validation *v; /* borrowed from the certificate */
	char base[256];                 /* dns_base_name of its domain */
	char name[512];                 /* route53_name_norm of the record */
	char why[640];                  /* "" = remove; else why it is kept */
	struct route53_zone zone;
	long ttl;         /* as Route 53 holds it */
	char value[512];  /* as Route 53 holds it: a DELETE repeats it */
	int absent;       /* Route 53 does not have it (any more) */
	char change[128]; /* the DELETE's change id once removed */
};

void
dns_base_name(const char *domain, char *out, size_t outlen)
{
	size_t i, n;

	if (strncmp(domain, "*.", 2) == 0)
		domain += 2;
	str_copy(out, outlen, domain);
	for (i = 0; out[i]; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
	n = strlen(out);
	if (n > 0 && out[n - 1] == '.')
		out[n - 1] = '\0';
}

/* Keeps r (the first reason wins: it is the one that decided). */
static void keep(struct rec *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
keep(struct rec *r, const char *fmt, ...)
{
	va_list ap;

	if (r->why[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	str_scrub(r->why);
}

static size_t
collect(const struct acm_certificate *cert, struct rec *recs)
{
	size_t i, n = 0;

	for (i = 0; i < cert->nvalidations && n < VALIDATE_MAX_NAMES; i++) {
		const struct acm_validation *v = &cert->validations[i];

		if (strcmp(v->method, "DNS") != 0 || !v->record_name[0] ||
		    strcasecmp(v->record_type, "CNAME") != 0 ||
		    !op_record_first(cert, i))
			continue;
		memset(&recs[n], 0, sizeof(recs[n]));
		recs[n].v = v;
		dns_base_name(v->domain, recs[n].base, sizeof(recs[n].base));
		if (route53_name_norm(v->record_name, recs[n].name,
		        sizeof(recs[n].name)) != 0)
			continue;
		n++;
	}
	return n;
}

/* Whether name (a certificate's domain) hangs on one of our records'
 * base names; sets hit[i] for each. */
static int
overlaps(const char *name, const struct rec *recs, size_t n, char *hit)
{
	char base[256];
	size_t i;
	int any = 0;

	dns_base_name(name, base, sizeof(base));
	for (i = 0; i < n; i++)
		if (strcmp(base, recs[i].base) == 0) {
			hit[i] = 1;
			any = 1;
		}
	return any;
}

/* What another certificate's validation options say about our records. */
static void
check_options(const struct acm_certificate *o, const struct acm_validation *vs,
    size_t nvs, struct rec *recs, size_t n)
{
	char base[256], name[512];
	size_t i, j;

	for (j = 0; j < nvs; j++) {
		const struct acm_validation *v = &vs[j];

		dns_base_name(v->domain, base, sizeof(base));
		if (!v->record_name[0] ||
		    route53_name_norm(v->record_name, name, sizeof(name)) != 0)
			name[0] = '\0';
		for (i = 0; i < n; i++) {
			if (name[0] && strcmp(name, recs[i].name) == 0)
				keep(&recs[i],
				    "certificate %s (%s, %s) still uses it",
				    o->arn, o->domain, o->status);
			else if (!name[0] && strcmp(v->method, "DNS") == 0 &&
			         strcmp(base, recs[i].base) == 0)
				keep(&recs[i],
				    "certificate %s (%s, %s) is for the same "
				    "name and ACM has not shown its record "
				    "yet, so it may use this one",
				    o->arn, o->domain, o->status);
		}
	}
}

/* Whether o has a validation option (any method) for base name. */
static int
has_option(const struct acm_certificate *o, const char *base)
{
	char b[256];
	size_t j;

	for (j = 0; j < o->nvalidations; j++) {
		dns_base_name(o->validations[j].domain, b, sizeof(b));
		if (strcmp(b, base) == 0)
			return 1;
	}
	return 0;
}

/* Whether base is one of o's names (a wildcard's base included). */
static int
has_name(const struct acm_certificate *o, const char *base)
{
	char b[256];
	size_t j;

	dns_base_name(o->domain, b, sizeof(b));
	if (strcmp(b, base) == 0)
		return 1;
	for (j = 0; j < o->nsans; j++) {
		dns_base_name(o->sans[j], b, sizeof(b));
		if (strcmp(b, base) == 0)
			return 1;
	}
	return 0;
}

/* DescribeCertificate of another certificate whose names overlap
 * ours (hit[i] set for the records concerned). */
static void
check_other(struct op_env *env, const char *arn, const char *hit,
    struct rec *recs, size_t n)
{
	struct acm_certificate o = {0};
	struct acm_error err;
	char msg[700];
	size_t i;

	if (op_describe(env, arn, &o, &err) != 0) {
		if (acm_error_is(&err, "ResourceNotFoundException"))
			return; /* deleted meanwhile: it uses nothing */
		str_printf(msg, sizeof(msg), "%s%s%s", err.type,
		    err.type[0] ? ": " : "", err.message);
		for (i = 0; i < n; i++)
			if (hit[i])
				keep(&recs[i],
				    "certificate %s is for the same name and "
				    "could not be read (%s)",
				    arn, msg);
		return;
	}
	check_options(&o, o.validations, o.nvalidations, recs, n);
	check_options(
	    &o, o.renewal_validations, o.nrenewal_validations, recs, n);
	/* For seconds after RequestCertificate ACM shows no options at
	 * all: a name of o without one may yet use our record. */
	for (i = 0; i < n; i++)
		if (hit[i] && has_name(&o, recs[i].base) &&
		    !has_option(&o, recs[i].base))
			keep(&recs[i],
			    "certificate %s (%s, %s) is for the same name and "
			    "ACM has not shown its validation options yet, so "
			    "it may use this one",
			    o.arn, o.domain, o.status);
	acm_certificate_free(&o);
}

/* Every other certificate of the region that may use our records. */
static void
check_others(struct op_env *env, const struct acm_certificate *cert,
    struct rec *recs, size_t n, unsigned *described)
{
	cJSON *params = NULL, *resp = NULL, *s, *sans, *x;
	struct acm_error err;
	char next[10001] = "", hit[VALIDATE_MAX_NAMES], msg[700];
	const char *arn, *type, *tok;
	size_t i;
	int page, more, any;
	struct pager pg;

	pager_init(&pg, "ACM", "page token", MAX_PAGES + 1);
	for (page = 0; page < MAX_PAGES; page++) {
		cJSON_Delete(params);
		cJSON_Delete(resp);
		resp = NULL;
		if ((params = acm_list_params(next)) == NULL)
			goto doubt_oom;
		if (acm_call(env->acm, "ListCertificates", params, &resp,
		        &err) != 0) {
			str_printf(msg, sizeof(msg), "%s%s%s", err.type,
			    err.type[0] ? ": " : "", err.message);
			for (i = 0; i < n; i++)
				keep(&recs[i],
				    "port-acm could not list the region's "
				    "certificates to check that no other "
				    "one uses it (acm:ListCertificates: %s)",
				    msg);
			goto done;
		}
		/* No list is no answer, not "no certificates". */
		if (!cJSON_IsArray(
		        cJSON_GetObjectItem(resp, "CertificateSummaryList"))) {
			str_copy(msg, sizeof(msg),
			    "ACM answered ListCertificates without a "
			    "CertificateSummaryList");
			goto doubt;
		}
		cJSON_ArrayForEach(
		    s, cJSON_GetObjectItem(resp, "CertificateSummaryList"))
		{
			arn = cJSON_GetStringValue(
			    cJSON_GetObjectItem(s, "CertificateArn"));
			type = cJSON_GetStringValue(
			    cJSON_GetObjectItem(s, "Type"));
			if (arn == NULL || strcmp(arn, cert->arn) == 0)
				continue;
			/* Imported and private certificates are never
			 * validated through DNS. */
			if (type && strcmp(type, "AMAZON_ISSUED") != 0)
				continue;
			memset(hit, 0, sizeof(hit));
			x = cJSON_GetObjectItem(s, "DomainName");
			any = cJSON_IsString(x) &&
			      overlaps(x->valuestring, recs, n, hit);
			sans = cJSON_GetObjectItem(
			    s, "SubjectAlternativeNameSummaries");
			cJSON_ArrayForEach(x, sans)
			{
				if (cJSON_IsString(x))
					any |= overlaps(
					    x->valuestring, recs, n, hit);
			}
			/* Only the first 100 names are listed: the rest
			 * are only known from DescribeCertificate. */
			more = cJSON_IsTrue(cJSON_GetObjectItem(
			    s, "HasAdditionalSubjectAlternativeNames"));
			if (more)
				memset(hit, 1, n);
			if (any || more) {
				(*described)++;
				check_other(env, arn, hit, recs, n);
			}
		}
		tok = cJSON_GetStringValue(
		    cJSON_GetObjectItem(resp, "NextToken"));
		if (tok == NULL || tok[0] == '\0')
			goto done;
		if (pager_next(&pg, tok, msg, sizeof(msg)) != 0)
			goto doubt;
		str_copy(next, sizeof(next), tok);
	}
	for (i = 0; i < n; i++)
		keep(&recs[i],
		    "the region has more certificates than port-acm reads "
		    "(%d pages of ListCertificates)",
		    MAX_PAGES);
	goto done;
doubt_oom:
	str_copy(msg, sizeof(msg), "port-acm ran out of memory");
doubt:
	for (i = 0; i < n; i++)
		keep(&recs[i],
		    "port-acm could not tell whether another certificate "
		    "uses it: %s",
		    msg);
done:
	pager_free(&pg);
	cJSON_Delete(params);
	cJSON_Delete(resp);
}

/* The zone and current value of every record still to remove. When
 * Route 53 fails, the records concerned are kept and fail says why. */
static void
read_back(struct op_env *env, struct rec *recs, size_t n, struct buf *fail)
{
	const struct config *c = env->cfg;
	struct aws_error err;
	char why[768], norm[512], want[512];
	size_t i;
	int rc, found;

	for (i = 0; i < n; i++) {
		struct rec *r = &recs[i];

		if (r->why[0])
			continue;
		if (c->hosted_zone_id[0]) {
			str_copy(
			    r->zone.id, sizeof(r->zone.id), c->hosted_zone_id);
			rc = 0;
		} else
			rc = route53_find_zone(env->r53, r->base, &r->zone, why,
			    sizeof(why), &err);
		if (rc > 0) {
			keep(r, "%s", why);
			continue;
		}
		if (rc == 0 && route53_get_record(env->r53, r->zone.id, r->name,
		                   "CNAME", &found, &r->ttl, r->value,
		                   sizeof(r->value), &err) == 0) {
			if (!found)
				r->absent = 1;
			else if (route53_name_norm(
			             r->value, norm, sizeof(norm)) != 0 ||
			         route53_name_norm(r->v->record_value, want,
			             sizeof(want)) != 0 ||
			         strcmp(norm, want) != 0)
				keep(r,
				    "Route 53 holds %s there, not ACM's %s; "
				    "someone changed it",
				    r->value, r->v->record_value);
			continue;
		}
		keep(r, "Route 53 could not be read");
		if (!fail->len)
			dns_explain_r53(fail, &err,
			    rc < 0
			        ? "find the zone (ListHostedZonesByName)"
			        : "read the record (ListResourceRecordSets)");
	}
}

/* One DELETE batch per zone, with the values just read back. */
static void
delete_batches(struct op_env *env, struct rec *recs, size_t n, struct buf *fail)
{
	struct route53_change ch[VALIDATE_MAX_NAMES];
	struct route53_change_info info;
	struct aws_error err;
	char comment[200];
	size_t i, j, k, m;
	char done[VALIDATE_MAX_NAMES] = {0};

	str_printf(comment, sizeof(comment),
	    "port-acm: certificate deleted%s%s",
	    env->cfg->run_id[0] ? ", Port run " : "", env->cfg->run_id);
	for (i = 0; i < n; i++) {
		if (done[i] || recs[i].why[0] || recs[i].absent)
			continue;
		for (m = 0, j = i; j < n; j++) {
			if (done[j] || recs[j].why[0] || recs[j].absent ||
			    strcmp(recs[j].zone.id, recs[i].zone.id) != 0)
				continue;
			done[j] = 1;
			ch[m++] = (struct route53_change){"DELETE",
			    recs[j].name, "CNAME", recs[j].ttl, recs[j].value};
		}
		if (route53_change(env->r53, recs[i].zone.id, comment, ch, m,
		        &info, &err) != 0) {
			for (k = i; k < n; k++)
				if (!recs[k].why[0] && !recs[k].absent &&
				    !recs[k].change[0] &&
				    strcmp(recs[k].zone.id, recs[i].zone.id) ==
				        0)
					keep(&recs[k],
					    "Route 53 refused the deletion");
			if (!fail->len)
				dns_explain_r53(fail, &err,
				    "delete the validation records");
			continue;
		}
		for (k = i; k < n; k++)
			if (!recs[k].why[0] && !recs[k].absent &&
			    strcmp(recs[k].zone.id, recs[i].zone.id) == 0)
				str_copy(recs[k].change, sizeof(recs[k].change),
				    info.id);
		report_log(env->report,
		    "Route 53: deleted %zu validation record%s from %s (%s), "
		    "change %s",
		    m, m == 1 ? "" : "s",
		    recs[i].zone.name[0] ? recs[i].zone.name : "the zone",
		    recs[i].zone.id, info.id);
	}
}

static void
say(struct op_env *env, struct op_result *res, const struct rec *recs, size_t n,
    unsigned described)
{
	const struct route53_stats *st = route53_stats(env->r53);
	cJSON *root = cJSON_CreateObject(), *del, *kept, *gone, *o, *calls;
	size_t i, k, ndel = 0, nkept = 0;
	char *s;

	del = cJSON_AddArrayToObject(root, "deleted");
	kept = cJSON_AddArrayToObject(root, "kept");
	gone = cJSON_AddArrayToObject(root, "alreadyAbsent");
	for (i = 0; i < n; i++) {
		const struct rec *r = &recs[i];

		if (r->why[0]) {
			nkept++;
			report_log(env->report, "Route 53: kept %s: %s",
			    r->v->record_name, r->why);
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(
			    o, "recordName", r->v->record_name);
			cJSON_AddStringToObject(o, "reason", r->why);
			cJSON_AddItemToArray(kept, o);
		} else if (r->absent) {
			cJSON_AddItemToArray(
			    gone, cJSON_CreateString(r->v->record_name));
		} else {
			ndel++;
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(
			    o, "recordName", r->v->record_name);
			cJSON_AddStringToObject(o, "zoneId", r->zone.id);
			cJSON_AddStringToObject(o, "zoneName", r->zone.name);
			cJSON_AddStringToObject(o, "changeId", r->change);
			cJSON_AddItemToArray(del, o);
		}
	}
	calls = cJSON_AddObjectToObject(root, "calls");
	cJSON_AddNumberToObject(
	    calls, "DescribeCertificateOfOthers", described);
	cJSON_AddNumberToObject(calls, "ListHostedZonesByName", st->list_zones);
	cJSON_AddNumberToObject(
	    calls, "ListResourceRecordSets", st->list_records);
	cJSON_AddNumberToObject(calls, "ChangeResourceRecordSets", st->change);
	buf_reset(&res->dns_json);
	if (root && (s = cJSON_PrintUnformatted(root)) != NULL) {
		buf_puts(&res->dns_json, s);
		cJSON_free(s);
	}
	cJSON_Delete(root);

	buf_printf(&res->summary, "\n\nValidation records in Route 53: ");
	if (ndel)
		buf_printf(&res->summary, "deleted %zu", ndel);
	for (i = 0, k = 0; ndel && i < n; i++)
		if (!recs[i].why[0] && !recs[i].absent)
			buf_printf(&res->summary, "%s%s in %s",
			    k++ ? ", " : " (", recs[i].v->record_name,
			    recs[i].zone.id);
	if (ndel)
		buf_putc(&res->summary, ')');
	if (n - ndel - nkept)
		buf_printf(&res->summary, "%s%zu already absent",
		    ndel ? "; " : "", n - ndel - nkept);
	if (nkept)
		buf_printf(&res->summary,
		    "%skept %zu:", ndel || n - ndel - nkept ? "; " : "", nkept);
	for (i = 0; i < n; i++)
		if (recs[i].why[0])
			buf_printf(&res->summary, "\n- %s: %s",
			    recs[i].v->record_name, recs[i].why);
	buf_puts(&res->summary, nkept ? "\n" : ".");
	if (nkept)
		buf_puts(&res->summary,
		    "Records are kept whenever port-acm cannot be sure that "
		    "no other certificate needs them; remove them by hand once "
		    "you are.");
}

int
dns_delete_records(struct op_env *env, struct op_result *res,
    const struct acm_certificate *cert)
{
	struct rec *recs;
	struct buf fail = {0};
	unsigned described = 0;
	size_t n;
	int rc = 0;

	if ((recs = calloc(VALIDATE_MAX_NAMES, sizeof(*recs))) == NULL) {
		buf_puts(&res->summary,
		    "\n\nport-acm ran out of memory; the validation records "
		    "were kept.");
		return -1;
	}
	n = collect(cert, recs);
	if (n == 0) {
		buf_puts(&res->summary,
		    "\n\nThe certificate had no DNS validation records; "
		    "nothing to remove from Route 53.");
		goto done;
	}
	check_others(env, cert, recs, n, &described);
	read_back(env, recs, n, &fail);
	delete_batches(env, recs, n, &fail);
	say(env, res, recs, n, described);
	if (fail.len) {
		buf_printf(&res->summary, "\n\n%s.", buf_str(&fail));
		report_log(env->report, "%s", buf_str(&fail));
		rc = -1;
	}
done:
	buf_free(&fail);
	free(recs);
	return rc;
}
