/*
 * config: command line, GitHub Action inputs (INPUT_*) and the plain
 * environment, resolved into one validated configuration. Precedence:
 * flag, then input, then plain environment, then default; an empty
 * value counts as not given. Secrets are read only from the
 * environment: argv is visible to every process on the machine.
 *
 * Pure apart from the injected getenv: no I/O, so every rule is
 * unit-tested directly.
 *
 * Return convention: CONFIG_OK, CONFIG_HELP or CONFIG_VERSION; or
 * CONFIG_ERROR with a message for the person who clicked the button in
 * msg. Even on CONFIG_ERROR the Port fields (base_url, client id and
 * secret, run_id) are filled in when they were valid, so the failure
 * can still be reported on the run.
 */
#ifndef PORT_ACM_CONFIG_H
#define PORT_ACM_CONFIG_H

#include <stddef.h>

#include "base/buf.h"
#include "input/context.h"
#include "input/validate.h"

enum config_result {
	CONFIG_ERROR = -1,
	CONFIG_OK = 0,
	CONFIG_HELP = 1,
	CONFIG_VERSION = 2,
};

enum op { OP_NONE, OP_REQUEST, OP_RENEW, OP_DELETE, OP_SYNC };

#define CONFIG_MAX_REGIONS 32
#define CONFIG_NSTATUSES   7 /* ACM's CertificateStatus values */

struct config {
	enum op op;

	/* request */
	char domain_name[254];
	char *sans[VALIDATE_MAX_NAMES]; /* owned: config_free */
	size_t nsans;
	char validation_method[8]; /* DNS | EMAIL */
	char key_algorithm[16];    /* "" = ACM's default */
	struct tag *tags;          /* owned: config_free */
	size_t ntags;
	char pca_arn[2049];
	char export_option[9];      /* "" | ENABLED | DISABLED */
	char idempotency_token[33]; /* given or derived from the run id */
	int idempotency_derived;
	int wait_for_issuance;
	unsigned long timeout_minutes;
	unsigned long delete_wait_minutes;

	/* Route 53 DNS validation (dns_validate.c, dns_cleanup.c); the
	 * order keeps the struct's padding small (clang-tidy). */
	long dns_record_ttl;           /* default 300 */
	int dns_route53;               /* dns_validation: route53 */
	int delete_validation_records; /* delete: remove unused records */
	int need_route53;              /* a Route 53 client is needed */
	char hosted_zone_id[33];       /* bare id; "" = find the zone */
	char dns_role_arn[2049];       /* "" = base credentials */
	char r53_endpoint[2048];       /* custom endpoint, "" = global */

	/* renew, delete */
	char certificate_arn[2049];
	const char *arn_source; /* where the ARN came from, for messages */
	struct arn arn;

	/* sync */
	char regions[CONFIG_MAX_REGIONS][64]; /* distinct, validated */
	size_t nregions;
	int delete_stale;
	unsigned long stale_threshold_percent; /* 0-100 */
	int dry_run;
	int include_details;
	unsigned skip_statuses; /* bit i: config_status_name(i) skipped */
	/* AWS */
	char region[64];       /* sync: the first of regions */
	char region_note[512]; /* said when the ARN's region wins */
	char endpoint[2048];
	int endpoint_custom;
	char *access_key_id;        /* owned, wiped by config_free */
	char *secret_access_key;    /* owned, wiped by config_free */
	char *session_token;        /* owned, wiped; NULL when absent */
	char ca_file[4096];         /* SSL_CERT_FILE, "" = built-in */
	char aws_ca_file[4096];     /* AWS_CA_BUNDLE, else ca_file */
	const char *aws_ca_setting; /* which of the two it came from */

	unsigned max_attempts; /* AWS_MAX_ATTEMPTS, 0 = default */
	int use_fips;          /* AWS_USE_FIPS_ENDPOINT=true */
	int use_dualstack;     /* AWS_USE_DUALSTACK_ENDPOINT=true */

	/* AWS credentials (issue 10; creds.h finds them) */
	unsigned role_duration_s;    /* 900..43200, default 3600 */
	char role_to_assume[2048];   /* "" = none */
	char role_external_id[1228]; /* "" = none; at most 1224 */
	char role_session_name[68];  /* sanitised to STS's pattern, <= 64 */
	char audience[256];          /* default sts.amazonaws.com */

	/* Port */
	int port_enabled; /* credentials and a run id are all present
	                   * (sync: credentials; a run id is optional) */
	char port_base_url[1024];
	char *port_client_id;     /* owned, wiped */
	char *port_client_secret; /* owned, wiped */
	char run_id[129];
	char blueprint[401]; /* up to 100 characters of UTF-8 */
	/* The certificate's catalog entity (renew, delete): the entity the
	 * action ran on when it is this certificate's (its identifier need
	 * not be the ARN), else "" for the ARN. */
	char entity_id[1001];
	struct port_context ctx;

	/* GitHub */
	int github_actions;
	char github_run_url[1024]; /* "" when unknown */
	char github_run_id[64];

	/* time */
	long connect_timeout_ms;
	long request_timeout_ms;
	long poll_interval_ms;
	long deadline_ms; /* whole run, relative */
};

/* The ACM endpoint for a region when no custom one is configured:
 * aws_endpoint's signature (aws/aws.h). The AWS layer sits above the
 * inputs, so the caller hands its resolver in. 0 with url filled, or
 * -1. */
typedef int (*config_endpoint_fn)(const char *signing_name, const char *region,
    int fips, int dualstack, char *url, size_t urllen, char *signing_region,
    size_t srlen);

/* c is zeroed first. endpoint_fn resolves c->endpoint (NULL leaves it
 * "" unless configured). Caller frees with config_free in every
 * case. */
enum config_result config_load(struct config *c, int argc, char **argv,
    const char *(*getenv_fn)(const char *), config_endpoint_fn endpoint_fn,
    struct buf *msg);
void config_free(struct config *c);

const char *config_op_name(enum op op);
/* ACM's CertificateStatus number i (0..CONFIG_NSTATUSES-1), or -1 for
 * a name that is not one (config_status_index). */
const char *config_status_name(int i);
int config_status_index(const char *name);
/* The --help text (static storage). */
const char *config_usage(void);

#endif
