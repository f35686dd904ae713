"""A fake AWS Account Management service (rest-json, signing name
"account", us-east-1) serving ListRegions (POST /listRegions) as
botocore's model (tests/data/botocore/account/2021-02-01) and the Account
Management API reference describe it.

It is an independent check of a client of the Account API:
  * SigV4 is recomputed with botocore (awsjson.JsonFake, sigv4_check);
  * the body is validated against the model (AccountId \\d{12},
    MaxResults 1..50, NextToken 0..1000 characters, RegionOptStatus's
    enum); a value outside it is answered with ValidationException,
    reason fieldValidationFailed and a fieldList, the model's shape;
  * answers are checked against the output shape before they are sent;
  * errors are rest-json: the name in x-amzn-ErrorType, the body
    {"message": ...} (the model's lower-case member).

Behaviour, from ListRegionsRequest.AccountId's documentation:
  * without AccountId, the regions of the caller's own account (the
    account its access key belongs to, awsjson.Registry);
  * with AccountId, "the caller must be an identity in the organization's
    management account or a delegated administrator account", the
    account "must be a member account in the same organization", and
    "trusted access" must be enabled: otherwise AccessDeniedException;
  * "The management account can't specify its own AccountId": also
    AccessDeniedException here (the exact error is not documented).
Every account has the same regions; each region's opt status is per
account (set_region), so an opt-in region can be ENABLED in one account
and DISABLED in another. Defaults: the regions AWS enables by default are
ENABLED_BY_DEFAULT, the opt-in ones (launched after 20 March 2019)
DISABLED. Regions are listed in name order; the default page size when
MaxResults is absent (DEFAULT_PAGE) is an assumption.

Usage:
    reg = Registry(); reg.add(KEY, SECRET, account=A)
    acc = FakeAccount(registry=reg, management_account=M, members=[A, B])
    acc.set_region(A, "eu-south-1", "ENABLED")
Standalone: python3 -m tests.fakes.fake_account --port 8445
"""


from .awsjson import (ApiError, JsonFake, Registry, call_lines,
                      describe, page_token, read_token, standalone_args,
                      standalone_registry)
from .common import serve_standalone

DEFAULT_ACCESS_KEY = "AKIDACCOUNTEXAMPLE01"
DEFAULT_SECRET_KEY = "accountSecret/K7MDENG+bPxRfiCYEXAMPLEKEY"
DEFAULT_ACCOUNT = "111111111111"
DEFAULT_PAGE = 50
ENABLED_BY_DEFAULT = (
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
    "ap-southeast-1", "ap-southeast-2", "ca-central-1", "eu-central-1",
    "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1",
    "us-east-1", "us-east-2", "us-west-1", "us-west-2")
OPT_IN = (
    "af-south-1", "ap-east-1", "ap-east-2", "ap-south-2", "ap-southeast-3",
    "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
    "ca-west-1", "eu-central-2", "eu-south-1", "eu-south-2", "il-central-1",
    "me-central-1", "me-south-1", "mx-central-1")


class FakeAccount(JsonFake):
    SERVICE, API_VERSION = "account", "2021-02-01"
    SERVED = ("ListRegions",)
    THROTTLE = "TooManyRequestsException"
    INTERNAL = "InternalServerException"
    name = "fake-account"

    def __init__(self, registry=None, management_account=None, members=(),
                 delegated_admins=(), trusted_access=True,
                 default_page=DEFAULT_PAGE, **kw):
        """management_account None: no organization; every caller sees
        only its own account and AccountId is always refused."""
        if registry is None:
            registry = Registry(default_account=DEFAULT_ACCOUNT)
            registry.add(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY,
                         account=DEFAULT_ACCOUNT)
        super().__init__(registry=registry, **kw)
        self.management_account = management_account
        self.members = set(members)
        if management_account:
            self.members.add(management_account)
        self.delegated_admins = set(delegated_admins)
        self.trusted_access = trusted_access
        self.default_page = default_page
        self.regions_of = {}  # account -> {region: status} (overrides)

    # --- scenario ------------------------------------------------------------
    @classmethod
    def from_organization(cls, org, **kw):
        """A FakeAccount for the accounts of a FakeOrganizations (sharing
        its registry, management account, members, delegated admins)."""
        return cls(registry=org.registry,
                   management_account=org.management_account,
                   members=org.account_ids(),
                   delegated_admins=org.delegated_admins, **kw)

    def set_region(self, account, region, status):
        """The opt status of region in account (RegionOptStatus enum)."""
        if status not in self.model.shape_for("RegionOptStatus").enum:
            raise ValueError(f"not a RegionOptStatus: {status}")
        with self.lock:
            self.regions_of.setdefault(account, {})[region] = status

    def regions_for(self, account):
        """{region: status} of account, in name order."""
        base = {r: "ENABLED_BY_DEFAULT" for r in ENABLED_BY_DEFAULT}
        base.update({r: "DISABLED" for r in OPT_IN})
        with self.lock:
            base.update(self.regions_of.get(account, {}))
        return dict(sorted(base.items()))

    # --- protocol ------------------------------------------------------------
    def validation_error(self, op, errs):
        """ValidationException: message, reason fieldValidationFailed and
        a fieldList naming each member (the model's error shape)."""
        fields = []
        for p, v, why in errs:
            name = p or why.split("parameter")[-1].split(",")[0].strip(
                ' :"') or "body"
            fields.append({"name": name, "message": why})
        return ApiError(400, "ValidationException", describe(errs),
                        reason="fieldValidationFailed", fieldList=fields)

    def _target(self, p, call):
        """The account ListRegions reads (see the module docstring)."""
        caller = call["account"]
        target = p.get("AccountId")
        if target is None:
            return caller
        if self.management_account is None or caller not in self.members:
            raise ApiError(403, "AccessDeniedException",
                           "The request failed because the account is not "
                           "a member of an organization: don't specify "
                           "AccountId.")
        if caller != self.management_account and \
                caller not in self.delegated_admins:
            raise ApiError(403, "AccessDeniedException",
                           f"User: {caller} is not authorized to perform: "
                           f"account:ListRegions on resource: {target}")
        if target == self.management_account:
            raise ApiError(403, "AccessDeniedException",
                           "The management account can't specify its own "
                           "AccountId; call without AccountId.")
        if target not in self.members:
            raise ApiError(403, "AccessDeniedException",
                           f"Account {target} is not a member of this "
                           "organization.")
        if not self.trusted_access:
            raise ApiError(403, "AccessDeniedException",
                           "Trusted access for Account Management is not "
                           "enabled in this organization.")
        return target

    # --- operations ----------------------------------------------------------
    def _op_ListRegions(self, p, call):
        target = self._target(p, call)
        call["target_account"] = target
        want = set(p.get("RegionOptStatusContains") or ())
        rows = [{"RegionName": r, "RegionOptStatus": s}
                for r, s in self.regions_for(target).items()
                if not want or s in want]
        scope = f"ListRegions/{target}/{','.join(sorted(want))}"
        start = 0
        if p.get("NextToken"):
            start = read_token(p["NextToken"], scope)
            if start is None:
                raise ApiError(400, "ValidationException",
                               "The NextToken is not valid for this request.",
                               reason="fieldValidationFailed",
                               fieldList=[{"name": "NextToken",
                                           "message": "invalid token"}])
        size = p.get("MaxResults", self.default_page)
        page = rows[start:start + size]
        call["listed"] = len(page)
        out = {"Regions": page}
        if start + size < len(rows):
            out["NextToken"] = page_token(start + size, scope)
        return out


def main(argv=None):
    ap = standalone_args("Fake AWS Account Management.", DEFAULT_ACCESS_KEY,
                         DEFAULT_SECRET_KEY, DEFAULT_ACCOUNT)
    ap.add_argument("--enable", action="append", default=[],
                    help="an opt-in region to mark ENABLED")
    a = ap.parse_args(argv)
    fake = FakeAccount(registry=standalone_registry(a), port=a.port,
                       verbose=a.verbose)
    for r in a.enable:
        fake.set_region(a.account, r, "ENABLED")
    serve_standalone(fake, call_lines)


if __name__ == "__main__":
    main()
