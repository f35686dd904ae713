"""Shared plumbing for the reliability suites (issue 5, "Proof").

Wraps tests/lib/harness.py without changing it:
  Kit            a harness Suite plus a thread pool: every case gets its
                 own World (own fake ACM and fake Port), runs in parallel,
                 and its checks are replayed into the suite's TAP in order
  RecTAP         a harness TAP that records checks instead of printing
  ShimPort       FakePort with three test hooks: a "terminal" route name
                 for the terminal PATCH (so a fault can hit exactly it), a
                 token revocation armed on a route (a 401 mid-run), and a
                 recognisable access-token prefix (for the leak scan)
  write_summary  build/reliability/<suite>.json in the format
                 scripts/reliability-report.py reads
"""
import concurrent.futures
import io
import json
import os
import re
import sys
import time
import traceback
import types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))

import harness  # noqa: E402
from harness import (ACCOUNT, REGION, RUN_ID, Suite, World,  # noqa: E402,F401
                     cert_arn)

__all__ = ["ACCOUNT", "REGION", "RUN_ID", "RUN_ROUTES", "Case", "Kit", "RecTAP",
           "Suite", "World", "acm_requests_of", "cert_arn", "check_timeline",
           "control_lines", "ctx", "entity_for", "port_requests_of", "write_summary"]

ROOT = harness.ROOT
# The sanitizer runs of these suites write elsewhere (PORT_ACM_SUMMARY_DIR),
# so the report keeps the normal build's figures.
OUT_DIR = os.environ.get("PORT_ACM_SUMMARY_DIR") or os.path.join(ROOT, "build", "reliability")

# Routes of the fake Port that belong to a run (everything but the token).
RUN_ROUTES = ("log", "patch_run", "terminal", "upsert_entity", "delete_entity",
              "get_run")

CTL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


# ------------------------------------------------------------------ TAP

class RecTAP(harness.TAP):
    """Records ok/diag/skip; replay() prints them into the real TAP."""

    def __init__(self):
        super().__init__(out=io.StringIO())
        self.items = []

    def ok(self, cond, name, diag=None):
        cond = bool(cond)
        self.n += 1
        if not cond:
            self.failed += 1
        self.items.append(("ok", cond, self.prefix + name, diag))
        return cond

    def diag(self, msg):
        self.items.append(("diag", msg))

    def skip(self, name, why):
        self.n += 1
        self.items.append(("skip", self.prefix + name, why))

    def replay(self, t):
        for it in self.items:
            if it[0] == "ok":
                _, cond, name, diag = it
                t.ok(cond, name, diag)
            elif it[0] == "diag":
                t.diag(it[1])
            else:
                t.skip(it[1], it[2])


# --------------------------------------------------------- fake Port shim

def _shim_port_class(base):
    class ShimPort(base):
        """FakePort with hooks for the reliability suites."""

        def __init__(self, *a, token_prefix=None, **kw):
            super().__init__(*a, **kw)
            self.token_prefix = token_prefix
            self.revoke_on = {}   # route -> how many more times to revoke

        def route_of(self, req):
            r = super().route_of(req)
            if r == "patch_run":
                try:
                    body = json.loads(req.body.decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    body = None
                if isinstance(body, dict) and "status" in body:
                    return "terminal"
            return r

        def arm_revoke(self, route, times=1):
            """Revokes every live token just before the next `times`
            requests to route are handled: they get a 401."""
            with self.lock:
                self.revoke_on[route] = times

        def handle(self, req):
            route = self.route_of(req)
            with self.lock:
                left = self.revoke_on.get(route, 0)
                if left > 0:
                    self.revoke_on[route] = left - 1
                    self.revoke_tokens()
            return super().handle(req)

        def _r_token(self, req):
            status, body = super()._r_token(req)
            p = self.token_prefix
            if status == 200 and p and not body["accessToken"].startswith(p):
                with self.lock:
                    old = body["accessToken"]
                    new = p + old
                    self.tokens[new] = self.tokens.pop(old)
                    body["accessToken"] = new
            return status, body

    return ShimPort


# ----------------------------------------------------------------- the kit

class Case:
    """One row of a matrix: id (unique, short), fn(t, w, case), and any
    attributes the suite wants (w_kwargs for the World)."""

    def __init__(self, cid, fn, **kw):
        self.id = cid
        self.fn = fn
        self.w_kwargs = kw.pop("w_kwargs", {})
        self.counted = kw.pop("counted", True)  # in the summary's figures
        self.check_sigv4 = kw.pop("check_sigv4", True)
        self.__dict__.update(kw)


class Kit:
    def __init__(self, name, kind, workers=None):
        self.name = name
        self.kind = kind
        self.suite = Suite(name)
        self.t = self.suite.tap
        self.workers = workers or int(os.environ.get("REL_WORKERS", "8"))
        self.results = []  # (case, RecTAP, elapsed)

    # -- set-up --------------------------------------------------------

    def setup(self):
        self.suite.setup()
        fakes = dict(self.suite.fakes)
        if fakes.get("fake_port") is not None:
            fakes["fake_port"] = types.SimpleNamespace(
                FakePort=_shim_port_class(fakes["fake_port"].FakePort))
        self.suite.fakes = fakes
        why = self.suite.missing()
        if why:
            self.t.ok(False, f"{self.name}: prerequisites", "; ".join(why))
            return False
        return True

    @property
    def pki(self):
        return self.suite.pki

    def world(self, https=True, acm_region=None, acm_kwargs=None, port_kwargs=None,
              port=True, acm=True):
        ak = dict(acm_kwargs or {})
        ak["region"] = acm_region
        return World(self.suite, https=https, acm_kwargs=ak,
                     port_kwargs=dict(port_kwargs or {}), port=port, acm=acm)

    # -- running -------------------------------------------------------

    def _one(self, case):
        t = RecTAP()
        w = None
        t0 = time.monotonic()
        try:
            w = self.world(**case.w_kwargs)
            case.fn(t, w, case)
            if w.acm is not None and case.check_sigv4:
                with w.acm.lock:
                    bad = [c["op"] for c in w.acm.calls if not c.get("signature_ok")]
                t.ok(not bad, "every ACM request carried a valid SigV4 signature", bad)
        except Exception:
            t.ok(False, "no exception in the test", traceback.format_exc())
        finally:
            if w is not None:
                w.close()
        return case, t, time.monotonic() - t0

    def run(self, cases):
        only = os.environ.get("REL_ONLY", "")
        cases = [c for c in cases if not only or only in c.id]
        ids = [c.id for c in cases]
        assert len(ids) == len(set(ids)), "case ids must be unique"
        with concurrent.futures.ThreadPoolExecutor(self.workers) as ex:
            for res in ex.map(self._one, cases):
                self.results.append(res)
                case, rt, el = res
                self.t.prefix = case.id + ": "
                rt.replay(self.t)
                self.t.prefix = ""
        return self.results

    def finish(self, extra=None, summary_word="passed", write=True):
        """Writes the summary and exits with the TAP status."""
        counted = [x for x in self.results if x[0].counted]
        p = sum(1 for _, rt, _ in counted if rt.failed == 0)
        f = len(counted) - p
        # A subset (REL_ONLY) is not the figure: keep the last full one.
        if write and self.results and not os.environ.get("REL_ONLY"):
            ex = {"cases": [{"id": c.id, "passed": rt.failed == 0,
                             "seconds": round(el, 2),
                             "failed_checks": [it[2] for it in rt.items
                                               if it[0] == "ok" and not it[1]][:5]}
                            for c, rt, el in counted]}
            ex.update(extra or {})
            write_summary(self.name, self.kind, p, f,
                          f"{p}/{p + f} {summary_word}", ex)
        self.t.diag(f"{self.name}: {p}/{p + f} cases {summary_word}")
        self.suite.teardown()
        sys.exit(self.t.done())


def write_summary(name, kind, passed, failed, summary, extra=None):
    """Only for the real build/port-acm: a run under a sanitizer or
    valgrind wrapper (PORT_ACM_BIN elsewhere) must not overwrite the
    figures (REL_WRITE=1 forces it)."""
    default = os.path.realpath(os.path.join(ROOT, "build", "port-acm"))
    if os.path.realpath(harness.BIN) != default and os.environ.get("REL_WRITE") != "1":
        return
    os.makedirs(OUT_DIR, exist_ok=True)
    doc = {"suite": name, "kind": kind, "passed": passed, "failed": failed,
           "total": passed + failed, "summary": summary, "extra": extra or {}}
    tmp = os.path.join(OUT_DIR, f".{name}.json.tmp")
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    os.replace(tmp, os.path.join(OUT_DIR, f"{name}.json"))


# ------------------------------------------------------------- helpers

def ctx(run_id=RUN_ID, **extra):
    c = {"runId": run_id}
    c.update(extra)
    return json.dumps(c)


def entity_for(arn):
    return {"identifier": arn, "title": "www.example.com", "blueprint": "acmCertificate",
            "properties": {"arn": arn}, "relations": {"account": ACCOUNT}}


def control_lines(r):
    """Output lines holding a control character (CR, ESC, NUL, ...)."""
    bad = []
    for name, text in (("stdout", r.stdout), ("stderr", r.stderr)):
        for line in text.split("\n"):
            if CTL_RE.search(line):
                bad.append((name, line[:160]))
    return bad


def script_fault(fake, kind, route, n):
    """Queues the fault kinds every fake suffers alike on route for the
    next n calls: http500/http503/http401 (a bare status), reset, slow
    (30 s), truncate, garbage, lost_answer (the call lands, its answer
    is lost: once). Returns False for any other kind (the caller's own:
    each service throttles and garbles in its own words)."""
    if kind in ("http500", "http503", "http401"):
        fake.fault(route, "status", count=n, status=int(kind[4:]))
    elif kind in ("reset", "truncate", "garbage"):
        fake.fault(route, kind, count=n)
    elif kind == "slow":
        fake.fault(route, "slow", count=n, seconds=30)
    elif kind == "lost_answer":
        fake.fault(route, "reset", count=1, after=True)
    else:
        return False
    return True


def retry_gaps(reqs):
    """Seconds between each request answered by a scripted status fault
    and the next one (the client's wait before its retry)."""
    return [round(b["time"] - a["time"], 3) for a, b in zip(reqs, reqs[1:])
            if a.get("fault") == "status"]


def port_requests_of(w, route):
    with w.port.lock:
        return [q for q in w.port.requests if q.get("route") == route]


def acm_requests_of(w, op):
    with w.acm.lock:
        return [q for q in w.acm.requests if q.get("route") == op]


def check_timeline(t, w, want, r, run_id=RUN_ID):
    """want: "SUCCESS"/"FAILURE" = exactly one accepted terminal update
    with that status, followed by nothing but reads and refused retries
    of the terminal update; None = no accepted terminal update."""
    evs = w.port_events(run_id)
    kinds = [(e["kind"], e["status"]) for e in evs]
    term = [i for i, e in enumerate(evs) if e["kind"] == "terminal"
            and (e["status"] or 0) < 300]
    if want is None:
        ok = t.eq(len(term), 0, "no terminal update reached the run (Port kept failing)",
                  kinds)
        if not ok:
            t.diag(r.describe())
        return ok
    if not t.eq(len(term), 1, "exactly one accepted terminal update on the run", kinds):
        t.diag(r.describe())
        return False
    e = evs[term[0]]
    after = [x for x in evs[term[0] + 1:]
             if not (x["kind"] == "get_run"
                     or (x["kind"] == "terminal" and (x["status"] or 0) >= 400))]
    t.ok(not after, "nothing changed the run after the terminal update", kinds)
    body = e["body"] if isinstance(e["body"], dict) else {}
    st = body.get("status") or body.get("terminationStatus")
    return t.eq(st, want, f"the run ends {want}", r.describe() if st != want else None)
