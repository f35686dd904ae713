"""A fake AWS Resource Groups Tagging API (awsJson1_1, target prefix
ResourceGroupsTaggingAPI_20170126, signing name "tagging", regional)
serving GetResources as botocore's model
(tests/data/botocore/resourcegroupstaggingapi/2017-01-26) and its
documentation describe it.

It is an independent check of a client of the Tagging API:
  * SigV4 is recomputed with botocore (awsjson.JsonFake, sigv4_check);
  * requests are validated against the model, and against the limits the
    members' documentation states and the model does not (ResourcesPerPage
    1..100, TagsPerPage 100..500, up to 100 ResourceTypeFilters,
    ResourceARNList exclusive with TagFilters, ResourceTypeFilters and the
    pagination members): InvalidParameterException;
  * answers are checked against the output shape before they are sent.

Behaviour, from GetResources' documentation in the model:
  * resources of the caller's account (its access key, awsjson.Registry)
    in the region the request is signed for; "GetResources does not
    return untagged resources" (resources tagged once and untagged since,
    ever_tagged=True, are listed with "Tags": []);
  * ResourceTypeFilters "service[:resourceType]" as embedded in the ARN
    (acm:certificate matches arn:aws:acm:...:certificate/...; acm alone
    matches every ACM resource);
  * TagFilters: all filters must match; several values of one key match
    any; a key without values matches any value;
  * the last page carries "PaginationToken": "" (what the service sends;
    botocore's paginator stops on it): a client must treat the empty
    string as the end. A token is valid for 15 minutes
    (PaginationTokenExpiredException after token_ttl seconds);
  * deny=True (or an account in deny_accounts) refuses every call with
    AccessDeniedException, as an IAM policy without tag:GetResources
    does, so a client's fallback to ACM's ListTagsForCertificate can be
    tested; the error is not in the model (IAM's generic one).
Resources are added with add_resource, or read live from FakeACM
instances (link_acm): their certificates and Tags (an ACM tag without a
Value is listed with Value "", the Tagging API's Tag requires one). A
listing reads them at its first page and serves its later pages from
what that page found (the fake's cost is one scan per listing, not per
page, so 10,000 certificates stay cheap); a change shows in the next
listing.

Usage:
    tag = FakeTagging(registry=reg, region=("us-east-1", "eu-west-1"))
    tag.link_acm(acm)         # acm = FakeACM(credentials=reg, account=A)
    tag.add_resource("arn:aws:acm:us-east-1:A:certificate/...", {"env": "x"})
Standalone: python3 -m tests.fakes.fake_tagging --port 8446
"""

import collections
import functools
import json
import re
import time

from .awsjson import (ApiError, JsonFake, Registry, call_lines,
                      describe, page_token, read_token, standalone_args,
                      standalone_registry)
from .common import serve_standalone

DEFAULT_ACCESS_KEY = "AKIDTAGGINGEXAMPLE01"
DEFAULT_SECRET_KEY = "taggingSecret/K7MDENG+bPxRfiCYEXAMPLEKEY"
DEFAULT_ACCOUNT = "111111111111"
DEFAULT_PAGE = 50
ARN_RE = re.compile(r"arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):([0-9]*):"
                    r"(.+)")
TYPE_FILTER_RE = re.compile(r"[a-z0-9-]+(:[A-Za-z0-9-]+)?")


@functools.lru_cache(maxsize=1 << 17)
def arn_parts(arn):
    """(partition, service, region, account, resource type) of an ARN;
    the type is the resource part before its first '/' or ':'. Cached:
    a listing of 10,000 certificates parses each ARN once, not once per
    page."""
    m = ARN_RE.fullmatch(arn)
    if not m:
        raise ValueError(f"not an ARN: {arn}")
    part, svc, region, account, res = m.groups()
    rtype = re.split(r"[/:]", res, 1)[0] if re.search(r"[/:]", res) else ""
    return part, svc, region, account, rtype


class FakeTagging(JsonFake):
    SERVICE, API_VERSION = "resourcegroupstaggingapi", "2017-01-26"
    SERVED = ("GetResources",)
    THROTTLE = "ThrottledException"
    INTERNAL = "InternalServiceException"
    name = "fake-tagging"

    def __init__(self, registry=None, deny=False, deny_accounts=(),
                 default_page=DEFAULT_PAGE, token_ttl=900, **kw):
        if registry is None:
            registry = Registry(default_account=DEFAULT_ACCOUNT)
            registry.add(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY,
                         account=DEFAULT_ACCOUNT)
        super().__init__(registry=registry, **kw)
        self.deny = deny
        self.deny_accounts = set(deny_accounts)
        self.default_page = default_page
        self.token_ttl = token_ttl
        self.resources = {}  # arn -> {"tags": {k: v}, "ever_tagged": bool}
        self.acms = []       # FakeACM instances read live
        # scope -> the rows its first page found (see _rows), newest last
        self.listings = collections.OrderedDict()

    # --- scenario ------------------------------------------------------------
    def add_resource(self, arn, tags=None, ever_tagged=False):
        """A resource with tags ({key: value} or [{"Key","Value"}]); with
        no tags it is listed only when ever_tagged."""
        arn_parts(arn)
        if isinstance(tags, list):
            tags = {t["Key"]: t.get("Value", "") for t in tags}
        with self.lock:
            self.resources[arn] = {"tags": dict(tags or {}),
                                   "ever_tagged": ever_tagged or bool(tags)}
        return arn

    def link_acm(self, acm):
        """Lists the certificates of a FakeACM (its account, every region
        it serves) with their current Tags, read when a listing starts."""
        self.acms.append(acm)

    def _all(self, account, region):
        """arn -> (tags dict, ever tagged) of one account and region, the
        linked ACMs' included (read live: a certificate's Tags are read
        only when the ARN is the account's and the region's)."""
        out = {}
        with self.lock:
            res = list(self.resources.items())
        for a, r in res:
            _, _, r_region, r_acct, _ = arn_parts(a)
            if r_acct == account and r_region in (region, ""):
                out[a] = (r["tags"], r["ever_tagged"])
        for acm in self.acms:
            # An organization links one ACM per account: scan only the
            # caller's (each scan parses every ARN).
            if getattr(acm, "account", account) != account:
                continue
            with acm.lock:
                for arn, c in acm.certs.items():
                    _, _, r_region, r_acct, _ = arn_parts(arn)
                    if r_acct != account or r_region != region or \
                            arn in out:
                        continue
                    tags = {t["Key"]: t.get("Value") or ""
                            for t in c.get("Tags") or []}
                    out[arn] = (tags, bool(tags))
        return out

    def _rows(self, scope, acct, region, p, first):
        """The listing's rows: [(arn, tags)] sorted by ARN. A first page
        (no PaginationToken) reads the resources and keeps what it found
        for its scope; the later pages of that listing are served from
        it, as the service's cursor serves a listing, so a page costs its
        own rows and not a scan of every certificate (a 10,000
        certificate listing scanned 10,000 per page cost the bench
        seconds of this fake's CPU). A later page whose listing is no
        longer kept (a token from before the fake's last 64 listings)
        reads the resources again."""
        with self.lock:
            rows = None if first else self.listings.get(scope)
        if rows is not None:
            return rows
        types = [t.split(":", 1) for t in p.get("ResourceTypeFilters") or []]
        wanted_arns = set(p["ResourceARNList"]) if "ResourceARNList" in p \
            else None
        rows = []
        for arn, (tags, ever) in sorted(self._all(acct, region).items()):
            _, svc, _, _, rtype = arn_parts(arn)
            if not (tags or ever):
                continue
            if wanted_arns is not None and arn not in wanted_arns:
                continue
            if types and not any(svc == t[0] and (len(t) == 1 or
                                                  rtype == t[1])
                                 for t in types):
                continue
            if not all(f["Key"] in tags and (not f.get("Values") or
                                             tags[f["Key"]] in f["Values"])
                       for f in p.get("TagFilters") or []):
                continue
            rows.append((arn, dict(tags)))
        with self.lock:
            self.listings[scope] = rows
            self.listings.move_to_end(scope)
            while len(self.listings) > 64:
                self.listings.popitem(last=False)
        return rows

    # --- protocol ------------------------------------------------------------
    def validation_error(self, op, errs):
        return ApiError(400, "InvalidParameterException", describe(errs))

    def _bad(self, msg):
        raise ApiError(400, "InvalidParameterException", msg)

    def _check_documented(self, p):
        """The members' documented limits beyond the model."""
        if "ResourcesPerPage" in p and not 1 <= p["ResourcesPerPage"] <= 100:
            self._bad("ResourcesPerPage must be between 1 and 100.")
        if "TagsPerPage" in p and not 100 <= p["TagsPerPage"] <= 500:
            self._bad("TagsPerPage must be between 100 and 500.")
        types = p.get("ResourceTypeFilters") or []
        if len(types) > 100:
            self._bad("ResourceTypeFilters can include up to 100 items.")
        for t in types:
            if not TYPE_FILTER_RE.fullmatch(t):
                self._bad(f"Unsupported resource type filter '{t}': the "
                          "format is service[:resourceType].")
        if "ResourceARNList" in p:
            clash = [k for k in ("TagFilters", "ResourceTypeFilters",
                                 "ResourcesPerPage", "TagsPerPage",
                                 "PaginationToken") if k in p]
            if clash:
                self._bad("You can't specify ResourceARNList with "
                          + ", ".join(clash) + ".")
        for f in p.get("TagFilters") or []:
            if "Key" not in f:
                self._bad("Each TagFilter must contain a key.")

    # --- operations ----------------------------------------------------------
    def _op_GetResources(self, p, call):
        acct = call["account"]
        if self.deny or acct in self.deny_accounts:
            raise ApiError(400, "AccessDeniedException",
                           f"User: arn:aws:sts::{acct}:assumed-role/"
                           "port-acm/session is not authorized to perform: "
                           "tag:GetResources")
        self._check_documented(p)
        region = call["region"]
        scope = json.dumps([acct, region, p.get("ResourceTypeFilters"),
                            p.get("TagFilters"), p.get("ResourceARNList")],
                           sort_keys=True)
        start = 0
        if p.get("PaginationToken"):
            tok = read_token(p["PaginationToken"], scope)
            if tok is None:
                self._bad("The PaginationToken is not valid for this "
                          "request.")
            issued, start = divmod(tok, 1000000)
            if time.time() - issued > self.token_ttl:
                raise ApiError(400, "PaginationTokenExpiredException",
                               "The pagination token has expired; start "
                               "again without it.")
        rows = self._rows(scope, acct, region, p,
                          not p.get("PaginationToken"))
        size = p.get("ResourcesPerPage", self.default_page)
        if "TagsPerPage" in p and "ResourcesPerPage" not in p:
            # Whole resources until the tag budget is spent (a resource
            # without tags counts as one), at least one per page.
            budget, size = p["TagsPerPage"], 0
            for _, tags in rows[start:]:
                budget -= max(1, len(tags))
                if budget < 0 and size:
                    break
                size += 1
        page = rows[start:start + size]
        call["listed"] = len(page)
        out = []
        for arn, tags in page:
            m = {"ResourceARN": arn,
                 "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}
            if p.get("IncludeComplianceDetails"):
                m["ComplianceDetails"] = {
                    "NoncompliantKeys": [], "KeysWithNoncompliantValues": [],
                    "MissingTagKeys": [], "ComplianceStatus": True}
            out.append(m)
        if p.get("IncludeComplianceDetails") and \
                p.get("ExcludeCompliantResources"):
            out = []  # every resource is compliant: no tag policy here
        nxt = ""
        if start + size < len(rows):
            nxt = page_token(int(time.time()) * 1000000 + start + size,
                             scope)
        call["next_token"] = nxt
        return {"PaginationToken": nxt, "ResourceTagMappingList": out}


def main(argv=None):
    ap = standalone_args("Fake Resource Groups Tagging.", DEFAULT_ACCESS_KEY,
                         DEFAULT_SECRET_KEY, DEFAULT_ACCOUNT)
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--certificates", type=int, default=10,
                    help="tagged ACM certificate ARNs to serve")
    ap.add_argument("--deny", action="store_true")
    a = ap.parse_args(argv)
    fake = FakeTagging(registry=standalone_registry(a), port=a.port,
                       region=a.region, deny=a.deny, verbose=a.verbose)
    for i in range(a.certificates):
        fake.add_resource(f"arn:aws:acm:{a.region}:{a.account}:certificate/"
                          f"00000000-0000-4000-8000-{i:012d}",
                          {"port-acm": "managed", "n": str(i)})
    serve_standalone(fake, call_lines)


if __name__ == "__main__":
    main()
