#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acm.h"
#include "sigv4.h"
#include "sts.h"
#include "url.h"

/* One user-facing setting: its input name (INPUT_<NAME> upper-cased,
 * and --name with '-' for '_' as a flag) and its plain environment
 * fallbacks. */
struct setting {
	const char *input;
	int flag; /* may be given on the command line */
	const char *env1, *env2;
};

enum {
	S_OPERATION,
	S_PORT_CONTEXT,
	S_DOMAIN_NAME,
	S_VALIDATION_METHOD,
	S_CERTIFICATE_ARN,
	S_AWS_REGION,
	S_PORT_CLIENT_ID,
	S_PORT_CLIENT_SECRET,
	S_PORT_BASE_URL,
	S_BLUEPRINT,
	S_RUN_ID,
	S_SANS,
	S_KEY_ALGORITHM,
	S_TAGS,
	S_PCA_ARN,
	S_EXPORT,
	S_IDEMPOTENCY_TOKEN,
	S_WAIT,
	S_TIMEOUT_MINUTES,
	S_DELETE_WAIT,
	S_REGIONS,
	S_DELETE_STALE,
	S_STALE_THRESHOLD,
	S_DRY_RUN,
	S_SKIP_STATUSES,
	S_INCLUDE_DETAILS,
	S_ROLE_TO_ASSUME,
	S_ROLE_SESSION_NAME,
	S_ROLE_DURATION,
	S_ROLE_EXTERNAL_ID,
	S_AUDIENCE,
	S_DNS_VALIDATION,
	S_HOSTED_ZONE_ID,
	S_DNS_ROLE_ARN,
	S_DNS_RECORD_TTL,
	S_DELETE_RECORDS,
	S__MAX
};

static const struct setting settings[S__MAX] = {
    [S_OPERATION] = {"operation", 0, NULL, NULL},
    [S_PORT_CONTEXT] = {"port_context", 1, NULL, NULL},
    [S_DOMAIN_NAME] = {"domain_name", 1, NULL, NULL},
    [S_VALIDATION_METHOD] = {"validation_method", 1, NULL, NULL},
    [S_CERTIFICATE_ARN] = {"certificate_arn", 1, NULL, NULL},
    [S_AWS_REGION] = {"aws_region", 0, "AWS_REGION", "AWS_DEFAULT_REGION"},
    [S_PORT_CLIENT_ID] = {"port_client_id", 0, "PORT_CLIENT_ID", NULL},
    [S_PORT_CLIENT_SECRET] = {"port_client_secret", 0, "PORT_CLIENT_SECRET",
        NULL},
    [S_PORT_BASE_URL] = {"port_base_url", 1, "PORT_BASE_URL", NULL},
    [S_BLUEPRINT] = {"blueprint", 1, NULL, NULL},
    [S_RUN_ID] = {"run_id", 1, NULL, NULL},
    [S_SANS] = {"subject_alternative_names", 1, NULL, NULL},
    [S_KEY_ALGORITHM] = {"key_algorithm", 1, NULL, NULL},
    [S_TAGS] = {"tags", 1, NULL, NULL},
    [S_PCA_ARN] = {"certificate_authority_arn", 1, NULL, NULL},
    [S_EXPORT] = {"export", 1, NULL, NULL},
    [S_IDEMPOTENCY_TOKEN] = {"idempotency_token", 1, NULL, NULL},
    [S_WAIT] = {"wait_for_issuance", 1, NULL, NULL},
    [S_TIMEOUT_MINUTES] = {"timeout_minutes", 1, NULL, NULL},
    [S_DELETE_WAIT] = {"delete_wait_minutes", 1, NULL, NULL},
    [S_REGIONS] = {"regions", 1, NULL, NULL},
    [S_DELETE_STALE] = {"delete_stale", 1, NULL, NULL},
    [S_STALE_THRESHOLD] = {"stale_threshold_percent", 1, NULL, NULL},
    [S_DRY_RUN] = {"dry_run", 1, NULL, NULL},
    [S_SKIP_STATUSES] = {"skip_statuses", 1, NULL, NULL},
    [S_INCLUDE_DETAILS] = {"include_details", 1, NULL, NULL},
    [S_ROLE_TO_ASSUME] = {"role_to_assume", 1, NULL, NULL},
    [S_ROLE_SESSION_NAME] = {"role_session_name", 1, NULL, NULL},
    [S_ROLE_DURATION] = {"role_duration_seconds", 1, NULL, NULL},
    [S_ROLE_EXTERNAL_ID] = {"role_external_id", 1, NULL, NULL},
    [S_AUDIENCE] = {"audience", 1, NULL, NULL},
    [S_DNS_VALIDATION] = {"dns_validation", 1, NULL, NULL},
    [S_HOSTED_ZONE_ID] = {"hosted_zone_id", 1, NULL, NULL},
    [S_DNS_ROLE_ARN] = {"dns_role_arn", 1, NULL, NULL},
    [S_DNS_RECORD_TTL] = {"dns_record_ttl", 1, NULL, NULL},
    [S_DELETE_RECORDS] = {"delete_validation_records", 1, NULL, NULL},
};

static const char usage[] =
    "usage: port-acm request|renew|delete|sync [options]\n"
    "       port-acm --help | --version\n"
    "\n"
    "Requests, renews or deletes an AWS Certificate Manager certificate\n"
    "and reports every step to a Port self-service action run; sync\n"
    "writes every certificate of some regions to Port's catalog.\n"
    "\n"
    "options (each also an Action input INPUT_<NAME>; precedence: flag,\n"
    "input, environment, default):\n"
    "  --domain-name NAME            certificate domain (request)\n"
    "  --subject-alternative-names L more names, comma or newline separated\n"
    "  --validation-method DNS|EMAIL default DNS\n"
    "  --key-algorithm A             RSA_2048, EC_prime256v1, EC_secp384r1;\n"
    "                                default ACM's (RSA_2048)\n"
    "  --tags K=V,...                tags for the new certificate\n"
    "  --certificate-authority-arn A private certificate from AWS Private CA\n"
    "  --export ENABLED|DISABLED     exportable public certificate; default\n"
    "                                ACM's (DISABLED)\n"
    "  --idempotency-token T         default: derived from the Port run id\n"
    "  --wait-for-issuance BOOL      wait until ISSUED; default false\n"
    "  --timeout-minutes N           how long to wait, 1-360; default 30\n"
    "  --certificate-arn ARN         certificate to renew or delete\n"
    "  --delete-wait-minutes N       retry a delete while ACM says in use,\n"
    "                                0-60; default 2\n"
    "  --dns-validation none|route53 write the DNS records into Route 53 "
    "and\n"
    "                                wait for issuance (default none)\n"
    "  --hosted-zone-id ID           Route 53 zone (default: the longest\n"
    "                                matching public zone)\n"
    "  --dns-role-arn ARN            role to assume for the Route 53 calls\n"
    "  --dns-record-ttl N            TTL of the records (default 300)\n"
    "  --delete-validation-records true  on delete, also remove its DNS\n"
    "                                records no other certificate of the\n"
    "                                region uses (default false)\n"
    "  --region REGION               (input aws_region) default AWS_REGION,\n"
    "                                AWS_DEFAULT_REGION\n"
    "  --port-context JSON           the port_context Port dispatched\n"
    "  --run-id ID                   Port action run id (overrides context)\n"
    "  --port-base-url URL           default PORT_BASE_URL, else\n"
    "                                https://api.port.io (EU); US:\n"
    "                                https://api.us.port.io\n"
    "  --blueprint ID                default the entity's, else "
    "acmCertificate\n"
    "  port_client_id, port_client_secret: inputs or environment only, never\n"
    "  flags.\n"
    "sync (every certificate of the regions into the Port catalog):\n"
    "  --regions LIST                comma or newline separated; default\n"
    "                                the region (AWS_REGION)\n"
    "  --delete-stale true           delete entities a previous sync wrote\n"
    "                                whose certificate ACM no longer lists\n"
    "  --stale-threshold-percent N   refuse to delete more than N% (50)\n"
    "  --dry-run true                list what would change; write nothing\n"
    "  --skip-statuses LIST          e.g. FAILED,INACTIVE,"
    "VALIDATION_TIMED_OUT\n"
    "  --include-details true        DescribeCertificate each (in-use-by,\n"
    "                                validation records; slower)\n"
    "  --role-to-assume ARN          IAM role: by GitHub OIDC, or AssumeRole\n"
    "                                with AWS_ACCESS_KEY_ID when set\n"
    "  --role-session-name NAME      default port-acm-<GITHUB_RUN_ID>-\n"
    "                                <GITHUB_RUN_ATTEMPT>\n"
    "  --role-duration-seconds N     900..43200, default 3600\n"
    "  --role-external-id ID         ExternalId for AssumeRole\n"
    "  --audience AUD                OIDC audience, default sts.amazonaws.com\n"
    "\n"
    "AWS credentials, first found: role_to_assume (by GitHub OIDC:\n"
    "  ACTIONS_ID_TOKEN_REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN);\n"
    "  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN\n"
    "  (AWS_SECURITY_TOKEN); AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE\n"
    "  (AWS_ROLE_SESSION_NAME); AWS_PROFILE (AWS_DEFAULT_PROFILE) in\n"
    "  AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE;\n"
    "  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or\n"
    "  AWS_CONTAINER_CREDENTIALS_FULL_URI (+ "
    "AWS_CONTAINER_AUTHORIZATION_TOKEN\n"
    "  or AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE); EC2 instance metadata\n"
    "  (AWS_EC2_METADATA_SERVICE_ENDPOINT; not when\n"
    "  AWS_EC2_METADATA_DISABLED=true or on GitHub-hosted runners).\n"
    "environment: AWS_REGION, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_ACM,\n"
    "  AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_ROUTE_53, AWS_ENDPOINT_URL,\n"
    "  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, AWS_USE_FIPS_ENDPOINT,\n"
    "  AWS_USE_DUALSTACK_ENDPOINT, AWS_STS_REGIONAL_ENDPOINTS,\n"
    "  AWS_CA_BUNDLE, AWS_MAX_ATTEMPTS, PORT_CLIENT_ID, PORT_CLIENT_SECRET,\n"
    "  PORT_BASE_URL, SSL_CERT_FILE, HTTPS_PROXY, NO_PROXY,\n"
    "  PORT_ACM_CONNECT_TIMEOUT_SECONDS, PORT_ACM_REQUEST_TIMEOUT_SECONDS,\n"
    "  PORT_ACM_DEADLINE_SECONDS, PORT_ACM_POLL_INTERVAL_MS; from the\n"
    "  runner: GITHUB_ACTIONS, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,\n"
    "  GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID,\n"
    "  GITHUB_RUN_ATTEMPT. Secrets are never taken from flags.\n"
    "\n"
    "result: a done:/failed: line, then name=value lines of the outputs\n"
    "(also written to GITHUB_OUTPUT); diagnostics on stderr.\n"
    "\n"
    "exit status: 0 done; 1 AWS failed or refused the operation;\n"
    "  2 a local mistake: input, configuration, credentials refused, CA\n"
    "  bundle, unknown Port run (nothing changed in AWS); 3 Port failed or\n"
    "  out of reach; 130/143 cancelled by SIGINT/SIGTERM.\n";

const char *
config_usage(void)
{
	return usage;
}

const char *
config_op_name(enum op op)
{
	switch (op) {
	case OP_REQUEST:
		return "request";
	case OP_RENEW:
		return "renew";
	case OP_DELETE:
		return "delete";
	case OP_SYNC:
		return "sync";
	default:
		return "none";
	}
}

static const char *const statuses[CONFIG_NSTATUSES] = {"PENDING_VALIDATION",
    "ISSUED", "INACTIVE", "EXPIRED", "VALIDATION_TIMED_OUT", "REVOKED",
    "FAILED"};

const char *
config_status_name(int i)
{
	return i >= 0 && i < CONFIG_NSTATUSES ? statuses[i] : "";
}

int
config_status_index(const char *name)
{
	int i;

	for (i = 0; i < CONFIG_NSTATUSES; i++)
		if (strcmp(statuses[i], name) == 0)
			return i;
	return -1;
}

static int fail(struct buf *msg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct buf *msg, const char *fmt, ...)
{
	va_list ap;
	size_t i;

	buf_reset(msg);
	va_start(ap, fmt);
	buf_vprintf(msg, fmt, ap);
	va_end(ap);
	/* Messages quote input and reach stderr, where the runner reads
	 * ::workflow-commands:: on every line. */
	for (i = 0; i < msg->len; i++)
		if ((unsigned char)msg->data[i] < 0x20 || msg->data[i] == 0x7f)
			msg->data[i] = '?';
	return CONFIG_ERROR;
}

static const char *
nonempty(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

/* The value of a setting by precedence: flag, input, env, NULL. */
static const char *
lookup(const struct setting *s, const char *flagval,
    const char *(*getenv_fn)(const char *))
{
	char name[64];
	const char *v;
	size_t i;

	if ((v = nonempty(flagval)) != NULL)
		return v;
	snprintf(name, sizeof(name), "INPUT_%s", s->input);
	for (i = 6; name[i]; i++)
		if (name[i] >= 'a' && name[i] <= 'z')
			name[i] = (char)(name[i] - 'a' + 'A');
	if ((v = nonempty(getenv_fn(name))) != NULL)
		return v;
	if (s->env1 && (v = nonempty(getenv_fn(s->env1))) != NULL)
		return v;
	if (s->env2 && (v = nonempty(getenv_fn(s->env2))) != NULL)
		return v;
	return NULL;
}

static int
copy_checked(char *dst, size_t dstlen, const char *src, const char *field,
    struct buf *msg)
{
	if (strlen(src) >= dstlen)
		return fail(msg, "%s is too long (at most %zu characters)",
		    field, dstlen - 1);
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

static char *
dup_secret(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* A Port run id is an idempotency token when it fits ACM's pattern;
 * otherwise its hash does. The same run always maps to the same token,
 * so a re-run returns the same certificate. */
static void
derive_token(const char *run_id, char out[33])
{
	char hex[65];
	const char *p;
	int plain = strlen(run_id) <= 32;

	for (p = run_id; *p && plain; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		        (*p >= '0' && *p <= '9') || *p == '_'))
			plain = 0;
	if (plain) {
		snprintf(out, 33, "%s", run_id);
		return;
	}
	if (sigv4_sha256_hex(run_id, strlen(run_id), hex) != 0)
		hex[0] = '\0';
	snprintf(out, 33, "%.32s", hex);
}

static int
parse_args(int argc, char **argv, const char *flags[S__MAX], enum op *op,
    struct buf *msg)
{
	int i, s;
	size_t n;
	const char *a, *v;
	char name[64];

	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			return CONFIG_HELP;
		if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0)
			return CONFIG_VERSION;
		if (strncmp(a, "--", 2) != 0) {
			enum op o = strcmp(a, "request") == 0  ? OP_REQUEST
			            : strcmp(a, "renew") == 0  ? OP_RENEW
			            : strcmp(a, "delete") == 0 ? OP_DELETE
			            : strcmp(a, "sync") == 0   ? OP_SYNC
			                                       : OP_NONE;
			if (o == OP_NONE)
				return fail(msg,
				    "unknown operation '%.64s': use request, "
				    "renew, delete or sync",
				    a);
			if (*op != OP_NONE)
				return fail(
				    msg, "more than one operation given");
			*op = o;
			continue;
		}
		a += 2;
		n = strcspn(a, "=");
		if (n >= sizeof(name))
			return fail(msg, "unknown option --%.64s", a);
		memcpy(name, a, n);
		name[n] = '\0';
		for (char *p = name; *p; p++)
			if (*p == '-')
				*p = '_';
		if (strcmp(name, "idempotency_token") != 0 &&
		    (strstr(name, "secret") || strstr(name, "token") ||
		        strstr(name, "access_key") ||
		        strstr(name, "client_id") || strstr(name, "password")))
			return fail(msg,
			    "--%.*s is not accepted: credentials are read only "
			    "from the environment (PORT_CLIENT_ID, "
			    "PORT_CLIENT_SECRET, AWS_ACCESS_KEY_ID, "
			    "AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), "
			    "because "
			    "every process can read a command line",
			    (int)n, a);
		if (strcmp(name, "region") == 0)
			strcpy(name, "aws_region");
		for (s = 0; s < S__MAX; s++)
			if (settings[s].flag || s == S_AWS_REGION)
				if (strcmp(settings[s].input, name) == 0)
					break;
		if (s == S__MAX)
			return fail(msg,
			    "unknown option --%s (see port-acm --help)", name);
		if (a[n] == '=')
			v = a + n + 1;
		else if (i + 1 < argc)
			v = argv[++i];
		else
			return fail(msg, "option --%.64s needs a value", a);
		flags[s] = v;
	}
	return CONFIG_OK;
}

/* Plain HTTP would carry secrets in the clear: only for a fake or an
 * emulator on this machine. */
static int
require_tls(const char *field, const char *url, struct buf *msg)
{
	struct url_parts u;
	char why[160];

	/* Every URL setting passes the one URL check (url.h), and the
	 * loopback test is on the host curl connects to. */
	if (url_parse(url, &u, why, sizeof(why)) != 0)
		return fail(msg, "%s is refused: %s", field, why);
	if (u.https || url_is_loopback(&u))
		return 0;
	return fail(msg,
	    "%s must use https:// (plain http:// is allowed only for the "
	    "loopback: 127.0.0.0/8, [::1] or localhost), so credentials never "
	    "travel in the clear",
	    field);
}

static int
is_acm_arn(const char *s)
{
	return strncmp(s, "arn:", 4) == 0 && strstr(s, ":acm:") != NULL;
}

/* Port-side settings come first so a later error can still be reported
 * on the run. */
static int
load_port(struct config *c, const char *v[S__MAX],
    const char *(*getenv_fn)(const char *), struct buf *msg, char *err,
    size_t errlen)
{
	const char *s;
	size_t n;

	s = v[S_PORT_BASE_URL] ? v[S_PORT_BASE_URL] : "https://api.port.io";
	if (copy_checked(c->port_base_url, sizeof(c->port_base_url), s,
	        "port_base_url", msg) != 0)
		return CONFIG_ERROR;
	/* People paste ".../" or ".../v1"; what they mean is clear. */
	n = strlen(c->port_base_url);
	while (n > 0 && c->port_base_url[n - 1] == '/')
		c->port_base_url[--n] = '\0';
	if (n > 3 && strcmp(c->port_base_url + n - 3, "/v1") == 0)
		c->port_base_url[n - 3] = '\0';
	if (validate_base_url("port_base_url", c->port_base_url, err, errlen) !=
	    0)
		return fail(msg, "%s", err);
	if (require_tls("port_base_url", c->port_base_url, msg) != 0)
		return CONFIG_ERROR;
	c->port_client_id = dup_secret(v[S_PORT_CLIENT_ID]);
	c->port_client_secret = dup_secret(v[S_PORT_CLIENT_SECRET]);
	s = nonempty(getenv_fn("SSL_CERT_FILE"));
	if (s && copy_checked(c->ca_file, sizeof(c->ca_file), s,
	             "SSL_CERT_FILE", msg) != 0)
		return CONFIG_ERROR;
	/* An explicit run id lets even a broken port_context be
	 * reported on the run. */
	if (v[S_RUN_ID]) {
		if (validate_run_id("run_id", v[S_RUN_ID], err, errlen) != 0)
			return fail(msg, "%s", err);
		snprintf(c->run_id, sizeof(c->run_id), "%s", v[S_RUN_ID]);
	}
	c->port_enabled =
	    c->port_client_id && c->port_client_secret && c->run_id[0];
	if (context_parse(v[S_PORT_CONTEXT], &c->ctx, err, errlen) != 0)
		return fail(msg, "%s", err);
	if (c->run_id[0] == '\0' && c->ctx.run_id[0] != '\0') {
		if (validate_run_id("run_id", c->ctx.run_id, err, errlen) != 0)
			return fail(msg, "%s", err);
		snprintf(c->run_id, sizeof(c->run_id), "%s", c->ctx.run_id);
	}
	c->port_enabled =
	    c->port_client_id && c->port_client_secret && c->run_id[0];
	/* The entity the action ran on knows its blueprint best. */
	s = v[S_BLUEPRINT]               ? v[S_BLUEPRINT]
	    : c->ctx.entity_blueprint[0] ? c->ctx.entity_blueprint
	                                 : "acmCertificate";
	if (validate_blueprint("blueprint", s, err, errlen) != 0)
		return fail(msg, "%s", err);
	snprintf(c->blueprint, sizeof(c->blueprint), "%s", s);
	return CONFIG_OK;
}

static int
load_number(const char *getenv_val, long dflt, long min, long max,
    const char *name, long *out, struct buf *msg)
{
	unsigned long u;
	char err[256];

	if (getenv_val == NULL) {
		*out = dflt;
		return 0;
	}
	if (validate_uint(name, getenv_val, (unsigned long)min,
	        (unsigned long)max, &u, err, sizeof(err)) != 0)
		return fail(msg, "%s", err);
	*out = (long)u;
	return 0;
}

static int
load_request(struct config *c, const char *v[S__MAX], struct buf *msg,
    char *err, size_t errlen)
{
	unsigned long u;

	if (v[S_DOMAIN_NAME] == NULL)
		return fail(msg,
		    "domain_name is required to request a certificate, e.g. "
		    "app.example.com or *.example.com");
	if (validate_domain("domain_name", v[S_DOMAIN_NAME], err, errlen) !=
	        0 ||
	    validate_common_name(
	        "domain_name", v[S_DOMAIN_NAME], err, errlen) != 0)
		return fail(msg, "%s", err);
	snprintf(
	    c->domain_name, sizeof(c->domain_name), "%s", v[S_DOMAIN_NAME]);
	if (v[S_SANS] &&
	    validate_domain_list("subject_alternative_names", v[S_SANS],
	        c->sans, VALIDATE_MAX_NAMES - 1, &c->nsans, err, errlen) != 0)
		return fail(msg, "%s", err);
	if (validate_validation_method(
	        v[S_VALIDATION_METHOD] ? v[S_VALIDATION_METHOD] : "DNS",
	        c->validation_method, err, errlen) != 0)
		return fail(msg, "%s", err);
	if (v[S_KEY_ALGORITHM] && validate_key_algorithm(v[S_KEY_ALGORITHM],
	                              c->key_algorithm, err, errlen) != 0)
		return fail(msg, "%s", err);
	if (v[S_TAGS]) {
		c->tags = calloc(VALIDATE_MAX_TAGS, sizeof(*c->tags));
		if (c->tags == NULL)
			return fail(msg, "out of memory");
		if (validate_tags("tags", v[S_TAGS], c->tags, VALIDATE_MAX_TAGS,
		        &c->ntags, err, errlen) != 0)
			return fail(msg, "%s", err);
	}
	if (v[S_PCA_ARN]) {
		if (validate_pca_arn("certificate_authority_arn", v[S_PCA_ARN],
		        err, errlen) != 0)
			return fail(msg, "%s", err);
		snprintf(c->pca_arn, sizeof(c->pca_arn), "%s", v[S_PCA_ARN]);
	}
	if (v[S_EXPORT] &&
	    validate_export(v[S_EXPORT], c->export_option, err, errlen) != 0)
		return fail(msg, "%s", err);
	if (v[S_IDEMPOTENCY_TOKEN]) {
		if (validate_idempotency_token("idempotency_token",
		        v[S_IDEMPOTENCY_TOKEN], err, errlen) != 0)
			return fail(msg, "%s", err);
		snprintf(c->idempotency_token, sizeof(c->idempotency_token),
		    "%s", v[S_IDEMPOTENCY_TOKEN]);
	} else if (c->run_id[0]) {
		derive_token(c->run_id, c->idempotency_token);
		c->idempotency_derived = 1;
	}
	if (v[S_WAIT] && validate_bool("wait_for_issuance", v[S_WAIT],
	                     &c->wait_for_issuance, err, errlen) != 0)
		return fail(msg, "%s", err);
	c->timeout_minutes = 30;
	if (v[S_TIMEOUT_MINUTES]) {
		if (validate_uint("timeout_minutes", v[S_TIMEOUT_MINUTES], 1,
		        360, &u, err, errlen) != 0)
			return fail(msg, "%s", err);
		c->timeout_minutes = u;
	}
	return CONFIG_OK;
}

/* Splits a comma/newline list into trimmed, non-empty items; calls fn
 * on each with a NUL-terminated copy. Returns fn's first non-zero. */
static int
each_item(const char *list,
    int (*fn)(struct config *, const char *, char *, size_t), struct config *c,
    char *err, size_t errlen)
{
	char item[128];
	const char *p = list, *b, *e;
	size_t n;
	int rc;

	while (validate_next_item(&p, &b, &e)) {
		if ((n = (size_t)(e - b)) >= sizeof(item)) {
			str_printf(err, errlen, "'%.40s...' is too long", b);
			return -1;
		}
		memcpy(item, b, n);
		item[n] = '\0';
		if ((rc = fn(c, item, err, errlen)) != 0)
			return rc;
	}
	return 0;
}

static int
add_region(struct config *c, const char *r, char *err, size_t errlen)
{
	size_t i;

	if (validate_region("regions", r, err, errlen) != 0)
		return -1;
	for (i = 0; i < c->nregions; i++)
		if (strcmp(c->regions[i], r) == 0)
			return 0;
	if (c->nregions == CONFIG_MAX_REGIONS) {
		str_printf(err, errlen,
		    "regions: at most %d regions in one run; split the list "
		    "over jobs (see examples/workflows/sync-accounts.yml)",
		    CONFIG_MAX_REGIONS);
		return -1;
	}
	snprintf(c->regions[c->nregions++], sizeof(c->regions[0]), "%s", r);
	return 0;
}

static int
add_skip(struct config *c, const char *st, char *err, size_t errlen)
{
	char up[64];
	size_t i;
	int k;

	/* Statuses are ASCII: case-insensitive without the locale. */
	str_copy(up, sizeof(up), st);
	for (i = 0; up[i]; i++)
		if (up[i] >= 'a' && up[i] <= 'z')
			up[i] = (char)(up[i] - 'a' + 'A');
	if ((k = config_status_index(up)) < 0) {
		str_printf(err, errlen,
		    "skip_statuses: '%.64s' is not an ACM certificate status; "
		    "use PENDING_VALIDATION, ISSUED, INACTIVE, EXPIRED, "
		    "VALIDATION_TIMED_OUT, REVOKED or FAILED",
		    st);
		return -1;
	}
	c->skip_statuses |= 1u << k;
	return 0;
}

static int
load_sync(struct config *c, const char *v[S__MAX], struct buf *msg, char *err,
    size_t errlen)
{
	const char *s = v[S_REGIONS];

	if (s == NULL)
		s = v[S_AWS_REGION]; /* aws_region, AWS_REGION, AWS_DEFAULT_...
		                      */
	if (s == NULL)
		return fail(msg,
		    "no AWS region to sync: set regions (e.g. "
		    "\"us-east-1,eu-west-1\") or aws_region / AWS_REGION");
	if (each_item(s, add_region, c, err, errlen) != 0)
		return fail(msg, "%s", err);
	if (c->nregions == 0)
		return fail(msg,
		    "regions is empty: list at least one region, e.g. "
		    "us-east-1");
	if ((v[S_DELETE_STALE] &&
	        validate_bool("delete_stale", v[S_DELETE_STALE],
	            &c->delete_stale, err, errlen) != 0) ||
	    (v[S_DRY_RUN] && validate_bool("dry_run", v[S_DRY_RUN], &c->dry_run,
	                         err, errlen) != 0) ||
	    (v[S_INCLUDE_DETAILS] &&
	        validate_bool("include_details", v[S_INCLUDE_DETAILS],
	            &c->include_details, err, errlen) != 0))
		return fail(msg, "%s", err);
	c->stale_threshold_percent = 50;
	if (v[S_STALE_THRESHOLD] &&
	    validate_uint("stale_threshold_percent", v[S_STALE_THRESHOLD], 0,
	        100, &c->stale_threshold_percent, err, errlen) != 0)
		return fail(msg, "%s", err);
	if (v[S_SKIP_STATUSES] &&
	    each_item(v[S_SKIP_STATUSES], add_skip, c, err, errlen) != 0)
		return fail(msg, "%s", err);
	return CONFIG_OK;
}

static int
load_target(struct config *c, const char *v[S__MAX], struct buf *msg, char *err,
    size_t errlen)
{
	const char *arn = NULL, *what = config_op_name(c->op);
	unsigned long u;

	if (v[S_CERTIFICATE_ARN]) {
		arn = v[S_CERTIFICATE_ARN];
		c->arn_source = "certificate_arn";
	} else if (c->ctx.entity_arn[0]) {
		arn = c->ctx.entity_arn;
		c->arn_source = "the entity's arn property in port_context";
	} else if (is_acm_arn(c->ctx.entity_identifier)) {
		arn = c->ctx.entity_identifier;
		c->arn_source = "the entity identifier in port_context";
	}
	if (arn == NULL)
		return fail(msg,
		    "no certificate to %s: set certificate_arn, or run the "
		    "action from a certificate entity whose identifier or arn "
		    "property is the certificate's ARN",
		    what);
	if (validate_certificate_arn(
	        c->arn_source, arn, &c->arn, err, errlen) != 0)
		return fail(msg, "%s", err);
	snprintf(c->certificate_arn, sizeof(c->certificate_arn), "%s", arn);
	/* Write or delete the entity the action ran on, in its blueprint,
	 * when it is this certificate's: not a second one keyed by ARN. */
	if (c->ctx.entity_identifier[0] &&
	    (strcmp(c->ctx.entity_identifier, arn) == 0 ||
	        strcmp(c->ctx.entity_arn, arn) == 0)) {
		if (validate_entity_id("the entity identifier in port_context",
		        c->ctx.entity_identifier, err, errlen) != 0)
			return fail(msg, "%s", err);
		snprintf(c->entity_id, sizeof(c->entity_id), "%s",
		    c->ctx.entity_identifier);
		if (c->ctx.entity_blueprint[0])
			snprintf(c->blueprint, sizeof(c->blueprint), "%s",
			    c->ctx.entity_blueprint);
	}
	c->delete_wait_minutes = 2;
	if (v[S_DELETE_WAIT]) {
		if (validate_uint("delete_wait_minutes", v[S_DELETE_WAIT], 0,
		        60, &u, err, errlen) != 0)
			return fail(msg, "%s", err);
		c->delete_wait_minutes = u;
	}
	return CONFIG_OK;
}

/* "true"/"false" (any case) or unset: botocore's boolean settings. */
static int
load_bool(const char *val, const char *name, int *out, struct buf *msg)
{
	*out = 0;
	if (val == NULL || strcasecmp(val, "false") == 0)
		return 0;
	if (strcasecmp(val, "true") == 0) {
		*out = 1;
		return 0;
	}
	return fail(msg, "%s must be true or false", name);
}

/* role_to_assume and friends (issue 10): validated before anything is
 * sent anywhere. */
static int
load_role(struct config *c, const char *v[S__MAX],
    const char *(*getenv_fn)(const char *), struct buf *msg)
{
	const char *s = v[S_ROLE_TO_ASSUME], *run, *att;
	char name[160], err[512];
	long n = 0;

	if (s != NULL &&
	    (strlen(s) >= sizeof(c->role_to_assume) ||
	        validate_role_arn("role_to_assume", s, err, sizeof(err)) != 0))
		return fail(msg,
		    "%s; e.g. arn:aws:iam::123456789012:role/port-acm",
		    strlen(s) >= sizeof(c->role_to_assume)
		        ? "role_to_assume is too long for an IAM role ARN"
		        : err);
	str_copy(c->role_to_assume, sizeof(c->role_to_assume), s);
	if ((s = v[S_ROLE_SESSION_NAME]) == NULL) {
		run = nonempty(getenv_fn("GITHUB_RUN_ID"));
		att = nonempty(getenv_fn("GITHUB_RUN_ATTEMPT"));
		if (c->github_actions && run)
			snprintf(name, sizeof(name), "port-acm-%.40s-%.10s",
			    run, att ? att : "1");
		else
			str_copy(name, sizeof(name), "port-acm");
		s = name;
	}
	sts_session_name(s, c->role_session_name, sizeof(c->role_session_name));
	if (load_number(v[S_ROLE_DURATION], 3600, 900, 43200,
	        "role_duration_seconds", &n, msg) != 0)
		return CONFIG_ERROR;
	c->role_duration_s = (unsigned)n;
	if ((s = v[S_ROLE_EXTERNAL_ID]) != NULL &&
	    (strlen(s) < 2 || strlen(s) > 1224 ||
	        strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                  "0123456789_+=,.@:/-") != strlen(s)))
		return fail(msg,
		    "role_external_id must be 2 to 1224 characters of "
		    "letters, digits and _+=,.@:/-");
	str_copy(c->role_external_id, sizeof(c->role_external_id), s);
	s = v[S_AUDIENCE] ? v[S_AUDIENCE] : "sts.amazonaws.com";
	if (strlen(s) >= sizeof(c->audience) || strpbrk(s, " \t\r\n"))
		return fail(msg,
		    "audience must be one word of at most %zu "
		    "characters",
		    sizeof(c->audience) - 1);
	str_copy(c->audience, sizeof(c->audience), s);
	return CONFIG_OK;
}

static int
load_aws(struct config *c, const char *v[S__MAX],
    const char *(*getenv_fn)(const char *), struct buf *msg, char *err,
    size_t errlen)
{
	const char *s, *ep = NULL;
	char sr[64];
	long n = 0;
	int rc;

	s = v[S_AWS_REGION];
	if (c->op == OP_SYNC)
		s = c->regions[0]; /* load_sync found at least one */
	else if (c->op != OP_REQUEST) {
		/* The certificate lives where its ARN says. */
		if (s && validate_region("aws_region", s, err, errlen) != 0)
			return fail(msg, "%s", err);
		if (s && strcmp(s, c->arn.region) != 0)
			snprintf(c->region_note, sizeof(c->region_note),
			    "using region %s from the certificate ARN, not "
			    "the configured %s",
			    c->arn.region, s);
		s = c->arn.region;
	}
	if (s == NULL)
		return fail(msg,
		    "no AWS region: set aws_region (or AWS_REGION), e.g. "
		    "us-east-1; certificates for CloudFront must be in "
		    "us-east-1");
	if (validate_region("aws_region", s, err, errlen) != 0)
		return fail(msg, "%s", err);
	snprintf(c->region, sizeof(c->region), "%s", s);
	if (load_bool(nonempty(getenv_fn("AWS_USE_FIPS_ENDPOINT")),
	        "AWS_USE_FIPS_ENDPOINT", &c->use_fips, msg) != 0 ||
	    load_bool(nonempty(getenv_fn("AWS_USE_DUALSTACK_ENDPOINT")),
	        "AWS_USE_DUALSTACK_ENDPOINT", &c->use_dualstack, msg) != 0)
		return CONFIG_ERROR;

	s = nonempty(getenv_fn("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"));
	if (s == NULL || strcasecmp(s, "true") != 0) {
		ep = nonempty(getenv_fn("AWS_ENDPOINT_URL_ACM"));
		if (ep == NULL)
			ep = nonempty(getenv_fn("AWS_ENDPOINT_URL"));
	}
	if (ep) {
		const char *name =
		    ep == nonempty(getenv_fn("AWS_ENDPOINT_URL_ACM"))
		        ? "AWS_ENDPOINT_URL_ACM"
		        : "AWS_ENDPOINT_URL";
		size_t len;

		if (copy_checked(
		        c->endpoint, sizeof(c->endpoint), ep, name, msg) != 0)
			return CONFIG_ERROR;
		/* botocore accepts "http://localhost:4566/". */
		len = strlen(c->endpoint);
		while (len > 0 && c->endpoint[len - 1] == '/')
			c->endpoint[--len] = '\0';
		if (validate_base_url(name, c->endpoint, err, errlen) != 0)
			return fail(msg, "%s", err);
		if (require_tls(name, c->endpoint, msg) != 0)
			return CONFIG_ERROR;
		c->endpoint_custom = 1;
		/* The endpoint rule sets refuse both together. */
		if (c->use_fips || c->use_dualstack)
			return fail(msg,
			    "%s cannot be combined with %s=true: a custom "
			    "endpoint is used as it is",
			    name,
			    c->use_fips ? "AWS_USE_FIPS_ENDPOINT"
			                : "AWS_USE_DUALSTACK_ENDPOINT");
	} else if (aws_endpoint("acm", c->region, c->use_fips, c->use_dualstack,
	               c->endpoint, sizeof(c->endpoint), sr, sizeof(sr)) != 0)
		return fail(msg, "no ACM endpoint for region %s", c->region);

	s = nonempty(getenv_fn("AWS_ACCESS_KEY_ID"));
	c->access_key_id = dup_secret(s);
	c->secret_access_key =
	    dup_secret(nonempty(getenv_fn("AWS_SECRET_ACCESS_KEY")));
	s = nonempty(getenv_fn("AWS_SESSION_TOKEN"));
	if (s == NULL)
		s = nonempty(getenv_fn("AWS_SECURITY_TOKEN"));
	c->session_token = dup_secret(s);
	/* Keys are optional here: creds_chain (creds.c) finds the
	 * credentials and says what it tried when there are none. */
	if ((rc = load_role(c, v, getenv_fn, msg)) != CONFIG_OK)
		return rc;

	s = nonempty(getenv_fn("AWS_CA_BUNDLE"));
	if (copy_checked(c->aws_ca_file, sizeof(c->aws_ca_file),
	        s ? s : c->ca_file, "AWS_CA_BUNDLE", msg) != 0)
		return CONFIG_ERROR;
	c->aws_ca_setting = s ? "AWS_CA_BUNDLE" : "SSL_CERT_FILE";

	if (load_number(nonempty(getenv_fn("AWS_MAX_ATTEMPTS")), 0, 1, 10,
	        "AWS_MAX_ATTEMPTS", &n, msg) != 0)
		return CONFIG_ERROR;
	c->max_attempts = (unsigned)n;
	return CONFIG_OK;
}

/* The Route 53 inputs (issue 11): checked before anything changes. */
static int
load_dns(struct config *c, const char *v[S__MAX],
    const char *(*getenv_fn)(const char *), struct buf *msg, char *err,
    size_t errlen)
{
	const char *s, *name = "AWS_ENDPOINT_URL_ROUTE_53";
	unsigned long u;
	size_t len;

	s = v[S_DNS_VALIDATION];
	if (s && strcasecmp(s, "route53") == 0)
		c->dns_route53 = 1;
	else if (s && strcasecmp(s, "none") != 0)
		return fail(msg,
		    "dns_validation '%.32s' is not one of none, route53", s);
	if (v[S_DELETE_RECORDS] && c->op == OP_DELETE &&
	    validate_bool("delete_validation_records", v[S_DELETE_RECORDS],
	        &c->delete_validation_records, err, errlen) != 0)
		return fail(msg, "%s", err);
	/* A Route 53 client: to write records on request, to remove
	 * them on delete. */
	c->need_route53 = (c->dns_route53 && c->op == OP_REQUEST) ||
	                  c->delete_validation_records;
	if (c->dns_route53 && c->op == OP_REQUEST) {
		if (c->pca_arn[0])
			return fail(msg,
			    "dns_validation: route53 does not apply to a "
			    "private certificate (certificate_authority_arn): "
			    "it needs no validation");
		if (strcmp(c->validation_method, "DNS") != 0)
			return fail(msg, "dns_validation: route53 needs "
			                 "validation_method DNS");
		/* Issuance is the point of writing the records. */
		c->wait_for_issuance = 1;
	}
	if ((s = v[S_HOSTED_ZONE_ID]) != NULL) {
		if (strncmp(s, "/hostedzone/", 12) == 0)
			s += 12;
		len = strlen(s);
		if (len == 0 || len >= sizeof(c->hosted_zone_id) ||
		    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != len)
			return fail(msg,
			    "hosted_zone_id must be a Route 53 hosted zone id "
			    "such as Z3M3LMPEXAMPLE (capital letters and "
			    "digits)");
		if (!c->need_route53)
			return fail(msg, "hosted_zone_id is used only with "
			                 "dns_validation: route53 (request) or "
			                 "delete_validation_records: true "
			                 "(delete)");
		memcpy(c->hosted_zone_id, s, len + 1);
	}
	if ((s = v[S_DNS_ROLE_ARN]) != NULL) {
		len = strlen(s);
		if (len >= sizeof(c->dns_role_arn) ||
		    validate_role_arn("dns_role_arn", s, err, errlen) != 0)
			return fail(msg,
			    "%s; e.g. arn:aws:iam::123456789012:role/acm-dns",
			    len >= sizeof(c->dns_role_arn)
			        ? "dns_role_arn is too long for an IAM role ARN"
			        : err);
		if (!c->need_route53)
			return fail(msg, "dns_role_arn is used only with "
			                 "dns_validation: route53 (request) or "
			                 "delete_validation_records: true "
			                 "(delete)");
		memcpy(c->dns_role_arn, s, len + 1);
	}
	c->dns_record_ttl = 300;
	if (v[S_DNS_RECORD_TTL]) {
		if (validate_uint("dns_record_ttl", v[S_DNS_RECORD_TTL], 0,
		        2147483647UL, &u, err, errlen) != 0)
			return fail(msg, "%s", err);
		c->dns_record_ttl = (long)u;
	}
	if (!c->need_route53)
		return CONFIG_OK;
	/* botocore's names: the service id "Route 53" gives
	 * AWS_ENDPOINT_URL_ROUTE_53, then the global AWS_ENDPOINT_URL. */
	s = nonempty(getenv_fn("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"));
	if (s != NULL && strcasecmp(s, "true") == 0)
		return CONFIG_OK;
	if ((s = nonempty(getenv_fn(name))) == NULL) {
		name = "AWS_ENDPOINT_URL";
		s = nonempty(getenv_fn(name));
	}
	if (s == NULL)
		return CONFIG_OK;
	if (copy_checked(
	        c->r53_endpoint, sizeof(c->r53_endpoint), s, name, msg) != 0)
		return CONFIG_ERROR;
	len = strlen(c->r53_endpoint);
	while (len > 0 && c->r53_endpoint[len - 1] == '/')
		c->r53_endpoint[--len] = '\0';
	if (validate_base_url(name, c->r53_endpoint, err, errlen) != 0)
		return fail(msg, "%s", err);
	if (require_tls(name, c->r53_endpoint, msg) != 0)
		return CONFIG_ERROR;
	/* As for ACM: the endpoint rule sets refuse both together. */
	if (c->use_fips || c->use_dualstack)
		return fail(msg,
		    "%s cannot be combined with %s=true: a custom endpoint is "
		    "used as it is",
		    name,
		    c->use_fips ? "AWS_USE_FIPS_ENDPOINT"
		                : "AWS_USE_DUALSTACK_ENDPOINT");
	return CONFIG_OK;
}

enum config_result
config_load(struct config *c, int argc, char **argv,
    const char *(*getenv_fn)(const char *), struct buf *msg)
{
	const char *flags[S__MAX] = {0}, *v[S__MAX];
	char err[1024];
	const char *s;
	long conn_s = 0, req_s = 0;
	int rc, s_i;

	memset(c, 0, sizeof(*c));
	buf_reset(msg);
	if ((rc = parse_args(argc, argv, flags, &c->op, msg)) != CONFIG_OK)
		return rc;
	for (s_i = 0; s_i < S__MAX; s_i++)
		v[s_i] = lookup(&settings[s_i], flags[s_i], getenv_fn);

	s = nonempty(getenv_fn("GITHUB_ACTIONS"));
	c->github_actions = s && strcmp(s, "true") == 0;
	{
		const char *srv = nonempty(getenv_fn("GITHUB_SERVER_URL"));
		const char *repo = nonempty(getenv_fn("GITHUB_REPOSITORY"));
		const char *run = nonempty(getenv_fn("GITHUB_RUN_ID"));
		const char *att = nonempty(getenv_fn("GITHUB_RUN_ATTEMPT"));

		if (att && strspn(att, "0123456789") != strlen(att))
			att = NULL;

		if (run && strspn(run, "0123456789") == strlen(run) &&
		    strlen(run) < sizeof(c->github_run_id))
			strcpy(c->github_run_id, run);
		if (srv && repo && c->github_run_id[0] &&
		    validate_base_url(
		        "GITHUB_SERVER_URL", srv, err, sizeof(err)) == 0 &&
		    strspn(repo, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
		                 "qrstuvwxyz0123456789-_./") == strlen(repo))
			snprintf(c->github_run_url, sizeof(c->github_run_url),
			    "%s/%s/actions/runs/%s%s%s", srv, repo,
			    c->github_run_id, att ? "/attempts/" : "",
			    att ? att : "");
	}

	if ((rc = load_port(c, v, getenv_fn, msg, err, sizeof(err))) !=
	    CONFIG_OK)
		return rc;

	if (c->op == OP_NONE && v[S_OPERATION]) {
		s = v[S_OPERATION];
		c->op = strcasecmp(s, "request") == 0  ? OP_REQUEST
		        : strcasecmp(s, "renew") == 0  ? OP_RENEW
		        : strcasecmp(s, "delete") == 0 ? OP_DELETE
		        : strcasecmp(s, "sync") == 0   ? OP_SYNC
		                                       : OP_NONE;
		if (c->op == OP_NONE)
			return fail(msg,
			    "operation '%.64s' is not one of request, renew, "
			    "delete, sync",
			    s);
	}
	if (c->op == OP_NONE)
		return fail(msg,
		    "no operation: run port-acm request, renew, delete or sync "
		    "(or set the operation input)");
	/* A scheduled sync has no run: the catalog needs only the
	 * client credentials. */
	if (c->op == OP_SYNC)
		c->port_enabled = c->port_client_id && c->port_client_secret;

	/* Seconds into locals: on an error the fields stay 0 (the
	 * defaults), never a number of seconds read as milliseconds by
	 * the Port client that reports the error. */
	if (load_number(nonempty(getenv_fn("PORT_ACM_CONNECT_TIMEOUT_SECONDS")),
	        10, 1, 300, "PORT_ACM_CONNECT_TIMEOUT_SECONDS", &conn_s,
	        msg) != 0 ||
	    load_number(nonempty(getenv_fn("PORT_ACM_REQUEST_TIMEOUT_SECONDS")),
	        30, 1, 600, "PORT_ACM_REQUEST_TIMEOUT_SECONDS", &req_s,
	        msg) != 0 ||
	    load_number(nonempty(getenv_fn("PORT_ACM_POLL_INTERVAL_MS")), 5000,
	        1, 600000, "PORT_ACM_POLL_INTERVAL_MS", &c->poll_interval_ms,
	        msg) != 0)
		return CONFIG_ERROR;
	c->connect_timeout_ms = conn_s * 1000;
	c->request_timeout_ms = req_s * 1000;

	rc = c->op == OP_REQUEST ? load_request(c, v, msg, err, sizeof(err))
	     : c->op == OP_SYNC  ? load_sync(c, v, msg, err, sizeof(err))
	                         : load_target(c, v, msg, err, sizeof(err));
	if (rc != CONFIG_OK)
		return rc;
	if ((rc = load_aws(c, v, getenv_fn, msg, err, sizeof(err))) !=
	    CONFIG_OK)
		return rc;
	if ((rc = load_dns(c, v, getenv_fn, msg, err, sizeof(err))) !=
	    CONFIG_OK)
		return rc;

	/* The whole run's limit, so a job never hangs: the work asked
	 * for plus room for reporting. */
	c->deadline_ms = 10L * 60 * 1000;
	if (c->op == OP_REQUEST && c->wait_for_issuance)
		c->deadline_ms += (long)c->timeout_minutes * 60 * 1000;
	if (c->op == OP_DELETE)
		c->deadline_ms += (long)c->delete_wait_minutes * 60 * 1000;
	if (c->op == OP_SYNC) /* ~2,500 DescribeCertificate per region */
		c->deadline_ms = (c->include_details ? 120L : 60L) * 60 * 1000;
	if (nonempty(getenv_fn("PORT_ACM_DEADLINE_SECONDS"))) {
		if (load_number(getenv_fn("PORT_ACM_DEADLINE_SECONDS"), 0, 1,
		        86400, "PORT_ACM_DEADLINE_SECONDS", &c->deadline_ms,
		        msg) != 0)
			return CONFIG_ERROR;
		c->deadline_ms *= 1000;
	}
	return CONFIG_OK;
}

static void
wipe_free(char **p)
{
	if (*p) {
		volatile char *q = *p;

		while (*q)
			*q++ = 0;
		free(*p);
		*p = NULL;
	}
}

void
config_free(struct config *c)
{
	size_t i;

	for (i = 0; i < c->nsans; i++)
		free(c->sans[i]);
	c->nsans = 0;
	free(c->tags);
	c->tags = NULL;
	wipe_free(&c->access_key_id);
	wipe_free(&c->secret_access_key);
	wipe_free(&c->session_token);
	wipe_free(&c->port_client_id);
	wipe_free(&c->port_client_secret);
}
