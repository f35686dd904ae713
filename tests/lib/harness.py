"""End-to-end test harness for build/port-acm.

What it gives a suite:
  TAP        ok/not ok lines with diagnostics, the plan, the exit status
  Suite      a per-suite temp dir, the test PKI, the test registry
  World      one FakeACM + one FakePort (HTTPS or plain HTTP) for one test,
             and World.run(): the binary as a GitHub Action or as a CLI
             with a clean environment and a timeout
  Result     rc, stdout, stderr, outputs (strict heredoc parse), the step
             summary, the workflow commands seen

A suite looks like:

    from harness import Suite
    S = Suite("core")

    @S.test
    def request_as_action(t, w):      # t: TAP, w: World (fresh fakes)
        r = w.run("request", inputs={...})
        t.eq(r.rc, 0, "exit code")
        ...

    S.main()

Every run has a timeout (RUN_TIMEOUT seconds): a hang is a failure, not
a stuck CI. Nothing here talks to anything but 127.0.0.1.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("PORT_ACM_ROOT") or os.path.dirname(os.path.dirname(HERE))
BIN = os.environ.get("PORT_ACM_BIN") or os.path.join(ROOT, "build", "port-acm")
sys.path.insert(0, os.path.join(ROOT, "tests"))

RUN_TIMEOUT = float(os.environ.get("PORT_ACM_E2E_TIMEOUT", "60"))
# How much slower port-acm runs here (an instrumented build under the
# sanitize suites): a test that races port-acm's own time against a
# fake's delay scales both by it.
TIME_SCALE = float(os.environ.get("PORT_ACM_TIME_SCALE", "1"))

# Fixed identities used by every suite.
ACCOUNT = "123456789012"
REGION = "eu-west-1"
RUN_ID = "r_AbCdEf0123456789"
PORT_CLIENT_ID = "e2e-client-id"
PORT_CLIENT_SECRET = "e2e-client-secret-Zq9w"
AWS_KEY_ID = "AKIAE2ETESTKEY000001"
AWS_SECRET = "e2eSecretAccessKey/abcdefghijklmnopqrstu"
GH_SERVER = "https://github.com"
GH_REPO = "acme/infra"
GH_RUN = "4242"
GH_RUN_URL = f"{GH_SERVER}/{GH_REPO}/actions/runs/{GH_RUN}"

# Regions the tests sign for; the fake ACM accepts all of them.
ALL_REGIONS = ("eu-west-1", "us-west-2", "us-east-1", "us-east-2", "ap-south-1",
               "ca-central-1", "sa-east-1", "eu-central-1")

MUTATING_OPS = {"RequestCertificate", "RenewCertificate", "DeleteCertificate",
                "AddTagsToCertificate", "RemoveTagsFromCertificate",
                "ImportCertificate", "UpdateCertificateOptions",
                "ResendValidationEmail", "RevokeCertificate",
                "ExportCertificate", "PutAccountConfiguration"}


def cert_arn(region=REGION, cid="0a1b2c3d-1111-2222-3333-444455556666",
             account=ACCOUNT, partition="aws"):
    return f"arn:{partition}:acm:{region}:{account}:certificate/{cid}"


# ---------------------------------------------------------------- TAP

class TAP:
    """TAP producer: one line per check; diagnostics as '# ' lines."""

    def __init__(self, out=None):
        self.out = out or sys.stdout
        self.n = 0
        self.failed = 0
        self.prefix = ""

    def _line(self, s):
        self.out.write(s + "\n")
        self.out.flush()

    def diag(self, msg):
        for line in str(msg).splitlines() or [""]:
            self._line("#   " + line)

    def ok(self, cond, name, diag=None):
        self.n += 1
        cond = bool(cond)
        name = (self.prefix + name).replace("\n", " ").replace("#", "\\#")
        self._line(f"{'' if cond else 'not '}ok {self.n} - {name}")
        if not cond:
            self.failed += 1
            if diag is not None:
                self.diag(diag if isinstance(diag, str) else repr(diag))
        return cond

    def eq(self, got, want, name, diag=None):
        good = got == want
        d = f"got:  {got!r}\nwant: {want!r}"
        if diag:
            d += "\n" + (diag if isinstance(diag, str) else repr(diag))
        return self.ok(good, name, d)

    def contains(self, hay, needle, name, diag=None):
        good = hay is not None and needle in hay
        d = f"{needle!r} not found in:\n{_clip(hay)}"
        if diag:
            d += "\n" + str(diag)
        return self.ok(good, name, d)

    def match(self, hay, pattern, name, flags=re.I, diag=None):
        good = hay is not None and re.search(pattern, hay, flags) is not None
        d = f"/{pattern}/ does not match:\n{_clip(hay)}"
        if diag:
            d += "\n" + str(diag)
        return self.ok(good, name, d)

    def skip(self, name, why):
        self.n += 1
        self._line(f"ok {self.n} - {self.prefix}{name} # SKIP {why}")

    def done(self):
        self._line(f"1..{self.n}")
        if self.failed:
            self._line(f"# {self.failed} of {self.n} checks failed")
        return 1 if self.failed else 0


def _clip(s, n=3000):
    if s is None:
        return "(None)"
    s = str(s)
    return s if len(s) <= n else s[:n] + f"\n... ({len(s) - n} more chars)"


# ------------------------------------------------- outputs and commands
# The parsers live in gha_parse.py; parse_outputs is re-exported for the
# scripts that read a step's outputs (bench_sync.py).
from gha_parse import OutputsError, parse_commands, parse_outputs  # noqa: E402


class Result:
    def __init__(self, argv, env, rc, stdout, stderr, outputs_text, summary,
                 elapsed, timed_out=False, merged=None):
        self.argv, self.env, self.rc = argv, env, rc
        self.stdout, self.stderr = stdout, stderr
        self.merged = merged           # stdout+stderr in one pipe, if asked
        self.outputs_text = outputs_text
        self.summary = summary
        self.elapsed = elapsed
        self.timed_out = timed_out
        self.outputs_error = None
        self.outputs, self.output_dups = {}, []
        if outputs_text is not None:
            try:
                self.outputs, self.output_dups = parse_outputs(outputs_text)
            except OutputsError as e:
                self.outputs_error = str(e)
        self.commands = parse_commands(stdout, "stdout") + parse_commands(stderr, "stderr")

    @property
    def text(self):
        """Everything a human would read: stdout + stderr."""
        return self.stdout + "\n" + self.stderr

    def cmds(self, name):
        return [c for c in self.commands if c.name == name.lower()]

    @property
    def masks(self):
        return [c.message for c in self.cmds("add-mask")]

    @property
    def warnings(self):
        return [c.message for c in self.cmds("warning")]

    @property
    def errors(self):
        return [c.message for c in self.cmds("error")]

    def output_json(self, name):
        return json.loads(self.outputs[name])

    def describe(self):
        """A diagnostic for a failed check."""
        env = {k: v for k, v in self.env.items() if k not in ("PATH", "HOME", "LANG")}
        return (f"argv: {self.argv}\nenv: {json.dumps(env, indent=None)[:1500]}\n"
                f"rc: {self.rc}{' (TIMED OUT)' if self.timed_out else ''}"
                f" in {self.elapsed:.2f}s\n"
                f"--- stdout ---\n{_clip(self.stdout, 2500)}\n"
                f"--- stderr ---\n{_clip(self.stderr, 2500)}\n"
                f"--- GITHUB_OUTPUT ---\n{_clip(self.outputs_text, 1500)}")

    def unmasked_leaks(self, secrets):
        """Secret values that appear in output outside ::add-mask:: lines."""
        leaks = []
        for s in secrets:
            if not s:
                continue
            for stream in (self.stdout, self.stderr, self.summary or "",
                           self.outputs_text or ""):
                for line in stream.split("\n"):
                    if s in line and not line.lstrip().startswith("::add-mask::"):
                        leaks.append((s[:6] + "...", line[:200]))
        return leaks


# --------------------------------------------------------------- fakes

def _import_fakes():
    """The fakes live in tests/fakes/ (other engineers' code)."""
    import importlib
    mods = {}
    for name in ("fake_acm", "fake_port", "fake_tagging", "awsjson", "tlsca"):
        try:
            mods[name] = importlib.import_module("fakes." + name)
        except ImportError as e:
            if getattr(e, "name", None) not in ("fakes." + name, "fakes"):
                raise  # the module exists but is broken: say so
            mods[name] = None
    return mods


class World:
    """One FakeACM and one FakePort for one test, plus run()."""

    def __init__(self, suite, https=True, port=True, acm=True, acm_kwargs=None,
                 port_kwargs=None):
        self.suite = suite
        self.https = https
        self.dir = tempfile.mkdtemp(prefix="w-", dir=suite.dir)
        self.acm = self.port = self.tagging = None
        self.acm_url = self.port_url = self.tagging_url = None
        self.session_token = None
        # Requests the fake ACM may refuse as badly signed in this test
        # (e.g. the first one from a runner whose clock is off).
        self.expected_bad_signatures = 0
        self._runs = 0
        self._extra = []  # start_fake's, stopped by close()
        mods = suite.fakes
        tls = suite.tls_kwargs() if https else {}
        if acm:
            cls = getattr(mods["fake_acm"], "FakeACM")
            kw = dict(tls)
            primary = (acm_kwargs or {}).pop("region", None) or REGION
            # The fake mints ARNs in its first region and accepts
            # signatures scoped to any of them.
            kw["region"] = (primary,) + tuple(r for r in ALL_REGIONS if r != primary)
            kw["account"] = ACCOUNT
            kw["credentials"] = {AWS_KEY_ID: (AWS_SECRET, None)}
            kw.update(acm_kwargs or {})
            self.acm = _construct(cls, kw)
            self.acm_url = self.acm.start()
            # sync reads tags with the Resource Groups Tagging API: its
            # fake lists the fake ACM's certificates and tags live.
            if mods.get("fake_tagging") is not None:
                reg = mods["awsjson"].Registry(default_account=ACCOUNT)
                reg.add(AWS_KEY_ID, AWS_SECRET, account=ACCOUNT)
                self.tagging = mods["fake_tagging"].FakeTagging(
                    registry=reg, region=kw["region"], **tls)
                self.tagging.link_acm(self.acm)
                self.tagging_url = self.tagging.start()
        if port:
            cls = getattr(mods["fake_port"], "FakePort")
            kw = dict(tls)
            kw["client_id"] = PORT_CLIENT_ID
            kw["client_secret"] = PORT_CLIENT_SECRET
            # the AWS account entity exists, as the AWS integration makes it
            kw["related"] = (ACCOUNT,)
            kw.update(port_kwargs or {})
            self.port = _construct(cls, kw)
            self.port_url = self.port.start()

    def start_fake(self, fake):
        """Starts a fake beside the World's own (DNS, STS, Route 53 ...)
        and stops it in close(), the last one first; returns it."""
        fake.start()
        self._extra.append(fake)
        return fake

    def close(self):
        for f in reversed(self._extra):
            try:
                f.stop()
            except Exception:
                pass
        for f in (self.acm, self.port, self.tagging):
            if f is not None:
                try:
                    f.stop()
                except Exception:
                    pass

    # -- environment ---------------------------------------------------

    def base_env(self, actions, port_creds=True, aws=True):
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": self.dir,
            "LANG": "C.UTF-8",
            "TMPDIR": self.dir,
            # test-only knob: poll/backoff intervals in milliseconds
            "PORT_ACM_POLL_INTERVAL_MS": "5",
        }
        if aws:
            env["AWS_ACCESS_KEY_ID"] = self.aws_key_id()
            env["AWS_SECRET_ACCESS_KEY"] = self.aws_secret()
            if self.session_token:
                env["AWS_SESSION_TOKEN"] = self.session_token
            if self.acm_url:
                env["AWS_ENDPOINT_URL_ACM"] = self.acm_url
            # Services a test does not fake go nowhere (a closed local
            # port), never to AWS; a test that fakes one overrides it.
            for svc in ("ORGANIZATIONS", "ACCOUNT", "ROUTE_53"):
                env["AWS_ENDPOINT_URL_" + svc] = "http://127.0.0.1:9"
            # DNS too (sync's renewal readiness, the validation doctor):
            # a closed local port, never the system's resolvers, unless
            # the test starts a fake DNS server.
            env["PORT_ACM_DNS_SERVER"] = "127.0.0.1:9"
            if self.tagging_url:
                env["AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API"] = \
                    self.tagging_url
        if self.https:
            env["SSL_CERT_FILE"] = self.suite.ca_pem
        if actions:
            env.update({
                "GITHUB_ACTIONS": "true",
                "CI": "true",
                "GITHUB_SERVER_URL": GH_SERVER,
                "GITHUB_REPOSITORY": GH_REPO,
                "GITHUB_RUN_ID": GH_RUN,
            })
            if port_creds:
                env["INPUT_PORT_CLIENT_ID"] = self.port_client_id()
                env["INPUT_PORT_CLIENT_SECRET"] = self.port_client_secret()
            if self.port_url:
                env["INPUT_PORT_BASE_URL"] = self.port_url
        else:
            if port_creds:
                env["PORT_CLIENT_ID"] = self.port_client_id()
                env["PORT_CLIENT_SECRET"] = self.port_client_secret()
            if self.port_url:
                env["PORT_BASE_URL"] = self.port_url
        return env

    def aws_key_id(self):
        return AWS_KEY_ID

    def aws_secret(self):
        return AWS_SECRET

    # -- fake ACM set-up ------------------------------------------------

    def set_session_token(self, token):
        """From now on the fake requires this session token."""
        self.acm.credentials[AWS_KEY_ID] = (AWS_SECRET, token)
        if self.tagging is not None:
            self.tagging.registry.add(AWS_KEY_ID, AWS_SECRET, token,
                                      account=ACCOUNT)
        return token

    def add_cert(self, region=None, domain="www.example.com", type="AMAZON_ISSUED",
                 status="ISSUED", exported=False, export=None, renewal_eligibility=None,
                 renewal_status=None, renewal_reason=None, in_use_by=(), **kw):
        """A certificate that existed before the run; returns its ARN."""
        region = region or self.acm.region
        if region != self.acm.region:
            raise AssertionError(f"test set-up: the fake ACM's region is {self.acm.region}, "
                                 f"not {region} (use @S.test(acm_region=...))")
        return self.acm.add_certificate(
            domain, type=type, status=status, in_use_by=list(in_use_by), exported=exported,
            export_option=export, renewal_eligibility=renewal_eligibility,
            renewal_status=renewal_status, renewal_reason=renewal_reason, **kw)

    def acm_fault(self, op, error_type, message="scripted failure", times=1, status=400,
                  skip=0):
        """The next `times` calls of op (None = every one) answer a modeled
        ACM error (after signature and model validation); skip=N lets N
        calls through first."""
        self.acm.fail(op, error_type, message, status=status,
                      count=10 ** 6 if times is None else times, skip=skip)

    def acm_configure(self, records_after=None, issue_after=None, fail_after=None,
                      failure_reason=None):
        """Behaviour of certificates RequestCertificate creates from now on."""
        a = self.acm
        if records_after is not None:
            a.default_records_after = records_after
        if issue_after is not None:
            a.default_issue_after = issue_after
        if fail_after is not None:
            a.default_issue_after = fail_after
            orig = a._new_cert

            def new_cert(*args, **kw):
                c = orig(*args, **kw)
                c["_issue_status"] = ("FAILED", failure_reason)
                return c
            a._new_cert = new_cert

    def acm_issue(self, arn):
        self.acm.set_status(arn, "ISSUED")

    def acm_arns(self):
        with self.acm.lock:
            return list(self.acm.certs.keys())

    def acm_cert_field(self, arn, field):
        with self.acm.lock:
            c = self.acm.certs.get(arn) or self.acm.deleted.get(arn)
            return None if c is None else c.get(field)

    def acm_record(self, arn, domain):
        """The DNS validation record the fake hands out for domain."""
        with self.acm.lock:
            c = self.acm.certs.get(arn)
            if c is None:
                return None
            base = domain[2:] if domain.startswith("*.") else domain
            return self.acm._record(c, base)

    @staticmethod
    def header(call, name):
        return _hget(call["headers"], name)

    def port_client_id(self):
        return PORT_CLIENT_ID

    def port_client_secret(self):
        return PORT_CLIENT_SECRET

    # -- fake Port set-up -----------------------------------------------

    def add_run(self, run_id=RUN_ID, status="IN_PROGRESS"):
        return self.port.add_run(run_id, status=status)

    def reset_run(self, run_id=RUN_ID):
        """A fresh IN_PROGRESS run with an empty timeline."""
        return self.port.add_run(run_id)

    def add_blueprint(self, bp, drop=()):
        """Makes the fake enforce a blueprint schema: the repo's
        acmCertificate blueprint's properties and relations, less drop."""
        props, rels = repo_blueprint()
        if props is None:
            raise AssertionError("no blueprint JSON with identifier acmCertificate "
                                 "found in the repo")
        self.port.add_blueprint(bp, {p: ty for p, ty in props.items() if p not in drop}, rels)

    def add_entity(self, bp, identifier, **kw):
        self.port.add_entity(bp, identifier, **kw)

    def port_entity(self, bp, identifier):
        with self.port.lock:
            return self.port.entities.get((bp, identifier))

    def port_fault(self, route, kind, times=1, **kw):
        """route: token, log, patch, get_run, entity (upsert + delete) or
        a FakePort route name; times None = every call."""
        names = {"patch": ["patch_run"], "entity": ["upsert_entity", "delete_entity"]}
        for r in names.get(route, [route]):
            self.port.fault(r, kind, count=10 ** 6 if times is None else times, **kw)

    def issued_tokens(self):
        with self.port.lock:
            return list(self.port.tokens.keys())

    def time_of_first_token(self):
        with self.port.lock:
            ts = [q["time"] for q in self.port.requests if q.get("route") == "token"]
        return min(ts) if ts else None

    # -- running the binary --------------------------------------------

    def run(self, op, args=(), inputs=None, env=None, actions=True,
            port_creds=True, aws=True, timeout=None, merge=False,
            unset=(), bin_path=None):
        """Runs build/port-acm once.

        actions=True: as a GitHub Action (INPUT_OPERATION=op, INPUT_<NAME>
        for inputs, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY temp files), args
        are appended to argv. actions=False: as a CLI, argv = [bin, op,
        --flag value ...] from inputs (secrets go to env), no GITHUB_*.
        op None: not given at all. env overrides/extends the environment;
        a value of None removes the variable; unset lists names to drop.
        """
        argv, e, out_path, sum_path = self._prepare(
            op, args, inputs, env, actions, port_creds, aws, unset, bin_path)
        t0 = time.monotonic()
        timed_out = False
        try:
            p = subprocess.run(argv, env=e, cwd=self.dir, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT if merge else subprocess.PIPE,
                               timeout=timeout or RUN_TIMEOUT)
            rc, so, se = p.returncode, p.stdout, p.stderr or b""
        except subprocess.TimeoutExpired as ex:
            timed_out = True
            rc, so, se = -999, ex.stdout or b"", ex.stderr or b""
        return self._result(argv, e, rc, so, se, out_path, sum_path,
                            time.monotonic() - t0, timed_out, merge)

    def spawn(self, op, inputs=None, env=None, wrap=(), **kw):
        """Starts build/port-acm like run() but returns at once: a Spawned
        (.proc, .finish(timeout) -> Result). wrap is put before argv, e.g.
        ["unshare", "--pid", "--fork"] to run the binary as PID 1."""
        argv, e, out_path, sum_path = self._prepare(
            op, kw.get("args", ()), inputs, env, kw.get("actions", True),
            kw.get("port_creds", True), kw.get("aws", True), kw.get("unset", ()),
            kw.get("bin_path"))
        argv = list(wrap) + argv
        t0 = time.monotonic()
        proc = subprocess.Popen(argv, env=e, cwd=self.dir, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return Spawned(self, proc, argv, e, out_path, sum_path, t0)

    def _prepare(self, op, args, inputs, env, actions, port_creds, aws, unset,
                 bin_path):
        self._runs += 1
        inputs = dict(inputs or {})
        e = self.base_env(actions, port_creds=port_creds, aws=aws)
        argv = [bin_path or BIN]
        out_path = sum_path = None
        if actions:
            rd = os.path.join(self.dir, f"run{self._runs}")
            os.makedirs(rd, exist_ok=True)
            out_path = os.path.join(rd, "github_output")
            sum_path = os.path.join(rd, "step_summary")
            open(out_path, "w").close()
            open(sum_path, "w").close()
            e["GITHUB_OUTPUT"] = out_path
            e["GITHUB_STEP_SUMMARY"] = sum_path
            if op is not None:
                e["INPUT_OPERATION"] = op
            for k, v in inputs.items():
                e["INPUT_" + k.upper()] = _s(v)
            argv += list(args)
        else:
            if op is not None:
                argv.append(op)
            for k, v in inputs.items():
                if k in ("port_client_id", "port_client_secret"):
                    e[k.upper()] = _s(v)
                    continue
                argv += ["--" + k.replace("_", "-"), _s(v)]
            argv += list(args)
        for k in unset:
            e.pop(k, None)
        for k, v in (env or {}).items():
            if v is None:
                e.pop(k, None)
            else:
                e[k] = v
        return argv, e, out_path, sum_path

    def _result(self, argv, e, rc, so, se, out_path, sum_path, elapsed, timed_out,
                merge):
        so = so.decode("utf-8", "replace")
        se = se.decode("utf-8", "replace")
        outputs_text = summary = None
        if out_path:
            with open(out_path, encoding="utf-8", errors="replace", newline="") as f:
                outputs_text = f.read()
            with open(sum_path, encoding="utf-8", errors="replace", newline="") as f:
                summary = f.read()
        return Result(argv, e, rc, so, se, outputs_text, summary, elapsed, timed_out,
                      merged=so if merge else None)

    # -- what the fakes saw (normalised; see the adapters below) -----------

    def acm_calls(self, op=None):
        calls = [normalize_acm_call(c) for c in list(self.acm.calls)] if self.acm else []
        return [c for c in calls if op is None or c["op"] == op]

    def acm_mutations(self):
        return [c for c in self.acm_calls() if c["op"] in MUTATING_OPS]

    def port_events(self, run_id=RUN_ID):
        return port_timeline(self.port, run_id)

    def port_requests(self):
        """Every request the fake Port received (faulted ones included)."""
        if self.port is None:
            return []
        with self.port.lock:
            reqs = list(self.port.requests)
        return [normalize_port_call(c) for c in reqs]


class Spawned:
    """A port-acm started by World.spawn()."""

    def __init__(self, world, proc, argv, env, out_path, sum_path, t0):
        self.world, self.proc, self.argv, self.env = world, proc, argv, env
        self.out_path, self.sum_path, self.t0 = out_path, sum_path, t0

    def finish(self, timeout=None):
        timed_out = False
        try:
            so, se = self.proc.communicate(timeout=timeout or RUN_TIMEOUT)
            rc = self.proc.returncode
        except subprocess.TimeoutExpired:
            timed_out = True
            self.proc.kill()
            so, se = self.proc.communicate()
            rc = -999
        return self.world._result(self.argv, self.env, rc, so, se or b"",
                                  self.out_path, self.sum_path,
                                  time.monotonic() - self.t0, timed_out, False)


def _s(v):
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _construct(cls, kw):
    """Calls cls(**kw), dropping keyword arguments it does not take."""
    import inspect
    try:
        sig = inspect.signature(cls)
        params = sig.parameters
        if not any(p.kind == p.VAR_KEYWORD for p in params.values()):
            kw = {k: v for k, v in kw.items() if k in params}
    except (TypeError, ValueError):
        pass
    return cls(**kw)


def normalize_acm_call(c):
    """{'op', 'params', 'status', 'error', 'region', 'headers'} from
    whatever FakeACM records."""
    if not isinstance(c, dict):
        c = dict(getattr(c, "__dict__", {}))
    op = c.get("op") or c.get("operation") or c.get("action") or ""
    if not op:
        tgt = (c.get("target") or (c.get("headers") or {}).get("X-Amz-Target") or "")
        op = tgt.split(".")[-1]
    if "." in op:
        op = op.split(".")[-1]
    params = c.get("params")
    if params is None:
        params = c.get("body") if isinstance(c.get("body"), dict) else None
    if params is None:
        params = c.get("request") or c.get("input") or {}
    region = c.get("region") or c.get("signing_region")
    if not region:
        auth = _hget(c.get("headers") or {}, "authorization") or ""
        m = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/", auth)
        region = m.group(1) if m else None
    return {"op": op, "params": params or {},
            "status": c.get("status") or c.get("http_status"),
            "error": c.get("error") or c.get("error_code"),
            "region": region, "headers": c.get("headers") or {}, "raw": c}


def _hget(h, name):
    for k, v in (h.items() if hasattr(h, "items") else []):
        if k.lower() == name.lower():
            return v
    return None


def _single(q):
    return {k: (v[-1] if isinstance(v, list) and v else v) for k, v in (q or {}).items()}


def normalize_port_call(c):
    """A request record of the fake Port (common.Request.record())."""
    method = (c.get("method") or "").upper()
    path = c.get("path") or ""
    body = c.get("body")
    if isinstance(body, (bytes, str)) and body:
        try:
            body = json.loads(body)
        except ValueError:
            pass
    return {"kind": _port_kind(method, path, body), "method": method, "path": path,
            "query": _single(c.get("query")), "body": body,
            "status": c.get("status"), "route": c.get("route"), "raw": c}


def _port_kind(method, path, body):
    if path.endswith("/auth/access_token"):
        return "token"
    if re.search(r"/actions/runs/[^/]+/logs$", path):
        if isinstance(body, dict) and body.get("terminationStatus"):
            return "terminal"
        return "log"
    if method == "PATCH" and re.search(r"/actions/runs/[^/]+$", path):
        if isinstance(body, dict) and "status" in body:
            return "terminal"
        return "patch"
    if method == "POST" and re.search(r"/blueprints/[^/]+/entities$", path):
        return "upsert"
    if method == "DELETE" and "/entities/" in path:
        return "entity_delete"
    if method == "GET" and "/actions/runs/" in path:
        return "get_run"
    return "other"


_TL_KIND = {"log": "log", "patch_run": "patch", "get_run": "get_run",
            "upsert_entity": "upsert", "delete_entity": "entity_delete"}


def port_timeline(port, run_id):
    """The run's timeline (every call tied to it, accepted or not) as
    normalised events, in order: kind is log, patch (no status),
    terminal (PATCH with status, or a log with terminationStatus),
    upsert, entity_delete or get_run; status is the HTTP answer."""
    if port is None:
        return []
    with port.lock:
        run = port.runs.get(run_id)
        tl = list(run["timeline"]) if run else []
    evs = []
    for e in tl:
        body = e.get("body")
        kind = _TL_KIND.get(e["kind"], e["kind"])
        if kind == "patch" and isinstance(body, dict) and "status" in body:
            kind = "terminal"
        if kind == "log" and isinstance(body, dict) and body.get("terminationStatus"):
            kind = "terminal"
        path = ""
        if kind in ("upsert",):
            path = f"/v1/blueprints/{e.get('blueprint')}/entities"
        elif kind == "entity_delete":
            path = f"/v1/blueprints/{e.get('blueprint')}/entities/{e.get('identifier')}"
        evs.append({"kind": kind, "method": "", "path": path, "query": _single(e.get("query")),
                    "body": body, "status": e.get("status"), "time": e.get("time"),
                    "identifier": e.get("identifier"), "raw": e})
    return evs


def repo_blueprint(identifier="acmCertificate"):
    """({property: JSON type}, relations {name: target}) of the blueprint JSON
    in the repo, or (None, None)."""
    import glob
    for f in sorted(glob.glob(os.path.join(ROOT, "**", "*.json"), recursive=True)):
        if "/build/" in f or "/node_modules/" in f or "/tests/" in f:
            continue
        try:
            with open(f, encoding="utf-8") as fh:
                d = json.load(fh)
        except (OSError, ValueError):
            continue
        if isinstance(d, dict) and d.get("identifier") == identifier and "schema" in d:
            props = {k: ((v or {}).get("type") if (v or {}).get("type") in
                         ("string", "number", "boolean", "array", "object") else None)
                     for k, v in ((d.get("schema") or {}).get("properties") or {}).items()}
            rels = {k: (v or {}).get("target") for k, v in (d.get("relations") or {}).items()}
            return props, rels
    return None, None


# ------------------------------------------------------------ the suite

class Suite:
    def __init__(self, name):
        self.name = name
        self.tap = TAP()
        self.tests = []
        self.dir = None
        self.fakes = None
        self.pki = None
        self.ca_pem = None

    def test(self, fn=None, *, https=True, acm_region=None):
        """Decorator: @S.test or @S.test(https=False, acm_region=...)."""
        def deco(f):
            self.tests.append((f, {"https": https, "acm_region": acm_region}))
            return f
        return deco(fn) if fn is not None else deco

    def tls_kwargs(self):
        p = self.pki or {}
        return {"tls": (p["server_cert"], p["server_key"])}

    def setup(self):
        self.dir = tempfile.mkdtemp(prefix=f"port-acm-e2e-{self.name}-")
        self.fakes = _import_fakes()
        tlsca = self.fakes.get("tlsca")
        if tlsca is not None:
            self.pki = tlsca.make_test_pki(os.path.join(self.dir, "pki"))
            self.ca_pem = self.pki["ca"]

    def teardown(self):
        if self.dir and not os.environ.get("PORT_ACM_E2E_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)

    def missing(self):
        why = []
        if not os.access(BIN, os.X_OK):
            why.append(f"{os.path.relpath(BIN, ROOT)} not built")
        for m in ("fake_acm", "fake_port", "tlsca"):
            if self.fakes.get(m) is None:
                why.append(f"tests/fakes/{m}.py missing")
        return why

    def main(self):
        t = self.tap
        only = os.environ.get("E2E_ONLY", "")
        self.setup()
        try:
            why = self.missing()
            if why:
                # A suite that cannot run must not pass silently.
                t.ok(False, f"{self.name}: prerequisites", "; ".join(why))
                return sys.exit(t.done())
            for fn, opts in self.tests:
                if only and only not in fn.__name__:
                    continue
                t.prefix = fn.__name__ + ": "
                w = None
                try:
                    w = World(self, https=opts["https"],
                              acm_kwargs={"region": opts["acm_region"]})
                    fn(t, w)
                    if w.acm is not None:
                        bad = [c["op"] for c in w.acm.calls if not c.get("signature_ok")]
                        t.ok(len(bad) == w.expected_bad_signatures,
                             "every ACM request carried a valid SigV4 signature"
                             " (but those the test expects refused)", bad)
                except Exception:
                    t.ok(False, "no exception", traceback.format_exc())
                finally:
                    if w is not None:
                        w.close()
                    t.prefix = ""
        finally:
            self.teardown()
        sys.exit(t.done())


# ------------------------------------------------------- shared checks

def _count(v):
    if v is None:
        return None
    if isinstance(v, (int, float)):
        return int(v)
    if isinstance(v, dict):
        return len(v)
    try:
        return len(v)
    except TypeError:
        return None


def tokens_issued(w):
    return _count(getattr(w.port, "tokens_issued", None))


def connections(fake):
    """TCP connections the fake accepted (int), or None if unknown."""
    return _count(getattr(fake, "connections", None))


def check_no_acm_call(t, w, r, what="no ACM call at all"):
    calls = w.acm_calls()
    return t.ok(not calls, what, [c["op"] for c in calls] if calls else None) or \
        t.diag(r.describe()) or False


def check_no_mutation(t, w, r, what="nothing changed in AWS (no mutating ACM call)"):
    m = w.acm_mutations()
    ok = t.ok(not m, what, [c["op"] for c in m])
    if not ok:
        t.diag(r.describe())
    return ok


def check_rc(t, r, want, name=None):
    ok = t.eq(r.rc, want, name or f"exit code {want}")
    if not ok:
        t.diag(r.describe())
    return ok


def ctx(run_id=RUN_ID, entity=None, key="runId", **extra):
    """port_context as Port sends it: the run id (under key), the entity
    and any other members."""
    c = {key: run_id}
    if entity is not None:
        c["entity"] = entity
    c.update(extra)
    return json.dumps(c)


def entity_for(arn, identifier=None, blueprint="acmCertificate",
               title="www.example.com"):
    """A catalog entity of the certificate arn, as port_context carries it."""
    return {"identifier": identifier or arn, "title": title, "blueprint": blueprint,
            "properties": {"arn": arn}, "relations": {"account": ACCOUNT}}


def req(w, inputs=None, **kw):
    """`request` of www.example.com in REGION for the run RUN_ID (inputs
    add to or replace those; kw go to w.run)."""
    i = {"domain_name": "www.example.com", "aws_region": REGION,
         "port_context": ctx()}
    i.update(inputs or {})
    return w.run("request", inputs=i, **kw)


def check_one_call(t, w, op, r):
    """The test's one ACM call of op (checked: exactly one; the run r
    described when not), or None."""
    calls = w.acm_calls(op)
    if not t.eq(len(calls), 1, f"exactly one {op} call"):
        t.diag(r.describe())
        return None
    return calls[0]


def check_request_sends(t, w, inputs, member, want, what, args=()):
    """`request` without Port in REGION, with inputs (and the flags
    args): exit 0 and exactly one RequestCertificate, whose `member` is
    `want` (what: the check's words). Returns the run."""
    r = w.run("request", args=args, inputs={"aws_region": REGION, **inputs},
              port_creds=False)
    check_rc(t, r, 0)
    c = check_one_call(t, w, "RequestCertificate", r)
    if c:
        t.eq(c["params"].get(member), want, what)
    return r


def terminal_events(events, accepted=True):
    return [e for e in events if e["kind"] == "terminal" and
            (not accepted or (e["status"] or 0) < 300)]


def check_terminal(t, w, status, run_id=RUN_ID, summary_res=(), link=True,
                   r=None):
    """Exactly one accepted terminal update, and nothing but reads after
    it; status as given; summary matches every regex in summary_res; the
    link names the GitHub run. Returns the terminal event or None."""
    evs = w.port_events(run_id)
    term = terminal_events(evs)
    kinds = [(e["kind"], e["status"]) for e in evs]
    if not t.eq(len(term), 1, "exactly one terminal update on the run", kinds):
        if r is not None:
            t.diag(r.describe())
        return None
    e = term[0]
    after = [x for x in evs[evs.index(e) + 1:] if x["kind"] != "get_run"]
    t.ok(not after, "the terminal update is the last call on the run", kinds)
    body = e["body"] if isinstance(e["body"], dict) else {}
    st = body.get("status") or body.get("terminationStatus")
    if not t.eq(st, status, f"run ends {status}") and r is not None:
        t.diag(r.describe())
    summary = body.get("summary") or body.get("message") or ""
    for rx in summary_res:
        t.match(summary, rx, f"run summary mentions /{rx[:40]}/")
    if link:
        runrec = w.port.runs.get(run_id) or {}
        lk = runrec.get("link")
        links = lk if isinstance(lk, list) else [lk]
        t.ok(GH_RUN_URL in links, "the run links the GitHub run", lk)
    return e


def logs(events):
    return [e for e in events if e["kind"] == "log"]


def log_text(events):
    return "\n".join(str((e["body"] or {}).get("message", "")) for e in logs(events))


def check_secrets_masked(t, w, r, extra=()):
    """The Port token(s) and client secret are ::add-mask::ed, and no
    secret appears anywhere unmasked."""
    secrets = [w.port_client_secret()] + w.issued_tokens() + list(extra)
    for s in secrets:
        if s:
            t.ok(s in r.masks, f"::add-mask:: for secret {s[:4]}...", r.masks)
    leaks = r.unmasked_leaks(secrets + [w.aws_secret()])
    t.ok(not leaks, "no secret printed unmasked", leaks)
