#!/usr/bin/python3
"""The multi-account inventory the upcoming features need, walked with
the real AWS CLI against the fakes, end to end, before port-acm does it:
GitHub's ID token (FakeOIDC) -> a hub role in the management account
(AssumeRoleWithWebIdentity) -> Organizations ListAccounts -> for each
ACTIVE member, AssumeRole with the hub's credentials (role chaining) ->
Account ListRegions (its own enabled regions) -> ACM ListCertificates
per enabled region, through one endpoint that routes by access key to
that account's FakeACM (account_router.AccountRouter) -> Tagging
GetResources for the same certificates. Checks that every fake saw the
account and region it should, that a SUSPENDED account and a region not
enabled were never called, and that one account's credentials cannot
reach another's certificates."""

import json
import os
import sys
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from tests.fakes import awscli  # noqa: E402
from tests.fakes.account_router import AccountRouter  # noqa: E402
from tests.fakes.awsjson import Registry, multi_account_sts  # noqa: E402
from tests.fakes.common import MODELS_DIR  # noqa: E402
from tests.fakes.fake_account import FakeAccount  # noqa: E402
from tests.fakes.fake_acm import FakeACM  # noqa: E402
from tests.fakes.fake_organizations import FakeOrganizations  # noqa: E402
from tests.fakes.fake_sts import FakeOIDC  # noqa: E402
from tests.fakes.fake_tagging import FakeTagging  # noqa: E402
from tests.lib.tap import Tap  # noqa: E402

M, A, B, C = "111111111111", "222222222222", "333333333333", "444444444444"
HUB = f"arn:aws:iam::{M}:role/port-acm-hub"
SERVED = ("us-east-1", "eu-south-1")
T = Tap()


def aws(service, url, args, creds=None, region="us-east-1"):
    key, secret, token = creds or (None, None, None)
    env = awscli.clean_env(region, "1", key, secret, token, extra={
        "AWS_DATA_PATH": MODELS_DIR, "AWS_STS_REGIONAL_ENDPOINTS": "regional"})
    rc, out, err = awscli.run(service, url, list(args), env)
    if rc != 0:
        raise RuntimeError(f"aws {service} {' '.join(args)}: {err}")
    return out


def creds_of(out):
    c = out["Credentials"]
    return c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]


def main():
    awscli.require_cli(T)
    reg = Registry(default_account="999999999999")
    with FakeOIDC() as oidc, \
            multi_account_sts(reg, oidc=oidc, region=SERVED) as sts, \
            FakeOrganizations(registry=reg, management_account=M) as org, \
            FakeTagging(registry=reg, region=SERVED) as tag:
        sts.add_role(HUB)
        for acct in (A, B, C):
            sts.add_role(f"arn:aws:iam::{acct}:role/port-acm")
        org.add_account(A)
        org.add_account(B)
        org.add_account(C, state="SUSPENDED")
        acc = FakeAccount.from_organization(org)
        acc.set_region(A, "eu-south-1", "ENABLED")
        acms = {a: FakeACM(credentials=reg, account=a, region=SERVED)
                for a in (A, B)}
        want = {A: {"us-east-1": 3, "eu-south-1": 2}, B: {"us-east-1": 4},
                }
        for a, per in want.items():
            for region, n in per.items():
                for i in range(n):
                    acms[a].add_certificate(
                        f"c{i}.{region}.{a}.example.com", region=region,
                        tags=[{"Key": "owner", "Value": a}])
            tag.link_acm(acms[a])
        # B has a certificate in a region it has not enabled: the flow
        # must never see it.
        acms[B].add_certificate("hidden.example.com", region="eu-south-1")
        with acc, AccountRouter(reg, acms) as router:
            T.run("flow", flow, oidc, sts, org, acc, router, tag, acms, want)
    T.done()


def flow(oidc, sts, org, acc, router, tag, acms, want):
    req = urllib.request.Request(
        oidc.request_url() + "&audience=sts.amazonaws.com",
        headers={"Authorization": "Bearer " + oidc.request_token})
    with urllib.request.urlopen(req, timeout=10) as r:
        jwt = json.loads(r.read())["value"]
    hub = creds_of(aws("sts", sts.url, [
        "assume-role-with-web-identity", "--role-arn", HUB,
        "--role-session-name", "port-acm", "--web-identity-token", jwt]))
    T.ok(router.registry.account_of(hub[0]) == M,
         "the hub role's credentials are the management account's")

    accounts = aws("organizations", org.url, ["list-accounts"],
                   hub)["Accounts"]
    members = [a["Id"] for a in accounts
               if a["State"] == "ACTIVE" and a["Id"] != M]
    T.ok(sorted(members) == [A, B] and
         org.calls_of("ListAccounts")[-1]["account"] == M,
         "ListAccounts with the hub's credentials: the ACTIVE members "
         "(C is SUSPENDED)", accounts)

    inventory, tagged = {}, {}
    for acct in members:
        mc = creds_of(aws("sts", sts.url, [
            "assume-role", "--role-arn", f"arn:aws:iam::{acct}:role/port-acm",
            "--role-session-name", "inventory"], hub))
        ident = aws("sts", sts.url, ["get-caller-identity"], mc)
        T.ok(ident["Account"] == acct and ident["Arn"] ==
             f"arn:aws:sts::{acct}:assumed-role/port-acm/inventory",
             f"get-caller-identity with the member credentials: {acct}",
             ident)
        regions = aws("account", acc.url, [
            "list-regions", "--region-opt-status-contains", "ENABLED",
            "ENABLED_BY_DEFAULT"], mc)["Regions"]
        enabled = [r["RegionName"] for r in regions
                   if r["RegionName"] in SERVED]
        for region in enabled:
            arns = [c["CertificateArn"] for c in aws(
                "acm", router.url, ["list-certificates"], mc,
                region)["CertificateSummaryList"]]
            inventory.setdefault(acct, {})[region] = arns
            res = aws("resourcegroupstaggingapi", tag.url, [
                "get-resources", "--resource-type-filters",
                "acm:certificate"], mc, region)["ResourceTagMappingList"]
            tagged.setdefault(acct, {})[region] = sorted(
                m["ResourceARN"] for m in res)
    chained = sts.calls_of("AssumeRole")
    T.ok(len(chained) == 2 and all(c["akid"] == hub[0] for c in chained),
         "each member role assumed with the hub's credentials (role "
         "chaining verified by the STS against the shared registry)",
         [c["akid"] for c in chained])
    T.ok({a: {r: len(v) for r, v in per.items()}
          for a, per in inventory.items()} == want,
         "ListCertificates per account and enabled region: A in us-east-1 "
         "and eu-south-1, B in us-east-1 only", inventory)
    T.ok(all(arn.split(":")[4] == a and arn.split(":")[3] == r
             for a, per in inventory.items() for r, arns in per.items()
             for arn in arns),
         "every ARN is in the account and region it was listed for")
    T.ok(all(len(acms[a].calls_of("ListCertificates")) == len(want[a])
             for a in want) and
         all(c["region"] != "eu-south-1"
             for c in acms[B].calls_of("ListCertificates")),
         "the router handed each account's calls to its own FakeACM; B was "
         "never called in eu-south-1 (not enabled for B)")
    T.ok(not [c for c in acms[A].calls + acms[B].calls
              if not c["signature_ok"]] and
         {c["account"] for c in router.calls} == {A, B},
         "every routed call's signature verified by its backend")
    T.ok(tagged == {a: {r: sorted(v) for r, v in per.items()}
                    for a, per in inventory.items()},
         "GetResources acm:certificate lists the same certificates per "
         "account and region", tagged)
    T.ok(not [c for c in acc.calls + org.calls + tag.calls
              if c["account"] == C] and
         f"arn:aws:iam::{C}:role/port-acm" not in
         [c["params"]["RoleArn"] for c in chained],
         "the SUSPENDED account was never assumed nor called")

    # One account's credentials cannot reach another's certificates.
    a_creds = None
    for i in sts.issued:
        if i.get("role") == f"arn:aws:iam::{A}:role/port-acm":
            a_creds = (i["akid"], i["secret"], i["token"])
    b_arn = inventory[B]["us-east-1"][0]
    try:
        aws("acm", router.url, ["describe-certificate", "--certificate-arn",
                                b_arn], a_creds)
        err = ""
    except RuntimeError as e:
        err = str(e)
    T.ok("ResourceNotFoundException" in err,
         "A's credentials describing B's certificate: ResourceNotFound "
         "(A's FakeACM does not hold it)", err)
    try:
        aws("acm", router.url, ["list-certificates"],
            ("AKIDUNKNOWNEXAMPLE01", "nope", None))
        err = ""
    except RuntimeError as e:
        err = str(e)
    T.ok("UnrecognizedClientException" in err,
         "a key no account owns: UnrecognizedClientException from the "
         "router", err)
    try:
        aws("sts", sts.url, ["get-caller-identity"],
            (a_creds[0], "wrong-secret", a_creds[2]))
        err = ""
    except RuntimeError as e:
        err = str(e)
    T.ok("SignatureDoesNotMatch" in err,
         "get-caller-identity with a wrong secret: SignatureDoesNotMatch",
         err)


if __name__ == "__main__":
    main()
