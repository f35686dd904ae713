#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/route53.h"
#include "aws/xml.h"
#include "base/pager.h"

/* aws-route53.md §1, §2 */
#define API            "/2013-04-01"
#define NS             "https://route53.amazonaws.com/doc/2013-04-01/"
#define MAX_CANDIDATES 128 /* labels in a DNS name, bounded */
#define ZONES_PER_PAGE 10
/* route53_list_zones: the most ListHostedZonesByName gives per page. */
#define ZONES_PER_LIST_PAGE 100
/* Hosted zones of one name, in pages of ZONES_PER_PAGE: Route 53 allows
 * 500 zones per account by default. */
#define ZONES_MAX_PAGES 1000

static const struct aws_service route53_service = {.name = "Route 53",
    .signing_name = "route53",
    .protocol = AWS_PROTO_REST_XML};

/* A ListHostedZonesByName answer remembered per start name, so a
 * wildcard and its apex, or two names in one zone, cost one call. */
struct lookup {
	char name[256];
	int rc; /* route53_find_zone's result for this exact name */
	struct route53_zone zone;
	char why[512];
};

struct route53 {
	struct aws_client *aws;
	struct route53_stats stats;
	struct lookup *cache;
	size_t ncache;
};

struct route53 *
route53_new(struct http *http, const struct route53_config *cfg, char *why,
    size_t whylen)
{
	struct route53 *r = calloc(1, sizeof(*r));

	if (r == NULL) {
		str_copy(why, whylen, "out of memory");
		return NULL;
	}
	r->aws =
	    aws_client_open(http, &route53_service, cfg, 0, 0, why, whylen);
	if (r->aws == NULL) {
		free(r);
		return NULL;
	}
	return r;
}

void
route53_free(struct route53 *r)
{
	if (r == NULL)
		return;
	aws_client_free(r->aws);
	free(r->cache);
	free(r);
}

const struct route53_stats *
route53_stats(const struct route53 *r)
{
	return &r->stats;
}

int
route53_name_norm(const char *in, char *out, size_t outlen)
{
	size_t o = 0;
	const char *p;

	for (p = in; *p; p++) {
		int c = (unsigned char)*p;

		/* Route 53 writes bytes outside [a-z0-9-_] as \ooo (§6). */
		if (c == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' &&
		    p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
			c = (p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0');
			p += 3;
		} else if (c == '\\' && p[1] != '\0') {
			c = (unsigned char)*++p;
		}
		if (o + 2 >= outlen)
			return -1;
		out[o++] = (char)tolower(c);
	}
	if (o == 0 || outlen < 2)
		return -1;
	if (out[o - 1] != '.')
		out[o++] = '.';
	out[o] = '\0';
	return 0;
}

int
route53_change_xml(struct buf *out, const char *comment,
    const struct route53_change *ch, size_t n)
{
	size_t i;
	int rc = 0;

	/* Element order is the model's: "The XML elements in your request
	 * must appear in the order listed in the syntax" (§2). No XML
	 * declaration and no Content-Type, like botocore. */
	rc |= buf_puts(out,
	    "<ChangeResourceRecordSetsRequest xmlns=\"" NS "\"><ChangeBatch>");
	if (comment != NULL && comment[0] != '\0') {
		rc |= buf_puts(out, "<Comment>");
		rc |= xml_escape(out, comment);
		rc |= buf_puts(out, "</Comment>");
	}
	rc |= buf_puts(out, "<Changes>");
	for (i = 0; i < n; i++) {
		rc |= buf_puts(out, "<Change><Action>");
		rc |= xml_escape(out, ch[i].action);
		rc |= buf_puts(out, "</Action><ResourceRecordSet><Name>");
		rc |= xml_escape(out, ch[i].name);
		rc |= buf_puts(out, "</Name><Type>");
		rc |= xml_escape(out, ch[i].type);
		rc |= buf_printf(out,
		    "</Type><TTL>%ld</TTL><ResourceRecords><ResourceRecord>"
		    "<Value>",
		    ch[i].ttl);
		rc |= xml_escape(out, ch[i].value);
		rc |=
		    buf_puts(out, "</Value></ResourceRecord></ResourceRecords>"
		                  "</ResourceRecordSet></Change>");
	}
	rc |= buf_puts(out, "</Changes></ChangeBatch>"
	                    "</ChangeResourceRecordSetsRequest>");
	return rc ? -1 : 0;
}

/* "/hostedzone/Z1" -> "Z1" (§2: strip up to the last '/'). */
static const char *
bare_id(const char *id)
{
	const char *s = strrchr(id, '/');

	return s ? s + 1 : id;
}

/* Route 53 ids are upper-case letters and digits; anything else never
 * goes into a URL path. */
static int
id_ok(const char *id)
{
	size_t i;

	for (i = 0; id[i]; i++)
		if (!isalnum((unsigned char)id[i]))
			return 0;
	return i > 0 && i < 40;
}

int
route53_parse_zones(const char *xml, size_t len, struct route53_zone *zones,
    size_t cap, size_t *n, int *truncated, char *next_name, size_t nnlen,
    char *next_id, size_t nilen, char *why, size_t whylen)
{
	struct xml_node *root = NULL;
	const struct xml_node *hz, *list;
	const char *id, *name, *priv, *t;
	char perr[128];
	int rc = -1;

	*n = 0;
	*truncated = 0;
	next_name[0] = next_id[0] = '\0';
	if (xml_parse(xml, len, &root, perr, sizeof(perr)) != 0) {
		str_printf(why, whylen, "not XML: %s", perr);
		return -1;
	}
	if (strcmp(root->name, "ListHostedZonesByNameResponse") != 0 ||
	    (list = xml_child(root, "HostedZones")) == NULL) {
		str_copy(why, whylen, "no HostedZones in the answer");
		goto done;
	}
	for (hz = xml_child(list, "HostedZone"); hz; hz = xml_next_named(hz)) {
		id = xml_child_text(hz, "Id");
		name = xml_child_text(hz, "Name");
		priv = xml_child_text(xml_child(hz, "Config"), "PrivateZone");
		if (id == NULL || name == NULL) {
			str_copy(
			    why, whylen, "a HostedZone without Id or Name");
			goto done;
		}
		if (*n >= cap) {
			str_copy(why, whylen, "more zones than asked for");
			goto done;
		}
		str_copy(zones[*n].id, sizeof(zones[*n].id), bare_id(id));
		if (!id_ok(zones[*n].id) ||
		    route53_name_norm(
		        name, zones[*n].name, sizeof(zones[*n].name)) != 0) {
			str_copy(
			    why, whylen, "a HostedZone with a bad Id or Name");
			goto done;
		}
		zones[*n].private_zone =
		    priv != NULL && strcmp(priv, "true") == 0;
		(*n)++;
	}
	t = xml_child_text(root, "IsTruncated");
	*truncated = t != NULL && strcmp(t, "true") == 0;
	if (*truncated) {
		name = xml_child_text(root, "NextDNSName");
		id = xml_child_text(root, "NextHostedZoneId");
		if (name == NULL || id == NULL || !id_ok(bare_id(id))) {
			str_copy(why, whylen,
			    "IsTruncated without NextDNSName/NextHostedZoneId");
			goto done;
		}
		str_copy(next_name, nnlen, name);
		str_copy(next_id, nilen, bare_id(id));
	}
	rc = 0;
done:
	xml_free(root);
	return rc;
}

int
route53_parse_change_info(const char *xml, size_t len,
    struct route53_change_info *info, char *why, size_t whylen)
{
	struct xml_node *root = NULL;
	const struct xml_node *ci;
	const char *id, *st, *at;
	char perr[128];
	int rc = -1;

	memset(info, 0, sizeof(*info));
	if (xml_parse(xml, len, &root, perr, sizeof(perr)) != 0) {
		str_printf(why, whylen, "not XML: %s", perr);
		return -1;
	}
	/* Read by name: ChangeInfo's member order varies (§3.2). */
	ci = xml_child(root, "ChangeInfo");
	id = xml_child_text(ci, "Id");
	st = xml_child_text(ci, "Status");
	at = xml_child_text(ci, "SubmittedAt");
	if (id == NULL || st == NULL) {
		str_copy(why, whylen, "no ChangeInfo Id/Status in the answer");
		goto done;
	}
	str_copy(info->id, sizeof(info->id), bare_id(id));
	str_copy(info->status, sizeof(info->status), st);
	str_copy(info->submitted_at, sizeof(info->submitted_at), at ? at : "");
	str_scrub(info->submitted_at);
	if (!id_ok(info->id) ||
	    (strcmp(st, "PENDING") != 0 && strcmp(st, "INSYNC") != 0)) {
		str_copy(why, whylen, "a ChangeInfo with a bad Id or Status");
		goto done;
	}
	rc = 0;
done:
	xml_free(root);
	return rc;
}

static void
response_error(struct aws_error *err, const char *what, const char *why)
{
	memset(err, 0, sizeof(*err));
	err->kind = AWS_ERR_RESPONSE;
	err->http_status = 200;
	str_printf(err->message, sizeof(err->message),
	    "Route 53 answered %s with something port-acm cannot read (%s)",
	    what, why);
}

/* SigV4 query encoding: unreserved characters kept, the rest %XX. */
static int
query_put(struct buf *q, const char *key, const char *value)
{
	const unsigned char *p;
	int rc = buf_printf(q, "%s%s=", q->len ? "&" : "", key);

	for (p = (const unsigned char *)value; *p; p++) {
		if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' ||
		    *p == '~')
			rc |= buf_putc(q, (char)*p);
		else
			rc |= buf_printf(q, "%%%02X", *p);
	}
	return rc;
}

/* Reads a 2xx answer into into (a route53_parse_* or xml_parse behind
 * one signature); -1 with why when it cannot. */
typedef int (*read_fn)(
    const char *xml, size_t len, void *into, char *why, size_t whylen);

/* Sends rq (counted in *stat) and reads its answer with rd into into:
 * an answer rd cannot read is op's AWS_ERR_RESPONSE. */
static int
call(struct route53 *r, unsigned *stat, const char *op,
    const struct aws_request *rq, read_fn rd, void *into, struct aws_error *err)
{
	struct buf out = {0};
	char why[256];
	int rc = -1;

	(*stat)++;
	if (aws_call(r->aws, rq, &out, err) != 0)
		goto done;
	if (rd(out.data ? out.data : "", out.len, into, why, sizeof(why)) !=
	    0) {
		response_error(err, op, why);
		goto done;
	}
	rc = 0;
done:
	buf_free(&out);
	return rc;
}

/* ListHostedZonesByName's outputs, for read_zones. */
struct zones_page {
	struct route53_zone *zones;
	size_t cap, *n;
	int *truncated;
	char *next_name;
	size_t nnlen;
	char *next_id;
	size_t nilen;
};

static int
read_zones(const char *xml, size_t len, void *into, char *why, size_t whylen)
{
	struct zones_page *p = into;

	return route53_parse_zones(xml, len, p->zones, p->cap, p->n,
	    p->truncated, p->next_name, p->nnlen, p->next_id, p->nilen, why,
	    whylen);
}

static int
read_change_info(
    const char *xml, size_t len, void *into, char *why, size_t whylen)
{
	return route53_parse_change_info(xml, len, into, why, whylen);
}

/* GetHostedZone's outputs, for read_zone_ns. */
struct zone_ns {
	struct route53_zone *zone;
	struct route53_ns *ns;
};

static int
read_zone_ns(const char *xml, size_t len, void *into, char *why, size_t whylen)
{
	struct zone_ns *z = into;

	return route53_parse_zone_ns(xml, len, z->zone, z->ns, why, whylen);
}

/* into is a struct xml_node ** (the caller frees the tree). */
static int
read_xml(const char *xml, size_t len, void *into, char *why, size_t whylen)
{
	return xml_parse(xml, len, into, why, whylen);
}

/* One ListHostedZonesByName page of at most p->cap zones into p, from
 * dnsname (NULL: the first zone of the account). */
static int
list_page(struct route53 *r, const char *dnsname, const char *start_id,
    struct zones_page *p, struct aws_error *err)
{
	struct buf q = {0};
	int rc = -1;

	if ((dnsname && query_put(&q, "dnsname", dnsname) != 0) ||
	    (start_id && query_put(&q, "hostedzoneid", start_id) != 0) ||
	    buf_printf(&q, "%smaxitems=%zu", q.len ? "&" : "", p->cap) != 0) {
		memset(err, 0, sizeof(*err));
		err->kind = AWS_ERR_LOCAL;
		str_copy(err->message, sizeof(err->message), "out of memory");
		goto done;
	}
	rc = call(r, &r->stats.list_zones, "ListHostedZonesByName",
	    &(struct aws_request){.method = "GET",
	        .path = API "/hostedzonesbyname",
	        .query = buf_str(&q),
	        .idempotent = 1},
	    read_zones, p, err);
done:
	buf_free(&q);
	return rc;
}

/* The zones named exactly `name` (normalised): 0 found one public, 1
 * none public, 2 two public; -1 error. */
static int
lookup_exact(struct route53 *r, const char *name, struct lookup *l,
    struct aws_error *err)
{
	struct route53_zone page[ZONES_PER_PAGE] = {0};
	char next_name[256] = "", next_id[40] = "", start_id[40] = "";
	const char *start = name;
	char priv[40] = "", cursor[300];
	size_t n, i;
	int truncated, found = 0;
	struct pager pg;

	str_copy(l->name, sizeof(l->name), name);
	l->rc = 1;
	pager_init(&pg, "Route 53", "NextDNSName and NextHostedZoneId",
	    ZONES_MAX_PAGES);
	for (;;) {
		/* dnsname is where the listing starts, not a filter: keep
		 * the zones whose Name is exactly the candidate (§3.1). */
		if (list_page(r, start, start_id[0] ? start_id : NULL,
		        &(struct zones_page){page, ZONES_PER_PAGE, &n,
		            &truncated, next_name, sizeof(next_name), next_id,
		            sizeof(next_id)},
		        err) != 0) {
			pager_free(&pg);
			return -1;
		}
		for (i = 0; i < n; i++) {
			if (strcmp(page[i].name, name) != 0)
				break;
			if (page[i].private_zone) {
				str_copy(priv, sizeof(priv), page[i].id);
				continue;
			}
			if (found++ == 0) {
				l->zone = page[i];
				l->rc = 0;
			} else {
				str_printf(l->why, sizeof(l->why),
				    "two public Route 53 hosted zones are "
				    "named "
				    "%s (%s and %s); set hosted_zone_id to the "
				    "one that serves it",
				    name, l->zone.id, page[i].id);
				l->rc = 2;
				pager_free(&pg);
				return 2;
			}
		}
		if (i < n || !truncated)
			break;
		str_printf(cursor, sizeof(cursor), "%s %s", next_name, next_id);
		if (pager_next(&pg, cursor, l->why, sizeof(l->why)) != 0) {
			pager_free(&pg);
			memset(err, 0, sizeof(*err));
			err->kind = AWS_ERR_RESPONSE;
			str_copy(err->message, sizeof(err->message), l->why);
			return -1;
		}
		start = next_name;
		str_copy(start_id, sizeof(start_id), next_id);
		{
			char nn[256];

			if (route53_name_norm(next_name, nn, sizeof(nn)) != 0 ||
			    strcmp(nn, name) != 0)
				break;
		}
	}
	pager_free(&pg);
	if (l->rc == 1 && priv[0])
		str_printf(l->why, sizeof(l->why),
		    "only a private hosted zone (%s) is named %s", priv, name);
	return l->rc;
}

int
route53_find_zone(struct route53 *r, const char *name,
    struct route53_zone *zone, char *why, size_t whylen, struct aws_error *err)
{
	char norm[256], first_priv[512] = "";
	const char *cand;
	struct lookup *l, *grown;
	size_t i;
	int rc, depth = 0;

	if (route53_name_norm(name, norm, sizeof(norm)) != 0) {
		str_printf(why, whylen, "%s is not a DNS name", name);
		return 1;
	}
	/* A wildcard's record lives at its base name. */
	cand = strncmp(norm, "*.", 2) == 0 ? norm + 2 : norm;
	/* Down to two labels: no one validates through a TLD's zone. */
	for (; strchr(cand, '.') != NULL && strchr(cand, '.')[1] != '\0' &&
	       depth < MAX_CANDIDATES;
	     depth++) {
		l = NULL;
		for (i = 0; i < r->ncache; i++)
			if (strcmp(r->cache[i].name, cand) == 0)
				l = &r->cache[i];
		if (l == NULL) {
			grown = realloc(
			    r->cache, (r->ncache + 1) * sizeof(*r->cache));
			if (grown == NULL) {
				memset(err, 0, sizeof(*err));
				err->kind = AWS_ERR_LOCAL;
				str_copy(err->message, sizeof(err->message),
				    "out of memory");
				return -1;
			}
			r->cache = grown;
			l = &r->cache[r->ncache];
			memset(l, 0, sizeof(*l));
			if (lookup_exact(r, cand, l, err) < 0)
				return -1;
			r->ncache++;
		}
		rc = l->rc;
		if (rc == 0) {
			*zone = l->zone;
			return 0;
		}
		if (rc == 2) {
			str_copy(why, whylen, l->why);
			return 2;
		}
		if (l->why[0] && !first_priv[0])
			str_copy(first_priv, sizeof(first_priv), l->why);
		cand = strchr(cand, '.') + 1;
	}
	if (first_priv[0])
		str_printf(why, whylen,
		    "no public Route 53 hosted zone holds %s: %s, and ACM "
		    "validates through public DNS",
		    norm, first_priv);
	else
		str_printf(why, whylen,
		    "no Route 53 hosted zone in this account holds %s", norm);
	return 1;
}

int
route53_list_zones(struct route53 *r, struct route53_zone **zones, size_t *n,
    struct aws_error *err)
{
	struct route53_zone page[ZONES_PER_LIST_PAGE] = {0}, *grown;
	char next_name[256] = "", next_id[40] = "", cursor[300], why[256];
	size_t got, i;
	int truncated;
	struct pager pg;

	*zones = NULL;
	*n = 0;
	pager_init(&pg, "Route 53", "NextDNSName and NextHostedZoneId",
	    ZONES_MAX_PAGES);
	for (;;) {
		if (list_page(r, next_name[0] ? next_name : NULL,
		        next_id[0] ? next_id : NULL,
		        &(struct zones_page){page, ZONES_PER_LIST_PAGE, &got,
		            &truncated, next_name, sizeof(next_name), next_id,
		            sizeof(next_id)},
		        err) != 0)
			goto fail;
		for (i = 0; i < got; i++) {
			if (page[i].private_zone)
				continue; /* ACM validates through public DNS */
			if ((grown = realloc(
			         *zones, (*n + 1) * sizeof(**zones))) == NULL) {
				memset(err, 0, sizeof(*err));
				err->kind = AWS_ERR_LOCAL;
				str_copy(err->message, sizeof(err->message),
				    "out of memory");
				goto fail;
			}
			*zones = grown;
			(*zones)[(*n)++] = page[i];
		}
		if (!truncated)
			break;
		str_printf(cursor, sizeof(cursor), "%s %s", next_name, next_id);
		if (pager_next(&pg, cursor, why, sizeof(why)) != 0) {
			memset(err, 0, sizeof(*err));
			err->kind = AWS_ERR_RESPONSE;
			str_copy(err->message, sizeof(err->message), why);
			goto fail;
		}
	}
	pager_free(&pg);
	return 0;
fail:
	pager_free(&pg);
	free(*zones);
	*zones = NULL;
	*n = 0;
	return -1;
}

int
route53_change(struct route53 *r, const char *zone_id, const char *comment,
    const struct route53_change *changes, size_t n,
    struct route53_change_info *info, struct aws_error *err)
{
	struct buf body = {0};
	char path[128];
	int rc = -1;

	memset(err, 0, sizeof(*err));
	if (!id_ok(bare_id(zone_id)) || n == 0 ||
	    route53_change_xml(&body, comment, changes, n) != 0) {
		err->kind = AWS_ERR_LOCAL;
		str_copy(err->message, sizeof(err->message),
		    "the change batch could not be written (a value XML "
		    "cannot carry, or out of memory)");
		goto done;
	}
	/* Trailing slash: ChangeResourceRecordSets' URI (§2). */
	str_printf(
	    path, sizeof(path), API "/hostedzone/%s/rrset/", bare_id(zone_id));
	/* UPSERT of the same values is harmless to repeat; DELETE is not
	 * (a repeat after a lost answer fails with "not found"), which
	 * the caller reads as done. */
	rc = call(r, &r->stats.change, "ChangeResourceRecordSets",
	    &(struct aws_request){.method = "POST",
	        .path = path,
	        .body = body.data,
	        .body_len = body.len,
	        .idempotent = 1},
	    read_change_info, info, err);
done:
	buf_free(&body);
	return rc;
}

int
route53_parse_zone(const char *xml, size_t len, struct route53_zone *zone,
    char *why, size_t whylen)
{
	return route53_parse_zone_ns(xml, len, zone, NULL, why, whylen);
}

/* DelegationSet/NameServers/NameServer into ns: normalised, bounded. */
static void
parse_ns(const struct xml_node *root, struct route53_ns *ns)
{
	const struct xml_node *n = xml_child(
	    xml_path(root, "DelegationSet/NameServers"), "NameServer");
	char name[256];
	size_t len;

	for (; n != NULL; n = xml_next_named(n)) {
		if (route53_name_norm(n->text, name, sizeof(name)) != 0)
			continue;
		if (ns->n == ROUTE53_MAX_NS) {
			ns->cut = 1;
			break;
		}
		len = strlen(name);
		if (len > 0 && name[len - 1] == '.')
			name[len - 1] = '\0';
		str_copy(ns->ns[ns->n++], sizeof(ns->ns[0]), name);
	}
}

int
route53_parse_zone_ns(const char *xml, size_t len, struct route53_zone *zone,
    struct route53_ns *ns, char *why, size_t whylen)
{
	struct xml_node *root = NULL;
	const struct xml_node *hz;
	const char *id, *name, *priv;
	char perr[128];
	int rc = -1;

	memset(zone, 0, sizeof(*zone));
	if (ns != NULL)
		memset(ns, 0, sizeof(*ns));
	if (xml_parse(xml, len, &root, perr, sizeof(perr)) != 0) {
		str_printf(why, whylen, "not XML: %s", perr);
		return -1;
	}
	if (strcmp(root->name, "GetHostedZoneResponse") != 0 ||
	    (hz = xml_child(root, "HostedZone")) == NULL ||
	    (id = xml_child_text(hz, "Id")) == NULL ||
	    (name = xml_child_text(hz, "Name")) == NULL) {
		str_copy(why, whylen, "no HostedZone with Id and Name");
		goto done;
	}
	priv = xml_child_text(xml_child(hz, "Config"), "PrivateZone");
	str_copy(zone->id, sizeof(zone->id), bare_id(id));
	if (!id_ok(zone->id) ||
	    route53_name_norm(name, zone->name, sizeof(zone->name)) != 0) {
		str_copy(why, whylen, "a HostedZone with a bad Id or Name");
		goto done;
	}
	zone->private_zone = priv != NULL && strcmp(priv, "true") == 0;
	if (ns != NULL)
		parse_ns(root, ns);
	rc = 0;
done:
	xml_free(root);
	return rc;
}

/* GET API/<kind>/<id> (counted in *stat once the id is good), read by
 * rd into into: GetHostedZone and GetChange. */
static int
get_by_id(struct route53 *r, const char *kind, const char *id, unsigned *stat,
    const char *op, read_fn rd, void *into, struct aws_error *err)
{
	char path[192];

	if (!id_ok(bare_id(id))) {
		memset(err, 0, sizeof(*err));
		err->kind = AWS_ERR_LOCAL;
		str_printf(err->message, sizeof(err->message), "bad %s id",
		    strcmp(kind, "hostedzone") == 0 ? "zone" : kind);
		return -1;
	}
	str_printf(path, sizeof(path), API "/%s/%s", kind, bare_id(id));
	return call(r, stat, op,
	    &(struct aws_request){
	        .method = "GET", .path = path, .idempotent = 1},
	    rd, into, err);
}

int
route53_get_zone(struct route53 *r, const char *id, struct route53_zone *zone,
    struct aws_error *err)
{
	return route53_get_zone_ns(r, id, zone, NULL, err);
}

int
route53_get_zone_ns(struct route53 *r, const char *id,
    struct route53_zone *zone, struct route53_ns *ns, struct aws_error *err)
{
	return get_by_id(r, "hostedzone", id, &r->stats.get_zone,
	    "GetHostedZone", read_zone_ns, &(struct zone_ns){zone, ns}, err);
}

int
route53_get_change(struct route53 *r, const char *id,
    struct route53_change_info *info, struct aws_error *err)
{
	return get_by_id(r, "change", id, &r->stats.get_change, "GetChange",
	    read_change_info, info, err);
}

int
route53_get_record(struct route53 *r, const char *zone_id, const char *name,
    const char *type, int *found, long *ttl, char *value, size_t valuelen,
    struct aws_error *err)
{
	struct buf q = {0};
	struct xml_node *root = NULL;
	const struct xml_node *rrs;
	const char *n, *t, *ttl_s, *v;
	char path[128], want[256], got[256];
	int rc = -1;

	*found = 0;
	memset(err, 0, sizeof(*err));
	if (!id_ok(bare_id(zone_id)) ||
	    route53_name_norm(name, want, sizeof(want)) != 0 ||
	    query_put(&q, "name", want) != 0 || query_put(&q, "type", type) ||
	    buf_puts(&q, "&maxitems=1") != 0) {
		err->kind = AWS_ERR_LOCAL;
		str_copy(err->message, sizeof(err->message),
		    "bad zone id or record name");
		goto done;
	}
	str_printf(
	    path, sizeof(path), API "/hostedzone/%s/rrset", bare_id(zone_id));
	if (call(r, &r->stats.list_records, "ListResourceRecordSets",
	        &(struct aws_request){.method = "GET",
	            .path = path,
	            .query = buf_str(&q),
	            .idempotent = 1},
	        read_xml, &root, err) != 0)
		goto done;
	/* The listing starts at name: the first set may be a later one. */
	rrs = xml_child(
	    xml_child(root, "ResourceRecordSets"), "ResourceRecordSet");
	n = xml_child_text(rrs, "Name");
	t = xml_child_text(rrs, "Type");
	ttl_s = xml_child_text(rrs, "TTL");
	v = xml_child_text(
	    xml_child(xml_child(rrs, "ResourceRecords"), "ResourceRecord"),
	    "Value");
	rc = 0;
	if (n == NULL || t == NULL ||
	    route53_name_norm(n, got, sizeof(got)) != 0 ||
	    strcmp(got, want) != 0 || strcmp(t, type) != 0)
		goto done;
	if (ttl_s == NULL || v == NULL) {
		/* An alias or something port-acm did not write. */
		goto done;
	}
	*found = 1;
	*ttl = strtol(ttl_s, NULL, 10);
	str_copy(value, valuelen, v);
done:
	xml_free(root);
	buf_free(&q);
	return rc;
}
