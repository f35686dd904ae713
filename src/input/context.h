/*
 * context: the port_context JSON that Port dispatches to the workflow.
 *
 * Pure: parses text into a fixed-size struct, no I/O. Accepts runId or
 * run_id (also nested under "context" as older guides show); entity may
 * be absent, {}, a bare identifier string or a full entity object;
 * unknown keys are ignored.
 *
 * Return convention: 0 on success, -1 when the text is not acceptable;
 * err then names what is wrong (always NUL-terminated).
 */
#ifndef PORT_ACM_CONTEXT_H
#define PORT_ACM_CONTEXT_H

#include <stddef.h>

#define CONTEXT_MAX_BYTES (256 * 1024)

enum context_entity {
	CONTEXT_ENTITY_NONE,   /* absent, null or {} */
	CONTEXT_ENTITY_ID,     /* a bare identifier string */
	CONTEXT_ENTITY_OBJECT, /* an object with at least an identifier */
};

struct port_context {
	char run_id[129]; /* "" when absent */
	enum context_entity entity_kind;
	char entity_identifier[1001]; /* "" when absent */
	char entity_title[1001];
	char entity_blueprint[401];   /* entity.blueprint or top-level
	                               * blueprint: 100 characters of UTF-8 */
	char entity_arn[2049];        /* entity.properties.arn, "" if absent */
	char entity_domain_name[254]; /* entity.properties.domainName */
	char trigger_user[321];       /* trigger.by.email / user, if any */
};

/* text may be NULL or "" (no context: all fields empty, returns 0). */
int context_parse(
    const char *text, struct port_context *out, char *err, size_t errlen);

#endif
