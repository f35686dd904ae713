/*
 * creds_identity: who a set of credentials is (STS GetCallerIdentity),
 * for sync across accounts (issue 19): the run's own account is synced
 * with its own credentials.
 */
#ifndef PORT_ACM_CREDS_IDENTITY_H
#define PORT_ACM_CREDS_IDENTITY_H

#include <stddef.h>

#include "creds/creds.h"

/* GetCallerIdentity signed with c (borrowed) at env's STS endpoint.
 * account gets the 12-digit id. 0, or -1 with why in words for the person who
 * runs the action. */
int creds_caller_identity(struct creds *c, const struct creds_env *env,
    char account[13], char *why, size_t whylen);

#endif
