#!/usr/bin/python3
"""Writes the measured figures of docs/performance.md (linked from the
README) from what the measuring targets left in build/, so no figure is
copied by hand and none goes stale:

    scripts/readme_figures.py bench         from build/bench.md (make bench)
    scripts/readme_figures.py reliability   from build/reliability/*.json
                                            (make test, via
                                            scripts/reliability-report.py)

Each replaces one block of docs/performance.md between
    <!-- figures:NAME begin: written by scripts/readme_figures.py NAME -->
    <!-- figures:NAME end -->
and leaves the rest alone. --doc (formerly --readme) and --build point
elsewhere (tests). The name stays readme_figures.py: the make targets
call it by that name.
"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def begin(name):
    return f"<!-- figures:{name} begin: written by scripts/readme_figures.py {name} -->"


def end(name):
    return f"<!-- figures:{name} end -->"


def first_table(md):
    """The first Markdown table in md, as lines."""
    out = []
    for ln in md.split("\n"):
        if ln.startswith("|"):
            out.append(ln)
        elif out:
            break
    return out


def later_tables(md, skip=1, only=None):
    """Every table after the first skip ones (those under a heading that
    contains only, when given), each under that heading as bold text (the
    page's own headings stay the page's)."""
    out, heading, table, seen = [], None, [], 0
    for ln in md.split("\n") + [""]:
        if ln.startswith("|"):
            table.append(ln)
            continue
        if table:
            seen += 1
            if seen > skip and (only is None or only in (heading or "")):
                out += ([f"**{heading}**", ""] if heading else []) + table + [""]
            table = []
        if ln.startswith("#"):
            heading = ln.lstrip("#").strip()
    return out


def bench_block(build):
    path = os.path.join(build, "bench.md")
    with open(path, encoding="utf-8") as f:
        md = f.read()
    table = first_table(md)
    if not table:
        raise SystemExit(f"readme_figures: no table in {path}")
    when = datetime.datetime.fromtimestamp(os.path.getmtime(path)).strftime("%Y-%m-%d")
    facts = [when, f"{os.cpu_count()} CPUs {platform.machine()}"]
    with open(os.path.join(ROOT, "VERSION"), encoding="utf-8") as f:
        facts.append("port-acm " + f.read().strip())
    for label, rx in (("static binary", r"binary `[^`]+` ≤ [\d,]+ bytes \| ([\d,]+ bytes)"),
                      ("image", r"image ≤ [\d,]+ bytes \| ([\d,]+ bytes)")):
        m = re.search(rx, md)
        if m:
            facts.append(f"{label} {m.group(1)}")
    verdict = "All targets met." if "All targets met." in md else \
        next((ln for ln in md.split("\n") if "targets missed" in ln), "")
    # Beyond the summary: the Route 53 path (issue 11) and sync at scale
    # (issue 12); build/bench.md has the rest.
    extra = later_tables(md, only="Route 53")
    sync = os.path.join(build, "bench-sync.md")
    sync_verdict = ""
    if os.path.exists(sync):
        with open(sync, encoding="utf-8") as f:
            text = f.read()
        extra += later_tables(text, skip=0)
        # Its own verdict: bench.md's says nothing of sync's targets.
        sync_verdict = next((" Sync at scale: " + ln.split(":", 1)[1].strip().rstrip(".") + "."
                             for ln in text.split("\n")
                             if ln.startswith("Targets:")), "")
    return [f"Latest figures ({', '.join(facts)}), from `make bench`:", ""] + table + \
        [""] + extra + [verdict + sync_verdict + " Per-run detail: `build/bench.md`."]


def reliability_block(build):
    r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "reliability-report.py"),
                        "--dir", os.path.join(build, "reliability")],
                       capture_output=True, text=True)
    rows = []
    for ln in r.stdout.split("\n"):
        m = re.match(r"\s+(PASS|FAIL|----)\s+(.+?)\s{2,}(.+)$", ln)
        if m:
            rows.append(f"| {m.group(2)} | {m.group(3).replace('|', '/')} |")
    if not rows:
        raise SystemExit("readme_figures: reliability-report printed no figures")
    return ["Figures of the last `make test` (`make reliability-report`):", "",
            "| Check | Result |", "|---|---|"] + rows


def replace(text, name, lines):
    b, e = begin(name), end(name)
    i, j = text.find(b), text.find(e)
    if i < 0 or j < i:
        raise SystemExit(f"readme_figures: the page has no {name} block ({b})")
    return text[:i] + b + "\n" + "\n".join(lines) + "\n" + text[j:]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("bench", "reliability"))
    ap.add_argument("--doc", "--readme", dest="doc",
                    default=os.path.join(ROOT, "docs", "performance.md"))
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    a = ap.parse_args()
    lines = bench_block(a.build) if a.what == "bench" else reliability_block(a.build)
    with open(a.doc, encoding="utf-8") as f:
        text = f.read()
    new = replace(text, a.what, lines)
    if new != text:
        with open(a.doc, "w", encoding="utf-8") as f:
            f.write(new)
    print(f"readme_figures: {a.what} figures written to {os.path.relpath(a.doc, ROOT)}")


if __name__ == "__main__":
    main()
