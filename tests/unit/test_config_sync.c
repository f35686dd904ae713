/*
 * Unit tests for sync's inputs (inputs.c, rules.c): regions, accounts,
 * shards, concurrency, tags and health inputs, with the table-backed
 * environment of config_env.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "config_env.h"
#include "input/config.h"
#include "input/inputs.h"
#include "tap.h"

static void
test_sync(void)
{
	env_aws();
	ok(load("sync", NULL) == CONFIG_OK && c.op == OP_SYNC &&
	        c.nregions == 1 && strcmp(c.regions[0], "us-east-1") == 0 &&
	        strcmp(c.region, "us-east-1") == 0,
	    "sync: regions default to AWS_REGION");
	ok(!c.delete_stale && !c.dry_run && !c.include_details &&
	        c.stale_threshold_percent == 50 && c.skip_statuses == 0 &&
	        strcmp(c.blueprint, "acmCertificate") == 0,
	    "sync: defaults (no deletion, 50 percent, acmCertificate)");
	env_set("INPUT_OPERATION", "SYNC");
	env_set("INPUT_REGIONS", " eu-west-1,\nus-east-1 ,eu-west-1\n\n");
	ok(load(NULL) == CONFIG_OK && c.op == OP_SYNC && c.nregions == 2 &&
	        strcmp(c.regions[0], "eu-west-1") == 0 &&
	        strcmp(c.regions[1], "us-east-1") == 0 &&
	        strcmp(c.region, "eu-west-1") == 0,
	    "sync: regions input, comma/newline list, trimmed, de-duplicated");
	env_set("INPUT_SKIP_STATUSES", "failed,INACTIVE\nVALIDATION_TIMED_OUT");
	env_set("INPUT_DELETE_STALE", "true");
	env_set("INPUT_DRY_RUN", "true");
	env_set("INPUT_STALE_THRESHOLD_PERCENT", "10");
	ok(load(NULL) == CONFIG_OK && c.delete_stale && c.dry_run &&
	        c.stale_threshold_percent == 10 &&
	        c.skip_statuses ==
	            ((1u << config_status_index("FAILED")) |
	                (1u << config_status_index("INACTIVE")) |
	                (1u << config_status_index("VALIDATION_TIMED_OUT"))),
	    "sync: skip_statuses (any case), delete_stale, dry_run, threshold");
	env_set("INPUT_STALE_THRESHOLD_PERCENT", "101");
	ok(load(NULL) == CONFIG_ERROR &&
	        has(buf_str(&msg), "stale_threshold_percent"),
	    "sync: threshold above 100 refused");
	env_set("INPUT_STALE_THRESHOLD_PERCENT", NULL);
	env_set("INPUT_SKIP_STATUSES", "ISSUED,EXPIRING");
	ok(load(NULL) == CONFIG_ERROR && has(buf_str(&msg), "EXPIRING") &&
	        has(buf_str(&msg), "VALIDATION_TIMED_OUT"),
	    "sync: an unknown status is refused, naming the valid ones");
	env_set("INPUT_SKIP_STATUSES", NULL);
	ok(load(NULL) == CONFIG_OK && c.fail_on_expiring == 0 &&
	        !c.fail_on_expired && !c.fail_on_failed &&
	        strcmp(c.owner_tag_key, "owner") == 0 &&
	        strcmp(c.team_tag_key, "team") == 0,
	    "sync: fail_on off, owner/team tag keys default");
	env_set("INPUT_FAIL_ON", "FAILED,\nexpiring:14, expired");
	env_set("INPUT_OWNER_TAG_KEY", "cost:owner");
	ok(load(NULL) == CONFIG_OK && c.fail_on_expiring == 14 &&
	        c.fail_on_expired && c.fail_on_failed &&
	        strcmp(c.owner_tag_key, "cost:owner") == 0,
	    "sync: fail_on list (any case), owner_tag_key");
	env_set("INPUT_OWNER_TAG_KEY", NULL);
	env_set("INPUT_FAIL_ON", "at_risk");
	ok(load(NULL) == CONFIG_ERROR && has(buf_str(&msg), "include_details"),
	    "sync: fail_on at_risk refused without include_details");
	env_set("INPUT_INCLUDE_DETAILS", "true");
	ok(load(NULL) == CONFIG_OK && c.fail_on_at_risk && c.sync_route53 &&
	        !c.need_route53,
	    "sync: fail_on at_risk with include_details; Route 53 read only");
	env_set("INPUT_DNS_ROLE_ARN", "arn:aws:iam::123456789012:role/dns");
	ok(load(NULL) == CONFIG_OK &&
	        strcmp(c.dns_role_arn, "arn:aws:iam::123456789012:role/dns") ==
	            0,
	    "sync: dns_role_arn taken with include_details (readiness)");
	env_set("INPUT_INCLUDE_DETAILS", NULL);
	env_set("INPUT_FAIL_ON", NULL);
	ok(load(NULL) == CONFIG_ERROR && has(buf_str(&msg), "include_details"),
	    "sync: dns_role_arn without include_details refused, saying so");
	env_set("INPUT_DNS_ROLE_ARN", NULL);
	env_set("INPUT_INCLUDE_DETAILS", "true");
	env_set("INPUT_HOSTED_ZONE_ID", "Z123");
	ok(load(NULL) == CONFIG_ERROR && has(buf_str(&msg), "hosted_zone_id"),
	    "sync: hosted_zone_id still refused (readiness finds each zone)");
	env_set("INPUT_HOSTED_ZONE_ID", NULL);
	env_set("INPUT_INCLUDE_DETAILS", NULL);
	env_set("INPUT_FAIL_ON", "expiring:366");
	ok(load(NULL) == CONFIG_ERROR && has(buf_str(&msg), "expiring"),
	    "sync: fail_on expiring:N above 365 refused");
	env_set("INPUT_FAIL_ON", NULL);
	env_set("INPUT_TEAM_TAG_KEY", "a\x01b");
	ok(load(NULL) == CONFIG_ERROR && has(buf_str(&msg), "team_tag_key"),
	    "sync: a team_tag_key AWS would not allow is refused");
	env_set("INPUT_TEAM_TAG_KEY", NULL);
	env_set("INPUT_REGIONS", "eu-west-1,Moon");
	ok(load(NULL) == CONFIG_ERROR && has(buf_str(&msg), "regions"),
	    "sync: an invalid region is refused");
	env_set("INPUT_REGIONS", " , \n");
	ok(load(NULL) == CONFIG_ERROR && has(buf_str(&msg), "regions"),
	    "sync: an empty region list is refused");
	env_set("INPUT_REGIONS", NULL);
	env_set("AWS_REGION", NULL);
	ok(load(NULL) == CONFIG_ERROR && has(buf_str(&msg), "no AWS region"),
	    "sync: no region at all is refused");
	env_aws();
	env_set("INPUT_ACCOUNTS", "111111111111,\n222222222222, 111111111111");
	env_set("INPUT_ACCOUNT_ROLE_NAME", "port-acm-sync");
	ok(load("sync", NULL) == CONFIG_OK && c.naccounts == 2 &&
	        strcmp(c.accounts[0], "111111111111") == 0 &&
	        strcmp(c.accounts[1], "222222222222") == 0 &&
	        strcmp(c.account_role_name, "port-acm-sync") == 0,
	    "sync: accounts listed, de-duplicated, with account_role_name");
	env_set("INPUT_ACCOUNTS", " Organization\n");
	env_set("INPUT_ORGANIZATION_ROLE_ARN",
	    "arn:aws:iam::111111111111:role/org-read");
	ok(load("sync", NULL) == CONFIG_OK && c.accounts_org &&
	        c.naccounts == 0 &&
	        strcmp(c.organization_role_arn,
	            "arn:aws:iam::111111111111:role/org-read") == 0,
	    "sync: accounts organization with organization_role_arn");
	env_set("INPUT_ACCOUNTS", "111111111111");
	ok(load("sync", NULL) == CONFIG_ERROR &&
	        has(buf_str(&msg), "organization_role_arn"),
	    "sync: organization_role_arn only with accounts organization");
	env_set("INPUT_ORGANIZATION_ROLE_ARN", NULL);
	env_set("INPUT_ACCOUNT_ROLE_NAME", NULL);
	ok(load("sync", NULL) == CONFIG_ERROR &&
	        has(buf_str(&msg), "account_role_name"),
	    "sync: accounts without account_role_name refused");
	env_set("INPUT_ACCOUNT_ROLE_NAME", "arn:aws:iam::1:role/x");
	ok(load("sync", NULL) == CONFIG_ERROR &&
	        has(buf_str(&msg), "IAM role name"),
	    "sync: an ARN is not a role name");
	env_set("INPUT_ACCOUNT_ROLE_NAME", "port-acm-sync");
	env_set("INPUT_ACCOUNTS", "11111111111x");
	ok(load("sync", NULL) == CONFIG_ERROR &&
	        has(buf_str(&msg), "12 digits"),
	    "sync: a malformed account id refused");
	env_set("INPUT_ACCOUNTS", NULL);
	ok(load("sync", NULL) == CONFIG_ERROR &&
	        has(buf_str(&msg), "accounts is not"),
	    "sync: account_role_name without accounts refused");
	env_set("INPUT_ACCOUNT_ROLE_NAME", NULL);
	env_aws();
	env_port();
	ok(load("sync", NULL) == CONFIG_OK && c.port_enabled && !c.run_id[0],
	    "sync: Port credentials without a run id still write the catalog");
	is_str(config_op_name(OP_SYNC), "sync", "config_op_name(OP_SYNC)");
	ok(config_status_index("REVOKED") >= 0 &&
	        strcmp(config_status_name(config_status_index("REVOKED")),
	            "REVOKED") == 0 &&
	        config_status_index("revoked") < 0,
	    "config_status_index/name round trip");
}

int
main(void)
{
	test_sync();
	config_free(&c);
	buf_free(&msg);
	return done_testing();
}
