/* Unit tests for sync_report.c: every refused entity named, grouped by
 * reason (issue 16, defect 22). */
#include <string.h>

#include "ops/sync_report.h"
#include "tap.h"

int
main(void)
{
	struct sync_refusals r = {0};
	struct buf lines = {0};
	cJSON *g, *first;
	char id[32];
	int i;

	sync_refusals_add(&r, 0, "arn:a", 422, "bad value");
	sync_refusals_add(&r, 0, "arn:b", 422, "bad value");
	sync_refusals_add(&r, 1, "arn:c", 403, "forbidden");
	sync_refusals_add(&r, 0, "arn:d", 403, "bad value");
	sync_refusals_log(&r, &lines, 20);
	is_str(buf_str(&lines),
	    "Port refused to write 2 entities (HTTP 422: bad value): arn:a, "
	    "arn:b\n"
	    "Port refused to delete 1 entity (HTTP 403: forbidden): arn:c\n"
	    "Port refused to write 1 entity (HTTP 403: bad value): arn:d",
	    "defect 22: every refused entity named, grouped by action, status "
	    "and reason");
	for (i = 0; i < 30; i++) {
		snprintf(id, sizeof(id), "arn:x%d", i);
		sync_refusals_add(&r, 0, id, 500, "a | b");
	}
	sync_refusals_log(&r, &lines, 3);
	ok(strstr(buf_str(&lines),
	       "(HTTP 500: a \\| b): arn:x0, arn:x1, arn:x2 and 27 more (see "
	       "sync_report)") != NULL,
	    "defect 22: the log caps a group with the count of the rest");
	g = sync_refusals_take(&r);
	first = cJSON_GetArrayItem(g, 0);
	ok(cJSON_GetArraySize(g) == 4 && r.n == 34 &&
	        cJSON_GetNumberValue(cJSON_GetObjectItem(first, "count")) ==
	            2 &&
	        cJSON_GetArraySize(cJSON_GetObjectItem(
	            cJSON_GetArrayItem(g, 3), "entities")) == 30,
	    "defect 22: sync_report gets every entity of every group");
	cJSON_Delete(g);
	g = sync_refusals_take(&r);
	ok(cJSON_IsArray(g) && cJSON_GetArraySize(g) == 0,
	    "none refused: an empty list");
	cJSON_Delete(g);
	sync_refusals_free(&r);
	buf_free(&lines);

	/* defect 23: the soonest, not the first listed, sorted. */
	{
		cJSON *list = cJSON_CreateArray(), *o;
		double t;
		int sorted = 1;

		for (i = 0; i < 50; i++) {
			o = cJSON_CreateObject();
			cJSON_AddNumberToObject(
			    o, "notAfter", 1000 - i * 7 % 50);
			cJSON_AddNumberToObject(o, "i", i);
			sync_report_keep_soonest(list, o, 10);
		}
		ok(cJSON_GetArraySize(list) == 10,
		    "defect 23: at most max kept");
		ok(sync_report_sort_soonest(list) == 0, "sorted");
		t = -1;
		cJSON_ArrayForEach(o, list)
		{
			double v = cJSON_GetNumberValue(
			    cJSON_GetObjectItem(o, "notAfter"));

			sorted &= v >= t;
			t = v;
		}
		ok(sorted && t == 1000 - 40 &&
		        cJSON_GetNumberValue(cJSON_GetObjectItem(
		            cJSON_GetArrayItem(list, 0), "notAfter")) == 951,
		    "defect 23: the 10 soonest of 50, soonest first (last %g)",
		    t);
		cJSON_Delete(list);
	}
	return done_testing();
}
