/*
 * md: the one neutraliser for text from the network (ACM, Route 53,
 * Port) that goes into a Markdown table, a code span or a log line
 * (issue 16, defect 10). An ACM DomainName with a line break and '|'
 * must not add a heading or an image to the step summary, nor split a
 * line of the job log or the Port run's log.
 *
 * What changes: control characters (line breaks, tabs) become a blank;
 * '|' becomes "\|" (a literal pipe in a GitHub table cell, code spans
 * included); '`' becomes "'" (no code span ends early); '<' becomes
 * "&lt;" (no HTML); "![" becomes "! [" (no image). Everything else is
 * kept as it is.
 */
#ifndef PORT_ACM_MD_H
#define PORT_ACM_MD_H

#include <stddef.h>

#include "base/buf.h"

/* Appends s (NULL = "") neutralised to out. 0, or -1 out of memory. */
int md_text(struct buf *out, const char *s);
/* s neutralised into dst (cut to dstlen - 1 bytes, never inside an
 * escape); returns dst, for a printf argument. */
const char *md_str(char *dst, size_t dstlen, const char *s);
/* Appends one table row "| a | b | ... |\n" of n cells, each
 * neutralised. 0, or -1 out of memory. */
int md_row(struct buf *out, size_t n, ...);

#endif
