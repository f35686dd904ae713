/*
 * sts: the AWS Security Token Service client (awsQuery: form-encoded
 * POSTs, XML answers parsed with xml.h) on the AWS request layer.
 * AssumeRole is signed with the base credentials; AssumeRoleWithWeb-
 * Identity is unsigned (the token is the credential).
 *
 * Return convention: 0 on success; -1 on failure with *err filled in.
 * Credentials handed back are malloc'd in a struct aws_credentials
 * (aws.h) the caller owns and wipes (aws_credentials_wipe).
 */
#ifndef PORT_ACM_STS_H
#define PORT_ACM_STS_H

#include <stddef.h>

#include "aws/aws.h"
#include "base/http.h"

/* Where the client connects and how (aws.h); endpoint is a URL
 * (NULL or "" = the service's own for region), clock NULL = a private
 * one. The old name stays for op code. */
#define sts_config aws_client_settings

struct sts_role {
	const char *role_arn; /* 20..2048 */
	const char
	    *session_name;       /* 2..64, [\w+=,.@-] (validate_session_name) */
	unsigned duration_s;     /* 0 = STS default (3600) */
	const char *external_id; /* NULL = none (AssumeRole only) */
};

struct sts;

/* NULL when the endpoint is unusable or memory ran out; why says which.
 * cfg->credentials are the base credentials AssumeRole signs with (get
 * NULL when only web identity is used). http is borrowed. Caller frees
 * with sts_free. */
struct sts *sts_new(
    struct http *http, const struct sts_config *cfg, char *why, size_t whylen);
void sts_free(struct sts *s);

/* AssumeRole, signed with cfg->credentials. assumed_arn (may be NULL) gets
 * AssumedRoleUser.Arn. */
int sts_assume_role(struct sts *s, const struct sts_role *role,
    struct aws_credentials *out, char *assumed_arn, size_t arnlen,
    struct aws_error *err);

/* One AssumeRole of sts_assume_role_many: sts and role borrowed; out
 * (on rc 0; the caller wipes it), err and rc as sts_assume_role's. */
struct sts_assume {
	struct sts *sts;
	struct sts_role role;
	struct aws_credentials out;
	struct aws_error err;
	int rc;
};

/* n AssumeRole calls, each signed with its own client's credentials,
 * sent together, at most max in flight (aws_call_many). */
void sts_assume_role_many(struct sts_assume *it, size_t n, size_t max);

/* AssumeRoleWithWebIdentity, unsigned; token is the OIDC JWT. */
int sts_assume_role_with_web_identity(struct sts *s,
    const struct sts_role *role, const char *token, struct aws_credentials *out,
    char *assumed_arn, size_t arnlen, struct aws_error *err);

/* GetCallerIdentity, signed with cfg->credentials: the caller's account
 * (12 digits) and ARN (its partition names the role ARNs sync builds). */
int sts_get_caller_identity(struct sts *s, char account[13], char *arn,
    size_t arnlen, struct aws_error *err);

/* Pure. Reads <Credentials> (and AssumedRoleUser.Arn) from an
 * AssumeRole / AssumeRoleWithWebIdentity answer; text is trimmed (AWS's
 * samples wrap the token over lines). */
int sts_parse_credentials(const char *xml, size_t len,
    struct aws_credentials *out, char *assumed_arn, size_t arnlen, char *err,
    size_t errlen);

/* Pure. Appends "&name=value" with value percent-encoded as the query
 * serializer does (only A-Z a-z 0-9 - _ . ~ left as is). */
int sts_form_add(struct buf *b, const char *name, const char *value);

#endif
