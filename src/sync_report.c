#include "sync_report.h"

#include "md.h"

static const char *
str_of(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : "";
}

void
sync_report_names(
    struct buf *list, const cJSON *arr, const char *third, size_t max)
{
	const cJSON *o;
	size_t j = 0;

	buf_reset(list);
	cJSON_ArrayForEach(o, arr)
	{
		if (j++ >= max)
			break;
		buf_puts(list, j > 1 ? "; " : "");
		md_text(list, str_of(o, "domain"));
		buf_puts(list, " (");
		md_text(list, str_of(o, "region"));
		buf_puts(list, ", ");
		md_text(list, str_of(o, third));
		buf_puts(list, ")");
	}
}
