#include "port/report.h"

#include <stdarg.h>
#include <string.h>

#include "base/buf.h"

#define REPORT_MAX_LINKS (PORT_RUN_MAX_LINKS + 4)

void
report_init(struct report *r, struct gha *gha, struct port *port,
    const char *run_id, FILE *diag)
{
	memset(r, 0, sizeof(*r));
	r->gha = gha;
	r->port = port;
	r->run_id = run_id;
	r->diag = diag;
}

static void
port_failed(struct report *r, const struct port_error *err)
{
	if (r->port_failed)
		return;
	r->port_failed = 1;
	r->port_status = err->http_status;
	snprintf(r->port_error, sizeof(r->port_error), "%s%s%s%s", err->message,
	    err->trace_id[0] ? " (Port trace id " : "", err->trace_id,
	    err->trace_id[0] ? ")" : "");
	gha_echo(r->diag,
	    "port-acm: warning: could not report to the Port run: %s\n",
	    r->port_error);
}

/* A lost log line is only a warning (the first one): it gates
 * nothing, neither later lines nor the link, the entity or the end. */
static void
log_failed(struct report *r, const struct port_error *err)
{
	if (r->log_failures++ > 0)
		return;
	r->log_status = err->http_status;
	gha_echo(r->diag,
	    "port-acm: warning: could not add a log line to the Port run: "
	    "%s%s%s%s\n",
	    err->message, err->trace_id[0] ? " (Port trace id " : "",
	    err->trace_id, err->trace_id[0] ? ")" : "");
}

static void
vlog(struct report *r, int warn, const char *fmt, va_list ap)
{
	struct port_error err;
	struct buf line = {0};

	if (buf_vprintf(&line, fmt, ap) != 0)
		return;
	if (warn) {
		gha_echo(r->diag, "port-acm: warning: %s\n", buf_str(&line));
		gha_annotate(r->gha, GHA_WARNING, "port-acm", buf_str(&line));
	} else
		gha_echo(r->diag, "port-acm: %s\n", buf_str(&line));
	fflush(r->diag);
	if (r->port && !r->port_failed && !r->ended &&
	    port_log(r->port, r->run_id, buf_str(&line), &err) != 0)
		log_failed(r, &err);
	buf_free(&line);
}

void
report_log(struct report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(r, 0, fmt, ap);
	va_end(ap);
}

void
report_warn(struct report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(r, 1, fmt, ap);
	va_end(ap);
}

void
report_label(struct report *r, const char *label)
{
	struct port_error err;
	struct port_run_update u = {0};

	if (r->port == NULL || r->port_failed || r->ended)
		return;
	u.status_label = label;
	if (port_patch_run(r->port, r->run_id, &u, &err) != 0)
		port_failed(r, &err);
}

int
report_check_run(struct report *r, const char *external_run_id)
{
	struct port_error err;

	if (r->port == NULL)
		return 0;
	if (port_get_run(r->port, r->run_id, &r->run, &err) != 0) {
		r->port_status = err.http_status;
		if (err.http_status == 404)
			snprintf(r->port_error, sizeof(r->port_error),
			    "Port has no action run %s (%s). Check run_id or "
			    "the runId in port_context",
			    r->run_id, err.message);
		else
			snprintf(r->port_error, sizeof(r->port_error),
			    "could not read the Port run %s: %s", r->run_id,
			    err.message);
		return -1;
	}
	r->run_known = 1;
	/* GitHub Ocean sets its own id and later finds the run by it. */
	if (external_run_id && external_run_id[0] &&
	    r->run.external_run_id[0] == '\0')
		r->external_id = external_run_id;
	if (strcmp(r->run.status, "IN_PROGRESS") != 0) {
		r->port_status = 422;
		snprintf(r->port_error, sizeof(r->port_error),
		    "the Port run %s has already ended (status %s), so "
		    "nothing done now could be reported on it. Start the "
		    "action again from Port for a new run",
		    r->run_id, r->run.status);
		return -1;
	}
	return 0;
}

/* The links to send: Port's own first, then ours not already there.
 * Returns how many went to out (at most max); 0 when a link Port has
 * could not be kept, so `link` must not be sent at all. */
static size_t
merge_links(const struct report *r, const char *const *links, size_t n,
    const char **out, size_t max)
{
	size_t i, j, k = 0;

	if (r->run_known && !r->run.links_complete)
		return 0;
	for (i = 0; r->run_known && i < r->run.nlinks && k < max; i++)
		out[k++] = r->run.links[i];
	for (i = 0; i < n && k < max; i++) {
		for (j = 0; j < k && strcmp(out[j], links[i]) != 0; j++)
			;
		if (j == k)
			out[k++] = links[i];
	}
	return k;
}

void
report_links(struct report *r, const char *const *links, size_t n)
{
	struct port_error err;
	struct port_run_update u = {0};
	const char *all[REPORT_MAX_LINKS];

	if (r->port == NULL || r->port_failed || r->ended)
		return;
	u.nlinks = merge_links(r, links, n, all, REPORT_MAX_LINKS);
	u.links = all;
	u.external_run_id = r->external_id;
	if (u.nlinks == 0 && u.external_run_id == NULL)
		return;
	if (port_patch_run(r->port, r->run_id, &u, &err) != 0)
		port_failed(r, &err);
	else
		r->external_id = NULL;
}

int
report_finish(struct report *r, int success, const char *label,
    const char *summary, const char *const *links, size_t nlinks)
{
	struct port_error err;
	struct port_run_update u = {0};
	const char *all[REPORT_MAX_LINKS];
	int rc;

	if (r->port == NULL || r->ended)
		return 0;
	r->ended = 1;
	u.status = success ? "SUCCESS" : "FAILURE";
	u.status_label = label;
	u.summary = summary;
	u.nlinks = merge_links(r, links, nlinks, all, REPORT_MAX_LINKS);
	u.links = all;
	u.external_run_id = r->external_id;
	/* Sent even after an earlier Port failure: the run must end. */
	rc = port_patch_run(r->port, r->run_id, &u, &err);
	if (rc == 1) {
		gha_echo(r->diag, "port-acm: warning: %s\n", err.message);
		gha_annotate(
		    r->gha, GHA_WARNING, "Port run already ended", err.message);
		return 1;
	}
	if (rc != 0) {
		r->port_failed = 0;
		port_failed(r, &err);
		return -1;
	}
	/* A lost log line was already warned about; the run ended right. */
	return 0;
}
