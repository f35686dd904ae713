/*
 * bulk: Port's bulk entity writes, several at once (port-api.md §5.1,
 * §5.2, §6). Upserts go out in calls of at most 20 entities (and well
 * under Port's 1 MiB body limit), deletes in calls of at most 100
 * identifiers, over up to `max_in_flight` connections of one curl
 * multi handle, with the TLS rules of http.c and the token of port.c.
 *
 * Why a module of its own: http.c is one blocking easy handle, right
 * for the few ordered calls of request/renew/delete; a sync writes
 * thousands of entities and must keep several calls in flight while
 * the caller keeps listing ACM. Nothing here blocks longer than the
 * caller asks (bulk_pump), except to bound memory (bulk_upsert waits
 * while BULK_AHEAD calls per connection are queued behind the ones in
 * flight).
 *
 * Retries: 429 waits for Retry-After (else x-ratelimit-reset, else
 * backoff) and pauses every new call, since Port's limit is per
 * organisation; x-ratelimit-remaining 0 pauses new calls until the
 * reset; 5xx and lost connections back off per retry.h (the writes
 * are idempotent: upsert+merge, delete); a 401 fetches a new token
 * once. A 207 is read entity by entity (`index`); each failed entity
 * is sent once more in a later call, then reported through the
 * failure callback with Port's reason.
 *
 * Cancel (cancel.h): once the run is cancelled the calls in flight are
 * abandoned at once (the wait wakes on the cancel pipe), nothing new
 * is sent, and what was not written is counted in stats.abandoned,
 * not reported entity by entity: the cancel's own report must fit in
 * the cancel budget.
 *
 * Return convention: 0 on success, -1 when the run's deadline passed,
 * the run was cancelled or memory ran out (what was not written is
 * reported as failed, or counted as abandoned after a cancel).
 */
#ifndef PORT_ACM_BULK_H
#define PORT_ACM_BULK_H

#include <poll.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "port/port.h"

#define BULK_MAX_UPSERT 20  /* port-openapi create-multiple-entities */
#define BULK_MAX_DELETE 100 /* port-openapi delete-multiple-entities */
/* Calls in flight by default: Port's bulk routes allow a few writes at
 * once per client. Each is a TLS connection whose keys Mbed TLS's key
 * table is sized for (scripts/mbedtls_config.h counts 4). */
#define BULK_IN_FLIGHT 4
/* Calls queued per connection behind the one in flight: enough that
 * the connections stay busy while the caller is away in a call of its
 * own (a listing or tag page, answered 20-100 ms later: the side step
 * starts what is queued but cannot fill new calls), few enough that
 * memory stays flat (about 30 KiB a call of 20 entities). */
#define BULK_AHEAD 4

struct bulk_config {
	const char *base_url;  /* no trailing slash; borrowed */
	const char *ca_file;   /* NULL = built-in bundle; borrowed */
	const char *blueprint; /* borrowed */
	const char *run_id;    /* NULL or "" = not tied to a run */
	const char *user_agent;
	long connect_timeout_ms;
	long timeout_ms;        /* per call */
	long long deadline_ms;  /* absolute, http_now_ms(); 0 = none */
	unsigned max_in_flight; /* 0 = BULK_IN_FLIGHT */
	int create_missing_related;
	const struct http *http; /* the run's client, or NULL: its deadline
	                          * (http_deadline) is read at every step,
	                          * so a moved deadline applies at once;
	                          * borrowed */
	/* Optional: other work for the time bulk_upsert/bulk_delete wait
	 * for room (sync's tag reads). One short step per call, 1 when it
	 * did some, 0 when it has none; it must not call into this bulk. */
	int (*idle)(void *arg);
	void *idle_arg;
};

struct bulk_stats {
	unsigned long calls;          /* HTTP requests sent */
	unsigned long upsert_calls;   /* ... of them bulk upserts */
	unsigned long delete_calls;   /* ... bulk deletes */
	unsigned long max_in_flight;  /* most calls open at once */
	unsigned long written;        /* entities Port accepted */
	unsigned long deleted;        /* identifiers Port deleted */
	unsigned long not_found;      /* delete: not in Port any more */
	unsigned long failed;         /* entities reported as failed */
	unsigned long entity_retries; /* entities re-sent after a 207 */
	unsigned long abandoned;      /* entities dropped by a cancel */
	unsigned long throttled;      /* 429 answers */
	long long throttle_wait_ms;   /* time paused for rate limits */
	long connections;             /* TCP connections opened */
};

/* One entity (or identifier to delete) that could not be written:
 * status is Port's statusCode (0 without an answer), reason Port's
 * message or what went wrong. Both strings are borrowed for the call. */
typedef void (*bulk_failure_fn)(void *arg, int deleting, const char *identifier,
    long status, const char *reason);

struct bulk;

/* port is borrowed (its token and re-authentication); NULL on out of
 * memory or when curl cannot be set up. Caller frees with bulk_free. */
struct bulk *bulk_new(struct port *port, const struct bulk_config *cfg,
    bulk_failure_fn on_failure, void *arg);
void bulk_free(struct bulk *b);

/* Queues one entity for upsert (upsert=true&merge=true). Takes
 * ownership of entity, which must have a string "identifier". */
int bulk_upsert(struct bulk *b, cJSON *entity);
/* Queues one identifier for deletion (delete_dependents=false). */
int bulk_delete(struct bulk *b, const char *identifier);
/* 1 when the next bulk_upsert (deleting 0) or bulk_delete (1) returns
 * without waiting for room: what it may seal into a call can start, or
 * wait in the queue, at once. 0 while it would wait for a call to end;
 * bulk_pump moves that along. Lets a caller with other work (sync's
 * listing) hand entities over only as fast as Port takes them. */
int bulk_room(const struct bulk *b, int deleting);
/* Moves transfers along for up to max_wait_ms (0: only what is ready),
 * returning early when a call ended or nothing is left to do; -1 at
 * once after a cancel (everything abandoned) or past the deadline. */
int bulk_pump(struct bulk *b, long max_wait_ms);
/* An http_side (http.h) for the run's client: while another call waits
 * on the network, the writes in flight go on and free connections take
 * the next queued call. A side step never calls back (a failure, a 401
 * or a retry is left for the next bulk_pump, which the caller runs
 * soon) and does nothing inside bulk_pump or after a cancel. arg is the
 * bulk. */
unsigned bulk_side_fds(
    void *arg, struct pollfd *fds, unsigned max, long *timeout_ms);
void bulk_side_step(void *arg);
/* Sends what is queued and waits until every call has ended. */
int bulk_finish(struct bulk *b);
const struct bulk_stats *bulk_stats(const struct bulk *b);

/* Pure. x-ratelimit-reset as milliseconds from now: Port's docs say
 * UTC epoch seconds, its Terraform provider reads seconds-until-reset
 * (port-api.md §6), so a value above 10^9 is taken as epoch. -1 when
 * absent or unparseable. */
long bulk_reset_ms(const char *value, long long now_epoch);

#endif
