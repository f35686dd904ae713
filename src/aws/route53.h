/*
 * route53: the Amazon Route 53 client port-acm needs for ACM DNS
 * validation (REST-XML on the AWS request layer, aws.h): find the public
 * hosted zone for a name, write a batch of CNAMEs, watch a change, read
 * a record back before deleting it. Request bodies are written with
 * xml_escape; answers are read with xml.h, never by scanning strings.
 *
 * Route 53 is global: one endpoint per partition, signed for the
 * partition's region (aws_endpoint("route53", ...)).
 *
 * Return convention: 0 on success; -1 on failure with *err filled in.
 * The route53_parse_* and route53_*_xml functions are pure, so they are
 * unit-tested and fuzzed without a network.
 */
#ifndef PORT_ACM_ROUTE53_H
#define PORT_ACM_ROUTE53_H

#include <stddef.h>

#include "aws/aws.h"
#include "base/buf.h"
#include "base/http.h"

/* Where the client connects and how (aws.h); endpoint is a URL
 * (NULL or "" = the service's own for region), clock NULL = a private
 * one. The old name stays for op code. */
#define route53_config aws_client_settings

struct route53_zone {
	char id[40];    /* bare id, "Z3M3LMPEXAMPLE" (no /hostedzone/) */
	char name[256]; /* normalised (route53_name_norm): "example.com." */
	int private_zone;
};

struct route53_change {
	const char *action; /* "UPSERT", "DELETE" */
	const char *name;   /* fully qualified; borrowed */
	const char *type;   /* "CNAME" */
	long ttl;
	const char *value; /* borrowed */
};

struct route53_change_info {
	char id[128];    /* bare id, "C2682N5HXP0BZ4" */
	char status[16]; /* PENDING | INSYNC */
	char submitted_at[40];
};

/* Every call counted, for the report and the benchmark. */
struct route53_stats {
	unsigned list_zones, change, get_change, list_records, get_zone;
};

struct route53;

/* NULL when the endpoint is unusable or memory ran out; why says which.
 * http is borrowed and must outlive the client. Free with route53_free. */
struct route53 *route53_new(struct http *http, const struct route53_config *cfg,
    char *why, size_t whylen);
void route53_free(struct route53 *r);
const struct route53_stats *route53_stats(const struct route53 *r);

/* The hosted zone to write name's validation record into: the public
 * zone with the longest name that name is in (name itself, then its
 * parents), found with ListHostedZonesByName, one call per candidate
 * name (cached). Private zones are never chosen.
 * 0 found (*zone filled); 1 no public zone (why says so, naming a
 * private one if that is all there is); 2 two public zones of the same
 * name (why names both ids); -1 Route 53 failed (err). */
int route53_find_zone(struct route53 *r, const char *name,
    struct route53_zone *zone, char *why, size_t whylen, struct aws_error *err);

/* Every public hosted zone of the account, in Route 53's order, with
 * ListHostedZonesByName from the start, 100 a page (pager-bounded):
 * ceil(zones/100) calls. *zones is owned by the caller (free), NULL
 * when there are none. 0, or -1 with err. */
int route53_list_zones(struct route53 *r, struct route53_zone **zones,
    size_t *n, struct aws_error *err);

/* One ChangeResourceRecordSets batch (transactional) into zone_id. */
int route53_change(struct route53 *r, const char *zone_id, const char *comment,
    const struct route53_change *changes, size_t n,
    struct route53_change_info *info, struct aws_error *err);

/* GetChange (id with or without "/change/"). */
/* GetHostedZone: the zone's name and whether it is private (a private
 * zone's records are not what ACM sees), for a hosted_zone_id given as
 * input. */
int route53_get_zone(struct route53 *r, const char *id,
    struct route53_zone *zone, struct aws_error *err);
/* Pure. GetHostedZoneResponse into zone; 0, or -1 with why. */
int route53_parse_zone(const char *xml, size_t len, struct route53_zone *zone,
    char *why, size_t whylen);

/* A public zone's own name servers: GetHostedZone's DelegationSet, the
 * servers its parent must delegate to (the validation doctor compares
 * them with public DNS). Lower case, no trailing dot; at most
 * ROUTE53_MAX_NS kept (cut set when there were more). */
#define ROUTE53_MAX_NS 8
struct route53_ns {
	size_t n;
	int cut;
	char ns[ROUTE53_MAX_NS][256];
};
/* GetHostedZone with its delegation set (n 0 for a private zone, which
 * has none). */
int route53_get_zone_ns(struct route53 *r, const char *id,
    struct route53_zone *zone, struct route53_ns *ns, struct aws_error *err);
/* Pure. route53_parse_zone and the DelegationSet's NameServers into ns
 * (NULL: not wanted). */
int route53_parse_zone_ns(const char *xml, size_t len,
    struct route53_zone *zone, struct route53_ns *ns, char *why, size_t whylen);

int route53_get_change(struct route53 *r, const char *id,
    struct route53_change_info *info, struct aws_error *err);

/* Reads name's record of type back (ListResourceRecordSets), for a
 * DELETE that must repeat its TTL and value. *found 0 when there is
 * none; otherwise ttl and value (the first one) are filled. */
int route53_get_record(struct route53 *r, const char *zone_id, const char *name,
    const char *type, int *found, long *ttl, char *value, size_t valuelen,
    struct aws_error *err);

/* Pure. Lower case, octal escapes (\052) decoded, one trailing dot.
 * -1 when it does not fit or is empty. */
int route53_name_norm(const char *in, char *out, size_t outlen);

/* Pure. The ChangeResourceRecordSetsRequest body, elements in the
 * model's order, text escaped. -1 on a value XML cannot carry or out
 * of memory. */
int route53_change_xml(struct buf *out, const char *comment,
    const struct route53_change *changes, size_t n);

/* Pure. A ListHostedZonesByName answer: up to cap zones into zones
 * (*n of them; more are an error), IsTruncated and the next page's
 * start. -1 with why when it is not one. */
int route53_parse_zones(const char *xml, size_t len, struct route53_zone *zones,
    size_t cap, size_t *n, int *truncated, char *next_name, size_t nnlen,
    char *next_id, size_t nilen, char *why, size_t whylen);

/* Pure. The ChangeInfo of a ChangeResourceRecordSets or GetChange
 * answer. -1 with why when it has none. */
int route53_parse_change_info(const char *xml, size_t len,
    struct route53_change_info *info, char *why, size_t whylen);

#endif
