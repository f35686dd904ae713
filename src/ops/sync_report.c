#include "ops/sync_report.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/gha.h"
#include "base/md.h"
#include "ops/explain.h"

static const char *
str_of(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : "";
}

int
sync_refusals_add(struct sync_refusals *r, int deleting, const char *id,
    long status, const char *reason)
{
	const char *action = deleting ? "delete" : "write";
	cJSON *g, *ents, *count;
	const cJSON *c;

	r->n++;
	if (r->groups == NULL && (r->groups = cJSON_CreateArray()) == NULL)
		return -1;
	cJSON_ArrayForEach(g, r->groups)
	{
		c = cJSON_GetObjectItemCaseSensitive(g, "status");
		if (strcmp(str_of(g, "action"), action) == 0 &&
		    strcmp(str_of(g, "reason"), reason) == 0 &&
		    cJSON_IsNumber(c) && (long)c->valuedouble == status)
			break;
	}
	if (g == NULL) {
		if ((g = cJSON_CreateObject()) == NULL)
			return -1;
		cJSON_AddItemToArray(r->groups, g);
		cJSON_AddStringToObject(g, "action", action);
		cJSON_AddNumberToObject(g, "status", (double)status);
		cJSON_AddStringToObject(g, "reason", reason);
		cJSON_AddNumberToObject(g, "count", 0);
		cJSON_AddArrayToObject(g, "entities");
	}
	ents = cJSON_GetObjectItemCaseSensitive(g, "entities");
	if ((count = cJSON_GetObjectItemCaseSensitive(g, "count")) != NULL)
		cJSON_SetNumberHelper(count, count->valuedouble + 1);
	return cJSON_AddItemToArray(ents, cJSON_CreateString(id)) ? 0 : -1;
}

void
sync_refusals_log(const struct sync_refusals *r, struct buf *lines, size_t max)
{
	const cJSON *g, *e;
	size_t k, count;

	buf_reset(lines);
	cJSON_ArrayForEach(g, r->groups)
	{
		count = (size_t)cJSON_GetArraySize(
		    cJSON_GetObjectItemCaseSensitive(g, "entities"));
		buf_printf(lines,
		    "%sPort refused to %s %zu entit%s (HTTP %ld: ",
		    lines->len ? "\n" : "", str_of(g, "action"), count,
		    count == 1 ? "y" : "ies",
		    (long)cJSON_GetNumberValue(
		        cJSON_GetObjectItemCaseSensitive(g, "status")));
		md_text(lines, str_of(g, "reason"));
		buf_puts(lines, "): ");
		k = 0;
		cJSON_ArrayForEach(
		    e, cJSON_GetObjectItemCaseSensitive(g, "entities"))
		{
			if (k == max)
				break;
			buf_puts(lines, k++ ? ", " : "");
			md_text(lines, cJSON_GetStringValue(e));
		}
		if (count > max)
			buf_printf(lines, " and %zu more (see sync_report)",
			    count - max);
	}
}

void
sync_refusals_report(
    const struct sync_refusals *r, struct report *rep, size_t max)
{
	struct buf lines = {0};
	char *line, *save = NULL;

	sync_refusals_log(r, &lines, max);
	for (line = lines.len ? strtok_r(lines.data, "\n", &save) : NULL;
	     line != NULL; line = strtok_r(NULL, "\n", &save))
		report_log(rep, "%s", line);
	buf_free(&lines);
}

cJSON *
sync_refusals_take(struct sync_refusals *r)
{
	cJSON *g = r->groups ? r->groups : cJSON_CreateArray();

	r->groups = NULL;
	return g;
}

void
sync_refusals_free(struct sync_refusals *r)
{
	cJSON_Delete(r->groups);
	r->groups = NULL;
	r->n = 0;
}

static double
not_after(const cJSON *o)
{
	return cJSON_GetNumberValue(
	    cJSON_GetObjectItemCaseSensitive(o, "notAfter"));
}

void
sync_report_keep_soonest(cJSON *list, cJSON *o, size_t max)
{
	const cJSON *e;
	int i = 0, latest = -1;
	double t = -1;

	if ((size_t)cJSON_GetArraySize(list) < max) {
		cJSON_AddItemToArray(list, o);
		return;
	}
	cJSON_ArrayForEach(e, list)
	{
		if (latest < 0 || not_after(e) > t) {
			latest = i;
			t = not_after(e);
		}
		i++;
	}
	if (latest >= 0 && not_after(o) < t)
		cJSON_ReplaceItemInArray(list, latest, o);
	else
		cJSON_Delete(o);
}

/* One entry of the list while it is sorted. */
struct dated {
	cJSON *o;
	double t;
};

static int
sooner(const void *a, const void *b)
{
	double x = ((const struct dated *)a)->t;
	double y = ((const struct dated *)b)->t;

	return x < y ? -1 : x > y;
}

int
sync_report_sort_soonest(cJSON *list)
{
	int n = cJSON_GetArraySize(list), i;
	struct dated *v;

	if (n < 2)
		return 0;
	if ((v = calloc((size_t)n, sizeof(struct dated))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		v[i].o = cJSON_DetachItemFromArray(list, 0);
		v[i].t = not_after(v[i].o);
	}
	qsort(v, (size_t)n, sizeof(struct dated), sooner);
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(list, v[i].o);
	free(v);
	return 0;
}

void
sync_report_expiring(struct report *rep, struct buf *md, const cJSON *list,
    unsigned long n, int days, size_t log_max)
{
	struct buf names = {0};
	size_t shown = (size_t)cJSON_GetArraySize(list);
	const cJSON *o;

	if (n == 0)
		return;
	sync_report_names(&names, list, "expires", log_max);
	report_log(rep, "%lu certificate%s expire%s within %d days%s: %s%s", n,
	    n == 1 ? "" : "s", n == 1 ? "s" : "", days,
	    n > 1 ? ", soonest first" : "", buf_str(&names),
	    n > log_max ? "; and more (see sync_report)" : "");
	buf_printf(md, "\n**Expiring within %d days:** %lu", days, n);
	if (n > shown)
		buf_printf(md, " (the %zu soonest below)", shown);
	buf_puts(md, "\n\n| Domain | Region | Expires | ARN |\n"
	             "|---|---|---|---|\n");
	cJSON_ArrayForEach(o, list)
	{
		md_row(md, 4, str_of(o, "domain"), str_of(o, "region"),
		    str_of(o, "expires"), str_of(o, "arn"));
	}
	buf_free(&names);
}

void
sync_report_names(
    struct buf *list, const cJSON *arr, const char *third, size_t max)
{
	const cJSON *o;
	size_t j = 0;

	buf_reset(list);
	cJSON_ArrayForEach(o, arr)
	{
		if (j++ >= max)
			break;
		buf_puts(list, j > 1 ? "; " : "");
		md_text(list, str_of(o, "domain"));
		buf_puts(list, " (");
		md_text(list, str_of(o, "region"));
		buf_puts(list, ", ");
		md_text(list, str_of(o, third));
		buf_puts(list, ")");
	}
}

void
sync_report_note(cJSON *list, int soonest, unsigned long *n, size_t max,
    const char *arn, const char *domain, const char *region, const char *status,
    double not_after)
{
	cJSON *o;
	struct buf t = {0};

	if (((*n)++ >= max && !soonest) || /* soonest: of them all */
	    (o = cJSON_CreateObject()) == NULL)
		return;
	cJSON_AddStringToObject(o, "arn", arn);
	cJSON_AddStringToObject(o, "domain", domain);
	cJSON_AddStringToObject(o, "region", region);
	cJSON_AddStringToObject(o, "status", status);
	if (not_after > 0 && explain_time(not_after, &t) == 0)
		cJSON_AddStringToObject(o, "expires", buf_str(&t));
	buf_free(&t);
	cJSON_AddNumberToObject(o, "notAfter", not_after);
	if (soonest)
		sync_report_keep_soonest(list, o, max);
	else
		cJSON_AddItemToArray(list, o);
}

void
sync_echo(struct report *r, const char *fmt, ...)
{
	struct buf line = {0};
	va_list ap;

	va_start(ap, fmt);
	if (buf_vprintf(&line, fmt, ap) == 0)
		gha_echo(r->diag, "port-acm: %s\n", buf_str(&line));
	va_end(ap);
	buf_free(&line);
}

void
sync_units_add(struct sync_units *u, const char *label, size_t max)
{
	size_t len = strlen(u->names);

	u->n++;
	if (u->named < max && len + strlen(label) + 2 < sizeof(u->names)) {
		snprintf(u->names + len, sizeof(u->names) - len, "%s%s",
		    len ? ", " : "", label);
		u->named++;
	}
}

/* "a, b" or "a, b and 3 more" into out. */
static const char *
units_text(const struct sync_units *u, char *out, size_t outlen)
{
	if (u->n > u->named)
		snprintf(
		    out, outlen, "%s and %zu more", u->names, u->n - u->named);
	else
		snprintf(out, outlen, "%s", u->names);
	return out;
}

void
sync_report_skipped(struct report *rep, const struct sync_units *skipped)
{
	char text[2200];

	if (skipped->n == 0)
		return;
	/* Not "no stale entities": these were never listed to the end. */
	report_log(rep,
	    "stale entities were not looked for in %s: %s listing did not "
	    "complete, so nothing of %s was deleted. Fix what the warning%s "
	    "above say%s and run the sync again",
	    units_text(skipped, text, sizeof(text)),
	    skipped->n == 1 ? "its" : "their", skipped->n == 1 ? "it" : "them",
	    skipped->n == 1 ? "" : "s", skipped->n == 1 ? "s" : "");
}

void
sync_report_no_stale(struct report *rep, const struct sync_units *listed,
    const struct sync_units *skipped, unsigned long total, int account_known)
{
	char text[2200];

	if (!account_known && total && skipped->n == 0)
		report_warn(rep,
		    "ACM listed no certificate at all, so port-acm cannot "
		    "tell which account the synced entities belong to: "
		    "nothing is deleted");
	else if (!account_known && total && listed->n)
		report_warn(rep,
		    "ACM listed no certificate in %s, so port-acm cannot tell "
		    "which account the synced entities belong to: nothing "
		    "is deleted there",
		    units_text(listed, text, sizeof(text)));
	else if (account_known && listed->n && total)
		report_log(rep,
		    "no stale entities in %s: all %lu synced before are "
		    "still in ACM",
		    units_text(listed, text, sizeof(text)), total);
	else if (account_known && listed->n)
		report_log(rep,
		    "no stale entities in %s: none was synced before",
		    units_text(listed, text, sizeof(text)));
	sync_report_skipped(rep, skipped);
}

void
sync_report_catalog(struct buf *summary, struct buf *md, const char *blueprint,
    const char *why, int delete_stale)
{
	char safe[1100];

	md_str(safe, sizeof(safe), why[0] ? why : "no reason given");
	if (delete_stale) {
		buf_printf(summary,
		    " Stale entities were not looked for, nor deleted: the "
		    "catalog of blueprint %s could not be read (%s). Run the "
		    "sync again once Port answers.",
		    blueprint, safe);
		buf_printf(md,
		    "\n**Stale entities not deleted:** the catalog of "
		    "blueprint %s could not be read (%s).\n",
		    blueprint, safe);
	} else {
		buf_printf(summary,
		    " The catalog of blueprint %s could not be read (%s); "
		    "only stale deletion (delete_stale) needs it.",
		    blueprint, safe);
		buf_printf(md, "\n**Catalog not read:** blueprint %s (%s).\n",
		    blueprint, safe);
	}
}
