#!/usr/bin/python3
"""Runs every test suite and ends with one line: N passed, N failed, N skipped.

A suite is any executable that prints TAP lines ("ok N - name",
"not ok N - name", "ok N - name # SKIP why"):
  build/tests/unit/test_*      C unit tests
  tests/<dir>/test_*.py        Python suites, run with /usr/bin/python3
  tests/<dir>/test_*.sh        shell suites
A suite that exits non-zero without reporting a failure counts as one
failure, so a crash can never pass. Run a subset with:
tests/run.py PATTERN [PATTERN ...] (a suite runs when its path contains any).
Two suites run at once on a machine with two cores or more (the long
ones first); PORT_ACM_TEST_JOBS=1 runs them one by one.
"""
import glob
import os
import re
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TAP = re.compile(r"^(not )?ok\b(?:\s+\d+)?\s*-?\s*(.*)$")


def suites():
    out = sorted(glob.glob(os.path.join(ROOT, "build/tests/unit/test_*")))
    for d in sorted(glob.glob(os.path.join(ROOT, "tests/*/"))):
        out += sorted(glob.glob(os.path.join(d, "test_*.py")))
        out += sorted(glob.glob(os.path.join(d, "test_*.sh")))
    return [s for s in out if os.access(s, os.X_OK) or s.endswith((".py", ".sh"))]


# The long suites start first, so two workers end together (seconds on
# this 2-core machine, in CI's order of magnitude); anything else follows
# in path order.
LONG_FIRST = ("tests/sanitize/test_valgrind_e2e", "tests/package/test_package",
              "tests/sanitize/test_asan_e2e", "tests/static/test_clang_tidy",
              "tests/fuzz/test_fuzz", "tests/sanitize/test_asan_unit",
              "tests/reliability/test_faults", "tests/e2e/test_lifecycle",
              "tests/fakes/test_fake_acm_awscli")


# Suites that must not run at the same time: test_package builds
# build/work-static, whose sources test_deps compares file by file.
APART = (("tests/package/test_package", "tests/package/test_deps"),)


def clash(rel, running):
    for group in APART:
        if any(rel.startswith(g) for g in group) and \
                any(r.startswith(g) for r in running for g in group):
            return True
    return False


def jobs():
    """PORT_ACM_TEST_JOBS, else one worker per core, at most 2: suites
    are mostly waiting on fakes, and each already runs a few processes."""
    v = os.environ.get("PORT_ACM_TEST_JOBS", "")
    if v.isdigit() and int(v) > 0:
        return int(v)
    return max(1, min(2, os.cpu_count() or 1))


def order(paths):
    rel = [os.path.relpath(s, ROOT) for s in paths]
    rank = {p: i for i, p in enumerate(LONG_FIRST)}

    def key(r):
        for p, i in rank.items():
            if r.startswith(p):
                return (0, i, r)
        return (1, 0, r)
    return [os.path.join(ROOT, r) for r in sorted(rel, key=key)]


def run_suite(s, env):
    """Runs one suite; returns (rel, output lines, passed, failed,
    skipped, failures, seconds). Output is kept until the suite ends so
    two suites never interleave their lines."""
    rel = os.path.relpath(s, ROOT)
    cmd = [s]
    if s.endswith(".py"):
        cmd = ["/usr/bin/python3", s]
    elif s.endswith(".sh"):
        cmd = ["sh", s]
    t0 = time.monotonic()
    out = [f"# suite {rel}\n"]
    p = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, errors="replace")
    sp = sf = sk = 0
    failures = []
    for line in p.stdout:
        out.append("    " + line)
        m = TAP.match(line.rstrip("\n"))
        if not m:
            continue
        if m.group(1):
            sf += 1
            failures.append(f"{rel}: {m.group(2)}")
        elif "# SKIP" in line:
            sk += 1
        else:
            sp += 1
    rc = p.wait()
    if rc != 0 and sf == 0:
        sf = 1
        failures.append(f"{rel}: exited {rc} without reporting a failure")
    return rel, out, sp, sf, sk, failures, time.monotonic() - t0


def main():
    patterns = sys.argv[1:]
    env = dict(os.environ)
    env.setdefault("PORT_ACM_ROOT", ROOT)
    env.setdefault("PORT_ACM_BIN", os.path.join(ROOT, "build/port-acm"))
    queue = [s for s in suites()
            if not patterns or any(p in os.path.relpath(s, ROOT) for p in patterns)]
    queue = order(queue)
    passed = failed = skipped = 0
    failures = []
    lock = threading.Lock()
    t_start = time.monotonic()

    running = set()
    free = threading.Condition(lock)

    def worker():
        nonlocal passed, failed, skipped
        while True:
            with lock:
                while True:
                    if not queue:
                        return
                    pick = [t for t in queue
                            if not clash(os.path.relpath(t, ROOT), running)]
                    if pick:
                        break
                    free.wait()
                s = pick[0]
                queue.remove(s)
                running.add(os.path.relpath(s, ROOT))
            rel, out, sp, sf, sk, fl, secs = run_suite(s, env)
            with lock:
                running.discard(rel)
                free.notify_all()
                sys.stdout.write("".join(out))
                print(f"# {rel}: {sp} passed, {sf} failed ({secs:.1f}s)",
                      flush=True)
                passed += sp
                failed += sf
                skipped += sk
                failures.extend(fl)

    n = jobs()
    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"# {n} worker{'s' if n != 1 else ''}, "
          f"{time.monotonic() - t_start:.0f}s in all", flush=True)
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
