#include "aws/xml.h"

#include <expat.h>
#include <stdlib.h>
#include <string.h>

struct parse {
	XML_Parser p;
	struct xml_node *root, *cur;
	unsigned depth, nodes;
	const char *why; /* set when we stopped the parser */
};

static void
stop(struct parse *ps, const char *why)
{
	if (ps->why == NULL)
		ps->why = why;
	XML_StopParser(ps->p, XML_FALSE);
}

static void XMLCALL
on_start(void *arg, const XML_Char *name, const XML_Char **attrs)
{
	struct parse *ps = arg;
	struct xml_node *n, *last;
	const char *colon;

	(void)attrs;
	if (ps->why != NULL)
		return;
	if (++ps->depth > XML_MAX_DEPTH) {
		stop(ps, "nested too deeply");
		return;
	}
	if (++ps->nodes > XML_MAX_NODES) {
		stop(ps, "too many elements");
		return;
	}
	if ((n = calloc(1, sizeof(*n))) == NULL ||
	    (n->name_owned = strdup(name)) == NULL) {
		free(n);
		stop(ps, "out of memory");
		return;
	}
	colon = strrchr(n->name_owned, ':');
	n->name = colon ? colon + 1 : n->name_owned;
	n->text = "";
	n->parent = ps->cur;
	if (ps->cur == NULL)
		ps->root = n;
	else if ((last = ps->cur->last) == NULL)
		ps->cur->child = ps->cur->last = n;
	else
		last->next = ps->cur->last = n;
	ps->cur = n;
}

static void XMLCALL
on_end(void *arg, const XML_Char *name)
{
	struct parse *ps = arg;

	(void)name;
	if (ps->why != NULL || ps->cur == NULL)
		return;
	if (ps->cur->text_owned.len)
		ps->cur->text = buf_str(&ps->cur->text_owned);
	ps->cur = ps->cur->parent;
	ps->depth--;
}

static void XMLCALL
on_text(void *arg, const XML_Char *s, int len)
{
	struct parse *ps = arg;

	if (ps->why != NULL || ps->cur == NULL || len <= 0)
		return;
	if (buf_append(&ps->cur->text_owned, s, (size_t)len) != 0)
		stop(ps, "out of memory");
}

/* Entities can only be declared in a DTD: with no DOCTYPE there is no
 * billion-laughs expansion and no external entity to fetch. */
static void XMLCALL
on_doctype(void *arg, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal_subset)
{
	(void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
	stop(arg, "a DOCTYPE, which is not allowed");
}

static void XMLCALL
on_entity_decl(void *arg, const XML_Char *name, int is_param,
    const XML_Char *value, int value_len, const XML_Char *base,
    const XML_Char *sysid, const XML_Char *pubid, const XML_Char *notation)
{
	(void)name, (void)is_param, (void)value, (void)value_len, (void)base;
	(void)sysid, (void)pubid, (void)notation;
	stop(arg, "an entity declaration, which is not allowed");
}

int
xml_parse(const char *data, size_t len, struct xml_node **root, char *err,
    size_t errlen)
{
	struct parse ps = {0};
	enum XML_Status st;

	*root = NULL;
	if (len > XML_MAX_INPUT) {
		str_printf(
		    err, errlen, "XML document too large (%zu bytes)", len);
		return -1;
	}
	if ((ps.p = XML_ParserCreate("UTF-8")) == NULL) {
		str_copy(err, errlen, "out of memory");
		return -1;
	}
	XML_SetUserData(ps.p, &ps);
	XML_SetElementHandler(ps.p, on_start, on_end);
	XML_SetCharacterDataHandler(ps.p, on_text);
	XML_SetStartDoctypeDeclHandler(ps.p, on_doctype);
	XML_SetEntityDeclHandler(ps.p, on_entity_decl);
	XML_SetParamEntityParsing(ps.p, XML_PARAM_ENTITY_PARSING_NEVER);
	st = XML_Parse(ps.p, data ? data : "", (int)len, XML_TRUE);
	if (st != XML_STATUS_OK || ps.why != NULL || ps.root == NULL) {
		if (ps.why != NULL)
			str_printf(err, errlen, "XML document has %s", ps.why);
		else if (ps.root == NULL && st == XML_STATUS_OK)
			str_copy(err, errlen, "XML document has no element");
		else
			str_printf(err, errlen,
			    "XML not well-formed: %s at line %lu",
			    XML_ErrorString(XML_GetErrorCode(ps.p)),
			    (unsigned long)XML_GetCurrentLineNumber(ps.p));
		xml_free(ps.root);
		XML_ParserFree(ps.p);
		return -1;
	}
	XML_ParserFree(ps.p);
	*root = ps.root;
	return 0;
}

void
xml_free(struct xml_node *n)
{
	struct xml_node *next;

	/* Post-order without recursion: descend to the first child
	 * (detaching it), free leaves, then go to the sibling or back up. */
	while (n != NULL) {
		if (n->child != NULL) {
			next = n->child;
			n->child = NULL;
			n = next;
			continue;
		}
		next = n->next ? n->next : n->parent;
		free(n->name_owned);
		buf_free(&n->text_owned);
		free(n);
		n = next;
	}
}

const struct xml_node *
xml_child(const struct xml_node *n, const char *name)
{
	const struct xml_node *c;

	for (c = n ? n->child : NULL; c; c = c->next)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

const char *
xml_child_text(const struct xml_node *n, const char *name)
{
	const struct xml_node *c = xml_child(n, name);

	return c ? c->text : NULL;
}

const struct xml_node *
xml_path(const struct xml_node *n, const char *path)
{
	char name[128];
	const char *end;
	size_t len;

	while (n != NULL && *path) {
		end = strchr(path, '/');
		len = end ? (size_t)(end - path) : strlen(path);
		if (len >= sizeof(name))
			return NULL;
		memcpy(name, path, len);
		name[len] = '\0';
		n = xml_child(n, name);
		path += len + (end ? 1 : 0);
	}
	return n;
}

const struct xml_node *
xml_next_named(const struct xml_node *n)
{
	const struct xml_node *c;

	for (c = n->next; c; c = c->next)
		if (strcmp(c->name, n->name) == 0)
			return c;
	return NULL;
}

int
xml_escape(struct buf *b, const char *s)
{
	const unsigned char *p;
	int rc = 0;

	for (p = (const unsigned char *)s; *p && rc == 0; p++) {
		switch (*p) {
		case '&':
			rc = buf_puts(b, "&amp;");
			break;
		case '<':
			rc = buf_puts(b, "&lt;");
			break;
		case '>':
			rc = buf_puts(b, "&gt;");
			break;
		case '"':
			rc = buf_puts(b, "&quot;");
			break;
		case '\'':
			rc = buf_puts(b, "&apos;");
			break;
		case '\r':
			/* A raw CR reaches the reader as LF (XML 1.0 §2.11,
			 * end-of-line handling); only a reference keeps it. */
			rc = buf_puts(b, "&#13;");
			break;
		default:
			if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
				return -1;
			rc = buf_putc(b, (char)*p);
		}
	}
	return rc;
}
