/*
 * fuzz_context: context_parse on arbitrary text.
 *
 * Checks beyond "no crash": the result is deterministic, err is a
 * NUL-terminated message whenever the parse fails, and on success
 * every field is NUL-terminated inside its array and the entity kind
 * is one of the enum values.
 *
 * Requires: src/input/context.c src/base/buf.c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "input/context.h"

static void
check(const struct port_context *c)
{
	if (!TERMINATED(c->run_id) || !TERMINATED(c->entity_identifier) ||
	    !TERMINATED(c->entity_title) || !TERMINATED(c->entity_blueprint) ||
	    !TERMINATED(c->entity_arn) || !TERMINATED(c->entity_domain_name) ||
	    !TERMINATED(c->trigger_user))
		abort();
	if (c->entity_kind != CONTEXT_ENTITY_NONE &&
	    c->entity_kind != CONTEXT_ENTITY_ID &&
	    c->entity_kind != CONTEXT_ENTITY_OBJECT)
		abort();
	if (c->entity_kind == CONTEXT_ENTITY_NONE &&
	    c->entity_identifier[0] != '\0')
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct port_context a, b;
	char ea[256], eb[256];
	char *text;
	int ra, rb;

	if (size > CONTEXT_MAX_BYTES + 16)
		return 0;
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&a, 0xa5, sizeof(a));
	memset(&b, 0x5a, sizeof(b));
	memset(ea, 'x', sizeof(ea));
	memset(eb, 'y', sizeof(eb));
	ra = context_parse(text, &a, ea, sizeof(ea));
	rb = context_parse(text, &b, eb, sizeof(eb));
	if ((ra != 0 && ra != -1) || ra != rb)
		abort();
	if (ra == 0) {
		check(&a);
		check(&b);
		if (strcmp(a.run_id, b.run_id) != 0 ||
		    strcmp(a.entity_identifier, b.entity_identifier) != 0 ||
		    strcmp(a.entity_arn, b.entity_arn) != 0 ||
		    a.entity_kind != b.entity_kind)
			abort();
	} else {
		if (!TERMINATED(ea) || ea[0] == '\0' || strcmp(ea, eb) != 0)
			abort();
	}
	free(text);
	return 0;
}
