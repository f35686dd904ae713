#!/usr/bin/python3
"""End-to-end tests of renewal readiness in `port-acm sync` with
include_details (issue 18): each issued, Amazon-issued, DNS-validated
certificate's validation CNAME is read from the account's Route 53 zone
(ListResourceRecordSets, one call per record) or, when no zone of the
account holds it, from public DNS (the fake authoritative DNS); the
entity gets renewalReadiness and its reason; unchanged certificates are
not described again; fail_on at_risk fails the job; at-risk certificates
come first in the report. Every check looks at what the fakes received."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import AWS_KEY_ID, AWS_SECRET, RUN_ID, Suite, check_rc  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from fakes.fake_dns import FakeDNS  # noqa: E402
from fakes.fake_route53 import FakeRoute53, norm  # noqa: E402

S = Suite("sync_ready")
BP = "acmCertificate"
REGION = "eu-west-1"
LB = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/{}/1"


class Side:
    """A fake Route 53 and a fake DNS beside the World's fakes."""

    def __init__(self, w, zones=("example.com",), credentials=None):
        if credentials is None:
            credentials = {AWS_KEY_ID: (AWS_SECRET, None)}
        self.r53 = FakeRoute53(credentials=credentials, **S.tls_kwargs())
        self.zones = {z: self.r53.add_zone(z) for z in zones}
        self.r53_url = self.r53.start()
        self.dns = FakeDNS()
        host, port = self.dns.start()
        self.env = {"AWS_ENDPOINT_URL_ROUTE_53": self.r53_url,
                    "PORT_ACM_DNS_SERVER": f"{host}:{port}"}
        orig = w.close

        def close():
            self.r53.stop()
            self.dns.stop()
            orig()
        w.close = close

    def calls(self, op):
        return self.r53.calls_of(op)


def record(w, arn, base):
    """ACM's validation record for base (name, value), as the fake makes it."""
    with w.acm.lock:
        r = w.acm._record(w.acm.certs[arn], base)
    return r["Name"], r["Value"]


def sync(w, side, inputs=None, env=None):
    i = {"regions": REGION, "include_details": "true",
         "port_context": json.dumps({"runId": RUN_ID})}
    i.update(inputs or {})
    e = dict(side.env)
    e.update(env or {})
    return w.run("sync", inputs=i, env=e)


def props(w, arn):
    return w.port_entity(BP, arn)["properties"]


def setup(w):
    w.add_blueprint(BP)
    w.add_run(RUN_ID)


@S.test
def ready_when_the_record_is_in_route53(t, w):
    setup(w)
    side = Side(w)
    arn = w.acm.add_certificate("app.example.com", sans=["*.app.example.com"])
    imp = w.acm.add_certificate("old.example.com", type="IMPORTED")
    name, value = record(w, arn, "app.example.com")
    side.r53.put_record(side.zones["example.com"], name, "CNAME", [value])
    r = sync(w, side)
    check_rc(t, r, 0, "exit 0")
    p = props(w, arn)
    t.eq(p.get("renewalReadiness"), "ready", "renewalReadiness ready", p)
    t.ok(name.rstrip(".") in p.get("renewalReadinessReason", "")
         and side.zones["example.com"] in p["renewalReadinessReason"],
         "the reason names the record and the zone", p.get("renewalReadinessReason"))
    lr = side.calls("ListResourceRecordSets")
    t.eq(len(lr), 1, "one ListResourceRecordSets for the one record "
         "(the wildcard shares it)")
    t.ok(lr and lr[0]["params"].get("HostedZoneId") == side.zones["example.com"]
         and norm(lr[0]["params"].get("StartRecordName", "")) == norm(name)
         and lr[0]["params"].get("StartRecordType") == "CNAME"
         and lr[0]["params"].get("MaxItems") == "1" and lr[0]["status"] == 200,
         "starting at the record's name and type, one item, in its zone",
         lr[0]["params"] if lr else None)
    t.eq(len(side.calls("ListHostedZonesByName")), 1,
         "the account's zones listed once")
    t.eq(side.dns.queries, [], "no public DNS query when the zone is in the account")
    pi = props(w, imp)
    t.ok("renewalReadiness" in pi and pi["renewalReadiness"] is None
         and pi.get("renewalReadinessReason") is None,
         "an imported certificate: both properties cleared (null)", pi)
    rep = r.output_json("sync_report")
    t.eq(list(rep)[0], "renewalReadiness", "renewalReadiness comes first in sync_report")
    rr = rep["renewalReadiness"]
    t.ok(rr["ready"] == 1 and rr["atRisk"] == 0 and rr["listResourceRecordSets"] == 1
         and rr["described"] == 2 and rr["records"] == 1,
         "sync_report counts the readiness and the calls", rr)


@S.test
def at_risk_when_the_record_is_gone_from_the_zone(t, w):
    setup(w)
    side = Side(w)
    now = time.time()
    ok = w.acm.add_certificate("ok.example.com")
    name, value = record(w, ok, "ok.example.com")
    side.r53.put_record(side.zones["example.com"], name, "CNAME", [value])
    arn = w.acm.add_certificate("shop.example.com", in_use_by=[LB.format("a"), LB.format("b")],
                                not_after=now + 94.5 * 86400)
    gone, _ = record(w, arn, "shop.example.com")
    wrong = w.acm.add_certificate("api.example.com")
    wname, wvalue = record(w, wrong, "api.example.com")
    side.r53.put_record(side.zones["example.com"], wname, "CNAME",
                        ["_other.acm-validations.aws."])
    r = sync(w, side)
    check_rc(t, r, 0, "exit 0 without fail_on")
    p = props(w, arn)
    why = p.get("renewalReadinessReason", "")
    t.eq(p.get("renewalReadiness"), "at_risk", "renewalReadiness at_risk", p)
    zid = side.zones["example.com"]
    t.eq(why, f"{gone.rstrip('.')} CNAME is gone from zone example.com ({zid}); ACM "
         "cannot renew this certificate, which is in use by 2 load balancers and "
         "expires in 94 days", "the reason names record, zone, in-use count and days")
    pw = props(w, wrong)
    t.ok(pw.get("renewalReadiness") == "at_risk"
         and "_other.acm-validations.aws" in pw.get("renewalReadinessReason", "")
         and wvalue.rstrip(".") in pw["renewalReadinessReason"],
         "a wrong value is at risk, both values named", pw.get("renewalReadinessReason"))
    t.eq(props(w, ok).get("renewalReadiness"), "ready", "the intact one is ready")
    rep = r.output_json("sync_report")
    risk = rep["renewalReadiness"]["atRiskCertificates"]
    t.eq(sorted(x["arn"] for x in risk), sorted([arn, wrong]),
         "sync_report lists every at-risk certificate", risk)
    s = r.summary or ""
    t.ok("At risk" in s and s.index("At risk") < s.index("| Region")
         and "shop.example.com" in s and "api.example.com" in s,
         "the step summary lists the at-risk certificates first", s[:800])
    t.ok("renewal at risk" in r.stderr and arn in r.stderr,
         "each is logged", r.stderr[-1500:])


@S.test
def at_risk_through_public_dns(t, w):
    setup(w)
    side = Side(w, zones=("other.org",))
    wrong = w.acm.add_certificate("www.example.net")
    missing = w.acm.add_certificate("mail.example.net")
    good = w.acm.add_certificate("good.example.net")
    side.dns.add_zone("example.net")
    wname, _ = record(w, wrong, "www.example.net")
    side.dns.add(wname, "CNAME", "_wrong.acm-validations.aws.")
    gname, gvalue = record(w, good, "good.example.net")
    side.dns.add(gname, "CNAME", gvalue)
    mname, _ = record(w, missing, "mail.example.net")
    r = sync(w, side)
    check_rc(t, r, 0, "exit 0")
    pw, pm, pg = props(w, wrong), props(w, missing), props(w, good)
    t.ok(pw.get("renewalReadiness") == "at_risk"
         and "_wrong.acm-validations.aws" in pw.get("renewalReadinessReason", "")
         and "public DNS" in pw["renewalReadinessReason"],
         "a wrong value in public DNS is at risk", pw.get("renewalReadinessReason"))
    t.ok(pm.get("renewalReadiness") == "at_risk"
         and "does not resolve in public DNS" in pm.get("renewalReadinessReason", "")
         and "no Route 53 hosted zone" in pm["renewalReadinessReason"],
         "a missing record in public DNS is at risk", pm.get("renewalReadinessReason"))
    t.eq(pg.get("renewalReadiness"), "ready", "the right value in public DNS is ready")
    t.eq(len(side.calls("ListResourceRecordSets")), 0,
         "no ListResourceRecordSets: no zone of the account holds them")
    for n in (wname, mname, gname):
        q = side.dns.queries_for(n, "CNAME")
        t.ok(len(q) >= 1, f"the fake DNS was asked for {n} CNAME", q)


@S.test
def unknown_when_route53_fails(t, w):
    setup(w)
    side = Side(w)
    arn = w.acm.add_certificate("app.example.com")
    side.r53.fail("ListResourceRecordSets", "AccessDenied",
                  "User is not authorized to perform: route53:ListResourceRecordSets")
    r = sync(w, side, {"fail_on": "at_risk"})
    check_rc(t, r, 0, "exit 0: an unreadable record is not at risk")
    p = props(w, arn)
    t.eq(p.get("renewalReadiness"), "unknown", "renewalReadiness unknown", p)
    t.ok("AccessDenied" in p.get("renewalReadinessReason", "")
         and "not at risk" in p["renewalReadinessReason"],
         "the reason says why", p.get("renewalReadinessReason"))
    lr = side.calls("ListResourceRecordSets")
    t.ok(len(lr) == 1 and lr[0]["error"] == "AccessDenied",
         "the refused call reached the fake once", [c["error"] for c in lr])
    # The zones cannot be listed at all: public DNS (what ACM reads)
    # answers instead; a DNS failure there is unknown too.
    side.r53.fail("ListHostedZonesByName", "AccessDenied", count=5)
    side.dns.add_zone("example.com")
    name, _ = record(w, arn, "app.example.com")
    side.dns.fail(name, "servfail", count=10)
    w.reset_run()
    r = sync(w, side, {"fail_on": "at_risk"})
    check_rc(t, r, 0, "exit 0 when the zones cannot be listed and DNS fails")
    p = props(w, arn)
    t.ok(p.get("renewalReadiness") == "unknown"
         and "public DNS did not answer" in p.get("renewalReadinessReason", ""),
         "unknown again: public DNS failed too", p.get("renewalReadinessReason"))
    t.ok("did not list the hosted zones" in r.stderr and "AccessDenied" in r.stderr,
         "the warning names what failed", r.stderr[-1200:])
    t.ok(len(side.dns.queries_for(name, "CNAME")) >= 1, "public DNS was asked")
    t.eq(len(side.calls("ListHostedZonesByName")), 2, "the zones were asked for once")


@S.test
def second_sync_reuses_the_catalog_records(t, w):
    setup(w)
    side = Side(w)
    arns = [w.acm.add_certificate(f"s{i}.example.com") for i in range(4)]
    arns.append(w.acm.add_certificate("mail.example.com", validation_method="EMAIL"))
    for a in arns[:4]:
        n, v = record(w, a, w.acm.certs[a]["DomainName"])
        side.r53.put_record(side.zones["example.com"], n, "CNAME", [v])
    r = sync(w, side)
    check_rc(t, r, 0, "first sync")
    first = len(w.acm_calls("DescribeCertificate"))
    t.eq(first, 5, "the first sync describes every certificate")
    lr1 = len(side.calls("ListResourceRecordSets"))
    w.reset_run()
    r = sync(w, side)
    check_rc(t, r, 0, "second sync")
    t.eq(len(w.acm_calls("DescribeCertificate")) - first, 0,
         "the second sync over an unchanged account describes none")
    t.eq(len(side.calls("ListResourceRecordSets")) - lr1, 4,
         "... and still reads each record once")
    rr = r.output_json("sync_report")["renewalReadiness"]
    t.ok(rr["described"] == 0 and rr["describeSkipped"] == 5 and rr["ready"] == 4,
         "sync_report: 0 described, 5 reused, 4 ready", rr)
    # A change the listing shows (now in use) is described again.
    w.acm.set_in_use(arns[1], [LB.format("x")])
    n, _ = record(w, arns[2], "s2.example.com")
    with side.r53.lock:
        del side.r53.zones[side.zones["example.com"]]["_records"][(norm(n), "CNAME")]
    before = len(w.acm_calls("DescribeCertificate"))
    w.reset_run()
    r = sync(w, side)
    d = [c["params"]["CertificateArn"] for c in w.acm_calls("DescribeCertificate")[before:]]
    t.eq(d, [arns[1]], "only the changed certificate is described", d)
    t.eq(props(w, arns[2]).get("renewalReadiness"), "at_risk",
         "a record deleted since is found from the catalog's copy")
    t.eq(props(w, arns[4]).get("renewalReadiness"), None,
         "an e-mail validated certificate is not checked")


@S.test
def dns_role_arn_reads_the_zones(t, w):
    """The zones are in another account: dns_role_arn's role reads them;
    ACM keeps the job's credentials."""
    from fakes.fake_sts import FakeSTS
    setup(w)
    role = "arn:aws:iam::210987654321:role/acm-dns"
    side = Side(w, credentials={})  # the zone's account knows only the role
    sts = FakeSTS(trust=[side.r53], credentials={AWS_KEY_ID: (AWS_SECRET, None)},
                  region=(REGION, "us-east-1"), **S.tls_kwargs())
    sts.add_role(role)
    sts_url = sts.start()
    arn = w.acm.add_certificate("app.example.com")
    name, value = record(w, arn, "app.example.com")
    side.r53.put_record(side.zones["example.com"], name, "CNAME", [value])
    try:
        r = sync(w, side, {"dns_role_arn": role}, env={"AWS_ENDPOINT_URL_STS": sts_url})
    finally:
        sts.stop()
    check_rc(t, r, 0, "exit 0")
    t.eq(props(w, arn).get("renewalReadiness"), "ready", "ready, read through the role")
    ar = sts.calls_of("AssumeRole")
    t.ok(len(ar) == 1 and ar[0].get("params", {}).get("RoleArn") == role,
         "one AssumeRole of dns_role_arn", [c.get("params") for c in ar])
    minted = {i["akid"] for i in sts.issued}
    keys = {c["access_key"] for c in side.r53.calls}
    t.ok(keys and keys <= minted, "every Route 53 call signed with the assumed role",
         (keys, minted))
    t.ok(all(i["secret"] in r.masks and not r.unmasked_leaks([i["secret"], i["token"]])
             for i in sts.issued), "the role's secret is masked and never printed")


@S.test
def fail_on_at_risk(t, w):
    setup(w)
    side = Side(w)
    arn = w.acm.add_certificate("gone.example.com")
    r = sync(w, side, {"fail_on": "at_risk"})
    check_rc(t, r, 1, "exit 1: a certificate is at risk")
    t.ok("fail_on" in r.stderr and "at risk of failing renewal" in r.stderr
         and arn in r.stderr, "the log names it", r.stderr[-1500:])
    run = w.port.runs[RUN_ID]
    t.ok("fail_on matched" in (run.get("summary") or ""), "the run summary says so",
         run.get("summary"))
    r = w.run("sync", inputs={"regions": REGION, "fail_on": "at_risk",
                              "port_context": json.dumps({"runId": RUN_ID})},
              env=side.env)
    check_rc(t, r, 2, "fail_on at_risk without include_details is refused")
    t.ok("include_details" in r.stderr, "... saying it needs include_details",
         r.stderr[-600:])


if __name__ == "__main__":
    S.main()
