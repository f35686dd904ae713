/*
 * fuzz_creds_files: the shared config and credentials file parser
 * (src/creds/creds_files.c, issue 16, item 24 and defect 7) through the
 * functions the chain calls: creds_probe_profile for each of botocore's
 * three profile providers, and creds_profile_setting (region,
 * sts_regional_endpoints). Nothing is fetched: the probes only build.
 *
 * Input: the first line names the profile (empty: AWS_PROFILE unset,
 * "default"), optionally followed by " x<k>" (k a digit) to repeat the
 * config file 4^k times (capped past the 1 MiB refusal), so that huge
 * files and the "512 entries" class are reachable from small inputs;
 * the rest is the config file, then a line "%%", then the credentials
 * file. Both are written to a private temporary directory.
 *
 * Checks beyond "no crash": each probe returns one of its three
 * answers, FOUND with a creds and anything else with a reason; at most
 * one provider claims the profile; a file past the size bound is
 * refused by every probe, saying so; a credentials file that ends with
 * the named profile's keys (and no role, process, SSO or MFA setting
 * anywhere) is FOUND by the keys provider however many entries come
 * before (defect 7); a profile setting is one line that fits; every
 * mask hook call gets a string or NULL; nothing leaks (LeakSanitizer).
 *
 * Requires: src/creds/creds_files.c src/creds/creds.c src/base/buf.c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "creds/creds_source.h"
#include "fuzz_util.h"

#define BIG (1024 * 1024 + 4096) /* past creds_files.c's INI_MAX_BYTES */

static char dir[256], config_path[300], creds_path[300];
static char profile[128];
static size_t masked;

static const char *
fake_getenv(const char *name)
{
	if (strcmp(name, "AWS_CONFIG_FILE") == 0)
		return config_path;
	if (strcmp(name, "AWS_SHARED_CREDENTIALS_FILE") == 0)
		return creds_path;
	if (strcmp(name, "AWS_PROFILE") == 0)
		return profile[0] ? profile : NULL;
	if (strcmp(name, "AWS_ACCESS_KEY_ID") == 0)
		return "AKIDENVFUZZ";
	if (strcmp(name, "AWS_SECRET_ACCESS_KEY") == 0)
		return "envSecretFuzz";
	if (strcmp(name, "AWS_EC2_METADATA_DISABLED") == 0)
		return "true";
	return NULL;
}

static void
on_mask(void *arg, const char *secret)
{
	(void)arg;
	if (secret != NULL && strlen(secret) == (size_t)-1)
		abort();
	masked++;
}

static void
cleanup(void)
{
	unlink(config_path);
	unlink(creds_path);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* tmpfs when there is one: two files are rewritten per input. */
	const char *tmp =
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/fuzz_creds_files.XXXXXX",
	    tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(config_path, sizeof(config_path), "%s/config", dir);
	snprintf(creds_path, sizeof(creds_path), "%s/credentials", dir);
	atexit(cleanup);
	return 0;
}

/* Writes len bytes of text, times times (stopping past BIG). */
static size_t
write_file(const char *path, const char *text, size_t len, size_t times)
{
	FILE *f = fopen(path, "w");
	size_t i, total = 0;

	if (f == NULL)
		abort();
	for (i = 0; i < times && total <= BIG; i++) {
		if (len > 0 && fwrite(text, 1, len, f) != len)
			abort();
		total += len;
	}
	if (fclose(f) != 0)
		abort();
	return total;
}

static int
ends_with_keys(const char *creds)
{
	char tail[300];
	size_t n = strlen(creds), t;

	snprintf(tail, sizeof(tail),
	    "\n[%s]\naws_access_key_id=AKIDTAIL\naws_secret_access_key=tail\n",
	    profile[0] ? profile : "default");
	t = strlen(tail);
	return n >= t && strcmp(creds + n - t, tail) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum creds_profile_kind kinds[] = {
	    CREDS_PROFILE_ROLE, CREDS_PROFILE_WEB, CREDS_PROFILE_KEYS};
	struct creds_env env = {0};
	struct creds *out;
	enum creds_probe r;
	char *in, *nl, *config, *creds, *sep, *rep, why[1024], value[64];
	size_t i, times = 1, total, found = 0;
	int big, oracle;

	if (size > 64 * 1024 || (in = malloc(size + 1)) == NULL)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	nl = strchr(in, '\n');
	config = nl ? nl + 1 : in + size;
	if (nl)
		*nl = '\0';
	if ((rep = strstr(in, " x")) != NULL && rep[2] >= '0' &&
	    rep[2] <= '9' && rep[3] == '\0') {
		times = (size_t)1 << (2 * (rep[2] - '0'));
		*rep = '\0';
	}
	snprintf(profile, sizeof(profile), "%s", nl ? in : "");
	if ((sep = strstr(config, "\n%%\n")) != NULL) {
		*sep = '\0';
		creds = sep + 4;
	} else
		creds = config + strlen(config);
	total = write_file(config_path, config, strlen(config), times);
	big = total > BIG - 4096;
	total += write_file(creds_path, creds, strlen(creds), 1);
	big |= strlen(creds) > BIG - 4096;
	oracle =
	    !big && ends_with_keys(creds) && strstr(in, "role_arn") == NULL &&
	    strstr(config, "credential_process") == NULL &&
	    strstr(creds, "credential_process") == NULL &&
	    strstr(config, "sso_") == NULL && strstr(creds, "sso_") == NULL &&
	    strstr(config, "mfa_serial") == NULL &&
	    strstr(creds, "mfa_serial") == NULL &&
	    strstr(creds, "role_arn") == NULL &&
	    strstr(config, "role_arn") == NULL;
	/* The oracle's profile name must survive the parser's trimming. */
	for (i = 0; profile[i]; i++)
		if (strchr(" \t[]=#;\r\f\v", profile[i]) != NULL)
			oracle = 0;

	env.getenv = fake_getenv;
	env.mask = on_mask;
	env.session_name = "port-acm";
	env.duration_s = 3600;
	/* A huge file costs a 1 MiB read and wipe per probe: one probe
	 * and one setting show that it is refused. */
	for (i = big ? 2 : 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		out = NULL;
		why[0] = '\0';
		r = creds_probe_profile(&env, kinds[i], &out, why, sizeof(why));
		if (r == CREDS_FOUND) {
			if (out == NULL ||
			    /* creds.c's described holds 600 bytes: a long
			     * role ARN makes a long description. */
			    memchr(creds_describe(out), '\0', 600) == NULL)
				abort();
			creds_free(out);
			found++;
		} else if ((r != CREDS_SKIPPED && r != CREDS_FAILED) ||
		           why[0] == '\0' || out != NULL)
			abort();
		if (big && (r != CREDS_FAILED || strstr(why, "larger") == NULL))
			abort(); /* a huge file read in part */
		if (oracle && kinds[i] == CREDS_PROFILE_KEYS &&
		    r != CREDS_FOUND)
			abort(); /* the named profile's keys went unseen */
	}
	if (found > 1)
		abort(); /* two providers for one profile */
	for (i = big; i < 2; i++) {
		const char *key = i ? "sts_regional_endpoints" : "region";

		if (creds_profile_setting(
		        fake_getenv, key, value, sizeof(value)) == 0 &&
		    (memchr(value, '\0', sizeof(value)) == NULL ||
		        strpbrk(value, "\r\n") != NULL || big))
			abort();
	}
	free(in);
	return 0;
}
