#include "ops/sync_accounts.h"

#include <stdlib.h>
#include <string.h>

#include "aws/account.h"
#include "aws/aws_json.h"
#include "aws/organizations.h"
#include "base/cancel.h"
#include "base/clock.h"
#include "base/md.h"
#include "base/pager.h"
#include "creds/creds.h"
#include "creds/creds_identity.h"
#include "input/validate_arn.h"

/* The session name CloudTrail shows in each account. */
#define SESSION_NAME "port-acm-sync"

/* Why account a refused, and the trust policy its role needs. */
static void
refused(struct sync_account *a, const char *role_arn, const char *self,
    const char *partition, const char *external_id, const char *why)
{
	buf_printf(&a->error,
	    "account %s: could not assume %s (%s). Nothing of account %s is "
	    "listed or deleted in this run. If the account is active, its "
	    "role needs a trust policy allowing sts:AssumeRole to the run's "
	    "account: {\"Effect\": \"Allow\", \"Principal\": {\"AWS\": "
	    "\"arn:%s:iam::%s:root\"}, \"Action\": \"sts:AssumeRole\"%s} "
	    "(examples/iam/sync-account-trust.json), and no SCP may deny "
	    "it",
	    a->id, role_arn, why, a->id, partition, self,
	    external_id ? ", \"Condition\": {\"StringEquals\": "
	                  "{\"sts:ExternalId\": \"...\"}}"
	                : "");
	a->failed = 1;
}

static void
role_arn(char *arn, size_t len, const struct sync_account *a,
    const struct config *c, const char *partition)
{
	str_printf(arn, len, "arn:%s:iam::%s:role/%s", partition, a->id,
	    c->account_role_name);
}

static int
open_one(struct sync_accounts *sa, struct sync_account *a, struct op_env *env,
    const char *partition)
{
	const struct config *c = env->cfg;
	const char *ext = c->role_external_id[0] ? c->role_external_id : NULL;
	char arn[2048];

	if (strcmp(a->id, sa->self) == 0)
		return 0; /* the run's own credentials */
	role_arn(arn, sizeof(arn), a, c, partition);
	a->creds = creds_new_assume_role(
	    env->creds, env->cenv, arn, SESSION_NAME, 0, ext);
	if (a->creds == NULL)
		return -1;
	/* Every account's minted credentials are masked before use. */
	creds_set_mask(a->creds, env->cenv->mask, env->cenv->mask_arg);
	return 0;
}

/* Every other account's role, assumed once, max_concurrency calls in
 * flight at once (creds_assume_many); a refusal marks its account. */
static int
assume_all(struct sync_accounts *sa, struct op_env *env, const char *partition)
{
	const struct config *c = env->cfg;
	const char *ext = c->role_external_id[0] ? c->role_external_id : NULL;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): pointers, on purpose */
	struct creds **cs = calloc(sa->n ? sa->n : 1, sizeof(*cs));
	struct buf *errs = calloc(sa->n ? sa->n : 1, sizeof(*errs));
	size_t *of = calloc(sa->n ? sa->n : 1, sizeof(*of));
	char arn[2048], safe[1100];
	size_t i, k = 0;
	int rc = -1;

	if (cs == NULL || errs == NULL || of == NULL)
		goto out;
	for (i = 0; i < sa->n; i++)
		if (sa->a[i].creds != NULL) {
			of[k] = i;
			cs[k++] = sa->a[i].creds;
		}
	creds_assume_many(
	    cs, k, c->max_concurrency, clock_now(env->clock), errs);
	for (i = 0; i < k; i++) {
		struct sync_account *a = &sa->a[of[i]];

		if (errs[i].len == 0)
			continue;
		role_arn(arn, sizeof(arn), a, c, partition);
		refused(a, arn, sa->self, partition, ext,
		    md_str(safe, sizeof(safe), buf_str(&errs[i])));
		report_warn(env->report, "%s", buf_str(&a->error));
	}
	rc = 0;
out:
	for (i = 0; errs != NULL && i < k; i++)
		buf_free(&errs[i]);
	free(cs);
	free(errs);
	free(of);
	return rc;
}

#define ORG_MAX_PAGES 1000 /* of 20 accounts: past any quota */

static int
add_listed(struct sync_accounts *sa, const cJSON *acct)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(acct, "Id");
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(acct, "State");
	const cJSON *nm = cJSON_GetObjectItemCaseSensitive(acct, "Name");
	struct sync_account *n;

	/* State replaces Status (retired 2026-09-09); either may come. */
	if (!cJSON_IsString(st))
		st = cJSON_GetObjectItemCaseSensitive(acct, "Status");
	if (!cJSON_IsString(id) || strlen(id->valuestring) != 12 ||
	    strspn(id->valuestring, "0123456789") != 12 ||
	    !cJSON_IsString(st) || strcmp(st->valuestring, "ACTIVE") != 0)
		return 0; /* not ACTIVE: suspended, closed, leaving */
	if (sa->n % 64 == 0) {
		if ((n = realloc(sa->a, (sa->n + 64) * sizeof(*n))) == NULL)
			return -1;
		sa->a = n;
	}
	n = &sa->a[sa->n++];
	memset(n, 0, sizeof(*n));
	memcpy(n->id, id->valuestring, 13);
	if (cJSON_IsString(nm))
		str_copy(n->name, sizeof(n->name), nm->valuestring); /* JSON */
	return 0;
}

/* After a page: its NextToken into token ("" at the end), the page
 * (*resp) freed, and the pager's verdict: -1 with why when the listing
 * must stop. */
static int
next_page(
    cJSON **resp, struct buf *token, struct pager *pg, char *why, size_t whylen)
{
	const cJSON *next =
	    cJSON_GetObjectItemCaseSensitive(*resp, "NextToken");

	buf_reset(token);
	if (cJSON_IsString(next) && next->valuestring[0])
		buf_puts(token, next->valuestring);
	cJSON_Delete(*resp);
	*resp = NULL;
	return pager_next(pg, buf_str(token), why, whylen);
}

/* Every ACTIVE account of the organization, paginated. */
static int
list_organization(
    struct sync_accounts *sa, struct op_env *env, char *why, size_t whylen)
{
	const struct config *c = env->cfg;
	struct creds *oc = NULL;
	struct aws_client *org = NULL;
	struct aws_error e;
	struct pager pg;
	struct buf token = {0};
	const cJSON *it;
	cJSON *resp = NULL;
	char pwhy[256];
	int rc = -1;

	pager_init(&pg, "Organizations", "NextToken", ORG_MAX_PAGES);
	if (c->organization_role_arn[0]) {
		if ((oc = creds_new_assume_role(env->creds, env->cenv,
		         c->organization_role_arn, "port-acm-org", 0,
		         c->role_external_id[0] ? c->role_external_id
		                                : NULL)) == NULL)
			goto oom;
		creds_set_mask(oc, env->cenv->mask, env->cenv->mask_arg);
	}
	if ((org = aws_client_open(env->http, &organizations_service,
	         &(struct aws_client_settings){c->org_endpoint, c->region,
	             creds_provider(oc ? oc : env->creds),
	             c->aws_ca_file[0] ? c->aws_ca_file : NULL,
	             c->aws_ca_setting, c->max_attempts, env->clock},
	         0, 0, why, whylen)) == NULL)
		goto out;
	for (;;) {
		if (cancel_requested()) {
			str_copy(why, whylen, "cancelled");
			goto out;
		}
		if (organizations_list_accounts(
		        org, buf_str(&token), &resp, &e) != 0) {
			str_printf(why, whylen,
			    "Organizations refused ListAccounts (%s: %s). It "
			    "answers only the management account or a "
			    "delegated administrator: set "
			    "organization_role_arn "
			    "to a role there allowed "
			    "organizations:ListAccounts "
			    "(examples/iam/sync-organization.json)",
			    e.type[0] ? e.type : "error", e.message);
			goto out;
		}
		cJSON_ArrayForEach(
		    it, cJSON_GetObjectItemCaseSensitive(resp, "Accounts"))
		{
			if (add_listed(sa, it) != 0)
				goto oom;
		}
		if (next_page(&resp, &token, &pg, pwhy, sizeof(pwhy)) != 0) {
			str_printf(why, whylen, "Organizations: %s", pwhy);
			goto out;
		}
		if (token.len == 0)
			break;
	}
	if (sa->n == 0) {
		str_copy(why, whylen, "Organizations listed no ACTIVE account");
		goto out;
	}
	rc = 0;
	goto out;
oom:
	str_copy(why, whylen, "out of memory");
out:
	cJSON_Delete(resp);
	buf_free(&token);
	pager_free(&pg);
	aws_client_free(org);
	creds_free(oc);
	return rc;
}

#define REGION_PAGES_MAX 20 /* of 50 regions */

/* One account's ListRegions listing (regions: all). */
struct region_read {
	size_t i;             /* the account */
	struct aws_client *c; /* with its own credentials */
	struct pager pg;      /* bounds its pages */
	struct buf token;     /* the next page's NextToken */
	int done;
};

/* A refused or broken listing (a->error says which): the account is
 * marked failed, like a refused role, so nothing of it is listed or
 * deleted. */
static void
regions_failed(struct sync_account *a, struct op_env *env)
{
	a->failed = 1;
	report_warn(env->report, "%s", buf_str(&a->error));
}

/* ListRegions refused in a, as e says. */
static void
regions_refused(
    struct sync_account *a, const struct aws_error *e, struct op_env *env)
{
	char safe[1100];

	buf_printf(&a->error,
	    "%s%s: could not list its enabled regions (ListRegions: "
	    "%s: %s). Nothing of it is listed or deleted in this run. "
	    "Allow account:ListRegions for %s "
	    "(examples/iam/sync.json), or list the regions in regions "
	    "instead of all",
	    a->id[0] ? "account " : "the run's account", a->id,
	    e->type[0] ? e->type : "error",
	    md_str(safe, sizeof(safe), e->message),
	    a->creds ? "the role account_role_name names"
	             : "the run's credentials");
	regions_failed(a, env);
}

/* The region names of one ListRegions page into a; -1 on out of
 * memory. */
static int
regions_take(struct sync_account *a, const cJSON *resp)
{
	const cJSON *it, *nm;
	char why[128];
	void *n;

	cJSON_ArrayForEach(
	    it, cJSON_GetObjectItemCaseSensitive(resp, "Regions"))
	{
		nm = cJSON_GetObjectItemCaseSensitive(it, "RegionName");
		if (!cJSON_IsString(nm) ||
		    validate_region(
		        "RegionName", nm->valuestring, why, sizeof(why)) != 0)
			continue; /* not a region name */
		if (a->nregions % 16 == 0) {
			if ((n = realloc(a->regions,
			         (a->nregions + 16) * sizeof(*a->regions))) ==
			    NULL)
				return -1;
			a->regions = n;
		}
		str_copy(a->regions[a->nregions++], sizeof(a->regions[0]),
		    nm->valuestring);
	}
	return 0;
}

/* regions: all: the enabled regions of every account not failed yet,
 * each with its own credentials (so no AccountId: see account.h), the
 * next pages of up to max_concurrency accounts asked at once (one
 * account after another was one answer time per account). */
static int
open_regions(
    struct sync_accounts *sa, struct op_env *env, char *why, size_t whylen)
{
	const struct config *c = env->cfg;
	size_t max = c->max_concurrency ? c->max_concurrency : 8;
	size_t i, j, k, n = 0, left;
	struct region_read *rr = NULL;
	struct aws_json_item *it = NULL;
	size_t *of = NULL;
	char pw[512];
	int rc = -1;

	if (!c->regions_all)
		return 0;
	if ((rr = calloc(sa->n ? sa->n : 1, sizeof(*rr))) == NULL ||
	    (it = calloc(max, sizeof(*it))) == NULL ||
	    (of = calloc(max, sizeof(*of))) == NULL)
		goto out;
	for (i = 0; i < sa->n; i++) {
		if (sa->a[i].failed)
			continue;
		rr[n].i = i;
		pager_init(&rr[n].pg, "Account Management", "NextToken",
		    REGION_PAGES_MAX);
		if ((rr[n++].c = aws_client_open(env->http, &account_service,
		         &(struct aws_client_settings){c->account_endpoint,
		             c->region, sync_accounts_provider(sa, i, env),
		             c->aws_ca_file[0] ? c->aws_ca_file : NULL,
		             c->aws_ca_setting, c->max_attempts, env->clock},
		         0, 0, pw, sizeof(pw))) == NULL) {
			str_copy(why, whylen, pw);
			rc = -2; /* why says it */
			goto out;
		}
	}
	for (left = n; left > 0;) {
		if (cancel_requested())
			goto out;
		for (j = 0, k = 0; j < n && k < max; j++) {
			if (rr[j].done)
				continue;
			it[k] = (struct aws_json_item){.client = rr[j].c,
			    .op = "/listRegions",
			    .params = account_list_regions_params(
			        buf_str(&rr[j].token)),
			    .idempotent = 1};
			of[k] = j;
			if (it[k++].params == NULL) {
				while (k > 0)
					cJSON_Delete((cJSON *)it[--k].params);
				goto out; /* out of memory */
			}
		}
		aws_json_call_many(it, k, max);
		for (j = 0; j < k; j++) {
			struct region_read *r = &rr[of[j]];
			struct sync_account *a = &sa->a[r->i];
			cJSON *resp = it[j].out;

			cJSON_Delete((cJSON *)it[j].params);
			if (cancel_requested()) {
				cJSON_Delete(resp);
				continue;
			}
			if (it[j].rc != 0) {
				regions_refused(a, &it[j].err, env);
				cJSON_Delete(resp);
				r->done = 1, left--;
				continue;
			}
			if (regions_take(a, resp) != 0) {
				cJSON_Delete(resp);
				while (++j < k) { /* out of memory: the rest */
					cJSON_Delete((cJSON *)it[j].params);
					cJSON_Delete(it[j].out);
				}
				goto out;
			}
			if (next_page(&resp, &r->token, &r->pg, pw,
			        sizeof(pw)) != 0) {
				buf_printf(&a->error,
				    "account %s: Account Management: %s", a->id,
				    pw);
				regions_failed(a, env);
			}
			if (a->failed || r->token.len == 0)
				r->done = 1, left--;
		}
	}
	rc = 0;
out:
	if (rc == -2)
		rc = -1;
	else if (rc != 0)
		str_copy(why, whylen,
		    cancel_requested() ? "cancelled" : "out of memory");
	for (j = 0; rr && j < n; j++) {
		aws_client_free(rr[j].c);
		pager_free(&rr[j].pg);
		buf_free(&rr[j].token);
	}
	free(rr);
	free(it);
	free(of);
	return rc;
}

int
sync_accounts_in_shard(const char *id, unsigned i, unsigned n)
{
	unsigned long long h = 1469598103934665603ULL; /* FNV-1a 64 */

	while (*id)
		h = (h ^ (unsigned char)*id++) * 1099511628211ULL;
	return n == 0 || h % n == (unsigned long long)(i - 1);
}

/* Keeps the accounts of this job's shard, in order. */
static void
keep_shard(struct sync_accounts *sa, const struct config *c)
{
	size_t i, k = 0;

	for (i = 0; i < sa->n; i++)
		if (sync_accounts_in_shard(sa->a[i].id, c->shard_i, c->shard_n))
			sa->a[k++] = sa->a[i];
	sa->n = k;
}

int
sync_accounts_open(
    struct sync_accounts *sa, struct op_env *env, char *why, size_t whylen)
{
	const struct config *c = env->cfg;
	const struct partition *part = validate_partition_for_region(c->region);
	size_t i, n = c->naccounts ? c->naccounts : 1;

	memset(sa, 0, sizeof(*sa));
	if (c->accounts_org) {
		if (list_organization(sa, env, why, whylen) != 0)
			return -1;
		n = sa->n;
	} else if ((sa->a = calloc(n, sizeof(*sa->a))) == NULL) {
		str_copy(why, whylen, "out of memory");
		return -1;
	}
	sa->n = n;
	if (c->naccounts == 0 && !c->accounts_org)
		return open_regions(sa, env, why, whylen);
	if (env->cenv == NULL) {
		str_copy(why, whylen, "accounts needs the credential chain");
		return -1;
	}
	if (creds_caller_identity(
	        env->creds, env->cenv, sa->self, why, whylen) != 0)
		return -1;
	if (!c->accounts_org)
		for (i = 0; i < n; i++)
			memcpy(sa->a[i].id, c->accounts[i], 13);
	keep_shard(sa, c);
	/* An empty share is no error: fewer accounts than jobs. */
	if (c->shard_n)
		report_log(env->report, "shard %u/%u: %zu of the %zu accounts",
		    c->shard_i, c->shard_n, sa->n, n);
	for (i = 0; i < sa->n; i++) {
		if (cancel_requested() ||
		    open_one(sa, &sa->a[i], env, part->name) != 0) {
			str_copy(why, whylen,
			    cancel_requested() ? "cancelled" : "out of memory");
			return -1;
		}
	}
	if (assume_all(sa, env, part->name) != 0 || cancel_requested()) {
		str_copy(why, whylen,
		    cancel_requested() ? "cancelled" : "out of memory");
		return -1;
	}
	return open_regions(sa, env, why, whylen);
}

struct aws_credentials_provider
sync_accounts_provider(
    const struct sync_accounts *sa, size_t i, struct op_env *env)
{
	return creds_provider(sa->a[i].creds ? sa->a[i].creds : env->creds);
}

struct sync_account *
sync_accounts_find(struct sync_accounts *sa, const char *arn)
{
	struct arn a;
	char why[128];
	size_t i;

	if (validate_certificate_arn("arn", arn, &a, why, sizeof(why)) != 0)
		return NULL;
	for (i = 0; i < sa->n; i++)
		if (strcmp(sa->a[i].id, a.account) == 0)
			return &sa->a[i];
	return NULL;
}

static const char *
status_of(const struct sync_account *a)
{
	return a->failed                             ? "role refused"
	       : a->units_failed == a->units         ? "listing failed"
	       : a->units_failed                     ? "incomplete"
	       : a->write_failed || a->delete_failed ? "Port refused some"
	                                             : "complete";
}

void
sync_accounts_report(
    const struct sync_accounts *sa, int dry_run, cJSON *rep, struct buf *md)
{
	const struct sync_account *a;
	cJSON *arr, *o;
	char n[5][24];
	size_t i;
	int pass;

	if (!sa->self[0] ||
	    (arr = cJSON_AddArrayToObject(rep, "accounts")) == NULL)
		return;
	buf_puts(md, "\n| Account | Name | Listed | Written | Skipped | "
	             "Deleted | Status |\n|---|---|---:|---:|---:|---:|---|\n");
	/* Failed accounts first: the ones someone must look at. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < sa->n; i++) {
			a = &sa->a[i];
			if ((pass == 0) !=
			    (a->failed || a->units_failed || a->write_failed ||
			        a->delete_failed))
				continue;
			if ((o = cJSON_CreateObject()) == NULL)
				return;
			cJSON_AddStringToObject(o, "accountId", a->id);
			cJSON_AddStringToObject(o, "accountName", a->name);
			cJSON_AddNumberToObject(o, "listed", (double)a->listed);
			cJSON_AddNumberToObject(o,
			    dry_run ? "wouldWrite" : "written",
			    (double)(a->queued - a->write_failed));
			cJSON_AddNumberToObject(
			    o, "skipped", (double)a->skipped);
			cJSON_AddNumberToObject(o,
			    dry_run ? "wouldDelete" : "deleted",
			    (double)(a->deleted - a->delete_failed));
			cJSON_AddStringToObject(o, "status", status_of(a));
			if (a->failed)
				cJSON_AddStringToObject(
				    o, "error", buf_str(&a->error));
			cJSON_AddItemToArray(arr, o);
			snprintf(n[0], sizeof(n[0]), "%lu", a->listed);
			snprintf(n[1], sizeof(n[1]), "%lu",
			    a->queued - a->write_failed);
			snprintf(n[2], sizeof(n[2]), "%lu", a->skipped);
			snprintf(n[3], sizeof(n[3]), "%lu",
			    a->deleted - a->delete_failed);
			md_row(md, 7, a->id, a->name, n[0], n[1], n[2], n[3],
			    status_of(a));
		}
}

void
sync_accounts_free(struct sync_accounts *sa)
{
	size_t i;

	for (i = 0; sa->a && i < sa->n; i++) {
		creds_free(sa->a[i].creds);
		buf_free(&sa->a[i].error);
		free(sa->a[i].regions);
	}
	free(sa->a);
	memset(sa, 0, sizeof(*sa));
}
