#include "ops/sync_health.h"

#include <string.h>

#define NAMES_MAX 20

void
sync_health_init(struct sync_health *h, const struct config *c, double now)
{
	memset(h, 0, sizeof(*h));
	h->c = c;
	h->now = now;
}

void
sync_health_note(struct sync_health *h, const char *arn, const char *status,
    double not_after)
{
	const struct config *c = h->c;
	int issued = strcmp(status, "ISSUED") == 0, hit = 0;

	if (c->fail_on_expired &&
	    (strcmp(status, "EXPIRED") == 0 ||
	        (issued && not_after > 0 && not_after <= h->now)))
		h->expired++, hit = 1;
	else if (c->fail_on_expiring && issued && not_after > h->now &&
	         not_after < h->now + (double)c->fail_on_expiring * 86400.0)
		h->expiring++, hit = 1;
	if (c->fail_on_failed &&
	    (strcmp(status, "FAILED") == 0 ||
	        strcmp(status, "VALIDATION_TIMED_OUT") == 0))
		h->failed++, hit = 1;
	if (hit && h->named++ < NAMES_MAX)
		buf_printf(&h->names, "%s%s", h->named > 1 ? ", " : "", arn);
}

void
sync_health_at_risk(struct sync_health *h, const char *arn)
{
	if (!h->c->fail_on_at_risk)
		return;
	h->at_risk++;
	if (h->named++ < NAMES_MAX)
		buf_printf(&h->names, "%s%s", h->named > 1 ? ", " : "", arn);
}

int
sync_health_finish(
    struct sync_health *h, struct report *report, struct op_result *res)
{
	struct buf what = {0};

	if (h->expiring + h->expired + h->failed + h->at_risk == 0)
		return 0;
	if (h->expiring)
		buf_printf(&what, "%lu expiring within %lu days", h->expiring,
		    h->c->fail_on_expiring);
	if (h->expired)
		buf_printf(
		    &what, "%s%lu expired", what.len ? ", " : "", h->expired);
	if (h->failed)
		buf_printf(&what, "%s%lu FAILED or VALIDATION_TIMED_OUT",
		    what.len ? ", " : "", h->failed);
	if (h->at_risk)
		buf_printf(&what, "%s%lu at risk of failing renewal",
		    what.len ? ", " : "", h->at_risk);
	report_warn(report,
	    "fail_on: %s certificate%s need%s a person: %s%s. The run fails "
	    "so the job's owners are notified",
	    buf_str(&what), h->named == 1 ? "" : "s", h->named == 1 ? "s" : "",
	    buf_str(&h->names), h->named > NAMES_MAX ? ", ..." : "");
	buf_printf(&res->summary, " fail_on matched: %s.", buf_str(&what));
	buf_printf(
	    &res->step_summary, "\n**fail_on matched:** %s\n", buf_str(&what));
	if (strcmp(res->label, "Sync incomplete") != 0) /* that says more */
		str_copy(res->label, sizeof(res->label),
		    "Certificates need attention");
	buf_free(&what);
	return 1;
}

void
sync_health_free(struct sync_health *h)
{
	buf_free(&h->names);
}
