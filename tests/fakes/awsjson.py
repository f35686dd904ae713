"""Shared plumbing for the fakes of the JSON AWS services the
multi-account features call (Organizations, Account Management,
Resource Groups Tagging): their botocore models, SigV4 verification,
model validation of requests and of the fakes' own answers, the
services' JSON error shapes, and one registry of credentials that tells
every fake which account a caller's access key belongs to.

Everything here follows botocore's models in tests/data/botocore (loaded
with that directory first on the Loader's search path, as fake_sts.py
does) and the protocols botocore implements for them:
  * awsJson1_1 ("json"): POST /, X-Amz-Target: <targetPrefix>.<Op>,
    Content-Type application/x-amz-json-1.1, errors {"__type": Name, ...}
    (botocore/parsers.py BaseJSONParser._do_error_parse);
  * rest-json: the operation's http.method and requestUri, a JSON body,
    errors named by the x-amzn-ErrorType header and the body's members.
Timestamps in both are epoch seconds (the protocols' default
timestampFormat, "unixTimestamp").

A JSON fake subclasses JsonFake, names its model and implements
_op_<Operation>(params, call) returning the output as a dict; the dict
is checked against the operation's output shape before it is sent, so a
fake cannot answer with a member, type or enum value the model lacks.
"""

import argparse
import datetime
import hashlib
import json
import re
import threading
import time
import traceback
import urllib.parse
import uuid

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.loaders
import botocore.model
import botocore.validate

from . import awscli, sigv4_check
from .common import FakeServer, Response, MODELS_DIR
from .model_check import _constraint_errors

SIGV4_FORMAT = "%Y%m%dT%H%M%SZ"


def _drop_nulls(v):
    """JSON null means "not set" to the services; botocore's validator,
    written for Python callers, would call it a type error (as fake_acm
    does it; a copy, so this module depends on fake_acm for
    _constraint_errors only, like fake_sts)."""
    if isinstance(v, dict):
        return {k: _drop_nulls(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [_drop_nulls(x) for x in v]
    return v
DEFAULT_ACCOUNT = "111111111111"

_MODELS = {}
_MODELS_LOCK = threading.Lock()


def load_model(service, api_version):
    """botocore's model of `service` from tests/data/botocore (first on
    the search path, ahead of Debian's older python3-botocore data)."""
    with _MODELS_LOCK:
        m = _MODELS.get(service)
        if m is None:
            loader = botocore.loaders.Loader(extra_search_paths=[MODELS_DIR])
            data = loader.load_service_model(service, "service-2",
                                             api_version=api_version)
            m = _MODELS[service] = botocore.model.ServiceModel(
                data, service_name=service)
        return m


# --- who is calling ----------------------------------------------------------

class Registry:
    """Credentials and the account each belongs to, shared by every fake
    of one test: access key id -> (secret, session token or None) as a
    mapping (the interface FakeSTS writes minted credentials into: it
    does `svc.credentials[akid] = (secret, token)` for each `trust`
    service), plus account_of(akid).

    Keys that FakeSTS mints reach here without an account; MultiAccountSTS
    (below) records the account of the role they were minted for. Keys
    added with add() carry theirs; anything else is in default_account.
    """

    def __init__(self, default_account=DEFAULT_ACCOUNT):
        self.default_account = default_account
        self._creds = {}
        self._account = {}
        self._lock = threading.RLock()

    def add(self, akid, secret, token=None, account=None):
        with self._lock:
            self._creds[akid] = (secret, token)
            if account is not None:
                self._account[akid] = account
        return akid

    def set_account(self, akid, account):
        with self._lock:
            self._account[akid] = account

    def account_of(self, akid):
        with self._lock:
            return self._account.get(akid, self.default_account)

    # the mapping interface FakeSTS and the fakes' SigV4 checks use
    def __setitem__(self, akid, value):
        with self._lock:
            self._creds[akid] = tuple(value)

    def __getitem__(self, akid):
        with self._lock:
            return self._creds[akid]

    def __contains__(self, akid):
        with self._lock:
            return akid in self._creds

    def __delitem__(self, akid):
        with self._lock:
            del self._creds[akid]
            self._account.pop(akid, None)

    def get(self, akid, default=None):
        with self._lock:
            return self._creds.get(akid, default)

    def keys(self):
        with self._lock:
            return list(self._creds)


class TrustAdapter:
    """What FakeSTS(trust=[...]) needs of a service: a `credentials`
    mapping. Passing TrustAdapter(registry) once registers minted keys
    with every fake that shares the registry."""

    def __init__(self, registry):
        self.credentials = registry


def multi_account_sts(registry, chain=True, base_account=None, **kw):
    """A FakeSTS whose minted credentials are registered in `registry`
    with the account of the role they were minted for (the 5th field of
    RoleArn), so that the fakes sharing the registry see the caller as
    that account. Needs no change to fake_sts.py: it wraps _credentials,
    whose answer names the minted key.

    chain=True: the STS checks AssumeRole's signature against the registry
    too, so credentials it minted sign the next AssumeRole (role
    chaining: a hub role from GitHub's OIDC token, then one role per
    member account). Its base `credentials` are copied into the registry
    (in base_account, default: the registry's default account).

    It also answers GetCallerIdentity (see MultiAccountSTS)."""
    from . import fake_sts as sts_mod
    FakeSTS = sts_mod.FakeSTS

    class MultiAccountSTS(FakeSTS):
        """FakeSTS plus GetCallerIdentity (STS API reference: Account,
        Arn, UserId; it needs no permission), answered from the registry:
        what a client calls to learn which account its credentials are
        in."""
        identities = {}   # akid -> (Arn, UserId) of minted credentials

        def _credentials(self, action, p, dur, rid):
            resp = super()._credentials(action, p, dur, rid)
            m = re.search(rb"<AccessKeyId>([^<]+)</AccessKeyId>", resp.body)
            arn = re.search(rb"<AssumedRoleUser>\s*<Arn>([^<]+)</Arn>\s*"
                            rb"<AssumedRoleId>([^<]+)</AssumedRoleId>",
                            resp.body)
            if m:
                akid = m.group(1).decode()
                registry.set_account(akid, p["RoleArn"].split(":")[4])
                if arn:
                    self.identities[akid] = (arn.group(1).decode(),
                                             arn.group(2).decode())
            return resp

        def _serve(self, req, call, rid):
            if self.route_of(req) != "GetCallerIdentity":
                return super()._serve(req, call, rid)
            self._params(req, call)
            akid, _ = sts_mod.verify_sigv4(req, self.credentials, "sts",
                                           self.regions)
            call["signed"], call["akid"] = True, akid
            account = registry.account_of(akid)
            arn, uid = self.identities.get(akid, (
                f"arn:aws:iam::{account}:user/test", "AIDA" + akid[4:]))
            ns = sts_mod.NS
            body = (f'<GetCallerIdentityResponse xmlns="{ns}">\n'
                    f"  <GetCallerIdentityResult>\n"
                    f"    <Arn>{arn}</Arn>\n    <UserId>{uid}</UserId>\n"
                    f"    <Account>{account}</Account>\n"
                    f"  </GetCallerIdentityResult>\n"
                    f"  <ResponseMetadata>\n    <RequestId>{rid}</RequestId>"
                    f"\n  </ResponseMetadata>\n"
                    f"</GetCallerIdentityResponse>\n")
            return Response(200, body, [("x-amzn-RequestId", rid)],
                            content_type="text/xml")

    trust = list(kw.pop("trust", ())) + [TrustAdapter(registry)]
    sts = MultiAccountSTS(trust=trust, **kw)
    if chain:
        for akid, (secret, token) in sts.credentials.items():
            registry.add(akid, secret, token, account=base_account)
        sts.credentials = registry
    return sts


# --- errors ------------------------------------------------------------------

class ApiError(Exception):
    """A modeled (or protocol-level) error: status, shape name, message,
    and extra body members (e.g. Organizations' Reason)."""

    def __init__(self, status, code, message, **members):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.members = members


def _to_wire(shape, value, path, errs):
    """The answer dict checked against the output shape and serialised
    the way the JSON protocols do (timestamps as epoch seconds)."""
    t = shape.type_name
    if value is None:
        errs.append(f"{path}: null")
        return None
    if t == "structure":
        if not isinstance(value, dict):
            errs.append(f"{path}: not a structure")
            return None
        out = {}
        for k, v in value.items():
            if k not in shape.members:
                errs.append(f"{path}.{k}: not a member of {shape.name}")
                continue
            ms = shape.members[k]
            if ms.serialization.get("location"):
                continue  # headers, status codes: not in the body
            out[ms.serialization.get("name", k)] = _to_wire(
                ms, v, f"{path}.{k}", errs)
        for r in shape.required_members:
            if r not in value:
                errs.append(f"{path}.{r}: required member missing")
        return out
    if t == "list":
        if not isinstance(value, list):
            errs.append(f"{path}: not a list")
            return None
        return [_to_wire(shape.member, v, f"{path}[{i}]", errs)
                for i, v in enumerate(value)]
    if t == "map":
        return {k: _to_wire(shape.value, v, f"{path}[{k}]", errs)
                for k, v in value.items()}
    if t == "timestamp":
        if isinstance(value, datetime.datetime):
            return value.timestamp()
        if not isinstance(value, (int, float)):
            errs.append(f"{path}: timestamp {value!r}")
        return value
    if t == "string":
        if not isinstance(value, str):
            errs.append(f"{path}: {value!r} is not a string")
        elif shape.enum and value not in shape.enum:
            errs.append(f"{path}: {value!r} not in the enum {shape.enum}")
        else:
            sub = []
            _constraint_errors(value, shape, path, sub)
            errs.extend(f"{p}: {v!r}: {w}" for p, v, w in sub)
        return value
    if t in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            errs.append(f"{path}: {value!r} is not an integer")
        return value
    if t == "boolean":
        if not isinstance(value, bool):
            errs.append(f"{path}: {value!r} is not a boolean")
        return value
    return value


def to_wire(shape, value):
    """Serialises an answer; raises AssertionError (a bug in the fake,
    answered as a 500 that names it) when it does not fit the model."""
    if shape is None:
        return {}
    errs = []
    out = _to_wire(shape, value, shape.name, errs)
    if errs:
        raise AssertionError("answer outside the model: " + "; ".join(errs))
    return out


def validation_errors(params, shape):
    """(path, value, why) for every way params break the input shape:
    botocore's validator (types, required, unknown members, min lengths
    and values) and the
    constraints it leaves to the service (max, enum, pattern) as
    fake_acm's _constraint_errors words them."""
    if shape is None:
        return [("", params, f"unexpected member {k}") for k in params]
    report = botocore.validate.ParamValidator().validate(params, shape)
    if report.has_errors():
        return [("", None, report.generate_report())]
    errs = []
    _constraint_errors(params, shape, "", errs)
    return errs


# --- the fake ----------------------------------------------------------------

class JsonFake(FakeServer):
    """A fake AWS JSON service. Subclasses set:
        SERVICE, API_VERSION   the model (tests/data/botocore/SERVICE)
        SERVED                 operations implemented as _op_<Name>
    and may override validation_error(op, errs) (the service's own
    validation exception) and error_body(e) (its error shape)."""

    SERVICE = API_VERSION = None
    SERVED = ()
    name = "fake-json"

    def __init__(self, registry=None, region="us-east-1", max_skew=900,
                 **kw):
        super().__init__(**kw)
        self.registry = registry if registry is not None else Registry()
        self.regions = (region,) if isinstance(region, str) else tuple(region)
        self.max_skew = max_skew
        self.calls = []
        self._fails = {}
        self.model = load_model(self.SERVICE, self.API_VERSION)
        self.signing_name = self.model.signing_name
        self.protocol = self.model.protocol
        self.target_prefix = self.model.metadata.get("targetPrefix")
        self.content_type = "application/x-amz-json-%s" % self.model.metadata.get(
            "jsonVersion", "1.1")
        self._routes = []  # rest-json: (method, path, op)
        for op in self.model.operation_names:
            http = self.model.operation_model(op).http
            self._routes.append((http.get("method"),
                                 http.get("requestUri", "/").split("?")[0], op))

    # FakeSTS writes minted keys into `credentials`.
    @property
    def credentials(self):
        return self.registry

    # --- helpers for tests ---------------------------------------------------
    def fail(self, op, code, message="scripted failure", status=400, count=1,
             account=None, **members):
        """The next `count` valid, signed calls of `op` ("*": any) from
        `account` (None: any) answer this error instead of running."""
        with self.lock:
            self._fails.setdefault(op, []).append(
                [code, message, status, count, account, members])

    def calls_of(self, op):
        with self.lock:
            return [c for c in self.calls if c["op"] == op]

    # --- FakeServer interface ------------------------------------------------
    def route_of(self, req):
        if self.protocol == "json":
            t = req.header("X-Amz-Target") or ""
            pre = self.target_prefix + "."
            return t[len(pre):] if t.startswith(pre) else t
        for method, path, op in self._routes:
            if req.method == method and req.raw_path == path:
                return op
        # The path alone: _serve answers 405 for the wrong method.
        for method, path, op in self._routes:
            if req.raw_path == path:
                return op
        return "?"

    def fault_body(self, status):
        if status == 429 or status == 400:
            code = self.THROTTLE
        elif status >= 500:
            code = self.INTERNAL
        else:
            code = "AccessDeniedException"
        return self._error_parts(ApiError(status, code, "scripted fault"),
                                 str(uuid.uuid4()))

    THROTTLE = "ThrottlingException"
    INTERNAL = "InternalServerException"

    def handle(self, req):
        rid = str(uuid.uuid4())
        op = self.route_of(req)
        call = {"op": op, "params": None, "raw_body": req.body,
                "headers": req.headers, "akid": None, "account": None,
                "region": None, "signature_ok": False, "status": None,
                "error": None, "request_id": rid,
                "time": req.time}  # when the request arrived
        try:
            self._verify_signature(req, call)
            call["signature_ok"] = True
            out = self._serve(req, op, call)
            body = json.dumps(to_wire(
                self.model.operation_model(op).output_shape, out)).encode()
            resp = Response(200, body, [("x-amzn-RequestId", rid),
                                        ("Content-Type", self.content_type)])
        except ApiError as e:
            call["error"] = e.code
            body, headers = self._error_parts(e, rid)
            resp = Response(e.status, body, headers)
        except Exception as e:  # noqa: BLE001 - a bug in the fake
            # AssertionError: an answer outside the model (to_wire).
            # Answered as the service's 500 naming it, and recorded, so
            # a suite sees it rather than a dropped connection.
            call["error"] = "FakeBug"
            call["traceback"] = traceback.format_exc()
            body, headers = self._error_parts(
                ApiError(500, self.INTERNAL, f"fake bug: {e!r}"), rid)
            resp = Response(500, body, headers)
        call["status"] = resp.status
        with self.lock:
            self.calls.append(call)
        return resp

    # --- protocol ------------------------------------------------------------
    def error_body(self, e):
        """The error's body: the modeled exception's message member
        ("Message" or "message", whichever the shape has) and extra
        members; awsJson1_1 adds __type."""
        # Unmodeled (generic) errors: awsJson services send "Message",
        # rest-json ones "message" (both are read by botocore's parsers).
        key = "Message" if self.protocol == "json" else "message"
        try:
            shape = self.model.shape_for(e.code)
            names = list(shape.members)
            key = next((n for n in names if n.lower() == "message"), key)
        except Exception:  # noqa: BLE001 - an unmodeled, generic error
            pass
        body = {key: e.message}
        body.update(e.members)
        if self.protocol == "json":
            body = {"__type": e.code, **body}
        return body

    def _error_parts(self, e, rid):
        headers = [("x-amzn-RequestId", rid),
                   ("Content-Type", self.content_type if self.protocol == "json"
                    else "application/json"),
                   ("x-amzn-ErrorType", e.code)]
        return json.dumps(self.error_body(e)).encode(), headers

    def validation_error(self, op, errs):
        """The exception for a request outside the model (subclasses name
        their service's own)."""
        return ApiError(400, "ValidationException", _describe(errs))

    def _verify_signature(self, req, call):
        """SigV4 as the services check it, signature recomputed by
        botocore (sigv4_check.expected) from the bytes that arrived."""
        auth = req.header("Authorization")
        if not auth:
            raise ApiError(403, "MissingAuthenticationTokenException",
                           "Missing Authentication Token")
        parts = sigv4_check.auth_parts(auth)
        if parts is None:
            raise ApiError(400, "IncompleteSignatureException",
                           "Unsupported authorization type")
        if not all(parts.get(k) for k in ("Credential", "SignedHeaders",
                                          "Signature")):
            raise ApiError(400, "IncompleteSignatureException",
                           f"Authorization header is incomplete: {auth}")
        scope = parts["Credential"].split("/")
        if len(scope) != 5:
            raise ApiError(400, "IncompleteSignatureException",
                           "Credential must have exactly 5 slash-delimited "
                           f"elements, got '{parts['Credential']}'")
        akid, sdate, sregion, sservice, term = scope
        cred = self.registry.get(akid)
        if cred is None:
            raise ApiError(403, "UnrecognizedClientException",
                           "The security token included in the request is "
                           "invalid.")
        secret, token = cred
        amz_date = req.header("X-Amz-Date") or ""
        try:
            ts = datetime.datetime.strptime(amz_date, SIGV4_FORMAT).replace(
                tzinfo=datetime.timezone.utc).timestamp()
        except ValueError:
            raise ApiError(400, "IncompleteSignatureException",
                           f"Date must be in ISO-8601 'basic format'. Got "
                           f"'{amz_date}'.")
        now = time.time() + self.clock_skew
        if abs(now - ts) > self.max_skew:
            raise ApiError(403, "InvalidSignatureException",
                           f"Signature expired: {amz_date} is outside the "
                           f"{self.max_skew // 60} min window")
        if sdate != amz_date[:8]:
            raise ApiError(403, "InvalidSignatureException",
                           "Date in Credential scope does not match YYYYMMDD "
                           "from ISO-8601 version of date from HTTP")
        if sregion not in self.regions:
            raise ApiError(403, "InvalidSignatureException",
                           "Credential should be scoped to a valid region, "
                           f"not '{sregion}'. ")
        if sservice != self.signing_name:
            raise ApiError(403, "InvalidSignatureException",
                           "Credential should be scoped to correct service: "
                           f"'{self.signing_name}'. ")
        if term != "aws4_request":
            raise ApiError(403, "InvalidSignatureException",
                           "Credential should be scoped with a valid "
                           f"terminator: 'aws4_request', not '{term}'. ")
        if req.header("X-Amz-Security-Token") != token:
            raise ApiError(403, "UnrecognizedClientException",
                           "The security token included in the request is "
                           "invalid.")
        signed = parts["SignedHeaders"].split(";")
        bad = sigv4_check.header_problem(req, signed)
        if bad:
            raise ApiError(*bad)
        want, want_signed, cr, sts = sigv4_check.expected(
            req, signed, akid, secret, token, self.signing_name, sregion,
            amz_date)
        call["akid"], call["region"] = akid, sregion
        call["signed_headers"] = signed
        if parts["Signature"] != want or parts["SignedHeaders"] != want_signed:
            raise ApiError(403, "InvalidSignatureException",
                           sigv4_check.mismatch_message(cr, sts))
        call["account"] = self.registry.account_of(akid)

    def _serve(self, req, op, call):
        if op not in self.model.operation_names:
            raise ApiError(404 if self.protocol != "json" else 400,
                           "UnknownOperationException",
                           f"Unknown operation {req.method} {req.target} "
                           f"{req.header('X-Amz-Target') or ''}".strip())
        http = self.model.operation_model(op).http
        if self.protocol == "json":
            if req.method != "POST" or req.raw_path != "/":
                raise ApiError(404, "UnknownOperationException",
                               f"{req.method} {req.target}")
            ctype = (req.header("Content-Type") or "").split(";")[0].strip()
            if ctype != self.content_type:
                raise ApiError(400, "UnknownOperationException",
                               f"Unsupported Content-Type '{ctype}', expected "
                               f"{self.content_type}")
        elif req.method != http.get("method"):
            raise ApiError(405, "UnknownOperationException",
                           f"Method {req.method} is not allowed")
        if req.header("Content-Length") is None and not req.chunked:
            raise ApiError(400, "SerializationException",
                           "Content-Length is required")
        try:
            raw = req.body.decode("utf-8")
            params = json.loads(raw) if raw or self.protocol == "json" else {}
        except (UnicodeDecodeError, ValueError) as e:
            # An empty awsJson body is an error too: the protocol sends {}.
            raise ApiError(400, "SerializationException",
                           f"Request body is not valid JSON: {e}")
        if not isinstance(params, dict):
            raise ApiError(400, "SerializationException",
                           "Request body must be a JSON object")
        call["params"] = params
        params = _drop_nulls(params)
        errs = validation_errors(
            params, self.model.operation_model(op).input_shape)
        if errs:
            raise self.validation_error(op, errs)
        self._take_fail(op, call["account"])
        if op not in self.SERVED:
            raise ApiError(400, "UnsupportedOperationException",
                           f"this fake serves only {', '.join(self.SERVED)}; "
                           f"{op} is outside its scope")
        with self.lock:
            return getattr(self, "_op_" + op)(params, call)

    def _take_fail(self, op, account):
        with self.lock:
            for key in (op, "*"):
                for f in self._fails.get(key, []):
                    if f[4] is not None and f[4] != account:
                        continue
                    f[3] -= 1
                    if f[3] <= 0:
                        self._fails[key].remove(f)
                    raise ApiError(f[2], f[0], f[1], **f[5])


def _describe(errs):
    parts = [why if not p else
             f"Value '{v}' at '{p}' failed to satisfy constraint: {why}"
             for p, v, why in errs]
    n = len(errs)
    return (f"{n} validation error{'s' if n > 1 else ''} detected: "
            + "; ".join(parts))


def describe(errs):
    return _describe(errs)


# --- page tokens -------------------------------------------------------------

def _scope_id(scope):
    return hashlib.sha256(str(scope).encode()).hexdigest()[:12]


def page_token(offset, scope):
    """An opaque page token that remembers the offset and a digest of
    what it lists (scope: the caller, the filters), so a token from
    another listing is refused. Short: Tagging caps tokens at 2,048."""
    raw = json.dumps({"o": offset, "s": _scope_id(scope),
                      "n": uuid.uuid4().hex[:6]}, separators=(",", ":"))
    return urllib.parse.quote(raw.encode().hex(), safe="")


def read_token(token, scope):
    """The offset in a token page_token made for the same scope, or None."""
    try:
        d = json.loads(bytes.fromhex(urllib.parse.unquote(token)))
        if d["s"] != _scope_id(scope) or not isinstance(d["o"], int) \
                or d["o"] < 0:
            return None
        return d["o"]
    except (ValueError, KeyError, TypeError):
        return None


# --- standalone runs ---------------------------------------------------------

def standalone_args(description, access_key, secret_key,
                    account=DEFAULT_ACCOUNT, account_flag="--account"):
    """The options every JSON fake's main() takes (its own follow): the
    port, the one key it accepts and that key's account (a.account)."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument(account_flag, dest="account", default=account)
    ap.add_argument("--access-key", default=access_key)
    ap.add_argument("--secret-key", default=secret_key)
    ap.add_argument("--verbose", action="store_true")
    return ap


def standalone_registry(a):
    """A Registry of standalone_args' one key, in its account."""
    reg = Registry(default_account=a.account)
    reg.add(a.access_key, a.secret_key, account=a.account)
    return reg


def call_lines(fake):
    """serve_standalone's report: a line a call the fake recorded."""
    for c in fake.calls:
        yield (f"{c['op']} {c['status']} {c['error'] or ''} "
               f"account={c['account']}")


# --- test client ---------------------------------------------------------------

def signed_call(fake, op, body, key, secret, token=None, region="us-east-1",
                mutate=None, sign=True, headers=None, path=None, method=None,
                ca=None):
    """Sends one request to `fake` as botocore would sign it, bypassing
    any client-side validation (for the negative cases the CLI would
    refuse itself). body: dict or bytes; mutate(headers, body) -> body may
    spoil it after signing; ca: the CA to trust when the fake serves TLS.
    Returns (status, parsed body or raw, headers)."""
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    h = {}
    if fake.protocol == "json":
        h["Content-Type"] = fake.content_type
        h["X-Amz-Target"] = f"{fake.target_prefix}.{op}"
        path = path or "/"
        method = method or "POST"
    else:
        http_ = fake.model.operation_model(op).http
        h["Content-Type"] = "application/json"
        path = path or http_["requestUri"]
        method = method or http_["method"]
    h.update(headers or {})
    areq = botocore.awsrequest.AWSRequest(method, fake.url + path, headers=h,
                                          data=body)
    if sign:
        botocore.auth.SigV4Auth(
            botocore.credentials.Credentials(key, secret, token),
            fake.signing_name, region).add_auth(areq)
    out_h = dict(areq.headers.items())
    if mutate:
        body = mutate(out_h, body)
    status, data, r = awscli.send(fake.url, method, path, body, out_h, ca)
    return status, awscli.parse_json(data), {k.lower(): v
                                             for k, v in r.getheaders()}
