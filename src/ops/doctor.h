/*
 * doctor: the validation doctor, why ACM does not issue a certificate
 * (issue 18). When a requested certificate is still PENDING_VALIDATION
 * at its deadline, or one is FAILED or VALIDATION_TIMED_OUT, it says why
 * in words, one line per finding, with what to do:
 *   - each validation CNAME as public DNS answers it: missing, a wrong
 *     value, or right;
 *   - delegation: the NS records public DNS gives for each Route 53
 *     zone the records went into, against the zone's own name servers
 *     (GetHostedZone's delegation set);
 *   - CAA: climbing from each validated name to its parents (RFC 8659
 *     §3), the first CAA record set found, and whether it names one of
 *     Amazon's issuer domains.
 * It only reads (DNS through base/dns.h, GetHostedZone and
 * ListHostedZonesByName): it never changes AWS, deletes nothing, and
 * never fails a run; a DNS failure is "could not check X: why".
 */
#ifndef PORT_ACM_DOCTOR_H
#define PORT_ACM_DOCTOR_H

#include <cjson/cJSON.h>

#include "aws/acm.h"
#include "aws/route53.h"
#include "base/buf.h"
#include "base/dns.h"
#include "ops/ops.h"

#define DOCTOR_MAX_RECORDS   10 /* validation CNAMEs checked per certificate */
#define DOCTOR_MAX_ZONES     4  /* Route 53 zones checked per certificate */
#define DOCTOR_MAX_QUERIES   40 /* DNS queries per certificate */
#define DOCTOR_MAX_MS        30000 /* one diagnosis's time, at most */
#define DOCTOR_SYNC_MAX      10    /* certificates diagnosed per sync */
#define DOCTOR_SYNC_MAX_TEXT "10"

/* The doctor's one way into DNS, so the unit tests answer from a
 * table: fills out and returns out->status, as dns_query does. */
struct doctor_dns {
	enum dns_status (*query)(void *ctx, const char *name,
	    enum dns_type type, struct dns_answer *out);
	void *ctx;
};

/* A Route 53 zone the validation records went into. */
struct doctor_zone {
	char id[40];
	char name[256];       /* no trailing dot */
	struct route53_ns ns; /* its delegation set; n 0 when unknown */
	char why[256];        /* ns.n 0: why it is unknown ("" = private) */
};

struct doctor_result {
	unsigned causes;    /* findings that keep ACM from validating */
	unsigned unchecked; /* checks that could not be made */
	unsigned right;     /* checks that found the DNS right */
};

/* Pure. Whether a CAA value's issuer domain (RFC 8659 §4.2: the text
 * before any ';', blanks trimmed) is one of Amazon's: amazon.com,
 * amazontrust.com, awstrust.com, amazonaws.com (case-insensitive). */
int doctor_caa_amazon(const char *value);

/* Pure. Whether the CAA record set caa (DNS_FOUND) lets Amazon issue
 * for a name (wildcard: for "*.name", where issuewild wins when
 * present). 1 yes; 0 no, with what blocks it in why ("0 issue
 * \"letsencrypt.org\"", neutralised). */
int doctor_caa_allows(
    const struct dns_answer *caa, int wildcard, char *why, size_t whylen);

/* Pure but for dns: the diagnosis of cert's DNS validation, appended
 * to out as lines ending in '\n', each a sentence with what to do,
 * every network value neutralised (base/md.h). zones (nzones, may be
 * 0) are the Route 53 zones the records went into. Counts in *r. */
void doctor_diagnose(const struct acm_certificate *cert,
    const struct doctor_zone *zones, size_t nzones,
    const struct doctor_dns *dns, struct buf *out, struct doctor_result *r);

/* The diagnosis of cert with the run's resolvers (PORT_ACM_DNS_SERVER)
 * and, with Route 53 (env->r53), the zones the records are in: lines
 * into out. Bounded by DOCTOR_MAX_MS and the run's deadline (when the
 * work's time is up, by half of the catalog's extension); a cancel
 * ends it at once. Never changes AWS. */
void doctor_run(struct op_env *env, const struct acm_certificate *cert,
    struct buf *out, struct doctor_result *r);

/* request and renew: when cert needs it (FAILED, VALIDATION_TIMED_OUT,
 * or, with pending_at_deadline, still PENDING_VALIDATION), runs the
 * doctor, logs each line on the Port run, appends the lines to
 * res->summary and into res->diagnosis (Markdown list) and points
 * env->diagnosis at them for the catalog entity (validationDiagnosis).
 * Returns whether it ran. */
int doctor_report(struct op_env *env, struct op_result *res,
    const struct acm_certificate *cert, int pending_at_deadline);

/* sync with include_details: a FAILED or VALIDATION_TIMED_OUT cert
 * (NULL: no details, nothing to do) is
 * diagnosed into entity's (NULL: none) validationDiagnosis and the run's log,
 * at most DOCTOR_SYNC_MAX a run (the first left out is said on the run). */
void doctor_sync(
    struct op_env *env, const struct acm_certificate *cert, cJSON *entity);

#endif
