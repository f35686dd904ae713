#include "aws/sts.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xml.h"

/* Retryable beyond the standard set. InvalidIdentityToken is not: STS
 * also answers it for set-up errors that never pass ("No OpenIDConnect
 * provider found", "Incorrect token audience"), and the same token
 * would be refused again; the credential source retries it once, with
 * a freshly fetched token (creds_sts.c). */
static const char *const sts_retryable[] = {"IDPCommunicationError", NULL};

static const struct aws_service sts_service = {.name = "STS",
    .signing_name = "sts",
    .protocol = AWS_PROTO_QUERY,
    .retryable_codes = sts_retryable};

struct sts {
	struct aws_client *client;
};

struct sts *
sts_new(
    struct http *http, const struct sts_config *cfg, char *why, size_t whylen)
{
	struct sts *s;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		str_copy(why, whylen, "out of memory");
		return NULL;
	}
	s->client = aws_client_open(http, &sts_service, cfg, 0, 0, why, whylen);
	if (s->client == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

void
sts_free(struct sts *s)
{
	if (s != NULL)
		aws_client_free(s->client);
	free(s);
}

int
sts_form_add(struct buf *b, const char *name, const char *value)
{
	const unsigned char *p;

	if (buf_printf(b, "%s%s=", b->len ? "&" : "", name) != 0)
		return -1;
	for (p = (const unsigned char *)value; *p; p++) {
		if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' ||
		    *p == '~') {
			if (buf_putc(b, (char)*p) != 0)
				return -1;
		} else if (buf_printf(b, "%%%02X", *p) != 0)
			return -1;
	}
	return 0;
}

/* Trimmed copy of text, malloc'd; NULL when absent or empty. */
static char *
trimmed(const char *text)
{
	const char *e;
	char *out, *w;

	if (text == NULL)
		return NULL;
	while (isspace((unsigned char)*text))
		text++;
	e = text + strlen(text);
	while (e > text && isspace((unsigned char)e[-1]))
		e--;
	if (e == text || (out = malloc((size_t)(e - text) + 1)) == NULL)
		return NULL;
	/* Drop whitespace inside too: a token wrapped over lines. */
	for (w = out; text < e; text++)
		if (!isspace((unsigned char)*text))
			*w++ = *text;
	*w = '\0';
	return out;
}

int
sts_parse_credentials(const char *xml, size_t len, struct aws_credentials *out,
    char *assumed_arn, size_t arnlen, char *err, size_t errlen)
{
	struct xml_node *root;
	const struct xml_node *result = NULL, *c, *ch;
	char why[256], *exp = NULL;

	memset(out, 0, sizeof(*out));
	if (xml_parse(xml, len, &root, why, sizeof(why)) != 0) {
		str_printf(
		    err, errlen, "STS answer is not usable XML: %s", why);
		return -1;
	}
	/* Both operations answer <{Op}Response><{Op}Result>...: take the
	 * root's child named "...Result" (AssumeRoleResult or
	 * AssumeRoleWithWebIdentityResult). */
	for (ch = root->child; ch != NULL; ch = ch->next) {
		size_t n = strlen(ch->name);

		if (n > 6 && strcmp(ch->name + n - 6, "Result") == 0)
			result = ch;
	}
	c = xml_child(result, "Credentials");
	out->access_key_id = trimmed(xml_child_text(c, "AccessKeyId"));
	out->secret_access_key = trimmed(xml_child_text(c, "SecretAccessKey"));
	out->session_token = trimmed(xml_child_text(c, "SessionToken"));
	exp = trimmed(xml_child_text(c, "Expiration"));
	out->expires = exp ? aws_parse_iso8601(exp) : -1;
	free(exp);
	if (assumed_arn != NULL) {
		ch = xml_path(result, "AssumedRoleUser/Arn");
		str_copy(assumed_arn, arnlen, ch ? ch->text : "");
		str_scrub(assumed_arn);
	}
	xml_free(root);
	if (out->access_key_id == NULL || out->secret_access_key == NULL ||
	    out->session_token == NULL || out->expires <= 0) {
		aws_credentials_wipe(out);
		str_copy(err, errlen,
		    "STS answer lacks Credentials (AccessKeyId, "
		    "SecretAccessKey, SessionToken, Expiration)");
		return -1;
	}
	return 0;
}

/* The form of an AssumeRole (token NULL) or AssumeRoleWithWebIdentity. */
static int
role_form(struct buf *form, const char *action, const struct sts_role *role,
    const char *token)
{
	char dur[16];

	snprintf(dur, sizeof(dur), "%u", role->duration_s);
	return sts_form_add(form, "Action", action) != 0 ||
	               sts_form_add(form, "Version", "2011-06-15") != 0 ||
	               sts_form_add(form, "RoleArn", role->role_arn) != 0 ||
	               sts_form_add(
	                   form, "RoleSessionName", role->session_name) != 0 ||
	               (token && sts_form_add(
	                             form, "WebIdentityToken", token) != 0) ||
	               (role->duration_s &&
	                   sts_form_add(form, "DurationSeconds", dur) != 0) ||
	               (role->external_id && !token &&
	                   sts_form_add(
	                       form, "ExternalId", role->external_id) != 0)
	           ? -1
	           : 0;
}

/* A POST of form (borrowed). Every STS action port-acm uses is safe to
 * repeat: a lost answer only costs a session. secrets (borrowed,
 * NULL-terminated) are what an unsigned AssumeRoleWithWebIdentity
 * carries, its token; NULL for a signed call. */
static struct aws_request
form_request(const struct buf *form, const char *const *secrets)
{
	return (struct aws_request){"POST", NULL, NULL,
	    "application/x-www-form-urlencoded; charset=utf-8", NULL, 0,
	    form->data ? form->data : "", form->len, 1, secrets != NULL,
	    secrets};
}

static int
call(struct sts *s, const char *action, const struct sts_role *role,
    const char *token, struct aws_credentials *out, char *assumed_arn,
    size_t arnlen, struct aws_error *err)
{
	struct buf form = {0}, resp = {0};
	struct aws_request rq;
	const char *secrets[] = {token, NULL};
	char why[256];
	int rc = -1;

	memset(err, 0, sizeof(*err));
	if (role_form(&form, action, role, token) != 0) {
		aws_error_local(err, "out of memory");
		goto done;
	}
	rq = form_request(&form, token ? secrets : NULL);
	if (aws_call(s->client, &rq, &resp, err) != 0)
		goto done;
	if (sts_parse_credentials(resp.data, resp.len, out, assumed_arn, arnlen,
	        why, sizeof(why)) != 0) {
		err->kind = AWS_ERR_RESPONSE;
		err->http_status = 200;
		str_copy(err->message, sizeof(err->message), why);
		goto done;
	}
	rc = 0;
done:
	buf_wipe(&form);
	buf_wipe(&resp);
	return rc;
}

int
sts_assume_role(struct sts *s, const struct sts_role *role,
    struct aws_credentials *out, char *assumed_arn, size_t arnlen,
    struct aws_error *err)
{
	return call(s, "AssumeRole", role, NULL, out, assumed_arn, arnlen, err);
}

void
sts_assume_role_many(struct sts_assume *it, size_t n, size_t max)
{
	struct aws_call_item *calls = calloc(n ? n : 1, sizeof(*calls));
	struct aws_request *rq = calloc(n ? n : 1, sizeof(*rq));
	struct buf *form = calloc(n ? n : 1, sizeof(*form));
	char why[256];
	size_t i;

	if (calls == NULL || rq == NULL || form == NULL) {
		for (i = 0; i < n; i++) /* one by one */
			it[i].rc = sts_assume_role(it[i].sts, &it[i].role,
			    &it[i].out, NULL, 0, &it[i].err);
		goto out;
	}
	for (i = 0; i < n; i++) {
		it[i].rc = -1;
		memset(&it[i].err, 0, sizeof(it[i].err));
		if (role_form(&form[i], "AssumeRole", &it[i].role, NULL) != 0)
			buf_wipe(&form[i]); /* aws_call_many sends "" */
		rq[i] = form_request(&form[i], NULL);
		calls[i].client = it[i].sts->client;
		calls[i].req = &rq[i];
	}
	aws_call_many(calls, n, max);
	for (i = 0; i < n; i++) {
		it[i].err = calls[i].err;
		if (form[i].data == NULL) {
			it[i].err.kind = AWS_ERR_LOCAL;
			str_copy(it[i].err.message, sizeof(it[i].err.message),
			    "out of memory");
		} else if (calls[i].rc == 0 &&
		           sts_parse_credentials(calls[i].out.data,
		               calls[i].out.len, &it[i].out, NULL, 0, why,
		               sizeof(why)) != 0) {
			it[i].err.kind = AWS_ERR_RESPONSE;
			it[i].err.http_status = 200;
			str_copy(
			    it[i].err.message, sizeof(it[i].err.message), why);
		} else if (calls[i].rc == 0)
			it[i].rc = 0;
		buf_wipe(&calls[i].out);
		buf_wipe(&form[i]);
	}
out:
	free(calls);
	free(rq);
	free(form);
}

int
sts_assume_role_with_web_identity(struct sts *s, const struct sts_role *role,
    const char *token, struct aws_credentials *out, char *assumed_arn,
    size_t arnlen, struct aws_error *err)
{
	return call(s, "AssumeRoleWithWebIdentity", role, token, out,
	    assumed_arn, arnlen, err);
}

int
sts_get_caller_identity(struct sts *s, char account[13], char *arn,
    size_t arnlen, struct aws_error *err)
{
	struct buf form = {0}, resp = {0};
	struct aws_request rq;
	struct xml_node *root = NULL;
	const struct xml_node *res;
	const char *acct, *a;
	char why[256];
	int rc = -1;

	memset(err, 0, sizeof(*err));
	account[0] = '\0';
	if (sts_form_add(&form, "Action", "GetCallerIdentity") != 0 ||
	    sts_form_add(&form, "Version", "2011-06-15") != 0) {
		aws_error_local(err, "out of memory");
		goto done;
	}
	rq = form_request(&form, NULL);
	if (aws_call(s->client, &rq, &resp, err) != 0)
		goto done;
	if (xml_parse(resp.data, resp.len, &root, why, sizeof(why)) != 0)
		goto bad;
	res = xml_child(root, "GetCallerIdentityResult");
	acct = xml_child_text(res, "Account");
	a = xml_child_text(res, "Arn");
	if (acct == NULL || strlen(acct) != 12 ||
	    strspn(acct, "0123456789") != 12 || a == NULL) {
		str_copy(why, sizeof(why), "no 12-digit Account and Arn");
		goto bad;
	}
	memcpy(account, acct, 13);
	str_copy(arn, arnlen, a);
	str_scrub(arn);
	rc = 0;
	goto done;
bad:
	err->kind = AWS_ERR_RESPONSE;
	err->http_status = 200;
	str_printf(err->message, sizeof(err->message),
	    "STS answered GetCallerIdentity without an identity: %s", why);
done:
	xml_free(root);
	buf_free(&form);
	buf_free(&resp);
	return rc;
}
