#include "base/pager.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

static unsigned long long
hash(const char *s)
{
	unsigned long long h = 1469598103934665603ULL;
	size_t n = strlen(s);

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h ^ ((unsigned long long)n << 48);
}

void
pager_init(struct pager *p, const char *service, const char *cursor,
    unsigned max_pages)
{
	memset(p, 0, sizeof(*p));
	p->service = service;
	p->cursor = cursor;
	p->max_pages = max_pages;
}

int
pager_next(struct pager *p, const char *next, char *why, size_t whylen)
{
	unsigned long long h, *grown;
	unsigned i;

	p->pages++;
	if (next == NULL || next[0] == '\0')
		return 0;
	if (p->pages >= p->max_pages) {
		str_printf(why, whylen,
		    "%s kept answering with a %s after %u pages, more than "
		    "any real listing has; stopping",
		    p->service, p->cursor, p->pages);
		return -1;
	}
	h = hash(next);
	for (i = 0; i < p->pages - 1; i++)
		if (p->seen[i] == h) {
			str_printf(why, whylen,
			    "%s returned the same %s twice (after page %u), so "
			    "the listing would never end; stopping",
			    p->service, p->cursor, p->pages);
			return -1;
		}
	/* One slot per page: pages never passes max_pages. */
	if ((grown = realloc(p->seen, p->pages * sizeof(*p->seen))) == NULL) {
		str_copy(why, whylen, "out of memory");
		return -1;
	}
	p->seen = grown;
	p->seen[p->pages - 1] = h;
	return 0;
}

void
pager_free(struct pager *p)
{
	free(p->seen);
	p->seen = NULL;
	p->pages = 0;
}
