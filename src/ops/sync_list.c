#include "ops/sync_list.h"

#include <stdlib.h>

#include "base/http.h"
#include "ops/acm_list.h"

#define HELD_LOOK_MS 1000

void
sync_list_run(const struct sync_list_ops *ops)
{
	size_t max = ops->max ? ops->max : 1, i, k, held, room;
	struct acm_call *calls;
	struct pending {
		cJSON *params; /* owned until the batch's answers are read */
		size_t unit;
	} * p;
	struct acm *acm;
	const char *token;
	long long due, first, now, at;

	if (max > HTTP_MAX_BATCH)
		max = HTTP_MAX_BATCH;
	calls = calloc(max, sizeof(*calls));
	p = calloc(max, sizeof(*p));
	if (calls == NULL || p == NULL)
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
		/* Every unit due now, up to max: one batch. */
		now = http_now_ms();
		for (i = 0, k = 0; i < ops->n && k < room; i++) {
			if (!ops->pending(ops->ctx, i, &acm, &token, &due) ||
			    due > now)
				continue;
			p[k].params = acm_list_params(token);
			p[k].unit = i;
			calls[k] =
			    (struct acm_call){acm, p[k].params, NULL, {0}, -1};
			k++;
		}
		acm_call_many(calls, k, max);
		for (i = 0; i < k; i++) {
			if (p[i].params == NULL && calls[i].rc == 0) {
				/* acm_list_params ran out of memory: the
				 * answer is not the page asked for. */
				cJSON_Delete(calls[i].out);
				calls[i].out = NULL;
				calls[i].rc = -1;
				calls[i].err.kind = AWS_ERR_LOCAL;
				str_copy(calls[i].err.message,
				    sizeof(calls[i].err.message),
				    "out of memory");
			}
			if (calls[i].rc != 0) {
				cJSON_Delete(calls[i].out);
				calls[i].out = NULL;
			}
			ops->page(ops->ctx, p[i].unit, now, calls[i].out,
			    &calls[i].err); /* hands out over */
			cJSON_Delete(p[i].params);
			p[i].params = NULL;
		}
	}
	free(calls);
	free(p);
}
