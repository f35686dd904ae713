#!/usr/bin/python3
"""Proves the fake Resource Groups Tagging API speaks the real one: the
real AWS CLI (/usr/bin/aws, pinned model via AWS_DATA_PATH) runs
`resourcegroupstaggingapi get-resources` against it with
--resource-type-filters acm:certificate, tag filters and small pages,
for two accounts and two regions whose certificates live in two fake
ACMs (read live: a tag the CLI adds in ACM shows up here). When the
scenario refuses GetResources (AccessDeniedException), the same tags
come from ACM's ListTagsForCertificate: the fallback the feature needs.
Negative cases show the fake refuses what the service refuses: a wrong
secret, a region it does not serve, ResourcesPerPage 101, TagsPerPage
50, ResourceARNList with filters, a malformed type filter, an unknown
member, a token it never issued, an expired token."""

import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from tests.fakes import awscli  # noqa: E402
from tests.fakes.awsjson import Registry, signed_call  # noqa: E402
from tests.fakes.fake_acm import FakeACM  # noqa: E402
from tests.fakes.fake_tagging import FakeTagging  # noqa: E402
from tests.lib.tap import Tap  # noqa: E402

A, B = "222222222222", "333333333333"
KEYS = {A: ("AKIDTAGGINGACCOUNTA1", "taggingA/K7MDENG+bPx"),
        B: ("AKIDTAGGINGACCOUNTB1", "taggingB/abc+def")}
REGIONS = ("us-east-1", "eu-west-1")
T = Tap()
PKI, TLS = awscli.shared_pki()


def sc(*args, **kw):
    """awsjson.signed_call over the fake's TLS, trusting the test CA."""
    return signed_call(*args, ca=PKI["ca"], **kw)


class Cli(awscli.Cli):
    models = True

    def __init__(self, url, account=A, region="us-east-1",
                 service="resourcegroupstaggingapi", attempts="1", secret=None):
        self.service = service
        key, sec = KEYS[account]
        super().__init__(url, PKI["ca"], key, secret or sec, region=region,
                         attempts=attempts)



def arns(out):
    return sorted(m["ResourceARN"]
                  for m in (out or {}).get("ResourceTagMappingList", []))


def tags_of(out, arn):
    for m in (out or {}).get("ResourceTagMappingList", []):
        if m["ResourceARN"] == arn:
            return {t["Key"]: t["Value"] for t in m["Tags"]}
    return None


def main():
    awscli.require_cli(T)
    reg = Registry(default_account="999999999999")
    for acct, (k, s) in KEYS.items():
        reg.add(k, s, account=acct)
    with FakeACM(credentials=reg, account=A, region=REGIONS) as acm_a, \
            FakeACM(credentials=reg, account=B, region=REGIONS) as acm_b, \
            FakeTagging(registry=reg, region=REGIONS, tls=TLS) as tag:
        tag.link_acm(acm_a)
        tag.link_acm(acm_b)
        s = {"a_us": [acm_a.add_certificate(
                 f"c{i}.a.example.com", tags=[
                     {"Key": "env", "Value": "prod" if i % 2 else "dev"},
                     {"Key": "port-acm", "Value": "managed"}])
                 for i in range(7)],
             "a_eu": [acm_a.add_certificate(
                 "eu.a.example.com", region="eu-west-1",
                 tags=[{"Key": "env", "Value": "prod"}])],
             "a_untagged": acm_a.add_certificate("untagged.a.example.com"),
             "a_novalue": acm_a.add_certificate(
                 "novalue.a.example.com", tags=[{"Key": "owner"}]),
             "b_us": [acm_b.add_certificate(
                 "b.example.com", tags=[{"Key": "env", "Value": "prod"}])]}
        s["a_ec2"] = tag.add_resource(
            f"arn:aws:ec2:us-east-1:{A}:instance/i-0123456789abcdef0",
            {"env": "prod"})
        s["a_was"] = tag.add_resource(
            f"arn:aws:acm:us-east-1:{A}:certificate/"
            "0f0f0f0f-0000-4000-8000-000000000000", {}, ever_tagged=True)
        T.run("listing", listing, tag, s)
        T.run("pagination", pagination, tag, s)
        T.run("filters", filters, tag, s)
        T.run("acm live and fallback", fallback, tag, acm_a, s)
        T.run("negative", negative, tag)
    T.done()


def listing(tag, s):
    rc, out, err = Cli(tag.url)("get-resources", "--resource-type-filters",
                                "acm:certificate")
    want = sorted(s["a_us"] + [s["a_novalue"], s["a_was"]])
    T.ok(rc == 0 and arns(out) == want,
         "get-resources --resource-type-filters acm:certificate: A's tagged "
         "certificates in us-east-1 (not eu-west-1, not B's, not the EC2 "
         "instance, not the untagged one)", err or arns(out))
    c = tag.calls[-1]
    T.ok(c["op"] == "GetResources" and c["signature_ok"] and
         c["account"] == A and c["region"] == "us-east-1" and
         c["params"] == {"ResourceTypeFilters": ["acm:certificate"]} and
         c["headers"].get("x-amz-target") ==
         "ResourceGroupsTaggingAPI_20170126.GetResources" and
         c["headers"]["authorization"].split("Credential=")[1].split("/")[3]
         == "tagging",
         "the fake received an awsJson1_1 GetResources signed for 'tagging' "
         "in us-east-1 from account A", c)
    T.ok(tags_of(out, s["a_us"][1]) == {"env": "prod",
                                        "port-acm": "managed"} and
         tags_of(out, s["a_novalue"]) == {"owner": ""} and
         tags_of(out, s["a_was"]) == {},
         "Tags as Key/Value pairs; an ACM tag without a value has Value \"\"; "
         "a once-tagged resource has Tags []", out)
    rc, out, err = Cli(tag.url, region="eu-west-1")(
        "get-resources", "--resource-type-filters", "acm:certificate")
    T.ok(rc == 0 and arns(out) == s["a_eu"] and
         tag.calls[-1]["region"] == "eu-west-1",
         "signed for eu-west-1: A's eu-west-1 certificates only", err)
    rc, out, err = Cli(tag.url, B)("get-resources", "--resource-type-filters",
                                   "acm:certificate")
    T.ok(rc == 0 and arns(out) == s["b_us"] and tag.calls[-1]["account"] == B,
         "account B's key: B's certificates only", err)
    rc, out, err = Cli(tag.url)("get-resources", "--resource-type-filters",
                                "acm")
    T.ok(rc == 0 and len(arns(out)) == 9 and s["a_ec2"] not in arns(out),
         "a service filter without a type (acm) matches every ACM resource",
         arns(out))


def pagination(tag, s):
    tag.calls.clear()
    rc, out, err = Cli(tag.url)("get-resources", "--resource-type-filters",
                                "acm:certificate", "--page-size", "4")
    calls = tag.calls_of("GetResources")
    T.ok(rc == 0 and len(arns(out)) == 9 and len(calls) == 3 and
         [c["listed"] for c in calls] == [4, 4, 1] and
         all(c["params"]["ResourcesPerPage"] == 4 for c in calls) and
         all(c["params"].get("PaginationToken") for c in calls[1:]),
         "--page-size 4 (ResourcesPerPage): the CLI follows "
         "PaginationToken over 3 pages", [(c["params"], c.get("listed")) for c in calls])
    T.ok(calls and calls[-1]["next_token"] == "",
         "the last page carries PaginationToken \"\" (and the CLI stops on it)")
    tag.calls.clear()
    rc, out, err = Cli(tag.url)("get-resources", "--resource-type-filters",
                                "acm:certificate", "--tags-per-page", "100")
    T.ok(rc == 0 and len(arns(out)) == 9,
         "--tags-per-page 100 (the documented minimum) is accepted", err)
    tag.fail("GetResources", "ThrottledException", "Rate exceeded")
    tag.calls.clear()
    rc, out, err = Cli(tag.url, attempts="2")("get-resources")
    T.ok(rc == 0 and [c["error"] for c in tag.calls] ==
         ["ThrottledException", None],
         "ThrottledException: the CLI retries it as throttling", err)


def filters(tag, s):
    rc, out, err = Cli(tag.url)(
        "get-resources", "--tag-filters", "Key=env,Values=prod",
        "Key=port-acm")
    want = sorted(a for i, a in enumerate(s["a_us"]) if i % 2)
    T.ok(rc == 0 and arns(out) == want and
         tag.calls[-1]["params"]["TagFilters"] ==
         [{"Key": "env", "Values": ["prod"]}, {"Key": "port-acm"}],
         "TagFilters env=prod AND port-acm (any value): the filters are "
         "ANDed", err or arns(out))
    rc, out, err = Cli(tag.url)(
        "get-resources", "--tag-filters", "Key=env,Values=prod,dev")
    T.ok(rc == 0 and s["a_ec2"] in arns(out) and len(arns(out)) == 8,
         "several values of one key are ORed (EC2 included without a type "
         "filter)", arns(out))
    rc, out, err = Cli(tag.url)(
        "get-resources", "--resource-arn-list", s["a_us"][0],
        s["a_untagged"], s["b_us"][0])
    T.ok(rc == 0 and arns(out) == [s["a_us"][0]],
         "ResourceARNList: only listed, tagged resources of the caller",
         arns(out))
    rc, out, err = Cli(tag.url)(
        "get-resources", "--resource-type-filters", "acm:certificate",
        "--include-compliance-details")
    T.ok(rc == 0 and all(m["ComplianceDetails"]["ComplianceStatus"] is True
                         for m in out["ResourceTagMappingList"]),
         "IncludeComplianceDetails: ComplianceDetails from the model", err)


def fallback(tag, acm_a, s):
    arn = s["a_us"][0]
    rc, out, err = Cli(acm_a.url, service="acm")(
        "add-tags-to-certificate", "--certificate-arn", arn, "--tags",
        "Key=team,Value=edge")
    rc2, out2, err2 = Cli(tag.url)("get-resources", "--resource-arn-list",
                                   arn)
    T.ok(rc == 0 and rc2 == 0 and tags_of(out2, arn) ==
         {"env": "dev", "port-acm": "managed", "team": "edge"},
         "a tag added through ACM (CLI) is listed by GetResources: the fake "
         "reads the fake ACM live", err or err2)
    before = tags_of(out2, arn)
    tag.deny = True
    rc, out, err = Cli(tag.url)("get-resources", "--resource-type-filters",
                                "acm:certificate")
    T.ok(rc != 0 and "AccessDeniedException" in err and
         "tag:GetResources" in err and
         tag.calls[-1]["error"] == "AccessDeniedException",
         "deny=True: AccessDeniedException (not authorized to perform "
         "tag:GetResources)", err)
    rc, out, err = Cli(acm_a.url, service="acm")(
        "list-tags-for-certificate", "--certificate-arn", arn)
    T.ok(rc == 0 and {t["Key"]: t.get("Value", "") for t in out["Tags"]}
         == before,
         "the fallback, ACM's ListTagsForCertificate, gives the same tags",
         err)
    tag.deny = False
    tag.deny_accounts = {B}
    rc_b, _, err_b = Cli(tag.url, B)("get-resources")
    rc_a, _, err_a = Cli(tag.url, A)("get-resources")
    T.ok(rc_b != 0 and "AccessDeniedException" in err_b and rc_a == 0,
         "deny_accounts: B refused, A served", (err_b, err_a))
    tag.deny_accounts = set()


def negative(tag):
    rc, out, err = Cli(tag.url, secret="wrong")("get-resources")
    T.ok(rc != 0 and "InvalidSignatureException" in err and
         not tag.calls[-1]["signature_ok"],
         "a wrong secret: InvalidSignatureException", err)
    rc, out, err = Cli(tag.url, region="ap-south-1")("get-resources")
    T.ok(rc != 0 and "InvalidSignatureException" in err,
         "signed for a region the fake does not serve: refused", err)
    rc, out, err = Cli(tag.url)("get-resources", "--resources-per-page",
                                "101")
    T.ok(rc != 0 and "InvalidParameterException" in err and
         tag.calls[-1]["params"] == {"ResourcesPerPage": 101},
         "ResourcesPerPage 101 (documented max 100): "
         "InvalidParameterException", err)
    rc, out, err = Cli(tag.url)("get-resources", "--tags-per-page", "50")
    T.ok(rc != 0 and "InvalidParameterException" in err,
         "TagsPerPage 50 (documented min 100): InvalidParameterException",
         err)
    rc, out, err = Cli(tag.url)(
        "get-resources", "--resource-arn-list",
        f"arn:aws:acm:us-east-1:{A}:certificate/x", "--tag-filters",
        "Key=env")
    T.ok(rc != 0 and "InvalidParameterException" in err,
         "ResourceARNList with TagFilters: InvalidParameterException", err)
    rc, out, err = Cli(tag.url)("get-resources", "--resource-type-filters",
                                "ACM Certificate")
    T.ok(rc != 0 and "InvalidParameterException" in err,
         "a type filter outside service[:resourceType]: refused", err)
    k, sec = KEYS[A]
    st, body, h = sc(tag, "GetResources", {"ResourceTypeFilter":
                                                    ["acm:certificate"]},
                              k, sec)
    T.ok(st == 400 and body.get("__type") == "InvalidParameterException" and
         "ResourceTypeFilter" in body.get("Message", ""),
         "an unknown member (ResourceTypeFilter): InvalidParameterException",
         body)
    st, body, h = sc(tag, "GetResources",
                              {"TagFilters": [{"Key": ""}]}, k, sec)
    T.ok(st == 400 and body.get("__type") == "InvalidParameterException",
         "an empty tag key (model min 1): refused", body)
    st, body, h = sc(tag, "GetResources",
                              {"PaginationToken": "abc"}, k, sec)
    T.ok(st == 400 and body.get("__type") == "InvalidParameterException",
         "a PaginationToken the fake never issued: refused", body)
    st, body, h = sc(tag, "GetResources", {"ResourcesPerPage": 1},
                              k, sec)
    tok = body.get("PaginationToken")
    tag.token_ttl = 0
    time.sleep(1.1)
    st, body, h = sc(tag, "GetResources", {"ResourcesPerPage": 1,
                                                    "PaginationToken": tok},
                              k, sec)
    tag.token_ttl = 900
    T.ok(tok and st == 400 and
         body.get("__type") == "PaginationTokenExpiredException",
         "an expired token: PaginationTokenExpiredException", body)
    st, body, h = sc(tag, "GetResources", {"ResourcesPerPage": 1,
                                                    "PaginationToken": tok},
                              *KEYS[B])
    T.ok(st == 400 and body.get("__type") == "InvalidParameterException",
         "A's token sent by B: refused (tokens are bound to the caller and "
         "filters)", body)


if __name__ == "__main__":
    main()
