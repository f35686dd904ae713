/*
 * bulk_answer: what Port's answers to bulk entity writes say of each
 * entity (port-api.md §5.1, §5.2), read apart from bulk.c's transfers so
 * that they can be tested and fuzzed without a network
 * (tests/fuzz/fuzz_port_answers.c).
 */
#ifndef PORT_ACM_BULK_ANSWER_H
#define PORT_ACM_BULK_ANSWER_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* What a 200/207 answer to a bulk upsert says of one entity. */
enum bulk_verdict {
	BULK_UNANSWERED, /* in neither list: a failure */
	BULK_WRITTEN,    /* in `entities` */
	BULK_REFUSED,    /* in `errors` (and not in `entities`) */
};

struct bulk_answer {
	enum bulk_verdict verdict;
	long status;        /* BULK_REFUSED: Port's statusCode, 0 if none */
	const char *reason; /* BULK_REFUSED: Port's message, borrowed from
	                     * the answer; NULL when it gave none */
};

/* Pure. Reads an answer (resp) to an upsert of n entities, entity by
 * entity by `index` (port-api.md §5.1): out[i] for the i-th (n of
 * them). An index out of range is ignored; `entities` wins over
 * `errors`, and the first error naming an entity decides. refused (room
 * for n) gets the refused indexes in the order Port listed them,
 * *nrefused how many. */
void bulk_read_upsert(const cJSON *resp, size_t n, struct bulk_answer *out,
    size_t *refused, size_t *nrefused);
/* Pure. Whether an answer (resp) to a bulk delete names id in
 * deletedEntities. */
int bulk_read_delete(const cJSON *resp, const char *id);

#endif
