"""A fake AWS Certificate Manager speaking awsJson1_1, as described in
ACM's API reference and botocore's ACM model (tests/data/botocore): wire
format, operations, renewal and CertificateDetail.

It is an independent check of port-acm's ACM client:
  * every request's SigV4 signature is recomputed with botocore's
    SigV4Auth (not our C signer) from the bytes that arrived;
  * every request body is validated against botocore's ACM service
    model (types, required and unknown members, lengths, ranges, enums,
    patterns), the way the service validates it server-side.

Usage (tests):
    acm = FakeACM(tls=(cert, key))
    url = acm.start()            # https://127.0.0.1:PORT
    ... run port-acm with AWS_ENDPOINT_URL_ACM=url ...
    acm.calls[-1]["op"], acm.certs[arn]["Status"], acm.stop()
Standalone: python3 -m tests.fakes.fake_acm --port 8443 [--tls-cert C --tls-key K]
"""

import argparse
import base64
import copy
import datetime
import hashlib
import json
import re
import time
import uuid

from . import sigv4_check
from .acm_model import service_model, validate_input
from .common import FakeServer, Response, serve_standalone
from .model_check import _drop_nulls

DEFAULT_ACCESS_KEY = "AKIDFAKEEXAMPLE00001"
DEFAULT_SECRET_KEY = "fakeSecretKey/K7MDENG+bPxRfiCYEXAMPLEKEY"
CONTENT_TYPE = "application/x-amz-json-1.1"
TARGET_PREFIX = "CertificateManager."
SIGV4_FORMAT = "%Y%m%dT%H%M%SZ"
VALIDITY_SECONDS = 198 * 86400  # aws-acm.md §2.1: public certs, 2026
IDEMPOTENCY_WINDOW = 3600       # aws-acm.md §2.1: tokens time out after 1 h
# The operations this fake serves: everything port-acm calls, plus what
# the AWS CLI suite exercises. Any other valid ACM operation is refused
# with a 400 naming it, so a client that starts calling one fails loudly
# in the tests instead of getting made-up data.
SERVED = (
    "AddTagsToCertificate", "DeleteCertificate", "DescribeCertificate",
    "GetCertificate", "ListCertificates", "ListTagsForCertificate",
    "RemoveTagsFromCertificate", "RenewCertificate", "RequestCertificate",
)
# What RequestCertificate can issue (aws-acm.md §2.1, KeyAlgorithm row);
# the other enum values exist for imported certificates only.
ISSUABLE_KEYS = ("RSA_2048", "EC_prime256v1", "EC_secp384r1")
ARN_RE = re.compile(
    r"arn:(aws[a-z-]*):acm:([a-z0-9-]+):([0-9]{12}):certificate/"
    r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")


# --- SigV4 verification ----------------------------------------------------

class _ApiError(Exception):
    def __init__(self, status, type_, message):
        super().__init__(message)
        self.status = status
        self.type = type_
        self.message = message


# --- the fake --------------------------------------------------------------

class FakeACM(FakeServer):
    name = "fake-acm"

    def __init__(self, tls=None, account="123456789012", credentials=None,
                 region="us-east-1", error_type_header="short",
                 error_type_form="short", key_algorithm_style="hyphen",
                 empty_response="", max_skew=900, max_domains=10,
                 max_certificates=2500, list_page_size=1000, dns=None, **kw):
        """
        error_type_header: "short" sends X-Amzn-Errortype: Name, "coral"
            the long form Name:http://internal.amazon.com/coral/...,
            None omits it (aws-acm.md §1.4: which ACM sends is [U]).
        error_type_form: "short" ("__type": "Name") or "namespaced"
            ("com.amazonaws.acm#Name"); clients must handle both.
        key_algorithm_style: "hyphen" ("RSA-2048", what ACM returns per
            aws-acm.md §4) or "underscore".
        empty_response: body for operations without output ("" or "{}").
        dns: public DNS as ACM sees it (a FakeRoute53: resolve_cname(name),
            caa_values(name)). With it, a DNS-validated certificate is
            validated name by name once the right CNAME (name, type and
            value) resolves, and issued when every name is, unless a CAA
            record forbids Amazon (FAILED, CAA_ERROR). Scripted
            issue_after still wins.
        """
        super().__init__(tls=tls, **kw)
        self.account = account
        if credentials is None:
            credentials = {DEFAULT_ACCESS_KEY: (DEFAULT_SECRET_KEY, None)}
        self.credentials = credentials
        self.regions = (region,) if isinstance(region, str) else tuple(region)
        self.region = self.regions[0]
        self.error_type_header = error_type_header
        self.error_type_form = error_type_form
        self.key_algorithm_style = key_algorithm_style
        self.empty_response = empty_response
        self.max_skew = max_skew
        self.max_domains = max_domains
        self.max_certificates = max_certificates
        self.list_page_size = list_page_size
        self.dns = dns
        self.calls = []
        self.certs = {}       # arn -> state (API member names + _private)
        self.deleted = {}     # arn -> state at deletion
        self.requested = 0    # certificates created by RequestCertificate
        self.clock_offset = 0.0  # moves the service's clock, not SigV4's
        # SigV4's clock when it differs from the Date header's
        # (clock_skew): a service whose Date lies, for tests.
        self.sigv4_skew = None
        self.default_records_after = 0
        self.default_issue_after = None
        self._idem = {}
        self._fails = {}
        service_model()  # load once, before the first request's deadline

    # --- helpers for tests ------------------------------------------------
    def now(self):
        return time.time() + self.clock_offset

    def advance_clock(self, seconds):
        """Moves ACM's clock (idempotency windows, timestamps)."""
        self.clock_offset += seconds

    def arn_for(self, cert_id=None, region=None):
        return (f"arn:{self._partition(region or self.region)}:acm:"
                f"{region or self.region}:{self.account}:certificate/"
                f"{cert_id or uuid.uuid4()}")

    def add_certificate(self, domain, type="AMAZON_ISSUED", status="ISSUED",
                        sans=(), in_use_by=(), exported=False,
                        export_option=None, renewal_eligibility=None,
                        renewal_status=None, renewal_reason=None,
                        failure_reason=None, key_algorithm="RSA-2048",
                        validation_method="DNS", records_after=0,
                        in_use_for=0, issue_after=None, tags=(),
                        not_after=None, certificate_authority_arn=None,
                        arn=None, region=None, origin=None, options_after=0):
        """Creates a certificate directly (as if it had existed before),
        in `region` (default: the first region served). Returns its ARN.
        options_after=N: the first N DescribeCertificate answers have no
        DomainValidationOptions at all, as ACM's do for seconds after
        RequestCertificate (issue 16, defect 4)."""
        with self.lock:
            arn = arn or self.arn_for(region=region)
            if type == "PRIVATE" and certificate_authority_arn is None:
                certificate_authority_arn = (
                    f"arn:aws:acm-pca:{self.region}:{self.account}:"
                    "certificate-authority/11111111-2222-3333-4444-555555555555")
            c = self._new_cert(
                arn, domain, list(sans), type,
                key_algorithm.replace("-", "_"),
                validation_method if type == "AMAZON_ISSUED" else None,
                certificate_authority_arn, export_option, None,
                [dict(t) for t in tags])
            c["InUseBy"] = list(in_use_by)
            c["_exported"] = exported
            c["_records_after"] = records_after
            c["_options_after"] = options_after
            c["_in_use_for"] = in_use_for
            c["_issue_after"] = issue_after
            if type == "IMPORTED":
                c["ImportedAt"] = c["CreatedAt"]
            if origin is not None:
                c["_origin"] = origin
            self._set_status(c, status, failure_reason)
            if not_after is not None:
                c["NotAfter"] = float(not_after)
            if renewal_eligibility is not None:
                c["_renewal_eligibility"] = renewal_eligibility
            if renewal_status is not None:
                c["RenewalSummary"] = self._renewal_summary(
                    c, renewal_status, renewal_reason)
            self.certs[arn] = c
            return arn

    def set_status(self, arn, status, failure_reason=None):
        with self.lock:
            self._set_status(self.certs[arn], status, failure_reason)

    def set_in_use(self, arn, resources, for_attempts=None):
        """Sets InUseBy. for_attempts=N: DeleteCertificate keeps failing
        with ResourceInUseException N more times even after InUseBy is
        emptied (deletion is eventually consistent, aws-acm.md §2.7)."""
        with self.lock:
            c = self.certs[arn]
            c["InUseBy"] = list(resources)
            if for_attempts is not None:
                c["_in_use_for"] = for_attempts

    def set_records_after(self, arn, n):
        """The first n DescribeCertificate calls omit ResourceRecord."""
        with self.lock:
            self.certs[arn]["_records_after"] = n

    def set_issue_after(self, arn, n, status="ISSUED", failure_reason=None):
        """After n more DescribeCertificate calls the status becomes
        `status` (ISSUED, FAILED, VALIDATION_TIMED_OUT...)."""
        with self.lock:
            c = self.certs[arn]
            c["_issue_after"] = c["_describes"] + n
            c["_issue_status"] = (status, failure_reason)

    def set_not_found_for(self, arn, n):
        """The next n DescribeCertificate calls answer
        ResourceNotFoundException (eventual consistency right after
        RequestCertificate, aws-acm.md §4)."""
        with self.lock:
            self.certs[arn]["_not_found_for"] = n

    def fail(self, op, error_type, message="scripted failure", status=None,
             count=1, headers=None, skip=0, region=None):
        """The next `count` valid, authenticated calls of `op` ("*" = any)
        answer this modeled error instead of running. status defaults to
        500 for InternalServerException and 400 otherwise (aws-acm.md §1.4).
        skip=N lets the N calls before them run normally.
        region: only calls signed for that region."""
        if status is None:
            status = 500 if error_type == "InternalServerException" else 400
        with self.lock:
            self._fails.setdefault(op, []).append(
                [error_type, message, status, count, headers or [], skip,
                 region])

    # Every key type ACM knows, and the origins (aws-acm.md §2.3).
    KEY_TYPES = ("RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096",
                 "EC_prime256v1", "EC_secp384r1", "EC_secp521r1")
    ORIGINS = ("AWS_MANAGED", "ACME", "CUSTOMER_PROVIDED")
    STATUSES = ("ISSUED", "ISSUED", "ISSUED", "PENDING_VALIDATION", "EXPIRED",
                "INACTIVE", "VALIDATION_TIMED_OUT", "REVOKED", "FAILED")

    def bulk_load(self, n, regions=None, domain="example.com", seed=0):
        """Adds n certificates spread round-robin over regions (default:
        every region served), cycling through every key type, status,
        type and key-pair origin, some in use, some expiring within 30
        days. Cheap: 10,000 take well under a second. Returns the ARNs."""
        regions = tuple(regions or self.regions)
        now = self.now()
        arns = []
        with self.lock:
            for i in range(seed, seed + n):
                region = regions[i % len(regions)]
                arn = (f"arn:{self._partition(region)}:acm:{region}:"
                       f"{self.account}:certificate/"
                       f"{uuid.UUID(int=(i + 1) * 7919 + (1 << 100))}")
                key = self.KEY_TYPES[i % 7]
                origin = self.ORIGINS[(i // 7) % 3]
                type_ = ("IMPORTED" if origin == "CUSTOMER_PROVIDED" else
                         "PRIVATE" if i % 11 == 0 else "AMAZON_ISSUED")
                name = f"c{i}.{region}.{domain}"
                c = self._new_cert(arn, name, [f"*.{name}"], type_, key,
                                   "DNS" if type_ == "AMAZON_ISSUED" else None,
                                   None, None, None, [])
                c["_origin"] = origin
                if type_ == "IMPORTED":
                    c["ImportedAt"] = c["CreatedAt"]
                st = self.STATUSES[(i // 3) % len(self.STATUSES)]
                self._set_status(c, st)
                if st == "ISSUED" and i % 13 == 0:
                    c["NotAfter"] = float(int(now) + (i % 29 + 1) * 86400)
                if i % 5 == 0:
                    c["InUseBy"] = [f"arn:aws:elasticloadbalancing:{region}:"
                                    f"{self.account}:loadbalancer/app/lb{i}/1"]
                self.certs[arn] = c
                arns.append(arn)
        return arns

    def calls_of(self, op):
        with self.lock:
            return [c for c in self.calls if c["op"] == op]

    # --- FakeServer interface ---------------------------------------------
    def route_of(self, req):
        t = req.header("X-Amz-Target") or ""
        return t[len(TARGET_PREFIX):] if t.startswith(TARGET_PREFIX) else t

    def fault_body(self, status):
        if status >= 500:
            name = ("ServiceUnavailableException" if status == 503
                    else "InternalServerException")
            body, headers = self._error_parts(
                name, "Service is unavailable" if status == 503
                else "Internal error")
        elif status in (400, 429):
            body, headers = self._error_parts("ThrottlingException",
                                              "Rate exceeded")
        else:
            body, headers = self._error_parts("AccessDeniedException", "Denied")
        headers.append(("x-amzn-RequestId", str(uuid.uuid4())))
        return body, headers

    def truncate_template(self):
        return Response(200, {"CertificateArn": self.arn_for()},
                        content_type=CONTENT_TYPE)

    def handle(self, req):
        rid = str(uuid.uuid4())
        op = self.route_of(req)
        call = {"op": op, "params": None, "raw_body": req.body,
                "headers": req.headers, "conn": req.conn, "time": req.time,
                "signature_ok": False, "error": None, "status": None,
                "request_id": rid, "signed_headers": None, "region": None}
        try:
            self._verify_signature(req, call)
            call["signature_ok"] = True
            resp = self._serve(req, op, call, rid)
        except _ApiError as e:
            resp = self._error(e.type, e.message, e.status, rid)
        err = None
        if resp.status != 200:
            try:
                # Recorded as the bare shape name whatever form was sent.
                err = json.loads(resp.body).get("__type", "").rsplit("#", 1)[-1]
            except ValueError:
                err = "?"
        call["status"] = resp.status
        call["error"] = err
        with self.lock:
            self.calls.append(call)
        return resp

    # --- protocol ---------------------------------------------------------
    def _partition(self, region):
        if region.startswith("cn-"):
            return "aws-cn"
        if region.startswith("us-gov-"):
            return "aws-us-gov"
        return "aws"

    def _error_parts(self, name, message, status=400):
        key = "Message" if name == "AccessDeniedException" else "message"
        t = name if self.error_type_form == "short" else f"com.amazonaws.acm#{name}"
        headers = []
        if self.error_type_header == "short":
            headers.append(("X-Amzn-Errortype", name))
        elif self.error_type_header == "coral":
            headers.append(("X-Amzn-Errortype", f"{name}:http://internal."
                            "amazon.com/coral/com.amazonaws.acm/"))
        headers.append(("Content-Type", CONTENT_TYPE))
        return json.dumps({"__type": t, key: message}).encode(), headers

    def _error(self, name, message, status, rid, extra_headers=()):
        body, headers = self._error_parts(name, message, status)
        headers.append(("x-amzn-RequestId", rid))
        headers.extend(extra_headers)
        return Response(status, body, headers)

    def _ok(self, rid, payload=None):
        if payload is None:
            body = self.empty_response.encode()
        else:
            body = json.dumps(payload).encode()
        return Response(200, body, [("x-amzn-RequestId", rid),
                                    ("Content-Type", CONTENT_TYPE)])

    def _verify_signature(self, req, call):
        auth = req.header("Authorization")
        if not auth:
            raise _ApiError(400, "MissingAuthenticationTokenException",
                            "Missing Authentication Token")
        parts = sigv4_check.auth_parts(auth)
        if parts is None:
            raise _ApiError(400, "IncompleteSignatureException",
                            "Unsupported authorization type")
        missing = [k for k in ("Credential", "SignedHeaders", "Signature")
                   if not parts.get(k)]
        if missing:
            raise _ApiError(400, "IncompleteSignatureException", " ".join(
                f"Authorization header requires '{k}' parameter." for k in missing)
                + f" Authorization={auth}")
        scope = parts["Credential"].split("/")
        if len(scope) != 5:
            raise _ApiError(400, "IncompleteSignatureException",
                            "Credential must have exactly 5 slash-delimited "
                            f"elements, e.g. keyid/date/region/service/term, "
                            f"got '{parts['Credential']}'")
        akid, sdate, sregion, sservice, term = scope
        if akid not in self.credentials:
            raise _ApiError(403, "UnrecognizedClientException",
                            "The security token included in the request is invalid.")
        secret, token = self.credentials[akid]
        amz_date = req.header("X-Amz-Date")
        if not amz_date:
            raise _ApiError(400, "IncompleteSignatureException",
                            "Authorization header requires existence of either "
                            "a 'X-Amz-Date' or a 'Date' header.")
        try:
            ts = datetime.datetime.strptime(amz_date, SIGV4_FORMAT).replace(
                tzinfo=datetime.timezone.utc).timestamp()
        except ValueError:
            raise _ApiError(400, "IncompleteSignatureException",
                            f"Date must be in ISO-8601 'basic format'. Got "
                            f"'{amz_date}'. See http://en.wikipedia.org/wiki/ISO_8601")
        if sdate != amz_date[:8]:
            raise _ApiError(403, "InvalidSignatureException",
                            f"Date in Credential scope does not match YYYYMMDD "
                            f"from ISO-8601 version of date from HTTP: "
                            f"'{sdate}' != '{amz_date[:8]}', from '{amz_date}'.")
        if sregion not in self.regions:
            raise _ApiError(403, "InvalidSignatureException",
                            f"Credential should be scoped to a valid region, "
                            f"not '{sregion}'. ")
        if sservice != "acm":
            raise _ApiError(403, "InvalidSignatureException",
                            "Credential should be scoped to correct service: "
                            "'acm'. ")
        if term != "aws4_request":
            raise _ApiError(403, "InvalidSignatureException",
                            "Credential should be scoped with a valid "
                            f"terminator: 'aws4_request', not '{term}'. ")
        skew = self.clock_skew if self.sigv4_skew is None else self.sigv4_skew
        now = time.time() + skew
        if now - ts > self.max_skew:
            lo = time.strftime(SIGV4_FORMAT, time.gmtime(now - self.max_skew))
            raise _ApiError(403, "InvalidSignatureException",
                            f"Signature expired: {amz_date} is now earlier than "
                            f"{lo} ({time.strftime(SIGV4_FORMAT, time.gmtime(now))}"
                            f" - {self.max_skew // 60} min.)")
        if ts - now > self.max_skew:
            hi = time.strftime(SIGV4_FORMAT, time.gmtime(now + self.max_skew))
            raise _ApiError(403, "InvalidSignatureException",
                            f"Signature not yet current: {amz_date} is still "
                            f"later than {hi} ({time.strftime(SIGV4_FORMAT, time.gmtime(now))}"
                            f" + {self.max_skew // 60} min.)")
        signed = parts["SignedHeaders"].split(";")
        call["signed_headers"] = signed
        call["region"] = sregion
        sent_token = req.header("X-Amz-Security-Token")
        if token is not None and sent_token != token:
            raise _ApiError(403, "UnrecognizedClientException",
                            "The security token included in the request is invalid.")
        if token is None and sent_token is not None:
            raise _ApiError(403, "UnrecognizedClientException",
                            "The security token included in the request is invalid.")
        bad = sigv4_check.header_problem(req, signed,
                                         ("x-amz-target", "content-type"))
        if bad:
            raise _ApiError(*bad)
        want, want_signed, cr, sts = sigv4_check.expected(
            req, signed, akid, secret, token, "acm", sregion, amz_date)
        if (parts["Signature"] != want
                or parts["SignedHeaders"] != want_signed):
            raise _ApiError(403, "InvalidSignatureException",
                            sigv4_check.mismatch_message(cr, sts))

    def _serve(self, req, op, call, rid):
        if req.raw_path != "/" or req.raw_query:
            return self._error("UnknownOperationException",
                               f"Unknown path {req.target}", 404, rid)
        if req.method != "POST":
            return self._error("UnknownOperationException",
                               f"Method {req.method} is not allowed", 405, rid)
        ctype = (req.header("Content-Type") or "").strip().lower()
        if ctype != CONTENT_TYPE:
            return self._error("UnknownOperationException",
                               f"Unsupported Content-Type '{ctype}', expected "
                               f"{CONTENT_TYPE}", 400, rid)
        if op not in service_model().operation_names:
            return self._error("UnknownOperationException",
                               f"Unknown operation {req.header('X-Amz-Target')}",
                               400, rid)
        if req.header("Content-Length") is None:
            return self._error("SerializationException",
                               "Content-Length is required (awsJson1_1)", 400, rid)
        try:
            params = json.loads(req.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            # Also catches an empty body: the protocol requires "{}".
            return self._error("SerializationException",
                               f"Request body is not valid JSON: {e}", 400, rid)
        if not isinstance(params, dict):
            return self._error("SerializationException",
                               "Request body must be a JSON object", 400, rid)
        call["params"] = params
        params = _drop_nulls(params)
        msg = validate_input(op, params)
        if msg:
            return self._error("ValidationException", msg, 400, rid)
        scripted = self._take_fail(op, call["region"])
        if scripted:
            name, message, status, _, headers = scripted[:5]
            return self._error(name, message, status, rid, headers)
        if op not in SERVED:
            return self._error("UnsupportedOperationException",
                               f"this fake ACM serves only {', '.join(SERVED)}; "
                               f"{op} is outside its scope", 400, rid)
        with self.lock:
            try:
                return getattr(self, "_op_" + op)(params, rid, call)
            except _ApiError as e:
                return self._error(e.type, e.message, e.status, rid)

    def _take_fail(self, op, region=None):
        with self.lock:
            for key in (op, "*"):
                for f in self._fails.get(key, []):
                    if f[6] is not None and f[6] != region:
                        continue
                    if f[5] > 0:
                        f[5] -= 1
                        return None
                    f[3] -= 1
                    if f[3] <= 0:
                        self._fails[key].remove(f)
                    return f
        return None

    # --- state ------------------------------------------------------------
    def _new_cert(self, arn, domain, sans, type_, key_alg, method, ca_arn,
                  export_option, managed_by, tags):
        now = self.now()
        names = [domain] + [s for s in sans if s != domain]
        names = list(dict.fromkeys(names))
        return {
            "CertificateArn": arn, "DomainName": domain,
            "SubjectAlternativeNames": names, "Type": type_,
            "Status": "PENDING_VALIDATION", "KeyAlgorithm": key_alg,
            "InUseBy": [], "CreatedAt": round(now, 3), "Tags": tags,
            "CertificateAuthorityArn": ca_arn, "ManagedBy": managed_by,
            "ExportOption": export_option or "DISABLED",
            "FailureReason": None, "RenewalSummary": None,
            "Serial": ":".join(f"{b:02x}" for b in
                               hashlib.sha1(arn.encode()).digest()[:16]),
            "_validation_method": method, "_exported": False,
            "_describes": 0, "_records_after": self.default_records_after,
            "_issue_after": self.default_issue_after,
            "_issue_status": ("ISSUED", None), "_in_use_for": 0,
            "_not_found_for": 0, "_renewals": 0,
            "_renewal_eligibility": None, "_ct": "ENABLED",
            "_region": ARN_RE.fullmatch(arn).group(2),
            "_origin": ("CUSTOMER_PROVIDED" if type_ == "IMPORTED"
                        else "AWS_MANAGED"),
        }

    def _set_status(self, c, status, failure_reason=None):
        c["Status"] = status
        if status == "REVOKED" and c.get("RevokedAt") is None:
            c["RevokedAt"] = round(self.now(), 3)
        c["FailureReason"] = failure_reason if status == "FAILED" else None
        if status == "FAILED" and not failure_reason:
            c["FailureReason"] = "OTHER"
        if status in ("ISSUED", "INACTIVE", "EXPIRED", "REVOKED") \
                and "NotBefore" not in c:
            issued = max(c["CreatedAt"], self.now() - 1)
            c["IssuedAt"] = round(issued, 3)
            c["NotBefore"] = float(int(issued))
            c["NotAfter"] = float(int(issued) + VALIDITY_SECONDS)

    def _renewal_eligibility(self, c):
        if c["_renewal_eligibility"]:
            return c["_renewal_eligibility"]
        if c["Type"] == "IMPORTED" or c["Status"] != "ISSUED":
            return "INELIGIBLE"
        if c["InUseBy"] or c["_exported"]:
            return "ELIGIBLE"
        return "INELIGIBLE"

    def _record(self, c, base):
        # ACM hands out the same record for the same name in one account
        # (aws-route53.md §6), so it hangs on the account, not the ARN.
        h = hashlib.sha256((self.account + "|" + base.lower()).encode()).hexdigest()
        tail = "".join(chr(ord("a") + int(h[i], 16) % 26) for i in range(40, 50))
        return {"Name": f"_{h[:32]}.{base}.", "Type": "CNAME",
                "Value": f"_{h[32:40]}{h[50:64]}{h[:10]}.{tail}.acm-validations.aws."}

    def _dvos(self, c, with_records, renewal=False):
        out = []
        method = c["_validation_method"]
        for d in c["SubjectAlternativeNames"]:
            base = d[2:] if d.startswith("*.") else d
            if renewal or c["Status"] == "ISSUED" \
                    or base in c.get("_validated", ()):
                vs = "SUCCESS"
            elif c["Status"] in ("FAILED", "VALIDATION_TIMED_OUT"):
                vs = "FAILED"
            else:
                vs = "PENDING_VALIDATION"
            dv = {"DomainName": d, "ValidationDomain": base,
                  "ValidationStatus": vs, "ValidationMethod": method}
            if method == "EMAIL":
                dv["ValidationEmails"] = [f"{u}@{base}" for u in (
                    "admin", "administrator", "hostmaster", "postmaster",
                    "webmaster")]
            elif method == "DNS" and with_records:
                # *.a.com and a.com share one record (aws-acm.md §4).
                dv["ResourceRecord"] = self._record(c, base)
            elif method == "HTTP" and with_records:
                dv["HttpRedirect"] = {
                    "RedirectFrom": f"http://{base}/.well-known/pki-validation/x.txt",
                    "RedirectTo": "https://validation.example/x.txt"}
            out.append(dv)
        return out

    def _renewal_summary(self, c, status, reason=None):
        rs = {"RenewalStatus": status,
              "DomainValidationOptions": self._dvos(c, True, renewal=True),
              "UpdatedAt": round(self.now(), 3)}
        if status == "FAILED":
            rs["RenewalStatusReason"] = reason or "OTHER"
            for dv in rs["DomainValidationOptions"]:
                dv["ValidationStatus"] = "FAILED"
        if status == "PENDING_VALIDATION":
            for dv in rs["DomainValidationOptions"]:
                dv["ValidationStatus"] = "PENDING_VALIDATION"
        return rs

    def _ka(self, k):
        return k.replace("_", "-") if self.key_algorithm_style == "hyphen" else k

    def _detail(self, c):
        d = {"CertificateArn": c["CertificateArn"], "DomainName": c["DomainName"],
             "SubjectAlternativeNames": list(c["SubjectAlternativeNames"]),
             "Serial": c["Serial"], "Subject": f"CN={c['DomainName']}",
             "Issuer": "Amazon" if c["Type"] != "PRIVATE" else "Test Private CA",
             "CreatedAt": c["CreatedAt"], "Status": c["Status"],
             "KeyAlgorithm": self._ka(c["KeyAlgorithm"]),
             "SignatureAlgorithm": ("SHA256WITHRSA" if c["KeyAlgorithm"].startswith("RSA")
                                    else "SHA256WITHECDSA"),
             "InUseBy": list(c["InUseBy"]), "Type": c["Type"],
             "KeyUsages": [{"Name": "DIGITAL_SIGNATURE"}, {"Name": "KEY_ENCIPHERMENT"}],
             "ExtendedKeyUsages": [{"Name": "TLS_WEB_SERVER_AUTHENTICATION",
                                    "OID": "1.3.6.1.5.5.7.3.1"}],
             "RenewalEligibility": self._renewal_eligibility(c),
             "Options": {"CertificateTransparencyLoggingPreference": c["_ct"],
                         "Export": c["ExportOption"]}}
        for k in ("IssuedAt", "ImportedAt", "NotBefore", "NotAfter",
                  "FailureReason", "CertificateAuthorityArn", "ManagedBy",
                  "RenewalSummary"):
            if c.get(k) is not None:
                d[k] = copy.deepcopy(c[k])
        if c["Type"] == "AMAZON_ISSUED" and \
                c["_describes"] > c.get("_options_after", 0):
            with_records = c["_describes"] > c["_records_after"]
            d["DomainValidationOptions"] = self._dvos(c, with_records)
        if c["Type"] == "IMPORTED":
            d.pop("Serial", None)
        return d

    def _cert_or_error(self, arn, region):
        """region: the one the request was signed for, i.e. the endpoint's
        region; an ACM endpoint serves only its own region's certificates."""
        m = ARN_RE.fullmatch(arn)
        if not m:
            raise _ApiError(400, "InvalidArnException",
                            f"String '{arn}' is not a valid ACM certificate ARN.")
        partition, arn_region, account, _ = m.groups()
        # Wrong region or partition: the ARN cannot name a resource of
        # this endpoint. Which error real ACM picks is [U]; InvalidArn's
        # model doc ("does not refer to an existing resource") fits best.
        if arn_region != region or partition != self._partition(region):
            raise _ApiError(400, "InvalidArnException",
                            f"ARN {arn} is not in region {region}.")
        c = self.certs.get(arn)
        if c is None or account != self.account:
            raise _ApiError(400, "ResourceNotFoundException",
                            f"Could not find certificate {arn}.")
        return c

    def _check_tags(self, tags):
        for t in tags:
            for part in (t.get("Key", ""), t.get("Value", "")):
                if part.lower().startswith("aws:"):
                    raise _ApiError(400, "InvalidTagException",
                                    f"Tag '{t.get('Key')}' is invalid: keys and "
                                    "values cannot begin with 'aws:'.")

    # --- operations -------------------------------------------------------
    def _op_RequestCertificate(self, p, rid, call):
        token = p.get("IdempotencyToken")
        key = None
        if token:
            rest = {k: v for k, v in p.items() if k != "IdempotencyToken"}
            key = (token, json.dumps(rest, sort_keys=True))
            hit = self._idem.get(key)
            if hit and self.now() - hit[1] < IDEMPOTENCY_WINDOW \
                    and hit[0] in self.certs:
                call["idempotent_replay"] = True
                call["arn"] = hit[0]
                return self._ok(rid, {"CertificateArn": hit[0]})
        domain = p["DomainName"]
        sans = p.get("SubjectAlternativeNames", [])
        names = list(dict.fromkeys([domain] + sans))
        if len(names) > self.max_domains:
            raise _ApiError(400, "LimitExceededException",
                            f"The certificate request has {len(names)} domain "
                            f"names; the quota is {self.max_domains}.")
        if len(domain) > 64:
            # aws-acm.md §2.1: the CN is limited to 64 octets; longer names
            # go in the SANs. The exact error ACM returns is [U].
            raise _ApiError(400, "InvalidParameterException",
                            f"DomainName '{domain}' is longer than 64 octets; "
                            "put longer names in SubjectAlternativeNames.")
        key_alg = p.get("KeyAlgorithm", "RSA_2048")
        if key_alg not in ISSUABLE_KEYS:
            raise _ApiError(400, "ValidationException",
                            f"KeyAlgorithm {key_alg} is not supported for "
                            "certificate requests; use one of "
                            + ", ".join(ISSUABLE_KEYS) + ".")
        self._check_tags(p.get("Tags", []))
        ca_arn = p.get("CertificateAuthorityArn")
        method = None
        if not ca_arn:
            # Omitted ValidationMethod: evidence says EMAIL (aws-acm.md §2.1
            # [U]), so a client that forgets DNS sees mail-validation.
            method = p.get("ValidationMethod", "EMAIL")
        for dvo in p.get("DomainValidationOptions", []):
            vd, dn = dvo["ValidationDomain"], dvo["DomainName"]
            base = dn[2:] if dn.startswith("*.") else dn
            if dn not in names or not (base == vd or base.endswith("." + vd)):
                raise _ApiError(400, "InvalidDomainValidationOptionsException",
                                f"ValidationDomain {vd} is not {dn} or a "
                                "superdomain of it.")
        if len(self.certs) >= self.max_certificates:
            raise _ApiError(400, "LimitExceededException",
                            "Error: you have reached your limit of "
                            f"{self.max_certificates} certificates in the last "
                            "year.")
        arn = self.arn_for(region=call["region"])
        c = self._new_cert(arn, domain, sans,
                           "PRIVATE" if ca_arn else "AMAZON_ISSUED", key_alg,
                           method, ca_arn,
                           p.get("Options", {}).get("Export"),
                           p.get("ManagedBy"), list(p.get("Tags", [])))
        c["_ct"] = p.get("Options", {}).get(
            "CertificateTransparencyLoggingPreference", "ENABLED")
        c["_request"] = copy.deepcopy(p)
        if ca_arn:
            self._set_status(c, "ISSUED")
        self.certs[arn] = c
        self.requested += 1
        if key:
            self._idem[key] = (arn, self.now())
        call["arn"] = arn
        return self._ok(rid, {"CertificateArn": arn})

    def _op_DescribeCertificate(self, p, rid, call):
        c = self._cert_or_error(p["CertificateArn"], call["region"])
        if c["_not_found_for"] > 0:
            c["_not_found_for"] -= 1
            raise _ApiError(400, "ResourceNotFoundException",
                            f"Could not find certificate {c['CertificateArn']}.")
        c["_describes"] += 1
        if c["_issue_after"] is not None and c["Status"] == "PENDING_VALIDATION" \
                and c["_describes"] > c["_issue_after"]:
            st, why = c["_issue_status"]
            self._set_status(c, st, why)
        elif c["_issue_after"] is None and self.dns is not None:
            self._validate_by_dns(c)
        rs = c.get("RenewalSummary")
        if rs and rs["RenewalStatus"] == "PENDING_AUTO_RENEWAL" \
                and c.get("_renewal_done_after") is not None \
                and c["_describes"] > c["_renewal_done_after"]:
            c["RenewalSummary"] = self._renewal_summary(c, "SUCCESS")
            c["NotAfter"] = float(int(self.now()) + VALIDITY_SECONDS)
            c["_renewal_done_after"] = None
        return self._ok(rid, {"Certificate": self._detail(c)})

    # CAA issuer domains that allow ACM (aws-acm.md; ACM docs "CAA").
    AMAZON_CAA = ("amazon.com", "amazontrust.com", "awstrust.com",
                  "amazonaws.com")

    def _caa_forbids_amazon(self, name):
        vals = self.dns.caa_values(name)
        issue = [v for v in vals if v.split()[1:2] in (["issue"], ["issuewild"])]
        if not issue:
            return False
        return not any(v.split(None, 2)[2].strip('"').split(";")[0].strip()
                       in self.AMAZON_CAA for v in issue if len(v.split(None, 2)) == 3)

    def _validate_by_dns(self, c):
        """Public DNS decides, name by name (see dns= in __init__)."""
        if c["Status"] != "PENDING_VALIDATION" or c["Type"] != "AMAZON_ISSUED" \
                or c["_validation_method"] != "DNS" \
                or c["_describes"] <= c["_records_after"]:
            return
        done = c.setdefault("_validated", set())
        for d in c["SubjectAlternativeNames"]:
            base = d[2:] if d.startswith("*.") else d
            rec = self._record(c, base)
            got = self.dns.resolve_cname(rec["Name"])
            if got is not None and got.lower().rstrip(".") == \
                    rec["Value"].lower().rstrip("."):
                done.add(base)
        bases = {d[2:] if d.startswith("*.") else d
                 for d in c["SubjectAlternativeNames"]}
        if not bases <= done:
            return
        if any(self._caa_forbids_amazon(b) for b in bases):
            self._set_status(c, "FAILED", "CAA_ERROR")
            return
        self._set_status(c, "ISSUED")

    def _summary(self, c):
        s = {"CertificateArn": c["CertificateArn"], "DomainName": c["DomainName"],
             "SubjectAlternativeNameSummaries": c["SubjectAlternativeNames"][:100],
             "HasAdditionalSubjectAlternativeNames":
                 len(c["SubjectAlternativeNames"]) > 100,
             "Status": c["Status"], "Type": c["Type"],
             "KeyAlgorithm": self._ka(c["KeyAlgorithm"]),
             "KeyUsages": ["DIGITAL_SIGNATURE", "KEY_ENCIPHERMENT"],
             "ExtendedKeyUsages": ["TLS_WEB_SERVER_AUTHENTICATION"],
             "ExportOption": c["ExportOption"], "InUse": bool(c["InUseBy"]),
             "Exported": c["_exported"],
             "RenewalEligibility": self._renewal_eligibility(c),
             "CertificateKeyPairOrigin": c["_origin"],
             "CreatedAt": c["CreatedAt"]}
        for k in ("NotBefore", "NotAfter", "IssuedAt", "ImportedAt", "ManagedBy",
                  "RevokedAt"):
            if c.get(k) is not None:
                s[k] = c[k]
        return s

    def _op_ListCertificates(self, p, rid, call):
        if ("SortBy" in p) != ("SortOrder" in p):
            raise _ApiError(400, "InvalidArgsException",
                            "If you specify SortBy, you must also specify "
                            "SortOrder, and vice versa.")
        inc = p.get("Includes", {})
        # aws-acm.md §2.3: without keyTypes only RSA_1024/RSA_2048 are
        # listed; without origins, ACME certificates are hidden.
        key_types = inc.get("keyTypes") or ["RSA_1024", "RSA_2048"]
        origins = p.get("CertificateKeyPairOrigins") or ["AWS_MANAGED",
                                                        "CUSTOMER_PROVIDED"]
        statuses = p.get("CertificateStatuses")
        eku = inc.get("extendedKeyUsage")
        ku = inc.get("keyUsage")
        # Filters read the state directly and summaries are built for
        # the returned page only: 10,000 certificates stay cheap.
        out = []
        for c in self.certs.values():
            if c["_region"] != call["region"]:
                continue
            if statuses and c["Status"] not in statuses:
                continue
            if c["KeyAlgorithm"] not in key_types:
                continue
            if c["_origin"] not in origins:
                continue
            if eku and "ANY" not in eku and "TLS_WEB_SERVER_AUTHENTICATION" not in eku:
                continue
            if ku and "ANY" not in ku and not {"DIGITAL_SIGNATURE",
                                               "KEY_ENCIPHERMENT"} & set(ku):
                continue
            if inc.get("exportOption") and c["ExportOption"] != inc["exportOption"]:
                continue
            if inc.get("managedBy") and c["ManagedBy"] != inc["managedBy"]:
                continue
            out.append(c)
        if p.get("SortBy"):
            out.sort(key=lambda c: c["CreatedAt"],
                     reverse=p["SortOrder"] == "DESCENDING")
        start = 0
        if "NextToken" in p:
            try:
                tok = json.loads(base64.urlsafe_b64decode(p["NextToken"]))
                start = int(tok["o"])
            except (ValueError, KeyError, TypeError):
                raise _ApiError(400, "InvalidArgsException",
                                "One or more of request parameters specified "
                                "is not valid: NextToken")
        # ACM may answer fewer than MaxItems: list_page_size caps a page
        # (tests that want several pages without 1,000s of certificates).
        size = min(p.get("MaxItems", self.list_page_size), self.list_page_size)
        page = [self._summary(c) for c in out[start:start + size]]
        call["listed"] = len(page)
        resp = {"CertificateSummaryList": page}
        if start + size < len(out):
            resp["NextToken"] = base64.urlsafe_b64encode(json.dumps(
                {"o": start + size, "n": uuid.uuid4().hex}).encode()).decode()
        return self._ok(rid, resp)

    def _op_GetCertificate(self, p, rid, call):
        c = self._cert_or_error(p["CertificateArn"], call["region"])
        if c["Status"] != "ISSUED":
            raise _ApiError(400, "RequestInProgressException",
                            f"Certificate {c['CertificateArn']} is not yet issued "
                            "(the certificate request is in process).")
        return self._ok(rid, {"Certificate": _pem(c["CertificateArn"]),
                              "CertificateChain": _pem("chain" + c["Serial"])})

    def _op_AddTagsToCertificate(self, p, rid, call):
        c = self._cert_or_error(p["CertificateArn"], call["region"])
        self._check_tags(p["Tags"])
        tags = {t["Key"]: t for t in c["Tags"]}
        for t in p["Tags"]:
            tags[t["Key"]] = dict(t)
        if len(tags) > 50:
            raise _ApiError(400, "TooManyTagsException",
                            "The request contains too many tags.")
        c["Tags"] = list(tags.values())
        return self._ok(rid)

    def _op_RemoveTagsFromCertificate(self, p, rid, call):
        c = self._cert_or_error(p["CertificateArn"], call["region"])
        drop = {(t["Key"], t.get("Value")) for t in p["Tags"]}
        c["Tags"] = [t for t in c["Tags"] if (t["Key"], t.get("Value")) not in drop
                     and (t["Key"], None) not in drop]
        return self._ok(rid)

    def _op_ListTagsForCertificate(self, p, rid, call):
        c = self._cert_or_error(p["CertificateArn"], call["region"])
        return self._ok(rid, {"Tags": copy.deepcopy(c["Tags"])})

    def _op_RenewCertificate(self, p, rid, call):
        c = self._cert_or_error(p["CertificateArn"], call["region"])
        arn = c["CertificateArn"]
        if c["Status"] == "PENDING_VALIDATION":
            raise _ApiError(400, "RequestInProgressException",
                            f"Certificate {arn} is still pending validation.")
        # aws-acm.md §3.1: RenewCertificate applies to private certificates
        # and to exported (exportable public) ones only. The real error for
        # other certificates is [U]; ValidationException is the modeled
        # error that fits.
        if c["Type"] == "IMPORTED":
            raise _ApiError(400, "ValidationException",
                            f"Certificate {arn} is imported; imported "
                            "certificates cannot be renewed by ACM.")
        if c["Type"] != "PRIVATE" and not c["_exported"]:
            raise _ApiError(400, "ValidationException",
                            f"Certificate {arn} is not eligible for renewal "
                            "with RenewCertificate. Only private certificates "
                            "and exported certificates can be renewed this way; "
                            "ACM renews other public certificates itself.")
        if c["Status"] != "ISSUED":
            raise _ApiError(400, "ValidationException",
                            f"Certificate {arn} has status {c['Status']} and "
                            "cannot be renewed.")
        c["_renewals"] += 1
        c["RenewalSummary"] = self._renewal_summary(c, "PENDING_AUTO_RENEWAL")
        c["_renewal_done_after"] = c["_describes"] + 1
        return self._ok(rid)

    def _op_DeleteCertificate(self, p, rid, call):
        c = self._cert_or_error(p["CertificateArn"], call["region"])
        arn = c["CertificateArn"]
        if c["InUseBy"] or c["_in_use_for"] > 0:
            if c["_in_use_for"] > 0:
                c["_in_use_for"] -= 1
            raise _ApiError(400, "ResourceInUseException",
                            f"Certificate {arn} is in use by another Amazon Web "
                            "Services service in the caller's account. Remove "
                            "the association and try again.")
        self.deleted[arn] = self.certs.pop(arn)
        return self._ok(rid)


def _pem(seed):
    """A syntactically valid PEM block (it matches the model's
    CertificateBody pattern); its content is not a real certificate."""
    raw = b""
    h = seed.encode()
    while len(raw) < 600:
        h = hashlib.sha256(h).digest()
        raw += h
    b64 = base64.b64encode(raw[:600]).decode()
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return ("-----BEGIN CERTIFICATE-----\n" + "\n".join(lines)
            + "\n-----END CERTIFICATE-----\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description="Fake ACM for manual tests.")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--account", default="123456789012")
    ap.add_argument("--access-key", default=DEFAULT_ACCESS_KEY)
    ap.add_argument("--secret-key", default=DEFAULT_SECRET_KEY)
    ap.add_argument("--session-token")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args(argv)
    tls = (a.tls_cert, a.tls_key) if a.tls_cert else None
    fake = FakeACM(tls=tls, port=a.port, region=a.region, account=a.account,
                   credentials={a.access_key: (a.secret_key, a.session_token)},
                   verbose=a.verbose)
    serve_standalone(fake, lambda f: (
        f"{c['op']} {c['status']} {c['error'] or ''} "
        f"sig={'ok' if c['signature_ok'] else 'BAD'}" for c in f.calls))


if __name__ == "__main__":
    main()
