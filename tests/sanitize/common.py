"""Shared by the sanitize suites: building, running suites, collecting
sanitizer and valgrind reports, writing the reliability JSON summary.

Not a suite itself (tests/run.py only runs test_*.py)."""
import concurrent.futures
import glob
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
from tests.lib.tap import Tap  # noqa: E402,F401  (shared TAP printer)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TAP = re.compile(r"^(not )?ok\b(?:\s+\d+)?\s*-?\s*(.*)$")
# Never re-run under a sanitizer: our own suites, and the packaging
# suites, which test the container image rather than this binary.
OWN_DIRS = ("tests/sanitize", "tests/fuzz", "tests/static", "tests/unit",
            "tests/package")


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
            if re.search(r"^\s*(from|import) (harness|relkit)\b|PORT_ACM_BIN",
                         text, re.M):
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
        if os.path.basename(f) == "runs":
            continue
        with open(f, errors="replace") as fh:
            text = fh.read()
        if text.strip():
            out.append((f, text))
    return out


def count_runs(logdir):
    """The wrappers append one line per run of the binary."""
    try:
        with open(os.path.join(logdir, "runs")) as f:
            return sum(1 for _ in f)
    except OSError:
        return 0


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





def e2e_under(kind, suites, timeout_scale):
    """Runs each end-to-end suite with PORT_ACM_BIN set to a wrapper
    that runs the binary under `kind` ("asan" or "valgrind"). One TAP
    line per suite: every check passes and no run of the binary drew a
    report. Returns the exit status; writes build/reliability/<kind>_e2e.json."""
    t = Tap()
    label = "ASan+UBSan" if kind == "asan" else "valgrind memcheck"
    name = f"{kind}_e2e"
    wrapper, log = build(kind, "probe")
    if not t.ok(wrapper is not None, f"{kind}: instrumented port-acm builds",
                None if wrapper else log):
        write_summary(name, kind, 0, 1, f"{label} build failed")
        return t.plan()
    if not t.ok(len(suites) > 0, f"{kind}: end-to-end suites found"):
        write_summary(name, kind, 0, 1, "no end-to-end suites found")
        return t.plan()
    passed = failed = checks = runs = reports_total = 0

    # Wrappers first, one at a time: build.sh runs make, and two makes
    # in one build directory at once could race.
    wrappers = {}
    for s in suites:
        rel = os.path.relpath(s, ROOT)
        tag = "e2e-" + rel.replace("/", "_").replace(".py", "")
        wrappers[s] = (tag, build(kind, tag)[0])

    def one(s):
        rel = os.path.relpath(s, ROOT)
        tag, wrapper_ = wrappers[s]
        if wrapper_ is None:
            return rel, {"rc": -1, "passed": 0, "failed": 1, "skipped": 0,
                         "failures": ["instrumented build failed"], "output": ""}, 0, []
        logdir = fresh_dir(os.path.join(ROOT, "build", kind, "logs", tag))
        env = clean_env()
        env["PORT_ACM_BIN"] = wrapper_
        # The suites' own summaries (fault matrix, secret scan) stay
        # those of the normal build: this run's go beside the logs. Not
        # a snapshot and restore of build/reliability, which would undo
        # what suites running at the same time write there.
        env["PORT_ACM_SUMMARY_DIR"] = os.path.join(ROOT, "build", kind, "summaries", tag)
        base = float(os.environ.get("PORT_ACM_E2E_TIMEOUT", "60"))
        env["PORT_ACM_E2E_TIMEOUT"] = str(base * timeout_scale)
        env["PORT_ACM_TIME_SCALE"] = str(timeout_scale)
        # A whole suite gets at most 15 minutes even when stuck.
        r = run_tap(["/usr/bin/python3", s], env, 900)
        nruns = count_runs(logdir)
        if kind == "asan":
            reports = sanitizer_reports(logdir)
        else:
            _, reports = valgrind_reports(logdir)
        return rel, r, nruns, reports

    # Suites run side by side: most of their time is spent waiting on
    # the fakes, and valgrind's slowdown would otherwise add up.
    jobs = int(os.environ.get("SANITIZE_JOBS", str(min(2, os.cpu_count() or 1))))
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
        results = list(ex.map(one, suites))
    for rel, r, nruns, reports in results:
        runs += nruns
        reports_total += len(reports)
        checks += r["passed"] + r["failed"]
        detail = []
        if r["failures"]:
            detail.append("failed checks: " + "; ".join(r["failures"][:15]))
        if r["rc"] != 0:
            detail.append(f"suite exit status {r['rc']}")
        if r["failures"] or r["rc"] != 0:
            detail.append(r["output"][-4000:])
        for f, text in reports[:5]:
            detail.append(f"--- {os.path.relpath(f, ROOT)}")
            detail.append(text[-6000:])
        good = (r["rc"] == 0 and r["failed"] == 0 and not reports and r["passed"] > 0
                and nruns > 0)
        what = f"{r['passed']} checks pass"
        if r["failed"]:
            what += f", {r['failed']} fail"
        what += f", {nruns} runs of port-acm"
        t.ok(good, f"{kind}: {rel}: {what}, {len(reports)} {label} reports",
             "\n".join(detail) or None)
        passed += good
        failed += not good
    extra = {"checks": checks, "reports": reports_total, "runs": runs,
             "suites": [os.path.relpath(s, ROOT) for s in suites]}
    write_summary(name, kind, passed, failed,
                  f"{passed}/{passed + failed} end-to-end suites clean under {label} "
                  f"({checks} checks, {runs} runs, {reports_total} reports)", extra)
    return t.plan()
