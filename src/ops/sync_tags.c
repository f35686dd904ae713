#include "ops/sync_tags.h"

#include <stdlib.h>
#include <string.h>

#include "aws/tagging.h"
#include "base/cancel.h"
#include "base/md.h"
#include "base/pager.h"
#include "base/strmap.h"
#include "creds/creds.h"
#include "port/bulk.h"
#include "port/port.h"

#define TAG_KEY_MAX      128
#define TAG_VALUE_MAX    256
#define TAGS_PER_CERT    50
#define TAG_PAGES_MAX    100000 /* of 100: ten million certificates */
#define FALLBACK_PACE_MS 125    /* ListTagsForCertificate: stay at 8/s */
#define WARN_MAX         20
#define TEAMS_MAX        10000 /* kept from GET /v1/teams */
#define TAGGED_MAX       ((size_t)TAG_PAGES_MAX * 100) /* certificates */

/* PENDING: GetResources pages still to read (sync_tags_idle); UNKNOWN:
 * the read failed, the region's entities get no "tags" this run. */
enum tag_state { TAGS_PENDING, TAGS_UNKNOWN, TAGS_READ, TAGS_FALLBACK };

/* One unit: an (account, region) with that account's credentials. */
struct tag_region {
	struct tagging *t; /* NULL: the unit gets no tags (UNKNOWN) */
	const char *label; /* borrowed: "account/region" or the region */
	enum tag_state state;
	int started;       /* pg initialised */
	struct pager pg;   /* bounds the unit's GetResources pages */
	char *token;       /* the next page's PaginationToken; NULL: first */
	long long next_at; /* fallback pacing */
};

/* The tags as one compact JSON text, not a cJSON tree: 10,000
 * certificates of 3 tags took 4 MiB as trees, a quarter of sync's
 * memory budget; the text is parsed again for the one entity. */
struct tag_entry {
	char *arn;  /* owned; NULL = empty slot */
	char *json; /* owned: the tags object, printed */
};

struct sync_tags {
	struct op_env *env;
	struct tag_region *r;
	size_t nr;
	size_t max; /* GetResources pages read at once (max_concurrency) */
	struct tag_entry *tab; /* a base/strmap.h table */
	size_t cap, count;
	unsigned long calls, fallback_calls, warned;
	char **teams; /* owned, sorted: Port's team names */
	size_t nteams;
	int teams_known;      /* GET /v1/teams answered */
	char unknown[8][129]; /* team tag values logged, once each */
	size_t nunknown;
	unsigned long no_team;       /* entities whose team was left out */
	long long first_at, last_at; /* first GetResources, last answer */
	unsigned long version;       /* GetResources answers taken */
	struct tagging_page *batch;  /* sync_tags_ask's slots, max of them */
};

static struct tag_entry *
find(struct sync_tags *st, const char *arn)
{
	return strmap_find(st->tab, st->cap, sizeof(*st->tab), arn);
}

/* Takes tags (an object, freed here) for arn; the first answer for an
 * ARN wins. */
static int
put(struct sync_tags *st, const char *arn, cJSON *tags)
{
	struct tag_entry *tab, *e;
	char *json = NULL;

	if (find(st, arn) || tags == NULL) {
		cJSON_Delete(tags);
		return tags == NULL ? -1 : 0;
	}
	json = cJSON_PrintUnformatted(tags);
	cJSON_Delete(tags);
	if (json == NULL || (tab = strmap_reserve(st->tab, &st->cap, st->count,
	                         sizeof(*st->tab), TAGGED_MAX)) == NULL) {
		free(json);
		return -1;
	}
	st->tab = tab;
	e = strmap_slot(st->tab, st->cap, sizeof(*st->tab), arn);
	if ((e->arn = strdup(arn)) == NULL) {
		free(json);
		return -1;
	}
	e->json = json;
	st->count++;
	return 0;
}

/* [{"Key","Value"}] (both APIs' shape) as {key: value}, bounded. */
static cJSON *
tags_object(const cJSON *list)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *t, *k, *v;
	int n = 0;

	if (o == NULL)
		return NULL;
	cJSON_ArrayForEach(t, list)
	{
		k = cJSON_GetObjectItemCaseSensitive(t, "Key");
		v = cJSON_GetObjectItemCaseSensitive(t, "Value");
		if (!cJSON_IsString(k) || !k->valuestring[0] ||
		    strlen(k->valuestring) > TAG_KEY_MAX ||
		    (v && !cJSON_IsString(v)) ||
		    (v && strlen(v->valuestring) > TAG_VALUE_MAX) ||
		    cJSON_GetObjectItemCaseSensitive(o, k->valuestring))
			continue;
		if (n++ == TAGS_PER_CERT)
			break;
		cJSON_AddStringToObject(
		    o, k->valuestring, v ? v->valuestring : "");
	}
	return o;
}

struct sync_tags *
sync_tags_new(
    struct op_env *env, const struct sync_tags_unit *u, size_t n, size_t max)
{
	const struct config *c = env->cfg;
	struct sync_tags *st;
	size_t i;

	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->r = calloc(n ? n : 1, sizeof(*st->r))) == NULL) {
		free(st);
		return NULL;
	}
	st->env = env;
	st->nr = n;
	st->max = max ? max : 1;
	for (i = 0; i < n; i++) {
		st->r[i].label = u[i].label;
		if (u[i].region == NULL) {
			st->r[i].state = TAGS_UNKNOWN;
			continue;
		}
		if ((st->r[i].t = tagging_new(env->http, env->clock,
		         c->tagging_endpoint, u[i].region, c->use_fips,
		         c->use_dualstack, u[i].creds,
		         c->aws_ca_file[0] ? c->aws_ca_file : NULL,
		         c->aws_ca_setting, c->max_attempts)) == NULL) {
			sync_tags_free(st);
			return NULL;
		}
	}
	return st;
}

void
sync_tags_free(struct sync_tags *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; st->r && i < st->nr; i++) {
		tagging_free(st->r[i].t);
		free(st->r[i].token);
		if (st->r[i].started)
			pager_free(&st->r[i].pg);
	}
	for (i = 0; i < st->cap; i++) {
		free(st->tab[i].arn);
		free(st->tab[i].json);
	}
	free(st->tab);
	free(st->batch);
	for (i = 0; i < st->nteams; i++)
		free(st->teams[i]);
	free(st->teams);
	free(st->r);
	free(st);
}

/* Before unit ri's next page is asked. */
static void
page_start(struct sync_tags *st, size_t ri)
{
	struct tag_region *r = &st->r[ri];

	if (!r->started) {
		pager_init(&r->pg, "Resource Groups Tagging API",
		    "PaginationToken", TAG_PAGES_MAX);
		r->started = 1;
	}
	r->state = TAGS_UNKNOWN; /* unless the page says otherwise */
	st->calls++;
}

/* The answer p to unit ri's GetResources page (p->out consumed); the
 * unit leaves TAGS_PENDING after its last page, a refusal (fallback) or
 * a failure. */
static void
page_take(struct sync_tags *st, size_t ri, struct tagging_page *p)
{
	struct tag_region *r = &st->r[ri];
	const char *region = r->label;
	const struct aws_error *e = &p->err;
	char why[256], safe[512];
	cJSON *resp = p->out;
	const cJSON *list, *m, *arn;
	int have_list, rc = 0;

	p->out = NULL;
	if (p->rc != 0) {
		if (strcmp(e->type, "AccessDeniedException") == 0) {
			r->state = TAGS_FALLBACK;
			report_log(st->env->report,
			    "%s: tag:GetResources refused; reading "
			    "tags with acm:ListTagsForCertificate, one "
			    "call per certificate (allow "
			    "tag:GetResources, examples/iam/sync.json, "
			    "for one call per 100)",
			    region);
		} else
			report_warn(st->env->report,
			    "could not read the tags of the "
			    "certificates in %s (%s: %s); their tags "
			    "are not updated in this run",
			    region, e->type[0] ? e->type : "error",
			    md_str(safe, sizeof(safe), e->message));
		return;
	}
	list = cJSON_GetObjectItemCaseSensitive(resp, "ResourceTagMappingList");
	/* Decided before resp (which owns list) is freed. */
	have_list = cJSON_IsArray(list);
	cJSON_ArrayForEach(m, list)
	{
		arn = cJSON_GetObjectItemCaseSensitive(m, "ResourceARN");
		if (cJSON_IsString(arn) &&
		    (rc = put(st, arn->valuestring,
		         tags_object(cJSON_GetObjectItemCaseSensitive(
		             m, "Tags")))) != 0)
			break;
	}
	cJSON_Delete(resp);
	if (rc != 0)
		return; /* out of memory: UNKNOWN */
	if (!have_list) {
		report_warn(st->env->report,
		    "the Tagging API answered GetResources in %s "
		    "without a ResourceTagMappingList; tags are not "
		    "updated in this run",
		    region);
		return;
	}
	if (pager_next(&r->pg, p->next, why, sizeof(why)) != 0) {
		report_warn(st->env->report,
		    "tags in %s: %s; tags are not updated in this run", region,
		    why);
		return;
	}
	if (!p->next[0]) {
		r->state = TAGS_READ;
		return;
	}
	free(r->token);
	if ((r->token = strdup(p->next)) == NULL)
		return; /* out of memory: UNKNOWN */
	r->state = TAGS_PENDING;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Port's team names, once per run: only those may be an entity's team. */
static void
read_teams(struct sync_tags *st)
{
	struct port_error err;
	cJSON *resp = NULL;
	const cJSON *list, *t, *n;
	size_t cap;
	char safe[512];

	if (port_get_teams(st->env->port, &resp, &err) != 0) {
		report_warn(st->env->report,
		    "could not read Port's teams (GET /v1/teams: %s): no "
		    "entity gets a team from the %s tag in this run",
		    md_str(safe, sizeof(safe), err.message),
		    st->env->cfg->team_tag_key);
		return;
	}
	list = cJSON_GetObjectItemCaseSensitive(resp, "teams");
	cap = (size_t)cJSON_GetArraySize(list);
	if (cap > TEAMS_MAX)
		cap = TEAMS_MAX;
	if (cap && (st->teams = calloc(cap, sizeof(*st->teams))) == NULL) {
		cJSON_Delete(resp);
		return;
	}
	cJSON_ArrayForEach(t, list)
	{
		n = cJSON_GetObjectItemCaseSensitive(t, "name");
		if (st->nteams == cap)
			break;
		if (cJSON_IsString(n) && n->valuestring[0] &&
		    (st->teams[st->nteams] = strdup(n->valuestring)) != NULL)
			st->nteams++;
	}
	cJSON_Delete(resp);
	/* qsort's array must not be NULL, even for no element (UBSan). */
	if (st->nteams > 1)
		qsort(st->teams, st->nteams, sizeof(*st->teams), cmp_name);
	st->teams_known = 1;
}

void
sync_tags_read(struct sync_tags *st)
{
	if (st && st->env->port)
		read_teams(st);
}

int
sync_tags_idle_fn(void *arg)
{
	return sync_tags_idle(arg, NULL);
}

int
sync_tags_ready(const struct sync_tags *st, size_t ri)
{
	return st == NULL || ri >= st->nr || st->r[ri].state != TAGS_PENDING;
}

unsigned long
sync_tags_version(const struct sync_tags *st)
{
	return st ? st->version : 0;
}

int
sync_tags_known(struct sync_tags *st, size_t ri, const char *arn)
{
	return st && ri < st->nr && st->r[ri].state == TAGS_PENDING &&
	       find(st, arn) != NULL;
}

int
sync_tags_ask(
    struct sync_tags *st, size_t ri, size_t slot, struct aws_json_item *it)
{
	struct tagging_page *p;

	if (st == NULL || ri >= st->nr || slot >= st->max ||
	    st->r[ri].state != TAGS_PENDING)
		return 0;
	if (st->batch == NULL &&
	    (st->batch = calloc(st->max, sizeof(*st->batch))) == NULL)
		return 0; /* sync_tags_idle reads it later */
	if (!st->first_at)
		st->first_at = http_now_ms();
	page_start(st, ri);
	p = &st->batch[slot];
	p->t = st->r[ri].t;
	p->token = st->r[ri].token;
	if (tagging_page_item(p, it) != 0) {
		page_take(st, ri, p); /* says why; the unit's tags UNKNOWN */
		return 0;
	}
	return 1;
}

void
sync_tags_took(
    struct sync_tags *st, size_t ri, size_t slot, struct aws_json_item *it)
{
	struct tagging_page *p = &st->batch[slot];

	tagging_page_take(p, it);
	page_take(st, ri, p);
	st->version++;
	st->last_at = http_now_ms();
}

int
sync_tags_idle(struct sync_tags *st, struct bulk *bulk)
{
	struct tagging_page *p;
	size_t i, k = 0, *unit;

	if (st == NULL || cancel_requested())
		return 0;
	for (i = 0; i < st->nr && st->r[i].state != TAGS_PENDING;)
		i++;
	if (i == st->nr)
		return 0;
	if (!st->first_at)
		st->first_at = http_now_ms();
	/* The next page of up to max pending units, asked together. */
	p = calloc(st->max, sizeof(*p));
	unit = calloc(st->max, sizeof(*unit));
	for (; p != NULL && unit != NULL && i < st->nr && k < st->max; i++) {
		if (st->r[i].state != TAGS_PENDING)
			continue;
		page_start(st, i);
		p[k].t = st->r[i].t;
		p[k].token = st->r[i].token;
		unit[k++] = i;
	}
	if (k == 0) /* out of memory: the first pending unit fails */
		st->r[i].state = TAGS_UNKNOWN;
	tagging_get_many(p, k, st->max);
	for (i = 0; i < k; i++)
		page_take(st, unit[i], &p[i]);
	st->version++;
	free(p);
	free(unit);
	st->last_at = http_now_ms();
	/* The writes in flight answered while we waited: take their
	 * answers and send what is queued, without waiting. */
	if (bulk)
		bulk_pump(bulk, 0);
	return 1;
}

/* The entity's Port team from the team tag: only a team Port has; an
 * unknown one is logged (each value once) and left out. */
static void
set_team(struct sync_tags *st, const char *arn, const char *name, cJSON *entity)
{
	char safe[300];
	cJSON *arr;
	size_t i;

	if (!st->teams_known)
		return;
	if (st->nteams && bsearch(&name, st->teams, st->nteams,
	                      sizeof(*st->teams), cmp_name) != NULL) {
		arr = cJSON_AddArrayToObject(entity, "team");
		cJSON_AddItemToArray(arr, cJSON_CreateString(name));
		return;
	}
	st->no_team++;
	for (i = 0; i < st->nunknown; i++)
		if (strcmp(st->unknown[i], name) == 0)
			return;
	if (st->nunknown == sizeof(st->unknown) / sizeof(st->unknown[0]))
		return;
	str_copy(st->unknown[st->nunknown++], sizeof(st->unknown[0]), name);
	report_log(st->env->report,
	    "team '%s' (tag %s of %s) is not a team in Port: the entity is "
	    "written without a team. Create the team in Port or fix the tag",
	    md_str(safe, sizeof(safe), name), st->env->cfg->team_tag_key, arn);
}

/* owner and team from the tags just set on the entity. */
static void
set_owner_team(struct sync_tags *st, const char *arn, const cJSON *tags,
    cJSON *entity, cJSON *props)
{
	const struct config *c = st->env->cfg;
	const cJSON *o =
	    cJSON_GetObjectItemCaseSensitive(tags, c->owner_tag_key);
	const cJSON *t =
	    cJSON_GetObjectItemCaseSensitive(tags, c->team_tag_key);

	/* "" when untagged: an owner removed in AWS leaves Port too. */
	cJSON_AddStringToObject(
	    props, "owner", cJSON_IsString(o) ? o->valuestring : "");
	if (cJSON_IsString(t) && t->valuestring[0])
		set_team(st, arn, t->valuestring, entity);
}

/* ListTagsForCertificate for one certificate; NULL when it failed. */
static cJSON *
fallback(struct sync_tags *st, struct tag_region *r, struct acm *acm,
    const char *arn)
{
	struct acm_error err;
	cJSON *params, *resp = NULL, *tags;
	long long now = http_now_ms();
	char safe[512];

	if (now < r->next_at &&
	    http_sleep_ms(st->env->http, (long)(r->next_at - now)) != 0)
		return NULL;
	r->next_at = http_now_ms() + FALLBACK_PACE_MS;
	if ((params = cJSON_CreateObject()) == NULL)
		return NULL;
	cJSON_AddStringToObject(params, "CertificateArn", arn);
	st->fallback_calls++;
	if (acm_call(acm, "ListTagsForCertificate", params, &resp, &err) != 0) {
		cJSON_Delete(params);
		if (st->warned++ < WARN_MAX)
			report_warn(st->env->report,
			    "no tags for %s (%s: %s)%s", arn,
			    err.type[0] ? err.type : "error",
			    md_str(safe, sizeof(safe), err.message),
			    strcmp(err.type, "AccessDeniedException") == 0
			        ? ". Allow tag:GetResources or "
			          "acm:ListTagsForCertificate"
			        : "");
		return NULL;
	}
	cJSON_Delete(params);
	tags = tags_object(cJSON_GetObjectItemCaseSensitive(resp, "Tags"));
	cJSON_Delete(resp);
	return tags;
}

void
sync_tags_apply(struct sync_tags *st, size_t ri, struct acm *acm,
    const char *arn, cJSON *entity)
{
	cJSON *props = cJSON_GetObjectItemCaseSensitive(entity, "properties");
	struct tag_entry *e;
	cJSON *tags = NULL;

	if (st == NULL || ri >= st->nr || props == NULL)
		return;
	if (st->r[ri].state == TAGS_READ) /* untagged: not listed */
		tags = (e = find(st, arn)) != NULL ? cJSON_Parse(e->json)
		                                   : cJSON_CreateObject();
	else if (st->r[ri].state == TAGS_PENDING) /* sync_tags_known */
		tags =
		    (e = find(st, arn)) != NULL ? cJSON_Parse(e->json) : NULL;
	else if (st->r[ri].state == TAGS_FALLBACK)
		tags = fallback(st, &st->r[ri], acm, arn);
	if (tags == NULL)
		return;
	cJSON_AddItemToObject(props, "tags", tags);
	set_owner_team(st, arn, tags, entity, props);
}

void
sync_tags_report(const struct sync_tags *st, cJSON *rep)
{
	cJSON *o;
	size_t i, nf = 0;

	if (st == NULL || (o = cJSON_AddObjectToObject(rep, "tags")) == NULL)
		return;
	for (i = 0; i < st->nr; i++)
		nf += st->r[i].state == TAGS_FALLBACK;
	cJSON_AddNumberToObject(o, "calls", (double)st->calls);
	cJSON_AddNumberToObject(o, "fallbackCalls", (double)st->fallback_calls);
	cJSON_AddNumberToObject(o, "tagged", (double)st->count);
	cJSON_AddNumberToObject(o, "regionsFallback", (double)nf);
	cJSON_AddNumberToObject(o, "teamsInPort", (double)st->nteams);
	cJSON_AddNumberToObject(o, "teamLeftOut", (double)st->no_team);
	cJSON_AddNumberToObject(o, "readMs",
	    st->first_at && st->last_at ? (double)(st->last_at - st->first_at)
	                                : 0);
}
