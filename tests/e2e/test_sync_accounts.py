#!/usr/bin/python3
"""End-to-end tests of `port-acm sync` over several AWS accounts (issue
19): an explicit `accounts` list, one AssumeRole of account_role_name per
account (from the run's credentials), the run's own account synced with
its own credentials (learned with GetCallerIdentity), each account's ACM
reached with its own credentials (one FakeACM per account behind
AccountRouter), entities carrying accountId, an account refusing the
role reported with its trust policy and left untouched, and stale
deletion only within (account, region) pairs whose listing completed.
Every check looks at what the fakes received."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import (AWS_KEY_ID, AWS_SECRET, RUN_ID, TIME_SCALE, Suite,  # noqa: E402
                     cert_arn, check_rc, log_text)
from fakes.account_router import AccountRouter  # noqa: E402
from fakes.awsjson import Registry, multi_account_sts  # noqa: E402
from fakes.fake_account import ENABLED_BY_DEFAULT, FakeAccount  # noqa: E402
from fakes.fake_acm import FakeACM  # noqa: E402
from fakes.fake_organizations import FakeOrganizations  # noqa: E402
from fakes.fake_tagging import FakeTagging  # noqa: E402

S = Suite("sync_accounts")
BP = "acmCertificate"
REGIONS = ("us-east-1", "eu-west-1")
# M: the run's own account; A, B: members with the role; C: refuses it;
# D: not listed in this run (another job's, another shard's).
M, A, B, C, D = ("111111111111", "222222222222", "333333333333",
                 "444444444444", "555555555555")
ROLE = "port-acm-sync"


class Org:
    """The multi-account fakes of one test: STS (minting per-account
    credentials, refusing roles it was not given) and one ACM per
    account behind one endpoint."""

    def __init__(self, w, with_role=(A, B), certs=None):
        tls = S.tls_kwargs()
        self.reg = Registry(default_account=M)
        self.sts = multi_account_sts(
            self.reg, base_account=M, region=REGIONS,
            credentials={AWS_KEY_ID: (AWS_SECRET, None)}, **tls)
        for a in with_role:
            self.sts.add_role(f"arn:aws:iam::{a}:role/{ROLE}")
        self.acms = {a: FakeACM(credentials=self.reg, account=a,
                                region=REGIONS, **tls) for a in (M, A, B, C)}
        self.arns = {}
        for a, per in (certs or {}).items():
            for region, n in per.items():
                for i in range(n):
                    c = self.acms[a].add_certificate(
                        f"c{i}.{region}.{a}.example.com", region=region)
                    self.arns.setdefault(a, []).append(
                        c if isinstance(c, str) else c["CertificateArn"])
        self.router = AccountRouter(self.reg, self.acms, **tls)
        self.sts_url = self.sts.start()
        self.acm_url = self.router.start()
        w.port.related.update({M, A, B, C, D})

    def env(self):
        return {"AWS_ENDPOINT_URL_STS": self.sts_url,
                "AWS_ENDPOINT_URL_ACM": self.acm_url}

    def close(self):
        for f in (self.router, self.sts):
            try:
                f.stop()
            except Exception:
                pass


def sync(w, org, inputs=None):
    i = {"regions": ",".join(REGIONS), "port_context": json.dumps({"runId": RUN_ID}),
         "accounts": ",".join((M, A, B, C)), "account_role_name": ROLE}
    i.update(inputs or {})
    return w.run("sync", inputs=i, env=org.env())


def setup(w):
    w.add_blueprint(BP)
    w.add_run(RUN_ID)


def synced(w, account, region, cid):
    arn = cert_arn(region=region, account=account,
                   cid=f"dddddddd-0000-0000-0000-{cid:012d}")
    w.port.add_entity(BP, arn, properties={
        "arn": arn, "region": region, "status": "ISSUED", "syncedBy": "port-acm"},
        relations={"account": account})
    return arn


def router_lists(org):
    """(account, op) of every ACM call that reached an account's fake."""
    return [(c["account"], c["op"]) for c in org.router.calls]


@S.test
def explicit_accounts_one_refusing(t, w):
    setup(w)
    org = Org(w, certs={M: {"us-east-1": 2}, A: {"us-east-1": 3, "eu-west-1": 1},
                        B: {"eu-west-1": 2}, C: {"us-east-1": 1}})
    try:
        gone_a = synced(w, A, "us-east-1", 1)      # ACM no longer has it
        kept_c = synced(w, C, "us-east-1", 2)      # C refuses: untouched
        kept_d = synced(w, D, "us-east-1", 3)      # D not in this run
        r = sync(w, org, {"delete_stale": "true",
                          "stale_threshold_percent": "100"})
        check_rc(t, r, 1, "exit 1: one account could not be synced")
        assumed = [c["params"].get("RoleArn") for c in org.sts.calls_of("AssumeRole")]
        t.eq(sorted(assumed), sorted(f"arn:aws:iam::{a}:role/{ROLE}" for a in (A, B, C)),
             "one AssumeRole per other account, none for the run's own", assumed)
        t.eq(len(org.sts.calls_of("GetCallerIdentity")), 1,
             "the run learns its own account once (GetCallerIdentity)")
        calls = router_lists(org)
        t.ok(all(a != C for a, _ in calls), "ACM of the refusing account never called", calls)
        for a in (M, A, B):
            regs = sorted(c.get("region") for c in org.acms[a].calls
                          if c.get("op") == "ListCertificates")
            t.eq(regs, sorted(REGIONS), f"account {a} listed in both regions with its "
                 "own credentials", regs)
        ents = {ident: e for (bp, ident), e in w.port.entities.items() if bp == BP}
        for a in (M, A, B):
            for arn in org.arns.get(a, []):
                e = ents.get(arn)
                t.ok(e is not None and e["properties"].get("accountId") == a
                     and e["relations"].get("account") == a,
                     f"{arn} written with accountId and account relation {a}", e)
        t.ok(gone_a not in ents, "the stale entity of a completed (account, region) deleted")
        t.ok(kept_c in ents, "the refusing account's entity is left untouched")
        t.ok(kept_d in ents, "an account not in this run is left untouched")
        deleted = w.port.calls_of("bulk_delete") + w.port.calls_of("delete_entity")
        t.ok(all(kept_c not in json.dumps(c) and kept_d not in json.dumps(c)
                 for c in deleted), "no delete call for C's or D's entities")
        t.ok(C in r.text and "trust policy" in r.text and "sts:AssumeRole" in r.text,
             "the refusing account is named with the trust policy it needs")
        rep = json.loads(r.outputs.get("sync_report", "{}"))
        accts = rep.get("accounts", [])
        by = {a["accountId"]: a for a in accts}
        t.ok([a["accountId"] for a in accts][:1] == [C]
             and by[C]["status"] == "role refused" and "trust policy" in by[C]["error"],
             "sync_report.accounts: the refusing account first, with its reason", accts)
        t.ok(all(by[a]["status"] == "complete" for a in (M, A, B))
             and [by[a]["listed"] for a in (M, A, B)] == [2, 4, 2]
             and [by[a]["written"] for a in (M, A, B)] == [2, 4, 2]
             and [by[a]["deleted"] for a in (M, A, B)] == [0, 1, 0],
             "per account: listed, written, deleted", accts)
        summary = r.summary or ""
        t.ok("| Account | Name | Listed | Written | Skipped | Deleted | Status |" in summary
             and summary.index(C) < summary.index(f"| {A} |"),
             "the step summary has the per-account table, failed first")
        minted = {i["secret"] for i in org.sts.issued}
        t.ok(minted and minted <= set(r.masks),
             "every account's minted secret is masked before use")
        t.ok(all(s not in r.text.replace("::add-mask::" + s, "") for s in minted),
             "no minted secret printed")
    finally:
        org.close()


@S.test
def account_suspended_mid_run(t, w):
    """B's role was assumed, then B was suspended: its ACM refuses the
    credentials. B's entities stay; the others' stale ones go."""
    setup(w)
    org = Org(w, certs={A: {"us-east-1": 2}, B: {"us-east-1": 1}})
    try:
        org.acms[B].fail("ListCertificates", "UnrecognizedClientException",
                         "The security token included in the request is invalid.",
                         count=10)
        kept_b = synced(w, B, "us-east-1", 4)
        gone_a = synced(w, A, "us-east-1", 5)
        r = sync(w, org, {"accounts": f"{A},{B}", "regions": "us-east-1",
                          "delete_stale": "true", "stale_threshold_percent": "100"})
        check_rc(t, r, 1, "exit 1: B's listing failed")
        ents = {ident for (bp, ident) in w.port.entities if bp == BP}
        t.ok(kept_b in ents, "the suspended account's entity is left untouched")
        t.ok(gone_a not in ents, "the other account's stale entity is deleted")
        t.ok(f"{B}/us-east-1" in r.text, "the failure names the account and region")
        rep = json.loads(r.outputs.get("sync_report", "{}"))
        t.ok(rep.get("regions", {}).get(f"{B}/us-east-1", {}).get("complete") is False
             and rep["regions"].get(f"{A}/us-east-1", {}).get("complete") is True,
             "sync_report: B's unit incomplete, A's complete", rep.get("regions"))
    finally:
        org.close()


@S.test
def organization_every_active_account(t, w):
    """accounts: organization: ListAccounts paged (20 a page) from the
    management account, ACTIVE accounts only, names on the entities."""
    setup(w)
    org = Org(w, certs={M: {"us-east-1": 1}, A: {"us-east-1": 2}, B: {"eu-west-1": 1}})
    orgs = FakeOrganizations(registry=org.reg, management_account=M, **S.tls_kwargs())
    try:
        orgs.add_account(A, name="payments-prod")
        orgs.add_account(B, name="web")
        orgs.add_account(C, state="SUSPENDED")
        extra = [f"7{i:011d}" for i in range(25)]      # no role: refuse
        for a in extra:
            orgs.add_account(a)
        w.port.related.update(extra)
        url = orgs.start()
        r = w.run("sync", inputs={
            "regions": ",".join(REGIONS), "port_context": json.dumps({"runId": RUN_ID}),
            "accounts": "organization", "account_role_name": ROLE},
            env=dict(org.env(), AWS_ENDPOINT_URL_ORGANIZATIONS=url))
        check_rc(t, r, 1, "exit 1: 25 accounts refuse the role")
        t.ok(r.text.count("could not assume") >= 25,
             "the job log names every refusing account")
        logs = log_text(w.port_events())
        t.ok(all(f"account {a}: could not assume" in logs for a in extra),
             "the Port run log names every refusing account")
        pages = orgs.calls_of("ListAccounts")
        t.eq(len(pages), 2, "ListAccounts: 29 accounts in 2 pages of 20")
        t.ok(all(c.get("account") == M for c in pages),
             "ListAccounts with the run's (management) credentials")
        assumed = sorted(c["params"].get("RoleArn").split(":")[4]
                         for c in org.sts.calls_of("AssumeRole"))
        t.eq(assumed, sorted([A, B] + extra),
             "one AssumeRole per ACTIVE account but the run's own; none for SUSPENDED C")
        ents = {ident: e for (bp, ident), e in w.port.entities.items() if bp == BP}
        names = {a: n for a, n in ((A, "payments-prod"), (B, "web"), (M, "management"))}
        for a in (M, A, B):
            for arn in org.arns.get(a, []):
                e = ents.get(arn) or {}
                t.ok(e.get("properties", {}).get("accountName") == names[a]
                     and e["properties"].get("accountId") == a,
                     f"{arn}: accountName {names[a]} from Organizations", e)
    finally:
        orgs.stop()
        org.close()


@S.test
def shards_cover_once_and_delete_only_their_own(t, w):
    """shard 1/2 then 2/2 over M, A, B, C: each account listed by exactly
    one job; each job deletes stale entities of its own accounts only."""
    setup(w)
    org = Org(w, with_role=(A, B, C), certs={a: {"us-east-1": 1} for a in (M, A, B, C)})
    try:
        stale = {a: synced(w, a, "us-east-1", 10 + i) for i, a in enumerate((M, A, B, C))}
        listed = []
        for i in (1, 2):
            before = len(org.router.calls)
            run = RUN_ID[:-1] + str(i)              # one Port run per job
            w.add_run(run)
            r = sync(w, org, {"regions": "us-east-1", "shard": f"{i}/2",
                              "port_context": json.dumps({"runId": run}),
                              "delete_stale": "true", "stale_threshold_percent": "100"})
            check_rc(t, r, 0, f"shard {i}/2: exit 0")
            mine = {c["account"] for c in org.router.calls[before:]}
            listed.append(mine)
            ents = {ident for (bp, ident) in w.port.entities if bp == BP}
            done = set().union(*listed)
            t.ok(all((stale[a] in ents) == (a not in done) for a in stale),
                 f"after shard {i}/2: only the stale entities of the shards run so "
                 "far are gone", {a: stale[a] in ents for a in stale})
        t.ok(not (listed[0] & listed[1]), "no account in both shards", listed)
        t.eq(listed[0] | listed[1], {M, A, B, C}, "the two shards cover every account")
        assumed = [c["params"]["RoleArn"].split(":")[4] for c in org.sts.calls_of("AssumeRole")]
        t.eq(sorted(assumed), sorted([A, B, C]), "each account's role assumed once in all")
        r = sync(w, org, {"shard": "3/2", "port_context": ""})
        t.ok(r.rc != 0 and "shard" in r.text, "shard 3/2 refused")
    finally:
        org.close()


@S.test
def external_id_sent_to_every_account(t, w):
    """role_external_id goes with each account's AssumeRole; a role that
    requires another one refuses, and only that account fails."""
    setup(w)
    org = Org(w, with_role=(), certs={A: {"us-east-1": 1}, B: {"us-east-1": 1}})
    try:
        org.sts.add_role(f"arn:aws:iam::{A}:role/{ROLE}", external_id="acme-7Qx")
        org.sts.add_role(f"arn:aws:iam::{B}:role/{ROLE}", external_id="other-id")
        r = sync(w, org, {"accounts": f"{A},{B}", "regions": "us-east-1",
                          "role_external_id": "acme-7Qx"})
        check_rc(t, r, 1, "exit 1: B wants another external id")
        sent = [c["params"].get("ExternalId") for c in org.sts.calls_of("AssumeRole")]
        t.eq(sent, ["acme-7Qx", "acme-7Qx"], "ExternalId sent with each AssumeRole")
        t.eq(sorted({a for a, _ in router_lists(org)}), [A], "only A listed")
        t.ok(f"account {B}: could not assume" in r.text and "sts:ExternalId" in r.text,
             "B reported, with the ExternalId condition in its trust policy")
    finally:
        org.close()


@S.test
def own_account_only_by_default(t, w):
    """Without accounts nothing changes: no STS call, the run's account."""
    setup(w)
    org = Org(w, certs={M: {"us-east-1": 2}})
    try:
        r = w.run("sync", inputs={"regions": "us-east-1",
                                  "port_context": json.dumps({"runId": RUN_ID})},
                  env=org.env())
        check_rc(t, r, 0, "exit 0")
        t.eq(org.sts.calls, [], "no STS call without accounts")
        t.eq(sorted(a for a, _ in router_lists(org)), [M], "only the run's account")
    finally:
        org.close()


@S.test
def accounts_need_a_role_name(t, w):
    setup(w)
    org = Org(w)
    try:
        r = sync(w, org, {"account_role_name": ""})
        t.ok(r.rc != 0 and "account_role_name" in r.text, "refused: no role name",
             r.text[-400:])
        t.eq(org.sts.calls, [], "no STS call on bad input")
        t.eq(org.router.calls, [], "no ACM call on bad input")
        r = sync(w, org, {"accounts": "1234"})
        t.ok(r.rc != 0 and "12 digits" in r.text, "refused: not an account id")
    finally:
        org.close()


@S.test
def regions_all_per_account(t, w):
    """regions: all: each account's enabled regions (ListRegions once per
    account, with that account's own credentials and no AccountId), so
    the opt-in eu-south-1, enabled in A only, is listed in A only; C
    refuses its role and is asked nothing; several units in flight at
    once (max_concurrency) change none of it."""
    setup(w)
    opt_in = "eu-south-1"
    org = Org(w, certs={M: {"us-east-1": 1}, A: {"eu-west-1": 1}})
    acct = FakeAccount(registry=org.reg, management_account=M, members=(A, B, C),
                       **S.tls_kwargs())
    try:
        for a in (M, A, B, C):
            org.acms[a].regions = REGIONS + (opt_in,)
            for reg in ENABLED_BY_DEFAULT:       # keep the test to a few
                if reg not in REGIONS:
                    acct.set_region(a, reg, "DISABLED")
        acct.set_region(A, opt_in, "ENABLED")
        in_opt = org.acms[A].add_certificate("opt.eu-south-1.example.com",
                                             region=opt_in)
        in_opt = in_opt if isinstance(in_opt, str) else in_opt["CertificateArn"]
        acct.latency = 0.2 * TIME_SCALE
        url = acct.start()
        r = w.run("sync", inputs={
            "regions": "all", "aws_region": "us-east-1", "max_concurrency": "4",
            "port_context": json.dumps({"runId": RUN_ID}),
            "accounts": ",".join((M, A, B, C)), "account_role_name": ROLE},
            env=dict(org.env(), AWS_ENDPOINT_URL_ACCOUNT=url))
        check_rc(t, r, 1, "exit 1: C refuses its role")
        lr = acct.calls_of("ListRegions")
        t.eq(sorted(c["account"] for c in lr), sorted((M, A, B)),
             "ListRegions once per account that could be reached, with its own "
             "credentials", [(c["account"], c.get("status")) for c in lr])
        t.eq(acct.max_in_flight.get("ListRegions"), 3,
             "the three accounts' ListRegions asked at once, not one after "
             "another", acct.max_in_flight)
        t.ok(all("AccountId" not in (c.get("params") or {}) for c in lr)
             and all(sorted(c["params"].get("RegionOptStatusContains", []))
                     == ["ENABLED", "ENABLED_BY_DEFAULT"] for c in lr),
             "no AccountId; enabled regions only", [c.get("params") for c in lr])
        for a, want in ((M, REGIONS), (A, REGIONS + (opt_in,)), (B, REGIONS)):
            got = sorted(c.get("region") for c in org.acms[a].calls
                         if c.get("op") == "ListCertificates")
            t.eq(got, sorted(want), f"account {a}: ACM listed in its enabled regions "
                 "only, once each", got)
        t.eq([c for c in org.acms[C].calls if c.get("op") == "ListCertificates"], [],
             "the refusing account's ACM never called")
        ents = {ident for (bp, ident) in w.port.entities if bp == BP}
        t.ok(in_opt in ents, "the certificate of A's opt-in region is written")
        rep = json.loads(r.outputs.get("sync_report", "{}"))
        t.ok(f"{A}/{opt_in}" in rep.get("regions", {})
             and f"{B}/{opt_in}" not in rep.get("regions", {}),
             "sync_report: A's opt-in region is a unit, B has none",
             list(rep.get("regions", {})))
    finally:
        acct.stop()
        org.close()


@S.test
def regions_all_refused_list_regions(t, w):
    """An account whose ListRegions is refused is reported and left
    alone, like a refused role; the others are synced."""
    setup(w)
    org = Org(w, certs={A: {"us-east-1": 1}})
    acct = FakeAccount(registry=org.reg, management_account=M, members=(A, B),
                       **S.tls_kwargs())
    try:
        for a in (A, B):
            for reg in ENABLED_BY_DEFAULT:
                if reg not in REGIONS:
                    acct.set_region(a, reg, "DISABLED")
        acct.fail("ListRegions", "AccessDeniedException", "not allowed",
                  status=403, count=10, account=B)
        url = acct.start()
        r = w.run("sync", inputs={
            "regions": "all", "aws_region": "us-east-1",
            "port_context": json.dumps({"runId": RUN_ID}),
            "accounts": f"{A},{B}", "account_role_name": ROLE},
            env=dict(org.env(), AWS_ENDPOINT_URL_ACCOUNT=url))
        check_rc(t, r, 1, "exit 1: B's regions could not be listed")
        got = sorted(c.get("region") for c in org.acms[A].calls
                     if c.get("op") == "ListCertificates")
        t.eq(got, sorted(REGIONS), "A listed in its enabled regions", got)
        t.eq([c for c in org.acms[B].calls if c.get("op") == "ListCertificates"], [],
             "B's ACM never called")
        t.ok(f"account {B}: could not list its enabled regions" in r.text
             and "account:ListRegions" in r.text,
             "B is named with the permission it needs")
    finally:
        acct.stop()
        org.close()


@S.test
def regions_all_needs_a_region(t, w):
    setup(w)
    org = Org(w)
    try:
        r = w.run("sync", inputs={"regions": "all", "port_context": ""},
                  env=dict(org.env(), AWS_REGION="", AWS_DEFAULT_REGION=""))
        t.ok(r.rc != 0 and "aws_region" in r.text, "refused: all needs aws_region",
             r.text[-400:])
        t.eq(org.router.calls, [], "no ACM call on bad input")
    finally:
        org.close()


@S.test
def tags_per_account(t, w):
    """Every account's certificates carry their own account's tags: the
    Tagging API is read per (account, region) with that account's
    credentials (the run's own key for its own account, the key STS
    minted for each member), the pages of up to max_concurrency units
    together."""
    setup(w)
    org = Org(w, certs={M: {"us-east-1": 2}, A: {"us-east-1": 2, "eu-west-1": 1},
                        B: {"eu-west-1": 2}})
    tag = FakeTagging(registry=org.reg, region=REGIONS, **S.tls_kwargs())
    for a in (M, A, B, C):
        tag.link_acm(org.acms[a])
    for a, arns in org.arns.items():
        with org.acms[a].lock:
            for x in arns:
                org.acms[a].certs[x]["Tags"] = [{"Key": "owner", "Value": f"owner-{a}"},
                                                {"Key": "account", "Value": a}]
    url = tag.start()
    try:
        env = org.env()
        env["AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API"] = url
        r = w.run("sync", env=env, inputs={
            "regions": ",".join(REGIONS), "port_context": json.dumps({"runId": RUN_ID}),
            "accounts": ",".join((M, A, B)), "account_role_name": ROLE,
            "max_concurrency": "4"})
        check_rc(t, r, 0, "exit 0")
        calls = tag.calls_of("GetResources")
        t.eq(sorted((c["account"], c["region"]) for c in calls),
             sorted((a, reg) for a in (M, A, B) for reg in REGIONS),
             "one GetResources per (account, region), each answered for the "
             "account whose credentials signed it",
             [(c["account"], c["region"], c["status"]) for c in calls])
        minted = {c["akid"] for c in calls if c["account"] != M}
        t.ok(all((c["akid"] == AWS_KEY_ID) == (c["account"] == M) for c in calls)
             and len(minted) == 2,
             "the run's own key only for its own account; each member's calls "
             "signed with the key STS minted for it", sorted(
                 (c["account"], c["akid"]) for c in calls))
        t.ok(all(c["status"] == 200 for c in calls), "every call answered",
             [c["status"] for c in calls])
        ents = {ident: e for (bp, ident), e in w.port.entities.items() if bp == BP}
        for a in (M, A, B):
            got = [ents.get(x, {}).get("properties", {}) for x in org.arns[a]]
            t.ok(got and all(p.get("tags") == {"owner": f"owner-{a}", "account": a}
                             and p.get("owner") == f"owner-{a}" for p in got),
                 f"account {a}'s entities carry its own tags and owner",
                 [p.get("tags") for p in got])
        rep = r.output_json("sync_report")
        t.eq(rep.get("tags", {}).get("calls"), len(calls),
             "sync_report counts the calls", rep.get("tags"))
    finally:
        try:
            tag.stop()
        except Exception:
            pass
        org.close()


if __name__ == "__main__":
    S.main()
