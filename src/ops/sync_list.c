#include "ops/sync_list.h"

#include <stdlib.h>

#include "base/http.h"
#include "ops/acm_list.h"

#define HELD_LOOK_MS 1000

void
sync_list_run(const struct sync_list_ops *ops)
{
	size_t max = ops->max ? ops->max : 1, i, k, n, held, room;
	/* Each unit's page and what ops->with adds: 2 x max items. */
	struct aws_json_item *it;
	struct pending {
		cJSON *params; /* owned until the batch's answers are read */
		size_t unit;
		size_t page; /* its item in it */
		size_t with; /* ops->with's item in it; 0: none */
	} * p;
	struct acm *acm;
	const char *token;
	long long due, first, now, at;

	if (max > HTTP_MAX_BATCH)
		max = HTTP_MAX_BATCH;
	it = calloc(2 * max, sizeof(*it));
	p = calloc(max, sizeof(*p));
	if (it == NULL || p == NULL)
		max = 0; /* out of memory: every unit stops below */
	for (;;) {
		/* The unit due first, and whether a page is held. */
		ops->feed(ops->ctx);
		first = -1;
		held = 0;
		for (i = 0; i < ops->n; i++) {
			if (ops->held(ops->ctx, i)) {
				held++;
				continue;
			}
			if (ops->pending(ops->ctx, i, &acm, &token, &due) &&
			    (first < 0 || due < first))
				first = due;
		}
		if (first < 0 && !held)
			break;
		/* At most max pages held at once (memory: a page is up to
		 * 1,000 summaries); while max are, no unit is asked. A held
		 * page ends the wait as soon as it can go on (its tags are
		 * in, Port has room); a second at most, to look again. */
		room = held < max ? max - held : 0;
		at = held ? http_now_ms() + HELD_LOOK_MS : first;
		if (first >= 0 && room > 0 && first < at)
			at = first;
		if (max == 0 || ops->wait(ops->ctx, at) != 0) {
			for (i = 0; i < ops->n; i++)
				if (ops->held(ops->ctx, i) ||
				    ops->pending(
				        ops->ctx, i, &acm, &token, &due))
					ops->stopped(ops->ctx, i);
			break;
		}
		if (first < 0 || room == 0 || http_now_ms() < first)
			continue; /* only the held pages were waited for */
		/* Every unit due now, up to max, with what ops->with adds
		 * to each: one batch. */
		now = http_now_ms();
		for (i = 0, k = 0, n = 0; i < ops->n && k < room; i++) {
			if (!ops->pending(ops->ctx, i, &acm, &token, &due) ||
			    due > now)
				continue;
			p[k].params = acm_list_params(token);
			p[k].unit = i;
			p[k].page = n;
			it[n++] = acm_list_item(acm, p[k].params);
			p[k].with = 0;
			if (ops->with && ops->with(ops->ctx, i, k, &it[n]))
				p[k].with = n++;
			k++;
		}
		aws_json_call_many(it, n, n);
		for (i = 0; i < k; i++) {
			struct aws_json_item *pg = &it[p[i].page];

			if (p[i].with)
				ops->took(
				    ops->ctx, p[i].unit, i, &it[p[i].with]);
			if (p[i].params == NULL && pg->rc == 0) {
				/* acm_list_params ran out of memory: the
				 * answer is not the page asked for. */
				cJSON_Delete(pg->out);
				pg->out = NULL;
				pg->rc =
				    aws_error_local(&pg->err, "out of memory");
			}
			if (pg->rc != 0) {
				cJSON_Delete(pg->out);
				pg->out = NULL;
			}
			ops->page(ops->ctx, p[i].unit, now, pg->out,
			    &pg->err); /* hands out over */
			cJSON_Delete(p[i].params);
			p[i].params = NULL;
		}
	}
	free(it);
	free(p);
}
