#!/usr/bin/python3
"""End-to-end proof that max_concurrency holds over HTTPS (issue 19):
the ListCertificates of a batch are in flight together at the fake ACM,
over TLS, while Port's bulk writer keeps its own TLS connections open.
Mbed TLS's PSA key table (MBEDTLS_PSA_KEY_SLOT_COUNT,
scripts/mbedtls_config.h) once held 32 keys, which eight handshakes
beside Port's connections exhausted ("SSL - Memory allocation
failed"; against this suite: CA checks, SigV4 signing and Port writes
all failing, the run timing out), so batches went one by one over
TLS. Every check reads what
the fakes received (arrival times, requests in service at once, the
connections they came on)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import ALL_REGIONS, RUN_ID, TIME_SCALE, Suite, check_rc, log_text  # noqa: E402

S = Suite("sync_concurrency")
BP = "acmCertificate"
PER_REGION = 60   # 3 pages of 20 in each of the 8 regions: 24 bulk calls
PAGE = 20
ACM_LATENCY = 0.3  # s on every ACM answer: one by one, 8 would take 2.4 s
PORT_LATENCY = 0.1


def run(w, concurrency):
    w.add_blueprint(BP)
    w.add_run(RUN_ID)
    w.acm.bulk_load(PER_REGION * len(ALL_REGIONS), regions=ALL_REGIONS)
    w.acm.list_page_size = PAGE
    w.acm.latency = ACM_LATENCY
    w.port.latency = PORT_LATENCY
    return w.run("sync", inputs={
        "regions": ",".join(ALL_REGIONS), "max_concurrency": str(concurrency),
        "port_context": json.dumps({"runId": RUN_ID})})


def rounds(w):
    """The fake ACM's ListCertificates records (arrival time, region,
    connection) by page round: the n-th page of every region."""
    with w.acm.lock:
        lists = sorted((c for c in w.acm.calls if c["op"] == "ListCertificates"),
                       key=lambda c: c["time"])
    per = {}
    for c in lists:
        per.setdefault(c["region"], []).append(c)
    n = max((len(v) for v in per.values()), default=0)
    return [[v[k] for v in per.values() if len(v) > k] for k in range(n)], lists


@S.test(https=True)
def batches_overlap_over_tls(t, w):
    r = run(w, 8)
    check_rc(t, r, 0, "exit 0 over HTTPS with max_concurrency 8 and 8 units")
    t.ok(w.https and w.acm_url.startswith("https://") and
         w.port_url.startswith("https://"), "ACM and Port are served over TLS",
         (w.acm_url, w.port_url))
    rs, lists = rounds(w)
    t.eq([len(x) for x in rs], [len(ALL_REGIONS)] * (PER_REGION // PAGE),
         "every region listed page by page: 3 rounds of 8 ListCertificates")
    spreads = [max(c["time"] for c in x) - min(c["time"] for c in x) for x in rs]
    # Under valgrind (PORT_ACM_TIME_SCALE) the first round's eight TLS
    # handshakes alone take longer; the fake's in-flight count below is
    # the proof that does not depend on speed.
    t.ok(all(s < ACM_LATENCY * TIME_SCALE for s in spreads),
         f"each round's 8 calls arrived within {ACM_LATENCY} s (x the time scale) of each other "
         f"(their answers take {ACM_LATENCY} s: in flight together; one by one "
         f"they would spread over {7 * ACM_LATENCY:.1f} s)",
         [round(s, 3) for s in spreads])
    t.eq(w.acm.max_in_flight.get("ListCertificates"), len(ALL_REGIONS),
         "the fake ACM served 8 ListCertificates at once",
         w.acm.max_in_flight)
    conns = {c.get("conn") for c in lists}
    t.ok(len(conns) >= len(ALL_REGIONS),
         f"on at least 8 TLS connections ({len(conns)})")
    t.ok(len(conns) <= 64, "and no more than the batch pool keeps (64)", len(conns))
    with w.port.lock:
        bulk = [q for q in w.port.requests if q.get("route") == "bulk_upsert"]
    first_bulk = min((q["time"] for q in bulk), default=None)
    later = [c for x in rs[1:] for c in x]
    t.ok(first_bulk is not None and later and
         all(c["time"] > first_bulk for c in later),
         "Port's bulk writes were under way (their connections open) before "
         "the later batches' handshakes", (first_bulk, len(later)))
    t.ok(w.port.max_in_flight.get("bulk_upsert", 0) >= 2,
         "Port's bulk writer kept several connections busy",
         w.port.max_in_flight)
    with w.port.lock:
        written = sum(1 for k in w.port.entities if k[0] == BP)
    t.eq(written, PER_REGION * len(ALL_REGIONS), "every certificate written")
    text = "\n".join((r.stdout, r.stderr, r.summary or "", log_text(w.port_events()),
                      json.dumps(r.outputs)))
    t.ok("Memory allocation failed" not in text and "SSL -" not in text and
         "mbedTLS" not in text and "could not sign" not in text,
         "no TLS or signing error anywhere (job log, step summary, Port log, "
         "outputs)",
         [ln for ln in text.splitlines() if "SSL" in ln or "sign" in ln][:3])
    # With the old 32-slot table this run failed everywhere at once: CA
    # checks ("not correctly signed by the trusted CA"), SigV4's HMAC key
    # ("could not sign the ACM request"), Port's bulk writes.
    t.ok("::warning" not in r.stdout + r.stderr, "and no warning at all",
         [ln for ln in (r.stdout + r.stderr).splitlines() if "::warning" in ln][:3])


@S.test(https=True)
def one_at_a_time_when_asked(t, w):
    """max_concurrency 1: the same listing, one request at a time (the
    control: the overlap above is the batch's, not the fake's)."""
    r = run(w, 1)
    check_rc(t, r, 0, "exit 0 with max_concurrency 1")
    t.eq(w.acm.max_in_flight.get("ListCertificates"), 1,
         "the fake ACM never served two ListCertificates at once",
         w.acm.max_in_flight)


@S.test(https=True)
def port_writes_go_on_while_another_call_waits(t, w):
    """Port's bulk writes are the run's HTTP side (http_set_side): while
    another call waits on the network (here every Port run-log line
    answers SLOW s late; likewise ACM, STS or the tagging API), the
    writes in flight end and the queued ones start. Before, the writer
    stood still for the whole of such a call: nothing new reached Port
    until it returned."""
    slow = 1.0 * TIME_SCALE
    w.add_blueprint(BP)
    w.add_run(RUN_ID)
    w.acm.bulk_load(300, regions=("eu-west-1",))  # one page: 15 bulk calls
    # Writes that outlast the feeding of the page (valgrind slows the
    # feeding, not the fake): some are still queued when a log line goes.
    w.port.latency = PORT_LATENCY * TIME_SCALE
    w.port_fault("log", "slow", times=None, seconds=slow)
    r = w.run("sync", inputs={"regions": "eu-west-1",
                              "port_context": json.dumps({"runId": RUN_ID})})
    check_rc(t, r, 0, "exit 0 with every run-log line slow")
    with w.port.lock:
        logs = [q["time"] for q in w.port.requests if q.get("route") == "log"]
        bulk = [q["time"] for q in w.port.requests if q.get("route") == "bulk_upsert"]
        written = sum(1 for k in w.port.entities if k[0] == BP)
    t.eq(written, 300, "every certificate written")
    # A call that starts after a log line went out, before its answer:
    # only the side step can have sent it (the run was inside that call).
    inside = [b for b in bulk for lg in logs if lg + 0.05 < b < lg + slow - 0.05]
    t.ok(len(inside) >= 2,
         f"bulk writes started while a log line waited ({len(inside)} of "
         f"{len(bulk)}; {len(logs)} log lines, each {slow:.1f} s)",
         [round(b - min(logs), 2) for b in bulk])


if __name__ == "__main__":
    S.main()
