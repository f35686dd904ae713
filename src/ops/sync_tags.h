/*
 * sync_tags: every certificate's tags for sync (issue 18), read once per
 * region before the listing with the Resource Groups Tagging API
 * (GetResources, 100 certificates a call), or, in a region where that
 * is refused (AccessDeniedException: no tag:GetResources), one ACM
 * ListTagsForCertificate per certificate. They become the entity's
 * "tags" object property; the value of the tag owner_tag_key becomes
 * the "owner" property and that of team_tag_key the entity's Port team,
 * if Port has a team of that name (GET /v1/teams, read once per run):
 * an unknown team is logged and left out, never failing the entity.
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

struct sync_tags;

/* A Tagging API client per region of env->cfg (its tagging_endpoint or
 * the regional one). NULL on out of memory or no endpoint; env is
 * borrowed and must outlive it. Free with sync_tags_free. */
struct sync_tags *sync_tags_new(struct op_env *env);
void sync_tags_free(struct sync_tags *st);

/* Reads Port's teams (with env->port), then the tags of every region
 * (GetResources pages, bounded by a pager, stops at a cancel). A region whose
 * read is refused switches to ListTagsForCertificate; one whose read fails
 * otherwise gets no "tags" property this run (a warning says why), so Port
 * keeps what it had. */
void sync_tags_read(struct sync_tags *st);

/* Sets entity's properties.tags for the certificate arn of region
 * index ri (the config's order); acm is that region's client, for the
 * fallback. Nothing happens when the region's tags are unknown. */
void sync_tags_apply(struct sync_tags *st, size_t ri, struct acm *acm,
    const char *arn, cJSON *entity);

/* Adds {"calls", "fallbackCalls", "tagged", "regionsFallback",
 * "teamsInPort", "teamLeftOut"} as
 * "tags" to the sync report rep. */
void sync_tags_report(const struct sync_tags *st, cJSON *rep);

#endif
