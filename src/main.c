/*
 * port-acm: request, renew, delete and sync ACM certificates for Port
 * self-service runs. main wires the modules together in one direction:
 * inputs -> validated config -> operation -> AWS (ACM, STS, Route 53)
 * -> report. main() only dispatches; each step is a function below.
 */
#include <curl/curl.h>
#include <psa/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>

#include "aws/acm.h"
#include "aws/route53.h"
#include "base/cancel.h"
#include "base/gha.h"
#include "base/http.h"
#include "base/version.h"
#include "creds/creds.h"
#include "creds/creds_chain.h"
#include "input/config.h"
#include "input/inputs.h"
#include "ops/ops.h"
#include "port/port.h"
#include "port/report.h"

enum {
	EXIT_DONE = 0,
	EXIT_ACM_FAILED = 1,
	EXIT_BAD_INPUT = 2,
	EXIT_PORT_FAILED = 3,
};

static const char *
env(const char *name)
{
	return getenv(name);
}

/* The profile's region (shared config), read as the SDKs read it when
 * neither AWS_REGION nor AWS_DEFAULT_REGION is set; "" = none. */
static char profile_region[64];

/* env, with the profile's region behind AWS_DEFAULT_REGION: the inputs
 * take aws_region, then AWS_REGION, then AWS_DEFAULT_REGION, then the
 * profile's region. */
static const char *
env_inputs(const char *name)
{
	const char *v = getenv(name);

	if ((v == NULL || v[0] == '\0') &&
	    strcmp(name, "AWS_DEFAULT_REGION") == 0 && profile_region[0])
		return profile_region;
	return v;
}

static void
mask_token(void *arg, const char *token)
{
	gha_mask(arg, token);
}

/* Secrets are masked before anything could print them. */
static void
mask_secrets(struct gha *g)
{
	static const char *const names[] = {"AWS_SECRET_ACCESS_KEY",
	    "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "PORT_CLIENT_SECRET",
	    "INPUT_PORT_CLIENT_SECRET"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		gha_mask(g, getenv(names[i])); /* NULL and "" are no-ops */
}

static void
output(struct gha *g, const char *name, const char *value)
{
	char err[512];

	if (gha_set_output(g, name, value, err, sizeof(err)) != 0)
		gha_echo(stderr, "port-acm: warning: %s\n", err);
}

/* The result always reaches stdout and the outputs, Port or not: the
 * same name=value pairs in both, so neither can miss one. */
static void
publish(
    struct gha *g, const struct config *c, const struct op_result *res, int ok)
{
	const char *const outs[][2] = {
	    {"certificate_arn", res->arn},
	    {"certificate_status", res->status},
	    {"domain_name", res->domain},
	    {"region", c->region},
	    {"run_id", c->run_id},
	    {"validation_records",
	        res->records_json.len ? buf_str(&res->records_json) : "[]"},
	    /* last: only with a Route 53 client (dns_validation: route53,
	     * delete_validation_records) */
	    {"dns_validation",
	        res->dns_json.len ? buf_str(&res->dns_json) : "{}"},
	};
	/* sync: its own outputs (sync_report and the counts) replace the
	 * certificate's. */
	size_t i, n = res->outputs      ? 0
	              : c->need_route53 ? sizeof(outs) / sizeof(outs[0])
	                                : sizeof(outs) / sizeof(outs[0]) - 1;
	const cJSON *o;
	char err[512];

	cJSON_ArrayForEach(o, res->outputs)
	{
		output(g, o->string, o->valuestring);
	}
	for (i = 0; i < n; i++)
		output(g, outs[i][0], outs[i][1]);
	if (res->step_summary.len &&
	    gha_summary_append(
	        g, buf_str(&res->step_summary), err, sizeof(err)) != 0)
		gha_echo(stderr, "port-acm: warning: %s\n", err);
	gha_echo(stdout, "%s %s\n",
	    ok ? "done:" : "failed:", buf_str(&res->summary));
	cJSON_ArrayForEach(o, res->outputs)
	{
		gha_echo(stdout, "%s=%s\n", o->string, o->valuestring);
	}
	for (i = 0; i < n; i++)
		gha_echo(stdout, "%s=%s\n", outs[i][0], outs[i][1]);
	if (!res->outputs && res->console_url[0])
		gha_echo(stdout, "console=%s\n", res->console_url);
}

/* A Port client whose every new token is masked before use. Caller
 * frees with port_free; NULL on out of memory. */
static struct port *
port_open(const struct config *c, struct http *http, struct gha *g)
{
	struct port *p;

	p = port_new(http,
	    &(struct port_config){c->port_base_url, c->port_client_id,
	        c->port_client_secret, c->ca_file[0] ? c->ca_file : NULL, 0});
	if (p != NULL)
		port_on_token(p, mask_token, g);
	return p;
}

/* The Route 53 client for dns_validation: the partition's global
 * endpoint and signing region (aws_endpoint), or AWS_ENDPOINT_URL_ROUTE_53
 * / AWS_ENDPOINT_URL signed for that region too. With dns_role_arn its
 * calls are signed by that role (assumed from the base credentials);
 * ACM keeps the base ones. *dns_creds is set when a role was made. */
static struct route53 *
route53_open(const struct config *c, struct http *http, struct creds *base,
    struct creds_env *cenv, struct creds **dns_creds, char *why, size_t whylen)
{
	char url[2048], region[64];
	struct creds *use = base;

	*dns_creds = NULL;
	if (aws_endpoint("route53", c->region, c->use_fips, c->use_dualstack,
	        url, sizeof(url), region, sizeof(region)) != 0) {
		str_copy(why, whylen, url);
		return NULL;
	}
	if (c->r53_endpoint[0])
		str_copy(url, sizeof(url), c->r53_endpoint);
	if (c->dns_role_arn[0]) {
		*dns_creds = creds_new_assume_role(
		    base, cenv, c->dns_role_arn, "port-acm-dns", 0, NULL);
		if (*dns_creds == NULL) {
			str_copy(why, whylen, "out of memory");
			return NULL;
		}
		/* Masked before their first use, like every secret. */
		creds_set_mask(*dns_creds, cenv->mask, cenv->mask_arg);
		use = *dns_creds;
	}
	return route53_new(http,
	    &(struct route53_config){url, region, creds_provider(use),
	        c->aws_ca_file[0] ? c->aws_ca_file : NULL, c->aws_ca_setting,
	        c->max_attempts, cenv->clock},
	    why, whylen);
}

/* Stops before anything changed in AWS: says why, and ends the Port run
 * when we know it, labelled label. Returns rc. */
static int
stop_early(struct gha *g, struct config *c, struct http *http, const char *why,
    long long deadline, int rc, const char *title, const char *label)
{
	struct port_error err;
	struct port *port = NULL;
	struct report rep;
	struct buf summary = {0};
	const char *link = c->github_run_url;

	gha_echo(stderr, "port-acm: %s\n", why);
	gha_annotate(g, GHA_ERROR, title, why);
	if (c->port_enabled && http) {
		/* The reserve kept back from whatever failed is for this. */
		http_set_deadline(http, deadline);
		port = port_open(c, http, g);
		if (port && port_authenticate(port, &err) == 0) {
			report_init(&rep, g, port, c->run_id, stderr);
			buf_printf(
			    &summary, "Nothing was changed in AWS: %s", why);
			if (report_check_run(&rep, c->github_run_id[0]
			                               ? c->github_run_id
			                               : NULL) != 0) {
				gha_echo(stderr, "port-acm: warning: %s\n",
				    rep.port_error);
			} else {
				port_log(
				    port, c->run_id, buf_str(&summary), &err);
				if (report_finish(&rep, 0, label,
				        buf_str(&summary), &link,
				        link[0] ? 1 : 0) < 0)
					gha_echo(stderr,
					    "port-acm: warning: could not end "
					    "the Port run: %s\n",
					    rep.port_error);
			}
		} else if (port)
			gha_echo(stderr,
			    "port-acm: warning: could not report to Port: %s\n",
			    err.message);
	}
	port_free(port);
	buf_free(&summary);
	return rc;
}

/* Bad input: say it, and end the Port run when we know it. */
static int
refuse(struct gha *g, struct config *c, struct http *http, const char *why,
    long long deadline)
{
	return stop_early(g, c, http, why, deadline, EXIT_BAD_INPUT,
	    "port-acm: bad input", "Invalid input");
}

/* First thing: as a container's PID 1, a signal without a handler is
 * ignored, and the runner's cancel would leave the run open; and the
 * process holds secrets, so no core file may carry them away. */
static void
harden(void)
{
	if (cancel_install() != 0)
		fprintf(stderr, "port-acm: warning: cannot handle SIGINT and "
		                "SIGTERM; a cancelled job will not report\n");
	setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0});
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* The run's one HTTP client. The work stops early enough to leave time
 * to tell Port how it ended (a run must never be left IN_PROGRESS by our
 * deadline): *deadline is the end, the work's is *reserve before it.
 * After a config error (valid = 0) its numbers may be half-parsed
 * (seconds not yet milliseconds): the refusal uses the defaults and the
 * whole time. The client borrows its User-Agent: a literal, never a
 * local. NULL on out of memory. */
static struct http *
http_open(struct config *c, int valid, long long *deadline, long long *reserve)
{
	struct http *http;
	long long limit;

	if (!valid)
		c->deadline_ms = c->connect_timeout_ms = c->request_timeout_ms =
		    0;
	limit = c->deadline_ms ? c->deadline_ms : 600000;
	*reserve = limit / 3 < 1000    ? 1000
	           : limit / 3 > 15000 ? 15000
	                               : limit / 3;
	*deadline = http_now_ms() + limit;
	http = http_new(&(struct http_options){
	    c->connect_timeout_ms ? c->connect_timeout_ms : 10000,
	    c->request_timeout_ms ? c->request_timeout_ms : 30000,
	    *deadline - *reserve, "port-acm/" PORT_ACM_VERSION});
	if (http && !valid)
		http_set_deadline(http, *deadline);
	return http;
}

/* The Port login, before AWS. EXIT_DONE, or the exit code after saying
 * why: a refused login (our credentials, our CA) is 2, Port down 3. */
static int
login(struct gha *g, struct port *port)
{
	struct port_error perr;
	int rc;

	if (port_authenticate(port, &perr) == 0)
		return EXIT_DONE;
	if (cancel_requested()) {
		fprintf(stderr, "port-acm: cancelled during the Port login. "
		                "Nothing was changed in AWS.\n");
		return 128 + cancel_signal();
	}
	rc = port_error_is_local(&perr) ? EXIT_BAD_INPUT : EXIT_PORT_FAILED;
	gha_echo(stderr, "port-acm: %s. Nothing was changed in AWS%s.\n",
	    perr.message,
	    rc == EXIT_PORT_FAILED ? "; run the action again once Port answers"
	                           : "");
	gha_annotate(g, GHA_ERROR, "port-acm: Port login failed", perr.message);
	return rc;
}

/* The run must exist and be open before AWS changes: a wrong run id, or
 * a run that has ended (a re-run job), is a Port misconfiguration too.
 * EXIT_DONE, or the exit code after saying why. */
static int
check_run(struct gha *g, struct report *rep, const struct config *c)
{
	if (report_check_run(
	        rep, c->github_run_id[0] ? c->github_run_id : NULL) == 0 ||
	    cancel_requested())
		return EXIT_DONE;
	gha_echo(stderr, "port-acm: %s. Nothing was changed in AWS.\n",
	    rep->port_error);
	gha_annotate(g, GHA_ERROR,
	    rep->port_status == 404   ? "port-acm: unknown Port run"
	    : rep->port_status == 422 ? "port-acm: Port run ended"
	                              : "port-acm: Port unreachable",
	    rep->port_error);
	return rep->port_status == 404 || rep->port_status == 422
	           ? EXIT_BAD_INPUT
	           : EXIT_PORT_FAILED;
}

/* The run's first line: what is about to happen, where. tmp is scratch. */
static void
announce(struct report *rep, const struct config *c, struct buf *tmp)
{
	size_t i;

	if (c->op == OP_SYNC) {
		buf_reset(tmp);
		for (i = 0; i < c->nregions; i++)
			buf_printf(tmp, "%s%s", i ? ", " : "", c->regions[i]);
		report_log(rep,
		    "port-acm %s: sync the ACM certificates of %s into "
		    "blueprint %s%s%s",
		    PORT_ACM_VERSION, buf_str(tmp), c->blueprint,
		    c->dry_run ? " (dry run: nothing is written to Port)" : "",
		    c->delete_stale ? ", deleting stale entities" : "");
	} else if (c->op == OP_REQUEST)
		report_log(rep,
		    "port-acm %s: request a %s certificate for %s%s in %s%s",
		    PORT_ACM_VERSION,
		    c->pca_arn[0] ? "private (AWS Private CA)"
		    : strcmp(c->validation_method, "DNS") == 0
		        ? "DNS-validated"
		        : "email-validated",
		    c->domain_name, c->nsans ? " and more names" : "",
		    c->region,
		    c->idempotency_token[0] ? " (idempotent: a re-run returns "
		                              "the same certificate)"
		                            : "");
	else
		report_log(rep, "port-acm %s: %s certificate %s in %s",
		    PORT_ACM_VERSION, config_op_name(c->op), c->certificate_arn,
		    c->region);
}

/* The operation, and its exit code: a local mistake is fixed by the
 * user, not by waiting for AWS; a cancel is 128 + signal whatever the
 * operation made of it, with what AWS did before it in the summary. */
static int
run_operation(struct op_env *op, struct op_result *res)
{
	const struct config *c = op->cfg;
	int rc;

	if (cancel_requested())
		rc = EXIT_ACM_FAILED; /* nothing started */
	else
		rc = c->op == OP_REQUEST ? op_request(op, res)
		     : c->op == OP_RENEW ? op_renew(op, res)
		     : c->op == OP_SYNC  ? op_sync(op, res)
		                         : op_delete(op, res);
	rc = rc == 0      ? EXIT_DONE
	     : res->local ? EXIT_BAD_INPUT
	                  : EXIT_ACM_FAILED;
	if (cancel_requested()) {
		op_cancelled(c, res, cancel_signal());
		rc = 128 + cancel_signal();
		report_log(op->report, "%s", buf_str(&res->summary));
	}
	return rc;
}

/* Ends the Port run with the result (always last) and returns the exit
 * code: a success Port never heard of is 3. */
static int
finish(struct gha *g, const struct config *c, struct report *rep,
    const struct op_result *res, const char **links, size_t nlinks, int rc)
{
	if (report_finish(rep, rc == EXIT_DONE,
	        res->label[0] ? res->label : NULL, buf_str(&res->summary),
	        links, nlinks) >= 0)
		return rc;
	if (rc > 128) {
		gha_echo(stderr,
		    "port-acm: cancelled, and the Port run could not be "
		    "ended: %s\n",
		    rep->port_error);
		return rc;
	}
	gha_echo(stderr,
	    "port-acm: the ACM %s %s, but the Port run could not be "
	    "updated: %s\n",
	    config_op_name(c->op), rc == EXIT_DONE ? "succeeded" : "failed",
	    rep->port_error);
	gha_annotate(
	    g, GHA_ERROR, "port-acm: Port not updated", rep->port_error);
	return rc == EXIT_DONE ? EXIT_PORT_FAILED : rc;
}

int
main(int argc, char **argv)
{
	struct config *c = NULL;
	struct gha g;
	struct buf msg = {0}, summary_fail = {0};
	struct http *http = NULL;
	struct port *port = NULL;
	struct acm *acm = NULL;
	struct clock clock = {0};
	struct creds_env cenv;
	struct creds *creds = NULL, *dns_creds = NULL;
	struct route53 *r53 = NULL;
	char why[512], sts_mode[32];
	struct report rep;
	struct op_result res = {0};
	struct op_env op;
	const char *links[2];
	size_t nlinks = 0;
	int rc = EXIT_BAD_INPUT, cr, down = 0;
	long long deadline, reserve;

	harden();
	gha_init(&g, stdout, env);
	mask_secrets(&g);
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    curl_global_init(CURL_GLOBAL_DEFAULT) != 0 ||
	    psa_crypto_init() != PSA_SUCCESS) {
		gha_echo(stderr, "port-acm: could not initialise\n");
		free(c);
		return EXIT_BAD_INPUT;
	}
	if (creds_profile_setting(
	        env, "region", profile_region, sizeof(profile_region)) != 0)
		profile_region[0] = '\0';
	cr = inputs_load(c, argc, argv, env_inputs, aws_endpoint, &msg);
	if (cr == CONFIG_HELP || cr == CONFIG_VERSION) {
		if (cr == CONFIG_HELP)
			fputs(inputs_usage(), stdout);
		else
			version_print(stdout);
		rc = EXIT_DONE;
		goto out;
	}
	http = http_open(c, cr == CONFIG_OK, &deadline, &reserve);
	if (cr != CONFIG_OK) {
		rc = refuse(&g, c, http, buf_str(&msg), deadline);
		goto out;
	}
	if (http == NULL) {
		gha_echo(stderr, "port-acm: could not initialise curl\n");
		goto out;
	}

	if (c->port_enabled) {
		if ((port = port_open(c, http, &g)) == NULL)
			goto out;
		/* Before AWS: a Port misconfiguration must never leave an
		 * unreported change behind. */
		if ((rc = login(&g, port)) != EXIT_DONE)
			goto out;
	} else {
		gha_echo(stderr,
		    "port-acm: not reporting to Port (%s); running as a plain "
		    "ACM tool\n",
		    !c->run_id[0] ? "no run id in port_context or run_id"
		                  : "no Port client ID and secret");
	}

	/* Credentials before anything changes in AWS (and before the run's
	 * first log line): none is bad input, said once. */
	cenv = (struct creds_env){http, &clock, env, mask_token, &g, c->region,
	    c->use_fips, c->use_dualstack,
	    c->aws_ca_file[0] ? c->aws_ca_file : NULL, c->aws_ca_setting,
	    c->ca_file[0] ? c->ca_file : NULL, c->max_attempts,
	    c->role_to_assume, c->role_session_name, c->role_duration_s,
	    c->role_external_id, c->audience, c->role_chaining,
	    creds_profile_setting(
	        env, "sts_regional_endpoints", sts_mode, sizeof(sts_mode)) == 0
	        ? sts_mode
	        : NULL};
	if ((creds = creds_chain(&cenv, &msg, &down)) == NULL) {
		/* An endpoint that is set up and down is an outage (1), as
		 * ACM unreachable; anything else is the setup (2). */
		buf_printf(&summary_fail, "%s: %s",
		    down ? "AWS credentials unavailable" : "no AWS credentials",
		    buf_str(&msg));
		rc = down ? stop_early(&g, c, http, buf_str(&summary_fail),
		                deadline, EXIT_ACM_FAILED,
		                "port-acm: AWS credentials unavailable",
		                "AWS credentials unavailable")
		          : refuse(
		                &g, c, http, buf_str(&summary_fail), deadline);
		goto out;
	}

	/* A scheduled sync has Port credentials but no run to report to. */
	report_init(&rep, &g, c->run_id[0] ? port : NULL, c->run_id, stderr);
	/* Read first: nothing is written to a run that has ended. */
	if ((rc = check_run(&g, &rep, c)) != EXIT_DONE)
		goto out;
	announce(&rep, c, &msg);

	if (c->region_note[0])
		report_log(&rep, "%s", c->region_note);
	if (c->github_run_url[0])
		links[nlinks++] = c->github_run_url;
	report_links(&rep, links, nlinks);

	report_log(&rep, "AWS credentials: %s", creds_describe(creds));
	acm = acm_new(http,
	    &(struct acm_config){c->endpoint, c->region, creds_provider(creds),
	        c->aws_ca_file[0] ? c->aws_ca_file : NULL, c->aws_ca_setting,
	        c->max_attempts, &clock});

	if (acm == NULL) {
		rc = refuse(&g, c, http, "the ACM endpoint URL is not usable",
		    deadline);
		goto out;
	}
	if ((c->need_route53 || c->sync_route53) &&
	    (r53 = route53_open(c, http, creds, &cenv, &dns_creds, why,
	         sizeof(why))) == NULL) {
		rc = refuse(&g, c, http, why, deadline);
		goto out;
	}
	snprintf(res.region, sizeof(res.region), "%s", c->region);
	op = (struct op_env){c, acm, http, &rep, port, creds, &clock, r53, NULL,
	    deadline - reserve / 2, &cenv, NULL, 0, 0, 0};
	rc = run_operation(&op, &res);

	publish(&g, c, &res, rc == EXIT_DONE);
	if (rc != EXIT_DONE)
		gha_annotate(&g, GHA_ERROR, "port-acm", buf_str(&res.summary));
	if (res.console_url[0])
		links[nlinks++] = res.console_url;
	http_set_deadline(http, deadline);
	rc = finish(&g, c, &rep, &res, links, nlinks, rc);
out:
	op_result_free(&res);
	acm_free(acm);
	route53_free(r53);
	creds_free(dns_creds);
	creds_free(creds);
	port_free(port);
	http_free(http);
	config_free(c);
	free(c);
	buf_free(&msg);
	buf_free(&summary_fail);
	curl_global_cleanup();
	return rc;
}
