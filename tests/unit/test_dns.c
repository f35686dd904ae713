/* Unit tests for dns.c: c-ares against the fake authoritative DNS
 * (tests/fakes/fake_dns.py, started here on 127.0.0.1), and a server
 * that never answers (the bound). No query leaves 127.0.0.1. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/cancel.h"
#include "base/dns.h"
#include "tap.h"

static pid_t fake;

/* Starts the fake; its "127.0.0.1:port" line into addr. */
static int
start_fake(char *addr, size_t len)
{
	const char *root = getenv("PORT_ACM_ROOT");
	char script[4096];
	int p[2];

	snprintf(script, sizeof(script), "%s/tests/fakes/fake_dns.py",
	    root ? root : ".");
	if (pipe(p) != 0 || (fake = fork()) < 0)
		return -1;
	if (fake == 0) {
		dup2(p[1], 1);
		close(p[0]);
		execl("/usr/bin/python3", "python3", script, "--zone",
		    "example.com", "--zone", "other.test", "--record",
		    "_x1.example.com CNAME _y1.acm-validations.aws.",
		    "--record", "example.com NS ns-1.other-dns.net.",
		    "--record", "example.com CAA 0 issue \"letsencrypt.org\"",
		    "--record", "other.test CAA 128 issue \"amazon.com\"",
		    (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	FILE *f = fdopen(p[0], "r");
	if (f == NULL || fgets(addr, (int)len, f) == NULL)
		return -1;
	addr[strcspn(addr, "\n")] = '\0';
	return 0;
}

static long long
ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
main(void)
{
	static struct dns_answer a;
	char addr[128], err[256];
	struct dns *d;

	int started = start_fake(addr, sizeof(addr)) == 0;
	ok(started, "the fake DNS starts");
	if (!started) {
		printf("1..1\n");
		return 1;
	}
	d = dns_open(addr, err, sizeof(err));
	ok(d != NULL, "dns_open takes %s", addr);

	ok(dns_query(d, "_x1.example.com", DNS_CNAME, &a) == DNS_FOUND &&
	        a.n == 1,
	    "CNAME found");
	is_str(a.names[0], "_y1.acm-validations.aws", "CNAME target, no dot");
	ok(dns_query(d, "_missing.example.com", DNS_CNAME, &a) == DNS_NONE,
	    "NXDOMAIN: none");
	ok(dns_query(d, "example.com", DNS_CNAME, &a) == DNS_NONE,
	    "NODATA: none");

	ok(dns_query(d, "example.com", DNS_NS, &a) == DNS_FOUND && a.n == 1,
	    "NS found");
	is_str(a.names[0], "ns-1.other-dns.net", "NS name");

	ok(dns_query(d, "example.com", DNS_CAA, &a) == DNS_FOUND && a.n == 1,
	    "CAA found");
	is_str(a.caa[0].tag, "issue", "CAA tag");
	is_str(a.caa[0].value, "letsencrypt.org", "CAA value");
	ok(!a.caa[0].critical, "CAA flags 0: not critical");
	ok(dns_query(d, "other.test", DNS_CAA, &a) == DNS_FOUND &&
	        a.caa[0].critical,
	    "CAA flags 128: critical");
	ok(dns_query(d, "www.example.com", DNS_CAA, &a) == DNS_NONE,
	    "no CAA: none");

	ok(dns_query(d, "example.org", DNS_NS, &a) == DNS_ERROR &&
	        a.why[0] != '\0',
	    "REFUSED (outside the fake's zones): an error with c-ares's "
	    "reason (%s)",
	    a.why);
	dns_close(d);

	ok(dns_open("127.0.0.1:53,10.0.0.1:53", err, sizeof(err)) == NULL &&
	        strstr(err, "PORT_ACM_DNS_SERVER") != NULL,
	    "two servers refused: %s", err);
	ok(dns_open("dns.example:53", err, sizeof(err)) == NULL,
	    "a host name refused (an IP address only)");

	/* A server that never answers: the query ends within its bound. */
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sin = {0};
	socklen_t sl = sizeof(sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(s, (struct sockaddr *)&sin, sizeof(sin));
	getsockname(s, (struct sockaddr *)&sin, &sl);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", ntohs(sin.sin_port));
	d = dns_open(addr, err, sizeof(err));
	long long t0 = ms();
	ok(dns_query(d, "example.com", DNS_NS, &a) == DNS_ERROR,
	    "a silent server: an error (%s)", a.why);
	ok(ms() - t0 <= DNS_QUERY_MS + 1000, "... within the bound (%lld ms)",
	    ms() - t0);

	/* A cancel ends the next query at once. */
	ok(cancel_install() == 0, "cancel handlers installed");
	raise(SIGTERM);
	t0 = ms();
	ok(dns_query(d, "example.com", DNS_NS, &a) == DNS_CANCELLED &&
	        ms() - t0 < 500,
	    "cancelled: no query");
	cancel_reset();
	dns_close(d);
	close(s);

	kill(fake, SIGTERM);
	waitpid(fake, NULL, 0);
	return done_testing();
}
