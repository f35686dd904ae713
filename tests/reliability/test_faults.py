#!/usr/bin/python3
"""Fault matrix (issue 5, "Proof"): build/port-acm against fake ACM and
fake Port servers that throttle, fail, reset, stall, truncate and garble
their answers, for each operation (request, renew, delete).

Every case runs in its own World (own fakes), in a thread pool, and
asserts on what the fakes received:
  - the exit code (0 after a transient fault; 1 when ACM keeps failing;
    3 when ACM succeeded but Port kept failing; 2 when Port fails before
    any AWS change);
  - the Port run's timeline: exactly one accepted terminal update with
    the right status and nothing changing the run after it (or none at
    all when Port kept failing);
  - the ACM change happened exactly once, or not at all when the run
    failed or was refused; never a duplicate certificate;
  - the retries the fake saw (attempt counts, Retry-After honoured);
  - that the binary finished well within its deadline (no hang).

fault_rows.py adds the rows beyond ACM and Port (issue 16, item 24):
STS, GitHub's OIDC token endpoint, IMDS, the container endpoint,
Route 53 in request and delete, and the sync paths; its docstring says
what each of its cases asserts.

Transient = the fault happens once; persistent = on every call.
Knobs: REL_ONLY=substring of a case id, REL_WORKERS=N (default 12),
REL_DEBUG=1 (fault_rows: every run's output as a diagnostic).
Summary: build/reliability/fault.json (kind "fault").
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from relkit import (REGION, RUN_ID, RUN_ROUTES, Case, Kit,  # noqa: E402
                    acm_requests_of, check_timeline, ctx, entity_for,
                    port_requests_of, retry_gaps, script_fault)
import fault_rows  # noqa: E402  (STS, OIDC, IMDS, container, Route 53, sync)

DOMAIN = "www.example.com"
ALWAYS = 10 ** 6
REQUEST_TIMEOUT = 1       # PORT_ACM_REQUEST_TIMEOUT_SECONDS
MAX_ELAPSED = 40.0        # "well within" the 60 s deadline set below
ENV = {
    "PORT_ACM_CONNECT_TIMEOUT_SECONDS": "2",
    "PORT_ACM_REQUEST_TIMEOUT_SECONDS": str(REQUEST_TIMEOUT),
    "PORT_ACM_DEADLINE_SECONDS": "60",
    "PORT_ACM_POLL_INTERVAL_MS": "5",
    "AWS_MAX_ATTEMPTS": "3",
}
MUTATION = {"request": "RequestCertificate", "renew": "RenewCertificate",
            "delete": "DeleteCertificate"}
OPS = ("request", "renew", "delete")

ACM_FAULTS = ("throttle", "http500", "http503", "reset", "slow", "truncate",
              "json_cut", "garbage", "lost_answer", "wrong_types")
PORT_FAULTS = ("throttle", "http500", "http503", "reset", "slow", "truncate",
               "json_cut", "garbage", "http401", "lost_answer")
TRANSIENT_ONLY = {"lost_answer"}
PERSISTENT_ONLY = {"wrong_types"}

JSON_HDR = [("Content-Type", "application/x-amz-json-1.1")]
PORT_JSON_HDR = [("Content-Type", "application/json")]


# ------------------------------------------------------------ set-up

def set_up_op(w, op):
    """The run, the certificate the op works on, and the inputs."""
    w.add_run(RUN_ID)
    arn = None
    if op == "request":
        inputs = {"domain_name": DOMAIN, "aws_region": REGION, "port_context": ctx()}
    elif op == "renew":
        arn = w.add_cert(domain=DOMAIN, type="PRIVATE", exported=True)
        inputs = {"port_context": ctx(entity=entity_for(arn))}
    else:
        arn = w.add_cert(domain=DOMAIN)
        inputs = {"port_context": ctx(entity=entity_for(arn)), "delete_wait_minutes": "0"}
    return inputs, arn


def acm_fault(w, fault, route, n):
    a = w.acm
    if fault == "throttle":
        a.fail(route, "ThrottlingException", "Rate exceeded", status=400, count=n)
    elif fault == "json_cut":
        a.fault(route, "garbage", count=n, headers=JSON_HDR,
                body=b'{"CertificateArn": "arn:aws:acm:eu-west-1:1234567')
    elif fault == "wrong_types":
        body = (b'{"CertificateArn": 42}' if route == "RequestCertificate" else
                b'{"Certificate": {"CertificateArn": 42, "Status": ["ISSUED"],'
                b' "DomainName": null, "InUseBy": "none"}}')
        a.fault(route, "garbage", count=n, headers=JSON_HDR, body=body)
    elif fault == "http401" or not script_fault(a, fault, route, n):
        raise ValueError(fault)


def port_fault(w, fault, route, n):
    p = w.port
    if fault == "throttle":
        p.fault(route, "status", count=n, status=429, headers=[("Retry-After", "1")])
    elif fault == "json_cut":
        p.fault(route, "garbage", count=n, headers=PORT_JSON_HDR,
                body=b'{"ok": true, "run": {"id": "r_')
    elif fault == "http401" and n == 1:
        p.arm_revoke(route, 1)  # the token dies mid-run
    elif not script_fault(p, fault, route, n):
        raise ValueError(fault)


# ------------------------------------------------------- expectations

def expect(c):
    """rc, terminal status (None = none accepted), whether the ACM
    change happened, and the attempts the faulted route should see."""
    if c.svc == "acm":
        if c.mode == "transient":
            return dict(rc=0, term="SUCCESS", changed=True, attempts=2)
        return dict(rc=1, term="FAILURE", changed=False,
                    attempts=None if c.fault == "wrong_types" else 3)
    # Port. 429/502/503/504 and network errors are retried (port-api.md
    # §6); a 500 only on requests that may be repeated as they are (GET,
    # PATCH, DELETE): one 500 on the token POST is final, one on the
    # terminal PATCH is retried so the run is not left open.
    if c.target == "token":
        # A refused login is our mistake (2); Port failing is 3 (defect 13).
        if c.fault == "http401":
            return dict(rc=2, term=None, changed=False, attempts=None)
        if c.mode == "persistent" or c.fault == "http500":
            return dict(rc=3, term=None, changed=False, attempts=None)
        return dict(rc=0, term="SUCCESS", changed=True, attempts=2)
    if c.target == "log":
        return dict(rc=0, term="SUCCESS", changed=True, attempts=None)
    if c.target == "terminal":
        return dict(rc=0, term="SUCCESS", changed=True, attempts=2)

    # target "run", persistent: the run cannot be read before AWS (GET
    # run), so nothing is changed in AWS and Port is never told
    return dict(rc=3, term=None, changed=False, attempts=None, before_aws=True)


# ------------------------------------------------------------ checks

def check_change(t, w, op, arn, changed):
    """The ACM change happened exactly once (changed) or not at all."""
    a = w.acm
    with a.lock:
        requested = a.requested
        certs = dict(a.certs)
        deleted = dict(a.deleted)
    t.ok(requested <= 1, "no duplicate certificate (at most one was created)",
         requested)
    if op == "request":
        want = 1 if changed else 0
        t.eq(len(certs), want, f"{want} certificate(s) exist in ACM after the run",
             list(certs))
    elif op == "renew":
        n = certs[arn]["_renewals"] if arn in certs else None
        if changed:
            t.ok(n is not None and n >= 1, "the certificate was renewed", n)
        else:
            t.eq(n, 0, "the certificate was not renewed (nothing changed in AWS)")
    else:
        if changed:
            t.ok(arn not in certs and arn in deleted, "the certificate was deleted")
        else:
            t.ok(arn in certs, "the certificate still exists (nothing changed in AWS)")


def check_attempts(t, reqs, want, what, slack=0):
    """slack: libcurl re-sends a request once, by itself, when a reused
    keep-alive connection turns out dead before any answer (a reset on
    the second call of a run); the fake then sees one more send."""
    if want is None:
        return
    seen = [(q.get("fault"), q.get("status"), q.get("conn")) for q in reqs]
    if slack:
        t.ok(want <= len(reqs) <= want + slack,
             f"{what} was tried {want} time(s) (+{slack} libcurl re-send)", seen)
    else:
        t.eq(len(reqs), want, f"{what} was tried {want} time(s)", seen)


def check_retry_after(t, reqs, what):
    """Each retry after a 429 with Retry-After: 1 waited at least 1 s."""
    gaps = retry_gaps(reqs)
    if gaps:
        t.ok(min(gaps) >= 0.95, f"Retry-After: 1 honoured before every retry of {what}",
             gaps)


def check_common(t, w, c, r, exp):
    if not t.ok(not r.timed_out and r.elapsed < MAX_ELAPSED,
                f"finished in {MAX_ELAPSED:.0f} s (deadline 60 s): no hang",
                f"{r.elapsed:.1f}s timed_out={r.timed_out}"):
        t.diag(r.describe())
    if not t.eq(r.rc, exp["rc"], f"exit code {exp['rc']}"):
        t.diag(r.describe())
    with w.port.lock, w.acm.lock:
        n_port, n_acm = len(w.port.requests), len(w.acm.requests)
    # 4 Port attempts x at most ~12 calls; 3 ACM attempts x a few calls
    t.ok(n_port <= 48 and n_acm <= 20, "no retry storm (bounded requests to each fake)",
         (n_port, n_acm))
    toks = w.issued_tokens()
    missing = [tk[:8] for tk in toks if tk not in r.masks]
    t.ok(not missing, "every Port token issued was ::add-mask::ed", missing)
    if exp["rc"] == 2 or (exp["rc"] == 3 and c.target == "token"):
        # Port refused (2) or failed (3) at login: before any AWS call.
        reqs = list(w.acm.requests)
        t.eq([q.get("route") for q in reqs], [], "no ACM request at all (refused first)")
        t.eq(w.port_events(), [], "nothing reached the run (Port failed before anything)")
        t.match(r.stderr, r"Nothing was changed in AWS", "says nothing was changed in AWS")
        return
    check_timeline(t, w, exp["term"], r)
    check_change(t, w, c.op, c.arn, exp["changed"])
    if exp.get("before_aws"):
        t.eq([q.get("route") for q in w.acm.requests if q.get("route") in
              MUTATION.values()], [], "no AWS-changing request (stopped before AWS)")
        t.match(r.stderr, r"Nothing was changed in AWS", "says nothing was changed in AWS")
        return
    if exp["rc"] == 3:
        t.ok(r.outputs.get("certificate_arn", "").startswith("arn:aws:acm:"),
             "exit 3: the result is still in the outputs", r.outputs)
        errs = r.cmds("error")
        t.ok(any(re.search(r"Port", (c.props.get("title") or "") + c.message) and
                 re.search(r"not (be )?updated|could not", (c.props.get("title") or "")
                           + c.message) for c in errs),
             "exit 3: an ::error:: says the Port run was not updated",
             [(c.props, c.message) for c in errs])
    if exp["rc"] == 1:
        t.ok(r.errors, "exit 1: an ::error:: annotation", r.stdout[-1500:])


# -------------------------------------------------------------- cases

def run_acm_case(t, w, c):
    inputs, c.arn = set_up_op(w, c.op)
    route = c.route
    acm_fault(w, c.fault, route, 1 if c.mode == "transient" else ALWAYS)
    r = w.run(c.op, inputs=inputs, env=ENV, timeout=90)
    exp = expect(c)
    check_common(t, w, c, r, exp)
    reqs = acm_requests_of(w, route)
    slack = 1 if c.fault == "reset" and c.op != "request" else 0
    check_attempts(t, reqs, exp["attempts"], route, slack)
    if c.fault == "lost_answer" and c.op == "request":
        calls = w.acm.calls_of("RequestCertificate")
        toks = [x["params"].get("IdempotencyToken") for x in calls]
        t.ok(len(calls) == 2 and toks[0] and toks[0] == toks[1],
             "the retry after a lost answer carried the same IdempotencyToken", toks)
        t.ok(len(calls) == 2 and calls[1].get("idempotent_replay"),
             "ACM answered the retry with the same certificate (replay)",
             [x.get("arn") for x in calls])
        t.eq(r.outputs.get("certificate_arn"), (w.acm_arns() or [None])[0],
             "the output names the one certificate")


def run_port_case(t, w, c):
    inputs, c.arn = set_up_op(w, c.op)
    n = 1 if c.mode == "transient" else ALWAYS
    routes = RUN_ROUTES if c.target == "run" else (c.target,)
    for route in routes:
        port_fault(w, c.fault, route, n)
    r = w.run(c.op, inputs=inputs, env=ENV, timeout=90)
    exp = expect(c)
    check_common(t, w, c, r, exp)
    if c.target in ("token", "terminal", "log"):
        reqs = port_requests_of(w, c.target)
        check_attempts(t, reqs, exp["attempts"], f"the Port {c.target} call")
        if c.fault == "throttle":
            check_retry_after(t, reqs, f"the Port {c.target} call")
    if c.fault == "http401":
        ntok = len(port_requests_of(w, "token"))
        if c.mode == "transient":
            t.eq(w.port.tokens_issued, 2, "a 401 mid-run: re-authenticated once")
            t.eq(len(w.issued_tokens()), 2, "the new token was used (two tokens in all)")
        elif c.target == "token":
            t.eq(ntok, 1, "a refused login is not retried")
        else:
            # login, then at most one re-login for each of the run's
            # calls: the GET of the run, the first log line (which fails,
            # so later lines are skipped) and the terminal PATCH.
            t.ok(ntok <= 4, "401 on every call: at most one re-login per call, no loop",
                 ntok)
    if c.fault == "lost_answer" and c.target == "terminal":
        term = [e for e in w.port_events() if e["kind"] == "terminal"]
        t.ok(len(term) >= 2 and (term[1]["status"] or 0) == 422,
             "the retried terminal update was refused with 422 (it had landed)",
             [(e["kind"], e["status"]) for e in term])
        t.ok(any(e["kind"] == "get_run" for e in w.port_events()),
             "the 422 was checked with GET run", [e["kind"] for e in w.port_events()])


def run_deadline_case(t, w, c):
    """A run that cannot finish in time stops at its deadline and still
    ends the Port run."""
    inputs, c.arn = set_up_op(w, c.op)
    # A per-request timeout longer than the whole deadline: the stalled
    # call itself runs into the deadline (deterministic, no jitter).
    env = dict(ENV, PORT_ACM_DEADLINE_SECONDS=str(c.deadline), AWS_MAX_ATTEMPTS="10",
               PORT_ACM_REQUEST_TIMEOUT_SECONDS=str(c.deadline + 10))
    if c.svc == "acm":
        acm_fault(w, "slow", MUTATION[c.op], ALWAYS)
    else:
        for route in RUN_ROUTES:
            port_fault(w, "slow", route, ALWAYS)
    r = w.run(c.op, inputs=inputs, env=env, timeout=90)
    limit = c.deadline + 4
    if not t.ok(not r.timed_out and r.elapsed < limit,
                f"stopped at the {c.deadline} s deadline (within {limit} s)",
                f"{r.elapsed:.1f}s"):
        t.diag(r.describe())
    if c.svc == "acm":
        if not t.eq(r.rc, 1, "exit code 1"):
            t.diag(r.describe())
        # The terminal update must still be sent: a run left IN_PROGRESS
        # is the hang the deadline is meant to prevent, seen from Port.
        check_timeline(t, w, "FAILURE", r)
        check_change(t, w, c.op, c.arn, False)
    else:
        # Port stalls eat the time before or after the delete; either
        # way the exit code must tell the truth about AWS.
        if not t.ok(r.rc in (1, 3), "exit code 1 (deadline hit before the delete) or 3 "
                    "(Port not told; deleted, or stopped before AWS)", r.rc):
            t.diag(r.describe())
        check_change(t, w, c.op, c.arn,
                     r.rc == 3 and "Nothing was changed in AWS" not in r.stderr)


def cases():
    out = []
    for op in OPS:
        for fault in ACM_FAULTS:
            for mode in ("transient", "persistent"):
                if (mode == "persistent" and fault in TRANSIENT_ONLY) or \
                        (mode == "transient" and fault in PERSISTENT_ONLY):
                    continue
                route = MUTATION[op]
                if fault == "wrong_types" and op != "request":
                    route = "DescribeCertificate"
                out.append(Case(f"acm-{op}-{route}-{fault}-{mode}", run_acm_case,
                                svc="acm", op=op, fault=fault, mode=mode, route=route,
                                target=route))
        for fault in PORT_FAULTS:
            for mode, target in (("transient", "token"), ("transient", "log"),
                                 ("transient", "terminal"), ("persistent", "token"),
                                 ("persistent", "run")):
                if mode == "persistent" and fault in TRANSIENT_ONLY:
                    continue
                if fault == "http401" and target == "token" and mode == "transient":
                    continue  # a 401 on login means bad credentials: persistent only
                out.append(Case(f"port-{op}-{target}-{fault}-{mode}", run_port_case,
                                svc="port", op=op, fault=fault, mode=mode, target=target))
    out.append(Case("deadline-acm-request-slow", run_deadline_case, svc="acm",
                    op="request", deadline=3, fault="slow", mode="persistent",
                    target="RequestCertificate"))
    out.append(Case("deadline-port-delete-slow", run_deadline_case, svc="port",
                    op="delete", deadline=5, fault="slow", mode="persistent", target="run"))
    out += fault_rows.cases()
    # slow cases first: they set the wall-clock time of the pool
    out.sort(key=lambda c: (c.fault != "slow", c.mode != "persistent"))
    return out


def main():
    kit = Kit("fault", "fault", workers=int(os.environ.get("REL_WORKERS", "12")))
    if not kit.setup():
        kit.finish(write=False)
    cs = cases()
    kit.run(cs)
    by, area = {}, {}
    for c, rt, _ in kit.results:
        for d in (by.setdefault(f"{c.svc}/{c.mode}", [0, 0]),
                  area.setdefault(c.svc, [0, 0])):
            d[0 if rt.failed == 0 else 1] += 1
    kit.finish(extra={"by_service_mode": {k: {"passed": v[0], "failed": v[1]}
                                          for k, v in sorted(by.items())},
                      "by_area": {k: {"passed": v[0], "failed": v[1]}
                                  for k, v in area.items()},
                      "checks": sum(rt.n for _, rt, _ in kit.results)},
               summary_word="survived")


if __name__ == "__main__":
    main()
