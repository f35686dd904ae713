"""Shared by the static-analysis suites (not a suite itself)."""
import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
from tests.lib.tap import Tap  # noqa: E402,F401  (re-exported for the suites)


def makefile_var(name, default):
    """Expands a Makefile variable through make itself, so the checks
    see the same flags the build uses."""
    try:
        p = subprocess.run(["make", "-s", "--no-print-directory", "-f", "Makefile",
                            "-f", "-", "print-var"], cwd=ROOT,
                           input=f"print-var:\n\t@echo $({name})\n",
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           text=True, timeout=30,
                           env={k: v for k, v in os.environ.items()
                                if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")})
        if p.returncode == 0 and p.stdout.strip():
            return shlex.split(p.stdout.strip())
    except (OSError, subprocess.TimeoutExpired):
        pass
    return list(default)


def compile_flags():
    """-std/-D/-I flags plus warnings (no -Werror, no gcc-only flags)."""
    flags = ["-std=c11", "-D_POSIX_C_SOURCE=200809L", "-D_DEFAULT_SOURCE",
             "-DCURL_STATICLIB", '-DPORT_ACM_VERSION="static"',
             "-I" + os.path.join(ROOT, "src"),
             "-I" + os.path.join(ROOT, "build/deps/include")]
    warn = makefile_var("CFLAGS_WARN", ["-Wall", "-Wextra", "-Wshadow", "-Wformat=2",
                                        "-Wstrict-prototypes", "-Wmissing-prototypes",
                                        "-Wno-unused-parameter"])
    # clang does not know gcc's -Wformat-truncation family; -Werror is
    # replaced by clang-tidy's WarningsAsErrors.
    flags += [w for w in warn if w != "-Werror" and "format-truncation" not in w
              and "format-overflow" not in w]
    return flags


def sources():
    return sorted(glob.glob(os.path.join(ROOT, "src/*.c")) +
                  glob.glob(os.path.join(ROOT, "src/*/*.c")))


def rel(path):
    return os.path.relpath(path, ROOT)


def installed(t, tool):
    """Whether tool is on PATH; when not, a failed check (Tap t) says so
    and where it comes from."""
    if shutil.which(tool) is None:
        t.ok(False, f"{tool} is installed (scripts/setup.sh)")
        return False
    return True


def write_summary(t, suite, clean, total):
    """build/reliability/<suite>.json: the suite's checks (Tap t) and how
    many of the total source files were clean."""
    os.makedirs(os.path.join(ROOT, "build/reliability"), exist_ok=True)
    with open(os.path.join(ROOT, f"build/reliability/{suite}.json"), "w") as f:
        json.dump({"suite": suite, "kind": "static", "passed": t.n - t.failed,
                   "failed": t.failed, "total": t.n,
                   "summary": f"{clean}/{total} source files clean"}, f, indent=1)


LOC = re.compile(r"^(/[^:]+|src/[^:]+):(\d+):(\d+:)?\s*(.*)$")
