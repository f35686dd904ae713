#!/usr/bin/python3
"""aws_endpoint (src/aws/aws.c) against botocore's own rule engine.

For ACM, STS and Route 53, evaluates the models' endpoint-rule-set-1.json
(tests/data/botocore) with botocore's EndpointProvider for a region of
every partition (several for aws) and every AWS_USE_FIPS_ENDPOINT /
AWS_USE_DUALSTACK_ENDPOINT combination, and demands the same URL and
signing region from the C resolver (build/tests/unit/test_aws
--endpoints). The partition data is tests/data/aws-partitions.json
(Debian's botocore ships an older partitions.json). A self-check
proves the comparison can fail.
"""
import json
import os
import re
import subprocess
import sys

from botocore.endpoint_provider import EndpointProvider

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
from tests.lib.tap import Tap  # noqa: E402

ROOT = os.environ.get("PORT_ACM_ROOT") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = os.path.join(ROOT, "tests", "data", "botocore")
PARTITIONS = os.path.join(ROOT, "tests", "data", "aws-partitions.json")
DRIVER = os.path.join(ROOT, "build", "tests", "unit", "test_aws")
SERVICES = {"acm": "acm/2015-12-08", "sts": "sts/2011-06-15",
            "route53": "route53/2013-04-01"}
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "il-central-1",
           "mx-central-1", "cn-north-1", "cn-northwest-1", "us-gov-west-1",
           "us-gov-east-1", "us-iso-east-1", "us-isob-east-1",
           "eu-isoe-west-1", "us-isof-south-1", "eusc-de-east-1",
           "xx-unknown-1"]

T = Tap()


def partitions():
    """tests/data/aws-partitions.json: botocore 1.43.67's partitions.json
    outputs for the eight partitions (tests/data/README.md)."""
    with open(PARTITIONS) as f:
        return json.load(f)


def expected(parts):
    out = {}
    for svc, d in SERVICES.items():
        with open(os.path.join(MODELS, d, "endpoint-rule-set-1.json")) as f:
            rules = json.load(f)
        prov = EndpointProvider(rules, parts)
        for region in REGIONS:
            for fips in (0, 1):
                for ds in (0, 1):
                    params = {"Region": region, "UseFIPS": bool(fips),
                              "UseDualStack": bool(ds)}
                    if svc == "acm":
                        params["ServiceType"] = "ACM"
                    if svc == "sts":
                        params["UseGlobalEndpoint"] = False
                    try:
                        ep = prov.resolve_endpoint(**params)
                    except Exception:
                        out[(svc, region, fips, ds)] = "ERROR"
                        continue
                    schemes = ep.properties.get("authSchemes") or [{}]
                    sr = schemes[0].get("signingRegion", region)
                    out[(svc, region, fips, ds)] = f"{ep.url} {sr}"
    return out


def run_driver(keys):
    inp = "".join(f"{s} {r} {f} {d}\n" for (s, r, f, d) in keys)
    p = subprocess.run([DRIVER, "--endpoints"], input=inp,
                       capture_output=True, text=True, timeout=30)
    return p.stdout.splitlines()


def main():
    parts = partitions()
    T.ok(len(parts["partitions"]) == 8,
         "aws-partitions.json lists the 8 partitions",
         str([p["id"] for p in parts["partitions"]]))
    for p in parts["partitions"]:
        re.compile(p["regionRegex"])

    want = expected(parts)
    keys = sorted(want)
    got = run_driver(keys)
    T.ok(len(got) == len(keys), f"driver answered {len(keys)} cases",
         f"got {len(got)} lines")
    for svc in SERVICES:
        diffs = [f"{k}: C {g!r} botocore {want[k]!r}"
                 for k, g in zip(keys, got) if k[0] == svc and g != want[k]]
        n = sum(1 for k in keys if k[0] == svc)
        T.ok(not diffs, f"{svc}: {n} region/FIPS/dual-stack cases match "
             "the rule set", diffs[:20])

    # Self-check: a deliberately wrong expectation must be caught.
    k = ("route53", "cn-north-1", 0, 0)
    i = keys.index(k)
    T.ok(got[i] != "https://route53.cn-north-1.amazonaws.com.cn cn-north-1",
         "self-check: a wrong answer would differ")
    T.done()


if __name__ == "__main__":
    main()
