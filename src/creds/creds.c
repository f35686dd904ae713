#include "creds/creds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

/* Why a fetch failed, when not for what the source was told. */
enum { FAIL_DOWN = 1, FAIL_ABSENT };

struct creds {
	creds_fetch_fn fetch; /* NULL for fixed credentials */
	void *arg;
	void (*free_arg)(void *);
	struct aws_credentials v;
	int have;
	int failure; /* the last fetch's: 0, FAIL_DOWN, FAIL_ABSENT */
	char describe[512];
	char described[600]; /* describe plus the expiry */
	void (*mask)(void *arg, const char *secret);
	void *mask_arg;
	struct creds *owned; /* base credentials this one signs with */
};

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

const struct aws_credentials *
creds_get(struct creds *c, time_t now, char *err, size_t errlen)
{
	struct aws_credentials fresh = {0};

	if (c->have && (c->fetch == NULL || c->v.expires == 0 ||
	                   c->v.expires - now > CREDS_REFRESH_S))
		return &c->v;
	if (c->fetch == NULL) {
		str_copy(err, errlen, "no AWS credentials");
		return NULL;
	}
	c->failure = 0;
	if (c->fetch(c->arg, now, &fresh, err, errlen) != 0 ||
	    creds_take(c, &fresh, now, err, errlen) != 0) {
		aws_credentials_wipe(&fresh);
		return NULL;
	}
	return &c->v;
}

int
creds_take(struct creds *c, struct aws_credentials *fresh, time_t now,
    char *err, size_t errlen)
{
	if (creds_fresh_enough(fresh->expires, now, c->describe, err, errlen) !=
	    0) {
		aws_credentials_wipe(fresh);
		return -1;
	}
	if (c->mask != NULL) {
		c->mask(c->mask_arg, fresh->access_key_id);
		c->mask(c->mask_arg, fresh->secret_access_key);
		c->mask(c->mask_arg, fresh->session_token);
	}
	aws_credentials_wipe(&c->v);
	c->v = *fresh;
	memset(fresh, 0, sizeof(*fresh));
	c->have = 1;
	return 0;
}

void
creds_set_unreachable(struct creds *c)
{
	c->failure = FAIL_DOWN;
}

int
creds_unreachable(const struct creds *c)
{
	return c != NULL && c->failure == FAIL_DOWN;
}

void
creds_set_absent(struct creds *c)
{
	c->failure = FAIL_ABSENT;
}

int
creds_absent(const struct creds *c)
{
	return c != NULL && c->failure == FAIL_ABSENT;
}

void *
creds_source_arg(const struct creds *c, creds_fetch_fn fetch)
{
	return c != NULL && c->fetch == fetch ? c->arg : NULL;
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
creds_set_describe(struct creds *c, const char *describe)
{
	str_copy(c->describe, sizeof(c->describe), describe);
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
		aws_credentials_wipe(&c->v);
		if (c->free_arg != NULL)
			c->free_arg(c->arg);
		free(c);
	}
}

static const struct aws_credentials *
provider_get(void *ctx, time_t now, char *err, size_t errlen)
{
	return creds_get(ctx, now, err, errlen);
}

struct aws_credentials_provider
creds_provider(struct creds *c)
{
	return (struct aws_credentials_provider){c ? provider_get : NULL, c};
}
