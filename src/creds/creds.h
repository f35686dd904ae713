/*
 * creds: the AWS credentials a run signs with, and where they came
 * from. A struct creds hands out the current credentials and refreshes
 * them (from the source that made them) when they expire within
 * CREDS_REFRESH_S; it is only ever asked between requests, so
 * credentials never change in the middle of one.
 *
 * Every secret a source obtains is handed to the mask hook before it is
 * used or stored (gha_mask in the action).
 */
#ifndef PORT_ACM_CREDS_H
#define PORT_ACM_CREDS_H

#include <stddef.h>
#include <time.h>

#include "aws/aws.h"
#include "base/buf.h"

/* Refresh this long before expiry (the SDKs' 5 minutes). */
#define CREDS_REFRESH_S 300

/* A source: fills out (strings malloc'd, the creds takes them) or
 * returns -1 with err saying why, in words for the person who runs the
 * action. now is the AWS-corrected time. */
typedef int (*creds_fetch_fn)(void *arg, time_t now,
    struct aws_credentials *out, char *err, size_t errlen);

struct creds;
struct http;

/* What the credential sources need from the run: where to send, the
 * inputs, and the hook that masks every secret before its first use.
 * Borrowed by every struct creds made from it: must outlive them. */
struct creds_env {
	struct http *http;   /* borrowed */
	struct clock *clock; /* the run's */
	const char *(*getenv)(const char *name);
	void (*mask)(void *arg, const char *secret); /* gha_mask */
	void *mask_arg;
	const char *region;  /* the job's region: STS is called there */
	int fips, dualstack; /* AWS_USE_FIPS_ENDPOINT, ..._DUALSTACK_... */
	const char *ca_file, *ca_setting; /* for AWS endpoints */
	const char *github_ca_file;       /* SSL_CERT_FILE for GitHub's ID-token
	                                   * endpoint; NULL = built-in */
	unsigned max_attempts;
	/* Inputs; "" or NULL when not given. */
	const char *role_arn;     /* role_to_assume */
	const char *session_name; /* role_session_name, sanitised */
	unsigned duration_s;      /* role_duration_seconds */
	const char *external_id;  /* role_external_id */
	const char *audience;     /* audience, default sts.amazonaws.com */
	int role_chaining; /* role_chaining: AssumeRole with environment keys
	                    * even when GitHub OIDC is available */
	/* The profile's sts_regional_endpoints (creds_profile_setting),
	 * behind AWS_STS_REGIONAL_ENDPOINTS; NULL = not set. */
	const char *sts_regional_endpoints;
};

/* A second identity for another role (e.g. dns_role_arn for Route 53 in
 * another account): AssumeRole signed with base's credentials, refreshed
 * like the others. base and env are borrowed and must outlive it.
 * session_name is sanitised; duration_s 0 = 3600; external_id may be
 * NULL. Nothing is fetched until the first creds_get. NULL on out of
 * memory. */
struct creds *creds_new_assume_role(struct creds *base,
    const struct creds_env *env, const char *role_arn, const char *session_name,
    unsigned duration_s, const char *external_id);

/* Fetches the credentials of n creds made by creds_new_assume_role at
 * once: their AssumeRole calls go out together (at most max in flight,
 * sts_assume_role_many), so n accounts cost the time of n / max calls.
 * Each then holds its credentials as after creds_get (masked), or
 * errs[i] (n of them, caller frees with buf_free) says why, in
 * creds_get's words; a creds of another kind is asked with creds_get.
 * now is the AWS-corrected time. */
void creds_assume_many(struct creds *const *cs, size_t n, size_t max,
    time_t now, struct buf *errs);

/* Gives c credentials fetched for it elsewhere (creds_assume_many; for the
 * sources): fresh's strings are taken (fresh zeroed), checked and masked as
 * creds_get does; -1 with err (fresh wiped) when they expire too soon. */
int creds_take(struct creds *c, struct aws_credentials *fresh, time_t now,
    char *err, size_t errlen);

/* For a source: marks the fetch under way as failed because its
 * endpoint did not answer (connection refused or timed out, or HTTP
 * 5xx): an outage to wait out, not a configuration to fix. creds_get
 * clears it before each fetch. */
void creds_set_unreachable(struct creds *c);

/* 1 when c's last fetch failed so (creds_set_unreachable), else 0. */
int creds_unreachable(const struct creds *c);

/* For a source: marks the fetch under way as failed because nothing
 * answered at an address the environment did not name (EC2 instance
 * metadata's default on a runner that is not an EC2 instance): the
 * source is not here, as if it had been skipped. creds_get clears it. */
void creds_set_absent(struct creds *c);

/* 1 when c's last fetch failed so (creds_set_absent), else 0. */
int creds_absent(const struct creds *c);

/* c's source argument when c fetches with fetch, else NULL. */
void *creds_source_arg(const struct creds *c, creds_fetch_fn fetch);

/* Fixed credentials (environment variables): copied. NULL on out of
 * memory or when akid or secret is NULL. describe is for the log, e.g.
 * "access key AKIA… from AWS_ACCESS_KEY_ID"; copied. */
struct creds *creds_new_static(const char *akid, const char *secret,
    const char *token, const char *describe);

/* Credentials from a source that can be asked again; fetch is called
 * on first use and whenever they are about to expire. arg is borrowed;
 * free_arg (may be NULL) is called on it by creds_free. describe is
 * copied. NULL on out of memory. */
struct creds *creds_new_source(creds_fetch_fn fetch, void *arg,
    void (*free_arg)(void *), const char *describe);

/* The credentials to sign the next request with, refreshed first when
 * they expire within CREDS_REFRESH_S of now (AWS-corrected time). NULL
 * with err filled when the source failed. The pointer stays valid
 * until the next creds_get or creds_free. */
const struct aws_credentials *creds_get(
    struct creds *c, time_t now, char *err, size_t errlen);

/* Pure. 0 when credentials expiring at `expires` (0 = never) may be
 * taken at `now`; -1 with err when they expire within CREDS_REFRESH_S
 * (or have expired): taking them would fetch again before every
 * request. what names the source for the message. creds_get refuses
 * such credentials at receipt with this message. */
int creds_fresh_enough(
    time_t expires, time_t now, const char *what, char *err, size_t errlen);

/* For the log: "role arn:… by GitHub OIDC", plus ", expiring 14:05 UTC"
 * once fetched credentials expire. Valid until the next creds_get. */
const char *creds_describe(struct creds *c);

/* Replaces what creds_describe says (copied), e.g. when the source
 * learns how it got the credentials only while fetching. */
void creds_set_describe(struct creds *c, const char *describe);

/* c takes base (may be NULL): freed with c (after it), and masked as c
 * is. */
void creds_own(struct creds *c, struct creds *base);

/* Every secret fetched from now on, by c and by every credentials it
 * owns (the hops of a role chain), is passed to mask before use. */
void creds_set_mask(
    struct creds *c, void (*mask)(void *arg, const char *secret), void *arg);

/* The secrets of the credentials currently held (up to 3, then NULL),
 * for redacting a message. */
void creds_secrets(const struct creds *c, const char *out[4]);

void creds_free(struct creds *c);

/* A setting of the profile (AWS_DEFAULT_PROFILE, AWS_PROFILE, else
 * "default") in the shared config and credentials files
 * (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, ~/.aws/...), read the
 * way the SDKs read it, e.g. "region": 0 with out filled, -1 when not
 * set. getenv_fn reads the environment. */
int creds_profile_setting(const char *(*getenv_fn)(const char *),
    const char *key, char *out, size_t outlen);

/* c as the AWS layer's credentials provider (aws.h): its get is
 * creds_get. c is borrowed: it must outlive every client given it.
 * c NULL gives a provider with no get (unsigned calls only). */
struct aws_credentials_provider creds_provider(struct creds *c);

#endif
