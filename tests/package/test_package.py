#!/usr/bin/python3
"""Packaging tests (issue 3), TAP: the static binary, the image built
from the real Dockerfile with podman offline, and the image run exactly
the way the GitHub runner starts a Docker action, against the fake ACM
and fake Port over HTTPS with the test CA.

Steps:
  1. scripts/static.sh (what `make static` runs) -> build/static/port-acm:
     size <= 1.0 MB, `file` says statically linked, --version works.
  2. scripts/image.sh with podman (what `make image` runs here): a
     debootstrapped trixie base imported as debian:trixie-slim (cached in
     build/package), `podman build --isolation chroot`, nothing pulled.
     A second build must come entirely from the layer cache.
  3. The image: <= 1.5 MB, exactly the binary and the CA bundle, exec-form
     ENTRYPOINT, no USER, OCI labels; its binary is static too.
  4. docker-run-style runs (--workdir /github/workspace --rm, -e NAME per
     variable, the /github/... mounts, GITHUB_OUTPUT in
     /github/file_commands) for request, renew and delete, asserting on
     the outputs file, the workflow commands and the fakes' records; plus
     the CA-bundle cases (the image's own bundle must not trust the test
     CA; an unreadable SSL_CERT_FILE is refused).

Needs root (or sudo), podman, runc, debootstrap (scripts/setup.sh).
Timing lines are printed as TAP comments.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import harness  # noqa: E402
from harness import (ACCOUNT, REGION, RUN_ID, GH_REPO, GH_RUN, GH_SERVER,  # noqa: E402
                     TAP, Result, Suite, World, check_rc, check_secrets_masked,
                     check_terminal)

MAX_BINARY = 1_000_000
MAX_IMAGE = 1_500_000
IMAGE = "localhost/port-acm:package-test"
STATIC_BIN = os.path.join(ROOT, "build", "static", "port-acm")
EXPECTED_FILES = {"port-acm", "etc/ssl/certs/ca-certificates.crt"}
RUN_TIMEOUT = 120

t = TAP()
SUDO = [] if os.geteuid() == 0 else ["sudo", "-n"]


def sh(argv, timeout=3600, env=None, **kw):
    """Runs argv; returns (rc, combined output, seconds)."""
    t0 = time.monotonic()
    try:
        p = subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout, **kw)
        out, rc = p.stdout.decode("utf-8", "replace"), p.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode("utf-8", "replace"), -999
    return rc, out, time.monotonic() - t0


def tail(text, n=30):
    return "\n".join(text.rstrip("\n").split("\n")[-n:])


def podman_argv():
    """podman with the configuration scripts/image.sh writes (passed per
    command as CONTAINERS_CONF: no system file is changed)."""
    rc, out, _ = sh(["sh", "scripts/image.sh", "--containers-conf"], timeout=60)
    conf = out.strip().splitlines()[-1] if rc == 0 and out.strip() else ""
    env = ["env", f"CONTAINERS_CONF={conf}"] if conf else []
    return SUDO + env + ["podman"]


PODMAN = None


def podman(*args, timeout=600):
    global PODMAN
    if PODMAN is None:
        PODMAN = podman_argv()
    return sh(PODMAN + list(args), timeout=timeout)


# ------------------------------------------------------- 1. static binary

def check_static():
    env = dict(os.environ)
    env["PORT_ACM_STATIC_DEPS"] = os.path.join(ROOT, "build", "static-deps")
    rc, out, secs = sh(["sh", "scripts/static.sh", STATIC_BIN], env=env)
    t.diag(f"timing: scripts/static.sh {secs:.1f}s")
    if not t.eq(rc, 0, "scripts/static.sh builds build/static/port-acm", tail(out)):
        return False
    size = os.path.getsize(STATIC_BIN)
    t.diag(f"size: build/static/port-acm {size} bytes")
    t.ok(size <= MAX_BINARY, f"static binary <= {MAX_BINARY} bytes", size)
    _, desc, _ = sh(["file", "-b", STATIC_BIN])
    t.ok("statically linked" in desc, "`file` says statically linked", desc)
    t.ok("stripped" in desc and "not stripped" not in desc, "binary is stripped", desc)
    rc, out, _ = sh([STATIC_BIN, "--version"], env={})
    version = open(os.path.join(ROOT, "VERSION")).read().strip()
    t.ok(rc == 0 and out.startswith(f"port-acm {version}\n") and
         "Mbed TLS 3.6" in out, "static binary runs: --version names the "
         "version and Mbed TLS 3.6", out)
    native = os.path.join(ROOT, "build", "port-acm")
    if os.path.exists(native):
        _, nout, _ = sh([native, "--version"], env={})
        t.eq(out, nout, "the static binary's libraries and Debian revisions "
             "are the test build's (--version)")
    return True


# ----------------------------------------------------------- 2. the image

def build_image():
    env = dict(os.environ)
    env["PORT_ACM_ENGINE"] = "podman"
    cached_base = podman("image", "exists", "docker.io/library/debian:trixie-slim")[0] == 0
    rc, out, secs = sh(["sh", "scripts/image.sh", IMAGE], env=env)
    kind = "cached base" if cached_base else "debootstrap + import"
    t.diag(f"timing: image build {secs:.1f}s ({kind}; "
           f"{'layers cached' if 'Using cache' in out else 'layers built'})")
    if not t.eq(rc, 0, "scripts/image.sh builds the Dockerfile with podman, offline",
                tail(out, 40)):
        return False
    t.ok("Trying to pull" not in out and "Pulling" not in out,
         "nothing was pulled during the build", tail(out, 10))
    # The cache: an unchanged tree must rebuild from cached layers only.
    rc, out, secs = sh(["sh", "scripts/image.sh", IMAGE], env=env)
    t.diag(f"timing: image rebuild {secs:.1f}s (cached)")
    steps, cur = [], None
    for ln in out.split("\n"):
        if ln.startswith("[") and " STEP " in ln:
            cur = [ln]
            steps.append(cur)
        elif cur is not None:
            cur.append(ln)
    runs = [b for b in steps if ": RUN " in b[0]]
    fresh = [b[0] for b in runs if not any(x.startswith("--> Using cache") for x in b)]
    t.ok(rc == 0 and runs and not fresh,
         "a second build runs nothing (every RUN step from the layer cache)",
         fresh or tail(out, 20))
    return True


def image_config():
    rc, out, _ = podman("image", "inspect", IMAGE)
    if rc != 0:
        t.ok(False, "podman image inspect", out)
        return None
    return json.loads(out)[0]


def check_image(tmp):
    info = image_config()
    if info is None:
        return
    size = info.get("Size") or 0
    t.diag(f"size: image {size} bytes")
    t.ok(0 < size <= MAX_IMAGE, f"image <= {MAX_IMAGE} bytes (uncompressed)", size)
    cfg = info.get("Config") or {}
    t.eq(cfg.get("Entrypoint"), ["/port-acm"], "exec-form ENTRYPOINT [\"/port-acm\"]")
    t.ok(not cfg.get("User"), "no USER (the runner needs root)", cfg.get("User"))
    t.ok(not cfg.get("Cmd"), "no CMD (args come from the action)", cfg.get("Cmd"))
    labels = cfg.get("Labels") or {}
    version = open(os.path.join(ROOT, "VERSION")).read().strip()
    t.eq(labels.get("org.opencontainers.image.version"), version,
         "label org.opencontainers.image.version = VERSION")
    t.ok(str(labels.get("org.opencontainers.image.source", "")).startswith("https://"),
         "label org.opencontainers.image.source", labels)
    t.ok(labels.get("org.opencontainers.image.licenses"),
         "label org.opencontainers.image.licenses", labels)
    t.eq(info.get("Architecture"), "amd64" if os.uname().machine == "x86_64" else
         info.get("Architecture"), "image architecture matches the machine")

    # Exactly the expected files: read every layer of `podman save`.
    archive = os.path.join(tmp, "image.tar")
    rc, out, _ = podman("save", "--format", "docker-archive", "-o", archive, IMAGE)
    if not t.eq(rc, 0, "podman save", out):
        return
    files, dirs, other = {}, set(), []
    with tarfile.open(archive) as outer:
        manifest = json.load(outer.extractfile("manifest.json"))
        for layer in manifest[0]["Layers"]:
            with tarfile.open(fileobj=outer.extractfile(layer)) as lt:
                for m in lt.getmembers():
                    name = m.name.lstrip("./").rstrip("/")
                    if not name:
                        continue
                    if m.isdir():
                        dirs.add(name)
                    elif m.isfile():
                        files[name] = lt.extractfile(m).read()
                    else:
                        other.append(name)
    t.eq(set(files), EXPECTED_FILES, "the image holds exactly the binary and the CA bundle")
    parents = {"etc", "etc/ssl", "etc/ssl/certs"}
    t.ok(dirs <= parents and not other, "no other directories, links or devices",
         (sorted(dirs - parents), other))
    binary = files.get("port-acm", b"")
    t.diag(f"size: the image's /port-acm {len(binary)} bytes")
    t.ok(0 < len(binary) <= MAX_BINARY, f"the image's binary is <= {MAX_BINARY} bytes",
         len(binary))
    path = os.path.join(tmp, "image-port-acm")
    with open(path, "wb") as f:
        f.write(binary)
    _, desc, _ = sh(["file", "-b", path])
    t.ok("statically linked" in desc, "the image's binary is statically linked", desc)
    bundle = files.get("etc/ssl/certs/ca-certificates.crt", b"")
    t.ok(bundle.count(b"-----BEGIN CERTIFICATE-----") >= 100,
         "the CA bundle is a PEM bundle of public roots",
         bundle.count(b"-----BEGIN CERTIFICATE-----"))


# ---------------------------------------------- 3. running it like GitHub

def action_defaults():
    """Every declared input with its default, as the runner exports them."""
    import yaml
    with open(os.path.join(ROOT, "action.yml")) as f:
        meta = yaml.safe_load(f)
    return {k: str((v or {}).get("default", "")) for k, v in meta["inputs"].items()}


class ContainerWorld(World):
    """harness.World whose run() starts the image the way the runner does
    (actions/runner ContainerActionHandler + DockerCommandManager)."""

    def run_container(self, op, inputs=None, env=None, ca=True, cancel=None):
        """cancel: (ready(world) -> bool, signal): once ready, the signal
        goes to the `podman run` client, as the runner sends it to `docker
        run`; its --sig-proxy forwards it to the container's PID 1.
        Result.signal_time is then when it was sent (time.time())."""
        self._runs += 1
        rd = os.path.join(self.dir, f"c{self._runs}")
        mounts = {}
        for sub, target in (("workspace", "/github/workspace"), ("home", "/github/home"),
                            ("workflow", "/github/workflow"),
                            ("file_commands", "/github/file_commands"),
                            ("runner_temp", "/github/runner_temp")):
            os.makedirs(os.path.join(rd, sub))
            mounts[sub] = (os.path.join(rd, sub), target)
        with open(os.path.join(rd, "workflow", "event.json"), "w") as f:
            json.dump({"inputs": {"port_context": (inputs or {}).get("port_context", "")}}, f)
        guid = str(uuid.uuid4())
        fc = {}
        for var, prefix in (("GITHUB_OUTPUT", "set_output"), ("GITHUB_STEP_SUMMARY",
                            "step_summary"), ("GITHUB_ENV", "set_env"),
                            ("GITHUB_PATH", "add_path"), ("GITHUB_STATE", "save_state")):
            name = f"{prefix}_{guid}"
            open(os.path.join(rd, "file_commands", name), "w").close()
            fc[var] = name
        e = self.base_env(True)
        for k in ("PATH", "LANG", "TMPDIR", "HOME", "SSL_CERT_FILE"):
            e.pop(k, None)
        if ca:
            shutil.copy(self.suite.ca_pem, os.path.join(rd, "runner_temp", "test-ca.pem"))
            e["SSL_CERT_FILE"] = "/github/runner_temp/test-ca.pem"
        e.update({
            "HOME": "/github/home",
            "GITHUB_WORKSPACE": "/github/workspace",
            "GITHUB_EVENT_PATH": "/github/workflow/event.json",
            "RUNNER_TEMP": "/github/runner_temp",
            "GITHUB_REPOSITORY": GH_REPO, "GITHUB_RUN_ID": GH_RUN,
            "GITHUB_SERVER_URL": GH_SERVER,
        })
        for var, name in fc.items():
            e[var] = f"/github/file_commands/{name}"
        e.pop("GITHUB_ACTIONS", None)
        e.pop("CI", None)
        # Every declared input is exported, defaults included; base_env
        # already holds the Port credentials and the fake Port's URL.
        for k, v in action_defaults().items():
            e.setdefault("INPUT_" + k.upper(), v)
        e["INPUT_OPERATION"] = op
        for k, v in (inputs or {}).items():
            e["INPUT_" + k.upper()] = str(v)
        for k, v in (env or {}).items():
            if v is None:
                e.pop(k, None)
            else:
                e[k] = v
        argv = (PODMAN or podman_argv()) + ["run", "--runtime", "runc", "--network", "host",
                       "--name", f"port-acm-test-{guid[:8]}",
                       "--label", "port-acm-package-test",
                       "--workdir", "/github/workspace", "--rm"]
        for k in sorted(e):
            argv += ["-e", k]  # name only: the value comes from our env
        argv += ["-e", "GITHUB_ACTIONS=true", "-e", "CI=true"]
        for host, target in mounts.values():
            argv += ["-v", f"{host}:{target}"]
        argv.append(IMAGE)
        penv = dict(os.environ)
        penv.update(e)
        t0 = time.monotonic()
        sig_time = None
        p = subprocess.Popen(argv, env=penv, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if cancel is not None:
            ready, sig = cancel
            end = time.monotonic() + RUN_TIMEOUT
            while not ready(self) and time.monotonic() < end and p.poll() is None:
                time.sleep(0.02)
            sig_time = time.time()
            p.send_signal(sig)
        try:
            so, se = p.communicate(timeout=RUN_TIMEOUT)
            rc, to = p.returncode, False
        except subprocess.TimeoutExpired:
            p.kill()
            so, se = p.communicate()
            rc, to = -999, True
        elapsed = time.monotonic() - t0

        def read(name):
            with open(os.path.join(rd, "file_commands", name), encoding="utf-8",
                      errors="replace", newline="") as f:
                return f.read()
        r = Result(argv, e, rc, so.decode("utf-8", "replace"),
                   se.decode("utf-8", "replace"), read(fc["GITHUB_OUTPUT"]),
                   read(fc["GITHUB_STEP_SUMMARY"]), elapsed, to)
        r.signal_time = sig_time
        return r


def check_masks_first(r, secrets):
    """::add-mask:: comes before anything else on stdout, for every secret."""
    lines = [ln for ln in r.stdout.split("\n") if ln.strip()]
    first_other = next((i for i, ln in enumerate(lines)
                        if not ln.lstrip().startswith("::add-mask::")), len(lines))
    early = {ln.lstrip()[len("::add-mask::"):] for ln in lines[:first_other]}
    t.ok(lines and lines[0].lstrip().startswith("::add-mask::"),
         "the first line of output is ::add-mask::", lines[:3])
    for name, s in secrets:
        t.ok(s in early, f"{name} is masked before any other output", lines[:first_other])


def check_outputs(r, arn, status_ok, domain, region):
    t.ok(r.outputs_error is None, "GITHUB_OUTPUT parses as the runner parses it",
         r.outputs_error)
    o = r.outputs
    t.eq(o.get("certificate_arn"), arn, "output certificate_arn")
    t.ok(o.get("certificate_status") in status_ok, "output certificate_status",
         o.get("certificate_status"))
    if domain is not None:
        t.eq(o.get("domain_name"), domain, "output domain_name")
    t.eq(o.get("region"), region, "output region")
    t.eq(o.get("run_id"), RUN_ID, "output run_id")
    try:
        t.ok(isinstance(json.loads(o.get("validation_records", "")), list),
             "output validation_records is a JSON list")
    except ValueError:
        t.ok(False, "output validation_records is JSON", o.get("validation_records"))


def ctx(entity=None):
    c = {"runId": RUN_ID}
    if entity is not None:
        c["entity"] = entity
    return json.dumps(c)


def e2e(suite):
    secrets = [("INPUT_PORT_CLIENT_SECRET", harness.PORT_CLIENT_SECRET),
               ("AWS_SECRET_ACCESS_KEY", harness.AWS_SECRET)]

    # cancel: SIGINT to `podman run` during a slow RequestCertificate; the
    # binary is the container's PID 1 (no --init, as on the runner).
    t.prefix = "container cancel: "
    w = ContainerWorld(suite)
    try:
        w.add_run(RUN_ID)
        w.acm.fault("RequestCertificate", "slow", seconds=60)

        def in_flight(world):
            with world.acm.lock:
                return any(q.get("route") == "RequestCertificate"
                           for q in world.acm.requests)
        r = w.run_container("request", {"domain_name": "www.example.com",
                                         "aws_region": REGION, "port_context": ctx()},
                            cancel=(in_flight, signal.SIGINT))
        check_rc(t, r, 130, "exit code 130 (128 + SIGINT) through podman")
        term = harness.terminal_events(w.port_events())
        if t.eq(len(term), 1, "one terminal update", r.describe()):
            b = term[0]["body"] or {}
            t.eq((b.get("status"), b.get("statusLabel")), ("FAILURE", "Cancelled"),
                 "the run ended FAILURE / Cancelled")
            t.match(b.get("summary") or "", r"RequestCertificate .*in flight",
                    "the summary says what was in flight")
            ms = (term[0]["time"] - r.signal_time) * 1000
            t.ok(ms < 5000, "terminal PATCH within 5 s of the signal", f"{ms:.0f} ms")
            t.diag(f"cancel timing (podman image, PID 1, slow ACM call): signal -> "
                   f"terminal PATCH {ms:.0f} ms; podman run ended "
                   f"{r.elapsed:.2f}s after start")
        with w.acm.lock:
            late = [q["route"] for q in w.acm.requests if q["time"] >= r.signal_time]
        t.eq(late, [], "no AWS call started after the signal")
    finally:
        w.close()
    t.prefix = ""

    # request
    t.prefix = "container request: "
    w = ContainerWorld(suite)
    try:
        w.add_run(RUN_ID)
        r = w.run_container("request", {"domain_name": "www.example.com",
                                         "aws_region": REGION, "port_context": ctx()})
        t.diag(f"timing: container run (request) {r.elapsed:.2f}s")
        if check_rc(t, r, 0):
            calls = w.acm_calls("RequestCertificate")
            t.eq(len(calls), 1, "exactly one RequestCertificate")
            p = calls[0]["params"] if calls else {}
            t.eq(p.get("DomainName"), "www.example.com", "the fake ACM got the domain name")
            arns = w.acm_arns()
            arn = arns[0] if arns else None
            t.ok(arn and arn.startswith(f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/"),
                 "the fake ACM minted the certificate", arns)
            check_outputs(r, arn, ("PENDING_VALIDATION", "ISSUED"), "www.example.com", REGION)
            check_terminal(t, w, "SUCCESS", r=r)
            t.ok(arn and arn in (r.summary or ""), "the step summary names the ARN",
                 r.summary)
        check_masks_first(r, secrets)
        check_secrets_masked(t, w, r)
        bad = [c["op"] for c in w.acm.calls if not c.get("signature_ok")]
        t.ok(not bad, "every ACM request carried a valid SigV4 signature", bad)
    finally:
        w.close()

    # renew: a private, exported certificate (RenewCertificate applies)
    t.prefix = "container renew: "
    w = ContainerWorld(suite)
    try:
        w.add_run(RUN_ID)
        arn = w.add_cert(domain="www.example.com", type="PRIVATE", exported=True)
        r = w.run_container("renew", {"certificate_arn": arn, "port_context": ctx()})
        if check_rc(t, r, 0):
            calls = w.acm_calls("RenewCertificate")
            t.ok(len(calls) == 1 and calls[0]["params"].get("CertificateArn") == arn,
                 "exactly one RenewCertificate for the ARN",
                 [c["params"] for c in calls])
            check_outputs(r, arn, ("ISSUED", "PENDING_VALIDATION"), None, REGION)
            check_terminal(t, w, "SUCCESS", r=r)
        check_masks_first(r, secrets)
        check_secrets_masked(t, w, r)
    finally:
        w.close()

    # delete: the ARN comes from the entity in port_context
    t.prefix = "container delete: "
    w = ContainerWorld(suite)
    try:
        w.add_run(RUN_ID)
        arn = w.add_cert(domain="www.example.com")
        entity = {"identifier": arn, "title": "www.example.com",
                  "blueprint": "acmCertificate", "properties": {"arn": arn}}
        r = w.run_container("delete", {"port_context": ctx(entity)})
        if check_rc(t, r, 0):
            calls = w.acm_calls("DeleteCertificate")
            t.ok(len(calls) == 1 and calls[0]["params"].get("CertificateArn") == arn,
                 "exactly one DeleteCertificate for the entity's ARN",
                 [c["params"] for c in calls])
            with w.acm.lock:
                gone = arn not in w.acm.certs and arn in w.acm.deleted
            t.ok(gone, "the fake ACM no longer holds the certificate")
            check_outputs(r, arn, ("DELETED",), None, REGION)
            check_terminal(t, w, "SUCCESS", r=r)
        check_masks_first(r, secrets)
    finally:
        w.close()

    # refusal: an injection-shaped domain never reaches ACM
    t.prefix = "container refusal: "
    w = ContainerWorld(suite)
    try:
        w.add_run(RUN_ID)
        r = w.run_container("request", {"domain_name": "$(id).example.com",
                                         "aws_region": REGION, "port_context": ctx()})
        check_rc(t, r, 2)
        t.eq([c["op"] for c in w.acm_calls()], [], "no ACM call")
        t.ok(r.errors, "an ::error:: annotation explains the refusal", r.stderr[-500:])
    finally:
        w.close()

    # The image's own CA bundle is what libcurl uses: it must not trust
    # the test CA, so without SSL_CERT_FILE nothing gets through.
    t.prefix = "container CA bundle: "
    w = ContainerWorld(suite)
    try:
        w.add_run(RUN_ID)
        r = w.run_container("request", {"domain_name": "www.example.com",
                                         "aws_region": REGION, "port_context": ctx()},
                            ca=False)
        t.ok(r.rc not in (0, -999), "without the test CA the run fails", r.describe())
        t.match(r.stderr, r"certificate|CA bundle|verif",
                "the message says why (certificate verification)", diag=r.stderr[-800:])
        t.eq(w.port.token_requests, 0, "no request reached Port (TLS refused)")
        t.eq([c["op"] for c in w.acm_calls()], [], "no request reached ACM")
        r = w.run_container("request", {"domain_name": "www.example.com",
                                         "aws_region": REGION, "port_context": ctx()},
                            env={"SSL_CERT_FILE": "/github/runner_temp/missing.pem"})
        t.ok(r.rc not in (0, -999), "an unreadable SSL_CERT_FILE fails the run",
             r.describe())
        t.match(r.stderr, r"missing\.pem|SSL_CERT_FILE", "and names the bundle",
                diag=r.stderr[-800:])
        t.eq([c["op"] for c in w.acm_calls()], [], "no request reached ACM")
    finally:
        w.close()
    t.prefix = ""


def main():
    for tool in ("podman", "runc", "debootstrap", "file"):
        if shutil.which(tool) is None and not os.path.exists(f"/usr/sbin/{tool}"):
            t.ok(False, f"{tool} is installed (scripts/setup.sh)")
            return t.done()
    if SUDO and subprocess.run(["sudo", "-n", "true"]).returncode != 0:
        t.ok(False, "root or password-less sudo for podman and debootstrap")
        return t.done()
    if not os.path.exists(os.path.join(ROOT, "src", "main.c")):
        t.ok(False, "src/main.c exists")
        return t.done()
    t0 = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="port-acm-package-")
    try:
        check_static()
        if build_image():
            check_image(tmp)
            suite = Suite("package")
            suite.setup()
            try:
                why = [m for m in ("fake_acm", "fake_port", "tlsca")
                       if suite.fakes.get(m) is None]
                if why:
                    t.ok(False, "the fakes exist", why)
                else:
                    e2e(suite)
            finally:
                suite.teardown()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        t.diag(f"timing: package suite {time.monotonic() - t0:.1f}s")
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
