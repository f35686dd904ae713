"""Shared by the sanitize suites: building, running suites, collecting
sanitizer and valgrind reports, writing the reliability JSON summary.

Not a suite itself (tests/run.py only runs test_*.py)."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TAP = re.compile(r"^(not )?ok\b(?:\s+\d+)?\s*-?\s*(.*)$")
# Suites of our own that must not be re-run under a sanitizer.
OWN_DIRS = ("tests/sanitize", "tests/fuzz", "tests/static", "tests/unit")


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, good, name, detail=None, skip=None):
        self.n += 1
        line = f"{'' if good else 'not '}ok {self.n} - {name}"
        if skip:
            line += f" # SKIP {skip}"
        print(line, flush=True)
        if not good:
            self.failed += 1
        if detail:
            lines = detail.rstrip().splitlines()
            if len(lines) > 60:
                lines = lines[:20] + ["..."] + lines[-40:]
            for d in lines:
                print("#   " + d, flush=True)
        return good

    def done(self):
        print(f"1..{self.n}", flush=True)
        return 1 if self.failed else 0


def clean_env():
    """Our environment minus make's jobserver, which a child make
    would otherwise try (and fail) to join."""
    env = dict(os.environ)
    for k in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(k, None)
    env.setdefault("PORT_ACM_ROOT", ROOT)
    return env


def build(kind, tag):
    """Runs tests/sanitize/build.sh; returns (wrapper path or None, log)."""
    p = subprocess.run(["sh", os.path.join(ROOT, "tests/sanitize/build.sh"), kind, tag],
                       cwd=ROOT, env=clean_env(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, errors="replace")
    if p.returncode != 0:
        return None, p.stderr + p.stdout
    return p.stdout.strip().splitlines()[-1], p.stderr


def harness_suites(only=None):
    """End-to-end suites: tests/<dir>/test_*.py that drive the binary
    through tests/lib/harness.py (or PORT_ACM_BIN directly). `only`
    restricts to a list of directories relative to ROOT."""
    out = []
    for d in sorted(glob.glob(os.path.join(ROOT, "tests/*/"))):
        rel = os.path.relpath(d, ROOT)
        if rel in OWN_DIRS:
            continue
        if only is not None and rel not in only:
            continue
        for s in sorted(glob.glob(os.path.join(d, "test_*.py"))):
            with open(s, encoding="utf-8", errors="replace") as f:
                text = f.read()
            if re.search(r"\bharness\b|PORT_ACM_BIN", text):
                out.append(s)
    return out


def run_tap(cmd, env, timeout, cwd=ROOT):
    """Runs one TAP producer; returns dict(rc, passed, failed, skipped,
    failures, output)."""
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, errors="replace",
                           timeout=timeout)
        rc, out = p.returncode, p.stdout
    except subprocess.TimeoutExpired as ex:
        rc = -999
        out = (ex.stdout or b"")
        if isinstance(out, bytes):
            out = out.decode("utf-8", "replace")
        out += f"\n(timed out after {timeout}s)"
    r = {"rc": rc, "passed": 0, "failed": 0, "skipped": 0, "failures": [], "output": out}
    for line in out.splitlines():
        m = TAP.match(line)
        if not m:
            continue
        if m.group(1):
            r["failed"] += 1
            r["failures"].append(m.group(2))
        elif "# SKIP" in line:
            r["skipped"] += 1
        else:
            r["passed"] += 1
    return r


def fresh_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def sanitizer_reports(logdir):
    """ASan/UBSan write <log_path>.<pid> only when they report."""
    out = []
    for f in sorted(glob.glob(os.path.join(logdir, "*"))):
        with open(f, errors="replace") as fh:
            text = fh.read()
        if text.strip():
            out.append((f, text))
    return out


def valgrind_reports(logdir):
    """Returns (runs seen, [(file, text)] for runs with errors)."""
    runs = 0
    bad = []
    for f in sorted(glob.glob(os.path.join(logdir, "vg.*"))):
        with open(f, errors="replace") as fh:
            text = fh.read()
        runs += 1
        m = re.search(r"ERROR SUMMARY: ([\d,]+) errors", text)
        if m is None or int(m.group(1).replace(",", "")) != 0:
            bad.append((f, text))
    return runs, bad


def write_summary(name, kind, passed, failed, summary, extra=None):
    """build/reliability/<name>.json; the format is documented in
    scripts/reliability-report.py."""
    d = os.path.join(ROOT, "build/reliability")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name + ".json"), "w") as f:
        json.dump({"suite": name, "kind": kind, "passed": passed, "failed": failed,
                   "total": passed + failed, "summary": summary,
                   "extra": extra or {}}, f, indent=1)


def env_list(name):
    v = os.environ.get(name)
    if not v:
        return None
    return [x.strip().rstrip("/") for x in v.split(",") if x.strip()]


sys.dont_write_bytecode = True
