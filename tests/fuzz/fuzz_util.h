/*
 * fuzz_util.h: what the fuzz targets share: libFuzzer's entry points,
 * the start of PSA for targets that sign, the input as a bounded C
 * string, and the checks they make. Header-only, for tests.
 */
#ifndef PORT_ACM_FUZZ_UTIL_H
#define PORT_ACM_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <psa/crypto.h>

/* libFuzzer's entry points (a target defines the second, and the first
 * when it needs one). */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Defines LLVMFuzzerInitialize to start PSA, which SigV4's HMAC and the
 * TLS code need, once before the first input. */
#define FUZZ_INITIALIZE_PSA()                                                  \
	int LLVMFuzzerInitialize(int *argc, char ***argv)                      \
	{                                                                      \
		(void)argc;                                                    \
		(void)argv;                                                    \
		if (psa_crypto_init() != PSA_SUCCESS)                          \
			abort();                                               \
		return 0;                                                      \
	}

/* Whether a char array field holds its terminating NUL. */
#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

/* The input from byte skip on as a C string (malloc'd, the caller
 * frees); NULL when it is shorter than skip, longer than max, or memory
 * ran out: the target skips that input. */
static inline char *
fuzz_text(const uint8_t *data, size_t size, size_t skip, size_t max)
{
	char *s;

	if (size < skip || size > max || (s = malloc(size - skip + 1)) == NULL)
		return NULL;
	memcpy(s, data + skip, size - skip);
	s[size - skip] = '\0';
	return s;
}

/* Whether needle occurs in the fuzz input (which is not NUL-terminated):
 * a secret the input itself holds may legitimately be echoed. */
static inline int
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
