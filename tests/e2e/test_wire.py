#!/usr/bin/python3
"""End-to-end regression tests for issue 9, part B (defects found by
hostile testing): each test fails on the code before its fix and
asserts on what the fake ACM and fake Port received."""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import (REGION, RUN_ID, TIME_SCALE, Suite,  # noqa: E402
                     check_rc, check_terminal, ctx, entity_for, log_text, req)

S = Suite("wire")
DOMAIN = "www.example.com"


def kinds(evs):
    return [(e["kind"], e["status"]) for e in evs]


def upserts(w):
    return [e for e in w.port_events(RUN_ID) if e["kind"] == "upsert"]


def summary_of(term):
    return ((term or {}).get("body") or {}).get("summary", "")


# --------------------------------------------- defect 4: issuance unconfirmed

@S.test
def request_issuance_unconfirmed(t, w):
    """DescribeCertificate keeps failing (throttled) after a successful
    RequestCertificate: the request succeeded; records kept, entity
    written, no "run again"."""
    w.acm_configure(issue_after=10 ** 6)
    # The first describe (the records) succeeds; every later one is throttled.
    w.acm_fault("DescribeCertificate", "ThrottlingException", "Rate exceeded",
                times=None, skip=1)
    w.add_run(RUN_ID)
    r = req(w, {"wait_for_issuance": "true", "timeout_minutes": "5"})
    check_rc(t, r, 0)
    t.eq(len(w.acm_calls("RequestCertificate")), 1, "one RequestCertificate")
    arn = w.acm_arns()[0] if w.acm_arns() else None
    t.eq(r.outputs.get("certificate_arn"), arn, "output certificate_arn")
    vr = json.loads(r.outputs.get("validation_records") or "[]")
    t.ok(len(vr) == 1 and vr[0].get("name"), "validation records kept in the output", vr)
    term = check_terminal(t, w, "SUCCESS", summary_res=[r"could not be confirmed"], r=r)
    s = summary_of(term)
    t.ok(not re.search(r"run (the action )?again", s, re.I), "no advice to run again", s)
    t.contains(s, vr[0]["name"] if vr else "?", "summary keeps the DNS record")
    ups = upserts(w)
    t.ok(ups and (ups[0]["body"] or {}).get("identifier") == arn,
         "the catalog entity is written", kinds(w.port_events(RUN_ID)))
    t.ok(not any(c["error"] == "ThrottlingException" for c in w.acm_calls("RequestCertificate")),
         "RequestCertificate itself was not refused")


# ------------------------------------- defect 11: deadline in the records wait

def scaled_deadline():
    """A 3 s run polling from 100 ms (work until 2 s, a 1 s reserve), in
    port-acm's time here."""
    return {"PORT_ACM_DEADLINE_SECONDS": str(round(3 * TIME_SCALE)),
            "PORT_ACM_POLL_INTERVAL_MS": str(round(100 * TIME_SCALE))}


@S.test
def request_deadline_during_records_wait(t, w):
    """The run's deadline ends the wait for DNS records after ACM did
    describe the certificate: report its details and write the entity."""
    w.acm_configure(records_after=10 ** 6)
    w.add_run(RUN_ID)
    r = req(w, env=scaled_deadline())
    check_rc(t, r, 0)
    t.ok(len(w.acm_calls("DescribeCertificate")) >= 1, "ACM described the certificate")
    arn = w.acm_arns()[0] if w.acm_arns() else None
    term = check_terminal(t, w, "SUCCESS", r=r)
    s = summary_of(term)
    t.ok("not available" not in s, "no 'details not available'", s)
    t.match(s, r"PENDING_VALIDATION", "summary gives the status ACM described")
    ups = upserts(w)
    t.ok(ups and (ups[0]["body"] or {}).get("identifier") == arn,
         "the catalog entity is written", kinds(w.port_events(RUN_ID)))


@S.test
def request_deadline_leaves_time_for_a_slow_catalog_write(t, w):
    """The wait for records runs out the clock; Port then takes 0.45 s to
    answer the entity upsert (more than four poll intervals, more than
    what is left of the last one): the write still lands (it may use half
    the reserve kept for the final report) and the run still ends. The
    0.45 s leaves the same slack under a loaded machine that 0.9 s left
    on an idle one (0.9 s failed under load in three runs)."""
    w.acm_configure(records_after=10 ** 6)
    w.port_fault("upsert_entity", "slow", seconds=0.45 * TIME_SCALE)
    w.add_run(RUN_ID)
    r = req(w, env=scaled_deadline())
    check_rc(t, r, 0)
    arn = w.acm_arns()[0] if w.acm_arns() else None
    check_terminal(t, w, "SUCCESS", r=r)
    ups = upserts(w)
    t.ok(ups and (ups[0]["body"] or {}).get("identifier") == arn,
         "the catalog entity is written though the wait used the run's time",
         kinds(w.port_events(RUN_ID)))


# ------------------------------------------ defect 9: a lost RenewCertificate

def private_cert(w):
    return w.add_cert(region=REGION, domain=DOMAIN, type="PRIVATE", status="ISSUED",
                      exported=True, renewal_eligibility="ELIGIBLE")


@S.test
def renew_lost_answer_in_progress_is_success(t, w):
    arn = private_cert(w)
    # Attempt 1 renews, its answer is lost; attempt 2 is told a renewal
    # is in progress (the one attempt 1 started).
    w.acm.fault("RenewCertificate", "reset", after=True)
    w.acm_fault("RenewCertificate", "RequestInProgressException",
                "A renewal is already in progress", skip=1)
    w.add_run(RUN_ID)
    r = w.run("renew", inputs={"port_context": ctx(entity=entity_for(arn))})
    check_rc(t, r, 0)
    calls = w.acm_calls("RenewCertificate")
    t.eq([c["error"] for c in calls], [None, "RequestInProgressException"],
         "two RenewCertificate attempts: lost answer, then in progress")
    t.eq(w.acm_cert_field(arn, "_renewals"), 1, "ACM renewed once")
    check_terminal(t, w, "SUCCESS", summary_res=[r"renewing"], r=r)


@S.test
def renew_first_attempt_in_progress_fails(t, w):
    """Without a retry, RequestInProgressException is ACM's refusal."""
    arn = private_cert(w)
    w.acm_fault("RenewCertificate", "RequestInProgressException", "still pending")
    w.add_run(RUN_ID)
    r = w.run("renew", inputs={"port_context": ctx(entity=entity_for(arn))})
    check_rc(t, r, 1)
    t.eq(len(w.acm_calls("RenewCertificate")), 1, "one RenewCertificate")
    check_terminal(t, w, "FAILURE", r=r)


# ----------------------------------- renew: an exportable, never-exported cert

@S.test
def renew_never_exported_is_managed(t, w):
    arn = w.add_cert(region=REGION, domain=DOMAIN, type="AMAZON_ISSUED", status="ISSUED",
                     export="ENABLED", exported=False, renewal_eligibility="ELIGIBLE")
    w.add_run(RUN_ID)
    r = w.run("renew", inputs={"port_context": ctx(entity=entity_for(arn))})
    check_rc(t, r, 0)
    calls = w.acm_calls("RenewCertificate")
    t.eq([c["error"] for c in calls], ["ValidationException"],
         "one RenewCertificate, refused by ACM")
    term = check_terminal(t, w, "SUCCESS", summary_res=[r"managed renewal",
                                                         r"never been exported"], r=r)
    t.ok(term and (term["body"] or {}).get("statusLabel") == "Managed renewal",
         "label Managed renewal", term and term["body"])
    t.ok("did not call RenewCertificate" not in summary_of(term),
         "the summary does not claim RenewCertificate was not called")


# ------------------------------------------- defect 7: a run that has ended

@S.test
def ended_run_stops_before_aws(t, w):
    """A job re-run after its Port run ended must not change AWS."""
    w.add_run(RUN_ID, status="SUCCESS")
    r = req(w)
    check_rc(t, r, 2)
    t.eq([c["op"] for c in w.acm_calls()], [], "no ACM call at all")
    t.match(r.stderr, r"already ended \(status SUCCESS\)", "says the run has ended")
    t.match(r.stderr, r"Nothing was changed in AWS", "says nothing changed")
    gets = [e for e in w.port_events(RUN_ID) if e["kind"] == "get_run"]
    t.ok(gets, "port-acm read the run before AWS", kinds(w.port_events(RUN_ID)))


@S.test
def in_progress_run_is_read_before_aws(t, w):
    w.add_run(RUN_ID)
    r = req(w)
    check_rc(t, r, 0)
    evs = w.port_events(RUN_ID)
    gets = [e for e in evs if e["kind"] == "get_run"]
    t.ok(gets and (gets[0]["time"] or 0) <= min(c["raw"]["time"] for c in w.acm_calls()),
         "the run was read before the first ACM call", kinds(evs))


# ------------------------------------ defect 5: a lost log line gates nothing

def request_with_log_500s(t, w, times):
    """A request (exit 0) whose first `times` log line sends Port answers
    500: (the run, the run's events, the log requests Port received)."""
    w.add_run(RUN_ID)
    w.port_fault("log", "status", times=times, status=500)
    r = req(w)
    check_rc(t, r, 0)
    return (r, w.port_events(RUN_ID),
            [q for q in w.port_requests() if q["route"] == "log"])


@S.test
def log_500_is_retried_and_gates_nothing(t, w):
    r, evs, sent = request_with_log_500s(t, w, 1)
    t.ok(len(sent) >= 2 and sent[0]["raw"].get("fault") == "status" and
         not sent[1]["raw"].get("fault") and sent[0]["body"] == sent[1]["body"],
         "the log line was sent again after a 500",
         [(q["raw"].get("fault"), q["status"]) for q in sent])
    t.ok(w.port.runs[RUN_ID].get("link"), "the link was set", kinds(evs))
    t.ok(upserts(w), "the entity was written", kinds(evs))
    check_terminal(t, w, "SUCCESS", r=r)


@S.test
def lost_log_line_gates_nothing(t, w):
    """A log line Port never takes (every attempt 500) is a warning; the
    later lines, the link, the entity and the end still go out."""
    r, evs, sent = request_with_log_500s(t, w, 4)
    t.ok(len(sent) > 4 and all(q["raw"].get("fault") for q in sent[:4]),
         "the first line was tried 4 times", [q["raw"].get("fault") for q in sent])
    ok_logs = [e for e in evs if e["kind"] == "log" and e["status"] < 300]
    t.ok(ok_logs, "later log lines reached the run", kinds(evs))
    t.ok(w.port.runs[RUN_ID].get("link"), "the link was set", kinds(evs))
    t.ok(upserts(w), "the entity was written", kinds(evs))
    t.match(r.stderr, r"could not add a log line", "the lost line is a warning")
    check_terminal(t, w, "SUCCESS", r=r)


# ------------------------- defect 8: the entity the action ran on, by its id

@S.test
def renew_writes_the_entity_it_ran_on(t, w):
    arn = private_cert(w)
    w.add_entity("acmCertificate", "web-cert", properties={"arn": arn})
    w.add_run(RUN_ID)
    r = w.run("renew", inputs={"port_context": ctx(entity=entity_for(arn, "web-cert"))})
    check_rc(t, r, 0)
    ups = upserts(w)
    t.eq([(u["body"] or {}).get("identifier") for u in ups], ["web-cert"],
         "the upsert names the entity the action ran on")
    t.ok(w.port_entity("acmCertificate", arn) is None, "no second entity keyed by the ARN")
    ent = w.port_entity("acmCertificate", "web-cert") or {}
    t.eq((ent.get("properties") or {}).get("arn"), arn, "its arn property is the ARN")


@S.test
def delete_deletes_the_entity_it_ran_on(t, w):
    arn = w.add_cert(region=REGION, domain=DOMAIN, status="ISSUED")
    w.add_entity("certs", "web-cert", properties={"arn": arn})
    w.add_run(RUN_ID)
    r = w.run("delete", inputs={"port_context": ctx(entity=entity_for(
        arn, "web-cert", blueprint="certs"))})
    check_rc(t, r, 0)
    raw = [q["path"] for q in w.port_requests() if q["method"] == "DELETE"]
    t.eq(raw, ["/v1/blueprints/certs/entities/web-cert"],
         "DELETE names the entity and blueprint from port_context")
    t.ok(w.port_entity("certs", "web-cert") is None, "the entity is gone")
    t.ok(w.acm_cert_field(arn, "CertificateArn") and arn not in w.acm_arns(),
         "the certificate was deleted")


# --------------------------------------- defect 10: Port's blueprint pattern

@S.test
def dot_blueprint_refused_before_anything(t, w):
    w.add_run(RUN_ID)
    r = req(w, {"blueprint": "."})
    check_rc(t, r, 2)
    t.eq(w.acm_calls(), [], "no ACM call")
    t.ok(not [q for q in w.port_requests() if "/entities" in q["path"]],
         "nothing sent to an entities route", [q["path"] for q in w.port_requests()])
    t.match(r.stderr, r"blueprint '\.' is not a Port blueprint identifier", "says why")


@S.test
def unicode_blueprint_accepted(t, w):
    bp = "Zertifikat\u00e9"  # \p{L} letters beyond ASCII
    w.add_run(RUN_ID)
    r = req(w, {"blueprint": bp})
    check_rc(t, r, 0)
    ups = upserts(w)
    t.ok(ups and ups[0]["path"] == f"/v1/blueprints/{bp}/entities",
         "the entity goes to the Unicode blueprint", [u["path"] for u in ups])


# ------------------------- defect 1: HTTP:// (upper case) is plain http too

@S.test(https=False)
def upper_case_http_refused_off_loopback(t, w):
    """curl reads the scheme case-insensitively: "HTTP://" is clear text.
    An http proxy on 127.0.0.1 (the fake itself) stands in for the
    network, so a request that would leave in clear text reaches the
    fake instead of anything outside."""
    w.add_run(RUN_ID)
    r = req(w, env={"http_proxy": w.port_url, "INPUT_PORT_BASE_URL": "HTTP://api.port.test"})
    check_rc(t, r, 2)
    t.eq(w.port_requests(), [], "nothing reached Port: the client secret never left")
    t.match(r.stderr, r"port_base_url must use https://", "says https is required")
    t.eq(w.acm_calls(), [], "no ACM call")

    r = req(w, env={"http_proxy": w.acm_url, "AWS_ENDPOINT_URL_ACM": "HtTp://acm.aws.test"},
            port_creds=False)
    check_rc(t, r, 2)
    t.eq(list(w.acm.requests), [], "nothing reached ACM: no signed request in clear text")
    t.match(r.stderr, r"AWS_ENDPOINT_URL_ACM must use https://", "says https is required")


# --------------- defect 6: a reset in the TLS handshake is a connection error

def tls_states(fake):
    deadline = time.monotonic() + 3
    while True:
        with fake.lock:
            log = [c.get("tls") for c in fake.conn_log]
        if all(log) or time.monotonic() > deadline:
            return log
        time.sleep(0.02)


@S.test
def handshake_reset_is_retried(t, w):
    arn = private_cert(w)
    w.acm.fault("handshake", "reset")
    w.add_run(RUN_ID)
    r = w.run("renew", inputs={"port_context": ctx(entity=entity_for(arn))})
    check_rc(t, r, 0)
    tls = tls_states(w.acm)
    t.ok(len(tls) == 2 and tls[0] == "reset" and tls[1] == "ok",
         "the reset connection was retried on a new one", tls)
    t.eq(len(w.acm_calls("RenewCertificate")), 1, "the renewal went through once")
    t.ok(not re.search(r"could not be verified|SSL_CERT_FILE|AWS_CA_BUNDLE", r.text),
         "no certificate advice for a reset", r.text)
    check_terminal(t, w, "SUCCESS", r=r)


@S.test
def handshake_reset_every_time_is_a_connection_failure(t, w):
    arn = private_cert(w)
    w.acm.fault("handshake", "reset", count=10)
    w.add_run(RUN_ID)
    r = w.run("renew", inputs={"port_context": ctx(entity=entity_for(arn))})
    check_rc(t, r, 1)
    t.eq(len(tls_states(w.acm)), 3, "three attempts (the SDK's default)")
    t.match(r.stderr, r"connection failed during the TLS handshake", "says what failed")
    t.ok(not re.search(r"could not be verified|SSL_CERT_FILE", r.text),
         "no certificate advice for a reset", r.text)
    t.match(r.stderr, r"once AWS is reachable", "an outage: run again later")


# ----------------------- local mistakes: exit 2 and "fix the file", no retry

@S.test
def untrusted_ca_is_a_local_mistake(t, w):
    arn = private_cert(w)
    w.add_run(RUN_ID)
    r = w.run("renew", inputs={"port_context": ctx(entity=entity_for(arn))},
              env={"AWS_CA_BUNDLE": w.suite.pki["other_ca"]})
    check_rc(t, r, 2)
    t.eq(tls_states(w.acm), ["failed"], "one handshake, refused, not retried")
    t.match(r.stderr, r"could not be verified", "says the certificate was not verified")
    t.match(r.stderr, r"point AWS_CA_BUNDLE at", "names the setting to fix")
    t.match(r.stderr, r"fix the file", "says to fix the file")
    t.ok("once AWS is reachable" not in r.text, "not told to wait for AWS")
    check_terminal(t, w, "FAILURE", summary_res=[r"fix the file"], r=r)


@S.test
def unreadable_ca_bundle_is_a_local_mistake(t, w):
    arn = private_cert(w)
    w.add_run(RUN_ID)
    path = os.path.join(w.dir, "missing-ca.pem")
    r = w.run("renew", inputs={"port_context": ctx(entity=entity_for(arn))},
              env={"AWS_CA_BUNDLE": path})
    check_rc(t, r, 2)
    t.eq(w.acm.connections, 0, "no connection to ACM")
    t.contains(r.stderr, path, "names the file")
    t.match(r.stderr, r"fix the file", "says to fix the file")
    t.ok("once AWS is reachable" not in r.text, "not told to wait for AWS")


# ---------------------- defect 3: ##[ and :: in echoed values are defused

LEGACY = re.compile(r"##\[")


def check_defused(t, r, what):
    """No legacy command anywhere in a line, no line starting with '::'
    other than our own commands, on stdout and stderr."""
    for name, text in (("stdout", r.stdout), ("stderr", r.stderr)):
        bad = [ln for ln in text.split("\n") if LEGACY.search(ln)]
        t.eq(bad, [], f"{what}: no '##[' on {name}")
    ours = {"add-mask", "error", "warning", "notice", "group", "endgroup"}
    t.eq([c.name for c in r.commands if c.name not in ours], [],
         f"{what}: only port-acm's own workflow commands")
    t.ok(not any("set-output" in c.name for c in r.commands),
         f"{what}: no set-output command", r.commands)


@S.test
def injected_domain_name_is_defused(t, w):
    w.add_run(RUN_ID)
    r = req(w, {"domain_name": "a##[set-output name=certificate_arn;]x"})
    check_rc(t, r, 2)
    check_defused(t, r, "refused domain_name")
    t.match(r.stderr, r"a##\\\[set-output", "the value is still shown, defused")
    t.ok(r.errors and "##[" not in r.errors[0], "the ::error:: annotation is defused",
         r.errors)
    t.eq(r.outputs.get("certificate_arn"), None, "no certificate_arn output")


@S.test
def injected_port_context_is_defused(t, w):
    w.add_run(RUN_ID)
    r = req(w, {"port_context": json.dumps({"runId": "r_##[add-mask]x ##[group]g"})})
    check_rc(t, r, 2)
    check_defused(t, r, "refused runId")
    arn_id = "##[set-output name=certificate_arn;]evil"
    r = w.run("renew", inputs={"port_context": json.dumps(
        {"runId": RUN_ID, "entity": {"identifier": arn_id, "title": "##[group]t"}})})
    check_rc(t, r, 2)
    check_defused(t, r, "refused entity")


@S.test
def injected_server_text_is_defused(t, w):
    w.add_run(RUN_ID)
    w.acm_fault("RequestCertificate", "LimitExceededException",
                "quota ##[set-output name=certificate_arn;]pwned ##[add-matcher]/x.json")
    r = req(w)
    check_rc(t, r, 1)
    check_defused(t, r, "ACM error message")
    t.match(r.stdout, r"quota ##\\\[set-output", "ACM's message is shown, defused")
    w.reset_run(RUN_ID)
    w.port.fault("upsert_entity", "status", status=422,
                 body=json.dumps({"ok": False, "error": "invalid_request",
                                  "message": "bad ##[set-output name=region;]x"}).encode(),
                 headers=[("Content-Type", "application/json")])
    r = req(w)
    check_rc(t, r, 0)
    check_defused(t, r, "Port error message")
    t.ok(any("bad ##\\[set-output" in m for m in r.warnings),
         "Port's message reaches the warning, defused", r.warnings)


# ------------------- every output as name=value on stdout, also outside Actions

@S.test
def cli_prints_every_output(t, w):
    w.add_run(RUN_ID)
    r = w.run("request", actions=False,
              inputs={"domain_name": DOMAIN, "region": REGION, "run_id": RUN_ID})
    check_rc(t, r, 0)
    lines = dict(ln.split("=", 1) for ln in r.stdout.split("\n") if re.match(r"^[a-z_]+=", ln))
    for name in ("certificate_arn", "certificate_status", "domain_name", "region", "run_id",
                 "validation_records"):
        t.ok(name in lines, f"stdout has {name}=", r.stdout)
    t.eq(lines.get("run_id"), RUN_ID, "run_id=")
    try:
        vr = json.loads(lines.get("validation_records", ""))
    except ValueError:
        vr = None
    t.ok(isinstance(vr, list) and vr and vr[0].get("name"),
         "validation_records= is the JSON list of records", lines.get("validation_records"))
    t.ok("port-acm:" not in r.stdout, "diagnostics stay on stderr", r.stdout)
    t.ok(re.search(r"^port-acm: ", r.stderr, re.M), "diagnostics on stderr", r.stderr)


S.main()
