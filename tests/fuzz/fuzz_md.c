/*
 * fuzz_md: md_text, md_str and md_row, the one neutraliser for network
 * text in Markdown tables and log lines (issue 16, defects 10 and 24).
 *
 * Input: byte 0 picks md_str's room (1..64), the rest (up to a NUL) is
 * the text. Checks beyond "no crash": the output has no control
 * character, no backtick, no '<', no "![", and every '|' comes right
 * after a backslash that the neutraliser put there; md_str never writes
 * past its room, always terminates and gives a prefix of md_text's
 * output; md_row ends with "|\n" and has exactly n + 1 unescaped pipes.
 *
 * Requires: src/base/md.c src/base/buf.c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/md.h"
#include "fuzz_util.h"

static void
check_clean(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '`' || c == '<')
			abort();
		if (c == '!' && s[i + 1] == '[')
			abort();
		if (c == '|' && (i == 0 || s[i - 1] != '\\'))
			abort();
	}
}

static size_t
bare_pipes(const char *s)
{
	size_t i, n = 0;

	for (i = 0; s[i]; i++)
		n += s[i] == '|' && (i == 0 || s[i - 1] != '\\');
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf b = {0}, row = {0};
	char *in, small[66];
	size_t room;

	if (size < 1 || size > 8192)
		return 0;
	room = 1 + data[0] % 64;
	if ((in = malloc(size)) == NULL)
		return 0;
	memcpy(in, data + 1, size - 1);
	in[size - 1] = '\0';
	if (md_text(&b, in) == 0) {
		check_clean(buf_str(&b));
		memset(small, '#', sizeof(small));
		md_str(small, room, in);
		if (small[room] != '#' || memchr(small, '\0', room) == NULL)
			abort();
		check_clean(small);
		if (strncmp(small, buf_str(&b), strlen(small)) != 0)
			abort();
	}
	if (md_row(&row, 3, in, "x", in) == 0) {
		if (row.len < 2 ||
		    strcmp(buf_str(&row) + row.len - 2, "|\n") != 0)
			abort();
		row.data[row.len - 1] = '\0'; /* the final line break is ours */
		if (bare_pipes(buf_str(&row)) != 4)
			abort();
	}
	buf_free(&b);
	buf_free(&row);
	free(in);
	return 0;
}
