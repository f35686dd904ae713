#include "input/rules.h"

#include <ctype.h>
#include <errno.h>
#include <psa/crypto.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "input/validate.h"

static int
fail_err(const struct rule_ctx *x)
{
	return config_fail(x->msg, "%s", x->err);
}

/* ---------------------------------------------------------- generic */

int
rules_bool(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x)
{
	int *out = (int *)((char *)c + in->field);

	if (v == NULL)
		v = in->dflt;
	if (v != NULL &&
	    validate_bool(in->name, v, out, x->err, x->errlen) != 0)
		return fail_err(x);
	return CONFIG_OK;
}

int
rules_uint(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x)
{
	unsigned long *out = (unsigned long *)((char *)c + in->field);

	if (v == NULL)
		v = in->dflt;
	if (v != NULL && validate_uint(in->name, v, in->min, in->max, out,
	                     x->err, x->errlen) != 0)
		return fail_err(x);
	return CONFIG_OK;
}

int
rules_secret(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x)
{
	(void)x;
	*(char **)((char *)c + in->field) = config_secret(v);
	return CONFIG_OK;
}

/* ------------------------------------------------------------- Port */

static void
port_enabled(struct config *c)
{
	c->port_enabled =
	    c->port_client_id && c->port_client_secret && c->run_id[0];
}

int
rules_port_base_url(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x)
{
	size_t n;

	if (config_copy(c->port_base_url, sizeof(c->port_base_url),
	        v ? v : in->dflt, in->name, x->msg) != 0)
		return CONFIG_ERROR;
	/* People paste ".../" or ".../v1"; what they mean is clear. */
	n = strlen(c->port_base_url);
	while (n > 0 && c->port_base_url[n - 1] == '/')
		c->port_base_url[--n] = '\0';
	if (n > 3 && strcmp(c->port_base_url + n - 3, "/v1") == 0)
		c->port_base_url[n - 3] = '\0';
	if (validate_base_url(in->name, c->port_base_url, x->err, x->errlen) !=
	    0)
		return fail_err(x);
	return config_require_tls(in->name, c->port_base_url, x->msg);
}

int
rules_run_id(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x)
{

	/* An explicit run id lets even a broken port_context be
	 * reported on the run. */
	if (v) {
		if (validate_run_id(in->name, v, x->err, x->errlen) != 0)
			return fail_err(x);
		snprintf(c->run_id, sizeof(c->run_id), "%s", v);
	}
	port_enabled(c);
	return CONFIG_OK;
}

int
rules_port_context(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x)
{

	(void)in;
	if (context_parse(v, &c->ctx, x->err, x->errlen) != 0)
		return fail_err(x);
	if (c->run_id[0] == '\0' && c->ctx.run_id[0] != '\0') {
		if (validate_run_id(
		        "run_id", c->ctx.run_id, x->err, x->errlen) != 0)
			return fail_err(x);
		snprintf(c->run_id, sizeof(c->run_id), "%s", c->ctx.run_id);
	}
	port_enabled(c);
	return CONFIG_OK;
}

int
rules_blueprint(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x)
{

	/* The entity the action ran on knows its blueprint best. */
	if (v == NULL)
		v = c->ctx.entity_blueprint[0] ? c->ctx.entity_blueprint
		                               : in->dflt;
	if (validate_blueprint(in->name, v, x->err, x->errlen) != 0)
		return fail_err(x);
	snprintf(c->blueprint, sizeof(c->blueprint), "%s", v);
	return CONFIG_OK;
}

int
rules_operation(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x)
{
	(void)in;
	if (c->op != OP_NONE || v == NULL)
		return CONFIG_OK;
	c->op = strcasecmp(v, "request") == 0  ? OP_REQUEST
	        : strcasecmp(v, "renew") == 0  ? OP_RENEW
	        : strcasecmp(v, "delete") == 0 ? OP_DELETE
	        : strcasecmp(v, "sync") == 0   ? OP_SYNC
	                                       : OP_NONE;
	if (c->op == OP_NONE)
		return config_fail(x->msg,
		    "operation '%.64s' is not one of request, renew, delete, "
		    "sync",
		    v);
	return CONFIG_OK;
}

/* ---------------------------------------------------------- request */

int
rules_domain_name(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x)
{

	if (v == NULL)
		return config_fail(x->msg,
		    "domain_name is required to request a certificate, e.g. "
		    "app.example.com or *.example.com");
	if (validate_domain(in->name, v, x->err, x->errlen) != 0 ||
	    validate_common_name(in->name, v, x->err, x->errlen) != 0)
		return fail_err(x);
	snprintf(c->domain_name, sizeof(c->domain_name), "%s", v);
	return CONFIG_OK;
}

int
rules_sans(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x)
{

	if (v && validate_domain_list(in->name, v, c->sans,
	             VALIDATE_MAX_NAMES - 1, &c->nsans, x->err, x->errlen) != 0)
		return fail_err(x);
	return CONFIG_OK;
}

int
rules_validation_method(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x)
{

	if (validate_validation_method(
	        v ? v : in->dflt, c->validation_method, x->err, x->errlen) != 0)
		return fail_err(x);
	return CONFIG_OK;
}

int
rules_key_algorithm(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x)
{

	(void)in;
	if (v &&
	    validate_key_algorithm(v, c->key_algorithm, x->err, x->errlen) != 0)
		return fail_err(x);
	return CONFIG_OK;
}

int
rules_tags(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x)
{

	if (v == NULL)
		return CONFIG_OK;
	if ((c->tags = calloc(VALIDATE_MAX_TAGS, sizeof(*c->tags))) == NULL)
		return config_fail(x->msg, "out of memory");
	if (validate_tags(in->name, v, c->tags, VALIDATE_MAX_TAGS, &c->ntags,
	        x->err, x->errlen) != 0)
		return fail_err(x);
	return CONFIG_OK;
}

int
rules_pca_arn(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x)
{

	if (v == NULL)
		return CONFIG_OK;
	if (validate_pca_arn(in->name, v, x->err, x->errlen) != 0)
		return fail_err(x);
	snprintf(c->pca_arn, sizeof(c->pca_arn), "%s", v);
	return CONFIG_OK;
}

int
rules_export(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x)
{

	(void)in;
	if (v && validate_export(v, c->export_option, x->err, x->errlen) != 0)
		return fail_err(x);
	return CONFIG_OK;
}

/* A Port run id is an idempotency token when it fits ACM's pattern;
 * otherwise its hash does. The same run always maps to the same token,
 * so a re-run returns the same certificate. */
static void
derive_token(const char *run_id, char out[33])
{
	uint8_t md[32];
	size_t n = 0, i;
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
	/* SHA-256 by PSA (main initialises it), as SigV4 hashes. */
	if (psa_hash_compute(PSA_ALG_SHA_256, (const uint8_t *)run_id,
	        strlen(run_id), md, sizeof(md), &n) != PSA_SUCCESS ||
	    n != sizeof(md))
		n = 0;
	for (i = 0; i < n && i < 16; i++) {
		out[2 * i] = "0123456789abcdef"[md[i] >> 4];
		out[2 * i + 1] = "0123456789abcdef"[md[i] & 15];
	}
	out[2 * i] = '\0';
}

int
rules_idempotency_token(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x)
{

	if (v) {
		if (validate_idempotency_token(
		        in->name, v, x->err, x->errlen) != 0)
			return fail_err(x);
		snprintf(c->idempotency_token, sizeof(c->idempotency_token),
		    "%s", v);
	} else if (c->run_id[0]) {
		derive_token(c->run_id, c->idempotency_token);
		c->idempotency_derived = 1;
	}
	return CONFIG_OK;
}

/* ------------------------------------------------------------- sync */

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

static int only_item(const char *list, const char *word);

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

int
rules_regions(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x)
{

	(void)in;
	if (v == NULL) /* aws_region, AWS_REGION, AWS_DEFAULT_REGION */
		v = x->value(x, "aws_region");
	if (v == NULL)
		return config_fail(x->msg,
		    "no AWS region to sync: set regions (e.g. "
		    "\"us-east-1,eu-west-1\") or aws_region / AWS_REGION");
	if (only_item(v, "all")) {
		/* Each account's enabled regions, asked per account at run
		 * time; the run's own region signs STS and the rest. */
		if ((v = x->value(x, "aws_region")) == NULL)
			return config_fail(x->msg,
			    "regions: all needs the run's own region for STS "
			    "and the Account Management API: set aws_region "
			    "or AWS_REGION (e.g. us-east-1)");
		c->regions_all = 1;
	}
	if (each_item(v, add_region, c, x->err, x->errlen) != 0)
		return fail_err(x);
	if (c->nregions == 0)
		return config_fail(x->msg,
		    "regions is empty: list at least one region, e.g. "
		    "us-east-1");
	return CONFIG_OK;
}

static int
add_account(struct config *c, const char *a, char *err, size_t errlen)
{
	size_t i;

	if (strlen(a) != 12 || strspn(a, "0123456789") != 12) {
		str_printf(err, errlen,
		    "accounts: '%.40s' is not an AWS account id (12 digits)",
		    a);
		return -1;
	}
	for (i = 0; i < c->naccounts; i++)
		if (strcmp(c->accounts[i], a) == 0)
			return 0;
	if (c->naccounts == CONFIG_MAX_ACCOUNTS) {
		str_printf(err, errlen, "accounts: at most %d accounts",
		    CONFIG_MAX_ACCOUNTS);
		return -1;
	}
	if (c->naccounts % 64 == 0) {
		char(*n)[13] = realloc(
		    c->accounts, (c->naccounts + 64) * sizeof(*c->accounts));

		if (n == NULL) {
			str_copy(err, errlen, "out of memory");
			return -1;
		}
		c->accounts = n;
	}
	memcpy(c->accounts[c->naccounts++], a, 13);
	return 0;
}

/* Whether list is the one item word (trimmed, any case). */
static int
only_item(const char *list, const char *word)
{
	const char *p = list, *b, *e;

	if (!validate_next_item(&p, &b, &e) ||
	    (size_t)(e - b) != strlen(word) ||
	    strncasecmp(b, word, strlen(word)) != 0)
		return 0;
	return !validate_next_item(&p, &b, &e);
}

int
rules_accounts(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x)
{
	(void)in;
	if (v == NULL)
		return CONFIG_OK;
	if (only_item(v, "organization")) {
		c->accounts_org = 1;
		return CONFIG_OK;
	}
	if (each_item(v, add_account, c, x->err, x->errlen) != 0)
		return fail_err(x);
	return CONFIG_OK;
}

/* An IAM role name (IAM's RoleName: 1-64 of [\w+=,.@-]); no path. */
int
rules_account_role_name(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x)
{
	size_t n;

	(void)in;
	if (v == NULL) {
		if (c->naccounts == 0 && !c->accounts_org)
			return CONFIG_OK;
		return config_fail(x->msg,
		    "accounts is set but account_role_name is not: name the "
		    "role port-acm assumes in each account, e.g. "
		    "port-acm-sync (examples/iam/sync-account-trust.json)");
	}
	n = strlen(v);
	if (n == 0 || n > 64 ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	              "0123456789_+=,.@-") != n)
		return config_fail(x->msg,
		    "account_role_name must be an IAM role name: 1 to 64 of "
		    "letters, digits and _+=,.@- (no path, no ARN)");
	if (c->naccounts == 0 && !c->accounts_org)
		return config_fail(x->msg,
		    "account_role_name is set but accounts is not: list the "
		    "account ids to sync, or organization");
	str_copy(c->account_role_name, sizeof(c->account_role_name), v);
	return CONFIG_OK;
}

#define SHARD_MAX 1000

/* "i/n": this job's share of the accounts, 1 <= i <= n <= SHARD_MAX. */
int
rules_shard(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x)
{
	unsigned long i, n;
	char *end;

	(void)in;
	if (v == NULL)
		return CONFIG_OK;
	errno = 0;
	i = strtoul(v, &end, 10);
	if (end == v || *end != '/' || v[0] < '0' || v[0] > '9' ||
	    end[1] < '0' || end[1] > '9')
		goto bad;
	n = strtoul(end + 1, &end, 10);
	if (errno || *end || i < 1 || n < 1 || i > n || n > SHARD_MAX)
		goto bad;
	if (c->naccounts == 0 && !c->accounts_org)
		return config_fail(x->msg,
		    "shard is set but accounts is not: shards split the "
		    "accounts of accounts (a list, or organization)");
	c->shard_i = (unsigned)i;
	c->shard_n = (unsigned)n;
	return CONFIG_OK;
bad:
	return config_fail(x->msg,
	    "shard must be i/n with 1 <= i <= n <= %d, e.g. 3/8 (job 3 of "
	    "8)",
	    SHARD_MAX);
}

/* The role that reads the organization's accounts (the management
 * account's, or a delegated administrator's). */
int
rules_organization_role_arn(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x)
{
	(void)in;
	if (v == NULL)
		return CONFIG_OK;
	if (!c->accounts_org)
		return config_fail(x->msg,
		    "organization_role_arn is set but accounts is not "
		    "organization");
	if (strlen(v) >= sizeof(c->organization_role_arn) ||
	    validate_role_arn("organization_role_arn", v, x->err, x->errlen) !=
	        0)
		return fail_err(x);
	str_copy(c->organization_role_arn, sizeof(c->organization_role_arn), v);
	return CONFIG_OK;
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
add_fail_on(struct config *c, const char *t, char *err, size_t errlen)
{
	if (strcasecmp(t, "expired") == 0)
		c->fail_on_expired = 1;
	else if (strcasecmp(t, "failed") == 0)
		c->fail_on_failed = 1;
	else if (strncasecmp(t, "expiring:", 9) == 0)
		return validate_uint("fail_on expiring:N", t + 9, 1, 365,
		    &c->fail_on_expiring, err, errlen);
	else if (strcasecmp(t, "at_risk") == 0) {
		/* Readiness is computed only with the records, which only
		 * DescribeCertificate gives (include_details comes first). */
		if (!c->include_details) {
			str_printf(err, errlen,
			    "fail_on: at_risk needs include_details: true "
			    "(renewal readiness reads each certificate's "
			    "validation records, which only its description "
			    "has)");
			return -1;
		}
		c->fail_on_at_risk = 1;
	} else {
		str_printf(err, errlen,
		    "fail_on: '%.64s' is not a condition; use expiring:N "
		    "(days, 1-365), expired, failed or at_risk, e.g. "
		    "\"failed,at_risk,expiring:14\"",
		    t);
		return -1;
	}
	return 0;
}

int
rules_fail_on(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x)
{
	(void)in;
	if (v && each_item(v, add_fail_on, c, x->err, x->errlen) != 0)
		return fail_err(x);
	return CONFIG_OK;
}

int
rules_tag_key(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x)
{
	char *dst = (char *)c + in->field;
	size_t n, i;

	if (v == NULL)
		v = in->dflt;
	n = strlen(v);
	if (n == 0 || n > 128)
		return config_fail(x->msg,
		    "%s: an AWS tag key has 1 to 128 characters, not %zu",
		    in->name, n);
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v[i];

		if (ch < 0x80 && !isalnum(ch) && !strchr(" _.:/=+-@", ch))
			return config_fail(x->msg,
			    "%s: character %zu (0x%02x) is not allowed in an "
			    "AWS tag key: use letters, digits, spaces and "
			    "_ . : / = + - @",
			    in->name, i + 1, ch);
	}
	memcpy(dst, v, n + 1);
	return CONFIG_OK;
}

int
rules_skip_statuses(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x)
{

	(void)in;
	if (v && each_item(v, add_skip, c, x->err, x->errlen) != 0)
		return fail_err(x);
	return CONFIG_OK;
}

/* ---------------------------------------------------- renew, delete */

static int
is_acm_arn(const char *s)
{
	return strncmp(s, "arn:", 4) == 0 && strstr(s, ":acm:") != NULL;
}

int
rules_certificate_arn(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x)
{
	const char *arn = NULL;

	(void)in;
	if (v) {
		arn = v;
		c->arn_source = "certificate_arn";
	} else if (c->ctx.entity_arn[0]) {
		arn = c->ctx.entity_arn;
		c->arn_source = "the entity's arn property in port_context";
	} else if (is_acm_arn(c->ctx.entity_identifier)) {
		arn = c->ctx.entity_identifier;
		c->arn_source = "the entity identifier in port_context";
	}
	if (arn == NULL)
		return config_fail(x->msg,
		    "no certificate to %s: set certificate_arn, or run the "
		    "action from a certificate entity whose identifier or arn "
		    "property is the certificate's ARN",
		    config_op_name(c->op));
	if (validate_certificate_arn(
	        c->arn_source, arn, &c->arn, x->err, x->errlen) != 0)
		return fail_err(x);
	snprintf(c->certificate_arn, sizeof(c->certificate_arn), "%s", arn);
	/* Write or delete the entity the action ran on, in its blueprint,
	 * when it is this certificate's: not a second one keyed by ARN. */
	if (c->ctx.entity_identifier[0] &&
	    (strcmp(c->ctx.entity_identifier, arn) == 0 ||
	        strcmp(c->ctx.entity_arn, arn) == 0)) {
		if (validate_entity_id("the entity identifier in port_context",
		        c->ctx.entity_identifier, x->err, x->errlen) != 0)
			return fail_err(x);
		snprintf(c->entity_id, sizeof(c->entity_id), "%s",
		    c->ctx.entity_identifier);
		if (c->ctx.entity_blueprint[0])
			snprintf(c->blueprint, sizeof(c->blueprint), "%s",
			    c->ctx.entity_blueprint);
	}
	return CONFIG_OK;
}

/* -------------------------------------------------------------- AWS */

int
rules_aws_region(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x)
{

	if (c->op == OP_SYNC)
		v = c->regions[0]; /* rules_regions found at least one */
	else if (c->op != OP_REQUEST) {
		/* The certificate lives where its ARN says. */
		if (v && validate_region(in->name, v, x->err, x->errlen) != 0)
			return fail_err(x);
		if (v && strcmp(v, c->arn.region) != 0)
			snprintf(c->region_note, sizeof(c->region_note),
			    "using region %s from the certificate ARN, not "
			    "the configured %s",
			    c->arn.region, v);
		v = c->arn.region;
	}
	if (v == NULL)
		return config_fail(x->msg,
		    "no AWS region: set aws_region (or AWS_REGION), e.g. "
		    "us-east-1; certificates for CloudFront must be in "
		    "us-east-1");
	if (validate_region(in->name, v, x->err, x->errlen) != 0)
		return fail_err(x);
	snprintf(c->region, sizeof(c->region), "%s", v);
	return CONFIG_OK;
}

int
rules_role_to_assume(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x)
{
	char *err = x->err;
	const size_t errlen = 512; /* as before the table */

	if (v != NULL && (strlen(v) >= sizeof(c->role_to_assume) ||
	                     validate_role_arn(in->name, v, err, errlen) != 0))
		return config_fail(x->msg,
		    "%s; e.g. arn:aws:iam::123456789012:role/port-acm",
		    strlen(v) >= sizeof(c->role_to_assume)
		        ? "role_to_assume is too long for an IAM role ARN"
		        : err);
	str_copy(c->role_to_assume, sizeof(c->role_to_assume), v);
	return CONFIG_OK;
}

int
rules_role_session_name(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x)
{
	const char *run, *att;
	char name[160];

	(void)in;
	if (v == NULL) {
		run = config_nonempty(x->getenv_fn("GITHUB_RUN_ID"));
		att = config_nonempty(x->getenv_fn("GITHUB_RUN_ATTEMPT"));
		if (c->github_actions && run)
			snprintf(name, sizeof(name), "port-acm-%.40s-%.10s",
			    run, att ? att : "1");
		else
			str_copy(name, sizeof(name), "port-acm");
		v = name;
	}
	validate_session_name(
	    v, c->role_session_name, sizeof(c->role_session_name));
	return CONFIG_OK;
}

int
rules_role_duration(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x)
{
	long n = 0;

	if (config_number(v, (long)strtoul(in->dflt, NULL, 10), (long)in->min,
	        (long)in->max, in->name, &n, x->msg) != 0)
		return CONFIG_ERROR;
	c->role_duration_s = (unsigned)n;
	return CONFIG_OK;
}

int
rules_role_external_id(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x)
{
	(void)in;
	if (v != NULL &&
	    (strlen(v) < 2 || strlen(v) > 1224 ||
	        strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                  "0123456789_+=,.@:/-") != strlen(v)))
		return config_fail(x->msg,
		    "role_external_id must be 2 to 1224 characters of "
		    "letters, digits and _+=,.@:/-");
	str_copy(c->role_external_id, sizeof(c->role_external_id), v);
	return CONFIG_OK;
}

int
rules_audience(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x)
{
	if (v == NULL)
		v = in->dflt;
	if (strlen(v) >= sizeof(c->audience) || strpbrk(v, " \t\r\n"))
		return config_fail(x->msg,
		    "audience must be one word of at most %zu characters",
		    sizeof(c->audience) - 1);
	str_copy(c->audience, sizeof(c->audience), v);
	return CONFIG_OK;
}

/* --------------------------------------------------------- Route 53 */

int
rules_dns_validation(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x)
{
	(void)in;
	if (v && strcasecmp(v, "route53") == 0)
		c->dns_route53 = 1;
	else if (v && strcasecmp(v, "none") != 0)
		return config_fail(x->msg,
		    "dns_validation '%.32s' is not one of none, route53", v);
	return CONFIG_OK;
}

int
rules_dns_mode(struct config *c, struct buf *msg)
{
	/* A Route 53 client: to write records on request, to remove
	 * them on delete. */
	c->need_route53 = (c->dns_route53 && c->op == OP_REQUEST) ||
	                  c->delete_validation_records;
	/* sync's renewal readiness reads the records (sync_ready.h). */
	c->sync_route53 = c->op == OP_SYNC && c->include_details;
	if (c->dns_route53 && c->op == OP_REQUEST) {
		if (c->pca_arn[0])
			return config_fail(msg,
			    "dns_validation: route53 does not apply to a "
			    "private certificate (certificate_authority_arn): "
			    "it needs no validation");
		if (strcmp(c->validation_method, "DNS") != 0)
			return config_fail(msg, "dns_validation: route53 needs "
			                        "validation_method DNS");
		/* Issuance is the point of writing the records. */
		c->wait_for_issuance = 1;
	}
	return CONFIG_OK;
}

static int
needs_route53(const struct config *c, const char *name, struct buf *msg)
{
	if (c->need_route53)
		return CONFIG_OK;
	return config_fail(msg,
	    "%s is used only with dns_validation: route53 (request) or "
	    "delete_validation_records: true (delete)%s",
	    name,
	    strcmp(name, "dns_role_arn") == 0
	        ? " or include_details: true (sync: renewal readiness)"
	        : "");
}

int
rules_hosted_zone_id(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x)
{
	size_t len;

	if (v == NULL)
		return CONFIG_OK;
	if (strncmp(v, "/hostedzone/", 12) == 0)
		v += 12;
	len = strlen(v);
	if (len == 0 || len >= sizeof(c->hosted_zone_id) ||
	    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != len)
		return config_fail(x->msg,
		    "hosted_zone_id must be a Route 53 hosted zone id such as "
		    "Z3M3LMPEXAMPLE (capital letters and digits)");
	if (needs_route53(c, in->name, x->msg) != CONFIG_OK)
		return CONFIG_ERROR;
	memcpy(c->hosted_zone_id, v, len + 1);
	return CONFIG_OK;
}

int
rules_dns_role_arn(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x)
{
	size_t len;

	if (v == NULL)
		return CONFIG_OK;
	len = strlen(v);
	if (len >= sizeof(c->dns_role_arn) ||
	    validate_role_arn(in->name, v, x->err, x->errlen) != 0)
		return config_fail(x->msg,
		    "%s; e.g. arn:aws:iam::123456789012:role/acm-dns",
		    len >= sizeof(c->dns_role_arn)
		        ? "dns_role_arn is too long for an IAM role ARN"
		        : x->err);
	if (!c->sync_route53 && needs_route53(c, in->name, x->msg) != CONFIG_OK)
		return CONFIG_ERROR;
	memcpy(c->dns_role_arn, v, len + 1);
	return CONFIG_OK;
}

int
rules_dns_record_ttl(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x)
{
	unsigned long u;

	if (validate_uint(in->name, v ? v : in->dflt, in->min, in->max, &u,
	        x->err, x->errlen) != 0)
		return fail_err(x);
	c->dns_record_ttl = (long)u;
	return CONFIG_OK;
}
