/*
 * pager: the one guard on every paginated listing (ACM NextToken, Port
 * search `next`, Route 53 NextDNSName), so that a service answering the
 * same cursor again, or pages without end, stops the loop with a reason
 * instead of spinning until the run's deadline (issue 16, defect 8).
 *
 * Cursors are remembered by a 64-bit hash and their length, not copied:
 * ACM tokens run to kilobytes.
 *
 * Return convention: pager_next returns 0 to go on, -1 to stop with
 * why saying which bound was hit.
 */
#ifndef PORT_ACM_PAGER_H
#define PORT_ACM_PAGER_H

#include <stddef.h>

struct pager {
	const char *service;      /* "ACM", for messages; borrowed */
	const char *cursor;       /* "page token", for messages; borrowed */
	unsigned max_pages;       /* the most any real listing needs */
	unsigned pages;           /* pages answered so far */
	unsigned long long *seen; /* owned: hashes of the cursors so far */
};

/* Starts a listing of at most max_pages pages. */
void pager_init(struct pager *p, const char *service, const char *cursor,
    unsigned max_pages);
/* After a page that answered with cursor `next` (NULL or "" when it was
 * the last page, which always returns 0). -1 with why when next was
 * seen before in this listing ("ACM returned the same page token
 * twice"), when this page is past max_pages, or on out of memory. */
int pager_next(struct pager *p, const char *next, char *why, size_t whylen);
/* Forgets the cursors; the pager may be started again. */
void pager_free(struct pager *p);

#endif
