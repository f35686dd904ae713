/*
 * dns: c-ares driven by our own poll loop, so the cancel self-pipe is
 * polled beside c-ares's sockets and the query's whole time is ours to
 * bound (see dns.h).
 */
#include "base/dns.h"

#include <ares.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/cancel.h"

struct dns {
	ares_channel ch;
	long long until; /* dns_set_budget's end (now_ms clock); 0 = none */
};

struct query {
	enum dns_type type;
	struct dns_answer *out;
	int done;
	long long ms; /* the time it was given */
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Copies s into dst (DNS_NAME_LEN), without a trailing dot; marks
 * out->cut when it did not fit. */
static void
keep(
    struct dns_answer *out, char *dst, size_t dstlen, const char *s, size_t len)
{
	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len >= dstlen) {
		len = dstlen - 1;
		out->cut = 1;
	}
	memcpy(dst, s, len);
	dst[len] = '\0';
}

static void
keep_names(struct dns_answer *out, char **names)
{
	for (size_t i = 0; names != NULL && names[i] != NULL; i++) {
		if (out->n == DNS_MAX_RECORDS) {
			out->cut = 1;
			break;
		}
		keep(out, out->names[out->n], DNS_NAME_LEN, names[i],
		    strlen(names[i]));
		out->n++;
	}
}

/* The answer's records of the type, with c-ares's parsers. */
static int
parse(struct query *q, unsigned char *abuf, int alen)
{
	struct dns_answer *out = q->out;
	struct hostent *host = NULL;
	struct ares_caa_reply *caa = NULL;
	int rc;

	switch (q->type) {
	case DNS_CNAME:
		/* ares_parse_a_reply takes a CNAME-only answer: h_name is the
		 * first CNAME's target, h_aliases[0] its owner. */
		rc = ares_parse_a_reply(abuf, alen, &host, NULL, NULL);
		if (rc == ARES_SUCCESS && host->h_aliases != NULL &&
		    host->h_aliases[0] != NULL && host->h_name != NULL) {
			keep(out, out->names[0], DNS_NAME_LEN, host->h_name,
			    strlen(host->h_name));
			out->n = 1;
		} else if (rc == ARES_SUCCESS)
			rc = ARES_ENODATA;
		break;
	case DNS_NS:
		rc = ares_parse_ns_reply(abuf, alen, &host);
		if (rc == ARES_SUCCESS)
			keep_names(out, host->h_aliases);
		break;
	default:
		rc = ares_parse_caa_reply(abuf, alen, &caa);
		for (struct ares_caa_reply *c = caa; rc == ARES_SUCCESS && c;
		     c = c->next) {
			if (out->n == DNS_MAX_RECORDS) {
				out->cut = 1;
				break;
			}
			struct dns_caa *r = &out->caa[out->n++];
			r->critical = c->critical != 0;
			keep(out, r->tag, sizeof(r->tag),
			    (const char *)c->property, c->plength);
			/* keep() drops a trailing dot; a CAA value keeps it. */
			size_t len = c->length;
			if (len >= sizeof(r->value)) {
				len = sizeof(r->value) - 1;
				out->cut = 1;
			}
			memcpy(r->value, c->value, len);
			r->value[len] = '\0';
		}
		break;
	}
	if (host != NULL)
		ares_free_hostent(host);
	if (caa != NULL)
		ares_free_data(caa);
	return rc;
}

static void
on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct query *q = arg;
	struct dns_answer *out = q->out;

	(void)timeouts;
	q->done = 1;
	if (status == ARES_SUCCESS)
		status = parse(q, abuf, alen);
	switch (status) {
	case ARES_SUCCESS:
		out->status = out->n > 0 ? DNS_FOUND : DNS_NONE;
		break;
	case ARES_ENODATA:
	case ARES_ENOTFOUND:
		out->status = DNS_NONE;
		break;
	case ARES_ECANCELLED:
	case ARES_EDESTRUCTION:
		if (out->status != DNS_ERROR) /* our own timeout's cancel */
			out->status = DNS_CANCELLED;
		break;
	default:
		out->status = DNS_ERROR;
		snprintf(
		    out->why, sizeof(out->why), "%s", ares_strerror(status));
		break;
	}
}

int
dns_server_check(const char *s, char *why, size_t whylen)
{
	char host[64];
	const char *port = NULL, *end;
	unsigned char bin[16];
	size_t len;
	int v6 = s[0] == '[';

	if (v6) {
		if ((end = strchr(s, ']')) == NULL) {
			snprintf(why, whylen, "its IPv6 address has no ']'");
			return -1;
		}
		len = (size_t)(end - s - 1);
		s++;
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0') {
			snprintf(why, whylen, "only \":port\" may follow ']'");
			return -1;
		}
	} else {
		end = strchr(s, ':');
		len = end ? (size_t)(end - s) : strlen(s);
		if (end)
			port = end + 1;
	}
	if (len == 0 || len >= sizeof(host)) {
		snprintf(why, whylen, "it names no IP address");
		return -1;
	}
	memcpy(host, s, len);
	host[len] = '\0';
	if (inet_pton(v6 ? AF_INET6 : AF_INET, host, bin) != 1) {
		snprintf(why, whylen,
		    "it must be one IP address and a port (host:port, IPv6 in "
		    "brackets), not a host name or a list");
		return -1;
	}
	if (port != NULL) {
		long v = 0;
		const char *p = port;
		for (; *p >= '0' && *p <= '9' && v <= 65535; p++)
			v = v * 10 + (*p - '0');
		if (p == port || *p != '\0' || v < 1 || v > 65535) {
			snprintf(why, whylen, "its port must be 1 to 65535");
			return -1;
		}
	}
	return 0;
}

struct dns *
dns_open(const char *server, char *err, size_t errlen)
{
	static int lib_ready;
	struct ares_options opt;
	struct dns *d;
	int rc;

	if (!lib_ready) {
		if ((rc = ares_library_init(ARES_LIB_INIT_ALL)) !=
		    ARES_SUCCESS) {
			snprintf(err, errlen,
			    "the DNS resolver could not start: %s",
			    ares_strerror(rc));
			return NULL;
		}
		lib_ready = 1;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memset(&opt, 0, sizeof(opt));
	opt.timeout = 2000; /* ms per try (ARES_OPT_TIMEOUTMS) */
	opt.tries = 2;
	/* No search list: the doctor asks for exact names. */
	opt.ndomains = 0;
	opt.domains = NULL;
	rc = ares_init_options(&d->ch, &opt,
	    ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_DOMAINS);
	if (rc != ARES_SUCCESS) {
		snprintf(err, errlen,
		    "the DNS resolver could not start (system resolvers: %s)",
		    ares_strerror(rc));
		free(d);
		return NULL;
	}
	if (server != NULL && server[0] != '\0') {
		char why[160] = "c-ares does not take it";
		/* One server: ares_set_servers_ports_csv would take a list. */
		if (dns_server_check(server, why, sizeof(why)) != 0 ||
		    ares_set_servers_ports_csv(d->ch, server) != ARES_SUCCESS) {
			snprintf(err, errlen,
			    "PORT_ACM_DNS_SERVER %s is refused: %s", server,
			    why);
			dns_close(d);
			return NULL;
		}
	}
	return d;
}

void
dns_close(struct dns *d)
{
	if (d == NULL)
		return;
	ares_destroy(d->ch);
	free(d);
}

/* Runs c-ares until q is done: its sockets and the cancel pipe polled
 * together, the whole bounded by deadline. */
static void
wait_done(struct dns *d, struct query *q, long long deadline)
{
	while (!q->done) {
		ares_socket_t socks[ARES_GETSOCK_MAXNUM];
		struct pollfd fds[ARES_GETSOCK_MAXNUM + 1];
		struct timeval max, tv, *tvp;
		long long left = deadline - now_ms();
		nfds_t n = 0;
		int bits, ms;

		if (cancel_requested() || left <= 0) {
			if (left <= 0 && !cancel_requested()) {
				q->out->status = DNS_ERROR;
				snprintf(q->out->why, sizeof(q->out->why),
				    "no answer within %.1f seconds",
				    (double)q->ms / 1000.0);
			}
			ares_cancel(d->ch); /* calls on_answer: done */
			q->done = 1;
			break;
		}
		bits = ares_getsock(d->ch, socks, ARES_GETSOCK_MAXNUM);
		for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
			short ev = 0;
			/* c-ares 1.18's macros shift a signed 1 into the
			 * sign bit for the last socket: test the bits as
			 * unsigned instead (UBSan). */
			if ((unsigned)bits & (1u << i))
				ev |= POLLIN;
			if ((unsigned)bits & (1u << (i + ARES_GETSOCK_MAXNUM)))
				ev |= POLLOUT;
			if (ev) {
				fds[n].fd = socks[i];
				fds[n].events = ev;
				fds[n].revents = 0;
				n++;
			}
		}
		fds[n].fd = cancel_fd(); /* -1 before cancel_install: ignored */
		fds[n].events = POLLIN;
		fds[n].revents = 0;
		max.tv_sec = left / 1000;
		max.tv_usec = (left % 1000) * 1000;
		tvp = ares_timeout(d->ch, &max, &tv);
		ms = (int)(tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000);
		if (poll(fds, n + 1, ms) < 0 && errno != EINTR)
			break;
		int any = 0;
		for (nfds_t i = 0; i < n; i++) {
			if (!fds[i].revents)
				continue;
			any = 1;
			int rd = (fds[i].revents &
			             (POLLIN | POLLERR | POLLHUP)) != 0;
			int wr = (fds[i].revents & POLLOUT) != 0;
			ares_process_fd(d->ch, rd ? fds[i].fd : ARES_SOCKET_BAD,
			    wr ? fds[i].fd : ARES_SOCKET_BAD);
		}
		if (!any) /* c-ares's own timeouts: the next try */
			ares_process_fd(
			    d->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	}
}

void
dns_set_budget(struct dns *d, long long ms)
{
	d->until = ms > 0 ? now_ms() + ms : 0;
}

enum dns_status
dns_query(
    struct dns *d, const char *name, enum dns_type type, struct dns_answer *out)
{
	static const int types[] = {5 /* CNAME */, 2 /* NS */, 257 /* CAA */};
	struct query q = {type, out, 0, 0};
	long long deadline;

	memset(out, 0, sizeof(*out));
	out->status = DNS_ERROR;
	if (cancel_requested()) {
		out->status = DNS_CANCELLED;
		return out->status;
	}
	deadline = now_ms() + DNS_QUERY_MS;
	if (d->until != 0 && d->until < deadline)
		deadline = d->until;
	if (deadline - now_ms() < 50) {
		snprintf(out->why, sizeof(out->why),
		    "no time was left for it in the run");
		return out->status;
	}
	q.ms = deadline - now_ms();
	out->status = DNS_NONE; /* replaced by on_answer */
	ares_query(d->ch, name, 1 /* C_IN */, types[type], on_answer, &q);
	wait_done(d, &q, deadline);
	if (!q.done) {
		out->status = DNS_ERROR;
		snprintf(out->why, sizeof(out->why), "polling failed: %s",
		    strerror(errno));
		ares_cancel(d->ch);
	}
	return out->status;
}
