#include "ops/sync_ready.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws/route53.h"
#include "base/dns.h"
#include "base/md.h"

#define R53_PACE_MS 200 /* Route 53: 5 requests/s per account */
#define REPORT_MAX  100 /* at-risk certificates in the report */
#define LOG_MAX     20
#define NAME_MAX_   256

/* One Route 53 view: a client and the public zones it sees. */
struct view {
	struct route53 *own; /* owned; NULL when env->r53 serves */
	struct route53 *r53; /* borrowed (own or env->r53) */
	long long next_at;   /* pace */
	int listed, failed;
	struct route53_zone *zones; /* owned */
	size_t nzones;
	char error[1100];
};

struct sync_ready {
	struct op_env *env;
	const struct config *c;
	const struct sync_accounts *acc;
	struct sync_health *health;
	sync_ready_wait_fn wait;
	void *ctx;
	struct view shared; /* env->r53: dns_role_arn, or the run's account */
	struct view *views; /* per account, when it has its own role */
	size_t nviews;
	struct dns *dns;
	int dns_failed;
	char dns_error[256];
	double now;
	unsigned long count[4]; /* by enum sync_readiness */
	unsigned long described, reused, records, r53_calls, dns_queries;
	long long r53_ms, dns_ms;
	cJSON *at_risk; /* at most REPORT_MAX {arn, domain, region, reason} */
	unsigned long logged_unknown;
};

struct sync_ready *
sync_ready_new(struct op_env *env, const struct sync_accounts *acc,
    struct sync_health *health, sync_ready_wait_fn wait, void *ctx)
{
	struct sync_ready *rd = calloc(1, sizeof(*rd));

	if (rd == NULL)
		return NULL;
	rd->env = env;
	rd->c = env->cfg;
	rd->acc = acc;
	rd->health = health;
	rd->wait = wait;
	rd->ctx = ctx;
	rd->now = (double)time(NULL);
	rd->shared.r53 = env->r53;
	rd->nviews = acc->n;
	if ((rd->views = calloc(acc->n ? acc->n : 1, sizeof(*rd->views))) ==
	        NULL ||
	    (rd->at_risk = cJSON_CreateArray()) == NULL) {
		sync_ready_free(rd);
		return NULL;
	}
	return rd;
}

static void
view_free(struct view *v)
{
	route53_free(v->own);
	free(v->zones);
}

void
sync_ready_free(struct sync_ready *rd)
{
	size_t i;

	if (rd == NULL)
		return;
	for (i = 0; rd->views && i < rd->nviews; i++)
		view_free(&rd->views[i]);
	free(rd->views);
	view_free(&rd->shared);
	dns_close(rd->dns);
	cJSON_Delete(rd->at_risk);
	free(rd);
}

/* --- does it need DescribeCertificate? ------------------------------- */

static const char *
str_of(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static unsigned char
code_of(const char *s, const char *a, const char *b, const char *c)
{
	return strcmp(s, a) == 0        ? 1
	       : strcmp(s, b) == 0      ? 2
	       : c && strcmp(s, c) == 0 ? 3
	                                : 0;
}

static int
changed(const struct sync_memo *m, const cJSON *sum)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(sum, "NotAfter");
	long long na = cJSON_IsNumber(v) && v->valuedouble > 0 &&
	                       v->valuedouble < 253402300800.0
	                   ? (long long)v->valuedouble
	                   : 0;
	unsigned char use;

	v = cJSON_GetObjectItemCaseSensitive(sum, "InUse");
	use = cJSON_IsBool(v) ? (cJSON_IsTrue(v) ? 2 : 1) : 0;
	return m->status != config_status_index(str_of(sum, "Status")) ||
	       m->type != code_of(str_of(sum, "Type"), "AMAZON_ISSUED",
	                      "IMPORTED", "PRIVATE") ||
	       m->eligible != code_of(str_of(sum, "RenewalEligibility"),
	                          "ELIGIBLE", "INELIGIBLE", NULL) ||
	       (use && m->in_use_flag != use) || m->not_after != na;
}

/* Whether the check applies: issued and Amazon-issued (the method is
 * known only later). */
static int
candidate(const cJSON *sum)
{
	return strcmp(str_of(sum, "Status"), "ISSUED") == 0 &&
	       strcmp(str_of(sum, "Type"), "AMAZON_ISSUED") == 0;
}

int
sync_ready_describe(
    struct sync_ready *rd, const struct sync_known *k, const cJSON *summary)
{
	const struct sync_memo *m = k ? &k->memo : NULL;
	int need = m == NULL || !m->known || changed(m, summary) ||
	           (candidate(summary) && m->nrecords == 0 &&
	               m->method != MEMO_METHOD_EMAIL &&
	               m->method != MEMO_METHOD_HTTP);

	*(need ? &rd->described : &rd->reused) += 1;
	return need;
}

/* --- the records ------------------------------------------------------ */

struct rec {
	const char *name, *value; /* borrowed */
};

/* Lower case, one trailing dot: how names compare. */
static void
norm(const char *in, char *out, size_t outlen)
{
	if (route53_name_norm(in, out, outlen) != 0)
		str_copy(out, outlen, in);
}

static int
same_name(const char *a, const char *b)
{
	char x[NAME_MAX_], y[NAME_MAX_];

	norm(a, x, sizeof(x));
	norm(b, y, sizeof(y));
	return strcmp(x, y) == 0;
}

/* A name as people write it: no trailing dot, neutralised (md.h):
 * names come from ACM, the catalog and DNS. */
static const char *
shown(char *dst, size_t len, const char *name)
{
	size_t n;

	md_str(dst, len, name);
	if ((n = strlen(dst)) > 1 && dst[n - 1] == '.')
		dst[n - 1] = '\0';
	return dst;
}

/* The view for account i: dns_role_arn's or the run's own client
 * (env->r53) when it serves, else one signed by the account's role. */
static struct view *
view_of(struct sync_ready *rd, size_t i)
{
	const struct config *c = rd->c;
	struct view *v;
	char url[2048], region[64], why[256];

	if (rd->env->r53 &&
	    (c->dns_role_arn[0] || i >= rd->acc->n || !rd->acc->a[i].creds))
		return &rd->shared;
	v = &rd->views[i < rd->nviews ? i : 0];
	if (v->r53 || v->failed)
		return v;
	if (aws_endpoint("route53", c->region, c->use_fips, c->use_dualstack,
	        url, sizeof(url), region, sizeof(region)) != 0) {
		v->failed = v->listed = 1;
		str_printf(v->error, sizeof(v->error),
		    "no Route 53 endpoint: %s", url);
		return v;
	}
	if (c->r53_endpoint[0])
		str_copy(url, sizeof(url), c->r53_endpoint);
	v->own = route53_new(rd->env->http,
	    &(struct route53_config){url, region,
	        sync_accounts_provider(rd->acc, i, rd->env),
	        c->aws_ca_file[0] ? c->aws_ca_file : NULL, c->aws_ca_setting,
	        c->max_attempts, rd->env->clock},
	    why, sizeof(why));
	if ((v->r53 = v->own) == NULL) {
		v->failed = v->listed = 1;
		str_printf(
		    v->error, sizeof(v->error), "no Route 53 client: %s", why);
	}
	return v;
}

/* Waits for the view's next Route 53 slot; -1 on a cancel. */
static int
pace(struct sync_ready *rd, struct view *v)
{
	if (rd->wait(rd->ctx, v->next_at) != 0)
		return -1;
	v->next_at = http_now_ms() + R53_PACE_MS;
	return 0;
}

static void
list_zones(struct sync_ready *rd, struct view *v, size_t account)
{
	struct aws_error err;
	/* The shared view is dns_role_arn's or the run's own account. */
	const char *id = v != &rd->shared && account < rd->acc->n
	                     ? rd->acc->a[account].id
	                     : "";
	long long t0;

	v->listed = 1;
	if (pace(rd, v) != 0) {
		v->failed = 1;
		str_copy(v->error, sizeof(v->error), "the run ended first");
		return;
	}
	t0 = http_now_ms();
	if (route53_list_zones(v->r53, &v->zones, &v->nzones, &err) == 0) {
		rd->r53_ms += http_now_ms() - t0;
		return;
	}
	rd->r53_ms += http_now_ms() - t0;
	v->failed = 1;
	str_printf(v->error, sizeof(v->error),
	    "Route 53 did not list the hosted zones%s%s (%s%s%s)%s",
	    id[0] ? " of account " : "", id, err.type[0] ? err.type : "",
	    err.type[0] ? ": " : "", err.message,
	    strcmp(err.type, "AccessDenied") == 0
	        ? "; allow route53:ListHostedZonesByName and "
	          "route53:ListResourceRecordSets for the role sync uses "
	          "(or dns_role_arn's)"
	        : "");
	report_warn(rd->env->report,
	    "renewal readiness: %s. The validation records are read from "
	    "public DNS instead (what ACM reads) in this run",
	    v->error);
}

/* The longest public zone holding name: its index, -1 none, -2 two
 * zones of that name (only public DNS tells which one serves). */
static long
zone_for(const struct view *v, const char *name)
{
	char n[NAME_MAX_];
	size_t i, ln, lz, best_len = 0;
	long best = -1;
	int twin = 0;

	norm(name, n, sizeof(n));
	ln = strlen(n);
	for (i = 0; i < v->nzones; i++) {
		lz = strlen(v->zones[i].name);
		if (lz > ln || strcmp(n + ln - lz, v->zones[i].name) != 0 ||
		    (lz < ln && n[ln - lz - 1] != '.'))
			continue;
		if (best >= 0 && lz == best_len)
			twin = 1;
		else if (lz > best_len) {
			best = (long)i;
			best_len = lz;
			twin = 0;
		}
	}
	return twin ? -2 : best;
}

/* One record's verdict into why (its words); where says which zone was
 * read. SYNC_READY_READY, AT_RISK or UNKNOWN. */
static enum sync_readiness
check_route53(struct sync_ready *rd, struct view *v,
    const struct route53_zone *z, const struct rec *r, char *why, size_t whylen)
{
	struct aws_error err;
	char value[NAME_MAX_], safe[NAME_MAX_ * 2], want[NAME_MAX_ * 2];
	char n[NAME_MAX_ * 2], zn[NAME_MAX_ * 2];
	long ttl;
	long long t0;
	int found;

	if (pace(rd, v) != 0) {
		str_copy(why, whylen, "the run ended before the check");
		return SYNC_READY_UNKNOWN;
	}
	t0 = http_now_ms();
	rd->r53_calls++;
	if (route53_get_record(v->r53, z->id, r->name, "CNAME", &found, &ttl,
	        value, sizeof(value), &err) != 0) {
		rd->r53_ms += http_now_ms() - t0;
		str_printf(why, whylen,
		    "could not read %s from zone %s (%s): %s%s%s",
		    shown(n, sizeof(n), r->name),
		    shown(zn, sizeof(zn), z->name), z->id,
		    err.type[0] ? err.type : "", err.type[0] ? ": " : "",
		    err.message);
		return SYNC_READY_UNKNOWN;
	}
	rd->r53_ms += http_now_ms() - t0;
	shown(n, sizeof(n), r->name);
	shown(zn, sizeof(zn), z->name);
	if (!found) {
		str_printf(why, whylen, "%s CNAME is gone from zone %s (%s)", n,
		    zn, z->id);
		return SYNC_READY_AT_RISK;
	}
	if (!same_name(value, r->value)) {
		str_printf(why, whylen,
		    "%s CNAME in zone %s (%s) points to %s, not to ACM's %s", n,
		    zn, z->id, shown(safe, sizeof(safe), value),
		    shown(want, sizeof(want), r->value));
		return SYNC_READY_AT_RISK;
	}
	str_printf(why, whylen, "%s is in zone %s (%s)", n, zn, z->id);
	return SYNC_READY_READY;
}

static enum sync_readiness
check_dns(struct sync_ready *rd, const struct rec *r, const char *where,
    char *why, size_t whylen)
{
	struct dns_answer *a;
	char err[256], got[NAME_MAX_ * 2], want[NAME_MAX_ * 2];
	char n[NAME_MAX_ * 2];
	enum sync_readiness out = SYNC_READY_UNKNOWN;
	long long t0;

	if (rd->dns == NULL && !rd->dns_failed &&
	    (rd->dns = dns_open(rd->c->dns_server[0] ? rd->c->dns_server : NULL,
	         err, sizeof(err))) == NULL) {
		rd->dns_failed = 1;
		str_copy(rd->dns_error, sizeof(rd->dns_error), err);
	}
	if (rd->dns == NULL) {
		str_printf(why, whylen, "could not resolve %s (%s): %s",
		    shown(n, sizeof(n), r->name), where, rd->dns_error);
		return out;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		str_copy(why, whylen, "out of memory");
		return out;
	}
	t0 = http_now_ms();
	rd->dns_queries++;
	shown(n, sizeof(n), r->name);
	switch (dns_query(rd->dns, r->name, DNS_CNAME, a)) {
	case DNS_FOUND:
		if (same_name(a->names[0], r->value)) {
			str_printf(why, whylen,
			    "%s resolves in public DNS (%s)", n, where);
			out = SYNC_READY_READY;
		} else {
			str_printf(why, whylen,
			    "%s CNAME points to %s in public DNS, not to ACM's "
			    "%s (%s)",
			    n, shown(got, sizeof(got), a->names[0]),
			    shown(want, sizeof(want), r->value), where);
			out = SYNC_READY_AT_RISK;
		}
		break;
	case DNS_NONE:
		str_printf(why, whylen,
		    "%s CNAME does not resolve in public DNS (%s)", n, where);
		out = SYNC_READY_AT_RISK;
		break;
	case DNS_ERROR:
		str_printf(why, whylen,
		    "public DNS did not answer for %s (%s): %s", n, where,
		    md_str(err, sizeof(err), a->why));
		break;
	default:
		str_printf(why, whylen,
		    "the run was cancelled before %s was resolved", n);
	}
	rd->dns_ms += http_now_ms() - t0;
	free(a);
	return out;
}

static enum sync_readiness
check_one(struct sync_ready *rd, size_t account, const struct rec *r, char *why,
    size_t whylen)
{
	struct view *v;
	long z;

	rd->records++;
	v = view_of(rd, account);
	if (!v->listed && !v->failed)
		list_zones(rd, v, account);
	if (v->failed) /* where the record lives is unknown: ask DNS */
		return check_dns(rd, r,
		    "the account's Route 53 hosted zones could not be listed",
		    why, whylen);
	if ((z = zone_for(v, r->name)) >= 0)
		return check_route53(rd, v, &v->zones[z], r, why, whylen);
	return check_dns(rd, r,
	    z == -2 ? "two public Route 53 zones of this account could hold "
	              "it; public DNS tells which serves"
	            : "no Route 53 hosted zone of this account holds it",
	    why, whylen);
}

/* "in use by 2 load balancers and 1 CloudFront distribution" */
static void
in_use_words(const unsigned short *n, struct buf *out)
{
	static const char *const one[] = {"load balancer",
	    "CloudFront distribution", "API Gateway domain", "other resource"};
	static const char *const many[] = {"load balancers",
	    "CloudFront distributions", "API Gateway domains",
	    "other resources"};
	size_t i, k = 0, total = 0;

	for (i = 0; i < MEMO_USE_KINDS; i++)
		total += n[i] != 0;
	if (total == 0) {
		buf_puts(out, "which is not in use");
		return;
	}
	buf_puts(out, "which is in use by ");
	for (i = 0; i < MEMO_USE_KINDS; i++) {
		if (!n[i])
			continue;
		k++;
		buf_printf(out, "%s%u %s",
		    k == 1       ? ""
		    : k == total ? " and "
		                 : ", ",
		    n[i], n[i] == 1 ? one[i] : many[i]);
	}
}

static void
set_props(cJSON *e, const char *value, const char *reason)
{
	cJSON *p = cJSON_GetObjectItemCaseSensitive(e, "properties");

	if (value) {
		cJSON_AddStringToObject(p, "renewalReadiness", value);
		cJSON_AddStringToObject(p, "renewalReadinessReason", reason);
	} else {
		cJSON_AddNullToObject(p, "renewalReadiness");
		cJSON_AddNullToObject(p, "renewalReadinessReason");
	}
}

/* The records to check, from the description or the memo; -1 when the
 * check does not apply, else how many (0: none known). */
static long
records_of(const struct acm_certificate *d, const struct sync_known *k,
    struct rec *out, size_t cap, unsigned short *use)
{
	const char *p;
	size_t i, n = 0;

	memset(use, 0, MEMO_USE_KINDS * sizeof(*use));
	if (d) {
		if (!d->nvalidations ||
		    strcmp(d->validations[0].method, "DNS") != 0)
			return -1;
		for (i = 0; i < d->nin_use_by; i++)
			if (use[sync_index_use_kind(d->in_use_by[i])] < 65535)
				use[sync_index_use_kind(d->in_use_by[i])]++;
		for (i = 0; i < d->nvalidations && n < cap; i++)
			if (op_record_first(d, i) &&
			    d->validations[i].record_name[0] &&
			    strcmp(d->validations[i].record_type, "CNAME") == 0)
				out[n++] =
				    (struct rec){d->validations[i].record_name,
				        d->validations[i].record_value};
		return (long)n;
	}
	if (k == NULL || !k->memo.known)
		return 0;
	if (k->memo.method == MEMO_METHOD_EMAIL ||
	    k->memo.method == MEMO_METHOD_HTTP)
		return -1;
	memcpy(use, k->memo.in_use, MEMO_USE_KINDS * sizeof(*use));
	for (p = k->memo.records, i = 0; p && i < k->memo.nrecords && n < cap;
	     i++) {
		out[n].name = p;
		p += strlen(p) + 1;
		out[n++].value = p;
		p += strlen(p) + 1;
	}
	return (long)n;
}

static void
note(struct sync_ready *rd, enum sync_readiness st, const char *arn,
    const char *domain, const char *region, const char *reason)
{
	char safe[2400];
	cJSON *o;

	rd->count[st]++;
	if (st == SYNC_READY_AT_RISK) {
		sync_health_at_risk(rd->health, arn);
		if (cJSON_GetArraySize(rd->at_risk) < REPORT_MAX &&
		    (o = cJSON_CreateObject()) != NULL) {
			cJSON_AddStringToObject(o, "arn", arn);
			cJSON_AddStringToObject(o, "domain", domain);
			cJSON_AddStringToObject(o, "region", region);
			cJSON_AddStringToObject(o, "reason", reason);
			cJSON_AddItemToArray(rd->at_risk, o);
		}
	} else if (st == SYNC_READY_UNKNOWN && rd->logged_unknown++ < LOG_MAX)
		report_log(rd->env->report,
		    "renewal readiness of %s is unknown: %s", arn,
		    md_str(safe, sizeof(safe), reason));
}

enum sync_readiness
sync_ready_check(struct sync_ready *rd, size_t account, const char *region,
    const struct sync_known *k, const cJSON *summary,
    const struct acm_certificate *detail, cJSON *e)
{
	struct rec recs[100];
	unsigned short use[MEMO_USE_KINDS];
	enum sync_readiness st = SYNC_READY_READY, one;
	struct buf reason = {0};
	char why[2048], domain[300];
	const cJSON *na;
	long n, i, bad = 0, unknown = 0;
	double days;

	md_str(domain, sizeof(domain), str_of(summary, "DomainName"));
	if (!candidate(summary) ||
	    (n = records_of(detail, k, recs, 100, use)) < 0) {
		set_props(e, NULL, NULL);
		rd->count[SYNC_READY_NONE]++;
		return SYNC_READY_NONE;
	}
	if (n == 0) {
		st = SYNC_READY_UNKNOWN;
		buf_puts(&reason,
		    detail ? "ACM's description lists no DNS validation "
		             "record"
		           : "its validation records are not known: the "
		             "catalog has none and DescribeCertificate "
		             "failed");
	}
	for (i = 0; i < n; i++) {
		one = check_one(rd, account, &recs[i], why, sizeof(why));
		if (one == SYNC_READY_AT_RISK) {
			if (bad++ == 0) { /* the first at-risk record leads */
				buf_reset(&reason);
				buf_puts(&reason, why);
			}
			st = SYNC_READY_AT_RISK;
		} else if (one == SYNC_READY_UNKNOWN) {
			if (unknown++ == 0 && st != SYNC_READY_AT_RISK) {
				buf_reset(&reason);
				buf_puts(&reason, why);
			}
			if (st == SYNC_READY_READY)
				st = SYNC_READY_UNKNOWN;
		} else if (n == 1)
			buf_puts(&reason, why);
	}
	na = cJSON_GetObjectItemCaseSensitive(summary, "NotAfter");
	days = cJSON_IsNumber(na) ? (na->valuedouble - rd->now) / 86400.0 : 0;
	if (st == SYNC_READY_AT_RISK) {
		if (bad > 1)
			buf_printf(&reason,
			    " (and %ld more of its %ld records)", bad - 1, n);
		buf_puts(&reason, "; ACM cannot renew this certificate, ");
		in_use_words(use, &reason);
		if (days >= 1)
			buf_printf(
			    &reason, " and expires in %ld days", (long)days);
		else
			buf_puts(&reason, " and expires within a day");
	} else if (st == SYNC_READY_UNKNOWN && n > 0)
		buf_puts(&reason, "; readiness is unknown, not at risk: the "
		                  "next sync checks again");
	else if (st == SYNC_READY_READY && n > 1)
		buf_printf(
		    &reason, "all %ld validation records are in place", n);
	set_props(e,
	    st == SYNC_READY_READY     ? "ready"
	    : st == SYNC_READY_AT_RISK ? "at_risk"
	                               : "unknown",
	    buf_str(&reason));
	note(rd, st, str_of(summary, "CertificateArn"), domain, region,
	    buf_str(&reason));
	buf_free(&reason);
	return st;
}

/* --- the report ------------------------------------------------------- */

void
sync_ready_report(struct sync_ready *rd, cJSON *rep, struct buf *md)
{
	const char *const names[] = {
	    "notChecked", "ready", "atRisk", "unknown"};
	cJSON *o, *it;
	char safe[2400];
	unsigned long n = rd ? rd->count[SYNC_READY_AT_RISK] : 0;
	size_t i;
	int logged = 0;

	if (rd == NULL ||
	    (o = cJSON_AddObjectToObject(rep, "renewalReadiness")) == NULL)
		return;
	for (i = 0; i < 4; i++)
		cJSON_AddNumberToObject(o, names[i], (double)rd->count[i]);
	cJSON_AddNumberToObject(o, "described", (double)rd->described);
	cJSON_AddNumberToObject(o, "describeSkipped", (double)rd->reused);
	cJSON_AddNumberToObject(o, "records", (double)rd->records);
	cJSON_AddNumberToObject(
	    o, "listResourceRecordSets", (double)rd->r53_calls);
	cJSON_AddNumberToObject(o, "route53Ms", (double)rd->r53_ms);
	cJSON_AddNumberToObject(o, "dnsQueries", (double)rd->dns_queries);
	cJSON_AddNumberToObject(o, "dnsMs", (double)rd->dns_ms);
	cJSON_AddItemToObject(
	    o, "atRiskCertificates", cJSON_Duplicate(rd->at_risk, 1));
	if (n == 0)
		return;
	/* Every at-risk certificate first: it needs a person. */
	buf_printf(md,
	    "**At risk: renewal will fail (%lu certificate%s)**\n\n"
	    "| Certificate | Region | Why |\n|---|---|---|\n",
	    n, n == 1 ? "" : "s");
	cJSON_ArrayForEach(it, rd->at_risk)
	{
		md_row(md, 3, str_of(it, "domain"), str_of(it, "region"),
		    str_of(it, "reason"));
		if (logged++ < LOG_MAX)
			report_warn(rd->env->report,
			    "renewal at risk: %s (%s): %s", str_of(it, "arn"),
			    str_of(it, "domain"),
			    md_str(safe, sizeof(safe), str_of(it, "reason")));
	}
	if (n > REPORT_MAX)
		buf_printf(md,
		    "\nand %lu more (see the catalog's "
		    "renewalReadiness)\n",
		    n - REPORT_MAX);
	buf_puts(md, "\n");
}
