/*
 * sync_tags: every certificate's tags for sync (issue 18), read once per
 * unit, an (account, region) with that account's credentials (issue 19:
 * every account's certificates carry their tags), with the Resource
 * Groups Tagging API (GetResources, 100 certificates a call), or, in a
 * unit where that is refused
 * (AccessDeniedException: no tag:GetResources), one ACM
 * ListTagsForCertificate per certificate.
 *
 * When: a unit's next GetResources page goes in the same batch as its
 * ListCertificates call (sync_tags_ask; an organization's small units
 * then cost one round trip, not two), and the rest are read in the
 * listing's pacing gaps (ListCertificates is paced at 1/s per unit), one
 * page per unit per call of sync_tags_idle, which op_sync's wait runs
 * before giving the rest of the gap to Port's writes. GetResources lists in its
 * own order, so a certificate without tags is known as such only once its
 * region's listing has ended: a ListCertificates page that arrives before that
 * is held by the sync (at most one page per unit, which is not listed further
 * meanwhile); the certificates of it that a GetResources page has named already
 * are written at once (sync_tags_known), the rest once sync_tags_ready says the
 * region's tags are in, so every entity is written once, with its tags, and
 * Port's writes start with the first tag page rather than after the last. What
 * stays in memory is the map ARN -> tags (small objects) and those held pages.
 * They become the entity's "tags" object property; the value of the tag
 * owner_tag_key becomes the "owner" property and that of team_tag_key the
 * entity's Port team, if Port has a team of that name (GET /v1/teams, read once
 * per run): an unknown team is logged and left out, never failing the entity.
 *
 * Tag keys and values come from AWS: a pair longer than AWS allows
 * (128 / 256 bytes) or not a string is left out; at most 50 pairs (ACM's
 * limit) are kept per certificate.
 */
#ifndef PORT_ACM_SYNC_TAGS_H
#define PORT_ACM_SYNC_TAGS_H

#include <cjson/cJSON.h>

#include "aws/acm.h"
#include "ops/ops.h"
#include "port/bulk.h"

struct sync_tags;

/* A unit of the sync: its region (NULL: the unit gets no tags, e.g. an
 * account that refused its role), a label for messages, and the
 * credentials of its account. Borrowed: all must outlive the
 * sync_tags. */
struct sync_tags_unit {
	const char *region;
	const char *label;
	struct aws_credentials_provider creds;
};

/* A Tagging API client per unit u[0..n-1] (env->cfg's tagging_endpoint
 * or the regional one), the next pages of up to max units read at once
 * (max_concurrency). NULL on out of memory or no endpoint; env is
 * borrowed and must outlive it. Free with sync_tags_free. */
struct sync_tags *sync_tags_new(
    struct op_env *env, const struct sync_tags_unit *u, size_t n, size_t max);
void sync_tags_free(struct sync_tags *st);

/* Reads Port's teams (with env->port), once per run, before the
 * listing. */
void sync_tags_read(struct sync_tags *st);

/* The idle work: reads the next GetResources page of each of the first
 * max units whose tags are still to read (together, each bounded by a
 * pager), then lets bulk (NULL for
 * none) take the answers of its writes without waiting. 1 when it read
 * a page (the caller looks at its clock again), 0 when nothing is left
 * to read or the run is cancelled. A region whose read is refused
 * switches to ListTagsForCertificate; one whose read fails otherwise gets
 * no "tags" property this run (a warning says why), so Port keeps what
 * it had. */
int sync_tags_idle(struct sync_tags *st, struct bulk *bulk);
/* Unit ri's next GetResources page, for the caller to send in one batch
 * with the unit's ListCertificates call (sync_list.h's `with`), so an
 * organization's small units cost one round trip each, not two: 1 and
 * *it filled (its answer goes to sync_tags_took with the same slot,
 * 0..max-1) while the unit's tags are still to read; 0 otherwise. */
int sync_tags_ask(
    struct sync_tags *st, size_t ri, size_t slot, struct aws_json_item *it);
/* The answer to what sync_tags_ask put in slot (it->out is consumed),
 * taken as sync_tags_idle takes its pages. */
void sync_tags_took(
    struct sync_tags *st, size_t ri, size_t slot, struct aws_json_item *it);
/* The same as bulk_config's idle (arg: the sync_tags), for the time the
 * bulk writer waits for room: it does not pump the writer. */
int sync_tags_idle_fn(void *arg);

/* Pure. 1 when the tags of unit ri are settled (read, refused and so
 * read per certificate, or failed), or when there is no such unit (st
 * NULL, ri past the units); 0 while pages remain: a listing page of
 * that unit must wait. */
int sync_tags_ready(const struct sync_tags *st, size_t ri);

/* 1 while unit ri's tags are still being read but those of arn are in
 * already (a GetResources page named it): its entity can be written
 * now, before sync_tags_ready. */
int sync_tags_known(struct sync_tags *st, size_t ri, const char *arn);
/* Pure. Grows with every GetResources answer taken: a page held for
 * its tags is worth looking at again only when it changed. */
unsigned long sync_tags_version(const struct sync_tags *st);

/* Sets entity's properties.tags for the certificate arn of unit ri;
 * acm is that unit's client, for the fallback. Nothing happens when the
 * unit's tags are unknown. */
void sync_tags_apply(struct sync_tags *st, size_t ri, struct acm *acm,
    const char *arn, cJSON *entity);

/* Adds {"calls", "fallbackCalls", "tagged", "regionsFallback",
 * "teamsInPort", "teamLeftOut", "readMs" (first GetResources to the
 * last answer)} as
 * "tags" to the sync report rep. */
void sync_tags_report(const struct sync_tags *st, cJSON *rep);

#endif
