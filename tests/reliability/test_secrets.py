#!/usr/bin/python3
"""Secret-leak scan (issue 5, "Proof"): run a representative set of
scenarios with recognisable secrets and scan everything written and sent.

Secrets: the AWS secret access key, the AWS session token, the Port
client secret and every Port access token the fake issues (it issues
recognisable ones, "LEAKCHECKportToken_...").

Scanned, in every scenario: stdout (except the exact ::add-mask:: line
of a secret), stderr, the GITHUB_OUTPUT file, the step summary, and
every header and body each fake received (faulted requests included),
for the raw value, its JSON-escaped and percent-encoded forms and a
12-character fragment. Where a secret legitimately belongs:
  - the Port token request body carries the client secret (clientSecret);
  - "Authorization: Bearer <token>" carries a Port token;
  - "X-Amz-Security-Token" carries the session token;
  - the AWS secret key belongs in no request at all (SigV4 never sends it).
Under Actions every secret the binary holds must be announced with
::add-mask:: before its first other appearance in stdout; the ones it
reads from the environment before any other line at all.

Summary: build/reliability/secret_leak.json (kind "secret_leak",
extra.leaks = "<scenario>: <where>").
"""
import base64
import hashlib
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from relkit import (REGION, RUN_ID, RUN_ROUTES, Case, Kit,  # noqa: E402
                    ctx, entity_for)
from harness import AWS_KEY_ID  # noqa: E402
from fakes.fake_sts import FakeContainer, FakeOIDC, FakeSTS  # noqa: E402

AWS_SECRET = "LEAKCHECKawsSecretKey/0123456789+abcdefghij"
# Real session tokens run past 1,000 characters (STS: "make no assumptions
# about the maximum size"): longer than any message buffer, so a redaction
# done after truncation would leave a fragment of it behind.
SESSION = "IQoJb3JpZ2luX2VjELEAKCHECKsessionToken/" + base64.b64encode(
    b"".join(hashlib.sha256(b"%d" % i).digest() for i in range(28))).decode()
PORT_SECRET = "LEAKCHECKportClientSecret-7f3a9e"
WRONG_SECRET = "LEAKCHECKwrongClientSecret-0b1c2d"
TOKEN_PREFIX = "LEAKCHECKportToken_"
DOMAIN = "www.example.com"

LEAKS = []  # "<scenario>: <where>" (written by the worker threads)


def variants(s):
    k = len(s) // 3
    return {s, json.dumps(s)[1:-1], urllib.parse.quote(s, safe=""),
            urllib.parse.quote_plus(s), s[k:k + 12]}


def found(hay, s):
    if not hay or not s:
        return False
    if isinstance(hay, bytes):
        hay = hay.decode("utf-8", "replace")
    return any(v in hay for v in variants(s))


class Scan:
    def __init__(self, t, case, secrets):
        self.t, self.case, self.secrets = t, case, secrets
        self.leaks = []

    def look(self, where, hay, names=None):
        for name, s in self.secrets.items():
            if names is not None and name not in names:
                continue
            if found(hay, s):
                self.leaks.append(f"{name} in {where}")

    def report(self, what):
        ok = self.t.ok(not self.leaks, what, self.leaks)
        if not ok:
            LEAKS.extend(f"{self.case.id}: {x}" for x in self.leaks)
        self.leaks = []
        return ok


def world_kwargs():
    return {"port_kwargs": {"client_secret": PORT_SECRET, "token_prefix": TOKEN_PREFIX}}


def prepare(w):
    w.add_run(RUN_ID)
    w.acm.credentials[AWS_KEY_ID] = (AWS_SECRET, SESSION)


def env_for(extra=None):
    e = {"AWS_SECRET_ACCESS_KEY": AWS_SECRET, "AWS_SESSION_TOKEN": SESSION,
         "INPUT_PORT_CLIENT_SECRET": PORT_SECRET, "PORT_CLIENT_SECRET": PORT_SECRET,
         "PORT_ACM_REQUEST_TIMEOUT_SECONDS": "2"}
    e.update(extra or {})
    return e


# ------------------------------------------------------------ scenarios

def sc_request(w):
    return w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                    "port_context": ctx()}, env=env_for()), 0


def sc_renew(w):
    arn = w.add_cert(domain=DOMAIN, type="PRIVATE", exported=True)
    return w.run("renew", inputs={"port_context": ctx(entity=entity_for(arn))},
                 env=env_for()), 0


def sc_delete(w):
    arn = w.add_cert(domain=DOMAIN)
    return w.run("delete", inputs={"port_context": ctx(entity=entity_for(arn))},
                 env=env_for()), 0


def sc_acm_failure(w):
    w.acm.fail("RequestCertificate", "AccessDeniedException",
               "User is not authorized to perform acm:RequestCertificate", count=10 ** 6)
    return w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                    "port_context": ctx()}, env=env_for()), 1


def sc_acm_signature_echo(w):
    """ACM's InvalidSignatureException quotes the canonical request,
    which holds the X-Amz-Security-Token value: it must not be passed on
    to Port or printed unmasked."""
    w.acm.credentials[AWS_KEY_ID] = ("not-the-secret-key", SESSION)
    return w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                    "port_context": ctx()}, env=env_for()), 1


def sc_acm_retry(w):
    w.acm.fault("RequestCertificate", "reset", count=1, after=True)
    w.acm.fault("DescribeCertificate", "status", count=1, status=503)
    return w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                    "port_context": ctx()}, env=env_for()), 0


def sc_port_failure(w):
    for r in RUN_ROUTES:
        w.port.fault(r, "status", count=10 ** 6, status=503)
    return w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                    "port_context": ctx()}, env=env_for()), 3


def sc_port_401(w):
    w.port.arm_revoke("terminal", 1)
    return w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                    "port_context": ctx()}, env=env_for()), 0


def sc_wrong_port_secret(w):
    return w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                    "port_context": ctx()},
                 env=env_for({"INPUT_PORT_CLIENT_SECRET": WRONG_SECRET})), 2


def sc_bad_input(w):
    return w.run("request", inputs={"domain_name": "$(id).example.com",
                                    "aws_region": REGION, "port_context": ctx()},
                 env=env_for()), 2


def sc_bad_context(w):
    return w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                    "port_context": '{"runId": ' + json.dumps(PORT_SECRET)
                                    + ', "x": }', "run_id": RUN_ID},
                 env=env_for()), 2


def sc_tls_failure(w):
    return w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                    "port_context": ctx()},
                 env=env_for({"SSL_CERT_FILE": w.suite.pki["other_ca"]})), 2


# --- credential sources (issue 10): the secrets they obtain ----------

ROLE = "arn:aws:iam::123456789012:role/port-acm"
NO_KEYS = {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None,
           "AWS_SESSION_TOKEN": None, "AWS_EC2_METADATA_DISABLED": "true"}


def _started(w, f):
    f.start()
    w.extra_fakes = getattr(w, "extra_fakes", []) + [f]
    return f


def _stop(w):
    for f in getattr(w, "extra_fakes", []):
        f.stop()


def sc_oidc_role(w):
    """GitHub OIDC -> STS: the request token, the JWT, the minted secret
    and (1,100-character) session token."""
    tls = w.suite.tls_kwargs()
    oidc = _started(w, FakeOIDC(**tls))
    sts = _started(w, FakeSTS(trust=[w.acm], region=REGION, oidc=oidc, **tls))
    sts.add_role(ROLE)
    e = dict(NO_KEYS, AWS_ENDPOINT_URL_STS=sts.url,
             ACTIONS_ID_TOKEN_REQUEST_URL=oidc.request_url(),
             ACTIONS_ID_TOKEN_REQUEST_TOKEN=oidc.request_token)
    try:
        r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                     "port_context": ctx(), "role_to_assume": ROLE},
                  env=env_for(e))
    finally:
        _stop(w)
    w.cred_secrets = {"oidc_request_token": oidc.request_token}
    for i, c in enumerate(oidc.calls):
        w.cred_secrets[f"oidc_jwt_{i + 1}"] = c.get("jwt")
    for i, x in enumerate(sts.issued):
        w.cred_secrets[f"sts_secret_{i + 1}"] = x["secret"]
        w.cred_secrets[f"sts_session_token_{i + 1}"] = x["token"]
    w.allowed_tokens = {x["token"] for x in sts.issued}
    return r, 0


def sc_container(w):
    """Container credentials with an authorization token file."""
    tok = "LEAKCHECKcontainerAuthToken-0123456789abcdef"
    ctr = _started(w, FakeContainer(trust=[w.acm], auth_token=tok))
    path = os.path.join(w.dir, "ctr-token")
    with open(path, "w") as f:
        f.write(tok)
    e = dict(NO_KEYS, AWS_CONTAINER_CREDENTIALS_FULL_URI=ctr.url + ctr.path,
             AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=path)
    try:
        r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                     "port_context": ctx()}, env=env_for(e))
    finally:
        _stop(w)
    w.cred_secrets = {"container_auth_token": tok}
    for i, x in enumerate(ctr.issued):
        w.cred_secrets[f"container_secret_{i + 1}"] = x["secret"]
        w.cred_secrets[f"container_session_token_{i + 1}"] = x["token"]
    w.allowed_tokens = {x["token"] for x in ctr.issued}
    return r, 0


def sc_sts_signature_echo(w):
    """AssumeRole signed with the environment keys (1,235-character
    session token) that STS does not accept: its SignatureDoesNotMatch
    quotes the canonical request, token included."""
    sts = _started(w, FakeSTS(trust=[w.acm], region=REGION,
                              credentials={AWS_KEY_ID: ("not-the-secret", SESSION)},
                              **w.suite.tls_kwargs()))
    sts.add_role(ROLE)
    try:
        r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                     "port_context": ctx(), "role_to_assume": ROLE},
                  env=env_for({"AWS_ENDPOINT_URL_STS": sts.url,
                               "AWS_EC2_METADATA_DISABLED": "true"}))
    finally:
        _stop(w)
    w.sts_errors = [c.get("error") for c in sts.calls]
    return r, 2


def sc_help(w):
    return w.run(None, args=["--help"], env=env_for()), 0


def sc_version(w):
    return w.run(None, args=["--version"], env=env_for()), 0


def sc_cli_request(w):
    return w.run("request", actions=False, inputs={"domain_name": DOMAIN, "region": REGION,
                                                   "run_id": RUN_ID},
                 env=env_for()), 0


SCENARIOS = [
    ("request-success", sc_request), ("renew-success", sc_renew),
    ("delete-success", sc_delete), ("acm-failure", sc_acm_failure),
    ("acm-signature-error-echo", sc_acm_signature_echo), ("acm-retries", sc_acm_retry),
    ("port-failure", sc_port_failure), ("port-401-mid-run", sc_port_401),
    ("wrong-port-secret", sc_wrong_port_secret), ("bad-input", sc_bad_input),
    ("bad-port-context", sc_bad_context), ("tls-failure", sc_tls_failure),
    ("help", sc_help), ("version", sc_version), ("cli-request", sc_cli_request),
    ("oidc-role", sc_oidc_role), ("container-credentials", sc_container),
    ("sts-signature-echo", sc_sts_signature_echo),
]
# Scenarios whose AWS credentials come from a source, not the env keys.
SOURCED = {"oidc-role", "container-credentials"}


# --------------------------------------------------------------- checks

def secrets_of(w, case):
    s = {"port_client_secret": PORT_SECRET}
    if case.id not in SOURCED:
        s.update({"aws_secret_key": AWS_SECRET, "session_token": SESSION})
    s.update({k: v for k, v in getattr(w, "cred_secrets", {}).items() if v})
    if case.id == "wrong-port-secret":
        s["wrong_port_client_secret"] = WRONG_SECRET
    for i, tok in enumerate(w.issued_tokens()):
        s[f"port_token_{i + 1}"] = tok
    return s


def scan_acm(scan, w):
    with w.acm.lock:
        reqs = list(w.acm.requests)
    allowed = getattr(w, "allowed_tokens", {SESSION})
    for i, q in enumerate(reqs):
        where = f"ACM request {i + 1} ({q.get('route')})"
        for k, v in q.get("header_items") or []:
            if k.lower() == "x-amz-security-token":
                if v not in allowed:
                    scan.leaks.append(f"{where}: X-Amz-Security-Token is not the token")
                scan.look(f"{where} header {k}", v,
                          names=[n for n in scan.secrets
                                 if scan.secrets[n] != v])
            else:
                scan.look(f"{where} header {k}", v)
        scan.look(f"{where} target", q.get("target"))
        scan.look(f"{where} body", q.get("body"))


def scan_port(scan, w):
    with w.port.lock:
        reqs = list(w.port.requests)
        tokens = set(w.port.tokens)
    for i, q in enumerate(reqs):
        where = f"Port request {i + 1} ({q.get('route')})"
        body = q.get("body") or b""
        if q.get("route") == "token":
            try:
                d = json.loads(body.decode("utf-8"))
            except ValueError:
                d = None
            if isinstance(d, dict) and "clientSecret" in d:
                d = dict(d)
                d.pop("clientSecret")
                body = json.dumps(d)
        scan.look(f"{where} body", body)
        scan.look(f"{where} target", q.get("target"))
        for k, v in q.get("header_items") or []:
            if k.lower() == "authorization" and v.startswith("Bearer ") \
                    and v[7:] in tokens:
                v = "Bearer <token>"
            scan.look(f"{where} header {k}", v)


def scan_outputs(scan, r):
    for i, line in enumerate(r.stdout.split("\n")):
        if any(line == "::add-mask::" + s for s in scan.secrets.values()):
            continue
        scan.look(f"stdout line {i + 1}", line)
    scan.look("stderr", r.stderr)
    scan.look("GITHUB_OUTPUT", r.outputs_text)
    scan.look("step summary", r.summary)


def check_masks(t, r, secrets, env_names):
    """Every secret held is masked before its first other stdout line;
    the environment's before any other line at all."""
    lines = r.stdout.split("\n")
    first_other = next((i for i, ln in enumerate(lines)
                        if ln and not ln.startswith("::add-mask::")), len(lines))
    for name, s in secrets.items():
        mask = next((i for i, ln in enumerate(lines) if ln == "::add-mask::" + s), None)
        other = next((i for i, ln in enumerate(lines)
                      if found(ln, s) and ln != "::add-mask::" + s), None)
        if not t.ok(mask is not None, f"{name} is ::add-mask::ed", r.stdout[:800]):
            continue
        t.ok(other is None or mask < other,
             f"{name}: the mask precedes its first other appearance in stdout",
             (mask, other))
        if name in env_names:
            t.ok(mask < first_other, f"{name} (from the environment) is masked before "
                 "any other stdout line", (mask, first_other))


def run_scenario(t, w, c):
    prepare(w)
    r, want = c.scenario(w)
    if not t.eq(r.rc, want, f"exit code {want} (the scenario happened)"):
        t.diag(r.describe())
    secrets = secrets_of(w, c)
    scan = Scan(t, c, secrets)
    scan_outputs(scan, r)
    scan.report("no secret in stdout, stderr, outputs or step summary")
    scan_acm(scan, w)
    scan.report("no secret in any ACM request, except the session token in "
                "X-Amz-Security-Token")
    scan_port(scan, w)
    scan.report("no secret in any Port request, except the client secret in the "
                "token request and the token in Authorization")
    with w.acm.lock:
        n_acm = len(w.acm.requests)
    if n_acm and c.id not in SOURCED:
        t.ok(all(found(dict((k.lower(), v) for k, v in q["header_items"])
                       .get("x-amz-security-token", ""), SESSION)
                 for q in w.acm.requests), "every ACM request carried the session token")
    actions = "GITHUB_ACTIONS" in r.env
    if actions:
        held = {k: v for k, v in secrets.items()}
        check_masks(t, r, held, {"aws_secret_key", "session_token", "port_client_secret",
                                 "wrong_port_client_secret"})
    else:
        t.eq(r.cmds("add-mask"), [], "no workflow commands outside Actions")
    if c.id == "sts-signature-echo":
        t.ok("SignatureDoesNotMatch" in getattr(w, "sts_errors", []),
             "STS answered SignatureDoesNotMatch (quoting the canonical request "
             "with the session token)", getattr(w, "sts_errors", None))
    if c.id == "port-401-mid-run":
        t.eq(len(w.issued_tokens()), 2, "two tokens issued (both scanned and masked)")
    if c.id == "acm-signature-error-echo":
        with w.acm.lock:
            echoed = [x for x in w.acm.calls if x.get("error") == "InvalidSignatureException"]
        t.ok(echoed, "ACM answered InvalidSignatureException (quoting the canonical "
             "request with the session token)")


def main():
    kit = Kit("secret_leak", "secret_leak")
    if not kit.setup():
        kit.finish(write=False)
    # The signature-echo scenario signs with a key the fake does not hold.
    cases = [Case(cid, run_scenario, scenario=fn, w_kwargs=world_kwargs(),
                  check_sigv4=cid != "acm-signature-error-echo")
             for cid, fn in SCENARIOS]
    kit.run(cases)
    kit.t.skip("no core file can hold a secret",
               "not testable here: needs a crash with core dumps enabled and the "
               "runner's core_pattern; the binary wipes its copies (config_free, "
               "port_free) but that is reviewed, not tested")
    kit.finish(extra={"leaks": LEAKS, "scenarios": [cid for cid, _ in SCENARIOS]},
               summary_word="clean")


if __name__ == "__main__":
    main()
