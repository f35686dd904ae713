"""The real AWS CLI (Debian's awscli, /usr/bin/aws), run against a fake:
one clean environment (no config files, no IMDS, no pager), so what it
sends depends only on what a suite gives it."""

import json
import subprocess
import tempfile

AWS = "/usr/bin/aws"


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
    fake's default keys."""
    service = None
    default_key = default_secret = None

    def __init__(self, url, ca=None, key=None, secret=None, token=None,
                 region="us-east-1", attempts="3"):
        self.url = url
        self.env = clean_env(region, attempts, key or self.default_key,
                             secret or self.default_secret, token, ca)

    def __call__(self, *args):
        return run(self.service, self.url, args, self.env)
