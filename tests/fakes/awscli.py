"""The real AWS CLI (Debian's awscli, /usr/bin/aws), run against a fake:
one clean environment (no config files, no IMDS, no pager), so what it
sends depends only on what a suite gives it."""

import http.client
import json
import os
import ssl
import subprocess
import tempfile
import urllib.parse

from .common import MODELS_DIR
from .tlsca import make_test_pki

AWS = "/usr/bin/aws"
PKI_DIR = os.path.join(tempfile.gettempdir(), "port-acm-test-pki")


def require_cli(tap):
    """Ends the suite (tap) with a skip when the AWS CLI is missing."""
    if not os.access(AWS, os.X_OK):
        tap.skip("AWS CLI tests", "/usr/bin/aws not installed")
        tap.done()


def shared_pki():
    """The test PKI the suites share (tlsca, in the temp dir): (pki, the
    server's (cert, key) for a fake's tls=)."""
    pki = make_test_pki(PKI_DIR)
    return pki, (pki["server_cert"], pki["server_key"])


def send(url, method, path, body, headers, ca=None):
    """One HTTP request to the fake at url (https: trusting ca), as a
    suite's hand-made request: (status, body bytes, response)."""
    u = urllib.parse.urlsplit(url)
    if u.scheme == "https":
        conn = http.client.HTTPSConnection(
            u.hostname, u.port, timeout=10,
            context=ssl.create_default_context(cafile=ca))
    else:
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, data, r


def parse_json(data):
    """An answer's body as JSON; as it is when it is not JSON; None when
    empty."""
    try:
        return json.loads(data) if data else None
    except ValueError:
        return data


def clean_env(region, attempts="3", key=None, secret=None, token=None, ca=None,
              extra=None):
    env = {"PATH": "/usr/bin:/bin", "HOME": tempfile.gettempdir(),
           "AWS_DEFAULT_REGION": region, "AWS_CONFIG_FILE": "/dev/null",
           "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_PAGER": "",
           "AWS_EC2_METADATA_DISABLED": "true", "AWS_RETRY_MODE": "standard",
           "AWS_MAX_ATTEMPTS": attempts, "LC_ALL": "C.UTF-8"}
    if key:
        env.update({"AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret})
    if token:
        env["AWS_SESSION_TOKEN"] = token
    if ca:
        env["AWS_CA_BUNDLE"] = ca
    env.update(extra or {})
    return env


def run(service, url, args, env):
    """aws <service> <args> against url: (exit code, parsed JSON stdout,
    the raw stdout when it is not JSON, or None when empty, stderr)."""
    p = subprocess.run([AWS, service, *args, "--endpoint-url", url,
                        "--output", "json"], env=env, capture_output=True,
                       text=True, timeout=120)
    out = None
    if p.stdout.strip():
        try:
            out = json.loads(p.stdout)
        except ValueError:
            out = p.stdout
    return p.returncode, out, p.stderr


class Cli:
    """Cli(url, ca, ...)(*args) runs `aws <service> *args` on url with the
    given credentials; a suite subclasses it to name the service and its
    fake's default keys (models: the CLI reads tests/data/botocore's
    models first, AWS_DATA_PATH, for services bookworm's CLI lacks)."""
    service = None
    default_key = default_secret = None
    models = False

    def __init__(self, url, ca=None, key=None, secret=None, token=None,
                 region="us-east-1", attempts="3"):
        self.url = url
        self.env = clean_env(region, attempts, key or self.default_key,
                             secret or self.default_secret, token, ca)
        if self.models:
            self.env["AWS_DATA_PATH"] = MODELS_DIR

    def __call__(self, *args):
        return run(self.service, self.url, args, self.env)
