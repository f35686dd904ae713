#!/usr/bin/python3
"""End-to-end tests of port-acm against Port's current backend (issue 9):
GitHub Ocean writes externalRunId and link at dispatch and later finds the
run by that id (port-api.md §9.3), so port-acm reads the run first, never
overwrites externalRunId, and keeps Port's links first in every `link`."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import (GH_RUN, GH_RUN_URL, REGION, RUN_ID, Suite,  # noqa: E402
                     check_rc, check_terminal)

S = Suite("port-backend")
DOMAIN = "www.example.com"
OCEAN_ID = "gh_1_99_4242"
OCEAN_LINK = "https://github.com/acme/infra/actions/runs/4242/attempts/1"


def ctx():
    return json.dumps({"runId": RUN_ID})


def patches(w):
    return [e for e in w.port_events() if e["kind"] in ("patch", "terminal")
            and e["method"] != "POST" and isinstance(e["body"], dict)
            and "message" not in e["body"]]


def run_request(w, **inputs):
    i = {"domain_name": DOMAIN, "aws_region": REGION, "port_context": ctx()}
    i.update(inputs)
    return w.run("request", inputs=i)


def first_get_before_writes(t, w):
    evs = w.port_events()
    kinds = [e["kind"] for e in evs]
    t.ok(kinds and kinds[0] == "get_run",
         "the run is read (GET) before anything is written to it", kinds)


def ocean_id_kept(t, w, no_id_sent):
    """The run read first, no PATCH carrying externalRunId (no_id_sent:
    the check's words), the backend's id intact: returns the run as Port
    holds it (a copy)."""
    first_get_before_writes(t, w)
    sent = [p["body"] for p in patches(w)]
    t.ok(sent and all("externalRunId" not in b for b in sent), no_id_sent, sent)
    with w.port.lock:
        run = dict(w.port.runs[RUN_ID])
    t.eq(run["externalRunId"], OCEAN_ID, "the backend's externalRunId is intact")
    return run


@S.test
def defect_21_run_read_with_version_v2(t, w):
    """defect 21: the Port run read. GET /v1/actions/runs/{id} carries
    ?version=v2, as Port's API reference asks; a run without
    externalRunId is still read as "none" and gets ours."""
    w.port.add_run(RUN_ID)
    r = run_request(w)
    check_rc(t, r, 0)
    gets = [e for e in w.port_events() if e["kind"] == "get_run"]
    t.ok(gets and all((g["raw"].get("query") or {}).get("version") == ["v2"]
                      for g in gets),
         "defect 21: every run read asks for version=v2", [g["raw"].get("query") for g in gets])
    with w.port.lock:
        ext = w.port.runs[RUN_ID].get("externalRunId")
    t.ok(ext, "a missing externalRunId read as none: ours is set", ext)
    check_terminal(t, w, "SUCCESS")


@S.test
def ocean_external_run_id_never_overwritten(t, w):
    w.port.add_run(RUN_ID, externalRunId=OCEAN_ID, link=OCEAN_LINK,
                   installationId="github-ocean")
    r = run_request(w)
    check_rc(t, r, 0)
    link = ocean_id_kept(t, w, "no PATCH carries externalRunId")["link"]
    t.ok(isinstance(link, list) and link and link[0] == OCEAN_LINK,
         "the backend's link stays first", link)
    t.ok(isinstance(link, list) and GH_RUN_URL in link, "our job link is there too", link)
    check_terminal(t, w, "SUCCESS")


@S.test
def legacy_run_gets_external_run_id_once(t, w):
    w.add_run(RUN_ID)
    r = run_request(w)
    check_rc(t, r, 0)
    first_get_before_writes(t, w)
    with_id = [p["body"] for p in patches(w) if "externalRunId" in p["body"]]
    t.eq(len(with_id), 1, "externalRunId set exactly once", with_id)
    t.ok(with_id and with_id[0]["externalRunId"] == GH_RUN,
         "externalRunId is the GitHub run id", with_id)
    with w.port.lock:
        t.eq(w.port.runs[RUN_ID]["externalRunId"], GH_RUN, "Port holds it")
        link = w.port.runs[RUN_ID]["link"]
    t.ok(isinstance(link, list) and link and link[0] == GH_RUN_URL,
         "link names the GitHub run", link)


@S.test
def bad_input_keeps_ocean_external_run_id(t, w):
    w.port.add_run(RUN_ID, externalRunId=OCEAN_ID, link=OCEAN_LINK)
    r = run_request(w, domain_name="not a domain")
    check_rc(t, r, 2)
    run = ocean_id_kept(t, w, "the refusal's PATCH carries no externalRunId")
    t.eq(run["status"], "FAILURE", "the run ended FAILURE")
    t.ok(isinstance(run["link"], list) and run["link"][0] == OCEAN_LINK,
         "the backend's link stays first", run["link"])


@S.test
def unreadable_run_stops_before_aws(t, w):
    # GET keeps failing (500): port-acm cannot tell whether the run is open
    # or whether the backend set an id, so it stops before AWS (exit 3, a
    # Port fault) and writes nothing to the run.
    w.add_run(RUN_ID)
    w.port_fault("get_run", "status", status=500, times=None)
    r = run_request(w)
    check_rc(t, r, 3)
    t.eq(w.acm_calls(), [], "no ACM call")
    writes = [e for e in w.port_events() if e["kind"] != "get_run"]
    t.eq(writes, [], "nothing written to the run")


S.main()
