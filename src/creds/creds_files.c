/*
 * The shared config and credentials files (aws-credentials.md §6):
 * static keys, role_arn with source_profile or credential_source, and
 * role_arn with web_identity_token_file. credential_process is refused:
 * the action's image has no programs to run.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "creds/creds_source.h"
#include "input/validate.h"
#include "input/validate_arn.h"

#define MAX_CHAIN 4 /* source_profile hops */
/* A shared file larger than this is refused, saying so: no cap on
 * entries or lines that would silently drop the rest. */
#define INI_MAX_BYTES (1024 * 1024)

struct entry {
	char *section, *key, *value; /* owned; value wiped */
	const char *file;            /* the ini's config or credentials */
};

struct ini {
	struct entry *e; /* owned, n of cap */
	size_t n, cap;
	int found; /* a file was read */
	char config[4096], credentials[4096];
};

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
ini_add(struct ini *ini, const char *file, const char *section, const char *k,
    const char *v)
{
	struct entry *grown, *e;

	if (ini->n == ini->cap) {
		grown = realloc(
		    ini->e, (ini->cap ? ini->cap * 2 : 64) * sizeof(*ini->e));
		if (grown == NULL)
			return -1;
		ini->e = grown;
		ini->cap = ini->cap ? ini->cap * 2 : 64;
	}
	e = &ini->e[ini->n];
	e->file = file;
	e->section = strdup(section);
	e->key = strdup(k);
	e->value = strdup(v);
	if (e->section == NULL || e->key == NULL || e->value == NULL) {
		free(e->section);
		free(e->key);
		free(e->value);
		return -1;
	}
	ini->n++;
	return 0;
}

/* The whole file into text, refused past INI_MAX_BYTES. 0; 1 when it
 * does not exist (or cannot be opened); -1 with why. */
static int
ini_load(const char *path, struct buf *text, char *why, size_t whylen)
{
	char chunk[4096];
	size_t n;
	int rc = 0;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		return 1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (text->len + n > INI_MAX_BYTES) {
			str_printf(why, whylen,
			    "the shared file %s is larger than %d bytes; "
			    "port-acm refuses it rather than read part of it: "
			    "trim it, or point AWS_CONFIG_FILE or "
			    "AWS_SHARED_CREDENTIALS_FILE at a smaller one",
			    path, INI_MAX_BYTES);
			rc = -1;
			break;
		}
		if (buf_append(text, chunk, n) != 0) {
			str_copy(why, whylen, "out of memory");
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(f)) {
		str_printf(
		    why, whylen, "the shared file %s could not be read", path);
		rc = -1;
	}
	memset(chunk, 0, sizeof(chunk));
	fclose(f);
	return rc;
}

/* Reads one file; in the config file "[profile x]" names profile x and
 * "[x]" (other than default) is not a profile. 0, or -1 with why. */
static int
ini_read(
    struct ini *ini, const char *path, int is_config, char *why, size_t whylen)
{
	struct buf text = {0};
	char *line, *next, *p, *eq;
	const char *section = "";
	int in_profile = 0, rc;

	if ((rc = ini_load(path, &text, why, whylen)) != 0) {
		buf_wipe(&text);
		return rc > 0 ? 0 : -1;
	}
	ini->found = 1;
	for (line = text.data; line != NULL && *line; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		p = trim(line);
		if (*p == '#' || *p == ';' || *p == '\0')
			continue;
		if (*p == '[') {
			if ((eq = strchr(p, ']')) == NULL)
				continue;
			*eq = '\0';
			p = trim(p + 1);
			in_profile = 1;
			if (is_config && strncmp(p, "profile", 7) == 0 &&
			    isspace((unsigned char)p[7]))
				p = trim(p + 7);
			else if (is_config && strcmp(p, "default") != 0)
				in_profile = 0;
			section = p;
			continue;
		}
		if (!in_profile || (eq = strchr(p, '=')) == NULL)
			continue;
		*eq = '\0';
		if (ini_add(ini, is_config ? ini->config : ini->credentials,
		        section, trim(p), trim(eq + 1)) != 0) {
			str_copy(why, whylen, "out of memory");
			buf_wipe(&text);
			return -1;
		}
	}
	buf_wipe(&text);
	return 0;
}

static void
ini_free(struct ini *ini)
{
	size_t i;

	for (i = 0; i < ini->n; i++) {
		memset(ini->e[i].value, 0, strlen(ini->e[i].value));
		free(ini->e[i].value);
		free(ini->e[i].section);
		free(ini->e[i].key);
	}
	free(ini->e);
	free(ini);
}

/* The entry for key, or NULL. The credentials file is read last and
 * wins (botocore's full_config). */
static const struct entry *
entry_of(const struct ini *ini, const char *profile, const char *key)
{
	const struct entry *e = NULL;
	size_t i;

	for (i = 0; i < ini->n; i++)
		if (strcmp(ini->e[i].section, profile) == 0 &&
		    strcmp(ini->e[i].key, key) == 0 && ini->e[i].value[0])
			e = &ini->e[i];
	return e;
}

static const char *
get(const struct ini *ini, const char *profile, const char *key)
{
	const struct entry *e = entry_of(ini, profile, key);

	return e ? e->value : NULL;
}

/* 1 when profile's role_arn is an IAM role ARN, else 0 with why naming
 * the profile and the file it is in: checked when the profile is
 * probed, before any STS call, so raw bytes never reach STS or a log. */
static int
role_arn_ok(
    const struct ini *ini, const char *profile, char *why, size_t whylen)
{
	const struct entry *e = entry_of(ini, profile, "role_arn");
	char field[4400], shown[VALIDATE_SHOW_LEN], err[5200];

	if (e == NULL)
		return 1;
	str_printf(field, sizeof(field), "profile %s's role_arn in %s",
	    validate_show(shown, profile), e->file);
	if (validate_role_arn(field, e->value, err, sizeof(err)) == 0)
		return 1;
	str_printf(why, whylen,
	    "%s. Correct it there: an IAM role ARN such as "
	    "arn:aws:iam::123456789012:role/<name>",
	    err);
	return 0;
}

static int
has_profile(const struct ini *ini, const char *profile)
{
	size_t i;

	for (i = 0; i < ini->n; i++)
		if (strcmp(ini->e[i].section, profile) == 0)
			return 1;
	return 0;
}

static void
path_of(const struct creds_env *env, const char *var, const char *def,
    char *out, size_t outlen)
{
	const char *v = creds_getenv(env, var), *home;

	if (v != NULL && v[0] == '~' && (home = creds_getenv(env, "HOME")))
		snprintf(out, outlen, "%s%s", home, v + 1);
	else if (v != NULL)
		str_copy(out, outlen, v);
	else if ((home = creds_getenv(env, "HOME")) != NULL)
		snprintf(out, outlen, "%s/.aws/%s", home, def);
	else
		out[0] = '\0';
}

/* A profile's own credentials, or what it assumes its role with. */
static enum creds_probe
static_keys(const struct ini *ini, const char *profile, struct creds **out,
    char *why, size_t whylen, const struct creds_env *env)
{
	const char *akid = get(ini, profile, "aws_access_key_id");
	const char *secret = get(ini, profile, "aws_secret_access_key");
	const char *token = get(ini, profile, "aws_security_token");
	char d[256];

	if (token == NULL)
		token = get(ini, profile, "aws_session_token");
	if (akid == NULL || secret == NULL) {
		str_printf(
		    why, whylen, "profile %s has no credentials", profile);
		return CREDS_SKIPPED;
	}
	if (env->mask != NULL) {
		env->mask(env->mask_arg, secret);
		env->mask(env->mask_arg, token);
	}
	snprintf(d, sizeof(d), "access keys of profile %s", profile);
	if ((*out = creds_new_static(akid, secret, token, d)) == NULL) {
		str_copy(why, whylen, "out of memory");
		return CREDS_FAILED;
	}
	return CREDS_FOUND;
}

/* credential_source: the base of a role profile from elsewhere. */
static enum creds_probe
credential_source(const struct creds_env *env, const char *profile,
    const char *cs, struct creds **out, char *why, size_t whylen)
{
	const char *a = creds_getenv(env, "AWS_ACCESS_KEY_ID");
	const char *s = creds_getenv(env, "AWS_SECRET_ACCESS_KEY");

	if (strcmp(cs, "EcsContainer") == 0)
		return creds_probe_container(env, out, why, whylen);
	if (strcmp(cs, "Ec2InstanceMetadata") == 0)
		return creds_probe_imds(env, out, why, whylen);
	if (strcmp(cs, "Environment") != 0) {
		str_printf(why, whylen,
		    "profile %s: credential_source %s is not one of "
		    "Environment, EcsContainer, Ec2InstanceMetadata",
		    profile, cs);
		return CREDS_FAILED;
	}
	if (a == NULL || s == NULL) {
		str_copy(why, whylen, "AWS_ACCESS_KEY_ID is not set");
		return CREDS_FAILED;
	}
	*out = creds_new_static(a, s, creds_getenv(env, "AWS_SESSION_TOKEN"),
	    "access keys from the environment");
	return *out ? CREDS_FOUND : CREDS_FAILED;
}

/* Problems that make a profile unusable whatever else it says. */
static int
unusable(const struct ini *ini, const char *profile, char *why, size_t whylen)
{
	if (!has_profile(ini, profile))
		str_printf(
		    why, whylen, "profile %s is in neither file", profile);
	else if (get(ini, profile, "credential_process") != NULL)
		str_printf(why, whylen,
		    "profile %s uses credential_process, which port-acm "
		    "refuses: its image has no programs to run. Use "
		    "role_to_assume (GitHub OIDC) or access keys instead",
		    profile);
	else if (get(ini, profile, "sso_start_url") != NULL ||
	         get(ini, profile, "sso_session") != NULL)
		str_printf(why, whylen,
		    "profile %s uses AWS SSO, which needs a browser; use "
		    "role_to_assume (GitHub OIDC) instead",
		    profile);
	else if (get(ini, profile, "role_arn") &&
	         get(ini, profile, "mfa_serial") != NULL)
		/* Else STS refuses with an AccessDenied that hides why. */
		str_printf(why, whylen,
		    "profile %s sets mfa_serial: assuming its role needs a "
		    "one-time MFA code, which a workflow cannot type. Use "
		    "role_to_assume (GitHub OIDC) or a role whose trust policy "
		    "does not ask for MFA, and drop mfa_serial",
		    profile);
	else if (get(ini, profile, "role_arn") &&
	         get(ini, profile, "source_profile") &&
	         get(ini, profile, "credential_source"))
		str_printf(why, whylen,
		    "profile %s has both source_profile and "
		    "credential_source; keep one",
		    profile);
	else
		return 0;
	return 1;
}

/* Follows role_arn/source_profile hops down to the profile that has the
 * base credentials, then wraps them in one AssumeRole per hop, outward
 * (botocore's AssumeRoleProvider, without recursion). */
static enum creds_probe
resolve(const struct creds_env *env, const struct ini *ini, const char *profile,
    struct creds **out, char *why, size_t whylen)
{
	const char *hops[MAX_CHAIN], *p = profile, *role, *src, *cs;
	struct creds *base = NULL, *c;
	enum creds_probe r;
	char sub[768];
	size_t n = 0, i;

	for (;;) {
		if (unusable(ini, p, why, whylen) ||
		    !role_arn_ok(ini, p, why, whylen))
			return CREDS_FAILED;
		role = get(ini, p, "role_arn");
		if (role == NULL) {
			r = static_keys(ini, p, &base, sub, sizeof(sub), env);
			break;
		}
		if (get(ini, p, "web_identity_token_file") != NULL) {
			r = creds_probe_web_identity_file(env, role,
			    get(ini, p, "web_identity_token_file"),
			    get(ini, p, "role_session_name"), &base, sub,
			    sizeof(sub));
			break;
		}
		if (n == MAX_CHAIN) {
			str_printf(why, whylen,
			    "profile %s: source_profile chain too long or "
			    "circular",
			    profile);
			return CREDS_FAILED;
		}
		hops[n++] = p;
		src = get(ini, p, "source_profile");
		cs = get(ini, p, "credential_source");
		if (src != NULL && strcmp(src, p) == 0) {
			/* A role profile may take its own keys. */
			r = static_keys(ini, p, &base, sub, sizeof(sub), env);
			break;
		}
		if (src != NULL) {
			p = src;
			continue;
		}
		if (cs != NULL) {
			r = credential_source(
			    env, p, cs, &base, sub, sizeof(sub));
			break;
		}
		str_printf(why, whylen,
		    "profile %s has role_arn but neither source_profile nor "
		    "credential_source",
		    p);
		return CREDS_FAILED;
	}
	if (r != CREDS_FOUND) {
		if (n == 0) {
			str_copy(why, whylen, sub);
			return r;
		}
		str_printf(why, whylen, "profile %s: its base credentials: %s",
		    profile, sub);
		return CREDS_FAILED;
	}
	for (i = n; i-- > 0; base = c) {
		const char *dur = get(ini, hops[i], "duration_seconds");
		const char *session = get(ini, hops[i], "role_session_name");

		c = creds_new_assume_role(base, env,
		    get(ini, hops[i], "role_arn"),
		    session ? session : env->session_name,
		    dur ? (unsigned)strtoul(dur, NULL, 10) : env->duration_s,
		    get(ini, hops[i], "external_id"));
		if (c == NULL) {
			creds_free(base);
			str_copy(why, whylen, "out of memory");
			return CREDS_FAILED;
		}
		creds_own(c, base);
	}
	*out = base;
	return CREDS_FOUND;
}

/* Which of botocore's providers a profile belongs to: role_arn with
 * web_identity_token_file is the web identity provider's, role_arn
 * otherwise the assume-role provider's, the rest (keys, and the
 * refusals) the shared files'. */
static enum creds_profile_kind
kind_of(const struct ini *ini, const char *profile)
{
	if (get(ini, profile, "role_arn") == NULL)
		return CREDS_PROFILE_KEYS;
	if (get(ini, profile, "web_identity_token_file") != NULL)
		return CREDS_PROFILE_WEB;
	return CREDS_PROFILE_ROLE;
}

enum creds_probe
creds_probe_profile(const struct creds_env *env, enum creds_profile_kind kind,
    struct creds **out, char *why, size_t whylen)
{
	const char *named = creds_getenv(env, "AWS_DEFAULT_PROFILE");
	const char *profile;
	struct ini *ini;
	enum creds_probe r;

	if (named == NULL)
		named = creds_getenv(env, "AWS_PROFILE");
	profile = named ? named : "default";
	if ((ini = calloc(1, sizeof(*ini))) == NULL) {
		str_copy(why, whylen, "out of memory");
		return CREDS_FAILED;
	}
	path_of(
	    env, "AWS_CONFIG_FILE", "config", ini->config, sizeof(ini->config));
	path_of(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials",
	    ini->credentials, sizeof(ini->credentials));
	if ((ini->config[0] &&
	        ini_read(ini, ini->config, 1, why, whylen) != 0) ||
	    (ini->credentials[0] &&
	        ini_read(ini, ini->credentials, 0, why, whylen) != 0))
		r = CREDS_FAILED;
	else if (!ini->found) {
		str_printf(why, whylen,
		    "no shared config or credentials file "
		    "(%s, %s)",
		    ini->config, ini->credentials);
		r = named && kind == CREDS_PROFILE_KEYS ? CREDS_FAILED
		                                        : CREDS_SKIPPED;
	} else if (!named && !has_profile(ini, profile)) {
		str_copy(why, whylen,
		    "no [default] profile in the shared "
		    "files");
		r = CREDS_SKIPPED;
	} else if (kind_of(ini, profile) != kind) {
		str_printf(why, whylen, "profile %s %s", profile,
		    kind == CREDS_PROFILE_ROLE
		        ? "has no role_arn to assume with source_profile or "
		          "credential_source"
		    : kind == CREDS_PROFILE_WEB
		        ? "has no role_arn with web_identity_token_file"
		        : "assumes a role (above)");
		r = CREDS_SKIPPED;
	} else
		r = resolve(env, ini, profile, out, why, whylen);
	ini_free(ini);
	return r;
}

/* Loads the shared files for env; NULL (none read) or the ini. */
static struct ini *
ini_for(const struct creds_env *env)
{
	struct ini *ini;
	char why[512];

	if ((ini = calloc(1, sizeof(*ini))) == NULL)
		return NULL;
	path_of(
	    env, "AWS_CONFIG_FILE", "config", ini->config, sizeof(ini->config));
	path_of(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials",
	    ini->credentials, sizeof(ini->credentials));
	if ((ini->config[0] &&
	        ini_read(ini, ini->config, 1, why, sizeof(why)) != 0) ||
	    (ini->credentials[0] &&
	        ini_read(ini, ini->credentials, 0, why, sizeof(why)) != 0) ||
	    !ini->found) {
		ini_free(ini);
		return NULL;
	}
	return ini;
}

static int
profile_setting(
    const struct creds_env *env, const char *key, char *out, size_t outlen)
{
	const char *profile = creds_getenv(env, "AWS_DEFAULT_PROFILE"), *v;
	struct ini *ini;
	int rc = -1;

	if (profile == NULL)
		profile = creds_getenv(env, "AWS_PROFILE");
	if (profile == NULL)
		profile = "default";
	if ((ini = ini_for(env)) == NULL)
		return -1;
	if ((v = get(ini, profile, key)) != NULL && strlen(v) < outlen &&
	    strpbrk(v, "\r\n") == NULL) {
		str_copy(out, outlen, v);
		rc = 0;
	}
	ini_free(ini);
	return rc;
}

int
creds_profile_setting(const char *(*getenv_fn)(const char *), const char *key,
    char *out, size_t outlen)
{
	struct creds_env env = {0};

	env.getenv = getenv_fn;
	return profile_setting(&env, key, out, outlen);
}
