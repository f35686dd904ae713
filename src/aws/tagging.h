/*
 * tagging: the Resource Groups Tagging API client (awsJson1_1, target
 * ResourceGroupsTaggingAPI_20170126, signing name "tagging", regional),
 * on the AWS request layer (aws.h). sync reads every certificate's tags
 * with GetResources: one call per 100 tagged resources instead of one
 * ListTagsForCertificate per certificate.
 *
 * Return convention: 0 on success; -1 on failure with *err filled in.
 */
#ifndef PORT_ACM_TAGGING_H
#define PORT_ACM_TAGGING_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "aws/aws.h"
#include "aws/aws_json.h"
#include "base/http.h"

struct tagging;

/* endpoint: "" for the region's own (tagging.<region>.<suffix>, with
 * fips/dualstack as aws_endpoint resolves them), else a custom URL
 * (AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API) signed for region.
 * Everything is borrowed for the call; http, credentials' ctx and clock
 * must outlive the client. NULL on out of memory or no endpoint. Caller
 * frees with tagging_free. */
struct tagging *tagging_new(struct http *http, struct clock *clock,
    const char *endpoint, const char *region, int fips, int dualstack,
    struct aws_credentials_provider credentials, const char *ca_file,
    const char *ca_setting, unsigned max_attempts);
void tagging_free(struct tagging *t);

/* One GetResources page of ACM certificates (ResourceTypeFilters
 * ["acm:certificate"], ResourcesPerPage 100) from token ("" = the
 * first). On success *out is the answer (caller frees with cJSON_Delete)
 * and next gets its PaginationToken ("" at the end, as the service ends
 * a listing; a token longer than nextlen is an error). */
int tagging_get_certificates(struct tagging *t, const char *token, cJSON **out,
    char *next, size_t nextlen, struct aws_error *err);

/* One GetResources page of a batch (tagging_get_many). */
struct tagging_page {
	struct tagging *t; /* borrowed */
	const char *token; /* borrowed; NULL or "" = the first page */
	cJSON *out;        /* with rc 0: the answer, the caller's to free */
	char next[4096];   /* with rc 0: its PaginationToken, "" at the end */
	struct aws_error err; /* with rc -1 */
	int rc;
};

/* n pages as tagging_get_certificates each, their first attempts in
 * flight together (aws_call_many, at most max at once), each client
 * signing with its own credentials. */
void tagging_get_many(struct tagging_page *p, size_t n, size_t max);

/* Page p (p->t, p->token set) as an aws_json_call_many item, for a
 * caller that sends it in one batch with other calls: 0 and *it filled
 * (its params owned by *it until tagging_page_take), or -1 with p->rc
 * and p->err set (out of memory; nothing to send). */
int tagging_page_item(struct tagging_page *p, struct aws_json_item *it);
/* The answer to it (sent) into p, as tagging_get_many would have
 * filled it; frees its params. */
void tagging_page_take(struct tagging_page *p, struct aws_json_item *it);

#endif
