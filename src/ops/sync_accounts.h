/*
 * sync_accounts: the accounts one sync covers (issue 19). With the
 * accounts input, each listed account is reached through its own
 * credentials: the run's own account (GetCallerIdentity) with the run's
 * credentials, every other by one AssumeRole of account_role_name from
 * the run's credentials (role_external_id applies), reused for all its
 * regions and refreshed before expiry by creds.h. accounts:
 * organization lists every ACTIVE account with Organizations'
 * ListAccounts (through organization_role_arn when set). Without it, one
 * account: the run's credentials, its id learned from what ACM lists.
 *
 * An account whose role cannot be assumed is marked failed here, before
 * any listing, with the reason and the trust policy it needs: sync
 * lists nothing there and deletes nothing of it.
 */
#ifndef PORT_ACM_SYNC_ACCOUNTS_H
#define PORT_ACM_SYNC_ACCOUNTS_H

#include <stddef.h>

#include "aws/aws.h"
#include "base/buf.h"
#include "ops/ops.h"

struct sync_account {
	char id[13];         /* "" = unknown yet (no accounts input) */
	char name[128];      /* from Organizations; "" when listed by id */
	struct creds *creds; /* owned; NULL = the run's (env->creds) */
	char (*regions)[64]; /* regions: all: its enabled regions; owned */
	size_t nregions;
	int failed;       /* the role could not be assumed (or, with regions:
	                   * all, its regions could not be listed) */
	struct buf error; /* why, and what to do; owned */
	/* For the report (sync_accounts_report), filled by sync: */
	unsigned long listed, queued, skipped, write_failed, deleted,
	    delete_failed;
	size_t units, units_failed; /* (account, region) pairs */
};

struct sync_accounts {
	struct sync_account *a; /* owned, n of them, in the input's order */
	size_t n;
	char self[13]; /* the run's own account; "" without accounts */
};

/* Fills sa for env->cfg (accounts, account_role_name): at least one
 * account. Each assumed role is tried once now (a refusal is reported
 * with report_warn and marks the account failed). -1 with why only when
 * the run cannot start (GetCallerIdentity failed, out of memory). */
int sync_accounts_open(
    struct sync_accounts *sa, struct op_env *env, char *why, size_t whylen);

/* Pure. Whether account id is in shard i of n (1 <= i <= n): by a
 * stable hash of the id, so n jobs take every account exactly once. */
int sync_accounts_in_shard(const char *id, unsigned i, unsigned n);

/* The credentials provider for account i (borrowed from sa or env). */
struct aws_credentials_provider sync_accounts_provider(
    const struct sync_accounts *sa, size_t i, struct op_env *env);

/* The account whose ARN arn is (by its account field), or NULL. */
struct sync_account *sync_accounts_find(
    struct sync_accounts *sa, const char *arn);

/* The per-account report: rep (cJSON object) gains "accounts", an array
 * of {accountId, accountName, listed, written, skipped, deleted, status,
 * error}, failed accounts first; md gains the same as a Markdown table.
 * Nothing when the run covered only its credentials' own account (no
 * accounts input). */
void sync_accounts_report(
    const struct sync_accounts *sa, int dry_run, cJSON *rep, struct buf *md);

void sync_accounts_free(struct sync_accounts *sa);

#endif
