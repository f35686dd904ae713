#!/usr/bin/python3
"""The Port examples (examples/port/) against Port's published schemas
(tests/data/port-openapi: create-an-action-automation.json, create-a-blueprint.json)
and against what GitHub Ocean's dispatch_workflow executor reads
(port-api.md §9.2), plus the workflows they dispatch: every input sent is
declared, the count stays within GitHub's workflow_dispatch limit, and the
request's timeout_minutes maximum fits the job's timeout-minutes."""
import copy
import glob
import json
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("PORT_ACM_ROOT") or os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import port_schema  # noqa: E402
from tap import Tap  # noqa: E402

T = Tap()
EX = os.path.join(ROOT, "examples")
ACTION_OP = "create-an-action-automation"
GITHUB_COM_INPUTS = 25  # workflow_dispatch inputs on github.com (GHES: 10)
PORT_ACM_EXTRA_MIN = 10  # config.c: the deadline is timeout_minutes + 10 min
START_MARGIN_MIN = 5     # image pull, OIDC step, job start


def load(p):
    with open(p, encoding="utf-8") as f:
        return json.load(f)


def rel(p):
    return os.path.relpath(p, ROOT)


def dispatch_inputs(wf_path):
    with open(wf_path, encoding="utf-8") as f:
        wf = yaml.safe_load(f)
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads `on` as true
    return wf, (on.get("workflow_dispatch") or {}).get("inputs") or {}


def check_workflow(name, ep, wf_dir):
    path = os.path.join(wf_dir, ep.get("workflow", ""))
    if not T.ok(os.path.isfile(path), f"{name}: workflow {ep.get('workflow')} exists"):
        return None
    wf, declared = dispatch_inputs(path)
    sent = set(ep.get("workflowInputs") or {})
    T.eq(sorted(sent - set(declared)), [], f"{name}: every input sent is declared "
         "in workflow_dispatch (GitHub refuses unknown inputs)")
    required = {k for k, v in declared.items() if (v or {}).get("required")}
    T.eq(sorted(required - sent), [], f"{name}: every required input is sent")
    T.ok(len(declared) <= GITHUB_COM_INPUTS,
         f"{name}: {len(declared)} workflow_dispatch inputs (github.com allows "
         f"{GITHUB_COM_INPUTS}, GHES 10)")
    return wf, declared


# --------------------------------------------------------------- schemas

actions = sorted(glob.glob(os.path.join(EX, "port", "actions", "**", "*.json"),
                           recursive=True))
T.ok(len(actions) >= 4, "the example actions found (request, renew, delete, sync)", actions)
for p in actions:
    T.eq(port_schema.body_errors(ACTION_OP, load(p)), [],
         f"{rel(p)} validates against {ACTION_OP}.json")
bp = os.path.join(EX, "port", "blueprint.json")
T.eq(port_schema.body_errors("create-a-blueprint", load(bp)), [],
     f"{rel(bp)} validates against create-a-blueprint.json")

# The check can fail: the flat "Ocean" form some guides show (port-api.md
# §9.2), a wrong enum and a missing required key are all refused.
req = load(os.path.join(EX, "port", "actions", "request-certificate.json"))
flat = copy.deepcopy(req)
im = flat["invocationMethod"]
im.update(im.pop("integrationActionExecutionProperties"))
T.ok(port_schema.body_errors(ACTION_OP, flat), "the flat Ocean form is refused")
bad = copy.deepcopy(req)
bad["trigger"]["operation"] = "UPSERT"
T.ok(port_schema.body_errors(ACTION_OP, bad), "a wrong trigger operation is refused")
bad = copy.deepcopy(req)
del bad["identifier"]
T.ok(port_schema.body_errors(ACTION_OP, bad), "an action without identifier is refused")

# ------------------------------------------------------ Ocean (the default)

for p in sorted(glob.glob(os.path.join(EX, "port", "actions", "*.json"))):
    name = rel(p)
    a = load(p)
    im = a.get("invocationMethod", {})
    T.eq(im.get("type"), "INTEGRATION_ACTION", f"{name}: GitHub Ocean backend")
    T.eq(im.get("integrationActionType"), "dispatch_workflow", f"{name}: dispatch_workflow")
    T.ok(isinstance(im.get("installationId"), str) and im["installationId"],
         f"{name}: installationId")
    ep = im.get("integrationActionExecutionProperties") or {}
    T.ok(all(isinstance(ep.get(k), str) and ep[k] for k in ("org", "repo", "workflow")),
         f"{name}: org, repo and workflow (the executor requires them)", ep)
    # Ocean reads it with .get(..., False): absent means off (§9.2).
    T.ok(ep.get("reportWorkflowStatus") is True,
         f"{name}: reportWorkflowStatus is the boolean true")
    T.eq(((ep.get("workflowInputs") or {}).get("port_context") or {}).get("runId"),
         "{{ .run.id }}", f"{name}: port_context carries the run id")
    r = check_workflow(name, ep, os.path.join(EX, "workflows"))
    if name.endswith("request-certificate.json") and r:
        wf, declared = r
        props = a["trigger"]["userInputs"]["properties"]
        for k in ("export", "certificate_authority_arn"):
            T.ok(k in props and k in ep["workflowInputs"] and k in declared,
                 f"{name}: the {k} input is offered and sent")
        tm = props.get("timeout_minutes", {})
        job = next(iter(wf["jobs"].values()))
        limit = job.get("timeout-minutes")
        T.ok(tm.get("minimum") == 1 and isinstance(tm.get("maximum"), int),
             f"{name}: timeout_minutes is bounded (minimum 1, a maximum)", tm)
        T.ok(isinstance(limit, int) and isinstance(tm.get("maximum"), int) and
             tm["maximum"] + PORT_ACM_EXTRA_MIN + START_MARGIN_MIN <= limit,
             f"{name}: maximum {tm.get('maximum')} + {PORT_ACM_EXTRA_MIN} min of "
             f"port-acm + {START_MARGIN_MIN} min to start <= the job's "
             f"timeout-minutes {limit}")

# ------------------------------------------------------ legacy GitHub app

# Port retired its legacy GitHub app on 2026-07-15: no action of the
# legacy GITHUB type is shipped, and the README keeps a migration note.
legacy = [rel(p) for p in actions if load(p).get("invocationMethod", {}).get("type") == "GITHUB"]
T.eq(legacy, [], "no legacy GitHub-app action (retired 2026-07-15) is shipped")
T.ok(not os.path.exists(os.path.join(EX, "port", "actions", "legacy-github-app")),
     "examples/port/actions/legacy-github-app/ is gone")

# ------------------------------------------------ health (issue 18)

import shutil  # noqa: E402
import subprocess  # noqa: E402

bpj = load(bp)
known = set(bpj["schema"]["properties"]) | set(bpj.get("calculationProperties") or {})
cards = sorted(glob.glob(os.path.join(EX, "port", "scorecards", "*.json")))
T.ok(cards, "a scorecard example is shipped", cards)
for p in cards:
    sc = load(p)
    T.eq(port_schema.body_errors("create-a-scorecard", sc), [],
         f"{rel(p)} validates against create-a-scorecard.json")
    levels = [lv["title"] for lv in sc.get("levels", [])]
    T.ok(all(r.get("level") in levels[1:] for r in sc["rules"]),
         f"{rel(p)}: every rule's level is one of its levels above the base",
         [r.get("level") for r in sc["rules"]])
    used = {c["property"] for r in sc["rules"] for c in r["query"]["conditions"]
            if "property" in c}
    T.eq(sorted(used - known), [],
         f"{rel(p)}: every property a rule reads is in the example blueprint")
    if sc["identifier"] == "certificateHealth":
        T.eq(sorted(r["identifier"] for r in sc["rules"]),
             sorted(["notExpired", "moreThan30DaysLeft", "renewalEligibleOrManaged",
                     "renewalReady", "strongKey", "notFailed"]),
             "Certificate health: not expired, >30 days, renewal eligible or "
             "managed, renewal ready, strong key, not FAILED")
bad = load(cards[0]) if cards else {"rules": [{}]}
bad["rules"][0]["query"]["conditions"][0]["operator"] = "is"
T.ok(port_schema.body_errors("create-a-scorecard", bad), "a wrong operator is refused")

autos = sorted(glob.glob(os.path.join(EX, "port", "automations", "*.json")))
T.ok(autos, "an automation example is shipped", autos)
for p in autos:
    a = load(p)
    T.eq(port_schema.body_errors(ACTION_OP, a), [],
         f"{rel(p)} validates against {ACTION_OP}.json (automation trigger)")
    T.ok(a["trigger"].get("type") == "automation" and
         a["trigger"]["event"].get("blueprintIdentifier") == bpj["identifier"],
         f"{rel(p)}: an automation on the example blueprint's entities")


def fires(expressions, combinator, event):
    """The automation's JQ condition on event, with the jq binary."""
    got = []
    for e in expressions:
        out = subprocess.run(["jq", "-e", e], input=json.dumps(event), text=True,
                             capture_output=True, timeout=10)
        got.append(out.stdout.strip() == "true")
    return any(got) if combinator == "or" else all(got)


def event(after, before=None):
    return {"diff": {"before": {"properties": before or {}},
                     "after": {"properties": after}}}


note = os.path.join(EX, "port", "automations", "notify-certificate-owner.json")
if os.path.exists(note) and shutil.which("jq"):
    cond = load(note)["trigger"]["condition"]
    ex, comb = cond["expressions"], cond.get("combinator", "and")
    cases = [
        ("20 days, INELIGIBLE", {"daysToExpiry": 20, "renewalEligibility": "INELIGIBLE",
                                 "type": "AMAZON_ISSUED"}, None, True),
        ("20 days, imported", {"daysToExpiry": 20, "renewalEligibility": "ELIGIBLE",
                               "type": "IMPORTED"}, None, True),
        ("20 days, renewal FAILED", {"daysToExpiry": 20, "renewalEligibility": "ELIGIBLE",
                                     "type": "AMAZON_ISSUED", "renewalStatus": "FAILED"},
         None, True),
        ("20 days, ACM renews it", {"daysToExpiry": 20, "renewalEligibility": "ELIGIBLE",
                                    "type": "AMAZON_ISSUED"}, None, False),
        ("40 days, INELIGIBLE", {"daysToExpiry": 40, "renewalEligibility": "INELIGIBLE",
                                 "type": "IMPORTED"}, None, False),
        ("not issued yet (no daysToExpiry)", {"daysToExpiry": None,
                                              "renewalEligibility": "INELIGIBLE"},
         None, False),
        ("readiness becomes at_risk", {"daysToExpiry": 200, "renewalReadiness": "at_risk"},
         {"renewalReadiness": "ready"}, True),
        ("readiness stays at_risk", {"daysToExpiry": 200, "renewalReadiness": "at_risk"},
         {"renewalReadiness": "at_risk"}, False),
    ]
    for name, after, before, want in cases:
        T.eq(fires(ex, comb, event(after, before)), want,
             f"notify-certificate-owner: {name}: {'fires' if want else 'quiet'}")
else:
    T.skip("notify-certificate-owner conditions", "jq not installed")

# ------------------------------------------------------------- README

with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
    text = f.read()
T.ok(re.search(r"25\b[^.\n]*workflow_dispatch|workflow_dispatch[^.\n]*\b25\b", text)
     and "GHES" in text, "README gives GitHub's input limits (25; 10 on GHES)")
T.ok("https://api.port.io" in text and "https://api.us.port.io" in text,
     "README names both Port regions' API hosts")
T.ok("2026-07-15" in text and "legacy" in text.lower(),
     "README has the migration note for the legacy GitHub app (retired 2026-07-15)")
T.ok("invocationMethod.installationId" in text
     and "integrationActionExecutionProperties.installationId" not in text,
     "README puts installationId under invocationMethod, where the actions have it")
n_sent = len(req["invocationMethod"]["integrationActionExecutionProperties"]["workflowInputs"])
T.ok(re.search(rf"\b{n_sent} workflow inputs", text),
     f"README says Request sends {n_sent} workflow inputs (what the action sends)")
sys.exit(T.done())
