/* Unit tests for buf.c: the growable buffer and the string helpers
 * that keep secrets and control characters out of output. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "tap.h"

int
main(void)
{
	struct buf b = {0};
	char s[64], small[4];
	int i;

	is_str(buf_str(&b), "", "empty buffer reads as \"\"");
	for (i = 0; i < 1000; i++)
		buf_putc(&b, 'x');
	ok(b.len == 1000 && strlen(b.data) == 1000,
	    "grows past its first size");
	buf_reset(&b);
	buf_printf(&b, "%s-%d", "a", 42);
	is_str(buf_str(&b), "a-42", "printf after reset");
	buf_wipe(&b);
	ok(b.data == NULL && b.len == 0 && b.cap == 0, "wipe frees");

	str_copy(small, sizeof(small), "abcdef");
	is_str(small, "abc", "str_copy truncates and terminates");
	str_printf(NULL, 0, "%s", "ignored");
	ok(1, "str_printf tolerates a NULL buffer");
	str_printf(small, sizeof(small), "%d", 12345);
	is_str(small, "123", "str_printf truncates");

	strcpy(s, "line1\nline2\r::error::x\x1b[31m\x7f");
	str_scrub(s);
	ok(strpbrk(s, "\r\n\x1b\x7f") == NULL,
	    "scrub removes CR, LF, ESC, DEL");
	is_str(
	    s, "line1 line2 ::error::x [31m ", "scrub keeps the rest in place");

	strcpy(s, "token=SECRETxyz; again SECRETxyz.");
	str_redact(s, "SECRETxyz");
	is_str(s, "token=***; again ***.", "redact replaces every occurrence");
	strcpy(s, "abc abc");
	str_redact(s, "abc");
	is_str(s, "abc abc", "secrets under 4 bytes are not redacted");
	str_redact(s, NULL);
	is_str(s, "abc abc", "NULL secret is a no-op");
	strcpy(s, "aaaaaaaa");
	str_redact(s, "aaaa");
	is_str(s, "******", "adjacent occurrences both go");
	return done_testing();
}
