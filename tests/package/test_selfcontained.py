#!/usr/bin/python3
"""A fresh clone needs nothing beside it: no tracked file names the
team's notes folder beside the checkout or the variable that once
pointed at it, and the specification data the fakes read is in
tests/data with its licence and source (tests/data/README.md)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
from tests.lib.tap import Tap  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Spelled in pieces so this file does not name what it looks for.
FORBIDDEN = ["../" + "shared", "PORT_ACM_" + "SHARED", "/work/" + "shared"]

T = Tap()


def tracked():
    p = subprocess.run(["git", "-C", ROOT, "ls-files", "-z"],
                       capture_output=True, check=True)
    return [f for f in p.stdout.decode().split("\0") if f]


def main():
    files = tracked()
    T.ok(len(files) > 100, "git ls-files lists the tree", str(len(files)))
    hits = []
    for f in files:
        path = os.path.join(ROOT, f)
        if not os.path.isfile(path):
            continue
        with open(path, "rb") as fh:
            data = fh.read()
        for word in FORBIDDEN:
            if word.encode() in data:
                hits.append(f"{f}: {word}")
    T.ok(not hits, "no tracked file names a folder outside the repository",
         "\n".join(hits))
    # The check can fail: the same scan finds a planted name.
    T.ok(any(w.encode() in ("x " + FORBIDDEN[0] + "/docs").encode()
             for w in FORBIDDEN), "the scan finds a planted name")
    data = os.path.join(ROOT, "tests", "data")
    for rel in ("README.md", "botocore/LICENSE.txt", "botocore/NOTICE",
                "botocore/README.md", "port-openapi/README.md",
                "aws-partitions.json",
                "botocore/acm/2015-12-08/service-2.json",
                "botocore/sts/2011-06-15/service-2.json",
                "botocore/route53/2013-04-01/service-2.json"):
        T.ok(os.path.isfile(os.path.join(data, rel)) and rel in files_rel(files),
             f"tests/data/{rel} is tracked")
    T.done()


def files_rel(files):
    return {f[len("tests/data/"):] for f in files if f.startswith("tests/data/")}


if __name__ == "__main__":
    main()
