#!/usr/bin/python3
"""End-to-end tests of what `port-acm sync` says and decides when it
cannot see all it needs for stale deletion: the Port catalog search
(reading the entities synced before) failing, and an ACM listing that
ended early. Both make deletion impossible for what was not seen; the
run must not claim success for a deletion it skipped, nor say "no stale
entities" about a region it did not finish listing. Every check looks
at what the fakes received and at the Port run's log and status."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import (ACCOUNT, RUN_ID, Suite, cert_arn, check_rc,  # noqa: E402
                     check_terminal, log_text)

S = Suite("sync_catalog")
BP = "acmCertificate"


def sync(w, inputs):
    i = {"port_context": json.dumps({"runId": RUN_ID})}
    i.update(inputs)
    return w.run("sync", inputs=i)


def setup(w, n, regions):
    w.add_blueprint(BP)
    w.add_run(RUN_ID)
    return w.acm.bulk_load(n, regions=regions)


def synced_entity(w, arn):
    w.port.add_entity(BP, arn, properties={"arn": arn, "region": arn.split(":")[3],
                                           "status": "ISSUED", "syncedBy": "port-acm"},
                      relations={"account": ACCOUNT})


def gone_arn(region, i):
    return cert_arn(region=region, cid=f"eeeeeeee-0000-0000-0000-{i:012d}")


def deleted(w):
    return [i for c in w.port.calls_of("bulk_delete") for i in c["body"]["entities"]]


def run_summary(e):
    body = e["body"] if e and isinstance(e["body"], dict) else {}
    return body.get("summary") or "", body.get("statusLabel") or ""


@S.test
def catalog_search_failure_is_not_success(t, w):
    """The Port catalog search fails (HTTP 500, every retry): the
    certificates are still written, but stale entities cannot be looked
    for. With delete_stale that is an incomplete sync, as a failed
    region listing is: exit 1, the run FAILURE "Sync incomplete", and
    its summary says deletion was skipped and why."""
    arns = setup(w, 4, regions=("eu-west-1",))
    gone = gone_arn("eu-west-1", 1)
    for a in arns + [gone]:
        synced_entity(w, a)
    w.port_fault("search", "status", status=500, times=None)
    r = sync(w, {"regions": "eu-west-1", "delete_stale": "true"})
    check_rc(t, r, 1, "exit 1: stale deletion asked for and not done")
    t.ok(w.port.calls_of("search") or any(x.get("route") == "search"
                                          for x in w.port.requests),
         "Port received the catalog search")
    written = sorted(e["identifier"] for c in w.port.calls_of("bulk_upsert")
                     for e in c["body"]["entities"])
    t.eq(written, sorted(arns), "the 4 certificates are still written")
    t.eq(deleted(w), [], "nothing deleted")
    with w.port.lock:
        t.ok((BP, gone) in w.port.entities, "the stale entity is kept")
    e = check_terminal(t, w, "FAILURE", r=r)
    summary, label = run_summary(e)
    t.eq(label, "Sync incomplete", "statusLabel Sync incomplete")
    t.match(summary, r"[Ss]tale entities were not (deleted|looked for).*catalog.*"
            r"could not be read.*HTTP 500",
            "the run summary says deletion was skipped, and why")
    t.ok("Synced 1 region" not in summary or "not" in summary, "no bare success", summary)
    t.match(r.summary or "", r"catalog.*could not be read",
            "the step summary says it too", diag=(r.summary or "")[-800:])


@S.test
def catalog_search_failure_without_delete_stale(t, w):
    """Without delete_stale nothing needed the catalog but a hint and a
    shortcut: every certificate is written, the run succeeds, and its
    summary still says the catalog could not be read."""
    arns = setup(w, 3, regions=("eu-west-1",))
    w.port_fault("search", "status", status=500, times=None)
    r = sync(w, {"regions": "eu-west-1"})
    check_rc(t, r, 0, "exit 0: all that was asked for was done")
    written = sorted(e["identifier"] for c in w.port.calls_of("bulk_upsert")
                     for e in c["body"]["entities"])
    t.eq(written, sorted(arns), "the 3 certificates written")
    e = check_terminal(t, w, "SUCCESS", r=r)
    summary, _ = run_summary(e)
    t.match(summary, r"catalog.*could not be read", "the summary mentions the catalog read")


@S.test
def listing_failed_is_not_no_stale_entities(t, w):
    """A region whose listing did not complete is left out of stale
    deletion. With nothing synced before in the region that completed,
    the log said "no stale entities: all 0 synced before are still in
    ACM"; it must say what happened: deletion was skipped where the
    listing did not complete."""
    setup(w, 3, regions=("eu-west-1",))
    for i in range(3):
        synced_entity(w, gone_arn("us-east-1", i))
    w.acm.fail("ListCertificates", "AccessDeniedException",
               "User is not authorized to perform: acm:ListCertificates",
               region="us-east-1", count=10)
    r = sync(w, {"regions": "eu-west-1,us-east-1", "delete_stale": "true"})
    check_rc(t, r, 1, "exit 1: a listing failed")
    t.ok(any(c.get("region") == "us-east-1" for c in w.acm_calls("ListCertificates")),
         "ACM received the us-east-1 listing (and refused it)")
    t.eq(deleted(w), [], "nothing deleted")
    log = log_text(w.port_events(RUN_ID))
    t.ok("all 0 synced before" not in log and "all 0 synced before" not in r.stderr,
         "no 'all 0 synced before are still in ACM'", log[-1500:])
    t.match(log, r"no stale entities in eu-west-1: none was synced before",
            "the complete region: nothing synced there", diag=log[-1500:])
    t.match(log, r"[Ss]tale entities were not looked for in us-east-1: its listing did "
            r"not complete",
            "the run log says deletion was skipped there, and why", diag=log[-1500:])
    check_terminal(t, w, "FAILURE", r=r)


@S.test
def listing_failed_everywhere(t, w):
    """The only region's listing failed: not "ACM listed no certificate
    at all" (it was never asked to the end), but skipped, and why."""
    setup(w, 3, regions=("eu-west-1",))
    for i in range(3):
        synced_entity(w, gone_arn("eu-west-1", i))
    w.acm.fail("ListCertificates", "AccessDeniedException",
               "User is not authorized to perform: acm:ListCertificates",
               region="eu-west-1", count=10)
    r = sync(w, {"regions": "eu-west-1", "delete_stale": "true"})
    check_rc(t, r, 1, "exit 1: the listing failed")
    t.eq(deleted(w), [], "nothing deleted")
    log = log_text(w.port_events(RUN_ID))
    t.ok("listed no certificate at all" not in log, "not 'ACM listed no certificate at all'",
         log[-1500:])
    t.match(log, r"[Ss]tale entities were not looked for in eu-west-1: its listing did "
            r"not complete", "skipped, and why", diag=log[-1500:])
    check_terminal(t, w, "FAILURE", r=r)


@S.test
def listing_failed_in_one_region_of_two(t, w):
    """One region complete (nothing stale there), one failed: the log
    says both, each for what it is."""
    arns = setup(w, 4, regions=("eu-west-1", "us-east-1"))
    for a in arns:
        synced_entity(w, a)
    synced_entity(w, gone_arn("us-east-1", 7))
    w.acm.fail("ListCertificates", "AccessDeniedException",
               "User is not authorized to perform: acm:ListCertificates",
               region="us-east-1", count=10)
    r = sync(w, {"regions": "eu-west-1,us-east-1", "delete_stale": "true"})
    check_rc(t, r, 1, "exit 1: a listing failed")
    t.eq(deleted(w), [], "nothing deleted")
    log = log_text(w.port_events(RUN_ID))
    eu = sum(1 for a in arns if ":eu-west-1:" in a)
    t.match(log, rf"no stale entities in eu-west-1: all {eu} synced before are still in ACM",
            "the complete region: its own count", diag=log[-1500:])
    t.match(log, r"not looked for in .*us-east-1.*listing did not complete",
            "the failed region: skipped, and why", diag=log[-1500:])


S.main()
