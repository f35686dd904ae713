/*
 * doctor: the validation doctor (see doctor.h). doctor_diagnose is the
 * reasoning, on answers it is handed; doctor_run feeds it the run's DNS
 * and Route 53; doctor_report and doctor_sync say what it found.
 */
#include "ops/doctor.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/cancel.h"
#include "base/md.h"

#define MDLEN 640 /* a neutralised name: 256 bytes may grow ('<': 4) */

static const char *const amazon_caa[] = {
    "amazon.com", "amazontrust.com", "awstrust.com", "amazonaws.com"};

/* src in lower case without its trailing dot. */
static void
plain(char *dst, size_t dstlen, const char *src)
{
	size_t i;

	str_copy(dst, dstlen, src);
	for (i = 0; dst[i]; i++)
		dst[i] = (char)tolower((unsigned char)dst[i]);
	if (i > 0 && dst[i - 1] == '.')
		dst[i - 1] = '\0';
}

static int
name_eq(const char *a, const char *b)
{
	char x[DNS_NAME_LEN], y[DNS_NAME_LEN];

	plain(x, sizeof(x), a);
	plain(y, sizeof(y), b);
	return strcmp(x, y) == 0;
}

/* Whether name is zone or below it (both plain). */
static int
in_zone(const char *name, const char *zone)
{
	size_t n = strlen(name), z = strlen(zone);

	return n == z ? strcmp(name, zone) == 0
	       : n > z
	           ? name[n - z - 1] == '.' && strcmp(name + n - z, zone) == 0
	           : 0;
}

int
doctor_caa_amazon(const char *value)
{
	char issuer[DNS_NAME_LEN];
	size_t a = 0, b;
	size_t i;

	while (value[a] == ' ' || value[a] == '\t')
		a++;
	for (b = a; value[b] && value[b] != ';'; b++)
		;
	while (b > a && (value[b - 1] == ' ' || value[b - 1] == '\t'))
		b--;
	if (b - a >= sizeof(issuer))
		return 0;
	memcpy(issuer, value + a, b - a);
	issuer[b - a] = '\0';
	for (i = 0; i < sizeof(amazon_caa) / sizeof(amazon_caa[0]); i++)
		if (strcasecmp(issuer, amazon_caa[i]) == 0)
			return 1;
	return 0;
}

/* CAA tags a CA understands (RFC 8659 §4, RFC 9495): an unknown one
 * with the issuer-critical flag forbids issuance. */
static int
known_tag(const char *tag)
{
	static const char *const tags[] = {"issue", "issuewild", "iodef",
	    "issuemail", "issuevmc", "contactemail", "contactphone"};
	size_t i;

	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (strcasecmp(tag, tags[i]) == 0)
			return 1;
	return 0;
}

int
doctor_caa_allows(
    const struct dns_answer *caa, int wildcard, char *why, size_t whylen)
{
	const char *tag = "issue";
	char t[64], v[MDLEN];
	size_t i, n = 0;
	struct buf b = {0};
	int ok = 0;

	why[0] = '\0';
	for (i = 0; i < caa->n; i++)
		if (caa->caa[i].critical && !known_tag(caa->caa[i].tag)) {
			str_printf(why, whylen,
			    "%d %s \"%s\", a critical property CAs do not know",
			    128, md_str(t, sizeof(t), caa->caa[i].tag),
			    md_str(v, sizeof(v), caa->caa[i].value));
			return 0;
		}
	if (wildcard)
		for (i = 0; i < caa->n; i++)
			if (strcasecmp(caa->caa[i].tag, "issuewild") == 0)
				tag = "issuewild";
	for (i = 0; i < caa->n; i++) {
		if (strcasecmp(caa->caa[i].tag, tag) != 0)
			continue;
		if (doctor_caa_amazon(caa->caa[i].value))
			ok = 1;
		buf_printf(&b, "%s%d %s \"%s\"", n++ ? ", " : "",
		    caa->caa[i].critical ? 128 : 0, tag,
		    md_str(v, sizeof(v), caa->caa[i].value));
	}
	/* No issue (or issuewild) property: the set restricts no CA. */
	if (n == 0 || ok) {
		buf_free(&b);
		return 1;
	}
	str_copy(why, whylen, buf_str(&b));
	buf_free(&b);
	return 0;
}

struct ask {
	const struct doctor_dns *dns;
	unsigned queries;
};

static enum dns_status
ask(struct ask *a, const char *name, enum dns_type type, struct dns_answer *out)
{
	if (a->queries >= DOCTOR_MAX_QUERIES) {
		memset(out, 0, sizeof(*out));
		out->status = DNS_ERROR;
		str_printf(out->why, sizeof(out->why),
		    "the doctor asks at most %d DNS questions per certificate",
		    DOCTOR_MAX_QUERIES);
		return out->status;
	}
	a->queries++;
	return a->dns->query(a->dns->ctx, name, type, out);
}

static const char *
why_of(const struct dns_answer *a)
{
	if (a->status == DNS_CANCELLED)
		return "the run was cancelled";
	return a->why[0] ? a->why : "no usable answer";
}

/* The zone with the longest name that name is in, or NULL. */
static const struct doctor_zone *
zone_of(const struct doctor_zone *zones, size_t n, const char *name)
{
	const struct doctor_zone *best = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if (in_zone(name, zones[i].name) &&
		    (best == NULL ||
		        strlen(zones[i].name) > strlen(best->name)))
			best = &zones[i];
	return best;
}

static void
cnames(const struct acm_certificate *cert, const struct doctor_zone *zones,
    size_t nzones, struct ask *q, struct dns_answer *a, struct buf *out,
    struct doctor_result *r)
{
	char name[DNS_NAME_LEN], want[DNS_NAME_LEN], got[DNS_NAME_LEN];
	char mn[MDLEN], mw[MDLEN], mg[MDLEN], mz[MDLEN], mi[MDLEN];
	const struct doctor_zone *z;
	size_t i, checked = 0, more = 0;

	for (i = 0; i < cert->nvalidations; i++) {
		const struct acm_validation *v = &cert->validations[i];

		if (strcmp(v->method, "DNS") != 0 || !v->record_name[0] ||
		    !op_record_first(cert, i))
			continue;
		if (checked == DOCTOR_MAX_RECORDS) {
			more++;
			continue;
		}
		checked++;
		plain(name, sizeof(name), v->record_name);
		plain(want, sizeof(want), v->record_value);
		md_str(mn, sizeof(mn), name);
		md_str(mw, sizeof(mw), want);
		z = zone_of(zones, nzones, name);
		switch (ask(q, name, DNS_CNAME, a)) {
		case DNS_FOUND:
			plain(got, sizeof(got), a->names[0]);
			if (name_eq(got, want)) {
				r->right++;
				buf_printf(out,
				    "The validation CNAME %s is right: public "
				    "DNS answers %s, the value ACM expects.\n",
				    mn, mw);
				break;
			}
			r->causes++;
			buf_printf(out,
			    "The validation CNAME %s has the wrong value: "
			    "public DNS answers %s, ACM expects %s. Change "
			    "the record's value to %s",
			    mn, md_str(mg, sizeof(mg), got), mw, mw);
			if (z)
				buf_printf(out, " (Route 53 zone %s, %s)",
				    md_str(mz, sizeof(mz), z->name),
				    md_str(mi, sizeof(mi), z->id));
			buf_puts(out, ".\n");
			break;
		case DNS_NONE:
			r->causes++;
			buf_printf(out,
			    "The validation CNAME %s is missing: public DNS "
			    "has no such record, so ACM cannot see it. ",
			    mn);
			if (z)
				buf_printf(out,
				    "port-acm wrote it to Route 53 zone %s "
				    "(%s): either public DNS does not answer "
				    "from that zone (see its delegation) or "
				    "the "
				    "change has not reached it yet.\n",
				    md_str(mz, sizeof(mz), z->name),
				    md_str(mi, sizeof(mi), z->id));
			else
				buf_printf(out,
				    "Add CNAME %s with the value %s in the DNS "
				    "zone that serves the domain.\n",
				    mn, mw);
			break;
		default:
			r->unchecked++;
			buf_printf(out,
			    "Could not check the validation CNAME %s: %s.\n",
			    mn, md_str(mg, sizeof(mg), why_of(a)));
			break;
		}
	}
	if (more)
		buf_printf(out,
		    "%zu more validation CNAME%s not checked (the doctor "
		    "checks %d per certificate).\n",
		    more, more == 1 ? " was" : "s were", DOCTOR_MAX_RECORDS);
	if (checked == 0)
		buf_puts(out,
		    "ACM lists no DNS validation record for this certificate "
		    "(email validation, or ACM has not published them yet): "
		    "there is no CNAME to check.\n");
}

/* "a, b, c" of names, neutralised. */
static void
name_list(struct buf *out, const char *first, size_t stride, size_t n)
{
	char m[MDLEN];
	size_t i;

	for (i = 0; i < n; i++)
		buf_printf(out, "%s%s", i ? ", " : "",
		    md_str(m, sizeof(m), first + i * stride));
}

static void
delegation(const struct doctor_zone *z, struct ask *q, struct dns_answer *a,
    struct buf *out, struct doctor_result *r)
{
	char mz[MDLEN], mi[MDLEN], mw[MDLEN], got[DNS_MAX_RECORDS][256];
	struct buf own = {0}, seen = {0};
	size_t i, j, match = 0;

	md_str(mz, sizeof(mz), z->name);
	md_str(mi, sizeof(mi), z->id);
	if (z->ns.n == 0) {
		if (z->why[0]) {
			r->unchecked++;
			buf_printf(out,
			    "Could not check the delegation of %s to Route 53 "
			    "zone %s: %s.\n",
			    mz, mi, md_str(mw, sizeof(mw), z->why));
		}
		return;
	}
	name_list(&own, z->ns.ns[0], sizeof(z->ns.ns[0]), z->ns.n);
	switch (ask(q, z->name, DNS_NS, a)) {
	case DNS_FOUND:
		for (i = 0; i < a->n; i++) {
			plain(got[i], sizeof(got[i]), a->names[i]);
			for (j = 0; j < z->ns.n; j++)
				if (strcmp(got[i], z->ns.ns[j]) == 0) {
					match++;
					break;
				}
		}
		name_list(&seen, got[0], sizeof(got[0]), a->n);
		if (match == a->n) {
			r->right++;
			buf_printf(out,
			    "%s is delegated to this Route 53 zone (%s): "
			    "public "
			    "DNS names its name servers %s.\n",
			    mz, mi, buf_str(&seen));
		} else if (match == 0) {
			r->causes++;
			buf_printf(out,
			    "%s is delegated to %s, not to this Route 53 zone "
			    "(%s); records written here are invisible. Set the "
			    "domain's name servers (at its registrar, or NS "
			    "records in its parent zone) to the zone's own: "
			    "%s; "
			    "or write the validation records where %s is "
			    "served.\n",
			    mz, buf_str(&seen), mi, buf_str(&own), mz);
		} else {
			r->causes++;
			buf_printf(out,
			    "%s is delegated to %s, only partly to this Route "
			    "53 zone (%s): resolvers that ask the others do "
			    "not "
			    "see the records written here. Make its name "
			    "servers the zone's own: %s.\n",
			    mz, buf_str(&seen), mi, buf_str(&own));
		}
		break;
	case DNS_NONE:
		r->causes++;
		buf_printf(out,
		    "%s has no NS records in public DNS: nothing delegates it "
		    "to Route 53 zone %s, so records written there are "
		    "invisible. Delegate it to the zone's name servers (at the "
		    "registrar, or NS records in the parent zone): %s.\n",
		    mz, mi, buf_str(&own));
		break;
	default:
		r->unchecked++;
		buf_printf(out, "Could not check the delegation of %s: %s.\n",
		    mz, md_str(mw, sizeof(mw), why_of(a)));
		break;
	}
	buf_free(&own);
	buf_free(&seen);
}

/* Number of labels of a plain name. */
static size_t
labels(const char *name)
{
	size_t n = name[0] ? 1 : 0;

	for (; *name; name++)
		n += *name == '.';
	return n;
}

/* The CAA record set that applies to one validated name (RFC 8659 §3:
 * the first found climbing from the name to its parents). Returns 1
 * when nothing blocks Amazon, 0 when a record does (said in out), -1
 * when it could not be checked (said in out). */
static int
caa_one(const char *domain, struct ask *q, struct dns_answer *a,
    char seen[][DNS_NAME_LEN], size_t *nseen, struct buf *out,
    struct doctor_result *r)
{
	int wildcard = strncmp(domain, "*.", 2) == 0;
	char name[DNS_NAME_LEN], why[512], mn[MDLEN], md[MDLEN], mw[MDLEN];
	const char *dot;
	size_t i;

	plain(name, sizeof(name), wildcard ? domain + 2 : domain);
	md_str(md, sizeof(md), domain);
	for (;;) {
		switch (ask(q, name, DNS_CAA, a)) {
		case DNS_FOUND:
			if (doctor_caa_allows(a, wildcard, why, sizeof(why)))
				return 1;
			/* One line per blocking set, however many names
			 * climb to it. */
			for (i = 0; i < *nseen; i++)
				if (strcmp(seen[i], name) == 0)
					return 0;
			if (*nseen < DOCTOR_MAX_RECORDS)
				str_copy(seen[(*nseen)++], DNS_NAME_LEN, name);
			r->causes++;
			md_str(mn, sizeof(mn), name);
			buf_printf(out,
			    "The CAA record at %s (%s) names none of "
			    "amazon.com, "
			    "amazontrust.com, awstrust.com, amazonaws.com, so "
			    "it blocks ACM from issuing for %s: add CAA 0 %s "
			    "\"amazon.com\" to %s, or remove the CAA record at "
			    "%s.\n",
			    mn, why, md, wildcard ? "issuewild" : "issue", mn,
			    mn);
			return 0;
		case DNS_NONE:
			dot = strchr(name, '.');
			if (labels(name) <= 2 || dot == NULL)
				return 1;
			memmove(name, dot + 1, strlen(dot + 1) + 1);
			break;
		default:
			r->unchecked++;
			buf_printf(out,
			    "Could not check CAA for %s at %s: %s.\n", md,
			    md_str(mn, sizeof(mn), name),
			    md_str(mw, sizeof(mw), why_of(a)));
			return -1;
		}
	}
}

static void
caas(const struct acm_certificate *cert, struct ask *q, struct dns_answer *a,
    struct buf *out, struct doctor_result *r)
{
	char seen[DOCTOR_MAX_RECORDS][DNS_NAME_LEN], m[MDLEN];
	struct buf ok = {0};
	size_t i, j, nseen = 0, nok = 0, done = 0;
	const char *d;

	for (i = 0; i < cert->nvalidations && done < DOCTOR_MAX_RECORDS; i++) {
		d = cert->validations[i].domain;
		for (j = 0; j < i; j++)
			if (strcasecmp(cert->validations[j].domain, d) == 0)
				break;
		if (j < i || !d[0])
			continue;
		done++;
		if (caa_one(d, q, a, seen, &nseen, out, r) == 1)
			buf_printf(&ok, "%s%s", nok++ ? ", " : "",
			    md_str(m, sizeof(m), d));
	}
	if (nok) {
		r->right++;
		buf_printf(out,
		    "No CAA record keeps Amazon from issuing for %s.\n",
		    buf_str(&ok));
	}
	buf_free(&ok);
}

/* What is left when the DNS is right. */
static void
verdict(const struct acm_certificate *cert, const struct doctor_result *r,
    struct buf *out)
{
	char m[128];

	if (r->causes)
		return;
	if (r->unchecked) {
		buf_puts(out,
		    "Nothing wrong was found in what could be checked; run "
		    "again when DNS answers to check the rest.\n");
		return;
	}
	buf_puts(out, "The DNS is right for ACM. ");
	if (strcmp(cert->status, "PENDING_VALIDATION") == 0)
		buf_puts(out,
		    "What is left is ACM itself: it looks again every few "
		    "minutes and may not have seen the records yet (allow up "
		    "to 30 minutes after they appear); it keeps trying for 72 "
		    "hours and issues the certificate under the same ARN.\n");
	else if (strcmp(cert->status, "VALIDATION_TIMED_OUT") == 0)
		buf_puts(out,
		    "ACM gave up after 72 hours, before the DNS was right: "
		    "delete this certificate and request a new one, which "
		    "will validate now.\n");
	else
		buf_printf(out,
		    "What is left is ACM's own reason (failure reason %s): "
		    "a name ACM will not issue for (DOMAIN_NOT_ALLOWED, "
		    "ADDITIONAL_VERIFICATION_REQUIRED: ask AWS Support), or "
		    "a CAA record that was there when ACM checked. A FAILED "
		    "certificate stays failed: delete it and request a new "
		    "one.\n",
		    cert->failure_reason[0]
		        ? md_str(m, sizeof(m), cert->failure_reason)
		        : "none given");
}

void
doctor_diagnose(const struct acm_certificate *cert,
    const struct doctor_zone *zones, size_t nzones,
    const struct doctor_dns *dns, struct buf *out, struct doctor_result *r)
{
	struct ask q = {dns, 0};
	struct dns_answer *a = malloc(sizeof(*a));
	size_t i;

	memset(r, 0, sizeof(*r));
	if (a == NULL) {
		r->unchecked++;
		buf_puts(out, "Could not check the DNS: out of memory.\n");
		return;
	}
	cnames(cert, zones, nzones, &q, a, out, r);
	for (i = 0; i < nzones; i++)
		delegation(&zones[i], &q, a, out, r);
	caas(cert, &q, a, out, r);
	verdict(cert, r, out);
	free(a);
}

/* --- the run's DNS and Route 53 --------------------------------------- */

static enum dns_status
run_query(
    void *ctx, const char *name, enum dns_type type, struct dns_answer *out)
{
	return dns_query(ctx, name, type, out);
}

/* The Route 53 zones the records went into (request: env->dns_zones),
 * with their delegation sets (GetHostedZone: read only). */
static size_t
find_zones(struct op_env *env, const struct acm_certificate *cert,
    struct doctor_zone *zones)
{
	const cJSON *m, *id, *name;
	struct route53_zone rz;
	struct aws_error err;
	size_t i, j, n = 0;

	if (env->r53 == NULL || env->dns_zones == NULL)
		return 0;
	for (i = 0; i < cert->nvalidations && n < DOCTOR_MAX_ZONES; i++) {
		m = cJSON_GetObjectItemCaseSensitive(
		    env->dns_zones, cert->validations[i].record_name);
		id = cJSON_GetObjectItemCaseSensitive(m, "hostedZoneId");
		name = cJSON_GetObjectItemCaseSensitive(m, "hostedZoneName");
		if (!cJSON_IsString(id) || !cJSON_IsString(name))
			continue;
		for (j = 0; j < n; j++)
			if (strcmp(zones[j].id, id->valuestring) == 0)
				break;
		if (j < n)
			continue;
		memset(&zones[n], 0, sizeof(zones[n]));
		str_copy(zones[n].id, sizeof(zones[n].id), id->valuestring);
		plain(zones[n].name, sizeof(zones[n].name), name->valuestring);
		if (route53_get_zone_ns(
		        env->r53, zones[n].id, &rz, &zones[n].ns, &err) != 0)
			str_printf(zones[n].why, sizeof(zones[n].why),
			    "Route 53 did not answer GetHostedZone (%s%s%s)%s",
			    err.type, err.type[0] ? ": " : "", err.message,
			    strstr(err.type, "AccessDenied") != NULL
			        ? "; allow route53:GetHostedZone"
			        : "");
		n++;
	}
	return n;
}

void
doctor_run(struct op_env *env, const struct acm_certificate *cert,
    struct buf *out, struct doctor_result *r)
{
	struct doctor_zone *zones = calloc(DOCTOR_MAX_ZONES, sizeof(*zones));
	long long now = http_now_ms(), saved = http_deadline(env->http);
	long long end = saved ? saved : now + DOCTOR_MAX_MS;
	struct doctor_dns q;
	struct dns *d;
	char err[512];
	size_t nz;

	memset(r, 0, sizeof(*r));
	/* The work's time may be up (the wait for issuance used it): then
	 * half of what the catalog write may still use. */
	if (end - now < 1000 && env->catalog_deadline_ms > now)
		end = now + (env->catalog_deadline_ms - now) / 2;
	if (end > now + DOCTOR_MAX_MS)
		end = now + DOCTOR_MAX_MS;
	if (zones == NULL) {
		r->unchecked++;
		buf_puts(out, "Could not check the DNS: out of memory.\n");
		return;
	}
	http_set_deadline(env->http, end);
	nz = find_zones(env, cert, zones);
	if ((d = dns_open(env->cfg->dns_server, err, sizeof(err))) == NULL) {
		char m[MDLEN];

		r->unchecked++;
		buf_printf(out, "Could not check the DNS: %s.\n",
		    md_str(m, sizeof(m), err));
	} else {
		dns_set_budget(d, end - http_now_ms());
		q = (struct doctor_dns){run_query, d};
		doctor_diagnose(cert, zones, nz, &q, out, r);
		dns_close(d);
	}
	http_set_deadline(env->http, saved);
	free(zones);
}

/* Calls say(ctx, line) for each line of text (our own, '\n'-ended). */
static void
each_line(
    const char *text, void (*say)(void *, const char *, size_t), void *ctx)
{
	const char *nl;

	for (; *text; text = nl + 1) {
		if ((nl = strchr(text, '\n')) == NULL)
			nl = text + strlen(text);
		if (nl > text)
			say(ctx, text, (size_t)(nl - text));
		if (*nl == '\0')
			break;
	}
}

struct say_ctx {
	struct report *report;
	const char *prefix;
	struct buf *list; /* "- line\n" Markdown */
};

static void
say_line(void *ctx, const char *line, size_t len)
{
	struct say_ctx *c = ctx;

	report_log(c->report, "%s%.*s", c->prefix, (int)len, line);
	buf_printf(c->list, "- %.*s\n", (int)len, line);
}

static int
needs_doctor(const struct acm_certificate *cert, int pending)
{
	if (strcmp(cert->type, "PRIVATE") == 0 ||
	    strcmp(cert->type, "IMPORTED") == 0 || cert->ca_arn[0])
		return 0;
	return strcmp(cert->status, "FAILED") == 0 ||
	       strcmp(cert->status, "VALIDATION_TIMED_OUT") == 0 ||
	       (pending && strcmp(cert->status, "PENDING_VALIDATION") == 0);
}

int
doctor_report(struct op_env *env, struct op_result *res,
    const struct acm_certificate *cert, int pending_at_deadline)
{
	struct buf text = {0};
	struct doctor_result r;
	struct say_ctx c = {
	    env->report, "Validation doctor: ", &res->diagnosis};

	if (!needs_doctor(cert, pending_at_deadline) || cancel_requested())
		return 0;
	report_log(env->report,
	    "Validation doctor: the certificate is %s; asking public DNS why",
	    cert->status);
	doctor_run(env, cert, &text, &r);
	buf_reset(&res->diagnosis);
	each_line(buf_str(&text), say_line, &c);
	buf_printf(&res->summary,
	    "\n\nValidation doctor (%u cause%s found):\n%s", r.causes,
	    r.causes == 1 ? "" : "s", buf_str(&res->diagnosis));
	env->diagnosis = buf_str(&res->diagnosis);
	buf_free(&text);
	return 1;
}

void
doctor_sync(
    struct op_env *env, const struct acm_certificate *cert, cJSON *entity)
{
	struct buf text = {0}, list = {0};
	struct doctor_result r;
	char prefix[2400], m[MDLEN];
	struct say_ctx c = {env->report, prefix, &list};
	cJSON *props =
	    entity ? cJSON_GetObjectItemCaseSensitive(entity, "properties")
	           : NULL;

	if (cert == NULL || props == NULL || !needs_doctor(cert, 0) ||
	    cancel_requested())
		return;
	if (env->doctor_runs >= DOCTOR_SYNC_MAX || env->doctor_dns_down) {
		if (env->doctor_skipped++ == 0)
			report_log(env->report,
			    "Validation doctor: %s; %s and the failed "
			    "certificates after it are not diagnosed in this "
			    "run (run renew on one to diagnose it)",
			    env->doctor_dns_down
			        ? "public DNS did not answer, so it stops"
			        : "it diagnoses at most " DOCTOR_SYNC_MAX_TEXT
			          " failed certificates a sync",
			    cert->arn);
		return;
	}
	env->doctor_runs++;
	str_printf(prefix, sizeof(prefix),
	    "Validation doctor, %s (%s): ", cert->arn,
	    md_str(m, sizeof(m), cert->domain));
	doctor_run(env, cert, &text, &r);
	if (r.causes == 0 && r.right == 0 && r.unchecked > 0)
		env->doctor_dns_down = 1;
	each_line(buf_str(&text), say_line, &c);
	cJSON_DeleteItemFromObjectCaseSensitive(props, "validationDiagnosis");
	cJSON_AddStringToObject(props, "validationDiagnosis", buf_str(&list));
	buf_free(&text);
	buf_free(&list);
}
