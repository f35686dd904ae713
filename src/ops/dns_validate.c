#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/route53.h"
#include "base/md.h"
#include "ops/dns_record.h"
#include "ops/dns_validate.h"

/* One hosted zone and the records going into it. */
struct group {
	struct route53_zone zone;
	size_t idx[VALIDATE_MAX_NAMES]; /* into cert->validations */
	size_t n;
	struct route53_change_info change;
	long long insync_ms; /* since the batch was sent; -1 not yet */
};

static const char *
base_of(const char *domain)
{
	return strncmp(domain, "*.", 2) == 0 ? domain + 2 : domain;
}

void
dns_progress(const struct acm_certificate *cert, char *out, size_t len)
{
	size_t i, n = 0, ok = 0;

	for (i = 0; i < cert->nvalidations; i++) {
		n++;
		if (strcmp(cert->validations[i].status, "SUCCESS") == 0)
			ok++;
	}
	str_printf(
	    out, len, "%zu of %zu name%s validated", ok, n, n == 1 ? "" : "s");
}

void
dns_explain_r53(struct buf *b, const struct aws_error *err, const char *doing)
{
	buf_printf(b, "Route 53 refused to %s: %s%s%s", doing,
	    err->type[0] ? err->type : "error", err->message[0] ? ": " : "",
	    err->message);
	if (strcmp(err->type, "AccessDenied") == 0 ||
	    strcmp(err->type, "AccessDeniedException") == 0)
		buf_puts(b,
		    ". The AWS credentials need "
		    "route53:ListHostedZonesByName (route53:GetHostedZone "
		    "with hosted_zone_id), "
		    "route53:ChangeResourceRecordSets on the hosted "
		    "zone (CNAME records, UPSERT) and route53:GetChange "
		    "(and, to delete records, route53:ListResourceRecordSets "
		    "and DELETE; see examples/iam/route53.json); if the zone "
		    "is in "
		    "another AWS account, set dns_role_arn to a role "
		    "there that allows them");
	else if (strcmp(err->type, "NoSuchHostedZone") == 0)
		buf_puts(b, ". Check hosted_zone_id; a zone in another AWS "
		            "account needs dns_role_arn");
	else if (strcmp(err->type, "InvalidChangeBatch") == 0)
		buf_puts(b, ". Check that hosted_zone_id is the zone that "
		            "serves these names");
	else if (strcmp(err->type, "Throttling") == 0 ||
	         strcmp(err->type, "PriorRequestNotComplete") == 0)
		buf_puts(b, ". Route 53 was busy; run the action again (the "
		            "records are written with UPSERT, a re-run is "
		            "harmless)");
}

static void
add_dns_json(struct op_result *res, const struct acm_certificate *cert,
    const struct group *g, size_t ng, cJSON *zones_for_catalog)
{
	cJSON *root = cJSON_CreateObject(), *arr, *z, *recs, *m;
	size_t i, j;
	char *s;

	if (root == NULL)
		return;
	arr = cJSON_AddArrayToObject(root, "zones");
	for (i = 0; i < ng; i++) {
		z = cJSON_CreateObject();
		cJSON_AddStringToObject(z, "zoneId", g[i].zone.id);
		cJSON_AddStringToObject(z, "zoneName", g[i].zone.name);
		cJSON_AddStringToObject(z, "changeId", g[i].change.id);
		cJSON_AddStringToObject(z, "changeStatus", g[i].change.status);
		if (g[i].insync_ms >= 0)
			cJSON_AddNumberToObject(z, "insyncSeconds",
			    (double)g[i].insync_ms / 1000.0);
		recs = cJSON_AddArrayToObject(z, "records");
		for (j = 0; j < g[i].n; j++) {
			const struct acm_validation *v =
			    &cert->validations[g[i].idx[j]];

			cJSON_AddItemToArray(
			    recs, cJSON_CreateString(v->record_name));
			if (zones_for_catalog &&
			    (m = cJSON_AddObjectToObject(
			         zones_for_catalog, v->record_name))) {
				cJSON_AddStringToObject(
				    m, "hostedZoneId", g[i].zone.id);
				cJSON_AddStringToObject(
				    m, "hostedZoneName", g[i].zone.name);
			}
		}
		cJSON_AddItemToArray(arr, z);
	}
	buf_reset(&res->dns_json);
	if ((s = cJSON_PrintUnformatted(root)) != NULL) {
		buf_puts(&res->dns_json, s);
		cJSON_free(s);
	}
	cJSON_Delete(root);
}

/* Finds every record's zone before anything is written. 0, or 1 with
 * the reason in res->summary, or -1. */
static int
group_records(struct op_env *env, struct op_result *res,
    const struct acm_certificate *cert, struct group *g, size_t *ng)
{
	const struct config *c = env->cfg;
	struct route53_zone zone, given;
	struct aws_error err;
	char why[768];
	size_t i, k;
	int rc;

	*ng = 0;
	/* A given zone must be public: ACM validates through public DNS
	 * and never sees a private zone's records. */
	if (c->hosted_zone_id[0] &&
	    route53_get_zone(env->r53, c->hosted_zone_id, &given, &err) != 0) {
		buf_puts(&res->summary, "\n\n");
		dns_explain_r53(&res->summary, &err,
		    "read the hosted zone given as hosted_zone_id "
		    "(GetHostedZone)");
		buf_puts(&res->summary, ". Nothing was written to Route 53.");
		return 1;
	}
	if (c->hosted_zone_id[0] && given.private_zone) {
		buf_printf(&res->summary,
		    "\n\nhosted_zone_id %s is a private hosted zone (%s): ACM "
		    "validates through public DNS and would never see records "
		    "written there. Nothing was written to Route 53; set "
		    "hosted_zone_id to the public zone that serves these "
		    "names, or leave it empty for port-acm to find it.",
		    given.id, given.name);
		return 1;
	}
	for (i = 0; i < cert->nvalidations; i++) {
		const struct acm_validation *v = &cert->validations[i];

		if (strcmp(v->method, "DNS") != 0 || !v->record_name[0] ||
		    !op_record_first(cert, i))
			continue;
		/* Only a record ACM would make for a name of this
		 * certificate: the answer is not trusted with the zone. */
		if (dns_record_check(cert, v, why, sizeof(why)) != 0) {
			buf_printf(&res->summary,
			    "\n\n%s. Nothing was written to Route 53; check "
			    "what answers for ACM (a proxy, a custom "
			    "endpoint).",
			    why);
			return 1;
		}
		memset(&zone, 0, sizeof(zone));
		if (c->hosted_zone_id[0]) {
			zone = given;
			rc = 0;
		} else {
			rc = route53_find_zone(env->r53, base_of(v->domain),
			    &zone, why, sizeof(why), &err);
		}
		if (rc < 0) {
			buf_puts(&res->summary, "\n\n");
			dns_explain_r53(&res->summary, &err,
			    "list the hosted zones (ListHostedZonesByName)");
			buf_puts(&res->summary,
			    ". Nothing was written to Route 53.");
			return 1;
		}
		if (rc > 0) {
			buf_printf(&res->summary,
			    "\n\nCould not write the validation record for %s: "
			    "%s. %s Nothing was written to Route 53; add the "
			    "records by hand.",
			    v->domain, why,
			    rc == 2
			        ? ""
			        : "Create a public hosted zone for it, or "
			          "set hosted_zone_id (and dns_role_arn for "
			          "another account).");
			return 1;
		}
		for (k = 0; k < *ng; k++)
			if (strcmp(g[k].zone.id, zone.id) == 0)
				break;
		if (k == *ng) {
			memset(&g[k], 0, sizeof(g[k]));
			g[k].zone = zone;
			g[k].insync_ms = -1;
			(*ng)++;
		}
		g[k].idx[g[k].n++] = i;
	}
	return 0;
}

static int
write_group(struct op_env *env, struct op_result *res,
    const struct acm_certificate *cert, struct group *g, struct buf *done)
{
	struct route53_change ch[VALIDATE_MAX_NAMES];
	struct aws_error err;
	char comment[200];
	size_t j;

	for (j = 0; j < g->n; j++) {
		const struct acm_validation *v = &cert->validations[g->idx[j]];

		ch[j] = (struct route53_change){"UPSERT", v->record_name,
		    "CNAME", env->cfg->dns_record_ttl, v->record_value};
	}
	str_printf(comment, sizeof(comment), "port-acm: ACM validation%s%s",
	    env->cfg->run_id[0] ? ", Port run " : "", env->cfg->run_id);
	if (route53_change(env->r53, g->zone.id, comment, ch, g->n, &g->change,
	        &err) != 0) {
		buf_puts(&res->summary, "\n\n");
		dns_explain_r53(
		    &res->summary, &err, "write the validation records");
		if (done->len)
			buf_printf(&res->summary, ". Already written: %s",
			    buf_str(done));
		buf_puts(&res->summary, ".");
		return -1;
	}
	report_log(env->report,
	    "Route 53: wrote %zu validation record%s into %s (%s), change %s",
	    g->n, g->n == 1 ? "" : "s", g->zone.name[0] ? g->zone.name : "zone",
	    g->zone.id, g->change.id);
	buf_printf(done, "%s%zu record%s into %s (%s)", done->len ? ", " : "",
	    g->n, g->n == 1 ? "" : "s", g->zone.name[0] ? g->zone.name : "zone",
	    g->zone.id);
	return 0;
}

/* GetChange for every batch until INSYNC, with backoff (op_wait). */
static int
wait_insync(struct op_env *env, struct op_result *res, struct group *g,
    size_t ng, long long sent, long long until_ms)
{
	long interval = env->cfg->poll_interval_ms;
	struct aws_error err;
	size_t i, pending;
	long long left;

	for (;;) {
		pending = 0;
		for (i = 0; i < ng; i++) {
			if (strcmp(g[i].change.status, "INSYNC") == 0) {
				if (g[i].insync_ms < 0)
					g[i].insync_ms = http_now_ms() - sent;
				continue;
			}
			pending++;
		}
		if (pending == 0)
			return 0;
		left = until_ms - http_now_ms();
		if (left > 0 && interval > left)
			interval = (long)left;
		if (left <= 0 || op_wait(env, &interval) != 0) {
			buf_printf(&res->summary,
			    "\n\nRoute 53 had not finished spreading the "
			    "records "
			    "(change still PENDING) within %lu minutes; ACM "
			    "will see them once it has. Re-run the action to "
			    "wait again.",
			    env->cfg->timeout_minutes);
			return 1;
		}
		for (i = 0; i < ng; i++) {
			if (strcmp(g[i].change.status, "INSYNC") == 0)
				continue;
			if (route53_get_change(env->r53, g[i].change.id,
			        &g[i].change, &err) != 0) {
				/* Throttling was already retried by the AWS
				 * layer; a refusal here is final. */
				if (err.kind == AWS_ERR_SERVICE &&
				    strcmp(err.type, "Throttling") != 0 &&
				    strcmp(err.type,
				        "PriorRequestNotComplete") != 0) {
					buf_puts(&res->summary, "\n\n");
					dns_explain_r53(&res->summary, &err,
					    "say whether the change is done "
					    "(GetChange)");
					buf_puts(&res->summary, ".");
					return -1;
				}
			}
		}
	}
}

int
dns_write_records(struct op_env *env, struct op_result *res,
    const struct acm_certificate *cert, long long until_ms, struct buf *md)
{
	struct group *g;
	struct buf done = {0};
	size_t ng = 0, i, j;
	long long t0 = http_now_ms(), sent;
	char t1[2100], t2[300];
	int rc;

	if ((g = calloc(VALIDATE_MAX_NAMES, sizeof(*g))) == NULL) {
		buf_puts(&res->summary, "\n\nport-acm ran out of memory.");
		return -1;
	}
	rc = group_records(env, res, cert, g, &ng);
	if (rc != 0 || ng == 0)
		goto done;
	sent = http_now_ms();
	for (i = 0; i < ng; i++)
		if ((rc = write_group(env, res, cert, &g[i], &done)) != 0)
			goto done;
	res->dns_write_ms = http_now_ms() - t0;
	rc = wait_insync(env, res, g, ng, sent, until_ms);
	res->dns_insync_ms = http_now_ms() - sent;
	if (rc == 0)
		report_log(env->report,
		    "Route 53 has the records on all its DNS servers "
		    "(INSYNC after %.1f s); waiting for ACM to validate",
		    (double)res->dns_insync_ms / 1000.0);
	buf_printf(&res->summary,
	    "\n\nWrote the validation records to "
	    "Route 53: %s.",
	    buf_str(&done));
	buf_puts(md, "\n**Route 53**\n\n| Hosted zone | Zone id | Records "
	             "| Change | In sync after |\n|---|---|---|---|---|\n");
	for (i = 0; i < ng; i++) {
		/* Route 53's and ACM's text, neutralised (md.h). */
		buf_printf(md, "| `%s` | `%s` | ",
		    md_str(t1, sizeof(t1),
		        g[i].zone.name[0] ? g[i].zone.name
		                          : "(hosted_zone_id)"),
		    md_str(t2, sizeof(t2), g[i].zone.id));
		for (j = 0; j < g[i].n; j++)
			buf_printf(md, "%s`%s`", j ? "<br>" : "",
			    md_str(t1, sizeof(t1),
			        cert->validations[g[i].idx[j]].record_name));
		if (g[i].insync_ms >= 0)
			buf_printf(md, " | `%s` | %.1f s |\n",
			    md_str(t2, sizeof(t2), g[i].change.id),
			    (double)g[i].insync_ms / 1000.0);
		else
			buf_printf(md, " | `%s` | %s |\n",
			    md_str(t2, sizeof(t2), g[i].change.id),
			    md_str(t1, sizeof(t1), g[i].change.status));
	}
done:
	if (ng > 0 && g[0].change.id[0]) {
		cJSON_Delete(res->dns_zones);
		res->dns_zones = cJSON_CreateObject();
		add_dns_json(res, cert, g, ng, res->dns_zones);
	}
	buf_free(&done);
	free(g);
	return rc;
}

void
dns_finish(struct op_env *env, struct op_result *res, const char *status)
{
	cJSON *root = cJSON_Parse(buf_str(&res->dns_json)), *sec;
	char *s;
	const struct route53_stats *st = route53_stats(env->r53);

	if (root == NULL)
		return;
	cJSON_AddStringToObject(root, "status", status);
	sec = cJSON_AddObjectToObject(root, "seconds");
	cJSON_AddNumberToObject(
	    sec, "records", (double)res->dns_records_ms / 1000.0);
	cJSON_AddNumberToObject(
	    sec, "write", (double)res->dns_write_ms / 1000.0);
	cJSON_AddNumberToObject(
	    sec, "insync", (double)res->dns_insync_ms / 1000.0);
	cJSON_AddNumberToObject(
	    sec, "issue", (double)res->dns_issue_ms / 1000.0);
	sec = cJSON_AddObjectToObject(root, "route53Calls");
	cJSON_AddNumberToObject(sec, "ListHostedZonesByName", st->list_zones);
	cJSON_AddNumberToObject(sec, "ChangeResourceRecordSets", st->change);
	cJSON_AddNumberToObject(sec, "GetChange", st->get_change);
	if ((s = cJSON_PrintUnformatted(root)) != NULL) {
		buf_reset(&res->dns_json);
		buf_puts(&res->dns_json, s);
		cJSON_free(s);
	}
	cJSON_Delete(root);
	report_log(env->report,
	    "DNS validation took %.1f s: ACM published the records after "
	    "%.1f s, Route 53 took them in %.1f s and had them everywhere "
	    "after %.1f s, ACM then took %.1f s (status %s)",
	    (double)(res->dns_records_ms + res->dns_insync_ms +
	             res->dns_issue_ms) /
	        1000.0,
	    (double)res->dns_records_ms / 1000.0,
	    (double)res->dns_write_ms / 1000.0,
	    (double)res->dns_insync_ms / 1000.0,
	    (double)res->dns_issue_ms / 1000.0, status);
	buf_printf(&res->summary,
	    "\n\nTimes: records published %.1f s, in sync in Route 53 "
	    "%.1f s, validated by ACM %.1f s.",
	    (double)res->dns_records_ms / 1000.0,
	    (double)res->dns_insync_ms / 1000.0,
	    (double)res->dns_issue_ms / 1000.0);
}
