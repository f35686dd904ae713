#!/usr/bin/python3
"""Prints the reliability figures of issue 5 from the suites' summaries.

Every reliability suite writes one summary file when it runs:

    build/reliability/<name>.json

<name> is the suite's own, unique name (a re-run overwrites it). The
file is one JSON object:

    {
      "suite":   "<name>",           same as the file name
      "kind":    "<kind>",           what the figures count, below
      "passed":  <int>,              cases that behaved as required
      "failed":  <int>,              cases that did not
      "total":   <int>,              passed + failed
      "summary": "<one line>",       for people, e.g. "48/48 survived"
      "extra":   {...}               optional, kind-specific numbers
    }

Any kind may list its cases in extra.cases as objects with at least
"id" and "passed" (true/false); the report names the failing ones.

Kinds and what a "case" is:

    fault        one fault-matrix case (service x fault x operation);
                 passed = survived: right exit code, one terminal Port
                 status and it is last, no duplicate certificate
    bad_input    one hostile or malformed input; passed = refused with
                 the expected error before anything changed in AWS
    secret_leak  one scanned scenario; passed = no secret found in
                 anything it wrote or sent. extra.leaks: list of
                 "<scenario>: <where>" strings for the failures
    tls          one bad-certificate case (unknown CA, expired, wrong
                 host); passed = refused with a clear message
    fuzz         one check of tests/fuzz/test_fuzz.py; extra.executions,
                 extra.crashes, extra.targets{name: executions, seeds,
                 corpus, kept (findings in tests/fuzz/regressions), ...}
    sanitizer    one unit-test binary under ASan+UBSan; extra.checks
    asan         one end-to-end suite under ASan+UBSan; extra.checks,
                 extra.runs, extra.reports
    valgrind     one end-to-end suite under valgrind memcheck; same
    static       one cppcheck / clang-tidy check (mostly a source file)

Several files may share a kind (e.g. fault_acm.json and fault_port.json);
the report adds them up. A Python suite can write its summary with:

    os.makedirs("build/reliability", exist_ok=True)
    json.dump({"suite": "fault_acm", "kind": "fault", "passed": p,
               "failed": f, "total": p + f, "summary": f"{p}/{p+f} survived"},
              open("build/reliability/fault_acm.json", "w"))

Usage: scripts/reliability-report.py [--strict] [--dir DIR]
Exit status: 1 when any summary reports a failure (with --strict, also
when an expected figure is missing), else 0.
"""
import argparse
import glob
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (kind, label, how to phrase passed/total)
FIGURES = [
    ("fault", "Fault cases survived", "survived"),
    ("bad_input", "Bad inputs refused", "refused"),
    ("secret_leak", "Secret-leak scan", "clean"),
    ("tls", "TLS bad certificates refused", "refused"),
]


def load(d):
    out = []
    bad = []
    for f in sorted(glob.glob(os.path.join(d, "*.json"))):
        try:
            with open(f) as fh:
                s = json.load(fh)
            s["passed"] = int(s.get("passed", 0))
            s["failed"] = int(s.get("failed", 0))
            s["total"] = int(s.get("total", s["passed"] + s["failed"]))
            s.setdefault("suite", os.path.basename(f)[:-5])
            s.setdefault("kind", "other")
            s.setdefault("summary", "")
            s.setdefault("extra", {})
            s["_age"] = time.time() - os.path.getmtime(f)
            out.append(s)
        except (OSError, ValueError, TypeError) as e:
            bad.append(f"{os.path.relpath(f, ROOT)}: unreadable ({e})")
    return out, bad


def by_kind(sums, kind):
    return [s for s in sums if s["kind"] == kind]


def add(sums):
    return (sum(s["passed"] for s in sums), sum(s["failed"] for s in sums),
            sum(s["total"] for s in sums))


def age(sums):
    a = max(s["_age"] for s in sums)
    if a < 120:
        return ""
    if a < 7200:
        return f"  [{a / 60:.0f} min old]"
    return f"  [{a / 3600:.1f} h old]"


def main():
    ap = argparse.ArgumentParser(description="Prints issue 5's reliability figures.")
    ap.add_argument("--dir", default=os.path.join(ROOT, "build/reliability"))
    ap.add_argument("--strict", action="store_true",
                    help="also fail when a figure has no summary yet")
    a = ap.parse_args()
    sums, bad = load(a.dir)
    failed = bool(bad)
    missing = 0
    lines = []

    def line(label, text, ok):
        nonlocal failed
        mark = "PASS" if ok is True else ("FAIL" if ok is False else "----")
        if ok is False:
            failed = True
        lines.append(f"  {mark}  {label:<34} {text}")

    def not_run(label):
        nonlocal missing
        missing += 1
        line(label, "not run (make test writes it)", None)

    for kind, label, word in FIGURES:
        ss = by_kind(sums, kind)
        if not ss:
            not_run(label)
            continue
        p, f, t = add(ss)
        if kind == "secret_leak":
            leaks = [x for s in ss for x in s["extra"].get("leaks", [])]
            text = (f"clean: no secret in {t} scenarios" if f == 0 else
                    f"LEAKED in {f} of {t} scenarios: " + "; ".join(leaks[:3])
                    + (f" (+{len(leaks) - 3} more)" if len(leaks) > 3 else ""))
        else:
            text = f"{p}/{t} {word}"
            bad = [c.get("id", "?") for s in ss for c in s["extra"].get("cases", [])
                   if isinstance(c, dict) and c.get("passed") is False]
            if bad:
                text += "; failing: " + ", ".join(bad[:4]) + \
                    (f" (+{len(bad) - 4} more)" if len(bad) > 4 else "")
        checks = sum(int(s["extra"].get("checks", 0)) for s in ss)
        if kind == "fault" and checks:
            text += f" ({checks:,} checks)"
        line(label, text + age(ss), f == 0 and t > 0)
        if kind == "fault":  # one row per area of the matrix
            areas = {}
            for s in ss:
                for k, v in s["extra"].get("by_area", {}).items():
                    n = areas.setdefault(k, [0, 0])
                    n[0] += int(v.get("passed", 0))
                    n[1] += int(v.get("failed", 0))
            for k, (ap, af) in sorted(areas.items()):
                line(f"  faults: {k}", f"{ap}/{ap + af} survived", af == 0)

    ss = by_kind(sums, "fuzz")
    if ss:
        ex = sum(int(s["extra"].get("executions", 0)) for s in ss)
        cr = sum(int(s["extra"].get("crashes", 0)) for s in ss)
        nt = sum(len(s["extra"].get("targets", {})) for s in ss)
        secs = sum(float(s["extra"].get("budget_seconds", 0)) for s in ss)
        p, f, t = add(ss)
        line("Fuzzing (libFuzzer)", f"{nt} targets, {ex:,} executions in ~{secs:.0f} s, "
             f"{cr} crashes; {p}/{t} checks pass" + age(ss), f == 0 and cr == 0)
        # One row per target: runs, committed seeds, the working corpus
        # the run grew, and past findings kept as regressions.
        for s in ss:
            for name, tg in sorted(s["extra"].get("targets", {}).items()):
                line(f"  {name}", f"{int(tg.get('executions', 0)):,} runs, "
                     f"{tg.get('seeds', tg.get('replayed', 0))} seeds, corpus "
                     f"{tg.get('corpus', 0)}, {tg.get('kept', 0)} finding"
                     f"{'' if tg.get('kept', 0) == 1 else 's'} kept",
                     bool(tg.get("replay_ok")) and not tg.get("crashes"))
    else:
        not_run("Fuzzing (libFuzzer)")

    for kind, label in (("sanitizer", "ASan+UBSan, unit tests"),
                        ("asan", "ASan+UBSan, end-to-end"),
                        ("valgrind", "valgrind memcheck, end-to-end")):
        ss = by_kind(sums, kind)
        if not ss:
            not_run(label)
            continue
        p, f, t = add(ss)
        checks = sum(int(s["extra"].get("checks", 0)) for s in ss)
        runs = sum(int(s["extra"].get("runs", 0)) for s in ss)
        reps = sum(int(s["extra"].get("reports", 0)) for s in ss)
        what = "binaries" if kind == "sanitizer" else "suites"
        text = f"{p}/{t} {what} clean, {checks} checks"
        if kind != "sanitizer":
            text += f", {runs} runs, {reps} error reports"
        line(label, text + age(ss), f == 0 and t > 0)

    for suite, label in (("cppcheck", "cppcheck"), ("clang_tidy", "clang-tidy")):
        ss = [s for s in sums if s["suite"] == suite]
        if not ss:
            not_run(label)
            continue
        p, f, t = add(ss)
        line(label, (ss[0]["summary"] or f"{p}/{t} checks pass") + age(ss), f == 0)

    known = {k for k, _, _ in FIGURES} | {"fuzz", "sanitizer", "asan", "valgrind", "static"}
    for s in sums:
        if s["kind"] not in known:
            line(s["suite"], f"{s['passed']}/{s['total']} {s['summary']}".strip(),
                 s["failed"] == 0)

    print("port-acm reliability report (issue 5)")
    print(f"  from {os.path.relpath(a.dir, ROOT)}/*.json")
    for x in lines:
        print(x)
    for b in bad:
        print("  FAIL  " + b)
    if failed:
        return 1
    if a.strict and missing:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
