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
	struct http_options opt;
	long connections;
};

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
	h->opt = *opt;
	return h;
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	curl_easy_cleanup(h->curl);
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
		return cancel_sleep_ms(ms);
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
		if (curl_multi_poll(h->multi, &wfd, nwfd, 1000, NULL) !=
		    CURLM_OK) {
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

static enum http_result send_with(struct http *h,
    const struct http_request *req, long req_timeout_ms, int no_proxy,
    struct http_response *resp, char *err, size_t errlen);

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

static enum http_result
send_with(struct http *h, const struct http_request *req, long req_timeout_ms,
    int no_proxy, struct http_response *resp, char *err, size_t errlen)
{
	struct curl_slist *hdrs = NULL, *tmp;
	char detail[CURL_ERROR_SIZE] = "";
	enum http_result res = HTTP_EOTHER;
	long timeout = h->opt.timeout_ms, nconn = 0;
	long long deadline = http_deadline(h);
	int abortable = !cancel_requested();
	const char *ca = req->ca_file;
	const char *setting =
	    req->ca_setting ? req->ca_setting : "SSL_CERT_FILE";
	CURLcode rc;
	size_t i;
	struct sends sends = {resp, req->send_once};

	buf_free(&resp->body);
	memset(resp, 0, sizeof(*resp));
	err[0] = '\0';

	if (deadline) {
		long long left = deadline - http_now_ms();

		if (left <= 0) {
			snprintf(err, errlen,
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
	    http_check_ca(ca, setting, err, errlen) != 0)
		return HTTP_ELOCAL;

	for (i = 0; i < req->nheaders; i++) {
		if ((tmp = curl_slist_append(hdrs, req->headers[i])) == NULL)
			goto oom;
		hdrs = tmp;
	}
	/* Nothing curl adds may differ from what was signed. */
	if ((tmp = curl_slist_append(hdrs, "Expect:")) == NULL)
		goto oom;
	hdrs = tmp;
	if ((tmp = curl_slist_append(hdrs, "Transfer-Encoding:")) == NULL)
		goto oom;
	hdrs = tmp;

	/* Reset keeps live connections and the TLS session cache. */
	curl_easy_reset(h->curl);
	curl_easy_setopt(h->curl, CURLOPT_URL, req->url);
	http_easy_secure(h->curl, ca);
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT_MS,
	    req_timeout_ms > 0 && req_timeout_ms < h->opt.connect_timeout_ms
	        ? req_timeout_ms
	        : h->opt.connect_timeout_ms);
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT_MS,
	    req_timeout_ms > 0 && (timeout == 0 || req_timeout_ms < timeout)
	        ? req_timeout_ms
	        : timeout);
	if (no_proxy)
		curl_easy_setopt(h->curl, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, detail);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h->curl, CURLOPT_ACCEPT_ENCODING, (char *)NULL);
	if (h->opt.user_agent != NULL)
		curl_easy_setopt(h->curl, CURLOPT_USERAGENT, h->opt.user_agent);
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(h->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h->curl, CURLOPT_HEADERDATA, resp);
	curl_easy_setopt(h->curl, CURLOPT_PREREQFUNCTION, on_prereq);
	curl_easy_setopt(h->curl, CURLOPT_PREREQDATA, &sends);
	if (strcmp(req->method, "GET") == 0) {
		curl_easy_setopt(h->curl, CURLOPT_HTTPGET, 1L);
	} else {
		if (strcmp(req->method, "POST") != 0)
			curl_easy_setopt(
			    h->curl, CURLOPT_CUSTOMREQUEST, req->method);
		if (req->body != NULL) {
			curl_easy_setopt(
			    h->curl, CURLOPT_POSTFIELDS, req->body);
			curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)req->body_len);
		} else if (strcmp(req->method, "POST") == 0) {
			curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, "");
			curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE, 0L);
		} else {
			curl_easy_setopt(h->curl, CURLOPT_NOBODY,
			    strcmp(req->method, "HEAD") == 0 ? 1L : 0L);
		}
	}

	rc = perform(h, abortable);
	if (curl_easy_getinfo(h->curl, CURLINFO_NUM_CONNECTS, &nconn) ==
	    CURLE_OK)
		h->connections += nconn;
	if (rc == CURLE_ABORTED_BY_CALLBACK && resp->sends > 1) {
		snprintf(err, errlen,
		    "%s: connection lost after the request was sent; not "
		    "sent again, as it is not safe to repeat",
		    req->url);
		res = HTTP_ECONNECT;
		goto done;
	}
	if (rc != CURLE_OK) {
		res = classify(rc, req->url, ca, setting, detail, err, errlen);
		str_scrub(err); /* TLS library text may hold line breaks */
		goto done;
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &resp->status);
	if (resp->body.data == NULL && buf_puts(&resp->body, "") != 0)
		goto oom;
	res = HTTP_OK;
	goto done;
oom:
	snprintf(err, errlen, "%s: out of memory", req->url);
	res = HTTP_EOTHER;
done:
	/* The handle must not point at freed headers between calls. */
	curl_easy_setopt(
	    h->curl, CURLOPT_HTTPHEADER, (struct curl_slist *)NULL);
	curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, (char *)NULL);
	curl_easy_setopt(h->curl, CURLOPT_PREREQDATA, (void *)NULL);
	curl_slist_free_all(hdrs);
	return res;
}
