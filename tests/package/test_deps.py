#!/usr/bin/python3
"""What we ship is what Debian patched: for each library in scripts/pins,
  * `port-acm --version` names the upstream version the library reports
    and the Debian revision it was built from;
  * every CVE patch of the package's debian/patches/series is applied in
    the patched tree under build/src/ (the reversed patch applies
    cleanly, and dpkg-source recorded it), and a planted unapplied patch
    is caught by the same check;
  * the tree each build compiled (build/work-*/) holds the same .c and .h
    files as that patched tree, byte for byte (our Mbed TLS config aside).
"""
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
from tests.lib.tap import Tap  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("PORT_ACM_BIN") or os.path.join(ROOT, "build", "port-acm")
SRC = os.path.join(ROOT, "build", "src")
NAMES = {"curl": "curl", "mbedtls": "Mbed TLS", "cjson": "cJSON",
         "expat": "expat", "c-ares": "c-ares"}
# Files we replace on purpose: the trimmed Mbed TLS config (scripts/).
OURS = {"mbedtls": {"include/mbedtls/mbedtls_config.h"}}

T = Tap()


def pins():
    """package -> (upstream, debian revision, [files])"""
    out = {}
    with open(os.path.join(ROOT, "scripts", "pins")) as f:
        for line in f:
            w = line.split()
            if not w or w[0].startswith("#"):
                continue
            up, deb = w[1], w[2]
            out.setdefault(w[0], (up, deb, []))[2].append(w[4])
    return out


def pin_suite(pkg):
    with open(os.path.join(ROOT, "scripts", "pins")) as f:
        for line in f:
            w = line.split()
            if w and w[0] == pkg:
                return w[3]
    return None


def tree(pkg, up, deb):
    return os.path.join(SRC, f"{pkg}-{deb}", f"{pkg}-{up}")


def series(t):
    with open(os.path.join(t, "debian", "patches", "series")) as f:
        return [ln.split()[0] for ln in f
                if ln.strip() and not ln.startswith("#")]


def forward(pkg, up, deb, fs, dest, patches=True):
    """Our own patched tree, independent of dpkg-source: the .orig tarball
    unpacked with tar into dest, then (if patches) the .debian tarball and
    each patch of its series applied with patch(1), without fuzz. Returns
    (tree, {patch: applied cleanly})."""
    files = os.path.join(SRC, "files")
    orig = next(f for f in fs if ".orig.tar." in f and not f.endswith(".asc"))
    subprocess.run(["tar", "-xf", os.path.join(files, orig), "-C", dest],
                   check=True)
    top = [d for d in os.listdir(dest)]
    t = os.path.join(dest, top[0])
    ok = {}
    if not patches:
        return t, ok
    debian = next(f for f in fs if ".debian.tar." in f)
    subprocess.run(["tar", "-xf", os.path.join(files, debian), "-C", t],
                   check=True)
    for patch in series(t):
        p = subprocess.run(["patch", "-p1", "-F0", "-f", "-s",
                            "--no-backup-if-mismatch", "-i",
                            os.path.join(t, "debian", "patches", patch)],
                           cwd=t, capture_output=True, text=True)
        ok[patch] = p.returncode == 0
    return t, ok


def differ(a, b, names):
    _, mismatch, errors = filecmp.cmpfiles(a, b, sorted(names), shallow=False)
    return mismatch + errors


def sources(t):
    out = set()
    for d, dirs, fs in os.walk(t):
        dirs[:] = [x for x in dirs if x not in (".pc", "debian", "tests",
                                                "docs", "testdata")]
        for f in fs:
            if f.endswith((".c", ".h")):
                out.add(os.path.relpath(os.path.join(d, f), t))
    return out


def main():
    P = pins()
    T.ok(set(P) == set(NAMES), "scripts/pins pins curl, Mbed TLS, cJSON, expat and c-ares",
         str(sorted(P)))
    for pkg, (up, deb, fs) in P.items():
        kinds = {re.sub(r"^.*?(\.dsc|\.orig\.tar\.\w+(\.asc)?|\.debian\.tar\.\w+)$",
                        r"\1", f) for f in fs}
        T.ok(".dsc" in kinds and any(k.startswith(".debian.") for k in kinds)
             and any(k.startswith(".orig.") for k in kinds),
             f"{pkg}: its .dsc, .orig and .debian tarballs are pinned", str(fs))

    out = subprocess.run([BIN, "--version"], capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin"}).stdout.splitlines()
    version = open(os.path.join(ROOT, "VERSION")).read().strip()
    T.ok(out[:1] == [f"port-acm {version}"], "--version's first line is port-acm's",
         str(out[:1]))
    for pkg, (up, deb, _) in P.items():
        want = f"{NAMES[pkg]} {up} (Debian {deb})"
        T.ok(want in out, f"--version names {want}", "\n".join(out))
    T.ok(len(out) == 1 + len(P), "--version: one line per library", "\n".join(out))

    # The dependency tables of the README and the development guide say
    # the same as the pins.
    for doc in ("README.md", os.path.join("docs", "development.md")):
        with open(os.path.join(ROOT, doc)) as f:
            rows = [ln for ln in f if ln.startswith("| ")]
        for pkg, (up, deb, fs) in P.items():
            suite = pin_suite(pkg)
            want = f"| {up} | {deb} | {suite} |"
            T.ok(any(r.startswith(f"| {NAMES[pkg]}") and want in r for r in rows),
                 f"{doc}: the dependency table names {NAMES[pkg]} {up}, "
                 f"Debian {deb} ({suite})")

    for pkg, (up, deb, _) in P.items():
        t = tree(pkg, up, deb)
        if not T.ok(os.path.isdir(t), f"{pkg}: patched tree in build/src", t):
            continue
        s = series(t)
        T.ok(len(s) > 0, f"{pkg}: Debian's series has patches", str(s))
        with open(os.path.join(t, ".pc", "applied-patches")) as f:
            recorded = f.read().split()
        T.ok(recorded == s, f"{pkg}: dpkg-source applied the whole series",
             f"{recorded} vs {s}")
        with tempfile.TemporaryDirectory() as d:
            mine, ok = forward(pkg, up, deb, P[pkg][2], d)
            for patch in s:
                if "CVE" in patch.upper():
                    T.ok(ok.get(patch), f"{pkg}: {patch} applies to the release")
            want = sources(t) | sources(mine)
            bad = differ(t, mine, want)
            T.ok(not bad, f"{pkg}: build/src holds the release with Debian's "
                 f"series applied ({len(want)} .c/.h files compared)", str(bad[:5]))
        for work in sorted(os.listdir(os.path.join(ROOT, "build"))):
            w = os.path.join(ROOT, "build", work, f"{pkg}-{up}")
            if not work.startswith("work-") or not os.path.isdir(w):
                continue
            want = sources(t) - OURS.get(pkg, set())
            _, mismatch, errors = filecmp.cmpfiles(t, w, sorted(want),
                                                   shallow=False)
            T.ok(not mismatch and not errors,
                 f"{pkg}: build/{work} compiled Debian's patched sources "
                 f"({len(want)} .c/.h files)", str(mismatch[:5] + errors[:5]))

    # The comparison can fail: the unpatched release differs from the
    # patched tree in the files Debian's patches change.
    up, deb, fs = P["cjson"]
    t = tree("cjson", up, deb)
    with tempfile.TemporaryDirectory() as d:
        plain, _ = forward("cjson", up, deb, fs, d, patches=False)
        bad = differ(t, plain, sources(t))
        T.ok("cJSON.c" in bad, "self-check: an unpatched cJSON.c is caught",
             str(bad))
    T.done()


if __name__ == "__main__":
    main()
