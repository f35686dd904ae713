/*
 * sigv4: AWS Signature Version 4, header signing only.
 *
 * Canonicalisation follows botocore's SigV4Auth for non-S3 services, so
 * that the differential test against botocore can demand byte equality:
 * the path is normalised (dot segments removed, empty segments dropped)
 * and then percent-encoded once; query names and values are encoded and
 * sorted as pairs; header values are trimmed and their inner whitespace
 * collapsed.
 */
#include "aws/sigv4.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mbedtls/platform_util.h>
#include <psa/crypto.h>

#define ALGORITHM  "AWS4-HMAC-SHA256"
#define SHA256_LEN 32

struct hdr {
	char *name;        /* lower-cased copy; owned */
	const char *value; /* borrowed from the request */
	size_t order; /* position in the request, keeps duplicates stable */
};

struct param {
	char *name; /* percent-encoded; owned */
	char *value;
};

static int
is_unreserved(unsigned char c)
{
	/* Explicit ranges: isalnum() would depend on the locale. */
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	       c == '~';
}

/* Percent-encodes s[0..len) onto out, one %XX per byte. */
static int
pct_append(struct buf *out, const char *s, size_t len)
{
	size_t i;
	int rc;

	if (buf_append(out, "", 0) != 0) /* so that b.data != NULL */
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		rc = is_unreserved(c) ? buf_putc(out, (char)c)
		                      : buf_printf(out, "%%%02X", c);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* Returns a malloc'd encoded copy of s[0..len) (caller frees), or NULL. */
static char *
pct_encode(const char *s, size_t len)
{
	struct buf b = {0};

	if (pct_append(&b, s, len) != 0) {
		buf_free(&b);
		return NULL;
	}
	return b.data;
}

static void
hex_lower(const uint8_t *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

static int
hmac_sha256(const uint8_t *key, size_t keylen, const void *msg, size_t len,
    uint8_t out[SHA256_LEN])
{
	psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
	psa_key_id_t id = PSA_KEY_ID_NULL;
	size_t n = 0;
	int rc = -1;

	psa_set_key_type(&attr, PSA_KEY_TYPE_HMAC);
	psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_SIGN_MESSAGE);
	psa_set_key_algorithm(&attr, PSA_ALG_HMAC(PSA_ALG_SHA_256));
	if (psa_import_key(&attr, key, keylen, &id) != PSA_SUCCESS)
		goto cleanup;
	if (psa_mac_compute(id, PSA_ALG_HMAC(PSA_ALG_SHA_256), msg, len, out,
	        SHA256_LEN, &n) != PSA_SUCCESS ||
	    n != SHA256_LEN)
		goto cleanup;
	rc = 0;
cleanup:
	psa_destroy_key(id); /* a no-op for PSA_KEY_ID_NULL */
	psa_reset_key_attributes(&attr);
	return rc;
}

int
sigv4_sha256_hex(const void *data, size_t len, char out[65])
{
	uint8_t md[SHA256_LEN];
	size_t n = 0;

	if (data == NULL)
		data = "";
	if (psa_hash_compute(PSA_ALG_SHA_256, data, len, md, sizeof(md), &n) !=
	        PSA_SUCCESS ||
	    n != SHA256_LEN)
		return -1;
	hex_lower(md, n, out);
	return 0;
}

int
sigv4_amz_date(time_t t, char out[17])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) != 16)
		return -1;
	return 0;
}

/*
 * Like botocore's normalize_url_path: drop empty and "." segments, let
 * ".." pop one (never above the root), keep a leading '/' and keep a
 * trailing '/' only if a segment survives. Then encode each byte.
 */
static int
append_path(const char *path, struct buf *out)
{
	struct {
		const char *p;
		size_t n;
	} *seg = NULL;
	size_t nseg = 0, n, i, plen;
	const char *p, *e;
	int rc = -1;

	if (path == NULL || *path == '\0')
		return buf_putc(out, '/');
	plen = strlen(path);
	for (n = 1, p = path; *p != '\0'; p++)
		n += *p == '/';
	if ((seg = calloc(n, sizeof(*seg))) == NULL)
		return -1;
	for (p = path; p <= path + plen; p = e + 1) {
		if ((e = strchr(p, '/')) == NULL)
			e = path + plen;
		n = (size_t)(e - p);
		if (n == 0 || (n == 1 && p[0] == '.'))
			continue;
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			nseg -= nseg > 0;
			continue;
		}
		seg[nseg].p = p;
		seg[nseg++].n = n;
	}
	if (path[0] == '/' && buf_putc(out, '/') != 0)
		goto cleanup;
	for (i = 0; i < nseg; i++) {
		if ((i > 0 && buf_putc(out, '/') != 0) ||
		    pct_append(out, seg[i].p, seg[i].n) != 0)
			goto cleanup;
	}
	if (nseg > 0 && path[plen - 1] == '/' && buf_putc(out, '/') != 0)
		goto cleanup;
	rc = 0;
cleanup:
	free(seg);
	return rc;
}

static int
param_cmp(const void *a, const void *b)
{
	const struct param *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c != 0 ? c : strcmp(x->value, y->value);
}

/* Empty pieces ("a=1&&b=2", a trailing '&') carry nothing and are dropped. */
static int
append_query(const char *query, struct buf *out)
{
	struct param *pv = NULL;
	size_t np = 0, n, i;
	const char *p, *e, *eq, *end;
	int rc = -1;

	if (query == NULL || *query == '\0')
		return 0;
	for (n = 1, p = query; *p; p++)
		n += *p == '&';
	if ((pv = calloc(n, sizeof(*pv))) == NULL)
		goto cleanup;
	end = query + strlen(query);
	for (p = query; p <= end; p = e + 1) {
		e = strchr(p, '&');
		if (e == NULL)
			e = end;
		if (e == p)
			continue;
		eq = memchr(p, '=', (size_t)(e - p));
		if (eq == NULL)
			eq = e;
		pv[np].name = pct_encode(p, (size_t)(eq - p));
		pv[np].value = pct_encode(
		    eq < e ? eq + 1 : e, eq < e ? (size_t)(e - eq - 1) : 0);
		np++;
		if (pv[np - 1].name == NULL || pv[np - 1].value == NULL)
			goto cleanup;
	}
	qsort(pv, np, sizeof(*pv), param_cmp);
	for (i = 0; i < np; i++) {
		if (buf_printf(out, "%s%s=%s", i > 0 ? "&" : "", pv[i].name,
		        pv[i].value) != 0)
			goto cleanup;
	}
	rc = 0;
cleanup:
	for (i = 0; pv != NULL && i < np; i++) {
		free(pv[i].name);
		free(pv[i].value);
	}
	free(pv);
	return rc;
}

static int
hdr_cmp(const void *a, const void *b)
{
	const struct hdr *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int
is_ws(char c)
{
	return c != '\0' && strchr(" \t\n\r\v\f", c) != NULL;
}

/* Trims v and collapses inner whitespace runs (folded lines too). */
static int
append_value(const char *v, struct buf *out)
{
	size_t n;
	int first = 1;

	for (;; v += n, first = 0) {
		while (is_ws(*v))
			v++;
		if (*v == '\0')
			return 0;
		for (n = 0; v[n] != '\0' && !is_ws(v[n]); n++)
			;
		if ((!first && buf_putc(out, ' ') != 0) ||
		    buf_append(out, v, n) != 0)
			return -1;
	}
}

/*
 * Builds the canonical header block into canon and/or the signed header
 * list into names (either may be NULL). Refuses a request without host,
 * with a name that would break the canonical format, or carrying an
 * Authorization header (a stale one from an earlier attempt can never
 * verify, so signing it is always a caller bug).
 */
static int
canon_headers(
    const struct sigv4_request *req, struct buf *canon, struct buf *names)
{
	struct hdr *hv = NULL;
	size_t i, j;
	int have_host = 0, rc = -1;
	char *c;

	if (req->nheaders == 0 ||
	    (hv = calloc(req->nheaders, sizeof(*hv))) == NULL)
		return -1;
	for (i = 0; i < req->nheaders; i++) {
		if (req->headers[i].name == NULL ||
		    req->headers[i].value == NULL ||
		    req->headers[i].name[0] == '\0' ||
		    (hv[i].name = strdup(req->headers[i].name)) == NULL)
			goto cleanup;
		for (c = hv[i].name; *c != '\0'; c++) {
			if (*c == ':' || *c == ';' || *c == ' ' ||
			    iscntrl((unsigned char)*c))
				goto cleanup;
			*c = (char)tolower((unsigned char)*c);
		}
		if (strcmp(hv[i].name, "authorization") == 0)
			goto cleanup;
		hv[i].value = req->headers[i].value;
		hv[i].order = i;
		have_host |= strcmp(hv[i].name, "host") == 0;
	}
	if (!have_host)
		goto cleanup;
	qsort(hv, req->nheaders, sizeof(*hv), hdr_cmp);
	for (i = 0; i < req->nheaders; i = j) {
		if (names != NULL && buf_printf(names, "%s%s", i > 0 ? ";" : "",
		                         hv[i].name) != 0)
			goto cleanup;
		if (canon != NULL && buf_printf(canon, "%s:", hv[i].name) != 0)
			goto cleanup;
		for (j = i;
		     j < req->nheaders && strcmp(hv[j].name, hv[i].name) == 0;
		     j++) {
			if (canon == NULL)
				continue;
			if ((j > i && buf_putc(canon, ',') != 0) ||
			    append_value(hv[j].value, canon) != 0)
				goto cleanup;
		}
		if (canon != NULL && buf_putc(canon, '\n') != 0)
			goto cleanup;
	}
	rc = 0;
cleanup:
	for (i = 0; i < req->nheaders; i++)
		free(hv[i].name);
	free(hv);
	return rc;
}

int
sigv4_signed_headers(const struct sigv4_request *req, struct buf *out)
{
	return canon_headers(req, NULL, out);
}

int
sigv4_canonical_request(const struct sigv4_request *req, struct buf *out)
{
	char hash[65];
	const char *m;

	if (req->method == NULL || req->method[0] == '\0')
		return -1;
	for (m = req->method; *m != '\0'; m++) {
		if (buf_putc(out, (char)toupper((unsigned char)*m)) != 0)
			return -1;
	}
	if (buf_putc(out, '\n') != 0 || append_path(req->path, out) != 0 ||
	    buf_putc(out, '\n') != 0 || append_query(req->query, out) != 0 ||
	    buf_putc(out, '\n') != 0 || canon_headers(req, out, NULL) != 0 ||
	    buf_putc(out, '\n') != 0 || canon_headers(req, NULL, out) != 0 ||
	    sigv4_sha256_hex(req->body, req->body_len, hash) != 0)
		return -1;
	return buf_printf(out, "\n%s", hash);
}

/* A scope part must not be able to forge extra scope fields. */
static int
bad_part(const char *s)
{
	return s == NULL || *s == '\0' || strpbrk(s, "/, \n") != NULL;
}

/* The x-amz-date header must carry amz_date, or AWS rejects the request. */
static int
valid_scope(const struct sigv4_request *req, const char *amz_date,
    const char *region, const char *service)
{
	const char *sent = NULL;
	size_t i;

	for (i = 0; i < req->nheaders; i++) {
		if (req->headers[i].name != NULL &&
		    strcasecmp(req->headers[i].name, "x-amz-date") == 0)
			sent = req->headers[i].value;
	}
	return !bad_part(amz_date) && sent != NULL &&
	       strcmp(sent, amz_date) == 0 && strlen(amz_date) == 16 &&
	       amz_date[8] == 'T' && amz_date[15] == 'Z' && !bad_part(region) &&
	       !bad_part(service);
}

int
sigv4_string_to_sign(const struct sigv4_request *req, const char *amz_date,
    const char *region, const char *service, struct buf *out)
{
	struct buf creq = {0};
	char hash[65];
	int rc = -1;

	if (!valid_scope(req, amz_date, region, service))
		return -1;
	if (sigv4_canonical_request(req, &creq) != 0 ||
	    sigv4_sha256_hex(creq.data, creq.len, hash) != 0)
		goto cleanup;
	rc = buf_printf(out, ALGORITHM "\n%s\n%.8s/%s/%s/aws4_request\n%s",
	    amz_date, amz_date, region, service, hash);
cleanup:
	buf_free(&creq);
	return rc;
}

int
sigv4_authorization(const struct sigv4_request *req,
    const struct sigv4_credentials *creds, const char *amz_date,
    const char *region, const char *service, struct buf *out)
{
	struct buf sts = {0}, secret = {0}, names = {0};
	uint8_t k[SHA256_LEN], sig[SHA256_LEN];
	char hex[65];
	int rc = -1;

	if (creds == NULL || bad_part(creds->access_key_id) ||
	    creds->secret_access_key == NULL)
		return -1;
	if (sigv4_string_to_sign(req, amz_date, region, service, &sts) != 0 ||
	    sigv4_signed_headers(req, &names) != 0 ||
	    buf_printf(&secret, "AWS4%s", creds->secret_access_key) != 0)
		goto cleanup;
	/*
	 * kDate, kRegion, kService, kSigning, each keyed by the previous;
	 * k may be key and output at once since the key is imported first.
	 */
	if (hmac_sha256((const uint8_t *)secret.data, secret.len, amz_date, 8,
	        k) != 0 ||
	    hmac_sha256(k, sizeof(k), region, strlen(region), k) != 0 ||
	    hmac_sha256(k, sizeof(k), service, strlen(service), k) != 0 ||
	    hmac_sha256(k, sizeof(k), "aws4_request", 12, k) != 0 ||
	    hmac_sha256(k, sizeof(k), sts.data, sts.len, sig) != 0)
		goto cleanup;
	hex_lower(sig, sizeof(sig), hex);
	rc = buf_printf(out,
	    ALGORITHM " Credential=%s/%.8s/%s/%s/aws4_request, "
	              "SignedHeaders=%s, Signature=%s",
	    creds->access_key_id, amz_date, region, service, names.data, hex);
cleanup:
	mbedtls_platform_zeroize(k, sizeof(k));
	buf_wipe(&secret);
	buf_free(&sts);
	buf_free(&names);
	return rc;
}
