/*
 * fuzz_util.h: helpers the fuzz targets share. Header-only, for tests.
 */
#ifndef PORT_ACM_FUZZ_UTIL_H
#define PORT_ACM_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Whether needle occurs in the fuzz input (which is not NUL-terminated):
 * a secret the input itself holds may legitimately be echoed. */
static int
contains(const uint8_t *data, size_t size, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= size; i++) {
		if (memcmp(data + i, needle, n) == 0)
			return 1;
	}
	return 0;
}

#endif
