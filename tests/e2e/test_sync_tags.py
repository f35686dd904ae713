#!/usr/bin/python3
"""End-to-end tests of the tags `port-acm sync` reads (issue 18): the
Resource Groups Tagging API's GetResources, one call per 100 tagged
certificates per region; ListTagsForCertificate where GetResources is
refused; no tags written when neither answers. Every check looks at
what the fakes received."""
import json
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import RUN_ID, TIME_SCALE, Suite, check_rc  # noqa: E402

S = Suite("sync_tags")
BP = "acmCertificate"
REGIONS = ("eu-west-1", "us-east-1", "ap-south-1")


def sync(w, inputs=None, **kw):
    i = {"regions": ",".join(REGIONS), "port_context": json.dumps({"runId": RUN_ID})}
    i.update(inputs or {})
    return w.run("sync", inputs=i, **kw)


def setup(w, n, tag_every=1):
    """n certificates; every tag_every-th gets tags owner/team/env."""
    w.add_blueprint(BP)
    w.add_run(RUN_ID)
    arns = w.acm.bulk_load(n, regions=REGIONS)
    tagged = {}
    with w.acm.lock:
        for i, a in enumerate(arns):
            if i % tag_every == 0:
                tags = [{"Key": "owner", "Value": f"o{i}@example.com"},
                        {"Key": "team", "Value": "payments"},
                        {"Key": "empty"}]
                w.acm.certs[a]["Tags"] = tags
                tagged[a] = {"owner": f"o{i}@example.com", "team": "payments",
                             "empty": ""}
            else:
                w.acm.certs[a]["Tags"] = []
    return arns, tagged


def entities(w):
    with w.port.lock:
        return {k[1]: v for k, v in w.port.entities.items() if k[0] == BP}


@S.test
def tags_from_the_tagging_api(t, w):
    arns, tagged = setup(w, 630, tag_every=2)
    r = sync(w)
    check_rc(t, r, 0, "exit 0")
    calls = w.tagging.calls_of("GetResources")
    per = {reg: [c for c in calls if c["region"] == reg] for reg in REGIONS}
    want = {reg: max(1, math.ceil(sum(a.split(":")[3] == reg for a in tagged) / 100))
            for reg in REGIONS}
    t.eq({k: len(v) for k, v in per.items()}, want,
         "ceil(tagged/100) GetResources calls per region")
    t.ok(all(c["status"] == 200 and c["params"].get("ResourceTypeFilters") ==
             ["acm:certificate"] and c["params"].get("ResourcesPerPage") == 100
             for c in calls),
         "every call filters acm:certificate, 100 per page, and was answered",
         [c["params"] for c in calls[:2]])
    t.eq(len(w.acm_calls("ListTagsForCertificate")), 0,
         "no ListTagsForCertificate when the Tagging API answers")
    ents = entities(w)
    t.ok(all(ents[a]["properties"].get("tags") == tagged[a] for a in tagged),
         "tagged certificates carry their tags (a tag without a value as \"\")",
         ents[next(iter(tagged))]["properties"].get("tags"))
    untagged = [a for a in arns if a not in tagged]
    t.ok(untagged and all(ents[a]["properties"].get("tags") == {} for a in untagged),
         "untagged certificates get {} (their old tags are cleared)")
    rep = r.output_json("sync_report")
    t.eq(rep.get("tags", {}).get("calls"), len(calls), "sync_report counts the calls",
         rep.get("tags"))


@S.test
def fallback_when_the_tagging_api_is_refused(t, w):
    arns, tagged = setup(w, 9, tag_every=3)
    w.tagging.deny = True
    r = sync(w)
    check_rc(t, r, 0, "exit 0: tags are read another way")
    t.eq(len(w.tagging.calls_of("GetResources")), 3,
         "one refused GetResources per region, none repeated")
    lt = w.acm_calls("ListTagsForCertificate")
    t.eq(sorted(c["params"]["CertificateArn"] for c in lt), sorted(arns),
         "one ListTagsForCertificate per certificate")
    ents = entities(w)
    t.ok(all(ents[a]["properties"].get("tags") == tagged.get(a, {}) for a in arns),
         "the same tags as from the Tagging API")
    t.ok("tag:GetResources refused" in r.stderr and "ListTagsForCertificate" in r.stderr,
         "the log says tags are read one call per certificate, and why", r.stderr[-1500:])
    rep = r.output_json("sync_report")
    t.eq((rep["tags"]["fallbackCalls"], rep["tags"]["regionsFallback"]), (9, 3),
         "sync_report counts the fallback calls and regions")
    raw = w.acm.calls_of("ListTagsForCertificate")  # with arrival times
    per = {reg: [c["time"] for c in raw if c["region"] == reg] for reg in REGIONS}
    # Over a region's calls, not call by call: an arrival time moves
    # with the fake's thread scheduling, a sending time does not.
    spans = {reg: ts[-1] - ts[0] for reg, ts in per.items() if len(ts) > 1}
    t.ok(len(spans) == 3 and all(v >= 2 * 0.125 - 0.05 for v in spans.values()),
         "ListTagsForCertificate stays paced per region (125 ms apart: 3 calls "
         "span at least 250 ms, 50 ms allowed for the fake's timestamps)", spans)


@S.test
def tags_read_while_the_listing_waits(t, w):
    """Two regions of 1,005 certificates (two ListCertificates pages
    each, paced 1 s apart), every one tagged, the Tagging API 100 ms
    away: a region's first GetResources goes with its first listing
    call, the rest are read in the listing's pacing gaps; no entity is
    written before the tag page that names it, and the writes begin
    with the first tag pages, not after the last."""
    regions = ("eu-west-1", "us-east-1")
    w.add_blueprint(BP)
    w.add_run(RUN_ID)
    arns = w.acm.bulk_load(2010, regions=regions)
    want = {}
    with w.acm.lock:
        for i, a in enumerate(arns):
            w.acm.certs[a]["Tags"] = [{"Key": "owner", "Value": f"o{i}@example.com"},
                                      {"Key": "n", "Value": str(i)}]
            want[a] = {"owner": f"o{i}@example.com", "n": str(i)}
    w.tagging.latency = 0.1
    w.acm.latency = 0.1 * TIME_SCALE  # see "in flight with" below
    r = sync(w, {"regions": ",".join(regions)})
    check_rc(t, r, 0, "exit 0")
    lists = w.acm.calls_of("ListCertificates")  # raw: with arrival times
    gets = w.tagging.calls_of("GetResources")
    for reg in regions:
        lt = [c["time"] for c in lists if c["region"] == reg]
        gt = [c["time"] for c in gets if c["region"] == reg]
        t.eq((len(lt), len(gt)), (2, 11),
             f"{reg}: 2 ListCertificates, ceil(1005/100) = 11 GetResources")
        t.ok(len(lt) == 2 and lt[1] - lt[0] >= 0.9,
             f"{reg}: ListCertificates still paced 1 s apart", lt)
    t0 = min(c["time"] for c in lists)
    # One batch: the first tag pages go with the first listing calls, so
    # the first GetResources arrives before the first ListCertificates
    # is answered (ACM answers w.acm.latency after arrival); asked one
    # after the other, it would come after that answer.
    with w.acm.lock, w.tagging.lock:
        lc = min((q for q in w.acm.requests if q.get("route") == "ListCertificates"),
                 key=lambda q: q["time"])
        gr = min((q for q in w.tagging.requests if q.get("route") == "GetResources"),
                 key=lambda q: q["time"])
    t.ok(gr["time"] < lc["sent"],
         "the listing starts at once, the first GetResources in flight with "
         "the first ListCertificates (one round trip, not two)",
         {"ListCertificates arrived": round(lc["time"] - t0, 3),
          "answered": round(lc["sent"] - t0, 3),
          "GetResources arrived": round(gr["time"] - t0, 3)})
    inside = [c for c in gets if any(
        a["region"] == b["region"] == reg and a["time"] < c["time"] < b["time"]
        for reg in regions
        for a, b in [[x for x in lists if x["region"] == reg][:2]])]
    t.ok(len(inside) >= 5, "GetResources calls arrive between a region's two "
         "ListCertificates: the tags are read while the listing waits",
         sorted((round(c["time"] - t0, 2), c["op"], c["region"]) for c in lists + gets))
    with w.port.lock:
        bodies = [(c["time"], e) for c in w.port.bulk_calls
                  if c["route"] == "bulk_upsert"
                  for e in (c["body"] or {}).get("entities") or []]
    t.eq(sorted(e["identifier"] for _, e in bodies), sorted(arns),
         "every certificate written once")
    t.ok(all(e["properties"].get("tags") == want[e["identifier"]] and
             e["properties"].get("owner") == want[e["identifier"]]["owner"]
             for _, e in bodies),
         "every entity Port received carried its tags and owner",
         [e["properties"].get("tags") for _, e in bodies[:2]])
    for reg in regions:
        # The fake answers a region's GetResources in ARN order, 100 a
        # page: the certificate of rank j came in page j // 100, whose
        # answer left the fake w.tagging.latency after that call arrived.
        gt = sorted(c["time"] for c in gets if c["region"] == reg)
        rank = {a: j for j, a in enumerate(sorted(a for a in arns
                                                  if a.split(":")[3] == reg))}
        early = [(round(tm - t0, 2), round(gt[rank[e["identifier"]] // 100] - t0, 2))
                 for tm, e in bodies if e["identifier"] in rank and
                 tm < gt[rank[e["identifier"]] // 100] + w.tagging.latency - 0.01]
        t.ok(not early, f"{reg}: no entity was written before the GetResources "
             "page that named it had answered", early[:3])
        first_write = min(tm for tm, e in bodies if e["identifier"] in rank)
        t.ok(first_write < gt[-1], f"{reg}: Port's writes began before its last "
             "GetResources: an entity whose tags are in is written at once, not "
             "after the whole region's tags",
             (round(first_write - t0, 2), round(gt[-1] - t0, 2)))


@S.test
def no_tags_written_when_they_cannot_be_read(t, w):
    arns, _ = setup(w, 6)
    w.tagging.fail("GetResources", "InternalServiceException", "broken",
                   status=500, count=10 ** 6)
    r = sync(w)
    check_rc(t, r, 0, "exit 0: the certificates are still synced")
    ents = entities(w)
    t.ok(len(ents) == 6 and all("tags" not in e["properties"] for e in ents.values()),
         "entities written without a tags property (Port keeps the old ones)")
    t.ok("could not read the tags" in r.stderr and "InternalServiceException" in r.stderr,
         "a warning names the error", r.stderr[-1500:])
    t.eq(len(w.acm_calls("ListTagsForCertificate")), 0,
         "no fallback for an error other than a refusal")


@S.test
def owner_and_team_from_tags(t, w):
    w.port.add_team("payments")
    w.port.add_team("platform")
    arns, _ = setup(w, 6)
    with w.acm.lock:
        w.acm.certs[arns[1]]["Tags"] = [{"Key": "owner", "Value": "b@example.com"},
                                        {"Key": "team", "Value": "ghost"}]
        w.acm.certs[arns[2]]["Tags"] = [{"Key": "team", "Value": "ghost"}]
        w.acm.certs[arns[3]]["Tags"] = []
    r = sync(w)
    check_rc(t, r, 0, "exit 0: an unknown team never fails the entity")
    teams = w.port.calls_of("get_teams")
    t.ok(len(teams) == 1 and teams[0]["query"].get("fields") == ["name"],
         "GET /v1/teams?fields=name once per run", [c["query"] for c in teams])
    ents = entities(w)
    p0 = ents[arns[0]]
    t.ok(p0["properties"].get("owner") == "o0@example.com"
         and p0.get("team") == ["payments"],
         "owner tag -> owner property, team tag -> the entity's Port team",
         (p0["properties"].get("owner"), p0.get("team")))
    t.ok(ents[arns[1]]["properties"].get("owner") == "b@example.com"
         and not ents[arns[1]].get("team") and not ents[arns[2]].get("team"),
         "a team Port does not have is left out", ents[arns[1]].get("team"))
    sent = [e for b in w.port.calls_of("bulk_upsert") for e in b["body"]["entities"]
            if e["identifier"] in (arns[1], arns[2])]
    t.ok(len(sent) == 2 and all("team" not in e for e in sent),
         "... not even sent to Port", sent)
    t.eq(ents[arns[3]]["properties"].get("owner"), "", "untagged: owner \"\"")
    t.eq(r.stderr.count("team 'ghost'"), 1, "the unknown team is logged once",
         r.stderr[-1500:])
    rep = r.output_json("sync_report")["tags"]
    t.eq((rep["teamsInPort"], rep["teamLeftOut"]), (2, 2),
         "sync_report counts Port's teams and the entities left without one")


@S.test
def custom_owner_and_team_keys(t, w):
    w.port.add_team("Web Team")
    arns, _ = setup(w, 3)
    with w.acm.lock:
        for a in arns:
            w.acm.certs[a]["Tags"] = [{"Key": "cost:owner", "Value": "x@example.com"},
                                      {"Key": "Squad", "Value": "Web Team"},
                                      {"Key": "owner", "Value": "not this"}]
    r = sync(w, {"owner_tag_key": "cost:owner", "team_tag_key": "Squad"})
    check_rc(t, r, 0, "exit 0")
    ents = entities(w)
    t.ok(all(e["properties"].get("owner") == "x@example.com"
             and e.get("team") == ["Web Team"] for e in ents.values()),
         "owner_tag_key and team_tag_key name the tags",
         [(e["properties"].get("owner"), e.get("team")) for e in ents.values()])
    r = sync(w, {"owner_tag_key": "bad\tkey"})
    check_rc(t, r, 2, "a key AWS would not allow is refused before any call")
    t.ok("owner_tag_key" in r.stderr and "tag key" in r.stderr,
         "the message names the input", r.stderr[-800:])


@S.test
def include_details_fields(t, w):
    """include_details: issuer, serial, notBefore, validation method,
    renewal status and reason, failure reason, in-use-by."""
    w.add_blueprint(BP)
    w.add_run(RUN_ID)
    ok = w.acm.add_certificate("ok.example.com", renewal_status="FAILED",
                               renewal_reason="DOMAIN_VALIDATION_DENIED",
                               in_use_by=["arn:aws:elasticloadbalancing:eu-west-1:"
                                          "123456789012:loadbalancer/app/a/1"])
    bad = w.acm.add_certificate("bad.example.com", status="FAILED",
                                failure_reason="CAA_ERROR")
    r = sync(w, {"regions": "eu-west-1", "include_details": "true"})
    check_rc(t, r, 0, "exit 0")
    desc = {c["params"]["CertificateArn"]: c for c in w.acm_calls("DescribeCertificate")}
    t.ok(ok in desc and bad in desc, "DescribeCertificate for each")
    e = w.port_entity(BP, ok)["properties"]
    c = w.acm.certs[ok]
    t.ok(e.get("issuer") == "Amazon" and e.get("serial") == c["Serial"]
         and e.get("validationMethod") == "DNS"
         and e.get("renewalStatus") == "FAILED"
         and e.get("renewalStatusReason") == "DOMAIN_VALIDATION_DENIED"
         and e.get("inUseBy") == c["InUseBy"]
         and isinstance(e.get("notBefore"), str) and e["notBefore"].endswith("Z"),
         "issuer, serial, notBefore, validation method, renewal status and "
         "reason, in-use-by", e)
    f = w.port_entity(BP, bad)["properties"]
    t.eq(f.get("failureReason"), "CAA_ERROR", "failure reason", f)


@S.test
def fail_on_fails_the_job(t, w):
    import time
    w.add_blueprint(BP)
    w.add_run(RUN_ID)
    now = time.time()
    soon = w.acm.add_certificate("soon.example.com", not_after=now + 10 * 86400)
    later = w.acm.add_certificate("later.example.com", not_after=now + 20 * 86400)
    w.acm.add_certificate("fine.example.com", not_after=now + 200 * 86400)
    bad = w.acm.add_certificate("bad.example.com", status="FAILED",
                                failure_reason="CAA_ERROR")
    r = sync(w, {"regions": "eu-west-1", "fail_on": "expiring:14"})
    check_rc(t, r, 1, "exit 1: a certificate expires within 14 days")
    t.eq(len(entities(w)), 4, "every certificate is still written")
    t.ok("fail_on" in r.stderr and soon in r.stderr and later not in r.stderr
         and "1 expiring within 14 days" in r.stderr,
         "the log names the certificate that matched, and only it", r.stderr[-1500:])
    run = w.port.runs[RUN_ID]
    t.ok(run["status"] == "FAILURE" and "fail_on matched" in (run.get("summary") or ""),
         "the Port run fails and its summary says why", (run["status"], run.get("summary")))
    w.add_run("r_two")
    r = w.run("sync", inputs={"regions": "eu-west-1", "fail_on": "failed, expiring:5",
                              "port_context": json.dumps({"runId": "r_two"})})
    check_rc(t, r, 1, "exit 1: failed matches the FAILED certificate")
    t.ok(bad in r.stderr and soon not in r.stderr, "only the FAILED one is named",
         r.stderr[-1200:])
    w.add_run("r_three")
    r = w.run("sync", inputs={"regions": "eu-west-1", "fail_on": "expiring:5,expired",
                              "port_context": json.dumps({"runId": "r_three"})})
    check_rc(t, r, 0, "exit 0: nothing within 5 days, nothing expired")
    for bad_in, why in (("at_risk", "include_details"), ("expiring:0", "expiring"),
                        ("soon", "not a condition")):
        r = w.run("sync", inputs={"regions": "eu-west-1", "fail_on": bad_in})
        check_rc(t, r, 2, f"fail_on {bad_in!r} is refused")
        t.ok(why in r.stderr, f"... saying {why}", r.stderr[-600:])


if __name__ == "__main__":
    S.main()
