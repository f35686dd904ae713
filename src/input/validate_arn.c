#include "input/validate_arn.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "input/validate.h"

static const struct partition partitions[] = {
    {"aws", "amazonaws.com", "api.aws", "us-east-1", "console.aws.amazon.com"},
    {"aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn",
        "cn-northwest-1", "console.amazonaws.cn"},
    {"aws-us-gov", "amazonaws.com", "api.aws", "us-gov-west-1",
        "console.amazonaws-us-gov.com"},
    {"aws-iso", "c2s.ic.gov", "api.aws.ic.gov", "us-iso-east-1", NULL},
    {"aws-iso-b", "sc2s.sgov.gov", "api.aws.scloud", "us-isob-east-1", NULL},
    {"aws-iso-e", "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk", "eu-isoe-west-1",
        NULL},
    {"aws-iso-f", "csp.hci.ic.gov", "api.aws.hci.ic.gov", "us-isof-south-1",
        NULL},
    {"aws-eusc", "amazonaws.eu", "api.amazonwebservices.eu", "eusc-de-east-1",
        NULL},
};
#define NPARTITIONS (sizeof(partitions) / sizeof(partitions[0]))

/* Regions and partitions */

/* Full match of "<prefix>\w+-\d+" as in botocore's partition regexes. */
static int
match_region_rx(const char *r, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p;

	if (strncmp(r, prefix, n) != 0)
		return 0;
	p = r + n;
	if (!validate_is_word((unsigned char)*p))
		return 0;
	while (validate_is_word((unsigned char)*p))
		p++;
	if (*p++ != '-' || !validate_is_digit((unsigned char)*p))
		return 0;
	while (validate_is_digit((unsigned char)*p))
		p++;
	return *p == '\0';
}

static int
partition_index(const char *region)
{
	static const char *const aws[] = {
	    "us-", "eu-", "ap-", "sa-", "ca-", "me-", "af-", "il-", "mx-"};
	size_t i;

	for (i = 0; i < sizeof(aws) / sizeof(aws[0]); i++)
		if (match_region_rx(region, aws[i]))
			return 0;
	if (match_region_rx(region, "cn-"))
		return 1;
	if (match_region_rx(region, "us-gov-"))
		return 2;
	if (match_region_rx(region, "us-iso-"))
		return 3;
	if (match_region_rx(region, "us-isob-"))
		return 4;
	if (match_region_rx(region, "eu-isoe-"))
		return 5;
	if (match_region_rx(region, "us-isof-"))
		return 6;
	if (match_region_rx(region, "eusc-de-"))
		return 7;
	return -1;
}

const struct partition *
validate_partition_for_region(const char *region)
{
	int i = region ? partition_index(region) : -1;

	/* botocore returns the first partition when nothing matches. */
	return &partitions[i < 0 ? 0 : i];
}

/*
 * Region shape: lower-case parts joined by '-', 3..5 of them; the first
 * 2..4 letters, the last 1..3 digits, the middle ones letters/digits.
 * Not limited to the partition regexes, so a region AWS opens later is
 * not refused (it resolves to "aws" as in botocore).
 */
int
validate_region(const char *field, const char *s, char *err, size_t errlen)
{
	char v[VALIDATE_SHOW_LEN];
	const char *part, *p;
	size_t nparts = 0, len, i;
	int good;

	if (s == NULL || *s == '\0') {
		str_printf(err, errlen,
		    "%s is empty: give an AWS region such as us-east-1", field);
		return -1;
	}
	good = strlen(s) <= 32;
	for (part = s; good; part = p + 1) {
		p = part + strcspn(part, "-");
		len = p - part;
		nparts++;
		for (i = 0; i < len; i++) {
			unsigned char u = (unsigned char)part[i];
			int letter = u >= 'a' && u <= 'z';

			/* first part letters, last digits, others both */
			if (nparts == 1)
				good &= letter;
			else if (*p == '\0')
				good &= validate_is_digit(u);
			else
				good &= letter || validate_is_digit(u);
		}
		if (len == 0 || (nparts == 1 && (len < 2 || len > 4)))
			good = 0;
		if (*p == '\0') {
			if (len > 3)
				good = 0;
			break;
		}
	}
	if (!good || nparts < 3 || nparts > 5) {
		str_printf(err, errlen,
		    "%s '%s' is not an AWS region name: use the lower-case "
		    "form such as us-east-1, eu-west-2 or cn-north-1",
		    field, validate_show(v, s));
		return -1;
	}
	return 0;
}

/* ARNs */

static int
is_arn_res_char(unsigned char c)
{
	return validate_is_word(c) || c == '+' || c == '=' || c == ',' ||
	       c == '.' || c == '@' || c == '-';
}

/*
 * Full match of ACM's Arn / PcaArn patterns
 *   arn:[\w+=/,.@-]+:<service>:[\w+=/,.@-]*:[0-9]+:[\w+=,.@-]+(/[\w+=,.@-]+)*
 * narrowed to what a real one looks like: a known partition, a valid
 * region in that partition (none for IAM, a global service), a 12-digit
 * account and <type>/<id>.
 */
static int
check_arn(const char *field, const char *s, const char *service,
    const char *restype, struct arn *out, char *err, size_t errlen)
{
	char v[VALIDATE_SHOW_LEN], r[VALIDATE_SHOW_LEN];
	char *part[6], *p;
	size_t len, i;
	int pi, global = strcmp(service, "iam") == 0;
	const char *eg = global ? "" : "us-east-1";

	if (s == NULL || *s == '\0') {
		str_printf(err, errlen,
		    "%s is empty: give an ARN such as "
		    "arn:aws:%s:%s:123456789012:%s/<%s>",
		    field, service, eg, restype, global ? "name" : "id");
		return -1;
	}
	validate_show(v, s);
	len = strlen(s);
	if (len < 20 || len > 2048) {
		str_printf(err, errlen,
		    "%s '%s' is %zu characters long; an ARN "
		    "has 20 to 2048",
		    field, v, len);
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char u = (unsigned char)s[i];
		char c[64];

		if (is_arn_res_char(u) || u == ':' || u == '/')
			continue;
		str_printf(err, errlen,
		    "%s '%s' contains %s, which is not allowed in an ARN: "
		    "use letters, digits and + = , . @ - _ : /",
		    field, v, validate_describe_char(c, s + i));
		return -1;
	}
	memcpy(out->buf, s, len + 1);
	p = out->buf;
	for (i = 0; i < 5; i++) {
		part[i] = p;
		if ((p = strchr(p, ':')) == NULL) {
			str_printf(err, errlen,
			    "%s '%s' is not an ARN: expected "
			    "arn:<partition>:%s:<region>:<account>:%s/<id>",
			    field, v, service, restype);
			return -1;
		}
		*p++ = '\0';
	}
	part[5] = p;
	if (strcmp(part[0], "arn") != 0) {
		str_printf(err, errlen,
		    "%s '%s' does not start with 'arn:': expected "
		    "arn:<partition>:%s:<region>:<account>:%s/<id>",
		    field, v, service, restype);
		return -1;
	}
	for (i = 0; i < NPARTITIONS; i++)
		if (strcmp(part[1], partitions[i].name) == 0)
			break;
	if (i == NPARTITIONS) {
		str_printf(err, errlen,
		    "%s '%s' names the unknown partition '%s': use aws, "
		    "aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, "
		    "aws-iso-f or aws-eusc",
		    field, v, validate_show(r, part[1]));
		return -1;
	}
	if (strcmp(part[2], service) != 0) {
		str_printf(err, errlen,
		    "%s '%s' belongs to the service '%s', not %s: give the "
		    "ARN of %s",
		    field, v, validate_show(r, part[2]), service,
		    global ? "an IAM role"
		    : strcmp(service, "acm") == 0
		        ? "an ACM certificate"
		        : "an AWS Private CA certificate authority");
		return -1;
	}
	if (global && part[3][0] != '\0') {
		str_printf(err, errlen,
		    "%s '%s' has the region '%s': IAM ARNs have none "
		    "(arn:<partition>:iam::<account>:%s/<name>)",
		    field, v, validate_show(r, part[3]), restype);
		return -1;
	}
	if (!global && validate_region(field, part[3], NULL, 0) != 0) {
		str_printf(err, errlen,
		    "%s '%s' has the region '%s', which is not an AWS region "
		    "name",
		    field, v, validate_show(r, part[3]));
		return -1;
	}
	pi = partition_index(part[3]);
	if (!global && strcmp(partitions[pi < 0 ? 0 : pi].name, part[1]) != 0) {
		str_printf(err, errlen,
		    "%s '%s' puts the region '%s' in the partition '%s', but "
		    "that region belongs to '%s'",
		    field, v, part[3], part[1],
		    partitions[pi < 0 ? 0 : pi].name);
		return -1;
	}
	for (i = 0; part[4][i]; i++)
		if (!validate_is_digit((unsigned char)part[4][i]))
			break;
	if (i != 12 || part[4][i] != '\0') {
		str_printf(err, errlen,
		    "%s '%s' has the account '%s': an AWS account id is 12 "
		    "digits",
		    field, v, validate_show(r, part[4]));
		return -1;
	}
	len = strlen(restype);
	if (strncmp(part[5], restype, len) != 0 || part[5][len] != '/') {
		str_printf(err, errlen,
		    "%s '%s' does not name a %s: the part after the account "
		    "must be %s/<id>",
		    field, v, restype, restype);
		return -1;
	}
	/* <id> is one or more segments joined by single '/'. */
	for (p = part[5] + len; *p; p++) {
		if (*p == '/' && (p[1] == '/' || p[1] == '\0')) {
			str_printf(err, errlen,
			    "%s '%s' has an empty or missing id after '%s/'",
			    field, v, restype);
			return -1;
		}
		if (*p == ':') {
			str_printf(err, errlen,
			    "%s '%s' has a ':' in its id: expected "
			    "arn:<partition>:%s:<region>:<account>:%s/<id>",
			    field, v, service, restype);
			return -1;
		}
	}
	out->partition = part[1];
	out->service = part[2];
	out->region = part[3];
	out->account = part[4];
	out->resource = part[5];
	return 0;
}

int
validate_certificate_arn(
    const char *field, const char *s, struct arn *out, char *err, size_t errlen)
{
	return check_arn(field, s, "acm", "certificate", out, err, errlen);
}

int
validate_pca_arn(const char *field, const char *s, char *err, size_t errlen)
{
	struct arn *a;
	int rc;

	/* struct arn is 2 KiB; keep it off small stacks. */
	if ((a = malloc(sizeof(*a))) == NULL) {
		str_printf(err, errlen, "%s: out of memory", field);
		return -1;
	}
	rc = check_arn(
	    field, s, "acm-pca", "certificate-authority", a, err, errlen);
	free(a);
	return rc;
}

int
validate_role_arn(const char *field, const char *s, char *err, size_t errlen)
{
	struct arn *a;
	const char *name;
	int rc;

	if ((a = malloc(sizeof(*a))) == NULL) {
		str_printf(err, errlen, "%s: out of memory", field);
		return -1;
	}
	rc = check_arn(field, s, "iam", "role", a, err, errlen);
	/* role/<path/>name: IAM's name is at most 64 characters. */
	if (rc == 0 && strlen(name = strrchr(a->resource, '/') + 1) > 64) {
		str_printf(err, errlen,
		    "%s: the role name '%.64s...' is longer than IAM's 64 "
		    "characters",
		    field, name);
		rc = -1;
	}
	free(a);
	return rc;
}

void
validate_session_name(const char *s, char *out, size_t outlen)
{
	size_t i, n = 0;

	for (i = 0; s != NULL && s[i] && n < 64 && n + 1 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];

		out[n++] = isalnum(c) || strchr("_+=,.@-", c) ? (char)c : '-';
	}
	if (outlen > 0)
		out[n] = '\0';
	if (n < 2)
		str_copy(out, outlen, "port-acm");
}
