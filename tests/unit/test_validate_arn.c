/*
 * Unit tests for validate_arn.c and the tag list of validate_text.c:
 * certificate and role ARNs, role names, tags; table-driven as
 * test_validate.c (validate_cases.h).
 */
#include <stdlib.h>
#include <string.h>

#include "input/validate.h"
#include "input/validate_arn.h"
#include "input/validate_text.h"
#include "tap.h"
#include "validate_cases.h"

#define CERT "certificate/12345678-1234-1234-1234-123456789012"

static void
test_arns(void)
{
	static const struct {
		const char *arn, *partition, *region;
	} good[] = {
	    {"arn:aws:acm:us-east-1:123456789012:" CERT, "aws", "us-east-1"},
	    {"arn:aws-cn:acm:cn-north-1:123456789012:" CERT, "aws-cn",
	        "cn-north-1"},
	    {"arn:aws-us-gov:acm:us-gov-west-1:123456789012:" CERT,
	        "aws-us-gov", "us-gov-west-1"},
	    {"arn:aws-iso:acm:us-iso-east-1:123456789012:" CERT, "aws-iso",
	        "us-iso-east-1"},
	    {"arn:aws-iso-b:acm:us-isob-east-1:123456789012:" CERT, "aws-iso-b",
	        "us-isob-east-1"},
	    {"arn:aws-iso-e:acm:eu-isoe-west-1:123456789012:" CERT, "aws-iso-e",
	        "eu-isoe-west-1"},
	    {"arn:aws-iso-f:acm:us-isof-south-1:123456789012:" CERT,
	        "aws-iso-f", "us-isof-south-1"},
	    {"arn:aws-eusc:acm:eusc-de-east-1:123456789012:" CERT, "aws-eusc",
	        "eusc-de-east-1"},
	};
	static const struct vcase bad[] = {
	    {"", -1, "empty"},
	    {"arn:aws:acm", -1, "20 to 2048"},
	    {"arn:aws:acm-pca:us-east-1:123456789012:" CERT, -1,
	        "service 'acm-pca'"},
	    {"arn:aws:s3:::my-bucket-name-here", -1, "service 's3'"},
	    {"arn:aws:acm:us-east-1:123456789012:key/abc", -1,
	        "certificate/<id>"},
	    {"arn:aws:acm:us-east-1:123456789012:certificate", -1,
	        "certificate/<id>"},
	    {"arn:aws:acm:us-east-1:123456789012:certificate/", -1,
	        "empty or missing id"},
	    {"arn:aws:acm:us-east-1:123456789012:certificate//x", -1,
	        "empty or missing id"},
	    {"arn:aws:acm:us-east-1:123456789012:certificate/a:b", -1, "':'"},
	    {"arn:aws:acm:us-east-1:12345678901:" CERT, -1, "12 digits"},
	    {"arn:aws:acm:us-east-1:1234567890123:" CERT, -1, "12 digits"},
	    {"arn:aws:acm:us-east-1:12345678901x:" CERT, -1, "12 digits"},
	    {"arn:aws:acm::123456789012:" CERT, -1, "region ''"},
	    {"arn:aws:acm:US-EAST-1:123456789012:" CERT, -1, "region"},
	    {"arn:aws:acm:cn-north-1:123456789012:" CERT, -1,
	        "belongs to 'aws-cn'"},
	    {"arn:aws-cn:acm:us-east-1:123456789012:" CERT, -1,
	        "belongs to 'aws'"},
	    {"arn:aws:acm:us-gov-west-1:123456789012:" CERT, -1, "aws-us-gov"},
	    {"arn:aws-xx:acm:us-east-1:123456789012:" CERT, -1,
	        "unknown partition"},
	    {"ARN:aws:acm:us-east-1:123456789012:" CERT, -1, "'arn:'"},
	    {"arn:aws:acm:us-east-1:123456789012:" CERT ";id", -1, "';'"},
	    {"arn:aws:acm:us-east-1:123456789012:" CERT "\n", -1, "newline"},
	    {"arn:aws:acm:us-east-1:123456789012:" CERT " x", -1, "a space"},
	    {"arn:aws:acm:us-east-1:123456789012:certificate/$(id)", -1, "'$'"},
	    {"arn:aws:acm:us-east-1:certificate/abcdefghijkl", -1,
	        "not an ARN"},
	};
	struct arn a;
	size_t i;
	char *s;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int rc = validate_certificate_arn(
		    "certificate_arn", good[i].arn, &a, err, sizeof(err));

		ok(rc == 0 && strcmp(a.partition, good[i].partition) == 0 &&
		        strcmp(a.service, "acm") == 0 &&
		        strcmp(a.region, good[i].region) == 0 &&
		        strcmp(a.account, "123456789012") == 0 &&
		        strcmp(a.resource, CERT) == 0,
		    "ARN in %s parsed", good[i].partition);
		if (rc != 0)
			printf("#   message: %s\n", err);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = validate_certificate_arn(
		    "certificate_arn", bad[i].in, &a, err, sizeof(err));

		report(judge(rc, &bad[i], "certificate_arn"), "bad ARN",
		    bad[i].in);
	}
	ok(validate_certificate_arn(
	       "certificate_arn", NULL, &a, err, sizeof(err)) == -1,
	    "NULL ARN");

	/* length 2048 accepted, 2049 refused */
	s = rep("a",
	    2048 - strlen("arn:aws:acm:us-east-1:123456789012:"
	                  "certificate/"),
	    "");
	{
		char *full = malloc(2100);

		snprintf(full, 2100,
		    "arn:aws:acm:us-east-1:123456789012:certificate/%s", s);
		ok(strlen(full) == 2048 && validate_certificate_arn("c", full,
		                               &a, err, sizeof(err)) == 0,
		    "2048-char ARN");
		strcat(full, "b");
		ok(validate_certificate_arn("c", full, &a, err, sizeof(err)) ==
		            -1 &&
		        strstr(err, "2049"),
		    "2049-char ARN refused");
		free(full);
	}
	free(s);

	ok(validate_pca_arn("certificate_authority_arn",
	       "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
	       "12345678-1234-1234-1234-123456789012",
	       err, sizeof(err)) == 0,
	    "PCA ARN");
	ok(validate_pca_arn("certificate_authority_arn",
	       "arn:aws-cn:acm-pca:cn-north-1:123456789012:certificate-"
	       "authority/"
	       "abc",
	       err, sizeof(err)) == 0,
	    "PCA ARN in aws-cn");
	ok(validate_pca_arn("certificate_authority_arn",
	       "arn:aws:acm:us-east-1:123456789012:" CERT, err,
	       sizeof(err)) == -1 &&
	        strstr(err, "Private CA"),
	    "certificate ARN is not a PCA ARN");
	ok(validate_pca_arn("certificate_authority_arn",
	       "arn:aws:acm-pca:us-east-1:123456789012:certificate/abc", err,
	       sizeof(err)) == -1 &&
	        strstr(err, "certificate-authority/<id>"),
	    "PCA ARN needs certificate-authority/");

	/* IAM role ARNs (role_to_assume, dns_role_arn): global, no region. */
	ok(validate_role_arn("role_to_assume",
	       "arn:aws:iam::123456789012:role/port-acm", err,
	       sizeof(err)) == 0,
	    "role ARN");
	ok(validate_role_arn("dns_role_arn",
	       "arn:aws-us-gov:iam::123456789012:role/team/dns/acm-dns", err,
	       sizeof(err)) == 0,
	    "role ARN with a path, in aws-us-gov");
	ok(validate_role_arn("role_to_assume",
	       "arn:aws:iam:us-east-1:123456789012:role/x", err,
	       sizeof(err)) == -1 &&
	        strstr(err, "IAM ARNs have none"),
	    "a region in an IAM ARN is refused");
	ok(validate_role_arn("role_to_assume",
	       "arn:aws:iam::123456789012:user/port-acm", err,
	       sizeof(err)) == -1 &&
	        strstr(err, "role/<id>"),
	    "a user ARN is not a role");
	ok(validate_role_arn("role_to_assume",
	       "arn:aws:iam::12345:role/port-acm", err, sizeof(err)) == -1 &&
	        strstr(err, "12 digits"),
	    "short account refused");
	ok(validate_role_arn("role_to_assume",
	       "arn:aws:iam::123456789012:role/", err, sizeof(err)) == -1,
	    "empty role name refused");
	ok(validate_role_arn("role_to_assume",
	       "arn:aws:sts::123456789012:role/x", err, sizeof(err)) == -1 &&
	        strstr(err, "an IAM role"),
	    "another service refused, naming what is wanted");
	ok(validate_role_arn("dns_role_arn",
	       "arn:aws:iam::123456789012:role/a##[set-output name=x;]y", err,
	       sizeof(err)) == -1 &&
	        strstr(err, "dns_role_arn"),
	    "a workflow command in the ARN is refused by its characters");
	ok(validate_role_arn("role_to_assume",
	       "arn:aws:iam::123456789012:role/"
	       "a12345678901234567890123456789012345678901234567890123456789"
	       "012345",
	       err, sizeof(err)) == -1 &&
	        strstr(err, "64"),
	    "a role name over 64 characters refused");
}

static void
test_tags(void)
{
	struct tag *t = calloc(VALIDATE_MAX_TAGS + 1, sizeof(*t));
	size_t n;
	int rc;
	char *s, *big;

	rc = validate_tags(
	    "tags", "Name=web", t, VALIDATE_MAX_TAGS, &n, err, sizeof(err));
	ok(rc == 0 && n == 1 && strcmp(t[0].key, "Name") == 0 &&
	        strcmp(t[0].value, "web") == 0,
	    "one tag");

	rc = validate_tags("tags", "env=prod, team = platform\nowner=\r\n", t,
	    VALIDATE_MAX_TAGS, &n, err, sizeof(err));
	ok(rc == 0 && n == 3 && strcmp(t[1].key, "team") == 0 &&
	        strcmp(t[1].value, "platform") == 0 && t[2].value[0] == '\0',
	    "three tags, blanks trimmed, empty value");

	rc = validate_tags(
	    "tags", "solo", t, VALIDATE_MAX_TAGS, &n, err, sizeof(err));
	ok(rc == 0 && n == 1 && strcmp(t[0].key, "solo") == 0 &&
	        t[0].value[0] == '\0',
	    "key alone means empty value");

	rc = validate_tags(
	    "tags", "k=v=w", t, VALIDATE_MAX_TAGS, &n, err, sizeof(err));
	ok(rc == 0 && strcmp(t[0].value, "v=w") == 0,
	    "first '=' splits, '=' allowed in value");

	rc = validate_tags("tags", "path=/a/b:c+d@e_f.g-h, note=two words", t,
	    VALIDATE_MAX_TAGS, &n, err, sizeof(err));
	ok(rc == 0 && n == 2 && strcmp(t[1].value, "two words") == 0,
	    "all of ACM's ASCII punctuation and inner spaces");

	rc = validate_tags("tags",
	    "\xe5\x90\x8d\xe5\x89\x8d=\xe5\x80\xa4,caf\xc3\xa9=cr\xc3\xa8me", t,
	    VALIDATE_MAX_TAGS, &n, err, sizeof(err));
	ok(rc == 0 && n == 2, "UTF-8 letters accepted");

	rc = validate_tags(
	    "tags", "a=1,A=2", t, VALIDATE_MAX_TAGS, &n, err, sizeof(err));
	ok(rc == 0 && n == 2, "keys are case-sensitive");

	s = rep("k", 128, "=v");
	ok(validate_tags("tags", s, t, 50, &n, err, sizeof(err)) == 0,
	    "128-char key");
	free(s);
	s = rep("k", 129, "=v");
	ok(validate_tags("tags", s, t, 50, &n, err, sizeof(err)) == -1 &&
	        strstr(err, "129") && strstr(err, "128"),
	    "129-char key refused");
	free(s);
	s = rep("\xc3\xa9", 128, "=v");
	ok(validate_tags("tags", s, t, 50, &n, err, sizeof(err)) == 0,
	    "128 two-byte characters (256 bytes) key");
	free(s);
	s = rep("\xe5\x90\x8d", 129, "=v");
	ok(validate_tags("tags", s, t, 50, &n, err, sizeof(err)) == -1,
	    "129 three-byte characters key refused");
	free(s);
	big = rep("v", 256, "");
	s = malloc(300);
	snprintf(s, 300, "k=%s", big);
	ok(validate_tags("tags", s, t, 50, &n, err, sizeof(err)) == 0 &&
	        strlen(t[0].value) == 256,
	    "256-char value");
	strcat(s, "v");
	ok(validate_tags("tags", s, t, 50, &n, err, sizeof(err)) == -1 &&
	        strstr(err, "257"),
	    "257-char value refused");
	free(s);
	free(big);
	s = rep("\xe5\x90\x8d", 400, "");
	big = malloc(strlen(s) + 4);
	sprintf(big, "k=%s", s);
	ok(validate_tags("tags", big, t, 50, &n, err, sizeof(err)) == -1 &&
	        strstr(err, "too long"),
	    "value larger than the buffer refused");
	free(big);
	free(s);

	{
		static const struct vcase bad[] = {
		    {"aws:foo=bar", -1, "'aws:'"},
		    {"AWS:Foo=bar", -1, "'aws:'"},
		    {"foo=aws:bar", -1, "value"},
		    {"foo=AwS:bar", -1, "'aws:'"},
		    {"a=1,a=2", -1, "twice"},
		    {"=v", -1, "empty key"},
		    {" = v", -1, "empty key"},
		    {"", -1, "empty"},
		    {",,\n,", -1, "empty"},
		    {"k;x=v", -1, "';'"},
		    {"k=v$(id)", -1, "'$'"},
		    {"k=`id`", -1, "'`'"},
		    {"k=v\x01", -1, "\\x01"},
		    {"k=a\tb", -1, "tab"},
		    {"k=v\xff", -1, "\\xff"},
		    {"k=a\xe2\x80\xae"
		     "b",
		        -1, "\\u{202e}"},
		    {"k=\"quoted\"", -1, "'\"'"},
		    {"k=a|b", -1, "'|'"},
		};
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			rc = validate_tags("tags", bad[i].in, t,
			    VALIDATE_MAX_TAGS, &n, err, sizeof(err));
			report(
			    judge(rc, &bad[i], "tags"), "bad tags", bad[i].in);
		}
	}
	ok(validate_tags("tags", NULL, t, 50, &n, err, sizeof(err)) == -1,
	    "NULL tags refused");

	{
		char list[51 * 8];
		size_t i, len = 0;

		for (i = 0; i < 51; i++)
			len += (size_t)snprintf(
			    list + len, sizeof(list) - len, "k%zu=v,", i);
		ok(validate_tags("tags", list, t, VALIDATE_MAX_TAGS + 1, &n,
		       err, sizeof(err)) == -1 &&
		        strstr(err, "50"),
		    "51 tags refused even when the array is larger");
		list[len - strlen("k50=v,")] = '\0';
		ok(validate_tags("tags", list, t, VALIDATE_MAX_TAGS, &n, err,
		       sizeof(err)) == 0 &&
		        n == 50,
		    "50 tags");
		ok(validate_tags("tags", "a=1,b=2,c=3,d=4", t, 3, &n, err,
		       sizeof(err)) == -1 &&
		        n == 3,
		    "over a smaller max");
	}
	free(t);
}

int
main(void)
{
	test_arns();
	test_tags();
	return done_testing();
}
