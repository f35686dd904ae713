#include "ops/sync_index.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/cancel.h"
#include "base/pager.h"
#include "base/strmap.h"
#include "input/validate_arn.h"

#define PORT_SEARCH_MAX_PAGES 10000 /* of 1,000 entities */
#define MEMO_MAX_RECORDS      100   /* ACM's domain names per certificate */
#define MEMO_MAX_NAME         255

/* Every entity a catalog search can answer. */
#define INDEX_MAX ((size_t)PORT_SEARCH_MAX_PAGES * 1000)

struct sync_known *
sync_index_lookup(const struct sync_index *x, const char *id)
{
	return strmap_find(x->tab, x->cap, sizeof(*x->tab), id);
}

int
sync_index_insert(struct sync_index *x, const char *id, size_t unit, int synced,
    struct sync_known **out)
{
	struct sync_known *k, *tab;

	if ((k = sync_index_lookup(x, id)) == NULL) {
		if ((tab = strmap_reserve(x->tab, &x->cap, x->count,
		         sizeof(*x->tab), INDEX_MAX)) == NULL)
			return -1;
		x->tab = tab;
		k = strmap_slot(x->tab, x->cap, sizeof(*x->tab), id);
		if ((k->id = strdup(id)) == NULL)
			return -1;
		k->unit = (unsigned)unit;
		k->synced = (unsigned char)(synced != 0);
		k->memo.status = -1;
		x->count++;
	}
	if (out)
		*out = k;
	return 0;
}

void
sync_index_free(struct sync_index *x)
{
	size_t i;

	for (i = 0; i < x->cap; i++) {
		free(x->tab[i].id);
		free(x->tab[i].memo.records);
	}
	free(x->tab);
	memset(x, 0, sizeof(*x));
}

/* --- the memo -------------------------------------------------------- */

static const char *
str_of(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/* Which of names[] s is, counting from 1; 0 for none. */
static unsigned char
one_of(const char *s, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return (unsigned char)(i + 1);
	return 0;
}

int
sync_index_use_kind(const char *arn)
{
	static const char *const svc[] = {
	    "elasticloadbalancing", "cloudfront", "apigateway"};
	const char *p = strchr(arn, ':'), *q;
	size_t i;

	/* arn:<partition>:<service>:...: the third field. */
	if (p == NULL || (p = strchr(p + 1, ':')) == NULL ||
	    (q = strchr(++p, ':')) == NULL)
		return MEMO_USE_OTHER;
	for (i = 0; i < sizeof(svc) / sizeof(svc[0]); i++)
		if ((size_t)(q - p) == strlen(svc[i]) &&
		    strncmp(p, svc[i], (size_t)(q - p)) == 0)
			return (int)i;
	return MEMO_USE_OTHER;
}

/* expirationDate as sync writes it; 0 when it is not that form (then
 * it reads as changed and the certificate is described). */
static long long
iso_time(const char *s)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
	const int at[6] = {0, 5, 8, 11, 14, 17}, len[6] = {4, 2, 2, 2, 2, 2};
	int v[6];
	struct tm tm;
	char num[5];
	size_t i;

	if (strlen(s) != sizeof(form) - 1)
		return 0;
	for (i = 0; form[i]; i++)
		if (form[i] == 'd' ? !isdigit((unsigned char)s[i])
		                   : s[i] != form[i])
			return 0;
	for (i = 0; i < 6; i++) { /* digits only: strtol cannot fail */
		memcpy(num, s + at[i], (size_t)len[i]);
		num[len[i]] = '\0';
		v[i] = (int)strtol(num, NULL, 10);
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	return (long long)timegm(&tm);
}

int
sync_index_memo(const cJSON *props, struct sync_memo *m)
{
	static const char *const types[] = {
	    "AMAZON_ISSUED", "IMPORTED", "PRIVATE"};
	static const char *const elig[] = {"ELIGIBLE", "INELIGIBLE"};
	static const char *const methods[] = {"DNS", "EMAIL", "HTTP"};
	const cJSON *v, *recs, *r;
	struct buf packed = {0};
	const char *name, *value;
	unsigned n = 0;
	int k;

	memset(m, 0, sizeof(*m));
	m->status = (signed char)config_status_index(str_of(props, "status"));
	m->type = one_of(str_of(props, "type"), types, 3);
	m->eligible = one_of(str_of(props, "renewalEligibility"), elig, 2);
	m->method = one_of(str_of(props, "validationMethod"), methods, 3);
	v = cJSON_GetObjectItemCaseSensitive(props, "inUse");
	m->in_use_flag = cJSON_IsBool(v) ? (cJSON_IsTrue(v) ? 2 : 1) : 0;
	m->not_after = iso_time(str_of(props, "expirationDate"));
	v = cJSON_GetObjectItemCaseSensitive(props, "inUseBy");
	cJSON_ArrayForEach(r, v)
	{
		if (!cJSON_IsString(r))
			continue;
		k = sync_index_use_kind(r->valuestring);
		if (m->in_use[k] < 65535)
			m->in_use[k]++;
	}
	recs = cJSON_GetObjectItemCaseSensitive(props, "validationRecords");
	m->known = cJSON_IsArray(recs);
	cJSON_ArrayForEach(r, recs)
	{
		name = str_of(r, "name");
		value = str_of(r, "value");
		if (strcmp(str_of(r, "type"), "CNAME") != 0 || !*name ||
		    !*value || strlen(name) > MEMO_MAX_NAME ||
		    strlen(value) > MEMO_MAX_NAME || n == MEMO_MAX_RECORDS)
			continue;
		if (buf_append(&packed, name, strlen(name) + 1) != 0 ||
		    buf_append(&packed, value, strlen(value) + 1) != 0) {
			buf_free(&packed);
			return -1;
		}
		n++;
	}
	m->nrecords = (unsigned char)n;
	m->records = packed.data; /* NULL when none */
	return 0;
}

/* --- reading the catalog --------------------------------------------- */

static cJSON *
search_body(const struct config *c, const char *const *regions, size_t nr)
{
	static const char *const base[] = {"$identifier", "region", "syncedBy"};
	static const char *const memo[] = {"status", "type",
	    "renewalEligibility", "validationMethod", "inUse", "inUseBy",
	    "expirationDate", "validationRecords"};
	cJSON *body = cJSON_CreateObject(), *q, *rules, *rule, *vals;
	size_t i, j;

	if (body == NULL)
		return NULL;
	q = cJSON_AddObjectToObject(body, "query");
	cJSON_AddStringToObject(q, "combinator", "and");
	rules = cJSON_AddArrayToObject(q, "rules");
	rule = cJSON_CreateObject();
	cJSON_AddItemToArray(rules, rule);
	cJSON_AddStringToObject(rule, "property", "region");
	cJSON_AddStringToObject(rule, "operator", "in");
	vals = cJSON_AddArrayToObject(rule, "value");
	for (i = 0; i < nr; i++) { /* each region once, however many units */
		for (j = 0; j < i && strcmp(regions[j], regions[i]) != 0;)
			j++;
		if (j == i)
			cJSON_AddItemToArray(
			    vals, cJSON_CreateString(regions[i]));
	}
	vals = cJSON_AddArrayToObject(body, "include");
	for (i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		cJSON_AddItemToArray(vals, cJSON_CreateString(base[i]));
	for (i = 0; c->include_details && i < sizeof(memo) / sizeof(memo[0]);
	     i++)
		cJSON_AddItemToArray(vals, cJSON_CreateString(memo[i]));
	cJSON_AddNumberToObject(body, "limit", 1000);
	return body;
}

/* One page's entities into x; -1 out of memory. */
static int
take_page(struct sync_index *x, const struct config *c, const cJSON *resp,
    sync_index_unit_fn unit_of, void *ctx)
{
	const cJSON *e, *v, *p, *by;
	struct sync_known *k;
	struct arn arn;
	char why[256];
	size_t ri;

	cJSON_ArrayForEach(
	    e, cJSON_GetObjectItemCaseSensitive(resp, "entities"))
	{
		v = cJSON_GetObjectItemCaseSensitive(e, "identifier");
		p = cJSON_GetObjectItemCaseSensitive(e, "properties");
		if (!cJSON_IsString(v) ||
		    validate_certificate_arn("identifier", v->valuestring, &arn,
		        why, sizeof(why)) != 0)
			continue; /* not a certificate port-acm knows */
		if ((ri = unit_of(ctx, arn.account, arn.region)) == (size_t)-1)
			continue;
		by = cJSON_GetObjectItemCaseSensitive(p, "syncedBy");
		if (sync_index_insert(x, v->valuestring, ri,
		        cJSON_IsString(by) &&
		            strcmp(by->valuestring, CATALOG_SYNCED_BY) == 0,
		        &k) != 0)
			return -1;
		if (c->include_details && k->memo.records == NULL &&
		    sync_index_memo(p, &k->memo) != 0)
			return -1;
	}
	return 0;
}

int
sync_index_read(struct sync_index *x, struct op_env *env,
    const char *const *regions, size_t nregions, sync_index_unit_fn unit_of,
    void *ctx)
{
	const struct config *c = env->cfg;
	struct port_error err;
	cJSON *body, *resp = NULL;
	const cJSON *next;
	struct pager pg;
	char why[256];
	int rc = -1;

	pager_init(&pg, "Port", "search cursor (next)", PORT_SEARCH_MAX_PAGES);
	str_copy(x->error, sizeof(x->error), "out of memory");
	if ((body = search_body(c, regions, nregions)) == NULL)
		goto out;
	for (;;) {
		if (cancel_requested()) /* no page after a cancel */
			goto out;
		if (port_search(env->port, c->blueprint, body, &resp, &err) !=
		    0) {
			if (cancel_requested())
				goto out;
			report_warn(env->report,
			    "could not read the catalog of blueprint %s: %s. "
			    "Stale entities will not be looked for in this "
			    "run",
			    c->blueprint, err.message);
			str_copy(x->error, sizeof(x->error), err.message);
			goto out;
		}
		if (take_page(x, c, resp, unit_of, ctx) != 0)
			goto out;
		next = cJSON_GetObjectItemCaseSensitive(resp, "next");
		if (!cJSON_IsString(next) || !next->valuestring[0])
			break;
		if (pager_next(&pg, next->valuestring, why, sizeof(why)) != 0) {
			report_warn(env->report,
			    "could not read the catalog of blueprint %s: %s. "
			    "Stale entities will not be looked for in this run",
			    c->blueprint, why);
			str_copy(x->error, sizeof(x->error), why);
			goto out;
		}
		cJSON_DeleteItemFromObjectCaseSensitive(body, "from");
		cJSON_AddStringToObject(body, "from", next->valuestring);
		cJSON_Delete(resp);
		resp = NULL;
	}
	rc = 0;
	x->error[0] = '\0';
out:
	pager_free(&pg);
	cJSON_Delete(resp);
	cJSON_Delete(body);
	return rc;
}
