/*
 * rules: each input's check, and where its value lands in struct
 * config: the validator column of the input table (inputs.c). A rule is
 * called once per run for an input its operation takes, in the table's
 * order (so the first refusal is always the same one), with the value
 * by precedence (flag, INPUT_<NAME>, plain environment) or NULL when it
 * was not given. Rules that need more than their own value (a default
 * from port_context, the region from the certificate ARN) read struct
 * config as filled so far, or another input through the context.
 *
 * Return convention: config.h's (CONFIG_OK, or CONFIG_ERROR with msg).
 */
#ifndef PORT_ACM_RULES_H
#define PORT_ACM_RULES_H

#include <stddef.h>

#include "base/buf.h"
#include "input/config.h"

/* What a rule is told about its input: the table row's columns. */
struct rule_input {
	const char *name;  /* the input, as messages name it */
	const char *dflt;  /* used when not given; NULL = none */
	unsigned min, max; /* rules_uint's bounds */
	/* offsetof(struct config, ...): rules_bool (int), rules_uint
	 * (unsigned long), rules_secret (char *) */
	unsigned field;
};

/* What a rule may ask of the run; borrowed for the call. */
struct rule_ctx {
	const char *(*getenv_fn)(const char *name);
	/* Another input's value, as the rule's own is found; NULL when
	 * not given. */
	const char *(*value)(const struct rule_ctx *x, const char *name);
	const void *arg; /* value's */
	struct buf *msg;
	/* Scratch for a validator's message, quoted into msg. One buffer
	 * for every rule: they run one at a time. */
	char *err;
	size_t errlen;
};

typedef int (*rule_fn)(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x);

/* Generic: yes/no into an int; a whole number in [min, max] into an
 * unsigned long; a secret (malloc'd copy, wiped by config_free). */
int rules_bool(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x);
int rules_uint(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x);
int rules_secret(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x);

/* Port: first, so a later refusal can still be reported on the run. */
int rules_port_base_url(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x);
int rules_run_id(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x);
int rules_port_context(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x);
int rules_blueprint(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x);

/* The operation input, when none was given on the command line. */
int rules_operation(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x);

/* request */
int rules_domain_name(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x);
int rules_sans(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x);
int rules_validation_method(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x);
int rules_key_algorithm(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x);
int rules_tags(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x);
int rules_pca_arn(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x);
int rules_export(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x);
int rules_idempotency_token(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x);

/* sync */
int rules_regions(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x);
int rules_skip_statuses(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x);
int rules_accounts(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x);
int rules_organization_role_arn(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x);
int rules_shard(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x);
int rules_account_role_name(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x);
/* fail_on: "expiring:N" (1..365 days), "expired", "failed", "at_risk"
 * (needs include_details, read before it). */
int rules_fail_on(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x);
/* An AWS tag key (1..128 bytes: letters, digits, spaces, _ . : / = + -
 * @, UTF-8 letters) into the char[129] at in->field. */
int rules_tag_key(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x);

/* renew, delete */
int rules_certificate_arn(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x);

/* AWS */
int rules_aws_region(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x);
int rules_role_to_assume(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x);
int rules_role_session_name(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x);
int rules_role_duration(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x);
int rules_role_external_id(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x);
int rules_audience(struct config *c, const struct rule_input *in, const char *v,
    const struct rule_ctx *x);

/* Route 53 (issue 11) */
int rules_dns_validation(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x);
/* Not an input: between dns_validation (and delete_validation_records)
 * and the inputs that need a Route 53 client, decides whether one is
 * needed and what dns_validation: route53 asks of a request. */
int rules_dns_mode(struct config *c, struct buf *msg);
int rules_hosted_zone_id(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x);
int rules_dns_role_arn(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x);
int rules_dns_record_ttl(struct config *c, const struct rule_input *in,
    const char *v, const struct rule_ctx *x);

#endif
