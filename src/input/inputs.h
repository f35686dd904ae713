/*
 * inputs: the one table of every input port-acm takes (action.yml's
 * inputs): its name (the Action input INPUT_<NAME>), its command-line
 * flag, its plain environment fallbacks, its default, the operations
 * that read it, its rule (rules.h: the check, and where the value
 * lands) and its line in --help. The command-line parser, the lookup
 * by precedence (flag, input, environment, default), --help and
 * tests/inputs' comparison with action.yml all read this table: a new
 * input is one row.
 *
 * Secrets are never flags: argv is visible to every process on the
 * machine.
 */
#ifndef PORT_ACM_INPUTS_H
#define PORT_ACM_INPUTS_H

#include <stddef.h>

#include "base/buf.h"
#include "input/config.h"
#include "input/rules.h"

/* Which operations take an input: bits of enum op. */
#define INPUTS_OP(op)   (1u << (op))
#define INPUTS_REQUEST  INPUTS_OP(OP_REQUEST)
#define INPUTS_RENEW    INPUTS_OP(OP_RENEW)
#define INPUTS_DELETE   INPUTS_OP(OP_DELETE)
#define INPUTS_SYNC     INPUTS_OP(OP_SYNC)
#define INPUTS_TARGET   (INPUTS_RENEW | INPUTS_DELETE)
#define INPUTS_EVERY_OP (INPUTS_REQUEST | INPUTS_TARGET | INPUTS_SYNC)

/* When an input is read: the order refusals are checked in (the Port
 * inputs first, so a later refusal can still be reported on the run),
 * with the environment-only settings (envvars.h) between the stages. */
enum inputs_stage {
	INPUTS_PORT,      /* before the operation is known; then
	                   * SSL_CERT_FILE, to report what fails next */
	INPUTS_RUN,       /* the run and its port_context */
	INPUTS_OPERATION, /* the operation input */
	INPUTS_OP,        /* what the operation itself takes */
	INPUTS_REGION,    /* then the AWS environment (envvars_aws) */
	INPUTS_ROLE,      /* then the CA bundle and attempts */
	INPUTS_DNS,       /* then rules_dns_mode */
	INPUTS_ZONE,      /* then the Route 53 endpoint, the deadline */
};

struct inputs_row {
	struct rule_input in; /* name, default, bounds, field */
	const char *flag;     /* "--<flag>"'s name; NULL = input and
	                       * environment only */
	const char *env[2];   /* plain environment fallbacks, or NULL */
	rule_fn rule;
	const char *arg;     /* --help: the flag's argument, e.g. "NAME" */
	const char *help;    /* --help: what it does; "default ..." is added
	                      * from the default unless help says it */
	unsigned char ops;   /* INPUTS_* bits */
	unsigned char stage; /* enum inputs_stage */
};

/* The table, in the order inputs are read. */
extern const struct inputs_row inputs_table[];
extern const size_t inputs_count;

/* Reads every input and environment setting into c (zeroed first):
 * argv (an operation word, --flag value or --flag=value, --help,
 * --version), then INPUT_<NAME>, then the plain environment, then the
 * default; an empty value counts as not given. getenv_fn is the only
 * way to the environment (pure otherwise: every rule is unit-tested);
 * endpoint_fn resolves the ACM endpoint (config_endpoint_fn). Returns
 * CONFIG_OK, CONFIG_HELP, CONFIG_VERSION or CONFIG_ERROR with msg (see
 * config.h). Caller frees with config_free in every case. */
enum config_result inputs_load(struct config *c, int argc, char **argv,
    const char *(*getenv_fn)(const char *), config_endpoint_fn endpoint_fn,
    struct buf *msg);

/* The --help text, made from the table once (static storage). */
const char *inputs_usage(void);

#endif
