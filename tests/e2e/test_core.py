#!/usr/bin/python3
"""End-to-end tests of build/port-acm for issue 2 (the core contract):
request, renew and delete as a GitHub Action and as a CLI against the
fake ACM and fake Port, asserting on what the fakes received."""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import (ACCOUNT, REGION, RUN_ID, Suite, cert_arn,  # noqa: E402
                     check_no_acm_call, check_no_mutation, check_one_call,
                     check_rc, check_request_sends,
                     check_secrets_masked, check_terminal, connections, ctx,
                     logs, req, terminal_events, tokens_issued)

S = Suite("core")
DOMAIN = "www.example.com"
OTHER_REGION = "us-west-2"


def entity_for(arn, with_arn_prop=True, title=DOMAIN):
    e = {"identifier": arn, "title": title, "icon": None, "blueprint": "acmCertificate",
         "team": [], "properties": {"status": "ISSUED", "type": "PRIVATE",
                                    "renewalEligibility": "ELIGIBLE",
                                    "keyAlgorithm": "RSA-2048", "inUse": False},
         "relations": {"account": ACCOUNT}, "createdAt": "2026-01-01T00:00:00.000Z"}
    if with_arn_prop:
        e["properties"]["arn"] = arn
    return e


def private_cert(w, region=OTHER_REGION, **kw):
    """A certificate RenewCertificate applies to (private, exported)."""
    return w.add_cert(region=region, domain=DOMAIN, type="PRIVATE", exported=True,
                      status="ISSUED", **kw)


def check_start_log(t, w, op, region, run_id=RUN_ID):
    evs = w.port_events(run_id)
    lg = logs(evs)
    if not t.ok(lg, "at least one log line on the run", [e["kind"] for e in evs]):
        return
    t.eq(evs[0]["kind"], "get_run", "the run is read first (GET: its externalRunId)")
    writes = [e for e in evs if e["kind"] != "get_run"]
    t.eq(writes[0]["kind"] if writes else None, "log",
         "the first write on the run is a log line")
    first = str((lg[0]["body"] or {}).get("message", ""))
    stem = {"request": r"request", "renew": r"renew", "delete": r"delet"}[op]
    t.match(first, stem, f"first log line names the operation ({op})")
    t.contains(first, region, f"first log line names the region ({region})")


# ------------------------------------------------------------ request

@S.test
def request_as_action(t, w):
    w.add_run(RUN_ID)
    r = w.run("request", inputs={"domain_name": DOMAIN, "validation_method": "DNS",
                                 "aws_region": REGION, "port_context": ctx()}, merge=False)
    check_rc(t, r, 0)
    # The User-Agent is a literal the HTTP client borrows (a local once
    # dangled there: ASan's stack-use-after-scope).
    with open(os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__)))), "VERSION"), encoding="utf-8") as f:
        ua = "port-acm/" + f.read().strip()
    t.eq({next((v for k, v in c["headers"].items() if k.lower() == "user-agent"), None)
          for c in w.acm_calls()}, {ua},
         "every ACM request says User-Agent: " + ua)
    c = check_one_call(t, w, "RequestCertificate", r)
    if c:
        p = c["params"]
        t.eq(p.get("DomainName"), DOMAIN, "DomainName sent exactly")
        t.eq(p.get("ValidationMethod"), "DNS", "ValidationMethod DNS")
        tok = p.get("IdempotencyToken")
        t.ok(isinstance(tok, str) and re.fullmatch(r"[A-Za-z0-9_]{1,32}", tok),
             "IdempotencyToken present, [A-Za-z0-9_]{1,32}", tok)
        t.ok("CertificateTransparencyLoggingPreference" not in json.dumps(p),
             "deprecated CT-logging option not sent", p)
        t.eq(c["region"], REGION, "signed for the input region")
    arn = w.acm_arns()[0] if w.acm_arns() else None
    t.ok(arn and arn.startswith(f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/"),
         "the fake minted a certificate in the region", w.acm_arns())
    t.ok(r.outputs_error is None, "GITHUB_OUTPUT parses (heredoc form)", r.outputs_error)
    t.eq(r.output_dups, [], "no output written twice")
    o = r.outputs
    t.eq(o.get("certificate_arn"), arn, "output certificate_arn")
    t.eq(o.get("domain_name"), DOMAIN, "output domain_name")
    t.eq(o.get("region"), REGION, "output region")
    t.eq(o.get("run_id"), RUN_ID, "output run_id")
    t.ok(o.get("certificate_status") in ("PENDING_VALIDATION", "ISSUED"),
         "output certificate_status", o.get("certificate_status"))
    try:
        vr = json.loads(o.get("validation_records", ""))
        t.ok(isinstance(vr, list), "output validation_records is a JSON list", vr)
    except ValueError as e:
        t.ok(False, "output validation_records is JSON", f"{e}: {o.get('validation_records')!r}")
    for line in r.outputs_text.split("\n"):
        m = re.match(r"^([A-Za-z_]+)(=|<<)", line)
        if m and m.group(2) == "=":
            t.ok(False, f"output {m.group(1)} uses the heredoc form", line)
    check_start_log(t, w, "request", REGION)
    check_terminal(t, w, "SUCCESS", summary_res=[re.escape(arn or "arn:")], r=r)
    t.eq(tokens_issued(w), 1, "one Port token for the run")
    tok_t = w.time_of_first_token()
    acm_t = min((c["raw"]["time"] for c in w.acm_calls()), default=None)
    t.ok(tok_t is not None and acm_t is not None and tok_t < acm_t,
         "Port authentication happened before the first ACM call", (tok_t, acm_t))
    t.eq(connections(w.port), 1, "one TCP connection to Port")
    t.eq(connections(w.acm), 1, "one TCP connection to ACM")
    check_secrets_masked(t, w, r)
    t.ok(r.summary and (arn or "arn:") in r.summary, "step summary names the ARN",
         r.summary)


@S.test
def request_masks_before_anything_else(t, w):
    w.add_run(RUN_ID)
    r = req(w, merge=True)
    check_rc(t, r, 0)
    lines = [ln for ln in r.merged.split("\n") if ln.strip()]
    first_other = next((i for i, ln in enumerate(lines)
                        if not ln.startswith("::add-mask::")), len(lines))
    masked = [ln[len("::add-mask::"):] for ln in lines[:first_other]]
    t.ok(w.port_client_secret() in masked,
         "client secret masked before any other line is printed", lines[:5])
    toks = w.issued_tokens()
    t.ok(toks and all(tk in masked for tk in toks),
         "Port token masked before any other line is printed", lines[:5])


@S.test
def request_as_cli(t, w):
    w.add_run(RUN_ID)
    r = w.run("request", actions=False,
              inputs={"domain_name": DOMAIN, "validation_method": "DNS",
                      "region": REGION, "run_id": RUN_ID})
    check_rc(t, r, 0)
    c = check_one_call(t, w, "RequestCertificate", r)
    if c:
        t.eq(c["params"].get("DomainName"), DOMAIN, "DomainName")
        t.eq(c["region"], REGION, "region from --region")
    arn = (w.acm_arns() or [None])[0]
    t.contains(r.stdout, arn or "arn:", "stdout names the new ARN")
    t.eq(r.cmds("add-mask"), [], "no workflow commands outside Actions")
    t.ok(not any(ln.startswith("::") for ln in r.stdout.split("\n")),
         "no :: lines at all outside Actions", r.stdout)
    check_terminal(t, w, "SUCCESS", r=r, link=False)
    t.ok(w.port_client_secret() not in r.text, "secret not printed")


@S.test(https=False)
def request_over_plain_http(t, w):
    w.add_run(RUN_ID)
    r = req(w)
    check_rc(t, r, 0)
    check_one_call(t, w, "RequestCertificate", r)
    check_terminal(t, w, "SUCCESS", r=r)


@S.test
def tls_is_verified(t, w):
    """Without the test CA the fakes' certificates are not trusted."""
    w.add_run(RUN_ID)
    r = req(w, env={"SSL_CERT_FILE": None})
    t.ok(r.rc != 0, "fails when the server certificate cannot be verified", r.describe())
    check_no_mutation(t, w, r)
    t.eq(tokens_issued(w) or 0, 0, "no token obtained over an unverified connection")


@S.test
def aws_ca_bundle_for_acm(t, w):
    """AWS_CA_BUNDLE is the CA bundle for AWS; SSL_CERT_FILE for every host."""
    r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION},
              port_creds=False, env={"SSL_CERT_FILE": None,
                                     "AWS_CA_BUNDLE": w.suite.ca_pem})
    check_rc(t, r, 0, "ACM verified with AWS_CA_BUNDLE alone")
    check_one_call(t, w, "RequestCertificate", r)
    r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION},
              port_creds=False, env={"AWS_CA_BUNDLE": w.suite.pki["other_ca"]})
    t.ok(r.rc != 0, "AWS_CA_BUNDLE wins over SSL_CERT_FILE for ACM (wrong CA: refused)",
         r.describe())
    t.eq(len(w.acm_calls("RequestCertificate")), 1, "no second certificate requested")


@S.test
def idempotency_token_follows_run_id(t, w):
    w.add_run(RUN_ID)
    w.add_run("r_Other00000000000")
    base = {"domain_name": DOMAIN, "aws_region": REGION}
    w.run("request", inputs=dict(base, port_context=ctx()))
    w.run("request", inputs=dict(base, port_context=ctx(run_id="r_Other00000000000")))
    toks = [c["params"].get("IdempotencyToken") for c in w.acm_calls("RequestCertificate")]
    t.eq(len(toks), 2, "two requests made")
    if len(toks) == 2:
        t.ok(toks[0] != toks[1], "a different run id gives a different token", toks)
    r = w.run("request", inputs=base, port_creds=False)
    check_rc(t, r, 0, "no run id: still works")
    calls = w.acm_calls("RequestCertificate")
    t.ok(len(calls) == 3 and "IdempotencyToken" not in calls[-1]["params"],
         "no run id: no IdempotencyToken", calls[-1]["params"] if calls else None)


# -------------------------------------------------------------- renew

@S.test(acm_region=OTHER_REGION)
def renew_as_action_uses_arn_region(t, w):
    arn = private_cert(w)
    w.add_run(RUN_ID)
    r = w.run("renew", inputs={"aws_region": REGION,
                               "port_context": ctx(entity=entity_for(arn))})
    check_rc(t, r, 0)
    c = check_one_call(t, w, "RenewCertificate", r)
    if c:
        t.eq(c["params"], {"CertificateArn": arn}, "RenewCertificate params exactly")
        t.eq(c["region"], OTHER_REGION, "signed for the ARN's region, not the runner's")
    t.ok(all(c["region"] == OTHER_REGION for c in w.acm_calls()),
         "every ACM call went to the ARN's region", [c["region"] for c in w.acm_calls()])
    t.ok(any(OTHER_REGION in ln and REGION in ln for ln in r.text.split("\n")),
         "says that the ARN's region differs from the runner's", r.text)
    t.eq(r.outputs.get("certificate_arn"), arn, "output certificate_arn")
    t.eq(r.outputs.get("region"), OTHER_REGION, "output region is the ARN's")
    check_start_log(t, w, "renew", OTHER_REGION)
    check_terminal(t, w, "SUCCESS", summary_res=[re.escape(arn)], r=r)
    t.eq(tokens_issued(w), 1, "one Port token")


@S.test(acm_region=OTHER_REGION)
def renew_as_cli(t, w):
    arn = private_cert(w)
    r = w.run("renew", actions=False, port_creds=False,
              inputs={"certificate_arn": arn})
    check_rc(t, r, 0)
    c = check_one_call(t, w, "RenewCertificate", r)
    if c:
        t.eq(c["region"], OTHER_REGION, "region from the ARN")
    t.contains(r.stdout, arn, "stdout names the certificate")
    t.eq(w.port_requests(), [], "no Port call without Port credentials")


# ------------------------------------------------------------- delete

@S.test(acm_region=OTHER_REGION)
def delete_as_action(t, w):
    arn = w.add_cert(region=OTHER_REGION, domain=DOMAIN, status="ISSUED")
    w.add_run(RUN_ID)
    r = w.run("delete", inputs={"port_context": ctx(entity=entity_for(arn))})
    check_rc(t, r, 0)
    c = check_one_call(t, w, "DeleteCertificate", r)
    if c:
        t.eq(c["params"], {"CertificateArn": arn}, "DeleteCertificate params exactly")
        t.eq(c["region"], OTHER_REGION, "signed for the ARN's region")
    t.ok(arn not in w.acm_arns(), "certificate gone from the fake", w.acm_arns())
    t.eq(r.outputs.get("certificate_arn"), arn, "output certificate_arn")
    t.eq(r.outputs.get("run_id"), RUN_ID, "output run_id")
    check_start_log(t, w, "delete", OTHER_REGION)
    check_terminal(t, w, "SUCCESS", summary_res=[re.escape(arn)], r=r)
    t.eq(tokens_issued(w), 1, "one Port token for the run")
    t.eq(connections(w.port), 1, "one TCP connection to Port")
    t.eq(connections(w.acm), 1, "one TCP connection to ACM")
    check_secrets_masked(t, w, r)


@S.test
def delete_as_cli(t, w):
    arn = w.add_cert(region=REGION, domain=DOMAIN, status="ISSUED")
    w.add_run(RUN_ID)
    r = w.run("delete", actions=False, inputs={"certificate_arn": arn, "run_id": RUN_ID})
    check_rc(t, r, 0)
    check_one_call(t, w, "DeleteCertificate", r)
    t.contains(r.stdout, arn, "stdout names the certificate")
    check_terminal(t, w, "SUCCESS", r=r, link=False)


# -------------------------------------------------- plain ACM tool mode

@S.test
def without_port_is_plain_acm_tool(t, w):
    cases = [
        ("no credentials, run id", dict(port_creds=False,
                                        inputs={"port_context": ctx()})),
        ("credentials, no run id", dict(inputs={})),
    ]
    for label, kw in cases:
        before = len(w.port_requests())
        inputs = dict(kw.pop("inputs"), domain_name=DOMAIN, aws_region=REGION)
        r = w.run("request", inputs=inputs, **kw)
        check_rc(t, r, 0, f"{label}: exit 0")
        t.eq(w.port_requests()[before:], [], f"{label}: no Port call")
        n = len(re.findall(r"(?i)not report\w*|without (reporting|port)|no port (run|report)",
                           r.text))
        t.eq(n, 1, f"{label}: says once that it is not reporting to Port", r.text)
        t.ok(r.outputs.get("certificate_arn", "").startswith("arn:aws:acm:"),
             f"{label}: outputs written", r.outputs)
    t.eq(len(w.acm_calls("RequestCertificate")), 2, "both requests reached ACM")


# ---------------------------------------------------------- precedence

@S.test
def precedence_flag_over_input(t, w):
    check_request_sends(t, w, {"domain_name": "input.example.com"}, "DomainName",
                        "flag.example.com", "flag beats INPUT_DOMAIN_NAME",
                        args=["--domain-name", "flag.example.com"])


@S.test
def precedence_flag_over_input_operation(t, w):
    arn = w.add_cert(region=REGION, domain=DOMAIN, status="ISSUED")
    r = w.run("request", inputs={"certificate_arn": arn}, args=["delete"], port_creds=False)
    check_rc(t, r, 0)
    t.eq(len(w.acm_calls("DeleteCertificate")), 1, "argv operation beats INPUT_OPERATION")
    t.eq(w.acm_calls("RequestCertificate"), [], "no RequestCertificate")


@S.test
def precedence_region(t, w):
    cases = [
        ("INPUT beats AWS_REGION", {"aws_region": "eu-west-1"},
         {"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-2"}, "eu-west-1"),
        ("AWS_REGION beats AWS_DEFAULT_REGION", {},
         {"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-2"}, "us-east-1"),
        ("AWS_DEFAULT_REGION used last", {}, {"AWS_DEFAULT_REGION": "us-east-2"}, "us-east-2"),
        ("empty INPUT counts as unset", {"aws_region": ""}, {"AWS_REGION": "ap-south-1"},
         "ap-south-1"),
        ("empty AWS_REGION counts as unset", {}, {"AWS_REGION": "",
                                                 "AWS_DEFAULT_REGION": "ca-central-1"},
         "ca-central-1"),
    ]
    for label, inputs, env, want in cases:
        n = len(w.acm_calls("RequestCertificate"))
        r = w.run("request", inputs=dict(inputs, domain_name=DOMAIN), env=env,
                  port_creds=False)
        check_rc(t, r, 0, f"{label}: exit 0")
        calls = w.acm_calls("RequestCertificate")[n:]
        t.eq([c["region"] for c in calls], [want], f"{label}: region {want}")
        t.eq(r.outputs.get("region"), want, f"{label}: output region")
    r = w.run("request", args=["--region", "sa-east-1"], inputs={"domain_name": DOMAIN,
              "aws_region": "eu-west-1"}, port_creds=False)
    t.eq(w.acm_calls("RequestCertificate")[-1]["region"], "sa-east-1",
         "--region beats INPUT_AWS_REGION")


@S.test
def no_region_is_bad_config(t, w):
    r = w.run("request", inputs={"domain_name": DOMAIN}, port_creds=False,
              unset=("AWS_REGION", "AWS_DEFAULT_REGION"))
    check_rc(t, r, 2)
    check_no_acm_call(t, w, r)
    t.match(r.text, r"region", "says the region is missing")


@S.test
def empty_validation_method_is_dns(t, w):
    check_request_sends(t, w, {"domain_name": DOMAIN, "validation_method": ""},
                        "ValidationMethod", "DNS", "empty input means the default DNS")


@S.test
def precedence_port_settings(t, w):
    w.add_run(RUN_ID)
    w.add_run("r_Override00000000")
    dead = "https://127.0.0.1:9"  # discard port: nothing listens
    r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                 "port_context": ctx(), "run_id": "r_Override00000000"},
              env={"PORT_BASE_URL": dead, "PORT_CLIENT_ID": "wrong",
                   "PORT_CLIENT_SECRET": "wrong"})
    check_rc(t, r, 0, "INPUT_PORT_* beat PORT_* (exit 0)")
    t.eq(w.port_events(RUN_ID), [], "INPUT_RUN_ID overrides port_context's run id")
    check_terminal(t, w, "SUCCESS", run_id="r_Override00000000", r=r)
    t.eq(r.outputs.get("run_id"), "r_Override00000000", "output run_id is the override")
    # --port-base-url beats INPUT_PORT_BASE_URL
    r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                 "port_base_url": dead, "run_id": "r_Override00000000"},
              args=["--port-base-url", w.port_url])
    t.ok(tokens_issued(w) == 2, "--port-base-url beats INPUT_PORT_BASE_URL",
         r.describe())
    # plain env is used when no input is given (CLI)
    n = tokens_issued(w)
    w.add_run("r_Cli0000000000000")
    r = w.run("request", actions=False, inputs={"domain_name": DOMAIN, "region": REGION,
                                                "run_id": "r_Cli0000000000000"})
    check_rc(t, r, 0, "PORT_BASE_URL/PORT_CLIENT_* from the plain environment")
    t.eq(tokens_issued(w), n + 1, "token obtained with the plain-env credentials")


@S.test
def precedence_aws_endpoint(t, w):
    r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION},
              port_creds=False, env={"AWS_ENDPOINT_URL": "https://127.0.0.1:9"})
    check_rc(t, r, 0, "AWS_ENDPOINT_URL_ACM beats AWS_ENDPOINT_URL")
    r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION},
              port_creds=False, env={"AWS_ENDPOINT_URL": w.acm_url,
                                     "AWS_ENDPOINT_URL_ACM": None})
    check_rc(t, r, 0, "AWS_ENDPOINT_URL used when AWS_ENDPOINT_URL_ACM is unset")
    t.eq(len(w.acm_calls("RequestCertificate")), 2, "both reached the fake")


@S.test
def session_token(t, w):
    w.session_token = w.set_session_token("FwoGZXIvYXdzE-e2e-session-token")
    r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION},
              port_creds=False)
    check_rc(t, r, 0, "session token accepted")
    c = check_one_call(t, w, "RequestCertificate", r)
    if c:
        t.eq(w.header(c, "X-Amz-Security-Token"), w.session_token,
             "X-Amz-Security-Token sent")
    w.set_session_token(None)  # the fake now refuses any token
    r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION},
              port_creds=False, env={"AWS_SESSION_TOKEN": ""})
    check_rc(t, r, 0, "empty AWS_SESSION_TOKEN counts as unset")
    calls = w.acm_calls()
    t.ok(calls and w.header(calls[-1], "X-Amz-Security-Token") is None,
         "empty AWS_SESSION_TOKEN is not sent", r.describe())


@S.test
def secrets_never_flags(t, w):
    for flag in ("--port-client-secret", "--aws-secret-access-key"):
        r = w.run("request", actions=False, port_creds=False,
                  inputs={"domain_name": DOMAIN, "region": REGION},
                  args=[flag, "s3cr3t-value"])
        check_rc(t, r, 2, f"{flag} is refused (exit 2)")
        t.ok("s3cr3t-value" not in r.text, f"{flag}: value not echoed", r.text)
    check_no_acm_call(t, w, r)


# ------------------------------------------------------ port_context shapes

@S.test
def context_run_id_keys(t, w):
    for key, rid in (("runId", "r_Camel00000000000"), ("run_id", "r_Snake00000000000")):
        w.add_run(rid)
        r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                     "port_context": ctx(run_id=rid, key=key,
                                                         trigger={"by": {"userId": "u"}},
                                                         blueprint="", extra=[1, 2])})
        check_rc(t, r, 0, f"{key}: exit 0")
        check_terminal(t, w, "SUCCESS", run_id=rid, r=r)
    w.add_run("r_Nested0000000000")
    r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                 "port_context": json.dumps(
                                     {"context": {"runId": "r_Nested0000000000"}})})
    check_rc(t, r, 0, "legacy context.runId: exit 0")
    check_terminal(t, w, "SUCCESS", run_id="r_Nested0000000000", r=r)


@S.test
def context_entity_shapes_for_request(t, w):
    for label, ent in (("entity {}", {}), ("entity absent", None), ("entity null", "null")):
        w.reset_run(RUN_ID)
        c = {"runId": RUN_ID}
        if ent == "null":
            c["entity"] = None
        elif ent is not None:
            c["entity"] = ent
        r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                     "port_context": json.dumps(c)})
        check_rc(t, r, 0, f"{label}: exit 0")
        check_terminal(t, w, "SUCCESS", r=r)
    t.eq(len(w.acm_calls("RequestCertificate")), 3, "three requests reached ACM")


@S.test
def context_arn_sources(t, w):
    a1 = w.add_cert(region=REGION, domain="a.example.com", status="ISSUED")
    a2 = w.add_cert(region=REGION, domain="b.example.com", status="ISSUED")
    a3 = w.add_cert(region=REGION, domain="c.example.com", status="ISSUED")
    a4 = w.add_cert(region=REGION, domain="d.example.com", status="ISSUED")
    a5 = w.add_cert(region=REGION, domain="e.example.com", status="ISSUED")
    cases = [
        ("properties.arn", {"entity": entity_for(a1)}, {}, a1),
        ("identifier when no properties.arn", {"entity": entity_for(a2, with_arn_prop=False)},
         {}, a2),
        ("entity as a bare ARN string", {"entity": a3}, {}, a3),
        ("INPUT_CERTIFICATE_ARN overrides the entity", {"entity": entity_for(a1)},
         {"certificate_arn": a4}, a4),
        ("properties.arn beats a non-ARN identifier",
         {"entity": dict(entity_for(a5), identifier="my-cert")}, {}, a5),
    ]
    for label, c, inputs, want in cases:
        w.reset_run(RUN_ID)
        n = len(w.acm_calls("DeleteCertificate"))
        r = w.run("delete", inputs=dict(inputs, port_context=json.dumps(dict(c, runId=RUN_ID))))
        check_rc(t, r, 0, f"{label}: exit 0")
        calls = w.acm_calls("DeleteCertificate")[n:]
        t.eq([x["params"].get("CertificateArn") for x in calls], [want],
             f"{label}: deletes {want[-8:]}")


@S.test
def delete_without_arn(t, w):
    w.add_run(RUN_ID)
    r = w.run("delete", inputs={"port_context": ctx(entity={})})
    check_rc(t, r, 2)
    check_no_acm_call(t, w, r)
    check_terminal(t, w, "FAILURE", summary_res=[r"arn|certificate"], r=r)


@S.test
def malformed_port_context(t, w):
    for label, text in (("not JSON", "{runId: r_x"), ("a JSON array", "[1,2]"),
                        ("truncated", '{"runId": "r_AbCdEf0123456789", "entity": {'),
                        ("run id not a string", '{"runId": {"id": 1}}')):
        r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                     "port_context": text})
        check_rc(t, r, 2, f"{label}: exit 2")
        t.match(r.text, r"port_context", f"{label}: names port_context")
    check_no_acm_call(t, w, r)
    # With an explicit run id the run still learns why it failed.
    w.add_run(RUN_ID)
    r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                 "port_context": "{oops", "run_id": RUN_ID})
    check_rc(t, r, 2, "with INPUT_RUN_ID: exit 2")
    check_no_acm_call(t, w, r, "with INPUT_RUN_ID: no ACM call")
    check_terminal(t, w, "FAILURE", summary_res=[r"port_context"], r=r)


# ------------------------------------------------------- failures (ACM)

@S.test
def delete_in_use_refused(t, w):
    """DeleteCertificate refuses with ResourceInUseException (the cert
    looked free when described): exit 1, FAILURE naming it and the fix."""
    arn = w.add_cert(region=REGION, domain=DOMAIN, status="ISSUED")
    w.add_run(RUN_ID)
    w.acm_fault("DeleteCertificate", "ResourceInUseException",
                "Certificate is in use", times=None)
    r = w.run("delete", inputs={"port_context": ctx(entity=entity_for(arn)),
                                "delete_wait_minutes": "0"}, timeout=90)
    check_rc(t, r, 1)
    t.ok(w.acm_calls("DeleteCertificate"), "DeleteCertificate was attempted")
    t.ok(arn in w.acm_arns(), "certificate still exists")
    check_terminal(t, w, "FAILURE", summary_res=[re.escape(arn.split("/")[-1]),
                                                 r"ResourceInUseException",
                                                 r"in use|attached|associated",
                                                 r"detach|remove|disassociate"], r=r)
    t.ok(r.errors, "an ::error:: annotation", r.stdout)


@S.test
def renew_not_found(t, w):
    arn = cert_arn(region=REGION, cid="deadbeef-0000-0000-0000-000000000000")
    w.add_run(RUN_ID)
    r = w.run("renew", inputs={"port_context": ctx(entity=entity_for(arn))})
    check_rc(t, r, 1)
    check_no_mutation(t, w, r)
    check_terminal(t, w, "FAILURE", summary_res=[re.escape("deadbeef"),
                                                 r"ResourceNotFoundException",
                                                 r"not found|does not exist|no longer exists"],
                   r=r)


@S.test
def invalid_arn_from_acm(t, w):
    arn = w.add_cert(region=REGION, domain=DOMAIN, status="ISSUED", type="PRIVATE",
                     exported=True)
    w.add_run(RUN_ID)
    for op in ("DescribeCertificate", "RenewCertificate"):
        w.acm_fault(op, "InvalidArnException", "String ... is not a valid ARN", times=None)
    r = w.run("renew", inputs={"port_context": ctx(entity=entity_for(arn))})
    check_rc(t, r, 1)
    check_terminal(t, w, "FAILURE", summary_res=[re.escape(arn.split("/")[-1]),
                                                 r"InvalidArnException",
                                                 r"check|correct|fix"], r=r)


@S.test
def invalid_arn_shape_rejected_locally(t, w):
    w.add_run(RUN_ID)
    for bad in ("arn:aws:s3:::my-bucket", "arn:aws:acm:eu-west-1:123:certificate/x",
                "not-an-arn", "arn:aws:acm:eu-west-1:123456789012:certificate/a;id",
                "arn:aws:acm:mars-1:123456789012:certificate/abc"):
        r = w.run("delete", inputs={"certificate_arn": bad}, port_creds=False)
        check_rc(t, r, 2, f"{bad!r}: exit 2")
    check_no_acm_call(t, w, r)


@S.test
def unknown_run_id_changes_nothing(t, w):
    # No add_run: Port answers 404 for the run, which is a Port
    # misconfiguration like wrong credentials: stop before AWS.
    r = req(w)
    check_rc(t, r, 2)
    check_no_acm_call(t, w, r)
    t.contains(r.stderr, RUN_ID, "the message names the run id")


@S.test
def throttling_is_retried(t, w):
    w.acm_fault("RequestCertificate", "ThrottlingException", "Rate exceeded", times=1)
    r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION},
              port_creds=False)
    check_rc(t, r, 0)
    t.eq(len(w.acm_calls("RequestCertificate")), 2, "retried once after throttling")
    t.eq(len(w.acm_arns()), 1, "one certificate")


@S.test
def limit_exceeded_not_retried(t, w):
    w.add_run(RUN_ID)
    w.acm_fault("RequestCertificate", "LimitExceededException",
                "An ACM quota has been exceeded", times=None)
    r = req(w)
    check_rc(t, r, 1)
    t.eq(len(w.acm_calls("RequestCertificate")), 1, "LimitExceededException is not retried")
    check_terminal(t, w, "FAILURE", summary_res=[r"quota|limit"], r=r)


# --------------------------------------------------- failures (input)

@S.test
def wrong_port_credentials(t, w):
    w.add_run(RUN_ID)
    r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                 "port_context": ctx(),
                                 "port_client_secret": "not-the-secret"})
    check_rc(t, r, 2)
    check_no_acm_call(t, w, r)
    t.eq([e["kind"] for e in w.port_events(RUN_ID)], [], "nothing reached the run")
    t.match(r.text, r"Port", "says Port authentication failed")
    t.ok("not-the-secret" not in r.text.replace("::add-mask::not-the-secret", ""),
         "the wrong secret is not echoed", r.text)


@S.test
def injection_shaped_domains(t, w):
    w.add_run(RUN_ID)
    bad = ["a.com;id", "$(id).a.com", "a.com\nb.com", "`id`.a.com", "a.com|id",
           "a.com && id", "a.com'", "-a.com", "a..com", "a.com.", "*.*.a.com",
           "x" * 64 + ".com", "com", "a.com\rb", "a.com%0Aid", "a.com\tb", "é.example.com",
           "foo.example.com/../../etc"]
    for d in bad:
        r = w.run("request", inputs={"domain_name": d, "aws_region": REGION},
                  port_creds=False)
        check_rc(t, r, 2, f"{d!r}: exit 2")
    check_no_acm_call(t, w, r, "no ACM call for any of them")
    # with a run id and valid Port credentials the run ends FAILURE
    r = w.run("request", inputs={"domain_name": "$(id).a.com", "aws_region": REGION,
                                 "port_context": ctx()})
    check_rc(t, r, 2, "with Port: exit 2")
    check_no_acm_call(t, w, r, "with Port: no ACM call")
    check_terminal(t, w, "FAILURE", summary_res=[r"domain"], r=r)


def injected(r, marker="pwned"):
    """Lines a runner would take as a workflow command we did not mean
    to send (stdout and stderr are both scanned)."""
    return [ln for ln in (r.stdout + "\n" + r.stderr).split("\n")
            if re.match(r"\s*::[A-Za-z-]+( [^:]*)?::" + marker, ln)
            or re.match(r"\s*::(add-mask|stop-commands|set-output|set-env|add-path)::" + marker,
                        ln)]


@S.test
def workflow_command_injection(t, w):
    """Inputs and server answers are echoed escaped, never as commands."""
    w.add_run(RUN_ID)
    evil = "x.com\n::warning::pwned"
    for field in ("domain_name", "certificate_arn", "subject_alternative_names", "tags",
                  "port_context", "validation_method", "aws_region", "run_id"):
        inputs = {"domain_name": DOMAIN, "aws_region": REGION, "port_context": ctx()}
        # (a tag list is newline separated, so the tag case needs a bad key)
        inputs[field] = evil if field != "tags" else "a;b=c\n::warning::pwned"
        op = "delete" if field == "certificate_arn" else "request"
        w.reset_run(RUN_ID)
        r = w.run(op, inputs=inputs)
        check_rc(t, r, 2, f"{field}: exit 2")
        t.eq(injected(r), [], f"{field}: no workflow command injected via the input")
    check_no_acm_call(t, w, r, "no ACM call")
    # ACM's own error text is echoed too: it must not become a command.
    w.reset_run(RUN_ID)
    w.acm_fault("RequestCertificate", "InvalidParameterException",
                "bad\n::warning::pwned\r\n::add-mask::pwned", times=None)
    r = req(w)
    check_rc(t, r, 1, "ACM error: exit 1")
    t.eq(injected(r), [], "no workflow command injected via ACM's error message")
    t.ok(r.errors and any("pwned" in m for m in r.errors),
         "ACM's message is still shown (escaped) in the ::error::", r.errors)


@S.test
def bad_validation_method(t, w):
    r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                 "validation_method": "SMS"}, port_creds=False)
    check_rc(t, r, 2)
    t.match(r.text, r"validation_method|validation method", "names the field")
    check_no_acm_call(t, w, r)


@S.test
def bad_operation(t, w):
    for argv_op in ("issue", None):
        r = w.run(argv_op, inputs={"domain_name": DOMAIN, "aws_region": REGION},
                  port_creds=False)
        check_rc(t, r, 2, f"operation {argv_op!r}: exit 2")
    check_no_acm_call(t, w, r)
    r = w.run("request", actions=False, args=["--no-such-flag"],
              inputs={"domain_name": DOMAIN, "region": REGION}, port_creds=False)
    check_rc(t, r, 2, "unknown flag: exit 2")
    check_no_acm_call(t, w, r)


@S.test
def missing_aws_credentials(t, w):
    w.add_run(RUN_ID)
    r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                 "port_context": ctx()},
              unset=("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"))
    check_rc(t, r, 2)
    check_no_acm_call(t, w, r)
    t.match(r.text, r"AWS_ACCESS_KEY_ID|credential", "names the missing credentials")
    check_terminal(t, w, "FAILURE", r=r)


# ----------------------------------------------------- failures (Port)

@S.test
def terminal_patch_422_is_a_warning(t, w):
    run = w.add_run(RUN_ID)
    # Someone ends the run while the job works (a run that has already
    # ended at the start stops before AWS: test_wire.py).
    orig = w.acm._op_RequestCertificate

    def request_and_end_run(*a, **kw):
        out = orig(*a, **kw)
        with w.port.lock:
            run["status"] = "SUCCESS"
        return out
    w.acm._op_RequestCertificate = request_and_end_run
    r = req(w)
    t.ok(r.rc in (0,), "exit 0: a run that already ended is a warning", r.describe())
    t.ok(r.warnings, "::warning:: about the ended run", r.stdout)
    t.eq(len(w.acm_calls("RequestCertificate")), 1, "the request was made")
    t.ok(r.outputs.get("certificate_arn", "").startswith("arn:"), "outputs written",
         r.outputs)
    t.ok(r.rc >= 0 and "Segmentation" not in r.stderr, "no crash")


@S.test
def port_unreachable_after_acm(t, w):
    w.add_run(RUN_ID)
    # Port authenticates, then every run update fails hard.
    w.port_fault("log", "reset", times=None)
    w.port_fault("patch", "reset", times=None)
    w.port_fault("entity", "reset", times=None)
    r = req(w, timeout=120)
    check_rc(t, r, 3)
    t.eq(len(w.acm_calls("RequestCertificate")), 1, "the request was made once")
    arn = (w.acm_arns() or ["?"])[0]
    t.eq(r.outputs.get("certificate_arn"), arn, "output certificate_arn still written")
    t.contains(r.stdout, arn, "the result is still printed")


@S.test
def port_500_on_terminal_is_exit_3(t, w):
    w.add_run(RUN_ID)
    w.port_fault("patch", "status", status=500, times=None)
    r = req(w, timeout=120)
    check_rc(t, r, 3)
    t.ok(r.outputs.get("certificate_arn", "").startswith("arn:"), "outputs written")


@S.test
def port_refresh_with_no_token_is_not_a_success(t, w):
    """fuzz_port_answers' finding (tests/fuzz/regressions/fuzz_port_answers/):
    a call answered 401 re-authenticates; when the token call first got
    an unusable 2xx (retried) and then a 2xx without an accessToken, the
    failed refresh returned that 2xx, so the call counted as done with no
    answer: the terminal PATCH "succeeded" without reaching Port and the
    run exited 0 with the Port run left open. It is a failure: exit 3."""
    w.add_run(RUN_ID)
    w.acm.fault("RequestCertificate", "slow", seconds=2)
    sp = w.spawn("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                    "port_context": ctx()})
    end = time.monotonic() + 20
    while time.monotonic() < end and not any(
            q["route"] == "RequestCertificate" for q in list(w.acm.requests)):
        time.sleep(0.02)
    # Logged in by now: from here every run update is refused and every
    # refresh gets an unusable answer, then one without a token.
    w.port_fault("patch", "status", status=401, times=None)
    w.port_fault("log", "status", status=401, times=None)
    for _ in range(40):
        w.port.fault("token", "garbage", count=1, status=200, body=b"[1, 2]")
        w.port.fault("token", "status", count=1, status=200, body=b'{"ok": true}')
    r = sp.finish(120)
    check_rc(t, r, 3, "exit 3: the run could not be updated")
    t.eq(terminal_events(w.port_events(RUN_ID)), [], "no terminal update reached Port")


@S.test
def port_auth_before_acm(t, w):
    w.add_run(RUN_ID)
    w.port_fault("token", "status", status=503, times=None)
    r = req(w, timeout=120)
    t.ok(r.rc == 3, "Port unavailable at the start: exit 3 (a Port fault, not bad input)",
         r.describe())
    check_no_acm_call(t, w, r, "no ACM call when Port cannot be reached first")


# -------------------------------------------------------- help, version

@S.test
def help_and_version(t, w):
    r = w.run(None, actions=False, args=["--help"], port_creds=False, aws=False)
    check_rc(t, r, 0, "--help exits 0")
    for word in ("request", "renew", "delete", "--domain-name", "--validation-method",
                 "--certificate-arn", "--region", "--port-context", "--run-id",
                 "--port-base-url", "--blueprint"):
        t.contains(r.stdout, word, f"--help mentions {word}")
    version = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "VERSION")).read().strip()
    r = w.run(None, actions=False, args=["--version"], port_creds=False, aws=False)
    check_rc(t, r, 0, "--version exits 0")
    t.contains(r.stdout, version, "--version prints VERSION")
    r = w.run(None, actions=False, port_creds=False, aws=False)
    check_rc(t, r, 2, "no arguments at all: exit 2 with usage")
    t.eq(w.acm_calls(), [], "no ACM call for help/version")
    t.eq(w.port_requests(), [], "no Port call for help/version")


if __name__ == "__main__":
    S.main()
