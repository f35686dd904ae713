/*
 * validate_domain: domain names as ACM takes them: the certificate's
 * name, its subject alternative names.
 *
 * Return convention: validate.h's.
 */
#ifndef PORT_ACM_VALIDATE_DOMAIN_H
#define PORT_ACM_VALIDATE_DOMAIN_H

#include <stddef.h>

#define VALIDATE_MAX_NAMES 100 /* ACM: domain names per certificate */

/* field names the user sees in messages, e.g. "domain_name" */
int validate_domain(const char *field, const char *s, char *err, size_t errlen);
/* ACM's DomainName limit for the Common Name is 64 octets; longer names
 * are allowed only as SANs. */
int validate_common_name(
    const char *field, const char *s, char *err, size_t errlen);
/* Splits a comma- or newline-separated list (validate_next_item),
 * trims blanks, drops empty items and duplicates, validates each as a
 * domain. names[] receives malloc'd strings the caller frees (*n of
 * them, even on error). */
int validate_domain_list(const char *field, const char *list, char **names,
    size_t max, size_t *n, char *err, size_t errlen);

#endif
