/* Unit tests for md.c: the one neutraliser for network text in Markdown
 * tables, code spans and log lines (issue 16, defect 10). */
#include <string.h>

#include "base/md.h"
#include "tap.h"

int
main(void)
{
	struct buf b = {0};
	char s[64];

	md_text(&b, "x.example.com\n## Owned\n![i](https://e/x.png) | `c` "
	            "<img src=x>\r");
	is_str(buf_str(&b),
	    "x.example.com ## Owned ! [i](https://e/x.png) \\| 'c' &lt;img "
	    "src=x> ",
	    "defect 10: line breaks, '|', backticks, '<' and '![' neutralised");
	ok(strchr(buf_str(&b), '\n') == NULL, "defect 10: no line break left");
	buf_reset(&b);
	md_text(&b, "www.example.com");
	is_str(buf_str(&b), "www.example.com", "plain text is kept");
	buf_reset(&b);
	md_text(&b, NULL);
	is_str(buf_str(&b), "", "NULL is empty");
	buf_reset(&b);
	md_row(&b, 3, "a|b", "c\nd", "e");
	is_str(buf_str(&b), "| a\\|b | c d | e |\n",
	    "defect 10: a row keeps its cell count");
	is_str(md_str(s, sizeof(s), "a<b"), "a&lt;b", "md_str");
	is_str(md_str(s, 6, "ab<cd"), "ab", "md_str never cuts an escape");
	is_str(md_str(s, 5, "!x![y"), "!x", "nor \"! [\"");
	buf_free(&b);
	return done_testing();
}
