#!/usr/bin/python3
"""Differential test: src/aws/sigv4.c against botocore's SigV4Auth.

Builds tests/sigv4/sigv4_driver.c, generates random requests from a fixed
seed, signs each with botocore (timestamp pinned by patching its clock)
and with the C signer, and demands byte-identical canonical requests and
Authorization values. One TAP line per category, with counts; the first
few differences are printed as diagnostics. Self-checks prove that the
comparison can fail: a driver fed one changed byte must disagree.

Environment: SIGV4_SEED (default 20261105), SIGV4_CASES per category
(default 80), SIGV4_DRIVER (use this prebuilt driver, e.g. one linked
against a deliberately broken signer, instead of building one).
"""
import datetime
import os
import random
import subprocess
import sys
from unittest import mock

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
from tests.lib.tap import Tap  # noqa: E402

ROOT = os.environ.get("PORT_ACM_ROOT") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build")
DRIVER_SRC = os.path.join(ROOT, "tests/sigv4/sigv4_driver.c")
DRIVER = os.environ.get("SIGV4_DRIVER") or os.path.join(
    BUILD, "tests/sigv4/sigv4_driver")
SEED = int(os.environ.get("SIGV4_SEED", "20261105"))
PER_CATEGORY = int(os.environ.get("SIGV4_CASES", "80"))

T = Tap()
tap = T.ok


def build_driver():
    """Links against build/libportacm.a when it is current, else against
    the two sources the signer needs (so a half-built library elsewhere in
    the tree cannot block this test)."""
    os.makedirs(os.path.dirname(DRIVER), exist_ok=True)
    lib = os.path.join(BUILD, "libportacm.a")
    srcs = [os.path.join(ROOT, "src", f) for f in ("aws/sigv4.c", "base/buf.c")]
    deps = os.path.join(BUILD, "deps")
    if os.path.exists(lib) and all(
            os.path.getmtime(lib) >= os.path.getmtime(s) for s in srcs):
        objs = [lib]
    else:
        objs = srcs
    cmd = ["cc", "-std=c11", "-D_POSIX_C_SOURCE=200809L", "-D_DEFAULT_SOURCE",
           "-Wall", "-Wextra", "-Werror", "-O1", "-g",
           "-I" + os.path.join(ROOT, "src"), "-I" + os.path.join(deps, "include"),
           "-o", DRIVER, DRIVER_SRC] + objs + [
           "-L" + os.path.join(deps, "lib"), "-lmbedcrypto", "-lpthread"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode == 0, " ".join(cmd) + "\n" + p.stderr


# ---- random request generation ---------------------------------------

UTF8 = ["é", "ü", "ß", "ሴ", "日本", "😀", "Ω"]
# No '?' or '#' (urlsplit would cut the path there) and no control
# characters (urlsplit strips them); everything else is fair game.
PATH_CHARS = ("abcXYZ019-_.~!$&'()*+,;=:@%\"<>[]{}|^` " + "\\")
SEGMENTS = ["", ".", "..", "...", "a", "b.c", "%2F", "%41", "x y", "~user"]
HEADER_NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-_"
# botocore collapses whitespace with str.split(), which also splits on
# Unicode spaces; values stay within ASCII whitespace plus non-space UTF-8.
VALUE_CHARS = "abcXYZ019 -_.~!$&'()*+,;=:@%\"/?#[]{}|^`<>\\\t"
RESERVED_HEADERS = {"host", "authorization", "date", "x-amz-date",
                    "x-amz-security-token", "x-amz-content-sha256",
                    "expect", "user-agent", "x-amzn-trace-id"}
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1",
           "us-gov-west-1", "il-central-1", "eusc-de-east-1"]
SERVICES = ["acm", "service", "iam", "sts", "execute-api", "s3", "route53"]
HOSTS = ["example.amazonaws.com", "acm.us-east-1.amazonaws.com",
         "localhost:4566", "127.0.0.1:8080", "Mixed.Case.Example"]


def rand_str(rng, chars, lo, hi, utf8=0.0):
    out = []
    for _ in range(rng.randint(lo, hi)):
        out.append(rng.choice(UTF8) if rng.random() < utf8 else rng.choice(chars))
    return "".join(out)


def rand_path(rng):
    if rng.random() < 0.1:
        return rng.choice(["/", "//", "/.", "/..", "/./", "/../..", ""])
    parts = []
    for _ in range(rng.randint(1, 6)):
        if rng.random() < 0.4:
            parts.append(rng.choice(SEGMENTS))
        else:
            parts.append(rand_str(rng, PATH_CHARS, 1, 8, utf8=0.15))
    path = "/" + "/".join(parts)
    if rng.random() < 0.3:
        path += "/"
    return path


def rand_query(rng):
    """(params for botocore, raw query for C). Names hold no '&' or '=',
    values no '&'; a name with an empty value is sent with or without '='."""
    params, raw = [], []
    for _ in range(rng.randint(1, 6)):
        if params and rng.random() < 0.2:
            k = params[rng.randrange(len(params))][0]  # repeated key
        else:
            k = rand_str(rng, "abcXYZ019-_.~ +%/?:@$,;!*'()", 1, 8, utf8=0.1)
        if rng.random() < 0.2:
            v = ""
        else:
            v = rand_str(rng, "abcXYZ019-_.~ +%/?:@$,;!*'()=", 0, 10, utf8=0.1)
        params.append((k, v))
        raw.append(k if v == "" and rng.random() < 0.5 else f"{k}={v}")
    return params, "&".join(raw)


def rand_header_value(rng):
    r = rng.random()
    if r < 0.05:
        return ""
    if r < 0.1:
        return rng.choice([" ", "\t", "  \t "])
    v = rand_str(rng, VALUE_CHARS, 1, 20, utf8=0.1)
    if rng.random() < 0.3:
        v = "  " + v + " \t "
    if rng.random() < 0.1:
        v = v + "\r\n  folded"
    return v


def rand_headers(rng):
    hs = []
    for _ in range(rng.randint(0, 6)):
        if hs and rng.random() < 0.2:
            name = hs[rng.randrange(len(hs))][0].swapcase()  # duplicate
        else:
            name = rng.choice(["X-Custom-", "x-amz-meta-", "Content-", ""]) + \
                rand_str(rng, HEADER_NAME_CHARS, 1, 10)
            name = "".join(c.upper() if rng.random() < 0.4 else c for c in name)
        if name.lower() in RESERVED_HEADERS:
            continue
        hs.append((name, rand_header_value(rng)))
    return hs


def rand_body(rng):
    r = rng.random()
    if r < 0.3:
        return b""
    if r < 0.6:
        return ('{"CertificateArn":"arn:aws:acm:us-east-1:123456789012:'
                f'certificate/{rng.getrandbits(64):016x}"}}').encode()
    if r < 0.8:
        return rand_str(rng, VALUE_CHARS + "\n", 1, 200, utf8=0.2).encode()
    return bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 300)))


def rand_creds(rng):
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    akid = rng.choice(["AKIA", "ASIA"]) + rand_str(rng, alnum, 16, 16)
    b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    secret = rand_str(rng, b64, 40, 40)
    token = None
    if rng.random() < 0.5:
        token = rand_str(rng, b64, 100, 400) + rng.choice(["", "=", "=="])
    return akid, secret, token


def rand_time(rng):
    start = datetime.datetime(2000, 1, 1)
    return start + datetime.timedelta(seconds=rng.randrange(100 * 366 * 86400))


def base_case(rng):
    return {
        "method": "POST", "path": "/", "params": [], "query": "",
        "host": "acm.us-east-1.amazonaws.com",
        "headers": [("Content-Type", "application/x-amz-json-1.1"),
                    ("X-Amz-Target", "CertificateManager.ListCertificates")],
        "body": b"{}", "creds": ("AKIDEXAMPLE",
                                 "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                 None),
        "time": datetime.datetime(2015, 8, 30, 12, 36, 0),
        "region": "us-east-1", "service": "acm",
    }


def gen_category(rng, cat):
    c = base_case(rng)
    if cat in ("path", "mixed"):
        c["path"] = rand_path(rng)
    if cat in ("query", "mixed"):
        c["params"], c["query"] = rand_query(rng)
    if cat in ("headers", "mixed"):
        c["headers"] = rand_headers(rng)
        c["host"] = rng.choice(HOSTS)
        if rng.random() < 0.3:
            c["host"] = " " + c["host"] + "  "
    if cat in ("body", "mixed"):
        c["body"] = rand_body(rng)
    if cat in ("credentials", "mixed"):
        c["creds"] = rand_creds(rng)
    if cat in ("scope", "mixed"):
        c["region"] = rng.choice(REGIONS)
        c["service"] = rng.choice(SERVICES)
        c["time"] = rand_time(rng)
    if cat == "mixed":
        c["method"] = rng.choice(["GET", "POST", "PUT", "DELETE", "HEAD",
                                  "patch", "post"])
    return c


CATEGORIES = ["path", "query", "headers", "body", "credentials", "scope",
              "mixed"]


# ---- the two signers -------------------------------------------------

class RecordingSigV4Auth(SigV4Auth):
    """Keeps the canonical request botocore actually signed."""

    def canonical_request(self, request):
        self.last_creq = super().canonical_request(request)
        return self.last_creq


def botocore_sign(c):
    host_for_url = c["host"].strip()
    req = AWSRequest(method=c["method"], url="https://" + host_for_url + c["path"],
                     data=c["body"], params=c["params"])
    req.headers["Host"] = c["host"]
    for k, v in c["headers"]:
        req.headers[k] = v  # HTTPMessage appends, so duplicates survive
    auth = RecordingSigV4Auth(Credentials(*c["creds"]), c["service"],
                              c["region"])
    with mock.patch("botocore.auth.datetime") as dt:
        dt.datetime.utcnow.return_value = c["time"]
        auth.add_auth(req)
    # Hand the C side exactly the headers botocore signed, in order.
    headers = [(k, v) for k, v in req.headers.items()
               if k.lower() != "authorization"]
    return {"creq": auth.last_creq, "authz": req.headers["Authorization"],
            "amz_date": req.context["timestamp"], "headers": headers}


def enc_field(b):
    if isinstance(b, str):
        b = b.encode("utf-8")
    return str(len(b)).encode() + b" " + b + b"\n"


def encode_request(c, headers, body=None):
    epoch = int(c["time"].replace(tzinfo=datetime.timezone.utc).timestamp())
    akid, secret, _ = c["creds"]
    out = [enc_field(x) for x in (
        c["method"], c["path"], c["query"],
        c["body"] if body is None else body, akid, secret, str(epoch),
        c["region"], c["service"], str(len(headers)))]
    for k, v in headers:
        out += [enc_field(k), enc_field(v)]
    return b"".join(out)


def run_driver(blobs):
    p = subprocess.run([DRIVER], input=b"".join(blobs), capture_output=True)
    data, pos, results = p.stdout, 0, []

    def read_field():
        nonlocal pos
        sp = data.index(b" ", pos)
        n = int(data[pos:sp])
        s = data[sp + 1:sp + 1 + n]
        pos = sp + 2 + n
        return s.decode("utf-8", "replace")

    while pos < len(data):
        nl = data.index(b"\n", pos)
        status = data[pos:nl]
        pos = nl + 1
        if status == b"OK":
            results.append({"amz_date": read_field(), "creq": read_field(),
                            "authz": read_field()})
        else:
            results.append(None)
    return p.returncode, results


def differences(want, got):
    if got is None:
        return ["C signer refused the request"]
    return [f"{k}:\n  botocore: {want[k]!r}\n  C:        {got[k]!r}"
            for k in ("amz_date", "creq", "authz") if want[k] != got[k]]


def main():
    if os.environ.get("SIGV4_DRIVER"):
        ok, log = os.access(DRIVER, os.X_OK), DRIVER + " is not executable"
    else:
        ok, log = build_driver()
    tap(ok, "sigv4_driver builds", [] if ok else [log])
    if not ok:
        return T.plan()

    rng = random.Random(SEED)
    cases = [(cat, gen_category(rng, cat))
             for cat in CATEGORIES for _ in range(PER_CATEGORY)]
    signed = [botocore_sign(c) for _, c in cases]
    blobs = [encode_request(c, s["headers"]) for (_, c), s in zip(cases, signed)]
    rc, results = run_driver(blobs)
    tap(rc == 0 and len(results) == len(cases),
        f"driver answered all {len(cases)} requests (seed {SEED})",
        [] if rc == 0 and len(results) == len(cases)
        else [f"exit {rc}, {len(results)} answers"])
    results += [None] * (len(cases) - len(results))

    for cat in CATEGORIES:
        idx = [i for i, (c, _) in enumerate(cases) if c == cat]
        bad = [i for i in idx if differences(signed[i], results[i])]
        diag = []
        for i in bad[:3]:
            c = cases[i][1]
            diag.append(f"case {i}: method={c['method']!r} path={c['path']!r} "
                        f"query={c['query']!r} headers={signed[i]['headers']!r} "
                        f"body={c['body'][:60]!r}")
            diag += differences(signed[i], results[i])
        tap(not bad, f"{cat}: {len(idx) - len(bad)}/{len(idx)} match botocore "
            "(canonical request, authorization, x-amz-date)", diag)

    # The known get-vanilla value pins both signers to the public suite.
    vanilla = base_case(rng)
    vanilla.update(method="GET", headers=[], body=b"", service="service",
                   host="example.amazonaws.com")
    want = botocore_sign(vanilla)
    sig = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    _, got = run_driver([encode_request(vanilla, want["headers"])])
    tap(want["authz"].endswith("Signature=" + sig) and got and got[0]
        and got[0]["authz"] == want["authz"],
        "get-vanilla: botocore and C both give the public signature")

    # Self-checks: a wrong signer must be caught. Feed the driver one
    # changed byte (body, a header value's case, the secret) and expect a
    # different Authorization for every case in a sample.
    sample = list(range(0, len(cases), max(1, len(cases) // 40)))
    for what in ("body", "header", "secret"):
        blobs = []
        for i in sample:
            c, hs = dict(cases[i][1]), list(signed[i]["headers"])
            body = None
            if what == "body":
                b = bytearray(c["body"] or b"\0")
                b[0] ^= 1
                body = bytes(b)
            elif what == "header":
                k, v = hs[0]
                hs[0] = (k, v + "x")
            else:
                a, s, t = c["creds"]
                c["creds"] = (a, chr(ord(s[0]) ^ 1) + s[1:], t)
            blobs.append(encode_request(c, hs, body))
        _, res = run_driver(blobs)
        caught = sum(1 for i, r in zip(sample, res)
                     if r is not None and r["authz"] != signed[i]["authz"])
        tap(caught == len(sample) and len(res) == len(sample),
            f"self-check: one changed {what} byte is detected in "
            f"{caught}/{len(sample)} cases")

    return T.plan()


if __name__ == "__main__":
    sys.exit(main())
