#!/usr/bin/python3
"""Cancellation (issue 9): the runner cancels a Docker step with SIGINT,
then SIGTERM 7.5 s later, and port-acm is the container's PID 1, which the
kernel spares every signal it has no handler for
(github-action-runtime.md §1.10). Each test runs the real binary -- as PID
1 of a new PID namespace (unshare --pid --fork) or as a plain process --
signals it during a slow ACM call or during a wait, and asserts on what
the fakes saw: the terminal PATCH (FAILURE, "Cancelled", a summary of what
AWS did), no AWS call started after the signal, and the time from the
signal to the terminal PATCH, printed as a '#' line."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import BIN, REGION, ROOT, RUN_ID, Suite, terminal_events  # noqa: E402

S = Suite("cancel")
DOMAIN = "www.example.com"
PID1 = ["unshare", "--pid", "--fork"]
# Under ASan or valgrind (PORT_ACM_BIN is their wrapper) every step is many
# times slower: the behaviour is checked, the timings only loosely.
SLOW = 4.0 if os.path.realpath(BIN) != os.path.join(ROOT, "build", "port-acm") else 1.0
BUDGET_S = 5.0 * SLOW  # signal -> exit, so it lands before the runner's SIGTERM


def ctx():
    return json.dumps({"runId": RUN_ID})


def wait_for(cond, timeout=20.0, step=0.02):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = cond()
        if v:
            return v
        time.sleep(step)
    return None


def binary_pid(sp, pid1):
    """The host pid of port-acm: unshare's child when pid1, and whether it
    is PID 1 in its namespace (NSpid's last field)."""
    if not pid1:
        return sp.proc.pid, False

    def child():
        try:
            with open(f"/proc/{sp.proc.pid}/task/{sp.proc.pid}/children") as f:
                kids = f.read().split()
            return int(kids[0]) if kids else None
        except (OSError, ValueError):
            return None
    pid = wait_for(child, 10)
    if pid is None:
        return None, False
    # Wait for the exec: before it, the child is still unshare.
    wait_for(lambda: os.path.basename(os.readlink(f"/proc/{pid}/exe")) == "port-acm", 5)
    with open(f"/proc/{pid}/status") as f:
        ns = [ln.split()[1:] for ln in f if ln.startswith("NSpid:")]
    return pid, bool(ns and ns[0][-1] == "1")


def acm_requests(w):
    with w.acm.lock:
        return [dict(r) for r in w.acm.requests]


def port_reached(w, kind, pred=lambda e: True):
    return [e for e in w.port_events() if e["kind"] == kind and pred(e)]


def check_cancelled(t, w, r, sp_pid1, t_sig, sig, summary_res, what):
    """Exit code, the terminal PATCH, nothing in AWS after the signal; prints
    the signal -> terminal PATCH time."""
    t.eq(r.rc, 128 + sig, f"exit code {128 + sig} (128 + signal)", r.describe())
    term = terminal_events(w.port_events())
    if not t.eq(len(term), 1, "exactly one terminal update", r.describe()):
        return None
    e = term[0]
    b = e["body"] or {}
    t.eq(b.get("status"), "FAILURE", "terminal status FAILURE")
    t.eq(b.get("statusLabel"), "Cancelled", "statusLabel Cancelled")
    for rx in summary_res:
        t.match(b.get("summary") or "", rx, f"summary says {rx!r}", diag=b.get("summary"))
    with w.port.lock:
        t.eq(w.port.runs[RUN_ID]["status"], "FAILURE", "Port shows the run FAILURE")
    late = [(q["route"], round(q["time"] - t_sig, 3)) for q in acm_requests(w)
            if q["time"] >= t_sig]
    t.eq(late, [], "no AWS call started after the signal")
    ms = (e["time"] - t_sig) * 1000
    t.ok(ms < BUDGET_S * 1000, f"terminal PATCH within {BUDGET_S:.0f} s of the signal",
         f"{ms:.0f} ms")
    t.diag(f"cancel timing ({what}): signal -> terminal PATCH {ms:.0f} ms; "
           f"signal -> exit {r.elapsed_after_signal * 1000:.0f} ms")
    return b


def run_and_signal(t, w, inputs, trigger, sig, pid1, env=None, second=None):
    """Starts port-acm, waits for trigger(w), sends sig to it; returns
    (result, time of the signal, whether it ran as PID 1)."""
    sp = w.spawn("request", inputs=inputs, env=env, wrap=PID1 if pid1 else ())
    pid, is_pid1 = binary_pid(sp, pid1)
    if pid1:
        t.ok(is_pid1, "port-acm runs as PID 1 of its PID namespace")
    if not wait_for(lambda: trigger(w), 30):
        t.ok(False, "reached the point to cancel at")
        sp.proc.kill()
        r = sp.finish(10)
        t.diag(r.describe())
        return None, None
    t_sig = time.time()
    m_sig = time.monotonic()
    os.kill(pid, sig)
    if second is not None:
        time.sleep(second)
        os.kill(pid, sig)
    r = sp.finish(BUDGET_S + 10)
    r.elapsed_after_signal = time.monotonic() - m_sig
    t.ok(r.elapsed_after_signal < BUDGET_S, f"exited within {BUDGET_S:.0f} s of the signal",
         f"{r.elapsed_after_signal:.2f} s")
    return r, t_sig


def request_inputs(**kw):
    i = {"domain_name": DOMAIN, "aws_region": REGION, "port_context": ctx()}
    i.update(kw)
    return i


def in_flight(w):
    return any(q["route"] == "RequestCertificate" for q in acm_requests(w))


def waiting(w):
    return port_reached(w, "log", lambda e: "Waiting up to" in
                        str((e["body"] or {}).get("message")))


def during_slow_call(t, w, pid1, sig):
    w.add_run(RUN_ID)
    w.acm.fault("RequestCertificate", "slow", seconds=30)
    r, t_sig = run_and_signal(t, w, request_inputs(), in_flight, sig, pid1)
    if r is None:
        return
    check_cancelled(t, w, r, pid1, t_sig, sig,
                    [r"^Cancelled \(SIG", r"RequestCertificate .*in flight",
                     re.escape(DOMAIN)], f"{'PID 1' if pid1 else 'process'}, slow ACM call")
    t.eq(len([q for q in acm_requests(w) if q["route"] == "RequestCertificate"]), 1,
         "RequestCertificate sent once, not retried")
    t.eq(r.outputs.get("certificate_arn", ""), "", "no ARN output (none came back)")
    t.contains(r.stdout, "failed: Cancelled", "the result line on stdout says cancelled")


def during_wait(t, w, pid1, sig):
    w.add_run(RUN_ID)
    r, t_sig = run_and_signal(
        t, w, request_inputs(wait_for_issuance="true", timeout_minutes="30"),
        waiting, sig, pid1, env={"PORT_ACM_POLL_INTERVAL_MS": "20000"})
    if r is None:
        return
    arns = w.acm_arns()
    arn = arns[0] if arns else "arn:?"
    check_cancelled(t, w, r, pid1, t_sig, sig,
                    [r"^Cancelled \(SIG", re.escape(arn), r"was requested"],
                    f"{'PID 1' if pid1 else 'process'}, waiting for issuance")
    t.eq(r.outputs.get("certificate_arn"), arn, "the certificate_arn output is written")
    t.eq(r.outputs.get("run_id"), RUN_ID, "the run_id output is written")
    t.contains(r.summary or "", "Cancelled", "the step summary says cancelled")


@S.test
def pid1_sigint_during_slow_acm_call(t, w):
    during_slow_call(t, w, True, signal.SIGINT)


@S.test
def pid1_sigterm_during_wait(t, w):
    during_wait(t, w, True, signal.SIGTERM)


@S.test
def process_sigint_during_wait(t, w):
    during_wait(t, w, False, signal.SIGINT)


@S.test
def pid1_sigint_before_aws(t, w):
    # Port's first log line is slow: the cancel comes before any AWS call.
    w.add_run(RUN_ID)
    w.port.fault("log", "slow", seconds=30)
    r, t_sig = run_and_signal(
        t, w, request_inputs(),
        lambda w: any(q.get("route") == "log" for q in list(w.port.requests)),
        signal.SIGINT, True)
    if r is None:
        return
    check_cancelled(t, w, r, True, t_sig, signal.SIGINT,
                    [r"Nothing was changed in AWS"], "PID 1, before AWS")
    t.eq(acm_requests(w), [], "no ACM call at all")


@S.test
def defect_1_sigterm_during_throttled_sync(t, w):
    """defect 1: a cancelled sync keeps writing and leaves the Port run
    open. Port answers every bulk write 429 with Retry-After: 30; SIGTERM
    once the first one was refused must stop the writer at once: no bulk
    write after the signal, one terminal update "Cancelled", exit 143,
    all within the cancel budget."""
    w.add_blueprint("acmCertificate")
    w.add_run(RUN_ID)
    w.acm.bulk_load(300, regions=(REGION,))
    w.port.fault("bulk_upsert", "status", count=10 ** 6, status=429,
                 headers={"Retry-After": "30"})
    sp = w.spawn("sync", inputs={"regions": REGION, "port_context": ctx()})
    refused = lambda w: [q for q in list(w.port.requests)  # noqa: E731
                         if q.get("route") == "bulk_upsert"]
    if not t.ok(wait_for(lambda: refused(w), 30), "a bulk write was answered 429"):
        sp.proc.kill()
        t.diag(sp.finish(10).describe())
        return
    time.sleep(0.3)  # the writer is waiting out Retry-After now
    t_sig = time.time()
    m_sig = time.monotonic()
    sp.proc.send_signal(signal.SIGTERM)
    r = sp.finish(BUDGET_S + 40)
    r.elapsed_after_signal = time.monotonic() - m_sig
    t.ok(r.elapsed_after_signal < BUDGET_S, f"exited within {BUDGET_S:.0f} s of the signal",
         f"{r.elapsed_after_signal:.2f} s")
    check_cancelled(t, w, r, False, t_sig, signal.SIGTERM, [r"^Cancelled \(SIGTERM"],
                    "process, sync throttled by Port")
    late = [round(q["time"] - t_sig, 3) for q in list(w.port.requests)
            if q.get("route") in ("bulk_upsert", "bulk_delete", "search")
            and q["time"] >= t_sig]
    t.eq(late, [], "defect 1: no bulk write or search sent after the signal")


@S.test
def second_signal_ends_at_once(t, w):
    # The final report hangs (Port's terminal PATCH is slow): a second
    # signal must end the process at once, not after the cancel budget.
    w.add_run(RUN_ID)
    w.acm.fault("RequestCertificate", "slow", seconds=30)
    sp = w.spawn("request", inputs=request_inputs(), wrap=PID1)
    pid, _ = binary_pid(sp, True)
    if not wait_for(lambda: in_flight(w), 30):
        t.ok(False, "RequestCertificate reached the fake")
        sp.proc.kill()
        sp.finish(10)
        return
    w.port.fault("patch_run", "slow", seconds=30, count=10)
    os.kill(pid, signal.SIGINT)
    if not t.ok(wait_for(lambda: any(q.get("route") == "patch_run" and b'"status"' in q["body"]
                                     for q in list(w.port.requests)), 5),
                "the terminal PATCH is in flight"):
        sp.proc.kill()
        sp.finish(10)
        return
    m = time.monotonic()
    os.kill(pid, signal.SIGINT)
    r = sp.finish(10)
    dt = time.monotonic() - m
    t.eq(r.rc, 128 + signal.SIGINT, "exit code 130")
    t.ok(dt < 0.5 * SLOW, f"ended within {0.5 * SLOW:.1f} s of the second signal",
         f"{dt:.3f} s")


S.main()
