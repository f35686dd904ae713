/*
 * validate_text: the free-text inputs: tags, identifiers (idempotency
 * token, Port run id, blueprint and entity identifiers) and URLs.
 *
 * Return convention: validate.h's.
 */
#ifndef PORT_ACM_VALIDATE_TEXT_H
#define PORT_ACM_VALIDATE_TEXT_H

#include <stddef.h>

#define VALIDATE_MAX_TAGS 50 /* ACM: tags per request */

struct tag {
	char key[128 * 4 + 1];   /* UTF-8, 1..128 characters */
	char value[256 * 4 + 1]; /* UTF-8, 0..256 characters */
};

/* "key=value" items separated by commas or newlines; 1..50 tags; ACM's
 * tag pattern; no "aws:" prefix on keys or values. */
int validate_tags(const char *field, const char *list, struct tag *tags,
    size_t max, size_t *n, char *err, size_t errlen);
/* The identifiers share one check (UTF-8 decoded, lengths in
 * characters). */
/* [A-Za-z0-9_]{1,32} */
int validate_idempotency_token(
    const char *field, const char *s, char *err, size_t errlen);
/* Port run id: printable ASCII, no '/', '?', '#', '%' or space, 1..128
 * characters, not "." or ".." (Port's own shape is r_ + alphanumerics,
 * but we do not over-validate). */
int validate_run_id(const char *field, const char *s, char *err, size_t errlen);
/* Port blueprint identifier, Port's own pattern
 * ^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/-]+$, 1..100 characters (so up to 400
 * bytes): Unicode letters (\p{L}), digits, @ _ . + : \ / -. */
int validate_blueprint(
    const char *field, const char *s, char *err, size_t errlen);
/* Port entity identifier: as a blueprint, plus '=', 1..1000 characters. */
int validate_entity_id(
    const char *field, const char *s, char *err, size_t errlen);
/* An http:// or https:// base URL without userinfo, query or fragment;
 * trailing '/' is rejected so URLs join cleanly. */
int validate_base_url(
    const char *field, const char *s, char *err, size_t errlen);
/* Pure. url's scheme, compared case-insensitively: 1 for https://,
 * 0 for http://, -1 for anything else. Every scheme check uses this. */
int validate_url_scheme(const char *url);
/* Pure. Whether url's host is the loopback: 127.0.0.0/8 as a plain
 * dotted quad, [::1] or localhost (any case). Nothing else is. */
int validate_url_loopback(const char *url);

#endif
