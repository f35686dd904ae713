/*
 * Unit tests for the pure parts of sts.c and creds.c: STS's XML answers
 * (AWS's own samples, aws-credentials.md §4.3/§4.4), the form encoding
 * of the query protocol, RoleSessionName sanitising, ISO 8601 times,
 * and refresh timing of a struct creds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sts.h"
#include "creds/creds.h"
#include "input/validate_arn.h"
#include "tap.h"

static const char assume_role_sample[] =
    "<?xml version=\"1.0\"?>\n"
    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/"
    "\">\n  <AssumeRoleResult>\n  <SourceIdentity>Alice</SourceIdentity>\n"
    "    <AssumedRoleUser>\n"
    "      <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>\n"
    "      <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>\n"
    "    </AssumedRoleUser>\n    <Credentials>\n"
    "      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>\n"
    "      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
    "</SecretAccessKey>\n      <SessionToken>\n"
    "       "
    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW\n"
    "       "
    "LWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGd\n"
    "       "
    "+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==\n"
    "      </SessionToken>\n"
    "      <Expiration>2019-11-09T13:34:41Z</Expiration>\n"
    "    </Credentials>\n    <PackedPolicySize>6</PackedPolicySize>\n"
    "  </AssumeRoleResult>\n  <ResponseMetadata>\n"
    "    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n"
    "  </ResponseMetadata>\n</AssumeRoleResponse>\n";

static void
test_parse(void)
{
	struct aws_credentials v;
	char arn[256], err[256];
	const char *missing =
	    "<AssumeRoleWithWebIdentityResponse><"
	    "AssumeRoleWithWebIdentityResult>"
	    "<Credentials><AccessKeyId>A</AccessKeyId></Credentials>"
	    "</AssumeRoleWithWebIdentityResult>"
	    "</AssumeRoleWithWebIdentityResponse>";

	ok(sts_parse_credentials(assume_role_sample, strlen(assume_role_sample),
	       &v, arn, sizeof(arn), err, sizeof(err)) == 0,
	    "AWS's AssumeRole sample parses");
	is_str(v.access_key_id, "ASIAIOSFODNN7EXAMPLE", "AccessKeyId");
	is_str(v.secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
	    "SecretAccessKey");
	is_str(v.session_token,
	    "AQoDYXdzEPT//////////"
	    "wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRX"
	    "mxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/"
	    "kMcGd+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/"
	    "oLxBA==",
	    "SessionToken wrapped over lines joined");
	ok(v.expires == 1573306481, "Expiration");
	is_str(arn, "arn:aws:sts::123456789012:assumed-role/demo/TestAR",
	    "AssumedRoleUser.Arn");
	aws_credentials_wipe(&v);
	ok(v.access_key_id == NULL && v.session_token == NULL, "wiped");
	ok(sts_parse_credentials(
	       missing, strlen(missing), &v, NULL, 0, err, sizeof(err)) != 0 &&
	        strstr(err, "lacks") && v.access_key_id == NULL,
	    "missing members refused: %s", err);
	ok(sts_parse_credentials("<a>", 3, &v, NULL, 0, err, sizeof(err)) != 0,
	    "broken XML refused: %s", err);
}

static void
test_form(void)
{
	struct buf b = {0};
	char s[80];

	sts_form_add(&b, "Action", "AssumeRole");
	sts_form_add(
	    &b, "RoleArn", "arn:aws:iam::123456789012:role/dns validation");
	sts_form_add(&b, "X", "a~b_c-d.e+f=g/h");
	is_str(buf_str(&b),
	    "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%"
	    "3Arole%"
	    "2Fdns%20validation&X=a~b_c-d.e%2Bf%3Dg%2Fh",
	    "query encoding: only unreserved characters stay");
	buf_free(&b);
	validate_session_name("port-acm-123-1", s, sizeof(s));
	is_str(s, "port-acm-123-1", "session name kept");
	validate_session_name("a b/c:d@e,f=g+h", s, sizeof(s));
	is_str(s, "a-b-c-d@e,f=g+h", "session name sanitised");
	validate_session_name("x", s, sizeof(s));
	is_str(s, "port-acm", "too short: port-acm");
	validate_session_name(
	    "01234567890123456789012345678901234567890123456789012"
	    "345678901234567890",
	    s, sizeof(s));
	ok(strlen(s) == 64, "cut to 64");
}

static void
test_times(void)
{
	ok(aws_parse_iso8601("2026-12-02T14:05:00Z") == 1796220300, "Z");
	ok(aws_parse_iso8601("2026-12-02T14:05:00.123Z") == 1796220300,
	    "fraction");
	ok(aws_parse_iso8601("2026-12-02T14:05:00+00:00") == 1796220300,
	    "+00:00");
	ok(aws_parse_iso8601("2026-12-02 14:05:00") == -1, "no T: refused");
	ok(aws_parse_iso8601("2026-12-02T14:05:00+02:00") == -1,
	    "other offsets refused");
}

static int fetches;

static int
fake_fetch(void *arg, time_t now, struct aws_credentials *out, char *err,
    size_t errlen)
{
	char id[32];

	(void)arg;
	(void)err;
	(void)errlen;
	snprintf(id, sizeof(id), "ASIA%d", ++fetches);
	out->access_key_id = strdup(id);
	out->secret_access_key = strdup("secret");
	out->session_token = strdup("token");
	out->expires = now + 900;
	return 0;
}

static void
test_refresh(void)
{
	struct creds *c = creds_new_source(fake_fetch, NULL, NULL, "test");
	const struct aws_credentials *v;
	char err[64];
	time_t t0 = 1796220300;

	v = creds_get(c, t0, err, sizeof(err));
	ok(v && fetches == 1, "first use fetches");
	v = creds_get(c, t0 + 900 - CREDS_REFRESH_S - 1, err, sizeof(err));
	ok(v && fetches == 1 && strcmp(v->access_key_id, "ASIA1") == 0,
	    "kept while more than 5 min remain");
	v = creds_get(c, t0 + 900 - CREDS_REFRESH_S, err, sizeof(err));
	ok(v && fetches == 2 && strcmp(v->access_key_id, "ASIA2") == 0,
	    "refreshed 5 min before expiry");
	ok(strstr(creds_describe(c), "test, expiring ") != NULL,
	    "describe says when: %s", creds_describe(c));
	creds_free(c);
}

int
main(void)
{
	test_parse();
	test_form();
	test_times();
	test_refresh();
	return done_testing();
}
