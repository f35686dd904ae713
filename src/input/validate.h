/*
 * validate: every rule an input must pass before anything changes in
 * AWS, one module per kind of value: validate_domain.h (domain names),
 * validate_arn.h (ARNs, IAM roles, regions and partitions),
 * validate_text.h (tags, identifiers, URLs). This one holds what they
 * share: the list splitter, the fixed choices, numbers and yes/no, and
 * how a value is quoted in a message. Pure: no I/O, no allocation
 * unless stated.
 *
 * Messages are written for the person who clicked the Port button: they
 * name the field, show the value (escaped, shortened) and say what is
 * allowed. Values are never copied raw into a message: control
 * characters, invalid UTF-8 and invisible formatting characters are
 * shown as \n, \xNN or \u{NNNN}.
 *
 * Return convention: 0 when the value is valid, -1 when it is not; on
 * -1 a message for the person who clicked the button is written to
 * err (always NUL-terminated, truncated to errlen), naming the field
 * and saying what is allowed. err may be NULL when errlen is 0.
 */
#ifndef PORT_ACM_VALIDATE_H
#define PORT_ACM_VALIDATE_H

#include <stddef.h>

/* Pure. The one list splitter of every list input (names, tags,
 * regions, statuses): the next non-empty item of a comma- or
 * newline-separated list at *p (CR counts as a newline), blanks trimmed,
 * as [*b, *e); advances *p past it. 0 at the end. */
int validate_next_item(const char **p, const char **b, const char **e);
/* "DNS" or "EMAIL" (exact, upper case accepted case-insensitively);
 * writes the canonical upper-case form into out (8 bytes). */
int validate_validation_method(
    const char *s, char out[8], char *err, size_t errlen);
/* RSA_2048, EC_prime256v1 or EC_secp384r1 (the ones ACM issues);
 * canonical spelling into out (16 bytes). */
int validate_key_algorithm(
    const char *s, char out[16], char *err, size_t errlen);
/* ENABLED or DISABLED (case-insensitive); canonical form into out. */
int validate_export(const char *s, char out[9], char *err, size_t errlen);

/* A positive integer within [min, max]; parsed into *out. */
int validate_uint(const char *field, const char *s, unsigned long min,
    unsigned long max, unsigned long *out, char *err, size_t errlen);
/* "true"/"false" (also yes/no, 1/0, case-insensitive) into *out. */
int validate_bool(
    const char *field, const char *s, int *out, char *err, size_t errlen);

/* What the validators share. */

#define VALIDATE_SHOW_MAX 64 /* characters of a value quoted in a message */
#define VALIDATE_SHOW_LEN (VALIDATE_SHOW_MAX * 10 + 8)

/* ASCII classes (locale-free, unlike <ctype.h>). */
static inline int
validate_is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int
validate_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline int
validate_is_alnum(unsigned char c)
{
	return validate_is_alpha(c) || validate_is_digit(c);
}

static inline int
validate_is_word(unsigned char c)
{
	return validate_is_alnum(c) || c == '_';
}

static inline int
validate_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* ASCII case-insensitive: a equals b; s starts with prefix. */
int validate_eq_nocase(const char *a, const char *b);
int validate_prefix_nocase(const char *s, const char *prefix);

/* Decodes one well-formed UTF-8 sequence of 2..4 bytes at s (no
 * overlongs, no surrogates, nothing above U+10FFFF). Returns its length
 * and the code point in *cp, or 0 when s does not start one. */
size_t validate_utf8_decode(const unsigned char *s, unsigned long *cp);

/* Code points that must not appear raw in a message: they are invisible
 * or reorder the text around them. */
int validate_is_invisible(unsigned long cp);

/* Number of UTF-8 characters in s (s is known to be well-formed). */
size_t validate_utf8_chars(const char *s);

/* Writes an escaped copy of s, at most VALIDATE_SHOW_MAX characters of
 * it, into dst; returns dst. s NULL gives "". */
const char *validate_show(char dst[VALIDATE_SHOW_LEN], const char *s);

/* Describes the character at s for "contains X": "';'", "a space",
 * "a newline (\n)", ...; returns dst. */
const char *validate_describe_char(char dst[64], const char *s);

#endif
