#include "base/md.h"

#include <stdarg.h>
#include <string.h>

/* The replacement for *s (and how many bytes of s it stands for), or
 * NULL when *s is kept. */
static const char *
replacement(const char *s, size_t *used)
{
	unsigned char c = (unsigned char)*s;

	*used = 1;
	if (c < 0x20 || c == 0x7f)
		return " ";
	if (c == '|')
		return "\\|";
	if (c == '`')
		return "'";
	if (c == '<')
		return "&lt;";
	if (c == '!' && s[1] == '[') {
		*used = 2;
		return "! [";
	}
	return NULL;
}

int
md_text(struct buf *out, const char *s)
{
	const char *r;
	size_t used;

	for (; s && *s; s += used) {
		r = replacement(s, &used);
		if (r ? buf_puts(out, r) != 0 : buf_append(out, s, 1) != 0)
			return -1;
	}
	return 0;
}

const char *
md_str(char *dst, size_t dstlen, const char *s)
{
	const char *r;
	size_t used, n = 0, k;

	if (dstlen == 0)
		return dst;
	for (; s && *s; s += used) {
		r = replacement(s, &used);
		k = r ? strlen(r) : 1;
		if (n + k >= dstlen)
			break;
		memcpy(dst + n, r ? r : s, k);
		n += k;
	}
	dst[n] = '\0';
	return dst;
}

int
md_row(struct buf *out, size_t n, ...)
{
	va_list ap;
	size_t i;
	int rc = 0;

	va_start(ap, n);
	for (i = 0; i < n && rc == 0; i++)
		rc = buf_puts(out, "| ") ||
		     md_text(out, va_arg(ap, const char *)) ||
		     buf_putc(out, ' ');
	va_end(ap);
	return rc || buf_puts(out, "|\n") ? -1 : 0;
}
