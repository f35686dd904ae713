/*
 * fuzz_gha: workflow-command escaping and the GITHUB_OUTPUT heredoc
 * delimiter on arbitrary text — the two things that stop a value from
 * forging a workflow command or an extra output.
 *
 * Checks: escaped data holds no CR or LF and unescapes to the input;
 * escaped properties also hold no ':' or ','; the heredoc delimiter has
 * the documented shape and does not occur in the value.
 *
 * Requires: src/base/gha.c src/base/buf.c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/gha.h"
#include "fuzz_util.h"

/* Reverses the escaping; returns a malloc'd string or NULL. */
static char *
unescape(const char *s)
{
	static const struct {
		const char *esc;
		char c;
	} map[] = {{"%25", '%'}, {"%0D", '\r'}, {"%0A", '\n'}, {"%3A", ':'},
	    {"%2C", ','}};
	char *out, *o;
	size_t i;

	if ((out = malloc(strlen(s) + 1)) == NULL)
		return NULL;
	for (o = out; *s != '\0';) {
		if (*s == '%') {
			for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
				if (strncmp(s, map[i].esc, 3) == 0)
					break;
			}
			if (i == sizeof(map) / sizeof(map[0]))
				abort(); /* a '%' that is not an escape */
			*o++ = map[i].c;
			s += 3;
		} else
			*o++ = *s++;
	}
	*o = '\0';
	return out;
}

static void
check_escape(const char *s, int property)
{
	struct buf b = {0};
	char *back;

	if ((property ? gha_escape_property(s, &b) : gha_escape_data(s, &b)) !=
	    0)
		abort();
	if (strpbrk(buf_str(&b), property ? "\r\n:," : "\r\n") != NULL)
		abort();
	if ((back = unescape(buf_str(&b))) == NULL || strcmp(back, s) != 0)
		abort();
	free(back);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long long seed = 0;
	char delim[64];
	char *s;
	size_t i;

	if ((s = fuzz_text(data, size, 0, 64 * 1024)) == NULL)
		return 0;
	for (i = 0; i < size && i < 8; i++)
		seed = seed << 8 | data[i];

	check_escape(s, 0);
	check_escape(s, 1);

	memset(delim, 'x', sizeof(delim));
	if (gha_heredoc_delimiter(s, seed, delim) != 0)
		abort();
	if (memchr(delim, '\0', sizeof(delim)) == NULL ||
	    strncmp(delim, "ghadelimiter_", 13) != 0 || strlen(delim) != 45 ||
	    strspn(delim + 13, "0123456789abcdef") != 32 ||
	    strstr(s, delim) != NULL)
		abort();
	free(s);
	return 0;
}
