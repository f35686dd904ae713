#!/usr/bin/python3
"""What the README promises, the binary and action.yml say too (issue 9):
--help names every input (as a flag, or as input-only) and every
environment variable of the README's tables, with the same defaults; the
README's Inputs table lists exactly action.yml's inputs and its Outputs
table exactly action.yml's outputs; the exit codes in --help are the
README's; the README's tables render (no line break inside a row)."""
import json
import os
import re
import subprocess
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("PORT_ACM_ROOT") or os.path.dirname(os.path.dirname(HERE))
BIN = os.environ.get("PORT_ACM_BIN") or os.path.join(ROOT, "build", "port-acm")
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from tap import Tap  # noqa: E402

T = Tap()
FLAG_ALIASES = {"aws_region": "region"}       # input -> flag name
NOT_FLAGS = {"operation", "port_client_id", "port_client_secret"}
RUNNER_VARS = {"GITHUB_ACTIONS", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY",
               "GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID",
               "GITHUB_RUN_ATTEMPT"}

with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
    README = f.read()
with open(os.path.join(ROOT, "action.yml"), encoding="utf-8") as f:
    ACTION = yaml.safe_load(f)
HELP = subprocess.run([BIN, "--help"], capture_output=True, text=True).stdout


def section(title):
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.S | re.M)
    return m.group(1) if m else ""


def table(title):
    """Rows (lists of cells) of the first table in a README section."""
    rows = [ln for ln in section(title).split("\n") if ln.startswith("|")]
    return [[c.strip() for c in re.split(r"(?<!\\)\|", r)[1:-1]] for r in rows[2:]]


def names(cell):
    return re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)`", cell)


# -------------------------------------------------------------- tables render

bad = []
for i, ln in enumerate(README.split("\n")):
    if ln.startswith("|") and not ln.rstrip().endswith("|"):
        bad.append(f"line {i + 1}: {ln[:60]}")
T.ok(not bad, "every README table row is one line (starts and ends with |)",
     "\n".join(bad))

# ------------------------------------------------------------------ inputs

inputs = table("Inputs")
readme_inputs = {names(r[0])[0]: r for r in inputs if names(r[0])}
T.eq(sorted(readme_inputs), sorted(ACTION["inputs"]),
     "README's Inputs table lists exactly action.yml's inputs")
help_flags = set(re.findall(r"^\s+--([a-z][a-z-]*)", HELP, re.M))
want_flags = {FLAG_ALIASES.get(k, k).replace("_", "-") for k in ACTION["inputs"]
              if k not in NOT_FLAGS}
T.eq(sorted(help_flags), sorted(want_flags),
     "--help lists a flag for every input but operation and the Port secrets")
for k in ("port_client_id", "port_client_secret"):
    T.ok(k in HELP, f"--help says {k} is input/environment only")

# Defaults: what --help says after "default" must be in the README's cell.
for m in re.finditer(r"^\s+--([a-z-]+)(.*(?:\n {20,}.*)*)", HELP, re.M):
    flag, text = m.group(1), " ".join(m.group(2).split())
    d = re.search(r"default:? ([^;,(]+)", text)
    if not d:
        continue
    key = {v: k for k, v in FLAG_ALIASES.items()}.get(flag, flag.replace("-", "_"))
    row = readme_inputs.get(key)
    want = d.group(1).strip().rstrip(".")
    words = [w for w in re.findall(r"[A-Za-z0-9_./:-]{2,}", want)
             if w not in ("the", "else", "from", "derived", "Port", "run", "id", "EU")]
    T.ok(row is not None and all(w in row[1] + " " + row[2] for w in words),
         f"--{flag}: --help's default ({want}) is the README's", row)

# ------------------------------------------------------------------ outputs

outs = table("Outputs")
T.eq(sorted(names(r[0])[0] for r in outs if names(r[0])), sorted(ACTION["outputs"]),
     "README's Outputs table lists exactly action.yml's outputs")

vr_readme = next((r for r in outs if names(r[0]) == ["validation_records"]), ["", ""])
fields = set(re.findall(r"\{([a-z, ]+)\}", vr_readme[1])[0].replace(" ", "").split(",")) \
    if re.search(r"\{[a-z, ]+\}", vr_readme[1]) else set()
desc = ACTION["outputs"]["validation_records"]["description"]
m = re.search(r"\{([a-z, ]+)\}", desc)
T.eq(set(m.group(1).replace(" ", "").split(",")) if m else set(), fields,
     "action.yml's validation_records fields are the README's")
with open(os.path.join(ROOT, "src", "ops", "op_common.c"), encoding="utf-8") as f:
    src = f.read()
body = src[src.index("op_records("):]
body = body[:body.index("\n}\n")]
made = set(re.findall(r'cJSON_Add\w+ToObject\(rec, "(\w+)"', body))
T.eq(made, fields, "and they are the fields op_records writes")

# --------------------------------------------------------------------- IAM

for p in sorted(os.listdir(os.path.join(ROOT, "examples", "iam"))):
    with open(os.path.join(ROOT, "examples", "iam", p), encoding="utf-8") as f:
        pol = yaml.safe_load(f)
    # Only actions IAM defines without a resource type may use "*": ACM's
    # List calls and Route 53's ListHostedZonesByName (and STS's
    # GetCallerIdentity); every other one is scoped.
    unscoped = ("acm:List", "route53:ListHostedZonesByName",
                "sts:GetCallerIdentity")
    wild = [a for st in pol.get("Statement", [])
            if st.get("Effect") == "Allow" and st.get("Resource") == "*"
            for a in ([st["Action"]] if isinstance(st.get("Action"), str)
                      else st.get("Action", []))
            if not a.startswith(unscoped)]
    T.eq(wild, [], f"examples/iam/{p}: every action with a resource type is "
         "scoped (certificate/*, hostedzone/<zone-id>, change/*)")

# The Route 53 policy lets port-acm write nothing but ACM's validation
# CNAMEs (issue 11): the three condition keys on ChangeResourceRecordSets.
with open(os.path.join(ROOT, "examples", "iam", "route53.json"),
          encoding="utf-8") as f:
    R53 = json.load(f)
crr = [st for st in R53["Statement"]
       if st.get("Action") == "route53:ChangeResourceRecordSets"]
T.eq(len(crr), 1, "route53.json: one ChangeResourceRecordSets statement")
cond = crr[0].get("Condition", {}) if crr else {}
eq = cond.get("ForAllValues:StringEquals", {})
T.eq(eq.get("route53:ChangeResourceRecordSetsRecordTypes"), ["CNAME"],
     "route53.json: only CNAME records")
T.ok(set(eq.get("route53:ChangeResourceRecordSetsActions", [])) <=
     {"UPSERT", "DELETE"} and eq.get("route53:ChangeResourceRecordSetsActions"),
     "route53.json: only UPSERT and DELETE")
names = cond.get("ForAllValues:StringLike", {}).get(
    "route53:ChangeResourceRecordSetsNormalizedRecordNames", [])
T.ok(names and all(n.startswith("_") for n in names),
     "route53.json: only ACM's underscore-prefixed record names")
T.ok(str(crr[0].get("Resource", "")).startswith("arn:aws:route53:::hostedzone/")
     if crr else False, "route53.json: writes scoped to a hosted zone")

# -------------------------------------------------------------- environment

env_rows = table("Environment")
ENV_NAME = r"\b(?:AWS|PORT|GITHUB|SSL|HTTPS|NO|ACTIONS)_[A-Z0-9_]*[A-Z0-9]\b"
readme_env = set()
for r in env_rows:
    readme_env |= set(re.findall(ENV_NAME, r[0].replace("`/`_TOKEN", "`ACTIONS_ID_TOKEN_REQUEST_TOKEN")
                                 .replace("(_FILE)", " AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")))
help_env = set(re.findall(ENV_NAME, HELP))
T.eq(sorted(readme_env - help_env), [], "every README environment variable is in --help")
T.eq(sorted(help_env - readme_env), [], "every --help environment variable is in the README")
T.ok({"HTTPS_PROXY", "NO_PROXY"} <= readme_env, "HTTPS_PROXY and NO_PROXY are documented")

# --------------------------------------------------------------- exit codes

readme_codes = set()
for r in table("Exit codes"):
    readme_codes |= {int(c) for c in re.findall(r"\d+", r[0])}
help_codes = {int(c) for c in re.findall(
    r"\b(\d+)(?=[ /])", HELP.split("exit status:", 1)[-1]) if int(c) < 256}
T.eq(sorted(help_codes), sorted(readme_codes), "--help's exit codes are the README's")

# ------------------------------------------------------- set-up profiles

def listed(profile):
    r = subprocess.run(["sh", os.path.join(ROOT, "scripts", "setup.sh"), "--list", profile],
                       capture_output=True, text=True)
    return set(r.stdout.split()) if r.returncode == 0 else None


demo, full = listed("demo"), listed("test")
T.ok(demo is not None and full is not None and demo < full,
     "setup.sh: the demo profile is a strict subset of the test profile")
heavy = {"podman", "valgrind", "clang-tidy", "cppcheck", "nodejs", "awscli", "debootstrap"}
T.eq(sorted((demo or set()) & heavy), [], "the demo profile installs no test-only tool")
with open(os.path.join(ROOT, "Makefile"), encoding="utf-8") as f:
    mk = f.read()
demo_rule = re.search(r"^demo:.*?(?=^\S|\Z)", mk, re.S | re.M)
T.ok(demo_rule and "setup.sh demo" in demo_rule.group(0)
     and not re.match(r"demo:.*\bsetup\b", demo_rule.group(0)),
     "make demo runs the demo profile, not the full set-up", demo_rule and demo_rule.group(0))
scripts = [os.path.join(ROOT, "scripts", f) for f in os.listdir(os.path.join(ROOT, "scripts"))
           if f.endswith(".sh")]
writes_etc = []
for f in scripts:
    with open(f, encoding="utf-8") as fh:
        for n, ln in enumerate(fh, 1):
            if re.search(r"(>|\bcp\b|\btee\b|\bmv\b|\bmkdir\b|\bsed -i\b)[^#\n]*\s/etc/", ln):
                writes_etc.append(f"{os.path.basename(f)}:{n}: {ln.strip()}")
T.eq(writes_etc, [], "no script writes under /etc (per-invocation settings instead)")

# ------------------------------------------------- figures come from targets

outside = README
for name in ("bench", "reliability"):
    b = f"<!-- figures:{name} begin: written by scripts/readme_figures.py {name} -->"
    e = f"<!-- figures:{name} end -->"
    i, j = README.find(b), README.find(e)
    T.ok(0 <= i < j, f"README has the generated {name} figures block")
    if 0 <= i < j:
        outside = outside.replace(README[i:j], "")
stale = re.findall(r"[\d,]{5,} bytes|\d+(?:\.\d+)? ?M executions|\d+/\d+ (?:cases|refused)",
                   outside)
T.eq(stale, [], "no measured figure is written by hand outside the generated blocks")

import tempfile  # noqa: E402
with tempfile.TemporaryDirectory() as tmp:
    os.makedirs(os.path.join(tmp, "build", "reliability"))
    with open(os.path.join(tmp, "build", "bench.md"), "w") as f:
        f.write("# bench\n\n| operation | wall |\n|---|---|\n| request | 1.0 ms |\n\n"
                "| binary `build/static/port-acm` ≤ 1,000,000 bytes | 654,321 bytes | pass |\n"
                "\n## Route 53 path\n\n| calls per request | count |\n|---|---|\n"
                "| ChangeResourceRecordSets | 2 |\n"
                "\nAll targets met.\n")
    with open(os.path.join(tmp, "build", "bench-sync.md"), "w") as f:
        f.write("## port-acm sync at scale\n\n| Measure | Value |\n|---|---|\n"
                "| ListCertificates calls | 30 |\n")
    with open(os.path.join(tmp, "build", "reliability", "fault.json"), "w") as f:
        json.dump({"suite": "fault", "kind": "fault", "passed": 7, "failed": 0, "total": 7,
                   "summary": "7/7", "extra": {}}, f)
    rd = os.path.join(tmp, "README.md")
    with open(rd, "w") as f:
        f.write("x\n<!-- figures:bench begin: written by scripts/readme_figures.py bench -->\n"
                "old\n<!-- figures:bench end -->\ny\n"
                "<!-- figures:reliability begin: written by scripts/readme_figures.py "
                "reliability -->\nold\n<!-- figures:reliability end -->\nz\n")
    gen = os.path.join(ROOT, "scripts", "readme_figures.py")
    ok = all(subprocess.run([sys.executable, gen, w, "--readme", rd,
                             "--build", os.path.join(tmp, "build")],
                            capture_output=True).returncode == 0
             for w in ("bench", "reliability"))
    with open(rd) as f:
        got = f.read()
    T.ok("**Route 53 path**" in got and "| ChangeResourceRecordSets | 2 |" in got
         and "**port-acm sync at scale**" in got and "| ListCertificates calls | 30 |" in got,
         "readme_figures.py carries the Route 53 and sync tables under their headings", got)
    T.ok(ok and "| request | 1.0 ms |" in got and "static binary 654,321 bytes" in got
         and "7/7" in got and "old" not in got and got.startswith("x\n")
         and "\ny\n" in got and got.endswith("z\n"),
         "readme_figures.py rewrites both blocks from build/ and nothing else", got)

sys.exit(T.done())
