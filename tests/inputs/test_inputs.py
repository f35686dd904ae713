#!/usr/bin/python3
"""One table of inputs (issue 17): the table in src/input/inputs.c, the
inputs of action.yml and what --help lists are the same inputs, with the
same flags and defaults, and every flag of the table is one the parser
takes. dump_inputs.c prints the table (linked against the build's
libportacm.a); action.yml is read with PyYAML."""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("PORT_ACM_ROOT") or os.path.dirname(os.path.dirname(HERE))
BIN = os.environ.get("PORT_ACM_BIN") or os.path.join(ROOT, "build", "port-acm")
DEPS = os.path.join(ROOT, "build", "deps")
LIB = os.path.join(ROOT, "build", "libportacm.a")
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from tap import Tap  # noqa: E402

T = Tap()


def table():
    with tempfile.TemporaryDirectory() as d:
        exe = os.path.join(d, "dump_inputs")
        cmd = [os.environ.get("CC", "cc"), "-std=c11", "-D_POSIX_C_SOURCE=200809L",
               "-I" + os.path.join(ROOT, "src"), "-I" + os.path.join(DEPS, "include"),
               os.path.join(HERE, "dump_inputs.c"), LIB, "-L" + os.path.join(DEPS, "lib"),
               "-lcurl", "-lmbedtls", "-lmbedx509", "-lmbedcrypto", "-lcjson", "-lexpat", "-lcares",
               "-lpthread", "-lm", "-o", exe]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if not T.ok(p.returncode == 0, "dump_inputs builds against build/libportacm.a",
                    p.stderr):
            return None
        return json.loads(subprocess.run([exe], capture_output=True, text=True,
                                         check=True).stdout)


rows = table() if os.path.exists(LIB) else None
if rows is None:
    T.ok(False, "the input table could be read (run make first)")
    T.done()

with open(os.path.join(ROOT, "action.yml"), encoding="utf-8") as f:
    ACTION = yaml.safe_load(f)["inputs"]
HELP = subprocess.run([BIN, "--help"], capture_output=True, text=True).stdout
by_name = {r["name"]: r for r in rows}

T.eq(len(by_name), len(rows), "every input is one row (no name twice)")
T.eq(sorted(by_name), sorted(ACTION), "the table's inputs are action.yml's inputs")
T.ok(all(r["rule"] for r in rows), "every row has a rule (its validator)")
T.ok(all(r["ops"] for r in rows), "every row says which operations take it")

# --help: made from the table, so every flag and every flag-less input.
help_flags = set(re.findall(r"^\s+--([a-z][a-z-]*)", HELP, re.M))
T.eq(sorted(help_flags), sorted(r["flag"].replace("_", "-") for r in rows if r["flag"]),
     "--help lists exactly the table's flags")
only = re.search(r"input or environment only, never a flag: ([a-z_, ]+)\.", HELP)
T.eq(sorted(only.group(1).split(", ")) if only else [],
     sorted(r["name"] for r in rows if not r["flag"] and r["name"] != "operation"),
     "--help names the inputs that are no flag (secrets), from the table")
T.ok("request|renew|delete|sync" in HELP, "--help shows the operation as the first word")

# Defaults: where action.yml gives one, the table's is the same.
for name, spec in sorted(ACTION.items()):
    want = spec.get("default")
    if want in (None, ""):
        continue
    T.eq(by_name.get(name, {}).get("default"), str(want),
         f"{name}: the table's default is action.yml's ({want})")

# The parser takes every flag of the table (a bad value is refused by
# the input's rule, never as an unknown option).
unknown = []
for r in rows:
    if not r["flag"]:
        continue
    flag = "--" + r["flag"].replace("_", "-")
    op = r["ops"][0]
    p = subprocess.run([BIN, op, flag, "\x01bad"], capture_output=True, text=True,
                       env={"PATH": os.environ.get("PATH", "")}, timeout=30)
    if "unknown option" in p.stdout + p.stderr:
        unknown.append(flag)
T.eq(unknown, [], "the parser takes every flag of the table")

# And an input of the table is read as INPUT_<NAME>.
p = subprocess.run([BIN, "request"], capture_output=True, text=True, timeout=30,
                   env={"PATH": os.environ.get("PATH", ""),
                        "INPUT_DOMAIN_NAME": "bad..name", "AWS_REGION": "us-east-1"})
T.ok("domain_name" in p.stdout + p.stderr and p.returncode == 2,
     "INPUT_DOMAIN_NAME reaches domain_name's rule", p.stdout + p.stderr)

T.done()
