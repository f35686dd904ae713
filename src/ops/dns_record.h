/*
 * dns_record: which DNS validation records port-acm may write or delete
 * in Route 53 (issue 16, defect 3). ACM's answer names the record; an
 * answer that is wrong (a proxy, a bug, a hostile endpoint) must not
 * make port-acm write any name or value into a zone it controls.
 */
#ifndef PORT_ACM_DNS_RECORD_H
#define PORT_ACM_DNS_RECORD_H

#include <stddef.h>

#include "aws/acm.h"

#define DNS_ACM_VALIDATION_DOMAIN "acm-validations.aws."

/* Pure. 0 when v (one of cert's validations) is a record port-acm may
 * write: a CNAME named _<label>.<name>. where <name> is v's domain (a
 * wildcard's base name) and v's domain is cert's DomainName or one of
 * its SubjectAlternativeNames, with a value that is a DNS name under
 * DNS_ACM_VALIDATION_DOMAIN. Otherwise -1 with why (a sentence without
 * a final dot) saying what is wrong. Names compare case-insensitively,
 * with or without the trailing dot. */
int dns_record_check(const struct acm_certificate *cert,
    const struct acm_validation *v, char *why, size_t whylen);

#endif
