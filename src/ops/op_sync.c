/*
 * op_sync: every ACM certificate of the configured regions into Port's
 * catalog (issue 12), and optionally out of it when ACM no longer has it.
 *
 * Design: one process, one thread. ACM allows ListCertificates about once
 * a second per account and region (aws-acm.md §8), so the units are
 * interleaved (sync_list.c): those due are asked together, up to
 * max_concurrency at once, and while no unit is due the time goes to
 * the tags (sync_tags.h: a page waits for its region's tags) and to
 * Port, whose bulk writes (bulk.c) stay in flight on their own
 * connections. Each page (at most 1000 summaries) becomes entities that
 * are handed to the bulk writer at once and freed; the writer holds at
 * most one call per connection in its queue, so memory stays flat
 * however many certificates there are. What must outlive a page is
 * small: the catalog's identifiers (for stale deletion) and the report.
 *
 * Safety: an entity is deleted only if a previous sync wrote it (its
 * syncedBy property), its ARN is of this account and of a region whose
 * listing completed in this run, and ACM did not list it; and only if
 * that is at most stale_threshold_percent of such entities.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/cancel.h"
#include "base/gha.h"
#include "base/md.h"
#include "base/pager.h"
#include "input/validate_arn.h"
#include "ops/acm_list.h"
#include "ops/ops.h"
#include "ops/stale.h"
#include "ops/sync_accounts.h"
#include "ops/sync_health.h"
#include "ops/sync_index.h"
#include "ops/sync_pages.h"
#include "ops/sync_ready.h"
#include "ops/sync_report.h"
#include "ops/sync_tags.h"
#include "port/bulk.h"

/* --- the catalog index ---------------------------------------------- */

/* The account a unit lists: its own, or (without the accounts input)
 * the one ACM's ARNs name. */
static const char *
unit_account(const struct sync *s, const struct region *r)
{
	const char *id = s->acc.a[r->account].id;

	return id[0] ? id : s->account;
}

/* The unit of (account, region); without accounts any account matches
 * (stale deletion checks it against what ACM listed). */
static size_t
region_index(const struct sync *s, const char *account, const char *name)
{
	const char *id;
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (strcmp(s->r[i].name, name) == 0 &&
		    (!*(id = s->acc.a[s->r[i].account].id) ||
		        strcmp(id, account) == 0))
			return i;
	return (size_t)-1;
}

/* sync_index_read's unit_of. */
static size_t
unit_of(void *s, const char *account, const char *region)
{
	return region_index(s, account, region);
}

/* --- reporting helpers ---------------------------------------------- */

/* Port's refusal, with what to change when it names the blueprint. */
static void
on_failure(
    void *arg, int deleting, const char *id, long status, const char *reason)
{
	struct sync *s = arg;
	struct sync_account *acct;
	const char *bp = s->c->blueprint;
	char safe[1100], num[24];
	size_t i;

	reason = md_str(safe, sizeof(safe), reason); /* Port's text */
	s->failed++;
	if ((acct = sync_accounts_find(&s->acc, id)) != NULL)
		*(deleting ? &acct->delete_failed : &acct->write_failed) += 1;
	sync_refusals_add(&s->refusals, deleting, id, status, reason);
	if (s->nfailures < LOG_MAX) {
		snprintf(num, sizeof(num), "%ld", status);
		md_row(&s->failures, 4, deleting ? "delete" : "write", id, num,
		    reason);
		s->nfailures++;
	}
	/* A wrong blueprint fails every entity the same way: say each
	 * distinct reason once, count the rest. */
	for (i = 0; i < s->nreasons; i++)
		if (strcmp(s->reasons[i], reason) == 0)
			return;
	if (s->nreasons == sizeof(s->reasons) / sizeof(s->reasons[0]))
		return;
	str_copy(s->reasons[s->nreasons++], sizeof(s->reasons[0]), reason);
	if (!deleting && status == 422)
		report_warn(s->env->report,
		    "Port refused entity %s (HTTP 422): %s. The blueprint %s "
		    "lacks a property sync writes or a value does not fit its "
		    "schema: compare it with port-acm's "
		    "examples/port/blueprint.json (sync also writes "
		    "keyPairOrigin, exported and syncedBy)",
		    id, reason, bp);
	else if (status == 403)
		report_warn(s->env->report,
		    "Port refused to %s entity %s (HTTP 403): %s. The Port "
		    "credentials need permission to %s entities of blueprint "
		    "%s",
		    deleting ? "delete" : "write", id, reason,
		    deleting ? "delete" : "create and update", bp);
	else
		report_warn(s->env->report, "could not %s entity %s: %s",
		    deleting ? "delete" : "write", id, reason);
}

/* --- stale entities -------------------------------------------------- */

/* A region loses entities only within the threshold too: the overall
 * share hides a region that went from N to none. */
static int
ours(const struct sync *s, const struct sync_known *k, struct arn *a)
{
	char why[128];

	return k->id && k->synced && !s->r[k->unit].failed &&
	       !s->r[k->unit].refused &&
	       validate_certificate_arn("id", k->id, a, why, sizeof(why)) ==
	           0 &&
	       strcmp(a->account, unit_account(s, &s->r[k->unit])) == 0;
}

static int
delete_stale(struct sync *s)
{
	unsigned long total = 0, stale = 0;
	struct sync_units listed = {0}, skipped = {0};
	struct buf names = {0};
	struct arn a;
	size_t i;
	int logged = 0;

	for (i = 0; i < s->ix.cap; i++)
		if (ours(s, &s->ix.tab[i], &a)) {
			s->r[s->ix.tab[i].unit].synced++;
			s->r[s->ix.tab[i].unit].stale += !s->ix.tab[i].seen;
		}
	for (i = 0; i < s->nr; i++) {
		struct region *r = &s->r[i];

		if (!stale_too_many(
		        r->stale, r->synced, s->c->stale_threshold_percent))
			continue;
		r->refused = s->refused = 1;
		report_warn(s->env->report,
		    "refusing to delete %lu of %lu synced entities of %s "
		    "(%lu%%, more than stale_threshold_percent %lu%%): none of "
		    "%s was deleted. If ACM really lost them, raise "
		    "stale_threshold_percent for one run (100 allows all)",
		    r->stale, r->synced, r->label, r->stale * 100 / r->synced,
		    s->c->stale_threshold_percent, r->label);
	}
	for (i = 0; i < s->ix.cap; i++)
		if (ours(s, &s->ix.tab[i], &a)) {
			total++;
			stale += !s->ix.tab[i].seen;
		}
	for (i = 0; i < s->nr; i++) /* a listing cut short: not looked at */
		sync_units_add(s->r[i].failed ? &skipped : &listed,
		    s->r[i].label, LOG_MAX);
	if (!s->account[0]) {
		int any = 0;

		for (i = 0; i < s->ix.cap; i++)
			any |= s->ix.tab[i].id && s->ix.tab[i].synced;
		sync_report_no_stale(
		    s->env->report, &listed, &skipped, (unsigned long)any, 0);
		return 0;
	}
	if (stale == 0 && s->refused)
		return -1;
	if (stale == 0) {
		sync_report_no_stale(
		    s->env->report, &listed, &skipped, total, 1);
		return 0;
	}
	if (stale_too_many(stale, total, s->c->stale_threshold_percent)) {
		s->refused = 1;
		report_warn(s->env->report,
		    "refusing to delete %lu of %lu synced entities (%lu%%, "
		    "more than stale_threshold_percent %lu%%): nothing was "
		    "deleted. If ACM really lost them, raise "
		    "stale_threshold_percent for one run",
		    stale, total, stale * 100 / total,
		    s->c->stale_threshold_percent);
		return -1;
	}
	s->would_delete = stale;
	for (i = 0; i < s->ix.cap; i++) {
		if (!ours(s, &s->ix.tab[i], &a) || s->ix.tab[i].seen)
			continue;
		s->acc.a[s->r[s->ix.tab[i].unit].account].deleted++;
		if (s->bulk)
			bulk_delete(s->bulk, s->ix.tab[i].id);
		if (s->c->dry_run || logged < LOG_MAX)
			gha_echo(stderr,
			    "port-acm: %s %s (ACM no longer lists it)\n",
			    s->c->dry_run ? "dry run: would delete"
			                  : "deleting",
			    s->ix.tab[i].id);
		if (logged < LOG_MAX)
			buf_printf(&names, "%s%s", logged ? ", " : "",
			    s->ix.tab[i].id);
		logged++;
	}
	report_log(s->env->report, "%s %lu stale entit%s of %lu synced: %s%s",
	    s->c->dry_run ? "would delete" : "deleting", stale,
	    stale == 1 ? "y" : "ies", total, buf_str(&names),
	    stale > LOG_MAX ? ", ..." : "");
	sync_report_skipped(s->env->report, &skipped);
	buf_free(&names);
	return 0;
}

/* --- the flow -------------------------------------------------------- */

static void
finish_report(struct sync *s, struct op_result *res, int rc)
{
	const struct bulk_stats *bs = s->bulk ? bulk_stats(s->bulk) : NULL;
	unsigned long written = bs ? bs->written : 0;
	unsigned long listed = 0, skipped = 0, failed_regions = 0;
	cJSON *rep = cJSON_CreateObject(), *regs, *o, *bys, *it;
	struct buf names = {0}, list = {0};
	char num[32];
	size_t i, j;

	s->deleted = bs ? bs->deleted : 0;
	res->outputs = cJSON_CreateObject();
	buf_puts(&res->step_summary, "### port-acm sync\n\n");
	sync_ready_report(s->ready, rep, &res->step_summary); /* first */
	regs = cJSON_AddObjectToObject(rep, "regions");
	buf_puts(&res->step_summary,
	    "| Region | Listed | Skipped | Status "
	    "counts | Result |\n|---|---:|---:|---|---|\n");
	for (i = 0; i < s->nr; i++) {
		struct region *r = &s->r[i];

		listed += r->listed;
		skipped += r->skipped;
		failed_regions += r->failed;
		if (r->account == 0)
			buf_printf(&names, "%s%s", i ? "," : "", r->name);
		o = cJSON_AddObjectToObject(regs, r->label);
		cJSON_AddBoolToObject(o, "complete", !r->failed);
		cJSON_AddNumberToObject(o, "listed", (double)r->listed);
		cJSON_AddNumberToObject(o, "skipped", (double)r->skipped);
		cJSON_AddNumberToObject(o, "pages", (double)r->pages);
		bys = cJSON_AddObjectToObject(o, "byStatus");
		buf_reset(&list);
		for (j = 0; j <= CONFIG_NSTATUSES; j++)
			if (r->by_status[j]) {
				const char *n = j < CONFIG_NSTATUSES
				                    ? config_status_name((int)j)
				                    : "unknown";

				cJSON_AddNumberToObject(
				    bys, n, (double)r->by_status[j]);
				buf_printf(&list, "%s%s %lu",
				    list.len ? ", " : "", n, r->by_status[j]);
			}
		if (r->failed)
			cJSON_AddStringToObject(o, "error", buf_str(&r->error));
		buf_printf(&res->step_summary, "| %s | %lu | %lu | %s | %s |\n",
		    r->label, r->listed, r->skipped, buf_str(&list),
		    r->failed ? "listing failed" : "complete");
	}
	for (i = 0; i < s->nr; i++) { /* per account (issue 19) */
		struct sync_account *a = &s->acc.a[s->r[i].account];

		a->listed += s->r[i].listed;
		a->queued += s->r[i].queued;
		a->skipped += s->r[i].skipped;
		a->units++;
		a->units_failed += (size_t)s->r[i].failed;
	}
	sync_accounts_report(&s->acc, s->c->dry_run, rep, &res->step_summary);
	sync_report_sort_soonest(s->expiring);
	cJSON_AddItemToObject(rep, "expiringWithin30Days", s->expiring);
	cJSON_AddNumberToObject(rep, "expiringCount", (double)s->nexpiring);
	cJSON_AddItemToObject(rep, "failedValidation", s->attention);
	cJSON_AddNumberToObject(
	    rep, "failedValidationCount", (double)s->nattention);
	s->expiring = s->attention = NULL;
	cJSON_AddNumberToObject(rep, "written", (double)written);
	cJSON_AddNumberToObject(rep, "deleted", (double)s->deleted);
	cJSON_AddNumberToObject(rep, "failed", (double)s->failed);
	sync_refusals_report(&s->refusals, s->env->report, LOG_MAX);
	cJSON_AddItemToObject(rep, "refused", sync_refusals_take(&s->refusals));
	sync_tags_report(s->tags, rep);
	cJSON_AddBoolToObject(rep, "dryRun", s->c->dry_run);
	if (s->c->dry_run) {
		cJSON_AddNumberToObject(
		    rep, "wouldWrite", (double)s->dry_writes);
		cJSON_AddNumberToObject(
		    rep, "wouldDelete", (double)s->would_delete);
	}
	if (bs) {
		o = cJSON_AddObjectToObject(rep, "port");
		cJSON_AddNumberToObject(o, "calls", (double)bs->calls);
		cJSON_AddNumberToObject(
		    o, "maxInFlight", (double)bs->max_in_flight);
		cJSON_AddNumberToObject(o, "throttled", (double)bs->throttled);
		cJSON_AddNumberToObject(
		    o, "connections", (double)bs->connections);
	}
	if (res->outputs && rep) {
		char *json = cJSON_PrintUnformatted(rep);

		snprintf(num, sizeof(num), "%lu", written);
		cJSON_AddStringToObject(res->outputs, "synced_count", num);
		snprintf(num, sizeof(num), "%lu", s->deleted);
		cJSON_AddStringToObject(res->outputs, "deleted_count", num);
		snprintf(num, sizeof(num), "%lu", s->failed);
		cJSON_AddStringToObject(res->outputs, "failed_count", num);
		cJSON_AddStringToObject(
		    res->outputs, "regions", buf_str(&names));
		cJSON_AddStringToObject(
		    res->outputs, "sync_report", json ? json : "{}");
		free(json);
	}
	/* The certificates that need someone, by name. */
	sync_report_expiring(s->env->report, &res->step_summary,
	    cJSON_GetObjectItemCaseSensitive(rep, "expiringWithin30Days"),
	    s->nexpiring, EXPIRY_DAYS, LOG_MAX);
	it = cJSON_GetObjectItemCaseSensitive(rep, "failedValidation");
	if (s->nattention) {
		sync_report_names(&list, it, "status", LOG_MAX);
		report_log(s->env->report,
		    "%lu certificate%s FAILED or VALIDATION_TIMED_OUT: %s%s",
		    s->nattention, s->nattention == 1 ? "" : "s",
		    buf_str(&list),
		    s->nattention > LOG_MAX ? "; and more" : "");
		buf_printf(&res->step_summary,
		    "\n**Failed or timed out validation:** %lu\n",
		    s->nattention);
	}
	if (s->failures.len)
		buf_printf(&res->step_summary,
		    "\n**Not written:**\n\n| Action | Entity | HTTP | Reason "
		    "|\n|---|---|---:|---|\n%s",
		    buf_str(&s->failures));
	/* The summary says what was written, skipped, deleted, failed. */
	if (s->c->dry_run)
		buf_printf(&res->summary,
		    "Dry run over %zu region%s: %lu certificates listed; "
		    "would write %lu entities, skip %lu, delete %lu. Nothing "
		    "was changed in Port.",
		    s->nr, s->nr == 1 ? "" : "s", listed, s->dry_writes,
		    skipped, s->would_delete);
	else
		buf_printf(&res->summary,
		    "Synced %zu region%s into blueprint %s: %lu certificates "
		    "listed, %lu written, %lu skipped, %lu deleted, %lu "
		    "failed.",
		    s->nr, s->nr == 1 ? "" : "s", s->c->blueprint, listed,
		    written, skipped, s->deleted, s->failed);
	if (failed_regions)
		buf_printf(&res->summary,
		    " Listing failed in %lu region%s:", failed_regions,
		    failed_regions == 1 ? "" : "s");
	/* An account that refused its role: its reason once, not per region. */
	for (i = 0; i < s->nr; i++)
		if (s->r[i].failed &&
		    (!s->acc.a[s->r[i].account].failed || i == 0 ||
		        s->r[i - 1].account != s->r[i].account))
			buf_printf(
			    &res->summary, " %s", buf_str(&s->r[i].error));
	if (s->refused)
		buf_puts(&res->summary,
		    " Stale entities were not deleted: more than "
		    "stale_threshold_percent would have gone.");
	if (s->env->port && !s->catalog_ok)
		sync_report_catalog(&res->summary, &res->step_summary,
		    s->c->blueprint, s->ix.error, s->c->delete_stale);
	if (!s->env->port)
		buf_puts(&res->summary,
		    " Port was not configured: nothing was written.");
	str_copy(res->label, sizeof(res->label),
	    rc == 0 ? (s->c->dry_run ? "Dry run done" : "Synced")
	            : "Sync incomplete");
	buf_free(&names);
	buf_free(&list);
	cJSON_Delete(rep);
}

/* One unit per (account, region): the account's credentials, reused for
 * all its regions. A failed account's units are done before they start. */
static int
open_regions(struct sync *s)
{
	const struct config *c = s->c;
	struct region *r;
	char ep[2048];
	size_t i, j, k = 0;

	/* regions: all: each account's own; one unit for a failed one. */
	for (i = 0; i < s->acc.n; i++)
		s->nr += !c->regions_all      ? c->nregions
		         : s->acc.a[i].failed ? 1
		                              : s->acc.a[i].nregions;
	if (s->nr == 0)
		return 0; /* an empty shard */
	if ((s->r = calloc(s->nr, sizeof(*s->r))) == NULL ||
	    (s->held = calloc(s->nr, sizeof(*s->held))) == NULL)
		return -1;
	for (i = 0, j = 0; i < s->nr; i++, j++) {
		const struct sync_account *a;

		while (j >= (!c->regions_all         ? c->nregions
		                : s->acc.a[k].failed ? 1
		                                     : s->acc.a[k].nregions))
			k++, j = 0;
		a = &s->acc.a[k];
		r = &s->r[i];
		r->name = !c->regions_all ? c->regions[j]
		          : a->failed     ? "all"
		                          : a->regions[j];
		r->account = k;
		str_printf(r->label, sizeof(r->label), "%s%s%s", a->id,
		    a->id[0] ? "/" : "", r->name);
		pager_init(&r->pager, "ACM", "page token", ACM_LIST_MAX_PAGES);
		if (a->failed) {
			r->failed = r->done = 1;
			buf_puts(&r->error, buf_str(&a->error));
			continue;
		}
		/* A custom endpoint (an emulator, a fake) serves them all;
		 * the signature's region tells them apart. */
		if (c->endpoint_custom)
			str_copy(ep, sizeof(ep), c->endpoint);
		else if (acm_endpoint_for_region(r->name, ep, sizeof(ep)) != 0)
			return -1;
		r->acm = acm_new(s->env->http,
		    &(struct acm_config){ep, r->name,
		        sync_accounts_provider(&s->acc, r->account, s->env),
		        c->aws_ca_file[0] ? c->aws_ca_file : NULL,
		        c->aws_ca_setting, c->max_attempts, s->env->clock});
		if (r->acm == NULL)
			return -1;
	}
	return 0;
}

/* The tags of every unit, read with its account's credentials. */
static struct sync_tags *
open_tags(struct sync *s)
{
	struct sync_tags_unit *u = calloc(s->nr ? s->nr : 1, sizeof(*u));
	struct sync_tags *st;
	size_t i;

	if (u == NULL)
		return NULL;
	for (i = 0; i < s->nr; i++)
		u[i] = (struct sync_tags_unit){
		    s->acc.a[s->r[i].account].failed ? NULL : s->r[i].name,
		    s->r[i].label,
		    sync_accounts_provider(&s->acc, s->r[i].account, s->env)};
	st = sync_tags_new(s->env, u, s->nr, s->c->max_concurrency);
	free(u);
	return st;
}

int
op_sync(struct op_env *env, struct op_result *res)
{
	const struct config *c = env->cfg;
	struct sync s = {0};
	char ua[64], why[1024];
	size_t i;
	int rc = 1;

	s.env = env;
	s.c = c;
	s.now = (double)time(NULL);
	sync_health_init(&s.health, c, s.now);
	s.expiring = cJSON_CreateArray();
	s.attention = cJSON_CreateArray();
	if (sync_accounts_open(&s.acc, env, why, sizeof(why)) != 0) {
		buf_printf(&res->summary, "Nothing was synced: %s", why);
		goto out;
	}
	if (s.acc.n && s.acc.a[0].id[0]) /* every unit knows its account */
		str_copy(s.account, sizeof(s.account), s.acc.a[0].id);
	if (s.expiring == NULL || s.attention == NULL ||
	    open_regions(&s) != 0 || (s.tags = open_tags(&s)) == NULL) {
		buf_puts(&res->summary, "out of memory or no ACM endpoint");
		goto out;
	}
	if (env->port) { /* in the units' regions: each account's own */
		const char **names = calloc(s.nr + 1, sizeof(*names));

		for (i = 0; names != NULL && i < s.nr; i++)
			names[i] = s.r[i].name;
		s.catalog_ok =
		    names != NULL &&
		    sync_index_read(&s.ix, env, names, s.nr, unit_of, &s) == 0;
		free(names);
		for (i = 0; i < s.ix.cap; i++)
			if (s.ix.tab[i].id)
				s.r[s.ix.tab[i].unit].catalog++;
	}
	if (env->port && !c->dry_run) {
		snprintf(ua, sizeof(ua), "port-acm/%s", PORT_ACM_VERSION);
		s.bulk = bulk_new(env->port,
		    &(struct bulk_config){c->port_base_url,
		        c->ca_file[0] ? c->ca_file : NULL, c->blueprint,
		        c->run_id, ua,
		        c->connect_timeout_ms ? c->connect_timeout_ms : 10000,
		        c->request_timeout_ms ? c->request_timeout_ms : 30000,
		        http_deadline(env->http), 0, 0, env->http,
		        sync_tags_idle_fn, s.tags},
		    on_failure, &s);
		if (s.bulk == NULL) {
			buf_puts(&res->summary, "out of memory");
			goto out;
		}
	}
	if (c->include_details &&
	    (s.ready = sync_ready_new(
	         env, &s.acc, &s.health, sync_pages_wait, &s)) == NULL) {
		buf_puts(&res->summary, "out of memory");
		goto out;
	}
	sync_tags_read(s.tags);
	sync_pages_run(&s);
	if (s.bulk)
		bulk_finish(s.bulk);
	if (cancel_requested()) /* main reports the cancel */
		goto out;
	if (c->delete_stale && env->port && s.catalog_ok) {
		delete_stale(&s);
		if (s.bulk)
			bulk_finish(s.bulk);
	} else if (c->delete_stale && env->port)
		report_warn(env->report,
		    "stale entities were not looked for, nor deleted: the "
		    "catalog could not be read. Run the sync again once Port "
		    "answers");
	rc = 0;
	for (i = 0; i < s.nr; i++)
		if (s.r[i].failed)
			rc = 1;
	/* Stale deletion asked for and not done: incomplete, as a listing. */
	if (s.failed || s.refused ||
	    (c->delete_stale && env->port && !s.catalog_ok))
		rc = 1;
	finish_report(&s, res, rc);
	rc |= sync_health_finish(&s.health, env->report, res);
out:
	sync_tags_free(s.tags); /* its clients borrow s.acc's credentials */
	if (s.r)
		for (i = 0; i < s.nr; i++) {
			acm_free(s.r[i].acm);
			pager_free(&s.r[i].pager);
			buf_free(&s.r[i].token);
			buf_free(&s.r[i].error);
		}
	free(s.r);
	free(s.held);
	sync_index_free(&s.ix);
	sync_accounts_free(&s.acc);
	bulk_free(s.bulk);
	sync_ready_free(s.ready);
	sync_health_free(&s.health);
	cJSON_Delete(s.expiring);
	cJSON_Delete(s.attention);
	buf_free(&s.failures);
	sync_refusals_free(&s.refusals);
	return rc;
}
