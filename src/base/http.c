#include "base/http.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/cancel.h"

struct http {
	CURLM *multi; /* owns the connection pool; one transfer at a time */
	CURL *curl;
	CURL *pool[HTTP_MAX_BATCH]; /* http_send_many's, made on first use */
	struct http_options opt;
	long connections;
	const struct http_side *side;
};

#define SIDE_MAX_FDS 72 /* the bulk writer's connections, and spare */

void
http_set_side(struct http *h, const struct http_side *side)
{
	h->side = side;
}

/* curl_multi_poll on h's transfers, the cancel pipe (when wfd has it)
 * and the side's descriptors; then the side's turn. */
static CURLMcode
poll_with_side(struct http *h, const struct curl_waitfd *wfd, unsigned nwfd)
{
	struct curl_waitfd w[1 + SIDE_MAX_FDS];
	struct pollfd p[SIDE_MAX_FDS];
	unsigned i, n = 0;
	long timeout = 1000;
	CURLMcode mc;

	if (nwfd)
		w[n++] = *wfd;
	if (h->side) {
		unsigned k =
		    h->side->fds(h->side->arg, p, SIDE_MAX_FDS, &timeout);

		for (i = 0; i < k && i < SIDE_MAX_FDS; i++)
			w[n++] = (struct curl_waitfd){p[i].fd,
			    (short)(((p[i].events & POLLIN) ? CURL_WAIT_POLLIN
			                                    : 0) |
			            ((p[i].events & POLLOUT) ? CURL_WAIT_POLLOUT
			                                     : 0)),
			    0};
		if (timeout < 0)
			timeout = 0;
	}
	mc = curl_multi_poll(h->multi, w, n, (int)timeout, NULL);
	if (h->side)
		h->side->step(h->side->arg);
	return mc;
}

long long
http_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct http *
http_new(const struct http_options *opt)
{
	struct http *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	if ((h->multi = curl_multi_init()) == NULL ||
	    (h->curl = curl_easy_init()) == NULL) {
		curl_multi_cleanup(h->multi);
		free(h);
		return NULL;
	}
	/* The batches' connections, idle ones included, stay within what
	 * Mbed TLS's key table is sized for (scripts/mbedtls_config.h,
	 * MBEDTLS_PSA_KEY_SLOT_COUNT): one per batch slot; an idle one is
	 * closed before a new one opens. */
	curl_multi_setopt(
	    h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)HTTP_MAX_BATCH);
	curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, (long)HTTP_MAX_BATCH);
	h->opt = *opt;
	return h;
}

void
http_free(struct http *h)
{
	size_t i;

	if (h == NULL)
		return;
	curl_easy_cleanup(h->curl);
	for (i = 0; i < HTTP_MAX_BATCH; i++)
		curl_easy_cleanup(h->pool[i]);
	curl_multi_cleanup(h->multi);
	free(h);
}

void
http_response_free(struct http_response *resp)
{
	buf_free(&resp->body);
}

void
http_set_deadline(struct http *h, long long deadline_ms)
{
	h->opt.deadline_ms = deadline_ms;
}

long long
http_get_deadline(const struct http *h)
{
	return h->opt.deadline_ms;
}

long long
http_deadline(const struct http *h)
{
	long long d = h->opt.deadline_ms, c;

	/* After a cancel, bulk transfers stop by the cancel budget too. */
	if (cancel_requested()) {
		c = cancel_time_ms() + CANCEL_BUDGET_MS;
		if (d == 0 || c < d)
			d = c;
	}
	return d;
}

long
http_connections(const struct http *h)
{
	return h->connections;
}

/* cancel_sleep_ms that serves h's side meanwhile (a retry's backoff is
 * a wait like any other). */
static int
side_sleep(const struct http *h, long ms)
{
	struct pollfd p[1 + SIDE_MAX_FDS];
	long long end = http_now_ms() + ms, now;
	long t;
	unsigned n;

	while ((now = http_now_ms()) < end && !cancel_requested()) {
		t = (long)(end - now);
		n = h->side->fds(h->side->arg, p + 1, SIDE_MAX_FDS, &t);
		/* The cancel pipe wakes it (poll skips a negative fd). */
		p[0] = (struct pollfd){cancel_fd(), POLLIN, 0};
		(void)poll(p, 1 + n, (int)(t > 0 ? t : 0));
		h->side->step(h->side->arg);
	}
	return cancel_requested() ? -1 : 0;
}

int
http_sleep_ms(const struct http *h, long ms)
{
	long long deadline = http_deadline(h);
	struct timespec ts;

	if (ms <= 0)
		return 0;
	if (deadline && http_now_ms() + ms >= deadline)
		return -1;
	if (!cancel_requested())
		return h->side ? side_sleep(h, ms) : cancel_sleep_ms(ms);
	/* After the cancel: the final report's retries, within the budget
	 * (a second signal ends the process). */
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
	return 0;
}

void
http_easy_secure(void *easy, const char *ca_file)
{
	CURL *c = easy;

	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, ca_file);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, (char *)NULL);
}

int
http_check_ca(
    const char *ca_file, const char *setting, char *err, size_t errlen)
{
	if (setting == NULL)
		setting = "SSL_CERT_FILE";
	if (ca_file != NULL && access(ca_file, R_OK) != 0) {
		snprintf(err, errlen,
		    "the CA bundle %s (from %s) cannot be read (%s); set %s "
		    "to a readable PEM file",
		    ca_file, setting, strerror(errno), setting);
		return -1;
	}
	if (ca_file == NULL) {
		curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

		if (v->cainfo != NULL && access(v->cainfo, R_OK) != 0) {
			snprintf(err, errlen,
			    "no CA bundle: %s cannot be read (%s); set %s to a "
			    "PEM file of trusted CA certificates",
			    v->cainfo, strerror(errno), setting);
			return -1;
		}
	}
	return 0;
}

/*
 * curl_easy_perform on our multi handle, so that a cancel can wake the
 * wait: with abortable set, the cancel pipe is polled beside curl's
 * sockets and the transfer is dropped as soon as it becomes readable.
 * Transfers started after the cancel (the final report) are not
 * abortable; the cancel budget bounds them instead.
 */
static CURLcode
perform(struct http *h, int abortable)
{
	struct curl_waitfd wfd = {cancel_fd(), CURL_WAIT_POLLIN, 0};
	unsigned nwfd = abortable && wfd.fd >= 0 ? 1 : 0;
	CURLcode rc = CURLE_OK;
	CURLMcode mc;
	CURLMsg *msg;
	int running = 1, left;

	if (curl_multi_add_handle(h->multi, h->curl) != CURLM_OK)
		return CURLE_FAILED_INIT;
	for (;;) {
		if (abortable && cancel_requested()) {
			rc = CURLE_ABORTED_BY_CALLBACK;
			break;
		}
		if ((mc = curl_multi_perform(h->multi, &running)) != CURLM_OK) {
			rc = mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY
			                               : CURLE_RECV_ERROR;
			break;
		}
		if (!running) {
			while ((msg = curl_multi_info_read(h->multi, &left)))
				if (msg->msg == CURLMSG_DONE)
					rc = msg->data.result;
			break;
		}
		/* curl sets its own timeout from the transfer's timers. */
		if (poll_with_side(h, &wfd, nwfd) != CURLM_OK) {
			rc = CURLE_RECV_ERROR;
			break;
		}
	}
	curl_multi_remove_handle(h->multi, h->curl);
	return rc;
}

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct http_response *resp = arg;
	size_t len = size * n;

	/* Refusing here makes curl fail with CURLE_WRITE_ERROR. */
	if (resp->body.len + len > HTTP_MAX_RESPONSE)
		return 0;
	if (buf_append(&resp->body, data, len) != 0)
		return 0;
	return len;
}

void
http_header_value(
    const char *line, size_t len, const char *name, char *dst, size_t dstlen)
{
	size_t nlen = strlen(name), vlen;
	const char *v, *end = line + len;

	if (len <= nlen || line[nlen] != ':' ||
	    strncasecmp(line, name, nlen) != 0)
		return;
	v = line + nlen + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' ||
	                      end[-1] == ' ' || end[-1] == '\t'))
		end--;
	vlen = (size_t)(end - v);
	if (vlen >= dstlen)
		vlen = dstlen - 1;
	memcpy(dst, v, vlen);
	dst[vlen] = '\0';
}

static size_t
on_header(char *line, size_t size, size_t n, void *arg)
{
	struct http_response *resp = arg;
	size_t len = size * n;

	/* A new status line (e.g. after 100-continue) starts over. */
	if (len > 5 && strncmp(line, "HTTP/", 5) == 0) {
		resp->request_id[0] = resp->error_type[0] = '\0';
		resp->trace_id[0] = resp->retry_after[0] = '\0';
		resp->date[0] = '\0';
		return len;
	}
	http_header_value(line, len, "x-amzn-RequestId", resp->request_id,
	    sizeof(resp->request_id));
	http_header_value(line, len, "X-Amzn-Errortype", resp->error_type,
	    sizeof(resp->error_type));
	http_header_value(
	    line, len, "X-Trace-Id", resp->trace_id, sizeof(resp->trace_id));
	http_header_value(line, len, "Retry-After", resp->retry_after,
	    sizeof(resp->retry_after));
	http_header_value(line, len, "Date", resp->date, sizeof(resp->date));
	return len;
}

/* Counts the times curl sends the request (its re-send after a dead
 * kept-alive connection included) and stops a re-send of a request
 * that is not safe to repeat. */
struct sends {
	struct http_response *resp;
	int once;
};

/* NOLINTBEGIN(readability-non-const-parameter): curl's prototype */
static int
on_prereq(
    void *arg, char *remote_ip, char *local_ip, int remote_port, int local_port)
{
	struct sends *s = arg;

	(void)remote_ip; /* curl's signature; only the count matters */
	(void)local_ip;
	(void)remote_port;
	(void)local_port;
	if (s->resp->sends++ > 0 && s->once)
		return CURL_PREREQFUNC_ABORT;
	return CURL_PREREQFUNC_OK;
}
/* NOLINTEND(readability-non-const-parameter) */

static enum http_result
classify(CURLcode rc, const char *url, const char *ca_file, const char *setting,
    const char *detail, char *err, size_t errlen)
{
	const char *why = detail[0] ? detail : curl_easy_strerror(rc);

	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		snprintf(err, errlen, "%s: timed out (%s)", url, why);
		return HTTP_ETIMEOUT;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		snprintf(err, errlen, "%s: connection failed (%s)", url, why);
		return HTTP_ECONNECT;
	case CURLE_SSL_CONNECT_ERROR:
		/* With Mbed TLS a failed verification is its own code
		 * (below); this one is a handshake cut short: a reset or
		 * close mid-handshake, or a send/receive failure in it. */
		snprintf(err, errlen,
		    "%s: connection failed during the TLS handshake (%s)", url,
		    why);
		return HTTP_ECONNECT;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_ISSUER_ERROR:
		snprintf(err, errlen,
		    "%s: the server's TLS certificate could not be verified "
		    "against the CA bundle %s (%s); if a proxy or private CA "
		    "is in the way, point %s at its CA certificates",
		    url, ca_file ? ca_file : "built into port-acm", why,
		    setting);
		return HTTP_ETLS;
	case CURLE_SSL_CIPHER:
		snprintf(err, errlen,
		    "%s: no TLS version or cipher in common with the server "
		    "(%s)",
		    url, why);
		return HTTP_ETLS;
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
		snprintf(err, errlen,
		    "the CA bundle %s (from %s) could not be loaded (%s); set "
		    "%s to a PEM file of trusted CA certificates",
		    ca_file ? ca_file : "built into port-acm", setting, why,
		    setting);
		return HTTP_ELOCAL;
	case CURLE_ABORTED_BY_CALLBACK:
		snprintf(err, errlen,
		    "%s: abandoned, the run was cancelled (signal %d)", url,
		    cancel_signal());
		return HTTP_ECANCELLED;
	case CURLE_WRITE_ERROR:
		snprintf(err, errlen,
		    "%s: the response was larger than %d bytes; refusing it",
		    url, HTTP_MAX_RESPONSE);
		return HTTP_ETOOBIG;
	default:
		snprintf(err, errlen, "%s: %s", url, why);
		return HTTP_EOTHER;
	}
}

/* One transfer's state beside its easy handle: what curl points at
 * must stay put until the transfer ends. */
struct xfer {
	const struct http_request *req;
	struct http_response *resp;
	struct curl_slist *hdrs;
	char detail[CURL_ERROR_SIZE];
	struct sends sends;
	char *err;
	size_t errlen;
};

/* Sets easy up for x->req; HTTP_OK when it may be performed, else the
 * failure (x->err says it) and nothing to undo but xfer_end. */
static enum http_result
xfer_setup(struct http *h, CURL *easy, struct xfer *x, long req_timeout_ms,
    int no_proxy)
{
	const struct http_request *req = x->req;
	struct curl_slist *tmp;
	long timeout = h->opt.timeout_ms;
	long long deadline = http_deadline(h);
	const char *ca = req->ca_file;
	const char *setting =
	    req->ca_setting ? req->ca_setting : "SSL_CERT_FILE";
	size_t i;

	buf_free(&x->resp->body);
	memset(x->resp, 0, sizeof(*x->resp));
	x->sends = (struct sends){x->resp, req->send_once};
	x->detail[0] = x->err[0] = '\0';
	x->hdrs = NULL;
	if (deadline) {
		long long left = deadline - http_now_ms();

		if (left <= 0) {
			snprintf(x->err, x->errlen,
			    "%s: not sent, the run's %s has passed", req->url,
			    cancel_requested() ? "time after the cancel"
			                       : "time limit");
			return HTTP_ETIMEOUT;
		}
		if (timeout == 0 || left < timeout)
			timeout = (long)left;
	}
	/* Fail clearly rather than let TLS fail obscurely. */
	if ((ca != NULL || strncasecmp(req->url, "https:", 6) == 0) &&
	    http_check_ca(ca, setting, x->err, x->errlen) != 0)
		return HTTP_ELOCAL;
	for (i = 0; i < req->nheaders; i++) {
		if ((tmp = curl_slist_append(x->hdrs, req->headers[i])) == NULL)
			goto oom;
		x->hdrs = tmp;
	}
	/* Nothing curl adds may differ from what was signed. */
	if ((tmp = curl_slist_append(x->hdrs, "Expect:")) == NULL)
		goto oom;
	x->hdrs = tmp;
	if ((tmp = curl_slist_append(x->hdrs, "Transfer-Encoding:")) == NULL)
		goto oom;
	x->hdrs = tmp;

	/* Reset keeps live connections and the TLS session cache. */
	curl_easy_reset(easy);
	curl_easy_setopt(easy, CURLOPT_URL, req->url);
	http_easy_secure(easy, ca);
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
	    req_timeout_ms > 0 && req_timeout_ms < h->opt.connect_timeout_ms
	        ? req_timeout_ms
	        : h->opt.connect_timeout_ms);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS,
	    req_timeout_ms > 0 && (timeout == 0 || req_timeout_ms < timeout)
	        ? req_timeout_ms
	        : timeout);
	if (no_proxy)
		curl_easy_setopt(easy, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, x->detail);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, x->hdrs);
	curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, (char *)NULL);
	if (h->opt.user_agent != NULL)
		curl_easy_setopt(easy, CURLOPT_USERAGENT, h->opt.user_agent);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, x->resp);
	curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(easy, CURLOPT_HEADERDATA, x->resp);
	curl_easy_setopt(easy, CURLOPT_PREREQFUNCTION, on_prereq);
	curl_easy_setopt(easy, CURLOPT_PREREQDATA, &x->sends);
	if (strcmp(req->method, "GET") == 0) {
		curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
	} else {
		if (strcmp(req->method, "POST") != 0)
			curl_easy_setopt(
			    easy, CURLOPT_CUSTOMREQUEST, req->method);
		if (req->body != NULL) {
			curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req->body);
			curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)req->body_len);
		} else if (strcmp(req->method, "POST") == 0) {
			curl_easy_setopt(easy, CURLOPT_POSTFIELDS, "");
			curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, 0L);
		} else {
			curl_easy_setopt(easy, CURLOPT_NOBODY,
			    strcmp(req->method, "HEAD") == 0 ? 1L : 0L);
		}
	}
	return HTTP_OK;
oom:
	snprintf(x->err, x->errlen, "%s: out of memory", req->url);
	return HTTP_EOTHER;
}

/* What transfer x's end (rc) means; frees what setup made. */
static enum http_result
xfer_end(struct http *h, CURL *easy, struct xfer *x, CURLcode rc)
{
	const struct http_request *req = x->req;
	const char *setting =
	    req->ca_setting ? req->ca_setting : "SSL_CERT_FILE";
	enum http_result res = HTTP_OK;
	long nconn = 0;

	if (curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &nconn) == CURLE_OK)
		h->connections += nconn;
	if (rc == CURLE_ABORTED_BY_CALLBACK && x->resp->sends > 1) {
		snprintf(x->err, x->errlen,
		    "%s: connection lost after the request was sent; not "
		    "sent again, as it is not safe to repeat",
		    req->url);
		res = HTTP_ECONNECT;
	} else if (rc != CURLE_OK) {
		res = classify(rc, req->url, req->ca_file, setting, x->detail,
		    x->err, x->errlen);
		str_scrub(x->err); /* TLS library text may hold line breaks */
	} else {
		curl_easy_getinfo(
		    easy, CURLINFO_RESPONSE_CODE, &x->resp->status);
		if (x->resp->body.data == NULL &&
		    buf_puts(&x->resp->body, "") != 0) {
			snprintf(
			    x->err, x->errlen, "%s: out of memory", req->url);
			res = HTTP_EOTHER;
		}
	}
	/* The handle must not point at freed headers between calls. */
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, (struct curl_slist *)NULL);
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, (char *)NULL);
	curl_easy_setopt(easy, CURLOPT_PREREQDATA, (void *)NULL);
	curl_slist_free_all(x->hdrs);
	x->hdrs = NULL;
	return res;
}

static enum http_result
send_with(struct http *h, const struct http_request *req, long req_timeout_ms,
    int no_proxy, struct http_response *resp, char *err, size_t errlen)
{
	struct xfer x = {req, resp, NULL, "", {NULL, 0}, err, errlen};
	int abortable = !cancel_requested();
	enum http_result res;

	err[0] = '\0';
	if ((res = xfer_setup(h, h->curl, &x, req_timeout_ms, no_proxy)) !=
	    HTTP_OK) {
		curl_slist_free_all(x.hdrs);
		return res;
	}
	return xfer_end(h, h->curl, &x, perform(h, abortable));
}

/* The easy handle of batch slot i, made on first use and kept, so its
 * settings and the multi's connections serve every later batch. */
static CURL *
slot_easy(struct http *h, size_t i)
{
	if (h->pool[i] == NULL)
		h->pool[i] = curl_easy_init();
	return h->pool[i];
}

void
http_send_many(struct http *h, struct http_batch *b, size_t n, size_t max)
{
	struct xfer x[HTTP_MAX_BATCH];
	CURL *slot_of[HTTP_MAX_BATCH] = {NULL};
	size_t item_of[HTTP_MAX_BATCH] = {0};
	struct curl_waitfd wfd = {cancel_fd(), CURL_WAIT_POLLIN, 0};
	int abortable = !cancel_requested();
	unsigned nwfd = abortable && wfd.fd >= 0 ? 1 : 0;
	size_t next = 0, busy = 0, s, done = 0;
	int running, left;
	CURLMsg *msg;

	if (max == 0 || max > HTTP_MAX_BATCH)
		max = HTTP_MAX_BATCH;
	while (done < n) {
		/* Fill the free slots: at most max transfers at once. */
		for (s = 0;
		     s < max && next < n && !(abortable && cancel_requested());
		     s++) {
			struct http_batch *it = &b[next];

			if (slot_of[s] != NULL)
				continue;
			x[s] = (struct xfer){it->req, &it->resp, NULL, "",
			    {NULL, 0}, it->err, sizeof(it->err)};
			if ((slot_of[s] = slot_easy(h, s)) == NULL) {
				snprintf(it->err, sizeof(it->err),
				    "%s: out of memory", it->req->url);
				it->result = HTTP_EOTHER;
				next++, done++;
				continue;
			}
			item_of[s] = next++;
			it->result = xfer_setup(h, slot_of[s], &x[s], 0, 0);
			if (it->result == HTTP_OK &&
			    curl_multi_add_handle(h->multi, slot_of[s]) ==
			        CURLM_OK) {
				busy++;
				continue;
			}
			if (it->result == HTTP_OK) /* could not add */
				it->result = xfer_end(
				    h, slot_of[s], &x[s], CURLE_FAILED_INIT);
			curl_slist_free_all(x[s].hdrs);
			slot_of[s] = NULL;
			done++;
		}
		if (busy == 0 &&
		    (next == n || (abortable && cancel_requested())))
			break;
		if ((abortable && cancel_requested()) ||
		    curl_multi_perform(h->multi, &running) != CURLM_OK) {
			/* Abandon the transfers in flight (cancel.h). */
			for (s = 0; s < max; s++)
				if (slot_of[s] != NULL) {
					curl_multi_remove_handle(
					    h->multi, slot_of[s]);
					b[item_of[s]].result =
					    xfer_end(h, slot_of[s], &x[s],
					        cancel_requested()
					            ? CURLE_ABORTED_BY_CALLBACK
					            : CURLE_RECV_ERROR);
					slot_of[s] = NULL;
					busy--, done++;
				}
			continue;
		}
		while ((msg = curl_multi_info_read(h->multi, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			for (s = 0; s < max && slot_of[s] != msg->easy_handle;)
				s++; /* its slot */
			if (s == max)
				continue;
			curl_multi_remove_handle(h->multi, slot_of[s]);
			b[item_of[s]].result =
			    xfer_end(h, slot_of[s], &x[s], msg->data.result);
			slot_of[s] = NULL;
			busy--, done++;
		}
		if (busy && poll_with_side(h, &wfd, nwfd) != CURLM_OK)
			continue; /* perform reports it next turn */
	}
	/* What never started after a cancel. */
	for (; next < n; next++) {
		snprintf(b[next].err, sizeof(b[next].err),
		    "%s: not sent, the run was cancelled (signal %d)",
		    b[next].req->url, cancel_signal());
		b[next].result = HTTP_ECANCELLED;
	}
}

enum http_result
http_send(struct http *h, const struct http_request *req,
    struct http_response *resp, char *err, size_t errlen)
{
	return send_with(h, req, 0, 0, resp, err, errlen);
}

enum http_result
http_send_metadata(struct http *h, const struct http_request *req,
    long timeout_ms, struct http_response *resp, char *err, size_t errlen)
{
	return send_with(h, req, timeout_ms, 1, resp, err, errlen);
}
