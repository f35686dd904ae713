"""A small authoritative DNS server on 127.0.0.1, UDP and TCP on one port,
serving a scenario's zones (and, optionally, a FakeRoute53's public
zones, read live) with Debian's python3-dnslib for the wire format.

What it answers, as an authoritative server does (RFC 1034 §4.3.2,
RFC 2308 for negative answers):
  * a name in one of its zones with records of the asked type: the
    records, AA set;
  * a CNAME at the name (any other type asked): the CNAME, then the
    target's records when the target is in its zones (chains of up to
    8), the rcode of the last name (NXDOMAIN when it does not exist);
  * the name exists but has no records of the type (NODATA) or does not
    exist at all (NXDOMAIN; an empty non-terminal exists): the zone's
    SOA in the authority section, TTL min(SOA TTL, SOA minimum);
  * a name at or below a delegation (NS records below the apex): a
    referral, the NS records in the authority section, AA clear;
  * a name outside its zones: REFUSED; an opcode other than QUERY, or a
    class other than IN: NOTIMP; not one question: FORMERR.
RD is copied, RA is never set (it does not recurse) -- except with
resolver=True, where it answers an NS question at a delegation point as
a recursive resolver reports a delegation: the NS records in the answer
section (AA clear, RA set), so a client sees where a name is delegated
(delegate(name, ns) writes such a cut: "example.com is delegated to
ns-1.other-dns.net"). A UDP answer larger
than 512 bytes, or than the requester's EDNS payload size (RFC 6891,
capped at 1232), is truncated: TC set, sections emptied, so the client
must retry over TCP (RFC 7766); TCP carries several queries per
connection, each with its two-byte length.

Faults, per name (or "*"): servfail, refused, drop (no answer: a
timeout), truncate (TC over UDP whatever the size), slow (seconds=).
Every query is recorded (queries): name, type, transport, id, flags,
EDNS, and what was answered.

It also offers resolve_cname(name) and caa_values(name) (RFC 8659's tree
climbing), the interface FakeACM(dns=...) uses, so the fake ACM can
validate through the same data port-acm sees in DNS.

Usage:
    dns = FakeDNS()
    dns.add_zone("example.com")                 # SOA and NS
    dns.add("_x.example.com", "CNAME", "_y.acm-validations.aws.")
    dns.add("example.com", "CAA", '0 issue "amazon.com"')
    dns = FakeDNS(resolver=True); dns.add_zone("com")
    dns.delegate("example.com", ["ns-1.other-dns.net."])  # elsewhere
    host, port = dns.start()
Standalone: python3 -m tests.fakes.fake_dns --port 5353 --zone example.com
"""

import argparse
import os
import socketserver
import struct
import sys
import threading
import time

from dnslib import (CLASS, DNSError, DNSHeader, DNSRecord, EDNS0, OPCODE,
                    QTYPE, RCODE, RR)

if __package__ in (None, ""):  # run as a script, as tests/unit/test_dns.c does
    sys.path.insert(0, os.path.abspath(os.path.join(__file__, "../../..")))
    __package__ = "tests.fakes"  # noqa: A001
from .common import serve_standalone, take_queued  # noqa: E402

MAX_UDP = 512       # RFC 1035 §4.2.1 without EDNS
MAX_EDNS = 1232     # the DNS flag day 2020 payload size
FAULTS = ("servfail", "refused", "drop", "truncate", "slow")


def norm(name):
    """Lower case, one trailing dot."""
    n = str(name or "").strip().lower()
    return n if n.endswith(".") else n + "."


def in_zone(name, zone):
    return name == zone or name.endswith("." + zone)


def parent(name):
    return name.split(".", 1)[1] if name.count(".") > 1 else "."


class _UDPServer(socketserver.ThreadingUDPServer):
    daemon_threads = True
    allow_reuse_address = True


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class _UDPHandler(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        out = self.server.fake._answer(data, "udp", self.client_address)
        if out is not None:
            sock.sendto(out, self.client_address)


class _TCPHandler(socketserver.BaseRequestHandler):
    def handle(self):
        fake = self.server.fake
        self.request.settimeout(fake.tcp_idle)
        with fake.lock:
            fake.tcp_connections += 1
        try:
            while True:
                head = self._read(2)
                if head is None:
                    return
                msg = self._read(struct.unpack("!H", head)[0])
                if msg is None:
                    return
                out = fake._answer(msg, "tcp", self.client_address)
                if out is None:
                    return  # "drop": close without answering
                self.request.sendall(struct.pack("!H", len(out)) + out)
        except OSError:
            return

    def _read(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.request.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf


class FakeDNS:
    """See the module docstring."""

    def __init__(self, host="127.0.0.1", port=0, route53=None, tcp_idle=10,
                 edns_size=MAX_EDNS, resolver=False):
        self.resolver = resolver
        self.host = host
        self.port = port
        self.route53 = route53
        self.tcp_idle = tcp_idle
        self.edns_size = edns_size
        self.lock = threading.RLock()
        self.zones = {}      # apex -> {(name, type): (ttl, [rdata text])}
        self.queries = []
        self.tcp_connections = 0
        self._faults = {}
        self._udp = self._tcp = None
        self._threads = []

    # --- life cycle ------------------------------------------------------------
    def start(self):
        """Binds UDP and TCP on the same port; returns (host, port)."""
        for _ in range(20):
            udp = _UDPServer((self.host, self.port), _UDPHandler)
            port = udp.server_address[1]
            try:
                tcp = _TCPServer((self.host, port), _TCPHandler)
            except OSError:
                udp.server_close()
                if self.port:
                    raise
                continue
            break
        else:
            raise OSError("no port free for both UDP and TCP")
        self.port = port
        self._udp, self._tcp = udp, tcp
        for srv in (udp, tcp):
            srv.fake = self
            t = threading.Thread(target=srv.serve_forever,
                                 kwargs={"poll_interval": 0.05}, daemon=True,
                                 name=f"fake-dns:{port}")
            t.start()
            self._threads.append(t)
        return self.host, self.port

    def stop(self):
        for srv in (self._udp, self._tcp):
            if srv is not None:
                srv.shutdown()
                srv.server_close()
        self._udp = self._tcp = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    # --- scenario ----------------------------------------------------------------
    def add_zone(self, name, ns=("ns-1.awsdns-01.net.", "ns-2.awsdns-02.org."),
                 soa_ttl=900, minimum=300):
        """A zone with its SOA and NS records; returns the apex."""
        apex = norm(name)
        with self.lock:
            self.zones.setdefault(apex, {})
            self.zones[apex][(apex, "SOA")] = (soa_ttl, [
                f"{norm(ns[0])} hostmaster.{apex} 1 7200 900 1209600 "
                f"{minimum}"])
            self.zones[apex][(apex, "NS")] = (172800, [norm(n) for n in ns])
        return apex

    def add(self, name, rtype, values, ttl=300):
        """Sets the record set (name, rtype) in the zone that contains
        name (the longest apex); values in zone-file presentation format."""
        n = norm(name)
        if isinstance(values, str):
            values = [values]
        zone = self._zone_of(n, local_only=True)
        if zone is None:
            raise KeyError(f"no zone for {n}")
        for v in values:  # parse now: a bad value fails here, not later
            RR.fromZone(f"{n} {ttl} IN {rtype} {v}")
        with self.lock:
            self.zones[zone][(n, rtype.upper())] = (ttl, list(values))

    def delegate(self, name, ns, ttl=172800):
        """A delegation: NS records for name in its parent zone (which
        must be served), pointing at ns -- servers this fake is not.
        Names at or below it get a referral; with resolver=True an NS
        question for name itself is answered with ns."""
        self.add(name, "NS", [norm(n) for n in ns], ttl=ttl)

    def remove(self, name, rtype=None):
        n = norm(name)
        with self.lock:
            for z in self.zones.values():
                for k in [k for k in z if k[0] == n and
                          (rtype is None or k[1] == rtype.upper())]:
                    del z[k]

    def fail(self, name, kind, count=1, seconds=3.0):
        """The next `count` queries for name ("*": any) get a fault."""
        if kind not in FAULTS:
            raise ValueError(f"unknown fault {kind!r}")
        with self.lock:
            self._faults.setdefault(norm(name) if name != "*" else "*",
                                    []).append([kind, count, seconds])

    def queries_for(self, name, qtype=None):
        n = norm(name)
        with self.lock:
            return [q for q in self.queries if q["qname"] == n and
                    (qtype is None or q["qtype"] == qtype)]

    # --- the data ------------------------------------------------------------------
    def _all_zones(self):
        """apex -> records, the FakeRoute53's public, delegated zones
        included (read live; the scenario's own zones win)."""
        with self.lock:
            out = {z: dict(r) for z, r in self.zones.items()}
        r53 = self.route53
        if r53 is not None:
            with r53.lock:
                for z in r53.zones.values():
                    if z["Config"]["PrivateZone"] or not z.get("_delegated",
                                                               True):
                        continue
                    recs = out.setdefault(norm(z["Name"]), {})
                    for (n, t), rs in z["_records"].items():
                        if "ResourceRecords" not in rs:
                            continue  # alias records: not modelled here
                        recs.setdefault((norm(n).replace("\\052", "*"), t), (
                            rs.get("TTL", 300),
                            [v["Value"] for v in rs["ResourceRecords"]]))
        return out

    def _zone_of(self, name, zones=None, local_only=False):
        if zones is None:
            zones = self.zones if local_only else self._all_zones()
        best = None
        for apex in zones:
            if in_zone(name, apex) and (best is None or len(apex) > len(best)):
                best = apex
        return best

    @staticmethod
    def _rrs(name, rtype, ttl, values):
        out = []
        for v in values:
            out.extend(RR.fromZone(f"{name} {ttl} IN {rtype} {v}"))
        return out

    def lookup(self, qname, qtype):
        """(rcode, aa, answer RRs, authority RRs) for a query, as the
        module docstring describes."""
        zones = self._all_zones()
        name = norm(qname)
        answers = []
        for _ in range(9):
            apex = self._zone_of(name, zones)
            if apex is None:
                if answers:   # a CNAME that leaves our zones
                    return "NOERROR", True, answers, []
                return "REFUSED", False, [], []
            recs = zones[apex]
            # A delegation between the apex and the name: a referral.
            cut = name
            while cut != apex and in_zone(cut, apex):
                if (cut, "NS") in recs:
                    if answers:
                        return "NOERROR", True, answers, []
                    ttl, vals = recs[(cut, "NS")]
                    if self.resolver and qtype == "NS" and cut == name:
                        return "NOERROR", False, self._rrs(
                            cut, "NS", ttl, vals), []
                    return "NOERROR", False, [], self._rrs(cut, "NS", ttl,
                                                           vals)
                cut = parent(cut)
            if (name, qtype) in recs:
                ttl, vals = recs[(name, qtype)]
                return "NOERROR", True, answers + self._rrs(
                    name, qtype, ttl, vals), []
            if qtype == "ANY":
                got = [rr for (n, t), (ttl, vals) in sorted(recs.items())
                       if n == name for rr in self._rrs(n, t, ttl, vals)]
                if got:
                    return "NOERROR", True, answers + got, []
            if (name, "CNAME") in recs and qtype != "CNAME":
                ttl, vals = recs[(name, "CNAME")]
                answers += self._rrs(name, "CNAME", ttl, vals)
                name = norm(vals[0])
                continue
            exists = any(n == name or n.endswith("." + name)
                         for n, _ in recs)
            sttl, svals = recs.get((apex, "SOA"), (300, None))
            auth = []
            if svals:
                soa = self._rrs(apex, "SOA", sttl, svals)[0]
                soa.ttl = min(sttl, soa.rdata.times[-1])
                auth = [soa]
            return ("NOERROR" if exists else "NXDOMAIN"), True, answers, auth
        return "SERVFAIL", False, [], []   # a CNAME loop

    # FakeACM's dns= interface
    def resolve_cname(self, name):
        rcode, aa, ans, _ = self.lookup(name, "CNAME")
        for rr in ans:
            if QTYPE[rr.rtype] == "CNAME":
                return str(rr.rdata)
        return None

    def caa_values(self, name):
        """The CAA record set at the closest name at or above name that
        has one (RFC 8659 §3), as presentation strings."""
        n = norm(name)
        while n != ".":
            rcode, aa, ans, _ = self.lookup(n, "CAA")
            vals = [str(rr.rdata) for rr in ans if QTYPE[rr.rtype] == "CAA"]
            if vals:
                return vals
            n = parent(n)
        return []

    # --- the wire ------------------------------------------------------------------
    def _take_fault(self, name):
        with self.lock:
            return take_queued(self._faults, name, 1)

    def _answer(self, data, transport, peer):
        rec = {"transport": transport, "peer": peer, "time": time.time(),
               "qname": None, "qtype": None, "id": None, "rd": None,
               "edns": None, "rcode": None, "aa": None, "tc": False,
               "answers": [], "authority": [], "fault": None}
        with self.lock:
            self.queries.append(rec)
        try:
            req = DNSRecord.parse(data)
        except (DNSError, struct.error, IndexError, ValueError) as e:
            rec["rcode"] = "unparsable"
            rec["error"] = str(e)
            if len(data) < 12:
                return None
            reply = DNSRecord(DNSHeader(id=struct.unpack("!H", data[:2])[0],
                                        qr=1, rcode=RCODE.FORMERR))
            return reply.pack()
        h = req.header
        rec["id"], rec["rd"] = h.id, bool(h.rd)
        opt = [r for r in req.ar if r.rtype == QTYPE.OPT]
        if opt:
            rec["edns"] = opt[0].rclass   # the requester's payload size
        reply = DNSRecord(DNSHeader(id=h.id, qr=1, opcode=h.opcode, rd=h.rd,
                                    ra=int(self.resolver)), q=req.questions[0]
                          if len(req.questions) == 1 else None)
        if opt:
            reply.add_ar(EDNS0(udp_len=self.edns_size))
        if h.opcode != OPCODE.QUERY:
            reply.header.rcode = RCODE.NOTIMP
        elif len(req.questions) != 1:
            reply.header.rcode = RCODE.FORMERR
        else:
            q = req.questions[0]
            name, qtype = norm(q.qname), QTYPE.get(q.qtype, str(q.qtype))
            rec["qname"], rec["qtype"] = name, qtype
            if q.qclass != CLASS.IN:
                reply.header.rcode = RCODE.NOTIMP
            else:
                fault = self._take_fault(name)
                rec["fault"] = fault[0] if fault else None
                if fault and fault[0] == "drop":
                    rec["rcode"] = "dropped"
                    return None
                if fault and fault[0] == "slow":
                    time.sleep(fault[2])
                if fault and fault[0] in ("servfail", "refused"):
                    reply.header.rcode = getattr(RCODE, fault[0].upper())
                else:
                    rcode, aa, ans, auth = self.lookup(name, qtype)
                    reply.header.rcode = getattr(RCODE, rcode)
                    reply.header.aa = int(aa)
                    for rr in ans:
                        reply.add_answer(rr)
                    for rr in auth:
                        reply.add_auth(rr)
                if fault and fault[0] == "truncate" and transport == "udp":
                    reply = self._truncated(reply)
        out = reply.pack()
        if transport == "udp" and reply.header.tc == 0:
            limit = MAX_UDP if not opt else max(
                MAX_UDP, min(opt[0].rclass, self.edns_size))
            if len(out) > limit:
                reply = self._truncated(reply)
                out = reply.pack()
        rec["rcode"] = RCODE.get(reply.header.rcode)
        rec["aa"] = bool(reply.header.aa)
        rec["tc"] = bool(reply.header.tc)
        rec["answers"] = [str(rr) for rr in reply.rr]
        rec["authority"] = [str(rr) for rr in reply.auth]
        return out

    @staticmethod
    def _truncated(reply):
        t = DNSRecord(DNSHeader(id=reply.header.id, qr=1, aa=reply.header.aa,
                                tc=1, rd=reply.header.rd, ra=0,
                                rcode=reply.header.rcode), q=reply.q)
        for rr in reply.ar:
            if rr.rtype == QTYPE.OPT:
                t.add_ar(rr)
        return t


def main(argv=None):
    ap = argparse.ArgumentParser(description="Fake authoritative DNS.")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--zone", action="append", default=[])
    ap.add_argument("--record", action="append", default=[],
                    help='"name TYPE value", e.g. "www.example.com CNAME x."')
    a = ap.parse_args(argv)
    dns = FakeDNS(port=a.port)
    for z in a.zone or ["example.com"]:
        dns.add_zone(z)
    for r in a.record:
        name, rtype, value = r.split(None, 2)
        dns.add(name, rtype, value)
    serve_standalone(dns, lambda d: (
        f"{q['transport']} {q['qname']} {q['qtype']} {q['rcode']}"
        for q in d.queries), file=sys.stdout)


if __name__ == "__main__":
    main()
