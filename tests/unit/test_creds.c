/* Unit tests for creds.c's receipt check: credentials that expire within
 * the refresh window are refused when they arrive, not fetched again
 * before every request (issue 16, defect 9). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "creds/creds.h"
#include "creds/creds_source.h"
#include "tap.h"

static char config_path[64];

/* The environment of item 16's test: only a shared config file. */
static const char *
profile_env(const char *name)
{
	if (strcmp(name, "AWS_CONFIG_FILE") == 0)
		return config_path;
	if (strcmp(name, "AWS_SHARED_CREDENTIALS_FILE") == 0)
		return "/nonexistent/credentials";
	return NULL;
}

static int fetches, masked;
static time_t lifetime;

static void
count_mask(void *arg, const char *secret)
{
	(void)arg;
	masked += secret != NULL && strcmp(secret, "secret") == 0;
}

static int
fetch(void *arg, time_t now, struct aws_credentials *out, char *err, size_t n)
{
	(void)arg;
	(void)err;
	(void)n;
	fetches++;
	out->access_key_id = strdup("ASIAEXAMPLE000000001");
	out->secret_access_key = strdup("secret");
	out->session_token = strdup("token");
	out->expires = now + lifetime;
	return 0;
}

int
main(void)
{
	const time_t now = 1790000000;
	char err[600];
	struct creds *c = creds_new_source(fetch, NULL, NULL, "role X by STS");

	ok(creds_fresh_enough(0, now, "x", err, sizeof(err)) == 0,
	    "credentials that never expire are taken");
	ok(creds_fresh_enough(now + 301, now, "x", err, sizeof(err)) == 0,
	    "past the refresh window: taken");
	ok(creds_fresh_enough(now + 300, now, "x", err, sizeof(err)) == -1 &&
	        strstr(err, "inside the refresh window") != NULL,
	    "defect 9: inside the window: refused (%s)", err);
	ok(creds_fresh_enough(
	       now - 60, now, "role X by STS", err, sizeof(err)) == -1 &&
	        strstr(err, "role X by STS gave credentials that expired") !=
	            NULL &&
	        strstr(err, "60 s before") != NULL &&
	        strstr(err, "clock skew") != NULL,
	    "defect 9: already expired: refused, naming the source and clock "
	    "skew (%s)",
	    err);

	lifetime = -60;
	ok(creds_get(c, now, err, sizeof(err)) == NULL && fetches == 1 &&
	        strstr(err, "clock skew") != NULL,
	    "defect 9: creds_get refuses expired credentials at receipt");
	lifetime = 3600;
	ok(creds_get(c, now, err, sizeof(err)) != NULL && fetches == 2,
	    "good ones are taken on the next try");
	ok(creds_get(c, now + 10, err, sizeof(err)) != NULL && fetches == 2,
	    "and not fetched again before every request");
	creds_free(c);

	/* defect 11: the hop a chain's last role signs with is masked too,
	 * whether the mask comes before or after it is owned. */
	{
		struct creds *base = creds_new_source(fetch, NULL, NULL, "a");
		struct creds *top = creds_new_source(fetch, NULL, NULL, "b");
		struct creds *b2 = creds_new_source(fetch, NULL, NULL, "c");

		creds_own(top, base);
		creds_set_mask(top, count_mask, NULL);
		creds_own(base, b2);
		masked = 0;
		creds_get(b2, now, err, sizeof(err));
		ok(masked == 1,
		    "defect 11: a middle hop's secret is masked (%d)", masked);
		creds_get(base, now, err, sizeof(err));
		ok(masked == 2, "and the hop it signs with");
		creds_free(top);
	}

	/* item 16: the profile's region and sts_regional_endpoints are
	 * read as the SDKs read them. */
	{
		struct creds_env env = {0};
		char region[64] = "", url[256] = "", sreg[64] = "", why[256];
		char mode[32] = "";
		FILE *f;
		int fd;

		strcpy(config_path, "/tmp/port-acm-cfg-XXXXXX");
		fd = mkstemp(config_path);
		f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (f != NULL) {
			fputs("[default]\nregion = eu-west-2\n"
			      "sts_regional_endpoints = legacy\n",
			    f);
			fclose(f);
		}
		ok(creds_profile_setting(
		       profile_env, "region", region, sizeof(region)) == 0 &&
		        strcmp(region, "eu-west-2") == 0,
		    "item 16: the profile's region is read (%s)", region);
		env.getenv = profile_env;
		env.region = "eu-west-2";
		/* As main.c fills it. */
		if (creds_profile_setting(profile_env, "sts_regional_endpoints",
		        mode, sizeof(mode)) == 0)
			env.sts_regional_endpoints = mode;
		ok(creds_sts_endpoint(&env, url, sizeof(url), sreg,
		       sizeof(sreg), why, sizeof(why)) == 0 &&
		        strcmp(url, "https://sts.amazonaws.com") == 0 &&
		        strcmp(sreg, "us-east-1") == 0,
		    "item 16: the profile's sts_regional_endpoints = legacy "
		    "sends STS to the global endpoint (%s, %s)",
		    url, sreg);
		unlink(config_path);
	}
	return done_testing();
}
