/*
 * sigv4: AWS Signature Version 4 for HTTP requests (header signing).
 *
 * Pure: no I/O, no clock, no environment. The caller supplies the
 * timestamp so signatures are reproducible in tests. SHA-256 and HMAC
 * come from the PSA Crypto API so this file carries over to Mbed TLS 4
 * unchanged; psa_crypto_init() must have been called (main does; curl's
 * global init does it only when Mbed TLS has MBEDTLS_USE_PSA_CRYPTO).

 *
 * Return convention: 0 on success, -1 on failure (out of memory, a PSA
 * error, or a request the signer refuses, e.g. no Host header).
 * Output buffers are the caller's; on failure their contents are
 * unspecified but still owned by the caller.
 */
#ifndef PORT_ACM_SIGV4_H
#define PORT_ACM_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "base/buf.h"

struct sigv4_header {
	const char *name;  /* any case; borrowed */
	const char *value; /* raw value as sent; borrowed */
};

struct sigv4_request {
	const char *method; /* "POST" */
	const char *path;   /* raw path, e.g. "/"; normalised and encoded */
	const char *query;  /* raw query without '?', "" or NULL if none */
	/* Every header that is sent and should be signed: must include
	 * "host" (with ":port" only for a non-default port) and
	 * "x-amz-date"; with temporary credentials also
	 * "x-amz-security-token". Duplicated names are joined with ','. */
	const struct sigv4_header *headers;
	size_t nheaders;
	const void *body; /* exact bytes sent; may be NULL when len is 0 */
	size_t body_len;
};

struct sigv4_credentials {
	const char *access_key_id;     /* borrowed */
	const char *secret_access_key; /* borrowed; never copied to output */
	const char *session_token;     /* NULL when absent (not signed here:
	                                * the caller adds the header) */
};

/* "YYYYMMDDTHHMMSSZ" for t in UTC; out must hold 17 bytes. */
int sigv4_amz_date(time_t t, char out[17]);

/* Appends the canonical request (IAM "Create a signed AWS API request",
 * step 1) to out. */
int sigv4_canonical_request(const struct sigv4_request *req, struct buf *out);

/* Appends the sorted, ';'-joined lower-case signed header names. */
int sigv4_signed_headers(const struct sigv4_request *req, struct buf *out);

/* Appends the string to sign for amz_date (the x-amz-date value),
 * region and service. */
int sigv4_string_to_sign(const struct sigv4_request *req, const char *amz_date,
    const char *region, const char *service, struct buf *out);

/* Appends the full Authorization header value:
 * "AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request,
 *  SignedHeaders=..., Signature=<64 hex>". */
int sigv4_authorization(const struct sigv4_request *req,
    const struct sigv4_credentials *creds, const char *amz_date,
    const char *region, const char *service, struct buf *out);

/* Lower-case hex SHA-256 of data; out must hold 65 bytes. */
int sigv4_sha256_hex(const void *data, size_t len, char out[65]);

#endif
