#!/usr/bin/python3
"""Proves the fake Organizations speaks real Organizations: the real AWS
CLI (/usr/bin/aws, with the pinned model via AWS_DATA_PATH) runs
`organizations describe-organization` and `list-accounts` against it,
following NextToken through 100 generated accounts (some SUSPENDED),
through empty pages, and retrying TooManyRequestsException; the CLI
must parse what the fake serialised from the model's output shapes.
Negative cases show the fake refuses what Organizations refuses: a wrong
secret, the wrong signing region, MaxResults outside 1..20, an unknown
member, a NextToken it never issued, a member account calling
ListAccounts, an account outside the organization. The caller's
account comes from its access key, including keys minted by the
multi-account STS for a role in a member account."""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from tests.fakes import awscli  # noqa: E402
from tests.fakes.awsjson import Registry, multi_account_sts, signed_call  # noqa: E402
from tests.fakes.fake_organizations import FakeOrganizations  # noqa: E402
from tests.lib.tap import Tap  # noqa: E402

MGMT = "111111111111"
MGMT_KEY, MGMT_SECRET = "AKIDORGSMGMTEXAMPLE1", "mgmtSecret/K7MDENG+bPxRfiCY"
MEMBER_KEY, MEMBER_SECRET = "AKIDORGSMEMBEREXMPL1", "memberSecret/abc+def"
ADMIN_KEY, ADMIN_SECRET = "AKIDORGSDELEGATEDAD1", "adminSecret/xyz+uvw"
OUTSIDER_KEY, OUTSIDER_SECRET = "AKIDORGSOUTSIDEREXM1", "outsiderSecret/123"
T = Tap()
PKI, TLS = awscli.shared_pki()


def sc(*args, **kw):
    """awsjson.signed_call over the fake's TLS, trusting the test CA."""
    return signed_call(*args, ca=PKI["ca"], **kw)


class Cli(awscli.Cli):
    service, models = "organizations", True
    default_key, default_secret = MGMT_KEY, MGMT_SECRET

    def __init__(self, url, **kw):
        kw.setdefault("ca", PKI["ca"])
        super().__init__(url, **kw)


def main():
    awscli.require_cli(T)
    reg = Registry(default_account="999999999999")
    reg.add(MGMT_KEY, MGMT_SECRET, account=MGMT)
    with FakeOrganizations(registry=reg, management_account=MGMT,
                           tls=TLS) as org:
        members = org.generate(100)
        reg.add(MEMBER_KEY, MEMBER_SECRET, account=members[0])
        reg.add(ADMIN_KEY, ADMIN_SECRET, account=members[1])
        reg.add(OUTSIDER_KEY, OUTSIDER_SECRET, account="333333333333")
        org.delegated_admins.add(members[1])
        cli = Cli(org.url, attempts="1")
        T.run("describe-organization", describe, org, cli)
        T.run("list-accounts", list_accounts, org, cli, members)
        T.run("access", access, org, reg, members)
        T.run("faults", faults, org, reg)
        T.run("negative", negative, org, cli)
        T.run("sts", via_sts, org, reg, members)
    T.done()


def describe(org, cli):
    rc, out, err = cli("describe-organization")
    o = (out or {}).get("Organization", {})
    T.ok(rc == 0 and o.get("Id") == org.org_id and
         o.get("MasterAccountId") == MGMT and o.get("FeatureSet") == "ALL",
         "aws organizations describe-organization: the CLI parses the "
         "Organization", err)
    c = org.calls[-1]
    T.ok(c["op"] == "DescribeOrganization" and c["signature_ok"] and
         c["account"] == MGMT and c["params"] == {} and
         c["headers"].get("x-amz-target") ==
         "AWSOrganizationsV20161128.DescribeOrganization" and
         c["headers"].get("content-type") == "application/x-amz-json-1.1",
         "the fake received an awsJson1_1 call signed for organizations "
         "from the management account", c)
    T.ok(org.url.startswith("https://") and org.conn_log and
         all(x["tls"] == "ok" for x in org.conn_log),
         "over TLS (the test CA), as port-acm will call it", org.conn_log)


def list_accounts(org, cli, members):
    org.reset_records()
    org.calls.clear()
    rc, out, err = cli("list-accounts", "--page-size", "20")
    accts = (out or {}).get("Accounts", [])
    ids = [a["Id"] for a in accts]
    T.ok(rc == 0 and sorted(ids) == sorted([MGMT] + members),
         "list-accounts: the CLI follows NextToken through 101 accounts",
         err or f"{len(ids)} accounts")
    calls = org.calls_of("ListAccounts")
    T.ok(len(calls) == 6 and all(c["params"].get("MaxResults") == 20
                                 for c in calls) and
         "NextToken" not in calls[0]["params"] and
         all("NextToken" in c["params"] for c in calls[1:]) and
         [c.get("listed") for c in calls] == [20, 20, 20, 20, 20, 1],
         "the fake received 6 pages of MaxResults 20, each after the first "
         "with the NextToken it issued",
         [(c["params"], c.get("listed")) for c in calls])
    susp = [a for a in accts if a.get("State") == "SUSPENDED"]
    T.ok(len(susp) == len(org.account_ids({"SUSPENDED"})) > 0 and
         all(a["Status"] == "SUSPENDED" for a in susp),
         "SUSPENDED accounts listed with State and Status", len(susp))
    a = next((a for a in accts if a["Id"] == members[0]), {})
    T.ok(a.get("Arn") == f"arn:aws:organizations::{MGMT}:account/"
         f"{org.org_id}/{members[0]}" and a.get("Email", "").endswith(
             "@example.com") and a.get("JoinedMethod") == "INVITED" and
         isinstance(a.get("JoinedTimestamp"), str),
         "an account's Arn, Email, JoinedMethod, JoinedTimestamp (epoch "
         "seconds on the wire, the CLI's ISO 8601 out)", a)
    T.ok(all(set(x) <= {"Id", "Arn", "Email", "Name", "Status", "State",
                        "JoinedMethod", "JoinedTimestamp"} for x in accts),
         "no member outside the model's Account shape")

    org.empty_pages = 2
    org.calls.clear()
    rc, out, err = cli("list-accounts")
    calls = org.calls_of("ListAccounts")
    T.ok(rc == 0 and len(out["Accounts"]) == 101 and
         [c.get("listed") for c in calls[:3]] == [None, None, 20] and
         "MaxResults" not in calls[0]["params"],
         "empty pages with a NextToken (as the docs warn): the CLI goes on; "
         "default page size 20", [(c["params"], c.get("listed"))
                                  for c in calls])
    org.empty_pages = 0
    org.status_retired = True
    rc, out, err = cli("list-accounts", "--max-items", "5")
    T.ok(rc == 0 and len(out["Accounts"]) == 5 and
         all("Status" not in a and a["State"] for a in out["Accounts"]),
         "status_retired: Status gone (retired 2026-09-09), State remains",
         out)
    org.status_retired = False


def access(org, reg, members):
    member = Cli(org.url, key=MEMBER_KEY, secret=MEMBER_SECRET, attempts="1")
    rc, out, err = member("list-accounts")
    T.ok(rc != 0 and "AccessDeniedException" in err and
         org.calls[-1]["account"] == members[0],
         "a member account calling ListAccounts: AccessDeniedException", err)
    rc, out, err = member("describe-organization")
    T.ok(rc == 0 and out["Organization"]["MasterAccountId"] == MGMT,
         "a member account may call DescribeOrganization", err)
    admin = Cli(org.url, key=ADMIN_KEY, secret=ADMIN_SECRET)
    rc, out, err = admin("list-accounts", "--max-items", "3")
    T.ok(rc == 0 and len(out["Accounts"]) == 3 and
         org.calls[-1]["account"] == members[1],
         "a delegated administrator may call ListAccounts", err)
    outsider = Cli(org.url, key=OUTSIDER_KEY, secret=OUTSIDER_SECRET,
                   attempts="1")
    rc, out, err = outsider("describe-organization")
    T.ok(rc != 0 and "AWSOrganizationsNotInUseException" in err,
         "an account outside the organization: "
         "AWSOrganizationsNotInUseException", err)
    org.in_use = False
    rc, out, err = Cli(org.url)("list-accounts")
    T.ok(rc != 0 and "AWSOrganizationsNotInUseException" in err,
         "no organization at all (in_use=False): "
         "AWSOrganizationsNotInUseException for the management key too", err)
    org.in_use = True


def faults(org, reg):
    org.calls.clear()
    org.throttle(count=2)
    rc, out, err = Cli(org.url, attempts="3")("list-accounts",
                                              "--max-items", "1")
    calls = org.calls_of("ListAccounts")
    T.ok(rc == 0 and [c["error"] for c in calls[:3]] ==
         ["TooManyRequestsException", "TooManyRequestsException", None],
         "TooManyRequestsException (400) twice: the CLI retries it as "
         "throttling and the third call succeeds", [c["error"] for c in calls])
    org.throttle(count=5)
    rc, out, err = Cli(org.url, attempts="2")("list-accounts")
    T.ok(rc != 0 and "TooManyRequestsException" in err,
         "throttled beyond the CLI's attempts: the error reaches the caller",
         err)
    org._fails.clear()
    org.fault("DescribeOrganization", "status", status=500)
    rc, out, err = Cli(org.url, attempts="2")("describe-organization")
    T.ok(rc == 0 and [c["error"] for c in org.calls[-1:]] == [None] and
         sum(1 for r in org.requests if r["route"] == "DescribeOrganization"
             and r["fault"] == "status") == 1,
         "a scripted 500 (ServiceException body): the CLI retries", err)


def negative(org, cli):
    n = len(org.calls)
    bad = Cli(org.url, secret="wrong-secret", attempts="1")
    rc, out, err = bad("describe-organization")
    T.ok(rc != 0 and "InvalidSignatureException" in err and
         not org.calls[n]["signature_ok"],
         "a wrong secret: InvalidSignatureException (botocore recomputed "
         "the signature)", err)
    eu = Cli(org.url, region="eu-west-1", attempts="1")
    rc, out, err = eu("describe-organization")
    T.ok(rc != 0 and "InvalidSignatureException" in err and
         "eu-west-1" in err,
         "signed for eu-west-1: refused (Organizations signs in us-east-1)",
         err)
    rc, out, err = cli("list-accounts", "--page-size", "21")
    T.ok(rc != 0 and "InvalidInputException" in err and
         "less than or equal to 20" in err and
         org.calls[-1]["params"] == {"MaxResults": 21},
         "MaxResults 21 (the CLI does not check max): InvalidInputException",
         err)
    st, body, h = sc(org, "ListAccounts", {"MaxResults": 0},
                              MGMT_KEY, MGMT_SECRET)
    T.ok(st == 400 and body.get("__type") == "InvalidInputException" and
         body.get("Reason") == "MIN_VALUE_EXCEEDED" and
         h.get("content-type") == "application/x-amz-json-1.1",
         "MaxResults 0: InvalidInputException, Reason MIN_VALUE_EXCEEDED",
         body)
    st, body, h = sc(org, "ListAccounts", {"MaxResult": 5},
                              MGMT_KEY, MGMT_SECRET)
    T.ok(st == 400 and "MaxResult" in body.get("Message", ""),
         "an unknown member (MaxResult) is refused", body)
    st, body, h = sc(org, "ListAccounts", {"MaxResults": "5"},
                              MGMT_KEY, MGMT_SECRET)
    T.ok(st == 400, "MaxResults as a string is refused", body)
    st, body, h = sc(org, "ListAccounts", {"NextToken": "bm9wZQ=="},
                              MGMT_KEY, MGMT_SECRET)
    T.ok(st == 400 and body.get("Reason") == "INVALID_NEXT_TOKEN",
         "a NextToken the fake never issued: INVALID_NEXT_TOKEN", body)
    st, body, h = sc(org, "ListAccounts", b"", MGMT_KEY,
                              MGMT_SECRET)
    T.ok(st == 400 and body.get("__type") == "SerializationException",
         "an empty awsJson body (not {}): SerializationException", body)
    st, body, h = sc(org, "ListAccounts", {}, MGMT_KEY, MGMT_SECRET,
                              mutate=lambda hd, b: b" {}")
    T.ok(st == 403 and body.get("__type") == "InvalidSignatureException",
         "a body changed after signing: InvalidSignatureException", body)
    st, body, h = sc(org, "ListAccounts", {}, MGMT_KEY, MGMT_SECRET,
                              sign=False)
    T.ok(st == 403 and body.get("__type") ==
         "MissingAuthenticationTokenException", "unsigned: refused", body)
    st, body, h = sc(org, "CreateAccount",
                              {"Email": "a@example.com", "AccountName": "x"},
                              MGMT_KEY, MGMT_SECRET)
    T.ok(st == 400 and body.get("__type") == "UnsupportedOperationException",
         "a modeled operation the fake does not serve is refused by name",
         body)


def via_sts(org, reg, members):
    """Keys minted by STS for a role in a member account are that account
    here (awsjson.multi_account_sts + the shared Registry)."""
    base_key, base_secret = "AKIDSTSBASEORGS00001", "stsBase/secret"
    with multi_account_sts(reg, credentials={base_key: (base_secret, None)}) \
            as sts:
        role = f"arn:aws:iam::{members[2]}:role/port-acm-reader"
        sts.add_role(role)
        env = awscli.clean_env("us-east-1", "1", base_key, base_secret)
        rc, out, err = awscli.run("sts", sts.url, [
            "assume-role", "--role-arn", role, "--role-session-name", "inv"],
            env)
        cr = (out or {}).get("Credentials", {})
        T.ok(rc == 0 and reg.account_of(cr.get("AccessKeyId")) == members[2],
             "STS-minted keys are registered with the role's account", err)
        if rc != 0:
            return
        c = Cli(org.url, key=cr["AccessKeyId"],
                secret=cr["SecretAccessKey"], token=cr["SessionToken"],
                attempts="1")
        rc, out, err = c("describe-organization")
        call = org.calls[-1]
        T.ok(rc == 0 and call["account"] == members[2] and
             call["headers"].get("x-amz-security-token") ==
             cr["SessionToken"],
             "the CLI with the minted credentials: the fake sees the member "
             "account and the session token", err)
        rc, out, err = c("list-accounts")
        T.ok(rc != 0 and "AccessDeniedException" in err,
             "... and refuses it ListAccounts", err)


if __name__ == "__main__":
    main()
