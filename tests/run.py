#!/usr/bin/python3
"""Runs every test suite and ends with one line: N passed, N failed, N skipped.

A suite is any executable that prints TAP lines ("ok N - name",
"not ok N - name", "ok N - name # SKIP why"):
  build/tests/unit/test_*      C unit tests
  tests/<dir>/test_*.py        Python suites, run with /usr/bin/python3
  tests/<dir>/test_*.sh        shell suites
A suite that exits non-zero without reporting a failure counts as one
failure, so a crash can never pass. Run a subset with:
tests/run.py PATTERN [PATTERN ...] (a suite runs when its path contains any)
"""
import glob
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TAP = re.compile(r"^(not )?ok\b(?:\s+\d+)?\s*-?\s*(.*)$")


def suites():
    out = sorted(glob.glob(os.path.join(ROOT, "build/tests/unit/test_*")))
    for d in sorted(glob.glob(os.path.join(ROOT, "tests/*/"))):
        out += sorted(glob.glob(os.path.join(d, "test_*.py")))
        out += sorted(glob.glob(os.path.join(d, "test_*.sh")))
    return [s for s in out if os.access(s, os.X_OK) or s.endswith((".py", ".sh"))]


def main():
    patterns = sys.argv[1:]
    env = dict(os.environ)
    env.setdefault("PORT_ACM_ROOT", ROOT)
    env.setdefault("PORT_ACM_BIN", os.path.join(ROOT, "build/port-acm"))
    passed = failed = skipped = 0
    failures = []
    for s in suites():
        rel = os.path.relpath(s, ROOT)
        if patterns and not any(p in rel for p in patterns):
            continue
        cmd = [s]
        if s.endswith(".py"):
            cmd = ["/usr/bin/python3", s]
        elif s.endswith(".sh"):
            cmd = ["sh", s]
        t0 = time.monotonic()
        print(f"# suite {rel}", flush=True)
        p = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, errors="replace")
        sp = sf = 0
        for line in p.stdout:
            sys.stdout.write("    " + line)
            m = TAP.match(line.rstrip("\n"))
            if not m:
                continue
            if m.group(1):
                sf += 1
                failures.append(f"{rel}: {m.group(2)}")
            elif "# SKIP" in line:
                skipped += 1
            else:
                sp += 1
        rc = p.wait()
        if rc != 0 and sf == 0:
            sf = 1
            failures.append(f"{rel}: exited {rc} without reporting a failure")
        passed += sp
        failed += sf
        print(f"# {rel}: {sp} passed, {sf} failed ({time.monotonic() - t0:.1f}s)",
              flush=True)
    if failures:
        print("# failures:")
        for f in failures:
            print("#   " + f)
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
