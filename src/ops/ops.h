/*
 * ops: the three operation flows (op_request.c, op_renew.c,
 * op_delete.c) and what they share (op_common.c, catalog.c).
 *
 * Data flows one way: a validated config in, ACM calls, a report out.
 * The flows never print the result themselves; main writes it to
 * stdout and the outputs, so it is never lost when Port is down.
 *
 * Return convention: op_* return 0 when the operation did what was
 * asked, 1 when ACM failed or refused (res->summary says why).
 */
#ifndef PORT_ACM_OPS_H
#define PORT_ACM_OPS_H

#include <cjson/cJSON.h>

#include "aws/acm.h"
#include "base/buf.h"
#include "base/http.h"
#include "creds/creds.h"
#include "input/config.h"
#include "port/port.h"
#include "port/report.h"

struct route53;

struct op_env {
	const struct config *cfg; /* borrowed */
	struct acm *acm;          /* borrowed */
	struct http *http;        /* borrowed, for waits */
	struct report *report;    /* borrowed */
	struct port *port;        /* borrowed; NULL without Port */
	struct creds *creds;      /* borrowed; sync makes a client per region */
	struct clock *clock;      /* borrowed; shared by those clients */
	struct route53 *r53;      /* borrowed; NULL without dns_validation */
	const cJSON *dns_zones;   /* borrowed: record name -> its zone, for
	                           * the catalog entity; NULL = none */
	/* When the work's time is up, the catalog write may still use half
	 * the reserve kept for the final report (the result is written
	 * even when a wait ran out the clock); 0 = no extension. */
	long long catalog_deadline_ms;
	/* borrowed; sync assumes a role per account with it (issue 19);
	 * NULL = the run's own account only */
	const struct creds_env *cenv;
	/* The validation doctor (doctor.h): its Markdown list for the
	 * catalog entity's validationDiagnosis (borrowed from the
	 * op_result; NULL = none), and in sync how many it diagnosed, left
	 * out, and whether public DNS stopped answering. */
	const char *diagnosis;
	unsigned doctor_runs, doctor_skipped;
	int doctor_dns_down;
};

struct op_result {
	char arn[2049];
	char status[32]; /* ACM status, or DELETED */
	char domain[254];
	char region[64];
	char label[128];         /* final statusLabel */
	char console_url[1024];  /* "" when unknown */
	struct buf records_json; /* validation_records output; owned */
	struct buf summary;      /* Port run summary; owned */
	struct buf step_summary; /* GitHub step summary, Markdown; owned */
	cJSON *outputs; /* sync: name -> string, replaces the certificate
	                 * outputs when set; owned */
	int local;      /* failed on a local mistake (the CA bundle): exit 2 */
	/* For a cancel's summary (op_cancelled): */
	char changed[64];      /* what AWS did to res->arn, e.g. "requested";
	                        * "" while nothing changed */
	const char *in_flight; /* an AWS-changing call sent and abandoned by
	                        * the cancel: its outcome is unknown */
	/* dns_validation: route53 (dns_validate.c) */
	struct buf dns_json; /* the dns_validation output; owned */
	cJSON *dns_zones;    /* record name -> {hostedZoneId, hostedZoneName}
	                      * for the catalog entity; owned */
	long long dns_records_ms, dns_write_ms, dns_insync_ms, dns_issue_ms;
	struct buf diagnosis; /* the validation doctor's findings, a
	                       * Markdown list; owned */
};

int op_request(struct op_env *env, struct op_result *res);
int op_renew(struct op_env *env, struct op_result *res);
int op_delete(struct op_env *env, struct op_result *res);
/* op_sync.c: every certificate of the configured regions into the
 * catalog (issue 12). Fills res->summary, step_summary and outputs. */
int op_sync(struct op_env *env, struct op_result *res);
void op_result_free(struct op_result *res);

/* op_common.c */
/* DescribeCertificate into *cert (caller frees with
 * acm_certificate_free on 0). */
int op_describe(struct op_env *env, const char *arn,
    struct acm_certificate *cert, struct acm_error *err);
/* Waits between polls: interval grows 1.5x up to 30 s; -1 past the
 * run's deadline. */
int op_wait(struct op_env *env, long *interval_ms);
/* Validation records, one per distinct CNAME (a wildcard and its apex
 * share one), as a JSON array into json and a Markdown table into md
 * (either may be NULL). Returns the number of records. */
size_t op_records(
    const struct acm_certificate *cert, struct buf *json, struct buf *md);
/* Whether validations[i] carries a DNS record not listed before it
 * (a wildcard and its apex share one): the records to show, once each. */
int op_record_first(const struct acm_certificate *cert, size_t i);
/* Fills res->console_url for an ARN. */
void op_console_url(const struct arn *arn, struct op_result *res);
/* Common fields of res from a described certificate. */
void op_fill(struct op_result *res, const struct acm_certificate *cert);
/* acm_call for an AWS-changing operation: not started once the run is
 * cancelled, and remembered in res->in_flight when a cancel abandons it
 * in flight. */
int op_change(struct op_env *env, struct op_result *res, const char *op,
    const cJSON *params, cJSON **out, struct acm_error *err);
/* Rewrites res's summary, step summary and label for a run cancelled by
 * signal sig: what was changed in AWS before it, or what may have been. */
void op_cancelled(const struct config *c, struct op_result *res, int sig);
/* The failure summary for an ACM error. */
void op_fail(struct op_env *env, struct op_result *res,
    const struct acm_error *err, const char *verb, const char *what);

/* catalog.c: the certificate entity in Port's catalog. Failures are
 * warnings: they never fail the ACM operation. */
/* Pure: the entity for cert, identified by id (NULL: the ARN); caller
 * frees with cJSON_Delete. */
cJSON *catalog_entity(const struct acm_certificate *cert, const char *id,
    const char *region, const char *account);
/* Both write the config's entity_id (the entity the action ran on) when
 * set, else the entity keyed by the ARN. */
/* The value of the syncedBy property sync writes (and looks for). */
#define CATALOG_SYNCED_BY "port-acm"
/* Pure: the same entity from a ListCertificates summary (borrowed),
 * written by sync: plus keyPairOrigin, exported and syncedBy; detail
 * (DescribeCertificate, may be NULL) adds inUseBy and validationRecords,
 * which a summary lacks (without it merge keeps what Port has). NULL
 * when the summary lacks CertificateArn or DomainName. */
cJSON *catalog_summary_entity(const cJSON *summary, const char *region,
    const char *account, const struct acm_certificate *detail);
void catalog_upsert(struct op_env *env, const struct acm_certificate *cert);
void catalog_delete(struct op_env *env, const char *arn);

#endif
