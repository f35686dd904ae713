#!/usr/bin/python3
"""make bench, part 2: `port-acm sync` at scale (issue 12).

10,000 certificates in 3 regions on the local fakes over HTTPS, every
fake answer leaving 20 ms after its request arrived (a distant AWS and
Port; the fakes' own work is done within those 20 ms, not added on top,
and each answer's time is reported). Measures what the fakes received
and what the process cost:
  * ACM ListCertificates calls per region (expected ceil(n/1000));
  * Port bulk upsert calls (expected ceil(n/20)) and the most in flight
    at once (target >= 4);
  * wall time against the floor: ACM's 1 call/s per region makes the
    listing take at least (pages - 1) s, and Port's calls at 4 in flight
    at least ceil(n/20)/4 x 20 ms; the floor is the larger;
  * Tagging GetResources calls per region (every certificate tagged;
    expected ceil(n/100)), every entity written with its tags, and the
    whole sync <= 1.5 x the listing's floor (issue 18): ACM's pacing,
    (pages - 1) s + one answer, plus the writes of the last pages (20 a
    call, 4 in flight); the same sync untagged (the listing alone) is run
    first and its wall printed beside it, with where the tagged run's
    time went (when each region's tags were in, its last page, the last
    write, from the fakes' arrival times);
  * peak RSS of port-acm (target <= 16 MiB).
Then renewal readiness (bench_readiness): --ready-certs certificates
(default 300) in one region, their records in a Route 53 zone of the
account, synced twice with include_details: the first sync describes
every certificate; the second over the unchanged account must make no
DescribeCertificate call, and one ListResourceRecordSets per validation
record (paced at 5/s) plus one ListHostedZonesByName; both counts and
times are reported (issue 18).
And the organization run (issue 19): `accounts: organization` over
100 accounts x 3 regions x 30 certificates (9,000), every answer of
Organizations, STS, ACM and Port 20 ms after its request, and a
1,000-account run (3 certificates per account-region) for how it
scales; see org_run.
Writes build/bench-sync.md; exits 1 when a target is missed.
Options: --certs N (10000), --ready-certs N (300), --latency-ms N (20),
--bin PATH, --org-only, --no-org, --org-accounts N (100), --org-large N
(1000), --org-http, --latency-on-top (the fakes sleep the latency and
then do their work, as the bench measured before 2026-12-07).
"""
import argparse
import json
import math
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "tests"))

import harness  # noqa: E402
from fake_apart import Apart, time_handler  # noqa: E402
from harness import RUN_ID, Suite, World  # noqa: E402

REGIONS = ("eu-west-1", "us-east-1", "ap-south-1")
RSS_TARGET_KIB = 16 * 1024
IN_FLIGHT_TARGET = 4


def run_measured(w, binary, inputs):
    """Runs port-acm like harness.World.run, but under bench.py's spawn
    helper (a small C program: fork, exec, wait4), so the peak RSS is
    port-acm's own and not that of a forked Python interpreter."""
    import bench  # scripts/bench.py
    env = w.base_env(True)
    env["INPUT_OPERATION"] = "sync"
    for k, v in inputs.items():
        env["INPUT_" + k.upper()] = v
    out = os.path.join(w.dir, "github_output")
    open(out, "w").close()
    env["GITHUB_OUTPUT"] = out
    try:
        sample = bench.spawn(bench.build_spawner(), [binary], env, "sync", w.dir)
        rc, err = sample.rc, ""
    except bench.BenchError as e:
        return 1, {}, str(e), 0.0, 0, 0.0
    with open(out) as f:
        outputs = harness.parse_outputs(f.read())[0]
    return rc, outputs, err, sample.wall, sample.rss, sample.cpu


def answer_times(recs):
    """How long the fake took from a request's arrival to its answer
    being sent (common.py _dispatch: never less than the latency; more
    when the fake's own work took longer), over the records given."""
    d = sorted((r["sent"] - r["time"]) * 1000 for r in recs if r.get("sent"))
    if not d:
        return "-"
    return (f"median {d[len(d) // 2]:.1f} ms, 95th percentile "
            f"{d[min(len(d) - 1, int(len(d) * 0.95))]:.1f} ms")


class PortApart(Apart):
    """Port's fake in its own process, with what World and the bench
    call on it."""

    def add_blueprint(self, *args, **kw):
        return self.call("add_blueprint", *args, **kw)

    def add_run(self, *args, **kw):
        return self.call("add_run", *args, **kw)

    def calls_of(self, *args):
        return self.call("calls_of", *args)


def port_apart(s, https):
    """Port's fake as harness.World builds it, served from a child
    process (fake_apart.py): fork it before any other fake starts."""
    kw = dict(s.tls_kwargs()) if https else {}
    kw.update(client_id=harness.PORT_CLIENT_ID,
              client_secret=harness.PORT_CLIENT_SECRET,
              related=(harness.ACCOUNT,))
    return PortApart(harness._construct(s.fakes["fake_port"].FakePort, kw))


def sync_once(a, tagged):
    """One sync of a.certs certificates on fresh fakes; every certificate
    tagged (owner, team, one more) or none. Returns the figures."""
    s = Suite("bench-sync")
    s.setup()
    w = port = None
    try:
        port = port_apart(s, True)  # forked before any fake's thread
        w = World(s, https=True, port=False)
        w.port, w.port_url = port, port.url
        w.add_blueprint("acmCertificate")
        w.add_run(RUN_ID)
        t0 = time.monotonic()
        arns = w.acm.bulk_load(a.certs, regions=REGIONS)
        if tagged:  # issue 18
            with w.acm.lock:
                for i, x in enumerate(arns):
                    w.acm.certs[x]["Tags"] = [
                        {"Key": "owner", "Value": f"o{i % 50}@example.com"},
                        {"Key": "team", "Value": f"team{i % 7}"},
                        {"Key": "env", "Value": "prod"}]
        load_s = time.monotonic() - t0
        w.acm.latency = w.tagging.latency = a.latency_ms / 1000.0
        port.set("latency", a.latency_ms / 1000.0)
        w.acm.latency_on_top = w.tagging.latency_on_top = a.latency_on_top
        port.set("latency_on_top", a.latency_on_top)
        # The fakes' own work (Python) is part of the wall time; Port's
        # fake has a process of its own (fake_apart.py).
        busy = {}
        time_handler(w.acm, busy, "acm")
        time_handler(w.tagging, busy, "tagging")
        rc, outputs, stderr, wall, rss_kib, cpu = run_measured(w, a.bin, {
            "regions": ",".join(REGIONS),
            "port_context": json.dumps({"runId": RUN_ID}),
            "delete_stale": "true"})
        busy["port"] = port.busy()
        busy["port_process"] = port.cpu()
        f = {"rc": rc, "stderr": stderr, "wall": wall, "rss_kib": rss_kib,
             "cpu": cpu, "outputs": outputs, "busy": busy, "load_s": load_s}
        f["per_region"] = {r: sum(1 for x in arns if x.split(":")[3] == r)
                           for r in REGIONS}
        lists = [c for c in w.acm.calls if c["op"] == "ListCertificates"]
        f["lists"] = {r: sum(1 for c in lists if c["region"] == r)
                      for r in REGIONS}
        gets = [c for c in w.tagging.calls if c["op"] == "GetResources"]
        f["tag_calls"] = {r: sum(1 for c in gets if c["region"] == r)
                          for r in REGIONS}
        f["bulk"] = port.calls_of("bulk_upsert")
        f["answers"] = {
            "ACM": answer_times(w.acm.requests),
            "Tagging": answer_times(w.tagging.requests),
            "Port bulk": answer_times(r for r in port.get("requests")
                                      if r.get("route") == "bulk_upsert")}
        f["in_flight"] = port.get("max_in_flight").get("bulk_upsert", 0)
        f["written"] = sum(1 for k in port.get("entities")
                           if k[0] == "acmCertificate")
        bulk_calls = port.get("bulk_calls")
        bodies = [c["body"] for c in bulk_calls
                  if c["route"] == "bulk_upsert"]
        times = [c["time"] for c in bulk_calls
                 if c["route"] == "bulk_upsert"]
        ents = [e for b in bodies if isinstance(b, dict)
                for e in b.get("entities") or []]
        f["with_tags"] = sum(1 for e in ents
                             if (e.get("properties") or {}).get("tags"))
        # Where the time went, from the fakes' arrival times (s after the
        # first ListCertificates).
        t_first = min((c["time"] for c in lists), default=0)
        f["timeline"] = {
            "tags in": {r: max((c["time"] - t_first for c in gets
                                if c["region"] == r), default=0)
                        for r in REGIONS},
            "last page": {r: max((c["time"] - t_first for c in lists
                                  if c["region"] == r), default=0)
                          for r in REGIONS},
            "last write": max(times, default=t_first) - t_first}
        return f
    finally:
        if w is not None:
            w.close()
        if port is not None:
            port.stop()
        s.teardown()


def listing_floor(per_region, lat):
    """The honest floor of the sync without tags: ACM paces
    ListCertificates at 1/s per region, so a region of p pages has its
    last page at (p - 1) s, answered lat later (the slowest region
    counts); then the entities of the last pages still go to Port, 20 a
    call, 4 in flight, lat each. Everything before the listing (Port's
    token, the catalog read) is left out: the floor is a lower bound."""
    pages = {r: max(1, math.ceil(n / 1000)) for r, n in per_region.items()}
    acm = max((p - 1) * 1.0 + lat for p in pages.values())
    last = sum(n - (pages[r] - 1) * 1000 for r, n in per_region.items()
               if pages[r] == max(pages.values()))
    tail = math.ceil(math.ceil(last / 20) / IN_FLIGHT_TARGET) * lat
    return acm + tail, acm, tail


def single_main(a):
    """The sync at scale: the listing alone, then with tags."""
    problems = []
    # The listing alone first (no certificate tagged: one empty
    # GetResources per region), then the same with every one tagged.
    base = sync_once(a, False)
    f = sync_once(a, True)
    rc, stderr, wall, rss_kib, cpu = (f["rc"], f["stderr"], f["wall"],
                                      f["rss_kib"], f["cpu"])
    outputs, busy, load_s = f["outputs"], f["busy"], f["load_s"]
    per_region, lists, tag_calls = f["per_region"], f["lists"], f["tag_calls"]
    bulk, in_flight, written = f["bulk"], f["in_flight"], f["written"]
    want_lists = {r: math.ceil(n / 1000) for r, n in per_region.items()}
    want_tags = {r: max(1, math.ceil(n / 100)) for r, n in per_region.items()}
    want_bulk = math.ceil(a.certs / 20)
    lat = a.latency_ms / 1000.0
    lfloor, acm_floor, tail = listing_floor(per_region, lat)
    port_floor = math.ceil(want_bulk / IN_FLIGHT_TARGET) * lat
    floor = max(lfloor, port_floor)
    if rc != 0 or base["rc"] != 0:
        problems.append(f"port-acm exited {rc} (untagged {base['rc']}): "
                        f"{(stderr or base['stderr'])[-800:]}")
    if lists != want_lists:
        problems.append(f"ListCertificates calls {lists}, expected {want_lists}")
    if tag_calls != want_tags:
        problems.append(f"GetResources calls {tag_calls}, expected {want_tags}")
    if f["with_tags"] != a.certs:
        problems.append(f"{f['with_tags']} of {a.certs} entities written "
                        "with their tags")
    if wall > 1.5 * lfloor:
        problems.append(f"wall {wall:.2f} s > 1.5 x the listing's floor "
                        f"{lfloor:.2f} s")
    if len(bulk) != want_bulk:
        problems.append(f"{len(bulk)} bulk upsert calls, expected {want_bulk}")
    if written != a.certs:
        problems.append(f"{written} entities written, expected {a.certs}")
    if in_flight < IN_FLIGHT_TARGET:
        problems.append(f"at most {in_flight} Port calls in flight, target "
                        f">= {IN_FLIGHT_TARGET}")
    if rss_kib > RSS_TARGET_KIB:
        problems.append(f"peak RSS {rss_kib / 1024:.1f} MiB, target <= 16 MiB")
    tl = f["timeline"]
    rows = [
        ("certificates", f"{a.certs:,} in {len(REGIONS)} regions "
                         f"({', '.join(f'{r} {n}' for r, n in per_region.items())})"),
        ("added latency", f"{a.latency_ms:g} ms, then the fake's own work "
                          "(--latency-on-top)" if a.latency_on_top else
                          f"{a.latency_ms:g} ms: every fake answer leaves "
                          f"{a.latency_ms:g} ms after its request arrived, "
                          "the fake's own work within it, later when that "
                          "work takes longer"),
        ("fake answers (arrival to sent)", "; ".join(
            f"{k} {v}" for k, v in f["answers"].items())),
        ("ACM ListCertificates calls", ", ".join(f"{r} {lists[r]} (expected "
                                                 f"{want_lists[r]})" for r in REGIONS)),
        ("Tagging GetResources calls", ", ".join(
            f"{r} {tag_calls[r]} (expected {want_tags[r]})" for r in REGIONS)),
        ("entities written with their tags", f"{f['with_tags']:,} of {a.certs:,}"),
        ("listing floor", f"{lfloor:.2f} s: ACM pacing {acm_floor:.2f} s "
                          f"((pages - 1) x 1 s + {a.latency_ms:g} ms) + the "
                          f"last pages' writes {tail:.2f} s"),
        ("wall, tagged / listing floor", f"{wall:.2f} s, {wall / lfloor:.2f}x "
                                         "(target <= 1.5x)"),
        ("wall, untagged (the listing alone, measured)",
         f"{base['wall']:.2f} s, {base['wall'] / lfloor:.2f}x the floor; "
         f"tags add {wall - base['wall']:+.2f} s "
         f"({wall / base['wall']:.2f}x) on this machine's load"),
        ("where the time went (tagged, s after the first listing call)",
         "tags in " + ", ".join(f"{r} {tl['tags in'][r]:.2f}" for r in REGIONS)
         + "; last page " + ", ".join(f"{r} {tl['last page'][r]:.2f}"
                                       for r in REGIONS)
         + f"; last write {tl['last write']:.2f}"),
        ("Port bulk upsert calls", f"{len(bulk)} (expected {want_bulk}), "
                                   f"{written:,} entities written"),
        ("Port calls in flight (max)", f"{in_flight} (target >= {IN_FLIGHT_TARGET})"),
        ("Port connections", str(json.loads(outputs.get("sync_report", "{}"))
                                 .get("port", {}).get("connections", "?"))),
        ("wall time", f"{wall:.2f} s (port-acm CPU {cpu:.2f} s; load average "
                      f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"),
        ("floor", f"{floor:.2f} s (the listing {lfloor:.2f} s, Port "
                  f"{port_floor:.2f} s at {IN_FLIGHT_TARGET} in flight)"),
        ("wall / floor", f"{wall / floor:.2f}x" if floor else "-"),
        ("peak RSS", f"{rss_kib / 1024:.1f} MiB (untagged "
                     f"{base['rss_kib'] / 1024:.1f} MiB; target <= 16 MiB)"),
        ("binary", os.path.relpath(a.bin, ROOT)),
        ("fakes' own CPU", f"Port {busy['port']:.2f} s, ACM {busy['acm']:.2f} s, "
                           f"Tagging {busy['tagging']:.2f} s "
                           "(Python: Port's in a process of its own, ACM's "
                           "and Tagging's share one GIL)"),
        ("fake set-up", f"{load_s:.2f} s to load {a.certs:,} certificates"),
    ]
    md = ["## port-acm sync at scale", "", "| Measure | Value |", "|---|---|"]
    md += [f"| {k} | {v} |" for k, v in rows]
    md += ["", "Targets: " + ("all met" if not problems else
                              "MISSED: " + "; ".join(problems)), ""]
    os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "bench-sync.md"), "w") as fh:
        fh.write("\n".join(md))
    print("\n".join(md))
    return 1 if problems else 0


def bench_readiness(a):
    """Renewal readiness's costs (issue 18): a first and a second detail
    sync over the same account; returns the Markdown lines and the
    missed targets."""
    from fakes.fake_route53 import FakeRoute53
    region = REGIONS[0]
    s = Suite("bench-ready")
    s.setup()
    w = r53 = None
    problems = []
    try:
        w = World(s, https=True)
        w.add_blueprint("acmCertificate")
        r53 = FakeRoute53(credentials={harness.AWS_KEY_ID: (harness.AWS_SECRET, None)},
                          **s.tls_kwargs())
        zid = r53.add_zone("example.com")
        r53_url = r53.start()
        arns = w.acm.bulk_load(a.ready_certs, regions=(region,))
        checked = 0
        with w.acm.lock:
            for x in arns:
                c = w.acm.certs[x]
                if c["Status"] == "ISSUED" and c["Type"] == "AMAZON_ISSUED":
                    rec = w.acm._record(c, c["DomainName"])
                    r53.put_record(zid, rec["Name"], "CNAME", [rec["Value"]])
                    checked += 1
        lat = a.latency_ms / 1000.0
        w.acm.latency = w.port.latency = w.tagging.latency = r53.latency = lat
        inputs = {"regions": region, "include_details": "true",
                  "port_context": json.dumps({"runId": RUN_ID})}
        runs = []
        for _ in range(2):
            w.add_run(RUN_ID)
            d0 = len(w.acm.calls_of("DescribeCertificate"))
            l0 = len(r53.calls_of("ListResourceRecordSets"))
            z0 = len(r53.calls_of("ListHostedZonesByName"))
            old = w.base_env

            def base_env(actions, port_creds=True, aws=True, _old=old):
                e = _old(actions, port_creds=port_creds, aws=aws)
                e["AWS_ENDPOINT_URL_ROUTE_53"] = r53_url
                return e
            w.base_env = base_env
            rc, outputs, err, wall, rss, cpu = run_measured(w, a.bin, inputs)
            w.base_env = old
            rep = json.loads(outputs.get("sync_report", "{}")).get("renewalReadiness", {})
            runs.append({"rc": rc, "wall": wall, "rss": rss, "rep": rep,
                         "describe": len(w.acm.calls_of("DescribeCertificate")) - d0,
                         "rrsets": len(r53.calls_of("ListResourceRecordSets")) - l0,
                         "zones": len(r53.calls_of("ListHostedZonesByName")) - z0})
        first, second = runs
        pace_floor = checked * 0.2
        for i, r in enumerate(runs, 1):
            if r["rc"] != 0:
                problems.append(f"readiness sync {i} exited {r['rc']}")
            if r["rrsets"] != checked:
                problems.append(f"sync {i}: {r['rrsets']} ListResourceRecordSets, "
                                f"expected {checked} (one per record)")
            if r["rep"].get("ready") != checked:
                problems.append(f"sync {i}: {r['rep'].get('ready')} ready, expected "
                                f"{checked}")
        if first["describe"] != a.ready_certs:
            problems.append(f"first detail sync: {first['describe']} DescribeCertificate, "
                            f"expected {a.ready_certs}")
        if second["describe"] != 0:
            problems.append(f"second detail sync: {second['describe']} "
                            "DescribeCertificate, expected 0")
        rows = [
            ("certificates", f"{a.ready_certs:,} in {region}; {checked} issued, "
                             "Amazon-issued, DNS-validated (one record each)"),
            ("first detail sync", f"{first['describe']} DescribeCertificate, "
                                  f"{first['rrsets']} ListResourceRecordSets, "
                                  f"{first['zones']} ListHostedZonesByName; "
                                  f"{first['wall']:.2f} s"),
            ("second detail sync (unchanged)", f"{second['describe']} DescribeCertificate "
                                               f"(expected 0), {second['rrsets']} "
                                               f"ListResourceRecordSets (expected "
                                               f"{checked}), {second['zones']} "
                                               f"ListHostedZonesByName; "
                                               f"{second['wall']:.2f} s"),
            ("Route 53 time in the second sync", f"{second['rep'].get('route53Ms', 0) / 1000:.2f}"
                                                 f" s of calls; pacing floor "
                                                 f"{pace_floor:.2f} s (5 calls/s)"),
            ("peak RSS (second sync)", f"{second['rss'] / 1024:.1f} MiB"),
        ]
        md = ["", "## renewal readiness (include_details)", "",
              "| Measure | Value |", "|---|---|"]
        md += [f"| {k} | {v} |" for k, v in rows]
        md += ["", "Targets: " + ("all met" if not problems else
                                  "MISSED: " + "; ".join(problems)), ""]
        return md, problems
    finally:
        if r53 is not None:
            r53.stop()


ORG_REGIONS = ("us-east-1", "eu-west-1", "ap-south-1")
ORG_MAX_CONCURRENCY = 8
ORG_RSS_TARGET_KIB = 32 * 1024
ORG_ROLE = "port-acm-sync"


def org_run(a, naccounts, per_region):
    """One `accounts: organization` sync of naccounts accounts (the run's
    own among them) x ORG_REGIONS x per_region certificates, every fake
    answering 20 ms after each request, over HTTPS as against AWS (every
    fake serves TLS; --org-http: plain HTTP on loopback instead).
    Returns (figures, problems)."""
    from fakes.account_router import AccountRouter
    from fakes.awsjson import Registry, multi_account_sts
    from fakes.fake_acm import FakeACM
    from fakes.fake_organizations import FakeOrganizations
    from fakes.fake_tagging import FakeTagging
    s = Suite(f"bench-org-{naccounts}")
    s.setup()
    w = org = sts = router = tag = port = None
    lat = a.latency_ms / 1000.0
    problems = []
    try:
        https = not a.org_http
        tls = s.tls_kwargs() if https else {}
        port = port_apart(s, https)  # forked before any fake's thread
        w = World(s, https=https, acm=True, port=False)
        w.port, w.port_url = port, port.url
        w.add_blueprint("acmCertificate")
        w.add_run(RUN_ID)
        me = harness.ACCOUNT
        accounts = [me] + [f"{200000000000 + i:012d}" for i in range(naccounts - 1)]
        reg = Registry(default_account=me)
        sts = multi_account_sts(reg, base_account=me, region=ORG_REGIONS,
                                credentials={harness.AWS_KEY_ID: (harness.AWS_SECRET, None)},
                                **tls)
        acms = {}
        t0 = time.monotonic()
        for acct in accounts:
            if acct != me:
                sts.add_role(f"arn:aws:iam::{acct}:role/{ORG_ROLE}")
            acms[acct] = FakeACM(credentials=reg, account=acct, region=ORG_REGIONS)
            acms[acct].bulk_load(per_region * len(ORG_REGIONS), regions=ORG_REGIONS)
        org = FakeOrganizations(registry=reg, management_account=me, **tls)
        for i, acct in enumerate(accounts[1:]):
            org.add_account(acct, name=f"team-{i}")
        router = AccountRouter(reg, acms, **tls)
        # Tags per (account, region), each with its account's
        # credentials: one Tagging fake on the shared registry.
        tag = FakeTagging(registry=reg, region=ORG_REGIONS, **tls)
        for fake in acms.values():
            tag.link_acm(fake)
        port.set("related", set(port.get("related")) | set(accounts))
        load_s = time.monotonic() - t0
        urls = {"AWS_ENDPOINT_URL_STS": sts.start(),
                "AWS_ENDPOINT_URL_ACM": router.start(),
                "AWS_ENDPOINT_URL_ORGANIZATIONS": org.start(),
                "AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API": tag.start()}
        for f in (sts, router, org, tag):
            f.latency, f.latency_on_top = lat, a.latency_on_top
        port.set("latency", lat)
        port.set("latency_on_top", a.latency_on_top)
        # The fakes' own work (Python) is part of the wall time; Port's
        # fake has a process of its own (fake_apart.py).
        busy = {}
        for f, key in ((sts, "STS"), (router, "ACM"), (org, "Organizations"),
                       (tag, "Tagging")):
            time_handler(f, busy, key)
        old_env = w.base_env

        def base_env(actions, **kw):
            env = old_env(actions, **kw)
            env.update(urls)
            return env
        w.base_env = base_env
        rc, outputs, stderr, wall, rss_kib, cpu = run_measured(w, a.bin, {
            "regions": ",".join(ORG_REGIONS), "accounts": "organization",
            "account_role_name": ORG_ROLE, "max_concurrency": str(ORG_MAX_CONCURRENCY),
            "port_context": json.dumps({"runId": RUN_ID}), "delete_stale": "true"})
        units = naccounts * len(ORG_REGIONS)
        certs = units * per_region
        assume = len(sts.calls_of("AssumeRole"))
        org_pages = len(org.calls_of("ListAccounts"))
        lists = {}
        for acct, fake in acms.items():
            for c in fake.calls:
                if c.get("op") == "ListCertificates":
                    k = (acct, c.get("region"))
                    lists[k] = lists.get(k, 0) + 1
        want_pages = math.ceil(per_region / 1000)
        off = {k: v for k, v in lists.items() if v != want_pages}
        busy["Port"] = port.busy()
        bulk = port.calls_of("bulk_upsert")
        in_flight = port.get("max_in_flight").get("bulk_upsert", 0)
        port_reqs = port.get("requests")
        seq_port = [q for q in port_reqs
                    if "/entities/bulk" not in q.get("path", "")]
        answers = {"STS": answer_times(sts.requests),
                   "Organizations": answer_times(org.requests),
                   "ACM": answer_times(router.requests),
                   "Tagging": answer_times(tag.requests),
                   "Port bulk": answer_times(q for q in port_reqs
                                             if q.get("route") == "bulk_upsert")}
        # Where the time went: each service's first and last request,
        # seconds after port-acm's first request to any of them.
        spans = {"Port": [q["time"] for q in port_reqs],
                 "STS": [q["time"] for q in sts.requests],
                 "Organizations": [q["time"] for q in org.requests],
                 "ACM": [q["time"] for q in router.requests],
                 "Tagging": [q["time"] for q in tag.requests],
                 "Port bulk": [q["time"] for q in port_reqs
                               if q.get("route") == "bulk_upsert"]}
        t_first = min(min(v) for v in spans.values() if v)
        spans = {k: (min(v) - t_first, max(v) - t_first)
                 for k, v in spans.items() if v}
        written = sum(1 for k in port.get("entities") if k[0] == "acmCertificate")
        tag_calls = len(tag.calls_of("GetResources"))
        # The floor: every call on the critical path answered in exactly
        # `lat`, nothing else costing time. Sequential by design: Port's
        # own calls (token, run, log lines, teams, catalog search, the
        # final update), GetCallerIdentity, the ListAccounts pages (each
        # needs the previous token); at most max_concurrency AssumeRole,
        # ListCertificates or GetResources calls at once (the tag reads
        # overlap the listing: a page waits for its unit's tags);
        # ACM's 1 call/s per unit (pages - 1 s for a unit of several
        # pages); Port's bulk writes at 4 in flight, overlapping the
        # listing (so the larger of the two counts).
        mc = ORG_MAX_CONCURRENCY
        seq = (len(seq_port) + 1 + org_pages) * lat
        tags_t = math.ceil(tag_calls / mc) * lat
        sts_t = math.ceil(assume / mc) * lat
        list_t = max(math.ceil(units * want_pages / mc) * lat,
                     (want_pages - 1) * 1.0 + lat)
        port_t = math.ceil(len(bulk) / IN_FLIGHT_TARGET) * lat
        floor = seq + sts_t + max(list_t, tags_t, port_t)
        if rc != 0:
            problems.append(f"{naccounts} accounts: port-acm exited {rc}: {stderr[-400:]}")
        if assume != naccounts - 1:
            problems.append(f"{naccounts} accounts: {assume} AssumeRole calls, expected "
                            f"{naccounts - 1} (one per account but the run's own)")
        if org_pages != math.ceil(naccounts / 20):
            problems.append(f"{naccounts} accounts: {org_pages} ListAccounts pages, "
                            f"expected {math.ceil(naccounts / 20)}")
        if off or len(lists) != units:
            problems.append(f"{naccounts} accounts: ListCertificates per unit off the "
                            f"floor ({want_pages}) in {len(off) + units - len(lists)} units")
        if written != certs:
            problems.append(f"{naccounts} accounts: {written} entities written, expected {certs}")
        if tag_calls != units:
            problems.append(f"{naccounts} accounts: {tag_calls} GetResources calls, expected "
                            f"{units} (one per account-region, none tagged)")
        fig = {"accounts": naccounts, "units": units, "certs": certs, "assume": assume,
               "org_pages": org_pages, "lists": sum(lists.values()), "want_pages": want_pages,
               "bulk": len(bulk), "in_flight": in_flight, "seq_port": len(seq_port),
               "tags": tag_calls, "wall": wall, "cpu": cpu, "rss": rss_kib,
               "floor": floor, "seq": seq, "sts_t": sts_t, "list_t": list_t,
               "tags_t": tags_t,
               "port_t": port_t, "load_s": load_s, "written": written,
               "busy": dict(busy), "answers": answers, "spans": spans}
        return fig, problems
    finally:
        for f in (router, org, sts, tag):
            if f is not None:
                try:
                    f.stop()
                except Exception:
                    pass
        if w is not None:
            w.close()
        if port is not None:
            port.stop()
        s.teardown()


def readiness_main(a):
    """bench_readiness, its table appended to build/bench-sync.md."""
    md, missed = bench_readiness(a)
    with open(os.path.join(ROOT, "build", "bench-sync.md"), "a") as f:
        f.write("\n".join(md))
    print("\n".join(md))
    return 1 if missed else 0


def main():
    """One argparse for the three parts: the sync at scale (tags), renewal
    readiness and the organization run."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--certs", type=int, default=10000)
    ap.add_argument("--ready-certs", type=int, default=300)
    ap.add_argument("--latency-ms", type=float, default=20)
    ap.add_argument("--latency-on-top", action="store_true",
                    help="each fake sleeps the latency, then does its own "
                         "work (the model before 2026-12-07), instead of "
                         "answering latency after the request arrived")
    default_bin = os.path.join(ROOT, "build", "static", "port-acm")
    if not os.access(default_bin, os.X_OK):
        default_bin = harness.BIN
    ap.add_argument("--bin", default=default_bin)
    ap.add_argument("--org-only", action="store_true",
                    help="only the organization run")
    ap.add_argument("--no-org", action="store_true",
                    help="leave the organization run out")
    ap.add_argument("--org-accounts", type=int, default=100)
    ap.add_argument("--org-large", type=int, default=1000)
    ap.add_argument("--org-http", action="store_true",
                    help="the organization run over plain HTTP, not HTTPS")
    a = ap.parse_args()
    a.bin = os.path.abspath(a.bin)
    if a.org_only:
        return org_main(a)
    rc = single_main(a)
    rc |= readiness_main(a)
    return rc if a.no_org else max(rc, org_main(a))


def org_main(a):
    small, problems = org_run(a, a.org_accounts, 30)
    large, p2 = org_run(a, a.org_large, 3)
    problems += p2
    if small["wall"] > 1.5 * small["floor"]:
        problems.append(f"wall {small['wall']:.2f} s > 1.5 x the floor {small['floor']:.2f} s")
    if small["rss"] > ORG_RSS_TARGET_KIB:
        problems.append(f"peak RSS {small['rss'] / 1024:.1f} MiB, target <= 32 MiB")
    k = large["accounts"] / small["accounts"]
    wall_ratio = large["wall"] / small["wall"] if small["wall"] else 0
    rss_ratio = large["rss"] / small["rss"] if small["rss"] else 0
    if wall_ratio > k:
        problems.append(f"wall grew {wall_ratio:.1f}x for {k:g}x the accounts")
    if rss_ratio > k:
        problems.append(f"peak RSS grew {rss_ratio:.1f}x for {k:g}x the accounts")

    def floor_text(f):
        return (f"{f['floor']:.2f} s = sequential {f['seq']:.2f} s ({f['seq_port']} Port "
                f"calls, GetCallerIdentity, {f['org_pages']} ListAccounts pages) + STS "
                f"{f['sts_t']:.2f} s "
                f"(ceil({f['assume']}/{ORG_MAX_CONCURRENCY}) x {a.latency_ms:g} ms) + "
                f"max(listing {f['list_t']:.2f} s, tags {f['tags_t']:.2f} s "
                f"(ceil({f['tags']}/{ORG_MAX_CONCURRENCY}) GetResources rounds, one "
                f"per account-region), Port bulk {f['port_t']:.2f} s at "
                f"{IN_FLIGHT_TARGET} in flight)")
    rows = []
    for f, label in ((small, "organization"), (large, "organization, large")):
        rows += [
            (f"{label}: accounts x regions x certificates",
             f"{f['accounts']} x {len(ORG_REGIONS)} x {f['certs'] // f['units']} = "
             f"{f['certs']:,} ({f['written']:,} written)"),
            (f"{label}: STS AssumeRole", f"{f['assume']} (target exactly "
                                         f"{f['accounts'] - 1}: one per account but the run's own)"),
            (f"{label}: Organizations ListAccounts pages",
             f"{f['org_pages']} (target ceil({f['accounts']}/20) = "
             f"{math.ceil(f['accounts'] / 20)})"),
            (f"{label}: ACM ListCertificates",
             f"{f['lists']} = {f['want_pages']} per account-region (target: the floor, "
             f"ceil(certs/1000) = {f['want_pages']}, in each of {f['units']})"),
            (f"{label}: Tagging GetResources", f"{f['tags']} (target {f['units']}: one per "
                                              "account-region, with its account's credentials)"),
            (f"{label}: Port bulk upserts", f"{f['bulk']}, at most {f['in_flight']} in flight"),
            (f"{label}: wall", f"{f['wall']:.2f} s (port-acm CPU {f['cpu']:.2f} s)"),
            (f"{label}: floor", floor_text(f)),
            (f"{label}: wall / floor", f"{f['wall'] / max(f['floor'], 1e-9):.2f}x"
             + (" (target <= 1.5x)" if f is small else "")),
            (f"{label}: peak RSS", f"{f['rss'] / 1024:.1f} MiB"
             + (" (target <= 32 MiB)" if f is small else " (target: linear growth)")),
            (f"{label}: fakes' own CPU", ", ".join(
                f"{k_} {v:.2f} s" for k_, v in f["busy"].items())
             + " (Python: Port's in a process of its own, the AWS fakes "
               "share one GIL)"),
            (f"{label}: fake answers (arrival to sent; {a.latency_ms:g} ms "
             "at least)", "; ".join(f"{k_} {v}" for k_, v in f["answers"].items())),
            (f"{label}: where the time went (each service's first and last "
             "request, s after the first)", ", ".join(
                 f"{k_} {a_:.2f}-{b_:.2f}" for k_, (a_, b_) in f["spans"].items())),
            (f"{label}: fake set-up", f"{f['load_s']:.2f} s"),
        ]
    rows += [("1,000 vs 100 accounts", f"{k:g}x the accounts: wall {wall_ratio:.2f}x, "
                                       f"peak RSS {rss_ratio:.2f}x (target: each <= {k:g}x)"),
             ("answer model", f"{a.latency_ms:g} ms, then the fake's own work "
              "(--latency-on-top)" if a.latency_on_top else
              f"each answer {a.latency_ms:g} ms after its request arrived, the "
              "fake's own work within it"),
             ("transport", "plain HTTP on loopback (--org-http)" if a.org_http else
              "HTTPS (TLS 1.3 on loopback: every fake serves TLS, batches in flight "
              "together)"),
             ("load average", f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")]
    md = ["## port-acm sync of an organization", "", "| Measure | Value |", "|---|---|"]
    md += [f"| {k_} | {v} |" for k_, v in rows]
    md += ["", "Targets: " + ("all met" if not problems else
                              "MISSED: " + "; ".join(problems)), ""]
    path = os.path.join(ROOT, "build", "bench-sync.md")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a") as f:
        f.write("\n" + "\n".join(md))
    print("\n".join(md))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
