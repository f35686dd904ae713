#!/usr/bin/python3
"""make demo: the main job on built-in local fakes.

Starts a fake ACM and a fake Port on 127.0.0.1 (HTTPS, with a test CA
made on the spot), then runs build/port-acm four times the way the
GitHub Action does: request -> renew -> delete, each for its own Port
self-service run, and finally a sync of the whole demo account (three
regions) into the catalog. After each step it shows what the Port run page would
display (log lines, status label, catalog writes, final status, summary,
links) and the step's outputs. Exits non-zero if anything went wrong.
Nothing leaves this machine.
"""
import json
import os
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

import harness  # noqa: E402
from harness import ACCOUNT, Suite, World, terminal_events  # noqa: E402

COLOR = sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def c(code, s):
    return f"\033[{code}m{s}\033[0m" if COLOR else s


def bold(s):
    return c("1", s)


def dim(s):
    return c("2", s)


def green(s):
    return c("32", s)


def red(s):
    return c("31", s)


def yellow(s):
    return c("33", s)


def wrap(s, first, rest=None):
    """Wraps at spaces only (ARNs and URLs stay whole); the first line
    starts with `first`, the others are indented to match or by rest."""
    rest = " " * len(first) if rest is None else rest
    out = []
    for i, para in enumerate(str(s).split("\n")):
        out += textwrap.wrap(para, width=100, initial_indent=first if i == 0 else rest,
                             subsequent_indent=rest, break_on_hyphens=False,
                             break_long_words=False) or [rest.rstrip()]
    return "\n".join(out)


def show_run(w, run_id, title):
    evs = w.port_events(run_id)
    print(f"  {bold('Port run')} {run_id}  {dim('(' + title + ')')}")
    if not evs:
        print("    " + red("nothing was reported to this run"))
    for e in evs:
        b = e["body"] if isinstance(e["body"], dict) else {}
        if e["kind"] == "log":
            label = f" [{b['statusLabel']}]" if b.get("statusLabel") else ""
            print(wrap(f"log{label}: {b.get('message', '')}", "    • "))
        elif e["kind"] == "patch":
            parts = [f"{k}={v}" for k, v in b.items()]
            print(wrap("update: " + ", ".join(parts), "    ◦ "))
        elif e["kind"] == "upsert":
            props = b.get("properties") or {}
            print(wrap(f"catalog upsert {b.get('identifier')} "
                       f"(status {props.get('status')}, account "
                       f"{(b.get('relations') or {}).get('account')})", "    ▸ "))
        elif e["kind"] == "entity_delete":
            print(wrap(f"catalog delete {e.get('identifier')}", "    ▸ "))
        elif e["kind"] == "terminal":
            st = b.get("status") or b.get("terminationStatus")
            col = green if st == "SUCCESS" else red
            print("    " + bold("final status: ") + col(st))
            if b.get("statusLabel"):
                print(wrap(f"label: {b['statusLabel']}", "      "))
            if b.get("summary"):
                print("      summary:")
                print(wrap(b["summary"], "        ", "        "))
            links = b.get("link")
            for lk in (links if isinstance(links, list) else [links] if links else []):
                print(f"      link: {lk}")
        else:
            print(dim(f"    {e['method']} {e['path']}"))


def show_outputs(r):
    print(f"  {bold('Action outputs')} {dim('(GITHUB_OUTPUT)')}")
    if r.outputs_error:
        print("    " + red("GITHUB_OUTPUT does not parse: " + r.outputs_error))
    for k, v in r.outputs.items():
        if k == "validation_records":
            try:
                v = json.dumps(json.loads(v))
            except ValueError:
                pass
        print(wrap(f"{k} = {v}", "    ", "        "))
    if r.summary and r.summary.strip():
        print(f"  {bold('GitHub step summary')} {dim('(GITHUB_STEP_SUMMARY, Markdown)')}")
        for line in r.summary.strip().split("\n")[:20]:
            print("    " + dim("│ ") + line)


def step(w, n, title, op, run_id, inputs, env=None):
    print()
    print(bold(f"── {n}. {title} " + "─" * max(3, 70 - len(title))))
    w.add_run(run_id)
    shown = {k: v for k, v in inputs.items()}
    print(dim("  $ INPUT_OPERATION=" + op + " " +
              " ".join(f"INPUT_{k.upper()}='{v}'" for k, v in shown.items()) +
              " build/port-acm"))
    r = w.run(op, inputs=inputs, env=env)
    show_run(w, run_id, f"{op}")
    show_outputs(r)
    term = terminal_events(w.port_events(run_id))
    status = None
    if term:
        b = term[0]["body"] or {}
        status = b.get("status") or b.get("terminationStatus")
    ok = r.rc == 0 and status == "SUCCESS" and not r.outputs_error
    mark = green("✔ ok") if ok else red("✘ FAILED")
    print(f"  {bold('exit code')} {r.rc}  {mark}")
    if not ok:
        print(dim("  --- stderr ---"))
        print(textwrap.indent(r.stderr.strip() or "(empty)", "  "))
    return ok, r


def demo_route53(w, s, results):
    """A request with dns_validation: route53: the fake ACM issues only
    once the fake Route 53 holds the right CNAMEs."""
    from fakes.fake_route53 import FakeRoute53
    r53 = FakeRoute53(credentials={harness.AWS_KEY_ID: (harness.AWS_SECRET, None)},
                      **s.tls_kwargs())
    r53.add_zone("example.org")
    r53.add_zone("example.org", private=True)
    r53.add_zone("dev.example.org")
    url = r53.start()
    w.acm.dns = r53
    w.acm_configure(records_after=0)
    print()
    print(dim(f"  fake Route 53 at {url}: public example.org and dev.example.org, "
              "a private example.org"))
    try:
        ok, r = step(w, 5, "Request, validated through Route 53", "request",
                     "r_DemoRoute53Req01", {
                         "domain_name": "example.org",
                         "subject_alternative_names": "*.example.org,api.dev.example.org",
                         "aws_region": "eu-west-1",
                         "dns_validation": "route53",
                         "port_context": json.dumps({"runId": "r_DemoRoute53Req01"}),
                     }, env={"AWS_ENDPOINT_URL_ROUTE_53": url})
        issued = r.outputs.get("certificate_status") == "ISSUED"
        calls = {}
        for c in r53.calls:
            calls[c["op"]] = calls.get(c["op"], 0) + 1
        print(f"  {bold('Route 53 calls')} {calls}")
        if not issued:
            print(red("the certificate was not issued"))
        results.append(ok)
        return ok and issued
    finally:
        r53.stop()


def main():
    if not os.access(harness.BIN, os.X_OK):
        print(red(f"{harness.BIN} is not built: run make first"), file=sys.stderr)
        return 2
    s = Suite("demo")
    s.setup()
    w = None
    try:
        why = [x for x in s.missing() if "not built" not in x]
        if why:
            print(red("demo cannot start: " + "; ".join(why)), file=sys.stderr)
            return 2
        w = World(s, https=True)
        w.acm_configure(records_after=2)
        print(bold("port-acm demo") + dim(" — fake ACM at " + w.acm_url +
                                          ", fake Port at " + w.port_url))
        print(dim("  every call below really happens over HTTPS on 127.0.0.1, "
                  "SigV4-signed and checked by the fakes"))
        results = []
        ok, r = step(w, 1, "Request a certificate", "request", "r_DemoRequest00001", {
            "domain_name": "shop.example.com",
            "subject_alternative_names": "www.shop.example.com",
            "validation_method": "DNS",
            "aws_region": "eu-west-1",
            "tags": "team=platform",
            "port_context": json.dumps({"runId": "r_DemoRequest00001", "entity": {}}),
        })
        results.append(ok)
        arn = r.outputs.get("certificate_arn")
        if not arn:
            print(red("no certificate ARN came back; stopping"))
            return 1
        # The requester adds the CNAME; ACM validates and issues; the
        # platform team attaches the certificate to a load balancer.
        lb = (f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:"
              "loadbalancer/app/shop/50dc6c495c0c9188")
        w.acm_issue(arn)
        w.acm.set_in_use(arn, [lb])
        print()
        print(dim("  (meanwhile: the requester adds the CNAME record, ACM issues the "
                  "certificate, and it is attached to load balancer app/shop)"))
        entity = {"identifier": arn, "title": "shop.example.com",
                  "blueprint": "acmCertificate", "properties": {"arn": arn},
                  "relations": {"account": ACCOUNT}}
        ok, _ = step(w, 2, "Renew it", "renew", "r_DemoRenew0000001", {
            "port_context": json.dumps({"runId": "r_DemoRenew0000001", "entity": entity}),
        })
        results.append(ok)
        w.acm.set_in_use(arn, [])
        print()
        print(dim("  (meanwhile: the load balancer stops using the certificate)"))
        ok, _ = step(w, 3, "Delete it", "delete", "r_DemoDelete000001", {
            "port_context": json.dumps({"runId": "r_DemoDelete000001", "entity": entity}),
        })
        results.append(ok)
        gone = arn not in w.acm_arns()
        if not gone:
            print(red("the certificate still exists in the fake ACM"))
        # The rest of the account: certificates made elsewhere, of every
        # key type and origin, in three regions; a daily sync puts them all
        # in the catalog.
        regions = ("eu-west-1", "us-east-1", "ap-south-1")
        w.acm.bulk_load(45, regions=regions, domain="demo.example.com")
        w.add_blueprint("acmCertificate")
        print()
        print(dim("  (meanwhile: 45 certificates exist in three regions, requested or "
                  "imported outside Port)"))
        ok, r = step(w, 4, "Sync the account into the catalog", "sync", "r_DemoSync00000001", {
            "regions": ",".join(regions),
            "delete_stale": "true",
            "port_context": json.dumps({"runId": "r_DemoSync00000001"}),
        })
        with w.port.lock:
            n = sum(1 for k in w.port.entities if k[0] == "acmCertificate")
        print(f"  {bold('catalog')} {n} acmCertificate entities "
              f"{dim('(bulk writes: ' + str(len(w.port.calls_of('bulk_upsert'))) + ' calls)')}")
        results.append(ok and n == 45)
        ok53 = demo_route53(w, s, results)
        print()
        if all(results) and gone and ok53:
            print(green(bold("demo passed: request → renew → delete → sync, and a request "
                             "validated through Route 53 to ISSUED, all reported SUCCESS")))
            return 0
        print(red(bold("demo FAILED")))
        return 1
    finally:
        if w is not None:
            w.close()
        s.teardown()


if __name__ == "__main__":
    sys.exit(main())
