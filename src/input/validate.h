/*
 * validate: every rule an input must pass before anything changes in
 * AWS. Pure: no I/O, no allocation unless stated.
 *
 * Return convention: 0 when the value is valid, -1 when it is not; on
 * -1 a message for the person who clicked the button is written to
 * err (always NUL-terminated, truncated to errlen), naming the field
 * and saying what is allowed. err may be NULL when errlen is 0.
 */
#ifndef PORT_ACM_VALIDATE_H
#define PORT_ACM_VALIDATE_H

#include <stddef.h>

#define VALIDATE_MAX_NAMES 100 /* ACM: domain names per certificate */
#define VALIDATE_MAX_TAGS  50  /* ACM: tags per request */

/* A certificate ARN split into its parts; the strings point into buf. */
struct arn {
	char buf[2048 + 1];
	const char *partition; /* "aws", "aws-cn", "aws-us-gov", ... */
	const char *service;   /* "acm" */
	const char *region;
	const char *account;  /* 12 digits */
	const char *resource; /* "certificate/<id>" */
};

/* An AWS partition as needed to reach its services (partitions.json
 * outputs; every partition supports FIPS and dual-stack). */
struct partition {
	const char *name;              /* "aws" */
	const char *dns_suffix;        /* "amazonaws.com" */
	const char *dual_stack_suffix; /* "api.aws" */
	const char *global_region;     /* implicitGlobalRegion: "us-east-1" */
	const char *console; /* console host, e.g. "console.aws.amazon.com";
	                      * NULL when there is no public console */
};

struct tag {
	char key[128 * 4 + 1];   /* UTF-8, 1..128 characters */
	char value[256 * 4 + 1]; /* UTF-8, 0..256 characters */
};

/* field names the user sees in messages, e.g. "domain_name" */
int validate_domain(const char *field, const char *s, char *err, size_t errlen);
/* ACM's DomainName limit for the Common Name is 64 octets; longer names
 * are allowed only as SANs. */
int validate_common_name(
    const char *field, const char *s, char *err, size_t errlen);
/* Splits a comma- or newline-separated list, trims blanks, drops empty
 * items and duplicates, validates each as a domain. names[] receives
 * malloc'd strings the caller frees (*n of them, even on error). */
int validate_domain_list(const char *field, const char *list, char **names,
    size_t max, size_t *n, char *err, size_t errlen);
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
/* Region name such as "eu-west-1", "us-gov-west-1", "cn-north-1". */
int validate_region(const char *field, const char *s, char *err, size_t errlen);
/* The partition for a region, per botocore's partitions.json regexes
 * (falls back to "aws" like botocore). Never fails for a valid region. */
const struct partition *validate_partition_for_region(const char *region);
/* Full match of ACM's certificate ARN shape; fills *out. The service
 * must be "acm", the resource "certificate/...", the partition known,
 * the region valid and consistent with the partition. */
int validate_certificate_arn(const char *field, const char *s, struct arn *out,
    char *err, size_t errlen);
/* Private CA ARN (service "acm-pca"). */
int validate_pca_arn(
    const char *field, const char *s, char *err, size_t errlen);
/* IAM role ARN arn:<partition>:iam::<account>:role/<path/>name (no
 * region; the same character and account checks; name <= 64). */
int validate_role_arn(
    const char *field, const char *s, char *err, size_t errlen);
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
/* A positive integer within [min, max]; parsed into *out. */
int validate_uint(const char *field, const char *s, unsigned long min,
    unsigned long max, unsigned long *out, char *err, size_t errlen);
/* "true"/"false" (also yes/no, 1/0, case-insensitive) into *out. */
int validate_bool(
    const char *field, const char *s, int *out, char *err, size_t errlen);
/* ENABLED or DISABLED (case-insensitive); canonical form into out. */
int validate_export(const char *s, char out[9], char *err, size_t errlen);

/* Pure. Copies s into out keeping only STS's RoleSessionName
 * characters [A-Za-z0-9_+=,.@-] (others become '-'), cut to 64; a
 * result shorter than 2 becomes "port-acm". */
void validate_session_name(const char *s, char *out, size_t outlen);

#endif
