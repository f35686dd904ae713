/*
 * xml: a tiny read-only DOM over libexpat, for AWS's XML answers (STS's
 * query protocol, Route 53's REST-XML), plus escaping for writers.
 *
 * Hostile input is expected: any DOCTYPE is refused (so no entity can
 * be declared, internal or external, and parameter entities are never
 * parsed), nesting is bounded by XML_MAX_DEPTH and the element count by
 * XML_MAX_NODES, and input longer than XML_MAX_INPUT is refused.
 * Element names are matched without their namespace prefix ("a:Error"
 * matches "Error"); attributes are dropped (AWS answers carry data in
 * elements only).
 */
#ifndef PORT_ACM_XML_H
#define PORT_ACM_XML_H

#include <stddef.h>

#include "base/buf.h"

#define XML_MAX_DEPTH 32
#define XML_MAX_NODES 100000
#define XML_MAX_INPUT (4 * 1024 * 1024)

struct xml_node {
	const char *name;        /* local name (after any "prefix:") */
	const char *text;        /* the element's own character data,
	                          * concatenated; "" when none */
	struct xml_node *child;  /* first child element, or NULL */
	struct xml_node *next;   /* next sibling element, or NULL */
	struct xml_node *parent; /* NULL for the root */
	struct xml_node *last;   /* last child, for appending */
	char *name_owned;        /* storage behind name */
	struct buf text_owned;   /* storage behind text */
};

/* Parses a whole document. 0 with *root set (caller frees with
 * xml_free), or -1 with err saying why (not well-formed, a DOCTYPE,
 * too deep, too many elements, too large, out of memory). */
int xml_parse(const char *data, size_t len, struct xml_node **root, char *err,
    size_t errlen);
void xml_free(struct xml_node *root);

/* First child element of n named name; NULL when none (or n NULL). */
const struct xml_node *xml_child(const struct xml_node *n, const char *name);
/* Text of xml_child(n, name); NULL when there is no such child. */
const char *xml_child_text(const struct xml_node *n, const char *name);
/* Follows a '/'-separated path of child names, e.g. xml_path(root,
 * "Error/Code"); NULL when any step is missing. */
const struct xml_node *xml_path(const struct xml_node *n, const char *path);
/* Next sibling after n with the same name: iterate with
 * for (c = xml_child(p, "Member"); c; c = xml_next_named(c)). */
const struct xml_node *xml_next_named(const struct xml_node *n);

/* Appends s to b with &, <, >, " and ' escaped, and CR as "&#13;" (a
 * raw CR would be read back as LF); control characters other than tab,
 * CR and LF are refused (XML 1.0 cannot carry them): -1 then, or on out
 * of memory. Element content only: the text parses back unchanged. */
int xml_escape(struct buf *b, const char *s);

#endif
