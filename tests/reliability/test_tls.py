#!/usr/bin/python3
"""TLS refusals (issue 5, "Proof"): fake Port or fake ACM presents a
certificate from an unknown CA, an expired one, or one for another host
name (tests/fakes/tlsca.py's test PKI); plus CA-bundle configuration.

Each bad-certificate case asserts: the binary refused (exit 2 when the
Port host is bad: nothing was done yet; 1 or 2 when the ACM host is bad:
the ACM call failed, nothing reached ACM), no request reached the bad
server (the fake saw a handshake fail and no HTTP request), no
certificate was created, and a clear message naming the host, the
reason and the fix (SSL_CERT_FILE / AWS_CA_BUNDLE) on stderr and, when
Port is reachable, in the run's FAILURE summary.

Summary: build/reliability/tls.json (kind "tls").
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from relkit import REGION, RUN_ID, Case, Kit, ctx  # noqa: E402

DOMAIN = "www.example.com"
BAD = {  # pki stem -> (what, reason regex)
    "other": ("unknown CA", r"not correctly signed|trusted CA|unknown ca|issuer"),
    "expired": ("expired certificate", r"expired"),
    "wronghost": ("wrong host name", r"\bCN\b|name|host"),
}
FIX = r"SSL_CERT_FILE|AWS_CA_BUNDLE"


def request(w, env=None, port=True, actions=True):
    w.add_run(RUN_ID)
    if actions:
        inputs = {"domain_name": DOMAIN, "aws_region": REGION}
        if port:
            inputs["port_context"] = ctx()
        return w.run("request", inputs=inputs, env=env, port_creds=port)
    return w.run("request", actions=False, port_creds=False,
                 inputs={"domain_name": DOMAIN, "region": REGION}, env=env)


def handshakes_failed(fake):
    """The fake's connection log, once its handler threads have noted how
    each handshake ended (they may lag behind the client's exit)."""
    deadline = time.monotonic() + 3
    while True:
        with fake.lock:
            log = [dict(c) for c in fake.conn_log]
            reqs = list(fake.requests)
        if all(c.get("tls") for c in log) or time.monotonic() > deadline:
            return log, reqs
        time.sleep(0.02)


def check_refused_by(t, fake, label):
    log, reqs = handshakes_failed(fake)
    t.ok(log and all(c.get("tls") == "failed" for c in log),
         f"every connection to {label} failed its TLS handshake", log)
    t.eq([q.get("route") for q in reqs], [], f"no HTTP request reached {label}")


def check_message(t, text, fake, reason, label):
    host = f"127.0.0.1:{fake.port}"
    t.contains(text, host, f"the message names the {label} host ({host})")
    t.match(text, reason, "the message gives the reason")
    t.match(text, FIX, "the message says how to fix it (SSL_CERT_FILE / AWS_CA_BUNDLE)")


def no_certificate(t, w):
    with w.acm.lock:
        t.eq(w.acm.requested, 0, "no certificate was created")


def run_bad_port(t, w, c):
    r = request(w)
    if not t.eq(r.rc, 2, "exit code 2 (Port refused before any AWS call)"):
        t.diag(r.describe())
    check_refused_by(t, w.port, "Port")
    with w.acm.lock:
        t.eq(w.acm.connections, 0, "ACM was not even contacted")
    no_certificate(t, w)
    check_message(t, r.stderr, w.port, BAD[c.bad][1], "Port")
    t.match(r.stderr, r"[Nn]othing was changed in AWS", "says nothing was changed in AWS")
    t.ok(r.errors, "an ::error:: annotation", r.stdout)


def run_bad_acm(t, w, c):
    r = request(w)
    if not t.eq(r.rc, 2, "refused: exit code 2 (a local mistake: fix the CA bundle)"):
        t.diag(r.describe())
    check_refused_by(t, w.acm, "ACM")
    no_certificate(t, w)
    check_message(t, r.stderr, w.acm, BAD[c.bad][1], "ACM")
    evs = w.port_events()
    term = [e for e in evs if e["kind"] == "terminal" and (e["status"] or 0) < 300]
    if t.eq(len(term), 1, "the Port run got one terminal update",
            [(e["kind"], e["status"]) for e in evs]):
        body = term[0]["body"] or {}
        t.eq(body.get("status"), "FAILURE", "the run ends FAILURE")
        check_message(t, body.get("summary") or "", w.acm, BAD[c.bad][1],
                      "ACM (run summary)")
    # The same without Port, as a plain CLI tool.
    r = request(w, actions=False)
    t.ok(r.rc == 2, "CLI: refused, exit code 2", r.describe())
    check_message(t, r.stderr, w.acm, BAD[c.bad][1], "ACM (CLI)")
    check_refused_by(t, w.acm, "ACM")


def run_missing_ca_file(t, w, c):
    path = os.path.join(w.dir, "no-such-ca.pem")
    r = request(w, env={"SSL_CERT_FILE": path})
    if not t.eq(r.rc, 2, "exit code 2"):
        t.diag(r.describe())
    t.contains(r.stderr, path, "the message names the missing file")
    t.match(r.stderr, r"SSL_CERT_FILE", "the message names SSL_CERT_FILE")
    t.match(r.stderr, r"No such file|cannot be read|not found|missing",
            "the message says the file cannot be read")
    t.eq(w.port.connections, 0, "no connection to Port with an unusable CA bundle")
    t.eq(w.acm.connections, 0, "no connection to ACM")


def run_garbage_ca_file(t, w, c):
    path = os.path.join(w.dir, "not-a-ca.pem")
    with open(path, "w") as f:
        f.write("this is not a PEM file\n")
    r = request(w, env={"SSL_CERT_FILE": path})
    if not t.eq(r.rc, 2, "exit code 2"):
        t.diag(r.describe())
    t.contains(r.stderr, path, "the message names the file")
    t.match(r.stderr, r"SSL_CERT_FILE", "the message names SSL_CERT_FILE")
    t.eq([q.get("route") for q in w.port.requests], [], "no HTTP request reached Port")
    t.eq(w.acm.connections, 0, "no connection to ACM")


def run_missing_aws_bundle(t, w, c):
    path = os.path.join(w.dir, "no-such-aws-ca.pem")
    r = request(w, env={"AWS_CA_BUNDLE": path})
    t.ok(r.rc == 2, "refused: exit code 2", r.describe())
    t.contains(r.stderr, path, "the message names the missing file")
    t.match(r.stderr, r"AWS_CA_BUNDLE", "the message names AWS_CA_BUNDLE (the setting "
            "that points there), not only SSL_CERT_FILE")
    t.eq(w.acm.connections, 0, "no connection to ACM")
    no_certificate(t, w)


def run_aws_bundle_acm_only(t, w, c):
    """SSL_CERT_FILE wrong for everything, AWS_CA_BUNDLE right: ACM is
    verified with AWS_CA_BUNDLE, Port is not."""
    env = {"SSL_CERT_FILE": w.suite.pki["other_ca"], "AWS_CA_BUNDLE": w.suite.ca_pem}
    r = request(w, env=env, port=False)
    if not t.eq(r.rc, 0, "no Port: ACM verified with AWS_CA_BUNDLE (exit 0)"):
        t.diag(r.describe())
    t.eq(len(w.acm_calls("RequestCertificate")), 1, "the request reached ACM")
    r = request(w, env=env)
    if not t.eq(r.rc, 2, "with Port: AWS_CA_BUNDLE is not used for Port (exit 2)"):
        t.diag(r.describe())
    check_refused_by(t, w.port, "Port")
    t.eq(len(w.acm_calls("RequestCertificate")), 1, "no second request reached ACM")


def run_aws_bundle_wins_for_acm(t, w, c):
    """SSL_CERT_FILE right, AWS_CA_BUNDLE wrong: Port works, ACM refused."""
    env = {"SSL_CERT_FILE": w.suite.ca_pem, "AWS_CA_BUNDLE": w.suite.pki["other_ca"]}
    r = request(w, env=env)
    t.ok(r.rc == 2, "ACM refused with the wrong AWS_CA_BUNDLE: exit 2", r.describe())
    check_refused_by(t, w.acm, "ACM")
    no_certificate(t, w)
    t.contains(r.stderr, w.suite.pki["other_ca"], "the message names the bundle used")
    term = [e for e in w.port_events() if e["kind"] == "terminal"]
    t.ok(term and (term[-1]["body"] or {}).get("status") == "FAILURE",
         "Port (verified with SSL_CERT_FILE) got the FAILURE", term)


def cases():
    out = []
    for stem, (what, _) in BAD.items():
        tls = lambda k, s=stem: (k.pki[s + "_cert"], k.pki[s + "_key"])  # noqa: E731
        out.append(Case(f"port-host-{stem}", run_bad_port, bad=stem, tls=tls,
                        target="port"))
        out.append(Case(f"acm-host-{stem}", run_bad_acm, bad=stem, tls=tls, target="acm"))
    out += [Case("ssl-cert-file-missing", run_missing_ca_file),
            Case("ssl-cert-file-not-pem", run_garbage_ca_file),
            Case("aws-ca-bundle-missing", run_missing_aws_bundle),
            Case("aws-ca-bundle-is-for-acm-only", run_aws_bundle_acm_only),
            Case("aws-ca-bundle-wins-for-acm", run_aws_bundle_wins_for_acm)]
    return out


def main():
    kit = Kit("tls", "tls")
    if not kit.setup():
        kit.finish(write=False)
    cs = cases()
    for c in cs:
        if hasattr(c, "tls"):
            pair = c.tls(kit)
            c.w_kwargs = ({"port_kwargs": {"tls": pair}} if c.target == "port"
                          else {"acm_kwargs": {"tls": pair}})
    kit.run(cs)
    kit.finish(summary_word="refused")


if __name__ == "__main__":
    main()
