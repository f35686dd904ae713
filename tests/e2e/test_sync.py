#!/usr/bin/python3
"""End-to-end tests of `port-acm sync` (issue 12): complete listings
(every key type and origin, MaxItems pages, pacing), bulk writes to Port
(20 per call, several in flight, 207 and 429 handled), safe stale
deletion, dry run, reporting. Every check looks at what the fakes
received."""
import json
import math
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import (ACCOUNT, RUN_ID, Suite, cert_arn, check_rc,  # noqa: E402
                     check_terminal, log_text)

S = Suite("sync")
BP = "acmCertificate"
REGIONS = ("eu-west-1", "us-east-1", "ap-south-1")
KEYS = ("RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1",
        "EC_secp384r1", "EC_secp521r1")


def ctx(run_id=RUN_ID):
    return json.dumps({"runId": run_id})


def sync(w, inputs=None, run=True, **kw):
    i = {"regions": ",".join(REGIONS)}
    if run:
        i["port_context"] = ctx()
    i.update(inputs or {})
    return w.run("sync", inputs=i, **kw)


def setup(w, n=0, regions=REGIONS, run=True):
    w.add_blueprint(BP)
    if run:
        w.add_run(RUN_ID)
    return w.acm.bulk_load(n, regions=regions) if n else []


def synced_entity(w, arn, region="eu-west-1", marker="port-acm"):
    props = {"arn": arn, "region": region, "status": "ISSUED"}
    if marker:
        props["syncedBy"] = marker
    w.port.add_entity(BP, arn, properties=props, relations={"account": ACCOUNT})


def bulk_bodies(w):
    return [c["body"] for c in w.port.calls_of("bulk_upsert")]


def catalog_writes(w):
    return w.port.writes()


def arn_in(region, i):
    return cert_arn(region=region, cid=f"ffffffff-0000-0000-0000-{i:012d}")


@S.test
def complete_inventory_2500(t, w):
    arns = setup(w, 2500)
    # Written earlier by `port-acm request` (catalog.c): no syncedBy,
    # fields a summary lacks; sync must update this very entity.
    req = arns[0]
    w.port.add_entity(BP, req, title="old title", properties={
        "arn": req, "status": "PENDING_VALIDATION", "inUseBy": ["arn:aws:lb"],
        "validationRecords": [{"name": "_x.example.com."}]},
        relations={"account": ACCOUNT})
    r = sync(w)
    check_rc(t, r, 0, "exit 0")
    calls = w.acm_calls("ListCertificates")
    per = {reg: [c for c in calls if c.get("region") == reg] for reg in REGIONS}
    t.ok(all(len(per[reg]) == math.ceil(sum(a.split(":")[3] == reg for a in arns)
                                         / 1000) for reg in REGIONS),
         "one ListCertificates call per 1000 certificates per region",
         {k: len(v) for k, v in per.items()})
    p = calls[0]["params"] if calls else {}
    t.ok(all(c["params"].get("Includes", {}).get("keyTypes") == list(KEYS)
             and sorted(c["params"].get("CertificateKeyPairOrigins", [])) ==
             ["ACME", "AWS_MANAGED", "CUSTOMER_PROVIDED"]
             and c["params"].get("MaxItems") == 1000 for c in calls),
         "every call asks for all 7 key types and all 3 origins, MaxItems 1000", p)
    with w.port.lock:
        ents = {k[1]: v for k, v in w.port.entities.items() if k[0] == BP}
    t.eq(len(ents), 2500, "2,500 entities in the catalog")
    t.ok(set(arns) <= set(ents), "every certificate became an entity")
    got_keys = {e["properties"].get("keyAlgorithm") for e in ents.values()}
    got_origins = {e["properties"].get("keyPairOrigin") for e in ents.values()}
    got_types = {e["properties"].get("type") for e in ents.values()}
    t.ok(got_keys == set(KEYS) and got_origins == {"AWS_MANAGED", "ACME",
                                                   "CUSTOMER_PROVIDED"}
         and got_types == {"AMAZON_ISSUED", "IMPORTED", "PRIVATE"},
         "ECDSA, RSA-3072/4096, ACME-origin and imported certificates all synced",
         (got_keys, got_origins, got_types))
    e = ents[req]
    c = w.acm.certs[req]
    t.ok(e["title"] == c["DomainName"] and e["properties"]["status"] == c["Status"]
         and e["properties"]["syncedBy"] == "port-acm"
         and e["properties"]["inUseBy"] == ["arn:aws:lb"]
         and e["properties"]["validationRecords"] == [{"name": "_x.example.com."}]
         and e["relations"] == {"account": ACCOUNT},
         "the request-created entity was updated in place (merge keeps its "
         "other properties)", e)
    sample = ents[arns[1]]["properties"]
    t.ok({"arn", "domainName", "subjectAlternativeNames", "status", "type",
          "keyAlgorithm", "renewalEligibility", "inUse", "createdAt", "region",
          "syncedBy", "keyPairOrigin", "exported"} <= set(sample)
         and "_" in sample["keyAlgorithm"],
         "entity shape: catalog.c's property names plus keyPairOrigin, exported, "
         "syncedBy; key algorithm with underscores", sample)
    bodies = bulk_bodies(w)
    bq = [c["query"] for c in w.port.calls_of("bulk_upsert")]
    t.ok(bodies and all(len(b["entities"]) <= 20 for b in bodies)
         and len(bodies) == 125,
         "bulk upserts of at most 20 entities, 125 calls for 2,500", len(bodies))
    t.ok(all(q.get("upsert") == ["true"] and q.get("merge") == ["true"]
             and q.get("run_id") == [RUN_ID] for q in bq),
         "upsert=true&merge=true&run_id on every bulk call", bq[:2])
    t.ok(not w.port.calls_of("bulk_delete") and not [
        x for x in w.port.writes() if x["route"] in ("upsert_entity", "delete_entity")],
        "no single-entity writes, no deletes")
    t.ok(r.outputs.get("synced_count") == "2500"
         and r.outputs.get("failed_count") == "0"
         and r.outputs.get("deleted_count") == "0"
         and r.outputs.get("regions") == ",".join(REGIONS),
         "outputs synced_count, failed_count, deleted_count, regions", r.outputs)
    rep = r.output_json("sync_report") if "sync_report" in r.outputs else {}
    t.ok(set(rep.get("regions", {})) == set(REGIONS)
         and sum(x["listed"] for x in rep["regions"].values()) == 2500
         and all(x["complete"] and sum(x["byStatus"].values()) == x["listed"]
                 for x in rep["regions"].values())
         and rep.get("expiringCount", 0) > 0
         and all(x["region"] in REGIONS for x in rep["expiringWithin30Days"]),
         "sync_report: per region counts by status, expiring certificates",
         json.dumps(rep)[:800])
    logs = log_text(w.port_events())
    t.ok(all(f"{reg}: " in logs for reg in REGIONS)
         and "expire" in logs and "FAILED or VALIDATION_TIMED_OUT" in logs,
         "one run log line per region, expiring and failed certificates", logs)
    check_terminal(t, w, "SUCCESS", summary_res=(r"2500 written",), r=r)
    t.ok("| eu-west-1 |" in (r.summary or "") and "Expiring" in (r.summary or ""),
         "GitHub step summary table", r.summary)


@S.test
def skip_rules(t, w):
    setup(w, 90)
    r = sync(w, {"skip_statuses": "FAILED, inactive\nVALIDATION_TIMED_OUT"})
    check_rc(t, r, 0, "exit 0")
    skip = {"FAILED", "INACTIVE", "VALIDATION_TIMED_OUT"}
    want = {a for a, c in w.acm.certs.items() if c["Status"] not in skip}
    with w.port.lock:
        got = {k[1] for k in w.port.entities if k[0] == BP}
    t.ok(got == want and len(want) < 90,
         "FAILED, INACTIVE and VALIDATION_TIMED_OUT certificates not written",
         (len(got), len(want)))
    rep = r.output_json("sync_report")
    t.eq(sum(x["skipped"] for x in rep["regions"].values()), 90 - len(want),
         "skipped counted in sync_report")


@S.test
def partial_failure_207(t, w):
    arns = setup(w, 60)
    w.port.fail_entity(arns[5], 422, "invalid_request",
                       'The property "status" has a wrong value', count=2)
    w.port.fail_entity(arns[7], 503, "service_unavailable", "busy", count=1)
    r = sync(w)
    check_rc(t, r, 1, "exit 1: an entity could not be written")
    with w.port.lock:
        got = {k[1] for k in w.port.entities if k[0] == BP}
    t.ok(arns[7] in got and arns[5] not in got and len(got) == 59,
         "the entity that failed once was re-sent and written; the other not", len(got))
    sent5 = [b for b in bulk_bodies(w) if any(e["identifier"] == arns[5]
                                              for e in b["entities"])]
    t.eq(len(sent5), 2, "a failed entity is sent exactly twice (one retry)")
    t.ok(any(c["status"] == 207 for c in w.port.calls_of("bulk_upsert")),
         "Port answered 207")
    t.ok(r.outputs.get("failed_count") == "1" and r.outputs.get("synced_count") == "59",
         "failed_count 1, synced_count 59", r.outputs)
    t.ok(arns[5] in r.stderr and "wrong value" in r.stderr and "422" in r.stderr
         and "examples/port/blueprint.json" in r.stderr,
         "the failure is reported by identifier and Port's reason", r.stderr[-2000:])
    t.ok(arns[5] in (r.summary or ""), "... and listed in the step summary")
    check_terminal(t, w, "FAILURE", summary_res=(r"1 failed",), r=r)


@S.test
def defect_22_every_refused_entity_is_named(t, w):
    """defect 22: a refused entity is named once, the others not at all.
    Port refuses two entities with the same reason: sync_report names
    both (grouped by the reason) and so does the run log."""
    arns = setup(w, 30, regions=("eu-west-1",))
    why = 'The property "status" has a wrong value'
    for a in (arns[3], arns[11]):
        w.port.fail_entity(a, 422, "invalid_request", why, count=2)
    r = sync(w, {"regions": "eu-west-1"})
    check_rc(t, r, 1, "exit 1")
    rep = r.output_json("sync_report") if "sync_report" in r.outputs else {}
    groups = rep.get("refused", [])
    t.ok(len(groups) == 1 and groups[0].get("count") == 2
         and sorted(groups[0].get("entities", [])) == sorted([arns[3], arns[11]])
         and why in groups[0].get("reason", "") and groups[0].get("status") == 422
         and groups[0].get("action") == "write",
         "defect 22: sync_report names both refused entities under Port's reason", groups)
    logs = log_text(w.port_events())
    t.ok(any(arns[3] in ln and arns[11] in ln and "refused to write 2 entities" in ln
             for ln in logs.split("\n")),
         "defect 22: one run log line names both", logs[-2000:])


@S.test
def defect_23_expiring_list_keeps_the_soonest_hundred(t, w):
    """defect 23: the expiring list keeps the wrong hundred. 120
    certificates expiring in 20-29 days are listed before 30 expiring in
    1-5 days: sync_report keeps the 100 soonest (all 30 among them),
    soonest first, with the total of 150 beside; the run log's list
    starts with the soonest."""
    setup(w, 0)
    now = time.time()
    late = [w.acm.add_certificate(f"late{i}.example.com", not_after=now + (20 + i % 9) * 86400)
            for i in range(120)]
    soon = [w.acm.add_certificate(f"soon{i}.example.com", not_after=now + (1 + i % 5) * 86400
                                  + i * 60) for i in range(30)]
    r = sync(w, {"regions": "eu-west-1"})
    check_rc(t, r, 0, "exit 0")
    rep = r.output_json("sync_report") if "sync_report" in r.outputs else {}
    lst = rep.get("expiringWithin30Days", [])
    arns = [x.get("arn") for x in lst]
    t.eq(rep.get("expiringCount"), 150, "the total beside the list")
    t.ok(len(lst) == 100 and set(soon) <= set(arns),
         "defect 23: the 30 soonest are among the 100 kept", len(lst))
    na = [x.get("notAfter", 0) for x in lst]
    t.ok(na == sorted(na) and arns[:30] and set(arns[:30]) == set(soon),
         "defect 23: soonest first", na[:5])
    first = min(soon, key=lambda a: w.acm.certs[a]["NotAfter"])
    logs = log_text(w.port_events())
    line = next((ln for ln in logs.split("\n") if "expire within 30 days" in ln), "")
    dom = w.acm.certs[first]["DomainName"]
    t.ok(line and line.split(": ", 1)[1].startswith(dom),
         "defect 23: the run log's list starts with the soonest", line[:300])
    t.contains(r.summary or "", "**Expiring within 30 days:** 150 (the 100 soonest below)",
               "the step summary gives the total beside the list")
    del late


@S.test
def summary_of_another_region_is_skipped_saying_why(t, w):
    """Found while extracting acm_list_summary for fuzz_list_pages: a
    valid ARN of another region, listed by eu-west-1, was skipped with a
    warning whose reason was an uninitialised buffer (stack bytes into
    the run log and Port's run). The reason names the ARN's region."""
    setup(w, 2, regions=("eu-west-1",))
    odd = arn_in("us-east-1", 7)
    w.acm.add_certificate("odd.example.com", arn=odd)
    with w.acm.lock:
        w.acm.certs[odd]["_region"] = "eu-west-1"  # listed where it is not
    r = sync(w, {"regions": "eu-west-1"})
    check_rc(t, r, 0, "exit 0")
    with w.port.lock:
        got = {k[1] for k in w.port.entities if k[0] == BP}
    t.ok(len(got) == 2 and odd not in got, "the two of eu-west-1 written, not it", got)
    want = f"does not recognise (CertificateArn {odd} is of region us-east-1)"
    t.ok(any(want in x for x in r.warnings), "the warning says which region", r.warnings)
    t.ok(want in log_text(w.port_events(RUN_ID)), "and so does Port's run log")


@S.test
def blueprint_property_missing(t, w):
    setup(w, 30)
    w.add_blueprint(BP, drop=("keyPairOrigin",))
    r = sync(w)
    check_rc(t, r, 1, "exit 1")
    warns = [x for x in r.warnings if "keyPairOrigin" in x]
    t.ok(len(warns) == 1 and "blueprint acmCertificate" in warns[0],
         "one warning naming the blueprint property at fault (not one per entity)",
         r.warnings)
    t.eq(r.outputs.get("failed_count"), "30", "every entity counted as failed")


@S.test
def throttled_429(t, w):
    setup(w, 300)
    w.port.fault("bulk_upsert", "status", count=2, status=429,
                 headers={"Retry-After": "1", "x-ratelimit-remaining": "0",
                          "x-ratelimit-reset": "1"})
    r = sync(w)
    check_rc(t, r, 0, "exit 0 despite 429s")
    calls = [x for x in w.port.requests if x["route"] == "bulk_upsert"]
    throttled = [c for c in calls if c["status"] is None and c["fault"] == "status"]
    ok = [c for c in calls if c["status"] == 200]
    t.ok(len(throttled) == 2 and len(ok) == 15,
         "two calls answered 429; every batch went through afterwards",
         (len(throttled), len(ok)))
    first = min(c["time"] for c in throttled) if throttled else 0
    t.ok(ok and max(c["time"] for c in ok) - first >= 0.9,
         "the throttled batches were re-sent only after Retry-After (1 s)",
         [round(c["time"] - first, 3) for c in calls])
    with w.port.lock:
        t.eq(sum(1 for k in w.port.entities if k[0] == BP), 300, "all 300 written")
    rep = r.output_json("sync_report")
    t.ok(rep["port"]["throttled"] == 2, "sync_report counts the 429s", rep["port"])


@S.test
def rate_limited_by_port(t, w):
    setup(w, 200)
    w.port.rate_limit = (6, 1)  # per window, as Port's headers describe it
    r = sync(w)
    check_rc(t, r, 0, "exit 0")
    with w.port.lock:
        t.eq(sum(1 for k in w.port.entities if k[0] == BP), 200,
             "all 200 written under Port's rate limit")


@S.test
def stale_deleted(t, w):
    arns = setup(w, 12, regions=("eu-west-1",))
    gone = [arn_in("eu-west-1", i) for i in range(2)]
    for a in arns[:8] + gone:
        synced_entity(w, a)
    foreign = cert_arn(account="999999999999", cid="ffffffff-0000-0000-0000-0000000000aa")
    synced_entity(w, foreign)               # another account's sync
    handmade = arn_in("eu-west-1", 9)
    synced_entity(w, handmade, marker=None)  # not written by a sync
    r = sync(w, {"regions": "eu-west-1", "delete_stale": "true"})
    check_rc(t, r, 0, "exit 0")
    dels = w.port.calls_of("bulk_delete")
    sent = [i for c in dels for i in c["body"]["entities"]]
    t.eq(sorted(sent), sorted(gone), "exactly the 2 stale entities deleted, in bulk")
    t.ok(all(c["query"].get("delete_dependents") == ["false"]
             and c["query"].get("run_id") == [RUN_ID] for c in dels),
         "bulk delete with delete_dependents=false and the run id",
         [c["query"] for c in dels])
    with w.port.lock:
        left = {k[1] for k in w.port.entities}
    t.ok(foreign in left and handmade in left and not set(gone) & left,
         "another account's and a non-synced entity are kept")
    t.eq(r.outputs.get("deleted_count"), "2", "deleted_count 2")


@S.test
def stale_threshold_refused(t, w):
    arns = setup(w, 3, regions=("eu-west-1",))
    for a in arns + [arn_in("eu-west-1", i) for i in range(7)]:
        synced_entity(w, a)
    r = sync(w, {"regions": "eu-west-1", "delete_stale": "true"})
    check_rc(t, r, 1, "exit 1: refused")
    t.ok(not w.port.calls_of("bulk_delete") and not [
        x for x in w.port.writes() if x["route"] == "delete_entity"],
        "nothing deleted")
    t.ok("7 of 10" in r.stderr and "70%" in r.stderr and "50%" in r.stderr,
         "the refusal gives the numbers", r.stderr[-1500:])
    with w.port.lock:
        t.eq(sum(1 for k in w.port.entities if k[0] == BP), 10, "all 10 entities kept")
    check_terminal(t, w, "FAILURE", summary_res=(r"stale_threshold_percent",), r=r)


@S.test
def stale_region_listing_failed(t, w):
    arns = setup(w, 20, regions=("eu-west-1", "us-east-1"))
    stale_eu, stale_us = arn_in("eu-west-1", 1), arn_in("us-east-1", 2)
    for a in arns + [stale_eu, stale_us]:
        synced_entity(w, a, region=a.split(":")[3])
    w.acm.fail("ListCertificates", "AccessDeniedException",
               "User is not authorized to perform: acm:ListCertificates",
               region="us-east-1", count=5)
    r = sync(w, {"regions": "eu-west-1,us-east-1", "delete_stale": "true"})
    check_rc(t, r, 1, "exit 1: a region's listing failed")
    sent = [i for c in w.port.calls_of("bulk_delete") for i in c["body"]["entities"]]
    t.eq(sent, [stale_eu], "only the stale entity of the completed region is deleted")
    t.ok("acm:ListCertificates" in r.stderr and "us-east-1" in r.stderr
         and "examples/iam/sync.json" in r.stderr,
         "AccessDenied is explained as the missing permission", r.stderr[-1500:])
    rep = r.output_json("sync_report")
    t.ok(rep["regions"]["us-east-1"]["complete"] is False
         and rep["regions"]["eu-west-1"]["complete"] is True,
         "sync_report marks the failed region", rep["regions"])


def incomplete_listing(t, w, body, what):
    """defect 2: an empty or malformed ListCertificates 200 deletes a
    whole region. Even with stale_threshold_percent 100, a region whose
    answer had no CertificateSummaryList is incomplete: nothing of it is
    deleted, the run fails and says why."""
    arns = setup(w, 4, regions=("eu-west-1",))
    for a in arns:
        synced_entity(w, a)
    w.acm.fault("ListCertificates", "garbage", status=200, body=body,
                headers=[("Content-Type", "application/x-amz-json-1.1")])
    r = sync(w, {"regions": "eu-west-1", "delete_stale": "true",
                 "stale_threshold_percent": "100"})
    check_rc(t, r, 1, f"{what}: exit 1, the listing is incomplete")
    sent = [i for c in w.port.calls_of("bulk_delete") for i in c["body"]["entities"]]
    t.eq(sent, [], f"defect 2: {what}: nothing deleted from the catalog")
    with w.port.lock:
        t.eq(sum(1 for k in w.port.entities if k[0] == BP), 4,
             f"{what}: all 4 entities kept")
    rep = r.output_json("sync_report") if "sync_report" in r.outputs else {}
    t.eq(rep.get("regions", {}).get("eu-west-1", {}).get("complete"), False,
         f"{what}: sync_report marks eu-west-1 incomplete", rep)
    t.ok(any("CertificateSummaryList" in x for x in r.warnings),
         f"{what}: the warning says the list was missing", r.warnings)


@S.test
def defect_2_empty_list_certificates_200_is_not_a_complete_region(t, w):
    incomplete_listing(t, w, b"", "an empty body")


@S.test
def defect_2_list_certificates_without_its_list_is_not_complete(t, w):
    incomplete_listing(t, w, b"{}", "{} without CertificateSummaryList")


@S.test
def defect_2_list_certificates_list_not_an_array_is_not_complete(t, w):
    incomplete_listing(t, w, b'{"CertificateSummaryList": "none"}', "a list that is not one")


@S.test
def defect_2_region_emptied_keeps_entities_below_threshold_100(t, w):
    """defect 2: the stale threshold applies per region as well as
    overall: a region whose listing went from 2 entities to none keeps
    them (2 of 12 overall is under 50%), unless the threshold is 100."""
    arns = setup(w, 10, regions=("eu-west-1",))
    gone = [arn_in("us-east-1", i) for i in range(2)]
    for a in arns + gone:
        synced_entity(w, a, region=a.split(":")[3])
    r = sync(w, {"regions": "eu-west-1,us-east-1", "delete_stale": "true"})
    check_rc(t, r, 1, "exit 1: refused for us-east-1")
    sent = [i for c in w.port.calls_of("bulk_delete") for i in c["body"]["entities"]]
    t.eq(sent, [], "defect 2: nothing of the emptied region is deleted")
    t.ok(any("us-east-1" in x and "2 of 2" in x and "stale_threshold_percent" in x
             for x in r.warnings), "the refusal names the region and the numbers",
         r.warnings)
    w.reset_run()
    r = sync(w, {"regions": "eu-west-1,us-east-1", "delete_stale": "true",
                 "stale_threshold_percent": "100"})
    check_rc(t, r, 0, "threshold 100: exit 0")
    sent = [i for c in w.port.calls_of("bulk_delete") for i in c["body"]["entities"]]
    t.eq(sorted(sent), sorted(gone), "threshold 100: the 2 entities are deleted")


@S.test
def defect_8_repeated_acm_page_token_stops_the_listing(t, w):
    """defect 8: repeated pagination cursors loop until the deadline. ACM
    answers every ListCertificates page with the same NextToken: the
    region's listing stops on the second sight of it, is incomplete (so
    nothing of it is deleted), and the run says why."""
    arns = setup(w, 3, regions=("eu-west-1",))
    for a in arns:
        synced_entity(w, a)
    orig = w.acm._op_ListCertificates

    def same_token(p, rid, call):
        p = {k: v for k, v in p.items() if k != "NextToken"}
        resp = orig(p, rid, call)
        body = json.loads(resp.body)
        body["NextToken"] = "c2FtZQ=="
        resp.body = json.dumps(body).encode()
        return resp
    w.acm._op_ListCertificates = same_token
    r = sync(w, {"regions": "eu-west-1", "delete_stale": "true",
                 "stale_threshold_percent": "100"}, timeout=30)
    check_rc(t, r, 1, "exit 1: the listing is incomplete")
    t.eq(len(w.acm_calls("ListCertificates")), 2,
         "defect 8: two ListCertificates calls, not one per second until the deadline")
    t.ok(any("ACM returned the same page token twice" in x for x in r.warnings),
         "defect 8: the warning says so", r.warnings)
    t.eq([i for c in w.port.calls_of("bulk_delete") for i in c["body"]["entities"]], [],
         "nothing deleted")


@S.test
def defect_8_repeated_port_search_cursor_stops_the_catalog_read(t, w):
    """defect 8: Port's search answers the same `next` every time: the
    catalog read stops on the second sight of it and stale entities are
    not looked for."""
    arns = setup(w, 2, regions=("eu-west-1",))
    for a in arns:
        synced_entity(w, a)
    orig = w.port._r_search

    def same_next(req, bp):
        status, out = orig(req, bp)
        out["next"] = "MA=="
        return status, out
    w.port._r_search = same_next
    r = sync(w, {"regions": "eu-west-1", "delete_stale": "true"}, timeout=30)
    t.eq(len(w.port.calls_of("search")), 2,
         "defect 8: two search calls, not one per page until the deadline")
    t.ok(any("Port returned the same search cursor (next) twice" in x for x in r.warnings),
         "defect 8: the warning says so", r.warnings)
    t.eq(w.port.calls_of("bulk_delete"), [], "nothing deleted")


@S.test
def defect_10_domain_name_cannot_inject_markdown(t, w):
    """defect 10: Markdown injection into the step summary. An expiring
    certificate whose DomainName carries line breaks, '|', a backtick,
    '<' and an image: the summary gets no new heading, image or HTML, its
    table row keeps four cells, and no log line breaks."""
    setup(w, 0)
    evil = "x.example.com\n## Owned\n![i](https://evil.example/x.png) | `c` <img>"
    w.acm.add_certificate(evil, not_after=time.time() + 5 * 86400)
    r = sync(w, {"regions": "eu-west-1"})
    check_rc(t, r, 0, "exit 0")
    summ = r.summary or ""
    t.ok(not any(ln.startswith("## Owned") for ln in summ.split("\n")),
         "defect 10: no heading added to the step summary", summ)
    t.ok("![" not in summ and "<img" not in summ,
         "defect 10: no image or HTML in the step summary", summ)
    rows = [ln for ln in summ.split("\n") if "x.example.com" in ln]
    t.ok(len(rows) == 1 and len(re.findall(r"(?<!\\)\|", rows[0])) == 5,
         "defect 10: the certificate's row keeps its four cells", rows)
    logs = [str((e["body"] or {}).get("message")) for e in w.port_events()
            if e["kind"] == "log"]
    t.ok(all("\n" not in m for m in logs) and not any("![" in m for m in logs),
         "defect 10: no Port log line breaks or carries an image", logs)
    t.ok(not any(ln.startswith("## Owned") for ln in r.stderr.split("\n")),
         "defect 10: no job log line starts with the injected heading", r.stderr[-1500:])


@S.test
def region_not_enabled(t, w):
    setup(w, 10, regions=("eu-west-1",))
    w.acm.fail("ListCertificates", "UnrecognizedClientException",
               "The security token included in the request is invalid.",
               status=403, region="ap-south-1", count=10)
    r = sync(w, {"regions": "eu-west-1,ap-south-1"})
    check_rc(t, r, 1, "exit 1")
    t.ok(any("ap-south-1" in x and "opt-in region" in x and "not enabled" in x
             for x in r.warnings),
         "unrecognised credentials in one region: explained as an opt-in region "
         "not enabled", r.warnings)
    with w.port.lock:
        t.eq(sum(1 for k in w.port.entities if k[0] == BP), 10,
             "the other region was still synced")


@S.test
def dry_run_writes_nothing(t, w):
    arns = setup(w, 40, regions=("eu-west-1",))
    for a in arns[:10] + [arn_in("eu-west-1", 3)]:
        synced_entity(w, a)
    with w.port.lock:
        before = json.dumps({'|'.join(k): v for k, v in w.port.entities.items()},
                            sort_keys=True, default=str)
    r = sync(w, {"regions": "eu-west-1", "delete_stale": "true", "dry_run": "true"})
    check_rc(t, r, 0, "exit 0")
    t.eq(w.port.writes(), [], "no catalog write of any kind reached Port")
    with w.port.lock:
        after = json.dumps({'|'.join(k): v for k, v in w.port.entities.items()},
                           sort_keys=True, default=str)
    t.ok(before == after, "the catalog is unchanged")
    rep = r.output_json("sync_report")
    t.ok(rep.get("dryRun") is True and rep.get("wouldWrite") == 40
         and rep.get("wouldDelete") == 1,
         "sync_report says what would be written and deleted", rep)
    t.ok(f"would delete {arn_in('eu-west-1', 3)}" in r.stderr
         and "would write" in r.stderr, "the would-be changes are listed", r.stderr[-1500:])
    t.ok(f"would delete 1 stale entity of 11 synced: {arn_in('eu-west-1', 3)}"
         in log_text(w.port_events()),
         "... and the would-be deletions are on the run log", log_text(w.port_events()))


@S.test
def scheduled_without_run(t, w):
    setup(w, 25, regions=("eu-west-1",), run=False)
    r = sync(w, {"regions": "eu-west-1"}, run=False)
    check_rc(t, r, 0, "exit 0")
    with w.port.lock:
        n = sum(1 for k in w.port.entities if k[0] == BP)
        runs = list(w.port.runs)
    t.eq(n, 25, "entities written without an action run")
    t.ok(not runs and all("run_id" not in c["query"]
                          for c in w.port.calls_of("bulk_upsert")),
         "no run touched, no run_id sent")


@S.test
def wrong_account_hint(t, w):
    setup(w, 0)
    for i in range(3):
        synced_entity(w, arn_in("us-east-1", i), region="us-east-1")
    r = sync(w, {"regions": "us-east-1"})
    check_rc(t, r, 0, "exit 0")
    t.ok(any("right AWS account" in x and "us-east-1" in x for x in r.warnings),
         "0 certificates where the catalog had some: asks about the account",
         r.warnings)


@S.test
def include_details(t, w):
    arns = setup(w, 6, regions=("eu-west-1",))
    w.acm.set_in_use(arns[1], ["arn:aws:cloudfront::123456789012:distribution/E1"])
    r = sync(w, {"regions": "eu-west-1", "include_details": "true"})
    check_rc(t, r, 0, "exit 0")
    t.eq(len(w.acm_calls("DescribeCertificate")), 6, "one DescribeCertificate each")
    e = w.port_entity(BP, arns[1])
    t.ok(e and e["properties"].get("inUseBy") ==
         ["arn:aws:cloudfront::123456789012:distribution/E1"]
         and "validationRecords" in e["properties"],
         "details add inUseBy and validation records", e)
    times = [c["time"] for c in w.acm.calls if c["op"] == "DescribeCertificate"]
    # Arrival times jitter; the rate over the run is what ACM counts.
    t.ok(len(times) == 6 and (times[-1] - times[0]) / 5 >= 0.1,
         "DescribeCertificate paced below 10/s", times)


@S.test
def bad_inputs_refused(t, w):
    setup(w, 3, regions=("eu-west-1",))
    for inputs, what in (({"stale_threshold_percent": "101"}, "stale_threshold_percent"),
                         ({"regions": "eu-west-1,not a region"}, "regions"),
                         ({"skip_statuses": "BROKEN"}, "skip_statuses"),
                         ({"dry_run": "maybe"}, "dry_run")):
        n0 = len(w.acm.calls)
        r = sync(w, inputs)
        t.ok(r.rc == 2 and what in r.stderr and len(w.acm.calls) == n0,
             f"bad {what}: exit 2 before any ACM call", r.stderr[-500:])
    t.eq(w.port.writes(), [], "nothing written to the catalog")


if __name__ == "__main__":
    S.main()
