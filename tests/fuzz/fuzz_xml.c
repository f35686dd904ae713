/*
 * fuzz_xml: src/aws/xml.c alone (issue 16, item 24), the DOM every XML
 * answer (STS, Route 53) goes through: xml_parse on arbitrary bytes
 * (entity tricks, DOCTYPEs, deep nesting, huge text), a walk of what it
 * built with xml_child, xml_child_text, xml_path and xml_next_named, and
 * xml_escape round trips.
 *
 * Input: byte 0 picks the mode. Even: the rest is a document; odd: the
 * rest (up to a NUL) is a text for xml_escape. Checks beyond "no
 * crash": xml_parse returns 0 with a root or -1 with a reason and no
 * root; the tree is consistent (parent
 * links, last child, text never NULL, names without ':') and within
 * XML_MAX_DEPTH (the seeds hold the entity tricks, which must fail
 * without a crash or a blow-up); xml_path finds what xml_child finds; an
 * escaped ASCII text put in an element parses back to exactly that text, and a
 * refused text holds a control character XML 1.0 cannot carry.
 *
 * Requires: src/aws/xml.c src/base/buf.c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xml.h"
#include "fuzz_util.h"

/* Walks the tree without recursion; aborts on any inconsistency. */
static void
check_tree(const struct xml_node *root)
{
	const struct xml_node *n = root, *c, *last;
	char path[300];
	unsigned depth = 1;

	if (root->parent != NULL || root->next != NULL)
		abort();
	while (n != NULL) {
		if (n->name == NULL || n->text == NULL ||
		    strchr(n->name, ':') != NULL || depth > XML_MAX_DEPTH)
			abort();
		for (last = NULL, c = n->child; c != NULL; c = c->next) {
			if (c->parent != n)
				abort();
			/* The first child of that name is what both
			 * lookups find. */
			if (xml_child(n, c->name) == NULL ||
			    xml_child_text(n, c->name) !=
			        xml_child(n, c->name)->text)
				abort();
			if (strlen(c->name) < 128 &&
			    strchr(c->name, '/') == NULL) {
				snprintf(path, sizeof(path), "%s", c->name);
				if (xml_path(n, path) != xml_child(n, c->name))
					abort();
			}
			if (xml_next_named(c) != NULL &&
			    strcmp(xml_next_named(c)->name, c->name) != 0)
				abort();
			last = c;
		}
		if (n->last != last)
			abort();
		/* Pre-order: child, else sibling, else up to an ancestor's
		 * sibling. */
		if (n->child != NULL) {
			n = n->child;
			depth++;
			continue;
		}
		while (n != NULL && n->next == NULL) {
			n = n->parent;
			depth--;
		}
		if (n != NULL)
			n = n->next;
	}
	if (xml_child(NULL, "x") != NULL || xml_path(NULL, "x") != NULL ||
	    xml_path(root, "") != root)
		abort();
}

static void
parse(const char *doc, size_t len)
{
	struct xml_node *root = (struct xml_node *)1;
	char err[256];

	err[0] = '\0';
	if (xml_parse(doc, len, &root, err, sizeof(err)) != 0) {
		if (root != NULL || err[0] == '\0' ||
		    memchr(err, '\0', sizeof(err)) == NULL)
			abort();
		return;
	}
	if (root == NULL)
		abort();
	check_tree(root);
	xml_free(root);
}

static void
escape(const char *s)
{
	struct buf b = {0}, doc = {0};
	struct xml_node *root;
	char err[256];
	const unsigned char *p;
	int ascii = 1, control = 0;

	for (p = (const unsigned char *)s; *p; p++) {
		ascii &= *p < 0x80;
		control |= *p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r';
	}
	if (xml_escape(&b, s) != 0) {
		if (!control)
			abort(); /* refused a text XML can carry */
		buf_free(&b);
		return;
	}
	if (control || !ascii) {
		buf_free(&b);
		return;
	}
	if (buf_printf(&doc, "<a>%s</a>", buf_str(&b)) != 0)
		abort();
	if (xml_parse(doc.data, doc.len, &root, err, sizeof(err)) != 0)
		abort(); /* escaped text that is not well-formed */
	if (strcmp(root->text, s) != 0)
		abort(); /* the receiver reads another text */
	xml_free(root);
	buf_free(&doc);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in;

	if ((in = fuzz_text(data, size, 1, 256 * 1024)) == NULL)
		return 0;
	if (data[0] % 2 == 0)
		parse(in, size - 1);
	else
		escape(in);
	free(in);
	return 0;
}
