/* Unit tests for the chain's verdict when nothing gave credentials
 * (creds_chain's *unreachable): a credentials endpoint the environment
 * sets up that does not answer is an outage (exit 1), while EC2 instance
 * metadata's default address that never answers only means this runner
 * is not an EC2 instance, so it neither makes nor spoils that verdict.
 * The default address (169.254.169.254) is never reached: http is
 * tests/fuzz/fake_http.h's scripted stand-in, no network at all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/fake_http.h"
#include "base/clock.h"
#include "creds/creds_chain.h"
#include "tap.h"

static const char *container_uri, *imds_endpoint;

static const char *
chain_env(const char *name)
{
	if (strcmp(name, "AWS_CONFIG_FILE") == 0)
		return "/nonexistent/config";
	if (strcmp(name, "AWS_SHARED_CREDENTIALS_FILE") == 0)
		return "/nonexistent/credentials";
	if (strcmp(name, "RUNNER_ENVIRONMENT") == 0)
		return "self-hosted";
	if (strcmp(name, "AWS_CONTAINER_CREDENTIALS_FULL_URI") == 0)
		return container_uri;
	if (strcmp(name, "AWS_EC2_METADATA_SERVICE_ENDPOINT") == 0)
		return imds_endpoint;
	return NULL;
}

/* Runs the chain on script; returns *unreachable, why into out. */
static int
verdict(const char *script, struct buf *why, int *found)
{
	struct http_options o = {0};
	struct http *h = http_new(&o);
	struct clock clk = {0};
	struct creds_env env = {.http = h,
	    .clock = &clk,
	    .getenv = chain_env,
	    .region = "eu-west-1",
	    .max_attempts = 1,
	    .session_name = "port-acm",
	    .duration_s = 3600,
	    .audience = "sts.amazonaws.com"};
	struct creds *c;
	int down = -1;

	fake_start(script);
	c = creds_chain(&env, why, &down);
	*found = c != NULL;
	creds_free(c);
	http_free(h);
	return down;
}

int
main(void)
{
	struct buf why = {0};
	int found;

	/* The container agent answers 503 three times; the default IMDS
	 * address times out on the token PUT and on the IMDSv1 fallback. */
	container_uri = "http://127.0.0.1:1/creds";
	imds_endpoint = NULL;
	ok(verdict("503\n\nagent restarting\n%%\n503\n\nx\n%%\n503\n\nx\n%%\n"
	           "TIMEOUT\n%%\nTIMEOUT",
	       &why, &found) == 1 &&
	        !found,
	    "container down, IMDS default silent: unreachable (exit 1)");
	ok(strstr(buf_str(&why), "was not reachable") != NULL &&
	        strstr(buf_str(&why), "did not answer") != NULL &&
	        strstr(buf_str(&why), "role_to_assume") == NULL,
	    "says the container endpoint was not reachable, IMDS did not "
	    "answer, and no role_to_assume advice");

	/* The container agent answers 401 (a wrong token): the setup. */
	ok(verdict("401\n\nbad token\n%%\n401\n\nx\n%%\n401\n\nx\n%%\n"
	           "TIMEOUT\n%%\nTIMEOUT",
	       &why, &found) == 0 &&
	        !found,
	    "container 401, IMDS default silent: the setup (exit 2)");

	/* Nothing set up but the default IMDS address, which is silent. */
	container_uri = NULL;
	ok(verdict("TIMEOUT\n%%\nTIMEOUT", &why, &found) == 0 && !found,
	    "only the default IMDS address, silent: no credentials (exit 2)");
	ok(strstr(buf_str(&why), "not an EC2 instance") != NULL &&
	        strstr(buf_str(&why), "role_to_assume") != NULL,
	    "says this runner is not an EC2 instance, with the usual advice");

	/* IMDS at an address the environment names: refused is down. */
	imds_endpoint = "http://127.0.0.1:1";
	ok(verdict("RESET", &why, &found) == 1 && !found,
	    "AWS_EC2_METADATA_SERVICE_ENDPOINT refused: unreachable (exit 1)");

	buf_free(&why);
	return done_testing();
}
