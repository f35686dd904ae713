/*
 * fuzz_ops: the request, renew and delete flows end to end — ACM and
 * Port clients, polling, catalog writes, the report and the one
 * terminal update — on scripted hostile answers from both services
 * (fake_http.h: one script; answers are handed out in request order,
 * whichever service asked).
 *
 * Input: the first line names the flow ("request", "renew", "delete";
 * anything else is request); the rest is the script. The flows run as
 * main.c wires them, with Port when the token request succeeds and as a
 * plain ACM tool when it does not.
 *
 * Checks beyond "no crash": every request passes fake_http's checks
 * (no CR/LF in headers, clean URLs, no AWS secret key or Port client
 * secret in a URL or header); the result fields are NUL-terminated;
 * neither secret nor the session token appears in the summary, step
 * summary or validation records unless the script itself carried it;
 * the run ends within its deadline (virtual time); everything is freed
 * (LeakSanitizer).
 *
 * Requires: src/ops/op_request.c src/ops/op_renew.c src/ops/op_delete.c
 * src/ops/op_common.c src/ops/catalog.c src/port/report.c src/input/config.c
 * src/aws/acm.c src/port/port.c src/base/gha.c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <psa/crypto.h>

#include "aws/acm.h"
#include "base/gha.h"
#include "creds/creds.h"
#include "fake_http.h"
#include "fuzz_util.h"
#include "input/config.h"
#include "input/inputs.h"
#include "ops/ops.h"
#include "port/port.h"
#include "port/report.h"

#define AWS_SECRET  "ZZopsAwsSecretKey/K7MDENG+bPxRfiCYqqqq"
#define AWS_TOKEN   "ZZopsSessionTokenIQoJb3JpZ2luX2Vjqqqq"
#define PORT_SECRET "ZZopsPortClientSecretZq9wqqqq"
#define ARN                                                                    \
	"arn:aws:acm:eu-west-1:123456789012:certificate/"                      \
	"1b2c3d4e-aaaa-bbbb-cccc-1234567890ab"
#define DEADLINE_MS (20 * 60 * 1000LL)

static const char *const common_env[][2] = {
    {"INPUT_DOMAIN_NAME", "example.com"},
    {"INPUT_SUBJECT_ALTERNATIVE_NAMES", "www.example.com,*.example.com"},
    {"INPUT_TAGS", "team=platform,env=prod"},
    {"INPUT_WAIT_FOR_ISSUANCE", "true"},
    {"INPUT_TIMEOUT_MINUTES", "5"},
    {"INPUT_CERTIFICATE_ARN", ARN},
    {"INPUT_RUN_ID", "r_fuzzOps0123"},
    {"INPUT_PORT_CLIENT_ID", "fuzz-client-id"},
    {"INPUT_PORT_CLIENT_SECRET", PORT_SECRET},
    {"INPUT_PORT_BASE_URL", "http://127.0.0.1:8"},
    {"AWS_REGION", "eu-west-1"},
    {"AWS_ACCESS_KEY_ID", "AKIDFUZZOPSEXAMPLE"},
    {"AWS_SECRET_ACCESS_KEY", AWS_SECRET},
    {"AWS_SESSION_TOKEN", AWS_TOKEN},
    {"AWS_ENDPOINT_URL_ACM", "http://127.0.0.1:9"},
    /* The validation doctor's DNS: a closed local port, never the
     * system's resolvers. */
    {"PORT_ACM_DNS_SERVER", "127.0.0.1:9"},
};

static const char *op_name;
static struct config cfgs[3]; /* request, renew, delete */
static FILE *devnull;

static const char *
fuzz_getenv(const char *name)
{
	size_t i;

	if (strcmp(name, "INPUT_OPERATION") == 0)
		return op_name;
	for (i = 0; i < sizeof(common_env) / sizeof(common_env[0]); i++) {
		if (strcmp(common_env[i][0], name) == 0)
			return common_env[i][1];
	}
	return NULL;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const ops[3] = {"request", "renew", "delete"};
	char *av[] = {"port-acm", NULL};
	struct buf msg = {0};
	int i;

	(void)argc;
	(void)argv;
	if (psa_crypto_init() != PSA_SUCCESS ||
	    (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	for (i = 0; i < 3; i++) {
		op_name = ops[i];
		buf_reset(&msg);
		if (inputs_load(&cfgs[i], 1, av, fuzz_getenv, aws_endpoint,
		        &msg) != CONFIG_OK) {
			fprintf(stderr, "fuzz_ops: config for %s: %s\n", ops[i],
			    buf_str(&msg));
			abort();
		}
	}
	buf_free(&msg);
	return 0;
}

static void
check_result(const struct op_result *res, const uint8_t *data, size_t size)
{
	static const char *const secrets[] = {
	    AWS_SECRET, AWS_TOKEN, PORT_SECRET};
	const char *texts[3];
	size_t i, j;

	if (!TERMINATED(res->arn) || !TERMINATED(res->status) ||
	    !TERMINATED(res->domain) || !TERMINATED(res->region) ||
	    !TERMINATED(res->label) || !TERMINATED(res->console_url))
		abort();
	texts[0] = buf_str(&res->summary);
	texts[1] = buf_str(&res->step_summary);
	texts[2] = buf_str(&res->records_json);
	for (i = 0; i < 3; i++) {
		if (contains(data, size, secrets[i]))
			continue;
		for (j = 0; j < 3; j++) {
			if (strstr(texts[j], secrets[i]) != NULL)
				abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct config *c;
	struct op_result res;
	struct port_error perr;
	struct report rep;
	struct op_env env;
	struct gha g;
	struct http *http;
	struct port *port;
	struct acm *acm;
	struct creds *creds;
	char *text, *script;
	int rc;

	if ((text = fuzz_text(data, size, 0, 64 * 1024)) == NULL)
		return 0;
	script = strchr(text, '\n');
	script = script != NULL ? script + 1 : text + size;
	c = strncmp(text, "renew", 5) == 0    ? &cfgs[1]
	    : strncmp(text, "delete", 6) == 0 ? &cfgs[2]
	                                      : &cfgs[0];

	fake_secrets[0] = AWS_SECRET;
	fake_secrets[1] = PORT_SECRET;
	fake_start(script);
	gha_init(&g, devnull, fuzz_getenv); /* GITHUB_ACTIONS unset: quiet */
	http = http_new(&(struct http_options){.connect_timeout_ms = 10000,
	    .timeout_ms = 30000,
	    .deadline_ms = DEADLINE_MS,
	    .user_agent = "port-acm/fuzz"});
	port =
	    port_new(http, &(struct port_config){.base_url = c->port_base_url,
	                       .client_id = c->port_client_id,
	                       .client_secret = c->port_client_secret});
	creds = creds_new_static(
	    c->access_key_id, c->secret_access_key, c->session_token, "fuzz");
	acm = acm_new(http, &(struct acm_config){.endpoint = c->endpoint,
	                        .region = c->region,
	                        .credentials = creds_provider(creds)});
	if (http == NULL || port == NULL || creds == NULL || acm == NULL)
		abort();
	if (port_authenticate(port, &perr) != 0) {
		port_free(port);
		port = NULL;
	}
	report_init(&rep, &g, port, c->run_id, devnull);
	memset(&res, 0, sizeof(res));
	snprintf(res.region, sizeof(res.region), "%s", c->region);
	env = (struct op_env){
	    .cfg = c, .acm = acm, .http = http, .report = &rep, .port = port};
	rc = c->op == OP_REQUEST ? op_request(&env, &res)
	     : c->op == OP_RENEW ? op_renew(&env, &res)
	                         : op_delete(&env, &res);
	if (rc != 0 && rc != 1)
		abort();
	check_result(&res, data, size);
	http_set_deadline(http, DEADLINE_MS + 60000);
	(void)report_finish(&rep, rc == 0, res.label[0] ? res.label : NULL,
	    buf_str(&res.summary), NULL, 0);
	if (port != NULL && !rep.ended)
		abort();
	if (fake_clock_ms > DEADLINE_MS + 60000 + 30000)
		abort(); /* ran (virtually) far past its deadline */

	op_result_free(&res);
	acm_free(acm);
	creds_free(creds);
	port_free(port);
	http_free(http);
	free(text);
	return 0;
}
