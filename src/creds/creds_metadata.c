/*
 * Credential sources on link-local metadata services: container
 * credentials (ECS task roles, CodeBuild, EKS Pod Identity) and EC2
 * instance metadata (IMDSv2, falling back to IMDSv1 as botocore does).
 * aws-credentials.md §7, §8.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "aws/aws.h"
#include "base/http.h"
#include "base/url.h"
#include "creds/creds_source.h"
#include "input/validate.h"
#include "input/validate_text.h"

#define CONTAINER_HOST     "http://169.254.170.2"
#define CONTAINER_TIMEOUT  2000 /* ms, botocore's */
#define CONTAINER_ATTEMPTS 3
#define IMDS_DEFAULT       "http://169.254.169.254"
#define IMDS_TIMEOUT       1000 /* ms; one attempt (botocore) */
#define IMDS_ROLE_PATH     "/latest/meta-data/iam/security-credentials/"
#define IMDS_TOKEN_HDR     "x-aws-ec2-metadata-token: "

struct meta_source {
	const struct creds_env *env;
	char url[2048];
	char kind[32];      /* for messages */
	struct creds *self; /* borrowed: the creds this source feeds */
	int named;          /* the environment names the endpoint */
};

/* An endpoint that did not answer, or answered 5xx: it is down (an
 * outage), not misconfigured. */
static int
endpoint_down(enum http_result hr, long status)
{
	return hr == HTTP_ECONNECT || hr == HTTP_ETIMEOUT ||
	       (hr == HTTP_OK && status >= 500);
}

static void
mask(const struct creds_env *env, const char *secret)
{
	if (env->mask != NULL && secret != NULL)
		env->mask(env->mask_arg, secret);
}

/* {"AccessKeyId","SecretAccessKey","Token","Expiration"} into out. */
static int
parse_creds_json(const char *body, size_t len, const char *what,
    struct aws_credentials *out, char *why, size_t whylen)
{
	cJSON *j = cJSON_ParseWithLength(body, len), *v;
	const char *names[] = {"AccessKeyId", "SecretAccessKey", "Token"};
	char **dst[] = {
	    &out->access_key_id, &out->secret_access_key, &out->session_token};
	size_t i;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (!cJSON_IsObject(j)) {
		str_printf(
		    why, whylen, "%s answered with no JSON object", what);
		goto done;
	}
	for (i = 0; i < 3; i++) {
		v = cJSON_GetObjectItemCaseSensitive(j, names[i]);
		if (!cJSON_IsString(v) || v->valuestring[0] == '\0' ||
		    strpbrk(v->valuestring, "\r\n") ||
		    (*dst[i] = strdup(v->valuestring)) == NULL) {
			v = cJSON_GetObjectItemCaseSensitive(j, "Message");
			str_printf(why, whylen, "%s answered without %s%s%s",
			    what, names[i], cJSON_IsString(v) ? ": " : "",
			    cJSON_IsString(v) ? v->valuestring : "");
			str_scrub(why);
			goto done;
		}
	}
	v = cJSON_GetObjectItemCaseSensitive(j, "Expiration");
	out->expires =
	    cJSON_IsString(v) ? aws_parse_iso8601(v->valuestring) : 0;
	if (cJSON_IsString(v) && out->expires <= 0) {
		str_printf(why, whylen,
		    "%s answered with an unreadable "
		    "Expiration",
		    what);
		goto done;
	}
	rc = 0;
done:
	/* The parsed copy held the secrets too. */
	for (i = 0; j != NULL && i < 3; i++) {
		v = cJSON_GetObjectItemCaseSensitive(j, names[i]);
		if (cJSON_IsString(v))
			memset(v->valuestring, 0, strlen(v->valuestring));
	}
	cJSON_Delete(j);
	if (rc != 0)
		aws_credentials_wipe(out);
	return rc;
}

/* ---------------------------------------------------------- container */

/* botocore's allowed hosts for the full URI over plain http, checked
 * on the host curl connects to (url.h): the token goes there. 1 when
 * allowed, else 0 with why. */
static int
container_host_ok(const char *url, char *why, size_t whylen)
{
	static const char *const hosts[] = {
	    "169.254.170.2", "169.254.170.23", "[fd00:ec2::23]"};
	struct url_parts u;

	if (url_parse(url, &u, why, whylen) != 0)
		return 0;
	if (u.https || url_is_loopback(&u) ||
	    url_host_in(&u, hosts, sizeof(hosts) / sizeof(hosts[0])))
		return 1;
	str_printf(why, whylen,
	    "it is neither https nor a container credentials host "
	    "(169.254.170.2, 169.254.170.23, fd00:ec2::23, loopback): "
	    "curl would connect to %s",
	    u.host);
	return 0;
}

static int
container_fetch(void *arg, time_t now, struct aws_credentials *out, char *why,
    size_t whylen)
{
	struct meta_source *s = arg;
	const struct creds_env *env = s->env;
	const char *file, *tok;
	char *filetok = NULL, err[512];
	struct buf auth = {0};
	const char *hdrs[2] = {"Accept: application/json", NULL};
	struct http_response resp = {0};
	enum http_result hr = HTTP_EOTHER;
	int attempt, rc = -1;

	(void)now;
	/* The token file is re-read each time: EKS rotates it. */
	if ((file = creds_getenv(
	         env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) != NULL) {
		if ((filetok = creds_read_file(file, 16 * 1024, why, whylen)) ==
		    NULL)
			return -1;
		tok = filetok;
	} else
		tok = creds_getenv(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
	if (tok != NULL) {
		mask(env, tok);
		if (strpbrk(tok, "\r\n")) {
			str_copy(why, whylen,
			    "the container authorization token has a line "
			    "break");
			goto done;
		}
		if (buf_printf(&auth, "Authorization: %s", tok) != 0)
			goto done;
		hdrs[1] = buf_str(&auth);
	}
	for (attempt = 1; attempt <= CONTAINER_ATTEMPTS; attempt++) {
		hr = http_send_metadata(env->http,
		    &(struct http_request){"GET", s->url, hdrs, tok ? 2 : 1,
		        NULL, 0, NULL, NULL, 0},
		    CONTAINER_TIMEOUT, &resp, err, sizeof(err));
		if (hr == HTTP_OK && resp.status == 200 &&
		    parse_creds_json(resp.body.data, resp.body.len,
		        "the container credentials endpoint", out, err,
		        sizeof(err)) == 0) {
			rc = 0;
			goto done;
		}
		if (hr == HTTP_OK && resp.status != 200)
			str_printf(err, sizeof(err), "HTTP %ld", resp.status);
		if (attempt < CONTAINER_ATTEMPTS &&
		    http_sleep_ms(env->http, 1000) != 0)
			break;
	}
	/* Its answer may quote the token back: the run log and Port's
	 * run see this text, and only GitHub's log masks (defect 6). */
	if (tok != NULL)
		str_redact(err, tok);
	if (endpoint_down(hr, hr == HTTP_OK ? resp.status : 0)) {
		creds_set_unreachable(s->self);
		str_printf(why, whylen,
		    "the container credentials endpoint %s was not reachable "
		    "(%d attempts, the last: %s): check that the credentials "
		    "agent it names (the ECS agent, or the EKS Pod Identity "
		    "Agent) is running and reachable from the job's "
		    "container",
		    s->url, CONTAINER_ATTEMPTS, err);
	} else
		str_printf(why, whylen,
		    "the container credentials endpoint %s failed: "
		    "%s",
		    s->url, err);
done:
	http_response_free(&resp);
	buf_wipe(&auth);
	if (filetok != NULL) {
		memset(filetok, 0, strlen(filetok));
		free(filetok);
	}
	return rc;
}

static struct creds *
meta_new(const struct creds_env *env, const char *url, const char *kind,
    creds_fetch_fn fetch, const char *describe)
{
	struct meta_source *s;
	struct creds *c;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->env = env;
	str_copy(s->url, sizeof(s->url), url);
	str_copy(s->kind, sizeof(s->kind), kind);
	if ((c = creds_new_source(fetch, s, free, describe)) == NULL)
		free(s);
	else
		s->self = c;
	return c;
}

enum creds_probe
creds_probe_container(
    const struct creds_env *env, struct creds **out, char *why, size_t whylen)
{
	const char *rel =
	    creds_getenv(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full =
	    creds_getenv(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
	char url[2048], bad[256];
	struct url_parts u;

	if (rel != NULL) {
		snprintf(url, sizeof(url), "%s%s%s", CONTAINER_HOST,
		    rel[0] == '/' ? "" : "/", rel);
		/* The relative URI must not move the host either. */
		if (url_parse(url, &u, bad, sizeof(bad)) != 0 ||
		    strcmp(u.host, CONTAINER_HOST + 7) != 0) {
			str_printf(why, whylen,
			    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI %s is "
			    "refused: it does not make a path on %s",
			    rel, CONTAINER_HOST);
			str_scrub(why);
			return CREDS_FAILED;
		}
	} else if (full != NULL) {
		if (!container_host_ok(full, bad, sizeof(bad))) {
			str_printf(why, whylen,
			    "AWS_CONTAINER_CREDENTIALS_FULL_URI %s is "
			    "refused: %s",
			    full, bad);
			str_scrub(why);
			return CREDS_FAILED;
		}
		str_copy(url, sizeof(url), full);
	} else {
		str_copy(why, whylen,
		    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are "
		    "not set");
		return CREDS_SKIPPED;
	}
	if (strpbrk(url, " \r\n\t")) {
		str_copy(why, whylen,
		    "the container credentials URI has "
		    "spaces or line breaks");
		return CREDS_FAILED;
	}
	*out = meta_new(env, url, "container", container_fetch,
	    rel ? "container credentials (ECS task role / CodeBuild)"
	        : "container credentials (EKS Pod Identity or "
	          "AWS_CONTAINER_CREDENTIALS_FULL_URI)");
	if (*out == NULL) {
		str_copy(why, whylen, "out of memory");
		return CREDS_FAILED;
	}
	return CREDS_FOUND;
}

/* --------------------------------------------------------------- IMDS */

static enum http_result
imds_send(const struct creds_env *env, const char *method, const char *url,
    const char *header, struct http_response *resp, char *err, size_t errlen)
{
	return http_send_metadata(env->http,
	    &(struct http_request){method, url, &header, header ? 1 : 0,
	        strcmp(method, "PUT") == 0 ? "" : NULL, 0, NULL, NULL, 0},
	    IMDS_TIMEOUT, resp, err, errlen);
}

/* IMDS did not answer a step (hr, status): when the environment names
 * the endpoint or it answered before, it is down (an outage); else this
 * runner may well not be an EC2 instance (no credentials here). */
static void
imds_down(struct meta_source *s, int answered, const char *err, char *why,
    size_t whylen)
{
	if (s->named || answered) {
		creds_set_unreachable(s->self);
		str_printf(why, whylen,
		    "EC2 instance metadata at %s was not reachable (%s): "
		    "check that the instance's metadata service is enabled "
		    "(aws ec2 modify-instance-metadata-options "
		    "--http-endpoint enabled) and, in a container, that its "
		    "hop limit is 2 (--http-put-response-hop-limit 2)",
		    s->url, err);
	} else {
		creds_set_absent(s->self);
		str_printf(why, whylen,
		    "EC2 instance metadata at %s did not answer (%s): this "
		    "runner is not an EC2 instance, or its metadata service "
		    "is off",
		    s->url, err);
	}
}

static int
imds_fetch(void *arg, time_t now, struct aws_credentials *out, char *why,
    size_t whylen)
{
	struct meta_source *s = arg;
	const struct creds_env *env = s->env;
	struct http_response resp = {0};
	struct buf url = {0}, hdr = {0};
	char err[512], role[256], note[512];
	const char *v1off;
	enum http_result hr;
	int rc = -1, v1, answered;

	(void)now;
	/* IMDSv2: a token first. As botocore, IMDSv1 (no token) when the
	 * PUT times out (hop limit 1: a container never gets its
	 * answer) or is answered 403, 404 or 405, unless
	 * AWS_EC2_METADATA_V1_DISABLED is true (aws-credentials.md §8). */
	if (buf_printf(&url, "%s/latest/api/token", s->url) != 0)
		goto oom;
	hr = imds_send(env, "PUT", buf_str(&url),
	    "x-aws-ec2-metadata-token-ttl-seconds: 21600", &resp, err,
	    sizeof(err));
	if (hr == HTTP_OK && resp.status != 200)
		str_printf(err, sizeof(err), "HTTP %ld", resp.status);
	answered = hr == HTTP_OK;
	v1 = hr == HTTP_ETIMEOUT ||
	     (hr == HTTP_OK && (resp.status == 403 || resp.status == 404 ||
	                           resp.status == 405));
	v1off = creds_getenv(env, "AWS_EC2_METADATA_V1_DISABLED");
	if (v1 && v1off != NULL && strcasecmp(v1off, "true") == 0) {
		str_printf(why, whylen,
		    "no IMDSv2 token from %s (%s) and "
		    "AWS_EC2_METADATA_V1_DISABLED is true; on EC2 a container "
		    "needs the instance's metadata hop limit set to 2 (aws ec2 "
		    "modify-instance-metadata-options "
		    "--http-put-response-hop-limit 2)",
		    s->url, err);
		goto done;
	}
	if (v1) {
		str_printf(note, sizeof(note),
		    "EC2 instance profile (instance metadata, by IMDSv1: the "
		    "IMDSv2 token PUT to %s got %s. In a container on EC2 set "
		    "the instance's metadata hop limit to 2: aws ec2 "
		    "modify-instance-metadata-options --instance-id <id> "
		    "--http-put-response-hop-limit 2)",
		    s->url, hr == HTTP_ETIMEOUT ? "no answer in time" : err);
		fprintf(stderr, "port-acm: warning: %s\n", note);
		creds_set_describe(s->self, note);
	} else if (endpoint_down(hr, resp.status)) {
		imds_down(s, answered, err, why, whylen);
		goto done;
	} else if (hr != HTTP_OK || resp.status != 200 || resp.body.len == 0 ||
	           strpbrk(resp.body.data, "\r\n")) {
		str_printf(why, whylen,
		    "no IMDSv2 token from %s (%s); on EC2 a container needs "
		    "the instance's metadata hop limit set to 2",
		    s->url, err);
		goto done;
	} else {
		mask(env, resp.body.data);
		if (buf_printf(&hdr, IMDS_TOKEN_HDR "%s", resp.body.data) != 0)
			goto oom;
	}
	buf_reset(&url);
	if (buf_printf(&url, "%s%s", s->url, IMDS_ROLE_PATH) != 0)
		goto oom;
	if ((hr = imds_send(env, "GET", buf_str(&url),
	         hdr.len ? buf_str(&hdr) : NULL, &resp, err, sizeof(err))) !=
	        HTTP_OK ||
	    resp.status != 200 || resp.body.len == 0 ||
	    resp.body.len >= sizeof(role)) {
		if (endpoint_down(hr, resp.status)) {
			if (hr == HTTP_OK)
				str_printf(
				    err, sizeof(err), "HTTP %ld", resp.status);
			imds_down(s, answered, err, why, whylen);
			goto done;
		}
		if (resp.status == 404)
			str_copy(err, sizeof(err),
			    "the instance has no instance profile");
		else if (resp.status)
			str_printf(err, sizeof(err), "HTTP %ld", resp.status);
		str_printf(why, whylen, "EC2 instance metadata: %s", err);
		goto done;
	}
	str_copy(role, sizeof(role), resp.body.data);
	role[strcspn(role, "\r\n")] = '\0';
	/* The name becomes a path segment as it is: only an IAM role
	 * name's characters (1..64 of [A-Za-z0-9+=,.@_-]) may; a byte
	 * outside them (a tab, a non-ASCII byte, '/', '?') would reach
	 * the request line unencoded or move the path. */
	if (role[0] == '\0' || strlen(role) > 64 ||
	    strspn(role, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                 "0123456789+=,.@_-") != strlen(role)) {
		str_copy(why, whylen,
		    "EC2 instance metadata named no usable role (not an IAM "
		    "role name)");
		goto done;
	}
	buf_reset(&url);
	if (buf_printf(&url, "%s%s%s", s->url, IMDS_ROLE_PATH, role) != 0)
		goto oom;
	if ((hr = imds_send(env, "GET", buf_str(&url),
	         hdr.len ? buf_str(&hdr) : NULL, &resp, err, sizeof(err))) !=
	        HTTP_OK ||
	    resp.status != 200) {
		if (endpoint_down(hr, resp.status)) {
			if (hr == HTTP_OK)
				str_printf(
				    err, sizeof(err), "HTTP %ld", resp.status);
			imds_down(s, 1, err, why, whylen);
			goto done;
		}
		if (resp.status)
			str_printf(err, sizeof(err), "HTTP %ld", resp.status);
		str_printf(why, whylen,
		    "EC2 instance metadata credentials for %s: %s", role, err);
		goto done;
	}
	rc = parse_creds_json(resp.body.data, resp.body.len,
	    "EC2 instance metadata", out, why, whylen);
	/* Its Message may quote the session token back (defect 6). */
	if (rc != 0 && hdr.len > strlen(IMDS_TOKEN_HDR))
		str_redact(why, buf_str(&hdr) + strlen(IMDS_TOKEN_HDR));
	goto done;
oom:
	str_copy(why, whylen, "out of memory");
done:
	http_response_free(&resp);
	buf_wipe(&hdr);
	buf_free(&url);
	return rc;
}

enum creds_probe
creds_probe_imds(
    const struct creds_env *env, struct creds **out, char *why, size_t whylen)
{
	const char *off = creds_getenv(env, "AWS_EC2_METADATA_DISABLED");
	const char *runner = creds_getenv(env, "RUNNER_ENVIRONMENT");
	const char *ep = creds_getenv(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
	const char *mode =
	    creds_getenv(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
	char url[2048], bad[256];
	size_t n;

	if (off != NULL && strcasecmp(off, "true") == 0) {
		str_copy(why, whylen, "AWS_EC2_METADATA_DISABLED=true");
		return CREDS_SKIPPED;
	}
	if (runner != NULL && strcmp(runner, "github-hosted") == 0) {
		/* 169.254.169.254 there is not AWS's (aws-cli#5623). */
		str_copy(why, whylen, "skipped on a GitHub-hosted runner");
		return CREDS_SKIPPED;
	}
	str_copy(url, sizeof(url),
	    ep ? ep
	    : mode != NULL && strcasecmp(mode, "ipv6") == 0
	        ? "http://[fd00:ec2::254]"
	        : IMDS_DEFAULT);
	n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		url[--n] = '\0';
	if (url_parse(url, &(struct url_parts){0}, bad, sizeof(bad)) != 0) {
		str_printf(why, whylen,
		    "AWS_EC2_METADATA_SERVICE_ENDPOINT %s is refused: %s", url,
		    bad);
		str_scrub(why);
		return CREDS_FAILED;
	}
	*out = meta_new(env, url, "imds", imds_fetch,
	    "EC2 instance profile (instance metadata)");
	if (*out != NULL && (ep != NULL || mode != NULL))
		((struct meta_source *)creds_source_arg(*out, imds_fetch))
		    ->named = 1;
	if (*out == NULL) {
		str_copy(why, whylen, "out of memory");
		return CREDS_FAILED;
	}
	return CREDS_FOUND;
}
