/*
 * Unit tests for the input table (inputs.c, rules.c, envvars.c): inputs_load
 * with a table-backed getenv, so every precedence rule, refusal and derived
 * value is checked without touching the process environment. The sync
 * inputs: test_config_sync.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <psa/crypto.h>

#include "aws/aws.h"
#include "config_env.h"
#include "input/config.h"
#include "input/inputs.h"
#include "tap.h"

static void
test_help_version(void)
{
	env_clear();
	ok(load("--help", NULL) == CONFIG_HELP, "--help");
	ok(load("-h", NULL) == CONFIG_HELP, "-h");
	ok(load("renew", "--help", NULL) == CONFIG_HELP,
	    "--help after an operation");
	ok(load("--version", NULL) == CONFIG_VERSION, "--version");
	ok(has(inputs_usage(), "--domain-name") &&
	        has(inputs_usage(), "exit status") &&
	        !has(inputs_usage(), "--port-client-secret"),
	    "usage names the flags and exit codes, no secret flags");
	is_str(config_op_name(OP_RENEW), "renew", "config_op_name(OP_RENEW)");
}

static void
test_operation(void)
{
	env_aws();
	ok(load(NULL) == CONFIG_ERROR && has(buf_str(&msg), "no operation"),
	    "no operation: refused with a message");
	ok(load("request", "--domain-name", "a.example.com", NULL) ==
	            CONFIG_OK &&
	        c.op == OP_REQUEST,
	    "operation from argv: request");
	ok(load("renew", "--certificate-arn", ARN_USE1, NULL) == CONFIG_OK &&
	        c.op == OP_RENEW,
	    "operation from argv: renew");
	ok(load("delete", "--certificate-arn", ARN_USE1, NULL) == CONFIG_OK &&
	        c.op == OP_DELETE,
	    "operation from argv: delete");
	env_set("INPUT_OPERATION", "delete");
	env_set("INPUT_CERTIFICATE_ARN", ARN_USE1);
	ok(load(NULL) == CONFIG_OK && c.op == OP_DELETE,
	    "operation from INPUT_OPERATION");
	ok(load("renew", NULL) == CONFIG_OK && c.op == OP_RENEW,
	    "argv operation beats INPUT_OPERATION");
	env_set("INPUT_OPERATION", "Renew");
	ok(load(NULL) == CONFIG_OK && c.op == OP_RENEW,
	    "INPUT_OPERATION is case-insensitive");
	env_set("INPUT_OPERATION", "create");
	ok(load(NULL) == CONFIG_ERROR && has(buf_str(&msg), "create"),
	    "unknown INPUT_OPERATION refused, named");
	env_set("INPUT_OPERATION", "");
	ok(load(NULL) == CONFIG_ERROR && has(buf_str(&msg), "no operation"),
	    "empty INPUT_OPERATION counts as not given");
	ok(load("create", NULL) == CONFIG_ERROR &&
	        has(buf_str(&msg), "unknown operation"),
	    "unknown argv operation refused");
	ok(load("renew", "delete", NULL) == CONFIG_ERROR &&
	        has(buf_str(&msg), "more than one"),
	    "two operations refused");
}

static void
test_flags(void)
{
	env_aws();
	ok(load("request", "--domain-name=a.example.com", NULL) == CONFIG_OK,
	    "--flag=value");
	is_str(c.domain_name, "a.example.com", "--flag=value sets the value");
	ok(load("request", "--domain-name", "b.example.com", NULL) == CONFIG_OK,
	    "--flag value");
	is_str(c.domain_name, "b.example.com", "--flag value sets the value");
	ok(load("request", "--domain-name", NULL) == CONFIG_ERROR &&
	        has(buf_str(&msg), "needs a value"),
	    "flag without value refused");
	ok(load("request", "--domain-name=a.example.com", "--colour=red",
	       NULL) == CONFIG_ERROR &&
	        has(buf_str(&msg), "unknown option --colour"),
	    "unknown flag refused and named");
	ok(load("request", "--operation=request", NULL) == CONFIG_ERROR,
	    "operation is not a flag");
	ok(load("request", "--domain-name=a.example.com", "--aws-region",
	       "eu-west-2", NULL) == CONFIG_OK &&
	        strcmp(c.region, "eu-west-2") == 0,
	    "--aws-region is accepted as well as --region");
}

struct secret_flag {
	const char *flag;
	int joined; /* --flag=value rather than --flag value */
};

static void
test_secret_flags(void)
{
	static const struct secret_flag cases[] = {
	    {"--port-client-secret", 1},
	    {"--port-client-secret", 0},
	    {"--port-client-id", 1},
	    {"--aws-secret-access-key", 1},
	    {"--aws-access-key-id", 0},
	    {"--aws-session-token", 1},
	    {"--client-secret", 1},
	    {"--password", 0},
	};
	char joined[128];
	size_t i;
	int rc;

	env_aws();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].joined) {
			snprintf(joined, sizeof(joined), "%s=SeCrEtVaLuE",
			    cases[i].flag);
			rc = load("request", "--domain-name=a.example.com",
			    joined, NULL);
		} else
			rc = load("request", "--domain-name=a.example.com",
			    cases[i].flag, "SeCrEtVaLuE", NULL);
		ok(rc == CONFIG_ERROR && has(buf_str(&msg), "environment") &&
		        !has(buf_str(&msg), "SeCrEtVaLuE"),
		    "secret flag %s%s refused without echoing the value",
		    cases[i].flag, cases[i].joined ? "=..." : " ...");
	}
	ok(load("request", "--domain-name=a.example.com",
	       "--idempotency-token=tok_1", NULL) == CONFIG_OK &&
	        strcmp(c.idempotency_token, "tok_1") == 0 &&
	        !c.idempotency_derived,
	    "--idempotency-token is not a secret: accepted");
}

static void
test_precedence(void)
{
	/* region: flag > INPUT_AWS_REGION > AWS_REGION > AWS_DEFAULT_REGION */
	env_aws();
	env_set("AWS_REGION", "eu-west-1");
	env_set("AWS_DEFAULT_REGION", "eu-west-2");
	env_set("INPUT_AWS_REGION", "eu-west-3");
	load("request", "--domain-name=a.example.com", "--region=eu-north-1",
	    NULL);
	is_str(c.region, "eu-north-1", "region: flag wins");
	load("request", "--domain-name=a.example.com", "--region=", NULL);
	is_str(c.region, "eu-west-3", "region: empty flag = not given");
	load("request", "--domain-name=a.example.com", NULL);
	is_str(c.region, "eu-west-3", "region: input beats AWS_REGION");
	env_set("INPUT_AWS_REGION", "");
	load("request", "--domain-name=a.example.com", NULL);
	is_str(c.region, "eu-west-1",
	    "region: empty input = not given; AWS_REGION next");
	env_set("AWS_REGION", "");
	load("request", "--domain-name=a.example.com", NULL);
	is_str(c.region, "eu-west-2",
	    "region: AWS_DEFAULT_REGION after AWS_REGION");
	env_set("AWS_DEFAULT_REGION", NULL);
	ok(load("request", "--domain-name=a.example.com", NULL) ==
	            CONFIG_ERROR &&
	        has(buf_str(&msg), "no AWS region"),
	    "request without any region refused");

	/* domain_name: flag > input; no plain environment fallback */
	env_aws();
	env_set("INPUT_DOMAIN_NAME", "input.example.com");
	load("request", "--domain-name=flag.example.com", NULL);
	is_str(c.domain_name, "flag.example.com", "domain: flag beats input");
	load("request", NULL);
	is_str(c.domain_name, "input.example.com", "domain: from input");
	env_set("INPUT_DOMAIN_NAME", "");
	env_set("DOMAIN_NAME", "env.example.com");
	ok(load("request", NULL) == CONFIG_ERROR &&
	        has(buf_str(&msg), "domain_name is required"),
	    "domain: empty input = not given, required");

	/* port_base_url: flag > input > PORT_BASE_URL > default */
	env_aws();
	load("request", "--domain-name=a.example.com", NULL);
	is_str(
	    c.port_base_url, "https://api.port.io", "port_base_url: default");
	env_set("PORT_BASE_URL", "https://env.port.test");
	load("request", "--domain-name=a.example.com", NULL);
	is_str(c.port_base_url, "https://env.port.test",
	    "port_base_url: PORT_BASE_URL");
	env_set("INPUT_PORT_BASE_URL", "https://input.port.test");
	load("request", "--domain-name=a.example.com", NULL);
	is_str(c.port_base_url, "https://input.port.test",
	    "port_base_url: input beats PORT_BASE_URL");
	load("request", "--domain-name=a.example.com",
	    "--port-base-url=https://flag.port.test", NULL);
	is_str(c.port_base_url, "https://flag.port.test",
	    "port_base_url: flag beats input");

	/* Port client id: input beats plain environment */
	env_aws();
	env_port();
	env_set("INPUT_PORT_CLIENT_ID", "from-input");
	load("request", "--domain-name=a.example.com", NULL);
	is_str(c.port_client_id, "from-input",
	    "port_client_id: input beats PORT_CLIENT_ID");
	is_str(c.port_client_secret, "port-client-secret-value",
	    "port_client_secret: from PORT_CLIENT_SECRET");

	/* blueprint default and override */
	env_aws();
	load("request", "--domain-name=a.example.com", NULL);
	is_str(c.blueprint, "acmCertificate", "blueprint: default");
	env_set("INPUT_BLUEPRINT", "certificate");
	load("request", "--domain-name=a.example.com", NULL);
	is_str(c.blueprint, "certificate", "blueprint: from input");
}

static void
test_context(void)
{
	env_aws();
	load("renew", "--port-context",
	    "{\"runId\":\"r_camel\",\"entity\":{\"identifier\":\"" ARN_USE1
	    "\"}}",
	    NULL);
	is_str(c.run_id, "r_camel", "port_context runId");
	load("renew", "--port-context",
	    "{\"run_id\":\"r_snake\",\"entity\":\"" ARN_USE1 "\"}", NULL);
	is_str(c.run_id, "r_snake", "port_context run_id");
	is_str(c.certificate_arn, ARN_USE1,
	    "entity as a bare ARN string: the ARN");
	ok(has(c.arn_source, "identifier"), "arn_source names the identifier");

	load("renew", "--port-context",
	    "{\"runId\":\"r_1\",\"entity\":{\"identifier\":\"my-cert\","
	    "\"properties\":{\"arn\":\"" ARN_EUW1 "\"}}}",
	    NULL);
	is_str(c.certificate_arn, ARN_EUW1,
	    "entity object: properties.arn when the identifier is no ARN");
	ok(has(c.arn_source, "arn property"), "arn_source names the property");
	is_str(c.entity_id, "my-cert",
	    "the entity written is the one the action ran on (defect 8)");

	load("delete", "--port-context",
	    "{\"runId\":\"r_1\",\"entity\":{\"identifier\":\"my-cert\","
	    "\"blueprint\":\"sslCert\",\"properties\":{\"arn\":\"" ARN_EUW1
	    "\"}}}",
	    "--blueprint", "acmCertificate", NULL);
	ok(strcmp(c.entity_id, "my-cert") == 0 &&
	        strcmp(c.blueprint, "sslCert") == 0,
	    "delete: the entity's identifier and blueprint from port_context");
	load("delete", "--certificate-arn", ARN_USE1, "--port-context",
	    "{\"runId\":\"r_1\",\"entity\":{\"identifier\":\"my-cert\","
	    "\"properties\":{\"arn\":\"" ARN_EUW1 "\"}}}",
	    NULL);
	is_str(c.entity_id, "",
	    "another certificate than the entity's: keyed by its ARN");
	ok(load("delete", "--port-context",
	       "{\"runId\":\"r_1\",\"entity\":{\"identifier\":\"my cert\","
	       "\"properties\":{\"arn\":\"" ARN_EUW1 "\"}}}",
	       NULL) == CONFIG_ERROR &&
	        has(buf_str(&msg), "entity identifier"),
	    "an entity identifier Port would refuse is refused before AWS");

	load("renew", "--port-context",
	    "{\"runId\":\"r_1\",\"entity\":{\"identifier\":\"" ARN_USE1
	    "\",\"properties\":{\"arn\":\"" ARN_EUW1 "\"}}}",
	    NULL);
	is_str(c.certificate_arn, ARN_EUW1,
	    "properties.arn is preferred over an ARN identifier");

	load("renew", "--certificate-arn", ARN_USE1, "--port-context",
	    "{\"runId\":\"r_1\",\"entity\":{\"identifier\":\"x\","
	    "\"properties\":{\"arn\":\"" ARN_EUW1 "\"}}}",
	    NULL);
	is_str(c.certificate_arn, ARN_USE1,
	    "certificate_arn input beats the entity");
	ok(c.arn_source && strcmp(c.arn_source, "certificate_arn") == 0,
	    "arn_source is certificate_arn");

	ok(load("delete", "--port-context", "{\"runId\":\"r_1\",\"entity\":{}}",
	       NULL) == CONFIG_ERROR &&
	        has(buf_str(&msg), "no certificate to delete"),
	    "entity {} for delete: no certificate, named operation");
	ok(load("renew", "--port-context", "{\"runId\":\"r_1\"}", NULL) ==
	            CONFIG_ERROR &&
	        has(buf_str(&msg), "no certificate to renew"),
	    "entity absent for renew: refused");
	ok(load("renew", "--port-context",
	       "{\"runId\":\"r_1\",\"entity\":{\"identifier\":\"web-cert\"}}",
	       NULL) == CONFIG_ERROR,
	    "identifier that is not an ACM ARN, no arn property: refused");
	ok(load("renew", "--port-context",
	       "{\"runId\":\"r_1\",\"entity\":\"arn:aws:s3:::bucket\"}",
	       NULL) == CONFIG_ERROR,
	    "non-ACM ARN identifier is not a certificate");
	ok(load("renew", "--port-context",
	       "{\"runId\":\"r_1\",\"entity\":{\"identifier\":\"x\","
	       "\"properties\":{\"arn\":\"arn:aws:acm:us-east-1:1:cert\"}}}",
	       NULL) == CONFIG_ERROR &&
	        has(buf_str(&msg), "arn"),
	    "malformed properties.arn refused");

	load("request", "--domain-name=a.example.com", "--port-context",
	    "{\"runId\":\"r_ctx\"}", "--run-id", "r_flag", NULL);
	is_str(c.run_id, "r_flag", "--run-id overrides port_context");
	env_set("INPUT_RUN_ID", "r_input");
	load("request", "--domain-name=a.example.com", "--port-context",
	    "{\"runId\":\"r_ctx\"}", NULL);
	is_str(c.run_id, "r_input", "INPUT_RUN_ID overrides port_context");
	env_set("INPUT_RUN_ID", NULL);
	env_set("INPUT_PORT_CONTEXT", "{\"runId\":\"r_env\",\"future\":1}");
	load("request", "--domain-name=a.example.com", NULL);
	is_str(c.run_id, "r_env", "INPUT_PORT_CONTEXT, unknown keys ignored");
	ok(load("request", "--domain-name=a.example.com", "--port-context",
	       "{not json", NULL) == CONFIG_ERROR &&
	        has(buf_str(&msg), "JSON"),
	    "malformed port_context refused");
	ok(load("request", "--domain-name=a.example.com", "--run-id", "r/../x",
	       NULL) == CONFIG_ERROR &&
	        has(buf_str(&msg), "run_id"),
	    "run id with '/' refused");
}

static void
test_region_from_arn(void)
{
	env_aws();
	load("renew", "--certificate-arn", ARN_EUW1, NULL);
	is_str(c.region, "eu-west-1", "renew uses the ARN's region");
	ok(has(c.region_note, "eu-west-1") && has(c.region_note, "us-east-1"),
	    "region_note names both regions");
	load("delete", "--certificate-arn", ARN_EUW1, "--region", "eu-west-2",
	    NULL);
	is_str(c.region, "eu-west-1", "delete: ARN region beats --region");
	load("renew", "--certificate-arn", ARN_USE1, NULL);
	is_str(c.region_note, "", "no region_note when the regions agree");
	env_set("AWS_REGION", NULL);
	ok(load("delete", "--certificate-arn", ARN_EUW1, NULL) == CONFIG_OK &&
	        strcmp(c.region, "eu-west-1") == 0 && c.region_note[0] == 0,
	    "delete without a configured region: ARN region, no note");
	load("renew", "--certificate-arn", ARN_CN, NULL);
	is_str(c.endpoint, "https://acm.cn-north-1.amazonaws.com.cn",
	    "cn ARN: amazonaws.com.cn endpoint");
	load("renew", "--certificate-arn", ARN_GOV, NULL);
	is_str(c.endpoint, "https://acm.us-gov-west-1.amazonaws.com",
	    "GovCloud ARN: amazonaws.com endpoint");
	is_str(c.arn.account, "123456789012", "ARN account parsed");
}

static void
test_endpoint(void)
{
	env_aws();
	load("request", "--domain-name=a.example.com", NULL);
	is_str(c.endpoint, "https://acm.us-east-1.amazonaws.com",
	    "default endpoint");
	ok(!c.endpoint_custom, "default endpoint is not custom");
	load("request", "--domain-name=a.example.com",
	    "--region=cn-northwest-1", NULL);
	is_str(c.endpoint, "https://acm.cn-northwest-1.amazonaws.com.cn",
	    "request in a cn region: amazonaws.com.cn");
	env_set("AWS_ENDPOINT_URL", "http://127.0.0.1:4566");
	load("request", "--domain-name=a.example.com", NULL);
	is_str(c.endpoint, "http://127.0.0.1:4566", "AWS_ENDPOINT_URL used");
	ok(c.endpoint_custom, "custom endpoint flagged");
	env_set("AWS_ENDPOINT_URL_ACM", "http://127.0.0.1:4567");
	load("request", "--domain-name=a.example.com", NULL);
	is_str(c.endpoint, "http://127.0.0.1:4567",
	    "AWS_ENDPOINT_URL_ACM beats AWS_ENDPOINT_URL");
	env_set("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
	load("request", "--domain-name=a.example.com", NULL);
	is_str(c.endpoint, "https://acm.us-east-1.amazonaws.com",
	    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true: default endpoint");
	ok(!c.endpoint_custom, "ignored endpoint is not custom");
	env_set("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false");
	load("request", "--domain-name=a.example.com", NULL);
	is_str(c.endpoint, "http://127.0.0.1:4567",
	    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false: override used");
	env_set("AWS_ENDPOINT_URL_ACM", "");
	load("request", "--domain-name=a.example.com", NULL);
	is_str(c.endpoint, "http://127.0.0.1:4566",
	    "empty AWS_ENDPOINT_URL_ACM = unset");
	env_set("AWS_ENDPOINT_URL_ACM", "ftp://127.0.0.1");
	ok(load("request", "--domain-name=a.example.com", NULL) == CONFIG_ERROR,
	    "endpoint with a non-http scheme refused");
	env_set("AWS_ENDPOINT_URL_ACM", "http://acm.example.com");
	ok(load("request", "--domain-name=a.example.com", NULL) ==
	            CONFIG_ERROR &&
	        has(buf_str(&msg), "https://"),
	    "plain http endpoint off the loopback refused");
	env_set("AWS_ENDPOINT_URL_ACM", "HTTP://acm.example.com");
	ok(load("request", "--domain-name=a.example.com", NULL) ==
	            CONFIG_ERROR &&
	        has(buf_str(&msg), "https://"),
	    "HTTP:// (upper case) endpoint off the loopback refused");
	env_set("AWS_ENDPOINT_URL_ACM", "Http://127.8.9.10:4566");
	ok(load("request", "--domain-name=a.example.com", NULL) == CONFIG_OK,
	    "plain http on 127.0.0.0/8 allowed, scheme in any case");
	env_set("AWS_ENDPOINT_URL_ACM", "http://127.0.0.1.evil.test:4566");
	ok(load("request", "--domain-name=a.example.com", NULL) == CONFIG_ERROR,
	    "http://127.0.0.1.evil.test is not the loopback");
	env_set("AWS_ENDPOINT_URL_ACM", "http://localhost:4566");
	ok(load("request", "--domain-name=a.example.com", NULL) == CONFIG_OK &&
	        strcmp(c.endpoint, "http://localhost:4566") == 0,
	    "plain http on localhost allowed");
	env_set("AWS_ENDPOINT_URL_ACM", "https://acm.proxy.example.com/acm");
	ok(load("request", "--domain-name=a.example.com", NULL) == CONFIG_OK &&
	        strcmp(c.endpoint, "https://acm.proxy.example.com/acm") == 0,
	    "https endpoint with a path kept verbatim");
	/* botocore accepts a trailing '/' and acm.c strips it; a config
	 * refusal here would surprise LocalStack users. */
	env_set("AWS_ENDPOINT_URL_ACM", "http://127.0.0.1:4566/");
	ok(load("request", "--domain-name=a.example.com", NULL) == CONFIG_OK,
	    "endpoint with a trailing '/' accepted like botocore does");
}

static void
test_credentials(void)
{
	env_aws();
	env_set("AWS_SESSION_TOKEN", "");
	load("request", "--domain-name=a.example.com", NULL);
	ok(c.session_token == NULL, "empty AWS_SESSION_TOKEN = absent");
	is_str(c.access_key_id, "AKIDEXAMPLE", "access key id copied");
	env_set("AWS_SESSION_TOKEN", "FQoGZXIvYXdzEXAMPLE");
	load("request", "--domain-name=a.example.com", NULL);
	is_str(c.session_token, "FQoGZXIvYXdzEXAMPLE", "session token copied");
	/* Keys are the credential chain's business now (creds.c; the
	 * e2e suite test_credentials checks its refusals). */
	env_set("AWS_SECRET_ACCESS_KEY", NULL);
	env_set("AWS_ACCESS_KEY_ID", NULL);
	ok(load("request", "--domain-name=a.example.com", NULL) == CONFIG_OK,
	    "no keys: not a configuration error (other sources may have "
	    "credentials)");
	is_str(c.role_session_name, "port-acm",
	    "session name outside "
	    "Actions: port-acm");
	ok(c.role_duration_s == 3600, "role_duration_seconds default 3600");
	is_str(c.audience, "sts.amazonaws.com", "audience default");
	env_set("INPUT_ROLE_DURATION_SECONDS", "899");
	ok(load("request", "--domain-name=a.example.com", NULL) ==
	            CONFIG_ERROR &&
	        has(buf_str(&msg), "role_duration_seconds"),
	    "role_duration_seconds below 900 refused");
	env_set("INPUT_ROLE_DURATION_SECONDS", NULL);
	ok(load("request", "--domain-name=a.example.com",
	       "--role-to-assume=arn:aws:iam::123456789012:user/x",
	       NULL) == CONFIG_ERROR &&
	        has(buf_str(&msg), "role_to_assume"),
	    "role_to_assume must be a role ARN");
	ok(load("request", "--domain-name=a.example.com",
	       "--role-to-assume=arn:aws:iam::123456789012:role/acm",
	       "--role-session-name=a b/c", "--role-external-id=ext-1",
	       NULL) == CONFIG_OK &&
	        strcmp(c.role_to_assume,
	            "arn:aws:iam::123456789012:role/acm") == 0 &&
	        strcmp(c.role_session_name, "a-b-c") == 0 &&
	        strcmp(c.role_external_id, "ext-1") == 0,
	    "role inputs loaded, session name sanitised");
	ok(load("request", "--domain-name=a.example.com",
	       "--role-external-id=x y", NULL) == CONFIG_ERROR,
	    "role_external_id outside STS's pattern refused");
	env_set("AWS_USE_FIPS_ENDPOINT", "TRUE");
	ok(load("request", "--domain-name=a.example.com", NULL) == CONFIG_OK &&
	        strcmp(c.endpoint,
	            "https://acm-fips.us-east-1.amazonaws.com") == 0,
	    "AWS_USE_FIPS_ENDPOINT=TRUE: the FIPS endpoint: %s", c.endpoint);
	env_set("AWS_USE_FIPS_ENDPOINT", "yes");
	ok(load("request", "--domain-name=a.example.com", NULL) == CONFIG_ERROR,
	    "AWS_USE_FIPS_ENDPOINT=yes refused");
	env_set("AWS_USE_FIPS_ENDPOINT", NULL);
	env_set("AWS_USE_DUALSTACK_ENDPOINT", "true");
	env_set("AWS_ENDPOINT_URL_ACM", "https://acm.example.com");
	ok(load("request", "--domain-name=a.example.com", NULL) ==
	            CONFIG_ERROR &&
	        has(buf_str(&msg), "AWS_USE_DUALSTACK_ENDPOINT"),
	    "dual-stack with a custom endpoint refused");
	env_set("AWS_USE_DUALSTACK_ENDPOINT", NULL);
	env_set("AWS_ENDPOINT_URL_ACM", NULL);
	env_set("AWS_USE_FIPS_ENDPOINT", "true");
	env_set("AWS_ENDPOINT_URL_ROUTE_53", "https://r53.example.com");
	ok(load("request", "--domain-name=a.example.com",
	       "--dns-validation=route53", NULL) == CONFIG_ERROR &&
	        has(buf_str(&msg), "AWS_ENDPOINT_URL_ROUTE_53") &&
	        has(buf_str(&msg), "AWS_USE_FIPS_ENDPOINT"),
	    "FIPS with a custom Route 53 endpoint refused");
	env_set("AWS_USE_FIPS_ENDPOINT", NULL);
	env_set("AWS_ENDPOINT_URL_ROUTE_53", NULL);
	env_aws();

	env_aws();
	load("request", "--domain-name=a.example.com", NULL);
	ok(c.ca_file[0] == 0 && c.aws_ca_file[0] == 0,
	    "no CA bundle: built-in");
	env_set("SSL_CERT_FILE", "/etc/ca.pem");
	load("request", "--domain-name=a.example.com", NULL);
	ok(strcmp(c.ca_file, "/etc/ca.pem") == 0 &&
	        strcmp(c.aws_ca_file, "/etc/ca.pem") == 0,
	    "SSL_CERT_FILE for every host");
	env_set("AWS_CA_BUNDLE", "/etc/aws.pem");
	load("request", "--domain-name=a.example.com", NULL);
	ok(strcmp(c.ca_file, "/etc/ca.pem") == 0 &&
	        strcmp(c.aws_ca_file, "/etc/aws.pem") == 0,
	    "AWS_CA_BUNDLE only for AWS");
}

static void
test_idempotency(void)
{
	env_aws();
	load("request", "--domain-name=a.example.com", "--run-id",
	    "r_QOz6WoOB1Q2lmhZZ", NULL);
	is_str(c.idempotency_token, "r_QOz6WoOB1Q2lmhZZ",
	    "run id that fits the token pattern is the token");
	ok(c.idempotency_derived, "token marked derived");
	load("request", "--domain-name=a.example.com", "--run-id", "r_abc-def",
	    NULL);
	/* sha256("r_abc-def")[:32], computed with Python's hashlib */
	is_str(c.idempotency_token, "d9838936ece114fcbad1b8400edb540d",
	    "run id with '-': 32 hex chars of sha256");
	load("request", "--domain-name=a.example.com", "--run-id",
	    "r_QOz6WoOB1Q2lmhZZ_0123456789abcdefXYZ", NULL);
	is_str(c.idempotency_token, "2bbf0fba89c6e2ebffa806b24bf86216",
	    "run id longer than 32: hashed");
	load("request", "--domain-name=a.example.com", "--run-id",
	    "abcdefghijklmnopqrstuvwxyz_ABCDE", NULL);
	is_str(c.idempotency_token, "abcdefghijklmnopqrstuvwxyz_ABCDE",
	    "run id of exactly 32 token characters: plain");
	load("request", "--domain-name=a.example.com", NULL);
	ok(c.idempotency_token[0] == 0 && !c.idempotency_derived,
	    "no run id: no token derived");
	load("request", "--domain-name=a.example.com", "--run-id", "r_1",
	    "--idempotency-token", "given_1", NULL);
	ok(strcmp(c.idempotency_token, "given_1") == 0 &&
	        !c.idempotency_derived,
	    "given token beats the derived one");
	ok(load("request", "--domain-name=a.example.com", "--idempotency-token",
	       "a-b", NULL) == CONFIG_ERROR,
	    "invalid given token refused");
	load("renew", "--certificate-arn", ARN_USE1, "--run-id", "r_1", NULL);
	ok(c.idempotency_token[0] == 0, "renew derives no token");
}

static void
test_port_enabled(void)
{
	env_aws();
	env_port();
	load("request", "--domain-name=a.example.com", "--run-id", "r_1", NULL);
	ok(c.port_enabled, "id + secret + run id: Port enabled");
	load("request", "--domain-name=a.example.com", NULL);
	ok(!c.port_enabled, "no run id: Port disabled");
	env_set("PORT_CLIENT_SECRET", "");
	load("request", "--domain-name=a.example.com", "--run-id", "r_1", NULL);
	ok(!c.port_enabled && c.port_client_secret == NULL,
	    "empty secret: Port disabled");
	env_port();
	env_set("PORT_CLIENT_ID", NULL);
	load("request", "--domain-name=a.example.com", "--run-id", "r_1", NULL);
	ok(!c.port_enabled, "no client id: Port disabled");
}

/* The failure must still be reportable on the run. */
static void
test_port_fields_on_error(void)
{
	env_aws();
	env_port();
	env_set("SSL_CERT_FILE", "/etc/test-ca.pem");
	env_set("INPUT_PORT_BASE_URL", "https://port.test/v1/");
	ok(load("request", "--domain-name", "a.com;id", "--run-id", "r_bad",
	       NULL) == CONFIG_ERROR,
	    "injection-shaped domain refused");
	ok(c.port_enabled && strcmp(c.run_id, "r_bad") == 0 &&
	        strcmp(c.port_base_url, "https://port.test") == 0 &&
	        c.port_client_secret != NULL,
	    "bad domain: Port fields still filled");
	/* refuse() in main.c reports to Port with c->ca_file. */
	is_str(c.ca_file, "/etc/test-ca.pem",
	    "bad domain: SSL_CERT_FILE still filled for the Port report");
	ok(load("--run-id", "r_noop", NULL) == CONFIG_ERROR && c.port_enabled &&
	        strcmp(c.run_id, "r_noop") == 0,
	    "no operation: Port fields still filled");
	ok(load("request", "--domain-name=a.example.com", "--run-id", "r_bp",
	       "--blueprint", "bad blueprint", NULL) == CONFIG_ERROR &&
	        strcmp(c.run_id, "r_bp") == 0,
	    "bad blueprint: run id still filled");
	ok(load("renew", "--run-id", "r_ctx", "--port-context", "[1,2]",
	       NULL) == CONFIG_ERROR &&
	        strcmp(c.run_id, "r_ctx") == 0 && c.port_enabled,
	    "malformed port_context with an explicit run id: run id filled");
}

static void
test_base_url(void)
{
	static const char *const trims[][2] = {
	    {"https://port.test/", "https://port.test"},
	    {"https://port.test/v1", "https://port.test"},
	    {"https://port.test/v1/", "https://port.test"},
	    {"https://port.test//", "https://port.test"},
	    {"http://127.0.0.1:8080/v1", "http://127.0.0.1:8080"},
	    {"https://port.test/v10", "https://port.test/v10"},
	    {"https://port.test/api/v1", "https://port.test/api"},
	};
	size_t i;

	env_aws();
	for (i = 0; i < sizeof(trims) / sizeof(trims[0]); i++) {
		env_set("PORT_BASE_URL", trims[i][0]);
		load("request", "--domain-name=a.example.com", NULL);
		is_str(c.port_base_url, trims[i][1], "port_base_url %s",
		    trims[i][0]);
	}
	env_set("PORT_BASE_URL", "http://port.test");
	ok(load("request", "--domain-name=a.example.com", NULL) ==
	            CONFIG_ERROR &&
	        has(buf_str(&msg), "port_base_url"),
	    "plain http port_base_url off the loopback refused");
	env_set("PORT_BASE_URL", "HTTP://port.test");
	ok(load("request", "--domain-name=a.example.com", NULL) ==
	            CONFIG_ERROR &&
	        has(buf_str(&msg), "port_base_url"),
	    "HTTP:// (upper case) port_base_url off the loopback refused");
	env_set("PORT_BASE_URL", "http://[::1]:9000/v1/");
	ok(load("request", "--domain-name=a.example.com", NULL) == CONFIG_OK &&
	        strcmp(c.port_base_url, "http://[::1]:9000") == 0,
	    "plain http port_base_url on [::1] allowed and trimmed");
	env_set("PORT_BASE_URL", "ftp://port.test");
	ok(load("request", "--domain-name=a.example.com", NULL) ==
	            CONFIG_ERROR &&
	        has(buf_str(&msg), "port_base_url"),
	    "port_base_url with ftp:// refused");
	env_set("PORT_BASE_URL", "https://user:pw@port.test");
	ok(load("request", "--domain-name=a.example.com", NULL) ==
	            CONFIG_ERROR &&
	        !has(buf_str(&msg), "pw@"),
	    "port_base_url with userinfo refused without echoing it");
}

static void
test_github(void)
{
	env_aws();
	env_set("GITHUB_SERVER_URL", "https://github.com");
	env_set("GITHUB_REPOSITORY", "acme/infra");
	env_set("GITHUB_RUN_ID", "1234567890");
	load("request", "--domain-name=a.example.com", NULL);
	is_str(c.github_run_url,
	    "https://github.com/acme/infra/actions/runs/1234567890",
	    "github_run_url");
	is_str(c.github_run_id, "1234567890", "github_run_id");
	ok(!c.github_actions, "GITHUB_ACTIONS unset: not under Actions");
	env_set("GITHUB_RUN_ATTEMPT", "2");
	env_set("GITHUB_ACTIONS", "true");
	load("request", "--domain-name=a.example.com", NULL);
	is_str(c.github_run_url,
	    "https://github.com/acme/infra/actions/runs/1234567890/attempts/2",
	    "github_run_url with the attempt");
	ok(c.github_actions, "GITHUB_ACTIONS=true");
	env_set("GITHUB_RUN_ATTEMPT", "2x");
	load("request", "--domain-name=a.example.com", NULL);
	is_str(c.github_run_url,
	    "https://github.com/acme/infra/actions/runs/1234567890",
	    "non-numeric GITHUB_RUN_ATTEMPT is left out entirely");
	env_set("GITHUB_RUN_ATTEMPT", NULL);
	env_set("GITHUB_REPOSITORY", "acme/infra\" onclick=x");
	load("request", "--domain-name=a.example.com", NULL);
	is_str(c.github_run_url, "", "odd GITHUB_REPOSITORY: no link");
	env_set("GITHUB_REPOSITORY", "acme/infra");
	env_set("GITHUB_RUN_ID", "12a");
	load("request", "--domain-name=a.example.com", NULL);
	ok(c.github_run_url[0] == 0 && c.github_run_id[0] == 0,
	    "non-numeric GITHUB_RUN_ID: no link");
	env_set("GITHUB_RUN_ID", "1");
	env_set("GITHUB_SERVER_URL", "javascript:alert(1)");
	load("request", "--domain-name=a.example.com", NULL);
	is_str(c.github_run_url, "", "bad GITHUB_SERVER_URL: no link");
}

static void
test_numbers(void)
{
	env_aws();
	load("request", "--domain-name=a.example.com", NULL);
	ok(c.timeout_minutes == 30, "timeout_minutes default 30");
	ok(c.connect_timeout_ms == 10000, "connect timeout default 10 s");
	ok(c.request_timeout_ms == 30000, "request timeout default 30 s");
	ok(c.poll_interval_ms == 5000, "poll interval default 5 s");
	ok(c.deadline_ms == 600000, "deadline default 10 min");
	ok(c.max_attempts == 0, "AWS_MAX_ATTEMPTS unset: 0 = SDK default");
	ok(load("request", "--domain-name=a.example.com", "--timeout-minutes",
	       "45", "--wait-for-issuance", "true", NULL) == CONFIG_OK &&
	        c.timeout_minutes == 45 && c.wait_for_issuance &&
	        c.deadline_ms == 600000L + 45L * 60000,
	    "wait_for_issuance: deadline grows by timeout_minutes");
	ok(load("request", "--domain-name=a.example.com", "--timeout-minutes",
	       "0", NULL) == CONFIG_ERROR,
	    "timeout_minutes 0 refused");
	ok(load("request", "--domain-name=a.example.com", "--timeout-minutes",
	       "361", NULL) == CONFIG_ERROR,
	    "timeout_minutes 361 refused");
	ok(load("request", "--domain-name=a.example.com", "--timeout-minutes",
	       "-5", NULL) == CONFIG_ERROR,
	    "negative timeout_minutes refused");
	ok(load("request", "--domain-name=a.example.com", "--timeout-minutes",
	       "10m", NULL) == CONFIG_ERROR,
	    "timeout_minutes with a unit refused");
	ok(load("request", "--domain-name=a.example.com", "--wait-for-issuance",
	       "maybe", NULL) == CONFIG_ERROR,
	    "wait_for_issuance not a bool: refused");
	ok(load("delete", "--certificate-arn", ARN_USE1, NULL) == CONFIG_OK &&
	        c.delete_wait_minutes == 2 &&
	        c.deadline_ms == 600000L + 2L * 60000,
	    "delete: deadline grows by delete_wait_minutes");
	ok(load("delete", "--certificate-arn", ARN_USE1,
	       "--delete-wait-minutes", "61", NULL) == CONFIG_ERROR,
	    "delete_wait_minutes 61 refused");
	ok(load("delete", "--certificate-arn", ARN_USE1,
	       "--delete-wait-minutes", "0", NULL) == CONFIG_OK &&
	        c.delete_wait_minutes == 0,
	    "delete_wait_minutes 0 allowed");

	env_set("PORT_ACM_CONNECT_TIMEOUT_SECONDS", "5");
	env_set("PORT_ACM_REQUEST_TIMEOUT_SECONDS", "90");
	env_set("PORT_ACM_POLL_INTERVAL_MS", "250");
	env_set("PORT_ACM_DEADLINE_SECONDS", "100");
	env_set("AWS_MAX_ATTEMPTS", "5");
	load("request", "--domain-name=a.example.com", NULL);
	ok(c.connect_timeout_ms == 5000 && c.request_timeout_ms == 90000 &&
	        c.poll_interval_ms == 250 && c.deadline_ms == 100000 &&
	        c.max_attempts == 5,
	    "timeouts, deadline and AWS_MAX_ATTEMPTS from the environment");
	env_set("PORT_ACM_CONNECT_TIMEOUT_SECONDS", "0");
	ok(load("request", "--domain-name=a.example.com", NULL) ==
	            CONFIG_ERROR &&
	        has(buf_str(&msg), "PORT_ACM_CONNECT_TIMEOUT_SECONDS"),
	    "connect timeout 0 refused, variable named");
	env_set("PORT_ACM_CONNECT_TIMEOUT_SECONDS", "");
	env_set("PORT_ACM_REQUEST_TIMEOUT_SECONDS", "601");
	ok(load("request", "--domain-name=a.example.com", NULL) == CONFIG_ERROR,
	    "request timeout 601 refused");
	env_set("PORT_ACM_REQUEST_TIMEOUT_SECONDS", NULL);
	env_set("AWS_MAX_ATTEMPTS", "0");
	ok(load("request", "--domain-name=a.example.com", NULL) == CONFIG_ERROR,
	    "AWS_MAX_ATTEMPTS 0 refused");
	env_set("AWS_MAX_ATTEMPTS", "99999999999999999999999");
	ok(load("request", "--domain-name=a.example.com", NULL) == CONFIG_ERROR,
	    "AWS_MAX_ATTEMPTS overflow refused");
	env_set("AWS_MAX_ATTEMPTS", NULL);

	ok(load("request", "--domain-name=a.example.com", NULL) == CONFIG_OK &&
	        c.dns_server[0] == '\0',
	    "PORT_ACM_DNS_SERVER unset: the system's resolvers");
	env_set("PORT_ACM_DNS_SERVER", "127.0.0.1:5353");
	ok(load("request", "--domain-name=a.example.com", NULL) == CONFIG_OK,
	    "PORT_ACM_DNS_SERVER host:port taken");
	is_str(c.dns_server, "127.0.0.1:5353", "... as given");
	env_set("PORT_ACM_DNS_SERVER", "[2001:db8::53]");
	ok(load("request", "--domain-name=a.example.com", NULL) == CONFIG_OK,
	    "PORT_ACM_DNS_SERVER IPv6 in brackets, no port: taken");
	const char *bad[] = {"dns.example.com:53", "127.0.0.1:53,10.0.0.1:53",
	    "127.0.0.1:0", "127.0.0.1:65536", "2001:db8::53", "[::1]x",
	    "127.0.0.1:"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		env_set("PORT_ACM_DNS_SERVER", bad[i]);
		ok(load("request", "--domain-name=a.example.com", NULL) ==
		            CONFIG_ERROR &&
		        has(buf_str(&msg), "PORT_ACM_DNS_SERVER"),
		    "PORT_ACM_DNS_SERVER %s refused, variable named", bad[i]);
	}
	env_set("PORT_ACM_DNS_SERVER", NULL);
}

static void
test_request_inputs(void)
{
	env_aws();
	load("request", "--domain-name=*.example.com", NULL);
	is_str(c.validation_method, "DNS", "validation method default DNS");
	is_str(c.domain_name, "*.example.com", "wildcard domain accepted");
	load("request", "--domain-name=a.example.com", "--validation-method",
	    "email", NULL);
	is_str(
	    c.validation_method, "EMAIL", "validation method email -> EMAIL");
	ok(load("request", "--domain-name=a.example.com", "--validation-method",
	       "HTTP", NULL) == CONFIG_ERROR,
	    "validation method HTTP refused");
	ok(load("request", "--domain-name", "$(id).example.com", NULL) ==
	        CONFIG_ERROR,
	    "domain with $( refused");
	ok(load("request", "--domain-name", "a.example.com\nb.example.com",
	       NULL) == CONFIG_ERROR,
	    "domain with a newline refused");
	ok(load("request", "--domain-name", "a.example.com.", NULL) ==
	        CONFIG_ERROR,
	    "domain with a trailing dot refused");
	ok(load("request", "--domain-name=a.example.com",
	       "--subject-alternative-names", "b.example.com, c.example.com",
	       "--tags", "team=platform,env=prod", "--key-algorithm",
	       "EC_prime256v1", "--export", "enabled", NULL) == CONFIG_OK,
	    "request with SANs, tags, key algorithm and export");
	ok(c.nsans == 2 && strcmp(c.sans[0], "b.example.com") == 0 &&
	        strcmp(c.sans[1], "c.example.com") == 0,
	    "SANs split and trimmed");
	ok(c.ntags == 2 && strcmp(c.tags[0].key, "team") == 0 &&
	        strcmp(c.tags[1].value, "prod") == 0,
	    "tags parsed");
	ok(strcmp(c.key_algorithm, "EC_prime256v1") == 0 &&
	        strcmp(c.export_option, "ENABLED") == 0,
	    "key algorithm and export canonical");
	ok(load("request", "--domain-name=a.example.com",
	       "--subject-alternative-names", "b.example.com,bad_name!",
	       NULL) == CONFIG_ERROR,
	    "bad SAN refused");
}

/* No byte below 0x20 or 0x7f: a raw LF in a message printed to stderr
 * starts a new line the runner parses for ::workflow-commands::. */
static int
clean(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static void
test_no_control_chars(void)
{
	env_aws();
	env_set("INPUT_OPERATION", "renew\n::error::pwned");
	ok(load(NULL) == CONFIG_ERROR && clean(buf_str(&msg)),
	    "bad INPUT_OPERATION: message has no raw control characters");
	env_set("INPUT_OPERATION", NULL);
	ok(load("renew\n::error::pwned", NULL) == CONFIG_ERROR &&
	        clean(buf_str(&msg)),
	    "bad argv operation: message has no raw control characters");
	ok(load("renew", "--x\n::error::pwned=1", NULL) == CONFIG_ERROR &&
	        clean(buf_str(&msg)),
	    "bad flag name: message has no raw control characters");
	ok(load("renew", "--port-client-secret\n::error::x=1", NULL) ==
	            CONFIG_ERROR &&
	        clean(buf_str(&msg)),
	    "secret-looking flag: message has no raw control characters");
	/* A Port user may control aws_region; renew ignores it for the
	 * ARN's region but must not echo it raw (main.c logs the note). */
	env_set("INPUT_AWS_REGION", "us-east-1\n::add-mask::x");
	ok(load("renew", "--certificate-arn", ARN_EUW1, NULL) == CONFIG_ERROR ||
	        clean(c.region_note),
	    "renew with a hostile aws_region: refused or never echoed raw");
	ok(clean(buf_str(&msg)), "...and the message is clean");
}

static void
test_free(void)
{
	env_aws();
	env_port();
	env_set("AWS_SESSION_TOKEN", "tok");
	load("request", "--domain-name=a.example.com",
	    "--subject-alternative-names", "b.example.com", "--tags", "k=v",
	    NULL);
	config_free(&c);
	ok(c.access_key_id == NULL && c.secret_access_key == NULL &&
	        c.session_token == NULL && c.port_client_id == NULL &&
	        c.port_client_secret == NULL && c.tags == NULL && c.nsans == 0,
	    "config_free releases and clears every owned field");
	config_free(&c);
	ok(1, "config_free twice is harmless");
	/* Failed loads leave owned memory too; valgrind sees the rest. */
	load("request", "--domain-name=a.example.com",
	    "--subject-alternative-names", "b.example.com,c.example.com,!!",
	    NULL);
	config_free(&c);
	ok(c.nsans == 0, "config_free after a partial SAN list");
}

int
main(void)
{
	test_help_version();
	test_operation();
	test_flags();
	test_secret_flags();
	test_precedence();
	test_context();
	test_region_from_arn();
	test_endpoint();
	test_credentials();
	test_port_enabled();
	test_port_fields_on_error();
	test_base_url();
	test_github();
	test_numbers();
	test_request_inputs();
	test_no_control_chars();

	if (psa_crypto_init() != PSA_SUCCESS) {
		ok(0, "psa_crypto_init");
		return done_testing();
	}
	test_idempotency();
	test_free();
	config_free(&c);
	buf_free(&msg);
	return done_testing();
}
