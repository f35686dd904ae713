#include "input/inputs.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "input/envvars.h"

#define F(x) offsetof(struct config, x)

/* One row per input, in the order they are read (enum inputs_stage). */
const struct inputs_row inputs_table[] = {
    /* Port: first, so a later refusal can still be reported. */
    {{"port_base_url", "https://api.port.io", 0, 0, 0}, "port_base_url",
        {"PORT_BASE_URL", NULL}, rules_port_base_url, "URL",
        "Port's API (EU); US: https://api.us.port.io", INPUTS_EVERY_OP,
        INPUTS_PORT},
    {{"port_client_id", NULL, 0, 0, F(port_client_id)}, NULL,
        {"PORT_CLIENT_ID", NULL}, rules_secret, NULL, NULL, INPUTS_EVERY_OP,
        INPUTS_PORT},
    {{"port_client_secret", NULL, 0, 0, F(port_client_secret)}, NULL,
        {"PORT_CLIENT_SECRET", NULL}, rules_secret, NULL, NULL, INPUTS_EVERY_OP,
        INPUTS_PORT},
    {{"run_id", NULL, 0, 0, 0}, "run_id", {NULL, NULL}, rules_run_id, "ID",
        "Port action run id (overrides port_context)", INPUTS_EVERY_OP,
        INPUTS_RUN},
    {{"port_context", NULL, 0, 0, 0}, "port_context", {NULL, NULL},
        rules_port_context, "JSON", "the port_context Port dispatched",
        INPUTS_EVERY_OP, INPUTS_RUN},
    {{"blueprint", "acmCertificate", 0, 0, 0}, "blueprint", {NULL, NULL},
        rules_blueprint, "ID", "default the entity's, else acmCertificate",
        INPUTS_EVERY_OP, INPUTS_RUN},
    /* Also the first word of the command line. */
    {{"operation", NULL, 0, 0, 0}, NULL, {NULL, NULL}, rules_operation, NULL,
        NULL, INPUTS_EVERY_OP, INPUTS_OPERATION},

    /* request */
    {{"domain_name", NULL, 0, 0, 0}, "domain_name", {NULL, NULL},
        rules_domain_name, "NAME", "certificate domain", INPUTS_REQUEST,
        INPUTS_OP},
    {{"subject_alternative_names", NULL, 0, 0, 0}, "subject_alternative_names",
        {NULL, NULL}, rules_sans, "L", "more names, comma or newline separated",
        INPUTS_REQUEST, INPUTS_OP},
    {{"validation_method", "DNS", 0, 0, 0}, "validation_method", {NULL, NULL},
        rules_validation_method, "DNS|EMAIL", "how ACM validates the names",
        INPUTS_REQUEST, INPUTS_OP},
    {{"key_algorithm", NULL, 0, 0, 0}, "key_algorithm", {NULL, NULL},
        rules_key_algorithm, "A",
        "RSA_2048, EC_prime256v1, EC_secp384r1; default ACM's (RSA_2048)",
        INPUTS_REQUEST, INPUTS_OP},
    {{"tags", NULL, 0, 0, 0}, "tags", {NULL, NULL}, rules_tags, "K=V,...",
        "tags for the new certificate", INPUTS_REQUEST, INPUTS_OP},
    {{"certificate_authority_arn", NULL, 0, 0, 0}, "certificate_authority_arn",
        {NULL, NULL}, rules_pca_arn, "A",
        "private certificate from AWS Private CA", INPUTS_REQUEST, INPUTS_OP},
    {{"export", NULL, 0, 0, 0}, "export", {NULL, NULL}, rules_export,
        "ENABLED|DISABLED",
        "exportable public certificate; default ACM's (DISABLED)",
        INPUTS_REQUEST, INPUTS_OP},
    {{"idempotency_token", NULL, 0, 0, 0}, "idempotency_token", {NULL, NULL},
        rules_idempotency_token, "T", "default: derived from the Port run id",
        INPUTS_REQUEST, INPUTS_OP},
    {{"wait_for_issuance", "false", 0, 0, F(wait_for_issuance)},
        "wait_for_issuance", {NULL, NULL}, rules_bool, "BOOL",
        "wait until ISSUED", INPUTS_REQUEST, INPUTS_OP},
    {{"timeout_minutes", "30", 1, 360, F(timeout_minutes)}, "timeout_minutes",
        {NULL, NULL}, rules_uint, "N", "how long to wait, 1-360",
        INPUTS_REQUEST, INPUTS_OP},

    /* sync: every certificate of the regions into Port's catalog */
    {{"regions", NULL, 0, 0, 0}, "regions", {NULL, NULL}, rules_regions, "LIST",
        "comma or newline separated, or all (every region enabled in each "
        "account); default the region (AWS_REGION)",
        INPUTS_SYNC, INPUTS_OP},
    {{"max_concurrency", "8", 1, 64, F(max_concurrency)}, "max_concurrency",
        {NULL, NULL}, rules_uint, "N",
        "account-regions listed at once, 1-64 (each still at ACM's 1 "
        "call/s)",
        INPUTS_SYNC, INPUTS_OP},
    {{"accounts", NULL, 0, 0, 0}, "accounts", {NULL, NULL}, rules_accounts,
        "LIST",
        "AWS account ids to sync, comma or newline separated, or "
        "organization (every ACTIVE account); default the credentials' "
        "own account",
        INPUTS_SYNC, INPUTS_OP},
    {{"organization_role_arn", NULL, 0, 0, 0}, "organization_role_arn",
        {NULL, NULL}, rules_organization_role_arn, "ARN",
        "role that lists the organization's accounts (management account "
        "or delegated administrator)",
        INPUTS_SYNC, INPUTS_OP},
    {{"shard", NULL, 0, 0, 0}, "shard", {NULL, NULL}, rules_shard, "I/N",
        "this job's stable share of the accounts (by account id), e.g. "
        "3/8; n jobs cover them once",
        INPUTS_SYNC, INPUTS_OP},
    {{"account_role_name", NULL, 0, 0, 0}, "account_role_name", {NULL, NULL},
        rules_account_role_name, "NAME",
        "IAM role assumed in each of accounts, e.g. port-acm-sync", INPUTS_SYNC,
        INPUTS_OP},
    {{"delete_stale", "false", 0, 0, F(delete_stale)}, "delete_stale",
        {NULL, NULL}, rules_bool, "BOOL",
        "delete entities a previous sync wrote whose certificate ACM no "
        "longer lists",
        INPUTS_SYNC, INPUTS_OP},
    {{"dry_run", "false", 0, 0, F(dry_run)}, "dry_run", {NULL, NULL},
        rules_bool, "BOOL", "list what would change; write nothing",
        INPUTS_SYNC, INPUTS_OP},
    {{"include_details", "false", 0, 0, F(include_details)}, "include_details",
        {NULL, NULL}, rules_bool, "BOOL",
        "DescribeCertificate (changed ones): in-use-by, validation "
        "records; renewal readiness",
        INPUTS_SYNC, INPUTS_OP},
    {{"stale_threshold_percent", "50", 0, 100, F(stale_threshold_percent)},
        "stale_threshold_percent", {NULL, NULL}, rules_uint, "N",
        "refuse to delete more than N% of the entities", INPUTS_SYNC,
        INPUTS_OP},
    {{"skip_statuses", NULL, 0, 0, 0}, "skip_statuses", {NULL, NULL},
        rules_skip_statuses, "LIST",
        "statuses not to write, e.g. FAILED,INACTIVE,VALIDATION_TIMED_OUT",
        INPUTS_SYNC, INPUTS_OP},
    {{"owner_tag_key", "owner", 0, 0, F(owner_tag_key)}, "owner_tag_key",
        {NULL, NULL}, rules_tag_key, "KEY",
        "the tag whose value becomes the owner property", INPUTS_SYNC,
        INPUTS_OP},
    {{"team_tag_key", "team", 0, 0, F(team_tag_key)}, "team_tag_key",
        {NULL, NULL}, rules_tag_key, "KEY",
        "the tag naming the entity's Port team (only teams Port has)",
        INPUTS_SYNC, INPUTS_OP},
    {{"fail_on", NULL, 0, 0, 0}, "fail_on", {NULL, NULL}, rules_fail_on, "LIST",
        "exit 1 when a certificate matches, e.g. failed,at_risk,expiring:14",
        INPUTS_SYNC, INPUTS_OP},

    /* renew, delete */
    {{"certificate_arn", NULL, 0, 0, 0}, "certificate_arn", {NULL, NULL},
        rules_certificate_arn, "ARN", "certificate to renew or delete",
        INPUTS_TARGET, INPUTS_OP},
    {{"delete_wait_minutes", "2", 0, 60, F(delete_wait_minutes)},
        "delete_wait_minutes", {NULL, NULL}, rules_uint, "N",
        "retry a delete while ACM says in use, 0-60", INPUTS_TARGET, INPUTS_OP},

    /* AWS */
    {{"aws_region", NULL, 0, 0, 0}, "region",
        {"AWS_REGION", "AWS_DEFAULT_REGION"}, rules_aws_region, "REGION",
        "(input aws_region)", INPUTS_EVERY_OP, INPUTS_REGION},
    {{"role_to_assume", NULL, 0, 0, 0}, "role_to_assume", {NULL, NULL},
        rules_role_to_assume, "ARN",
        "IAM role: by GitHub OIDC, else AssumeRole with AWS_ACCESS_KEY_ID",
        INPUTS_EVERY_OP, INPUTS_ROLE},
    {{"role_chaining", "false", 0, 0, F(role_chaining)}, "role_chaining",
        {NULL, NULL}, rules_bool, "BOOL",
        "AssumeRole with AWS_ACCESS_KEY_ID even when OIDC is there",
        INPUTS_EVERY_OP, INPUTS_ROLE},
    {{"role_session_name", NULL, 0, 0, 0}, "role_session_name", {NULL, NULL},
        rules_role_session_name, "NAME",
        "default port-acm-<GITHUB_RUN_ID>-<GITHUB_RUN_ATTEMPT>",
        INPUTS_EVERY_OP, INPUTS_ROLE},
    {{"role_duration_seconds", "3600", 900, 43200, 0}, "role_duration_seconds",
        {NULL, NULL}, rules_role_duration, "N", "900..43200", INPUTS_EVERY_OP,
        INPUTS_ROLE},
    {{"role_external_id", NULL, 0, 0, 0}, "role_external_id", {NULL, NULL},
        rules_role_external_id, "ID", "ExternalId for AssumeRole",
        INPUTS_EVERY_OP, INPUTS_ROLE},
    {{"audience", "sts.amazonaws.com", 0, 0, 0}, "audience", {NULL, NULL},
        rules_audience, "AUD", "OIDC audience", INPUTS_EVERY_OP, INPUTS_ROLE},

    /* Route 53 */
    {{"dns_validation", "none", 0, 0, 0}, "dns_validation", {NULL, NULL},
        rules_dns_validation, "none|route53",
        "request: route53 writes the DNS records into Route 53 and waits "
        "for issuance",
        INPUTS_EVERY_OP, INPUTS_DNS},
    {{"delete_validation_records", "false", 0, 0, F(delete_validation_records)},
        "delete_validation_records", {NULL, NULL}, rules_bool, "BOOL",
        "also remove the certificate's DNS records no other certificate "
        "of the region uses",
        INPUTS_DELETE, INPUTS_DNS},
    {{"hosted_zone_id", NULL, 0, 0, 0}, "hosted_zone_id", {NULL, NULL},
        rules_hosted_zone_id, "ID",
        "Route 53 zone; default: the longest matching public zone",
        INPUTS_EVERY_OP, INPUTS_ZONE},
    {{"dns_role_arn", NULL, 0, 0, 0}, "dns_role_arn", {NULL, NULL},
        rules_dns_role_arn, "ARN", "role to assume for the Route 53 calls",
        INPUTS_EVERY_OP, INPUTS_ZONE},
    {{"dns_record_ttl", "300", 0, 2147483647UL, 0}, "dns_record_ttl",
        {NULL, NULL}, rules_dns_record_ttl, "N", "TTL of the records",
        INPUTS_EVERY_OP, INPUTS_ZONE},
};

const size_t inputs_count = sizeof(inputs_table) / sizeof(inputs_table[0]);

#define NINPUTS (sizeof(inputs_table) / sizeof(inputs_table[0]))

/* ------------------------------------------------------------ --help */

static const char usage_head[] =
    "usage: port-acm request|renew|delete|sync [options]\n"
    "       port-acm --help | --version\n"
    "\n"
    "Requests, renews or deletes an AWS Certificate Manager certificate\n"
    "and reports every step to a Port self-service action run; sync\n"
    "writes every certificate of some regions to Port's catalog.\n"
    "\n"
    "options (each also an Action input INPUT_<NAME>; precedence: flag,\n"
    "input, environment, default):\n";

static const char usage_tail[] =
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
    "  AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_ROUTE_53,\n"
    "  AWS_ENDPOINT_URL_ORGANIZATIONS, AWS_ENDPOINT_URL_ACCOUNT,\n"
    "  AWS_ENDPOINT_URL,\n"
    "  AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API, AWS_ENDPOINT_URL,\n"
    "  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, AWS_USE_FIPS_ENDPOINT,\n"
    "  AWS_USE_DUALSTACK_ENDPOINT, AWS_STS_REGIONAL_ENDPOINTS,\n"
    "  AWS_CA_BUNDLE, AWS_MAX_ATTEMPTS, PORT_CLIENT_ID, PORT_CLIENT_SECRET,\n"
    "  PORT_BASE_URL, SSL_CERT_FILE, HTTPS_PROXY, NO_PROXY,\n"
    "  PORT_ACM_CONNECT_TIMEOUT_SECONDS, PORT_ACM_REQUEST_TIMEOUT_SECONDS,\n"
    "  PORT_ACM_DEADLINE_SECONDS, PORT_ACM_POLL_INTERVAL_MS,\n"
    "  PORT_ACM_DNS_SERVER; from the\n"
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

#define HELP_COL   32 /* where an option's text starts */
#define HELP_WIDTH 78

static char usage[8192];
static size_t usage_len, col; /* col: where the next character goes */

static void
put(const char *s, size_t n)
{
	if (usage_len + n < sizeof(usage)) {
		memcpy(usage + usage_len, s, n);
		usage_len += n;
		usage[usage_len] = '\0';
	}
	col = n > 0 && s[n - 1] == '\n' ? 0 : col + n;
}

static void
puts_(const char *s)
{
	put(s, strlen(s));
}

/* Appends s's words, wrapped at HELP_WIDTH with continuation lines
 * starting at HELP_COL; glued: the first word follows without a space
 * (";", ","). */
static void
words(const char *s, int glued)
{
	size_t n;

	for (; *s; s += n) {
		if ((n = strcspn(s, " ")) == 0) {
			n = 1;
			continue;
		}
		if (col + !glued + n > HELP_WIDTH) {
			puts_("\n");
			while (col < HELP_COL)
				put(" ", 1);
		} else if (!glued && col > HELP_COL)
			put(" ", 1);
		put(s, n);
		glued = 0;
	}
}

static void
put_option(const struct inputs_row *r)
{
	const char *p;
	int i;

	puts_("  --");
	for (p = r->flag; *p; p++)
		put(*p == '_' ? "-" : p, 1);
	put(" ", 1);
	puts_(r->arg);
	do
		put(" ", 1);
	while (col < HELP_COL);
	words(r->help, 1);
	/* The default, from the row, unless the text words it. */
	if (strstr(r->help, "default") == NULL &&
	    (r->env[0] != NULL || r->in.dflt != NULL)) {
		words("; default", 1);
		for (i = 0; i < 2 && r->env[i] != NULL; i++)
			words(r->env[i], 0), words(",", 1);
		if (r->in.dflt != NULL)
			words(r->env[0] ? "else" : "", 0), words(r->in.dflt, 0);
		else /* drop the last ',' */
			usage[--usage_len] = '\0', col--;
	}
	puts_("\n");
}

const char *
inputs_usage(void)
{
	/* The sections: who takes an option, in this order. */
	static const unsigned sections[] = {INPUTS_REQUEST, INPUTS_TARGET,
	    INPUTS_DELETE, INPUTS_SYNC, INPUTS_EVERY_OP};
	size_t s, i, k;
	int first;

	if (usage_len > 0)
		return usage;
	puts_(usage_head);
	for (s = 0; s < sizeof(sections) / sizeof(sections[0]); s++) {
		first = 1;
		for (k = OP_REQUEST; k <= OP_SYNC; k++)
			if (sections[s] & INPUTS_OP(k)) {
				if (sections[s] == INPUTS_EVERY_OP) {
					puts_("every operation");
					break;
				}
				puts_(first ? "" : ", ");
				puts_(config_op_name((enum op)k));
				first = 0;
			}
		puts_(":\n");
		for (i = 0; i < NINPUTS; i++)
			if (inputs_table[i].ops == sections[s] &&
			    inputs_table[i].flag != NULL)
				put_option(&inputs_table[i]);
	}
	puts_("  input or environment only, never a flag:");
	for (i = 0, first = 1; i < NINPUTS; i++)
		if (inputs_table[i].flag == NULL &&
		    inputs_table[i].stage != INPUTS_OPERATION) {
			puts_(first ? " " : ", ");
			puts_(inputs_table[i].in.name);
			first = 0;
		}
	puts_(".\n");
	puts_(usage_tail);
	return usage;
}

/* ------------------------------------------------------------ parsing */

static int
parse_args(int argc, char **argv, const char *flags[NINPUTS], enum op *op,
    struct buf *msg)
{
	int i;
	size_t n, s;
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
				return config_fail(msg,
				    "unknown operation '%.64s': use request, "
				    "renew, delete or sync",
				    a);
			if (*op != OP_NONE)
				return config_fail(
				    msg, "more than one operation given");
			*op = o;
			continue;
		}
		a += 2;
		n = strcspn(a, "=");
		if (n >= sizeof(name))
			return config_fail(msg, "unknown option --%.64s", a);
		memcpy(name, a, n);
		name[n] = '\0';
		for (char *p = name; *p; p++)
			if (*p == '-')
				*p = '_';
		if (strcmp(name, "idempotency_token") != 0 &&
		    (strstr(name, "secret") || strstr(name, "token") ||
		        strstr(name, "access_key") ||
		        strstr(name, "client_id") || strstr(name, "password")))
			return config_fail(msg,
			    "--%.*s is not accepted: credentials are read only "
			    "from the environment (PORT_CLIENT_ID, "
			    "PORT_CLIENT_SECRET, AWS_ACCESS_KEY_ID, "
			    "AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), "
			    "because "
			    "every process can read a command line",
			    (int)n, a);
		/* --<flag>, or --<input> where the flag is shorter
		 * (--aws-region for --region). */
		for (s = 0; s < NINPUTS; s++)
			if (inputs_table[s].flag != NULL &&
			    (strcmp(inputs_table[s].flag, name) == 0 ||
			        strcmp(inputs_table[s].in.name, name) == 0))
				break;
		if (s == NINPUTS)
			return config_fail(msg,
			    "unknown option --%s (see port-acm --help)", name);
		if (a[n] == '=')
			v = a + n + 1;
		else if (i + 1 < argc)
			v = argv[++i];
		else
			return config_fail(
			    msg, "option --%.64s needs a value", a);
		flags[s] = v;
	}
	return CONFIG_OK;
}

/* The value of an input by precedence: flag, input, environment, NULL. */
static const char *
lookup(const struct inputs_row *r, const char *flagval,
    const char *(*getenv_fn)(const char *))
{
	char name[64];
	const char *v;
	size_t i;

	if ((v = config_nonempty(flagval)) != NULL)
		return v;
	snprintf(name, sizeof(name), "INPUT_%s", r->in.name);
	for (i = 6; name[i]; i++)
		if (name[i] >= 'a' && name[i] <= 'z')
			name[i] = (char)(name[i] - 'a' + 'A');
	if ((v = config_nonempty(getenv_fn(name))) != NULL)
		return v;
	for (i = 0; i < 2 && r->env[i] != NULL; i++)
		if ((v = config_nonempty(getenv_fn(r->env[i]))) != NULL)
			return v;
	return NULL;
}

static const char *
value_of(const struct rule_ctx *x, const char *name)
{
	const char *const *values = x->arg;
	size_t i;

	for (i = 0; i < NINPUTS; i++)
		if (strcmp(inputs_table[i].in.name, name) == 0)
			return values[i];
	return NULL;
}

/* Every input of one stage that the operation takes, in table order. */
static int
load_stage(struct config *c, enum inputs_stage stage, const char **values,
    const struct rule_ctx *x)
{
	const struct inputs_row *r;
	size_t i;
	int rc;

	for (i = 0; i < NINPUTS; i++) {
		r = &inputs_table[i];
		if (r->stage != stage ||
		    (c->op != OP_NONE && !(r->ops & INPUTS_OP(c->op))))
			continue;
		if ((rc = r->rule(c, &r->in, values[i], x)) != CONFIG_OK)
			return rc;
	}
	return CONFIG_OK;
}

enum config_result
inputs_load(struct config *c, int argc, char **argv,
    const char *(*getenv_fn)(const char *), config_endpoint_fn endpoint_fn,
    struct buf *msg)
{
	const char *flags[NINPUTS] = {0}, *values[NINPUTS];
	char err[1024];
	const struct rule_ctx x = {
	    getenv_fn, value_of, values, msg, err, sizeof(err)};
	size_t i;
	int rc;

	memset(c, 0, sizeof(*c));
	buf_reset(msg);
	if ((rc = parse_args(argc, argv, flags, &c->op, msg)) != CONFIG_OK)
		return rc;
	for (i = 0; i < NINPUTS; i++)
		values[i] = lookup(&inputs_table[i], flags[i], getenv_fn);

	envvars_github(c, getenv_fn);
	if ((rc = load_stage(c, INPUTS_PORT, values, &x)) != CONFIG_OK ||
	    (rc = envvars_tls(c, getenv_fn, msg)) != CONFIG_OK ||
	    (rc = load_stage(c, INPUTS_RUN, values, &x)) != CONFIG_OK ||
	    (rc = load_stage(c, INPUTS_OPERATION, values, &x)) != CONFIG_OK)
		return rc;
	if (c->op == OP_NONE)
		return config_fail(msg,
		    "no operation: run port-acm request, renew, delete or sync "
		    "(or set the operation input)");
	/* A scheduled sync has no run: the catalog needs only the
	 * client credentials. */
	if (c->op == OP_SYNC)
		c->port_enabled = c->port_client_id && c->port_client_secret;

	if ((rc = envvars_timeouts(c, getenv_fn, msg)) != CONFIG_OK ||
	    (rc = load_stage(c, INPUTS_OP, values, &x)) != CONFIG_OK ||
	    (rc = load_stage(c, INPUTS_REGION, values, &x)) != CONFIG_OK ||
	    (rc = envvars_aws(c, getenv_fn, endpoint_fn, msg)) != CONFIG_OK ||
	    (rc = load_stage(c, INPUTS_ROLE, values, &x)) != CONFIG_OK ||
	    (rc = envvars_aws_tail(c, getenv_fn, msg)) != CONFIG_OK ||
	    (rc = load_stage(c, INPUTS_DNS, values, &x)) != CONFIG_OK ||
	    (rc = rules_dns_mode(c, msg)) != CONFIG_OK ||
	    (rc = load_stage(c, INPUTS_ZONE, values, &x)) != CONFIG_OK ||
	    (rc = envvars_route53(c, getenv_fn, msg)) != CONFIG_OK ||
	    (rc = envvars_organizations(c, getenv_fn, msg)) != CONFIG_OK ||
	    (rc = envvars_account(c, getenv_fn, msg)) != CONFIG_OK ||
	    (rc = envvars_tagging(c, getenv_fn, msg)) != CONFIG_OK)
		return rc;
	return envvars_deadline(c, getenv_fn, msg);
}
