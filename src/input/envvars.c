#include "input/envvars.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/dns.h"
#include "input/validate.h"

void
envvars_github(struct config *c, envvars_getenv_fn getenv_fn)
{
	const char *s = config_nonempty(getenv_fn("GITHUB_ACTIONS"));
	const char *srv = config_nonempty(getenv_fn("GITHUB_SERVER_URL"));
	const char *repo = config_nonempty(getenv_fn("GITHUB_REPOSITORY"));
	const char *run = config_nonempty(getenv_fn("GITHUB_RUN_ID"));
	const char *att = config_nonempty(getenv_fn("GITHUB_RUN_ATTEMPT"));
	char err[1024];

	c->github_actions = s && strcmp(s, "true") == 0;
	if (att && strspn(att, "0123456789") != strlen(att))
		att = NULL;
	if (run && strspn(run, "0123456789") == strlen(run) &&
	    strlen(run) < sizeof(c->github_run_id))
		strcpy(c->github_run_id, run);
	if (srv && repo && c->github_run_id[0] &&
	    validate_base_url("GITHUB_SERVER_URL", srv, err, sizeof(err)) ==
	        0 &&
	    strspn(repo, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	                 "qrstuvwxyz0123456789-_./") == strlen(repo))
		snprintf(c->github_run_url, sizeof(c->github_run_url),
		    "%s/%s/actions/runs/%s%s%s", srv, repo, c->github_run_id,
		    att ? "/attempts/" : "", att ? att : "");
}

int
envvars_tls(struct config *c, envvars_getenv_fn getenv_fn, struct buf *msg)
{
	const char *s = config_nonempty(getenv_fn("SSL_CERT_FILE"));

	if (s && config_copy(c->ca_file, sizeof(c->ca_file), s, "SSL_CERT_FILE",
	             msg) != 0)
		return CONFIG_ERROR;
	return CONFIG_OK;
}

static int envvars_dns(
    struct config *c, envvars_getenv_fn getenv_fn, struct buf *msg);

int
envvars_timeouts(struct config *c, envvars_getenv_fn getenv_fn, struct buf *msg)
{
	long conn_s = 0, req_s = 0;

	/* Seconds into locals: on an error the fields stay 0 (the
	 * defaults), never a number of seconds read as milliseconds by
	 * the Port client that reports the error. */
	if (config_number(
	        config_nonempty(getenv_fn("PORT_ACM_CONNECT_TIMEOUT_SECONDS")),
	        10, 1, 300, "PORT_ACM_CONNECT_TIMEOUT_SECONDS", &conn_s,
	        msg) != 0 ||
	    config_number(
	        config_nonempty(getenv_fn("PORT_ACM_REQUEST_TIMEOUT_SECONDS")),
	        30, 1, 600, "PORT_ACM_REQUEST_TIMEOUT_SECONDS", &req_s,
	        msg) != 0 ||
	    config_number(
	        config_nonempty(getenv_fn("PORT_ACM_POLL_INTERVAL_MS")), 5000,
	        1, 600000, "PORT_ACM_POLL_INTERVAL_MS", &c->poll_interval_ms,
	        msg) != 0)
		return CONFIG_ERROR;
	c->connect_timeout_ms = conn_s * 1000;
	c->request_timeout_ms = req_s * 1000;
	return envvars_dns(c, getenv_fn, msg);
}

/* PORT_ACM_DNS_SERVER: checked here, so a typo is refused before any
 * AWS call rather than at the end of a validation wait. */
static int
envvars_dns(struct config *c, envvars_getenv_fn getenv_fn, struct buf *msg)
{
	const char *v = config_nonempty(getenv_fn("PORT_ACM_DNS_SERVER"));
	char why[160];

	c->dns_server[0] = '\0';
	if (v == NULL)
		return CONFIG_OK;
	if (strlen(v) >= sizeof(c->dns_server) ||
	    dns_server_check(v, why, sizeof(why)) != 0) {
		if (strlen(v) >= sizeof(c->dns_server))
			snprintf(why, sizeof(why), "it is too long");
		buf_printf(msg,
		    "PORT_ACM_DNS_SERVER is refused: %s (example: "
		    "PORT_ACM_DNS_SERVER=192.0.2.53:53)",
		    why);
		return CONFIG_ERROR;
	}
	snprintf(c->dns_server, sizeof(c->dns_server), "%s", v);
	return CONFIG_OK;
}

/* A custom endpoint from the first of the two variables that is set,
 * checked like botocore's: trailing '/' dropped, https unless loopback,
 * not together with FIPS or dual-stack (the rule sets refuse both).
 * 0 with *found 0 when neither is set. */
static int
custom_endpoint(struct config *c, envvars_getenv_fn getenv_fn, const char *name,
    char *dst, size_t dstlen, int *found, struct buf *msg)
{
	const char *s = config_nonempty(getenv_fn("AWS_IGNORE_CONFIGURED_"
	                                          "ENDPOINT_URLS"));
	char err[1024];
	size_t len;

	*found = 0;
	if (s != NULL && strcasecmp(s, "true") == 0)
		return CONFIG_OK;
	if ((s = config_nonempty(getenv_fn(name))) == NULL) {
		name = "AWS_ENDPOINT_URL";
		s = config_nonempty(getenv_fn(name));
	}
	if (s == NULL)
		return CONFIG_OK;
	if (config_copy(dst, dstlen, s, name, msg) != 0)
		return CONFIG_ERROR;
	/* botocore accepts "http://localhost:4566/". */
	len = strlen(dst);
	while (len > 0 && dst[len - 1] == '/')
		dst[--len] = '\0';
	if (validate_base_url(name, dst, err, sizeof(err)) != 0)
		return config_fail(msg, "%s", err);
	if (config_require_tls(name, dst, msg) != 0)
		return CONFIG_ERROR;
	*found = 1;
	if (c->use_fips || c->use_dualstack)
		return config_fail(msg,
		    "%s cannot be combined with %s=true: a custom endpoint is "
		    "used as it is",
		    name,
		    c->use_fips ? "AWS_USE_FIPS_ENDPOINT"
		                : "AWS_USE_DUALSTACK_ENDPOINT");
	return CONFIG_OK;
}

int
envvars_aws(struct config *c, envvars_getenv_fn getenv_fn,
    config_endpoint_fn endpoint_fn, struct buf *msg)
{
	const char *s;
	char sr[64];
	int rc;

	if (config_env_bool(config_nonempty(getenv_fn("AWS_USE_FIPS_ENDPOINT")),
	        "AWS_USE_FIPS_ENDPOINT", &c->use_fips, msg) != 0 ||
	    config_env_bool(
	        config_nonempty(getenv_fn("AWS_USE_DUALSTACK_ENDPOINT")),
	        "AWS_USE_DUALSTACK_ENDPOINT", &c->use_dualstack, msg) != 0)
		return CONFIG_ERROR;
	if ((rc = custom_endpoint(c, getenv_fn, "AWS_ENDPOINT_URL_ACM",
	         c->endpoint, sizeof(c->endpoint), &c->endpoint_custom, msg)) !=
	    CONFIG_OK)
		return rc;
	if (!c->endpoint_custom && endpoint_fn != NULL &&
	    endpoint_fn("acm", c->region, c->use_fips, c->use_dualstack,
	        c->endpoint, sizeof(c->endpoint), sr, sizeof(sr)) != 0)
		return config_fail(
		    msg, "no ACM endpoint for region %s", c->region);

	c->access_key_id =
	    config_secret(config_nonempty(getenv_fn("AWS_ACCESS_KEY_ID")));
	c->secret_access_key =
	    config_secret(config_nonempty(getenv_fn("AWS_SECRET_ACCESS_KEY")));
	s = config_nonempty(getenv_fn("AWS_SESSION_TOKEN"));
	if (s == NULL)
		s = config_nonempty(getenv_fn("AWS_SECURITY_TOKEN"));
	c->session_token = config_secret(s);
	/* Keys are optional here: creds_chain (creds_chain.c) finds the
	 * credentials and says what it tried when there are none. */
	return CONFIG_OK;
}

int
envvars_aws_tail(struct config *c, envvars_getenv_fn getenv_fn, struct buf *msg)
{
	const char *s = config_nonempty(getenv_fn("AWS_CA_BUNDLE"));
	long n = 0;

	if (config_copy(c->aws_ca_file, sizeof(c->aws_ca_file),
	        s ? s : c->ca_file, "AWS_CA_BUNDLE", msg) != 0)
		return CONFIG_ERROR;
	c->aws_ca_setting = s ? "AWS_CA_BUNDLE" : "SSL_CERT_FILE";
	if (config_number(config_nonempty(getenv_fn("AWS_MAX_ATTEMPTS")), 0, 1,
	        10, "AWS_MAX_ATTEMPTS", &n, msg) != 0)
		return CONFIG_ERROR;
	c->max_attempts = (unsigned)n;
	return CONFIG_OK;
}

int
envvars_route53(struct config *c, envvars_getenv_fn getenv_fn, struct buf *msg)
{
	int found;

	if (!c->need_route53 && !c->sync_route53)
		return CONFIG_OK;
	/* botocore's names: the service id "Route 53" gives
	 * AWS_ENDPOINT_URL_ROUTE_53, then the global AWS_ENDPOINT_URL. */
	return custom_endpoint(c, getenv_fn, "AWS_ENDPOINT_URL_ROUTE_53",
	    c->r53_endpoint, sizeof(c->r53_endpoint), &found, msg);
}

int
envvars_organizations(
    struct config *c, envvars_getenv_fn getenv_fn, struct buf *msg)
{
	int found;

	if (!c->accounts_org)
		return CONFIG_OK;
	return custom_endpoint(c, getenv_fn, "AWS_ENDPOINT_URL_ORGANIZATIONS",
	    c->org_endpoint, sizeof(c->org_endpoint), &found, msg);
}

int
envvars_account(struct config *c, envvars_getenv_fn getenv_fn, struct buf *msg)
{
	int found;

	if (!c->regions_all)
		return CONFIG_OK;
	/* botocore's service id "Account". */
	return custom_endpoint(c, getenv_fn, "AWS_ENDPOINT_URL_ACCOUNT",
	    c->account_endpoint, sizeof(c->account_endpoint), &found, msg);
}

int
envvars_tagging(struct config *c, envvars_getenv_fn getenv_fn, struct buf *msg)
{
	int found;

	if (c->op != OP_SYNC)
		return CONFIG_OK;
	/* botocore's service id "Resource Groups Tagging API". */
	return custom_endpoint(c, getenv_fn,
	    "AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API", c->tagging_endpoint,
	    sizeof(c->tagging_endpoint), &found, msg);
}

int
envvars_deadline(struct config *c, envvars_getenv_fn getenv_fn, struct buf *msg)
{
	/* The whole run's limit, so a job never hangs: the work asked
	 * for plus room for reporting. */
	c->deadline_ms = 10L * 60 * 1000;
	if (c->op == OP_REQUEST && c->wait_for_issuance)
		c->deadline_ms += (long)c->timeout_minutes * 60 * 1000;
	if (c->op == OP_DELETE)
		c->deadline_ms += (long)c->delete_wait_minutes * 60 * 1000;
	if (c->op == OP_SYNC) /* ~2,500 DescribeCertificate per region */
		c->deadline_ms = (c->include_details ? 120L : 60L) * 60 * 1000;
	if (config_nonempty(getenv_fn("PORT_ACM_DEADLINE_SECONDS"))) {
		if (config_number(getenv_fn("PORT_ACM_DEADLINE_SECONDS"), 0, 1,
		        86400, "PORT_ACM_DEADLINE_SECONDS", &c->deadline_ms,
		        msg) != 0)
			return CONFIG_ERROR;
		c->deadline_ms *= 1000;
	}
	return CONFIG_OK;
}
