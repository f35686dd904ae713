/*
 * buf: a growable byte buffer, always NUL-terminated.
 *
 * Return convention: functions returning int give 0 on success and -1
 * when memory ran out (the buffer is then left unchanged and valid).
 * The buffer owns data; buf_free() releases it. A zeroed struct buf is
 * a valid empty buffer.
 */
#ifndef PORT_ACM_BUF_H
#define PORT_ACM_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data; /* owned; NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
};

int buf_append(struct buf *b, const void *data, size_t len);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Returns the contents ("" when empty); valid until the next change. */
const char *buf_str(const struct buf *b);
void buf_reset(struct buf *b);
/* Frees the memory after overwriting it, for buffers that held secrets. */
void buf_wipe(struct buf *b);
void buf_free(struct buf *b);

/* Fixed-size string helpers, for messages and fields with a bound:
 * both always NUL-terminate and truncate quietly. str_printf does
 * nothing when dst is NULL or dstlen 0, so err buffers are optional. */
void str_copy(char *dst, size_t dstlen, const char *src);
void str_printf(char *dst, size_t dstlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Replaces control characters (CR, LF, ESC, DEL...) in s with spaces, in
 * place: text from the network must never start a new output line,
 * where the Actions runner would read it as a workflow command. */
void str_scrub(char *s);

/* Replaces every occurrence of secret in s with "***", in place, so a
 * server that echoes a request back cannot make us print a secret.
 * Secrets shorter than 4 bytes are left alone (they would match by
 * chance, and no real secret is that short). */
void str_redact(char *s, const char *secret);

/* The value of exactly n decimal digits at s (n <= 9), or -1 when any
 * of them is not a digit. For fixed-width date fields. */
long str_digits(const char *s, size_t n);

#endif
