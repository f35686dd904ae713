#!/usr/bin/python3
"""libFuzzer targets, built and run for a bounded time; prints TAP.

Each tests/fuzz/fuzz_<name>.c is one target. Its header comment names
the sources it needs ("Requires: src/x.c ..."); a target whose sources
do not exist yet is skipped. src/*.c (minus main.c) is compiled with
clang -fsanitize=fuzzer-no-link,address,undefined into build/fuzz/obj
and each target is linked with -fsanitize=fuzzer,address,undefined
against the gcc-built static deps in build/deps/lib.

Per target, three checks:
  build      the target compiles and links
  replay     every committed input (tests/fuzz/corpus/<t>/ and
             tests/fuzz/regressions/<t>/) runs without a finding
  fuzz       fuzzing for its share of the time budget finds nothing
A finding (crash, leak, timeout, out-of-memory, UBSan report) is copied
to tests/fuzz/regressions/<t>/ so that every later run replays it:
commit it together with the fix.

Environment:
  FUZZ_SECONDS  total fuzzing wall time, default 50 (0: replay only);
                building and replaying add ~10 s, so the suite takes ~60 s
  FUZZ_JOBS     targets fuzzed at once, default min(2, CPUs)
  FUZZ_SEED     libFuzzer -seed (default: random, printed)
  FUZZ_ONLY     run only targets whose name contains this
Writes build/reliability/fuzz.json (format: scripts/reliability-report.py).
"""
import fcntl
import glob
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
from tests.lib.tap import Tap  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FUZZ_DIR = os.path.join(ROOT, "tests/fuzz")
OUT = os.path.join(ROOT, "build/fuzz")
DEPS = os.path.join(ROOT, "build/deps")
CC = os.environ.get("FUZZ_CC", "clang")
SAN = "-fsanitize=address,undefined"
# Mirrors the Makefile's ALL_CFLAGS minus -Werror: warnings that only
# clang emits are clang-tidy's business (tests/static), not a reason to
# stop fuzzing. -fno-sanitize-recover makes every UBSan report a finding.
CFLAGS = ["-std=c11", "-D_POSIX_C_SOURCE=200809L", "-D_DEFAULT_SOURCE",
          "-DCURL_STATICLIB", '-DPORT_ACM_VERSION="fuzz"', "-O1", "-g",
          "-fno-omit-frame-pointer", "-fno-sanitize-recover=all",
          "-Wall", "-Wextra", "-Wno-unused-parameter",
          "-I" + os.path.join(ROOT, "src"), "-I" + os.path.join(DEPS, "include")]
LIBS = ["-L" + os.path.join(DEPS, "lib"), "-lcurl", "-lmbedtls", "-lmbedx509",
        "-lmbedcrypto", "-lcjson", "-lexpat", "-lcares", "-lpthread", "-lm"]
FINDING = ("crash-", "leak-", "timeout-", "oom-", "slow-unit-")

T = Tap()
tap = T.ok


def newer(target, sources):
    if not os.path.exists(target):
        return False
    t = os.path.getmtime(target)
    return all(os.path.getmtime(s) <= t for s in sources)


def compile_lib():
    """Compiles src/*/*.c (not main.c); returns (archive, {src: error})."""
    objdir = os.path.join(OUT, "obj")
    os.makedirs(objdir, exist_ok=True)
    headers = glob.glob(os.path.join(ROOT, "src/*/*.h"))
    errors = {}
    objs = []
    procs = []
    for src in sorted(glob.glob(os.path.join(ROOT, "src/*.c")) +
                      glob.glob(os.path.join(ROOT, "src/*/*.c"))):
        if os.path.basename(src) == "main.c":
            continue
        obj = os.path.join(objdir, os.path.basename(src)[:-2] + ".o")
        objs.append(obj)
        if newer(obj, [src] + headers):
            continue
        cmd = [CC] + CFLAGS + [SAN, "-fsanitize=fuzzer-no-link", "-c", src, "-o", obj]
        procs.append((src, obj, subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)))
    for src, obj, p in procs:
        out = p.communicate()[0]
        if p.returncode != 0:
            errors[os.path.relpath(src, ROOT)] = out
            if os.path.exists(obj):
                os.unlink(obj)
    objs = [o for o in objs if os.path.exists(o)]
    lib = os.path.join(OUT, "libportacm-fuzz.a")
    listing = lib + ".list"
    want = "\n".join(objs)
    try:
        with open(listing) as f:
            same = f.read() == want
    except OSError:
        same = False
    # Re-archive only when an object changed or one came or went, so
    # the targets are not relinked on every run.
    if not (same and newer(lib, objs)):
        if os.path.exists(lib):
            os.unlink(lib)
        if objs:
            subprocess.run(["ar", "rcs", lib] + objs, check=True)
        with open(listing, "w") as f:
            f.write(want)
    return (lib if objs else None), errors


def requires(src):
    with open(src, encoding="utf-8") as f:
        head = f.read(4096)
    m = re.search(r"Requires:\s*([^\n*]+)", head)
    return m.group(1).split() if m else []


def findings(d):
    if not os.path.isdir(d):
        return []
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.startswith(FINDING))


def keep_findings(name, found):
    """Copies findings into the committed regression directory."""
    reg = os.path.join(FUZZ_DIR, "regressions", name)
    if found:
        os.makedirs(reg, exist_ok=True)
    kept = []
    for f in found:
        dst = os.path.join(reg, os.path.basename(f))
        shutil.copyfile(f, dst)
        kept.append(os.path.relpath(dst, ROOT))
    return kept


def fuzz_env():
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = "detect_leaks=1:allocator_may_return_null=1:" \
        "handle_abort=1:symbolize=1"
    env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
    return env


def execs_from(log):
    m = re.findall(r"stat::number_of_executed_units:\s*(\d+)", log)
    if m:
        return int(m[-1])
    m = re.findall(r"^#(\d+)\s", log, re.M)
    return int(m[-1]) if m else 0


def main():
    budget = float(os.environ.get("FUZZ_SECONDS", "50"))
    jobs = int(os.environ.get("FUZZ_JOBS", str(min(2, os.cpu_count() or 1))))
    seed = int(os.environ.get("FUZZ_SEED", str(random.randrange(1, 2**31))))
    only = os.environ.get("FUZZ_ONLY", "")
    print(f"# fuzz: budget {budget:.0f}s, {jobs} at once, -seed={seed}", flush=True)

    if shutil.which(CC) is None:
        tap(False, f"fuzz: {CC} is installed (scripts/setup.sh installs clang)")
        return T.plan()
    lib, errors = compile_lib()
    for src, out in sorted(errors.items()):
        tap(False, f"fuzz: {src} compiles with clang {SAN}", out)

    targets = []
    for src in sorted(glob.glob(os.path.join(FUZZ_DIR, "fuzz_*.c"))):
        name = os.path.basename(src)[:-2]
        if only and only not in name:
            continue
        missing = [r for r in requires(src) if not os.path.exists(os.path.join(ROOT, r))]
        if missing:
            tap(False, f"{name}: build", f"needs {' '.join(missing)}, which does not exist")
            continue
        broken = [r for r in requires(src) if r in errors]
        if broken or lib is None:
            tap(False, f"{name}: build", f"needs {' '.join(broken)}, which failed to compile")
            continue
        exe = os.path.join(OUT, name)
        deps = [src, lib] + glob.glob(os.path.join(FUZZ_DIR, "*.h")) + \
            glob.glob(os.path.join(ROOT, "src/*/*.h"))
        if not newer(exe, deps):
            cmd = [CC] + CFLAGS + [SAN, "-fsanitize=fuzzer", src, lib, "-o", exe] + LIBS
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if p.returncode != 0:
                tap(False, f"{name}: build", p.stdout)
                continue
        tap(True, f"{name}: build")
        targets.append((name, exe))

    env = fuzz_env()
    summary = {"targets": {}, "executions": 0, "crashes": 0}

    # Replay: the committed corpus and every past finding, once each.
    for name, exe in targets:
        dirs = [d for d in (os.path.join(FUZZ_DIR, "corpus", name),
                            os.path.join(FUZZ_DIR, "regressions", name))
                if os.path.isdir(d)]
        files = [os.path.join(d, f) for d in dirs for f in sorted(os.listdir(d))
                 if not f.startswith(".") and f != "README"]
        summary["targets"][name] = {"replayed": len(files), "replay_ok": True,
                                    "executions": 0, "crashes": 0}
        if not files:
            # With no inputs libFuzzer would start fuzzing instead.
            tap(False, f"{name}: has a seed corpus in tests/fuzz/corpus/{name}/")
            continue
        art = os.path.join(OUT, "artifacts", name, "replay") + "/"
        shutil.rmtree(art, ignore_errors=True)
        os.makedirs(art)
        # Passing files (not directories) runs each exactly once.
        p = subprocess.run([exe, "-timeout=10", "-rss_limit_mb=2048",
                            f"-artifact_prefix={art}"] + files,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, errors="replace", env=env, timeout=300)
        nreg = sum(1 for f in files if "/regressions/" in f)
        summary["targets"][name].update(seeds=len(files) - nreg, kept=nreg)
        good = p.returncode == 0
        tap(good, f"{name}: replays {len(files) - nreg} seed and {nreg} regression inputs",
            None if good else p.stdout)
        summary["targets"][name].update(replay_ok=good, crashes=0 if good else 1)
        if not good:
            summary["crashes"] += 1

    # Fuzz: each target gets an equal share of budget * jobs.
    if budget > 0 and targets:
        share = max(2, int(budget * min(jobs, len(targets)) / len(targets)))
        pending = list(targets)
        running = []
        while pending or running:
            while pending and len(running) < jobs:
                name, exe = pending.pop(0)
                work = os.path.join(OUT, "corpus", name)
                os.makedirs(work, exist_ok=True)
                art = os.path.join(OUT, "artifacts", name, "fuzz") + "/"
                shutil.rmtree(art, ignore_errors=True)
                os.makedirs(art)
                log = open(os.path.join(OUT, name + ".log"), "w+")
                seeds = [d for d in (os.path.join(FUZZ_DIR, "corpus", name),
                                     os.path.join(FUZZ_DIR, "regressions", name))
                         if os.path.isdir(d)]
                cmd = [exe, f"-max_total_time={share}", f"-seed={seed}",
                       "-timeout=10", "-rss_limit_mb=2048", "-max_len=8192",
                       "-print_final_stats=1", f"-artifact_prefix={art}",
                       work] + seeds
                p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
                running.append((name, p, log, art, time.monotonic()))
            time.sleep(0.2)
            for item in list(running):
                name, p, log, art, t0 = item
                if p.poll() is None:
                    if time.monotonic() - t0 > share + 60:
                        p.kill()
                    continue
                running.remove(item)
                log.seek(0)
                text = log.read()
                log.close()
                execs = execs_from(text)
                found = findings(art)
                kept = keep_findings(name, found)
                good = p.returncode == 0 and not found
                detail = None
                if not good:
                    detail = text + ("\nsaved for replay: " + " ".join(kept) if kept
                                     else f"\nexit {p.returncode}, no artifact")
                tap(good, f"{name}: {execs} executions in {share}s, "
                    f"{len(found) if found else (0 if good else 1)} findings", detail)
                t = summary["targets"][name]
                t["executions"] = execs
                t["seconds"] = share
                t["crashes"] += len(found) if found else (0 if good else 1)
                t["saved"] = kept
                t["kept"] = t.get("kept", 0) + len(kept)
                # What the run left in its working corpus (seeds and
                # regressions are read in place, not copied there).
                t["corpus"] = len(os.listdir(os.path.join(OUT, "corpus", name)))
                summary["executions"] += execs
                summary["crashes"] += len(found) if found else (0 if good else 1)

    os.makedirs(os.path.join(ROOT, "build/reliability"), exist_ok=True)
    with open(os.path.join(ROOT, "build/reliability/fuzz.json"), "w") as f:
        json.dump({"suite": "fuzz", "kind": "fuzz", "passed": T.n - T.failed,
                   "failed": T.failed, "total": T.n,
                   "summary": f"{len(targets)} targets, {summary['executions']} "
                              f"executions, {summary['crashes']} crashes",
                   "extra": dict(summary, seed=seed, budget_seconds=budget)},
                  f, indent=1)
    return T.plan()


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    # One run at a time per tree: two would share objects and corpora.
    with open(os.path.join(OUT, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        sys.exit(main())
