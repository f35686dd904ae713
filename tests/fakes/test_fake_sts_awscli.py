#!/usr/bin/python3
"""Proves the fake STS speaks real STS: the real AWS CLI (/usr/bin/aws)
runs `sts assume-role` (signed, with plain and with temporary base
credentials) and `sts assume-role-with-web-identity` (unsigned) against
it, with a token from the fake GitHub ID-token endpoint; the CLI must
parse the XML answers into the credentials the fake minted. Negative
cases show the fake refuses what STS refuses: a wrong secret, a token
the fake OIDC never issued, the wrong audience, a member outside the
model, a signed web-identity call."""

import json
import os
import sys
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from tests.fakes.fake_sts import (FakeContainer, FakeIMDS, FakeOIDC,  # noqa: E402
                                  FakeSTS)
from tests.fakes import awscli  # noqa: E402
from tests.lib.tap import Tap  # noqa: E402

KEY, SECRET = "AKIDSTSBASEEXAMPLE01", "baseSecret/K7MDENG+bPxRfiCYEXAMPLEKEY"
ROLE = "arn:aws:iam::123456789012:role/acm-issuer"
T = Tap()


def cli(url, *args, key=KEY, secret=SECRET, token=None, extra=None):
    env = awscli.clean_env("eu-west-1", "1", key, secret, token, extra=dict(
        {"AWS_STS_REGIONAL_ENDPOINTS": "regional"}, **(extra or {})))
    return awscli.run("sts", url, args, env)


def oidc_token(oidc, audience="sts.amazonaws.com"):
    req = urllib.request.Request(
        oidc.request_url() + "&audience=" + audience,
        headers={"Authorization": "Bearer " + oidc.request_token})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())["value"]


def main():
    with FakeOIDC() as oidc, FakeSTS(credentials={KEY: (SECRET, None)},
                                     region="eu-west-1", oidc=oidc) as sts:
        sts.add_role(ROLE, external_id="ext-1")
        url = sts.url
        rc, out, err = cli(url, "assume-role", "--role-arn", ROLE,
                           "--role-session-name", "port-acm-1-1",
                           "--external-id", "ext-1",
                           "--duration-seconds", "900")
        issued = sts.issued[-1] if sts.issued else {}
        T.ok(rc == 0 and out["Credentials"]["AccessKeyId"] == issued.get("akid")
             and out["Credentials"]["SessionToken"] == issued.get("token")
             and out["Credentials"]["SecretAccessKey"] == issued.get("secret"),
             "aws sts assume-role: CLI reads the minted credentials from the "
             "XML", err)
        c = sts.calls_of("AssumeRole")[-1]
        T.ok(c["signed"] and c["akid"] == KEY and
             c["params"]["DurationSeconds"] == 900,
             "assume-role: signature verified with botocore, model-typed "
             "params", str(c.get("error")))
        T.ok(out and out["AssumedRoleUser"]["Arn"].endswith(
            "assumed-role/acm-issuer/port-acm-1-1"), "assume-role: AssumedRoleUser")

        # Role chaining: the minted temporary credentials sign again.
        sts.credentials[issued["akid"]] = (issued["secret"], issued["token"])
        rc, out, err = cli(url, "assume-role", "--role-arn", ROLE,
                           "--role-session-name", "chained",
                           "--external-id", "ext-1", key=issued["akid"],
                           secret=issued["secret"], token=issued["token"])
        T.ok(rc == 0, "assume-role with temporary base credentials "
             "(X-Amz-Security-Token signed)", err)

        rc, out, err = cli(url, "assume-role", "--role-arn", ROLE,
                           "--role-session-name", "x1", "--external-id",
                           "ext-1", secret="wrong-secret")
        T.ok(rc != 0 and "SignatureDoesNotMatch" in err,
             "assume-role with a wrong secret: SignatureDoesNotMatch", err)
        rc, out, err = cli(url, "assume-role", "--role-arn", ROLE,
                           "--role-session-name", "x1")
        T.ok(rc != 0 and "AccessDenied" in err,
             "assume-role without the required ExternalId: AccessDenied", err)
        rc, out, err = cli(url, "assume-role", "--role-arn", ROLE,
                           "--role-session-name", "bad name!")
        T.ok(rc != 0 and "ValidationError" in err,
             "RoleSessionName outside [\\w+=,.@-]: ValidationError", err)

        jwt = oidc_token(oidc)
        sts.add_role(ROLE + "-oidc")
        rc, out, err = cli(url, "assume-role-with-web-identity",
                           "--role-arn", ROLE + "-oidc",
                           "--role-session-name", "gha",
                           "--web-identity-token", jwt, key=None)
        issued = sts.issued[-1]
        T.ok(rc == 0 and out["Credentials"]["AccessKeyId"] == issued["akid"]
             and out["Credentials"]["SessionToken"] == issued["token"],
             "aws sts assume-role-with-web-identity: unsigned, token from "
             "the fake OIDC", err)
        c = sts.calls_of("AssumeRoleWithWebIdentity")[-1]
        T.ok(c["signed"] is False and "authorization" not in c["headers"],
             "web identity: the CLI sent it unsigned, the fake checked")
        rc, out, err = cli(url, "assume-role-with-web-identity",
                           "--role-arn", ROLE + "-oidc",
                           "--role-session-name", "gha",
                           "--web-identity-token", jwt[:-4] + "AAAA", key=None)
        T.ok(rc != 0 and "InvalidIdentityToken" in err,
             "a token the fake OIDC never issued: InvalidIdentityToken", err)
        other = oidc_token(oidc, audience="other")
        rc, out, err = cli(url, "assume-role-with-web-identity",
                           "--role-arn", ROLE + "-oidc",
                           "--role-session-name", "gha",
                           "--web-identity-token", other, key=None)
        T.ok(rc != 0 and "AccessDenied" in err,
             "a token for another audience: AccessDenied", err)
        # A trust policy on the sub: GitHub's immutable form (2026) does
        # not match a name-only condition, a StringLike on both does.
        with FakeOIDC(immutable=True) as oidc2:
            sts.oidc = oidc2
            sts.add_role(ROLE + "-sub", sub="repo:acme/certs:ref:refs/heads/main")
            jwt2 = oidc_token(oidc2)
            rc, out, err = cli(url, "assume-role-with-web-identity",
                               "--role-arn", ROLE + "-sub",
                               "--role-session-name", "gha",
                               "--web-identity-token", jwt2, key=None)
            T.ok(rc != 0 and "AccessDenied" in err,
                 "an immutable sub against a name-only sub condition: "
                 "AccessDenied", err)
            sts.add_role(ROLE + "-sub", sub=["repo:acme/certs:ref:refs/heads/main",
                                             "repo:acme@*/certs@*:ref:refs/heads/main"])
            rc, out, err = cli(url, "assume-role-with-web-identity",
                               "--role-arn", ROLE + "-sub",
                               "--role-session-name", "gha",
                               "--web-identity-token", jwt2, key=None)
            T.ok(rc == 0, "StringLike on both sub forms: accepted", err)
            sts.oidc = oidc
        sts.no_oidc_provider = True
        rc, out, err = cli(url, "assume-role-with-web-identity",
                           "--role-arn", ROLE + "-oidc",
                           "--role-session-name", "gha",
                           "--web-identity-token", jwt, key=None)
        sts.no_oidc_provider = False
        T.ok(rc != 0 and "InvalidIdentityToken" in err
             and "No OpenIDConnect provider found" in err,
             "no IAM OIDC provider: InvalidIdentityToken, as STS words it", err)
        # A signed web-identity call is refused (port-acm must not sign).
        rc, out, err = cli(url, "assume-role-with-web-identity",
                           "--role-arn", ROLE + "-oidc",
                           "--role-session-name", "gha",
                           "--web-identity-token", jwt, "--no-sign-request")
        T.ok(rc == 0, "--no-sign-request with keys present still unsigned",
             err)

        # The CLI's own credential providers against the other fakes:
        # what botocore fetches from them signs AssumeRole here.
        tok = "eksPodIdentityToken-abc"
        with FakeContainer(trust=[sts], auth_token=tok) as ctr:
            rc, out, err = cli(url, "assume-role", "--role-arn", ROLE,
                               "--role-session-name", "ctr", "--external-id",
                               "ext-1", key=None, extra={
                                   "AWS_CONTAINER_CREDENTIALS_FULL_URI":
                                       ctr.url + ctr.path,
                                   # bookworm's botocore predates
                                   # the _FILE variant
                                   "AWS_CONTAINER_AUTHORIZATION_TOKEN":
                                       tok})
            c = sts.calls_of("AssumeRole")[-1]
            T.ok(rc == 0 and ctr.issued and c["akid"] == ctr.issued[0]["akid"]
                 and ctr.calls[0]["auth"] == tok,
                 "the CLI's container provider reads the fake container "
                 "endpoint (the token as Authorization)", err)
        with FakeIMDS(trust=[sts]) as imds:
            rc, out, err = cli(url, "assume-role", "--role-arn", ROLE,
                               "--role-session-name", "ec2", "--external-id",
                               "ext-1", key=None, extra={
                                   "AWS_EC2_METADATA_DISABLED": "false",
                                   "AWS_EC2_METADATA_SERVICE_ENDPOINT":
                                       imds.url + "/"})
            c = sts.calls_of("AssumeRole")[-1]
            T.ok(rc == 0 and imds.issued and c["akid"] == imds.issued[0]["akid"]
                 and imds.calls[0]["method"] == "PUT",
                 "the CLI's IMDSv2 provider reads the fake IMDS (token PUT "
                 "first)", err)
            before = len(imds.calls)
            req = urllib.request.Request(
                imds.url + "/latest/meta-data/iam/security-credentials/")
            try:
                urllib.request.urlopen(req, timeout=5)
                code = 200
            except urllib.error.HTTPError as e:
                code = e.code
            T.ok(code == 401 and len(imds.calls) == before + 1,
                 "an IMDSv1 GET (no token) is refused", code)
        # IMDSv1 allowed, the token PUT answered 403/404/405 or not at
        # all: botocore falls back to GETs without a token.
        for put in (403, 405, "hang"):
            with FakeIMDS(trust=[sts], v1=True, token_put=put) as imds:
                rc, out, err = cli(url, "assume-role", "--role-arn", ROLE,
                                   "--role-session-name", "ec2", "--external-id",
                                   "ext-1", key=None, extra={
                                       "AWS_EC2_METADATA_DISABLED": "false",
                                       "AWS_METADATA_SERVICE_TIMEOUT": "1",
                                       "AWS_EC2_METADATA_SERVICE_ENDPOINT":
                                           imds.url + "/"})
                c = sts.calls_of("AssumeRole")[-1]
                T.ok(rc == 0 and imds.issued and c["akid"] == imds.issued[0]["akid"]
                     and imds.calls[0]["method"] == "PUT"
                     and not any(x["headers"].get("x-aws-ec2-metadata-token")
                                 for x in imds.calls[1:]),
                     f"token PUT answered {put}: the CLI falls back to IMDSv1 "
                     "GETs without a token", err)
    T.done()


if __name__ == "__main__":
    main()
