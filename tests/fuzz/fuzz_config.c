/*
 * fuzz_config: inputs_load — command line, Action inputs and plain
 * environment — on arbitrary settings.
 *
 * Input: one setting per line, "NAME=value" for the environment or
 * "@word" for the next argv word. AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN and INPUT_PORT_CLIENT_SECRET default to
 * recognisable values. They start with "ZZ": no escape such as "\xff"
 * ends in 'Z', so a message cannot assemble a secret out of an escaped
 * byte and the text after it.
 *
 * Checks: the result is one of the enum values, the message is never
 * empty on CONFIG_ERROR, no secret is echoed in it (unless the input
 * itself carries that text), loading is deterministic and config_free
 * releases everything (LeakSanitizer).
 *
 * Requires: src/input/config.c src/input/inputs.c src/input/rules.c
 * src/input/envvars.c src/input/context.c src/input/validate.c
 * src/input/validate_domain.c src/input/validate_arn.c
 * src/input/validate_text.c src/aws/aws.c src/base/dns.c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <psa/crypto.h>

#include "aws/aws.h"
#include "base/buf.h"
#include "fuzz_util.h"
#include "input/config.h"
#include "input/inputs.h"

#define MAX_ENV  64
#define MAX_ARGV 32

static const char *const secrets[][2] = {
    {"AWS_SECRET_ACCESS_KEY", "ZZfuzzAwsSecretKey/K7MDENG+bPxRfiCYqqqq"},
    {"AWS_SESSION_TOKEN", "ZZfuzzAwsSessionTokenIQoJb3JpZ2luX2VjqqqqQ"},
    {"INPUT_PORT_CLIENT_SECRET", "ZZfuzzPortClientSecretZq9wqqqq"},
};

static char *env_names[MAX_ENV], *env_values[MAX_ENV];
static size_t nenv;

static const char *
fuzz_getenv(const char *name)
{
	size_t i;

	for (i = 0; i < nenv; i++) {
		if (strcmp(env_names[i], name) == 0)
			return env_values[i];
	}
	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
		if (strcmp(secrets[i][0], name) == 0)
			return secrets[i][1];
	}
	return NULL;
}

FUZZ_INITIALIZE_PSA()

static enum config_result
load(int argc, char **argv, struct buf *msg)
{
	struct config c;
	enum config_result r;

	r = inputs_load(&c, argc, argv, fuzz_getenv, aws_endpoint, msg);
	if (r != CONFIG_ERROR && r != CONFIG_OK && r != CONFIG_HELP &&
	    r != CONFIG_VERSION)
		abort();
	config_free(&c);
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGV + 2];
	struct buf m1 = {0}, m2 = {0};
	char *text, *line, *next, *eq;
	enum config_result r1, r2;
	int argc = 1;
	size_t i;

	if ((text = fuzz_text(data, size, 0, 64 * 1024)) == NULL)
		return 0;
	argv[0] = "port-acm";
	nenv = 0;
	for (line = text; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (line[0] == '@' && argc < MAX_ARGV + 1)
			argv[argc++] = line + 1;
		else if ((eq = strchr(line, '=')) != NULL && nenv < MAX_ENV) {
			*eq = '\0';
			env_names[nenv] = line;
			env_values[nenv++] = eq + 1;
		}
	}
	argv[argc] = NULL;

	r1 = load(argc, argv, &m1);
	r2 = load(argc, argv, &m2);
	if (r1 != r2 || strcmp(buf_str(&m1), buf_str(&m2)) != 0)
		abort();
	if (r1 == CONFIG_ERROR && buf_str(&m1)[0] == '\0')
		abort();
	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
		if (!contains(data, size, secrets[i][1]) &&
		    strstr(buf_str(&m1), secrets[i][1]) != NULL)
			abort();
	}
	buf_free(&m1);
	buf_free(&m2);
	free(text);
	return 0;
}
