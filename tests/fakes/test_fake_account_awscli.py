#!/usr/bin/python3
"""Proves the fake Account Management service speaks the real rest-json
API: the real AWS CLI (/usr/bin/aws, with the pinned model via
AWS_DATA_PATH, which gives bookworm's CLI `account list-regions`) lists
the regions of its own account and, from the management account or a
delegated administrator, of a member account (--account-id), filtered
by --region-opt-status-contains and paginated; one opt-in region is
ENABLED in one account and DISABLED in the other. Negative cases show
the fake refuses what the service refuses: a wrong secret, the wrong
signing name, MaxResults 51, an AccountId or status outside the model,
an unknown member, a member account naming another account, the
management account naming itself, trusted access disabled."""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

import botocore.auth  # noqa: E402
import botocore.awsrequest  # noqa: E402
import botocore.credentials  # noqa: E402

from tests.fakes import awscli  # noqa: E402
from tests.fakes.awsjson import Registry, multi_account_sts, signed_call  # noqa: E402
from tests.fakes.fake_account import (ENABLED_BY_DEFAULT, OPT_IN,  # noqa: E402
                                      FakeAccount)
from tests.lib.tap import Tap  # noqa: E402

MGMT, A, B, ADMIN = "111111111111", "222222222222", "333333333333", \
    "444444444444"
KEYS = {MGMT: ("AKIDACCTMGMTEXAMPLE1", "mgmtSecret/K7MDENG+bPx"),
        A: ("AKIDACCTMEMBERAEXMP1", "memberASecret/abc+def"),
        B: ("AKIDACCTMEMBERBEXMP1", "memberBSecret/ghi+jkl"),
        ADMIN: ("AKIDACCTADMINEXAMPL1", "adminSecret/mno+pqr"),
        "555555555555": ("AKIDACCTOUTSIDEREXM1", "outsiderSecret/stu")}
T = Tap()
PKI, TLS = awscli.shared_pki()


def sc(*args, **kw):
    """awsjson.signed_call over the fake's TLS, trusting the test CA."""
    return signed_call(*args, ca=PKI["ca"], **kw)


class Cli(awscli.Cli):
    service, models = "account", True

    def __init__(self, url, account=MGMT, attempts="1", **kw):
        key, secret = KEYS[account]
        kw.setdefault("key", key)
        kw.setdefault("secret", secret)
        kw.setdefault("ca", PKI["ca"])
        super().__init__(url, attempts=attempts, **kw)


def names(out):
    return [r["RegionName"] for r in (out or {}).get("Regions", [])]


def main():
    awscli.require_cli(T)
    reg = Registry(default_account="999999999999")
    for acct, (k, s) in KEYS.items():
        reg.add(k, s, account=acct)
    with FakeAccount(registry=reg, management_account=MGMT,
                     members=[A, B, ADMIN], delegated_admins=[ADMIN],
                     tls=TLS) as acc:
        acc.set_region(A, "eu-south-1", "ENABLED")
        acc.set_region(A, "me-central-1", "ENABLING")
        acc.set_region(B, "ap-east-1", "ENABLED")
        T.run("own account", own, acc)
        T.run("member accounts", other, acc)
        T.run("pagination", pagination, acc)
        T.run("faults", faults, acc)
        T.run("negative", negative, acc)
        T.run("sts", via_sts, acc, reg)
    T.done()


def own(acc):
    rc, out, err = Cli(acc.url, A)("list-regions")
    T.ok(rc == 0 and sorted(names(out)) == sorted(ENABLED_BY_DEFAULT + OPT_IN),
         "aws account list-regions: every region of the caller's account",
         err or names(out))
    c = acc.calls[-1]
    T.ok(c["op"] == "ListRegions" and c["signature_ok"] and
         c["account"] == A and c["target_account"] == A and
         "AccountId" not in c["params"],
         "the fake received a signed ListRegions without AccountId from "
         "account A and answered for A", c)
    r = acc.requests[-1]
    T.ok(r["method"] == "POST" and r["path"] == "/listRegions" and
         r["headers"].get("authorization", "").split("Credential=")[1]
         .split("/")[3] == "account",
         "POST /listRegions, signed for the service 'account'", r["path"])
    rc, out, err = Cli(acc.url, A)(
        "list-regions", "--region-opt-status-contains", "ENABLED",
        "ENABLED_BY_DEFAULT")
    T.ok(rc == 0 and sorted(names(out)) == sorted(ENABLED_BY_DEFAULT +
                                                  ("eu-south-1",)) and
         acc.calls[-1]["params"]["RegionOptStatusContains"] ==
         ["ENABLED", "ENABLED_BY_DEFAULT"],
         "RegionOptStatusContains ENABLED ENABLED_BY_DEFAULT: A's usable "
         "regions (eu-south-1 opted in; me-central-1 still ENABLING)", err)
    rc, out, err = Cli(acc.url, B)(
        "list-regions", "--region-opt-status-contains", "ENABLED")
    T.ok(rc == 0 and names(out) == ["ap-east-1"],
         "account B: its own opt-in region, not A's", names(out))
    rc, out, err = Cli(acc.url, A)(
        "list-regions", "--region-opt-status-contains", "ENABLING")
    T.ok(rc == 0 and out["Regions"] == [{"RegionName": "me-central-1",
                                         "RegionOptStatus": "ENABLING"}],
         "ENABLING is listed with its status", out)


def other(acc):
    rc, out, err = Cli(acc.url, MGMT)(
        "list-regions", "--account-id", B, "--region-opt-status-contains",
        "ENABLED", "ENABLED_BY_DEFAULT")
    c = acc.calls[-1]
    T.ok(rc == 0 and "ap-east-1" in names(out) and
         "eu-south-1" not in names(out) and c["params"]["AccountId"] == B
         and c["account"] == MGMT and c["target_account"] == B,
         "the management account with --account-id B: B's regions", err)
    rc, out, err = Cli(acc.url, ADMIN)("list-regions", "--account-id", A)
    T.ok(rc == 0 and dict((r["RegionName"], r["RegionOptStatus"])
                          for r in out["Regions"])["eu-south-1"] == "ENABLED",
         "a delegated administrator with --account-id A: A's regions", err)
    rc, out, err = Cli(acc.url, A)("list-regions", "--account-id", B)
    T.ok(rc != 0 and "AccessDeniedException" in err,
         "a member account naming another account: AccessDeniedException",
         err)
    rc, out, err = Cli(acc.url, MGMT)("list-regions", "--account-id", MGMT)
    T.ok(rc != 0 and "AccessDeniedException" in err and "own" in err,
         "the management account naming itself: refused (the documentation: "
         "it must call without AccountId)", err)
    rc, out, err = Cli(acc.url, MGMT)("list-regions", "--account-id",
                                      "555555555555")
    T.ok(rc != 0 and "AccessDeniedException" in err,
         "an account outside the organization: AccessDeniedException", err)
    rc, out, err = Cli(acc.url, "555555555555")("list-regions",
                                                "--account-id", A)
    T.ok(rc != 0 and "AccessDeniedException" in err,
         "a caller outside the organization with AccountId: refused", err)
    acc.trusted_access = False
    rc, out, err = Cli(acc.url, MGMT)("list-regions", "--account-id", A)
    T.ok(rc != 0 and "AccessDeniedException" in err and "Trusted" in err,
         "trusted access not enabled: AccessDeniedException", err)
    acc.trusted_access = True


def pagination(acc):
    acc.calls.clear()
    rc, out, err = Cli(acc.url, A)("list-regions", "--page-size", "5")
    calls = acc.calls_of("ListRegions")
    total = len(ENABLED_BY_DEFAULT) + len(OPT_IN)
    T.ok(rc == 0 and len(names(out)) == total == len(set(names(out))) and
         len(calls) == -(-total // 5) and
         all(c["params"]["MaxResults"] == 5 for c in calls) and
         all("NextToken" in c["params"] for c in calls[1:]),
         "--page-size 5: the CLI follows NextToken through every page, "
         "MaxResults 5 each", [(c["params"], c.get("listed"))
                               for c in calls])
    rc, out, err = Cli(acc.url, A)("list-regions", "--max-items", "3")
    T.ok(rc == 0 and len(out["Regions"]) == 3 and out.get("NextToken"),
         "--max-items 3: the CLI stops and hands back its own token", out)
    st, body, h = sc(acc, "ListRegions", {"NextToken": "garbage"},
                              *KEYS[A])
    T.ok(st == 400 and h.get("x-amzn-errortype") == "ValidationException",
         "a NextToken the fake never issued: ValidationException", body)


def faults(acc):
    acc.calls.clear()
    acc.fail("ListRegions", "TooManyRequestsException", "Rate exceeded",
             status=429)
    rc, out, err = Cli(acc.url, A, attempts="2")("list-regions")
    T.ok(rc == 0 and [c["error"] for c in acc.calls] ==
         ["TooManyRequestsException", None],
         "TooManyRequestsException (429): the CLI retries", err)
    acc.fail("ListRegions", "InternalServerException", "boom", status=500,
             count=3)
    rc, out, err = Cli(acc.url, A, attempts="2")("list-regions")
    T.ok(rc != 0 and "InternalServerException" in err,
         "InternalServerException beyond the CLI's attempts reaches it", err)
    acc._fails.clear()


def negative(acc):
    rc, out, err = Cli(acc.url, A, secret="wrong")("list-regions")
    T.ok(rc != 0 and "InvalidSignatureException" in err and
         not acc.calls[-1]["signature_ok"],
         "a wrong secret: InvalidSignatureException", err)
    rc, out, err = Cli(acc.url, A)("list-regions", "--page-size", "51")
    T.ok(rc != 0 and "ValidationException" in err and
         acc.calls[-1]["params"] == {"MaxResults": 51},
         "MaxResults 51 (above the model's 50): ValidationException", err)
    rc, out, err = Cli(acc.url, MGMT)("list-regions", "--account-id",
                                      "1234")
    T.ok(rc != 0 and "ValidationException" in err and "\\d{12}" in err,
         "AccountId 1234 (pattern \\d{12}): ValidationException", err)
    rc, out, err = Cli(acc.url, A)("list-regions",
                                   "--region-opt-status-contains", "ON")
    T.ok(rc != 0 and "ValidationException" in err and "enum" in err,
         "RegionOptStatus ON (not in the enum): ValidationException", err)
    st, body, h = sc(acc, "ListRegions", {"Regions": []}, *KEYS[A])
    T.ok(st == 400 and h.get("x-amzn-errortype") == "ValidationException"
         and body.get("reason") == "fieldValidationFailed" and
         body.get("fieldList") and "message" in body,
         "an unknown member: ValidationException with the model's members "
         "(message, reason, fieldList)", body)
    st, body, h = sc(acc, "ListRegions", {}, *KEYS[A],
                              method="GET")
    T.ok(st == 405, "GET /listRegions: refused", (st, body))
    # Signed for another service: botocore signs correctly, the scope is
    # wrong.
    areq = botocore.awsrequest.AWSRequest(
        "POST", acc.url + "/listRegions", data=b"{}",
        headers={"Content-Type": "application/json"})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(*KEYS[A]),
                            "organizations", "us-east-1").add_auth(areq)
    st, body, h = sc(acc, "ListRegions", {}, *KEYS[A], sign=False,
                              headers=dict(areq.headers.items()))
    T.ok(st == 403 and "'account'" in body.get("message", ""),
         "signed for 'organizations': InvalidSignatureException", body)


def via_sts(acc, reg):
    base_key, base_secret = "AKIDSTSBASEACCOUNT01", "stsBase/secret"
    with multi_account_sts(reg, credentials={base_key: (base_secret, None)}) \
            as sts:
        got = {}
        for acct in (A, B):
            role = f"arn:aws:iam::{acct}:role/port-acm"
            sts.add_role(role)
            env = awscli.clean_env("us-east-1", "1", base_key, base_secret)
            rc, out, err = awscli.run("sts", sts.url, [
                "assume-role", "--role-arn", role, "--role-session-name",
                "regions"], env)
            if rc != 0:
                T.ok(False, f"assume-role into {acct}", err)
                return
            cr = out["Credentials"]
            rc, out, err = Cli(acc.url, A, key=cr["AccessKeyId"],
                               secret=cr["SecretAccessKey"],
                               token=cr["SessionToken"])(
                "list-regions", "--region-opt-status-contains", "ENABLED")
            got[acct] = (rc, names(out), acc.calls[-1]["account"])
        T.ok(got[A] == (0, ["eu-south-1"], A) and
             got[B] == (0, ["ap-east-1"], B),
             "credentials STS minted for a role in A and in B: each sees "
             "its own account's opt-in regions", got)


if __name__ == "__main__":
    main()
