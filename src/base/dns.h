/*
 * dns: DNS lookups for the validation doctor (ops/doctor.c) on c-ares,
 * which sends the queries, retries, falls back to TCP on a truncated
 * answer and parses the records; port-acm parses no DNS by hand.
 *
 * Where queries go: the system's resolvers (/etc/resolv.conf) by
 * default; PORT_ACM_DNS_SERVER=host:port (an IP address, IPv6 in
 * brackets, the port optional: 53) sends them to that one server
 * instead, for a public view behind split DNS, and for tests against
 * the fake DNS on 127.0.0.1.
 *
 * Every query is bounded (DNS_QUERY_MS in all, whatever the server
 * does, and by dns_set_budget) and ends at once on a cancel (base/cancel.h).
 * Answers are hostile input: at most DNS_MAX_RECORDS records are kept, each
 * name or value cut to its field (cut = marked with `cut`); callers neutralise
 * them (base/md.h) before echoing them anywhere.
 */
#ifndef PORT_ACM_DNS_H
#define PORT_ACM_DNS_H

#include <stddef.h>

/* One query's whole time, retries and the TCP fallback included. */
#define DNS_QUERY_MS    6000
#define DNS_MAX_RECORDS 8
#define DNS_NAME_LEN    256 /* a name's 253 characters, escapes aside */

enum dns_type { DNS_CNAME, DNS_NS, DNS_CAA };

enum dns_status {
	DNS_FOUND = 0, /* records of the type asked */
	DNS_NONE,      /* the name does not exist or has none of the type */
	DNS_ERROR,     /* no usable answer (timeout, SERVFAIL, REFUSED, bad) */
	DNS_CANCELLED  /* the run was cancelled */
};

struct dns_caa {
	int critical; /* the issuer-critical flag */
	char tag[16]; /* "issue", "issuewild", "iodef", ... */
	char value[DNS_NAME_LEN];
};

struct dns_answer {
	enum dns_status status;
	size_t n; /* records kept: names[] (CNAME: its target; NS) or caa[] */
	int cut;  /* more records than DNS_MAX_RECORDS, or a value cut */
	char names[DNS_MAX_RECORDS][DNS_NAME_LEN]; /* no trailing dot */
	struct dns_caa caa[DNS_MAX_RECORDS];
	char why[128]; /* DNS_ERROR: c-ares's reason, e.g. "Timeout while
	                * contacting DNS servers" */
};

struct dns;

/* Pure. Whether s is one server as PORT_ACM_DNS_SERVER takes it: an
 * IPv4 address or an IPv6 one in brackets, then optionally ":port"
 * (1-65535). 0, or -1 with why (a phrase to follow "PORT_ACM_DNS_SERVER
 * ... is refused: "). */
int dns_server_check(const char *s, char *why, size_t whylen);

/* A resolver: server NULL or "" = the system's resolvers, else
 * "host:port" (see above). Returns it (free with dns_close), or NULL
 * with err set (a sentence, e.g. for a server that is not an IP
 * address). */
struct dns *dns_open(const char *server, char *err, size_t errlen);
/* Frees d (NULL is fine). */
void dns_close(struct dns *d);

/* Bounds every later query of d to end within ms from now in all (the
 * caller's share of the run's time); a query with no time left is
 * DNS_ERROR "no time was left for it" without being sent. ms <= 0:
 * no bound beyond DNS_QUERY_MS each. */
void dns_set_budget(struct dns *d, long long ms);

/* Asks for the records of type of name (class IN, no search list) and
 * fills out; returns out->status. Bounded by DNS_QUERY_MS; DNS_CANCELLED
 * at once when the run is cancelled. */
enum dns_status dns_query(struct dns *d, const char *name, enum dns_type type,
    struct dns_answer *out);

#endif
