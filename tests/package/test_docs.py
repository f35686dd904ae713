"""What the README and docs/ promise, the binary, action.yml and the
examples say too (issues 9 and 15): --help names every input (as a flag,
or as input-only) and every environment variable of docs/reference.md,
with the same defaults; the reference lists exactly action.yml's inputs
and outputs; the exit codes in --help are the reference's and the
README's; every relative link in README.md and docs/*.md resolves; every
example named exists; the README stays a front page (at most 350 lines)
with one complete workflow that matches the Port action it serves;
every port-acm step shown has credentials and only real inputs; the
version pinned is VERSION; the tables render (no line break inside a
row); the measured figures are generated (docs/performance.md)."""
import glob
import json
import os
import re
import subprocess
import sys
import textwrap

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("PORT_ACM_ROOT") or os.path.dirname(os.path.dirname(HERE))
BIN = os.environ.get("PORT_ACM_BIN") or os.path.join(ROOT, "build", "port-acm")
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from tap import Tap  # noqa: E402

T = Tap()
FLAG_ALIASES = {"aws_region": "region"}       # input -> flag name
NOT_FLAGS = {"operation", "port_client_id", "port_client_secret"}
README_MAX_LINES = 350


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


README = read("README.md")
DOCS = {"README.md": README}
for _f in sorted(glob.glob(os.path.join(ROOT, "docs", "*.md"))):
    DOCS[os.path.relpath(_f, ROOT)] = read(os.path.relpath(_f, ROOT))
REF = DOCS.get("docs/reference.md", "")
PERF_DOC = "docs/performance.md"
with open(os.path.join(ROOT, "action.yml"), encoding="utf-8") as f:
    ACTION = yaml.safe_load(f)
with open(os.path.join(ROOT, "VERSION"), encoding="utf-8") as f:
    VERSION = f.read().strip()
HELP = subprocess.run([BIN, "--help"], capture_output=True, text=True).stdout


def src_file(name):
    """A file of src/, wherever the layer folders put it."""
    hits = sorted(glob.glob(os.path.join(ROOT, "src", "**", name), recursive=True))
    return hits[0] if hits else os.path.join(ROOT, "src", name)


def section(title, text=None):
    text = REF if text is None else text
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    return m.group(1) if m else ""


def table(title, text=None):
    """Rows (lists of cells) of the first table in a section."""
    rows = [ln for ln in section(title, text).split("\n") if ln.startswith("|")]
    return [[c.strip() for c in re.split(r"(?<!\\)\|", r)[1:-1]] for r in rows[2:]]


def names(cell):
    return re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)`", cell)


def slug(heading):
    """GitHub's anchor for a heading."""
    h = re.sub(r"[`*_]", lambda m: "_" if m.group(0) == "_" else "", heading.strip().lower())
    h = re.sub(r"[^\w\- ]", "", h)
    return h.replace(" ", "-")


def code_blocks(text, lang):
    return re.findall(rf"^```{lang}\n(.*?)^```", text, re.S | re.M)


# ------------------------------------------------------------ the README

n_lines = README.count("\n")
T.ok(n_lines <= README_MAX_LINES, f"README.md is a front page: {n_lines} lines "
     f"(at most {README_MAX_LINES}; the reference lives in docs/)")
for page in ("reference", "operations", "route53", "sync", "credentials",
             "security", "performance", "development"):
    T.ok(f"docs/{page}.md" in DOCS and f"(docs/{page}.md" in README,
         f"docs/{page}.md exists and the README links to it")
T.ok("docs/modules.md" in README and "modules.md" in DOCS.get("docs/development.md", ""),
     "the README and the development guide link to the module map, docs/modules.md "
     "(its own check is the module map's)")

# ---------------------------------------------------------- tables render

bad = []
for name, text in DOCS.items():
    for i, ln in enumerate(text.split("\n")):
        if ln.startswith("|") and not ln.rstrip().endswith("|"):
            bad.append(f"{name}:{i + 1}: {ln[:60]}")
T.ok(not bad, "every table row in README.md and docs/ is one line (starts and ends with |)",
     "\n".join(bad))

# ------------------------------------------------------------------ links

anchors = {}
for name, text in DOCS.items():
    text_nc = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    anchors[name] = {slug(h) for h in re.findall(r"^#{1,6} (.+)$", text_nc, re.M)}
broken, pending = [], []
for name, text in DOCS.items():
    text_nc = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    for target in re.findall(r"\]\(([^)\s]+)\)", text_nc):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):
            continue  # https:, mailto:
        path, _, frag = target.partition("#")
        full = os.path.normpath(os.path.join(os.path.dirname(os.path.join(ROOT, name)),
                                             path)) if path else os.path.join(ROOT, name)
        rel_t = os.path.relpath(full, ROOT)
        if rel_t == "docs/modules.md" and not os.path.exists(full):
            pending.append(f"{name}: {target}")
            continue
        if not os.path.exists(full):
            broken.append(f"{name}: {target} (no {rel_t})")
        elif frag and rel_t in anchors and frag not in anchors[rel_t]:
            broken.append(f"{name}: {target} (no heading #{frag} in {rel_t})")
T.eq(broken, [], "every relative link in README.md and docs/*.md resolves (file and heading)")
if pending:
    T.skip("docs/modules.md is linked", "docs/modules.md lands with the layer-folder "
           "change (wt-house); links: " + "; ".join(pending))

# Every example or script a page names in backticks exists.
missing = []
for name, text in DOCS.items():
    for m in re.findall(r"`((?:examples|scripts|tests)/[A-Za-z0-9_./*-]+)`", text):
        if not glob.glob(os.path.join(ROOT, m.rstrip("/"))):
            missing.append(f"{name}: {m}")
T.eq(missing, [], "every examples/, scripts/ and tests/ path named in README.md and docs/ exists")

# ------------------------------------------------- versions that exist

pins = []
for name, text in list(DOCS.items()) + [
        (os.path.relpath(f, ROOT), open(f, encoding="utf-8").read())
        for f in sorted(glob.glob(os.path.join(ROOT, "examples", "**", "*.yml"), recursive=True))]:
    for m in re.finditer(r"port-acm@(v\d[\w.-]*)|port-acm:(\d[\w.-]*)", text):
        pins.append((name, m.group(1) or m.group(2)))
wrong = [f"{n}: {v}" for n, v in pins if v not in (f"v{VERSION}", VERSION)]
T.ok(pins and not wrong, f"every version pinned in README.md, docs/ and examples/ is "
     f"v{VERSION} / {VERSION} (the tag and image the release workflow creates for VERSION)",
     wrong)
rel_wf = read(".github/workflows/release.yml")
T.ok('git tag -a "v$VERSION"' in rel_wf and '-t "$IMAGE:$VERSION"' in rel_wf,
     "release.yml creates the tag v$VERSION and the image tag $VERSION the docs pin")

# --------------------------------------------- port-acm steps as shown

req_action = json.loads(read("examples/port/actions/request-certificate.json"))
sent = set(req_action["invocationMethod"]["integrationActionExecutionProperties"]
           ["workflowInputs"])
steps_seen, bad_steps = 0, []
complete = None
for name, text in DOCS.items():
    for block in code_blocks(text, "yaml"):
        if "port-acm@" not in block:
            continue
        try:
            doc = yaml.safe_load(textwrap.dedent(block))
        except yaml.YAMLError as e:
            bad_steps.append(f"{name}: a yaml block does not parse: {e}")
            continue
        if isinstance(doc, dict) and "jobs" in doc:
            if name == "README.md":
                complete = doc
            jobs = list(doc["jobs"].values())
            perms = [doc.get("permissions") or {}] + [j.get("permissions") or {} for j in jobs]
            steps = [s for j in jobs for s in j.get("steps", [])]
        elif isinstance(doc, dict):
            perms, steps = [doc.get("permissions") or {}], doc.get("steps") or []
        else:
            perms, steps = [{}], doc if isinstance(doc, list) else []
        for st in steps:
            if "port-acm@" not in str(st.get("uses", "")):
                continue
            steps_seen += 1
            w = st.get("with") or {}
            unknown = sorted(set(w) - set(ACTION["inputs"]))
            if unknown:
                bad_steps.append(f"{name}: {w.get('operation')}: unknown inputs {unknown}")
            if "role_to_assume" not in w:
                bad_steps.append(f"{name}: {w.get('operation')}: no role_to_assume "
                                 "(fails as pasted: no AWS credentials)")
            if not any((p or {}).get("id-token") == "write" for p in perms):
                bad_steps.append(f"{name}: {w.get('operation')}: no `permissions: "
                                 "id-token: write` for the OIDC credentials")
T.ok(steps_seen >= 5 and not bad_steps, f"every port-acm step shown ({steps_seen}) uses "
     "only action.yml's inputs and has OIDC credentials (role_to_assume, id-token: write)",
     bad_steps)
T.ok(complete is not None, "the README has one complete workflow (name, on, jobs)")
if complete:
    on = complete.get("on", complete.get(True)) or {}
    declared = set((on.get("workflow_dispatch") or {}).get("inputs") or {})
    T.eq(sorted(declared), sorted(sent), "the README's workflow declares exactly the "
         f"{len(sent)} inputs examples/port/actions/request-certificate.json sends")
    T.ok(re.search(rf"\b{len(sent)} workflow inputs", README),
         f"the README says Request sends {len(sent)} workflow inputs")
    step = next(s for j in complete["jobs"].values() for s in j.get("steps", [])
                if "port-acm@" in str(s.get("uses", "")))
    T.ok(step["with"].get("operation") == "request" and "dns_validation" in step["with"],
         "the README's workflow is a request with the Route 53 choice")
with open(os.path.join(ROOT, "examples", "workflows", "request-certificate.yml"),
          encoding="utf-8") as f:
    ex = yaml.safe_load(f)
if complete:
    ex_step = next(s for j in ex["jobs"].values() for s in j.get("steps", [])
                   if "port-acm@" in str(s.get("uses", "")))
    T.eq(step["with"], {**ex_step["with"], "role_to_assume": step["with"]["role_to_assume"]},
         "the README's workflow passes what examples/workflows/request-certificate.yml passes")

# Sync workflows: one step, like the others (port-acm's own credentials).
for p in sorted(glob.glob(os.path.join(ROOT, "examples", "workflows", "*.yml"))):
    text = open(p, encoding="utf-8").read()
    T.ok("configure-aws-credentials@" not in text and "role_to_assume:" in text
         and "getport.io" not in text,
         f"{os.path.relpath(p, ROOT)}: port-acm takes role_to_assume itself, "
         "no separate credentials step; api.port.io hosts")

# ------------------------------------------------------------------ inputs

inputs = table("Inputs")
readme_inputs = {names(r[0])[0]: r for r in inputs if names(r[0])}
T.eq(sorted(readme_inputs), sorted(ACTION["inputs"]),
     "docs/reference.md's Inputs table lists exactly action.yml's inputs")
help_flags = set(re.findall(r"^\s+--([a-z][a-z-]*)", HELP, re.M))
want_flags = {FLAG_ALIASES.get(k, k).replace("_", "-") for k in ACTION["inputs"]
              if k not in NOT_FLAGS}
T.eq(sorted(help_flags), sorted(want_flags),
     "--help lists a flag for every input but operation and the Port secrets")
for k in ("port_client_id", "port_client_secret"):
    T.ok(k in HELP, f"--help says {k} is input/environment only")

# Defaults: what --help says after "default" must be in the reference's cell.
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
         f"--{flag}: --help's default ({want}) is docs/reference.md's", row)

# ------------------------------------------------------------------ outputs

outs = table("Outputs")
T.eq(sorted(names(r[0])[0] for r in outs if names(r[0])), sorted(ACTION["outputs"]),
     "docs/reference.md's Outputs table lists exactly action.yml's outputs")

vr_readme = next((r for r in outs if names(r[0]) == ["validation_records"]), ["", ""])
fields = set(re.findall(r"\{([a-z, ]+)\}", vr_readme[1])[0].replace(" ", "").split(",")) \
    if re.search(r"\{[a-z, ]+\}", vr_readme[1]) else set()
desc = ACTION["outputs"]["validation_records"]["description"]
m = re.search(r"\{([a-z, ]+)\}", desc)
T.eq(set(m.group(1).replace(" ", "").split(",")) if m else set(), fields,
     "action.yml's validation_records fields are docs/reference.md's")
with open(src_file("op_common.c"), encoding="utf-8") as f:
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
    # GetCallerIdentity, the Tagging API's GetResources); every other
    # one is scoped.
    unscoped = ("acm:List", "route53:ListHostedZonesByName",
                "sts:GetCallerIdentity", "organizations:ListAccounts",
                "tag:GetResources")
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
T.eq(sorted(readme_env - help_env), [], "every docs/reference.md environment variable is in --help")
T.eq(sorted(help_env - readme_env), [], "every --help environment variable is in docs/reference.md")
T.ok({"HTTPS_PROXY", "NO_PROXY"} <= readme_env, "HTTPS_PROXY and NO_PROXY are documented")

# --------------------------------------------------------------- exit codes

readme_codes = set()
for r in table("Exit codes"):
    readme_codes |= {int(c) for c in re.findall(r"\d+", r[0])}
help_codes = {int(c) for c in re.findall(
    r"\b(\d+)(?=[ /])", HELP.split("exit status:", 1)[-1]) if int(c) < 256}
T.eq(sorted(help_codes), sorted(readme_codes), "--help's exit codes are docs/reference.md's")
T.eq(table("Exit codes", README), table("Exit codes"),
     "the README's Exit codes table is docs/reference.md's, row for row")

# stdout as docs/reference.md describes it: a done:/failed: summary,
# name=value lines, a last console= line (main.c, publish()).
with open(src_file("main.c"), encoding="utf-8") as f:
    main_c = f.read()
out = section("Standard output and standard error")
T.ok(all(x in main_c for x in ('"done:"', '"failed:"', '"console=%s\\n"', '"%s=%s\\n"'))
     and all(x in out for x in ("`done: `", "`failed: `", "`console=<URL>`", "`name=value`")),
     "docs/reference.md describes stdout as main.c writes it (done:/failed:, name=value, "
     "console=)")

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

PERF = DOCS.get(PERF_DOC, "")
for name in ("bench", "reliability"):
    b = f"<!-- figures:{name} begin: written by scripts/readme_figures.py {name} -->"
    e = f"<!-- figures:{name} end -->"
    i, j = PERF.find(b), PERF.find(e)
    T.ok(0 <= i < j, f"{PERF_DOC} has the generated {name} figures block")
stale = []
for doc_name, text in DOCS.items():
    outside = text
    for name in ("bench", "reliability"):
        b = f"<!-- figures:{name} begin: written by scripts/readme_figures.py {name} -->"
        i, j = text.find(b), text.find(f"<!-- figures:{name} end -->")
        if 0 <= i < j:
            if doc_name != PERF_DOC:
                stale.append(f"{doc_name}: a {name} block belongs in {PERF_DOC}")
            outside = outside.replace(text[i:j], "")
    stale += [f"{doc_name}: {m}" for m in re.findall(
        r"(?<![\d,])(?<!≤ )[\d,]{5,} bytes|\d+(?:\.\d+)? ?M executions|\d+/\d+ (?:cases|refused)"
        r"|\d+(?:\.\d+)? ms /", outside)]
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
    rd = os.path.join(tmp, "performance.md")
    with open(rd, "w") as f:
        f.write("x\n<!-- figures:bench begin: written by scripts/readme_figures.py bench -->\n"
                "old\n<!-- figures:bench end -->\ny\n"
                "<!-- figures:reliability begin: written by scripts/readme_figures.py "
                "reliability -->\nold\n<!-- figures:reliability end -->\nz\n")
    gen = os.path.join(ROOT, "scripts", "readme_figures.py")
    ok = all(subprocess.run([sys.executable, gen, w, "--doc", rd,
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
