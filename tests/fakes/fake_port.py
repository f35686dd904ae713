"""A fake Port API following Port's published API (docs/port-api facts (§1 auth,
§3 action runs, §5 entities, §8 call order) to the letter, so that it
refuses what real Port refuses:
  * POST /v1/auth/access_token with exactly {clientId, clientSecret};
  * every other route needs "Authorization: Bearer <live token>";
  * PATCH /v1/actions/runs/{id}: only status (SUCCESS|FAILURE),
    statusLabel, link (string or string[]), summary, externalRunId (and
    the deprecated object `message`), 422 once the run has ended;
  * POST /v1/actions/runs/{id}/logs: {message, terminationStatus?,
    statusLabel?}, 201, terminationStatus ends the run;
  * GET /v1/actions/runs/{id}: {ok, run} per get-an-action-runs-
    details.json (required id, action, properties, requiredApproval,
    source, status; no null where the schema has none); externalRunId,
    not in the published schema, is there once a backend set it;
  * POST /v1/blueprints/{bp}/entities?upsert=...; DELETE
    /v1/blueprints/{bp}/entities/{one percent-encoded segment};
  * X-Trace-Id on every response, 413 above 1 MiB.
Each run keeps a timeline of every call tied to it, accepted or not.

Usage: port = FakePort(tls=(cert, key)); port.add_run("r_1"); url =
port.start(); ...; port.runs["r_1"]["timeline"]; port.stop().
Standalone: python3 -m tests.fakes.fake_port --port 8444 [--run r_1]
"""

import argparse
import base64
import json
import math
import os
import secrets
import sys
import threading
import time
import urllib.parse
import uuid

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
    from tests.fakes.common import FakeServer, Response  # noqa: E402
    from tests.fakes.port_openapi import (_valid_identifier,  # noqa: E402
                                          port_schema, published)
else:
    from .common import FakeServer, Response
    from .port_openapi import _valid_identifier, port_schema, published

# Route -> the operation file in tests/data/port-openapi. Every request body
# these routes accept must validate against the published requestBody
# schema, and every 2xx answer against the published response schema.
SCHEMAS = {"patch_run": "update-an-action-run",
           "log": "add-a-log-to-an-action-run",
           "get_run": "get-an-action-runs-details",
           "upsert_entity": "create-an-entity",
           "delete_entity": "delete-an-entity",
           "get_teams": "get-all-teams-in-your-organization"}
MAX_BODY = 1024 * 1024  # port-api.md §2: every request body ≤ 1 MiB
SCHEMA_MESSAGE = "The json provided does not match the route's schema"
PATCH_KEYS = {"status", "statusLabel", "link", "summary", "externalRunId",
              "message"}
LOG_KEYS = {"message", "terminationStatus", "statusLabel"}
TERMINAL = ("SUCCESS", "FAILURE")


def _iso(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + \
        f".{int(ts * 1000) % 1000:03d}Z"


class _Reply(Exception):
    """Raised by route code to answer at once."""

    def __init__(self, status, error, message=None, **extra):
        super().__init__(message)
        body = {"ok": False, "error": error}
        if message is not None:
            body["message"] = message
        body.update(extra)
        self.status = status
        self.body = body


def _schema(detail, bulk=False):
    # The bulk and search routes' 422 schema is {ok, error, message} and
    # nothing else (port-openapi, additionalProperties false): there the
    # detail goes in the message.
    if bulk:
        return _Reply(422, "invalid_request", f"{SCHEMA_MESSAGE}: {detail}")
    return _Reply(422, "invalid_request", SCHEMA_MESSAGE, details=detail)


def _schema_check(name, body):
    errs = sorted(port_schema(name).iter_errors(body),
                  key=lambda e: list(e.absolute_path))
    if errs:
        e = errs[0]
        where = "/".join(str(x) for x in e.absolute_path)
        raise _Reply(422, "invalid_request",
                     f"{SCHEMA_MESSAGE}: body{'/' + where if where else ''} "
                     f"{e.message}")


def _jcopy(v):
    """A deep copy of JSON data (dicts, lists, and immutable scalars):
    copy.deepcopy's memo and dispatch were a third of the fake's time
    at the bench's 10,000 entities."""
    if isinstance(v, dict):
        return {k: _jcopy(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_jcopy(x) for x in v]
    return v


class FakePort(FakeServer):
    name = "fake-port"

    def __init__(self, tls=None, client_id="cid", client_secret="csecret",
                 token_ttl=10800, blueprints=None, related=(),
                 auto_runs=False, blueprint_schema=None, **kw):
        """
        blueprints: None accepts any blueprint and property; otherwise a
            dict bp -> {"properties": {name: type or None} | [names] | None,
                        "relations": {name: target blueprint}} (see
            add_blueprint). Unknown properties are refused with 422.
        blueprint_schema: shorthand, bp -> allowed property names.
        related: identifiers of entities that exist (targets of relations).
        auto_runs: unknown run ids are created IN_PROGRESS on first use
            (for the demo); tests leave it off and call add_run().
        """
        super().__init__(tls=tls, **kw)
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_ttl = token_ttl
        self.auto_runs = auto_runs
        self.runs = {}
        self.entities = {}       # (blueprint, identifier) -> entity
        self.deleted_entities = []
        self.related = set(related)
        self.blueprints = None
        if blueprints is not None:
            self.blueprints = {}
            for bp, spec in blueprints.items():
                spec = spec or {}
                self.add_blueprint(bp, spec.get("properties"),
                                   spec.get("relations"))
        for bp, names in (blueprint_schema or {}).items():
            self.add_blueprint(bp, names)
        self.tokens = {}         # token -> {"expires": t, "revoked": bool}
        self.tokens_issued = 0   # 200 answers on the token route
        self.token_requests = 0  # all calls of the token route
        self.clock_offset = 0.0
        self._log_seq = 0
        self.bulk_calls = []     # every bulk upsert/delete, search, teams call
        self.rate_limit = None   # (requests, period s): 429 beyond it
        self._rl_window = (0.0, 0)
        self._entity_fails = {}  # identifier -> [status, error, msg, count]
        self.schema_violations = []  # (route, errors): answers off-schema
        self.teams = []          # GET /v1/teams: {"id", "name", ...}

    # --- helpers for tests ------------------------------------------------
    def now(self):
        return time.time() + self.clock_offset

    def advance_clock(self, seconds):
        """Moves Port's clock (token expiry)."""
        self.clock_offset += seconds

    def add_run(self, run_id, status="IN_PROGRESS", **fields):
        with self.lock:
            t = self.now()
            run = {"id": run_id, "status": status, "statusLabel": None,
                   "summary": None, "link": None, "externalRunId": None,
                   "endedAt": _iso(t) if status in TERMINAL else None,
                   "createdAt": _iso(t), "updatedAt": _iso(t),
                   "source": "GITHUB", "properties": {},
                   "requiredApproval": False,
                   "action": {"identifier": "request_acm_certificate",
                              "title": "Request ACM certificate",
                              "icon": "AWS", "deleted": False},
                   "logs": [], "timeline": [], "patches": []}
            run.update(fields)
            self.runs[run_id] = run
            return run

    def add_blueprint(self, bp, properties=None, relations=None):
        """properties: None = any; a list of names; or name -> JSON type
        ("string", "number", "boolean", "array", "object") or None."""
        with self.lock:
            if self.blueprints is None:
                self.blueprints = {}
            if isinstance(properties, (list, tuple, set)):
                properties = {p: None for p in properties}
            self.blueprints[bp] = {"properties": properties,
                                   "relations": dict(relations or {})}

    def add_entity(self, blueprint, identifier, properties=None, relations=None,
                   title=None):
        with self.lock:
            self.entities[(blueprint, identifier)] = {
                "identifier": identifier, "title": title or identifier,
                "blueprint": blueprint, "properties": dict(properties or {}),
                "relations": dict(relations or {}), "icon": None, "team": []}

    def fail_entity(self, identifier, status_code=422, error="invalid_request",
                    message=None, count=1):
        """The next `count` bulk upserts of this identifier fail with a
        per-entity error (a 207 answer when others in the call pass)."""
        with self.lock:
            self._entity_fails[identifier] = [
                status_code, error, message or f'fault injected for "{identifier}"',
                count]

    def calls_of(self, route):
        with self.lock:
            return [c for c in self.bulk_calls if c["route"] == route]

    def writes(self):
        """Every accepted-or-not call that could change the catalog."""
        with self.lock:
            return [r for r in self.requests if r["route"] in (
                "upsert_entity", "delete_entity", "bulk_upsert",
                "bulk_delete")]

    def revoke_tokens(self):
        """Every token issued so far stops working (next call: 401)."""
        with self.lock:
            for t in self.tokens.values():
                t["revoked"] = True

    def timeline(self, run_id, kinds=None, accepted_only=False):
        with self.lock:
            return [e for e in self.runs[run_id]["timeline"]
                    if (kinds is None or e["kind"] in kinds)
                    and (not accepted_only or 200 <= e["status"] < 300)]

    # --- FakeServer interface ---------------------------------------------
    def route_of(self, req):
        return self._match(req)[0]

    def fault_body(self, status):
        codes = {429: "too_many_requests", 500: "internal_error",
                 502: "bad_gateway", 503: "service_unavailable",
                 504: "gateway_timeout", 401: "unauthorized"}
        body = {"ok": False, "error": codes.get(status, "error"),
                "message": f"fault injected: HTTP {status}"}
        return json.dumps(body).encode(), [("Content-Type", "application/json"),
                                           ("X-Trace-Id", str(uuid.uuid4()))]

    def truncate_template(self):
        return Response(200, {"ok": True, "run": {"id": "r_truncated",
                                                  "status": "IN_PROGRESS"}})

    def handle(self, req):
        route, args = self._match(req)
        trace = str(uuid.uuid4())
        try:
            if len(req.body) > MAX_BODY:
                raise _Reply(413, "payload_too_large",
                             "Request body is larger than 1 MiB")
            if route is None:
                raise _Reply(404, "not_found",
                             f"Route {req.method}:{req.raw_path} not found")
            if route != "token":
                self._check_bearer(req)
            limited = self._count_rate(route)
            if limited is not None:
                raise _Reply(429, "too_many_requests",
                             "Rate limit exceeded; retry after "
                             f"{limited} seconds")
            op = SCHEMAS.get(route)
            if op and published.request_schema(op) is not None:
                errs = published.request_errors(op, self._json_body(req))
                if errs:
                    raise _schema("; ".join(errs))
            status, body = getattr(self, "_r_" + route)(req, *args)
            if op and 200 <= status < 300:
                errs = published.response_errors(op, status, body)
                if errs:
                    # A bug in this fake, never the client's: fail loudly.
                    with self.lock:
                        self.schema_violations.append((route, errs))
                    raise _Reply(500, "fake_port_bug",
                                 f"answer breaks {op}.json: {'; '.join(errs)}")
        except _Reply as r:
            status, body = r.status, r.body
        self._after(route, args, req, status, body)
        headers = [("X-Trace-Id", trace)] + self._rate_headers()
        if status == 429:
            headers.append(("Retry-After", str(self._rate_reset())))
        return Response(status, body, headers)

    # --- rate limit (port-api.md §6) ----------------------------------------
    def _count_rate(self, route):
        """None, or the seconds left in the window when over the limit."""
        if self.rate_limit is None or route == "token":
            return None
        limit, period = self.rate_limit
        with self.lock:
            start, used = self._rl_window
            now = time.time()
            if now - start >= period:
                start, used = now, 0
            used += 1
            self._rl_window = (start, used)
            if used > limit:
                return self._rate_reset()
        return None

    def _rate_reset(self):
        limit, period = self.rate_limit or (15000, 300)
        start = self._rl_window[0]
        return max(1, math.ceil(start + period - time.time())) \
            if self.rate_limit else period

    def _rate_headers(self):
        if self.rate_limit is None:
            return [("x-ratelimit-period", "300"),
                    ("x-ratelimit-limit", "15000"),
                    ("x-ratelimit-remaining", "14999"),
                    ("x-ratelimit-reset", "300")]
        limit, period = self.rate_limit
        with self.lock:
            left = max(0, limit - self._rl_window[1])
        return [("x-ratelimit-period", str(period)),
                ("x-ratelimit-limit", str(limit)),
                ("x-ratelimit-remaining", str(left)),
                ("x-ratelimit-reset", str(self._rate_reset()))]

    # --- routing ----------------------------------------------------------
    def _match(self, req):
        # Decode each segment once, after splitting: an identifier must be
        # one percent-encoded segment (port-api.md §5, PR #188).
        raw = req.raw_path.split("/")
        if raw[:2] != ["", "v1"]:
            return None, ()
        seg = [urllib.parse.unquote(s) for s in raw[2:]]
        m, n = req.method, len(seg)
        if m == "POST" and seg == ["auth", "access_token"]:
            return "token", ()
        if m == "GET" and seg == ["teams"]:
            return "get_teams", ()
        if n >= 3 and seg[:2] == ["actions", "runs"] and seg[2]:
            if n == 3 and m == "PATCH":
                return "patch_run", (seg[2],)
            if n == 3 and m == "GET":
                return "get_run", (seg[2],)
            if n == 4 and seg[3] == "logs" and m == "POST":
                return "log", (seg[2],)
        if n == 5 and seg[0] == "blueprints" and seg[1] and m == "POST" \
                and seg[2:] == ["bulk", "entities", "delete"]:
            return "bulk_delete", (seg[1],)
        if n >= 3 and seg[0] == "blueprints" and seg[2] == "entities" and seg[1]:
            if n == 3 and m == "POST":
                return "upsert_entity", (seg[1],)
            if n == 4 and seg[3] == "bulk" and m == "POST":
                return "bulk_upsert", (seg[1],)
            if n == 4 and seg[3] == "search" and m == "POST":
                return "search", (seg[1],)
            if n == 4 and seg[3] and m == "DELETE":
                return "delete_entity", (seg[1], seg[3])
            if n == 4 and seg[3] and m == "GET":
                return "get_entity", (seg[1], seg[3])
        return None, ()

    def _json_body(self, req):
        ctype = (req.header("Content-Type") or "").split(";")[0].strip().lower()
        # [I] Port runs on a JSON framework that refuses other media types;
        # a client relying on curl's default form type would be wrong.
        if ctype != "application/json":
            raise _Reply(415, "unsupported_media_type",
                         f"Unsupported Media Type: {ctype or '(none)'}")
        try:
            body = json.loads(req.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise _Reply(400, "invalid_json", "Body is not valid JSON")
        if not isinstance(body, dict):
            raise _schema("body must be object")
        return body

    def _check_bearer(self, req):
        auth = req.header("Authorization") or ""
        if not auth.startswith("Bearer "):
            raise _Reply(401, "unauthorized",
                         "Authorization header is missing or not a Bearer token")
        tok = self.tokens.get(auth[len("Bearer "):])
        if tok is None or tok["revoked"] or tok["expires"] <= self.now():
            raise _Reply(401, "unauthorized",
                         "The access token is invalid or has expired")

    def _run(self, run_id, create=True):
        run = self.runs.get(run_id)
        if run is None and self.auto_runs and create:
            run = self.add_run(run_id)
        if run is None:
            raise _Reply(404, "not_found",
                         f'Action run with identifier "{run_id}" was not found')
        return run

    def _check_open(self, run):
        # port-api.md §3.4: a finished run is frozen.
        if run["status"] in TERMINAL:
            raise _Reply(422, "run_already_finished",
                         f'Action run "{run["id"]}" has already finished with '
                         f'status {run["status"]} and can no longer be updated')

    def _after(self, route, args, req, status, body):
        """Appends the call to the timeline of the run it concerns."""
        if route in ("bulk_upsert", "bulk_delete", "search", "get_teams"):
            with self.lock:
                self.bulk_calls.append({
                    "route": route, "blueprint": args[0] if args else None,
                    "time": req.time,
                    "query": req.query, "conn": req.conn, "status": status,
                    "body": _parse(req.body), "response": body})
        if route in ("patch_run", "log", "get_run"):
            run_id = args[0]
        elif route in ("upsert_entity", "delete_entity", "bulk_upsert",
                       "bulk_delete", None):
            # Unrouted calls too (e.g. an ARN not percent-encoded): a
            # test should see what the client meant to tie to the run.
            run_id = req.query1("run_id")
        else:
            return
        with self.lock:
            run = self.runs.get(run_id)
            if run is None:
                return
            try:
                parsed = json.loads(req.body.decode("utf-8")) if req.body else None
            except (UnicodeDecodeError, ValueError):
                parsed = req.body
            entry = {"kind": route or "unrouted", "time": req.time, "status": status,
                     "body": parsed, "query": req.query, "conn": req.conn,
                     "response": body}
            entry["method"], entry["path"] = req.method, req.raw_path
            if route in ("upsert_entity", "delete_entity", "bulk_upsert",
                         "bulk_delete"):
                entry["blueprint"] = args[0]
            if route == "delete_entity":
                entry["identifier"] = args[1]
            run["timeline"].append(entry)

    # --- routes -----------------------------------------------------------
    def _r_token(self, req):
        with self.lock:
            self.token_requests += 1
        body = self._json_body(req)
        if set(body) != {"clientId", "clientSecret"} or not all(
                isinstance(body[k], str) for k in body):
            raise _schema("body must have exactly the string properties "
                          "clientId and clientSecret")
        if (body["clientId"], body["clientSecret"]) != (self.client_id,
                                                        self.client_secret):
            raise _Reply(401, "unauthorized",
                         "Failed to authenticate with the provided credentials")
        with self.lock:
            now = self.now()
            # port-api.md §1: the same credentials get the same active
            # token back while it lives.
            for tok, t in self.tokens.items():
                if not t["revoked"] and t["expires"] > now:
                    break
            else:
                tok = "eyJ" + secrets.token_urlsafe(48)
                self.tokens[tok] = {"expires": now + self.token_ttl,
                                    "revoked": False, "issued": now}
                t = self.tokens[tok]
            self.tokens_issued += 1
            left = int(t["expires"] - now)
        return 200, {"ok": True, "accessToken": tok, "expiresIn": left,
                     "tokenType": "Bearer"}

    def _r_get_run(self, req, run_id):
        # get-an-action-runs-details: version is v1 or v2 (v1 when absent).
        if req.query1("version") not in (None, "v1", "v2"):
            raise _schema("querystring/version must be equal to one of the "
                          "allowed values: v1, v2")
        with self.lock:
            run = self._run(run_id)
            return 200, {"ok": True, "run": self._public_run(run)}

    def _public_run(self, run):
        # The schema allows null only for statusLabel; Port leaves the
        # other unset fields out.
        return {k: _jcopy(v) for k, v in run.items()
                if k not in ("logs", "timeline", "patches")
                and (v is not None or k == "statusLabel")}

    def _r_patch_run(self, req, run_id):
        body = self._json_body(req)
        with self.lock:
            run = self._run(run_id)
            extra = set(body) - PATCH_KEYS
            if extra:
                raise _schema(f"body must NOT have additional properties: "
                              f"{', '.join(sorted(extra))}")
            if "status" in body and body["status"] not in TERMINAL:
                raise _schema("body/status must be equal to one of the allowed "
                              "values: SUCCESS, FAILURE")
            for k in ("statusLabel", "summary", "externalRunId"):
                if k in body and not isinstance(body[k], str):
                    raise _schema(f"body/{k} must be string")
            if "link" in body and not (isinstance(body["link"], str) or (
                    isinstance(body["link"], list)
                    and all(isinstance(x, str) for x in body["link"]))):
                raise _schema("body/link must be string or array of strings")
            if "message" in body and not isinstance(body["message"], dict):
                raise _schema("body/message must be object")
            self._check_open(run)
            now = self.now()
            for k in ("statusLabel", "summary", "externalRunId", "link"):
                if k in body:
                    run[k] = _jcopy(body[k])  # each PATCH overwrites
            if "status" in body:
                run["status"] = body["status"]
                run["endedAt"] = _iso(now)
            run["updatedAt"] = _iso(now)
            run["patches"].append(_jcopy(body))
            return 200, {"ok": True, "run": self._public_run(run)}

    def _r_log(self, req, run_id):
        body = self._json_body(req)
        with self.lock:
            run = self._run(run_id)
            extra = set(body) - LOG_KEYS
            if extra:
                raise _schema(f"body must NOT have additional properties: "
                              f"{', '.join(sorted(extra))}")
            if not isinstance(body.get("message"), str):
                raise _schema("body must have required property 'message' "
                              "(a string)")
            if "terminationStatus" in body and body["terminationStatus"] \
                    not in TERMINAL:
                raise _schema("body/terminationStatus must be equal to one of "
                              "the allowed values: SUCCESS, FAILURE")
            if "statusLabel" in body and not isinstance(body["statusLabel"], str):
                raise _schema("body/statusLabel must be string")
            self._check_open(run)
            now = self.now()
            self._log_seq += 1
            log = {"id": f"rl_{self._log_seq:06d}", "runId": run_id,
                   "message": body["message"], "createdBy": "fake-port",
                   "createdAt": _iso(now)}
            run["logs"].append(dict(log, terminationStatus=body.get(
                "terminationStatus"), statusLabel=body.get("statusLabel")))
            if "statusLabel" in body:
                run["statusLabel"] = body["statusLabel"]
            if "terminationStatus" in body:
                run["status"] = body["terminationStatus"]
                run["endedAt"] = _iso(now)
            run["updatedAt"] = _iso(now)
            return 201, {"ok": True, "runLog": log}

    def _bool_param(self, req, name, required, bulk=False):
        v = req.query1(name)
        if v is None:
            if required:
                raise _schema(f"querystring must have required property "
                              f"'{name}'", bulk)
            return False
        if v not in ("true", "false"):
            raise _schema(f"querystring/{name} must be boolean", bulk)
        return v == "true"

    def _run_param(self, req):
        run_id = req.query1("run_id")
        if run_id is None:
            return None
        run = self._run(run_id, create=False)
        # port-api.md §5: tying a change to a run is only possible while
        # the run is IN_PROGRESS.
        if run["status"] != "IN_PROGRESS":
            raise _Reply(422, "run_not_in_progress",
                         f'Entities can only be tied to action run "{run_id}" '
                         f'while it is IN_PROGRESS (it is {run["status"]})')
        return run

    def _blueprint(self, bp):
        if self.blueprints is None:
            return None
        spec = self.blueprints.get(bp)
        if spec is None:
            raise _Reply(404, "not_found",
                         f'Blueprint with identifier "{bp}" was not found')
        return spec

    def _r_upsert_entity(self, req, bp):
        upsert = self._bool_param(req, "upsert", True)
        merge = self._bool_param(req, "merge", False)
        create_missing = self._bool_param(req, "create_missing_related_entities",
                                          False)
        validation_only = self._bool_param(req, "validation_only", False)
        body = self._json_body(req)
        with self.lock:
            self._run_param(req)
            spec = self._blueprint(bp)
            _, stored = self._upsert_one(bp, spec, body, upsert, merge,
                                         create_missing, validation_only)
            ent = _jcopy(stored)
            # create-an-entity.json's answer: these keys only, no nulls.
            out = {k: ent[k] for k in
                   ("identifier", "title", "icon", "team", "properties", "relations")
                   if ent.get(k) is not None}
            return 201, {"ok": True, "entity": out}

    def _upsert_one(self, bp, spec, body, upsert, merge, create_missing,
                    validation_only):
        """One entity write (lock held): (created, the entity as
        stored: the caller's to copy), or raises _Reply with the error."""
        ident = body.get("identifier")
        if ident is None:
            ident = "e_" + secrets.token_hex(8)
        if not _valid_identifier(ident):
            raise _schema("body/identifier must match pattern "
                          "^(?!\\.{1,2}$)[\\p{L}0-9@_.+:\\\\/=-]+$")
        for k in ("properties", "relations"):
            if k in body and not isinstance(body[k], dict):
                raise _schema(f"body/{k} must be object")
        if "title" in body and not isinstance(body["title"], (str, type(None))):
            raise _schema("body/title must be string")
        props = body.get("properties", {})
        rels = body.get("relations", {})
        if spec is not None:
            self._check_properties(bp, spec, props)
        self._check_relations(bp, spec, rels, create_missing)
        key = (bp, ident)
        old = self.entities.get(key)
        if old is not None and not upsert:
            raise _Reply(409, "entity_already_exists",
                         f'Entity "{ident}" already exists in blueprint "{bp}"')
        if old is not None and merge:
            # upsert=true&merge=true updates only the fields sent.
            ent = _jcopy(old)
            ent["properties"].update(_jcopy(props))
            ent["relations"].update(_jcopy(rels))
            for k in ("title", "icon", "team"):
                if k in body:
                    ent[k] = _jcopy(body[k])
        else:
            ent = {"identifier": ident, "title": body.get("title", ident),
                   "icon": body.get("icon"), "team": body.get("team", []),
                   "blueprint": bp, "properties": _jcopy(props),
                   "relations": _jcopy(rels)}
        now = _iso(self.now())
        ent["createdAt"] = old["createdAt"] if old and "createdAt" in old else now
        ent["updatedAt"] = now
        if not validation_only:
            self.entities[key] = ent
        return old is None, ent

    def _check_properties(self, bp, spec, props):
        allowed = spec.get("properties")
        if allowed is None:
            return
        types = {"string": str, "number": (int, float), "boolean": bool,
                 "array": list, "object": dict}
        for name, value in props.items():
            if name not in allowed:
                raise _Reply(422, "invalid_request",
                             f'The property "{name}" does not exist in blueprint '
                             f'"{bp}" schema')
            want = allowed[name]
            if want and value is not None and (
                    not isinstance(value, types[want])
                    or (want == "number" and isinstance(value, bool))):
                raise _Reply(422, "invalid_request",
                             f'The property "{name}" of blueprint "{bp}" must be '
                             f'of type {want}')

    def _check_relations(self, bp, spec, rels, create_missing):
        known = spec.get("relations") if spec else None
        for name, target in rels.items():
            if known is not None and name not in known:
                raise _Reply(422, "invalid_request",
                             f'The relation "{name}" does not exist in blueprint '
                             f'"{bp}" schema')
            targets = target if isinstance(target, list) else [target]
            target_bp = known.get(name) if known else None
            for t in targets:
                if t is None:
                    continue
                if not isinstance(t, str):
                    raise _schema(f"body/relations/{name} must be string, "
                                  "array of strings or null")
                exists = t in self.related or (
                    target_bp is not None and (target_bp, t) in self.entities
                ) or any(
                    ident == t and (target_bp is None or b == target_bp)
                    for b, ident in self.entities)
                if exists:
                    continue
                if not create_missing:
                    raise _Reply(404, "not_found",
                                 f'Related entity "{t}" of relation "{name}" was '
                                 "not found")
                self.add_entity(target_bp or name, t)
                self.related.add(t)

    def _r_delete_entity(self, req, bp, ident):
        self._bool_param(req, "delete_dependents", True)
        with self.lock:
            self._run_param(req)
            self._blueprint(bp)
            ent = self.entities.pop((bp, ident), None)
            if ent is None:
                raise _Reply(404, "not_found",
                             f'Entity with identifier "{ident}" was not found in '
                             f'blueprint "{bp}"')
            self.deleted_entities.append(ent)
            return 200, {"ok": True}

    # --- bulk and search (port-api.md §5.1-5.3, port-openapi) -------------
    def _r_bulk_upsert(self, req, bp):
        upsert = self._bool_param(req, "upsert", True, True)
        merge = self._bool_param(req, "merge", False, True)
        create_missing = self._bool_param(req, "create_missing_related_entities",
                                          False, True)
        validation_only = self._bool_param(req, "validation_only", False, True)
        body = self._json_body(req)
        _schema_check("create-multiple-entities", body)
        with self.lock:
            self._run_param(req)
            spec = self._blueprint(bp)
            done, errors = [], []
            for i, e in enumerate(body["entities"]):
                ident = e.get("identifier")
                try:
                    if not isinstance(ident, str):
                        raise _Reply(422, "invalid_request",
                                     "the fake supports string identifiers only")
                    f = self._entity_fails.get(ident)
                    if f:
                        f[3] -= 1
                        if f[3] <= 0:
                            del self._entity_fails[ident]
                        raise _Reply(f[0], f[1], f[2])
                    created, _ = self._upsert_one(bp, spec, e, upsert, merge,
                                                  create_missing,
                                                  validation_only)
                    done.append({"created": created, "identifier": ident,
                                 "index": i})
                except _Reply as r:
                    errors.append({"identifier": str(ident), "index": i,
                                   "statusCode": r.status,
                                   "error": r.body.get("error", "error"),
                                   "message": r.body.get("message", "")})
            return (207 if errors else 200), {
                "ok": True, "entities": done, "errors": errors}

    def _r_bulk_delete(self, req, bp):
        self._bool_param(req, "delete_dependents", True, True)
        body = self._json_body(req)
        _schema_check("delete-multiple-entities", body)
        with self.lock:
            self._run_param(req)
            self._blueprint(bp)
            gone = []
            for ident in body["entities"]:
                ent = self.entities.pop((bp, ident), None)
                if ent is not None:  # unknown ids: skipped ([U], §5.2)
                    self.deleted_entities.append(ent)
                    gone.append(ident)
            return 200, {"ok": True, "deletedEntities": gone}

    def _r_search(self, req, bp):
        body = self._json_body(req)
        _schema_check("search-a-blueprints-entities", body)
        with self.lock:
            self._blueprint(bp)
            start = 0
            if "from" in body:
                try:
                    start = int(base64.urlsafe_b64decode(body["from"]).decode())
                except (ValueError, UnicodeDecodeError):
                    raise _Reply(422, "invalid_request",
                                 "from is not a value this search returned")
            q = body.get("query")
            hits = [e for (b, _), e in self.entities.items() if b == bp
                    and (q is None or self._matches(e, q))]
            limit = int(body.get("limit", 200))
            page = hits[start:start + limit]
            out = {"ok": True,
                   "entities": [self._project(e, body.get("include"),
                                              body.get("exclude"))
                                for e in page]}
            if start + limit < len(hits):
                out["next"] = base64.urlsafe_b64encode(
                    str(start + limit).encode()).decode()
            return 200, out

    @staticmethod
    def _value(e, name):
        if name == "$identifier":
            return e["identifier"]
        if name == "$title":
            return e.get("title")
        if name == "$blueprint":
            return e["blueprint"]
        return e["properties"].get(name)

    def _matches(self, e, q):
        if "combinator" in q:
            res = [self._matches(e, r) for r in q["rules"]]
            return all(res) if q["combinator"] == "and" else any(res)
        op, want = q["operator"], q.get("value")
        if "relation" in q:
            have = e["relations"].get(q["relation"])
        elif isinstance(q.get("property"), str):
            have = self._value(e, q["property"])
        else:
            raise _Reply(422, "invalid_request",
                         "this fake supports property and relation rules only")
        if op == "=":
            return have == want
        if op == "!=":
            return have != want
        if op == "in":
            return have in want
        if op == "notIn":
            return have not in want
        if op == "isEmpty":
            return have in (None, "", [], {})
        if op == "isNotEmpty":
            return have not in (None, "", [], {})
        if op in ("contains", "beginsWith", "endsWith"):
            if not isinstance(have, str):
                return False
            return (want in have if op == "contains" else
                    have.startswith(want) if op == "beginsWith"
                    else have.endswith(want))
        raise _Reply(422, "invalid_request",
                     f"this fake does not implement the operator {op}")

    @staticmethod
    def _project(e, include, exclude):
        out = {"identifier": e["identifier"], "title": e.get("title") or "",
               "properties": _jcopy(e["properties"]),
               "relations": _jcopy(e["relations"]),
               "team": list(e.get("team") or [])}
        if e.get("icon"):
            out["icon"] = e["icon"]
        if include is not None:
            keep = set(include)
            out = {k: v for k, v in out.items()
                   if k in ("properties", "relations") or f"${k}" in keep}
            out["properties"] = {k: v for k, v in out["properties"].items()
                                 if k in keep}
            out["relations"] = {k: v for k, v in out["relations"].items()
                                if k in keep}
            out["identifier"] = e["identifier"]
        for name in exclude or ():
            out["properties"].pop(name, None)
            out["relations"].pop(name, None)
        return out

    TEAM_FIELDS = ("id", "name", "createdAt", "updatedAt", "provider",
                   "description")

    def add_team(self, name, description=None, users=()):
        """A team of the organisation (GET /v1/teams lists it)."""
        with self.lock:
            t = {"id": "team_" + secrets.token_hex(6), "name": name,
                 "createdAt": _iso(self.now()), "updatedAt": _iso(self.now()),
                 "provider": "port",
                 "users": [{"email": u, "firstName": "", "lastName": "",
                            "picture": "", "status": "ACTIVE"} for u in users]}
            if description is not None:
                t["description"] = description
            self.teams.append(t)
            return t

    def _r_get_teams(self, req):
        # get-all-teams-in-your-organization.json: fields[] (form,
        # explode) picks what each team carries; none = every field.
        fields = req.query.get("fields") or []
        allowed = self.TEAM_FIELDS + ("users.firstName", "users.lastName",
                                      "users.email", "users.picture",
                                      "users.status")
        bad = [f for f in fields if f not in allowed]
        if bad:
            raise _schema("querystring/fields must be equal to one of the "
                          f"allowed values: {bad[0]}")
        with self.lock:
            out = []
            for t in self.teams:
                if not fields:
                    out.append(_jcopy(t))
                    continue
                o = {k: t[k] for k in self.TEAM_FIELDS
                     if k in fields and k in t}
                uf = [f.split(".", 1)[1] for f in fields
                      if f.startswith("users.")]
                if uf:
                    o["users"] = [{k: u[k] for k in uf} for u in t["users"]]
                out.append(o)
            return 200, {"ok": True, "teams": out}

    def _r_get_entity(self, req, bp, ident):
        with self.lock:
            ent = self.entities.get((bp, ident))
            if ent is None:
                raise _Reply(404, "not_found",
                             f'Entity with identifier "{ident}" was not found')
            return 200, {"ok": True, "entity": _jcopy(ent)}


def _parse(body):
    try:
        return json.loads(body.decode("utf-8")) if body else None
    except (UnicodeDecodeError, ValueError):
        return body


def main(argv=None):
    ap = argparse.ArgumentParser(description="Fake Port API for manual tests.")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--client-id", default="cid")
    ap.add_argument("--client-secret", default="csecret")
    ap.add_argument("--run", action="append", default=[],
                    help="a run id to create IN_PROGRESS (repeatable)")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args(argv)
    tls = (a.tls_cert, a.tls_key) if a.tls_cert else None
    fake = FakePort(tls=tls, port=a.port, client_id=a.client_id,
                    client_secret=a.client_secret, auto_runs=not a.run,
                    verbose=a.verbose)
    for r in a.run:
        fake.add_run(r)
    print(fake.start(), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    fake.stop()
    for rid, run in fake.runs.items():
        print(f"run {rid}: {run['status']}", file=sys.stderr)
        for e in run["timeline"]:
            print(f"  {e['kind']} {e['status']} {json.dumps(e['body'])}",
                  file=sys.stderr)


if __name__ == "__main__":
    main()
