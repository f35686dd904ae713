#!/usr/bin/python3
"""End-to-end tests of build/port-acm for issue 4 (certificate
lifecycle): idempotent requests, validation records, request options,
wait_for_issuance, honest renew, safe delete, catalog entity writes.
Every check looks at what the fakes received."""
import json
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import (ACCOUNT, REGION, RUN_ID, Suite, cert_arn,  # noqa: E402
                     check_no_acm_call, check_no_mutation, check_one_call, check_rc,
                     check_request_sends, check_terminal, ctx, entity_for,
                     log_text, req, terminal_events)

S = Suite("lifecycle")
DOMAIN = "www.example.com"


def kinds(evs):
    return [e["kind"] for e in evs]


# ----------------------------------------------------------- idempotency

@S.test
def idempotent_rerun_same_arn(t, w):
    w.add_run(RUN_ID)
    r1 = req(w)
    check_rc(t, r1, 0, "first run exit 0")
    # The same Port run re-run while it is still open (e.g. the first
    # job died before ending it). A run that has ended stops before AWS
    # (test_wire.py ended_run_stops_before_aws).
    w.reset_run(RUN_ID)
    r2 = req(w)
    t.ok(r2.rc == 0, "re-run exit 0", r2.describe())
    a1, a2 = r1.outputs.get("certificate_arn"), r2.outputs.get("certificate_arn")
    t.ok(a1 and a1 == a2, "re-run returns the same ARN", (a1, a2))
    t.eq(len(w.acm_arns()), 1, "the fake holds one certificate")
    toks = [c["params"].get("IdempotencyToken") for c in w.acm_calls("RequestCertificate")]
    t.ok(len(toks) == 2 and toks[0] and toks[0] == toks[1],
         "both requests carried the same IdempotencyToken", toks)


@S.test
def explicit_idempotency_token(t, w):
    check_request_sends(t, w, {"domain_name": DOMAIN, "idempotency_token": "my_token_01"},
                        "IdempotencyToken", "my_token_01", "token sent exactly")
    r = w.run("request", actions=False, port_creds=False,
              inputs={"domain_name": DOMAIN, "region": REGION,
                      "idempotency_token": "my_token_01"})
    check_rc(t, r, 0, "CLI --idempotency-token")
    t.eq(len(w.acm_arns()), 1, "same token: one certificate")
    for bad in ("has-dash", "x" * 33, "a b", "a;b"):
        r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION,
                                     "idempotency_token": bad}, port_creds=False)
        check_rc(t, r, 2, f"token {bad[:10]!r}: exit 2")
    t.eq(len(w.acm_calls("RequestCertificate")), 2, "bad tokens never reach ACM")


# ------------------------------------------------------ validation records

@S.test
def validation_records_after_n_describes(t, w):
    w.acm_configure(records_after=3)
    w.add_run(RUN_ID)
    r = req(w)
    check_rc(t, r, 0)
    desc = w.acm_calls("DescribeCertificate")
    t.ok(len(desc) >= 4, "kept describing until the records appeared", len(desc))
    arn = r.outputs.get("certificate_arn")
    rec = w.acm_record(arn, DOMAIN)
    t.ok(rec and rec.get("Name"), "the fake has a record", rec)
    if not rec:
        return
    try:
        vr = json.loads(r.outputs.get("validation_records", "null"))
    except ValueError:
        vr = None
    t.ok(isinstance(vr, list) and len(vr) == 1, "output validation_records: one record", vr)
    if isinstance(vr, list) and vr:
        v = vr[0]
        t.eq((v.get("name"), v.get("type"), v.get("value")),
             (rec["Name"], rec["Type"], rec["Value"]),
             "validation_records entry {name,type,value} matches ACM")
    evs = w.port_events(RUN_ID)
    lt = log_text(evs)
    t.contains(lt, rec["Name"], "a Port log line carries the record name")
    t.contains(lt, rec["Value"], "a Port log line carries the record value")
    term = check_terminal(t, w, "SUCCESS", r=r)
    if term:
        s = (term["body"] or {}).get("summary", "")
        t.contains(s, rec["Name"], "run summary carries the record name")
        t.contains(s, rec["Value"], "run summary carries the record value")
    sm = r.summary or ""
    t.match(sm, r"^\s*\|.*\|\s*$", "step summary has a Markdown table", flags=re.M)
    t.match(sm, r"^\s*\|\s*:?-{3,}", "step summary table has a header rule", flags=re.M)
    row = [ln for ln in sm.split("\n") if rec["Name"] in ln and ln.strip().startswith("|")]
    t.ok(row and rec["Value"] in row[0] and "CNAME" in row[0],
         "step summary table row: name, CNAME, value", sm)


@S.test
def wildcard_and_apex_listed_once(t, w):
    w.add_run(RUN_ID)
    r = req(w, {"domain_name": "*.example.com", "subject_alternative_names": "example.com"})
    check_rc(t, r, 0)
    c = check_one_call(t, w, "RequestCertificate", r)
    if c:
        t.eq(c["params"].get("DomainName"), "*.example.com", "DomainName wildcard")
        sans = set(c["params"].get("SubjectAlternativeNames") or [])
        t.ok("example.com" in sans, "apex sent as a SAN", sans)
    try:
        vr = json.loads(r.outputs.get("validation_records", "null"))
    except ValueError:
        vr = None
    t.ok(isinstance(vr, list) and len(vr) == 1, "one shared record listed once", vr)
    sm = r.summary or ""
    rows = [ln for ln in sm.split("\n") if ln.strip().startswith("|") and "CNAME" in ln]
    t.eq(len(rows), 1, "step summary lists the record once", sm)
    term = terminal_events(w.port_events(RUN_ID))
    if term and isinstance(vr, list) and vr:
        s = (term[0]["body"] or {}).get("summary", "")
        t.eq(s.count(vr[0]["value"]), 1, "run summary lists the record once", s)


@S.test
def email_validation_says_where_mail_goes(t, w):
    w.add_run(RUN_ID)
    r = req(w, {"validation_method": "EMAIL"})
    check_rc(t, r, 0)
    c = check_one_call(t, w, "RequestCertificate", r)
    if c:
        t.eq(c["params"].get("ValidationMethod"), "EMAIL", "ValidationMethod EMAIL")
    term = check_terminal(t, w, "SUCCESS", r=r)
    everywhere = (r.text + (r.summary or "") + log_text(w.port_events(RUN_ID)) +
                  json.dumps((term or {}).get("body") or {}))
    t.match(everywhere, r"(admin|administrator|hostmaster|postmaster|webmaster)@",
            "says which mailboxes the validation mail goes to")
    t.match(everywhere, r"example\.com", "names the domain the mail is for")
    vr = r.outputs.get("validation_records")
    t.ok(vr is not None, "validation_records output present", r.outputs)


# --------------------------------------------------------- request options

@S.test
def request_options_reach_acm_exactly(t, w):
    pca = f"arn:aws:acm-pca:{REGION}:{ACCOUNT}:certificate-authority/11111111-2222-3333-4444-555555555555"
    w.add_run(RUN_ID)
    r = req(w, {"subject_alternative_names": "a.example.com, b.example.com\nc.example.com",
                "key_algorithm": "EC_prime256v1",
                "tags": "team=platform,env=prod\ncost-center=42",
                "certificate_authority_arn": pca})
    check_rc(t, r, 0)
    c = check_one_call(t, w, "RequestCertificate", r)
    if c:
        p = c["params"]
        sans = p.get("SubjectAlternativeNames") or []
        t.eq(sorted(set(sans) - {DOMAIN}), ["a.example.com", "b.example.com", "c.example.com"],
             "SubjectAlternativeNames exactly (DomainName may be included)")
        t.eq(len(sans), len(set(sans)), "no duplicate SANs", sans)
        t.eq(p.get("KeyAlgorithm"), "EC_prime256v1", "KeyAlgorithm")
        t.eq(sorted((x.get("Key"), x.get("Value")) for x in p.get("Tags") or []),
             sorted([("team", "platform"), ("env", "prod"), ("cost-center", "42")]), "Tags")
        t.eq(p.get("CertificateAuthorityArn"), pca, "CertificateAuthorityArn")
        t.ok("CertificateTransparencyLoggingPreference" not in json.dumps(p),
             "no CT-logging option", p)
    arn = r.outputs.get("certificate_arn")
    tagged = w.acm_calls("AddTagsToCertificate")
    t.ok(not tagged, "tags go with the request (no separate AddTags call)",
         [x["params"] for x in tagged])
    t.ok(arn, "certificate requested", r.outputs)


@S.test
def export_option(t, w):
    check_request_sends(t, w, {"domain_name": DOMAIN, "export": "ENABLED"},
                        "Options", {"Export": "ENABLED"}, "Options exactly {Export}")
    r = w.run("request", actions=False, port_creds=False,
              inputs={"domain_name": "cli.example.com", "region": REGION,
                      "export": "DISABLED", "key_algorithm": "EC_secp384r1",
                      "subject_alternative_names": "x.example.com"})
    check_rc(t, r, 0, "CLI flags for options")
    calls = w.acm_calls("RequestCertificate")
    if len(calls) == 2:
        p = calls[1]["params"]
        t.eq((p.get("Options"), p.get("KeyAlgorithm")),
             ({"Export": "DISABLED"}, "EC_secp384r1"), "CLI --export/--key-algorithm")
        t.ok("x.example.com" in (p.get("SubjectAlternativeNames") or []),
             "CLI --subject-alternative-names", p)


@S.test
def bad_request_options(t, w):
    w.add_run(RUN_ID)
    bad = [
        ("key_algorithm RSA_4096", {"key_algorithm": "RSA_4096"}, "key_algorithm"),
        ("key_algorithm injection", {"key_algorithm": "RSA_2048;id"}, "key_algorithm"),
        ("tag with aws: prefix", {"tags": "aws:owner=me"}, "tag"),
        ("tag with an empty key", {"tags": "=value"}, "tag"),
        ("tag key with a shell character", {"tags": "a;b=c"}, "tag"),
        ("51 tags", {"tags": ",".join(f"k{i}=v" for i in range(51))}, "tag"),
        ("SAN injection", {"subject_alternative_names": "ok.example.com,$(id).x.com"},
         "subject_alternative_names|domain"),
        ("101 SANs", {"subject_alternative_names":
                      ",".join(f"h{i}.example.com" for i in range(101))},
         "subject_alternative_names|100"),
        ("PCA ARN of another service",
         {"certificate_authority_arn": f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/x"},
         "certificate_authority_arn"),
        ("export MAYBE", {"export": "MAYBE"}, "export"),
        ("wait_for_issuance perhaps", {"wait_for_issuance": "perhaps"}, "wait_for_issuance"),
        ("timeout_minutes -1", {"timeout_minutes": "-1", "wait_for_issuance": "true"},
         "timeout_minutes"),
        ("timeout_minutes 1e9", {"timeout_minutes": "1000000000", "wait_for_issuance": "true"},
         "timeout_minutes"),
    ]
    for label, inputs, field in bad:
        r = w.run("request", inputs=dict({"domain_name": DOMAIN, "aws_region": REGION},
                                         **inputs), port_creds=False)
        check_rc(t, r, 2, f"{label}: exit 2")
        t.match(r.text, field, f"{label}: names {field}")
    check_no_acm_call(t, w, r, "no ACM call for any of them")
    r = req(w, {"tags": "aws:x=y"})
    check_rc(t, r, 2, "with Port: exit 2")
    check_terminal(t, w, "FAILURE", summary_res=[r"tag"], r=r)


# -------------------------------------------------------- wait_for_issuance

@S.test
def wait_for_issuance_progress(t, w):
    w.acm_configure(issue_after=4)
    w.add_run(RUN_ID)
    r = req(w, {"wait_for_issuance": "true", "timeout_minutes": "1"}, timeout=90)
    check_rc(t, r, 0)
    t.eq(r.outputs.get("certificate_status"), "ISSUED", "output certificate_status ISSUED")
    evs = w.port_events(RUN_ID)
    labels = [e for e in evs if e["kind"] == "patch" and
              isinstance(e["body"], dict) and e["body"].get("statusLabel")]
    log_labels = [e for e in evs if e["kind"] == "log" and
                  isinstance(e["body"], dict) and e["body"].get("statusLabel")]
    t.ok(labels or log_labels, "statusLabel progress while IN_PROGRESS", kinds(evs))
    term = check_terminal(t, w, "SUCCESS", r=r)
    if term:
        idx = evs.index(term)
        t.ok(all(evs.index(e) < idx for e in labels + log_labels),
             "progress labels come before the terminal update")
    t.ok(len(w.acm_calls("DescribeCertificate")) >= 5, "polled until ISSUED",
         len(w.acm_calls("DescribeCertificate")))


@S.test
def wait_for_issuance_failed(t, w):
    w.acm_configure(fail_after=2, failure_reason="CAA_ERROR")
    w.add_run(RUN_ID)
    r = req(w, {"wait_for_issuance": "true"}, timeout=90)
    check_rc(t, r, 1)
    t.eq(r.outputs.get("certificate_status"), "FAILED", "output certificate_status FAILED")
    check_terminal(t, w, "FAILURE", summary_res=[r"CAA"], r=r)


@S.test
def wait_for_issuance_timeout(t, w):
    """timeout_minutes is whole minutes, so this one takes about a minute."""
    w.acm_configure(issue_after=10 ** 6)
    w.add_run(RUN_ID)
    r = req(w, {"wait_for_issuance": "true", "timeout_minutes": "1"}, timeout=150)
    t.ok(r.rc in (0, 1), "exit 0 or 1 after the timeout", r.describe())
    # It may stop a little early when the next poll would land after
    # the deadline; it must neither give up at once nor overrun.
    t.ok(30 <= r.elapsed <= 120, "waited about timeout_minutes", r.elapsed)
    t.ok(len(w.acm_calls("DescribeCertificate")) >= 3, "kept polling while waiting")
    t.eq(r.outputs.get("certificate_status"), "PENDING_VALIDATION",
         "output certificate_status says where it stands")
    term = check_terminal(t, w, "SUCCESS" if r.rc == 0 else "FAILURE", r=r,
                          summary_res=[r"PENDING_VALIDATION|pending validation",
                                       r"minute|timed? ?out"])
    if term:
        s = (term["body"] or {}).get("summary", "")
        rec = w.acm_record(r.outputs.get("certificate_arn", ""), DOMAIN)
        t.ok(rec and rec["Name"] in s, "summary repeats the record to add (how to continue)", s)


@S.test
def no_wait_by_default(t, w):
    w.acm_configure(issue_after=50)
    r = w.run("request", inputs={"domain_name": DOMAIN, "aws_region": REGION},
              port_creds=False)
    check_rc(t, r, 0)
    t.eq(r.outputs.get("certificate_status"), "PENDING_VALIDATION",
         "without wait_for_issuance it returns while PENDING_VALIDATION")
    t.ok(len(w.acm_calls("DescribeCertificate")) < 50, "did not poll to issuance")


# ------------------------------------------------------------------ renew

def renew(w, arn, **kw):
    return w.run("renew", inputs={"port_context": ctx(entity=entity_for(arn))}, **kw)


@S.test
def renew_private(t, w):
    arn = w.add_cert(region=REGION, domain=DOMAIN, type="PRIVATE", status="ISSUED",
                     exported=True, renewal_eligibility="ELIGIBLE")
    w.add_run(RUN_ID)
    r = renew(w, arn)
    check_rc(t, r, 0)
    c = check_one_call(t, w, "RenewCertificate", r)
    if c:
        t.eq(c["params"], {"CertificateArn": arn}, "RenewCertificate params")
    first = w.acm_calls()[0]["op"] if w.acm_calls() else None
    t.eq(first, "DescribeCertificate", "described before renewing")
    check_terminal(t, w, "SUCCESS", summary_res=[
        r"renew", r"PENDING_AUTO_RENEWAL|SUCCESS|pending|succeeded|in progress"], r=r)


@S.test
def renew_exported_public(t, w):
    arn = w.add_cert(region=REGION, domain=DOMAIN, type="AMAZON_ISSUED", status="ISSUED",
                     export="ENABLED", exported=True, renewal_eligibility="ELIGIBLE")
    w.add_run(RUN_ID)
    r = renew(w, arn)
    check_rc(t, r, 0)
    check_one_call(t, w, "RenewCertificate", r)
    check_terminal(t, w, "SUCCESS", r=r)


@S.test
def renew_public_managed(t, w):
    arn = w.add_cert(region=REGION, domain=DOMAIN, type="AMAZON_ISSUED", status="ISSUED",
                     renewal_eligibility="ELIGIBLE", in_use_by=[
                         f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/web/1"])
    w.add_run(RUN_ID)
    r = renew(w, arn)
    check_rc(t, r, 0)
    t.eq(w.acm_calls("RenewCertificate"), [], "no RenewCertificate on a public certificate")
    check_no_mutation(t, w, r)
    term = check_terminal(t, w, "SUCCESS", summary_res=[r"managed renewal|renews? .*automatic|automatically",
                                                          r"ELIGIBLE|eligib"], r=r)
    na = w.acm_cert_field(arn, "NotAfter")
    if term and na:
        import datetime
        day = datetime.datetime.fromtimestamp(float(na), datetime.timezone.utc).strftime("%Y-%m-%d")
        t.contains((term["body"] or {}).get("summary", ""), day,
                   "summary says when the certificate expires (NotAfter)")


@S.test
def renew_public_managed_failed(t, w):
    arn = w.add_cert(region=REGION, domain=DOMAIN, type="AMAZON_ISSUED", status="ISSUED",
                     renewal_eligibility="ELIGIBLE", renewal_status="FAILED",
                     renewal_reason="DOMAIN_VALIDATION_DENIED")
    w.add_run(RUN_ID)
    r = renew(w, arn)
    check_rc(t, r, 1)
    t.eq(w.acm_calls("RenewCertificate"), [], "no RenewCertificate")
    check_terminal(t, w, "FAILURE", summary_res=[r"DOMAIN_VALIDATION_DENIED|validation (was )?denied"],
                   r=r)


@S.test
def renew_imported(t, w):
    arn = w.add_cert(region=REGION, domain=DOMAIN, type="IMPORTED", status="ISSUED",
                     renewal_eligibility="INELIGIBLE")
    w.add_run(RUN_ID)
    r = renew(w, arn)
    t.eq(w.acm_calls("RenewCertificate"), [], "no RenewCertificate on an imported certificate")
    check_no_mutation(t, w, r)
    t.ok(r.rc in (0, 1), "exit 0 or 1 (explained, not crashed)", r.describe())
    term = terminal_events(w.port_events(RUN_ID))
    t.ok(term, "the run ends", kinds(w.port_events(RUN_ID)))
    if term:
        t.match((term[0]["body"] or {}).get("summary", ""), r"re-?import",
                "summary says it must be re-imported")


# ------------------------------------------------------------------ delete

@S.test
def delete_refused_when_in_use(t, w):
    users = [f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/web/50dc6c495c0c9188",
             f"arn:aws:cloudfront::{ACCOUNT}:distribution/E2QWRUHAPOMQZL"]
    arn = w.add_cert(region=REGION, domain=DOMAIN, status="ISSUED", in_use_by=users)
    w.add_run(RUN_ID)
    r = w.run("delete", inputs={"port_context": ctx(entity=entity_for(arn))})
    check_rc(t, r, 1)
    t.eq(w.acm_calls("DeleteCertificate"), [], "DeleteCertificate never called")
    t.ok(arn in w.acm_arns(), "certificate still exists")
    term = check_terminal(t, w, "FAILURE", r=r)
    if term:
        s = (term["body"] or {}).get("summary", "")
        for u in users:
            t.contains(s, u, f"summary lists {u.split(':')[2]} user")
    evs = w.port_events(RUN_ID)
    t.eq([e for e in evs if e["kind"] == "entity_delete"], [],
         "entity not deleted when the certificate was not")


@S.test
def delete_not_found_is_success(t, w):
    arn = cert_arn(cid="99999999-aaaa-bbbb-cccc-dddddddddddd")
    w.add_run(RUN_ID)
    r = w.run("delete", inputs={"port_context": ctx(entity=entity_for(arn))})
    check_rc(t, r, 0)
    check_terminal(t, w, "SUCCESS", summary_res=[r"already|not found|no longer|gone|not exist"], r=r)
    evs = w.port_events(RUN_ID)
    dels = [e for e in evs if e["kind"] == "entity_delete"]
    t.eq(len(dels), 1, "stale entity deleted from the catalog", kinds(evs))


@S.test
def delete_retries_transient_in_use(t, w):
    arn = w.add_cert(region=REGION, domain=DOMAIN, status="ISSUED")
    w.acm_fault("DeleteCertificate", "ResourceInUseException",
                "Certificate is in use by another service", times=2)
    w.add_run(RUN_ID)
    r = w.run("delete", inputs={"port_context": ctx(entity=entity_for(arn)),
                                "delete_wait_minutes": "1"}, timeout=120)
    check_rc(t, r, 0)
    t.eq(len(w.acm_calls("DeleteCertificate")), 3, "retried through two in-use answers")
    t.ok(arn not in w.acm_arns(), "certificate deleted")
    check_terminal(t, w, "SUCCESS", r=r)


# --------------------------------------------------------- catalog entity

@S.test
def entity_upsert_after_request(t, w):
    w.add_run(RUN_ID)
    r = req(w)
    check_rc(t, r, 0)
    arn = r.outputs.get("certificate_arn")
    evs = w.port_events(RUN_ID)
    ups = [e for e in evs if e["kind"] == "upsert"]
    if not t.eq(len(ups), 1, "one entity upsert tied to the run", kinds(evs)):
        t.diag(r.describe())
        return
    u = ups[0]
    t.match(u["path"], r"/v1/blueprints/acmCertificate/entities$", "blueprint acmCertificate")
    q = {k: (v[-1] if isinstance(v, list) else v) for k, v in u["query"].items()}
    t.eq((q.get("upsert"), q.get("merge"), q.get("run_id")), ("true", "true", RUN_ID),
         "upsert=true&merge=true&run_id=<run>")
    b = u["body"] if isinstance(u["body"], dict) else {}
    t.eq(b.get("identifier"), arn, "identifier = ARN")
    props = b.get("properties") or {}
    t.eq(props.get("arn"), arn, "properties.arn")
    t.eq(props.get("status"), "PENDING_VALIDATION", "properties.status")
    for k in ("type", "keyAlgorithm", "createdAt"):
        t.ok(k in props, f"properties.{k} present", sorted(props))
    t.eq((b.get("relations") or {}).get("account"), ACCOUNT, "relation account = ARN's account")
    term = terminal_events(evs)
    t.ok(term and evs.index(u) < evs.index(term[0]), "entity write before the terminal update",
         kinds(evs))
    ent = w.port_entity("acmCertificate", arn)
    t.ok(ent is not None, "the fake catalog holds the entity")


@S.test
def entity_custom_blueprint(t, w):
    w.add_blueprint("myCerts")
    w.add_run(RUN_ID)
    r = req(w, {"blueprint": "myCerts"})
    check_rc(t, r, 0)
    ups = [e for e in w.port_events(RUN_ID) if e["kind"] == "upsert"]
    t.ok(ups and ups[0]["path"].endswith("/blueprints/myCerts/entities"),
         "upsert goes to the blueprint input", [u["path"] for u in ups])


@S.test
def entity_delete_after_delete(t, w):
    arn = w.add_cert(region=REGION, domain=DOMAIN, status="ISSUED")
    w.add_entity("acmCertificate", arn)
    w.add_run(RUN_ID)
    r = w.run("delete", inputs={"port_context": ctx(entity=entity_for(arn))})
    check_rc(t, r, 0)
    evs = w.port_events(RUN_ID)
    dels = [e for e in evs if e["kind"] == "entity_delete"]
    if not t.eq(len(dels), 1, "one entity delete", kinds(evs)):
        return
    d = dels[0]
    enc = urllib.parse.quote(arn, safe="")
    raw = [q["path"] for q in w.port_requests() if q["method"] == "DELETE"]
    t.eq(raw, ["/v1/blueprints/acmCertificate/entities/" + enc],
         "DELETE path: the ARN percent-encoded as one segment")
    q = {k: (v[-1] if isinstance(v, list) else v) for k, v in d["query"].items()}
    t.eq(q.get("run_id"), RUN_ID, "run_id on the delete")
    term = terminal_events(evs)
    t.ok(term and evs.index(d) < evs.index(term[0]), "entity delete before the terminal update")
    t.ok(w.port_entity("acmCertificate", arn) is None, "entity gone from the fake catalog")


@S.test
def entity_matches_repo_blueprint(t, w):
    """With the repo's blueprint enforced (names and types), every write
    is accepted: request, renew and delete."""
    w.add_blueprint("acmCertificate")
    w.add_run(RUN_ID)
    r = req(w, {"subject_alternative_names": "api.example.com"})
    check_rc(t, r, 0, "request exit 0")
    t.eq(r.warnings, [], "request: no warnings")
    arn = r.outputs.get("certificate_arn")
    ups = [e for e in w.port_events(RUN_ID) if e["kind"] == "upsert"]
    t.ok(ups and all((e["status"] or 0) < 300 for e in ups), "upsert accepted by the schema",
         [(e["status"], (e["raw"].get("response") or {}).get("message")) for e in ups])
    ent = w.port_entity("acmCertificate", arn) or {}
    props = ent.get("properties") or {}
    t.eq(props.get("domainName"), DOMAIN, "entity property domainName")
    t.ok("api.example.com" in json.dumps(props.get("subjectAlternativeNames")),
         "entity property subjectAlternativeNames", props)
    t.ok(props.get("validationRecords"), "entity carries the validation records", props)
    w.acm_issue(arn)
    w.add_run("r_Renew00000000000")
    r = w.run("renew", inputs={"port_context": ctx("r_Renew00000000000", entity_for(arn))})
    check_rc(t, r, 0, "renew exit 0")
    t.eq(r.warnings, [], "renew: no warnings")
    t.eq((w.port_entity("acmCertificate", arn) or {}).get("properties", {}).get("status"),
         "ISSUED", "renew refreshed the entity's status")
    w.add_run("r_Delete0000000000")
    r = w.run("delete", inputs={"port_context": ctx("r_Delete0000000000", entity_for(arn))})
    check_rc(t, r, 0, "delete exit 0")
    t.eq(r.warnings, [], "delete: no warnings")
    t.ok(w.port_entity("acmCertificate", arn) is None, "entity removed")


@S.test
def blueprint_missing_property_is_a_warning(t, w):
    w.add_blueprint("acmCertificate", drop=("renewalEligibility",))
    w.add_run(RUN_ID)
    r = req(w)
    check_rc(t, r, 0)
    t.eq(len(w.acm_calls("RequestCertificate")), 1, "the certificate was requested")
    t.ok(any("renewalEligibility" in m for m in r.warnings),
         "::warning:: names the missing property", r.warnings)
    t.ok(any(re.search(r"blueprint", m, re.I) for m in r.warnings),
         "warning says how to fix the blueprint", r.warnings)
    check_terminal(t, w, "SUCCESS", r=r)


if __name__ == "__main__":
    S.main()
