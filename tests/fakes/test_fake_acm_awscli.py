#!/usr/bin/python3
"""Proves the fake ACM speaks real ACM: the real AWS CLI (Debian's
awscli, /usr/bin/aws) drives it over HTTPS with the test CA and once over
plain HTTP, and raw botocore-signed requests probe what the CLI would
never send (wrong secret, unknown members, clock skew, tampering)."""

import datetime
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

import botocore.auth  # noqa: E402
import botocore.awsrequest  # noqa: E402
import botocore.credentials  # noqa: E402

from tests.fakes.fake_acm import (DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY,  # noqa: E402
                                  FakeACM)
from tests.fakes import awscli  # noqa: E402
from tests.lib.tap import Tap  # noqa: E402

T = Tap()
TOKEN_KEY, TOKEN_SECRET, TOKEN = ("ASIAFAKETEMPORARY001", "tempSecret/abc+def",
                                  "FwoGZXIvYXdzEFAKE//token+with/slashes==")


class Cli(awscli.Cli):
    service = "acm"
    default_key, default_secret = DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY


def signed_request(url, op, body, key=DEFAULT_ACCESS_KEY, secret=DEFAULT_SECRET_KEY,
                   token=None, region="us-east-1", amz_date=None, ca=None,
                   mutate=None, headers=None, sign=True):
    """Signs with botocore's SigV4Auth (at an optional fixed time) and
    sends with http.client; `mutate(headers, body)` may spoil the request
    after signing. Returns (status, parsed body, headers)."""
    h = {"Content-Type": "application/x-amz-json-1.1",
         "X-Amz-Target": f"CertificateManager.{op}"}
    h.update(headers or {})
    areq = botocore.awsrequest.AWSRequest("POST", url + "/", headers=h, data=body)
    if sign:
        signer = botocore.auth.SigV4Auth(
            botocore.credentials.Credentials(key, secret, token), "acm", region)
        if amz_date is None:
            signer.add_auth(areq)
        else:
            # The same steps as add_auth, at a chosen time.
            areq.context["timestamp"] = amz_date
            areq.headers["X-Amz-Date"] = amz_date
            if token:
                areq.headers["X-Amz-Security-Token"] = token
            sts = signer.string_to_sign(areq, signer.canonical_request(areq))
            signer._inject_signature_to_request(areq, signer.signature(sts, areq))
    out_h = dict(areq.headers.items())
    if mutate:
        body = mutate(out_h, body)
    status, data, r = awscli.send(url, "POST", "/", body, out_h, ca)
    return status, awscli.parse_json(data), r


def last(acm, op=None):
    with acm.lock:
        calls = [c for c in acm.calls if op is None or c["op"] == op]
        return calls[-1] if calls else {}


def test_request_describe(acm, cli):
    n0 = len(acm.calls)
    rc, out, err = cli("request-certificate", "--domain-name", "*.example.com",
                       "--subject-alternative-names", "example.com", "www.example.com",
                       "--validation-method", "DNS", "--idempotency-token", "run_r_abc123",
                       "--key-algorithm", "EC_prime256v1",
                       "--tags", "Key=team,Value=platform", "Key=port-run,Value=r_abc")
    T.eq(rc, 0, "CLI request-certificate succeeds", ) or print("# " + err)
    arn = (out or {}).get("CertificateArn", "")
    T.ok(arn.startswith("arn:aws:acm:us-east-1:123456789012:certificate/"),
         "request-certificate returns an ACM ARN", out)
    c = last(acm, "RequestCertificate")
    T.eq(c.get("params"), {"DomainName": "*.example.com",
                           "SubjectAlternativeNames": ["example.com", "www.example.com"],
                           "ValidationMethod": "DNS", "IdempotencyToken": "run_r_abc123",
                           "KeyAlgorithm": "EC_prime256v1",
                           "Tags": [{"Key": "team", "Value": "platform"},
                                    {"Key": "port-run", "Value": "r_abc"}]},
         "fake recorded the CLI's parameters exactly")
    T.ok(c.get("signature_ok") is True and
         {"host", "x-amz-date", "x-amz-target", "content-type"} <= set(c.get("signed_headers") or []),
         "fake verified the CLI's SigV4 signature", c.get("signed_headers"))
    rc, out2, _ = cli("request-certificate", "--domain-name", "*.example.com",
                      "--subject-alternative-names", "example.com", "www.example.com",
                      "--validation-method", "DNS", "--idempotency-token", "run_r_abc123",
                      "--key-algorithm", "EC_prime256v1",
                      "--tags", "Key=team,Value=platform", "Key=port-run,Value=r_abc")
    T.eq((rc, (out2 or {}).get("CertificateArn")), (0, arn),
         "same idempotency token and parameters return the same ARN")
    T.eq(acm.requested, 1, "... and the fake created one certificate")
    acm.advance_clock(3601)
    rc, out3, _ = cli("request-certificate", "--domain-name", "*.example.com",
                      "--subject-alternative-names", "example.com", "www.example.com",
                      "--validation-method", "DNS", "--idempotency-token", "run_r_abc123",
                      "--key-algorithm", "EC_prime256v1",
                      "--tags", "Key=team,Value=platform", "Key=port-run,Value=r_abc")
    acm.clock_offset = 0
    T.ok(rc == 0 and out3["CertificateArn"] != arn and acm.requested == 2,
         "after one hour the token no longer deduplicates")
    acm.deleted[out3["CertificateArn"]] = acm.certs.pop(out3["CertificateArn"])

    rc, out, err = cli("describe-certificate", "--certificate-arn", arn)
    d = (out or {}).get("Certificate", {})
    T.ok(rc == 0 and d.get("Status") == "PENDING_VALIDATION" and d.get("Type") == "AMAZON_ISSUED"
         and d.get("DomainName") == "*.example.com", "describe-certificate: status and type",
         err or d)
    T.eq(d.get("SubjectAlternativeNames"), ["*.example.com", "example.com", "www.example.com"],
         "describe: SANs include the DomainName first")
    T.eq(d.get("KeyAlgorithm"), "EC-prime256v1", "describe: KeyAlgorithm is hyphenated")
    dvos = d.get("DomainValidationOptions", [])
    recs = {dv["DomainName"]: dv.get("ResourceRecord") for dv in dvos}
    T.ok(len(dvos) == 3 and all(r and r["Type"] == "CNAME" for r in recs.values()),
         "describe: one DVO with a CNAME ResourceRecord per name", dvos)
    T.ok(recs.get("*.example.com") == recs.get("example.com")
         and recs["www.example.com"] != recs["example.com"],
         "describe: wildcard and apex share one record", recs)
    T.ok(all(dv["ValidationStatus"] == "PENDING_VALIDATION" and dv["ValidationMethod"] == "DNS"
             for dv in dvos), "describe: DVOs pending, DNS")
    T.ok(isinstance(d.get("CreatedAt"), str) and d["CreatedAt"].startswith(
        time.strftime("%Y-", time.gmtime())), "describe: CLI parsed CreatedAt as a timestamp",
        d.get("CreatedAt"))
    T.eq(d.get("Options"), {"CertificateTransparencyLoggingPreference": "ENABLED"},
         "describe: Options as bookworm's CLI model knows it (Export dropped by its parser)")
    T.ok(all(c["signature_ok"] for c in acm.calls[n0:]),
         "every CLI call so far had a valid signature")
    return arn


def test_records_after(acm, cli):
    arn = acm.add_certificate("late.example.org", status="PENDING_VALIDATION",
                              records_after=2)
    seen = []
    for _ in range(3):
        rc, out, _ = cli("describe-certificate", "--certificate-arn", arn)
        dv = out["Certificate"]["DomainValidationOptions"][0]
        seen.append("ResourceRecord" in dv)
    T.eq(seen, [False, False, True], "records_after=2: the record appears on the third describe")
    acm.set_issue_after(arn, 1)
    cli("describe-certificate", "--certificate-arn", arn)
    rc, out, _ = cli("describe-certificate", "--certificate-arn", arn)
    c = out["Certificate"]
    T.ok(c["Status"] == "ISSUED" and c["NotAfter"] > c["NotBefore"]
         and c["DomainValidationOptions"][0]["ValidationStatus"] == "SUCCESS",
         "set_issue_after: the certificate becomes ISSUED with validity dates", c)
    arn2 = acm.add_certificate("fail.example.org", status="FAILED",
                               failure_reason="CAA_ERROR")
    rc, out, _ = cli("describe-certificate", "--certificate-arn", arn2)
    T.eq((out["Certificate"]["Status"], out["Certificate"].get("FailureReason")),
         ("FAILED", "CAA_ERROR"), "describe: FAILED carries FailureReason")
    arn3 = acm.add_certificate("mail.example.org", status="PENDING_VALIDATION",
                               validation_method="EMAIL")
    rc, out, _ = cli("describe-certificate", "--certificate-arn", arn3)
    dv = out["Certificate"]["DomainValidationOptions"][0]
    T.ok("ResourceRecord" not in dv and "admin@mail.example.org" in dv["ValidationEmails"],
         "describe: EMAIL validation lists addresses, no record", dv)


def test_list(acm, cli):
    before = len(acm.calls_of("ListCertificates"))
    ec = acm.add_certificate("ec.example.net", key_algorithm="EC_secp384r1")
    for i in range(4):
        acm.add_certificate(f"l{i}.example.net")
    rc, out, err = cli("list-certificates", "--page-size", "2")
    arns = [s["CertificateArn"] for s in (out or {}).get("CertificateSummaryList", [])]
    rsa = [a for a, c in acm.certs.items() if c["KeyAlgorithm"] in ("RSA_2048", "RSA_1024")]
    T.ok(rc == 0 and sorted(arns) == sorted(rsa), "list-certificates pages through all RSA "
         "certificates", err or out)
    T.ok(ec not in arns, "list: EC certificates hidden without Includes.keyTypes")
    calls = acm.calls_of("ListCertificates")[before:]
    T.ok(len(calls) >= 3 and all(c["params"].get("MaxItems") == 2 for c in calls)
         and "NextToken" not in calls[0]["params"]
         and all("NextToken" in c["params"] for c in calls[1:]),
         "list: the CLI followed NextToken page by page", [c["params"] for c in calls])
    rc, out, _ = cli("list-certificates", "--max-items", "2")
    T.ok(rc == 0 and len(out["CertificateSummaryList"]) == 2 and out.get("NextToken"),
         "list: --max-items gives a NextToken back", out)
    rc, out, _ = cli("list-certificates", "--includes",
                     "keyTypes=EC_secp384r1,EC_prime256v1,RSA_2048",
                     "--certificate-statuses", "ISSUED")
    arns = [s["CertificateArn"] for s in out["CertificateSummaryList"]]
    T.ok(ec in arns and all(acm.certs[a]["Status"] == "ISSUED" for a in arns),
         "list: Includes.keyTypes and CertificateStatuses filter", arns)
    s = [x for x in out["CertificateSummaryList"] if x["CertificateArn"] == ec][0]
    T.ok(s.get("InUse") is False and s.get("Type") == "AMAZON_ISSUED"
         and s.get("RenewalEligibility") == "INELIGIBLE",
         "list: summaries carry InUse, Type, RenewalEligibility", s)


def test_inventory():
    """ListCertificates as a catalog sync uses it: three regions, every
    key type and origin, the default filter, MaxItems pages; the CLI
    loads the pinned model (AWS_DATA_PATH) so it knows the 2026 members."""
    import botocore.validate
    from tests.fakes.acm_model import models_dir, service_model
    regions = ("us-east-1", "eu-west-1", "ap-southeast-2")
    acm = FakeACM(region=regions)
    t0 = time.time()
    arns = acm.bulk_load(10000)
    dt = time.time() - t0
    T.ok(len(acm.certs) == 10000 and dt < 3.0,
         f"bulk_load: 10,000 certificates in {dt:.2f} s", dt)
    url = acm.start()
    try:
        cli = Cli(url, region="eu-west-1")
        if models_dir():
            cli.env["AWS_DATA_PATH"] = models_dir()
        mine = [a for a in arns if ":eu-west-1:" in a]
        t0 = time.time()
        rc, out, err = cli("list-certificates")
        dt = time.time() - t0
        got = {s["CertificateArn"] for s in (out or {}).get(
            "CertificateSummaryList", [])}
        want = {a for a in mine if acm.certs[a]["KeyAlgorithm"] in (
            "RSA_1024", "RSA_2048") and acm.certs[a]["_origin"] != "ACME"}
        T.ok(rc == 0 and got == want,
             "inventory: by default only RSA_1024/RSA_2048, no ACME origin "
             f"({len(got)} of {len(mine)}; {dt:.1f} s)", err)
        before = len(acm.calls_of("ListCertificates"))
        rc, out, err = cli("list-certificates", "--includes",
                           "keyTypes=" + ",".join(FakeACM.KEY_TYPES),
                           "--certificate-key-pair-origins", *FakeACM.ORIGINS,
                           "--page-size", "1000")
        calls = acm.calls_of("ListCertificates")[before:]
        got = [s["CertificateArn"] for s in (out or {}).get(
            "CertificateSummaryList", [])]
        T.ok(rc == 0 and sorted(got) == sorted(mine) and len(mine) == 3333
             and all(c["params"]["MaxItems"] == 1000 for c in calls)
             and [c["listed"] for c in calls] == [1000, 1000, 1000, 333],
             "inventory: every key type and origin asked for: all 3,333 in "
             "4 pages of at most 1000", (err, len(got), len(calls)))
        kinds = {(acm.certs[a]["KeyAlgorithm"], acm.certs[a]["_origin"],
                  acm.certs[a]["Type"]) for a in got}
        T.ok(len({k[0] for k in kinds}) == 7 and len({k[1] for k in kinds}) == 3
             and len({k[2] for k in kinds}) == 3,
             "inventory: 7 key types, 3 origins, 3 types listed", kinds)
        # Every summary is valid output per the model.
        shape = service_model().operation_model(
            "ListCertificates").output_shape
        resp = {"CertificateSummaryList": [
            {k: (datetime.datetime.fromtimestamp(v, datetime.timezone.utc)
                 if k.endswith("At") or k.startswith("Not") else v)
             for k, v in acm._summary(acm.certs[a]).items()} for a in got[:500]]}
        rep = botocore.validate.ParamValidator().validate(resp, shape)
        T.ok(not rep.has_errors(), "inventory: summaries match the model's "
             "CertificateSummary", rep.generate_report())
        members = set(shape.members["CertificateSummaryList"].member.members)
        used = set().union(*(acm._summary(acm.certs[a]) for a in got))
        T.ok(used <= members and {"RevokedAt", "ImportedAt", "IssuedAt",
                                  "CertificateKeyPairOrigin"} <= used,
             "inventory: summary members are the model's, RevokedAt/ImportedAt "
             "included", used - members)
        acm.fail("ListCertificates", "AccessDeniedException", "no", region="eu-west-1")
        rc1, _, err1 = Cli(url, region="us-east-1")("list-certificates",
                                                      "--max-items", "1")
        rc2, _, err2 = cli("list-certificates", "--max-items", "1")
        T.ok(rc1 == 0 and rc2 != 0 and "AccessDenied" in err2,
             "inventory: a failure scripted for one region hits only it",
             (err1, err2))
        s, b, _ = signed_request(url, "ListCertificates", json.dumps(
            {"MaxItems": 1001}).encode(), region="eu-west-1")
        T.ok(s == 400 and "MaxItems" in json.dumps(b) or "maxItems" in json.dumps(b),
             "inventory: MaxItems above 1000 is a ValidationException", b)
    finally:
        acm.stop()


def test_renew_tags_get(acm, cli, pending_arn):
    pub = acm.add_certificate("pub.example.com")
    rc, out, err = cli("renew-certificate", "--certificate-arn", pub)
    T.ok(rc != 0 and "ValidationException" in err and "not eligible" in err,
         "renew: a public, not exported certificate is refused (ValidationException)", err)
    priv = acm.add_certificate("internal.corp.example", type="PRIVATE")
    rc, out, err = cli("renew-certificate", "--certificate-arn", priv)
    T.ok(rc == 0 and out is None, "renew: a PRIVATE certificate renews, empty output", err)
    rc, out, _ = cli("describe-certificate", "--certificate-arn", priv)
    rs = out["Certificate"].get("RenewalSummary", {})
    T.ok(rs.get("RenewalStatus") in ("PENDING_AUTO_RENEWAL", "SUCCESS")
         and rs.get("UpdatedAt"), "renew: RenewalSummary updated", rs)
    exp = acm.add_certificate("exp.example.com", exported=True, export_option="ENABLED")
    rc, _, err = cli("renew-certificate", "--certificate-arn", exp)
    T.eq(rc, 0, "renew: an exported exportable public certificate renews")
    imp = acm.add_certificate("imp.example.com", type="IMPORTED")
    rc, _, err = cli("renew-certificate", "--certificate-arn", imp)
    T.ok(rc != 0 and "ValidationException" in err, "renew: IMPORTED is refused", err)
    rc, _, err = cli("renew-certificate", "--certificate-arn", pending_arn)
    T.ok(rc != 0 and "RequestInProgressException" in err,
         "renew: a pending certificate is RequestInProgressException", err)

    rc, out, err = cli("add-tags-to-certificate", "--certificate-arn", pub,
                       "--tags", "Key=owner,Value=team-a", "Key=cost,Value=42")
    T.ok(rc == 0 and {"Key": "owner", "Value": "team-a"} in acm.certs[pub]["Tags"],
         "add-tags-to-certificate stores the tags", err)
    rc, out, _ = cli("list-tags-for-certificate", "--certificate-arn", pub)
    T.eq(len(out["Tags"]), 2, "list-tags-for-certificate returns them")
    rc, out, err = cli("add-tags-to-certificate", "--certificate-arn", pub,
                       "--tags", "Key=aws:owner,Value=x")
    T.ok(rc != 0 and "InvalidTagException" in err, "tags: aws: prefix is InvalidTagException",
         err)

    rc, out, err = cli("get-certificate", "--certificate-arn", pending_arn)
    T.ok(rc != 0 and "RequestInProgressException" in err,
         "get-certificate on a pending certificate: RequestInProgressException", err)
    rc, out, err = cli("get-certificate", "--certificate-arn", pub)
    T.ok(rc == 0 and out["Certificate"].startswith("-----BEGIN CERTIFICATE-----")
         and out["CertificateChain"].strip().endswith("-----END CERTIFICATE-----"),
         "get-certificate on an issued certificate returns PEM", err)


def test_delete_and_errors(acm, cli):
    used = acm.add_certificate("used.example.com",
                               in_use_by=["arn:aws:elasticloadbalancing:us-east-1:"
                                          "123456789012:loadbalancer/app/web/1"])
    rc, _, err = cli("delete-certificate", "--certificate-arn", used)
    T.ok(rc != 0 and "ResourceInUseException" in err and used in acm.certs,
         "delete: in use is ResourceInUseException, nothing deleted", err)
    acm.set_in_use(used, [], for_attempts=1)
    rc, out, err = cli("describe-certificate", "--certificate-arn", used)
    T.eq(out["Certificate"]["InUseBy"], [], "delete: InUseBy emptied (detached)")
    rc1, _, err1 = cli("delete-certificate", "--certificate-arn", used)
    rc2, _, err2 = cli("delete-certificate", "--certificate-arn", used)
    T.ok(rc1 != 0 and "ResourceInUseException" in err1 and rc2 == 0
         and used not in acm.certs and used in acm.deleted,
         "delete: in_use_for=1 fails once after detaching, then deletes", (err1, err2))
    rc, _, err = cli("delete-certificate", "--certificate-arn", used)
    T.ok(rc != 0 and "ResourceNotFoundException" in err,
         "delete: unknown ARN is ResourceNotFoundException", err)
    rc, _, err = cli("describe-certificate", "--certificate-arn",
                     "arn:aws:acm:us-east-1:123456789012:certificate/not-a-uuid")
    T.ok(rc != 0 and "InvalidArnException" in err, "describe: malformed certificate id is "
         "InvalidArnException", err)
    rc, _, err = cli("describe-certificate", "--certificate-arn",
                     "arn:aws:acm:eu-west-1:123456789012:certificate/"
                     "12345678-1234-1234-1234-123456789012")
    T.ok(rc != 0 and "InvalidArnException" in err, "describe: other region's ARN is "
         "InvalidArnException", err)
    rc, _, err = cli("describe-certificate", "--certificate-arn",
                     "arn:aws:acm:us-east-1:notanaccount:certificate/x")
    T.ok(rc != 0 and "ValidationException" in err and "regular expression" in err,
         "describe: an ARN failing the model pattern is ValidationException", err)
    rc, _, err = cli("request-certificate", "--domain-name", "a.com;id",
                     "--validation-method", "DNS")
    T.ok(rc != 0 and "ValidationException" in err and "domainName" in err,
         "request: injection-shaped domain is ValidationException (server-side pattern)", err)
    rc, _, err = cli("request-certificate", "--domain-name", "a.example.com",
                     "--validation-method", "DNS", "--key-algorithm", "RSA_4096")
    T.ok(rc != 0 and "ValidationException" in err, "request: RSA_4096 is not issuable", err)
    sans = [f"n{i}.example.com" for i in range(10)]
    rc, _, err = cli("request-certificate", "--domain-name", "example.com",
                     "--validation-method", "DNS", "--subject-alternative-names", *sans)
    T.ok(rc != 0 and "LimitExceededException" in err,
         "request: 11 names exceed the default quota of 10", err)

    acm.fail("ListCertificates", "AccessDeniedException", "User is not authorized")
    rc, _, err = cli("list-certificates")
    T.ok(rc != 0 and "AccessDeniedException" in err and "User is not authorized" in err,
         "scripted AccessDeniedException (capital-M Message) reaches the CLI", err)
    n = len(acm.calls_of("DescribeCertificate"))
    arn = acm.add_certificate("throttle.example.com")
    acm.fail("DescribeCertificate", "ThrottlingException", "Rate exceeded")
    rc, out, err = cli("describe-certificate", "--certificate-arn", arn)
    calls = acm.calls_of("DescribeCertificate")[n:]
    T.ok(rc == 0 and [c["error"] for c in calls] == ["ThrottlingException", None],
         "scripted ThrottlingException: the CLI retried and succeeded", err)
    acm.fail("DescribeCertificate", "InternalServerException", "boom", status=500, count=5)
    rc, _, err = cli("describe-certificate", "--certificate-arn", arn)
    T.ok(rc != 0 and "InternalServerException" in err and
         len(acm.calls_of("DescribeCertificate")) - n == 5,
         "scripted 500s: the CLI made 3 attempts and gave up", err)
    acm._fails.clear()

    acm.fault("RequestCertificate", "reset", after=True)
    before = acm.requested
    rc, out, err = cli("request-certificate", "--domain-name", "reset.example.com",
                       "--validation-method", "DNS", "--idempotency-token", "tok_reset")
    reqs = acm.calls_of("RequestCertificate")
    T.ok(rc == 0 and acm.requested == before + 1 and reqs[-1].get("idempotent_replay")
         and reqs[-1]["arn"] == out["CertificateArn"],
         "reset after processing: the CLI retried, the token returned the same ARN", err)


def test_cli_auth(acm, url, ca):
    rc, _, err = Cli(url, ca, secret="wrong-secret")("list-certificates")
    T.ok(rc != 0 and "InvalidSignatureException" in err and
         last(acm).get("signature_ok") is False,
         "CLI with a wrong secret: InvalidSignatureException, signature_ok False", err)
    rc, _, err = Cli(url, ca, key="AKIDUNKNOWN000000000")("list-certificates")
    T.ok(rc != 0 and "UnrecognizedClientException" in err,
         "CLI with an unknown key: UnrecognizedClientException", err)
    rc, _, err = Cli(url, ca, region="eu-west-1")("list-certificates")
    T.ok(rc != 0 and "InvalidSignatureException" in err and "region" in err,
         "CLI signing for another region: refused", err)
    acm.credentials[TOKEN_KEY] = (TOKEN_SECRET, TOKEN)
    rc, out, err = Cli(url, ca, key=TOKEN_KEY, secret=TOKEN_SECRET, token=TOKEN)(
        "list-certificates")
    c = last(acm)
    T.ok(rc == 0 and c.get("signature_ok") and "x-amz-security-token" in c["signed_headers"],
         "CLI with a session token: accepted, token signed", err)
    rc, _, err = Cli(url, ca, key=TOKEN_KEY, secret=TOKEN_SECRET)("list-certificates")
    T.ok(rc != 0 and "UnrecognizedClientException" in err,
         "temporary key without its session token: refused", err)


def test_raw(acm, url, ca):
    arn = acm.add_certificate("raw.example.com")
    body = json.dumps({"CertificateArn": arn}).encode()
    s, b, r = signed_request(url, "DescribeCertificate", body, ca=ca)
    T.ok(s == 200 and b["Certificate"]["CertificateArn"] == arn
         and r.getheader("x-amzn-RequestId"), "raw: botocore-signed request accepted")
    s, b, r = signed_request(url, "DescribeCertificate", body, ca=ca, secret="nope")
    T.ok(s == 403 and b.get("__type") == "InvalidSignatureException"
         and "does not match" in b.get("message", "")
         and r.getheader("X-Amzn-Errortype") == "InvalidSignatureException",
         "raw: wrong secret is 403 InvalidSignatureException with X-Amzn-Errortype", b)
    s, b, _ = signed_request(url, "DescribeCertificate",
                             json.dumps({"CertificateArn": arn, "Bogus": 1}).encode(), ca=ca)
    T.ok(s == 400 and b.get("__type") == "ValidationException" and "Bogus" in b["message"],
         "raw: an unknown member is ValidationException", b)
    s, b, _ = signed_request(url, "RequestCertificate", json.dumps(
        {"DomainName": "x.example.com", "Options": {"Export": "ENABLED"},
         "ValidationMethod": "DNS"}).encode(), ca=ca)
    T.ok(s == 200 and acm.certs[b["CertificateArn"]]["ExportOption"] == "ENABLED",
         "raw: Options.Export (newer than bookworm's model) is accepted", b)
    s, b, _ = signed_request(url, "RequestCertificate", json.dumps(
        {"DomainName": "x.example.com", "Options": {"Export": "MAYBE"}}).encode(), ca=ca)
    T.ok(s == 400 and "enum" in b.get("message", ""), "raw: Options.Export enum enforced", b)
    s, b, _ = signed_request(url, "RequestCertificate", json.dumps(
        {"DomainName": "x.example.com", "Options": {"Exprt": "ENABLED"}}).encode(), ca=ca)
    T.ok(s == 400 and b.get("__type") == "ValidationException",
         "raw: a misspelt member under Options is still refused", b)
    s, b, _ = signed_request(url, "RequestCertificate", json.dumps(
        {"DomainName": "x.example.com", "IdempotencyToken": "a" * 33}).encode(), ca=ca)
    T.ok(s == 400 and "less than or equal to 32" in b.get("message", ""),
         "raw: IdempotencyToken max length enforced (botocore only checks min)", b)
    s, b, _ = signed_request(url, "RequestCertificate", json.dumps(
        {"DomainName": "x.example.com", "Tags": [{"Key": "ok key", "Value": "Ünïcode"}],
         "ValidationMethod": "DNS"}).encode(), ca=ca)
    T.eq(s, 200, "raw: tag pattern accepts letters, spaces (\\p{L}\\p{Z})")
    s, b, _ = signed_request(url, "RequestCertificate", json.dumps(
        {"DomainName": "x.example.com", "Tags": [{"Key": "bad$key"}]}).encode(), ca=ca)
    T.eq(s, 400, "raw: tag pattern refuses '$'")
    s, b, _ = signed_request(url, "DescribeCertificate", b"", ca=ca)
    T.ok(s == 400 and b.get("__type") == "SerializationException",
         "raw: empty body is SerializationException (awsJson needs {})", b)
    s, b, _ = signed_request(url, "DescribeCertificate", b"{}", ca=ca)
    T.ok(s == 400 and "CertificateArn" in b.get("message", ""),
         "raw: missing required member is ValidationException", b)
    old = (datetime.datetime.utcnow() - datetime.timedelta(minutes=20)).strftime(
        "%Y%m%dT%H%M%SZ")
    s, b, _ = signed_request(url, "DescribeCertificate", body, ca=ca, amz_date=old)
    T.ok(s == 403 and "Signature expired" in b.get("message", ""),
         "raw: 20 minutes of clock skew is refused", b)
    recent = (datetime.datetime.utcnow() - datetime.timedelta(minutes=10)).strftime(
        "%Y%m%dT%H%M%SZ")
    s, b, _ = signed_request(url, "DescribeCertificate", body, ca=ca, amz_date=recent)
    T.eq(s, 200, "raw: 10 minutes of skew is tolerated")

    def tamper(h, bd):
        return bd.replace(b"}", b" }")
    s, b, _ = signed_request(url, "DescribeCertificate", body, ca=ca, mutate=tamper)
    T.ok(s == 403 and b.get("__type") == "InvalidSignatureException",
         "raw: a body changed after signing is refused", b)

    def retarget(h, bd):
        h["X-Amz-Target"] = "CertificateManager.DeleteCertificate"
        return bd
    s, b, _ = signed_request(url, "DescribeCertificate", body, ca=ca, mutate=retarget)
    T.ok(s == 403 and arn in acm.certs, "raw: a target changed after signing is refused", b)

    def unsigned_target(h, bd):
        auth = h["Authorization"]
        h["Authorization"] = auth.replace(";x-amz-target", "")
        return bd
    s, b, _ = signed_request(url, "DescribeCertificate", body, ca=ca, mutate=unsigned_target)
    T.ok(s == 400 and b.get("__type") == "IncompleteSignatureException",
         "raw: x-amz-target left out of SignedHeaders is refused", b)

    def spaces(h, bd):
        h["Authorization"] = h["Authorization"].replace(", ", ",")
        return bd
    s, b, _ = signed_request(url, "DescribeCertificate", body, ca=ca, mutate=spaces)
    T.eq(s, 200, "raw: Authorization parts without spaces are accepted (as AWS does)")
    s, b, _ = signed_request(url, "DescribeCertificate", body, ca=ca,
                             headers={"User-Agent": "port-acm/1 test"})
    T.eq(s, 200, "raw: headers outside SignedHeaders are ignored")
    s, b, _ = signed_request(url, "DescribeCertificate", body, ca=ca, sign=False)
    T.ok(s == 400 and b.get("__type") == "MissingAuthenticationTokenException",
         "raw: no Authorization is MissingAuthenticationTokenException", b)
    s, b, _ = signed_request(url, "DescribeCertificate", body, ca=ca,
                             headers={"Content-Type": "application/json"})
    T.eq(s, 400, "raw: a Content-Type other than application/x-amz-json-1.1 is refused")
    s, b, _ = signed_request(url, "ImportCertificateX", body, ca=ca)
    T.ok(s == 400 and b.get("__type") == "UnknownOperationException",
         "raw: unknown X-Amz-Target is UnknownOperationException", b)
    s, b, r = signed_request(url, "DeleteCertificate", body, ca=ca)
    T.ok(s == 200 and b is None and r.getheader("Content-Length") == "0",
         "raw: DeleteCertificate answers 200 with an empty body", b)


def test_http():
    acm = FakeACM(region=("us-east-1", "eu-west-1"))
    url = acm.start()
    try:
        cli = Cli(url)
        rc, out, err = cli("request-certificate", "--domain-name", "plain.example.com",
                           "--validation-method", "DNS")
        T.ok(url.startswith("http://") and rc == 0 and out["CertificateArn"] in acm.certs
             and acm.calls[-1]["signature_ok"], "plain HTTP: the CLI works against the "
             "fake without TLS", err)
        eu = acm.add_certificate("eu.example.com", region="eu-west-1")
        rc, out, err = Cli(url, region="eu-west-1")("describe-certificate",
                                                     "--certificate-arn", eu)
        T.ok(rc == 0 and out["Certificate"]["CertificateArn"] == eu,
             "two regions: an eu-west-1 ARN is served to eu-west-1 signed calls", err)
        rc, out, err = cli("describe-certificate", "--certificate-arn", eu)
        T.ok(rc != 0 and "InvalidArnException" in err,
             "two regions: ... and refused to us-east-1 signed calls", err)
        rc, out, err = Cli(url, region="eu-west-1")("request-certificate", "--domain-name",
                                                     "eu2.example.com",
                                                     "--validation-method", "DNS")
        T.ok(rc == 0 and ":eu-west-1:" in out["CertificateArn"],
             "two regions: RequestCertificate mints an ARN in the signing region", out)
        rc, out, err = cli("list-certificates")
        T.ok(rc == 0 and all(":us-east-1:" in x["CertificateArn"]
                             for x in out["CertificateSummaryList"]),
             "two regions: ListCertificates lists only the signing region", out)
    finally:
        acm.stop()
    acm = FakeACM(error_type_header="coral", error_type_form="namespaced")
    url = acm.start()
    try:
        s, b, r = signed_request(url, "DescribeCertificate", json.dumps(
            {"CertificateArn": acm.arn_for()}).encode())
        T.ok(s == 400 and b.get("__type") == "com.amazonaws.acm#ResourceNotFoundException"
             and r.getheader("X-Amzn-Errortype", "").startswith(
                 "ResourceNotFoundException:http://internal.amazon.com/coral/")
             and acm.calls[-1]["error"] == "ResourceNotFoundException",
             "error forms: namespaced __type and the long X-Amzn-Errortype", b)
        rc, _, err = Cli(url)("describe-certificate", "--certificate-arn", acm.arn_for())
        T.ok(rc != 0 and "(ResourceNotFoundException)" in err,
             "error forms: the CLI sanitises the namespaced __type", err)
    finally:
        acm.stop()


def test_tls_refusals(pki, url):
    rc, _, err = Cli(url, pki["other_ca"])("list-certificates")
    T.ok(rc != 0 and "SSL" in err, "CLI refuses a certificate from an unknown CA", err)
    for cert, key, name in (("expired_cert", "expired_key", "an expired certificate"),
                            ("wronghost_cert", "wronghost_key", "a wrong host name")):
        acm = FakeACM(tls=(pki[cert], pki[key]))
        u = acm.start()
        try:
            rc, _, err = Cli(u, pki["ca"])("list-certificates")
            T.ok(rc != 0 and "SSL" in err and not acm.calls,
                 f"CLI refuses {name}; no request reached the fake", err)
        finally:
            acm.stop()


def main():
    awscli.require_cli(T)
    pki, tls = awscli.shared_pki()
    acm = FakeACM(tls=tls)
    url = acm.start()
    cli = Cli(url, pki["ca"])
    try:
        holder = {}
        T.run("request/describe",
              lambda: holder.update(arn=test_request_describe(acm, cli)))
        arn = holder.get("arn")
        T.run("records", test_records_after, acm, cli)
        T.run("list", test_list, acm, cli)
        if arn:
            T.run("renew/tags/get", test_renew_tags_get, acm, cli, arn)
        T.run("delete/errors", test_delete_and_errors, acm, cli)
        T.run("cli auth", test_cli_auth, acm, url, pki["ca"])
        T.run("raw", test_raw, acm, url, pki["ca"])
        T.run("tls", test_tls_refusals, pki, url)
        with acm.lock:
            bad = [c for c in acm.calls if c["op"] != "ListCertificates"
                   and not c["signature_ok"] and c["status"] != 403
                   and c["error"] not in ("MissingAuthenticationTokenException",
                                          "IncompleteSignatureException",
                                          "UnrecognizedClientException")]
        T.eq(bad, [], "no call failed its signature check unexpectedly")
        T.ok(acm.connections < len(acm.requests),
             "connections were reused (keep-alive)", (acm.connections, len(acm.requests)))
    finally:
        acm.stop()
    T.run("http", test_http)
    T.run("inventory", test_inventory)
    T.done()


if __name__ == "__main__":
    main()
