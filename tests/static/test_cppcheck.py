#!/usr/bin/python3
"""cppcheck on src/: one TAP line per src/*.c (and one for the headers);
a line fails when cppcheck reports anything in that file.

Checks enabled: warning, style, performance, portability (not
"information"). Suppressed, with reasons in tests/static/cppcheck.supp.
Writes build/reliability/cppcheck.json.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common_static as cs  # noqa: E402
from common_static import Tap  # noqa: E402


def main():
    t = Tap()
    tap = t.ok

    if not cs.installed(t, "cppcheck"):
        return t.plan()
    srcs = cs.sources()
    cmd = ["cppcheck", "--std=c11", "--language=c", "--quiet", "--inline-suppr",
           "--enable=warning,style,performance,portability",
           "--suppressions-list=" + os.path.join(cs.ROOT, "tests/static/cppcheck.supp"),
           "--template={file}:{line}:{column}: {severity} [{id}] {message}",
           "-D__GNUC__", "-D__linux__", "-D__x86_64__",
           "-D_POSIX_C_SOURCE=200809L", "-D_DEFAULT_SOURCE", "-DCURL_STATICLIB",
           '-DPORT_ACM_VERSION="static"',
           "-I", os.path.join(cs.ROOT, "src"),
           "-I", os.path.join(cs.ROOT, "build/deps/include"),
           "-j", str(min(4, os.cpu_count() or 1))] + [cs.rel(s) for s in srcs]
    p = subprocess.run(cmd, cwd=cs.ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, errors="replace", timeout=600)
    byfile = {}
    other = []
    for line in p.stdout.splitlines():
        m = re.match(r"^([^:\s]+):(\d+):(\d+): (.*)$", line)
        if m:
            byfile.setdefault(os.path.relpath(os.path.join(cs.ROOT, m.group(1)), cs.ROOT),
                              []).append(line)
        elif line.strip():
            other.append(line)
    tap(p.returncode == 0 and not other, "cppcheck ran", other[-20:])
    clean = 0
    for s in srcs:
        found = byfile.pop(cs.rel(s), [])
        clean += not found
        tap(not found, f"cppcheck: {cs.rel(s)}: {len(found)} findings", found)
    rest = [f for k in sorted(byfile) for f in byfile[k] if not k.startswith("build/")]
    tap(not rest, f"cppcheck: headers and other files: {len(rest)} findings", rest)
    cs.write_summary(t, "cppcheck", clean, len(srcs))
    return t.plan()


if __name__ == "__main__":
    sys.exit(main())
