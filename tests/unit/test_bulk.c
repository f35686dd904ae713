/*
 * Unit tests for bulk.c: x-ratelimit-reset in both of the meanings
 * port-api.md §6 records (epoch seconds per Port's docs, seconds until
 * the reset per Port's Terraform provider), and the writer's cancel and
 * deadline against a local server on 127.0.0.1 that never answers or
 * answers 429 (issue 16, defect 1), the idle work run while a write
 * waits for room (issue 18), and bulk_room and the side step that keeps
 * the writes going while another call waits (issue 18, 19). The rest of
 * the transfers is tested end to end (tests/e2e/test_sync.py,
 * test_sync_concurrency.py).
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/cancel.h"
#include "base/http.h"
#include "port/bulk.h"
#include "port/port.h"
#include "tap.h"

/* A server on 127.0.0.1: mode 0 holds every connection unanswered,
 * mode 1 answers each request 429 with Retry-After: 30, mode 2 answers
 * 200 writing entities 0..19 (ok200). */
struct server {
	int fd, mode, port;
	pthread_t th;
};

static void *
serve(void *arg)
{
	static const char r429[] =
	    "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 30\r\n"
	    "Content-Type: application/json\r\nContent-Length: 40\r\n\r\n"
	    "{\"ok\":false,\"error\":\"rate_limit_exceed\"}";
	struct server *sv = arg;
	char req[65536], ok200[2048], body[1536];
	int c, i, n = 0;

	n +=
	    snprintf(body + n, sizeof(body) - n, "{\"ok\":true,\"entities\":[");
	for (i = 0; i < BULK_MAX_UPSERT; i++)
		n += snprintf(body + n, sizeof(body) - n,
		    "%s{\"identifier\":\"e%d\",\"index\":%d,\"created\":true}",
		    i ? "," : "", i, i);
	snprintf(body + n, sizeof(body) - n, "],\"errors\":[]}");
	snprintf(ok200, sizeof(ok200),
	    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	    "Connection: close\r\nContent-Length: %zu\r\n\r\n%s",
	    strlen(body), body);
	while ((c = accept(sv->fd, NULL, NULL)) >= 0) {
		if (sv->mode == 1 || sv->mode == 2) {
			/* One request per connection is enough here. */
			(void)!read(c, req, sizeof(req));
			if (sv->mode == 1)
				(void)!write(c, r429, sizeof(r429) - 1);
			else
				(void)!write(c, ok200, strlen(ok200));
		}
		/* mode 0: left open, never answered */
	}
	return NULL;
}

static int
server_start(struct server *sv, int mode)
{
	struct sockaddr_in a = {0};
	socklen_t len = sizeof(a);

	sv->mode = mode;
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((sv->fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    bind(sv->fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(sv->fd, 16) != 0 ||
	    getsockname(sv->fd, (struct sockaddr *)&a, &len) != 0)
		return -1;
	sv->port = ntohs(a.sin_port);
	return pthread_create(&sv->th, NULL, serve, sv);
}

static void *
term_later(void *arg)
{
	struct timespec ts = {0, 300 * 1000000L};

	(void)arg;
	nanosleep(&ts, NULL);
	kill(getpid(), SIGTERM);
	return NULL;
}

static unsigned long failures;
static char last_reason[1200];

static void
on_failure(
    void *arg, int deleting, const char *id, long status, const char *reason)
{
	(void)arg;
	(void)deleting;
	(void)id;
	(void)status;
	failures++;
	snprintf(last_reason, sizeof(last_reason), "%s", reason);
}

/* A writer on the server at srv_port, with cfg's own fields (deadline,
 * connections, idle work) and the test's usual rest. Port and the
 * writer borrow the URL: it lives in static storage, one writer at a
 * time (each test frees its writer before opening the next). */
static struct bulk *
open_writer(
    struct http *http, struct port **port, int srv_port, struct bulk_config cfg)
{
	static char url[64];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", srv_port);
	*port =
	    port_new(http, &(struct port_config){url, "id", "secret", NULL, 0});
	cfg.base_url = url;
	cfg.blueprint = "acmCertificate";
	cfg.connect_timeout_ms = 2000;
	cfg.timeout_ms = 20000;
	cfg.http = http;
	return bulk_new(*port, &cfg, on_failure, NULL);
}

static struct bulk *
writer(struct http *http, struct port **port, int srv_port, long long dl)
{
	struct bulk *b;
	cJSON *e;
	int i;

	b = open_writer(
	    http, port, srv_port, (struct bulk_config){.deadline_ms = dl});
	for (i = 0; b && i < 3; i++) {
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "identifier",
		    i == 0   ? "a"
		    : i == 1 ? "b"
		             : "c");
		bulk_upsert(b, e);
	}
	return b;
}

/* defect 1: a cancel abandons the calls in flight at once and sends
 * nothing more; a 429 whose Retry-After passes the deadline fails at
 * once instead of holding the run until the deadline. */
static void
test_cancel_and_deadline(void)
{
	struct server hold, slow;
	struct http *http;
	struct port *port = NULL;
	struct bulk *b;
	pthread_t th;
	long long t0, dt;
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	ok(cancel_install() == 0, "cancel handlers installed");
	http = http_new(&(struct http_options){2000, 20000, 0, "test"});
	ok(server_start(&hold, 0) == 0 && server_start(&slow, 1) == 0,
	    "local servers on 127.0.0.1");

	/* 429 + Retry-After: 30 with 5 s to go: failed now, not in 5 s. */
	failures = 0;
	t0 = http_now_ms();
	b = writer(http, &port, slow.port, t0 + 5000);
	rc = bulk_finish(b);
	dt = http_now_ms() - t0;
	ok(rc == 0 && dt < 2500,
	    "defect 1: a 429 whose Retry-After passes the deadline fails at "
	    "once (%lld ms)",
	    dt);
	ok(failures == 3 && strstr(last_reason, "time limit") != NULL,
	    "defect 1: each entity fails, saying the retry would pass the "
	    "time limit (%lu: %s)",
	    failures, last_reason);
	bulk_free(b);
	port_free(port);

	/* Port never answers; SIGTERM 300 ms in: bulk_finish returns
	 * within the moment, not at the deadline 4 s away. */
	failures = 0;
	t0 = http_now_ms();
	b = writer(http, &port, hold.port, t0 + 4000);
	pthread_create(&th, NULL, term_later, NULL);
	rc = bulk_finish(b);
	dt = http_now_ms() - t0;
	pthread_join(th, NULL);
	ok(rc == -1 && dt < 1500,
	    "defect 1: a cancel abandons the bulk call in flight at once "
	    "(%lld ms, rc %d)",
	    dt, rc);
	ok(bulk_stats(b)->abandoned == 3 && failures == 0,
	    "the entities are counted as abandoned, none reported one by one "
	    "(%lu abandoned, %lu failures)",
	    bulk_stats(b)->abandoned, failures);
	ok(bulk_stats(b)->calls == 1,
	    "one call went out before the cancel, none after (%lu)",
	    bulk_stats(b)->calls);
	{
		cJSON *e = cJSON_CreateObject();

		cJSON_AddStringToObject(e, "identifier", "d");
		ok(bulk_upsert(b, e) == -1 && bulk_stats(b)->calls == 1,
		    "defect 1: an upsert after the cancel is not sent");
	}
	bulk_free(b);
	port_free(port);
	http_free(http);
	cancel_reset();
}

static int idle_calls, idle_work;

/* bulk_config.idle: does "work" idle_work times, then has none. */
static int
idle(void *arg)
{
	int *left = arg;

	idle_calls++;
	if (*left == 0)
		return 0;
	(*left)--;
	idle_work++;
	return 1;
}

/* issue 18: while bulk_upsert waits for room, the caller's idle work
 * (sync's tag reads) runs, one step at a time, until it has none; then
 * the wait goes on as before (Port never answers here). */
static void
test_idle(void)
{
	struct server hold;
	struct http *http;
	struct port *port;
	struct bulk *b;
	char id[16];
	cJSON *e;
	int i, rc = 0, left = 3;

	http = http_new(&(struct http_options){2000, 20000, 0, "test"});
	ok(server_start(&hold, 0) == 0, "idle: a server that never answers");
	b = open_writer(http, &port, hold.port,
	    (struct bulk_config){.deadline_ms = http_now_ms() + 600,
	        .max_in_flight = 1,
	        .idle = idle,
	        .idle_arg = &left});
	/* One call in flight, BULK_AHEAD queued, then one that waits. */
	for (i = 0; b && i < (BULK_AHEAD + 2) * BULK_MAX_UPSERT && rc == 0;
	     i++) {
		e = cJSON_CreateObject();
		snprintf(id, sizeof(id), "e%d", i);
		cJSON_AddStringToObject(e, "identifier", id);
		rc = bulk_upsert(b, e);
		if (i == BULK_MAX_UPSERT - 2) /* the first call not full */
			ok(idle_calls == 0,
			    "idle: not called while there is room (%d)",
			    idle_calls);
	}
	ok(idle_work == 3 && left == 0,
	    "idle: the wait for room ran the idle work until it had none "
	    "(%d steps)",
	    idle_work);
	ok(idle_calls > idle_work,
	    "idle: then the wait went on as before, pumping (%d calls, rc %d)",
	    idle_calls, rc);
	bulk_free(b);
	port_free(port);
	http_free(http);
}

/* A writer on sv with one full call (e0..e19) sent, two connections
 * (so that sealing it did not wait for its answer). */
static struct bulk *
full_call(struct http *http, struct port **port, const struct server *sv,
    long long dl)
{
	char id[16];
	struct bulk *b;
	cJSON *e;
	int i;

	b = open_writer(http, port, sv->port,
	    (struct bulk_config){.deadline_ms = dl, .max_in_flight = 2});
	for (i = 0; b && i < BULK_MAX_UPSERT; i++) {
		e = cJSON_CreateObject();
		snprintf(id, sizeof(id), "e%d", i);
		cJSON_AddStringToObject(e, "identifier", id);
		bulk_upsert(b, e);
	}
	return b;
}

/* Side steps (what http.c runs while another call waits) for up to ms,
 * waking on the writer's descriptors as http.c would. */
static void
side_for(struct bulk *b, long ms)
{
	long long end = http_now_ms() + ms;
	struct pollfd fds[16];
	long t;
	unsigned n;

	while (http_now_ms() < end) {
		t = (long)(end - http_now_ms());
		n = bulk_side_fds(b, fds, 16, &t);
		(void)poll(fds, n, (int)(t > 0 ? t : 0));
		bulk_side_step(b);
	}
}

/* sync's pages go to the writer only while it has room (bulk_room),
 * and its calls go on while another call waits (bulk_side_step): a
 * step ends a call Port answered 200 for every entity, but leaves an
 * answer that needs the caller (a 429 here: a failure to report, a
 * retry) for the next bulk_pump: no callback from inside another call. */
static void
test_room_and_side(void)
{
	struct server hold, busy429, fine;
	struct http *http;
	struct port *port;
	struct bulk *b;
	cJSON *e;
	char id[16];
	int i, room = 1;

	http = http_new(&(struct http_options){2000, 20000, 0, "test"});
	ok(server_start(&hold, 0) == 0 && server_start(&busy429, 1) == 0 &&
	        server_start(&fine, 2) == 0,
	    "side: local servers");

	/* Two connections, Port silent: 40 in flight, 2 x BULK_AHEAD - 1
	 * calls queued, 19 being filled: the next would seal one call
	 * more than the queue holds, and wait. */
	b = full_call(http, &port, &hold, http_now_ms() + 5000);
	ok(bulk_room(b, 0) && bulk_stats(b)->calls == 1,
	    "room: one call in flight, the queue empty: room");
	for (i = 20; i < (BULK_AHEAD + 1) * 2 * BULK_MAX_UPSERT - 1; i++) {
		e = cJSON_CreateObject();
		snprintf(id, sizeof(id), "e%d", i);
		cJSON_AddStringToObject(e, "identifier", id);
		room &= bulk_room(b, 0);
		bulk_upsert(b, e);
	}
	ok(room && !bulk_room(b, 0),
	    "room: until the write that would seal one call more than the "
	    "queue holds");
	bulk_free(b);
	port_free(port);

	failures = 0;
	b = full_call(http, &port, &fine, http_now_ms() + 5000);
	side_for(b, 300);
	ok(bulk_stats(b)->written == BULK_MAX_UPSERT && failures == 0,
	    "side: a 200 for every entity is taken by the side step (%lu "
	    "written)",
	    bulk_stats(b)->written);
	bulk_free(b);
	port_free(port);

	failures = 0;
	b = full_call(http, &port, &busy429, http_now_ms() + 2000);
	side_for(b, 300);
	ok(failures == 0 && bulk_stats(b)->throttled == 0 &&
	        bulk_stats(b)->written == 0,
	    "side: a 429 is left alone by the side step (%lu failures, %lu "
	    "throttled)",
	    failures, bulk_stats(b)->throttled);
	bulk_pump(b, 0);
	ok(bulk_stats(b)->throttled == 1 && failures == BULK_MAX_UPSERT,
	    "side: the next bulk_pump handles it: its Retry-After passes the "
	    "time limit, each entity fails (%lu failures)",
	    failures);
	bulk_free(b);
	port_free(port);
	http_free(http);
}

/* http_header_value: the one header reader of http.c and bulk.c. */
static void
test_header_value(void)
{
	static const char line[] = "retry-after: \t 7 \r\n";
	char v[8] = "keep";

	http_header_value(line, strlen(line), "Retry-After", v, sizeof(v));
	ok(strcmp(v, "7") == 0, "header: name case-insensitive, value trimmed");
	strcpy(v, "keep");
	http_header_value(line, strlen(line), "Retry", v, sizeof(v));
	ok(strcmp(v, "keep") == 0, "header: a prefix of the name is not it");
	http_header_value(
	    "X-Trace-Id: 0123456789abcdef\r\n", 30, "X-Trace-Id", v, sizeof(v));
	ok(strcmp(v, "0123456") == 0, "header: cut to the room there is");
	http_header_value("Date:\r\n", 7, "Date", v, sizeof(v));
	ok(v[0] == '\0', "header: empty value");
}

int
main(void)
{
	const long long now = 1790000000LL;

	ok(bulk_reset_ms("30", now) == 30000, "seconds until reset");
	ok(bulk_reset_ms("1790000012", now) == 12000, "epoch seconds");
	ok(bulk_reset_ms("1789999990", now) == 0, "an epoch in the past: now");
	ok(bulk_reset_ms("0.5", now) == 500, "fractions of a second");
	ok(bulk_reset_ms("99999", now) == 3600000, "capped at an hour");
	ok(bulk_reset_ms(NULL, now) == -1 && bulk_reset_ms("", now) == -1,
	    "absent: -1");
	ok(bulk_reset_ms("soon", now) == -1 &&
	        bulk_reset_ms("12s", now) == -1 &&
	        bulk_reset_ms("-5", now) == -1 &&
	        bulk_reset_ms("nan", now) == -1,
	    "unparseable or negative: -1");
	test_header_value();
	test_cancel_and_deadline();
	test_idle();
	test_room_and_side();
	return done_testing();
}
