#include "port/bulk.h"
#include "port/bulk_answer.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/select.h>
#include <time.h>

#include "base/buf.h"
#include "base/cancel.h"
#include "base/http.h"
#include "base/retry.h"

/* A body stays far below Port's 1 MiB limit (port-api.md §5.1). */
#define BULK_MAX_BODY (512 * 1024)
/* Attempts of one call (429s included) before its entities fail. */
#define BULK_ATTEMPTS 8

struct item {
	char *json; /* the entity, or the identifier as a JSON string */
	char *id;
	unsigned tries; /* sent in a call that answered for it, and failed */
};

struct batch {
	int deleting;
	struct item *items;
	size_t n, cap, bytes;
	struct retry retry;
	long long not_before;
	int refreshed; /* a 401 fetched a new token once */
	struct batch *next;
};

struct xfer {
	CURL *easy;
	struct batch *batch; /* NULL when idle */
	struct buf body, resp, authz;
	struct curl_slist *hdrs;
	char retry_after[64], rl_remaining[32], rl_reset[32], trace[128];
	char detail[CURL_ERROR_SIZE];
	int deferred; /* ended during a side step, not yet handled */
	CURLcode deferred_rc;
};

struct bulk {
	struct port *port;
	struct bulk_config cfg;
	CURLM *multi;
	struct xfer *slots;
	unsigned nslots, busy;
	struct batch *fill[2]; /* being filled: upsert, delete */
	struct batch *head, *tail;
	size_t queued;
	long long paused_until;
	bulk_failure_fn on_failure;
	void *arg;
	struct bulk_stats st;
	struct buf url[2];
	int pumping; /* inside bulk_pump: no side step (bulk_side_step) */
};

long
bulk_reset_ms(const char *value, long long now_epoch)
{
	char *end;
	double v;

	if (value == NULL || *value == '\0')
		return -1;
	v = strtod(value, &end);
	if (end == value || *end != '\0' || !(v >= 0) || v > 1e12)
		return -1;
	if (v > 1e9)
		v -= (double)now_epoch;
	if (v < 0)
		v = 0;
	if (v > 3600)
		v = 3600;
	return (long)(v * 1000);
}

static void
item_free(struct item *it)
{
	free(it->json);
	free(it->id);
	it->json = it->id = NULL;
}

static void
batch_free(struct batch *bt)
{
	size_t i;

	if (bt == NULL)
		return;
	for (i = 0; i < bt->n; i++)
		item_free(&bt->items[i]);
	free(bt->items);
	free(bt);
}

static struct batch *
batch_new(int deleting)
{
	struct batch *bt = calloc(1, sizeof(*bt));

	if (bt == NULL)
		return NULL;
	bt->deleting = deleting;
	bt->cap = deleting ? BULK_MAX_DELETE : BULK_MAX_UPSERT;
	if ((bt->items = calloc(bt->cap, sizeof(*bt->items))) == NULL) {
		free(bt);
		return NULL;
	}
	retry_init(&bt->retry, RETRY_PORT, BULK_ATTEMPTS);
	return bt;
}

static void
fail_item(struct bulk *b, int deleting, struct item *it, long status,
    const char *reason)
{
	b->st.failed++;
	if (b->on_failure)
		b->on_failure(b->arg, deleting, it->id, status, reason);
	item_free(it);
}

/* The run's deadline now (0 = none): the configured one, or the run
 * client's, whichever comes first. */
static long long
deadline(const struct bulk *b)
{
	long long d = b->cfg.deadline_ms, h;

	if (b->cfg.http && (h = http_deadline(b->cfg.http)) != 0 &&
	    (d == 0 || h < d))
		d = h;
	return d;
}

static void
fail_batch(struct bulk *b, struct batch *bt, long status, const char *reason)
{
	size_t i;

	for (i = 0; i < bt->n; i++)
		if (bt->items[i].id)
			fail_item(
			    b, bt->deleting, &bt->items[i], status, reason);
	batch_free(bt);
}

static void
enqueue(struct bulk *b, struct batch *bt)
{
	bt->next = NULL;
	if (b->tail)
		b->tail->next = bt;
	else
		b->head = bt;
	b->tail = bt;
	b->queued++;
}

/* The first queued batch that may start now, unlinked; NULL if none. */
static struct batch *
dequeue_ready(struct bulk *b, long long now)
{
	struct batch *bt, *prev = NULL;

	if (now < b->paused_until)
		return NULL;
	for (bt = b->head; bt; prev = bt, bt = bt->next) {
		if (bt->not_before > now)
			continue;
		if (prev)
			prev->next = bt->next;
		else
			b->head = bt->next;
		if (b->tail == bt)
			b->tail = prev;
		b->queued--;
		bt->next = NULL;
		return bt;
	}
	return NULL;
}

/* Adds it (ownership moves) to the batch being filled, sealing that
 * batch into the queue when it is full. */
static int
add_item(struct bulk *b, int deleting, struct item it)
{
	struct batch **fill = &b->fill[deleting ? 1 : 0];
	size_t len = strlen(it.json) + 1;

	if (*fill && ((*fill)->n == (*fill)->cap ||
	                 (*fill)->bytes + len > BULK_MAX_BODY)) {
		enqueue(b, *fill);
		*fill = NULL;
	}
	if (*fill == NULL && (*fill = batch_new(deleting)) == NULL) {
		fail_item(b, deleting, &it, 0, "out of memory");
		return -1;
	}
	(*fill)->items[(*fill)->n++] = it;
	(*fill)->bytes += len;
	if ((*fill)->n == (*fill)->cap) {
		enqueue(b, *fill);
		*fill = NULL;
	}
	return 0;
}

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n;

	if (x->resp.len + len > HTTP_MAX_RESPONSE ||
	    buf_append(&x->resp, data, len) != 0)
		return 0;
	return len;
}

static size_t
on_header(char *line, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n;

	http_header_value(
	    line, len, "Retry-After", x->retry_after, sizeof(x->retry_after));
	http_header_value(line, len, "x-ratelimit-remaining", x->rl_remaining,
	    sizeof(x->rl_remaining));
	http_header_value(
	    line, len, "x-ratelimit-reset", x->rl_reset, sizeof(x->rl_reset));
	http_header_value(line, len, "X-Trace-Id", x->trace, sizeof(x->trace));
	return len;
}

static void
xfer_clear(struct xfer *x)
{
	curl_slist_free_all(x->hdrs);
	x->hdrs = NULL;
	buf_wipe(&x->authz); /* held the token */
	buf_reset(&x->body);
	buf_reset(&x->resp);
	x->retry_after[0] = x->rl_remaining[0] = x->rl_reset[0] = '\0';
	x->trace[0] = '\0';
}

static int
start(struct bulk *b, struct xfer *x, struct batch *bt)
{
	struct curl_slist *h;
	long long left;
	long timeout = b->cfg.timeout_ms;
	size_t i;

	xfer_clear(x);
	if (buf_puts(&x->body, "{\"entities\":[") != 0)
		return -1;
	for (i = 0; i < bt->n; i++)
		if (bt->items[i].json &&
		    ((x->body.len > 13 && buf_putc(&x->body, ',') != 0) ||
		        buf_puts(&x->body, bt->items[i].json) != 0))
			return -1;
	if (buf_puts(&x->body, "]}") != 0 ||
	    buf_printf(&x->authz, "Authorization: Bearer %s",
	        port_token(b->port)) != 0)
		return -1;
	if ((h = curl_slist_append(NULL, "Accept: application/json")) == NULL)
		return -1;
	x->hdrs = h;
	if ((h = curl_slist_append(
	         x->hdrs, "Content-Type: application/json")) == NULL ||
	    (x->hdrs = h, h = curl_slist_append(x->hdrs, buf_str(&x->authz))) ==
	        NULL ||
	    (x->hdrs = h, h = curl_slist_append(x->hdrs, "Expect:")) == NULL)
		return -1;
	x->hdrs = h;
	if (deadline(b)) {
		left = deadline(b) - http_now_ms();
		if (left <= 0)
			return -1;
		if (timeout == 0 || left < timeout)
			timeout = (long)left;
	}
	curl_easy_reset(x->easy);
	http_easy_secure(x->easy, b->cfg.ca_file);
	curl_easy_setopt(x->easy, CURLOPT_URL, buf_str(&b->url[bt->deleting]));
	curl_easy_setopt(
	    x->easy, CURLOPT_CONNECTTIMEOUT_MS, b->cfg.connect_timeout_ms);
	curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->hdrs);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->body.data);
	curl_easy_setopt(
	    x->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->body.len);
	if (b->cfg.user_agent)
		curl_easy_setopt(x->easy, CURLOPT_USERAGENT, b->cfg.user_agent);
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(x->easy, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	x->detail[0] = '\0';
	curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, x->detail);
	if (curl_multi_add_handle(b->multi, x->easy) != CURLM_OK)
		return -1;
	x->batch = bt;
	b->busy++;
	b->st.calls++;
	if (bt->deleting)
		b->st.delete_calls++;
	else
		b->st.upsert_calls++;
	if (b->busy > b->st.max_in_flight)
		b->st.max_in_flight = b->busy;
	return 0;
}

/* Starts what may start on the free connections. quiet (a side step):
 * a batch that cannot start goes back to the head of the queue, for
 * bulk_pump to fail with its callback. */
static void
start_ready(struct bulk *b, int quiet)
{
	struct batch *bt;
	unsigned i;

	for (i = 0; i < b->nslots; i++) {
		if (b->slots[i].batch)
			continue;
		if ((bt = dequeue_ready(b, http_now_ms())) == NULL)
			return;
		if (start(b, &b->slots[i], bt) != 0) {
			xfer_clear(&b->slots[i]);
			if (quiet) {
				bt->next = b->head;
				b->head = bt;
				if (b->tail == NULL)
					b->tail = bt;
				b->queued++;
				return;
			}
			fail_batch(b, bt, 0,
			    deadline(b) && http_now_ms() >= deadline(b)
			        ? "not sent: the run's time limit has passed"
			        : "out of memory");
		}
	}
}

/* Schedules another attempt of bt per retry.h, or fails it. */
static void
again(struct bulk *b, struct batch *bt, const struct retry_outcome *o,
    long status, const char *reason)
{
	long delay = retry_next(&bt->retry, o, retry_rand01());
	long long now = http_now_ms(), at, end = deadline(b);
	char why[1200];

	if (delay < 0) {
		fail_batch(b, bt, status, reason);
		return;
	}
	bt->not_before = now + delay;
	/* A retry that could only start past the deadline (a 429 asking
	 * for 30 s) fails now rather than hold the run until then. */
	at =
	    bt->not_before > b->paused_until ? bt->not_before : b->paused_until;
	if (end && at >= end) {
		snprintf(why, sizeof(why),
		    "%s; not sent again: the next try (in %lld s) would "
		    "start after the run's time limit",
		    reason, (at - now + 999) / 1000);
		fail_batch(b, bt, status, why);
		return;
	}
	enqueue(b, bt);
}

/* A 200/207 answer to an upsert, entity by entity (port-api.md §5.1). */
static void
upsert_answer(struct bulk *b, struct batch *bt, const cJSON *resp)
{
	struct bulk_answer *ans = calloc(bt->n + 1, sizeof(*ans));
	size_t *refused = calloc(bt->n + 1, sizeof(*refused));
	char reason[1200];
	size_t i, j, nrefused;

	if (ans == NULL || refused == NULL) {
		free(ans);
		free(refused);
		fail_batch(b, bt, 0, "out of memory");
		return;
	}
	bulk_read_upsert(resp, bt->n, ans, refused, &nrefused);
	for (i = 0; i < bt->n; i++)
		if (ans[i].verdict == BULK_WRITTEN && bt->items[i].id) {
			b->st.written++;
			item_free(&bt->items[i]);
		}
	/* In the order Port listed them. */
	for (j = 0; j < nrefused; j++) {
		i = refused[j];
		if (bt->items[i].id == NULL)
			continue;
		if (bt->items[i].tries == 0) {
			/* Once more, in a later call: a conflict or a
			 * moment's overload often passes. */
			bt->items[i].tries = 1;
			b->st.entity_retries++;
			add_item(b, 0, bt->items[i]);
			memset(&bt->items[i], 0, sizeof(bt->items[i]));
			continue;
		}
		snprintf(reason, sizeof(reason), "%s",
		    ans[i].reason ? ans[i].reason : "Port gave no reason");
		str_scrub(reason);
		fail_item(b, 0, &bt->items[i], ans[i].status, reason);
	}
	/* Port answered for every entity; any it left out is a failure. */
	for (i = 0; i < bt->n; i++)
		if (bt->items[i].id)
			fail_item(b, 0, &bt->items[i], 0,
			    "Port's answer did not mention this entity");
	free(ans);
	free(refused);
	batch_free(bt);
}

static void
delete_answer(struct bulk *b, struct batch *bt, const cJSON *resp)
{
	size_t i;

	for (i = 0; i < bt->n; i++) {
		if (bulk_read_delete(resp, bt->items[i].id))
			b->st.deleted++;
		else /* [U] unknown ids are skipped: already gone */
			b->st.not_found++;
	}
	batch_free(bt);
}

/* A side step takes only a 200 that wrote every entity (a delete's
 * 200 always): anything else may call back into the caller (a failure
 * reported to Port, a new token) and waits for bulk_pump. 1 with the
 * parsed answer in *json (the caller's), else 0. */
static int
quiet_ok(const struct xfer *x, CURLcode rc, cJSON **json)
{
	const struct batch *bt = x->batch;
	struct bulk_answer *ans = NULL;
	size_t *refused = NULL, nrefused = 0, i;
	long status = 0;
	int ok;

	*json = NULL;
	if (rc != CURLE_OK ||
	    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status) !=
	        CURLE_OK ||
	    status != 200 ||
	    !cJSON_IsObject(*json = cJSON_ParseWithLength(
	                        x->resp.data, x->resp.len))) {
		cJSON_Delete(*json);
		*json = NULL;
		return 0;
	}
	if (bt->deleting)
		return 1;
	ans = calloc(bt->n + 1, sizeof(*ans));
	refused = calloc(bt->n + 1, sizeof(*refused));
	ok = (ans != NULL && refused != NULL);
	if (ok) {
		bulk_read_upsert(*json, bt->n, ans, refused, &nrefused);
		for (i = 0, ok = nrefused == 0; ok && i < bt->n; i++)
			ok = ans[i].verdict == BULK_WRITTEN;
	}
	free(ans);
	free(refused);
	if (!ok) {
		cJSON_Delete(*json);
		*json = NULL;
	}
	return ok;
}

/* The end of x's call. quiet (a side step): -1, with nothing changed,
 * when the answer needs bulk_pump (quiet_ok). */
static int
done(struct bulk *b, struct xfer *x, CURLcode rc, int quiet)
{
	struct batch *bt = x->batch;
	struct retry_outcome o = {0};
	struct port_error perr;
	long status = 0, nconn = 0, wait;
	long long now = http_now_ms();
	cJSON *json = NULL;
	char why[1100];

	if (quiet && !quiet_ok(x, rc, &json))
		return -1;
	x->deferred = 0;
	curl_multi_remove_handle(b->multi, x->easy);
	x->batch = NULL;
	b->busy--;
	if (curl_easy_getinfo(x->easy, CURLINFO_NUM_CONNECTS, &nconn) ==
	    CURLE_OK)
		b->st.connections += nconn;
	o.idempotent = 1; /* upsert+merge and delete may be repeated */
	if (rc != CURLE_OK) {
		snprintf(why, sizeof(why), "%s: %s",
		    buf_str(&b->url[bt->deleting]),
		    x->detail[0] ? x->detail : curl_easy_strerror(rc));
		str_scrub(why);
		/* A refused certificate stays refused; a handshake that
		 * broke off (CURLE_SSL_CONNECT_ERROR) is worth another try. */
		o.failure = rc == CURLE_OPERATION_TIMEDOUT ? RETRY_TIMEOUT
		            : rc == CURLE_PEER_FAILED_VERIFICATION ||
		                    rc == CURLE_SSL_CACERT_BADFILE ||
		                    rc == CURLE_SSL_CERTPROBLEM
		                ? RETRY_OTHER
		                : RETRY_CONNECT;
		again(b, bt, &o, 0, why);
		goto out;
	}
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	/* Port's own pacing: nothing more until the window resets. */
	if (strcmp(x->rl_remaining, "0") == 0 &&
	    (wait = bulk_reset_ms(x->rl_reset, (long long)time(NULL))) > 0 &&
	    now + wait > b->paused_until)
		b->paused_until = now + wait;
	if (status == 200 || status == 207) {
		if (json == NULL) /* quiet_ok parsed it already */
			json = cJSON_ParseWithLength(x->resp.data, x->resp.len);
		if (!cJSON_IsObject(json)) {
			cJSON_Delete(json);
			o.failure = RETRY_CONNECT;
			snprintf(why, sizeof(why),
			    "Port answered HTTP %ld but not a usable JSON body",
			    status);
			again(b, bt, &o, status, why);
			goto out;
		}
		if (bt->deleting)
			delete_answer(b, bt, json);
		else
			upsert_answer(b, bt, json);
		cJSON_Delete(json);
		goto out;
	}
	port_error_parse(status, x->resp.data, x->resp.len, x->trace, &perr);
	snprintf(why, sizeof(why), "%s%s%s%s", perr.message,
	    perr.trace_id[0] ? " (Port trace id " : "", perr.trace_id,
	    perr.trace_id[0] ? ")" : "");
	if (status == 401 && !bt->refreshed) {
		bt->refreshed = 1;
		if (port_authenticate(b->port, &perr) != 0) {
			fail_batch(b, bt, 401, perr.message);
			goto out;
		}
		enqueue(b, bt);
		goto out;
	}
	o.failure = RETRY_HTTP;
	o.http_status = status;
	o.retry_after = x->retry_after[0] ? x->retry_after : NULL;
	if (status == 429) {
		b->st.throttled++;
		/* Port's limit is per organisation: every call waits. */
		wait = retry_after_ms(o.retry_after, (long long)time(NULL));
		if (wait < 0)
			wait =
			    bulk_reset_ms(x->rl_reset, (long long)time(NULL));
		if (wait > 0 && now + wait > b->paused_until)
			b->paused_until = now + wait;
	}
	again(b, bt, &o, status, why);
out:
	xfer_clear(x);
	return 0;
}

/* Ends the transfers curl has finished (quiet: a side step, which
 * leaves those done() defers for the next bulk_pump); returns how many
 * it ended. */
static int
collect(struct bulk *b, int quiet)
{
	CURLMsg *m;
	int left, n = 0;
	unsigned k;
	struct xfer *x;

	for (k = 0; !quiet && k < b->nslots; k++)
		if (b->slots[k].deferred && b->slots[k].batch) {
			done(b, &b->slots[k], b->slots[k].deferred_rc, 0);
			n++;
		}
	while ((m = curl_multi_info_read(b->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		x = NULL;
		curl_easy_getinfo(
		    m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		if (x == NULL || x->batch == NULL)
			continue;
		if (done(b, x, m->data.result, quiet) == 0)
			n++;
		else {
			x->deferred = 1;
			x->deferred_rc = m->data.result;
		}
	}
	return n;
}

/* When the next queued batch may start (ms from now), 0 if none waits
 * on time, -1 if nothing is queued. */
static long
next_start(const struct bulk *b, long long now)
{
	const struct batch *bt;
	long long at = -1;

	for (bt = b->head; bt; bt = bt->next) {
		long long t = bt->not_before > b->paused_until
		                  ? bt->not_before
		                  : b->paused_until;

		if (at < 0 || t < at)
			at = t;
	}
	if (at < 0)
		return -1;
	return at > now ? (long)(at - now) : 0;
}

/* After a cancel: drops the calls in flight, the queue and the batches
 * being filled, counting their entities as abandoned. Returns -1. */
static int
abandon(struct bulk *b)
{
	struct batch *bt;
	size_t i;
	unsigned k;
	int j;

	for (k = 0; k < b->nslots; k++) {
		if ((bt = b->slots[k].batch) == NULL)
			continue;
		curl_multi_remove_handle(b->multi, b->slots[k].easy);
		b->slots[k].batch = NULL;
		b->busy--;
		xfer_clear(&b->slots[k]);
		enqueue(b, bt); /* counted and freed below */
	}
	for (j = 0; j < 2; j++)
		if (b->fill[j]) {
			enqueue(b, b->fill[j]);
			b->fill[j] = NULL;
		}
	while ((bt = b->head) != NULL) {
		b->head = bt->next;
		b->queued--;
		for (i = 0; i < bt->n; i++)
			b->st.abandoned += bt->items[i].id != NULL;
		batch_free(bt);
	}
	b->tail = NULL;
	return -1;
}

static int
pump(struct bulk *b, long max_wait_ms)
{
	long long end = http_now_ms() + (max_wait_ms > 0 ? max_wait_ms : 0);
	long long now, dl;
	long wait, ns;
	int running, finished;
	struct curl_waitfd wfd = {cancel_fd(), CURL_WAIT_POLLIN, 0};

	for (;;) {
		if (cancel_requested())
			return abandon(b);
		start_ready(b, 0);
		curl_multi_perform(b->multi, &running);
		finished = collect(b, 0);
		start_ready(b, 0);
		now = http_now_ms();
		/* Back to the caller as soon as a call ended: it may have
		 * more to queue, and memory stays bounded either way. */
		if ((b->busy == 0 && b->queued == 0) || finished)
			return 0;
		dl = deadline(b);
		if (dl && now >= dl && b->busy == 0) {
			struct batch *bt;

			while ((bt = b->head) != NULL) {
				b->head = bt->next;
				b->queued--;
				fail_batch(b, bt, 0,
				    "not sent: the run's time limit has "
				    "passed");
			}
			b->tail = NULL;
			return -1;
		}
		if (now >= end)
			return 0;
		wait = (long)(end - now);
		if (b->busy == 0 && (ns = next_start(b, now)) >= 0 && ns < wait)
			wait = ns > 0 ? ns : 1;
		if (wait > 1000)
			wait = 1000;
		/* The cancel pipe wakes the wait (cancel.h). */
		curl_multi_poll(
		    b->multi, &wfd, wfd.fd >= 0 ? 1 : 0, (int)wait, NULL);
	}
}

int
bulk_pump(struct bulk *b, long max_wait_ms)
{
	int rc;

	b->pumping++;
	rc = pump(b, max_wait_ms);
	b->pumping--;
	return rc;
}

unsigned
bulk_side_fds(void *arg, struct pollfd *fds, unsigned max, long *timeout_ms)
{
	struct bulk *b = arg;
	fd_set rd, wr, ex;
	int maxfd = -1, fd;
	long t = -1, ns;
	unsigned n = 0;

	if (b->pumping || cancel_requested())
		return 0;
	if (b->busy == 0) {
		if ((ns = next_start(b, http_now_ms())) >= 0 &&
		    ns < *timeout_ms)
			*timeout_ms = ns;
		return 0;
	}
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_ZERO(&ex);
	if (curl_multi_fdset(b->multi, &rd, &wr, &ex, &maxfd) != CURLM_OK)
		maxfd = -1;
	for (fd = 0; fd <= maxfd && n < max; fd++)
		if (FD_ISSET(fd, &rd) || FD_ISSET(fd, &wr))
			fds[n++] = (struct pollfd){fd,
			    (short)((FD_ISSET(fd, &rd) ? POLLIN : 0) |
			            (FD_ISSET(fd, &wr) ? POLLOUT : 0)),
			    0};
	/* No socket yet (a name resolving) or more than fit: look again
	 * soon, as curl's documentation advises for an empty fd set. */
	if (n == 0 || fd <= maxfd)
		t = 100;
	if (curl_multi_timeout(b->multi, &ns) == CURLM_OK && ns >= 0 &&
	    (t < 0 || ns < t))
		t = ns;
	if (t >= 0 && t < *timeout_ms)
		*timeout_ms = t;
	return n;
}

void
bulk_side_step(void *arg)
{
	struct bulk *b = arg;
	int running;

	if (b->pumping || cancel_requested())
		return;
	b->pumping++;
	start_ready(b, 1);
	curl_multi_perform(b->multi, &running);
	collect(b, 1);
	start_ready(b, 1);
	b->pumping--;
}

static int
bound(struct bulk *b)
{
	/* Memory stays flat: at most BULK_AHEAD queued calls per
	 * connection. */
	while (b->queued >= BULK_AHEAD * (size_t)b->nslots) {
		/* The caller's idle work first; our answers keep arriving
		 * meanwhile and are taken right after. */
		if (b->cfg.idle && !cancel_requested() &&
		    b->cfg.idle(b->cfg.idle_arg) > 0) {
			if (bulk_pump(b, 0) != 0)
				return -1;
			continue;
		}
		if (bulk_pump(b, 100) != 0)
			return -1;
	}
	return bulk_pump(b, 0);
}

int
bulk_room(const struct bulk *b, int deleting)
{
	const struct batch *f = b->fill[deleting ? 1 : 0];
	/* The item seals the batch being filled (a new one never does). */
	size_t seals = f != NULL && f->n + 1 >= f->cap;

	/* bound() waits while, after starting what the free connections
	 * take, BULK_AHEAD x nslots batches or more are still queued. */
	return b->queued + seals + b->busy <
	       (BULK_AHEAD + 1) * (size_t)b->nslots;
}

/* add_item, then bound() when that sealed a call: the connections are
 * pumped once a call, not once an entity (a curl_multi_perform per
 * entity was two system calls per connection, 80,000 a sync of
 * 10,000). */
static int
add_bounded(struct bulk *b, int deleting, struct item it)
{
	size_t queued = b->queued;

	if (add_item(b, deleting, it) != 0)
		return -1;
	if (b->queued == queued && !cancel_requested())
		return 0;
	return bound(b); /* after a cancel: abandons, -1 */
}

int
bulk_upsert(struct bulk *b, cJSON *entity)
{
	const cJSON *id =
	    cJSON_GetObjectItemCaseSensitive(entity, "identifier");
	struct item it = {0};

	if (!cJSON_IsString(id)) {
		cJSON_Delete(entity);
		return -1;
	}
	it.id = strdup(id->valuestring);
	it.json = cJSON_PrintUnformatted(entity);
	cJSON_Delete(entity);
	if (it.id == NULL || it.json == NULL) {
		b->st.failed++;
		item_free(&it);
		return -1;
	}
	return add_bounded(b, 0, it);
}

int
bulk_delete(struct bulk *b, const char *identifier)
{
	struct item it = {0};
	cJSON *s = cJSON_CreateString(identifier);

	it.id = strdup(identifier);
	it.json = s ? cJSON_PrintUnformatted(s) : NULL;
	cJSON_Delete(s);
	if (it.id == NULL || it.json == NULL) {
		b->st.failed++;
		item_free(&it);
		return -1;
	}
	return add_bounded(b, 1, it);
}

int
bulk_finish(struct bulk *b)
{
	int i, rc = 0;

	for (;;) {
		for (i = 0; i < 2; i++)
			if (b->fill[i]) {
				enqueue(b, b->fill[i]);
				b->fill[i] = NULL;
			}
		if (bulk_pump(b, 1000) != 0)
			rc = -1;
		/* A 207 may have queued entities for their second try. */
		if (b->busy == 0 && b->queued == 0 && !b->fill[0] &&
		    !b->fill[1])
			return rc;
	}
}

const struct bulk_stats *
bulk_stats(const struct bulk *b)
{
	return &b->st;
}

static int
make_url(struct buf *u, const struct bulk_config *c, int deleting)
{
	if (buf_printf(u, "%s/v1/blueprints/", c->base_url) != 0 ||
	    port_encode(c->blueprint, u) != 0)
		return -1;
	if (deleting) {
		if (buf_puts(u,
		        "/bulk/entities/delete?delete_dependents=false") != 0)
			return -1;
	} else if (buf_puts(u, "/entities/bulk?upsert=true&merge=true") != 0 ||
	           (c->create_missing_related &&
	               buf_puts(u, "&create_missing_related_entities=true") !=
	                   0))
		return -1;
	if (c->run_id && c->run_id[0] &&
	    (buf_puts(u, "&run_id=") != 0 || port_encode(c->run_id, u) != 0))
		return -1;
	return 0;
}

struct bulk *
bulk_new(struct port *port, const struct bulk_config *cfg,
    bulk_failure_fn on_failure, void *arg)
{
	struct bulk *b;
	unsigned i;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->port = port;
	b->cfg = *cfg;
	b->on_failure = on_failure;
	b->arg = arg;
	b->nslots = cfg->max_in_flight ? cfg->max_in_flight : BULK_IN_FLIGHT;
	if ((b->multi = curl_multi_init()) == NULL ||
	    (b->slots = calloc(b->nslots, sizeof(*b->slots))) == NULL ||
	    make_url(&b->url[0], cfg, 0) != 0 ||
	    make_url(&b->url[1], cfg, 1) != 0)
		goto fail;
	/* One connection per call in flight, reused (keep-alive). */
	curl_multi_setopt(
	    b->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)b->nslots);
	curl_multi_setopt(b->multi, CURLMOPT_MAXCONNECTS, (long)b->nslots);
	for (i = 0; i < b->nslots; i++)
		if ((b->slots[i].easy = curl_easy_init()) == NULL)
			goto fail;
	return b;
fail:
	bulk_free(b);
	return NULL;
}

void
bulk_free(struct bulk *b)
{
	struct batch *bt;
	unsigned i;

	if (b == NULL)
		return;
	for (i = 0; b->slots && i < b->nslots; i++) {
		if (b->slots[i].batch) {
			curl_multi_remove_handle(b->multi, b->slots[i].easy);
			batch_free(b->slots[i].batch);
		}
		if (b->slots[i].easy)
			curl_easy_cleanup(b->slots[i].easy);
		xfer_clear(&b->slots[i]);
		buf_free(&b->slots[i].body);
		buf_free(&b->slots[i].resp);
	}
	free(b->slots);
	while ((bt = b->head) != NULL) {
		b->head = bt->next;
		batch_free(bt);
	}
	batch_free(b->fill[0]);
	batch_free(b->fill[1]);
	if (b->multi)
		curl_multi_cleanup(b->multi);
	buf_free(&b->url[0]);
	buf_free(&b->url[1]);
	free(b);
}
