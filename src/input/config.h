/*
 * config: what a run is configured to do, resolved from the command
 * line, the GitHub Action inputs (INPUT_*) and the plain environment by
 * inputs_load (inputs.h: the table of every input; rules.h: each one's
 * check; envvars.h: the settings that are environment only). This
 * module holds the result and what those share: how a refusal is
 * worded, copied and bounded.
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
#include "input/validate_arn.h"
#include "input/validate_domain.h"
#include "input/validate_text.h"

enum config_result {
	CONFIG_ERROR = -1,
	CONFIG_OK = 0,
	CONFIG_HELP = 1,
	CONFIG_VERSION = 2,
};

enum op { OP_NONE, OP_REQUEST, OP_RENEW, OP_DELETE, OP_SYNC };

#define CONFIG_MAX_REGIONS  32
#define CONFIG_MAX_ACCOUNTS 5000 /* Organizations' default quota is 10 */
#define CONFIG_NSTATUSES    7    /* ACM's CertificateStatus values */

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
	int sync_route53;        /* sync reads records (include_details) */
	char hosted_zone_id[33]; /* bare id; "" = find the zone */
	char dns_role_arn[2049]; /* "" = base credentials */
	char r53_endpoint[2048]; /* custom endpoint, "" = global */

	/* renew, delete */
	char certificate_arn[2049];
	const char *arn_source; /* where the ARN came from, for messages */
	struct arn arn;

	/* sync */
	char regions[CONFIG_MAX_REGIONS][64]; /* distinct, validated */
	size_t nregions;
	int regions_all; /* regions: all (ListRegions per account); regions[0]
	                  * is then the run's own region (aws_region) */
	unsigned long max_concurrency; /* account-regions listed at once */
	int delete_stale;
	unsigned long stale_threshold_percent; /* 0-100 */
	int dry_run;
	int include_details;
	unsigned skip_statuses; /* bit i: config_status_name(i) skipped */
	int accounts_org;       /* accounts: organization (ListAccounts) */
	char (*accounts)[13];   /* owned; distinct 12-digit ids, NULL = the
	                         * credentials' own account only */
	size_t naccounts;
	unsigned shard_i, shard_n;      /* shard i/n, 1 <= i <= n; n 0 = none */
	unsigned long fail_on_expiring; /* fail_on expiring:N, 0 = off */
	int fail_on_expired, fail_on_failed; /* fail_on expired, failed */
	int fail_on_at_risk;                 /* fail_on at_risk */
	/* Sizes keep struct config's padding minimal (clang-tidy). */
	char account_role_name[67];       /* assumed in each of accounts */
	char organization_role_arn[2049]; /* "" = the run's credentials */
	char org_endpoint[2048]; /* AWS_ENDPOINT_URL_ORGANIZATIONS, "" = AWS */
	char account_endpoint[2048]; /* AWS_ENDPOINT_URL_ACCOUNT, "" = AWS */
	char tagging_endpoint[2048]; /* sync: custom Tagging API, "" = own */
	char owner_tag_key[129];     /* tag -> the "owner" property */
	char team_tag_key[129];      /* tag -> the entity's Port team */
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
	int role_chaining;           /* AssumeRole with the environment keys */
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

	/* PORT_ACM_DNS_SERVER: the one DNS server the validation doctor
	 * asks (base/dns.h), "" = the system's resolvers. */
	char dns_server[64];
};

/* The ACM endpoint for a region when no custom one is configured:
 * aws_endpoint's signature (aws/aws.h). The AWS layer sits above the
 * inputs, so the caller hands its resolver in. 0 with url filled, or
 * -1. */
typedef int (*config_endpoint_fn)(const char *signing_name, const char *region,
    int fips, int dualstack, char *url, size_t urllen, char *signing_region,
    size_t srlen);

/* Frees what c owns (wiping the secrets); c may be zeroed. */
void config_free(struct config *c);

const char *config_op_name(enum op op);
/* ACM's CertificateStatus number i (0..CONFIG_NSTATUSES-1), or -1 for
 * a name that is not one (config_status_index). */
const char *config_status_name(int i);
int config_status_index(const char *name);

/* What the input rules (rules.c) and environment settings (envvars.c)
 * share. */

/* Writes the refusal into msg (control characters shown as '?': the
 * message quotes input and reaches stderr, where the runner reads
 * ::workflow-commands::); returns CONFIG_ERROR. */
int config_fail(struct buf *msg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* s, or NULL when s is NULL or "": an empty value counts as not given. */
const char *config_nonempty(const char *s);

/* Copies src into dst, or refuses it as too long for field. */
int config_copy(char *dst, size_t dstlen, const char *src, const char *field,
    struct buf *msg);

/* Refuses plain http:// for field unless url is on the loopback:
 * secrets would travel in the clear. */
int config_require_tls(const char *field, const char *url, struct buf *msg);

/* A whole number from the environment (name), dflt when val is NULL. */
int config_number(const char *val, long dflt, long min, long max,
    const char *name, long *out, struct buf *msg);

/* "true"/"false" (any case) or unset: botocore's boolean settings. */
int config_env_bool(
    const char *val, const char *name, int *out, struct buf *msg);

/* A malloc'd copy of a secret, NULL for NULL (or out of memory). */
char *config_secret(const char *s);

#endif
