#!/usr/bin/python3
"""End-to-end tests of build/port-acm for issue 11 (Route 53 DNS
validation): the records go into the right public zones (one change per
zone), Route 53 reports INSYNC, the fake ACM issues only because the fake
Route 53 holds the right CNAMEs, and the run, the outputs and the entity
say where everything went. Every check looks at what the fakes received."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import (AWS_KEY_ID, AWS_SECRET, REGION, RUN_ID, Suite,  # noqa: E402
                     check_rc, check_terminal, log_text)
from fakes.fake_route53 import FakeRoute53, norm  # noqa: E402

S = Suite("route53")
APEX = "example.com"
WILD = "*.example.com"
NESTED = "api.dev.example.com"


class R53:
    """A fake Route 53 beside the World's fakes; the fake ACM validates
    through it."""

    def __init__(self, w, zones=(("example.com", False), ("example.com", True),
                                 ("dev.example.com", False)), credentials=None, **kw):
        if credentials is None:
            credentials = {AWS_KEY_ID: (AWS_SECRET, None)}
        self.fake = FakeRoute53(credentials=credentials, **S.tls_kwargs(), **kw)
        self.ids = {}
        for name, private in zones:
            self.ids[(name, private)] = self.fake.add_zone(name, private=private)
        self.url = w.start_fake(self.fake).url
        w.acm.dns = self.fake

    def zone(self, name, private=False):
        return self.ids[(name, private)]

    def calls(self, op=None):
        return [c for c in self.fake.calls if op is None or c["op"] == op]


def run(w, r53, inputs=None, env=None, **kw):
    i = {"domain_name": APEX, "subject_alternative_names": f"{WILD},{NESTED}",
         "aws_region": REGION, "port_context": json.dumps({"runId": RUN_ID}),
         "dns_validation": "route53"}
    i.update(inputs or {})
    e = {"AWS_ENDPOINT_URL_ROUTE_53": r53.url}
    e.update(env or {})
    return w.run("request", inputs=i, env=e, **kw)


def batches(r53):
    """[(zone id, [(action, name, type, ttl, value)])] per accepted change."""
    out = []
    for c in r53.calls("ChangeResourceRecordSets"):
        if c["status"] != 200:
            continue
        ch = [(x["Action"], norm(x["ResourceRecordSet"]["Name"]),
               x["ResourceRecordSet"]["Type"], x["ResourceRecordSet"]["TTL"],
               x["ResourceRecordSet"]["ResourceRecords"][0]["Value"])
              for x in c["params"]["ChangeBatch"]["Changes"]]
        out.append((c["params"]["HostedZoneId"], ch))
    return out


def acm_rec(w, domain):
    arn = w.acm_arns()[0]
    return w.acm_record(arn, domain)


@S.test
def apex_wildcard_and_nested_zone(t, w):
    w.add_run(RUN_ID)
    w.add_blueprint("acmCertificate")
    r53 = R53(w)
    r = run(w, r53)
    check_rc(t, r, 0)
    t.eq(r.outputs.get("certificate_status"), "ISSUED", "output: ISSUED")
    apex, nested = acm_rec(w, APEX), acm_rec(w, NESTED)
    pub, dev, priv = (r53.zone("example.com"), r53.zone("dev.example.com"),
                      r53.zone("example.com", True))
    got = sorted(batches(r53))
    want = sorted([(pub, [("UPSERT", apex["Name"], "CNAME", 300, apex["Value"])]),
                   (dev, [("UPSERT", nested["Name"], "CNAME", 300, nested["Value"])])])
    t.eq(got, want, "one UPSERT change per zone: apex+wildcard's one record in "
         "example.com, the nested name's in dev.example.com, TTL 300")
    t.eq(len(r53.calls("ChangeResourceRecordSets")), 2, "exactly two change batches")
    t.eq(r53.fake.records(priv, "CNAME"), {}, "nothing written to the private zone")
    t.ok(all(c["signature_ok"] and c["region"] == "us-east-1" for c in r53.calls()),
         "every Route 53 call signed for route53/us-east-1 (global endpoint)",
         [(c["op"], c["region"], c["error"]) for c in r53.calls()])
    n_list = len(r53.calls("ListHostedZonesByName"))
    t.eq(n_list, 3, "ListHostedZonesByName: example.com, api.dev.example.com, "
         "dev.example.com (one per distinct lookup)")
    gets = r53.calls("GetChange")
    t.ok(len(gets) >= 2 and all(g["status"] == 200 for g in gets),
         "GetChange polled until INSYNC", [(g["path"], g["status"]) for g in gets])
    with r53.fake.lock:
        t.ok(all(ch["Status"] == "INSYNC" for ch in r53.fake.changes.values()),
             "both changes INSYNC")
    try:
        dv = json.loads(r.outputs.get("dns_validation", ""))
    except ValueError:
        dv = {}
        t.ok(False, "dns_validation output is JSON", r.outputs.get("dns_validation"))
    zs = {z["zoneId"]: z for z in dv.get("zones", [])}
    t.eq(sorted(zs), sorted([pub, dev]), "output dns_validation: both zones by id")
    t.ok(zs.get(pub, {}).get("zoneName") == "example.com."
         and zs.get(dev, {}).get("zoneName") == "dev.example.com."
         and zs.get(pub, {}).get("records") == [apex["Name"]]
         and all(z.get("changeId", "").startswith("C") for z in zs.values()),
         "... with zone names, records and change ids", dv)
    t.eq(dv.get("status"), "ISSUED", "... and the final status")
    t.ok(set(dv.get("seconds", {})) == {"records", "write", "insync", "issue"},
         "... and each phase's duration", dv.get("seconds"))
    t.eq(dv.get("route53Calls", {}).get("ChangeResourceRecordSets"), 2,
         "... and its Route 53 call counts")
    logs = log_text(w.port_events())
    for z, zid in (("example.com.", pub), ("dev.example.com.", dev)):
        t.contains(logs, f"into {z} ({zid}), change C", f"Port log names zone {z} and its change")
    t.contains(logs, "3 of 3 names validated", "Port log shows per-name progress")
    t.contains(logs, "INSYNC", "Port log says Route 53 is in sync")
    t.contains(logs, "DNS validation took", "Port log gives the phase times")
    check_terminal(t, w, "SUCCESS", summary_res=(r"Route 53", r"example\.com\.",
                                                 r"issued"), r=r)
    ent = w.port_entity("acmCertificate", w.acm_arns()[0])
    recs = ((ent or {}).get("properties") or {}).get("validationRecords") or []
    t.ok(recs and all(x.get("hostedZoneId") in (pub, dev) for x in recs)
         and {x.get("hostedZoneName") for x in recs} == {"example.com.", "dev.example.com."},
         "the entity records each validation record's zone", recs)
    t.contains(r.summary or "", "| `example.com.` |", "step summary: zone table")


@S.test
def rerun_is_idempotent(t, w):
    w.add_run(RUN_ID)
    r53 = R53(w)
    r1 = run(w, r53)
    check_rc(t, r1, 0, "first run exit 0")
    w.reset_run(RUN_ID)
    r2 = run(w, r53)
    check_rc(t, r2, 0, "second run exit 0")
    t.eq(r2.outputs.get("certificate_arn"), r1.outputs.get("certificate_arn"),
         "same certificate (idempotency token)")
    t.eq(len(w.acm_arns()), 1, "the fake ACM holds one certificate")
    pub = r53.zone("example.com")
    t.eq(len(r53.fake.records(pub, "CNAME")), 1, "still one CNAME in example.com")
    t.eq(r2.outputs.get("certificate_status"), "ISSUED", "ISSUED again")


@S.test
def private_zone_only_is_refused(t, w):
    w.add_run(RUN_ID)
    r53 = R53(w, zones=(("example.org", True),))
    r = run(w, r53, inputs={"domain_name": "app.example.org",
                            "subject_alternative_names": ""})
    check_rc(t, r, 1, "exit 1: the records could not be written")
    t.eq(r53.calls("ChangeResourceRecordSets"), [], "nothing written to Route 53")
    rec = acm_rec(w, "app.example.org")
    t.contains(r.stdout, "private hosted zone", "stdout: only a private zone exists")
    t.contains(r.stdout, r53.zone("example.org", True), "... naming its id")
    t.contains(r.outputs.get("validation_records", ""), rec["Name"],
               "the manual records are in the outputs")
    check_terminal(t, w, "FAILURE", summary_res=(r"private", rec["Name"].replace(".", r"\.")),
                   r=r)
    t.eq(w.acm_cert_field(w.acm_arns()[0], "Status"), "PENDING_VALIDATION",
         "the certificate stays pending")


@S.test
def two_public_zones_of_one_name(t, w):
    w.add_run(RUN_ID)
    r53 = R53(w, zones=(("example.com", False),))
    other = r53.fake.add_zone("example.com")
    # Only one of the two is delegated from the parent: the one named.
    r53.fake.zones[r53.zone("example.com")]["_delegated"] = False
    r = run(w, r53, inputs={"subject_alternative_names": ""})
    check_rc(t, r, 1)
    t.ok(r53.zone("example.com") in r.stdout and other in r.stdout
         and "hosted_zone_id" in r.stdout, "the error names both zones and the fix",
         r.stdout)
    t.eq(r53.calls("ChangeResourceRecordSets"), [], "nothing written")
    w.reset_run(RUN_ID)
    r = run(w, r53, inputs={"subject_alternative_names": "", "hosted_zone_id": other})
    check_rc(t, r, 0, "with hosted_zone_id: exit 0")
    t.eq([z for z, _ in batches(r53)], [other], "written into the zone named")


@S.test
def explicit_zone_skips_lookup(t, w):
    w.add_run(RUN_ID)
    r53 = R53(w)
    pub = r53.zone("example.com")
    r = run(w, r53, inputs={"subject_alternative_names": WILD,
                            "hosted_zone_id": "/hostedzone/" + pub,
                            "dns_record_ttl": "60"})
    check_rc(t, r, 0)
    t.eq(r53.calls("ListHostedZonesByName"), [], "no ListHostedZonesByName")
    b = batches(r53)
    t.ok(len(b) == 1 and b[0][0] == pub and len(b[0][1]) == 1 and b[0][1][0][3] == 60,
         "one batch, one record (apex and wildcard share it), TTL 60", b)


@S.test
def defect_20_private_hosted_zone_id_is_refused(t, w):
    """defect 20: a hosted_zone_id that is private is used as given; ACM
    never sees its records. GetHostedZone says PrivateZone: refused with
    the reason before anything is written."""
    w.add_run(RUN_ID)
    r53 = R53(w)
    priv = r53.zone("example.com", True)
    r = run(w, r53, inputs={"subject_alternative_names": "", "hosted_zone_id": priv})
    t.ok(r.rc != 0, "the run fails", r.describe())
    t.eq([c["params"].get("Id") for c in r53.calls("GetHostedZone")], [priv],
         "defect 20: GetHostedZone of the zone given")
    t.eq(r53.calls("ChangeResourceRecordSets"), [], "defect 20: nothing written")
    t.eq(r53.fake.records(priv, "CNAME"), {}, "the private zone is untouched")
    t.ok("is a private hosted zone" in (r.stdout + r.stderr)
         and "public DNS" in (r.stdout + r.stderr),
         "defect 20: the refusal gives the reason", r.stderr[-1500:])


@S.test
def throttling_and_prior_request_are_retried(t, w):
    w.add_run(RUN_ID)
    r53 = R53(w)
    r53.fake.fail("ChangeResourceRecordSets", "Throttling")
    r53.fake.fail("GetChange", "PriorRequestNotComplete")
    r53.fake.fail("ListHostedZonesByName", "Throttling")
    r = run(w, r53)
    check_rc(t, r, 0)
    errs = [c["error"] for c in r53.calls() if c["error"]]
    t.eq(sorted(errs), ["PriorRequestNotComplete", "Throttling", "Throttling"],
         "each injected error was met once and retried")
    t.eq(r.outputs.get("certificate_status"), "ISSUED", "ISSUED")


@S.test
def access_denied_says_what_to_do(t, w):
    w.add_run(RUN_ID)
    r53 = R53(w)
    r53.fake.fail("ChangeResourceRecordSets", "AccessDenied", count=10)
    r = run(w, r53)
    check_rc(t, r, 1)
    for s in ("route53:ChangeResourceRecordSets", "dns_role_arn", "AccessDenied"):
        t.contains(r.stdout, s, f"the failure mentions {s}")
    check_terminal(t, w, "FAILURE", summary_res=("dns_role_arn",), r=r)


@S.test
def caa_forbidding_amazon(t, w):
    w.add_run(RUN_ID)
    r53 = R53(w)
    r53.fake.put_record(r53.zone("example.com"), "example.com", "CAA",
                        ['0 issue "letsencrypt.org"'])
    r = run(w, r53, inputs={"subject_alternative_names": ""})
    check_rc(t, r, 1)
    t.eq(r.outputs.get("certificate_status"), "FAILED", "FAILED")
    t.contains(r.stdout, "CAA", "the failure explains CAA")


@S.test
def dns_role_arn_signs_route53_only(t, w):
    try:
        from fakes.fake_sts import FakeSTS
    except ImportError:
        t.skip("dns_role_arn", "tests/fakes/fake_sts.py not here yet")
        return
    role = "arn:aws:iam::210987654321:role/acm-dns"
    w.add_run(RUN_ID)
    r53 = R53(w, credentials={})  # the zone's account knows only the role
    sts = FakeSTS(trust=[r53.fake], credentials={AWS_KEY_ID: (AWS_SECRET, None)},
                  region=(REGION, "us-east-1"), **S.tls_kwargs())
    sts.add_role(role)
    sts_url = sts.start()
    try:
        r = run(w, r53, inputs={"dns_role_arn": role},
                env={"AWS_ENDPOINT_URL_STS": sts_url})
    finally:
        sts.stop()
    check_rc(t, r, 0)
    ar = sts.calls_of("AssumeRole")
    t.ok(len(ar) == 1 and ar[0].get("params", {}).get("RoleArn") == role,
         "one AssumeRole of dns_role_arn", [c.get("params") for c in ar])
    minted = {i["akid"] for i in sts.issued}
    keys = {c["access_key"] for c in r53.calls()}
    t.ok(keys and keys <= minted, "every Route 53 call signed with the assumed role",
         (keys, minted))
    acm_keys = {(w.header(c["raw"], "authorization") or "").split("Credential=")[-1]
                .split("/")[0] for c in w.acm_calls()}
    t.eq(acm_keys, {AWS_KEY_ID}, "every ACM call signed with the base credentials")
    t.eq(r.outputs.get("certificate_status"), "ISSUED", "ISSUED")
    for i in sts.issued:
        t.ok(i["secret"] in r.masks and i["token"] in r.masks,
             "the assumed role's secret and token are masked")
        t.ok(not r.unmasked_leaks([i["secret"], i["token"]]), "... and never printed")


@S.test
def bad_dns_inputs_refused_before_aws(t, w):
    w.add_run(RUN_ID)
    r53 = R53(w)
    for inputs, what in (({"dns_validation": "cloudflare"}, "dns_validation"),
                         ({"hosted_zone_id": "z-lower"}, "hosted_zone_id"),
                         ({"dns_role_arn": "not-an-arn"}, "dns_role_arn"),
                         ({"dns_role_arn": "arn:aws:iam::12345:role/dns"}, "12 digits"),
                         ({"dns_record_ttl": "-5"}, "dns_record_ttl"),
                         ({"validation_method": "EMAIL"}, "validation_method")):
        r = run(w, r53, inputs=inputs)
        t.ok(r.rc == 2 and what in r.text, f"bad {what}: exit 2 naming it", r.describe())
    t.eq(w.acm_calls(), [], "no ACM call")
    t.eq(r53.calls(), [], "no Route 53 call")


def delete(w, r53, arn, flag=None, env=None, inputs=None):
    w.reset_run(RUN_ID)
    i = {"certificate_arn": arn, "aws_region": REGION,
         "port_context": json.dumps({"runId": RUN_ID})}
    if flag is not None:
        i["delete_validation_records"] = flag
    i.update(inputs or {})
    e = {"AWS_ENDPOINT_URL_ROUTE_53": r53.url}
    e.update(env or {})
    return w.run("delete", inputs=i, env=e)


def requested(t, w):
    """A run, the fake Route 53, and a certificate for APEX, WILD and
    NESTED issued through it: (r53, arn, apex record, nested record)."""
    w.add_run(RUN_ID)
    r53 = R53(w)
    r = run(w, r53)
    check_rc(t, r, 0, "request: exit 0")
    arn = r.outputs.get("certificate_arn")
    return r53, arn, w.acm_record(arn, APEX), w.acm_record(arn, NESTED)


@S.test
def delete_keeps_records_by_default(t, w):
    r53, arn, apex, nested = requested(t, w)
    n = len(r53.calls())
    r = delete(w, r53, arn)
    check_rc(t, r, 0)
    t.ok(arn not in w.acm_arns(), "the certificate is deleted")
    t.eq(r53.calls()[n:], [], "no Route 53 call without delete_validation_records")
    t.eq(w.acm_calls("ListCertificates"), [], "no ListCertificates either")
    t.ok(r53.fake.record(r53.zone("example.com"), apex["Name"]) is not None
         and r53.fake.record(r53.zone("dev.example.com"), nested["Name"]) is not None,
         "both records stay in Route 53")


@S.test
def delete_removes_only_records_no_other_certificate_uses(t, w):
    r53, arn, apex, nested = requested(t, w)
    pub, dev = r53.zone("example.com"), r53.zone("dev.example.com")
    # An ECDSA certificate for the apex: ListCertificates hides it
    # unless every key type is asked for, and it renews through the
    # very same CNAME (one record per name and account).
    other = w.acm.add_certificate("www.example.com", sans=["example.com"],
                                  key_algorithm="EC-prime256v1")
    unrelated = w.acm.add_certificate("shop.example.net")
    t.eq(w.acm_record(other, APEX), apex, "the other certificate shares the apex record")
    n = len(r53.calls())
    r = delete(w, r53, arn, "true")
    check_rc(t, r, 0)
    t.ok(arn not in w.acm_arns(), "the certificate is deleted")
    lc = w.acm_calls("ListCertificates")
    t.ok(lc and all(len(c["params"].get("Includes", {}).get("keyTypes", [])) == 7
                    and "ACME" in c["params"].get("CertificateKeyPairOrigins", [])
                    for c in lc),
         "ListCertificates asks for every key type and origin", [c["params"] for c in lc])
    described = [c["params"]["CertificateArn"] for c in w.acm_calls("DescribeCertificate")]
    t.ok(other in described and unrelated not in described,
         "DescribeCertificate of the certificate sharing a name only")
    ops = [c["op"] for c in w.acm_calls()]
    t.ok("DeleteCertificate" in ops and "ListCertificates" in ops
         and ops.index("DeleteCertificate") < ops.index("ListCertificates"),
         "the other certificates are checked after the deletion", ops)
    ch = [c for c in r53.calls()[n:] if c["op"] == "ChangeResourceRecordSets"]
    t.eq([(c["params"]["HostedZoneId"],
           [(x["Action"], norm(x["ResourceRecordSet"]["Name"]),
             x["ResourceRecordSet"]["TTL"],
             x["ResourceRecordSet"]["ResourceRecords"][0]["Value"])
            for x in c["params"]["ChangeBatch"]["Changes"]], c["status"]) for c in ch],
         [(dev, [("DELETE", nested["Name"], 300, nested["Value"])], 200)],
         "one DELETE batch: the nested name's record, exact TTL and value")
    t.ok(any(c["op"] == "ListResourceRecordSets" for c in r53.calls()[n:]),
         "the record was read back before the DELETE")
    t.eq(r53.fake.record(dev, nested["Name"]), None, "the nested record is gone")
    t.ok(r53.fake.record(pub, apex["Name"]) is not None,
         "the apex record, still used by the other certificate, stays")
    for s in ("kept", apex["Name"], other, nested["Name"]):
        t.contains(r.stdout, s, f"stdout says {s[:40]}")
    try:
        dv = json.loads(r.outputs.get("dns_validation", ""))
    except ValueError:
        dv = {}
    t.eq([d.get("recordName") for d in dv.get("deleted", [])], [nested["Name"]],
         "output: the deleted record", dv)
    t.ok([k.get("recordName") for k in dv.get("kept", [])] == [apex["Name"]]
         and other in dv["kept"][0].get("reason", ""),
         "output: the kept record and the certificate that uses it", dv)
    logs = log_text(w.port_events())
    t.contains(logs, f"kept {apex['Name']}", "Port log says which record was kept")
    t.contains(logs, f"from dev.example.com. ({dev})", "Port log names the zone deleted from")
    check_terminal(t, w, "SUCCESS", summary_res=(r"kept", re.escape(other)), r=r)


@S.test
def defect_4_delete_keeps_a_record_a_fresh_certificate_may_need(t, w):
    """defect 4: delete_validation_records deletes a record another
    certificate needs. A same-name certificate just requested has no
    DomainValidationOptions yet in DescribeCertificate: the shared apex
    record is kept, the nested one (no other certificate) deleted."""
    r53, arn, apex, nested = requested(t, w)
    pub, dev = r53.zone("example.com"), r53.zone("dev.example.com")
    fresh = w.acm.add_certificate("example.com", status="PENDING_VALIDATION",
                                  options_after=10 ** 6)
    n = len(r53.calls())
    r = delete(w, r53, arn, "true")
    check_rc(t, r, 0)
    described = [c["params"]["CertificateArn"] for c in w.acm_calls("DescribeCertificate")]
    t.ok(fresh in described, "the fresh certificate was described")
    ch = [c for c in r53.calls()[n:] if c["op"] == "ChangeResourceRecordSets"]
    t.eq([(c["params"]["HostedZoneId"],
           [(x["Action"], norm(x["ResourceRecordSet"]["Name"]))
            for x in c["params"]["ChangeBatch"]["Changes"]]) for c in ch],
         [(dev, [("DELETE", nested["Name"])])],
         "defect 4: only the nested record is deleted")
    t.ok(r53.fake.record(pub, apex["Name"]) is not None,
         "defect 4: the apex record the fresh certificate may need stays")
    try:
        dv = json.loads(r.outputs.get("dns_validation", ""))
    except ValueError:
        dv = {}
    kept = dv.get("kept", [])
    t.ok(kept and fresh in kept[0].get("reason", "")
         and "not shown its validation options yet" in kept[0].get("reason", ""),
         "output: kept, naming the fresh certificate and why", dv)


@S.test
def delete_with_flag_and_no_other_certificate(t, w):
    r53, arn, apex, nested = requested(t, w)
    pub, dev = r53.zone("example.com"), r53.zone("dev.example.com")
    # Someone repointed the nested record by hand: never deleted.
    r53.fake.put_record(dev, nested["Name"], "CNAME", ["elsewhere.example.net."])
    n = len(r53.calls())
    r = delete(w, r53, arn, "true")
    check_rc(t, r, 0)
    ch = [c for c in r53.calls()[n:] if c["op"] == "ChangeResourceRecordSets"]
    t.eq([(c["params"]["HostedZoneId"],
           [(x["Action"], norm(x["ResourceRecordSet"]["Name"]))
            for x in c["params"]["ChangeBatch"]["Changes"]]) for c in ch],
         [(pub, [("DELETE", apex["Name"])])],
         "the apex record (shared by the wildcard) deleted once, in its zone")
    t.eq(r53.fake.record(pub, apex["Name"]), None, "apex record gone")
    t.eq(r53.fake.record(dev, nested["Name"])["ResourceRecords"],
         [{"Value": "elsewhere.example.net."}], "the hand-changed record stays")
    t.contains(r.stdout, "someone changed it", "stdout says why it was kept")
    # Deleting again: ACM no longer knows it, nothing to remove.
    n = len(r53.calls())
    r = delete(w, r53, arn, "true")
    check_rc(t, r, 0, "second delete: exit 0")
    t.eq(r53.calls()[n:], [], "no Route 53 call: the records are unknown now")
    t.contains(r.stdout, "nothing was removed from Route 53", "... and it says so")


@S.test
def delete_keeps_records_when_listing_fails(t, w):
    r53, arn, apex, nested = requested(t, w)
    w.acm.fail("ListCertificates", "AccessDeniedException",
               "User is not authorized to perform: acm:ListCertificates")
    n = len(r53.calls())
    r = delete(w, r53, arn, "true")
    check_rc(t, r, 0)
    t.ok(arn not in w.acm_arns(), "the certificate is deleted")
    t.eq([c for c in r53.calls()[n:] if c["op"] == "ChangeResourceRecordSets"], [],
         "no record deleted when the other certificates are unknown")
    t.contains(r.stdout, "acm:ListCertificates", "stdout names the permission")
    t.eq(len(r53.fake.records(r53.zone("example.com"), "CNAME")), 1, "records kept")


def hostile_record(t, w, record, what, rule=None):
    """defect 3: Route 53 writes any record ACM's answer names. ACM's
    answer is rewritten to name another record; port-acm must refuse,
    say why, and send no ChangeResourceRecordSets at all."""
    w.add_run(RUN_ID)
    w.add_blueprint("acmCertificate")
    r53 = R53(w)
    orig = w.acm._record

    def bad(c, base):
        rec = orig(c, base)
        rec.update(record(rec, base))
        return rec
    w.acm._record = bad
    r = run(w, r53, {"subject_alternative_names": ""})
    t.ok(r.rc != 0, f"{what}: the run fails", r.describe())
    t.eq(r53.calls("ChangeResourceRecordSets"), [],
         f"defect 3: {what}: nothing written to Route 53")
    t.ok("Nothing was written to Route 53" in (r.stdout + r.stderr + (r.summary or "")),
         f"{what}: the run says nothing was written", r.stderr[-1500:])
    if rule is not None:
        t.ok(rule in (r.stdout + r.stderr), "the refusal names the rule",
             r.stderr[-1500:])


@S.test
def defect_3_record_name_outside_the_certificate_is_refused(t, w):
    hostile_record(t, w, lambda rec, base: {"Name": "www.example.com."},
                   "a name that is not _<label>.<name>.", rule="_<label>.example.com")


@S.test
def defect_3_record_value_outside_acm_validations_is_refused(t, w):
    hostile_record(t, w, lambda rec, base: {"Value": "attacker.example.net."},
                   "a value not under acm-validations.aws.", rule="acm-validations.aws.")


@S.test
def defect_3_record_of_a_deeper_name_is_refused(t, w):
    hostile_record(t, w, lambda rec, base: {"Name": "_abc.evil." + base + "."},
                   "a record two labels down")


def final_summary(w):
    term = [e for e in w.port_events() if e["kind"] == "terminal"]
    return ((term[-1]["body"] or {}).get("summary") or "") if term else ""


@S.test
def defect_12_route53_summary_does_not_contradict_itself(t, w):
    """defect 12: the Route 53 request summary contradicts itself. After
    port-acm wrote the records and ACM issued the certificate, the
    summary gives the final status and does not ask anyone to add the
    records; when the records could not be written, it does."""
    w.add_run(RUN_ID)
    w.add_blueprint("acmCertificate")
    r53 = R53(w)
    r = run(w, r53)
    check_rc(t, r, 0)
    summ = final_summary(w)
    t.contains(summ, "(status ISSUED)", "defect 12: the summary gives the final status")
    t.ok("PENDING_VALIDATION" not in summ, "defect 12: and not the status at the request",
         summ)
    t.ok("add these DNS record" not in summ and "add this DNS record" not in summ,
         "defect 12: nobody is asked to add the records port-acm wrote", summ)
    t.contains(summ, "Wrote the validation records to Route 53", "it says they were written")


@S.test
def defect_12_records_to_add_when_route53_could_not_write_them(t, w):
    w.add_run(RUN_ID)
    r53 = R53(w, zones=(("other.example", False),))
    r = run(w, r53, {"subject_alternative_names": ""})
    t.eq(r53.calls("ChangeResourceRecordSets"), [], "nothing written (no zone)")
    summ = final_summary(w)
    t.contains(summ, "To validate it, add this DNS record",
               "defect 12: without a zone the summary gives the record to add")
    t.contains(summ, "(status PENDING_VALIDATION)", "and the status as it stands")


S.main()
