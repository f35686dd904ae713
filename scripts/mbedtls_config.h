/*
 * Mbed TLS 3.6 configuration for port-acm: a TLS 1.2 + 1.3 *client* that
 * verifies X.509 chains from a PEM bundle, plus the PSA hash/MAC calls
 * src/aws/sigv4.c makes. Replaces the upstream default config through
 * MBEDTLS_CONFIG_FILE (scripts/deps.sh), for the native test build and
 * the static release build alike, so what the tests exercise is what
 * ships.
 *
 * What the peers need (ACM regional endpoints, the Port API, the test
 * CA made by tests/fakes/tlsca.py):
 *   key exchange  ECDHE over X25519 (Everest), P-256, P-384 (TLS 1.2, 1.3)
 *   server certs  RSA 2048-4096 (PKCS#1 v1.5 in chains and TLS 1.2,
 *                 RSA-PSS in TLS 1.3) and ECDSA P-256/P-384
 *   ciphers       AES-128/256-GCM, ChaCha20-Poly1305
 *   hashes        SHA-256, SHA-384 (SHA-512 for sha512WithRSA chains)
 * Everything else is left out: server side, DTLS, PSK, static RSA and
 * (EC)DH key exchange, CBC/CCM suites, renegotiation, legacy curves,
 * SHA-1, X.509 writing, persistent PSA keys.
 */
#ifndef PORT_ACM_MBEDTLS_CONFIG_H
#define PORT_ACM_MBEDTLS_CONFIG_H

/* System */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE /* certificate validity periods */
#define MBEDTLS_FS_IO	       /* CA bundle from a file */
#define MBEDTLS_PLATFORM_C

/* Randomness: getrandom(2) / /dev/urandom feeding CTR_DRBG. */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C

/* Symmetric ciphers. Tables are computed at start-up (smaller binary). */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_GCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_CIPHER_C

/*
 * Hashes. MD5 stays only because libcurl's md5.c (HTTP digest auth)
 * links against it; it is never used for TLS or certificates here.
 */
#define MBEDTLS_MD_C
#define MBEDTLS_MD5_C
#define MBEDTLS_SHA224_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_HKDF_C /* TLS 1.3 key schedule (PSA HKDF) */

/* Public-key crypto */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_OID_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PK_WRITE_C /* libcurl's public-key pinning code needs it */
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21 /* RSA-PSS: TLS 1.3 with RSA certificates */
/* Offers rsa_pss_rsae_* in signature_algorithms; without it TLS 1.3
 * with an RSA server certificate fails. */
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
/* X25519 is the group Mbed TLS offers first in TLS 1.3, and the one
 * servers prefer. Its generic implementation runs on bignum arithmetic
 * (about 8 M instructions per shared secret); Everest, the formally
 * verified HACL* X25519 that ships with Mbed TLS, does it in about 1 M.
 * With it a whole run takes 31 M instructions instead of 36 M (P-256
 * only) or 45 M (generic X25519), callgrind, two handshakes. */
#define MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM

/* PSA Crypto: required by TLS 1.3 and used directly by src/aws/sigv4.c.
 * The PSA_WANT_* set is derived from the legacy modules above. */
#define MBEDTLS_PSA_CRYPTO_C
/* TLS and X.509 use PSA too; with this set, libcurl's global init calls
 * psa_crypto_init() (curl 8.14.1 lib/vtls/mbedtls.c, HAS_PSA_SUPPORT). */
#define MBEDTLS_USE_PSA_CRYPTO
/*
 * PSA key slots. With a handwritten config Mbed TLS 3.6 keeps every
 * volatile key in one fixed table of MBEDTLS_PSA_KEY_SLOT_COUNT slots
 * (default 32; docs/architecture/psa-keystore-design.md, "static key
 * store"); a key that finds no free slot fails the handshake as
 * "SSL - Memory allocation failed". What a TLS client connection holds
 * (library/ssl_tls13_keys.c, ssl_tls.c, ssl_msg.c, pk_wrap.c):
 *   open connection      2: its transform's AEAD keys (enc, dec)
 *   TLS 1.3 handshake    at most 5: the handshake transform's 2 and the
 *                        application transform's 2 (both alive until
 *                        the handshake ends), plus one transient (the
 *                        ECDHE key, the Finished HMAC key or the
 *                        server's public key for a signature check)
 *   TLS 1.2 handshake    at most 3: the ECDHE key, then the transform's
 *                        2 (the master-secret key is transient)
 * The run's connections at most (one thread):
 *   struct http (src/base/http.c): every AWS, Port, STS, credentials
 *     and Tagging call, one at a time or in batches (http_send_many,
 *     max_concurrency <= HTTP_MAX_BATCH 64), on one curl multi capped
 *     at 64 connections, idle ones included
 *     (CURLMOPT_MAX_TOTAL_CONNECTIONS), all handshaking: 64 x 5 = 320
 *   Port's bulk writer (src/port/bulk.c), BULK_IN_FLIGHT 4
 *     connections, all handshaking:                     4 x 5 =  20
 *   SigV4's HMAC key (src/aws/sigv4.c), transient              =   1
 *                                                           total 341
 * 384 leaves 43 spare. A slot is 56 bytes here (the table is static:
 * nm -S of psa_crypto_slot_management.o's global_data, 1,800 bytes at
 * 32 slots), so 384 cost 21 KiB of bss, not heap; key material stays
 * on the heap, as before. The dynamic key store
 * (MBEDTLS_PSA_KEY_STORE_DYNAMIC) would lift the bound instead, at more
 * code; a fixed table keeps the memory known at build time.
 */
#define MBEDTLS_PSA_KEY_SLOT_COUNT 384

/* X.509: parse and verify certificate chains. */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C

/* TLS client */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE /* required by TLS 1.3 */
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED

/* Human-readable error strings for libcurl's messages. */
#define MBEDTLS_ERROR_C
#define MBEDTLS_VERSION_C

#endif /* PORT_ACM_MBEDTLS_CONFIG_H */
