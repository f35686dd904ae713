#include "ops/sync_pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cancel.h"
#include "base/gha.h"
#include "base/http.h"
#include "base/md.h"
#include "input/validate_arn.h"
#include "ops/acm_list.h"
#include "ops/doctor.h"
#include "ops/explain.h"
#include "ops/sync_list.h"

/* An ACM listing failure in the words of whoever runs the sync. */
static void
region_failed(struct sync *s, struct region *r, const struct acm_error *err,
    const char *op)
{
	const char *t = err->type;

	r->failed = r->done = 1;
	if (err->kind == ACM_ERR_TRANSPORT)
		buf_printf(&r->error,
		    "could not reach ACM in %s: %s. Is the region name right, "
		    "and is ACM reachable from the runner?",
		    r->label, err->message);
	else if (strcmp(t, "AccessDeniedException") == 0)
		buf_printf(&r->error,
		    "ACM in %s refused acm:%s (AccessDeniedException: %s). "
		    "Allow acm:ListCertificates%s for the role the workflow "
		    "uses (examples/iam/sync.json)",
		    r->label, op, err->message,
		    s->c->include_details ? " and acm:DescribeCertificate"
		                          : "");
	else if (strcmp(t, "UnrecognizedClientException") == 0 ||
	         strcmp(t, "InvalidClientTokenId") == 0)
		buf_printf(&r->error,
		    "ACM in %s did not recognise the credentials (%s: %s). If "
		    "they work in other regions, %s is an opt-in region that "
		    "is not enabled for this account: enable it under Account "
		    "> AWS Regions, or drop it from regions",
		    r->label, t, err->message, r->name);
	else {
		buf_printf(&r->error, "ACM in %s: ", r->label);
		explain_acm_error(err, "list", "", "", &r->error);
	}
	report_warn(s->env->report,
	    "%s. Nothing will be deleted from the catalog for %s in this run",
	    buf_str(&r->error), r->label);
}

/* --- listing -------------------------------------------------------- */

/* 1 when a held page can go on: its tags are in and Port has room. */
static int
writable(const struct sync *s)
{
	size_t i;

	if (s->nheld == 0 || (s->bulk && !bulk_room(s->bulk, 0)))
		return 0;
	for (i = 0; i < s->nheld; i++)
		if (sync_tags_ready(s->tags, s->held[i]) ||
		    s->r[s->held[i]].tags_seen != sync_tags_version(s->tags))
			return 1;
	return 0;
}

/* Waits until `at`, giving the time to the tags and Port's writes
 * (`early`: returns 0 sooner once a held page can go on); -1 at once on
 * a cancel or when the deadline comes first. */
static int
wait_until(struct sync *s, long long at, int early)
{
	long long now, dl;

	while ((now = http_now_ms()) < at) {
		dl = http_deadline(s->env->http);
		if (cancel_requested() || (dl && now >= dl))
			return -1;
		if (early && writable(s))
			return 0;
		if (sync_tags_idle(s->tags, s->bulk) > 0)
			continue; /* a tag page read in the gap */
		if (s->bulk)
			bulk_pump(s->bulk, (long)(at - now));
		else if (http_sleep_ms(s->env->http, (long)(at - now)) != 0)
			return -1;
	}
	return cancel_requested() ? -1 : 0;
}

int
sync_pages_wait(void *s, long long at)
{
	return wait_until(s, at, 0);
}

/* sync_list_ops.wait */
static int
list_wait(void *s, long long at)
{
	return wait_until(s, at, 1);
}

static const char *
str_of(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/* DescribeCertificate for include_details, paced per region. */
static int
describe(struct sync *s, struct region *r, const char *arn,
    struct acm_certificate *cert)
{
	struct acm_error err;
	cJSON *params, *resp = NULL;
	char why[256];
	int rc;

	if (wait_until(s, r->describe_at, 0) != 0)
		return -1;
	r->describe_at = http_now_ms() + DESCRIBE_PACE_MS;
	if ((params = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_AddStringToObject(params, "CertificateArn", arn);
	rc = acm_call(r->acm, "DescribeCertificate", params, &resp, &err);
	cJSON_Delete(params);
	if (rc != 0) {
		if (s->fail_logged++ < LOG_MAX)
			report_warn(s->env->report,
			    "no details for %s (%s: %s); writing what the "
			    "listing says%s",
			    arn, err.type[0] ? err.type : "error", err.message,
			    strcmp(err.type, "AccessDeniedException") == 0
			        ? ". Allow acm:DescribeCertificate for "
			          "include_details"
			        : "");
		return -1;
	}
	rc = acm_certificate_parse(resp, cert, why, sizeof(why));
	cJSON_Delete(resp);
	return rc;
}

static void
one_summary(struct sync *s, struct region *r, const cJSON *sum)
{
	const char *arn = str_of(sum, "CertificateArn");
	const char *status = str_of(sum, "Status");
	const cJSON *na = cJSON_GetObjectItemCaseSensitive(sum, "NotAfter");
	double not_after = cJSON_IsNumber(na) ? na->valuedouble : 0;
	struct acm_certificate cert = {0};
	struct sync_known *k;
	struct arn a;
	char why[256];
	cJSON *e;
	int st, have_detail = 0;

	r->listed++;
	if (acm_list_summary(sum, r->name, s->acc.a[r->account].id, &a, why,
	        sizeof(why)) != 0) {
		r->skipped++;
		if (s->fail_logged++ < LOG_MAX)
			report_warn(s->env->report,
			    "skipping a certificate ACM listed in %s with an "
			    "ARN port-acm does not recognise (%s)",
			    r->label, why);
		return;
	}
	if (!s->account[0])
		str_copy(s->account, sizeof(s->account), a.account);
	st = config_status_index(status);
	r->by_status[st < 0 ? CONFIG_NSTATUSES : st]++;
	if ((k = sync_index_lookup(&s->ix, arn)) != NULL)
		k->seen = 1;
	if (not_after > s->now && not_after < s->now + EXPIRY_DAYS * 86400.0)
		sync_report_note(s->expiring, 1, &s->nexpiring, REPORT_MAX, arn,
		    str_of(sum, "DomainName"), r->name, status, not_after);
	sync_health_note(&s->health, arn, status, not_after);
	if (strcmp(status, "FAILED") == 0 ||
	    strcmp(status, "VALIDATION_TIMED_OUT") == 0)
		sync_report_note(s->attention, 0, &s->nattention, REPORT_MAX,
		    arn, str_of(sum, "DomainName"), r->name, status, not_after);
	if (st >= 0 && (s->c->skip_statuses & (1u << st))) {
		r->skipped++;
		return;
	}
	if (s->ready && sync_ready_describe(s->ready, k, sum))
		have_detail = describe(s, r, arn, &cert) == 0;
	e = catalog_summary_entity(
	    sum, r->name, a.account, have_detail ? &cert : NULL);
	doctor_sync(s->env, have_detail ? &cert : NULL, e);
	if (e && s->ready)
		sync_ready_check(s->ready, r->account, r->name, k, sum,
		    have_detail ? &cert : NULL, e);
	if (have_detail)
		acm_certificate_free(&cert);
	if (e && s->acc.a[r->account].name[0]) /* from Organizations */
		cJSON_AddStringToObject(
		    cJSON_GetObjectItemCaseSensitive(e, "properties"),
		    "accountName", s->acc.a[r->account].name);
	if (e == NULL) {
		r->skipped++;
		return;
	}
	sync_tags_apply(s->tags, (size_t)(r - s->r), r->acm, arn, e);
	r->queued++;
	if (s->bulk) {
		bulk_upsert(s->bulk, e);
		return;
	}
	/* Only the ARN, validated above, is echoed: nothing from the
	 * network reaches the log unchecked. */
	if (s->c->dry_run && s->dry_writes < LOG_MAX)
		gha_echo(stderr, "port-acm: dry run: would write %s\n", arn);
	s->dry_writes++;
	cJSON_Delete(e);
}

static void
region_done(struct sync *s, struct region *r)
{
	struct buf counts = {0};
	size_t i;

	r->done = 1;
	for (i = 0; i <= CONFIG_NSTATUSES; i++)
		if (r->by_status[i])
			buf_printf(&counts, "%s%s %lu", counts.len ? ", " : "",
			    i < CONFIG_NSTATUSES ? config_status_name((int)i)
			                         : "unknown",
			    r->by_status[i]);
	/* Across accounts, one Port log call per unit would cost more than
	 * the listing: the job log has them, the report the table. */
	(s->acc.self[0] ? sync_echo : report_log)(s->env->report,
	    "%s: %lu certificate%s listed%s%s%s; %lu to write, %lu skipped",
	    r->label, r->listed, r->listed == 1 ? "" : "s",
	    counts.len ? " (" : "", buf_str(&counts), counts.len ? ")" : "",
	    r->queued, r->skipped);
	buf_free(&counts);
	if (r->listed == 0 && r->catalog > 0)
		report_warn(s->env->report,
		    "ACM listed no certificate in %s, but the catalog has %lu "
		    "from there. Are these the credentials of the right AWS "
		    "account?",
		    r->label, r->catalog);
}

/* Drops r's page (written, or given up). */
static void
page_drop(struct sync *s, struct region *r)
{
	size_t i, ri = (size_t)(r - s->r);

	for (i = 0; r->held && i < s->nheld; i++)
		if (s->held[i] == ri) {
			memmove(&s->held[i], &s->held[i + 1],
			    (s->nheld - i - 1) * sizeof(*s->held));
			s->nheld--;
			break;
		}
	cJSON_Delete(r->held);
	r->held = NULL;
	r->next = NULL;
}

/* While r's region's tags are still being read: writes the summaries of
 * its held page whose tags are in already (sync_tags_known), as far as
 * Port takes them, and takes them out of the page; the rest wait. */
static void
known_tags(struct sync *s, struct region *r)
{
	unsigned long v = sync_tags_version(s->tags);
	cJSON *list =
	    cJSON_GetObjectItemCaseSensitive(r->held, "CertificateSummaryList");
	cJSON *sum, *nx;

	if (r->tags_seen == v)
		return; /* no tag page since the last look */
	for (sum = r->next; sum && (!s->bulk || bulk_room(s->bulk, 0));
	     sum = nx) {
		nx = sum->next;
		if (!sync_tags_known(s->tags, (size_t)(r - s->r),
		        str_of(sum, "CertificateArn")))
			continue;
		if (r->next == sum)
			r->next = nx;
		one_summary(s, r, sum);
		cJSON_Delete(cJSON_DetachItemViaPointer(list, sum));
	}
	if (sum == NULL) /* looked through to the end */
		r->tags_seen = v;
}

/* Writes r's page once its region's tags are in (sync_tags_ready), as
 * far as Port takes entities without waiting (bulk_room): the listing
 * of the other units goes on meanwhile, and Port's connections stay
 * busy while any page has entities to give. */
static void
held_page(struct sync *s, struct region *r)
{
	cJSON *sum;

	if (!r->held)
		return;
	if (!sync_tags_ready(s->tags, (size_t)(r - s->r))) {
		known_tags(s, r);
		return;
	}
	while ((sum = r->next) != NULL && (!s->bulk || bulk_room(s->bulk, 0))) {
		r->next = sum->next;
		one_summary(s, r, sum);
	}
	if (r->next)
		return;
	page_drop(s, r);
	if (r->done && !r->failed)
		region_done(s, r);
}

/* sync_list_ops.feed: the held pages, oldest first, as far as Port
 * takes them (one page does not starve the others). */
static void
on_feed(void *ctx)
{
	struct sync *s = ctx;
	size_t k = 0, n;

	while (k < s->nheld) {
		n = s->nheld;
		held_page(s, &s->r[s->held[k]]);
		if (s->nheld < n)
			continue; /* that page is written: the next is at k */
		if (s->bulk && !bulk_room(s->bulk, 0))
			return; /* Port has no room: the rest waits too */
		k++;            /* the rest of it waits for its region's tags */
	}
}

/* One ListCertificates page of unit i, asked at `asked` (sync_list.h);
 * resp is ours. */
static void
on_page(void *ctx, size_t i, long long asked, cJSON *resp,
    const struct acm_error *err)
{
	struct sync *s = ctx;
	struct region *r = &s->r[i];
	const cJSON *list;
	char why[512];

	r->next_at = asked + LIST_PACE_MS;
	if (resp == NULL) {
		region_failed(s, r, err, "ListCertificates");
		return;
	}
	r->pages++;
	/* Complete only if every page had its list: not "no certificates" */
	if (acm_list_page(resp, r->label, r->pages, &list, &r->token, why,
	        sizeof(why)) != 0) {
		cJSON_Delete(resp);
		r->failed = r->done = 1;
		buf_puts(&r->error, why);
		report_warn(s->env->report,
		    "%s. Nothing will be deleted from the catalog for %s in "
		    "this run",
		    buf_str(&r->error), r->label);
		return;
	}
	r->held = resp; /* written by held_page, once its tags are in */
	r->next = list ? list->child : NULL;
	r->tags_seen = (unsigned long)-1; /* not looked through yet */
	s->held[s->nheld++] = i;
	r->done = r->token.len == 0;
	if (pager_next(&r->pager, buf_str(&r->token), why, sizeof(why)) != 0) {
		r->failed = r->done = 1;
		buf_printf(&r->error, "ACM in %s: %s", r->label, why);
		report_warn(s->env->report,
		    "%s. Nothing will be deleted from the catalog for %s in "
		    "this run",
		    buf_str(&r->error), r->label);
	}
}

static int
on_pending(
    void *ctx, size_t i, struct acm **acm, const char **token, long long *due)
{
	struct region *r = &((struct sync *)ctx)->r[i];

	*acm = r->acm;
	*token = buf_str(&r->token);
	*due = r->next_at;
	return !r->done && !r->held;
}

static int
on_held(void *ctx, size_t i)
{
	return ((struct sync *)ctx)->r[i].held != NULL;
}

/* sync_list_ops.with and .took: the unit's tag page rides with its
 * listing call. */
static int
on_with(void *ctx, size_t i, size_t slot, struct aws_json_item *it)
{
	return sync_tags_ask(((struct sync *)ctx)->tags, i, slot, it);
}

static void
on_took(void *ctx, size_t i, size_t slot, struct aws_json_item *it)
{
	sync_tags_took(((struct sync *)ctx)->tags, i, slot, it);
}

/* A held page is dropped with its unit: nothing is deleted for it. */
static void
on_stopped(void *ctx, size_t i)
{
	struct sync *s = ctx;
	struct region *r = &s->r[i];

	page_drop(s, r);
	r->failed = r->done = 1;
	buf_printf(&r->error, "the run%s before the listing ended",
	    cancel_requested() ? " was cancelled" : "'s time limit passed");
}

void
sync_pages_run(struct sync *s)
{
	struct http_side side = {bulk_side_fds, bulk_side_step, s->bulk};

	/* Port's writes go on while ACM and the tagging API answer. */
	if (s->bulk)
		http_set_side(s->env->http, &side);
	sync_list_run(&(struct sync_list_ops){.ctx = s,
	    .n = s->nr,
	    .max = s->c->max_concurrency,
	    .pending = on_pending,
	    .held = on_held,
	    .feed = on_feed,
	    .page = on_page,
	    .wait = list_wait,
	    .with = s->tags ? on_with : NULL,
	    .took = on_took,
	    .stopped = on_stopped});
	http_set_side(s->env->http, NULL);
}
