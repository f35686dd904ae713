/*
 * Credential sources that end in STS: GitHub OIDC and web identity
 * token files (AssumeRoleWithWebIdentity, unsigned) and AssumeRole from
 * other credentials (signed).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "aws/aws.h"
#include "aws/sts.h"
#include "base/http.h"
#include "base/retry.h"
#include "creds/creds_source.h"
#include "input/validate_arn.h"

/* The 16 regions AWS_STS_REGIONAL_ENDPOINTS=legacy (or the profile's
 * sts_regional_endpoints = legacy) sends to the global
 * endpoint (aws-credentials.md §4.1). */
static const char *const legacy_global[] = {"ap-northeast-1", "ap-south-1",
    "ap-southeast-1", "ap-southeast-2", "aws-global", "ca-central-1",
    "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3",
    "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2", NULL};

const char *
creds_getenv(const struct creds_env *env, const char *name)
{
	const char *v = env->getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

int
creds_sts_endpoint(const struct creds_env *env, char *url, size_t urllen,
    char *region, size_t regionlen, char *why, size_t whylen)
{
	const char *ep = NULL, *ignore, *legacy;
	const char *const *r;

	ignore = creds_getenv(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	if (ignore == NULL || strcasecmp(ignore, "true") != 0) {
		ep = creds_getenv(env, "AWS_ENDPOINT_URL_STS");
		if (ep == NULL)
			ep = creds_getenv(env, "AWS_ENDPOINT_URL");
	}
	str_copy(region, regionlen, env->region);
	if (ep != NULL) {
		if (strlen(ep) >= urllen) {
			str_copy(
			    why, whylen, "the STS endpoint URL is too long");
			return -1;
		}
		str_copy(url, urllen, ep);
		return 0;
	}
	/* The environment, else the profile's sts_regional_endpoints, as
	 * the SDKs read it. */
	legacy = creds_getenv(env, "AWS_STS_REGIONAL_ENDPOINTS");
	if (legacy == NULL)
		legacy = env->sts_regional_endpoints;
	if (legacy != NULL && strcasecmp(legacy, "legacy") == 0 && !env->fips &&
	    !env->dualstack)
		for (r = legacy_global; *r; r++)
			if (strcmp(*r, env->region) == 0) {
				str_copy(
				    url, urllen, "https://sts.amazonaws.com");
				str_copy(region, regionlen, "us-east-1");
				return 0;
			}
	if (aws_endpoint("sts", env->region, env->fips, env->dualstack, url,
	        urllen, region, regionlen) != 0) {
		str_printf(
		    why, whylen, "no STS endpoint for region %s", env->region);
		return -1;
	}
	return 0;
}

char *
creds_read_file(const char *path, size_t max, char *why, size_t whylen)
{
	struct buf b = {0};
	char chunk[4096], *out;
	size_t n;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		str_printf(
		    why, whylen, "cannot read %s (%s)", path, strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.len + n > max || buf_append(&b, chunk, n) != 0) {
			str_printf(why, whylen, "%s is larger than %zu bytes",
			    path, max);
			fclose(f);
			buf_wipe(&b);
			return NULL;
		}
	}
	fclose(f);
	while (b.len > 0 && isspace((unsigned char)b.data[b.len - 1]))
		b.data[--b.len] = '\0';
	if (b.len == 0 || strlen(b.data) != b.len) {
		str_printf(why, whylen, "%s is empty or not text", path);
		buf_wipe(&b);
		return NULL;
	}
	out = b.data; /* handed over: the caller wipes and frees */
	return out;
}

/* ---------------------------------------------------------------- STS */

enum web_kind { WEB_OIDC, WEB_FILE, ASSUME };

struct sts_source {
	const struct creds_env *env;
	enum web_kind kind;
	struct creds *base; /* ASSUME: borrowed */
	char role_arn[2049];
	char session[65];
	char external_id[1225];
	unsigned duration_s;
	char token_file[]; /* sized to fit (sync keeps one per account) */
};

static void
mask(const struct creds_env *env, const char *secret)
{
	if (env->mask != NULL && secret != NULL)
		env->mask(env->mask_arg, secret);
}

/* GitHub's ID token for the audience: GET <url>&audience=<aud> with the
 * request token as Bearer (aws-credentials.md §3). */
static char *
github_id_token(const struct creds_env *env, char *why, size_t whylen)
{
	const char *url = creds_getenv(env, "ACTIONS_ID_TOKEN_REQUEST_URL");
	const char *rt = creds_getenv(env, "ACTIONS_ID_TOKEN_REQUEST_TOKEN");
	const char *aud = env->audience && env->audience[0]
	                      ? env->audience
	                      : "sts.amazonaws.com";
	struct http_response resp = {0};
	struct buf full = {0}, auth = {0}, q = {0};
	struct retry retry;
	struct retry_outcome o;
	char base[2048], host[512], path[1024], err[512], noquery[2048];
	const char *hdrs[2];
	enum http_result hr;
	cJSON *json = NULL, *v;
	char *token = NULL;
	long delay;

	mask(env, rt);
	/* https, or http to this machine (the tests' fake); the query
	 * GitHub puts in it stays as it is. */
	str_copy(noquery, sizeof(noquery), url);
	noquery[strcspn(noquery, "?")] = '\0';
	if (aws_endpoint_split(noquery, base, sizeof(base), host, sizeof(host),
	        path, sizeof(path), err, sizeof(err)) != 0) {
		str_printf(why, whylen,
		    "ACTIONS_ID_TOKEN_REQUEST_URL is not usable: %s", err);
		return NULL;
	}
	if (sts_form_add(&q, "audience", aud) != 0 ||
	    buf_printf(&full, "%s%c%s", url, strchr(url, '?') ? '&' : '?',
	        buf_str(&q)) != 0 ||
	    buf_printf(&auth, "Authorization: Bearer %s", rt) != 0)
		goto oom;
	hdrs[0] = buf_str(&auth);
	hdrs[1] = "Accept: application/json";
	retry_init(&retry, RETRY_PORT, 4); /* the toolkit retries 5xx */
	retry_begin(&retry);
	for (;;) {
		memset(&o, 0, sizeof(o));
		hr = http_send(env->http,
		    &(struct http_request){"GET", buf_str(&full), hdrs, 2, NULL,
		        0, env->github_ca_file, "SSL_CERT_FILE", 0},
		    &resp, err, sizeof(err));
		if (hr == HTTP_OK && resp.status == 200)
			break;
		if (hr == HTTP_OK) {
			o.failure = RETRY_HTTP;
			o.http_status = resp.status;
			/* A 429's Retry-After, as every user of this policy */
			o.retry_after =
			    resp.retry_after[0] ? resp.retry_after : NULL;
			str_printf(err, sizeof(err), "HTTP %ld", resp.status);
		} else
			o.failure = hr == HTTP_ETIMEOUT   ? RETRY_TIMEOUT
			            : hr == HTTP_ECONNECT ? RETRY_CONNECT
			                                  : RETRY_OTHER;
		delay = retry_next(&retry, &o, retry_rand01());
		if (delay < 0 || http_sleep_ms(env->http, delay) != 0) {
			str_printf(why, whylen,
			    "GitHub's ID-token endpoint failed: %s", err);
			goto done;
		}
	}
	json = cJSON_ParseWithLength(resp.body.data, resp.body.len);
	v = cJSON_GetObjectItemCaseSensitive(json, "value");
	if (!cJSON_IsString(v) || v->valuestring[0] == '\0') {
		str_copy(why, whylen,
		    "GitHub's ID-token endpoint answered without a token "
		    "(\"value\")");
		goto done;
	}
	mask(env, v->valuestring);
	if ((token = strdup(v->valuestring)) == NULL)
		goto oom;
	goto done;
oom:
	str_copy(why, whylen, "out of memory");
done:
	if (json != NULL) {
		v = cJSON_GetObjectItemCaseSensitive(json, "value");
		if (cJSON_IsString(v))
			memset(v->valuestring, 0, strlen(v->valuestring));
	}
	cJSON_Delete(json);
	http_response_free(&resp);
	buf_wipe(&auth);
	buf_free(&full);
	buf_free(&q);
	return token;
}

/* base64url (RFC 4648 §5, padding optional) into out (malloc'd,
 * NUL-terminated); NULL when it is not base64url. */
static char *
b64url_decode(const char *in, size_t len)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	                          "qrstuvwxyz0123456789-_";
	unsigned long acc = 0;
	size_t i, n = 0;
	const char *p;
	char *out;
	int bits = 0;

	while (len > 0 && in[len - 1] == '=')
		len--;
	if ((out = malloc(len * 3 / 4 + 2)) == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		if (in[i] == '\0' || (p = strchr(abc, in[i])) == NULL) {
			free(out);
			return NULL;
		}
		acc = (acc << 6 | (unsigned long)(p - abc)) & 0xffffff;
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[n] = '\0';
	return out;
}

/* A claim as text: a string, or an array's first string (aud). */
static const char *
claim(const cJSON *j, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);

	if (cJSON_IsArray(v))
		v = cJSON_GetArrayItem(v, 0);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The ID token's non-secret claims and the trust-policy condition that
 * would match them, for a refusal. Only the payload (the JWT's middle
 * part) is decoded; the token and its signature are never printed. */
static void
token_claims(const char *jwt, struct buf *out)
{
	const char *a = strchr(jwt, '.'), *b = a ? strchr(a + 1, '.') : NULL;
	const char *names[] = {
	    "sub", "aud", "iss", "repository", "ref", "job_workflow_ref"};
	const char *sub, *aud, *iss, *host;
	char *payload;
	cJSON *j;
	size_t i;
	int n = 0;

	if (b == NULL ||
	    (payload = b64url_decode(a + 1, (size_t)(b - a - 1))) == NULL)
		return;
	j = cJSON_Parse(payload);
	free(payload);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return;
	}
	buf_printf(out, " The token's claims:");
	for (i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (claim(j, names[i]) != NULL)
			buf_printf(out, "%s %s=%s", n++ ? "," : "", names[i],
			    claim(j, names[i]));
	sub = claim(j, "sub");
	aud = claim(j, "aud");
	iss = claim(j, "iss");
	if (sub != NULL && aud != NULL && iss != NULL) {
		host = strncmp(iss, "https://", 8) == 0 ? iss + 8 : iss;
		buf_printf(out,
		    ". A trust-policy condition that matches this token: "
		    "\"Condition\": {\"StringEquals\": {\"%s:aud\": \"%s\", "
		    "\"%s:sub\": \"%s\"}}",
		    host, aud, host, sub);
		if (strchr(sub, '@') != NULL)
			buf_printf(out,
			    " (this sub has GitHub's immutable owner and "
			    "repository ids, the <name>@<id> form of 2026: a "
			    "policy that tests only repo:<org>/<repo>:... no "
			    "longer matches; see "
			    "examples/iam/trust-github-oidc.json)");
	}
	cJSON_Delete(j);
}

/* Explains STS's refusal in the words of the person who set it up;
 * token (may be NULL) is the web identity token STS refused. */
static void
sts_failure(const struct sts_source *s, const struct aws_error *e,
    const char *token, char *why, size_t whylen)
{
	const char *hint = "";
	struct buf claims = {0};

	if (aws_error_is(e, "AccessDenied") && s->kind == WEB_OIDC)
		hint = " Check the role's trust policy: it must trust "
		       "token.actions.githubusercontent.com for this "
		       "repository's sub and the audience.";
	else if (aws_error_is(e, "AccessDenied"))
		hint = " Check the role's trust policy and ExternalId.";
	else if (aws_error_is(e, "InvalidIdentityToken"))
		hint = " STS refused a freshly fetched token too (a token "
		       "file is asked again only once rotated), so this is "
		       "the set-up, not a passing error: check that IAM has "
		       "an OpenID Connect provider for the token's issuer "
		       "(token.actions.githubusercontent.com for GitHub) "
		       "whose audience list has the token's audience "
		       "(the audience input, default sts.amazonaws.com), "
		       "and that the token file is current.";
	else if (aws_error_is(e, "RegionDisabledException"))
		hint = " Activate STS in this region (IAM account settings) "
		       "or use another aws_region.";
	else if (aws_error_is(e, "ExpiredTokenException") ||
	         aws_error_is(e, "ExpiredToken"))
		hint = " The credentials used to assume it have expired.";
	if (token != NULL && (aws_error_is(e, "AccessDenied") ||
	                         aws_error_is(e, "InvalidIdentityToken")))
		token_claims(token, &claims);
	if (claims.data != NULL)
		str_scrub(claims.data);
	str_printf(why, whylen, "STS %s for %s failed: %s%s%s%s%s",
	    s->kind == ASSUME ? "AssumeRole" : "AssumeRoleWithWebIdentity",
	    s->role_arn, e->kind == AWS_ERR_SERVICE ? e->type : "",
	    e->kind == AWS_ERR_SERVICE ? ": " : "", e->message, hint,
	    buf_str(&claims));
	buf_free(&claims);
}

static int
sts_fetch(void *arg, time_t now, struct aws_credentials *out, char *why,
    size_t whylen)
{
	struct sts_source *s = arg;
	const struct creds_env *env = s->env;
	struct aws_error e;
	struct sts *sts;
	char url[2048], region[64], err[512], *token = NULL, *prev = NULL;
	int rc = -1, attempt;

	(void)now;
	if (creds_sts_endpoint(env, url, sizeof(url), region, sizeof(region),
	        why, whylen) != 0)
		return -1;
	if ((sts = sts_new(env->http,
	         &(struct sts_config){url, region, creds_provider(s->base),
	             env->ca_file, env->ca_setting, env->max_attempts,
	             env->clock},
	         err, sizeof(err))) == NULL) {
		str_printf(why, whylen, "the STS endpoint %s is not usable: %s",
		    url, err);
		return -1;
	}
	struct sts_role role = {s->role_arn, s->session, s->duration_s,
	    s->external_id[0] ? s->external_id : NULL};
	if (s->kind == ASSUME)
		rc = sts_assume_role(sts, &role, out, NULL, 0, &e);
	else
		/* A fresh token every time: GitHub's expire in minutes, a
		 * token file is rotated (EKS IRSA). InvalidIdentityToken
		 * is asked again once, with a token fetched anew (never
		 * the same one): STS also says it for set-up errors that
		 * no retry mends. */
		for (attempt = 0; attempt < 2; attempt++) {
			if (token != NULL) {
				prev = token;
				token = NULL;
			}
			token = s->kind == WEB_OIDC
			            ? github_id_token(env, why, whylen)
			            : creds_read_file(s->token_file, 64 * 1024,
			                  why, whylen);
			if (token == NULL)
				goto done;
			/* A token file not yet rotated holds the same token:
			 * never sent twice. */
			if (prev != NULL && strcmp(prev, token) == 0)
				break;
			mask(env, token);
			rc = sts_assume_role_with_web_identity(
			    sts, &role, token, out, NULL, 0, &e);
			if (rc == 0 ||
			    !aws_error_is(&e, "InvalidIdentityToken"))
				break;
		}
	if (rc != 0)
		sts_failure(s, &e, token, why, whylen);
done:
	if (prev != NULL) {
		memset(prev, 0, strlen(prev));
		free(prev);
	}
	if (token != NULL) {
		memset(token, 0, strlen(token));
		free(token);
	}
	sts_free(sts);
	return rc;
}

static struct creds *
sts_source_new(const struct creds_env *env, enum web_kind kind,
    struct creds *base, const char *role_arn, const char *session_name,
    const char *token_file, unsigned duration_s, const char *external_id,
    const char *describe)
{
	struct sts_source *s;
	struct creds *c;
	size_t tlen = token_file ? strnlen(token_file, 4095) : 0;

	if ((s = calloc(1, sizeof(*s) + tlen + 1)) == NULL)
		return NULL;
	s->env = env;
	s->kind = kind;
	s->base = base;
	str_copy(s->role_arn, sizeof(s->role_arn), role_arn);
	validate_session_name(session_name, s->session, sizeof(s->session));
	if (tlen)
		memcpy(s->token_file, token_file, tlen);
	str_copy(s->external_id, sizeof(s->external_id), external_id);
	s->duration_s = duration_s;
	if ((c = creds_new_source(sts_fetch, s, free, describe)) == NULL)
		free(s);
	return c;
}

struct creds *
creds_new_assume_role(struct creds *base, const struct creds_env *env,
    const char *role_arn, const char *session_name, unsigned duration_s,
    const char *external_id)
{
	char d[2600];

	snprintf(d, sizeof(d), "role %s assumed with %s", role_arn,
	    creds_describe(base));
	return sts_source_new(env, ASSUME, base, role_arn, session_name, "",
	    duration_s, external_id, d);
}

void
creds_assume_many(
    struct creds *const *cs, size_t n, size_t max, time_t now, struct buf *errs)
{
	struct sts_assume *it = calloc(n ? n : 1, sizeof(*it));
	struct sts_source *s;
	char url[2048], region[64], err[1024], why[1024];
	size_t i, k = 0, *of = calloc(n ? n : 1, sizeof(*of));

	for (i = 0; i < n; i++) {
		s = creds_source_arg(cs[i], sts_fetch);
		if (it == NULL || of == NULL || s == NULL ||
		    s->kind != ASSUME ||
		    creds_sts_endpoint(s->env, url, sizeof(url), region,
		        sizeof(region), why, sizeof(why)) != 0 ||
		    (it[k].sts = sts_new(s->env->http,
		         &(struct sts_config){url, region,
		             creds_provider(s->base), s->env->ca_file,
		             s->env->ca_setting, s->env->max_attempts,
		             s->env->clock},
		         err, sizeof(err))) == NULL) {
			/* Alone, the usual way (it says why). */
			if (creds_get(cs[i], now, why, sizeof(why)) == NULL)
				buf_puts(&errs[i], why);
			continue;
		}
		it[k].role = (struct sts_role){s->role_arn, s->session,
		    s->duration_s, s->external_id[0] ? s->external_id : NULL};
		of[k++] = i;
	}
	if (k)
		sts_assume_role_many(it, k, max);
	for (i = 0; i < k; i++) {
		s = creds_source_arg(cs[of[i]], sts_fetch);
		if (it[i].rc != 0)
			sts_failure(s, &it[i].err, NULL, why, sizeof(why));
		if (it[i].rc != 0 || creds_take(cs[of[i]], &it[i].out, now, why,
		                         sizeof(why)) != 0)
			buf_puts(&errs[of[i]], why);
		aws_credentials_wipe(&it[i].out);
		sts_free(it[i].sts);
	}
	free(it);
	free(of);
}

enum creds_probe
creds_probe_oidc(const struct creds_env *env, const char *role_arn,
    struct creds **out, char *why, size_t whylen)
{
	char d[2100];

	if (creds_getenv(env, "ACTIONS_ID_TOKEN_REQUEST_URL") == NULL ||
	    creds_getenv(env, "ACTIONS_ID_TOKEN_REQUEST_TOKEN") == NULL) {
		str_copy(why, whylen,
		    "no GitHub OIDC token: ACTIONS_ID_TOKEN_REQUEST_URL is not "
		    "set. Add `permissions: id-token: write` to the job (or "
		    "the workflow)");
		return CREDS_FAILED;
	}
	snprintf(d, sizeof(d), "role %s by GitHub OIDC", role_arn);
	*out = sts_source_new(env, WEB_OIDC, NULL, role_arn, env->session_name,
	    "", env->duration_s, NULL, d);
	if (*out == NULL) {
		str_copy(why, whylen, "out of memory");
		return CREDS_FAILED;
	}
	return CREDS_FOUND;
}

enum creds_probe
creds_probe_web_identity_file(const struct creds_env *env, const char *role_arn,
    const char *token_file, const char *session_name, struct creds **out,
    char *why, size_t whylen)
{
	char d[4200], session[80];

	if (token_file == NULL) {
		token_file = creds_getenv(env, "AWS_WEB_IDENTITY_TOKEN_FILE");
		role_arn = creds_getenv(env, "AWS_ROLE_ARN");
		session_name = creds_getenv(env, "AWS_ROLE_SESSION_NAME");
		if (token_file == NULL) {
			str_copy(why, whylen,
			    "AWS_WEB_IDENTITY_TOKEN_FILE is not set");
			return CREDS_SKIPPED;
		}
		if (role_arn == NULL) {
			str_copy(why, whylen,
			    "AWS_WEB_IDENTITY_TOKEN_FILE is set but "
			    "AWS_ROLE_ARN is not");
			return CREDS_FAILED;
		}
	}
	if (session_name == NULL || session_name[0] == '\0')
		session_name = env->session_name;
	validate_session_name(session_name, session, sizeof(session));
	snprintf(d, sizeof(d), "role %s by web identity token file %s",
	    role_arn, token_file);
	*out = sts_source_new(env, WEB_FILE, NULL, role_arn, session,
	    token_file, env->duration_s, NULL, d);
	if (*out == NULL) {
		str_copy(why, whylen, "out of memory");
		return CREDS_FAILED;
	}
	return CREDS_FOUND;
}
