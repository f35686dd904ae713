/*
 * sync_list: the listing loop of sync (issue 19). Every (account,
 * region) unit is listed page by page at ACM's pace for ListCertificates
 * (one call a second per account and region, aws-acm.md §8); the units
 * due at the same time, up to max_concurrency of them, are asked in one
 * batch (aws_json_call_many: their first attempts in flight together on
 * the run's connection pool, with each unit's tag page when the caller
 * adds it), and while none is due the time goes to the
 * caller (the tag reads, then Port's bulk writes); while a unit holds a
 * page until its tags are in, the wait is a short one, so the page is
 * written as soon as they are. One thread: a unit's answer is handled
 * (its entities queued with the bulk writer) before the next batch
 * starts, so the caller's state needs no lock.
 *
 * Why a batch and not threads: every other part of the run (the bulk
 * writer, the report, the credentials and their refresh, the catalog
 * index) is single-threaded; a batch makes the network wait concurrent
 * without sharing any of them. A slow unit holds its batch back by its
 * own answer time at most (bounded by the request timeout); a refusing
 * one answers at once and is done.
 */
#ifndef PORT_ACM_SYNC_LIST_H
#define PORT_ACM_SYNC_LIST_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "aws/acm.h"

struct sync_list_ops {
	void *ctx;  /* borrowed, handed to every callback */
	size_t n;   /* units 0..n-1 */
	size_t max; /* units asked at once, 1..HTTP_MAX_BATCH */
	/* 1 while unit i has a page to list: its client, its NextToken
	 * ("" before the first page) and when it may be asked (http_now_ms
	 * clock); 0 once it is done. */
	int (*pending)(void *ctx, size_t i, struct acm **acm,
	    const char **token, long long *due);
	/* 1 while unit i holds a page it has not written yet (its tags
	 * are still being read, sync_tags.h, or Port has not taken all its
	 * entities). A unit that holds a page is not pending. At most max
	 * pages are held at once: while max units hold one, no unit is
	 * asked and the wait goes to the tags and Port (without that
	 * bound, an organization's every unit would hold its page while
	 * the tags are read). */
	int (*held)(void *ctx, size_t i);
	/* Writes what the held pages now can, oldest first. */
	void (*feed)(void *ctx);
	/* Unit i's page, asked at `asked`: resp (the callback's to free, or
	 * to hold) or, when NULL, err says why. The callback moves the unit
	 * on. */
	void (*page)(void *ctx, size_t i, long long asked, cJSON *resp,
	    const struct acm_error *err);
	/* Waits until `at`, giving the time to others, and returns 0
	 * sooner once a held page can go on (feed would move
	 * it); -1 at once on a cancel or when the run's deadline comes
	 * first. */
	int (*wait)(void *ctx, long long at);
	/* Optional (NULL: none). Another call to send with unit i's
	 * ListCertificates call in the same batch (its tags, sync_tags.h):
	 * 1 and *it filled, 0 for none; slot (0..max-1) names it. */
	int (*with)(void *ctx, size_t i, size_t slot, struct aws_json_item *it);
	/* The answer to what `with` put in slot (it->out is the
	 * callback's), handed over before unit i's page. */
	void (*took)(
	    void *ctx, size_t i, size_t slot, struct aws_json_item *it);
	/* The run stopped (cancel, deadline) before unit i was done, or
	 * while it held a page: it fails, and its page is dropped. */
	void (*stopped)(void *ctx, size_t i);
};

/* Lists every unit to the end (or until the run stops). */
void sync_list_run(const struct sync_list_ops *ops);

#endif
