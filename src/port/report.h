/*
 * report: where progress goes. Every step is a log line on the Port
 * run (when reporting to Port) and a line on stderr; warnings are also
 * GitHub annotations. The run ends with exactly one terminal update,
 * sent by report_finish and nothing after it.
 *
 * A failed Port call never stops the ACM work. A lost log line is a
 * warning and nothing more. A failed run update (label, links) is
 * remembered, later updates are skipped, and report_finish says so, so
 * the caller can exit with 3 after printing the result.
 *
 * Return convention: report_finish returns 0 when the run was updated
 * (or there is no run), 1 when the run had already ended (a warning),
 * -1 when Port could not be told.
 */
#ifndef PORT_ACM_REPORT_H
#define PORT_ACM_REPORT_H

#include <stdio.h>

#include "base/gha.h"
#include "port/port.h"

struct report {
	struct gha *gha;    /* borrowed */
	struct port *port;  /* borrowed; NULL when not reporting to Port */
	const char *run_id; /* borrowed */
	FILE *diag;         /* stderr */
	int port_failed;    /* a run update failed; details in port_error */
	long port_status;   /* its HTTP status, 0 when none arrived */
	char port_error[1024];
	unsigned log_failures; /* log lines Port did not take */
	long log_status;       /* the first one's HTTP status */
	int ended;             /* the terminal update was attempted */
	/* The run as Port showed it (report_check_run). */
	struct port_run run;
	int run_known;           /* the GET answered */
	const char *external_id; /* ours, still to be set; borrowed */
};

void report_init(struct report *r, struct gha *gha, struct port *port,
    const char *run_id, FILE *diag);

/* A step: Port log line + stderr. */
void report_log(struct report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A warning: Port log line, stderr and a ::warning annotation. */
void report_warn(struct report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Reads the run (GET), before anything is written to it or changed in
 * AWS: 0 when it is IN_PROGRESS (or there is no Port run), -1 when it is
 * unknown (port_status 404), has ended (422) or cannot be read, with
 * port_error saying so. external_run_id (borrowed, may be NULL) is set on
 * the run later (report_links, report_finish) only if Port shows none:
 * the GitHub Ocean backend sets its own and finds the run by it
 * (port-api.md §9.3). */
int report_check_run(struct report *r, const char *external_run_id);
/* Progress shown beside the still-running status (statusLabel). */
void report_label(struct report *r, const char *label);
/* link (and externalRunId when still due), early, so the run page points
 * at the job. Links Port already had come first and are kept (a PATCH of
 * `link` replaces them). */
void report_links(struct report *r, const char *const *links, size_t n);

/* The one terminal update: status SUCCESS or FAILURE, with label,
 * summary and links (borrowed; merged with Port's as in report_links),
 * and externalRunId when still due. */
int report_finish(struct report *r, int success, const char *label,
    const char *summary, const char *const *links, size_t nlinks);

#endif
