/*
 * acm_list: ListCertificates pages and summaries (the pure parts of
 * op_sync's listing, issue 16 defect 2 and item 24).
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "ops/acm_list.h"
#include "tap.h"

#define ARN_EU "arn:aws:acm:eu-west-1:123456789012:certificate/1"

static void
test_page(void)
{
	struct buf next = {0};
	const cJSON *list = (const cJSON *)1;
	char why[512];
	cJSON *r;

	r = cJSON_Parse(
	    "{\"CertificateSummaryList\":[{}],\"NextToken\":\"t2\"}");
	ok(acm_list_page(r, "eu-west-1", 1, &list, &next, why, sizeof(why)) ==
	            0 &&
	        cJSON_GetArraySize(list) == 1,
	    "a page with its list");
	is_str(buf_str(&next), "t2", "and its NextToken");
	cJSON_Delete(r);
	r = cJSON_Parse("{\"CertificateSummaryList\":[]}");
	ok(acm_list_page(r, "eu-west-1", 2, &list, &next, why, sizeof(why)) ==
	            0 &&
	        next.len == 0,
	    "the last page: an empty list, no token (the previous one reset)");
	cJSON_Delete(r);
	/* defect 2: an empty body or no list is not "no certificates". */
	ok(acm_list_page(
	       NULL, "eu-west-1", 1, &list, &next, why, sizeof(why)) == -1 &&
	        list == NULL &&
	        strstr(why, "eu-west-1 (page 1) without a "
	                    "CertificateSummaryList"),
	    "no answer: incomplete, saying where");
	r = cJSON_Parse("{\"CertificateSummaryList\":{},\"NextToken\":\"t\"}");
	ok(acm_list_page(r, "eu-west-1", 3, &list, &next, why, sizeof(why)) ==
	        -1,
	    "a list that is not an array: incomplete");
	cJSON_Delete(r);
	buf_free(&next);
}

/* The defect fuzz_list_pages' extraction found by reading: a valid ARN
 * of another region or account was skipped with a warning that printed
 * why uninitialised (validate_certificate_arn had succeeded and left it
 * alone), stack garbage into the run log and Port's run. */
static void
test_summary_of_another_region_says_why(void)
{
	struct arn a;
	char why[256];
	cJSON *s;

	s = cJSON_Parse("{\"CertificateArn\":\"" ARN_EU "\"}");
	ok(acm_list_summary(
	       s, "eu-west-1", "123456789012", &a, why, sizeof(why)) == 0 &&
	        strcmp(a.account, "123456789012") == 0,
	    "a summary of the region and account");
	ok(acm_list_summary(s, "eu-west-1", "", &a, why, sizeof(why)) == 0,
	    "any account when none is set");
	memset(why, 'X', sizeof(why));
	why[sizeof(why) - 1] = '\0';
	ok(acm_list_summary(s, "us-east-1", NULL, &a, why, sizeof(why)) == -1,
	    "another region: skipped");
	is_str(why, "CertificateArn " ARN_EU " is of region eu-west-1",
	    "saying which region, not stale bytes");
	memset(why, 'X', sizeof(why));
	why[sizeof(why) - 1] = '\0';
	ok(acm_list_summary(
	       s, "eu-west-1", "210987654321", &a, why, sizeof(why)) == -1,
	    "another account: skipped");
	is_str(why, "CertificateArn " ARN_EU " is of account 123456789012",
	    "saying which account");
	cJSON_Delete(s);
	s = cJSON_Parse("{\"CertificateArn\":7}");
	ok(acm_list_summary(s, "eu-west-1", NULL, &a, why, sizeof(why)) == -1 &&
	        why[0] != '\0',
	    "no ARN string: skipped, saying why");
	cJSON_Delete(s);
}

int
main(void)
{
	test_page();
	test_summary_of_another_region_says_why();
	return done_testing();
}
