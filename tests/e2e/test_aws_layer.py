#!/usr/bin/python3
"""End-to-end tests of the shared AWS request layer (src/aws/aws.c) through
build/port-acm against the fake ACM: clock-skew correction from the Date
header (issue 9 defect 12) and what reaches the user when it cannot be
corrected."""
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import REGION, RUN_ID, Suite, check_rc, check_terminal  # noqa: E402

S = Suite("aws_layer")
DOMAIN = "www.example.com"


def ctx():
    return json.dumps({"runId": RUN_ID})


def amz_time(call):
    d = (call["headers"] or {}).get("x-amz-date", "")
    return datetime.datetime.strptime(d, "%Y%m%dT%H%M%SZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


@S.test
def skewed_clock_corrected_once(t, w):
    """AWS's clock 40 min ahead of the runner's: the first request is
    refused as skewed, port-acm takes the offset from the Date header,
    re-signs at once, and every later request is signed with AWS's
    time."""
    w.add_run(RUN_ID)
    w.acm.clock_skew = 40 * 60
    w.expected_bad_signatures = 1
    r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                 "port_context": ctx()})
    check_rc(t, r, 0)
    calls = w.acm_calls()
    errs = [c["error"] for c in calls if c["error"]]
    t.eq(errs, ["InvalidSignatureException"],
         "exactly one request refused as skewed", [c["op"] for c in calls])
    t.ok(len(calls) >= 2 and calls[0]["op"] == calls[1]["op"],
         "the refused request was repeated", [c["op"] for c in calls])
    later = [amz_time(c["raw"]) - c["raw"]["time"] for c in calls[1:]]
    t.ok(later and all(abs(d - 40 * 60) < 120 for d in later),
         "every later request signed with AWS's time", later)
    check_terminal(t, w, "SUCCESS", r=r)


@S.test
def wrong_clock_reported(t, w):
    """A Date header that disagrees with the signature window (so the
    correction cannot help): one re-signed retry, then a message saying
    the runner's clock is wrong and by how much."""
    w.add_run(RUN_ID)
    w.acm.clock_skew = -3600      # what the Date header says
    w.acm.sigv4_skew = 3600       # what the signature check uses
    w.expected_bad_signatures = 2
    r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                 "port_context": ctx()})
    check_rc(t, r, 1)
    calls = w.acm_calls()
    t.eq(len(calls), 2, "one request and one re-signed retry, no more",
         [(c["op"], c["error"]) for c in calls])
    t.match(r.stderr, r"runner's clock is 60 min 0 s ahead of AWS's",
            "stderr says the clock is wrong and by how much")
    e = check_terminal(t, w, "FAILURE", r=r)
    if e:
        t.match(json.dumps(e["body"]), r"clock is 60 min",
                "the Port run says it too")
    t.eq([c for c in w.acm_mutations() if c["status"] == 200], [],
         "nothing changed in AWS")


@S.test
def small_skew_left_alone(t, w):
    """Within 5 minutes the SDKs leave the clock alone: no refusal, no
    correction."""
    w.add_run(RUN_ID)
    w.acm.clock_skew = 120
    r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                 "port_context": ctx()})
    check_rc(t, r, 0)
    calls = w.acm_calls()
    t.ok(calls and all(abs(amz_time(c["raw"]) - c["raw"]["time"]) < 30
                       for c in calls), "signed with the runner's own time")


S.main()
