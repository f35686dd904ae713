#include "aws/aws.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "aws/sigv4.h"
#include "aws/xml.h"
#include "base/cancel.h"
#include "base/retry.h"
#include "base/url.h"
#include "input/validate_arn.h"
#include "input/validate_text.h"

/* The SDKs correct their clock when AWS's differs by this much. */
#define SKEW_LIMIT_S 300
#define MAX_HEADERS  16

struct aws_client {
	struct http *http;
	struct clock *clock;
	const struct aws_service *service;
	struct aws_credentials_provider credentials;
	char region[64];
	/* Heap strings, sized to fit: a sync of many accounts keeps one
	 * client per (account, region). */
	char *base;    /* scheme://host[:port], no trailing '/' */
	char *host;    /* Host header value as signed */
	char *path;    /* the endpoint's path prefix, "" for none */
	char *ca_file; /* "" = built-in bundle */
	const char *ca_setting;
	struct retry retry;
	struct clock own_clock; /* when the caller shares none */
};

/* The JS SDK v3's CLOCK_SKEW_ERROR_CODES. */
static const char *const skew_codes[] = {"AuthFailure",
    "InvalidSignatureException", "RequestExpired", "RequestInTheFuture",
    "RequestTimeTooSkewed", "SignatureDoesNotMatch", NULL};

static int
in_list(const char *s, const char *const *list)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

int
aws_is_skew_error(const char *code)
{
	return code != NULL && in_list(code, skew_codes);
}

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
aws_parse_iso8601(const char *s)
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
aws_credentials_wipe(struct aws_credentials *v)
{
	wipe_free(&v->access_key_id);
	wipe_free(&v->secret_access_key);
	wipe_free(&v->session_token);
	v->expires = 0;
}

time_t
aws_parse_http_date(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct tm tm = {0};
	const char *m;

	/* "Sun, 06 Nov 1994 08:49:37 GMT": fixed width, 29 bytes. */
	if (s == NULL || strlen(s) != 29 || s[3] != ',' || s[4] != ' ' ||
	    s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[19] != ':' ||
	    s[22] != ':' || strcmp(s + 25, " GMT") != 0)
		return -1;
	for (m = months; *m; m += 3)
		if (strncmp(m, s + 8, 3) == 0)
			break;
	tm.tm_mday = (int)str_digits(s + 5, 2);
	tm.tm_year = (int)str_digits(s + 12, 4);
	tm.tm_hour = (int)str_digits(s + 17, 2);
	tm.tm_min = (int)str_digits(s + 20, 2);
	tm.tm_sec = (int)str_digits(s + 23, 2);
	if (*m == '\0' || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_year < 1970 || tm.tm_hour < 0 || tm.tm_hour > 23 ||
	    tm.tm_min < 0 || tm.tm_min > 59 || tm.tm_sec < 0 || tm.tm_sec > 60)
		return -1;
	tm.tm_mon = (int)(m - months) / 3;
	tm.tm_year -= 1900;
	return timegm(&tm);
}

int
aws_endpoint_split(const char *endpoint, char *base, size_t baselen, char *host,
    size_t hostlen, char *path, size_t pathlen, char *why, size_t whylen)
{
	const char *hs, *he, *slash;
	char *p;
	size_t n, i;
	int https;

	struct url_parts u;

	/* curl's reading first (url.h): userinfo refused, and the
	 * loopback test below is on the host curl connects to. */
	if (url_parse(endpoint, &u, why, whylen) != 0)
		return -1;
	if ((https = validate_url_scheme(endpoint)) < 0) {
		str_copy(why, whylen, "it is not an http(s) URL");
		return -1;
	}
	hs = endpoint + (https ? 8 : 7);
	slash = strchr(hs, '/');
	he = slash ? slash : hs + strlen(hs);
	n = (size_t)(he - hs);
	if (n == 0 || n >= hostlen || memchr(hs, '?', n) ||
	    memchr(hs, '#', n) || memchr(hs, '@', n)) {
		str_copy(why, whylen,
		    "its host is empty, too long or not a "
		    "plain host[:port]");
		return -1;
	}
	for (i = 0; i < n; i++)
		host[i] = (char)tolower((unsigned char)hs[i]);
	host[n] = '\0';
	/* botocore's _host_from_url: the port only when not the default */
	if ((p = strrchr(host, ':')) != NULL && strchr(p, ']') == NULL &&
	    ((https && strcmp(p, ":443") == 0) ||
	        (!https && strcmp(p, ":80") == 0)))
		*p = '\0';
	if (!https && !url_is_loopback(&u)) {
		str_copy(why, whylen,
		    "it is plain http to a host that is not this machine "
		    "(only 127.0.0.0/8, ::1 and localhost may use http)");
		return -1;
	}
	if (strlen(endpoint) >= baselen ||
	    (slash && strlen(slash) >= pathlen)) {
		str_copy(why, whylen, "it is too long");
		return -1;
	}
	/* The scheme in lower case: curl and the signer agree on it. */
	snprintf(
	    base, baselen, "%s://%.*s", https ? "https" : "http", (int)n, hs);
	str_copy(path, pathlen, slash ? slash : "");
	n = strlen(path);
	while (n > 0 && path[n - 1] == '/')
		path[--n] = '\0';
	if (strpbrk(path, "?# \t\r\n")) {
		str_copy(
		    why, whylen, "its path has a query, fragment or space");
		return -1;
	}
	return 0;
}

size_t
aws_call_secrets(const struct aws_credentials *cv,
    const struct aws_request *req, const char **out, size_t n)
{
	const char *have[3] = {NULL, NULL, NULL};
	size_t i, k = 0;

	if (n == 0)
		return 0;
	if (cv != NULL && !req->unsigned_) {
		have[0] = cv->access_key_id;
		have[1] = cv->secret_access_key;
		have[2] = cv->session_token;
	}
	for (i = 0; i < 3 && k + 1 < n; i++)
		if (have[i] != NULL && have[i][0])
			out[k++] = have[i];
	for (i = 0;
	     req->secrets != NULL && req->secrets[i] != NULL && k + 1 < n; i++)
		if (req->secrets[i][0])
			out[k++] = req->secrets[i];
	out[k] = NULL;
	return k;
}

struct aws_client *
aws_client_new(struct http *http, struct clock *clock,
    const struct aws_client_config *cfg, char *why, size_t whylen)
{
	struct aws_client *c;
	char base[2048], host[512], path[1024];

	if (aws_endpoint_split(cfg->endpoint, base, sizeof(base), host,
	        sizeof(host), path, sizeof(path), why, whylen) != 0)
		return NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->base = strdup(base)) == NULL ||
	    (c->host = strdup(host)) == NULL ||
	    (c->path = strdup(path)) == NULL ||
	    (c->ca_file = strdup(cfg->ca_file ? cfg->ca_file : "")) == NULL) {
		aws_client_free(c);
		str_copy(why, whylen, "out of memory");
		return NULL;
	}
	c->http = http;
	c->clock = clock ? clock : &c->own_clock;
	c->service = cfg->service;
	c->credentials = cfg->credentials;
	str_copy(c->region, sizeof(c->region), cfg->region);
	c->ca_setting = cfg->ca_setting;
	retry_init(&c->retry, RETRY_AWS, cfg->max_attempts);
	return c;
}

struct aws_client *
aws_client_open(struct http *http, const struct aws_service *service,
    const struct aws_client_settings *s, int fips, int dualstack, char *why,
    size_t whylen)
{
	const int custom = s->endpoint && s->endpoint[0];
	char url[2048], sr[64];

	/* Always resolved: a global service signs for its partition's
	 * global region even at a custom endpoint. */
	if (aws_endpoint(service->signing_name, s->region, fips, dualstack, url,
	        sizeof(url), sr, sizeof(sr)) != 0 &&
	    !custom) {
		str_copy(why, whylen, url);
		return NULL;
	}
	return aws_client_new(http, s->clock,
	    &(struct aws_client_config){service, custom ? s->endpoint : url, sr,
	        s->credentials, s->ca_file, s->ca_setting, s->max_attempts},
	    why, whylen);
}

const struct aws_service *
aws_client_service(const struct aws_client *c)
{
	return c->service;
}

void
aws_client_free(struct aws_client *c)
{
	if (c == NULL)
		return;
	free(c->base);
	free(c->host);
	free(c->path);
	free(c->ca_file);
	free(c);
}

int
aws_error_local(struct aws_error *err, const char *msg)
{
	err->kind = AWS_ERR_LOCAL;
	str_copy(err->message, sizeof(err->message), msg);
	return -1;
}

int
aws_error_is(const struct aws_error *err, const char *type)
{
	return err->kind == AWS_ERR_SERVICE && strcmp(err->type, type) == 0;
}

/* Text before the first ':' then after the last '#'; only [A-Za-z0-9_.]
 * kept (Smithy's error type sanitising, plus what a proxy might wrap
 * around it). */
static void
sanitise_type(const char *in, char *out, size_t outlen)
{
	char tmp[256];
	char *p;

	str_copy(tmp, sizeof(tmp), in);
	if ((p = strchr(tmp, ':')) != NULL)
		*p = '\0';
	p = strrchr(tmp, '#');
	str_copy(out, outlen, p ? p + 1 : tmp);
	for (p = out; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.')
			*p = '\0';
}

/* Drops AWS's echo of what it expected us to sign (SignatureDoesNotMatch
 * quotes the canonical request, session token included), in place. */
static void
drop_signing_echo(char *msg)
{
	static const char *const marks[] = {"The Canonical String",
	    "The canonical string", "The String-to-Sign", "The string to sign",
	    "Canonical request", "String to sign", "StringToSign"};
	size_t i, n;
	char *p;
	int cut = 0;

	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if ((p = strstr(msg, marks[i])) != NULL) {
			*p = '\0';
			cut = 1;
		}
	n = cut ? strlen(msg) : 0;
	while (n > 0 && isspace((unsigned char)msg[n - 1]))
		msg[--n] = '\0';
}

/* Redacts, drops the echo and scrubs the whole text, then cuts it into
 * err->message: the order that keeps a long secret from surviving in
 * part. */
static void
set_message(struct aws_error *err, const char *text, size_t len,
    const char *const *secrets, int raw)
{
	char *m;
	size_t i;

	if ((m = malloc(len + 1)) == NULL) {
		str_copy(err->message, sizeof(err->message),
		    "(message dropped: out of memory)");
		return;
	}
	memcpy(m, text, len);
	m[len] = '\0';
	/* A NUL inside must not hide the rest from the redaction; a raw
	 * body (an HTML page from a proxy) is kept to printable ASCII. */
	for (i = 0; i < len; i++)
		if (m[i] == '\0' || (raw && !isprint((unsigned char)m[i])))
			m[i] = ' ';
	for (i = 0; secrets != NULL && secrets[i] != NULL; i++)
		str_redact(m, secrets[i]);
	drop_signing_echo(m);
	str_scrub(m);
	str_copy(err->message, sizeof(err->message), m);
	memset(m, 0, len);
	free(m);
}

static void
parse_json_error(const char *errortype_header, const char *body, size_t len,
    const char *const *secrets, struct aws_error *err)
{
	cJSON *json = NULL, *v;

	if (body != NULL && len > 0)
		json = cJSON_ParseWithLength(body, len);
	if (errortype_header != NULL && errortype_header[0] != '\0')
		sanitise_type(errortype_header, err->type, sizeof(err->type));
	if (err->type[0] == '\0' && cJSON_IsObject(json)) {
		v = cJSON_GetObjectItemCaseSensitive(json, "code");
		if (!cJSON_IsString(v))
			v = cJSON_GetObjectItemCaseSensitive(json, "__type");
		if (cJSON_IsString(v))
			sanitise_type(
			    v->valuestring, err->type, sizeof(err->type));
	}
	if (cJSON_IsObject(json)) {
		v = cJSON_GetObjectItemCaseSensitive(json, "message");
		if (!cJSON_IsString(v))
			v = cJSON_GetObjectItemCaseSensitive(json, "Message");
		if (cJSON_IsString(v))
			set_message(err, v->valuestring, strlen(v->valuestring),
			    secrets, 0);
	} else if (body != NULL && len > 0)
		/* e.g. an HTML page from a proxy */
		set_message(err, body, len, secrets, 1);
	cJSON_Delete(json);
}

/* awsQuery and restXml errors: <ErrorResponse><Error><Code/><Message/>
 * </Error><RequestId/></ErrorResponse>, a bare <Error>, or Route 53's
 * <InvalidChangeBatch><Messages><Message/>...</Messages>. */
static void
parse_xml_error(const char *body, size_t len, const char *const *secrets,
    struct aws_error *err)
{
	struct xml_node *root = NULL;
	const struct xml_node *e, *m;
	const char *s;
	struct buf all = {0};
	char why[128];

	if (body == NULL || len == 0)
		return;
	if (xml_parse(body, len, &root, why, sizeof(why)) != 0) {
		set_message(err, body, len, secrets, 1);
		return;
	}
	e = strcmp(root->name, "Error") == 0 ? root : xml_child(root, "Error");
	if (e != NULL) {
		if ((s = xml_child_text(e, "Code")) != NULL)
			sanitise_type(s, err->type, sizeof(err->type));
		if ((s = xml_child_text(e, "Message")) != NULL)
			set_message(err, s, strlen(s), secrets, 0);
	} else {
		sanitise_type(root->name, err->type, sizeof(err->type));
		m = xml_child(xml_child(root, "Messages"), "Message");
		for (; m != NULL; m = xml_next_named(m))
			buf_printf(&all, "%s%s", all.len ? "; " : "", m->text);
		if (all.len == 0 && (s = xml_child_text(root, "Message")))
			buf_puts(&all, s);
		set_message(err, buf_str(&all), all.len, secrets, 0);
		buf_wipe(&all);
	}
	s = xml_child_text(root, "RequestId");
	if (s == NULL && e != NULL)
		s = xml_child_text(e, "RequestId");
	if (s != NULL && s[0] != '\0') {
		str_copy(err->request_id, sizeof(err->request_id), s);
		str_scrub(err->request_id);
	}
	xml_free(root);
}

void
aws_error_parse(enum aws_protocol proto, long status,
    const char *errortype_header, const char *body, size_t len,
    const char *request_id, const char *const *secrets, struct aws_error *err)
{
	memset(err, 0, sizeof(*err));
	err->kind = AWS_ERR_SERVICE;
	err->http_status = status;
	str_copy(err->request_id, sizeof(err->request_id), request_id);
	str_scrub(err->request_id);
	if (proto == AWS_PROTO_JSON)
		parse_json_error(errortype_header, body, len, secrets, err);
	else
		parse_xml_error(body, len, secrets, err);
	if (err->type[0] == '\0')
		snprintf(err->type, sizeof(err->type), "HTTP%ld", status);
}

/* Whether a 2xx body is what the protocol promises. */
static int
body_ok(enum aws_protocol proto, const struct buf *b)
{
	struct xml_node *root;
	cJSON *json;
	char why[8];
	size_t n;
	int ok;

	if (proto == AWS_PROTO_JSON) {
		if (b->len == 0)
			return 1;
		json = cJSON_ParseWithLength(b->data, b->len);
		ok = cJSON_IsObject(json);
		cJSON_Delete(json);
		return ok;
	}
	if (b->len == 0) /* e.g. Route 53's empty 200s */
		return 1;
	if (xml_parse(b->data, b->len, &root, why, sizeof(why)) != 0)
		return 0;
	/* Every AWS XML answer (query and rest-xml) is an
	 * <OperationResponse>: a well-formed page from a proxy (<html>) is
	 * no answer, and is retried like a mangled one. */
	n = strlen(root->name);
	ok = n > 8 && strcmp(root->name + n - 8, "Response") == 0;
	xml_free(root);
	return ok;
}

/* One attempt, signed and ready for http.h: what hreq points at. */
struct prepared {
	struct buf authz, lines[MAX_HEADERS + 6], url, path, names[MAX_HEADERS];
	const char *hdrs[MAX_HEADERS + 6];
	struct http_request hreq;
};

static void
prepared_free(struct prepared *p)
{
	size_t i;

	buf_wipe(&p->authz);
	for (i = 0; i < MAX_HEADERS + 6; i++)
		buf_wipe(&p->lines[i]);
	buf_free(&p->url);
	buf_free(&p->path);
	for (i = 0; i < MAX_HEADERS; i++)
		buf_free(&p->names[i]);
}

/* Signs (unless unsigned) one attempt into p (zeroed by the caller;
 * prepared_free it whatever this returns): HTTP_OK, or the failure with
 * err saying it. */
static enum http_result
prepare(struct aws_client *c, const struct aws_request *req,
    const struct aws_credentials *cv, struct prepared *p, char *err,
    size_t errlen)
{
	struct sigv4_header sh[MAX_HEADERS + 5];
	char date[17];
	size_t n = 0, i, k = 0;
	const char *colon;

	if (req->nheaders > MAX_HEADERS) {
		str_copy(err, errlen, "too many request headers");
		return HTTP_EOTHER;
	}
	if (buf_printf(&p->path, "%s%s", c->path, req->path ? req->path : "") !=
	    0)
		return HTTP_EOTHER;
	if (p->path.len == 0 && buf_puts(&p->path, "/") != 0)
		return HTTP_EOTHER;
	if (buf_printf(&p->url, "%s%s%s%s", c->base, buf_str(&p->path),
	        req->query && req->query[0] ? "?" : "",
	        req->query ? req->query : "") != 0)
		return HTTP_EOTHER;
	/* Re-signed on every attempt: the date must be current. */
	if (sigv4_amz_date(clock_now(c->clock), date) != 0)
		return HTTP_EOTHER;
	if (req->content_type != NULL)
		sh[n++] =
		    (struct sigv4_header){"Content-Type", req->content_type};
	sh[n++] = (struct sigv4_header){"Host", c->host};
	sh[n++] = (struct sigv4_header){"X-Amz-Date", date};
	if (cv != NULL && cv->session_token != NULL)
		sh[n++] = (struct sigv4_header){
		    "X-Amz-Security-Token", cv->session_token};
	/* Extra headers: "Name: value", split for the signer. */
	for (i = 0; i < req->nheaders; i++) {
		if ((colon = strchr(req->headers[i], ':')) == NULL) {
			str_copy(err, errlen, "a request header has no ':'");
			return HTTP_EOTHER;
		}
		if (buf_append(&p->names[i], req->headers[i],
		        (size_t)(colon - req->headers[i])) != 0)
			return HTTP_EOTHER;
		for (colon++; *colon == ' ';)
			colon++;
		sh[n++] = (struct sigv4_header){buf_str(&p->names[i]), colon};
	}
	/* The Host line is curl's own; every other signed header is sent. */
	for (i = 0, k = 0; i < n; i++) {
		if (strcmp(sh[i].name, "Host") == 0)
			continue;
		if (buf_printf(
		        &p->lines[k], "%s: %s", sh[i].name, sh[i].value) != 0)
			return HTTP_EOTHER;
		p->hdrs[k] = buf_str(&p->lines[k]);
		k++;
	}
	if (!req->unsigned_) {
		if (cv == NULL ||
		    sigv4_authorization(
		        &(struct sigv4_request){req->method, buf_str(&p->path),
		            req->query ? req->query : "", sh, n, req->body,
		            req->body_len},
		        &(struct sigv4_credentials){cv->access_key_id,
		            cv->secret_access_key, cv->session_token},
		        date, c->region, c->service->signing_name,
		        &p->authz) != 0) {
			str_printf(err, errlen, "could not sign the %s request",
			    c->service->name);
			return HTTP_EOTHER;
		}
		if (buf_printf(&p->lines[k], "Authorization: %s",
		        buf_str(&p->authz)) != 0)
			return HTTP_EOTHER;
		p->hdrs[k] = buf_str(&p->lines[k]);
		k++;
	}
	/* Not idempotent: curl must not re-send it on its own either. */
	p->hreq = (struct http_request){req->method, buf_str(&p->url), p->hdrs,
	    k, req->body, req->body_len, c->ca_file[0] ? c->ca_file : NULL,
	    c->ca_setting, !req->idempotent};
	return HTTP_OK;
}

/* Signs (unless unsigned) and sends one attempt. */
static enum http_result
attempt(struct aws_client *c, const struct aws_request *req,
    const struct aws_credentials *cv, struct http_response *resp, char *err,
    size_t errlen)
{
	struct prepared *p = calloc(1, sizeof(*p));
	enum http_result rc = HTTP_EOTHER;

	if (p == NULL) {
		str_copy(err, errlen, "out of memory");
		return rc;
	}
	if ((rc = prepare(c, req, cv, p, err, errlen)) == HTTP_OK)
		rc = http_send(c->http, &p->hreq, resp, err, errlen);
	prepared_free(p);
	free(p);
	return rc;
}

/* On a clock-skew refusal whose Date differs from our (corrected) clock
 * by more than SKEW_LIMIT_S, takes AWS's time as the run's: returns 1
 * when the offset changed (worth one re-signed retry). */
static int
correct_skew(
    struct aws_client *c, const struct aws_error *err, const char *date_header)
{
	time_t server = aws_parse_http_date(date_header), local;
	long long diff;

	if (!aws_is_skew_error(err->type) || server < 0)
		return 0;
	local = clock_now(c->clock);
	diff = (long long)server - (long long)local;
	if (diff <= SKEW_LIMIT_S && diff >= -SKEW_LIMIT_S)
		return 0;
	c->clock->offset_s = (long long)server - (long long)time(NULL);
	return 1;
}

/* Says the runner's clock is wrong, and by how much, after a corrected
 * retry was refused again. */
static void
explain_skew(struct aws_error *err, const char *date_header)
{
	time_t server = aws_parse_http_date(date_header);
	long long diff;
	char said[sizeof(err->message)];

	if (server < 0)
		return;
	diff = (long long)time(NULL) - (long long)server;
	str_copy(said, sizeof(said), err->message);
	snprintf(err->message, sizeof(err->message),
	    "this runner's clock is %lld min %lld s %s AWS's; port-acm "
	    "corrected for it once and AWS still refused the signature. Fix "
	    "the runner's clock (NTP). AWS said: %s",
	    (diff < 0 ? -diff : diff) / 60, (diff < 0 ? -diff : diff) % 60,
	    diff < 0 ? "behind" : "ahead of", said);
}

/* A first attempt aws_call_many already sent: its outcome. */
struct first {
	enum http_result hr;
	struct http_response *resp; /* taken */
	const char *why;
};

/* aws_call, its first attempt's outcome in f when not NULL. */
static int
call(struct aws_client *c, const struct aws_request *req, struct buf *out,
    struct aws_error *err, struct first *f)
{
	struct http_response resp = {0};
	struct retry_outcome o;
	const struct aws_credentials *cv = NULL;
	const char *secrets[AWS_MAX_SECRETS + 1] = {NULL};
	enum http_result hr;
	char why[1024];
	int result = -1, skew_retried = 0, skewed;
	unsigned attempts = 0;
	long delay;

	buf_reset(out);
	retry_begin(&c->retry);
	for (;;) {
		memset(&o, 0, sizeof(o));
		memset(err, 0, sizeof(*err));
		/* After a cancel no attempt starts (cancel.h). */
		if (cancel_requested()) {
			err->kind = AWS_ERR_CANCELLED;
			snprintf(err->message, sizeof(err->message),
			    "not sent to %s: the run was cancelled",
			    c->service->name);
			goto done;
		}
		if (!req->unsigned_) {
			/* Between attempts only: never mid-request. */
			cv = c->credentials.get
			         ? c->credentials.get(c->credentials.ctx,
			               clock_now(c->clock), why, sizeof(why))
			         : NULL;
			if (cv == NULL) {
				err->kind = AWS_ERR_CREDENTIALS;
				str_copy(err->message, sizeof(err->message),
				    c->credentials.get ? why
				                       : "no AWS credentials");
				goto done;
			}
		}
		aws_call_secrets(
		    cv, req, secrets, sizeof(secrets) / sizeof(*secrets));
		resp.sends = 0;
		if (f != NULL) { /* sent with the others of its batch */
			hr = f->hr;
			http_response_free(&resp);
			resp = *f->resp;
			memset(f->resp, 0, sizeof(*f->resp));
			str_copy(why, sizeof(why), f->why);
			f = NULL;
		} else
			hr = attempt(c, req, cv, &resp, why, sizeof(why));
		attempts += resp.sends;
		if (hr == HTTP_OK && resp.status >= 200 && resp.status < 300) {
			if (body_ok(c->service->protocol, &resp.body)) {
				*out = resp.body;
				memset(&resp.body, 0, sizeof(resp.body));
				o.failure = RETRY_OK;
				retry_next(&c->retry, &o, 0);
				result = 0;
				goto done;
			}
			err->kind = AWS_ERR_RESPONSE;
			err->http_status = resp.status;
			str_copy(err->request_id, sizeof(err->request_id),
			    resp.request_id);
			str_scrub(err->request_id);
			snprintf(err->message, sizeof(err->message),
			    "%s answered with HTTP %ld but a body that is not "
			    "%s",
			    c->service->name, resp.status,
			    c->service->protocol == AWS_PROTO_JSON
			        ? "a JSON object"
			        : "an AWS XML answer (<...Response>)");
			/* A mangled answer is as good as none: retry. */
			o.failure = RETRY_CONNECT;
		} else if (hr == HTTP_OK) {
			aws_error_parse(c->service->protocol, resp.status,
			    resp.error_type, resp.body.data, resp.body.len,
			    resp.request_id, secrets, err);
			skewed =
			    !req->unsigned_ && correct_skew(c, err, resp.date);
			if (skewed && !skew_retried) {
				/* Refused before any work: safe to repeat,
				 * at once, signed with AWS's time. */
				skew_retried = 1;
				continue;
			}
			if (skew_retried && aws_is_skew_error(err->type))
				explain_skew(err, resp.date);
			o.failure = RETRY_HTTP;
			o.http_status = resp.status;
			o.error_code = err->type;
			o.transient =
			    in_list(err->type, c->service->retryable_codes);
			o.retry_after =
			    resp.retry_after[0] ? resp.retry_after : NULL;
		} else if (hr == HTTP_ECANCELLED) {
			err->kind = AWS_ERR_CANCELLED;
			snprintf(err->message, sizeof(err->message),
			    "the %s call was abandoned in flight: the run was "
			    "cancelled",
			    c->service->name);
			goto done;
		} else {
			err->kind = hr == HTTP_ELOCAL || hr == HTTP_ETLS
			                ? AWS_ERR_SETUP
			                : AWS_ERR_TRANSPORT;
			set_message(err, why, strlen(why), secrets, 0);
			o.failure = hr == HTTP_ETIMEOUT   ? RETRY_TIMEOUT
			            : hr == HTTP_ECONNECT ? RETRY_CONNECT
			                                  : RETRY_OTHER;
		}
		/* A request that is not idempotent (RequestCertificate
		 * without a token) is repeated only on an answer proving
		 * nothing happened: throttling. */
		if (!req->idempotent &&
		    !(o.failure == RETRY_HTTP &&
		        (retry_is_throttling(o.error_code) ||
		            o.http_status == 429)))
			goto done;
		delay = retry_next(&c->retry, &o, retry_rand01());
		if (delay < 0 || http_sleep_ms(c->http, delay) != 0) {
			if (cancel_requested())
				err->kind = AWS_ERR_CANCELLED;
			goto done;
		}
	}
done:
	err->attempts = attempts; /* also on success: the outcome */
	http_response_free(&resp);
	return result;
}

int
aws_call(struct aws_client *c, const struct aws_request *req, struct buf *out,
    struct aws_error *err)
{
	return call(c, req, out, err, NULL);
}

void
aws_call_many(struct aws_call_item *it, size_t n, size_t max)
{
	struct prepared *p = NULL;
	struct http_batch *b = NULL;
	size_t *of = NULL, i, k = 0;
	const struct aws_credentials *cv;
	char why[1024];

	for (i = 0; i < n; i++)
		it[i].rc = -2; /* not sent yet */
	if (n > 1 && ((p = calloc(n, sizeof(*p))) == NULL ||
	                 (b = calloc(n, sizeof(*b))) == NULL ||
	                 (of = calloc(n, sizeof(*of))) == NULL)) {
		free(b); /* out of memory: one by one below */
		b = NULL;
	}
	for (i = 0; b != NULL && i < n && !cancel_requested(); i++) {
		struct aws_client *c = it[i].client;

		if (c->http != it[0].client->http)
			continue; /* another pool: alone, below */
		cv = NULL;
		if (!it[i].req->unsigned_ &&
		    (c->credentials.get == NULL ||
		        (cv = c->credentials.get(c->credentials.ctx,
		             clock_now(c->clock), why, sizeof(why))) == NULL))
			continue; /* aws_call says why */
		if (prepare(c, it[i].req, cv, &p[i], why, sizeof(why)) !=
		    HTTP_OK)
			continue;
		b[k].req = &p[i].hreq;
		of[k++] = i;
	}
	if (k)
		http_send_many(it[0].client->http, b, k, max);
	for (i = 0; i < k; i++) {
		struct aws_call_item *x = &it[of[i]];

		x->rc = call(x->client, x->req, &x->out, &x->err,
		    &(struct first){b[i].result, &b[i].resp, b[i].err});
		http_response_free(&b[i].resp);
	}
	for (i = 0; i < n; i++) {
		if (it[i].rc == -2)
			it[i].rc = aws_call(
			    it[i].client, it[i].req, &it[i].out, &it[i].err);
		if (p != NULL)
			prepared_free(&p[i]);
	}
	free(p);
	free(b);
	free(of);
}

int
aws_endpoint(const char *signing_name, const char *region, int fips,
    int dualstack, char *url, size_t urllen, char *signing_region, size_t srlen)
{
	const struct partition *p = validate_partition_for_region(region);
	const char *suffix = dualstack ? p->dual_stack_suffix : p->dns_suffix;
	int n;

	str_copy(signing_region, srlen, region);
	if (strcmp(signing_name, "organizations") == 0 ||
	    strcmp(signing_name, "account") == 0) {
		/* Global, and only the plain endpoint. */
		str_copy(signing_region, srlen, p->global_region);
		n = snprintf(url, urllen, "https://%s.%s.%s", signing_name,
		    p->global_region, p->dns_suffix);
	} else if (strcmp(signing_name, "route53") == 0) {
		/* Global: one endpoint per partition, signed for the
		 * partition's implicit global region. */
		str_copy(signing_region, srlen, p->global_region);
		if (strcmp(p->name, "aws-cn") == 0 && !fips)
			n = snprintf(url, urllen, "https://route53.%s",
			    dualstack ? "global.api.amazonwebservices.com.cn"
			              : "amazonaws.com.cn");
		else if (strcmp(p->name, "aws") == 0)
			n = snprintf(url, urllen, "https://route53%s.%s",
			    fips ? "-fips" : "",
			    dualstack ? "global.api.aws" : "amazonaws.com");
		else if (strcmp(p->name, "aws-us-gov") == 0)
			n = snprintf(url, urllen, "https://route53.us-gov.%s",
			    dualstack ? "api.aws" : "amazonaws.com");
		else if (strcmp(p->name, "aws-eusc") == 0 && !fips)
			n = snprintf(url, urllen, "https://route53.%s",
			    dualstack ? "global.api.amazonwebservices.eu"
			              : "amazonaws.eu");
		else
			n = snprintf(url, urllen, "https://route53%s.%s",
			    fips ? "-fips" : "", suffix);
	} else if (strcmp(signing_name, "acm") == 0 ||
	           strcmp(signing_name, "sts") == 0 ||
	           strcmp(signing_name, "tagging") == 0) {
		/* GovCloud's plain endpoint is already FIPS. */
		if (fips && !dualstack && strcmp(p->name, "aws-us-gov") == 0)
			n = snprintf(url, urllen, "https://%s.%s.amazonaws.com",
			    signing_name, region);
		else
			n = snprintf(url, urllen, "https://%s%s.%s.%s",
			    signing_name, fips ? "-fips" : "", region, suffix);
	} else {
		str_printf(
		    url, urllen, "no endpoint rules for %s", signing_name);
		return -1;
	}
	return n < 0 || (size_t)n >= urllen ? -1 : 0;
}
