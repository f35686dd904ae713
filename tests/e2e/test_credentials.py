#!/usr/bin/python3
"""End-to-end tests of the AWS credential chain (issue 10): each source in
turn, with the fake STS, GitHub ID-token endpoint, container endpoint and
IMDSv2 (tests/fakes/fake_sts.py) beside the fake ACM and Port. The point
of every test is what the fakes received: the credentials that sign the
ACM requests are exactly the ones the source yielded."""
import json
import os
import re
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import (AWS_KEY_ID, AWS_SECRET, GH_RUN, REGION, RUN_ID,  # noqa: E402
                     Suite, check_rc, check_terminal, log_text)
from fakes.fake_sts import FakeContainer, FakeIMDS, FakeOIDC, FakeSTS  # noqa: E402

S = Suite("credentials")
DOMAIN = "www.example.com"
ROLE = "arn:aws:iam::123456789012:role/port-acm"


def ctx():
    return json.dumps({"runId": RUN_ID})


def inputs(**kw):
    d = {"domain_name": DOMAIN, "aws_region": REGION, "port_context": ctx()}
    d.update(kw)
    return d


def env(w, **kw):
    """No AWS keys (aws=False drops them), IMDS off unless asked."""
    e = {"AWS_ENDPOINT_URL_ACM": w.acm_url, "AWS_EC2_METADATA_DISABLED": "true",
         "AWS_CONFIG_FILE": os.path.join(w.dir, "none"),
         "AWS_SHARED_CREDENTIALS_FILE": os.path.join(w.dir, "none2")}
    e.update(kw)
    return e


def sts(w, role=None, **kw):
    """A fake STS whose minted keys the fake ACM accepts, with ROLE (role:
    add_role's conditions for it), stopped with the World."""
    s = w.start_fake(FakeSTS(trust=[w.acm], region=REGION,
                             **w.suite.tls_kwargs(), **kw))
    s.add_role(ROLE, **(role or {}))
    return s


def start(w, cls, **kw):
    return w.start_fake(cls(**kw))


def oidc_sts(w, tls=True, role=None, sts_kw=None, **oidc_kw):
    """GitHub's ID-token endpoint (tls: over HTTPS) and an STS that trusts
    it: (oidc, sts)."""
    oidc = start(w, FakeOIDC, **oidc_kw, **(w.suite.tls_kwargs() if tls else {}))
    return oidc, sts(w, oidc=oidc, role=role, **(sts_kw or {}))


def oidc_env(w, s, oidc, **kw):
    """env() of a workflow with id-token: write, STS at s."""
    return env(w, AWS_ENDPOINT_URL_STS=s.url,
               ACTIONS_ID_TOKEN_REQUEST_URL=oidc.request_url(),
               ACTIONS_ID_TOKEN_REQUEST_TOKEN=oidc.request_token, **kw)


def token_file(w, oidc):
    """A token GitHub issued for sts.amazonaws.com, in a file as a
    Kubernetes pod has it (IRSA): (token, path)."""
    req = urllib.request.Request(oidc.request_url() + "&audience=sts.amazonaws.com",
                                 headers={"Authorization": "Bearer " + oidc.request_token})
    with urllib.request.urlopen(req, timeout=10) as resp:
        jwt = json.loads(resp.read())["value"]
    return jwt, write(w, "token", jwt + "\n")


def imds_env(w, imds, **kw):
    """env() of a self-hosted runner with the fake IMDS."""
    return env(w, AWS_EC2_METADATA_DISABLED=None,
               AWS_EC2_METADATA_SERVICE_ENDPOINT=imds.url,
               RUNNER_ENVIRONMENT="self-hosted", **kw)


def akids(w):
    """The access key id each ACM request was signed with, in order."""
    out = []
    for c in w.acm_calls():
        auth = (c["headers"] or {}).get("authorization", "")
        m = re.search(r"Credential=([^/]+)/", auth)
        out.append(m.group(1) if m else None)
    return out


def check_signed_by(t, w, issued, what):
    keys = akids(w)
    t.ok(keys and all(k == issued["akid"] for k in keys),
         f"every ACM request signed with the {what} credentials", keys)
    toks = {(c["headers"] or {}).get("x-amz-security-token") for c in w.acm_calls()}
    t.eq(toks, {issued["token"]}, f"and carries the {what} session token")


def check_masked(t, r, secrets):
    for name, s in secrets.items():
        t.ok(s in r.masks, f"{name} masked with ::add-mask::")
        first = r.stdout.find(s)
        mask = r.stdout.find("::add-mask::" + s)
        t.ok(mask >= 0 and first == mask + len("::add-mask::"),
             f"{name}: the mask comes before any other use")
        t.ok(s not in r.stderr, f"{name} never on stderr")
        t.ok(s not in (r.outputs_text or ""), f"{name} not in the outputs")


@S.test
def oidc_role(t, w):
    oidc, s = oidc_sts(w)
    w.add_run(RUN_ID)
    r = w.run("request", aws=False, inputs=inputs(role_to_assume=ROLE),
              env=oidc_env(w, s, oidc, GITHUB_RUN_ATTEMPT="2"))
    check_rc(t, r, 0)
    t.eq([c["query"].get("audience") for c in oidc.calls],
         [["sts.amazonaws.com"]], "one ID token, for audience sts.amazonaws.com")
    calls = s.calls_of("AssumeRoleWithWebIdentity")
    t.eq(len(calls), 1, "one AssumeRoleWithWebIdentity")
    c = calls[0]
    t.ok(c["signed"] is False and c["status"] == 200,
         "unsigned, and the fake STS accepted the token", c.get("error"))
    t.eq(c["params"].get("WebIdentityToken"), oidc.calls[0].get("jwt"),
         "the token is the one GitHub issued")
    t.eq(c["params"].get("RoleSessionName"), f"port-acm-{GH_RUN}-2",
         "session name port-acm-<run id>-<attempt>")
    t.eq(c["params"].get("DurationSeconds"), 3600, "DurationSeconds 3600")
    check_signed_by(t, w, s.issued[0], "assumed role's")
    t.match(log_text(w.port_events(RUN_ID)),
            r"AWS credentials: role arn:aws:iam::123456789012:role/port-acm "
            r"by GitHub OIDC, expiring \d\d:\d\d UTC",
            "the Port log says which credentials, never what")
    check_masked(t, r, {"OIDC JWT": oidc.calls[0]["jwt"],
                        "request token": oidc.request_token,
                        "secret key": s.issued[0]["secret"],
                        "session token": s.issued[0]["token"]})
    check_terminal(t, w, "SUCCESS", r=r, link=False)


@S.test
def oidc_without_permission(t, w):
    w.add_run(RUN_ID)
    r = w.run("request", aws=False, inputs=inputs(role_to_assume=ROLE), env=env(w))
    check_rc(t, r, 2)
    t.match(r.stderr, r"permissions: id-token: write",
            "says to add permissions: id-token: write")
    t.eq(w.acm_calls(), [], "ACM never called")
    e = check_terminal(t, w, "FAILURE", r=r)
    if e:
        t.match(json.dumps(e["body"]), r"id-token: write", "the Port run says it too")


@S.test
def bad_role_arn_refused_before_any_call(t, w):
    """role_to_assume is checked like the other ARNs: partition, 12-digit
    account, no region, role/<name>; refused before OIDC, STS or ACM."""
    for bad, why in (("arn:aws:iam::12345:role/port-acm", "12 digits"),
                     ("arn:aws:iam:us-east-1:123456789012:role/x", "have none"),
                     ("arn:aws:iam::123456789012:user/port-acm", "role/"),
                     ("arn:aws:iam::123456789012:role/", "empty")):
        w.add_run(RUN_ID)
        r = w.run("request", aws=False, inputs=inputs(role_to_assume=bad), env=env(w))
        check_rc(t, r, 2)
        t.match(r.stderr, "role_to_assume.*" + re.escape(why), f"{bad}: says why")
    t.eq(w.acm_calls(), [], "ACM never called")


@S.test
def assume_role_from_env_keys(t, w):
    s = sts(w, role={"external_id": "ext-42"},
            credentials={AWS_KEY_ID: (AWS_SECRET, None)})
    w.add_run(RUN_ID)
    r = w.run("request", inputs=inputs(role_to_assume=ROLE, role_external_id="ext-42",
                                       role_duration_seconds="900",
                                       role_session_name="deploy/acm run"),
              env=env(w, AWS_ENDPOINT_URL_STS=s.url))
    check_rc(t, r, 0)
    calls = s.calls_of("AssumeRole")
    t.ok(len(calls) == 1 and calls[0]["signed"] and calls[0]["akid"] == AWS_KEY_ID,
         "AssumeRole signed (verified by botocore) with the environment keys",
         calls)
    if calls:
        p = calls[0]["params"]
        t.eq((p.get("ExternalId"), p.get("DurationSeconds"), p.get("RoleSessionName")),
             ("ext-42", 900, "deploy-acm-run"),
             "ExternalId, DurationSeconds, sanitised RoleSessionName")
    check_signed_by(t, w, s.issued[0], "assumed role's")
    check_masked(t, r, {"secret key": s.issued[0]["secret"],
                        "session token": s.issued[0]["token"]})


@S.test
def web_identity_token_file(t, w):
    oidc, s = oidc_sts(w, tls=False, role={"audience": "sts.amazonaws.com"})
    jwt, path = token_file(w, oidc)
    w.add_run(RUN_ID)
    r = w.run("request", aws=False, inputs=inputs(),
              env=env(w, AWS_ENDPOINT_URL_STS=s.url, AWS_ROLE_ARN=ROLE,
                      AWS_WEB_IDENTITY_TOKEN_FILE=path,
                      AWS_ROLE_SESSION_NAME="irsa-pod"))
    check_rc(t, r, 0)
    calls = s.calls_of("AssumeRoleWithWebIdentity")
    t.ok(len(calls) == 1 and calls[0]["params"]["WebIdentityToken"] == jwt
         and calls[0]["params"]["RoleSessionName"] == "irsa-pod",
         "the file's token (trimmed) and AWS_ROLE_SESSION_NAME", calls)
    check_signed_by(t, w, s.issued[0], "web identity")
    check_masked(t, r, {"token file JWT": jwt})


@S.test
def defect_6_web_identity_token_quoted_by_sts_is_redacted(t, w):
    """defect 6: a web identity or OIDC token quoted back by STS reaches
    the Port run. AssumeRoleWithWebIdentity is unsigned, yet the token it
    carries is redacted from STS's answer like any key: not in the Port
    run's log or summary, the job log or the step summary."""
    oidc, s = oidc_sts(w, tls=False, role={"audience": "sts.amazonaws.com"})
    jwt, path = token_file(w, oidc)
    s.fail("AssumeRoleWithWebIdentity", "AccessDenied",
           f"Not authorized to perform sts:AssumeRoleWithWebIdentity with token {jwt}",
           status=403, count=10)
    w.add_run(RUN_ID)
    r = w.run("request", aws=False, inputs=inputs(),
              env=env(w, AWS_ENDPOINT_URL_STS=s.url, AWS_ROLE_ARN=ROLE,
                      AWS_WEB_IDENTITY_TOKEN_FILE=path))
    t.ok(r.rc != 0, "the run fails", r.describe())
    t.eq(len(s.calls_of("AssumeRoleWithWebIdentity")) >= 1, True, "STS was asked")
    port_text = json.dumps([e["body"] for e in w.port_events()])
    t.ok("Not authorized to perform" in port_text + r.stderr,
         "STS's message itself is kept", r.stderr[-800:])
    t.ok(jwt not in port_text, "defect 6: the token is not in anything Port received")
    t.eq(r.unmasked_leaks([jwt]), [],
         "defect 6: the token is in no job log line, output or step summary")


def write(w, name, text):
    p = os.path.join(w.dir, name)
    with open(p, "w") as f:
        f.write(text)
    return p


# source_profile's long-term keys, and a profile's own static keys.
BASE_KEY = ("AKIDPROFILEBASE00001", "profileBaseSecret/xyz")
PROFILE_KEY = ("AKIDPROFILEKEYS00001", "profileSecret/abc")


def keys_file(w, profile, key):
    """A shared credentials file with one profile's keys (akid, secret)."""
    return write(w, "credentials", f"[{profile}]\naws_access_key_id = {key[0]}\n"
                                   f"aws_secret_access_key = {key[1]}\n")


def base_sts(w, **kw):
    """sts() that accepts BASE_KEY's signature (source_profile = base)."""
    return sts(w, credentials={BASE_KEY[0]: (BASE_KEY[1], None)}, **kw)


def profile_run(w, s, config, **kw):
    """A request with AWS_PROFILE=acm from `config` (the config file's
    text), base's keys in the credentials file and STS at s."""
    cfg = write(w, "config", config)
    cred = keys_file(w, "base", BASE_KEY)
    w.add_run(RUN_ID)
    return w.run("request", aws=False, inputs=inputs(),
                 env=env(w, AWS_ENDPOINT_URL_STS=s.url, AWS_PROFILE="acm",
                         AWS_CONFIG_FILE=cfg, AWS_SHARED_CREDENTIALS_FILE=cred, **kw))


@S.test
def profile_role_with_source_profile(t, w):
    s = base_sts(w)
    r = profile_run(w, s, f"[profile acm]\nrole_arn = {ROLE}\nsource_profile = base\n"
                          "role_session_name = from-profile\n")
    check_rc(t, r, 0)
    calls = s.calls_of("AssumeRole")
    t.ok(len(calls) == 1 and calls[0]["akid"] == "AKIDPROFILEBASE00001"
         and calls[0]["params"]["RoleSessionName"] == "from-profile",
         "AssumeRole signed with source_profile's keys", calls)
    check_signed_by(t, w, s.issued[0], "profile role's")


@S.test
def defect_11_middle_role_of_a_source_profile_chain_is_masked(t, w):
    """defect 11: intermediate role-hop credentials are never masked. In
    a two-role source_profile chain (acm -> middle -> base keys), the
    middle role's secret key and session token get ::add-mask:: too."""
    role2 = "arn:aws:iam::123456789012:role/middle"
    s = base_sts(w)
    s.add_role(role2)
    r = profile_run(w, s, f"[profile acm]\nrole_arn = {ROLE}\nsource_profile = middle\n"
                          f"[profile middle]\nrole_arn = {role2}\nsource_profile = base\n")
    check_rc(t, r, 0)
    calls = s.calls_of("AssumeRole")
    t.ok(len(calls) == 2 and calls[0]["params"]["RoleArn"] == role2
         and calls[1]["params"]["RoleArn"] == ROLE, "two hops: middle, then acm's role",
         [c["params"]["RoleArn"] for c in calls])
    middle = s.issued[0]
    t.ok(middle["secret"] in r.masks and middle["token"] in r.masks,
         "defect 11: the middle role's secret key and session token are masked",
         r.masks)
    last = s.issued[-1]
    t.ok(last["secret"] in r.masks and last["token"] in r.masks,
         "and the last role's too")
    check_signed_by(t, w, last, "last role's")


@S.test
def defect_19_mfa_serial_profile_is_refused_before_sts(t, w):
    """mfa_serial (issue 16, item 19): a role profile that needs an MFA
    code cannot be used by a workflow; it is refused, saying so, before
    any STS call (STS's AccessDenied would hide why)."""
    s = base_sts(w)
    r = profile_run(w, s, f"[profile acm]\nrole_arn = {ROLE}\nsource_profile = base\n"
                          "mfa_serial = arn:aws:iam::123456789012:mfa/alice\n")
    check_rc(t, r, 2)
    t.match(r.stderr, r"profile acm sets mfa_serial: .*one-time MFA code",
            "refused with the reason", diag=r.stderr[-1000:])
    t.eq(s.calls, [], "STS never called")
    t.eq(w.acm_calls(), [], "ACM never called")


@S.test
def profile_static_keys(t, w):
    w.acm.credentials[PROFILE_KEY[0]] = (PROFILE_KEY[1], None)
    cred = keys_file(w, "default", PROFILE_KEY)
    w.add_run(RUN_ID)
    r = w.run("request", aws=False, inputs=inputs(),
              env=env(w, AWS_SHARED_CREDENTIALS_FILE=cred))
    check_rc(t, r, 0)
    t.ok(akids(w) and set(akids(w)) == {"AKIDPROFILEKEYS00001"},
         "ACM signed with the [default] profile's keys", akids(w))
    t.ok("profileSecret/abc" in r.masks, "the profile's secret key masked")


@S.test
def credential_process_refused(t, w):
    cfg = write(w, "config", "[default]\ncredential_process = /bin/echo {}\n")
    w.add_run(RUN_ID)
    r = w.run("request", aws=False, inputs=inputs(), env=env(w, AWS_CONFIG_FILE=cfg))
    check_rc(t, r, 2)
    t.match(r.stderr, r"credential_process, which port-acm refuses",
            "credential_process refused, with why")
    t.eq(w.acm_calls(), [], "ACM never called")


@S.test
def container_credentials_eks(t, w):
    tok = "eksPodIdentityToken-" + "x" * 40
    ctr = start(w, FakeContainer, trust=[w.acm], auth_token=tok)
    path = write(w, "eks-token", tok + "\n")
    w.add_run(RUN_ID)
    r = w.run("request", aws=False, inputs=inputs(),
              env=env(w, AWS_CONTAINER_CREDENTIALS_FULL_URI=ctr.url + ctr.path,
                      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=path))
    check_rc(t, r, 0)
    t.eq([(c["path"], c["auth"]) for c in ctr.calls], [(ctr.path, tok)],
         "one GET with the token file's Authorization")
    check_signed_by(t, w, ctr.issued[0], "container")
    check_masked(t, r, {"container auth token": tok,
                        "secret key": ctr.issued[0]["secret"]})


@S.test
def container_token_quoted_back_is_redacted(t, w):
    """fuzz_metadata's finding (tests/fuzz/regressions/fuzz_metadata/):
    a container endpoint whose answer quotes the Authorization token
    back put the token into the chain's reason, which reaches the run
    log and Port's run, where GitHub's mask does not apply (the class
    of defect 6)."""
    tok = "eksPodIdentityToken-" + "q" * 40
    ctr = start(w, FakeContainer, trust=[w.acm], auth_token=tok,
                quote_token=True)
    w.add_run(RUN_ID)
    r = w.run("request", aws=False, inputs=inputs(),
              env=env(w, AWS_CONTAINER_CREDENTIALS_FULL_URI=ctr.url + ctr.path,
                      AWS_CONTAINER_AUTHORIZATION_TOKEN=tok))
    check_rc(t, r, 2)
    t.ok(ctr.calls and all(c["auth"] == tok for c in ctr.calls),
         "the endpoint got the token (and quoted it back)", ctr.calls)
    t.match(r.stderr, r"answered without AccessKeyId: no role for token \*\*\*",
            "the reason keeps the endpoint's message, the token redacted",
            diag=r.stderr[-800:])
    shown = [ln for ln in (r.stdout + r.stderr).splitlines()
             if not ln.startswith("::add-mask::")]
    t.ok(not any(tok in ln for ln in shown),
         "the token is nowhere in the output but its ::add-mask::")
    evs = w.port_events(RUN_ID)
    t.ok(evs and tok not in json.dumps([e["body"] for e in evs]),
         "nor in anything Port's run received")
    check_terminal(t, w, "FAILURE", r=r)


@S.test
def container_credentials_bad_host(t, w):
    w.add_run(RUN_ID)
    r = w.run("request", aws=False, inputs=inputs(),
              env=env(w, AWS_CONTAINER_CREDENTIALS_FULL_URI="http://10.1.2.3/creds"))
    check_rc(t, r, 2)
    t.match(r.stderr, r"neither https nor a container credentials host",
            "plain http to another host refused before any request")


@S.test
def defect_5_userinfo_does_not_bypass_the_container_host_allowlist(t, w):
    """defect 5: userinfo bypasses the container-credentials host
    allowlist. "169.254.170.2:x@" is a user name and password to curl,
    which connects to the host after the '@': refused before any request,
    and the token is sent nowhere."""
    tok = "containerAuthToken-" + "y" * 40
    ctr = start(w, FakeContainer, trust=[w.acm], auth_token=tok)
    w.add_run(RUN_ID)
    port = ctr.url.rsplit(":", 1)[1].split("/")[0]
    for url in ("http://169.254.170.2:x@0.0.0.0/creds",
                f"http://169.254.170.2@127.0.0.1:{port}{ctr.path}",
                f"https://user:pw@127.0.0.1:{port}{ctr.path}"):
        r = w.run("request", aws=False, inputs=inputs(),
                  env=env(w, AWS_CONTAINER_CREDENTIALS_FULL_URI=url,
                          AWS_CONTAINER_AUTHORIZATION_TOKEN=tok))
        check_rc(t, r, 2)
        t.match(r.stderr, r"AWS_CONTAINER_CREDENTIALS_FULL_URI .*refused: .*user name or password",
                f"defect 5: {url}: refused for its userinfo", diag=r.stderr[-800:])
    t.eq(ctr.calls, [], "defect 5: the container endpoint received nothing")
    t.eq(w.acm_calls(), [], "ACM never called")


@S.test
def imds_v2(t, w):
    imds = start(w, FakeIMDS, trust=[w.acm])
    w.add_run(RUN_ID)
    r = w.run("request", aws=False, inputs=inputs(),
              env=imds_env(w, imds))
    check_rc(t, r, 0)
    seq = [(c["method"], c["path"]) for c in imds.calls]
    t.eq(seq[:3], [("PUT", "/latest/api/token"),
                   ("GET", "/latest/meta-data/iam/security-credentials/"),
                   ("GET", "/latest/meta-data/iam/security-credentials/"
                           + FakeIMDS.ROLE)], "token PUT first, then the role")
    t.ok(all(c["headers"].get("x-aws-ec2-metadata-token") for c in imds.calls[1:]),
         "every GET carries the IMDSv2 token")
    check_signed_by(t, w, imds.issued[0], "instance profile")


@S.test
def imds_role_name_with_raw_bytes_is_refused(t, w):
    """fuzz_metadata's finding (tests/fuzz/regressions/fuzz_metadata/):
    the role name IMDS answers went into the next URL as it was, so a
    tab or a non-ASCII byte reached the request line unencoded. Only an
    IAM role name is used; anything else stops before a third request."""
    imds = start(w, FakeIMDS, trust=[w.acm])
    w.add_run(RUN_ID)
    for role in ("ec2-r\u00f4le", "ec2\trole", "a" * 65):
        imds.ROLE = role
        with imds.lock:
            imds.calls.clear()
        w.reset_run(RUN_ID)
        r = w.run("request", aws=False, inputs=inputs(),
                  env=imds_env(w, imds))
        check_rc(t, r, 2, f"{role!r}: exit 2, no credentials")
        t.match(r.stderr, r"EC2 instance metadata named no usable role",
                f"{role!r}: refused, saying why", diag=r.stderr[-600:])
        t.eq([(c["method"], c["path"]) for c in imds.calls],
             [("PUT", "/latest/api/token"),
              ("GET", "/latest/meta-data/iam/security-credentials/")],
             f"{role!r}: IMDS got no request for that name")
    t.eq(w.acm_calls(), [], "ACM never called")


@S.test
def imds_never_on_github_hosted_or_disabled(t, w):
    imds = start(w, FakeIMDS, trust=[w.acm])
    w.add_run(RUN_ID)
    for name, extra in (("github-hosted", {"AWS_EC2_METADATA_DISABLED": None,
                                           "RUNNER_ENVIRONMENT": "github-hosted"}),
                        ("disabled", {"AWS_EC2_METADATA_DISABLED": "TRUE",
                                      "RUNNER_ENVIRONMENT": "self-hosted"})):
        w.reset_run(RUN_ID)
        r = w.run("request", aws=False, inputs=inputs(),
                  env=env(w, AWS_EC2_METADATA_SERVICE_ENDPOINT=imds.url, **extra))
        check_rc(t, r, 2, f"{name}: exit 2, no credentials")
        t.eq(imds.calls, [], f"{name}: IMDS never contacted")
        why = r.stderr
        for src in ("environment: AWS_ACCESS_KEY_ID is not set",
                    "web identity token file: AWS_WEB_IDENTITY_TOKEN_FILE is not set",
                    "shared config/credentials files: no shared config",
                    "container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                    "EC2 instance metadata: "):
            t.ok(src in why, f"{name}: the error lists '{src[:40]}'", why)
        t.match(why, r"role_to_assume.*id-token: write", f"{name}: and the likely fix")
    e = check_terminal(t, w, "FAILURE", r=r)
    if e:
        t.match(json.dumps(e["body"]), r"no AWS credentials", "the Port run ends with it")


@S.test
def refreshed_during_wait(t, w):
    """Credentials that expire within 5 minutes are refreshed between
    requests: the fake STS hands out 303-second sessions and the wait
    lasts several seconds."""
    oidc, s = oidc_sts(w)
    s.duration_cap = 303
    w.acm_configure(issue_after=6)
    w.add_run(RUN_ID)
    r = w.run("request", aws=False,
              inputs=inputs(role_to_assume=ROLE, wait_for_issuance="true",
                            timeout_minutes="1"),
              env=oidc_env(w, s, oidc, PORT_ACM_POLL_INTERVAL_MS="1000"), timeout=90)
    check_rc(t, r, 0)
    n = len(s.calls_of("AssumeRoleWithWebIdentity"))
    t.ok(n >= 2, "refreshed at least once during the wait", n)
    t.eq(len(oidc.calls), n, "a fresh GitHub token for every exchange")
    keys = akids(w)
    issued = [i["akid"] for i in s.issued]
    t.ok(len(set(keys)) >= 2 and set(keys) <= set(issued),
         "later ACM requests signed with the refreshed credentials", keys)
    t.ok(keys == sorted(keys, key=issued.index), "never an older key after a newer one")


@S.test
def defect_9_expired_sts_credentials_are_refused_at_receipt(t, w):
    """defect 9: already-expired STS credentials are accepted, and STS is
    then called again before every AWS request. The fake STS hands out
    sessions that ended a minute ago: refused once, saying why (clock
    skew), with no ACM request and no second STS call."""
    oidc, s = oidc_sts(w)
    s.duration_cap = -60
    w.add_run(RUN_ID)
    r = w.run("request", aws=False, inputs=inputs(role_to_assume=ROLE),
              env=oidc_env(w, s, oidc))
    t.ok(r.rc != 0, "the run fails", r.describe())
    t.eq(len(s.calls_of("AssumeRoleWithWebIdentity")), 1,
         "defect 9: STS asked once, not before every request")
    t.eq(w.acm_calls(), [], "defect 9: no ACM request with expired credentials")
    t.match(r.stderr, r"expired at .* refusing them.*clock skew",
            "defect 9: the refusal says why and names clock skew",
            diag=r.stderr[-1500:])


@S.test
def defect_7_config_parser_has_no_entry_cap(t, w):
    """defect 7: the shared config parser stops silently after 512
    entries. The profile to use comes after 700 entries of others: it is
    found and its keys sign the ACM requests. A file past the size limit
    is refused, saying so."""
    others = "".join(f"[profile p{i}]\nregion = eu-west-1\noutput = json\n"
                     for i in range(350))
    cfg = write(w, "config", others + "[profile target]\nregion = eu-west-1\n")
    creds = write(w, "credentials", "".join(f"[p{i}]\naws_access_key_id = AKIAOTHER{i:011d}\n"
                                            for i in range(600))
                  + f"[target]\naws_access_key_id = {AWS_KEY_ID}\n"
                  f"aws_secret_access_key = {AWS_SECRET}\n")
    w.add_run(RUN_ID)
    r = w.run("request", aws=False, inputs=inputs(),
              env=env(w, AWS_CONFIG_FILE=cfg, AWS_SHARED_CREDENTIALS_FILE=creds,
                      AWS_PROFILE="target"))
    check_rc(t, r, 0)
    keys = akids(w)
    t.ok(keys and all(k == AWS_KEY_ID for k in keys),
         "defect 7: the profile after 700 entries is found and signs", keys)
    w.reset_run(RUN_ID)
    n = len(w.acm_calls())
    big = write(w, "big", "[default]\n" + "# padding\n" * 120000
                + f"aws_access_key_id = {AWS_KEY_ID}\naws_secret_access_key = {AWS_SECRET}\n")
    r = w.run("request", aws=False, inputs=inputs(),
              env=env(w, AWS_SHARED_CREDENTIALS_FILE=big))
    check_rc(t, r, 2)
    t.match(r.stderr, r"larger than 1048576 bytes; port-acm refuses it",
            "defect 7: a file too large is refused by size, saying so", diag=r.stderr[-1000:])
    t.eq(len(w.acm_calls()), n, "no ACM call")


@S.test
def item_17_role_profile_comes_before_web_identity_as_in_botocore(t, w):
    """issue 16, item 17: botocore's order is environment keys, then a
    profile's role_arn with source_profile/credential_source, then web
    identity. With both set up, the profile's role is assumed (as the AWS
    CLI would) and no AssumeRoleWithWebIdentity is made."""
    oidc = start(w, FakeOIDC)
    s = base_sts(w, oidc=oidc)
    web_role = "arn:aws:iam::123456789012:role/irsa"
    s.add_role(web_role)
    tok = write(w, "token", "not-used-token\n")
    r = profile_run(w, s, f"[profile acm]\nrole_arn = {ROLE}\nsource_profile = base\n",
                    AWS_ROLE_ARN=web_role, AWS_WEB_IDENTITY_TOKEN_FILE=tok)
    check_rc(t, r, 0)
    t.eq([(c["action"], c["params"]["RoleArn"], c["akid"]) for c in s.calls],
         [("AssumeRole", ROLE, "AKIDPROFILEBASE00001")],
         "item 17: only the profile's AssumeRole, signed with source_profile's keys")
    check_signed_by(t, w, s.issued[0], "profile role's")


@S.test
def item_14_role_chaining_off_uses_oidc_even_with_keys_in_the_environment(t, w):
    """issue 16, item 14: with role_to_assume, keys already in the
    environment (an earlier configure-aws-credentials step) and GitHub
    OIDC, configure-aws-credentials uses OIDC unless role-chaining: true.
    role_chaining true assumes the role with those keys; a chained
    session asking for more than 3600 s is refused before any call."""
    oidc, s = oidc_sts(w, sts_kw={"credentials": {AWS_KEY_ID: (AWS_SECRET, None)}})
    e = oidc_env(w, s, oidc)
    w.add_run(RUN_ID)
    r = w.run("request", inputs=inputs(role_to_assume=ROLE), env=e)
    check_rc(t, r, 0)
    t.eq([(c["action"], c["signed"]) for c in s.calls],
         [("AssumeRoleWithWebIdentity", False)],
         "item 14: role_chaining off: OIDC, no AssumeRole with the keys")
    t.eq(len(oidc.calls), 1, "one ID token fetched")
    check_signed_by(t, w, s.issued[0], "OIDC role's")
    w.reset_run(RUN_ID)
    del s.calls[:]
    r = w.run("request", inputs=inputs(role_to_assume=ROLE, role_chaining="true"), env=e)
    check_rc(t, r, 0)
    t.eq([(c["action"], c["akid"]) for c in s.calls], [("AssumeRole", AWS_KEY_ID)],
         "item 14: role_chaining true: AssumeRole signed with the environment keys")
    t.eq(len(oidc.calls), 1, "and no new ID token")
    w.reset_run(RUN_ID)
    del s.calls[:]
    r = w.run("request", inputs=inputs(role_to_assume=ROLE, role_chaining="true",
                                       role_duration_seconds="7200"), env=e)
    check_rc(t, r, 2)
    t.match(r.stderr, r"role_duration_seconds 7200 is more than 3600.*chained",
            "item 14: a chained session over 3600 s is refused, saying why",
            diag=r.stderr[-800:])
    t.eq(s.calls, [], "and STS was not asked")


@S.test
def item_18_invalid_identity_token_is_retried_once_with_a_fresh_token(t, w):
    """issue 16, item 18: STS answers InvalidIdentityToken for set-up
    errors that never pass ("No OpenIDConnect provider found"). Asked
    again once, with a freshly fetched token (never the same one), then
    explained."""
    oidc, s = oidc_sts(w)
    s.no_oidc_provider = True
    w.add_run(RUN_ID)
    r = w.run("request", aws=False, inputs=inputs(role_to_assume=ROLE),
              env=oidc_env(w, s, oidc))
    check_rc(t, r, 2)
    calls = s.calls_of("AssumeRoleWithWebIdentity")
    sent = [c["params"]["WebIdentityToken"] for c in calls]
    t.eq(len(sent), 2, "item 18: two AssumeRoleWithWebIdentity, no more", sent)
    t.eq(sent, [c.get("jwt") for c in oidc.calls],
         "each with a token GitHub had just issued")
    t.ok(len(set(sent)) == len(sent), "item 18: never the same token twice")
    t.match(r.stderr, r"InvalidIdentityToken: No OpenIDConnect provider found.*"
            r"freshly fetched token too.*OpenID Connect provider",
            "then explained", diag=r.stderr[-1200:])
    t.eq(w.acm_calls(), [], "ACM never called")
    # A token file that was not rotated holds the same token: it is
    # not sent a second time.
    path = write(w, "token", oidc.calls[-1]["jwt"] + "\n")
    n = len(s.calls_of("AssumeRoleWithWebIdentity"))
    w.reset_run(RUN_ID)
    r = w.run("request", aws=False, inputs=inputs(),
              env=env(w, AWS_ENDPOINT_URL_STS=s.url, AWS_ROLE_ARN=ROLE,
                      AWS_WEB_IDENTITY_TOKEN_FILE=path))
    check_rc(t, r, 2)
    t.eq(len(s.calls_of("AssumeRoleWithWebIdentity")) - n, 1,
         "item 18: a token file's unchanged token is sent once")


@S.test
def item_15_imdsv1_fallback_as_the_sdks_do(t, w):
    """issue 16, item 15: botocore falls back to IMDSv1 when the token PUT
    times out (hop limit 1 in a container) or answers 403/404/405, unless
    AWS_EC2_METADATA_V1_DISABLED is true; the log says v1 was used and how
    to fix the hop limit."""
    w.add_run(RUN_ID)
    for put in ("hang", 403):
        imds = start(w, FakeIMDS, trust=[w.acm], v1=True, token_put=put)
        w.reset_run(RUN_ID)
        n = len(akids(w))
        r = w.run("request", aws=False, inputs=inputs(),
                  env=imds_env(w, imds))
        check_rc(t, r, 0, f"item 15: token PUT {put}: credentials by IMDSv1")
        seq = [(c["method"], c["path"]) for c in imds.calls]
        t.eq(seq[:3], [("PUT", "/latest/api/token"),
                       ("GET", "/latest/meta-data/iam/security-credentials/"),
                       ("GET", "/latest/meta-data/iam/security-credentials/"
                               + FakeIMDS.ROLE)],
             f"item 15: token PUT {put}: then the v1 GETs")
        t.ok(not any(c["headers"].get("x-aws-ec2-metadata-token")
                     for c in imds.calls[1:]), "without a token")
        keys = akids(w)[n:]
        t.ok(keys and set(keys) == {imds.issued[0]["akid"]},
             "ACM signed with the instance profile's credentials", keys)
        t.match(r.stderr, r"IMDSv1.*hop limit to 2.*--http-put-response-hop-limit 2",
                f"item 15: token PUT {put}: the log says v1 and how to fix it",
                diag=r.stderr[-1000:])
    imds = start(w, FakeIMDS, trust=[w.acm], v1=True, token_put=403)
    w.reset_run(RUN_ID)
    r = w.run("request", aws=False, inputs=inputs(),
              env=imds_env(w, imds, AWS_EC2_METADATA_V1_DISABLED="true"))
    check_rc(t, r, 2, "item 15: AWS_EC2_METADATA_V1_DISABLED=true: no fallback")
    t.eq([c["method"] for c in imds.calls], ["PUT"], "only the token PUT")
    t.match(r.stderr, r"AWS_EC2_METADATA_V1_DISABLED is true", "and says why")


@S.test
def item_13_access_denied_prints_the_token_claims_and_a_matching_condition(t, w):
    """issue 16, item 13: GitHub's immutable subject claims (changelog
    2026-04-23) put the owner and repository ids in the default sub, so a
    trust policy on repo:<org>/<repo>:ref:... alone is AccessDenied. The
    refusal shows the token's non-secret claims and the condition that
    would match, never the token or its signature."""
    oidc, s = oidc_sts(w, role={"sub": "repo:acme/certs:ref:refs/heads/main"},
                       immutable=True)
    w.add_run(RUN_ID)
    r = w.run("request", aws=False, inputs=inputs(role_to_assume=ROLE),
              env=oidc_env(w, s, oidc))
    check_rc(t, r, 2)
    calls = s.calls_of("AssumeRoleWithWebIdentity")
    t.eq([c["error"] for c in calls], ["AccessDenied"],
         "STS received the token and refused it (AccessDenied)")
    sub = "repo:acme@1001/certs@2002:ref:refs/heads/main"
    for claim in ("sub=" + sub, "aud=sts.amazonaws.com",
                  "iss=https://token.actions.githubusercontent.com",
                  "repository=acme/certs", "ref=refs/heads/main",
                  "job_workflow_ref=acme/certs/.github/workflows/acm.yml@refs/heads/main"):
        t.ok(claim in r.stderr, f"item 13: the refusal shows {claim.split('=')[0]}",
             r.stderr[-1500:])
    t.ok('"token.actions.githubusercontent.com:sub": "' + sub + '"' in r.stderr,
         "item 13: and the trust-policy condition that matches it", r.stderr[-1500:])
    jwt = oidc.calls[0]["jwt"]
    out = r.stdout.replace("::add-mask::" + jwt, "")
    for name, part in (("token", jwt), ("signature", jwt.rsplit(".", 1)[1])):
        t.ok(part not in r.stderr and part not in out,
             f"item 13: the {name} is never printed")


@S.test
def item_16_region_from_the_profile_for_a_profile_only_setup(t, w):
    """issue 16, item 16: the SDKs read the profile's region; a
    profile-only setup (no aws_region, AWS_REGION or AWS_DEFAULT_REGION)
    works in that region instead of stopping at "no AWS region"."""
    w.acm.credentials[PROFILE_KEY[0]] = (PROFILE_KEY[1], None)
    cfg = write(w, "config", f"[profile acm]\nregion = {REGION}\n")
    cred = keys_file(w, "acm", PROFILE_KEY)
    w.add_run(RUN_ID)
    n = len(w.acm_calls())
    ins = inputs()
    del ins["aws_region"]
    r = w.run("request", aws=False, inputs=ins,
              env=env(w, AWS_CONFIG_FILE=cfg, AWS_SHARED_CREDENTIALS_FILE=cred,
                      AWS_PROFILE="acm", AWS_REGION=None, AWS_DEFAULT_REGION=None))
    check_rc(t, r, 0, "item 16: a profile-only setup runs", )
    scopes = set()
    for c in w.acm_calls()[n:]:
        m = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/acm/",
                      (c["headers"] or {}).get("authorization", ""))
        scopes.add(m.group(1) if m else None)
    t.eq(scopes, {REGION}, "item 16: ACM was called and signed in the profile's region")


def closed_port():
    """A 127.0.0.1 port nothing listens on: a connect is refused."""
    import socket
    so = socket.socket()
    so.bind(("127.0.0.1", 0))
    port = so.getsockname()[1]
    so.close()
    return port


@S.test
def credential_endpoint_down_is_a_runtime_failure(t, w):
    """A credentials endpoint the environment points at (container
    credentials; IMDS at AWS_EC2_METADATA_SERVICE_ENDPOINT) that is
    down, refusing connections or answering 5xx, is not the user's
    input: exit 1 (as ACM unreachable), the message says which endpoint
    did not answer and what to check, never "set role_to_assume"; the
    Port run ends FAILURE with it. An endpoint that answers 4xx stays
    the user's configuration: exit 2."""
    dead = f"http://127.0.0.1:{closed_port()}"
    ctr = start(w, FakeContainer, trust=[w.acm])
    ctr.fault("*", "status", count=3, status=503, body=b"agent restarting")
    imds = start(w, FakeIMDS, trust=[w.acm])
    imds.fault("*", "status", count=10, status=500, body=b"")
    cases = (
        ("container refused", dict(AWS_CONTAINER_CREDENTIALS_FULL_URI=dead + "/creds"),
         r"container credentials endpoint http://127\.0\.0\.1:\d+/creds was not reachable"),
        ("container 503", dict(AWS_CONTAINER_CREDENTIALS_FULL_URI=ctr.url + ctr.path),
         r"container credentials endpoint .* was not reachable .*HTTP 503"),
        ("IMDS refused", dict(AWS_EC2_METADATA_DISABLED=None, RUNNER_ENVIRONMENT="self-hosted",
                              AWS_EC2_METADATA_SERVICE_ENDPOINT=dead),
         r"EC2 instance metadata at http://127\.0\.0\.1:\d+ was not reachable"),
        ("IMDS 500", dict(AWS_EC2_METADATA_DISABLED=None, RUNNER_ENVIRONMENT="self-hosted",
                          AWS_EC2_METADATA_SERVICE_ENDPOINT=imds.url),
         r"EC2 instance metadata at .* was not reachable .*HTTP 500"))
    for name, extra, want in cases:
        w.reset_run(RUN_ID)
        r = w.run("request", aws=False, inputs=inputs(), env=env(w, **extra))
        check_rc(t, r, 1, f"{name}: exit 1, a runtime failure, not bad input")
        t.match(r.stderr, want, f"{name}: says which endpoint did not answer",
                diag=r.stderr[-1500:])
        t.match(r.stderr, r"check ", f"{name}: and what to check")
        t.ok("role_to_assume" not in r.stderr,
             f"{name}: no advice to set role_to_assume", r.stderr[-1500:])
        errs = r.cmds("error")
        t.ok(errs and not any("bad input" in (c.props.get("title") or "") for c in errs),
             f"{name}: the annotation does not call it bad input",
             [c.props for c in errs])
        e = check_terminal(t, w, "FAILURE", r=r)
        if e:
            body = json.dumps(e["body"])
            t.match(body, r"was not reachable", f"{name}: the Port run says why")
            t.ok("Invalid input" not in body, f"{name}: not labelled Invalid input",
                 body)
    t.eq([(c["method"], c["fault"]) for c in ctr.requests], [("GET", "status")] * 3,
         "the container endpoint got its 3 attempts (and answered 503)")
    t.eq([(c["method"], c["fault"]) for c in imds.requests], [("PUT", "status")],
         "IMDS got the token PUT (answered 500), and nothing after it")
    t.eq(w.acm_calls(), [], "ACM never called")
    # 4xx: the endpoint answered; what it said is the user's to fix.
    ctr2 = start(w, FakeContainer, trust=[w.acm], auth_token="right")
    w.reset_run(RUN_ID)
    r = w.run("request", aws=False, inputs=inputs(),
              env=env(w, AWS_CONTAINER_CREDENTIALS_FULL_URI=ctr2.url + ctr2.path,
                      AWS_CONTAINER_AUTHORIZATION_TOKEN="wrong"))
    check_rc(t, r, 2, "container 401 (wrong token): exit 2, the configuration")
    t.eq(len(ctr2.calls), 3, "the endpoint was asked (3 attempts)")



@S.test
def profile_role_arn_is_validated_at_probe(t, w):
    """fuzz_creds_files' finding: a profile's role_arn went to STS as it
    was, so raw bytes or something that is no IAM role ARN came back as a
    400-byte description. It is refused when the profile is probed, naming
    the profile and the file, before any STS call."""
    s = sts(w, credentials={"AKIDPROFILEBASE00001": ("profileBaseSecret/xyz", None)})
    s.add_role(ROLE)
    cred = write(w, "credentials", "[base]\naws_access_key_id = AKIDPROFILEBASE00001\n"
                                   "aws_secret_access_key = profileBaseSecret/xyz\n")
    w.add_run(RUN_ID)
    for bad, why in (("arn:aws:iam::123456789012:role/p\x01rt\xff-acm", "contains"),
                     ("arn:aws:iam::123456789012:user/port-acm", "role/"),
                     ("port-acm", "ARN")):
        for file, text in (("config", f"[profile acm]\nrole_arn = {bad}\n"
                                      "source_profile = base\n"),
                           ("credentials", "[base]\naws_access_key_id = AKIDPROFILEBASE00001\n"
                                           "aws_secret_access_key = profileBaseSecret/xyz\n"
                                           f"[acm]\nrole_arn = {bad}\n"
                                           "source_profile = base\n")):
            cfg = os.path.join(w.dir, "cfg-" + file)
            with open(cfg, "wb") as f:
                f.write((text if file == "config" else "").encode("latin-1"))
            crf = os.path.join(w.dir, "cred-" + file)
            with open(crf, "wb") as f:
                f.write((text if file == "credentials" else
                         open(cred).read()).encode("latin-1"))
            w.reset_run(RUN_ID)
            r = w.run("request", aws=False, inputs=inputs(),
                      env=env(w, AWS_ENDPOINT_URL_STS=s.url, AWS_PROFILE="acm",
                              AWS_CONFIG_FILE=cfg, AWS_SHARED_CREDENTIALS_FILE=crf))
            what = f"{bad!r} in the {file} file"
            check_rc(t, r, 2, f"{what}: exit 2, the user's file")
            path = cfg if file == "config" else crf
            t.match(r.stderr, r"profile acm's role_arn in " + re.escape(path)
                    + r" .*" + re.escape(why), f"{what}: names profile, file and why",
                    diag=r.stderr[-1500:])
            t.ok(len(re.findall(r"profile acm's role_arn", r.stderr)) >= 1
                 and "\x01" not in r.stderr and "\xff" not in r.stderr,
                 f"{what}: no raw byte echoed", r.stderr[-800:])
            e = check_terminal(t, w, "FAILURE", r=r)
            if e:
                t.match(json.dumps(e["body"]), r"role_arn", f"{what}: the Port run says it")
    t.eq(s.calls, [], "STS never called")
    t.eq(w.acm_calls(), [], "ACM never called")


S.main()
