"""The fault matrix beyond ACM and Port (issue 16, item 24): the
credential sources (STS, GitHub's OIDC token endpoint, IMDS, the
container endpoint), Route 53 in `request` and `delete`, and the sync
paths (ListCertificates pages, Port search pages, bulk writes, stale
deletion). test_faults.py runs these cases with its own.

One row of ROWS is one faulted call: a scenario (the run and the fakes
it needs), the fake and its route, and how many answers of that route
succeed before the fault starts ("401 mid-run": after some calls
succeeded). Every row gets every fault kind of FAULTS, transient (the
fault happens once) and persistent (on every call from then on; "slow"
persistent is slow past the run's deadline). Asserted for every case:
  - the exit code docs/reference.md gives (0 after a transient fault;
    2 when no credentials could be had; 1 when AWS kept failing, 3 when
    only Port did) and no hang;
  - exactly one accepted terminal update on the Port run, nothing
    changing the run after it, with the right status;
  - nothing written or deleted on a bad answer: no AWS change at all
    without credentials; no Route 53 UPSERT after a faulted zone lookup;
    no Route 53 DELETE of a record whose read-back was not answered; no
    catalog deletion when the ACM listing or the catalog read was
    faulted, and never an entity ACM listed; no DeleteCertificate
    outside the delete operation.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from relkit import (ACCOUNT, REGION, RUN_ID, Case, cert_arn,  # noqa: E402
                    check_timeline, ctx, entity_for, retry_gaps, script_fault)
from harness import TIME_SCALE  # noqa: E402
from fakes.awsjson import Registry, multi_account_sts  # noqa: E402
from fakes.fake_route53 import FakeRoute53, norm  # noqa: E402
from fakes.fake_sts import FakeContainer, FakeIMDS, FakeOIDC, FakeSTS  # noqa: E402

AWS_KEY_ID = "AKIAE2ETESTKEY000001"
AWS_SECRET = "e2eSecretAccessKey/abcdefghijklmnopqrstu"
ROLE = "arn:aws:iam::123456789012:role/port-acm"
APEX, NESTED = "example.com", "api.dev.example.com"
BP = "acmCertificate"
ALWAYS = 10 ** 6
DEADLINE = 4              # "slow past the deadline": the run's whole budget
SYNC_DEADLINE = 7         # sync lists at 1 page/s: time to reach its writes

ENV = {
    "PORT_ACM_CONNECT_TIMEOUT_SECONDS": "2",
    "PORT_ACM_REQUEST_TIMEOUT_SECONDS": "1",
    "PORT_ACM_DEADLINE_SECONDS": "60",
    "PORT_ACM_POLL_INTERVAL_MS": "5",
    "AWS_MAX_ATTEMPTS": "3",
}


def slow_env(deadline):
    """The stalled call itself runs into the deadline (a per-request
    timeout longer than the whole run), as test_faults.py's deadline
    cases do."""
    return dict(ENV, PORT_ACM_DEADLINE_SECONDS=str(deadline), AWS_MAX_ATTEMPTS="10",
                PORT_ACM_REQUEST_TIMEOUT_SECONDS=str(deadline + 10))


FAULTS = ("throttle", "http500", "http503", "reset", "slow", "truncate", "garbage",
          "http401")

# name, scenario, fake, route, answers before the fault, exit code when
# the fault persists. Fakes: sts, oidc, imds, ctr (container), r53, acm,
# port. A new row is one line.
ROWS = [
    ("sts-AssumeRole", "assume_role", "sts", "AssumeRole", 0, 2),
    ("sts-AssumeRoleWithWebIdentity", "oidc", "sts", "AssumeRoleWithWebIdentity", 0, 2),
    ("sts-GetCallerIdentity", "sync_self", "sts", "GetCallerIdentity", 0, 1),
    ("oidc-token", "oidc", "oidc", "*", 0, 2),
    ("imds-token-PUT", "imds", "imds", "token", 0, 2),
    ("imds-credentials-GET", "imds", "imds", "creds", 0, 2),
    ("container-credentials", "container", "ctr", "*", 0, 2),
    ("r53-request-ListHostedZonesByName", "r53_request", "r53", "ListHostedZonesByName",
     1, 1),
    ("r53-request-GetHostedZone", "r53_request_zone", "r53", "GetHostedZone", 0, 1),
    ("r53-request-ChangeResourceRecordSets", "r53_request", "r53",
     "ChangeResourceRecordSets", 1, 1),
    ("r53-request-GetChange", "r53_request", "r53", "GetChange", 1, 1),
    ("r53-delete-ListHostedZonesByName", "r53_delete", "r53", "ListHostedZonesByName",
     1, 1),
    ("r53-delete-ListResourceRecordSets", "r53_delete", "r53", "ListResourceRecordSets",
     1, 1),
    ("r53-delete-ChangeResourceRecordSets", "r53_delete", "r53",
     "ChangeResourceRecordSets", 1, 1),
    ("sync-ListCertificates-page", "sync", "acm", "ListCertificates", 1, 1),
    ("sync-search-page", "sync", "port", "search", 1, 1),
    ("sync-bulk-write", "sync", "port", "bulk_upsert", 1, 1),
    ("sync-stale-delete", "sync", "port", "bulk_delete", 0, 1),
]

AWS_FAKES = ("sts", "r53", "acm")

# Which routes only read: a fault there must never lead to a write.
READS = {"ListHostedZonesByName", "GetHostedZone", "ListResourceRecordSets",
         "ListCertificates", "search", "GetCallerIdentity"}

XML_THROTTLE = (b'<?xml version="1.0"?>\n<ErrorResponse><Error><Type>Sender</Type>'
                b'<Code>Throttling</Code><Message>Rate exceeded</Message></Error>'
                b'<RequestId>00000000-0000-0000-0000-000000000000</RequestId>'
                b'</ErrorResponse>\n')
JSON_THROTTLE = b'{"__type": "ThrottlingException", "message": "Rate exceeded"}'


# ------------------------------------------------------------ faults

def gate(fake, route, skip):
    """The first `skip` answers of route are left alone: the fault
    queued for it starts after them (a fault mid-run)."""
    if not skip:
        return
    orig = fake._take_fault
    left = {"n": skip}

    def take(r):
        if r == route:
            with fake.lock:
                if left["n"] > 0:
                    left["n"] -= 1
                    return None
        return orig(r)
    fake._take_fault = take


def inject(c, fake, n):
    kind, route = c.fault, c.route
    if c.fake == "port" and kind == "http401" and n == 1:
        # Port: the token dies mid-run; a new login mends it.
        orig = fake._take_fault
        left = {"n": c.skip}

        def take(r):
            if r == route:
                with fake.lock:
                    if left["n"] == 0:
                        left["n"] = -1
                        fake.revoke_tokens()
                    elif left["n"] > 0:
                        left["n"] -= 1
            return orig(r)
        fake._take_fault = take
        return
    gate(fake, route, c.skip)
    if kind == "throttle":
        if c.fake in ("sts", "r53"):
            fake.fault(route, "status", count=n, status=400, body=XML_THROTTLE,
                       headers=[("Content-Type", "text/xml"), ("Retry-After", "1")])
        elif c.fake == "acm":
            fake.fault(route, "status", count=n, status=400, body=JSON_THROTTLE,
                       headers=[("Content-Type", "application/x-amz-json-1.1"),
                                ("Retry-After", "1")])
        else:
            fake.fault(route, "status", count=n, status=429,
                       headers=[("Retry-After", "1")])
    elif kind == "http401" and c.fake in AWS_FAKES:
        # a bare 401 (no AWS error code: not taken for throttling)
        fake.fault(route, "status", count=n, status=401, body=b"")
    elif kind == "lost_answer" or not script_fault(fake, kind, route, n):
        raise ValueError(kind)


# --------------------------------------------------------- scenarios

def _tls(w):
    return w.suite.tls_kwargs()


def creds_env(w):
    # Every endpoint set (harness sets them only with aws=True keys).
    return {"AWS_ENDPOINT_URL_ACM": w.acm_url,
            "AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API": w.tagging_url,
            "AWS_ENDPOINT_URL_ORGANIZATIONS": "http://127.0.0.1:9",
            "AWS_ENDPOINT_URL_ACCOUNT": "http://127.0.0.1:9",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.path.join(w.dir, "none"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(w.dir, "none2"),
            "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9",
            "AWS_ENDPOINT_URL_ROUTE_53": "http://127.0.0.1:9"}


def request_inputs(**kw):
    d = {"domain_name": "www.example.com", "aws_region": REGION, "port_context": ctx()}
    d.update(kw)
    return d


def set_up(w, c):
    """Starts the scenario's fakes; returns (op, inputs, env, aws, fakes
    by name)."""
    w.add_run(RUN_ID)
    s = c.scenario
    env, aws, fakes = creds_env(w), True, {"acm": w.acm, "port": w.port}
    if s == "assume_role":
        sts = w.start_fake(FakeSTS(trust=[w.acm], region=REGION,
                                credentials={AWS_KEY_ID: (AWS_SECRET, None)}, **_tls(w)))
        sts.add_role(ROLE)
        fakes["sts"] = sts
        env["AWS_ENDPOINT_URL_STS"] = sts.url
        return "request", request_inputs(role_to_assume=ROLE, role_chaining="true"), \
            env, aws, fakes
    if s == "oidc":
        oidc = w.start_fake(FakeOIDC(**_tls(w)))
        sts = w.start_fake(FakeSTS(trust=[w.acm], region=REGION, oidc=oidc, **_tls(w)))
        sts.add_role(ROLE)
        fakes.update(sts=sts, oidc=oidc)
        env.update(AWS_ENDPOINT_URL_STS=sts.url,
                   ACTIONS_ID_TOKEN_REQUEST_URL=oidc.request_url(),
                   ACTIONS_ID_TOKEN_REQUEST_TOKEN=oidc.request_token)
        return "request", request_inputs(role_to_assume=ROLE), env, False, fakes
    if s == "imds":
        imds = FakeIMDS(trust=[w.acm])
        base = "/latest/meta-data/iam/security-credentials/"
        imds.route_of = lambda req: (
            "token" if req.raw_path == "/latest/api/token" else
            "creds" if req.raw_path == base + FakeIMDS.ROLE else "role")
        w.start_fake(imds)
        fakes["imds"] = imds
        env.update(AWS_EC2_METADATA_DISABLED=None, RUNNER_ENVIRONMENT="self-hosted",
                   AWS_EC2_METADATA_SERVICE_ENDPOINT=imds.url)
        return "request", request_inputs(), env, False, fakes
    if s == "container":
        tok = "containerAuthToken-" + "z" * 40
        ctr = w.start_fake(FakeContainer(trust=[w.acm], auth_token=tok))
        fakes["ctr"] = ctr
        env.update(AWS_CONTAINER_CREDENTIALS_FULL_URI=ctr.url + ctr.path,
                   AWS_CONTAINER_AUTHORIZATION_TOKEN=tok)
        return "request", request_inputs(), env, False, fakes
    if s == "sync_self":
        reg = Registry(default_account=ACCOUNT)
        reg.add(AWS_KEY_ID, AWS_SECRET, account=ACCOUNT)
        sts = w.start_fake(multi_account_sts(reg, base_account=ACCOUNT, region=REGION,
                                          credentials={AWS_KEY_ID: (AWS_SECRET, None)},
                                          **_tls(w)))
        fakes["sts"] = sts
        env["AWS_ENDPOINT_URL_STS"] = sts.url
        sync_catalog(w)
        return "sync", sync_inputs(accounts=ACCOUNT, account_role_name="port-acm-sync"), env, True, fakes
    if s.startswith("r53_"):
        r53 = FakeRoute53(credentials={AWS_KEY_ID: (AWS_SECRET, None)}, insync_after=2,
                          **_tls(w))
        zones = {name: r53.add_zone(name) for name in (APEX, "dev.example.com")}
        w.start_fake(r53)
        w.acm.dns = r53
        fakes["r53"] = w.r53 = r53
        env["AWS_ENDPOINT_URL_ROUTE_53"] = r53.url
        w.add_blueprint(BP)
        zone = {"hosted_zone_id": zones[APEX]} if s.endswith("_zone") else {}
        if s.startswith("r53_request"):
            names = APEX if zone else f"*.{APEX},{NESTED}"
            return "request", request_inputs(
                domain_name=APEX, subject_alternative_names=names,
                dns_validation="route53", timeout_minutes="1", **zone), env, aws, fakes
        # delete: an issued certificate whose records are in Route 53
        names = [APEX, NESTED]
        arn = w.acm.add_certificate(APEX, sans=names[1:])
        arn = arn if isinstance(arn, str) else arn["CertificateArn"]
        c.arn = arn
        c.records = {}
        for name in names:
            rec = w.acm_record(arn, name)
            zid = zones[APEX] if name == APEX else zones["dev.example.com"]
            r53.put_record(zid, rec["Name"], "CNAME", [rec["Value"]])
            c.records[norm(rec["Name"])] = zid
        return "delete", {"port_context": ctx(entity=entity_for(arn)),
                          "delete_wait_minutes": "0", "delete_validation_records": "true",
                          **zone}, env, aws, fakes
    if s == "sync":
        sync_catalog(w, paged=c.route == "ListCertificates")
        return "sync", sync_inputs(), env, aws, fakes
    raise ValueError(s)


# Two ListCertificates pages of 12 (for its own row); two bulk calls
# (20 a call); three search pages of 10.
SYNC_LISTED = 24     # in ACM
SYNC_STALE = 2       # synced earlier, gone from ACM


def sync_catalog(w, paged=False):
    w.add_blueprint(BP)
    listed = w.acm.bulk_load(SYNC_LISTED, regions=(REGION,))
    stale = [cert_arn(cid=f"eeeeeeee-0000-0000-0000-{i:012d}") for i in range(SYNC_STALE)]
    for a in listed + stale:
        w.port.add_entity(BP, a, properties={"arn": a, "region": REGION,
                                             "status": "ISSUED", "syncedBy": "port-acm"},
                          relations={"account": ACCOUNT})
    w.sync_listed, w.sync_stale = set(listed), set(stale)
    # Small pages, so that a fault can hit the second one (only where
    # it is the listing's: ListCertificates is paced at 1 call/s).
    orig_list = w.acm._op_ListCertificates

    def small_list(p, rid, call):
        return orig_list(dict(p, MaxItems=12), rid, call)
    if paged:
        w.acm._op_ListCertificates = small_list
    orig_search = w.port._r_search

    def small_search(req, bp):
        try:
            body = json.loads(req.body)
            body["limit"] = 10
            req.body = json.dumps(body).encode()
        except ValueError:
            pass
        return orig_search(req, bp)
    w.port._r_search = small_search


def sync_inputs(**kw):
    d = {"regions": REGION, "port_context": ctx(), "delete_stale": "true",
         "stale_threshold_percent": "50"}
    d.update(kw)
    return d


# ------------------------------------------------------------ checks

def r53_changes(r53, action):
    """[(zone, record name)] of every accepted change with action."""
    out = []
    with r53.lock:
        calls = list(r53.calls)
    for x in calls:
        if x["op"] != "ChangeResourceRecordSets" or x["status"] != 200:
            continue
        for ch in x["params"]["ChangeBatch"]["Changes"]:
            if ch["Action"] == action:
                out.append((x["params"]["HostedZoneId"],
                            norm(ch["ResourceRecordSet"]["Name"])))
    return out


def check_nothing_bad_written(t, w, c, fakes, r, persistent):
    acm_ops = [x["op"] for x in w.acm_calls()]
    if c.op != "delete":
        t.ok("DeleteCertificate" not in acm_ops, "no DeleteCertificate", acm_ops)
    if c.fake in ("sts", "oidc", "imds", "ctr") and c.op == "request" and \
            r.rc not in (0,):
        t.eq([o for o in acm_ops if o in ("RequestCertificate", "DeleteCertificate",
                                           "RenewCertificate")], [],
             "no credentials: nothing changed in AWS")
        with w.port.lock:
            writes = [q["route"] for q in w.port.writes()]
        t.eq(writes, [], "no credentials: nothing written to the catalog")
    r53 = fakes.get("r53")
    if r53 is not None:
        if c.op == "request":
            t.eq(r53_changes(r53, "DELETE"), [], "request: no Route 53 DELETE")
            if persistent and c.route in ("ListHostedZonesByName", "GetHostedZone"):
                t.eq(r53_changes(r53, "UPSERT"), [],
                     "a zone lookup failed: no UPSERT at all (every zone is found first)")
        else:
            t.eq(r53_changes(r53, "UPSERT"), [], "delete: no Route 53 UPSERT")
            # never delete on a guess: each deleted record was read back
            with r53.lock:
                read = {norm(x["params"].get("StartRecordName", "")) for x in r53.calls
                        if x["op"] == "ListResourceRecordSets" and x["status"] == 200}
            dels = r53_changes(r53, "DELETE")
            t.ok(all(name in read and c.records.get(name) == z for z, name in dels),
                 "every record deleted was read back from its own zone first",
                 (dels, sorted(read)))
            if persistent and c.skip == 0 and c.route in READS:
                t.eq(dels, [], "Route 53 could not be read: no record deleted")
    if c.op == "sync":
        with w.port.lock:
            sent = [i for x in w.port.calls_of("bulk_delete")
                    for i in x["body"]["entities"]]
            single = [q for q in w.port.writes() if q["route"] == "delete_entity"]
        t.eq(single, [], "sync: no single-entity DELETE")
        t.ok(not set(sent) & w.sync_listed,
             "sync: no entity ACM listed was deleted", sorted(set(sent) & w.sync_listed))
        t.ok(set(sent) <= w.sync_stale, "sync: only stale entities deleted", sent)
        listing_bad = r.rc != 0 and c.route in ("ListCertificates", "search",
                                                 "GetCallerIdentity")
        if listing_bad or (persistent and c.route in READS):
            t.eq(sent, [], "sync: a faulted listing or catalog read deletes nothing")
        if c.route == "search" and c.mode == "persistent":
            t.ok(any("stale entities were not looked for" in x for x in r.warnings),
                 "sync: says stale entities were not looked for", r.warnings)
        elif r.rc == 0:
            with w.port.lock:
                left = {k[1] for k in w.port.entities if k[0] == BP}
            t.ok(w.sync_listed <= left and not (w.sync_stale & left),
                 "sync: every listed certificate in the catalog, the stale ones gone",
                 (len(left), sorted(w.sync_stale & left)))


def check_outcome(t, w, c, r):
    """The operation did what exit 0 says."""
    if r.rc != 0:
        return
    if c.op == "request":
        t.eq(len(w.acm_arns()), 1, "exit 0: one certificate requested")
        if c.scenario.startswith("r53_request"):
            t.eq(r.outputs.get("certificate_status"), "ISSUED",
                 "exit 0: issued through Route 53")
    elif c.op == "delete":
        t.ok(c.arn not in w.acm_arns(), "exit 0: the certificate is deleted")
        if c.mode == "transient":
            r53 = w.r53
            t.eq(sorted(name for _, name in r53_changes(r53, "DELETE")),
                 sorted(c.records), "exit 0 after one fault: both records deleted")


def run_case(t, w, c):
    op, inputs, env, aws, fakes = set_up(w, c)
    c.op = op
    # past the deadline: slow, or a wait polling through the fault
    slow_past = c.mode == "persistent" and (
        c.fault == "slow" or c.fault in WAITS.get(c.row, ()))
    deadline = SYNC_DEADLINE if op == "sync" else DEADLINE
    inject(c, fakes[c.fake], 1 if c.mode == "transient" else ALWAYS)
    r = w.run(op, inputs=inputs,
              env=dict(env, **(slow_env(deadline) if slow_past else ENV)),
              aws=aws, timeout=90)
    # AWS never answers 401; one is a refusal, final as in a 403
    final = c.mode == "persistent" or (c.fault == "http401" and c.fake in AWS_FAKES)
    want_rc = c.rc if final else 0
    want_rc = expected_rc(c, want_rc)
    # (an instrumented build runs slower: the sanitizer suites scale)
    limit = (deadline + 4 if slow_past else 40) * TIME_SCALE
    if not t.ok(not r.timed_out and r.elapsed < limit,
                f"finished within {limit:.0f} s: no hang",
                f"{r.elapsed:.1f}s timed_out={r.timed_out}"):
        t.diag(r.describe())
    if os.environ.get("REL_DEBUG"):
        t.diag(r.describe())
    if not t.ok(r.rc in want_rc if isinstance(want_rc, tuple) else r.rc == want_rc,
                f"exit code {want_rc}", f"got {r.rc}"):
        t.diag(r.describe())
    with fakes[c.fake].lock:
        hit = [q for q in fakes[c.fake].requests if q.get("fault")
               and (c.route == "*" or q.get("route") == c.route)]
    t.ok(hit or c.fake == "port" and c.fault == "http401" and c.mode == "transient",
         "the fault was met", [q.get("route") for q in fakes[c.fake].requests])
    # Retry-After is Port's and GitHub's (AWS sends none; botocore
    # ignores it) and the container endpoint waits 1 s anyway.
    if c.fault == "throttle" and c.mode == "transient" and r.rc == 0 and \
            c.fake in ("port", "oidc", "ctr"):
        with fakes[c.fake].lock:
            reqs = [q for q in fakes[c.fake].requests
                    if c.route == "*" or q.get("route") == c.route]
        gaps = retry_gaps(reqs)
        t.ok(gaps and min(gaps) >= 0.95, "Retry-After: 1 honoured before the retry",
             gaps)
    term = "SUCCESS" if r.rc == 0 else "FAILURE"
    check_timeline(t, w, term, r)
    check_nothing_bad_written(t, w, c, fakes, r, c.mode == "persistent")
    check_outcome(t, w, c, r)
    if r.rc != 0:
        t.ok(r.errors, "a failure says why in an ::error::", r.stdout[-800:])


# Faults a wait loop polls through until its deadline (docs/route53.md:
# GetChange "until every change is INSYNC"; only a refusal ends it):
# persistent, they run under the short deadline.
# The same for the bulk writer's retries (8 attempts a batch, backing
# off up to ~10 s: half a minute of a persistent fault).
BULK_RETRIED = ("throttle", "http500", "http503", "reset", "truncate", "garbage")
WAITS = {"r53-request-GetChange": ("throttle", "reset", "truncate", "garbage"),
         "sync-bulk-write": BULK_RETRIED, "sync-stale-delete": BULK_RETRIED}

# Exit codes that differ from the rule above, by row and (fault, mode)
# ("*": any fault), each with its reason.
def _down(faults, modes, rc=1):
    return {(f, m): rc for f in faults for m in modes}


# docs/credentials.md: a credentials endpoint the environment sets up
# that does not answer (refused, reset, cut short, timed out) or answers
# 5xx is down, not misconfigured: exit 1, as ACM unreachable.
DOWN = ("http500", "http503", "reset", "truncate")

EXCEPTIONS = {
    # docs/credentials.md: IMDS gets one attempt (botocore's default);
    # a failed token PUT falls back to IMDSv1, which an IMDSv2-only
    # instance refuses: no credentials; a PUT that is answered 5xx or
    # not at all is IMDS down (a timeout is the hop limit: IMDSv1).
    "imds-token-PUT": {("*", "transient"): 2,
                       **_down(DOWN, ("transient", "persistent"))},
    # ... except a reset on the kept-alive connection of the PUT, which
    # libcurl itself re-sends once; and IMDS that answered the PUT and
    # then does not answer is down.
    "imds-credentials-GET": {("*", "transient"): 2,
                             **_down(DOWN + ("slow",), ("transient", "persistent")),
                             ("reset", "transient"): 0},
    # Three attempts: a transient fault passes; a persistent one that
    # is no answer or a 5xx is the endpoint down.
    "container-credentials": _down(DOWN + ("slow",), ("persistent",)),
    # As the Actions toolkit (@actions/http-client): 502/503/504, 429 and
    # lost connections are retried; a 500, a refused request token and
    # a 200 without a token are final.
    "oidc-token": {("http500", "transient"): 2, ("http401", "transient"): 2,
                   ("garbage", "transient"): 2},
    # docs/sync.md: a catalog that cannot be read with delete_stale (as
    # here) is an incomplete sync, as a failed listing: exit 1, the row's.
}


def expected_rc(c, default):
    ex = EXCEPTIONS.get(c.row, {})
    return ex.get((c.fault, c.mode), ex.get(("*", c.mode), default))


# The report's grouping (scripts/reliability-report.py, "by area").
AREA = {"sts": "sts", "oidc": "github-oidc", "imds": "imds", "ctr": "container",
        "r53": "route53", "acm": "sync", "port": "sync"}


def cases():
    out = []
    for name, scenario, fake, route, skip, rc in ROWS:
        for fault in FAULTS:
            for mode in ("transient", "persistent"):
                out.append(Case(f"{name}-{fault}-{mode}", run_case, svc=AREA[fake],
                                row=name,
                                scenario=scenario, fake=fake, route=route, skip=skip,
                                rc=rc, fault=fault, mode=mode, target=route,
                                arn=None, records={}))
    return out
