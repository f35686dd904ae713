/*
 * aws: the one request layer for every AWS service port-acm calls (ACM,
 * STS, Route 53). It resolves and checks endpoints, signs every attempt
 * with SigV4 (sigv4.h) using the current credentials, sends
 * over http.h, retries by retry.h's standard mode, parses errors per
 * protocol, and corrects the run's clock (clock.h) once when AWS says
 * the signature time is off. Credentials come from an
 * aws_credentials_provider the caller hands in.
 *
 * Every error message is redacted of every credential (access key id,
 * secret key, session token) over the whole text before it is cut to
 * size, and AWS's echo of the canonical request and string to sign is
 * dropped: it carries the session token and says nothing to a user.
 *
 * Return convention: 0 on success; -1 on failure with *err filled in.
 */
#ifndef PORT_ACM_AWS_H
#define PORT_ACM_AWS_H

#include <stddef.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/http.h"

enum aws_protocol {
	AWS_PROTO_JSON,     /* awsJson1_1: ACM */
	AWS_PROTO_QUERY,    /* awsQuery, XML answers: STS */
	AWS_PROTO_REST_XML, /* restXml: Route 53 */
};

/* What the request layer knows of a service, usually one static const
 * per service module (designated initialisers: the JSON fields are for
 * aws_json.h's calls only). */
struct aws_service {
	const char *name;         /* "ACM", "STS", "Route 53": messages */
	const char *signing_name; /* "acm", "sts", "route53": aws_endpoint's
	                           * key too */
	enum aws_protocol protocol;
	/* Extra error codes this service models as retryable (e.g. STS's
	 * IDPCommunicationError); NULL-terminated, or NULL. */
	const char *const *retryable_codes;
	/* AWS_PROTO_JSON: an awsJson1_1 service's X-Amz-Target prefix
	 * ("CertificateManager": the target is "<prefix>.<op>"); NULL for
	 * restJson1, where the operation is a path ("/listRegions"). */
	const char *target_prefix;
	/* AWS_PROTO_JSON: the body's Content-Type,
	 * "application/x-amz-json-1.1" or "application/json". */
	const char *content_type;
};

enum aws_error_kind {
	AWS_ERR_SERVICE,     /* the service answered with an error */
	AWS_ERR_TRANSPORT,   /* no usable answer: network, TLS, timeout */
	AWS_ERR_RESPONSE,    /* a 2xx answer we could not understand */
	AWS_ERR_CREDENTIALS, /* no credentials to sign with */
	AWS_ERR_CANCELLED,   /* the run was cancelled */
	AWS_ERR_LOCAL,       /* out of memory, a request we cannot build */
	AWS_ERR_SETUP,       /* a local mistake to fix: the CA bundle
	                      * cannot be read, or does not trust the
	                      * endpoint (exit 2, not "try again") */
};

struct aws_error {
	enum aws_error_kind kind;
	long http_status;     /* 0 when there was no response */
	char type[128];       /* sanitised error code, e.g.
	                       * "ResourceInUseException"; "" if unknown */
	char message[1024];   /* the service's message, or what went wrong;
	                       * redacted and free of control characters */
	char request_id[128]; /* x-amzn-RequestId or <RequestId>, "" if none */
	unsigned attempts;    /* times aws_call's request went out (its
	                       * retries and curl's re-sends); > 1 means an
	                       * earlier copy may have reached AWS and done
	                       * its work, its answer lost. Set on success
	                       * too. */
};

/* The credentials a request is signed with (botocore's Credentials).
 * Whoever fills one owns its strings: aws_credentials_wipe frees them. */
struct aws_credentials {
	char *access_key_id;     /* malloc'd; wiped */
	char *secret_access_key; /* malloc'd; wiped */
	char *session_token;     /* malloc'd; wiped; NULL when absent */
	time_t expires;          /* epoch seconds; 0 = does not expire */
};

/* Where the request layer gets credentials, declared here so this
 * layer knows nothing of where they come from (aws-c-auth's
 * aws_credentials_provider: a get function and its context; creds.h's
 * creds_provider makes one). get returns the credentials to sign the
 * next attempt with, refreshed as needed for now (the AWS-corrected
 * time), borrowed until the next get; or NULL with err filled. It is
 * asked only between attempts, so credentials never change in the
 * middle of one. get NULL = no credentials (unsigned calls only). */
struct aws_credentials_provider {
	const struct aws_credentials *(*get)(
	    void *ctx, time_t now, char *err, size_t errlen);
	void *ctx; /* borrowed; must outlive every client given it */
};

/* Frees the strings of v after wiping them, and zeroes v. */
void aws_credentials_wipe(struct aws_credentials *v);

/* Secrets aws_call redacts from one call's messages, at most. */
#define AWS_MAX_SECRETS 8

struct aws_request {
	const char *method;       /* "POST", "GET", ... */
	const char *path;         /* appended to the endpoint's path; NULL = "";
	                           * unreserved characters and '/' only */
	const char *query;        /* encoded, without '?'; NULL or "" = none */
	const char *content_type; /* NULL = no Content-Type */
	const char *const *headers; /* extra "Name: value" lines, signed */
	size_t nheaders;
	const void *body; /* NULL for none */
	size_t body_len;
	int idempotent; /* safe to repeat after a lost answer; otherwise
	                 * only throttling answers (nothing happened) and
	                 * clock-skew refusals are retried */
	int unsigned_;  /* send without SigV4 and credentials, e.g.
	                 * AssumeRoleWithWebIdentity */
	const char *const *secrets; /* what else the request carries that
	                             * no answer may repeat (a web identity
	                             * token), NULL-terminated, or NULL;
	                             * borrowed */
};

struct aws_client_config {
	const struct aws_service *service; /* borrowed, usually static */
	const char *endpoint; /* "https://host[:port][/path]"; http only to
	                       * loopback; borrowed for the call to new */
	const char *region;   /* signing region; copied */
	struct aws_credentials_provider credentials; /* get NULL only for
	                                              * unsigned calls */
	const char *ca_file;    /* NULL = built-in bundle; copied */
	const char *ca_setting; /* what named ca_file, for messages */
	unsigned max_attempts;  /* 0 = SDK default (3) */
};

struct aws_client;

/* NULL when the endpoint is not usable (not http(s), plain http to a
 * non-loopback host, too long) or out of memory; why says which when
 * not NULL. http and clock are borrowed and must outlive the client;
 * clock NULL = a private one (corrected for this client only). Caller
 * frees with aws_client_free. */
struct aws_client *aws_client_new(struct http *http, struct clock *clock,
    const struct aws_client_config *cfg, char *why, size_t whylen);
void aws_client_free(struct aws_client *c);

/* Where and how a service module's client connects: the one settings
 * struct each module's constructor takes (acm_config, sts_config and
 * route53_config are this struct under the module's name). Callers
 * fill it positionally: the fields stay in this order. */
struct aws_client_settings {
	/* A custom URL (AWS_ENDPOINT_URL_<SERVICE>, an emulator, a fake),
	 * or NULL / "" for the service's own endpoint for region
	 * (aws_endpoint). Borrowed for the call. */
	const char *endpoint;
	/* The region; the signing region too, except for a global service
	 * (Route 53, Organizations, Account Management), which signs for
	 * its partition's global region whatever the endpoint. Borrowed. */
	const char *region;
	struct aws_credentials_provider credentials; /* ctx must outlive
	                                              * the client */
	const char *ca_file;    /* NULL = built-in bundle; borrowed */
	const char *ca_setting; /* what named ca_file, for messages */
	unsigned max_attempts;  /* 0 = SDK default (3) */
	struct clock *clock;    /* the run's, borrowed; NULL = a private
	                         * one */
};

/* A client of service (borrowed, usually static) as settings say: the
 * endpoint resolved as described there (fips, dualstack 0/1 as
 * aws_endpoint's), then aws_client_new. NULL when
 * there is no endpoint for that combination, it is unusable, or memory
 * ran out; why says which. http is borrowed and must outlive the
 * client. Caller frees with aws_client_free. */
struct aws_client *aws_client_open(struct http *http,
    const struct aws_service *service,
    const struct aws_client_settings *settings, int fips, int dualstack,
    char *why, size_t whylen);

/* The service a client was opened for; borrowed from the client's
 * maker. */
const struct aws_service *aws_client_service(const struct aws_client *c);

/* One logical call. 0 with the 2xx body in *out (reset first; caller
 * frees with buf_free), or -1 with err filled. For AWS_PROTO_JSON the
 * body is checked to be a JSON object, for the XML protocols to be
 * well-formed XML; a 2xx answer that is not is retried like a lost one
 * and ends as AWS_ERR_RESPONSE. */
int aws_call(struct aws_client *c, const struct aws_request *req,
    struct buf *out, struct aws_error *err);

/* One call of aws_call_many: client and req borrowed (as aws_call's);
 * out (caller frees with buf_free), err and rc what aws_call gives. */
struct aws_call_item {
	struct aws_client *client;
	const struct aws_request *req;
	struct buf out;
	struct aws_error err;
	int rc;
};

/* n calls as aws_call each, their first attempts sent together (at
 * most max in flight, http_send_many) when their clients share one
 * http; each signed with its own client's credentials. A first attempt
 * that fails in a way worth repeating goes on through aws_call's retry
 * policy, one call at a time (retries are rare; a throttled call must
 * wait its backoff anyway). After a cancel nothing more is sent. */
void aws_call_many(struct aws_call_item *it, size_t n, size_t max);

/* The endpoint for a service (signing name "acm", "sts", "tagging",
 * "route53", "organizations", "account") in region, as botocore's
 * endpoint rule sets resolve it with AWS_USE_FIPS_ENDPOINT /
 * AWS_USE_DUALSTACK_ENDPOINT (fips, dualstack 0/1). url gets
 * "https://host", signing_region the region to sign with (Route 53,
 * Organizations and Account Management are global: us-east-1 in aws,
 * cn-northwest-1 in aws-cn, ...; the last two ignore fips and
 * dualstack, as port-acm always has). signing_region is set even when
 * it fails: -1 when the rule set has no endpoint for that combination,
 * with url holding a message saying why. Pure. */
int aws_endpoint(const char *signing_name, const char *region, int fips,
    int dualstack, char *url, size_t urllen, char *signing_region,
    size_t srlen);

/* Pure. Fills err from an error answer of the given protocol: code,
 * message, request id. errortype_header is X-Amzn-Errortype (JSON);
 * request_id the x-amzn-RequestId header (XML bodies carry their own,
 * which wins). secrets (NULL-terminated, or NULL) are redacted over the
 * whole message before it is cut to size. */
void aws_error_parse(enum aws_protocol proto, long status,
    const char *errortype_header, const char *body, size_t len,
    const char *request_id, const char *const *secrets, struct aws_error *err);

/* Pure. Makes err an AWS_ERR_LOCAL with msg ("out of memory", a
 * request that cannot be built), its other fields (attempts) kept;
 * returns -1. */
int aws_error_local(struct aws_error *err, const char *msg);

/* Pure. Whether err is a service error of the given type. */
int aws_error_is(const struct aws_error *err, const char *type);

/* Pure. Whether a code is one the SDKs treat as clock skew. */
int aws_is_skew_error(const char *code);

/* Pure. An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") as epoch
 * seconds; -1 when it is not one. */
time_t aws_parse_http_date(const char *s);

/* Pure. ISO 8601 UTC time as AWS writes it ("2026-12-02T14:05:00Z",
 * fractions and "+00:00" accepted) as epoch seconds; -1 when not one. */
time_t aws_parse_iso8601(const char *s);

/* Pure. Every secret a call holds, NULL-terminated into out (room for
 * n, the last slot always NULL): the signing credentials (cv, NULL for
 * an unsigned call) and req->secrets. Every message made of an answer
 * is redacted of all of them, signed or not (issue 16, defect 6).
 * Returns how many were put. */
size_t aws_call_secrets(const struct aws_credentials *cv,
    const struct aws_request *req, const char **out, size_t n);

/* Pure. Splits an endpoint URL. 0 when usable: https, or http to a
 * loopback host (127.0.0.0/8, ::1, localhost); the scheme is compared
 * case-insensitively. host gets the signed Host value (lower case, the
 * port only when not the scheme's default), base the URL without a
 * trailing '/', path the path prefix ("" for none). */
int aws_endpoint_split(const char *endpoint, char *base, size_t baselen,
    char *host, size_t hostlen, char *path, size_t pathlen, char *why,
    size_t whylen);

#endif
