#!/usr/bin/python3
"""The exit-code rule, as one table (issue 9, defect 13): 1 = AWS failed
or refused, 2 = a local mistake (input, credentials, CA, unknown run),
3 = Port failed or out of reach, 128 + signal = cancelled. Every row runs
the binary against the fakes; the README's table must list the same codes
and render (one line per row)."""
import json
import os
import re
import signal
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import REGION, ROOT, RUN_ID, Suite  # noqa: E402

S = Suite("exit-codes")
DOMAIN = "www.example.com"


def req(**kw):
    i = {"domain_name": DOMAIN, "aws_region": REGION,
         "port_context": json.dumps({"runId": RUN_ID})}
    i.update(kw)
    return i


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def row_done(w):
    w.add_run(RUN_ID)
    return w.run("request", inputs=req())


def row_acm_refused(w):
    w.add_run(RUN_ID)
    w.acm_fault("RequestCertificate", "LimitExceededException", "too many", times=5)
    return w.run("request", inputs=req())


def row_bad_input(w):
    w.add_run(RUN_ID)
    return w.run("request", inputs=req(domain_name="not a domain"))


def row_port_credentials(w):
    w.add_run(RUN_ID)
    return w.run("request", inputs=req(port_client_secret="wrong-secret-123"))


def row_unknown_run(w):
    return w.run("request", inputs=req())  # no add_run: Port answers 404


def row_untrusted_port_ca(w):
    w.add_run(RUN_ID)
    return w.run("request", inputs=req(),
                 env={"SSL_CERT_FILE": w.suite.pki["other_ca"],
                      "AWS_CA_BUNDLE": w.suite.ca_pem})


def row_port_503_at_login(w):
    w.add_run(RUN_ID)
    w.port_fault("token", "status", status=503, times=None)
    return w.run("request", inputs=req(), timeout=120)


def row_port_down_at_login(w):
    w.add_run(RUN_ID)
    return w.run("request", inputs=req(
        port_base_url=f"https://127.0.0.1:{closed_port()}"), timeout=120)


def row_port_500_at_end(w):
    w.add_run(RUN_ID)
    w.port_fault("patch_run", "status", status=500, times=None)
    return w.run("request", inputs=req(), timeout=120)


def cancelled(sig):
    def row(w):
        w.add_run(RUN_ID)
        w.acm.fault("RequestCertificate", "slow", seconds=30)
        sp = w.spawn("request", inputs=req())
        end = time.monotonic() + 30
        while time.monotonic() < end and not any(
                q["route"] == "RequestCertificate" for q in list(w.acm.requests)):
            time.sleep(0.02)
        os.kill(sp.proc.pid, sig)
        return sp.finish(20)
    return row


TABLE = [
    ("done", row_done, 0, None),
    ("ACM refused the request", row_acm_refused, 1, None),
    ("bad input", row_bad_input, 2, None),
    ("Port credentials refused", row_port_credentials, 2, None),
    ("Port has no such run", row_unknown_run, 2, None),
    ("Port's certificate not trusted (SSL_CERT_FILE)", row_untrusted_port_ca, 2, None),
    ("Port 503 at login", row_port_503_at_login, 3, "once Port answers"),
    ("Port unreachable at login", row_port_down_at_login, 3, "once Port answers"),
    ("Port 500 on the final update", row_port_500_at_end, 3, None),
    ("SIGINT", cancelled(signal.SIGINT), 130, None),
    ("SIGTERM", cancelled(signal.SIGTERM), 143, None),
]


def make(name, fn, code, says):
    def test(t, w):
        r = fn(w)
        if not t.eq(r.rc, code, f"{name}: exit {code}"):
            t.diag(r.describe())
        if says:
            t.contains(r.stderr, says, f"{name}: says what to do ({says!r})")
        if code in (2, 3) and name.endswith("login"):
            t.eq(w.acm_calls(), [], f"{name}: nothing reached ACM")
    test.__name__ = re.sub(r"\W+", "_", name.lower()).strip("_")
    return test


for row in TABLE:
    S.test(make(*row))


@S.test
def half_parsed_config_still_reported(t, w):
    # A bad number after PORT_ACM_CONNECT_TIMEOUT_SECONDS used to leave the
    # timeout in seconds (1 -> 1 ms): the refusal never reached Port.
    w.add_run(RUN_ID)
    r = w.run("request", inputs=req(), env={"PORT_ACM_CONNECT_TIMEOUT_SECONDS": "1",
                                            "PORT_ACM_POLL_INTERVAL_MS": "0x10"})
    t.eq(r.rc, 2, "exit 2 (bad input)")
    with w.port.lock:
        run = w.port.runs[RUN_ID]
        t.eq((run["status"], run["statusLabel"]), ("FAILURE", "Invalid input"),
             "the refusal still ended the Port run", r.stderr)


@S.test
def readme_table_renders_and_matches(t, w):
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^## Exit codes\n(.*?)(?=^## )", text, re.S | re.M)
    if not t.ok(m, "README has an Exit codes section"):
        return
    lines = [ln for ln in m.group(1).split("\n") if ln.strip()]
    table = [ln for ln in lines if ln.startswith("|")]
    t.ok(table and all(ln.rstrip().endswith("|") for ln in table),
         "every table line starts and ends with | (a line break inside a cell breaks "
         "the table)", table)
    cols = {ln.count("|") - ln.count("\\|") for ln in table}
    t.eq(len(cols), 1, "every row has the same number of cells")
    codes = set()
    for ln in table[2:]:
        codes |= {int(c) for c in re.findall(r"\d+", ln.split("|")[1])}
    t.eq(codes, {c for _, _, c, _ in TABLE}, "the README lists exactly the codes tested")


S.main()
