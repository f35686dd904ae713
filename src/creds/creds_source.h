/*
 * creds_source: the credential sources behind creds_chain (creds_chain.c),
 * one module per kind: creds_sts.c (GitHub OIDC, web identity token
 * file, AssumeRole), creds_files.c (shared config and credentials
 * files), creds_metadata.c (container credentials, EC2 IMDSv2).
 *
 * Each probe says whether its source applies here; when it does it
 * returns a struct creds that fetches on the first creds_get (the chain
 * fetches at once to know it works).
 */
#ifndef PORT_ACM_CREDS_SOURCE_H
#define PORT_ACM_CREDS_SOURCE_H

#include <stddef.h>

#include "creds/creds.h"

enum creds_probe {
	CREDS_FOUND,   /* *out set */
	CREDS_SKIPPED, /* not configured here; why says what is missing */
	CREDS_FAILED,  /* configured but unusable; why says what to fix */
};

/* role_to_assume by GitHub OIDC (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN). */
enum creds_probe creds_probe_oidc(const struct creds_env *env,
    const char *role_arn, struct creds **out, char *why, size_t whylen);

/* AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE (role_arn NULL), or a
 * profile's role_arn + web_identity_token_file. */
enum creds_probe creds_probe_web_identity_file(const struct creds_env *env,
    const char *role_arn, const char *token_file, const char *session_name,
    struct creds **out, char *why, size_t whylen);

/* botocore's three providers that read a profile, each at its own place
 * in the chain: a role profile (role_arn with source_profile or
 * credential_source), a web identity profile (role_arn with
 * web_identity_token_file), and the profile's own keys. */
enum creds_profile_kind {
	CREDS_PROFILE_ROLE,
	CREDS_PROFILE_WEB,
	CREDS_PROFILE_KEYS,
};

/* The profile (AWS_DEFAULT_PROFILE, AWS_PROFILE, "default") in the
 * shared config and credentials files, when it is of kind (else
 * CREDS_SKIPPED). */
enum creds_probe creds_probe_profile(const struct creds_env *env,
    enum creds_profile_kind kind, struct creds **out, char *why, size_t whylen);

/* AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI. */
enum creds_probe creds_probe_container(
    const struct creds_env *env, struct creds **out, char *why, size_t whylen);

/* EC2 IMDSv2; skipped when disabled or on a GitHub-hosted runner. */
enum creds_probe creds_probe_imds(
    const struct creds_env *env, struct creds **out, char *why, size_t whylen);

/* An environment value, NULL when unset or empty. */
const char *creds_getenv(const struct creds_env *env, const char *name);

/* The STS endpoint and signing region for env: AWS_ENDPOINT_URL_STS,
 * then AWS_ENDPOINT_URL, else the job's regional endpoint (or the
 * global one for AWS_STS_REGIONAL_ENDPOINTS=legacy). */
int creds_sts_endpoint(const struct creds_env *env, char *url, size_t urllen,
    char *region, size_t regionlen, char *why, size_t whylen);

/* Reads a small file (a token) into a malloc'd, trimmed string; NULL
 * with why filled when it cannot be read or is empty. */
char *creds_read_file(const char *path, size_t max, char *why, size_t whylen);

#endif
