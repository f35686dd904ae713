#include "creds/creds_chain.h"

#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "creds/creds_source.h"

static void
tried(struct buf *why, const char *source, const char *reason)
{
	buf_printf(why, "%s%s: %s", why->len ? "; " : "", source, reason);
}

/* What made the sources fail: an endpoint that did not answer, or
 * anything else (the configuration); an endpoint that is not there
 * (creds_absent) is neither. */
struct failures {
	int down, config;
};

/* Fetches once so a failure is known before anything changes in AWS;
 * gives back c, or frees it and says why (counted in f, may be NULL). */
static struct creds *
first_fetch(const struct creds_env *env, struct creds *c, const char *source,
    struct buf *why, struct failures *f)
{
	char err[4096]; /* a refusal can carry the token's claims */

	creds_set_mask(c, env->mask, env->mask_arg);
	if (creds_get(c, clock_now(env->clock), err, sizeof(err)) != NULL)
		return c;
	if (f != NULL && creds_unreachable(c))
		f->down++;
	else if (f != NULL && !creds_absent(c))
		f->config++;
	tried(why, source, err);
	creds_free(c);
	return NULL;
}

/* Environment keys (botocore's EnvProvider): both or neither. */
static enum creds_probe
probe_env(
    const struct creds_env *env, struct creds **out, char *why, size_t whylen)
{
	const char *akid = creds_getenv(env, "AWS_ACCESS_KEY_ID");
	const char *secret = creds_getenv(env, "AWS_SECRET_ACCESS_KEY");
	const char *token = creds_getenv(env, "AWS_SESSION_TOKEN");

	if (creds_getenv(env, "AWS_SECURITY_TOKEN") != NULL)
		token = creds_getenv(env, "AWS_SECURITY_TOKEN");
	if (akid == NULL && secret == NULL) {
		str_copy(why, whylen, "AWS_ACCESS_KEY_ID is not set");
		return CREDS_SKIPPED;
	}
	if (akid == NULL || secret == NULL) {
		str_printf(why, whylen, "%s is set but %s is not",
		    akid ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
		    akid ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
		return CREDS_FAILED;
	}
	if (strpbrk(akid, "\r\n ") || strpbrk(secret, "\r\n") ||
	    (token && strpbrk(token, "\r\n"))) {
		str_printf(why, whylen,
		    "%s contains a line break or space; check how it was "
		    "exported",
		    strpbrk(akid, "\r\n ")    ? "AWS_ACCESS_KEY_ID"
		    : strpbrk(secret, "\r\n") ? "AWS_SECRET_ACCESS_KEY"
		                              : "AWS_SESSION_TOKEN");
		return CREDS_FAILED;
	}
	*out = creds_new_static(
	    akid, secret, token, "access keys from the environment");
	if (*out == NULL) {
		str_copy(why, whylen, "out of memory");
		return CREDS_FAILED;
	}
	return CREDS_FOUND;
}

/* STS's cap on a session assumed with a role's credentials. */
#define CHAINED_MAX_S 3600

/* role_to_assume as configure-aws-credentials does it: GitHub OIDC when
 * the job has it, unless role_chaining asks for AssumeRole with the
 * environment keys; without OIDC, AssumeRole with those keys. */
static struct creds *
chain_role(const struct creds_env *env, struct buf *why)
{
	struct creds *base = NULL, *c = NULL;
	char err[1024];
	enum creds_probe r;
	int oidc = creds_getenv(env, "ACTIONS_ID_TOKEN_REQUEST_URL") != NULL &&
	           creds_getenv(env, "ACTIONS_ID_TOKEN_REQUEST_TOKEN") != NULL;

	if (oidc && !env->role_chaining)
		goto oidc;
	r = probe_env(env, &base, err, sizeof(err));
	if (r != CREDS_FOUND && env->role_chaining) {
		tried(why, "role_chaining",
		    r == CREDS_SKIPPED
		        ? "role_chaining is true but AWS_ACCESS_KEY_ID and "
		          "AWS_SECRET_ACCESS_KEY are not set: run the step "
		          "that "
		          "exports them (configure-aws-credentials) first, or "
		          "drop role_chaining to use GitHub OIDC"
		        : err);
		return NULL;
	}
	switch (r) {
	case CREDS_FOUND:
		if (env->role_chaining && env->duration_s > CHAINED_MAX_S) {
			creds_free(base);
			str_printf(err, sizeof(err),
			    "role_duration_seconds %u is more than %d, the "
			    "longest session AWS gives a chained role (role "
			    "chaining); set role_duration_seconds to %d or "
			    "less",
			    env->duration_s, CHAINED_MAX_S, CHAINED_MAX_S);
			tried(why, "role_chaining", err);
			return NULL;
		}
		c = creds_new_assume_role(base, env, env->role_arn,
		    env->session_name, env->duration_s, env->external_id);
		if (c == NULL) {
			creds_free(base);
			tried(why, "role_to_assume", "out of memory");
			return NULL;
		}
		creds_own(c, base);
		return first_fetch(env, c,
		    "role_to_assume with environment "
		    "keys",
		    why, NULL);
	case CREDS_FAILED:
		tried(why, "environment", err);
		return NULL;
	case CREDS_SKIPPED:
		break;
	}
oidc:
	if (creds_probe_oidc(env, env->role_arn, &c, err, sizeof(err)) !=
	    CREDS_FOUND) {
		tried(why, "GitHub OIDC", err);
		return NULL;
	}
	return first_fetch(env, c, "GitHub OIDC", why, NULL);
}

static enum creds_probe
probe_role_profile(
    const struct creds_env *env, struct creds **out, char *why, size_t whylen)
{
	return creds_probe_profile(env, CREDS_PROFILE_ROLE, out, why, whylen);
}

/* AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, else the profile's
 * role_arn + web_identity_token_file (botocore's
 * AssumeRoleWithWebIdentityProvider). */
static enum creds_probe
probe_web_identity(
    const struct creds_env *env, struct creds **out, char *why, size_t whylen)
{
	enum creds_probe r;
	char prof[512];

	r = creds_probe_web_identity_file(
	    env, NULL, NULL, NULL, out, why, whylen);
	if (r != CREDS_SKIPPED)
		return r;
	r = creds_probe_profile(
	    env, CREDS_PROFILE_WEB, out, prof, sizeof(prof));
	if (r != CREDS_SKIPPED)
		str_copy(why, whylen, prof);
	return r;
}

static enum creds_probe
probe_keys_profile(
    const struct creds_env *env, struct creds **out, char *why, size_t whylen)
{
	return creds_probe_profile(env, CREDS_PROFILE_KEYS, out, why, whylen);
}

struct creds *
creds_chain(const struct creds_env *env, struct buf *why, int *unreachable)
{
	static const struct {
		const char *name;
		enum creds_probe (*probe)(
		    const struct creds_env *, struct creds **, char *, size_t);
	} sources[] = {
	    {"environment", probe_env},
	    {"shared config role profile", probe_role_profile},
	    {"web identity token file", probe_web_identity},
	    {"shared config/credentials files", probe_keys_profile},
	    {"container credentials", creds_probe_container},
	    {"EC2 instance metadata", creds_probe_imds},
	};
	struct creds *c = NULL;
	struct failures f = {0, 0};
	char err[1024];
	size_t i;
	enum creds_probe r;

	buf_reset(why);
	*unreachable = 0;
	if (env->role_arn != NULL && env->role_arn[0] != '\0')
		c = chain_role(env, why);
	else
		/* botocore's order (create_credential_resolver: env,
		 * assume-role, assume-role-with-web-identity, ...,
		 * shared-credentials-file, config-file, container-role,
		 * iam-role); the first source that is set up wins,
		 * and one that is set up but fails is said, not skipped
		 * over silently. */
		for (i = 0; c == NULL && i < sizeof(sources) / sizeof(*sources);
		     i++) {
			err[0] = '\0';
			r = sources[i].probe(env, &c, err, sizeof(err));
			if (r == CREDS_FOUND)
				c = first_fetch(
				    env, c, sources[i].name, why, &f);
			else
				tried(why, sources[i].name, err);
			f.config += r == CREDS_FAILED;
		}
	/* A source set up here whose endpoint is down: the setup is
	 * right, and advice to set up something else would mislead. */
	if (c == NULL && f.down && !f.config) {
		*unreachable = 1;
		buf_printf(why, ". No other source gave credentials; run the "
		                "job again once the endpoint answers");
	} else if (c == NULL)
		buf_printf(why,
		    ". On any runner: set role_to_assume to an IAM role that "
		    "trusts GitHub's OIDC provider and add `permissions: "
		    "id-token: write` to the job (docs/credentials.md)");
	return c;
}
