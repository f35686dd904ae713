/*
 * creds_chain: which credentials a run signs with, found the way the
 * SDKs look (docs/credentials.md), on top of the sources in
 * creds_source.h and the struct creds of creds.h.
 */
#ifndef PORT_ACM_CREDS_CHAIN_H
#define PORT_ACM_CREDS_CHAIN_H

#include "base/buf.h"
#include "creds/creds.h"

/* The credential chain (docs/credentials.md): with role_arn, that
 * role by AssumeRole from environment keys or else by GitHub OIDC;
 * without, environment keys, AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE,
 * the shared config/credentials files, container credentials (ECS, EKS
 * Pod Identity), EC2 instance metadata. The first source that yields
 * credentials wins; they are fetched once here, so a failure is known
 * now. NULL when none did, with why listing every source tried and why
 * it was skipped or failed, and the likely fix; then *unreachable is 1
 * when what failed was only a credentials endpoint that is set up and
 * did not answer (creds_unreachable: an outage, exit 1), 0 when it is
 * the configuration (exit 2). */
struct creds *creds_chain(
    const struct creds_env *env, struct buf *why, int *unreachable);

#endif
