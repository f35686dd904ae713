/* Unit tests for sync_index.c: the catalog index and the memo renewal
 * readiness keeps per entity (issue 18): what it reads from an entity's
 * properties, and the records packed compactly. */
#include <stdlib.h>
#include <string.h>

#include "ops/sync_index.h"
#include "tap.h"

static const char props_json[] =
    "{\"status\":\"ISSUED\",\"type\":\"AMAZON_ISSUED\","
    "\"renewalEligibility\":\"ELIGIBLE\",\"validationMethod\":\"DNS\","
    "\"inUse\":true,\"expirationDate\":\"2027-03-04T05:06:07Z\","
    "\"inUseBy\":[\"arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/"
    "app/a/1\",\"arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/"
    "b/2\",\"arn:aws:cloudfront::1:distribution/E1\",\"x\",7],"
    "\"validationRecords\":[{\"name\":\"_a.example.com.\",\"type\":"
    "\"CNAME\",\"value\":\"_b.acm-validations.aws.\"},{\"name\":\"\","
    "\"type\":\"CNAME\",\"value\":\"_c.\"},{\"name\":\"_d.example.com.\","
    "\"type\":\"TXT\",\"value\":\"x\"},\"junk\",{\"name\":\"_e.example.com."
    "\",\"type\":\"CNAME\",\"value\":\"_f.acm-validations.aws.\"}]}";

int
main(void)
{
	struct sync_memo m;
	struct sync_index x = {0};
	struct sync_known *k = NULL, *k2 = NULL;
	cJSON *p = cJSON_Parse(props_json), *empty = cJSON_CreateObject();
	const char *r;

	ok(p && sync_index_memo(p, &m) == 0, "memo of a detail-synced entity");
	ok(m.status == config_status_index("ISSUED") &&
	        m.type == MEMO_TYPE_AMAZON && m.eligible == MEMO_ELIGIBLE &&
	        m.method == MEMO_METHOD_DNS && m.in_use_flag == 2 && m.known,
	    "status, type, eligibility, method, inUse read");
	ok(m.not_after == 1804136767LL, "expirationDate to epoch seconds");
	ok(m.in_use[MEMO_USE_LB] == 2 && m.in_use[MEMO_USE_CLOUDFRONT] == 1 &&
	        m.in_use[MEMO_USE_OTHER] == 1 && m.in_use[MEMO_USE_API] == 0,
	    "inUseBy counted by kind (a non-string left out)");
	ok(m.nrecords == 2, "only CNAMEs with a name and a value kept");
	r = m.records;
	ok(r && strcmp(r, "_a.example.com.") == 0 &&
	        strcmp(r + strlen(r) + 1, "_b.acm-validations.aws.") == 0,
	    "records packed name\\0value\\0");
	free(m.records);
	ok(sync_index_memo(empty, &m) == 0 && !m.known && m.status == -1 &&
	        m.type == 0 && m.not_after == 0 && m.records == NULL,
	    "an entity without them: nothing known (it will be described)");
	cJSON_AddStringToObject(
	    empty, "expirationDate", "2027-03-04T05:06:07.000Z");
	ok(sync_index_memo(empty, &m) == 0 && m.not_after == 0,
	    "another date form reads as none (described, never reused "
	    "wrongly)");
	ok(sync_index_use_kind(
	       "arn:aws:apigateway:eu-west-1::/domainnames/a") ==
	            MEMO_USE_API &&
	        sync_index_use_kind("arn") == MEMO_USE_OTHER &&
	        sync_index_use_kind("arn:aws:elasticloadbalancingx:r:1:x") ==
	            MEMO_USE_OTHER,
	    "use kind by the ARN's service field, exactly");
	ok(sync_index_insert(&x, "a", 1, 1, &k) == 0 && k && k->unit == 1 &&
	        k->synced && k->memo.status == -1,
	    "insert returns the new entry");
	ok(sync_index_memo(p, &k->memo) == 0, "memo into the index");
	ok(sync_index_insert(&x, "a", 2, 0, &k2) == 0 && k2 == k &&
	        sync_index_lookup(&x, "a") == k && k->unit == 1,
	    "a second insert returns the first entry unchanged");
	sync_index_free(&x); /* frees the memo's records (valgrind, ASan) */
	cJSON_Delete(p);
	cJSON_Delete(empty);
	return done_testing();
}
