#!/usr/bin/python3
"""End-to-end tests of the validation doctor (issue 18): a certificate
still PENDING_VALIDATION when the wait runs out, or FAILED or
VALIDATION_TIMED_OUT on request, renew or a detailed sync, gets its
cause named in words on the Port run and in the entity's
validationDiagnosis. Public DNS is tests/fakes/fake_dns.py on 127.0.0.1
(PORT_ACM_DNS_SERVER), serving each failure: the validation CNAME
missing, with a wrong value, or right; the zone delegated elsewhere; a
CAA record that blocks Amazon (and one that allows it); and no DNS
server at all. Every test looks at what the fake Port received (log
lines, the entity) and at the questions the fake DNS was asked."""
import json
import os
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import (ACCOUNT, AWS_KEY_ID, AWS_SECRET, REGION, RUN_ID,  # noqa: E402
                     TIME_SCALE, Suite, check_rc, check_terminal, log_text)
from fakes.fake_dns import FakeDNS  # noqa: E402
from fakes.fake_route53 import FakeRoute53  # noqa: E402

S = Suite("doctor")
BP = "acmCertificate"
DOMAIN = "app.example.com"
OTHER_NS = ("ns-1.other-dns.net", "ns-2.other-dns.net")
AMAZON = "amazon.com, amazontrust.com, awstrust.com, amazonaws.com"


def ctx():
    return json.dumps({"runId": RUN_ID})


def dns_world(w, resolver=False, route53=None):
    """A fake DNS beside the World's fakes; the fake ACM validates through
    it, so ACM and port-acm see the same public DNS."""
    dns = w.start_fake(FakeDNS(resolver=resolver, route53=route53))
    w.acm.dns = dns
    return dns


def r53_world(w, delegated=True):
    r53 = FakeRoute53(credentials={AWS_KEY_ID: (AWS_SECRET, None)}, **S.tls_kwargs())
    zid = r53.add_zone("example.com", delegated=delegated)
    w.start_fake(r53)
    return r53, zid, r53.url


def renew_world(w, **cert):
    """A run, the blueprint, public DNS serving example.com, and one
    certificate for DOMAIN (add_cert's fields): (dns, arn, its record)."""
    w.add_run(RUN_ID)
    w.add_blueprint(BP)
    dns = dns_world(w)
    dns.add_zone("example.com")
    arn = w.add_cert(domain=DOMAIN, **cert)
    return dns, arn, w.acm_record(arn, DOMAIN)


def delegated_elsewhere(w):
    """A run, the blueprint, a Route 53 zone for example.com that public
    DNS (a resolver from com down) does not delegate to: (r53, its zone
    id, its URL, dns)."""
    w.add_run(RUN_ID)
    w.add_blueprint(BP)
    r53, zid, url = r53_world(w, delegated=False)
    dns = dns_world(w, resolver=True, route53=r53)
    dns.add_zone("com", ns=("a.gtld-servers.net.",))
    dns.delegate("example.com", OTHER_NS)
    return r53, zid, url, dns


def request(w, dns, r53_url, inputs=None, env=None, timeout=150):
    i = {"domain_name": DOMAIN, "aws_region": REGION, "port_context": ctx(),
         "dns_validation": "route53", "wait_for_issuance": "true",
         "timeout_minutes": "1"}
    i.update(inputs or {})
    e = {"AWS_ENDPOINT_URL_ROUTE_53": r53_url,
         "PORT_ACM_DNS_SERVER": f"127.0.0.1:{dns.port}"}
    e.update(env or {})
    return w.run("request", inputs=i, env=e, timeout=timeout)


def renew(w, dns_server, arn):
    return w.run("renew", inputs={"certificate_arn": arn, "aws_region": REGION,
                                  "port_context": ctx()},
                 env={"PORT_ACM_DNS_SERVER": dns_server})


def doctor_lines(w):
    return [ln for ln in log_text(w.port_events()).splitlines()
            if ln.startswith("Validation doctor")]


def diagnosis(w, arn):
    ent = w.port_entity(BP, arn) or {}
    return (ent.get("properties") or {}).get("validationDiagnosis") or ""


def asked(dns, name, qtype):
    return len(dns.queries_for(name, qtype))


def rec_name(rec):
    return rec["Name"].rstrip(".")


def rec_value(rec):
    return rec["Value"].rstrip(".")


def closed_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@S.test
def cname_missing(t, w):
    """VALIDATION_TIMED_OUT seen on renew; the record is not in DNS."""
    dns, arn, rec = renew_world(w, status="VALIDATION_TIMED_OUT")
    r = renew(w, f"127.0.0.1:{dns.port}", arn)
    check_rc(t, r, 1, "exit 1: ACM cannot renew it (the doctor adds no failure)")
    lines = doctor_lines(w)
    want = (f"The validation CNAME {rec_name(rec)} is missing: public DNS has "
            "no such record, so ACM cannot see it. Add CNAME "
            f"{rec_name(rec)} with the value {rec_value(rec)}")
    t.ok(any(want in ln for ln in lines), "the run's log names the missing CNAME "
         "and the record to add", lines)
    t.contains(diagnosis(w, arn), want, "the entity's validationDiagnosis says it")
    t.eq(asked(dns, rec_name(rec), "CNAME"), 1, "the fake DNS was asked for the CNAME once")
    t.ok(asked(dns, DOMAIN, "CAA") == 1 and asked(dns, "example.com", "CAA") == 1,
         "CAA climbed from app.example.com to example.com",
         [(q["qname"], q["qtype"]) for q in dns.queries])
    t.ok(all(q["qname"] is not None and q["qname"].endswith("example.com.")
             for q in dns.queries), "only the certificate's names were asked")
    t.eq(w.acm_mutations(), [], "the doctor changed nothing in ACM")
    check_terminal(t, w, "FAILURE", summary_res=(r"Validation doctor \(1 cause",
                                                 r"is missing"), r=r)


@S.test
def cname_wrong_value(t, w):
    dns, arn, rec = renew_world(w, status="FAILED", failure_reason="OTHER")
    dns.add(rec["Name"], "CNAME", "_stale.acm-validations.aws.")
    r = renew(w, f"127.0.0.1:{dns.port}", arn)
    check_rc(t, r, 1)
    want = (f"The validation CNAME {rec_name(rec)} has the wrong value: public "
            f"DNS answers _stale.acm-validations.aws, ACM expects {rec_value(rec)}. "
            f"Change the record's value to {rec_value(rec)}.")
    lines = doctor_lines(w)
    t.ok(any(want in ln for ln in lines), "the run's log names the wrong value "
         "and the right one", lines)
    t.contains(diagnosis(w, arn), want, "... and so does the entity")
    t.eq(asked(dns, rec_name(rec), "CNAME"), 1, "one CNAME question")


@S.test
def dns_right_pending_at_timeout(t, w):
    """Still PENDING_VALIDATION after timeout_minutes although the DNS is
    right (ACM is slow): the doctor says the DNS is right, then what is
    left. Takes the minute timeout_minutes is."""
    w.add_run(RUN_ID)
    w.add_blueprint(BP)
    r53, zid, url = r53_world(w)
    dns = dns_world(w, route53=r53)
    w.acm_configure(issue_after=10 ** 6)  # ACM never gets to it
    r = request(w, dns, url)
    check_rc(t, r, 0, "exit 0: the certificate exists and may still issue")
    arn = w.acm_arns()[0]
    rec = w.acm_record(arn, DOMAIN)
    lines = doctor_lines(w)
    text = "\n".join(lines)
    t.contains(text, f"The validation CNAME {rec_name(rec)} is right: public DNS "
               f"answers {rec_value(rec)}, the value ACM expects.", "CNAME: right")
    t.contains(text, f"example.com is delegated to this Route 53 zone ({zid})",
               "delegation: right")
    t.contains(text, f"No CAA record keeps Amazon from issuing for {DOMAIN}.",
               "CAA: nothing blocks Amazon")
    t.contains(text, "The DNS is right for ACM. What is left is ACM itself",
               "... so it points at what is left")
    gets = [c for c in r53.calls if c["op"] == "GetHostedZone"]
    t.ok(len(gets) == 1 and gets[0]["status"] == 200,
         "one GetHostedZone for the zone's delegation set", gets)
    t.eq([c["op"] for c in r53.calls if c["op"] == "ChangeResourceRecordSets"],
         ["ChangeResourceRecordSets"], "the doctor wrote and deleted nothing in Route 53")
    t.eq(asked(dns, "example.com", "NS"), 1, "public DNS asked for example.com's NS")
    diag = diagnosis(w, arn)
    t.ok(diag.startswith("- ") and "The DNS is right for ACM." in diag,
         "the entity carries the diagnosis as a Markdown list", diag)
    t.contains(r.summary or "", "**Validation doctor**", "the step summary has it")
    check_terminal(t, w, "SUCCESS", summary_res=(r"still PENDING_VALIDATION",
                                                 r"Validation doctor \(0 causes"), r=r)


@S.test
def zone_not_delegated(t, w):
    """The Route 53 zone is not the one the parent delegates to: its
    records are invisible, ACM never sees them."""
    r53, zid, url, dns = delegated_elsewhere(w)
    r = request(w, dns, url)
    check_rc(t, r, 0)
    arn = w.acm_arns()[0]
    rec = w.acm_record(arn, DOMAIN)
    t.ok(r53.record(zid, rec["Name"]) is not None, "the record is in Route 53")
    text = "\n".join(doctor_lines(w))
    want = (f"example.com is delegated to {', '.join(OTHER_NS)}, not to this "
            f"Route 53 zone ({zid}); records written here are invisible.")
    t.contains(text, want, "the run names the delegation elsewhere")
    t.contains(text, "ns-1.awsdns-01.net", "... and the zone's own name servers")
    t.contains(text, f"The validation CNAME {rec_name(rec)} is missing", "the CNAME is missing")
    t.contains(text, f"port-acm wrote it to Route 53 zone example.com ({zid})",
               "... though port-acm wrote it to the zone")
    t.contains(diagnosis(w, arn), want, "the entity says it too")
    t.eq(asked(dns, "example.com", "NS"), 1, "public DNS asked for example.com's NS")
    check_terminal(t, w, "SUCCESS", summary_res=(r"Validation doctor \(2 causes",), r=r)


@S.test
def pending_at_run_deadline(t, w):
    """The wait ends at the run's deadline, not timeout_minutes: the
    doctor still runs, within the time kept for the final report, and
    the run still ends in time."""
    r53, zid, url, dns = delegated_elsewhere(w)
    # Under valgrind (TIME_SCALE) the doctor's TLS calls and the final
    # report need more of the reserve (a third of the deadline).
    limit = 30 if TIME_SCALE == 1 else 60
    r = request(w, dns, url, inputs={"timeout_minutes": "30"},
                env={"PORT_ACM_DEADLINE_SECONDS": str(limit)}, timeout=limit + 60)
    check_rc(t, r, 0)
    t.ok(r.elapsed < limit, f"the run ended within its {limit} s deadline", r.elapsed)
    text = "\n".join(doctor_lines(w))
    t.contains(text, f"example.com is delegated to {', '.join(OTHER_NS)}, not to "
               f"this Route 53 zone ({zid})", "the doctor ran after the wait")
    t.contains(diagnosis(w, w.acm_arns()[0]), "not to this Route 53 zone",
               "... and the entity has it")
    check_terminal(t, w, "SUCCESS", summary_res=(r"Validation doctor",), r=r)


@S.test
def caa_blocks_amazon(t, w):
    """The CNAME resolves, but a CAA record at the apex names only
    Let's Encrypt: ACM fails the request (CAA_ERROR) at once."""
    w.add_run(RUN_ID)
    w.add_blueprint(BP)
    r53, zid, url = r53_world(w)
    r53.put_record(zid, "example.com", "CAA", ['0 issue "letsencrypt.org"'])
    dns = dns_world(w, route53=r53)
    r = request(w, dns, url)
    check_rc(t, r, 1, "exit 1: ACM failed the certificate")
    arn = w.acm_arns()[0]
    t.eq(w.acm_cert_field(arn, "Status"), "FAILED", "the fake ACM failed it")
    text = "\n".join(doctor_lines(w))
    want = ('The CAA record at example.com (0 issue "letsencrypt.org") names none '
            f'of {AMAZON}, so it blocks ACM from issuing for {DOMAIN}: add CAA 0 '
            'issue "amazon.com" to example.com, or remove the CAA record at '
            'example.com.')
    t.contains(text, want, "the run names the blocking CAA record and the fix")
    t.contains(diagnosis(w, arn), want, "... and the entity")
    t.ok(asked(dns, DOMAIN, "CAA") >= 1 and asked(dns, "example.com", "CAA") >= 1,
         "CAA asked at the name, then at its parent")
    t.contains(text, "is right", "the CNAME itself is right")
    t.contains(r.summary or "", "### ACM certificate not issued", "step summary")
    check_terminal(t, w, "FAILURE", summary_res=(r"CAA", r"Validation doctor \(1 cause"),
                   r=r)


@S.test
def caa_allowing_amazon_does_not_block(t, w):
    dns, arn, rec = renew_world(w, status="VALIDATION_TIMED_OUT")
    dns.add(rec["Name"], "CNAME", rec["Value"])
    dns.add("example.com", "CAA", ['0 issue "letsencrypt.org"',
                                   '0 issue "amazontrust.com; cansignhttpexchanges=no"',
                                   '0 iodef "mailto:sec@example.com"'])
    r = renew(w, f"127.0.0.1:{dns.port}", arn)
    check_rc(t, r, 1)
    text = "\n".join(doctor_lines(w))
    t.ok("blocks" not in text, "no CAA record is said to block", text)
    t.contains(text, f"No CAA record keeps Amazon from issuing for {DOMAIN}.",
               "CAA naming amazontrust.com (with a parameter) allows ACM")
    t.contains(text, "ACM gave up after 72 hours", "what is left for a timed-out one")
    t.eq(asked(dns, "example.com", "CAA"), 1, "CAA read at example.com")


@S.test
def dns_unreachable_sync(t, w):
    """No DNS server answers: "could not check", the sync still succeeds,
    and the doctor stops for the run instead of waiting on each."""
    w.add_run(RUN_ID)
    w.add_blueprint(BP)
    a1 = w.add_cert(domain="a1.example.com", status="FAILED", failure_reason="CAA_ERROR")
    a2 = w.add_cert(domain="a2.example.com", status="FAILED", failure_reason="CAA_ERROR")
    r = w.run("sync", inputs={"regions": REGION, "include_details": "true",
                              "port_context": ctx()},
              env={"PORT_ACM_DNS_SERVER": f"127.0.0.1:{closed_udp_port()}"})
    check_rc(t, r, 0, "exit 0: the doctor never fails a sync")
    diags = [diagnosis(w, a) for a in (a1, a2)]
    done = [d for d in diags if d]
    t.eq(len(done), 1, "one certificate diagnosed, then the doctor stopped", diags)
    t.contains(done[0] if done else "", "Could not check the validation CNAME",
               "could not check the CNAME")
    t.contains(done[0] if done else "", "Could not check CAA", "... nor CAA")
    t.contains(done[0] if done else "", "Nothing wrong was found in what could be checked",
               "... and it claims no cause")
    t.contains(log_text(w.port_events()), "public DNS did not answer, so it stops",
               "the run says the doctor stopped")


@S.test
def sync_is_bounded(t, w):
    """sync with include_details diagnoses at most 10 failed certificates
    a run and says so."""
    w.add_run(RUN_ID)
    w.add_blueprint(BP)
    dns = dns_world(w)
    dns.add_zone("example.com")
    arns = [w.add_cert(domain=f"s{i:02d}.example.com", status="FAILED",
                       failure_reason="OTHER") for i in range(12)]
    ok = w.add_cert(domain="ok.example.com")
    r = w.run("sync", inputs={"regions": REGION, "include_details": "true",
                              "port_context": ctx()},
              env={"PORT_ACM_DNS_SERVER": f"127.0.0.1:{dns.port}"})
    check_rc(t, r, 0)
    bodies = {}
    for c in w.port.calls_of("bulk_upsert"):
        for e in (c["body"] or {}).get("entities", []):
            bodies[e["identifier"]] = e.get("properties", {})
    diag = [a for a in arns if bodies.get(a, {}).get("validationDiagnosis")]
    t.eq(len(diag), 10, "10 of the 12 failed certificates diagnosed", len(diag))
    t.ok(all("is missing" in bodies[a]["validationDiagnosis"] for a in diag),
         "each diagnosis names the missing CNAME")
    t.ok(bodies.get(ok, {}).get("validationDiagnosis", "absent") is None,
         "an issued certificate gets none: null, clearing any earlier one",
         bodies.get(ok))
    t.contains(log_text(w.port_events()), "at most 10 failed certificates a sync",
               "the run says the rest were left out")
    # The issued one's record is read too, by renewal readiness: not
    # the doctor's.
    ready = rec_name(w.acm_record(ok, "ok.example.com")).rstrip(".").lower()
    cname_qs = {q["qname"] for q in dns.queries if q["qtype"] == "CNAME"
                and q["qname"].rstrip(".").lower() != ready}
    t.eq(len(cname_qs), 10, "the fake DNS was asked for 10 CNAMEs of the failed "
         "certificates, no more")


OLD_DIAGNOSIS = ("- The validation CNAME _x.app.example.com is missing: public DNS has "
                 "no such record, so ACM cannot see it.")


def diagnosed_entity(w, arn):
    """The entity as a doctor run left it: PENDING_VALIDATION, diagnosed."""
    w.port.add_entity(BP, arn, properties={
        "arn": arn, "region": REGION, "status": "PENDING_VALIDATION",
        "syncedBy": "port-acm", "validationDiagnosis": OLD_DIAGNOSIS},
        relations={"account": ACCOUNT})


def written_props(w, arn):
    """The properties of every write of arn Port received, in order."""
    out = []
    for q in w.port.writes():
        try:
            body = json.loads(q["body"] or b"{}")
        except ValueError:
            continue
        ents = body.get("entities") if q["route"] == "bulk_upsert" else [body]
        out += [e.get("properties") or {} for e in ents or []
                if isinstance(e, dict) and e.get("identifier") == arn]
    return out


@S.test
def issued_certificate_clears_the_diagnosis(t, w):
    """A validationDiagnosis written while a certificate was not issued
    lingered after it was: merge upserts keep what they do not send. An
    ISSUED certificate written by sync (with or without include_details)
    or renew sends validationDiagnosis null, which Port's merge stores
    (tests/data's create-an-entity schema: properties is a free object;
    the fake merges key by key), so the entity no longer says it; a
    FAILED one's diagnosis is left alone when nothing diagnosed it."""
    w.add_run(RUN_ID)
    w.add_blueprint(BP)
    issued = w.add_cert(domain=DOMAIN, status="ISSUED", renewal_eligibility="ELIGIBLE")
    failed = w.add_cert(domain="old.example.com", status="FAILED")
    for include_details in ("false", "true"):
        diagnosed_entity(w, issued)
        diagnosed_entity(w, failed)
        w.reset_run(RUN_ID)
        n = len(written_props(w, issued))
        r = w.run("sync", inputs={"regions": REGION, "port_context": ctx(),
                                  "include_details": include_details},
                  env={"PORT_ACM_DNS_SERVER": f"127.0.0.1:{closed_udp_port()}"})
        check_rc(t, r, 0, f"include_details {include_details}: sync exit 0")
        props = written_props(w, issued)[n:]
        t.ok(props and all("validationDiagnosis" in p and p["validationDiagnosis"] is None
                           for p in props),
             f"include_details {include_details}: the ISSUED entity's write sends "
             "validationDiagnosis null", props)
        t.eq(diagnosis(w, issued), "",
             f"include_details {include_details}: the entity no longer has a diagnosis")
        if include_details == "false":
            t.eq(diagnosis(w, failed), OLD_DIAGNOSIS,
                 "a FAILED certificate nothing diagnosed keeps its diagnosis")
    diagnosed_entity(w, issued)
    w.reset_run(RUN_ID)
    n = len(written_props(w, issued))
    r = w.run("renew", inputs={"certificate_arn": issued, "aws_region": REGION,
                               "port_context": ctx()})
    check_rc(t, r, 0, "renew of the ISSUED certificate: exit 0")
    props = written_props(w, issued)[n:]
    t.ok(props and all(p.get("validationDiagnosis", "absent") is None for p in props),
         "renew's upsert sends validationDiagnosis null", props)
    t.eq(diagnosis(w, issued), "", "after renew the entity has no diagnosis")
    check_terminal(t, w, "SUCCESS", r=r)


S.main()
