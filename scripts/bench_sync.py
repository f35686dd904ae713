#!/usr/bin/python3
"""make bench, part 2: `port-acm sync` at scale (issue 12).

10,000 certificates in 3 regions on the local fakes over HTTPS, with
20 ms added to every fake answer (a distant AWS and Port). Measures what
the fakes received and what the process cost:
  * ACM ListCertificates calls per region (expected ceil(n/1000));
  * Port bulk upsert calls (expected ceil(n/20)) and the most in flight
    at once (target >= 4);
  * wall time against the floor: ACM's 1 call/s per region makes the
    listing take at least (pages - 1) s, and Port's calls at 4 in flight
    at least ceil(n/20)/4 x 20 ms; the floor is the larger;
  * Tagging GetResources calls per region (every certificate tagged;
    expected ceil(n/100)), and the whole sync <= 1.5 x the listing's
    floor (issue 18);
  * peak RSS of port-acm (target <= 16 MiB).
Then the organization run (issue 19): `accounts: organization` over
100 accounts x 3 regions x 30 certificates (9,000), 20 ms added to every
answer of Organizations, STS, ACM and Port, and a 1,000-account run
(3 certificates per account-region) for how it scales; see org_run.
Writes build/bench-sync.md; exits 1 when a target is missed.
Options: --certs N (10000), --latency-ms N (20), --bin PATH, --org-only,
--no-org, --org-accounts N (100), --org-large N (1000).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "tests"))

import harness  # noqa: E402
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--certs", type=int, default=10000)
    ap.add_argument("--latency-ms", type=float, default=20)
    default_bin = os.path.join(ROOT, "build", "static", "port-acm")
    if not os.access(default_bin, os.X_OK):
        default_bin = harness.BIN
    ap.add_argument("--bin", default=default_bin)
    ap.add_argument("--org-only", action="store_true")
    ap.add_argument("--no-org", action="store_true")
    ap.add_argument("--org-accounts", type=int, default=100)
    ap.add_argument("--org-large", type=int, default=1000)
    a = ap.parse_args()
    a.bin = os.path.abspath(a.bin)
    if a.org_only:
        return org_main(a)
    rc = single_main(a)
    return rc if a.no_org else max(rc, org_main(a))


def single_main(a):
    s = Suite("bench-sync")
    s.setup()
    w = None
    problems = []
    try:
        w = World(s, https=True)
        w.add_blueprint("acmCertificate")
        w.add_run(RUN_ID)
        t0 = time.monotonic()
        arns = w.acm.bulk_load(a.certs, regions=REGIONS)
        # Every certificate tagged (issue 18): owner, team, one more.
        with w.acm.lock:
            for i, x in enumerate(arns):
                w.acm.certs[x]["Tags"] = [
                    {"Key": "owner", "Value": f"o{i % 50}@example.com"},
                    {"Key": "team", "Value": f"team{i % 7}"},
                    {"Key": "env", "Value": "prod"}]
        load_s = time.monotonic() - t0
        w.acm.latency = w.port.latency = a.latency_ms / 1000.0
        w.tagging.latency = a.latency_ms / 1000.0
        # The fakes' own work (Python, one GIL) is part of the wall time.
        busy = {"port": 0.0, "acm": 0.0}

        def timed(fake, key):
            inner = fake.handle

            def handle(req):
                t = time.thread_time()
                try:
                    return inner(req)
                finally:
                    busy[key] += time.thread_time() - t
            fake.handle = handle
        timed(w.port, "port")
        timed(w.acm, "acm")
        busy["tagging"] = 0.0
        timed(w.tagging, "tagging")
        rc, outputs, stderr, wall, rss_kib, cpu = run_measured(w, a.bin, {
            "regions": ",".join(REGIONS),
            "port_context": json.dumps({"runId": RUN_ID}),
            "delete_stale": "true"})
        per_region = {r: sum(1 for x in arns if x.split(":")[3] == r) for r in REGIONS}
        lists = {r: sum(1 for c in w.acm.calls if c["op"] == "ListCertificates"
                        and c["region"] == r) for r in REGIONS}
        want_lists = {r: math.ceil(n / 1000) for r, n in per_region.items()}
        tag_calls = {r: sum(1 for c in w.tagging.calls if c["op"] == "GetResources"
                            and c["region"] == r) for r in REGIONS}
        want_tags = {r: max(1, math.ceil(n / 100)) for r, n in per_region.items()}
        bulk = w.port.calls_of("bulk_upsert")
        want_bulk = math.ceil(a.certs / 20)
        in_flight = w.port.max_in_flight.get("bulk_upsert", 0)
        with w.port.lock:
            written = sum(1 for k in w.port.entities if k[0] == "acmCertificate")
        lat = a.latency_ms / 1000.0
        acm_floor = max((p - 1) * 1.0 + p * lat for p in want_lists.values())
        port_floor = math.ceil(want_bulk / IN_FLIGHT_TARGET) * lat
        floor = max(acm_floor, port_floor)
        if rc != 0:
            problems.append(f"port-acm exited {rc}: {stderr[-800:]}")
        if lists != want_lists:
            problems.append(f"ListCertificates calls {lists}, expected {want_lists}")
        if tag_calls != want_tags:
            problems.append(f"GetResources calls {tag_calls}, expected {want_tags}")
        if wall > 1.5 * acm_floor:
            problems.append(f"wall {wall:.2f} s > 1.5 x the listing's floor "
                            f"{acm_floor:.2f} s")
        if len(bulk) != want_bulk:
            problems.append(f"{len(bulk)} bulk upsert calls, expected {want_bulk}")
        if written != a.certs:
            problems.append(f"{written} entities written, expected {a.certs}")
        if in_flight < IN_FLIGHT_TARGET:
            problems.append(f"at most {in_flight} Port calls in flight, target "
                            f">= {IN_FLIGHT_TARGET}")
        if rss_kib > RSS_TARGET_KIB:
            problems.append(f"peak RSS {rss_kib / 1024:.1f} MiB, target <= 16 MiB")
        rows = [
            ("certificates", f"{a.certs:,} in {len(REGIONS)} regions "
                             f"({', '.join(f'{r} {n}' for r, n in per_region.items())})"),
            ("added latency", f"{a.latency_ms:g} ms on every fake answer"),
            ("ACM ListCertificates calls", ", ".join(f"{r} {lists[r]} (expected "
                                                     f"{want_lists[r]})" for r in REGIONS)),
            ("Tagging GetResources calls", ", ".join(
                f"{r} {tag_calls[r]} (expected {want_tags[r]})" for r in REGIONS)),
            ("wall / listing floor", f"{wall / acm_floor:.2f}x (target <= 1.5x)"
             if acm_floor else "-"),
            ("Port bulk upsert calls", f"{len(bulk)} (expected {want_bulk}), "
                                       f"{written:,} entities written"),
            ("Port calls in flight (max)", f"{in_flight} (target >= {IN_FLIGHT_TARGET})"),
            ("Port connections", str(json.loads(outputs.get("sync_report", "{}"))
                                     .get("port", {}).get("connections", "?"))),
            ("wall time", f"{wall:.2f} s (port-acm CPU {cpu:.2f} s; load average "
                          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"),
            ("floor", f"{floor:.2f} s (ACM pacing {acm_floor:.2f} s, Port "
                      f"{port_floor:.2f} s at {IN_FLIGHT_TARGET} in flight)"),
            ("wall / floor", f"{wall / floor:.2f}x" if floor else "-"),
            ("peak RSS", f"{rss_kib / 1024:.1f} MiB (target <= 16 MiB)"),
            ("binary", os.path.relpath(a.bin, ROOT)),
            ("fakes' own CPU", f"Port {busy['port']:.2f} s, ACM {busy['acm']:.2f} s, "
                               f"Tagging {busy['tagging']:.2f} s "
                               "(Python, one GIL: it serialises what port-acm "
                               "overlaps)"),
            ("fake set-up", f"{load_s:.2f} s to load {a.certs:,} certificates"),
        ]
        md = ["## port-acm sync at scale", "", "| Measure | Value |", "|---|---|"]
        md += [f"| {k} | {v} |" for k, v in rows]
        md += ["", "Targets: " + ("all met" if not problems else
                                  "MISSED: " + "; ".join(problems)), ""]
        os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
        with open(os.path.join(ROOT, "build", "bench-sync.md"), "w") as f:
            f.write("\n".join(md))
        print("\n".join(md))
        return 1 if problems else 0
    finally:
        if w is not None:
            w.close()
        s.teardown()


ORG_REGIONS = ("us-east-1", "eu-west-1", "ap-south-1")
ORG_MAX_CONCURRENCY = 8
ORG_RSS_TARGET_KIB = 32 * 1024
ORG_ROLE = "port-acm-sync"


def org_run(a, naccounts, per_region):
    """One `accounts: organization` sync of naccounts accounts (the run's
    own among them) x ORG_REGIONS x per_region certificates, every fake
    answering 20 ms late, over plain HTTP on loopback: over HTTPS
    port-acm sends a batch one request at a time for now (Mbed TLS's 32
    key slots, src/base/http.c), so only HTTP shows max_concurrency.
    Returns (figures, problems)."""
    from fakes.account_router import AccountRouter
    from fakes.awsjson import Registry, multi_account_sts
    from fakes.fake_acm import FakeACM
    from fakes.fake_organizations import FakeOrganizations
    s = Suite(f"bench-org-{naccounts}")
    s.setup()
    w = org = sts = router = None
    lat = a.latency_ms / 1000.0
    problems = []
    try:
        w = World(s, https=False, acm=True)
        w.add_blueprint("acmCertificate")
        w.add_run(RUN_ID)
        me = harness.ACCOUNT
        accounts = [me] + [f"{200000000000 + i:012d}" for i in range(naccounts - 1)]
        reg = Registry(default_account=me)
        sts = multi_account_sts(reg, base_account=me, region=ORG_REGIONS,
                                credentials={harness.AWS_KEY_ID: (harness.AWS_SECRET, None)})
        acms = {}
        t0 = time.monotonic()
        for acct in accounts:
            if acct != me:
                sts.add_role(f"arn:aws:iam::{acct}:role/{ORG_ROLE}")
            acms[acct] = FakeACM(credentials=reg, account=acct, region=ORG_REGIONS)
            acms[acct].bulk_load(per_region * len(ORG_REGIONS), regions=ORG_REGIONS)
        org = FakeOrganizations(registry=reg, management_account=me)
        for i, acct in enumerate(accounts[1:]):
            org.add_account(acct, name=f"team-{i}")
        router = AccountRouter(reg, acms)
        w.port.related.update(accounts)
        load_s = time.monotonic() - t0
        urls = {"AWS_ENDPOINT_URL_STS": sts.start(),
                "AWS_ENDPOINT_URL_ACM": router.start(),
                "AWS_ENDPOINT_URL_ORGANIZATIONS": org.start()}
        for f in (sts, router, org, w.port, w.tagging):
            f.latency = lat
        # The fakes' own work (Python, one GIL) is part of the wall time.
        busy = {}

        def timed(fake, key):
            inner = fake.handle
            busy[key] = 0.0

            def handle(req):
                t = time.thread_time()
                try:
                    return inner(req)
                finally:
                    busy[key] += time.thread_time() - t
            fake.handle = handle
        for f, key in ((sts, "STS"), (router, "ACM"), (org, "Organizations"),
                       (w.port, "Port")):
            timed(f, key)
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
        bulk = w.port.calls_of("bulk_upsert")
        in_flight = w.port.max_in_flight.get("bulk_upsert", 0)
        seq_port = [q for q in w.port_requests()
                    if "/entities/bulk" not in q.get("path", "")]
        with w.port.lock:
            written = sum(1 for k in w.port.entities if k[0] == "acmCertificate")
        tag_calls = len(w.tagging.calls) if w.tagging else 0
        # The floor: every call on the critical path answered in exactly
        # `lat`, nothing else costing time. Sequential by design: Port's
        # own calls (token, run, log lines, teams, catalog search, the
        # final update), GetCallerIdentity, the ListAccounts pages (each
        # needs the previous token) and the tag reads; at most
        # max_concurrency AssumeRole or ListCertificates calls at once;
        # ACM's 1 call/s per unit (pages - 1 s for a unit of several
        # pages); Port's bulk writes at 4 in flight, overlapping the
        # listing (so the larger of the two counts).
        mc = ORG_MAX_CONCURRENCY
        seq = (len(seq_port) + 1 + org_pages + tag_calls) * lat
        sts_t = math.ceil(assume / mc) * lat
        list_t = max(math.ceil(units * want_pages / mc) * lat,
                     (want_pages - 1) * 1.0 + lat)
        port_t = math.ceil(len(bulk) / IN_FLIGHT_TARGET) * lat
        floor = seq + sts_t + max(list_t, port_t)
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
        fig = {"accounts": naccounts, "units": units, "certs": certs, "assume": assume,
               "org_pages": org_pages, "lists": sum(lists.values()), "want_pages": want_pages,
               "bulk": len(bulk), "in_flight": in_flight, "seq_port": len(seq_port),
               "tags": tag_calls, "wall": wall, "cpu": cpu, "rss": rss_kib,
               "floor": floor, "seq": seq, "sts_t": sts_t, "list_t": list_t,
               "port_t": port_t, "load_s": load_s, "written": written,
               "busy": dict(busy)}
        return fig, problems
    finally:
        for f in (router, org, sts):
            if f is not None:
                try:
                    f.stop()
                except Exception:
                    pass
        if w is not None:
            w.close()
        s.teardown()


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
                f"calls, GetCallerIdentity, {f['org_pages']} ListAccounts pages, "
                f"{f['tags']} tag reads) + STS {f['sts_t']:.2f} s "
                f"(ceil({f['assume']}/{ORG_MAX_CONCURRENCY}) x {a.latency_ms:g} ms) + "
                f"max(listing {f['list_t']:.2f} s, Port bulk {f['port_t']:.2f} s at "
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
            (f"{label}: Port bulk upserts", f"{f['bulk']}, at most {f['in_flight']} in flight"),
            (f"{label}: wall", f"{f['wall']:.2f} s (port-acm CPU {f['cpu']:.2f} s)"),
            (f"{label}: floor", floor_text(f)),
            (f"{label}: wall / floor", f"{f['wall'] / max(f['floor'], 1e-9):.2f}x"
             + (" (target <= 1.5x)" if f is small else "")),
            (f"{label}: peak RSS", f"{f['rss'] / 1024:.1f} MiB"
             + (" (target <= 32 MiB)" if f is small else " (target: linear growth)")),
            (f"{label}: fakes' own CPU", ", ".join(
                f"{k_} {v:.2f} s" for k_, v in f["busy"].items())
             + " (Python, one GIL: it serialises what port-acm overlaps)"),
            (f"{label}: fake set-up", f"{f['load_s']:.2f} s"),
        ]
    rows += [("1,000 vs 100 accounts", f"{k:g}x the accounts: wall {wall_ratio:.2f}x, "
                                       f"peak RSS {rss_ratio:.2f}x (target: each <= {k:g}x)"),
             ("transport", "plain HTTP on loopback (over HTTPS port-acm sends each batch "
                           "one request at a time for now: Mbed TLS's 32 key slots)"),
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
