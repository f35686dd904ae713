#include "ops/sync_accounts.h"

#include <stdlib.h>
#include <string.h>

#include "base/cancel.h"
#include "base/clock.h"
#include "base/md.h"
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

static int
open_one(struct sync_accounts *sa, struct sync_account *a, struct op_env *env,
    const char *partition)
{
	const struct config *c = env->cfg;
	const char *ext = c->role_external_id[0] ? c->role_external_id : NULL;
	char arn[2048], err[1024], safe[1100];

	if (strcmp(a->id, sa->self) == 0)
		return 0; /* the run's own credentials */
	str_printf(arn, sizeof(arn), "arn:%s:iam::%s:role/%s", partition, a->id,
	    c->account_role_name);
	a->creds = creds_new_assume_role(
	    env->creds, env->cenv, arn, SESSION_NAME, 0, ext);
	if (a->creds == NULL)
		return -1;
	/* Every account's minted credentials are masked before use. */
	creds_set_mask(a->creds, env->cenv->mask, env->cenv->mask_arg);
	if (creds_get(a->creds, clock_now(env->clock), err, sizeof(err)) !=
	    NULL)
		return 0;
	refused(
	    a, arn, sa->self, partition, ext, md_str(safe, sizeof(safe), err));
	report_warn(env->report, "%s", buf_str(&a->error));
	return 0;
}

int
sync_accounts_open(
    struct sync_accounts *sa, struct op_env *env, char *why, size_t whylen)
{
	const struct config *c = env->cfg;
	const struct partition *part = validate_partition_for_region(c->region);
	size_t i, n = c->naccounts ? c->naccounts : 1;

	memset(sa, 0, sizeof(*sa));
	if ((sa->a = calloc(n, sizeof(*sa->a))) == NULL) {
		str_copy(why, whylen, "out of memory");
		return -1;
	}
	sa->n = n;
	if (c->naccounts == 0)
		return 0;
	if (env->cenv == NULL || creds_caller_identity(env->creds, env->cenv,
	                             sa->self, why, whylen) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		memcpy(sa->a[i].id, c->accounts[i], 13);
		if (cancel_requested() ||
		    open_one(sa, &sa->a[i], env, part->name) != 0) {
			str_copy(why, whylen,
			    cancel_requested() ? "cancelled" : "out of memory");
			return -1;
		}
	}
	return 0;
}

struct aws_credentials_provider
sync_accounts_provider(
    const struct sync_accounts *sa, size_t i, struct op_env *env)
{
	return creds_provider(sa->a[i].creds ? sa->a[i].creds : env->creds);
}

void
sync_accounts_free(struct sync_accounts *sa)
{
	size_t i;

	for (i = 0; sa->a && i < sa->n; i++) {
		creds_free(sa->a[i].creds);
		buf_free(&sa->a[i].error);
	}
	free(sa->a);
	memset(sa, 0, sizeof(*sa));
}
