"""A fake AWS Organizations (awsJson1_1, target prefix
AWSOrganizationsV20161128, signing name "organizations", us-east-1)
serving ListAccounts and DescribeOrganization as botocore's model
(tests/data/botocore/organizations/2016-11-28) and the Organizations API
reference describe them.

It is an independent check of a client of Organizations:
  * SigV4 is recomputed with botocore (awsjson.JsonFake, sigv4_check);
  * requests are validated against the model; a value outside it is
    answered with InvalidInputException and the model's Reason
    (MAX_VALUE_EXCEEDED, MIN_VALUE_EXCEEDED, INVALID_NEXT_TOKEN...);
  * answers are checked against the output shapes before they are sent.

Behaviour, from the operations' documentation in the model:
  * ListAccounts "can only [be called] from the management account or a
    member account that is a delegated administrator": any other member
    gets AccessDeniedException; it lists every account of the
    organization, the management account included; MaxResults 1..20
    (the model's range); "List* operations ... can occasionally return
    an empty set of results even when more results are available":
    empty_pages=N makes the first N pages of every listing empty, with
    a NextToken.
  * DescribeOrganization: "You can call this operation from any account
    in a organization".
  * An account outside the organization (or any caller when the scenario
    has no organization, in_use=False) gets
    AWSOrganizationsNotInUseException (the shape's documentation).
  * Status is "retired on September 9, 2026" in favour of State (the
    Account.Status documentation); status_retired=True omits it, to
    prove a client reads State. Status derived from State for the other
    states (CLOSED -> SUSPENDED, PENDING_ACTIVATION -> ACTIVE) is an
    assumption: the documentation does not map them.
  * Throttling is TooManyRequestsException (HTTP 400, Type "...").

The caller's account comes from its access key (awsjson.Registry): keys
added with registry.add(..., account=) or minted by
awsjson.multi_account_sts for a role in that account.

Usage:
    reg = Registry(); reg.add(KEY, SECRET, account=MGMT)
    org = FakeOrganizations(registry=reg, management_account=MGMT)
    org.generate(100)             # 100 member accounts, some SUSPENDED
    url = org.start()
Standalone: python3 -m tests.fakes.fake_organizations --port 8444 --accounts 100
"""

import time

from .awsjson import (ApiError, JsonFake, Registry, call_lines,
                      describe, page_token, read_token, standalone_args,
                      standalone_registry)
from .common import serve_standalone

DEFAULT_ACCESS_KEY = "AKIDORGSMGMTEXAMPLE1"
DEFAULT_SECRET_KEY = "orgsSecret/K7MDENG+bPxRfiCYEXAMPLEKEY"
MANAGEMENT_ACCOUNT = "111111111111"
ORG_ID = "o-exampleorg01"
# Account.Status from Account.State (see the module docstring).
STATUS_OF_STATE = {"ACTIVE": "ACTIVE", "SUSPENDED": "SUSPENDED",
                   "PENDING_CLOSURE": "PENDING_CLOSURE", "CLOSED": "SUSPENDED",
                   "PENDING_ACTIVATION": "ACTIVE"}


class FakeOrganizations(JsonFake):
    SERVICE, API_VERSION = "organizations", "2016-11-28"
    SERVED = ("ListAccounts", "DescribeOrganization")
    THROTTLE = "TooManyRequestsException"
    INTERNAL = "ServiceException"
    name = "fake-organizations"

    def __init__(self, registry=None, management_account=MANAGEMENT_ACCOUNT,
                 org_id=ORG_ID, in_use=True, delegated_admins=(),
                 default_page_size=20, empty_pages=0, status_retired=False,
                 feature_set="ALL", **kw):
        if registry is None:
            registry = Registry(default_account=management_account)
            registry.add(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY,
                         account=management_account)
        super().__init__(registry=registry, **kw)
        self.management_account = management_account
        self.org_id = org_id
        self.in_use = in_use
        self.delegated_admins = set(delegated_admins)
        self.default_page_size = default_page_size
        self.empty_pages = empty_pages
        self.status_retired = status_retired
        self.feature_set = feature_set
        self.accounts = {}  # id -> {"Id", "Name", "Email", "State", ...}
        self.add_account(management_account, name="management",
                         joined_method="CREATED")

    # --- scenario ------------------------------------------------------------
    def arn_of(self, account_id):
        return (f"arn:aws:organizations::{self.management_account}:account/"
                f"{self.org_id}/{account_id}")

    def add_account(self, account_id, name=None, email=None, state="ACTIVE",
                    joined_method="INVITED", joined=None):
        """Adds (or replaces) a member account; returns its id."""
        with self.lock:
            self.accounts[account_id] = {
                "Id": account_id, "Name": name or f"account-{account_id}",
                "Email": email or f"aws+{account_id}@example.com",
                "State": state, "JoinedMethod": joined_method,
                "JoinedTimestamp": float(int(joined if joined is not None
                                             else time.time() - 86400 * 30))}
        return account_id

    def set_state(self, account_id, state):
        with self.lock:
            self.accounts[account_id]["State"] = state

    def remove_account(self, account_id):
        with self.lock:
            self.accounts.pop(account_id, None)

    def generate(self, n=100, first=200000000000, suspended_every=9,
                 pending_closure_every=23, closed_every=0):
        """n member accounts with ids first, first+1, ...; every
        suspended_every-th is SUSPENDED, every pending_closure_every-th
        PENDING_CLOSURE (0: none). Returns the ids in listing order."""
        ids = []
        base = time.time() - 86400 * 400
        for i in range(n):
            aid = "%012d" % (first + i)
            state = "ACTIVE"
            if suspended_every and i % suspended_every == suspended_every - 1:
                state = "SUSPENDED"
            elif pending_closure_every and \
                    i % pending_closure_every == pending_closure_every - 1:
                state = "PENDING_CLOSURE"
            elif closed_every and i % closed_every == closed_every - 1:
                state = "CLOSED"
            self.add_account(aid, name=f"member-{i:03d}",
                             email=f"aws+member-{i:03d}@example.com",
                             state=state,
                             joined_method="CREATED" if i % 3 else "INVITED",
                             joined=base + i * 3600)
            ids.append(aid)
        return ids

    def account_ids(self, states=None):
        with self.lock:
            return [a for a, v in self.accounts.items()
                    if states is None or v["State"] in states]

    def throttle(self, op="ListAccounts", count=1):
        """The next `count` calls of op are throttled as Organizations
        throttles: TooManyRequestsException, HTTP 400."""
        self.fail(op, "TooManyRequestsException", "AWS Organizations can't "
                  "complete your request because another request is already "
                  "in progress. Try again later.", status=400, count=count,
                  Type="TooManyRequests")

    # --- protocol ------------------------------------------------------------
    def validation_error(self, op, errs):
        """InvalidInputException with the model's Reason for the first
        broken constraint (InvalidInputExceptionReason's documentation)."""
        why = errs[0][2]
        if "Unknown parameter" in why or "Invalid type" in why:
            # The service is laxer here (its deserialiser's business);
            # this fake refuses them, as fake_acm does.
            return ApiError(400, "SerializationException", why)
        reason = "INVALID_PATTERN"
        for words, r in (("Missing required", "INPUT_REQUIRED"),
                         ("valid min value", "MIN_VALUE_EXCEEDED"),
                         ("valid min length", "MIN_LENGTH_EXCEEDED"),
                         ("value less than or equal", "MAX_VALUE_EXCEEDED"),
                         ("length less than or equal", "MAX_LENGTH_EXCEEDED"),
                         ("enum value set", "INVALID_ENUM")):
            if words in why:
                reason = r
                break
        return ApiError(400, "InvalidInputException", describe(errs),
                        Reason=reason)

    def _member(self, call):
        """The caller's account if it belongs to the organization."""
        acct = call["account"]
        if not self.in_use or acct not in self.accounts:
            raise ApiError(400, "AWSOrganizationsNotInUseException",
                           "Your account is not a member of an organization.")
        return acct

    def _account_out(self, a):
        out = {"Id": a["Id"], "Arn": self.arn_of(a["Id"]), "Email": a["Email"],
               "Name": a["Name"], "State": a["State"],
               "JoinedMethod": a["JoinedMethod"],
               "JoinedTimestamp": a["JoinedTimestamp"]}
        if not self.status_retired:
            out["Status"] = STATUS_OF_STATE[a["State"]]
        return out

    # --- operations ----------------------------------------------------------
    def _op_DescribeOrganization(self, p, call):
        self._member(call)
        mgmt = self.accounts[self.management_account]
        return {"Organization": {
            "Id": self.org_id,
            "Arn": f"arn:aws:organizations::{self.management_account}:"
                   f"organization/{self.org_id}",
            "FeatureSet": self.feature_set,
            "MasterAccountArn": self.arn_of(self.management_account),
            "MasterAccountId": self.management_account,
            "MasterAccountEmail": mgmt["Email"],
            "AvailablePolicyTypes": [
                {"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]}}

    def _op_ListAccounts(self, p, call):
        acct = self._member(call)
        if acct != self.management_account and \
                acct not in self.delegated_admins:
            raise ApiError(400, "AccessDeniedException",
                           "You don't have permissions to access this "
                           "resource.")
        ids = sorted(self.accounts)
        size = p.get("MaxResults", self.default_page_size)
        scope = f"ListAccounts/{self.org_id}"
        start, page_no = 0, 0
        if "NextToken" in p:
            tok = read_token(p["NextToken"], scope)
            if tok is None:
                raise ApiError(400, "InvalidInputException",
                               "You specified an invalid value for nextToken.",
                               Reason="INVALID_NEXT_TOKEN")
            start, page_no = tok // 1000000, tok % 1000000
        call["page"] = page_no
        if page_no < self.empty_pages:
            return {"Accounts": [],
                    "NextToken": page_token(start * 1000000 + page_no + 1,
                                            scope)}
        page = ids[start:start + size]
        call["listed"] = len(page)
        out = {"Accounts": [self._account_out(self.accounts[a])
                            for a in page]}
        if start + size < len(ids):
            out["NextToken"] = page_token((start + size) * 1000000
                                          + page_no + 1, scope)
        return out


def main(argv=None):
    ap = standalone_args("Fake AWS Organizations.", DEFAULT_ACCESS_KEY,
                         DEFAULT_SECRET_KEY, MANAGEMENT_ACCOUNT,
                         account_flag="--management-account")
    ap.add_argument("--accounts", type=int, default=100)
    a = ap.parse_args(argv)
    fake = FakeOrganizations(registry=standalone_registry(a), port=a.port,
                             verbose=a.verbose, management_account=a.account)
    fake.generate(a.accounts)
    serve_standalone(fake, call_lines)


if __name__ == "__main__":
    main()
