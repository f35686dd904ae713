/*
 * config_env.h: what test_config.c and test_config_sync.c share: a
 * table-backed getenv (env_set/env_clear, fake_getenv), the usual
 * environments (env_aws, env_port), and load(), which runs inputs_load
 * on an argument list into the one configuration c and message msg.
 * Header-only, for tests.
 */
#ifndef PORT_ACM_CONFIG_ENV_H
#define PORT_ACM_CONFIG_ENV_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "input/config.h"
#include "input/inputs.h"

#define ARN_ID   "12345678-1234-1234-1234-123456789012"
#define ARN_USE1 "arn:aws:acm:us-east-1:123456789012:certificate/" ARN_ID
#define ARN_EUW1 "arn:aws:acm:eu-west-1:123456789012:certificate/" ARN_ID
#define ARN_CN   "arn:aws-cn:acm:cn-north-1:123456789012:certificate/" ARN_ID
#define ARN_GOV                                                                \
	"arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/" ARN_ID

/* The fake environment: name/value pairs; a NULL value is unset. */
#define MAXENV 64
static const char *env_name[MAXENV], *env_value[MAXENV];
static size_t nenv;

static inline void
env_clear(void)
{
	nenv = 0;
}

static inline void
env_set(const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < nenv; i++)
		if (strcmp(env_name[i], name) == 0) {
			env_value[i] = value;
			return;
		}
	if (nenv < MAXENV) {
		env_name[nenv] = name;
		env_value[nenv++] = value;
	}
}

static inline const char *
fake_getenv(const char *name)
{
	size_t i;

	for (i = 0; i < nenv; i++)
		if (strcmp(env_name[i], name) == 0)
			return env_value[i];
	return NULL;
}

/* Enough for ACM: credentials and a region. */
static inline void
env_aws(void)
{
	env_clear();
	env_set("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
	env_set("AWS_SECRET_ACCESS_KEY",
	    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
	env_set("AWS_REGION", "us-east-1");
}

static inline void
env_port(void)
{
	env_set("PORT_CLIENT_ID", "port-client-id-value");
	env_set("PORT_CLIENT_SECRET", "port-client-secret-value");
}

static struct config c;
static struct buf msg;

/* Runs inputs_load on a NULL-terminated argument list (after argv[0]),
 * freeing the previous configuration first. */
static inline int
load(const char *first, ...)
{
	char *argv[32];
	const char *a;
	int argc = 0;
	va_list ap;

	config_free(&c);
	argv[argc++] = (char *)"port-acm";
	va_start(ap, first);
	for (a = first; a != NULL && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	return inputs_load(&c, argc, argv, fake_getenv, aws_endpoint, &msg);
}

static inline int
has(const char *hay, const char *needle)
{
	return hay != NULL && strstr(hay, needle) != NULL;
}

#endif
