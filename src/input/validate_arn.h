/*
 * validate_arn: ARNs (ACM certificates, Private CAs, IAM roles), AWS
 * regions and the partition each belongs to, STS session names.
 *
 * Return convention: validate.h's.
 */
#ifndef PORT_ACM_VALIDATE_ARN_H
#define PORT_ACM_VALIDATE_ARN_H

#include <stddef.h>

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
/* Pure. Copies s into out keeping only STS's RoleSessionName
 * characters [A-Za-z0-9_+=,.@-] (others become '-'), cut to 64; a
 * result shorter than 2 becomes "port-acm". */
void validate_session_name(const char *s, char *out, size_t outlen);

#endif
