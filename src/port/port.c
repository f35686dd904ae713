#include "port/port.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/retry.h"

struct port {
	struct http *http;
	struct port_config cfg;
	struct buf token; /* owned; wiped on free */
	void (*on_token)(void *, const char *);
	void *on_token_arg;
};

struct port *
port_new(struct http *http, const struct port_config *cfg)
{
	struct port *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->http = http;
	p->cfg = *cfg;
	return p;
}

void
port_free(struct port *p)
{
	if (p == NULL)
		return;
	buf_wipe(&p->token);
	free(p);
}

const char *
port_token(const struct port *p)
{
	return buf_str(&p->token);
}

void
port_on_token(struct port *p, void (*fn)(void *, const char *), void *arg)
{
	p->on_token = fn;
	p->on_token_arg = arg;
}

int
port_encode(const char *s, struct buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *c;

	for (c = (const unsigned char *)s; *c; c++) {
		if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		    (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' ||
		    *c == '.' || *c == '~') {
			if (buf_putc(out, (char)*c) != 0)
				return -1;
		} else if (buf_putc(out, '%') != 0 ||
		           buf_putc(out, hex[*c >> 4]) != 0 ||
		           buf_putc(out, hex[*c & 15]) != 0)
			return -1;
	}
	return 0;
}

void
port_error_parse(long status, const char *body, size_t len,
    const char *trace_id, struct port_error *err)
{
	cJSON *json = NULL, *v;

	memset(err, 0, sizeof(*err));
	err->http_status = status;
	str_copy(err->trace_id, sizeof(err->trace_id), trace_id);
	if (body != NULL && len > 0)
		json = cJSON_ParseWithLength(body, len);
	v = cJSON_GetObjectItemCaseSensitive(json, "error");
	if (cJSON_IsString(v))
		str_copy(err->code, sizeof(err->code), v->valuestring);
	v = cJSON_GetObjectItemCaseSensitive(json, "message");
	if (cJSON_IsString(v))
		snprintf(err->message, sizeof(err->message),
		    "Port answered HTTP %ld: %s", status, v->valuestring);
	else if (err->code[0])
		snprintf(err->message, sizeof(err->message),
		    "Port answered HTTP %ld: %s", status, err->code);
	else
		snprintf(err->message, sizeof(err->message),
		    "Port answered HTTP %ld", status);
	str_scrub(err->code);
	str_scrub(err->message);
	str_scrub(err->trace_id);
	cJSON_Delete(json);
}

/*
 * One logical Port call: sends method path (relative to the base URL)
 * with an optional JSON body, retrying per retry.h; with auth set, a 401
 * fetches a new token once. On a 2xx the parsed body goes to *out
 * (caller frees; may be NULL when out is NULL). Returns the HTTP status
 * of the final answer, or -1 when none arrived (err filled in then and
 * for non-2xx answers).
 */
/* NOLINTBEGIN(misc-no-recursion): call -> port_authenticate -> call
 * is two deep at most: the token request (auth = 0) never refreshes. */
static long
call(struct port *p, const char *method, const char *path, const cJSON *body,
    int auth, cJSON **out, struct port_error *err)
{
	struct http_response resp = {0};
	struct retry_outcome o;
	struct retry r;
	struct buf url = {0}, authz = {0};
	const char *hdrs[3];
	char *json = NULL, why[1024];
	enum http_result hr;
	cJSON *json_resp = NULL, *okv;
	int refreshed = 0;
	unsigned attempts = 0;
	long status = -1, delay;
	size_t n;

	if (out)
		*out = NULL;
	memset(err, 0, sizeof(*err));
	if (buf_printf(&url, "%s%s", p->cfg.base_url, path) != 0 ||
	    (body && (json = cJSON_PrintUnformatted(body)) == NULL)) {
		str_copy(err->message, sizeof(err->message), "out of memory");
		goto done;
	}
	retry_init(&r, RETRY_PORT, p->cfg.max_attempts);
	for (;;) {
		attempts++;
		n = 0;
		memset(&o, 0, sizeof(o));
		hdrs[n++] = "Accept: application/json";
		if (json)
			hdrs[n++] = "Content-Type: application/json";
		if (auth) {
			buf_wipe(&authz);
			if (buf_printf(&authz, "Authorization: Bearer %s",
			        buf_str(&p->token)) != 0) {
				str_copy(err->message, sizeof(err->message),
				    "out of memory");
				goto done;
			}
			hdrs[n++] = buf_str(&authz);
		}
		hr = http_send(p->http,
		    &(struct http_request){method, buf_str(&url), hdrs, n, json,
		        json ? strlen(json) : 0, p->cfg.ca_file, NULL, 0},
		    &resp, why, sizeof(why));
		if (hr == HTTP_OK && resp.status >= 200 && resp.status < 300) {
			/* Every Port answer is {"ok": true, ...}; anything
			 * else (a proxy's HTML page, a cut body) means the
			 * answer was lost, so the call is retried. */
			json_resp = cJSON_ParseWithLength(
			    resp.body.data, resp.body.len);
			okv = cJSON_GetObjectItemCaseSensitive(json_resp, "ok");
			if (cJSON_IsObject(json_resp) && !cJSON_IsFalse(okv)) {
				/* An earlier attempt's failure is not this
				 * answer's (a caller reads err->http_status).
				 */
				memset(err, 0, sizeof(*err));
				status = resp.status;
				if (out != NULL) {
					*out = json_resp;
					json_resp = NULL;
				}
				goto done;
			}
			cJSON_Delete(json_resp);
			json_resp = NULL;
			memset(err, 0, sizeof(*err));
			snprintf(err->message, sizeof(err->message),
			    "Port answered %s %s with HTTP %ld but not a "
			    "usable JSON body",
			    method, path, resp.status);
			str_copy(err->trace_id, sizeof(err->trace_id),
			    resp.trace_id);
			err->http_status = resp.status;
			status = -1;
			o.failure = RETRY_CONNECT;
			goto retry;
		}
		if (hr == HTTP_OK) {
			status = resp.status;
			port_error_parse(resp.status, resp.body.data,
			    resp.body.len, resp.trace_id, err);
			str_redact(err->message, p->cfg.client_secret);
			str_redact(err->message, buf_str(&p->token));

			if (resp.status == 401 && auth && !refreshed) {
				refreshed = 1;
				/* A failed refresh is never a success, even
				 * when the token call itself got a 2xx with no
				 * usable token (fuzz_port_answers' finding). */
				if (port_authenticate(p, err) != 0) {
					status = err->http_status >= 300
					             ? err->http_status
					             : -1;
					goto done;
				}
				continue;
			}
			o.failure = RETRY_HTTP;
			o.http_status = resp.status;
			/* Authenticated POSTs may be repeated too: an upsert
			 * is idempotent, and a repeated log line (its answer
			 * lost) is the accepted cost of not losing it. */
			o.idempotent = auth || strcmp(method, "POST") != 0;

			o.retry_after =
			    resp.retry_after[0] ? resp.retry_after : NULL;
		} else {
			status = -1;
			memset(err, 0, sizeof(*err));
			str_copy(err->message, sizeof(err->message), why);
			err->local = hr == HTTP_ELOCAL || hr == HTTP_ETLS;
			err->transport = hr;
			/* The cancel's own report runs on new calls. */
			if (hr == HTTP_ECANCELLED)
				goto done;
			o.failure = hr == HTTP_ETIMEOUT   ? RETRY_TIMEOUT
			            : hr == HTTP_ECONNECT ? RETRY_CONNECT
			                                  : RETRY_OTHER;
		}
	retry:
		delay = retry_next(&r, &o, retry_rand01());
		if (delay < 0 || http_sleep_ms(p->http, delay) != 0) {
			if (status >= 200 && status < 300)
				status = -1;
			goto done;
		}
	}
done:
	cJSON_Delete(json_resp);
	err->attempts = attempts;

	http_response_free(&resp);
	buf_wipe(&authz);
	buf_free(&url);
	if (json) {
		/* The auth body holds the client secret. */
		memset(json, 0, strlen(json));
		free(json);
	}
	return status;
}

int
port_error_is_local(const struct port_error *err)
{
	if (err->http_status == 401 || err->http_status == 403)
		return 1;
	return err->local ||
	       (err->http_status == 0 && (err->transport == HTTP_ETLS ||
	                                     err->transport == HTTP_ELOCAL));
}

int
port_authenticate(struct port *p, struct port_error *err)
{
	cJSON *body, *resp = NULL, *tok;
	long status;
	int rc = -1;

	if ((body = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(body, "clientId", p->cfg.client_id) ==
	        NULL ||
	    cJSON_AddStringToObject(
	        body, "clientSecret", p->cfg.client_secret) == NULL) {
		str_copy(err->message, sizeof(err->message), "out of memory");
		goto done;
	}
	status = call(p, "POST", "/v1/auth/access_token", body, 0, &resp, err);
	if (status == 401 || status == 403) {
		snprintf(err->message, sizeof(err->message),
		    "Port refused the client ID and secret (HTTP %ld): check "
		    "port_client_id and port_client_secret (Port: Credentials "
		    "menu) and that port_base_url (%s) is your Port region",
		    status, p->cfg.base_url);
		goto done;
	}
	if (status < 200 || status >= 300) {
		char tmp[sizeof(err->message)];

		str_copy(tmp, sizeof(tmp), err->message);
		snprintf(err->message, sizeof(err->message),
		    "could not get a Port access token from %s: %s",
		    p->cfg.base_url, tmp);
		goto done;
	}
	tok = cJSON_GetObjectItemCaseSensitive(resp, "accessToken");
	if (!cJSON_IsString(tok) || tok->valuestring[0] == '\0' ||
	    strpbrk(tok->valuestring, "\r\n") != NULL) {
		snprintf(err->message, sizeof(err->message),
		    "Port's token answer has no usable accessToken");
		goto done;
	}
	buf_wipe(&p->token);
	if (buf_puts(&p->token, tok->valuestring) != 0) {
		str_copy(err->message, sizeof(err->message), "out of memory");
		goto done;
	}
	if (p->on_token)
		p->on_token(p->on_token_arg, buf_str(&p->token));
	rc = 0;
done:
	if (resp) {
		tok = cJSON_GetObjectItemCaseSensitive(resp, "accessToken");
		if (cJSON_IsString(tok))
			memset(tok->valuestring, 0, strlen(tok->valuestring));
	}
	cJSON_Delete(resp);
	if (body) {
		tok = cJSON_GetObjectItemCaseSensitive(body, "clientSecret");
		if (cJSON_IsString(tok))
			memset(tok->valuestring, 0, strlen(tok->valuestring));
	}
	cJSON_Delete(body);
	return rc;
}
/* NOLINTEND(misc-no-recursion) */

static int
run_path(struct buf *path, const char *run_id, const char *suffix)
{
	return buf_puts(path, "/v1/actions/runs/") != 0 ||
	               port_encode(run_id, path) != 0 ||
	               buf_puts(path, suffix) != 0
	           ? -1
	           : 0;
}

int
port_log(struct port *p, const char *run_id, const char *message,
    struct port_error *err)
{
	struct buf path = {0};
	cJSON *body = cJSON_CreateObject();
	long status = -1;

	memset(err, 0, sizeof(*err));
	if (body && cJSON_AddStringToObject(body, "message", message) &&
	    run_path(&path, run_id, "/logs") == 0)
		status = call(p, "POST", buf_str(&path), body, 1, NULL, err);
	else
		str_copy(err->message, sizeof(err->message), "out of memory");
	cJSON_Delete(body);
	buf_free(&path);
	return status >= 200 && status < 300 ? 0 : -1;
}

static void
take_link(struct port_run *run, const char *link)
{
	if (link == NULL || link[0] == '\0')
		return;
	if (run->nlinks == PORT_RUN_MAX_LINKS ||
	    strlen(link) >= sizeof(run->links[0]))
		run->links_complete = 0;
	else
		str_copy(
		    run->links[run->nlinks++], sizeof(run->links[0]), link);
}

int
port_get_run(struct port *p, const char *run_id, struct port_run *run,
    struct port_error *err)
{
	struct buf path = {0};
	cJSON *resp = NULL, *r, *v, *l;
	long code = -1;
	int rc = -1;

	memset(run, 0, sizeof(*run));
	memset(err, 0, sizeof(*err));
	/* Port's API reference reads runs with version=v2. */
	if (run_path(&path, run_id, "?version=v2") == 0)
		code = call(p, "GET", buf_str(&path), NULL, 1, &resp, err);
	else
		str_copy(err->message, sizeof(err->message), "out of memory");
	if (code < 200 || code >= 300)
		goto done;
	r = cJSON_GetObjectItemCaseSensitive(resp, "run");
	v = cJSON_GetObjectItemCaseSensitive(r, "status");
	if (!cJSON_IsString(v) || v->valuestring[0] == '\0') {
		str_copy(err->message, sizeof(err->message),
		    "Port's answer about the run has no status");
		goto done;
	}
	str_copy(run->status, sizeof(run->status), v->valuestring);
	/* Not in the published schema, but on every run Port stores it for
	 * (port-api.md §9.3); null or absent both mean none. */
	v = cJSON_GetObjectItemCaseSensitive(r, "externalRunId");
	if (cJSON_IsString(v))
		str_copy(run->external_run_id, sizeof(run->external_run_id),
		    v->valuestring);
	run->links_complete = 1;
	v = cJSON_GetObjectItemCaseSensitive(r, "link");
	if (cJSON_IsString(v))
		take_link(run, v->valuestring);
	else if (cJSON_IsArray(v))
		cJSON_ArrayForEach(l, v)
		    take_link(run, cJSON_IsString(l) ? l->valuestring : NULL);
	str_scrub(run->status);
	rc = 0;
done:
	cJSON_Delete(resp);
	buf_free(&path);
	return rc;
}

int
port_patch_run(struct port *p, const char *run_id,
    const struct port_run_update *u, struct port_error *err)
{
	struct buf path = {0};
	cJSON *body = cJSON_CreateObject(), *links;
	struct port_error gerr;
	struct port_run now;
	long status = -1;
	size_t i;
	int rc = -1;

	if (body == NULL || run_path(&path, run_id, "") != 0)
		goto oom;
	/* Port rejects any other key (additionalProperties: false). */
	if ((u->status &&
	        !cJSON_AddStringToObject(body, "status", u->status)) ||
	    (u->status_label && !cJSON_AddStringToObject(
	                            body, "statusLabel", u->status_label)) ||
	    (u->summary &&
	        !cJSON_AddStringToObject(body, "summary", u->summary)) ||
	    (u->external_run_id && !cJSON_AddStringToObject(body,
	                               "externalRunId", u->external_run_id)))
		goto oom;
	if (u->links && u->nlinks) {
		if ((links = cJSON_AddArrayToObject(body, "link")) == NULL)
			goto oom;
		for (i = 0; i < u->nlinks; i++)
			if (!cJSON_AddItemToArray(
			        links, cJSON_CreateString(u->links[i])))
				goto oom;
	}
	status = call(p, "PATCH", buf_str(&path), body, 1, NULL, err);
	if (status >= 200 && status < 300)
		rc = 0;
	else if (status == 422 && port_get_run(p, run_id, &now, &gerr) == 0 &&
	         strcmp(now.status, "IN_PROGRESS") != 0) {
		/* After a retry, our own earlier attempt may have landed
		 * before its answer was lost: success, not an ended run. */
		rc = err->attempts > 1 && u->status &&
		             strcmp(now.status, u->status) == 0
		         ? 0
		         : 1;
		if (rc == 1)
			snprintf(err->message, sizeof(err->message),
			    "the Port run %s had already ended with status "
			    "%s, so it was not updated",
			    run_id, now.status);
	}
	goto done;
oom:
	str_copy(err->message, sizeof(err->message), "out of memory");
done:
	cJSON_Delete(body);
	buf_free(&path);
	return rc;
}

static int
entity_path(struct buf *path, const char *blueprint, const char *id)
{
	if (buf_puts(path, "/v1/blueprints/") != 0 ||
	    port_encode(blueprint, path) != 0 ||
	    buf_puts(path, "/entities") != 0)
		return -1;
	if (id != NULL &&
	    (buf_putc(path, '/') != 0 || port_encode(id, path) != 0))
		return -1;
	return 0;
}

int
port_upsert_entity(struct port *p, const char *blueprint, const cJSON *entity,
    const char *run_id, struct port_error *err)
{
	struct buf path = {0};
	long status = -1;

	memset(err, 0, sizeof(*err));
	/* merge: write only our fields, never wipe what others set.
	 * create_missing_related_entities: the awsAccount entity may not
	 * have been synced yet. */
	if (entity_path(&path, blueprint, NULL) != 0 ||
	    buf_puts(&path, "?upsert=true&merge=true"
	                    "&create_missing_related_entities=true") != 0 ||
	    (run_id && (buf_puts(&path, "&run_id=") != 0 ||
	                   port_encode(run_id, &path) != 0))) {
		str_copy(err->message, sizeof(err->message), "out of memory");
		goto done;
	}
	status = call(p, "POST", buf_str(&path), entity, 1, NULL, err);
done:
	buf_free(&path);
	return status >= 200 && status < 300 ? 0 : -1;
}

int
port_delete_entity(struct port *p, const char *blueprint,
    const char *identifier, const char *run_id, struct port_error *err)
{
	struct buf path = {0};
	long status = -1;

	memset(err, 0, sizeof(*err));
	if (entity_path(&path, blueprint, identifier) != 0 ||
	    buf_puts(&path, "?delete_dependents=false") != 0 ||
	    (run_id && (buf_puts(&path, "&run_id=") != 0 ||
	                   port_encode(run_id, &path) != 0))) {
		str_copy(err->message, sizeof(err->message), "out of memory");
		goto done;
	}
	status = call(p, "DELETE", buf_str(&path), NULL, 1, NULL, err);
done:
	buf_free(&path);
	if (status == 404)
		return 1;
	return status >= 200 && status < 300 ? 0 : -1;
}

int
port_search(struct port *p, const char *blueprint, const cJSON *body,
    cJSON **out, struct port_error *err)
{
	struct buf path = {0};
	long status;

	*out = NULL;
	if (buf_puts(&path, "/v1/blueprints/") != 0 ||
	    port_encode(blueprint, &path) != 0 ||
	    buf_puts(&path, "/entities/search") != 0) {
		buf_free(&path);
		memset(err, 0, sizeof(*err));
		str_copy(err->message, sizeof(err->message), "out of memory");
		return -1;
	}
	status = call(p, "POST", buf_str(&path), body, 1, out, err);
	buf_free(&path);
	return status >= 200 && status < 300 ? 0 : -1;
}

int
port_get_teams(struct port *p, cJSON **out, struct port_error *err)
{
	long status;

	*out = NULL;
	status = call(p, "GET", "/v1/teams?fields=name", NULL, 1, out, err);
	return status >= 200 && status < 300 ? 0 : -1;
}
