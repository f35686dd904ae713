#!/usr/bin/python3
"""Bad-input matrix (issue 5, "Proof"): hostile and malformed values for
every input build/port-acm reads, each run against its own fake ACM and
fake Port.

Each case asserts:
  - exit code 2;
  - a message (stderr and the ::error:: annotation) naming the field;
  - no ACM request at all (the fake saw not even a TCP request);
  - no control character in any line of stdout or stderr, and no
    workflow command smuggled in through the value;
  - no step outputs written (README: outputs only when ACM ran);
  - with a valid run id and Port credentials: the run holds exactly one
    log line and one terminal FAILURE update, both carrying the message,
    and nothing else (no entity change); without them: no Port call.

Knobs: REL_ONLY=substring of a case id, REL_WORKERS=N.
Summary: build/reliability/bad_input.json (kind "bad_input").
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from relkit import (REGION, RUN_ID, Case, Kit, cert_arn,  # noqa: E402
                    control_lines, ctx)

DOMAIN = "www.example.com"
ARN = cert_arn()
MARK = "pwned"
# The value a secret-looking flag carries; it must never be echoed.
FLAG_SECRET = "s3cr3t-flag-value-9Qx"


def base_inputs(op):
    if op == "request":
        return {"domain_name": DOMAIN, "aws_region": REGION, "port_context": ctx()}
    return {"certificate_arn": ARN, "port_context": ctx()}


# (id, op, field regex, overrides) + keyword options:
#   env={...}      extra environment (None removes)
#   args=[...]     extra argv
#   cli=True       run as a CLI (no Port credentials, no GITHUB_*)
#   report=False   no valid run id/Port settings: expect no Port call at all
#   run_id=True    also pass INPUT_RUN_ID (port_context itself is bad)
#   op_input=X     INPUT_OPERATION value (instead of op)
R = []


def bad(cid, op, field, overrides=None, **kw):
    R.append((cid, op, field, overrides or {}, kw))


# --- domain names -----------------------------------------------------------
D = "domain_name"
for cid, v in [
        ("semicolon", "a.example.com;id"),
        ("dollar-paren", "$(id).example.com"),
        ("backtick", "`id`.example.com"),
        ("pipe", "a.example.com|id"),
        ("and-and", "a.example.com && id"),
        ("newline-injection", f"a.example.com\n::warning::{MARK}"),
        ("cr-injection", f"a.example.com\r::error::{MARK}"),
        ("escape-seq", "a.example.com\x1b[31mred"),
        ("tab", "a.example.com\tb"),
        ("space", "exa mple.com"),
        ("slash-traversal", "example.com/../../etc/passwd"),
        ("at-sign", "user@example.com"),
        ("percent-encoded-lf", "a.example.com%0Aid"),
        ("leading-hyphen", "-a.example.com"),
        ("trailing-hyphen", "a-.example.com"),
        ("empty-label", "a..example.com"),
        ("leading-dot", ".example.com"),
        ("trailing-dot", "example.com."),
        ("single-label", "localhost"),
        ("label-64", "x" * 64 + ".example.com"),
        ("cn-over-64", "a" * 55 + ".example.com"),
        ("over-253", ".".join(["a" * 60] * 5) + ".com"),
        ("double-wildcard", "*.*.example.com"),
        ("inner-wildcard", "www.*.example.com"),
        ("glued-wildcard", "*example.com"),
        ("trailing-wildcard", "example.*"),
        ("unicode-latin", "é.example.com"),
        ("unicode-cjk", "例え.jp"),
        ("zero-width-space", "exa\u200bmple.com"),
        ("rtl-override", "moc.elpmaxe\u202e.com"),
        ("one-char-tld", "example.c"),
        ("quote", "a.example.com'"),
        ("angle", "<script>.example.com"),
]:
    bad(f"domain-{cid}", "request", D, {"domain_name": v})

# --- subject alternative names ------------------------------------------------
S = "subject_alternative_names"
bad("san-semicolon", "request", S, {S: "ok.example.com,bad;x.example.com"})
bad("san-newline-dollar", "request", S, {S: "ok.example.com\n$(id).example.com"})
bad("san-100-names", "request", S,
    {S: ",".join(f"n{i}.example.com" for i in range(100))})
bad("san-double-wildcard", "request", S, {S: "*.*.example.com"})
bad("san-hyphen", "request", S, {S: "ok.example.com, ,-bad.example.com"})
bad("san-unicode", "request", S, {S: "ok.example.com,bücher.example.com"})

# --- certificate ARNs -----------------------------------------------------------
A = "certificate_arn"
GOOD = "arn:aws:acm:eu-west-1:123456789012:certificate/"
for cid, v in [
        ("service-s3", "arn:aws:s3:::my-bucket"),
        ("account-short", "arn:aws:acm:eu-west-1:123:certificate/abc"),
        ("account-13", "arn:aws:acm:eu-west-1:1234567890123:certificate/abc"),
        ("account-letters", "arn:aws:acm:eu-west-1:12345678901a:certificate/abc"),
        ("partition-unknown", "arn:aws-mars:acm:eu-west-1:123456789012:certificate/abc"),
        ("region-unknown", "arn:aws:acm:mars:123456789012:certificate/abc"),
        ("partition-region-mismatch", "arn:aws-cn:acm:eu-west-1:123456789012:certificate/abc"),
        ("china-region-in-aws", "arn:aws:acm:cn-north-1:123456789012:certificate/abc"),
        ("resource-type", "arn:aws:acm:eu-west-1:123456789012:private-ca/abc"),
        ("empty-id", GOOD),
        ("double-slash", GOOD + "a//b"),
        ("colon-in-id", GOOD + "a:b"),
        ("semicolon", GOOD + "a;id"),
        ("space", GOOD + "a b"),
        ("newline-injection", GOOD + f"abc\n::warning::{MARK}"),
        ("query", GOOD + "abc?x=1"),
        ("too-long", GOOD + "a" * 2100),
        ("not-an-arn", "not-an-arn"),
        ("upper-case-prefix", "ARN:aws:acm:eu-west-1:123456789012:certificate/abc"),
        ("too-short", "arn:aws:acm"),
        ("unicode", GOOD + "äbc"),
]:
    bad(f"arn-{cid}", "delete", A, {A: v})
bad("arn-renew-service", "renew", A, {A: "arn:aws:iam::123456789012:role/x"})
bad("arn-from-entity-property", "delete", r"arn",
    {A: None, "port_context": ctx(entity={"identifier": "my-cert",
                                          "properties": {"arn": "arn:aws:s3:::bucket"}})})
bad("pca-arn-wrong-service", "request", "certificate_authority_arn",
    {"certificate_authority_arn": GOOD + "abc"})

# --- regions --------------------------------------------------------------------
G = "aws_region"
for cid, v in [("semicolon", "eu-west-1;id"), ("upper-case", "EU-WEST-1"),
               ("one-word", "mars"), ("no-number", "eu-west"),
               ("long-number", "eu-west-1234"), ("short-prefix", "e-west-1"),
               ("too-long", "a" * 40 + "-west-1"), ("newline", "eu-west-1\nus-east-1"),
               ("unicode", "eu-wést-1")]:
    bad(f"region-{cid}", "request", G, {G: v})
bad("region-renew-still-checked", "renew", G, {G: "xx"})

# --- tags -------------------------------------------------------------------------
T = "tags"
for cid, v in [("aws-key", "aws:owner=me"), ("aws-value", "owner=aws:me"),
               ("aws-key-case", "AWS:Owner=me"), ("key-129", "k" * 129 + "=v"),
               ("value-257", "k=" + "v" * 257), ("bad-char-key", "own;er=me"),
               ("bad-char-value", "owner=m$e"),
               ("51-tags", ",".join(f"k{i}=v" for i in range(51))),
               ("duplicate-key", "env=prod,env=dev"), ("empty-key", "=value"),
               ("escape-char", "owner=me\x1b[0m"), ("invisible", "owner=\u200bme"),
               ("pipe", "a=b|c")]:
    bad(f"tags-{cid}", "request", T, {T: v})

# --- enumerations, tokens -------------------------------------------------------
for cid, field, v in [("key-rsa4096", "key_algorithm", "RSA_4096"),
                      ("key-rsa1024", "key_algorithm", "RSA_1024"),
                      ("key-ed25519", "key_algorithm", "ed25519"),
                      ("key-injection", "key_algorithm", "RSA_2048;id"),
                      ("export-maybe", "export", "maybe"),
                      ("export-injection", "export", "ENABLED;id"),
                      ("validation-sms", "validation_method", "SMS"),
                      ("validation-newline", "validation_method", f"DNS\n::warning::{MARK}"),
                      ("token-dash", "idempotency_token", "tok-with-dash"),
                      ("token-33", "idempotency_token", "t" * 33),
                      ("token-space", "idempotency_token", "tok en"),
                      ("wait-maybe", "wait_for_issuance", "maybe"),
                      ("timeout-zero", "timeout_minutes", "0"),
                      ("timeout-words", "timeout_minutes", "ten"),
                      ("timeout-huge", "timeout_minutes", "361"),
                      ("blueprint-dotdot", "blueprint", ".."),
                      ("blueprint-space", "blueprint", "acm certificate")]:
    bad(cid, "request", field, {field: v})
bad("delete-wait-61", "delete", "delete_wait_minutes", {"delete_wait_minutes": "61"})
bad("delete-wait-negative", "delete", "delete_wait_minutes", {"delete_wait_minutes": "-1"})

# --- port_context shapes (INPUT_RUN_ID given, so the run still learns why) ----------
P = "port_context"
NEST = 5000
for cid, v, field in [
        ("not-json", "{runId: r_x", P),
        ("array", "[1, 2]", P),
        ("number", "42", P),
        ("bare-string", '"just text"', P),
        ("json-null", "null", P),
        ("truncated", '{"runId": "' + RUN_ID + '", "entity": {', P),
        ("run-id-number", '{"runId": 42}', "runId"),
        ("run-id-object", '{"runId": {"id": 1}}', "runId"),
        ("duplicate-key", '{"runId": "r_a", "runId": "r_b"}', "runId"),
        ("nul-escape", '{"runId": "r_ab\\u0000cd"}', P),
        ("run-ids-differ", '{"runId": "r_a", "run_id": "r_b"}', "run_?id"),
        ("run-id-control", '{"runId": "r_ab\\n::warning::' + MARK + '"}', "runId"),
        ("deep-nesting", '{"entity": ' + "[" * NEST + "]" * NEST + "}", P),
        ("entity-number", '{"entity": 7}', "entity"),
        ("entity-identifier-number", '{"entity": {"identifier": 5}}', "entity.identifier"),
        ("entity-no-identifier", '{"entity": {"title": "x"}}', "entity"),
        ("entity-properties-array", '{"entity": {"identifier": "x", "properties": []}}',
         "entity.properties"),
        ("entity-blueprint-dotdot", '{"entity": {"identifier": "x", "blueprint": ".."}}',
         "blueprint"),
        ("trigger-user-number", '{"trigger": {"by": {"user": 5}}}', "trigger"),
        ("context-not-object", '{"context": "x"}', "context"),
        ("trailing-garbage", '{"runId": "' + RUN_ID + '"} xyz', P),
        ("double-encoded-bad", json.dumps('{"runId": 42}'), "runId"),
        ("invalid-utf8-escape", '{"runId": "\\ud800"}', "runId|port_context"),
        # as big as one environment string can be (MAX_ARG_STRLEN 128 KiB)
        ("near-exec-limit", '{"runId": "r_' + "x" * 127000 + '"}', "runId"),
]:
    bad(f"context-{cid}", "request", field, {P: v}, run_id=True)

# --- run ids (no valid run id: nothing can be reported) -----------------------------
for cid, v in [("slash", "r_abc/../x"), ("query", "r_abc?x=1"), ("space", "r_a b"),
               ("too-long", "r" * 129), ("dotdot", ".."), ("unicode", "r_é"),
               ("percent", "r_%2e%2e"), ("hash", "r_a#b")]:
    bad(f"run-id-{cid}", "request", "run_id", {"run_id": v}, report=False)

# --- base URLs and endpoints -----------------------------------------------------------
U = "port_base_url"
for cid, v in [("http-remote", "http://api.getport.io"),
               ("userinfo", "https://user:pw@127.0.0.1:1234"),
               ("ftp", "ftp://127.0.0.1"), ("port-99999", "https://127.0.0.1:99999"),
               ("query", "https://127.0.0.1:1/?x=1"), ("space", "https://exa mple.com"),
               ("javascript", "javascript:alert(1)"), ("backslash", "https://a\\b.com"),
               ("http-lookalike", "http://127.0.0.1.evil.example")]:
    bad(f"port-url-{cid}", "request", U, {U: v}, report=False)
E = "AWS_ENDPOINT_URL_ACM"
bad("acm-endpoint-http-remote", "request", E, env={E: "http://acm.example.com"})
bad("acm-endpoint-userinfo", "request", E, env={E: "https://k:s@127.0.0.1:1"})
bad("acm-endpoint-fragment", "request", E, env={E: "https://127.0.0.1:1/#x"})

# --- numbers from the environment -----------------------------------------------------
for cid, name, v in [("request-timeout-zero", "PORT_ACM_REQUEST_TIMEOUT_SECONDS", "0"),
                     ("request-timeout-negative", "PORT_ACM_REQUEST_TIMEOUT_SECONDS", "-1"),
                     ("connect-timeout-float", "PORT_ACM_CONNECT_TIMEOUT_SECONDS", "1e3"),
                     ("deadline-overflow", "PORT_ACM_DEADLINE_SECONDS",
                      "99999999999999999999999"),
                     ("max-attempts-zero", "AWS_MAX_ATTEMPTS", "0"),
                     ("max-attempts-11", "AWS_MAX_ATTEMPTS", "11"),
                     ("poll-hex", "PORT_ACM_POLL_INTERVAL_MS", "0x10")]:
    bad(f"env-{cid}", "request", name, env={name: v})
bad("aws-secret-with-newline", "request", "AWS|credential",
    env={"AWS_SECRET_ACCESS_KEY": "abc\ndef"})

# --- secret-looking flags (CLI: argv is readable by every process) ------------------
for cid, flag in [("port-client-secret", "--port-client-secret"),
                  ("aws-secret-access-key", "--aws-secret-access-key"),
                  ("aws-session-token", "--aws-session-token"),
                  ("port-client-id", "--port-client-id"),
                  ("password", "--password"),
                  ("access-key", "--aws-access-key-id")]:
    bad(f"flag-{cid}", "request", re.escape(flag), args=[flag, FLAG_SECRET],
        cli=True, report=False)
bad("flag-secret-equals", "request", re.escape("--client-secret"),
    args=["--client-secret=" + FLAG_SECRET], cli=True, report=False)

# --- operations ---------------------------------------------------------------------
bad("operation-unknown", "request", "operation", op_input="issue")
bad("operation-injection", "request", "operation", op_input=f"request\n::warning::{MARK}")


# --- controls: near misses the rules accept (documented behaviour) --------------
# Not counted as bad inputs; they show the matrix tells bad from good.
# (id, op, overrides, check(t, params)) with params = RequestCertificate's.
OK = [
    # validate.c: '"key" alone has an empty value'; blanks around are dropped
    ("tags-key-without-equals", {"tags": "team"},
     lambda p: p.get("Tags") == [{"Key": "team", "Value": ""}]),
    ("tags-blanks-trimmed", {"tags": " env = prod ,\nowner=me "},
     lambda p: p.get("Tags") == [{"Key": "env", "Value": "prod"},
                                 {"Key": "owner", "Value": "me"}]),
    ("tags-50", {"tags": ",".join(f"k{i}=v" for i in range(50))},
     lambda p: len(p.get("Tags") or []) == 50),
    ("domain-wildcard", {"domain_name": "*.example.com"},
     lambda p: p.get("DomainName") == "*.example.com"),
    ("domain-64", {"domain_name": "a" * 52 + ".example.com"},
     lambda p: len(p.get("DomainName", "")) == 64),
    ("domain-punycode", {"domain_name": "xn--bcher-kva.example.com"},
     lambda p: p.get("DomainName") == "xn--bcher-kva.example.com"),
    ("san-duplicates-collapsed", {"subject_alternative_names": "a.example.com,A.example.com,"
                                  "a.example.com"},
     lambda p: p.get("SubjectAlternativeNames") == [DOMAIN, "a.example.com"]),
    ("key-lower-case", {"key_algorithm": "ec-prime256v1"},
     lambda p: p.get("KeyAlgorithm") == "EC_prime256v1"),
    ("token-32", {"idempotency_token": "T" * 32},
     lambda p: p.get("IdempotencyToken") == "T" * 32),
    ("context-entity-empty", {"port_context": ctx(entity={})},
     lambda p: p.get("DomainName") == DOMAIN),
]


def run_accept(t, w, c):
    w.add_run(RUN_ID)
    inputs = base_inputs("request")
    inputs.update(c.overrides)
    r = w.run("request", inputs=inputs)
    if not t.eq(r.rc, 0, "accepted: exit code 0"):
        t.diag(r.describe())
    calls = w.acm_calls("RequestCertificate")
    p = calls[0]["params"] if calls else {}
    t.ok(len(calls) == 1 and c.check(p), "RequestCertificate carried the value as "
         "documented", p)


# ------------------------------------------------------------------ running

INJECTED = re.compile(r"^\s*::[A-Za-z-]+( [^:]*)?::\s*" + MARK)


def run_case(t, w, c):
    op, field, overrides, kw = c.op, c.field, c.overrides, c.kw
    w.add_run(RUN_ID)
    cli = kw.get("cli", False)
    report = kw.get("report", True) and not cli
    if cli:
        inputs = {"domain_name": DOMAIN, "region": REGION}
        r = w.run(op, actions=False, port_creds=False, inputs=inputs,
                  args=kw.get("args", ()), env=kw.get("env"))
    else:
        inputs = base_inputs(op)
        for k, v in overrides.items():
            if v is None:
                inputs.pop(k, None)
            else:
                inputs[k] = v
        if kw.get("run_id"):
            inputs["run_id"] = RUN_ID
        run_op = op
        if "op_input" in kw:
            run_op = None
            inputs["operation"] = kw["op_input"]
        r = w.run(run_op, inputs=inputs, args=kw.get("args", ()), env=kw.get("env"))
    desc = r.describe()
    if not t.eq(r.rc, 2, "exit code 2"):
        t.diag(desc)
    fre = re.compile(field, re.I)
    t.ok(fre.search(r.stderr), f"stderr names the field /{field}/", r.stderr[-1500:])
    if not cli:
        t.ok(any(fre.search(m) for m in r.errors), "an ::error:: annotation names the field",
             r.errors)
    with w.acm.lock:
        reqs = [q.get("route") for q in w.acm.requests]
        conns = w.acm.connections
    t.eq(reqs, [], "no ACM request at all")
    t.eq(conns, 0, "not even a connection to ACM")
    t.eq(control_lines(r), [], "no control character in any output line")
    inj = [ln for ln in (r.stdout + "\n" + r.stderr).split("\n") if INJECTED.match(ln)]
    t.eq(inj, [], "no workflow command injected through the value")
    cmds = sorted({x.name for x in r.commands})
    t.ok(set(cmds) <= {"add-mask", "error", "warning"}, "only masks and annotations as "
         "workflow commands", cmds)
    if not cli:
        t.eq(r.outputs_text, "", "no step outputs after bad input")
    if FLAG_SECRET in "".join(kw.get("args", ())):
        t.ok(FLAG_SECRET not in r.text, "the flag's value is not echoed")
    evs = w.port_events()
    kinds = [(e["kind"], e["status"]) for e in evs]
    if report:
        t.eq([k for k, _ in kinds], ["get_run", "log", "terminal"],
             "the run was read, then got exactly one log line and one terminal "
             "update", kinds)
        term = [e for e in evs if e["kind"] == "terminal"]
        if term:
            body = term[-1]["body"] if isinstance(term[-1]["body"], dict) else {}
            t.eq(body.get("status"), "FAILURE", "the run ends FAILURE")
            t.ok(fre.search(body.get("summary") or ""), "the run's summary names the field",
                 body.get("summary"))
            t.ok(re.search(r"[Nn]othing was changed in AWS", body.get("summary") or ""),
                 "the run's summary says nothing changed in AWS", body.get("summary"))
            t.ok(CTL_FREE(body.get("summary") or ""),
                 "no control character in the run's summary", body.get("summary"))
        logs = [e for e in evs if e["kind"] == "log"]
        if logs:
            msg = str((logs[0]["body"] or {}).get("message", ""))
            t.ok(fre.search(msg), "the log line names the field", msg)
    else:
        with w.port.lock:
            preqs = [q.get("route") for q in w.port.requests]
        t.eq(preqs, [], "no Port call (no valid run id or Port settings)")


def CTL_FREE(s):
    return not re.search(r"[\x00-\x1f\x7f]", s)


def main():
    kit = Kit("bad_input", "bad_input")
    if not kit.setup():
        kit.finish(write=False)
    cases = [Case(cid, run_case, op=op, field=field, overrides=ov, kw=kw)
             for cid, op, field, ov, kw in R]
    cases += [Case("accept-" + cid, run_accept, overrides=ov, check=chk, counted=False)
              for cid, ov, chk in OK]
    kit.run(cases)
    # A >256 KiB port_context cannot reach any process: Linux limits one
    # argv/environment string to MAX_ARG_STRLEN (128 KiB), so execve
    # fails before the binary starts. The size check is exercised by the
    # context unit test and the fuzzer instead.
    kit.t.skip("context-over-256KiB: refused as too large",
               "Linux MAX_ARG_STRLEN (128 KiB) stops a >256 KiB INPUT_PORT_CONTEXT "
               "at execve; the limit itself is covered by tests/unit/test_context.c "
               "(CONTEXT_MAX_BYTES boundary) and the fuzzer")
    kit.finish(summary_word="refused")


if __name__ == "__main__":
    main()
