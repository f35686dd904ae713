#!/usr/bin/python3
"""clang-tidy on src/ with the repository's .clang-tidy and the
Makefile's compile flags: one TAP line per src/*.c, failing on any
finding in that file or in a src/ header it includes.

CLANG_TIDY_JOBS sets the parallelism (default: CPUs, at most 4).
Writes build/reliability/clang_tidy.json.
"""
import concurrent.futures
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common_static as cs  # noqa: E402
from common_static import Tap  # noqa: E402

FINDING = re.compile(r"^(\S+?):(\d+):(\d+): (warning|error): (.*)$")


def tidy(src, flags):
    cmd = ["clang-tidy", "--quiet",
           "--config-file=" + os.path.join(cs.ROOT, ".clang-tidy"), src, "--"] + flags
    try:
        p = subprocess.run(cmd, cwd=cs.ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, errors="replace",
                           timeout=300)
    except subprocess.TimeoutExpired:
        return src, -1, ["clang-tidy timed out after 300 s"]
    found = []
    for line in (p.stdout + p.stderr).splitlines():
        m = FINDING.match(line)
        if m:
            found.append(f"{os.path.relpath(m.group(1), cs.ROOT)}:{m.group(2)}:"
                         f"{m.group(3)}: {m.group(5)}")
    if p.returncode != 0 and not found:
        found.append(f"clang-tidy exited {p.returncode}: {p.stderr.strip()[-500:]}")
    return src, p.returncode, found


def main():
    t = Tap()
    tap = t.ok

    if not cs.installed(t, "clang-tidy"):
        return t.plan()
    tap(os.path.exists(os.path.join(cs.ROOT, ".clang-tidy")), ".clang-tidy exists")
    flags = cs.compile_flags()
    srcs = cs.sources()
    jobs = int(os.environ.get("CLANG_TIDY_JOBS", str(min(4, os.cpu_count() or 1))))
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        results = list(ex.map(lambda s: tidy(s, flags), srcs))
    clean = 0
    for src, rc, found in results:
        clean += not found
        # Dedupe (a header finding repeats per includer only in its TU).
        found = list(dict.fromkeys(found))
        tap(not found, f"clang-tidy: {cs.rel(src)}: {len(found)} findings", found)
    cs.write_summary(t, "clang_tidy", clean, len(srcs))
    return t.plan()


if __name__ == "__main__":
    sys.exit(main())
