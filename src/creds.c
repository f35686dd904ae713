#include "creds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"
#include "buf.h"
#include "creds_source.h"

struct creds {
	creds_fetch_fn fetch; /* NULL for fixed credentials */
	void *arg;
	void (*free_arg)(void *);
	struct creds_value v;
	int have;
	char describe[512];
	char described[600]; /* describe plus the expiry */
	void (*mask)(void *arg, const char *secret);
	void *mask_arg;
	struct creds *owned; /* base credentials this one signs with */
};

static void
wipe_free(char **s)
{
	if (*s != NULL) {
		memset(*s, 0, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

time_t
creds_parse_time(const char *s)
{
	struct tm tm = {0};

	/* "2026-12-02T14:05:00" then Z, +00:00 or a fraction first. */
	if (s == NULL || strlen(s) < 20 || s[4] != '-' || s[7] != '-' ||
	    s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return -1;
	tm.tm_year = (int)str_digits(s, 4);
	tm.tm_mon = (int)str_digits(s + 5, 2);
	tm.tm_mday = (int)str_digits(s + 8, 2);
	tm.tm_hour = (int)str_digits(s + 11, 2);
	tm.tm_min = (int)str_digits(s + 14, 2);
	tm.tm_sec = (int)str_digits(s + 17, 2);
	if (tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour < 0 ||
	    tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 ||
	    tm.tm_sec < 0 || tm.tm_sec > 60)
		return -1;
	s += 19;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9';)
			s++;
	if (strcmp(s, "Z") != 0 && strcmp(s, "+00:00") != 0)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

void
creds_value_wipe(struct creds_value *v)
{
	wipe_free(&v->access_key_id);
	wipe_free(&v->secret_access_key);
	wipe_free(&v->session_token);
	v->expires = 0;
}

struct creds *
creds_new_static(const char *akid, const char *secret, const char *token,
    const char *describe)
{
	struct creds *c;

	if (akid == NULL || secret == NULL ||
	    (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->v.access_key_id = strdup(akid);
	c->v.secret_access_key = strdup(secret);
	c->v.session_token = token ? strdup(token) : NULL;
	if (c->v.access_key_id == NULL || c->v.secret_access_key == NULL ||
	    (token && c->v.session_token == NULL)) {
		creds_free(c);
		return NULL;
	}
	c->have = 1;
	str_copy(c->describe, sizeof(c->describe), describe);
	return c;
}

struct creds *
creds_new_source(creds_fetch_fn fetch, void *arg, void (*free_arg)(void *),
    const char *describe)
{
	struct creds *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->fetch = fetch;
	c->arg = arg;
	c->free_arg = free_arg;
	str_copy(c->describe, sizeof(c->describe), describe);
	return c;
}

const struct creds_value *
creds_get(struct creds *c, time_t now, char *err, size_t errlen)
{
	struct creds_value fresh = {0};

	if (c->have && (c->fetch == NULL || c->v.expires == 0 ||
	                   c->v.expires - now > CREDS_REFRESH_S))
		return &c->v;
	if (c->fetch == NULL) {
		str_copy(err, errlen, "no AWS credentials");
		return NULL;
	}
	if (c->fetch(c->arg, now, &fresh, err, errlen) != 0 ||
	    creds_fresh_enough(fresh.expires, now, c->describe, err, errlen) !=
	        0) {
		creds_value_wipe(&fresh);
		return NULL;
	}
	if (c->mask != NULL) {
		c->mask(c->mask_arg, fresh.access_key_id);
		c->mask(c->mask_arg, fresh.secret_access_key);
		c->mask(c->mask_arg, fresh.session_token);
	}
	creds_value_wipe(&c->v);
	c->v = fresh;
	c->have = 1;
	return &c->v;
}

int
creds_fresh_enough(
    time_t expires, time_t now, const char *what, char *err, size_t errlen)
{
	struct tm e = {0}, n = {0};
	int gone = expires <= now;

	if (expires == 0 || expires - now > CREDS_REFRESH_S)
		return 0;
	/* Taking them would fetch again before every request. */
	if (gmtime_r(&expires, &e) == NULL || gmtime_r(&now, &n) == NULL) {
		memset(&e, 0, sizeof(e));
		memset(&n, 0, sizeof(n));
	}
	str_printf(err, errlen,
	    "%s gave credentials that %s at %04d-%02d-%02d %02d:%02d:%02d "
	    "UTC, %lld s %s this runner's clock (%02d:%02d:%02d UTC, as "
	    "corrected by AWS's Date where known), %s: refusing them. The "
	    "usual cause is a runner clock that is off (clock skew): check "
	    "its time sync (NTP); otherwise the source hands out sessions "
	    "shorter than %d s",
	    what, gone ? "expired" : "expire", e.tm_year + 1900, e.tm_mon + 1,
	    e.tm_mday, e.tm_hour, e.tm_min, e.tm_sec,
	    (long long)(gone ? now - expires : expires - now),
	    gone ? "before" : "after", n.tm_hour, n.tm_min, n.tm_sec,
	    gone ? "already expired" : "inside the refresh window",
	    CREDS_REFRESH_S);
	return -1;
}

const char *
creds_describe(struct creds *c)
{
	struct tm tm;
	time_t t = c->v.expires;

	if (c->have && t != 0 && gmtime_r(&t, &tm) != NULL)
		snprintf(c->described, sizeof(c->described),
		    "%s, expiring %02d:%02d UTC", c->describe, tm.tm_hour,
		    tm.tm_min);
	else
		str_copy(c->described, sizeof(c->described), c->describe);
	return c->described;
}

void
creds_own(struct creds *c, struct creds *base)
{
	c->owned = base;
	if (c->mask != NULL && base != NULL)
		creds_set_mask(base, c->mask, c->mask_arg);
}

void
creds_set_mask(
    struct creds *c, void (*mask)(void *arg, const char *secret), void *arg)
{
	/* Every hop of a chain signs with secrets of its own: the middle
	 * role's are as secret as the last one's. */
	for (; c != NULL; c = c->owned) {
		c->mask = mask;
		c->mask_arg = arg;
	}
}

void
creds_secrets(const struct creds *c, const char *out[4])
{
	size_t n = 0;

	if (c != NULL && c->have) {
		out[n++] = c->v.access_key_id;
		out[n++] = c->v.secret_access_key;
		if (c->v.session_token != NULL)
			out[n++] = c->v.session_token;
	}
	while (n < 4)
		out[n++] = NULL;
}

void
creds_free(struct creds *c)
{
	struct creds *owned;

	/* A chain of owned bases (profile source_profile hops), freed in
	 * order: each signs with the next. */
	for (; c != NULL; c = owned) {
		owned = c->owned;
		creds_value_wipe(&c->v);
		if (c->free_arg != NULL)
			c->free_arg(c->arg);
		free(c);
	}
}

/* ------------------------------------------------------------- chain */

static void
tried(struct buf *why, const char *source, const char *reason)
{
	buf_printf(why, "%s%s: %s", why->len ? "; " : "", source, reason);
}

/* Fetches once so a failure is known before anything changes in AWS;
 * gives back c, or frees it and says why. */
static struct creds *
first_fetch(const struct creds_env *env, struct creds *c, const char *source,
    struct buf *why)
{
	char err[1024];

	creds_set_mask(c, env->mask, env->mask_arg);
	if (creds_get(c, aws_clock_now(env->clock), err, sizeof(err)) != NULL)
		return c;
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

/* role_to_assume: AssumeRole from environment keys (role chaining, as
 * configure-aws-credentials does), else GitHub OIDC. */
static struct creds *
chain_role(const struct creds_env *env, struct buf *why)
{
	struct creds *base = NULL, *c = NULL;
	char err[1024];

	switch (probe_env(env, &base, err, sizeof(err))) {
	case CREDS_FOUND:
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
		    why);
	case CREDS_FAILED:
		tried(why, "environment", err);
		return NULL;
	case CREDS_SKIPPED:
		break;
	}
	if (creds_probe_oidc(env, env->role_arn, &c, err, sizeof(err)) !=
	    CREDS_FOUND) {
		tried(why, "GitHub OIDC", err);
		return NULL;
	}
	return first_fetch(env, c, "GitHub OIDC", why);
}

struct creds *
creds_chain(const struct creds_env *env, struct buf *why)
{
	static const struct {
		const char *name;
		enum creds_probe (*probe)(
		    const struct creds_env *, struct creds **, char *, size_t);
	} sources[] = {
	    {"environment", probe_env},
	    {"web identity token file", NULL},
	    {"shared config/credentials files", creds_probe_profile},
	    {"container credentials", creds_probe_container},
	    {"EC2 instance metadata", creds_probe_imds},
	};
	struct creds *c = NULL;
	char err[1024];
	size_t i;
	enum creds_probe r;

	buf_reset(why);
	if (env->role_arn != NULL && env->role_arn[0] != '\0')
		c = chain_role(env, why);
	else
		/* botocore's order; the first source that is set up wins,
		 * and one that is set up but fails is said, not skipped
		 * over silently. */
		for (i = 0; c == NULL && i < sizeof(sources) / sizeof(*sources);
		     i++) {
			err[0] = '\0';
			r = sources[i].probe
			        ? sources[i].probe(env, &c, err, sizeof(err))
			        : creds_probe_web_identity_file(env, NULL, NULL,
			              NULL, &c, err, sizeof(err));
			if (r == CREDS_FOUND)
				c = first_fetch(env, c, sources[i].name, why);
			else
				tried(why, sources[i].name, err);
		}
	if (c == NULL)
		buf_printf(why,
		    ". On any runner: set role_to_assume to an IAM role that "
		    "trusts GitHub's OIDC provider and add `permissions: "
		    "id-token: write` to the job (README, \"AWS "
		    "credentials\")");
	return c;
}
