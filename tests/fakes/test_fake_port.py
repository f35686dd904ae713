#!/usr/bin/python3
"""Checks that the fake Port follows port-api.md, driving it with the
standard library only (urllib, http.client), never with our C code."""

import http.client
import json
import os
import socket
import ssl
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from tests.fakes.fake_port import FakePort  # noqa: E402
from tests.lib.tap import Tap  # noqa: E402
from tests.fakes.tlsca import make_test_pki  # noqa: E402

T = Tap()
ARN = ("arn:aws:acm:us-east-1:123456789012:certificate/"
       "12345678-1234-1234-1234-123456789012")


class Client:
    """urllib with JSON in and out; never raises on HTTP status."""

    def __init__(self, base, ctx=None):
        self.base = base
        self.ctx = ctx
        self.token = None

    def call(self, method, path, body=None, token="auto", ctype="application/json",
             raw=None, timeout=10):
        data = raw if raw is not None else (
            json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None and ctype:
            req.add_header("Content-Type", ctype)
        tok = self.token if token == "auto" else token
        if tok:
            req.add_header("Authorization", f"Bearer {tok}")
        try:
            with urllib.request.urlopen(req, timeout=timeout, context=self.ctx) as r:
                status, headers, text = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, headers, text = e.code, e.headers, e.read()
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = text
        return status, parsed, headers

    def login(self, cid="cid", secret="csecret"):
        s, b, _ = self.call("POST", "/v1/auth/access_token",
                            {"clientId": cid, "clientSecret": secret}, token=None)
        if s == 200:
            self.token = b["accessToken"]
        return s, b


def enc(s):
    return urllib.parse.quote(s, safe="")


def test_auth(port, c):
    s, b = c.login("cid", "wrong")
    T.eq(s, 401, "token: wrong secret is 401")
    T.ok(b.get("ok") is False and b.get("error") == "unauthorized"
         and b.get("message"), "token: 401 body is {ok:false, error, message}", b)
    s, b, _ = c.call("POST", "/v1/auth/access_token",
                     {"clientId": "cid", "clientSecret": "csecret", "x": 1}, token=None)
    T.eq(s, 422, "token: an extra key is refused (additionalProperties false)")
    s, b, _ = c.call("POST", "/v1/auth/access_token", {"clientId": "cid"}, token=None)
    T.eq(s, 422, "token: clientSecret is required")
    s, b, _ = c.call("POST", "/v1/auth/access_token",
                     raw=b"clientId=cid&clientSecret=csecret",
                     ctype="application/x-www-form-urlencoded", token=None)
    T.eq(s, 415, "token: a form-encoded body is refused")
    T.eq(port.tokens_issued, 0, "token: nothing issued yet")
    s, b = c.login()
    T.eq(s, 200, "token: right credentials give 200")
    T.ok(b.get("ok") is True and b.get("tokenType") == "Bearer"
         and isinstance(b.get("expiresIn"), int) and 0 < b["expiresIn"] <= 10800
         and b.get("accessToken"), "token: {ok, accessToken, expiresIn, tokenType}", b)
    first = c.token
    c.login()
    T.eq(c.token, first, "token: same credentials get the same live token back")
    T.eq(port.tokens_issued, 2, "token: tokens_issued counts 200 answers")

    s, b, _ = c.call("GET", "/v1/actions/runs/r_auth", token=None)
    T.eq((s, b.get("ok"), b.get("error")), (401, False, "unauthorized"),
         "run: no Authorization is 401 {ok:false, error}")
    s, b, _ = c.call("GET", "/v1/actions/runs/r_auth", token="not-a-token")
    T.eq(s, 401, "run: an unknown bearer token is 401")
    s, b, _ = c.call("GET", "/v1/actions/runs/r_auth")
    T.eq(s, 200, "run: a valid token is accepted")

    port.revoke_tokens()
    s, b, _ = c.call("GET", "/v1/actions/runs/r_auth")
    T.eq(s, 401, "revoke_tokens: the old token now gets 401")
    c.login()
    T.ok(c.token != first, "revoke_tokens: a new token is minted after revocation")
    s, _, _ = c.call("GET", "/v1/actions/runs/r_auth")
    T.eq(s, 200, "revoke_tokens: the new token works")
    port.advance_clock(10801)
    s, _, _ = c.call("GET", "/v1/actions/runs/r_auth")
    T.eq(s, 401, "token: expires after token_ttl")
    c.login()
    port.clock_offset = 0


def test_patch(port, c):
    s, b, h = c.call("PATCH", "/v1/actions/runs/r_p",
                     {"statusLabel": "Requesting", "link": "https://gh/run/1",
                      "summary": "working", "externalRunId": "4711"})
    T.eq(s, 200, "PATCH: allowed keys give 200")
    run = b.get("run", {})
    T.ok(b.get("ok") is True and run.get("id") == "r_p"
         and run.get("status") == "IN_PROGRESS" and run.get("statusLabel") == "Requesting"
         and run.get("externalRunId") == "4711", "PATCH: 200 body is {ok, run}", b)
    s, b, _ = c.call("PATCH", "/v1/actions/runs/r_p", {"link": ["https://a", "https://b"]})
    T.eq((s, port.runs["r_p"]["link"]), (200, ["https://a", "https://b"]),
         "PATCH: link may be an array and replaces the previous value")
    for extra in ({"foo": 1}, {"status": "SUCCESS", "logMessage": "x"},
                  {"properties": {}}):
        s, b, _ = c.call("PATCH", "/v1/actions/runs/r_p", extra)
        T.ok(s == 422 and b.get("ok") is False
             and b.get("message") == "The json provided does not match the route's schema",
             f"PATCH: extra key {sorted(extra)} is 422 with the schema message", b)
    T.eq(port.runs["r_p"]["status"], "IN_PROGRESS",
         "PATCH: a refused body changed nothing")
    s, b, _ = c.call("PATCH", "/v1/actions/runs/r_p", {"message": {"run_id": "r_p"}})
    T.eq(s, 200, "PATCH: the deprecated object `message` is still in the schema")
    s, b, _ = c.call("PATCH", "/v1/actions/runs/r_p", {"message": "text"})
    T.eq(s, 422, "PATCH: `message` must be an object")
    s, b, _ = c.call("PATCH", "/v1/actions/runs/r_p", {"status": "IN_PROGRESS"})
    T.eq(s, 422, "PATCH: status must be SUCCESS or FAILURE")
    s, b, _ = c.call("PATCH", "/v1/actions/runs/r_p", {"status": "success"})
    T.eq(s, 422, "PATCH: status is case-sensitive")
    s, b, _ = c.call("PATCH", "/v1/actions/runs/r_p", {"link": [1]})
    T.eq(s, 422, "PATCH: link must be string or string[]")
    s, b, _ = c.call("PATCH", "/v1/actions/runs/r_p", {"summary": 5})
    T.eq(s, 422, "PATCH: summary must be a string")
    s, b, _ = c.call("PATCH", "/v1/actions/runs/r_nope", {"summary": "x"})
    T.eq((s, b.get("error")), (404, "not_found"), "PATCH: unknown run is 404 not_found")
    s, b, _ = c.call("PATCH", "/v1/actions/runs/r_p?runId=r_p&version=v2",
                     {"summary": "query tolerated"})
    T.eq(s, 200, "PATCH: ?runId= and ?version= are tolerated")
    s, b, _ = c.call("PATCH", "/v1/actions/runs/r_p", {"status": "SUCCESS",
                                                       "summary": "done"})
    T.ok(s == 200 and b["run"]["status"] == "SUCCESS" and b["run"]["endedAt"],
         "PATCH: status SUCCESS ends the run", b)
    s, b, _ = c.call("PATCH", "/v1/actions/runs/r_p", {"status": "SUCCESS"})
    T.eq((s, b.get("ok")), (422, False), "PATCH: status on an ended run is 422")
    s, b, _ = c.call("PATCH", "/v1/actions/runs/r_p", {"statusLabel": "late"})
    T.eq(s, 422, "PATCH: any change to an ended run is 422")
    T.eq(port.runs["r_p"]["summary"], "done", "PATCH: ended run kept its summary")
    s, b, _ = c.call("POST", "/v1/actions/runs/r_p/logs", {"message": "late"})
    T.eq(s, 422, "logs: a log line on an ended run is 422")
    s, b, _ = c.call("GET", "/v1/actions/runs/r_p")
    T.ok(s == 200 and b["run"]["status"] == "SUCCESS",
         "GET run: still readable after the end, shows the status", b)


def test_logs(port, c):
    s, b, _ = c.call("POST", "/v1/actions/runs/r_l/logs", {"message": "hello"})
    log = b.get("runLog", {}) if isinstance(b, dict) else {}
    T.ok(s == 201 and b.get("ok") is True and log.get("runId") == "r_l"
         and log.get("message") == "hello" and log.get("id") and log.get("createdAt"),
         "logs: 201 {ok, runLog{id, runId, message, createdAt}}", b)
    s, b, _ = c.call("POST", "/v1/actions/runs/r_l/logs", {"msg": "x"})
    T.eq(s, 422, "logs: message is required")
    s, b, _ = c.call("POST", "/v1/actions/runs/r_l/logs", {"message": "x", "link": "y"})
    T.eq(s, 422, "logs: extra keys are refused")
    s, b, _ = c.call("POST", "/v1/actions/runs/r_l/logs",
                     {"message": "x", "terminationStatus": "DONE"})
    T.eq(s, 422, "logs: terminationStatus must be SUCCESS or FAILURE")
    s, b, _ = c.call("POST", "/v1/actions/runs/r_l/logs",
                     {"message": "step", "statusLabel": "Half way"})
    T.eq((s, port.runs["r_l"]["statusLabel"], port.runs["r_l"]["status"]),
         (201, "Half way", "IN_PROGRESS"), "logs: statusLabel alone keeps IN_PROGRESS")
    s, b, _ = c.call("POST", "/v1/actions/runs/r_l/logs",
                     {"message": "bye", "terminationStatus": "FAILURE",
                      "statusLabel": "Failed"})
    T.eq((s, port.runs["r_l"]["status"]), (201, "FAILURE"),
         "logs: terminationStatus ends the run")
    s, b, _ = c.call("POST", "/v1/actions/runs/r_l/logs",
                     {"message": "again", "terminationStatus": "SUCCESS"})
    T.eq((s, port.runs["r_l"]["status"]), (422, "FAILURE"),
         "logs: terminationStatus can be sent only once")
    s, b, _ = c.call("POST", "/v1/actions/runs/r_l/logs", {"message": "x"},
                     ctype="text/plain")
    T.eq(s, 415, "logs: a non-JSON content type is refused")
    s, b, _ = c.call("POST", "/v1/actions/runs/r_l/logs", raw=b"{not json")
    T.eq(s, 400, "logs: malformed JSON is 400")


def test_entities(port, c):
    q = "?upsert=true&merge=true&run_id=r_e"
    s, b, _ = c.call("POST", "/v1/blueprints/acmCertificate/entities" + q,
                     {"identifier": ARN, "title": "a.com",
                      "properties": {"status": "PENDING_VALIDATION", "arn": ARN},
                      "relations": {"account": "123456789012"}})
    T.ok(s == 404 and b.get("error") == "not_found",
         "entity: a missing relation target is 404 not_found", b)
    s, b, _ = c.call("POST", "/v1/blueprints/acmCertificate/entities" + q
                     + "&create_missing_related_entities=true",
                     {"identifier": ARN, "title": "a.com",
                      "properties": {"status": "PENDING_VALIDATION", "arn": ARN},
                      "relations": {"account": "123456789012"}})
    T.ok(s == 201 and b.get("ok") is True and b["entity"]["identifier"] == ARN,
         "entity: create_missing_related_entities=true creates it (201 {ok, entity})", b)
    s, b, _ = c.call("POST", "/v1/blueprints/acmCertificate/entities" + q,
                     {"identifier": ARN, "properties": {"status": "ISSUED",
                                                        "inUse": False}})
    props = port.entities[("acmCertificate", ARN)]["properties"]
    T.eq((s, props), (201, {"status": "ISSUED", "arn": ARN, "inUse": False}),
         "entity: upsert=true&merge=true merges properties")
    T.eq(port.entities[("acmCertificate", ARN)]["relations"],
         {"account": "123456789012"}, "entity: merge keeps relations not sent")
    s, b, _ = c.call("POST", "/v1/blueprints/acmCertificate/entities?upsert=true&run_id=r_e",
                     {"identifier": ARN, "properties": {"status": "EXPIRED"}})
    T.eq(port.entities[("acmCertificate", ARN)]["properties"], {"status": "EXPIRED"},
         "entity: upsert=true without merge replaces the entity")
    s, b, _ = c.call("POST", "/v1/blueprints/acmCertificate/entities?upsert=false",
                     {"identifier": ARN})
    T.eq(s, 409, "entity: upsert=false on an existing entity is 409")
    s, b, _ = c.call("POST", "/v1/blueprints/acmCertificate/entities?merge=true",
                     {"identifier": "x"})
    T.eq(s, 422, "entity: the upsert query parameter is required")
    s, b, _ = c.call("POST", "/v1/blueprints/acmCertificate/entities?upsert=yes",
                     {"identifier": "x"})
    T.eq(s, 422, "entity: upsert must be true or false")
    s, b, _ = c.call("POST", "/v1/blueprints/acmCertificate/entities?upsert=true",
                     {"identifier": ".."})
    T.eq(s, 422, "entity: identifier pattern is enforced")
    s, b, _ = c.call("POST", "/v1/blueprints/acmCertificate/entities?upsert=true&run_id=r_zz",
                     {"identifier": "x"})
    T.eq(s, 404, "entity: run_id of an unknown run is 404")

    port.add_blueprint("strict", properties={"status": "string", "inUse": "boolean"},
                       relations={"account": "awsAccount"})
    port.add_entity("awsAccount", "123456789012")
    s, b, _ = c.call("POST", "/v1/blueprints/strict/entities?upsert=true",
                     {"identifier": "s1", "properties": {"status": "ISSUED",
                                                         "renewalEligibility": "x"}})
    T.ok(s == 422 and "renewalEligibility" in b.get("message", ""),
         "blueprint schema: an unknown property is 422 naming it", b)
    s, b, _ = c.call("POST", "/v1/blueprints/strict/entities?upsert=true",
                     {"identifier": "s1", "properties": {"inUse": "no"}})
    T.eq(s, 422, "blueprint schema: a wrongly typed property is 422")
    s, b, _ = c.call("POST", "/v1/blueprints/strict/entities?upsert=true",
                     {"identifier": "s1", "properties": {"status": "ISSUED"},
                      "relations": {"account": "123456789012"}})
    T.eq(s, 201, "blueprint schema: known properties and an existing related entity pass")
    s, b, _ = c.call("POST", "/v1/blueprints/nosuch/entities?upsert=true",
                     {"identifier": "s1"})
    T.eq(s, 404, "blueprint schema: an unknown blueprint is 404 once schemas are set")
    port.blueprints = None
    short = FakePort(blueprint_schema={"acmCertificate": ["status", "arn"]})
    T.eq(short.blueprints["acmCertificate"]["properties"], {"status": None, "arn": None},
         "blueprint_schema= shorthand: bp -> allowed property names")

    path = "/v1/blueprints/acmCertificate/entities/"
    s, b, _ = c.call("DELETE", path + ARN + "?delete_dependents=false&run_id=r_e")
    T.eq(s, 404, "DELETE: an ARN not percent-encoded does not reach the entity")
    T.ok(("acmCertificate", ARN) in port.entities, "DELETE: ... and deletes nothing")
    s, b, _ = c.call("DELETE", path + enc(ARN) + "?run_id=r_e")
    T.eq(s, 422, "DELETE: delete_dependents is required")
    s, b, _ = c.call("DELETE", path + enc(ARN) + "?delete_dependents=false&run_id=r_e")
    T.eq((s, b), (200, {"ok": True}), "DELETE: a percent-encoded ARN deletes: 200 {ok:true}")
    T.ok(("acmCertificate", ARN) not in port.entities, "DELETE: the entity is gone")
    s, b, _ = c.call("DELETE", path + enc(ARN) + "?delete_dependents=false&run_id=r_e")
    T.eq((s, b.get("ok"), b.get("error")), (404, False, "not_found"),
         "DELETE: absent entity is 404 {ok:false, error:not_found}")

    c.call("PATCH", "/v1/actions/runs/r_e", {"status": "SUCCESS"})
    s, b, _ = c.call("POST", "/v1/blueprints/acmCertificate/entities" + q,
                     {"identifier": "late"})
    T.eq(s, 422, "entity: run_id of an ended run is 422")
    T.ok(("acmCertificate", "late") not in port.entities, "entity: ... and nothing written")
    s, b, _ = c.call("DELETE", path + "late?delete_dependents=false&run_id=r_e")
    T.eq(s, 422, "DELETE: run_id of an ended run is 422")

    kinds = [(e["kind"], e["status"]) for e in port.runs["r_e"]["timeline"]]
    T.eq(kinds, [("upsert_entity", 404), ("upsert_entity", 201), ("upsert_entity", 201),
                 ("upsert_entity", 201), ("unrouted", 404), ("delete_entity", 422),
                 ("delete_entity", 200), ("delete_entity", 404), ("patch_run", 200),
                 ("upsert_entity", 422), ("delete_entity", 422)],
         "timeline: entity writes tied by run_id, in order, with statuses")


def test_timeline(port, c):
    port.add_run("r_t")
    c.call("POST", "/v1/actions/runs/r_t/logs", {"message": "start"})
    c.call("PATCH", "/v1/actions/runs/r_t", {"link": "https://gh", "externalRunId": "9"})
    c.call("POST", "/v1/blueprints/acmCertificate/entities?upsert=true&merge=true&run_id=r_t"
           "&create_missing_related_entities=true", {"identifier": "t1"})
    c.call("GET", "/v1/actions/runs/r_t")
    c.call("PATCH", "/v1/actions/runs/r_t", {"status": "SUCCESS", "summary": "ok"})
    c.call("PATCH", "/v1/actions/runs/r_t", {"status": "SUCCESS", "summary": "again"})
    tl = port.runs["r_t"]["timeline"]
    T.eq([(e["kind"], e["status"]) for e in tl],
         [("log", 201), ("patch_run", 200), ("upsert_entity", 201), ("get_run", 200),
          ("patch_run", 200), ("patch_run", 422)], "timeline: every call in order")
    T.ok(all(tl[i]["time"] <= tl[i + 1]["time"] for i in range(len(tl) - 1)),
         "timeline: times never go back")
    T.eq(tl[1]["body"], {"link": "https://gh", "externalRunId": "9"},
         "timeline: bodies are recorded")
    T.eq([e["body"]["summary"] for e in port.timeline("r_t", {"patch_run"},
                                                      accepted_only=True)
          if "status" in (e["body"] or {})], ["ok"],
         "timeline: exactly one accepted terminal PATCH")


def test_limits_and_headers(port, c):
    big = {"message": "x" * (1024 * 1024 + 10)}
    s, b, _ = c.call("POST", "/v1/actions/runs/r_big/logs", big)
    T.eq(s, 413, "a body above 1 MiB is 413")
    s, b, _ = c.call("GET", "/v1/nothing/here")
    T.eq((s, b.get("ok")), (404, False), "unknown route is 404 {ok:false}")
    with port.lock:
        n = len(port.requests)
    s, b, h = c.call("GET", "/v1/actions/runs/r_big")
    T.ok(h.get("X-Trace-Id"), "X-Trace-Id on a 200", dict(h))
    s, b, h = c.call("GET", "/v1/actions/runs/r_big", token=None)
    T.ok(h.get("X-Trace-Id"), "X-Trace-Id on a 401", dict(h))
    T.ok(n > 40, "many requests were recorded", n)


def test_keepalive(port, base):
    u = urllib.parse.urlsplit(base)
    before = port.connections
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=5)
    conn.request("POST", "/v1/auth/access_token",
                 json.dumps({"clientId": "cid", "clientSecret": "csecret"}),
                 {"Content-Type": "application/json"})
    tok = json.loads(conn.getresponse().read())["accessToken"]
    for i in range(3):
        conn.request("POST", "/v1/actions/runs/r_k/logs",
                     json.dumps({"message": f"line {i}"}),
                     {"Content-Type": "application/json",
                      "Authorization": f"Bearer {tok}"})
        r = conn.getresponse()
        r.read()
    T.eq(port.connections - before, 1, "keep-alive: 4 requests on one TCP connection")
    T.ok(r.getheader("Content-Length") is not None and r.version == 11,
         "keep-alive: HTTP/1.1 answers carry Content-Length")
    T.eq([l["message"] for l in port.runs["r_k"]["logs"]], ["line 0", "line 1", "line 2"],
         "keep-alive: all three log lines arrived")
    return conn


def test_faults(port, c, base):
    port.fault("log", "status", status=503, headers={"Retry-After": "2"})
    s, b, h = c.call("POST", "/v1/actions/runs/r_f/logs", {"message": "a"})
    T.ok(s == 503 and h.get("Retry-After") == "2" and b.get("ok") is False,
         "fault status: 503 with Retry-After and an error body", (s, b))
    T.eq(port.runs["r_f"]["logs"], [], "fault status: the request was not processed")
    s, b, _ = c.call("POST", "/v1/actions/runs/r_f/logs", {"message": "b"})
    T.eq(s, 201, "fault status: consumed once, next call is normal")

    port.fault("patch_run", "status", count=2, status=429)
    r = [c.call("PATCH", "/v1/actions/runs/r_f", {"summary": "x"})[0] for _ in range(3)]
    T.eq(r, [429, 429, 200], "fault count=2: two faults then normal")

    port.fault("get_run", "reset")
    try:
        c.call("GET", "/v1/actions/runs/r_f")
        T.ok(False, "fault reset: connection error expected")
    except (urllib.error.URLError, ConnectionError, http.client.HTTPException) as e:
        T.ok(True, f"fault reset: client sees {type(e).__name__}")

    port.fault("get_run", "truncate")
    try:
        c.call("GET", "/v1/actions/runs/r_f")
        T.ok(False, "fault truncate: IncompleteRead expected")
    except http.client.IncompleteRead:
        T.ok(True, "fault truncate: client sees a short body")

    port.fault("get_run", "garbage")
    s, b, _ = c.call("GET", "/v1/actions/runs/r_f")
    T.ok(s == 200 and isinstance(b, bytes), "fault garbage: 200 with a non-JSON body", b)

    port.fault("get_run", "slow", seconds=0.6)
    t0 = time.monotonic()
    s, b, _ = c.call("GET", "/v1/actions/runs/r_f")
    T.ok(s == 200 and time.monotonic() - t0 >= 0.55, "fault slow: answered late")
    port.fault("get_run", "slow", seconds=2)
    try:
        c.call("GET", "/v1/actions/runs/r_f", timeout=0.3)
        T.ok(False, "fault slow: client timeout expected")
    except (socket.timeout, TimeoutError, urllib.error.URLError):
        T.ok(True, "fault slow: a short client timeout fires")

    port.fault("log", "reset", after=True)
    try:
        c.call("POST", "/v1/actions/runs/r_f/logs", {"message": "lost answer"})
    except (urllib.error.URLError, ConnectionError, http.client.HTTPException):
        pass
    T.eq(port.runs["r_f"]["logs"][-1]["message"], "lost answer",
         "fault after=True: processed, then the answer was lost")
    faults = [r["fault"] for r in port.requests if r["fault"]]
    T.ok({"status", "reset", "truncate", "garbage", "slow"} <= set(faults),
         "faults are recorded with the requests", faults)


def test_tls(pki):
    port = FakePort(tls=(pki["server_cert"], pki["server_key"]), auto_runs=True)
    base = port.start()
    try:
        T.ok(base.startswith("https://127.0.0.1:"), "TLS: https URL", base)
        c = Client(base, ssl.create_default_context(cafile=pki["ca"]))
        s, _ = c.login()
        T.eq(s, 200, "TLS: a client trusting the test CA gets a token")
        bad = Client(base, ssl.create_default_context(cafile=pki["other_ca"]))
        try:
            bad.login()
            T.ok(False, "TLS: a client trusting another CA must fail")
        except urllib.error.URLError as e:
            T.ok("CERTIFICATE_VERIFY_FAILED" in str(e), "TLS: unknown CA refused by client", e)
        time.sleep(0.1)
        T.eq([x["tls"] for x in port.conn_log], ["ok", "failed"],
             "TLS: the fake records handshake results per connection")
    finally:
        port.stop()
    for cert, key, want, name in (
            ("expired_cert", "expired_key", "expired", "an expired certificate"),
            ("wronghost_cert", "wronghost_key", "mismatch", "a wrong host name")):
        port = FakePort(tls=(pki[cert], pki[key]))
        base = port.start()
        try:
            Client(base, ssl.create_default_context(cafile=pki["ca"])).login()
            T.ok(False, f"TLS: {name} must be refused by the client")
        except urllib.error.URLError as e:
            T.ok(want in str(e), f"TLS: the fake can serve {name} (client refuses)", str(e))
        finally:
            port.stop()


def test_stop_closes(port, conn):
    port.stop()
    try:
        conn.request("GET", "/v1/actions/runs/r_k")
        conn.getresponse()
        T.ok(False, "stop: a keep-alive connection is closed")
    except (ConnectionError, http.client.HTTPException, OSError):
        T.ok(True, "stop: a keep-alive connection is closed")


def test_bulk(port, c):
    """Bulk upsert, search and bulk delete per tests/data/port-openapi."""
    from tests.fakes.fake_port import port_schema
    c.login()
    port.add_blueprint("bulkBp", {"status": "string", "region": "string",
                                  "syncedBy": "string", "n": "number"},
                       {"account": "awsAccount"})
    port.related.add("111122223333")
    arn = ("arn:aws:acm:eu-west-1:111122223333:certificate/"
           "00000000-0000-0000-0000-%012d")
    ents = [{"identifier": arn % i, "title": f"c{i}.example.com",
             "properties": {"status": "ISSUED", "region": "eu-west-1",
                            "syncedBy": "port-acm", "n": i},
             "relations": {"account": "111122223333"}} for i in range(20)]
    base = "/v1/blueprints/bulkBp/entities/bulk"
    s, b, h = c.call("POST", base + "?merge=true", {"entities": ents})
    T.ok(s == 422 and "upsert" in b.get("message", ""),
         "bulk: the upsert query parameter is required", b)
    s, b, h = c.call("POST", base + "?upsert=true&merge=true&run_id=r_bulk",
                     {"entities": ents})
    v = list(port_schema("create-multiple-entities", "response", "200")
             .iter_errors(b))
    T.ok(s == 200 and b["errors"] == [] and [e["index"] for e in b["entities"]]
         == list(range(20)) and all(e["created"] for e in b["entities"])
         and not v, "bulk: 20 entities -> 200, every index, created, schema-valid",
         (s, b, v))
    T.ok(port.timeline("r_bulk", {"bulk_upsert"}), "bulk: tied to the run")
    s, b, _ = c.call("POST", base + "?upsert=true", {"entities": ents + ents[:1]})
    T.ok(s == 422 and b.get("ok") is False, "bulk: 21 entities -> 422 (maxItems 20)", b)
    s, b, _ = c.call("POST", base + "?upsert=true", {"entities": []})
    T.eq(s, 422, "bulk: 0 entities -> 422 (minItems 1)")
    s, b, _ = c.call("POST", base + "?upsert=true", {"entities": ents[:1], "x": 1})
    T.eq(s, 422, "bulk: an extra body key -> 422 (additionalProperties false)")
    s, b, _ = c.call("POST", base + "?upsert=true", {"entities": [{"identifier": ".."}]})
    T.eq(s, 422, "bulk: an identifier off the pattern fails the call's schema")
    port.fail_entity(arn % 3, 422, "invalid_request", "scripted")
    bad = dict(ents[5], properties={"nope": 1})
    s, b, _ = c.call("POST", base + "?upsert=true&merge=true",
                     {"entities": [dict(ents[2], properties={"status": "EXPIRED"}),
                                   ents[3], ents[4], bad]})
    v = list(port_schema("create-multiple-entities", "response", "207")
             .iter_errors(b))
    T.ok(s == 207 and [e["index"] for e in b["entities"]] == [0, 2]
         and [(e["index"], e["identifier"], e["statusCode"]) for e in b["errors"]]
         == [(1, arn % 3, 422), (3, arn % 5, 422)] and not v
         and "nope" in b["errors"][1]["message"],
         "bulk: 207 with per-entity errors by index, schema-valid", (s, b, v))
    e2 = port.entities[("bulkBp", arn % 2)]
    T.ok(e2["properties"] == {"status": "EXPIRED", "region": "eu-west-1",
                              "syncedBy": "port-acm", "n": 2}
         and not b["entities"][0]["created"],
         "bulk: merge=true updates only the properties sent", e2)
    s, b, _ = c.call("POST", base + "?upsert=true&merge=true", {"entities": [ents[3]]})
    T.ok(s == 200, "bulk: a scripted entity failure is consumed once", b)
    # search
    sp = "/v1/blueprints/bulkBp/entities/search"
    q = {"query": {"combinator": "and", "rules": [
        {"property": "syncedBy", "operator": "=", "value": "port-acm"},
        {"property": "region", "operator": "in", "value": ["eu-west-1"]}]},
        "include": ["$identifier", "region"], "limit": 7}
    got, pages, frm = [], 0, None
    while True:
        body = dict(q, **({"from": frm} if frm else {}))
        s, b, _ = c.call("POST", sp, body)
        v = list(port_schema("search-a-blueprints-entities", "response", "200")
                 .iter_errors(b))
        if s != 200 or v:
            break
        pages += 1
        got += b["entities"]
        frm = b.get("next")
        if not frm:
            break
    T.ok(s == 200 and pages == 3 and len(got) == 20
         and all(set(e) == {"identifier", "properties", "relations"}
                 and set(e["properties"]) == {"region"} for e in got),
         "search: limit/from/next pages, include projects, schema-valid",
         (s, pages, len(got), got[:1], v))
    s, b, _ = c.call("POST", sp, {"query": {"combinator": "and", "rules": [
        {"property": "$identifier", "operator": "=", "value": arn % 4}]}})
    T.ok(s == 200 and [e["identifier"] for e in b["entities"]] == [arn % 4]
         and b["entities"][0]["relations"] == {"account": "111122223333"},
         "search: $identifier rule, full entity by default", b)
    s, b, _ = c.call("POST", sp, {"limit": 1001})
    T.eq(s, 422, "search: limit above 1000 -> 422")
    s, b, _ = c.call("POST", sp, {"query": {"rules": []}})
    T.eq(s, 422, "search: a query without combinator -> 422")
    # bulk delete
    dp = "/v1/blueprints/bulkBp/bulk/entities/delete"
    s, b, _ = c.call("POST", dp, {"entities": [arn % 0]})
    T.ok(s == 422 and "delete_dependents" in b.get("message", ""),
         "bulk delete: delete_dependents is required", b)
    s, b, _ = c.call("POST", dp + "?delete_dependents=false",
                     {"entities": [arn % i for i in range(101)]})
    T.eq(s, 422, "bulk delete: 101 identifiers -> 422 (maxItems 100)")
    s, b, _ = c.call("POST", dp + "?delete_dependents=false&run_id=r_bulk",
                     {"entities": [arn % 0, arn % 1, "arn:unknown"]})
    v = list(port_schema("delete-multiple-entities", "response", "200")
             .iter_errors(b))
    T.ok(s == 200 and b["deletedEntities"] == [arn % 0, arn % 1] and not v
         and ("bulkBp", arn % 0) not in port.entities,
         "bulk delete: deletes, skips unknown ids, schema-valid", (b, v))
    T.ok(len(port.calls_of("bulk_delete")) == 3 and len(port.calls_of("search")) >= 4,
         "bulk calls are recorded with their bodies")


def test_teams(port, c):
    """GET /v1/teams per get-all-teams-in-your-organization.json."""
    from tests.fakes.fake_port import port_schema  # noqa: E402
    s, b, _ = c.call("GET", "/v1/teams")
    T.eq((s, b), (200, {"ok": True, "teams": []}), "teams: none yet is {ok, teams: []}")
    port.add_team("payments", description="Payments", users=("a@example.com",))
    port.add_team("platform")
    s, b, _ = c.call("GET", "/v1/teams")
    errs = [e.message for e in port_schema("get-all-teams-in-your-organization",
                                           "response").iter_errors(b)]
    T.ok(s == 200 and [t["name"] for t in b["teams"]] == ["payments", "platform"]
         and not errs, "teams: every team, the answer valid per the schema", (b, errs))
    s, b, _ = c.call("GET", "/v1/teams?fields=name")
    T.eq((s, b.get("teams")), (200, [{"name": "payments"}, {"name": "platform"}]),
         "teams: fields=name gives the names only")
    s, b, _ = c.call("GET", "/v1/teams?fields=name&fields=users.email")
    T.eq(b.get("teams", [None])[0], {"name": "payments",
                                     "users": [{"email": "a@example.com"}]},
         "teams: fields repeat (form, explode); users.email picks from users")
    s, b, _ = c.call("GET", "/v1/teams?fields=secret")
    T.ok(s == 422 and b.get("ok") is False, "teams: an unknown field is 422", b)
    s, b, _ = c.call("GET", "/v1/teams", token=None)
    T.eq(s, 401, "teams: without a token 401")
    T.eq(port.schema_violations, [], "teams: no answer off-schema")


def test_rate_and_latency(base):
    import concurrent.futures
    port = FakePort()
    port.rate_limit = (3, 2)
    port.latency = 0.2
    url = port.start()
    try:
        c = Client(url)
        c.login()
        port.add_run("r_rl")
        res = [c.call("GET", "/v1/actions/runs/r_rl") for _ in range(4)]
        T.ok([r[0] for r in res] == [200, 200, 200, 429]
             and res[3][1].get("error") == "too_many_requests"
             and 1 <= int(res[3][2]["Retry-After"]) <= 2
             and res[3][2]["x-ratelimit-remaining"] == "0"
             and res[2][2]["x-ratelimit-limit"] == "3",
             "rate limit: 429 with Retry-After and x-ratelimit-* past the limit",
             [(r[0], dict(r[2])) for r in res])
        time.sleep(2.1)
        port.rate_limit = None
        t0 = time.time()
        with concurrent.futures.ThreadPoolExecutor(6) as ex:
            list(ex.map(lambda _: Client.call(c, "GET", "/v1/actions/runs/r_rl"),
                        range(6)))
        dt = time.time() - t0
        T.ok(port.max_in_flight.get("get_run", 0) >= 4 and dt < 1.0,
             "latency: 0.2 s added per answer, concurrent requests overlap "
             f"(max in flight {port.max_in_flight.get('get_run')}, {dt:.2f} s)")
    finally:
        port.stop()


def main():
    pki = make_test_pki(os.path.join(tempfile.gettempdir(), "port-acm-test-pki"))
    port = FakePort()
    for r in ("r_auth", "r_p", "r_l", "r_e", "r_big", "r_k", "r_f"):
        port.add_run(r)
    base = port.start()
    c = Client(base)
    conn = None
    try:
        T.run("auth", test_auth, port, c)
        T.run("patch", test_patch, port, c)
        T.run("logs", test_logs, port, c)
        T.run("entities", test_entities, port, c)
        T.run("timeline", test_timeline, port, c)
        T.run("limits", test_limits_and_headers, port, c)
        conn = test_keepalive(port, base)
        T.run("faults", test_faults, port, c, base)
        port.add_run("r_bulk")
        T.run("bulk", test_bulk, port, c)
        T.run("teams", test_teams, port, c)
    finally:
        if conn is not None:
            test_stop_closes(port, conn)
        port.stop()
    T.run("tls", test_tls, pki)
    T.run("rate/latency", test_rate_and_latency, None)
    T.done()


if __name__ == "__main__":
    main()
