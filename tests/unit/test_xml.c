/*
 * Unit tests for xml.c: the DOM, namespace prefixes, refusal of any
 * DOCTYPE (entity expansion, external entities), depth and size bounds,
 * and escaping for writers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xml.h"
#include "tap.h"

static void
test_dom(void)
{
	static const char doc[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/"
	    "2011-06-15/\">\n  <AssumeRoleResult>\n    <Credentials>\n"
	    "      <AccessKeyId>ASIA1</AccessKeyId>\n"
	    "      <SecretAccessKey>s&amp;&lt;&#x41;</SecretAccessKey>\n"
	    "      <Expiration>2026-12-02T18:00:00Z</Expiration>\n"
	    "    </Credentials>\n  </AssumeRoleResult>\n"
	    "  <m:Item xmlns:m=\"urn:x\">1</m:Item><m:Item xmlns:m=\"urn:x\">"
	    "2</m:Item><Other/><Item>3</Item>\n"
	    "</AssumeRoleResponse>";
	struct xml_node *root;
	const struct xml_node *c, *it;
	char err[256], seen[16] = "";

	ok(xml_parse(doc, strlen(doc), &root, err, sizeof(err)) == 0,
	    "parses an STS answer");
	is_str(root->name, "AssumeRoleResponse", "root name");
	c = xml_path(root, "AssumeRoleResult/Credentials");
	ok(c != NULL, "xml_path");
	is_str(xml_child_text(c, "AccessKeyId"), "ASIA1", "child text");
	is_str(xml_child_text(c, "SecretAccessKey"), "s&<A",
	    "predefined and character references decoded");
	ok(xml_child_text(c, "SessionToken") == NULL, "missing child: NULL");
	for (it = xml_child(root, "Item"); it; it = xml_next_named(it))
		strcat(seen, it->text);
	is_str(seen, "123", "iteration by name, prefixes ignored");
	is_str(xml_child_text(root, "Other"), "", "empty element: \"\"");
	xml_free(root);
}

static void
test_refused(void)
{
	static const char *const bad[] = {
	    /* billion laughs */
	    "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
	    "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
	    "<lolz>&lol2;</lolz>",
	    /* external entity */
	    "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;"
	    "</r>",
	    /* parameter entity */
	    "<!DOCTYPE r [<!ENTITY % p SYSTEM \"http://127.0.0.1/x\">%p;]>"
	    "<r/>",
	    /* external DTD */
	    "<!DOCTYPE r SYSTEM \"http://127.0.0.1/x.dtd\"><r/>",
	    /* undefined entity */
	    "<r>&nope;</r>",
	    "<r><a></r>",
	    "",
	    "just text",
	};
	struct xml_node *root;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ok(xml_parse(bad[i], strlen(bad[i]), &root, err, sizeof(err)) !=
		            0 &&
		        root == NULL && err[0] != '\0',
		    "refused #%zu: %s", i, err);
	}
	ok(strstr(err, "no element") || strstr(err, "well-formed"), "says why");
}

static void
test_bounds(void)
{
	struct buf b = {0};
	struct xml_node *root;
	char err[256];
	int i;

	for (i = 0; i < XML_MAX_DEPTH; i++)
		buf_puts(&b, "<a>");
	for (i = 0; i < XML_MAX_DEPTH; i++)
		buf_puts(&b, "</a>");
	ok(xml_parse(b.data, b.len, &root, err, sizeof(err)) == 0,
	    "depth %d accepted", XML_MAX_DEPTH);
	xml_free(root);
	buf_reset(&b);
	for (i = 0; i <= XML_MAX_DEPTH; i++)
		buf_puts(&b, "<a>");
	for (i = 0; i <= XML_MAX_DEPTH; i++)
		buf_puts(&b, "</a>");
	ok(xml_parse(b.data, b.len, &root, err, sizeof(err)) != 0 &&
	        strstr(err, "deep"),
	    "depth %d refused: %s", XML_MAX_DEPTH + 1, err);
	buf_reset(&b);
	buf_puts(&b, "<r>");
	for (i = 0; i < XML_MAX_NODES; i++)
		buf_puts(&b, "<a/>");
	buf_puts(&b, "</r>");
	ok(xml_parse(b.data, b.len, &root, err, sizeof(err)) != 0 &&
	        strstr(err, "many"),
	    "more than %d elements refused", XML_MAX_NODES);
	ok(xml_parse(b.data, XML_MAX_INPUT + 1, &root, err, sizeof(err)) != 0 &&
	        strstr(err, "large"),
	    "more than XML_MAX_INPUT bytes refused");
	buf_free(&b);
}

static void
test_escape(void)
{
	struct buf b = {0};

	ok(xml_escape(&b, "a&b<c>d\"e'f\tg") == 0, "escape");
	is_str(buf_str(&b), "a&amp;b&lt;c&gt;d&quot;e&apos;f\tg", "escaped");
	buf_reset(&b);
	ok(xml_escape(&b, "bell\a") != 0, "control character refused");
	buf_free(&b);
}

/* fuzz_xml's first finding (tests/fuzz/regressions/fuzz_xml/crash-9a32...):
 * a raw CR in escaped text was read back as LF, so what a writer sent
 * was not what the reader got. */
static void
test_escape_keeps_cr(void)
{
	struct buf b = {0}, doc = {0};
	struct xml_node *root = NULL;
	char err[256];

	ok(xml_escape(&b, "f\r\ng\rh") == 0, "CR escaped");
	is_str(buf_str(&b), "f&#13;\ng&#13;h", "CR as a character reference");
	buf_printf(&doc, "<a>%s</a>", buf_str(&b));
	ok(xml_parse(doc.data, doc.len, &root, err, sizeof(err)) == 0 &&
	        strcmp(root->text, "f\r\ng\rh") == 0,
	    "escaped CR parses back as CR, not LF");
	xml_free(root);
	buf_free(&doc);
	buf_free(&b);
}

int
main(void)
{
	test_dom();
	test_refused();
	test_bounds();
	test_escape();
	test_escape_keeps_cr();
	return done_testing();
}
