"""A fake AWS Security Token Service (awsQuery), as described in
STS's API reference, plus the identity providers the
credential chain talks to: GitHub's ID-token endpoint (FakeOIDC), the
ECS / EKS Pod Identity container endpoint (FakeContainer) and EC2's
IMDSv2 (FakeIMDS). All listen on 127.0.0.1.

FakeSTS is an independent check of port-acm's STS client:
  * AssumeRole's SigV4 signature is recomputed with botocore's SigV4Auth
    (service "sts") from the bytes that arrived;
  * AssumeRoleWithWebIdentity must be unsigned (no Authorization, no
    X-Amz-Date signature, no security token) and carry a token the fake
    OIDC issued, for the audience the role trusts;
  * every request is validated against the STS model in
    tests/data/botocore/sts (members, types, lengths, patterns);
  * answers are STS's XML (§4.3, §4.4), errors its ErrorResponse.
Credentials it mints are registered with every service passed as
`trust` (e.g. the fake ACM), so they work there until they expire.

Usage: sts = FakeSTS(trust=[acm]); sts.add_role(arn); url = sts.start()
"""

import base64
import datetime
import fnmatch
import hashlib
import json
import os
import secrets
import time
import urllib.parse
import uuid
from xml.sax.saxutils import escape

import botocore.loaders
import botocore.model
import botocore.validate

from . import sigv4_check
from .common import FakeServer, Response, once
from .model_check import _constraint_errors

NS = "https://sts.amazonaws.com/doc/2011-06-15/"
SIGV4_FORMAT = "%Y%m%dT%H%M%SZ"
ROOT = os.environ.get("PORT_ACM_ROOT") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def models_dir():
    """tests/data/botocore: the pinned botocore models (their README)."""
    return os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), "data", "botocore")


@once
def service_model():
    """STS's model from tests/data/botocore (loader first)."""
    loader = botocore.loaders.Loader(extra_search_paths=[models_dir()])
    data = loader.load_service_model("sts", "service-2",
                                     api_version="2011-06-15")
    return botocore.model.ServiceModel(data, service_name="sts")


def _iso(t):
    return datetime.datetime.fromtimestamp(
        t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _token(prefix, n):
    """A recognisable, unique secret of about n characters."""
    raw = b"".join(hashlib.sha256(secrets.token_bytes(16) + b"%d" % i).digest()
                   for i in range(n // 43 + 1))
    return (prefix + base64.b64encode(raw).decode())[:n]


class _ApiError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def verify_sigv4(req, credentials, service, regions, max_skew=900, now=None):
    """Checks a SigV4 Authorization header; returns (akid, region) or
    raises _ApiError the way STS words it. credentials: akid ->
    (secret, token or None)."""
    parts = sigv4_check.auth_parts(req.header("Authorization") or "")
    if parts is None:
        raise _ApiError(403, "MissingAuthenticationToken",
                        "Request is missing Authentication Token")
    scope = parts.get("Credential", "").split("/")
    if len(scope) != 5 or not parts.get("SignedHeaders") \
            or not parts.get("Signature"):
        raise _ApiError(400, "IncompleteSignature",
                        "Authorization header is incomplete")
    akid, sdate, sregion, sservice, term = scope
    if akid not in credentials:
        raise _ApiError(403, "InvalidClientTokenId",
                        "The security token included in the request is invalid.")
    secret, token = credentials[akid]
    amz_date = req.header("X-Amz-Date") or ""
    try:
        ts = datetime.datetime.strptime(amz_date, SIGV4_FORMAT).replace(
            tzinfo=datetime.timezone.utc).timestamp()
    except ValueError:
        raise _ApiError(400, "IncompleteSignature", "bad X-Amz-Date")
    now = time.time() if now is None else now
    if abs(now - ts) > max_skew:
        raise _ApiError(403, "SignatureDoesNotMatch",
                        f"Signature expired: {amz_date} is now earlier than "
                        "the allowed window")
    if sdate != amz_date[:8] or sregion not in regions or \
            sservice != service or term != "aws4_request":
        raise _ApiError(403, "SignatureDoesNotMatch",
                        f"Credential should be scoped to a valid region/"
                        f"service, not '{sregion}/{sservice}'.")
    sent_token = req.header("X-Amz-Security-Token")
    if sent_token != token:
        raise _ApiError(403, "InvalidClientTokenId",
                        "The security token included in the request is invalid.")
    signed = parts["SignedHeaders"].split(";")
    need = ["host", "x-amz-date"] + [k.lower() for k, _ in req.header_items
                                     if k.lower().startswith("x-amz-")]
    for n in need:
        if n not in signed:
            raise _ApiError(400, "IncompleteSignature",
                            f"'{n}' must be a 'SignedHeader'")
    want, want_signed, cr, _ = sigv4_check.expected(
        req, signed, akid, secret, token, service, sregion, amz_date)
    if parts["Signature"] != want or parts["SignedHeaders"] != want_signed:
        raise _ApiError(403, "SignatureDoesNotMatch",
                        sigv4_check.mismatch_message(cr))
    return akid, sregion


def _from_form(value, shape):
    """One query-serialised scalar back to the model's type."""
    if shape.type_name in ("integer", "long"):
        try:
            return int(value)
        except ValueError:
            return value
    if shape.type_name == "boolean":
        return value == "true"
    return value


class FakeSTS(FakeServer):
    name = "fake-sts"

    def __init__(self, trust=(), credentials=None, region="us-east-1",
                 oidc=None, token_len=1100, wrap_token=False, **kw):
        super().__init__(**kw)
        self.trust = list(trust)       # services that accept minted creds
        self.credentials = dict(credentials or {})  # base creds for AssumeRole
        self.regions = (region,) if isinstance(region, str) else tuple(region)
        self.oidc = oidc
        self.token_len = token_len
        # AWS's documentation samples wrap the token over lines; real
        # answers (and botocore, which does not trim) keep it on one.
        self.wrap_token = wrap_token
        self.roles = {}                # arn -> {"audience":, "external_id":}
        self.calls = []
        self.issued = []               # minted (akid, secret, token, exp)
        self.duration_cap = None       # seconds, to test refresh
        # The account has no IAM OIDC provider for the issuer: STS
        # answers every web-identity call InvalidIdentityToken (a
        # set-up error no retry mends).
        self.no_oidc_provider = False
        self._fails = {}
        service_model()

    def add_role(self, arn, audience="sts.amazonaws.com", external_id=None,
                 max_duration=43200, sub=None):
        """sub: the trust policy's condition on the token's sub, a
        StringLike pattern or a list of them (any matches); None: any."""
        self.roles[arn] = {"audience": audience, "external_id": external_id,
                           "max_duration": max_duration,
                           "sub": [sub] if isinstance(sub, str) else sub}

    def fail(self, action, code, message="scripted failure", status=400,
             count=1):
        self._fails[action] = [code, message, status, count]

    def calls_of(self, action):
        with self.lock:
            return [c for c in self.calls if c["action"] == action]

    def route_of(self, req):
        try:
            q = urllib.parse.parse_qs(req.body.decode("utf-8"))
            return (q.get("Action") or ["?"])[0]
        except UnicodeDecodeError:
            return "?"

    # --- protocol -----------------------------------------------------------
    def _error(self, e, rid):
        body = (f'<?xml version="1.0"?>\n<ErrorResponse xmlns="{NS}">\n'
                f"  <Error>\n    <Type>Sender</Type>\n    <Code>{e.code}"
                f"</Code>\n    <Message>{escape(e.message)}</Message>\n"
                f"  </Error>\n  <RequestId>{rid}</RequestId>\n"
                "</ErrorResponse>\n")
        return Response(e.status, body, [("x-amzn-RequestId", rid)],
                        content_type="text/xml")

    def handle(self, req):
        rid = str(uuid.uuid4())
        call = {"action": None, "params": None, "signed": None,
                "akid": None, "status": None, "error": None,
                "headers": req.headers, "body": req.body}
        try:
            resp = self._serve(req, call, rid)
        except _ApiError as e:
            call["error"] = e.code
            resp = self._error(e, rid)
        call["status"] = resp.status
        with self.lock:
            self.calls.append(call)
        return resp

    def _params(self, req, call):
        if req.method != "POST" or req.raw_path != "/":
            raise _ApiError(404, "UnknownOperation", f"{req.method} {req.target}")
        ct = (req.header("Content-Type") or "").split(";")[0].strip()
        if ct != "application/x-www-form-urlencoded":
            raise _ApiError(400, "InvalidParameterValue",
                            f"unsupported Content-Type {ct!r}")
        try:
            form = urllib.parse.parse_qs(req.body.decode("utf-8"),
                                         keep_blank_values=True,
                                         strict_parsing=True)
        except (UnicodeDecodeError, ValueError) as e:
            raise _ApiError(400, "MalformedQueryString", str(e))
        if any(len(v) != 1 for v in form.values()):
            raise _ApiError(400, "InvalidParameterValue", "repeated member")
        form = {k: v[0] for k, v in form.items()}
        action = form.pop("Action", None)
        call["action"] = action
        if form.pop("Version", None) != "2011-06-15":
            raise _ApiError(400, "InvalidParameterValue", "bad Version")
        model = service_model()
        if action not in model.operation_names:
            raise _ApiError(400, "InvalidAction",
                            f"Could not find operation {action} for version "
                            "2011-06-15")
        shape = model.operation_model(action).input_shape
        params = {}
        for k, v in form.items():
            if k not in shape.members:
                raise _ApiError(400, "InvalidParameterValue",
                                f"unknown member {k}")
            params[k] = _from_form(v, shape.members[k])
        call["params"] = params
        report = botocore.validate.ParamValidator().validate(params, shape)
        errs = []
        if not report.has_errors():
            _constraint_errors(params, shape, "", errs)
        if report.has_errors() or errs:
            msg = report.generate_report() if report.has_errors() else "; ".join(
                f"Value '{v}' at '{p}' failed to satisfy constraint: {w}"
                for p, v, w in errs)
            raise _ApiError(400, "ValidationError", msg)
        # min lengths and ranges too (the validator checks min only)
        for k, v in params.items():
            m = shape.members[k].metadata
            if isinstance(v, str) and len(v) < m.get("min", 0):
                raise _ApiError(400, "ValidationError",
                                f"Value at '{k}' is too short")
            if isinstance(v, int) and not (m.get("min", v) <= v
                                           <= m.get("max", v)):
                raise _ApiError(400, "ValidationError",
                                f"Value '{v}' at '{k}' is out of range")
        return action, params

    def _serve(self, req, call, rid):
        action, p = self._params(req, call)
        with self.lock:
            f = self._fails.get(action)
            if f and f[3] > 0:
                f[3] -= 1
                raise _ApiError(f[2], f[0], f[1])
        if action == "AssumeRole":
            akid, _ = verify_sigv4(req, self.credentials, "sts", self.regions)
            call["signed"], call["akid"] = True, akid
            role = self._role(p)
            if role["external_id"] is not None and \
                    p.get("ExternalId") != role["external_id"]:
                raise _ApiError(403, "AccessDenied",
                                "User is not authorized to perform: "
                                "sts:AssumeRole (ExternalId)")
        elif action == "AssumeRoleWithWebIdentity":
            for h in ("Authorization", "X-Amz-Security-Token"):
                if req.header(h) is not None:
                    raise _ApiError(400, "InvalidParameterValue",
                                    f"AssumeRoleWithWebIdentity is unsigned; "
                                    f"got {h}")
            call["signed"] = False
            role = self._role(p)
            if self.no_oidc_provider:
                raise _ApiError(400, "InvalidIdentityToken",
                                "No OpenIDConnect provider found in your "
                                "account for https://token.actions."
                                "githubusercontent.com")
            claims = self.oidc.claims(p["WebIdentityToken"]) \
                if self.oidc else None
            if claims is None:
                raise _ApiError(400, "InvalidIdentityToken",
                                "The ID token provided is not valid.")
            if claims["aud"] != role["audience"] or (
                    role["sub"] is not None and not any(
                        fnmatch.fnmatchcase(claims["sub"], pat)
                        for pat in role["sub"])):
                raise _ApiError(403, "AccessDenied",
                                "Not authorized to perform "
                                "sts:AssumeRoleWithWebIdentity")
            call["claims"] = claims
        else:
            raise _ApiError(400, "InvalidAction", f"{action} not served")
        dur = p.get("DurationSeconds", 3600)
        if dur > role["max_duration"]:
            raise _ApiError(400, "ValidationError",
                            "The requested DurationSeconds exceeds the "
                            "MaxSessionDuration set for this role.")
        if self.duration_cap is not None:
            dur = min(dur, self.duration_cap)
        return self._credentials(action, p, dur, rid)

    def _role(self, p):
        role = self.roles.get(p["RoleArn"])
        if role is None:
            raise _ApiError(403, "AccessDenied",
                            f"Not authorized to assume {p['RoleArn']}")
        return role

    def _credentials(self, action, p, dur, rid):
        akid = "ASIA" + secrets.token_hex(8).upper()
        secret = _token("stsSecret", 40)
        token = _token("IQoJstsToken", self.token_len)
        exp = time.time() + dur
        with self.lock:
            self.issued.append({"akid": akid, "secret": secret,
                                "token": token, "expires": exp,
                                "role": p["RoleArn"], "action": action,
                                "session": p["RoleSessionName"]})
        for svc in self.trust:
            svc.credentials[akid] = (secret, token)
        # STS takes its own sessions too: AssumeRole signed with a role's
        # credentials is role chaining (a source_profile chain's hops).
        self.credentials[akid] = (secret, token)
        account = p["RoleArn"].split(":")[4]
        role_name = p["RoleArn"].rsplit("/", 1)[-1]
        wrapped = "\n       ".join(token[i:i + 67] for i in range(
            0, len(token), 67)) if self.wrap_token else token
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<{action}Response xmlns="{NS}">\n'
                f"  <{action}Result>\n"
                f"    <AssumedRoleUser>\n"
                f"      <Arn>arn:aws:sts::{account}:assumed-role/{role_name}/"
                f"{escape(p['RoleSessionName'])}</Arn>\n"
                f"      <AssumedRoleId>AROA{secrets.token_hex(6).upper()}:"
                f"{escape(p['RoleSessionName'])}</AssumedRoleId>\n"
                f"    </AssumedRoleUser>\n"
                f"    <Credentials>\n"
                f"      <SessionToken>{wrapped}</SessionToken>\n"
                f"      <SecretAccessKey>{escape(secret)}</SecretAccessKey>\n"
                f"      <Expiration>{_iso(exp)}</Expiration>\n"
                f"      <AccessKeyId>{akid}</AccessKeyId>\n"
                f"    </Credentials>\n"
                f"  </{action}Result>\n"
                f"  <ResponseMetadata>\n    <RequestId>{rid}</RequestId>\n"
                f"  </ResponseMetadata>\n</{action}Response>\n")
        return Response(200, body, [("x-amzn-RequestId", rid)],
                        content_type="text/xml")


class FakeOIDC(FakeServer):
    """GitHub's ID-token endpoint: GET <url>&audience=A with
    Authorization: Bearer <request token> -> {"value": "<JWT>"}."""
    name = "fake-oidc"

    def __init__(self, request_token=None, sub="repo:acme/certs:ref:refs/"
                 "heads/main", immutable=False, **kw):
        """immutable: the default sub of GitHub's immutable subject
        claims (2026): the owner and repository ids appended to their
        names, repo:acme@1001/certs@2002:ref:refs/heads/main."""
        super().__init__(**kw)
        self.request_token = request_token or _token("oidcRequestToken", 60)
        if immutable:
            sub = "repo:acme@1001/certs@2002:ref:refs/heads/main"
        self.sub = sub
        self.tokens = {}   # jwt -> claims
        self.calls = []

    def request_url(self):
        return self.url + "/_apis/token?api-version=2.0"

    def claims(self, jwt):
        with self.lock:
            return self.tokens.get(jwt)

    def handle(self, req):
        call = {"path": req.raw_path, "query": req.query,
                "auth": req.header("Authorization")}
        with self.lock:
            self.calls.append(call)
        if req.method != "GET" or req.raw_path != "/_apis/token":
            return Response(404, {"message": "not found"})
        if req.header("Authorization") != "Bearer " + self.request_token:
            return Response(401, {"message": "bad request token"})
        aud = (req.query.get("audience") or [None])[-1]
        if not aud:
            return Response(400, {"message": "no audience"})
        claims = {"iss": "https://token.actions.githubusercontent.com",
                  "aud": aud, "sub": self.sub, "exp": int(time.time()) + 300,
                  "repository": "acme/certs", "repository_id": "2002",
                  "repository_owner": "acme", "repository_owner_id": "1001",
                  "ref": "refs/heads/main",
                  "job_workflow_ref": "acme/certs/.github/workflows/"
                                      "acm.yml@refs/heads/main"}

        def b64(d):
            return base64.urlsafe_b64encode(json.dumps(d).encode()).decode(
                ).rstrip("=")
        jwt = (b64({"alg": "RS256", "typ": "JWT"}) + "." + b64(claims) + "."
               + _token("sig", 86).replace("+", "-").replace("/", "_"))
        with self.lock:
            self.tokens[jwt] = claims
        call["jwt"] = jwt
        return Response(200, {"count": 1, "value": jwt})


def _creds_json(akid, secret, token, exp, code=None):
    d = {"AccessKeyId": akid, "SecretAccessKey": secret, "Token": token,
         "Expiration": _iso(exp)}
    if code:
        d.update({"Code": code, "LastUpdated": _iso(time.time()),
                  "Type": "AWS-HMAC"})
    else:
        d["RoleArn"] = "arn:aws:iam::123456789012:role/task"
    return d


class _Minting:
    def mint(self, lifetime):
        akid = "ASIA" + secrets.token_hex(8).upper()
        secret = _token(self.secret_prefix, 40)
        token = _token(self.token_prefix, 900)
        exp = time.time() + lifetime
        with self.lock:
            self.issued.append({"akid": akid, "secret": secret,
                                "token": token, "expires": exp})
        for svc in self.trust:
            svc.credentials[akid] = (secret, token)
        return akid, secret, token, exp


class FakeContainer(FakeServer, _Minting):
    """The ECS / EKS Pod Identity credentials endpoint: GET <path> with
    Authorization: <token> when one is required. quote_token: answer 200
    with no credentials and a Message that quotes the Authorization
    header back (a hostile or broken endpoint)."""
    name = "fake-container"
    secret_prefix, token_prefix = "ctrSecret", "ctrToken"

    def __init__(self, trust=(), auth_token=None, path="/v2/credentials/x",
                 lifetime=3600, quote_token=False, **kw):
        super().__init__(**kw)
        self.trust = list(trust)
        self.auth_token = auth_token
        self.quote_token = quote_token
        self.path = path
        self.lifetime = lifetime
        self.issued = []
        self.calls = []

    def handle(self, req):
        with self.lock:
            self.calls.append({"path": req.raw_path, "method": req.method,
                               "auth": req.header("Authorization")})
        if req.method != "GET" or req.raw_path != self.path:
            return Response(404, {"message": "not found"})
        if self.auth_token is not None and \
                req.header("Authorization") != self.auth_token:
            return Response(401, {"message": "bad authorization token"})
        if self.quote_token:
            return Response(200, {"Message": "no role for token "
                                  + str(req.header("Authorization"))})
        return Response(200, _creds_json(*self.mint(self.lifetime)))


class FakeIMDS(FakeServer, _Minting):
    """EC2 IMDSv2: PUT /latest/api/token first; GETs without the token
    are refused (IMDSv1 disabled) unless v1=True (HttpTokens optional:
    a GET without a token is served, one with a bad token is 401).
    token_put: None answers the PUT; 403/404/405 answers that status
    (IMDSv2 off, an old or proxied IMDS); "hang" never answers in time,
    as a container behind hop limit 1 sees it (the response is dropped
    on the way)."""
    name = "fake-imds"
    secret_prefix, token_prefix = "imdsSecret", "imdsToken"
    ROLE = "ec2-acm-role"

    def __init__(self, trust=(), lifetime=3600, v1=False, token_put=None,
                 **kw):
        super().__init__(**kw)
        self.trust = list(trust)
        self.lifetime = lifetime
        self.v1 = v1
        self.token_put = token_put
        self.tokens = set()
        self.issued = []
        self.calls = []

    def handle(self, req):
        with self.lock:
            self.calls.append({"path": req.raw_path, "method": req.method,
                               "headers": req.headers})
        base = "/latest/meta-data/iam/security-credentials/"
        if req.raw_path == "/latest/api/token":
            ttl = req.header("x-aws-ec2-metadata-token-ttl-seconds")
            if req.method != "PUT":
                return Response(405, "")
            if self.token_put == "hang":
                self._stopping.wait(3)
                return Response(200, "late", content_type="text/plain")
            if self.token_put is not None:
                return Response(int(self.token_put), "")
            if not ttl or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
                return Response(400, "")
            tok = _token("imdsSessionToken", 56)
            with self.lock:
                self.tokens.add(tok)
            return Response(200, tok, content_type="text/plain")
        tok = req.header("x-aws-ec2-metadata-token")
        with self.lock:
            good = tok in self.tokens
        if req.method != "GET":
            return Response(405, "")
        if not good and not (self.v1 and tok is None):
            return Response(401, "")
        if req.raw_path == base:
            return Response(200, self.ROLE, content_type="text/plain")
        if req.raw_path == base + self.ROLE:
            return Response(200, _creds_json(*self.mint(self.lifetime),
                                             code="Success"))
        return Response(404, "")
