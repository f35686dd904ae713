#!/usr/bin/python3
"""Proves the fake DNS server answers as an authoritative server does:
BIND's dig (bind9-dnsutils) asks it for the records port-acm's features
look at (ACM's validation CNAME, CAA, NS, SOA) and for names that do
not exist; each check reads dig's parsed answer and what the fake
recorded it was asked (name, type, transport, RD, EDNS). It also shows
truncation over UDP followed by dig's retry over TCP, several queries on
one TCP connection, faults (SERVFAIL, a dropped query, forced TC), the
refusals (REFUSED outside its zones, NOTIMP for class CH, FORMERR for
garbage and for two questions), a FakeRoute53's public zones served
live, and the fake ACM issuing a certificate once the validation CNAME
resolves through this server (FakeACM(dns=FakeDNS))."""

import os
import socket
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from dnslib import CLASS, DNSRecord, DNSQuestion, QTYPE  # noqa: E402

from tests.fakes import awscli  # noqa: E402
from tests.fakes.fake_acm import (DEFAULT_ACCESS_KEY,  # noqa: E402
                                  DEFAULT_SECRET_KEY, FakeACM)
from tests.fakes.fake_dns import FakeDNS  # noqa: E402
from tests.fakes.fake_route53 import FakeRoute53  # noqa: E402
from tests.lib.tap import Tap  # noqa: E402

DIG = "/usr/bin/dig"
VAL_NAME = "_3639ac514e785e898d2646601fa951d5.example.com"
VAL_TARGET = "_98d2646601fa951d53639ac514e785e8.mhbtsbpdnt.acm-validations.aws."
T = Tap()


def dig(dns, *args, timeout=2):
    """dig @127.0.0.1 -p PORT args: (status, flags, answer, authority) from
    its output, or (None, ...) with the output on failure."""
    p = subprocess.run([DIG, "@127.0.0.1", "-p", str(dns.port),
                        f"+time={timeout}", "+tries=1", *args],
                       capture_output=True, text=True, timeout=30)
    status, flags, sect = None, set(), None
    answer, auth = [], []
    for line in p.stdout.splitlines():
        if "status:" in line:
            status = line.split("status:")[1].split(",")[0].strip()
        elif line.startswith(";; flags:"):
            flags = set(line.split(";")[2].split(":")[1].split())
        elif line.startswith(";; ANSWER SECTION"):
            sect = answer
        elif line.startswith(";; AUTHORITY SECTION"):
            sect = auth
        elif line.startswith(";;") and "SECTION" in line:
            sect = None
        elif line.strip() and not line.startswith(";") and sect is not None:
            f = line.split(None, 4)
            sect.append((f[0], int(f[1]), f[3], f[4]))
    return status, flags, answer, auth, p.stdout + p.stderr


def main():
    if not os.path.exists(DIG):
        T.skip("fake DNS against dig", "bind9-dnsutils not installed")
        T.done()
    with FakeDNS() as dns:
        dns.add_zone("example.com", minimum=60)
        dns.add(VAL_NAME, "CNAME", VAL_TARGET)
        dns.add("example.com", "CAA", ['0 issue "amazon.com"',
                                       '0 iodef "mailto:sec@example.com"'])
        dns.add("www.example.com", "CNAME", "web.example.com.")
        dns.add("web.example.com", "A", "192.0.2.10")
        dns.add("dangling.example.com", "CNAME", "gone.example.com.")
        dns.add("deep.ent.example.com", "TXT", '"below an empty non-terminal"')
        dns.add("team.example.com", "NS", ["ns1.team-dns.net.",
                                           "ns2.team-dns.net."])
        dns.add("big.example.com", "TXT", ['"%s-%02d"' % ("x" * 60, i)
                                           for i in range(30)])
        T.run("records", records, dns)
        T.run("negative answers", negative_answers, dns)
        T.run("transport", transport, dns)
        T.run("faults", faults, dns)
        T.run("refusals", refusals, dns)
    T.run("resolver view of a delegation", resolver_view)
    T.run("route53", route53)
    T.run("acm", acm_validation)
    T.done()


def records(dns):
    st, fl, ans, auth, out = dig(dns, "+norec", VAL_NAME, "CNAME")
    q = dns.queries[-1]
    T.ok(st == "NOERROR" and "aa" in fl and "ra" not in fl and
         ans == [(VAL_NAME + ".", 300, "CNAME", VAL_TARGET)],
         "ACM's validation CNAME: authoritative answer, no recursion", out)
    T.ok(q["qname"] == VAL_NAME + "." and q["qtype"] == "CNAME" and
         q["transport"] == "udp" and q["rd"] is False and
         q["edns"] is not None,
         "the fake was asked CNAME for that name over UDP, RD clear, with "
         "EDNS", q)
    st, fl, ans, auth, out = dig(dns, "www.example.com", "A")
    T.ok(st == "NOERROR" and
         [a[2] for a in ans] == ["CNAME", "A"] and ans[1][3] == "192.0.2.10"
         and dns.queries[-1]["rd"] is True,
         "A at a CNAME: the CNAME then the in-zone target's A (RD copied)",
         out)
    st, fl, ans, auth, out = dig(dns, "example.com", "CAA")
    T.ok(st == "NOERROR" and sorted(a[3] for a in ans) ==
         ['0 iodef "mailto:sec@example.com"', '0 issue "amazon.com"'],
         "CAA at the apex", out)
    st, fl, ans, auth, out = dig(dns, "example.com", "NS")
    T.ok(st == "NOERROR" and sorted(a[3] for a in ans) ==
         ["ns-1.awsdns-01.net.", "ns-2.awsdns-02.org."],
         "NS at the apex", out)
    st, fl, ans, auth, out = dig(dns, "example.com", "SOA")
    T.ok(st == "NOERROR" and len(ans) == 1 and ans[0][2] == "SOA" and
         ans[0][3].split()[-1] == "60", "SOA at the apex", out)
    T.ok(dns.caa_values("a.b.www.example.com") ==
         ['0 issue "amazon.com"', '0 iodef "mailto:sec@example.com"'] and
         dns.resolve_cname(VAL_NAME) == VAL_TARGET and
         dns.resolve_cname("web.example.com") is None,
         "caa_values climbs to the apex (RFC 8659); resolve_cname")
    st, fl, ans, auth, out = dig(dns, "team.example.com", "A")
    T.ok(st == "NOERROR" and "aa" not in fl and not ans and
         sorted(a[3] for a in auth) == ["ns1.team-dns.net.",
                                        "ns2.team-dns.net."],
         "a name at a delegation: a referral (NS in AUTHORITY, AA clear)",
         out)
    st, fl, ans, auth, out = dig(dns, "host.team.example.com", "CAA")
    T.ok(st == "NOERROR" and "aa" not in fl and auth and
         auth[0][0] == "team.example.com.",
         "a name below the delegation: the same referral", out)


def negative_answers(dns):
    st, fl, ans, auth, out = dig(dns, "nope.example.com", "CNAME")
    T.ok(st == "NXDOMAIN" and "aa" in fl and not ans and
         auth and auth[0][2] == "SOA" and auth[0][1] == 60,
         "NXDOMAIN with the SOA in AUTHORITY, TTL min(SOA TTL, minimum) "
         "(RFC 2308)", out)
    T.ok(dns.queries[-1]["rcode"] == "NXDOMAIN" and
         dns.queries[-1]["authority"], "the fake recorded NXDOMAIN + SOA")
    st, fl, ans, auth, out = dig(dns, "web.example.com", "CAA")
    T.ok(st == "NOERROR" and not ans and auth and auth[0][2] == "SOA",
         "NODATA: the name exists without that type", out)
    st, fl, ans, auth, out = dig(dns, "ent.example.com", "A")
    T.ok(st == "NOERROR" and not ans,
         "an empty non-terminal exists (NOERROR, not NXDOMAIN)", out)
    st, fl, ans, auth, out = dig(dns, "dangling.example.com", "A")
    T.ok(st == "NXDOMAIN" and [a[2] for a in ans] == ["CNAME"],
         "a CNAME to a missing in-zone name: the CNAME, and NXDOMAIN", out)


def transport(dns):
    n = len(dns.queries)
    st, fl, ans, auth, out = dig(dns, "+noedns", "big.example.com", "TXT")
    qs = dns.queries[n:]
    T.ok(st == "NOERROR" and len(ans) == 30 and
         [(q["transport"], q["tc"]) for q in qs] ==
         [("udp", True), ("tcp", False)],
         "an answer over 512 bytes without EDNS: TC over UDP, then dig's "
         "retry over TCP gets all 30 records", [(q["transport"], q["tc"])
                                                for q in qs])
    n = len(dns.queries)
    st, fl, ans, auth, out = dig(dns, "+bufsize=4096", "big.example.com",
                                 "TXT")
    qs = dns.queries[n:]
    T.ok(st == "NOERROR" and len(ans) == 30 and
         [(q["transport"], q["tc"]) for q in qs] ==
         [("udp", True), ("tcp", False)] and qs[0]["edns"] == 4096,
         "EDNS 4096 asked, the fake's 1232 applies: ~2.4 kB still "
         "truncated over UDP", [(q["transport"], q["edns"]) for q in qs])
    st, fl, ans, auth, out = dig(dns, "+tcp", VAL_NAME, "CNAME")
    T.ok(st == "NOERROR" and dns.queries[-1]["transport"] == "tcp",
         "+tcp: answered over TCP", out)
    conns = dns.tcp_connections
    s = socket.create_connection(("127.0.0.1", dns.port), timeout=5)
    got = []
    for name in ("web.example.com", "www.example.com"):
        q = DNSRecord.question(name, "A").pack()
        s.sendall(struct.pack("!H", len(q)) + q)
        ln = struct.unpack("!H", _recv(s, 2))[0]
        got.append(DNSRecord.parse(_recv(s, ln)))
    s.close()
    T.ok(dns.tcp_connections == conns + 1 and
         [str(r.a.rdata) for r in got] == ["192.0.2.10", "web.example.com."],
         "two queries on one TCP connection (RFC 7766), each answered")


def _recv(s, n):
    buf = b""
    while len(buf) < n:
        c = s.recv(n - len(buf))
        if not c:
            raise OSError("closed")
        buf += c
    return buf


def faults(dns):
    dns.fail(VAL_NAME, "servfail")
    st, fl, ans, auth, out = dig(dns, VAL_NAME, "CNAME")
    T.ok(st == "SERVFAIL" and dns.queries[-1]["fault"] == "servfail",
         "a scripted SERVFAIL", out)
    dns.fail(VAL_NAME, "drop")
    n = len(dns.queries)
    st, fl, ans, auth, out = dig(dns, VAL_NAME, "CNAME", timeout=1)
    T.ok(st is None and "timed out" in out and
         dns.queries[n]["rcode"] == "dropped",
         "a dropped query: dig times out", out)
    dns.fail("*", "truncate")
    n = len(dns.queries)
    st, fl, ans, auth, out = dig(dns, "example.com", "CAA")
    T.ok(st == "NOERROR" and len(ans) == 2 and
         [q["transport"] for q in dns.queries[n:]] == ["udp", "tcp"],
         "a forced TC on a small answer: dig retries over TCP", out)


def refusals(dns):
    st, fl, ans, auth, out = dig(dns, "example.org", "A")
    T.ok(st == "REFUSED" and "aa" not in fl,
         "a name outside its zones: REFUSED", out)
    st, fl, ans, auth, out = dig(dns, "-c", "CH", "version.bind", "TXT")
    T.ok(st == "NOTIMP", "class CH: NOTIMP", out)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.sendto(b"\x12\x34" + b"\x01\x00" + b"\x00\x01" + b"\x00" * 6 + b"\xff",
             ("127.0.0.1", dns.port))
    r = DNSRecord.parse(s.recvfrom(4096)[0])
    T.ok(r.header.id == 0x1234 and r.header.rcode == 1 and
         dns.queries[-1]["rcode"] == "unparsable",
         "a malformed question: FORMERR with the query's id", str(r))
    two = DNSRecord.question("example.com", "A")
    two.add_question(DNSQuestion("example.com", QTYPE.NS, CLASS.IN))
    s.sendto(two.pack(), ("127.0.0.1", dns.port))
    r = DNSRecord.parse(s.recvfrom(4096)[0])
    s.close()
    T.ok(r.header.rcode == 1 and not r.rr,
         "two questions in one query: FORMERR", str(r))


def route53():
    with FakeRoute53() as r53, FakeDNS(route53=r53) as dns:
        zid = r53.add_zone("example.net")
        r53.put_record(zid, "_v.example.net", "CNAME", ["_t.acm-validations."
                                                        "aws."])
        priv = r53.add_zone("internal.example.net", private=True)
        r53.put_record(priv, "db.internal.example.net", "A", ["10.0.0.1"])
        st, fl, ans, auth, out = dig(dns, "_v.example.net", "CNAME")
        T.ok(st == "NOERROR" and ans and ans[0][3] ==
             "_t.acm-validations.aws.",
             "a record written into the fake Route 53 is served (live)", out)
        r53.put_record(zid, "_v.example.net", "CNAME", ["_u.acm-validations."
                                                        "aws."])
        st, fl, ans, auth, out = dig(dns, "_v.example.net", "CNAME")
        T.ok(ans and ans[0][3] == "_u.acm-validations.aws.",
             "... and a change is seen at the next query", out)
        st, fl, ans, auth, out = dig(dns, "db.internal.example.net", "A")
        T.ok(st == "NXDOMAIN",
             "a private hosted zone is not served (split horizon)", out)


def resolver_view():
    """resolver=True: an NS question at a cut is answered with the
    delegation (as a recursive resolver reports it), RA set; names below
    it still get the referral, so their records stay invisible."""
    with FakeDNS(resolver=True) as dns:
        dns.add_zone("com")
        dns.delegate("example.com", ["ns-1.other-dns.net",
                                     "ns-2.other-dns.net"])
        st, fl, ans, auth, out = dig(dns, "example.com", "NS")
        T.ok(st == "NOERROR" and "ra" in fl and "aa" not in fl and
             sorted(a[3] for a in ans) == ["ns-1.other-dns.net.",
                                           "ns-2.other-dns.net."],
             "NS at the delegation: the other servers, in the ANSWER", out)
        st, fl, ans, auth, out = dig(dns, "_x.example.com", "CNAME")
        T.ok(st == "NOERROR" and not ans and auth and
             auth[0][0] == "example.com.",
             "a name below it: a referral, no record", out)
        T.ok(dns.resolve_cname("_x.example.com") is None,
             "... and the fake ACM sees no CNAME there")


def acm_validation():
    with FakeDNS() as dns, FakeACM(dns=dns) as acm:
        dns.add_zone("example.com")
        env = awscli.clean_env("us-east-1", "1", DEFAULT_ACCESS_KEY,
                               DEFAULT_SECRET_KEY)
        rc, out, err = awscli.run("acm", acm.url, [
            "request-certificate", "--domain-name", "app.example.com",
            "--validation-method", "DNS"], env)
        arn = (out or {}).get("CertificateArn")
        rec = None
        for _ in range(3):
            rc, out, err = awscli.run("acm", acm.url, [
                "describe-certificate", "--certificate-arn", arn], env)
            dvo = out["Certificate"]["DomainValidationOptions"][0]
            rec = dvo.get("ResourceRecord") or rec
            if rec:
                break
        if rec is None:
            T.ok(False, "ACM gave a validation record", err)
            return
        rc, out, err = awscli.run("acm", acm.url, [
            "describe-certificate", "--certificate-arn", arn], env)
        T.ok(out["Certificate"]["Status"] == "PENDING_VALIDATION",
             "before the CNAME exists in DNS: PENDING_VALIDATION", out)
        dns.add(rec["Name"], "CNAME", rec["Value"])
        rc, out, err = awscli.run("acm", acm.url, [
            "describe-certificate", "--certificate-arn", arn], env)
        T.ok(out["Certificate"]["Status"] == "ISSUED",
             "once the fake DNS serves it: the fake ACM issues", out)


if __name__ == "__main__":
    main()
