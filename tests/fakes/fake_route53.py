"""A fake Amazon Route 53 speaking rest-xml, as described in
Route 53's API reference and botocore's model (endpoints, wire rules,
operations, errors, ACM's validation records).

It is an independent check of port-acm's Route 53 client:
  * every request's SigV4 signature is recomputed with botocore's
    SigV4Auth from the bytes that arrived (signing name route53, region
    us-east-1 for the global endpoint);
  * every request is checked against the Route 53 model in
    tests/data/botocore (method and URI template,
    query parameters, XML body: root element and namespace, element
    names, element ORDER, types, then botocore's validator and the
    model's length/range/enum constraints);
  * answers are serialised from the model's output shapes, in model
    order, so the AWS CLI (botocore's RestXMLParser) reads them.

State: hosted zones (public and private, nested), their record sets and
change batches (PENDING, then INSYNC after `insync_after` GetChange
polls or `insync_seconds`). resolve_cname() is the public DNS view the
fake ACM consults before it issues a DNS-validated certificate.

Usage (tests):
    r53 = FakeRoute53(tls=(cert, key))
    zid = r53.add_zone("example.com")            # public
    r53.add_zone("example.com", private=True)    # split horizon
    url = r53.start()
    ... AWS_ENDPOINT_URL_ROUTE_53=url ...
    r53.calls_of("ChangeResourceRecordSets"), r53.records(zid)
Standalone: python3 -m tests.fakes.fake_route53 --port 8053 --zone example.com
"""

import argparse
import copy
import datetime
import hashlib
import json
import os
import re
import sys
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET

import botocore.model
import botocore.validate

from . import sigv4_check
from .common import (FakeServer, Response, once, serve_standalone,
                     take_queued)
from .model_check import _constraint_errors

NS = "https://route53.amazonaws.com/doc/2013-04-01/"
DEFAULT_ACCESS_KEY = "AKIDFAKEEXAMPLE00001"
DEFAULT_SECRET_KEY = "fakeSecretKey/K7MDENG+bPxRfiCYEXAMPLEKEY"
SIGV4_FORMAT = "%Y%m%dT%H%M%SZ"
SIGNING_REGION = "us-east-1"  # aws-route53.md §1, partition aws
# What this fake serves: what port-acm calls (ListResourceRecordSets reads
# a record back before a DELETE). Any other modeled operation is refused
# naming it, so a client that starts calling one fails loudly.
SERVED = ("ListHostedZonesByName", "ChangeResourceRecordSets", "GetChange",
          "ListResourceRecordSets", "GetHostedZone")
# aws-route53.md §4; HTTP status of each code.
ERROR_STATUS = {"Throttling": 400, "PriorRequestNotComplete": 400,
                "InvalidChangeBatch": 400, "InvalidInput": 400,
                "NoSuchHostedZone": 404, "NoSuchChange": 404,
                "InvalidDomainName": 400, "AccessDenied": 403,
                "NoSuchHealthCheck": 404}
DEFAULT_MESSAGES = {
    "Throttling": "Rate exceeded",
    "PriorRequestNotComplete": "The request was rejected because Route 53 was "
                               "still processing a prior request.",
    "InvalidChangeBatch": "scripted InvalidChangeBatch",
    "AccessDenied": "User: arn:aws:iam::123456789012:user/port-acm is not "
                    "authorized to perform: route53:ChangeResourceRecordSets",
}


# --- the service model -----------------------------------------------------

def _models_dir():
    """tests/data/botocore: the pinned botocore models (their README)."""
    return os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), "data", "botocore")


@once
def service_model():
    """The Route 53 model from tests/data (1.43.67), not Debian's packaged
    1.29.27 copy: it is the contract the docs describe."""
    path = os.path.join(_models_dir(), "route53", "2013-04-01",
                        "service-2.json")
    with open(path, encoding="utf-8") as f:
        return botocore.model.ServiceModel(json.load(f),
                                           service_name="route53")


def _uri_regex(template):
    """'/2013-04-01/hostedzone/{Id}/rrset/' -> a regex with named groups;
    {Key+} (greedy) may contain slashes."""
    out, i = "", 0
    for m in re.finditer(r"\{([A-Za-z0-9_]+)(\+?)\}", template):
        out += re.escape(template[i:m.start()])
        out += f"(?P<{m.group(1)}>{'.+' if m.group(2) else '[^/]+'})"
        i = m.end()
    return re.compile(out + re.escape(template[i:]))


_ROUTES = None


def _routes():
    global _ROUTES
    if _ROUTES is None:
        sm = service_model()
        rs = []
        for name in sm.operation_names:
            op = sm.operation_model(name)
            path = op.http["requestUri"].split("?", 1)[0]
            rs.append((op.http["method"], _uri_regex(path), name))
        _ROUTES = rs
    return _ROUTES


def match_operation(method, raw_path):
    """(operation name, {uri label: decoded value}) or (None, None)."""
    for m, rx, name in _routes():
        if m != method:
            continue
        hit = rx.fullmatch(raw_path)
        if hit:
            return name, {k: urllib.parse.unquote(v)
                          for k, v in hit.groupdict().items()}
    return None, None


class _ApiError(Exception):
    def __init__(self, code, message, status=None, messages=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or ERROR_STATUS.get(code, 400)
        self.messages = messages  # InvalidChangeBatch: list of messages


def _scalar(shape, text, where):
    t = shape.type_name
    if t == "string":
        return text
    if t in ("integer", "long"):
        if not re.fullmatch(r"-?[0-9]+", text or ""):
            raise _ApiError("InvalidInput", f"Invalid value '{text}' for {where}: "
                            "not an integer")
        return int(text)
    if t == "boolean":
        if text not in ("true", "false"):
            raise _ApiError("InvalidInput", f"Invalid value '{text}' for {where}: "
                            "not a boolean")
        return text == "true"
    raise _ApiError("InvalidInput", f"{where}: unsupported type {t}")


def _from_xml(el, shape, where):
    """One element -> Python value per the shape; strict about names,
    namespace, order, duplicates and mixed content."""
    t = shape.type_name
    if t == "structure":
        if (el.text or "").strip():
            raise _ApiError("InvalidInput", f"Unexpected text in <{where}>")
        names = list(shape.members)
        xml_names = {shape.members[n].serialization.get("name", n): n
                     for n in names}
        out, last = {}, -1
        for child in el:
            tag = child.tag
            if not tag.startswith("{" + NS + "}"):
                raise _ApiError("InvalidInput", f"Element {tag} in {where} is "
                                f"not in namespace {NS}")
            local = tag[len(NS) + 2:]
            member = xml_names.get(local)
            if member is None:
                raise _ApiError("InvalidInput", f"Unexpected element "
                                f"<{local}> in <{where}>")
            idx = names.index(member)
            if member in out:
                raise _ApiError("InvalidInput", f"Element <{local}> appears "
                                f"twice in <{where}>")
            if idx < last:
                raise _ApiError("InvalidInput", f"Element <{local}> is out of "
                                f"order in <{where}>: the syntax lists "
                                + ", ".join(names))
            last = idx
            out[member] = _from_xml(child, shape.members[member], local)
        return out
    if t == "list":
        if (el.text or "").strip():
            raise _ApiError("InvalidInput", f"Unexpected text in <{where}>")
        item = shape.member.serialization.get("name", "member")
        out = []
        for child in el:
            if child.tag != "{" + NS + "}" + item:
                raise _ApiError("InvalidInput", f"Expected <{item}> in "
                                f"<{where}>, got {child.tag}")
            out.append(_from_xml(child, shape.member, item))
        return out
    if len(el):
        raise _ApiError("InvalidInput", f"Unexpected child element in <{where}>")
    return _scalar(shape, el.text or "", where)


def _fmt_time(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.") + f"{int(ts * 1000) % 1000:03d}Z"


def _to_xml(parent, name, value, shape):
    el = ET.SubElement(parent, name)
    t = shape.type_name
    if t == "structure":
        for m, ms in shape.members.items():  # model order
            if m in value and value[m] is not None:
                _to_xml(el, ms.serialization.get("name", m), value[m], ms)
    elif t == "list":
        item = shape.member.serialization.get("name", "member")
        for v in value:
            _to_xml(el, item, v, shape.member)
    elif t == "boolean":
        el.text = "true" if value else "false"
    elif t == "timestamp":
        el.text = _fmt_time(value)
    else:
        el.text = str(value)
    return el


def serialize_output(op_name, payload):
    shape = service_model().operation_model(op_name).output_shape
    root = ET.Element(shape.name)
    root.set("xmlns", NS)
    for m, ms in shape.members.items():
        if m in payload and payload[m] is not None:
            _to_xml(root, ms.serialization.get("name", m), payload[m], ms)
    return b'<?xml version="1.0"?>\n' + ET.tostring(root)


# --- DNS names ---------------------------------------------------------------

def norm(name):
    """Lower case, one trailing dot, \\052 (Route 53's escape for *) as *."""
    n = (name or "").strip().lower().replace("\\052", "*")
    return n if n.endswith(".") else n + "."


def escape_name(n):
    """How Route 53 returns names: * as \\052 (aws-route53.md §6)."""
    return n.replace("*", "\\052")


def _page_size(p, cap):
    """MaxItems as the service reads it (a string of digits, at least 1):
    (the string, the page size it gives, at most cap, also the default)."""
    maxitems = p.get("MaxItems", str(cap))
    if not re.fullmatch(r"[0-9]+", maxitems) or int(maxitems) < 1:
        raise _ApiError("InvalidInput", f"Invalid value for maxitems: "
                        f"'{maxitems}'")
    return maxitems, min(int(maxitems), cap)


def _first_from(order, rank, key):
    """Where a listing sorted by rank starts at key: the index of the
    first item ranked at or after it (len(order) when none is)."""
    for i, item in enumerate(order):
        if rank(item) >= key:
            return i
    return len(order)


def sort_key(n):
    """'www.example.com.' -> 'com.example.www.' (labels reversed)."""
    labels = [p for p in norm(n).split(".") if p]
    return ".".join(reversed(labels)) + "."


def in_zone(name, zone):
    name, zone = norm(name), norm(zone)
    return name == zone or name.endswith("." + zone)


DOMAIN_RE = re.compile(r"(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+")


# --- SigV4 verification ----------------------------------------------------

# --- the fake --------------------------------------------------------------

class FakeRoute53(FakeServer):
    name = "fake-route53"

    def __init__(self, tls=None, credentials=None, signing_region=SIGNING_REGION,
                 insync_after=1, insync_seconds=None, max_skew=900,
                 change_batch_error_form="generic", **kw):
        """
        credentials: {access key id: (secret, session token or None)}
        insync_after: GetChange answers PENDING this many times per change,
            then INSYNC; insync_seconds (if set) makes it INSYNC by time too.
        change_batch_error_form: how InvalidChangeBatch is shaped:
            "generic"  <ErrorResponse> with Code InvalidChangeBatch and the
                       messages as "[m1, m2]" in Message: what the AWS CLI
                       (botocore's generic parser) reports from the real
                       service, "An error occurred (InvalidChangeBatch) ...:
                       [Tried to create resource record set [...] but it
                       already exists]";
            "own-root" <InvalidChangeBatch><Messages><Message>...
                       (aws-route53.md §4 form 2, which the Go SDK parses).
        """
        super().__init__(tls=tls, **kw)
        if credentials is None:
            credentials = {DEFAULT_ACCESS_KEY: (DEFAULT_SECRET_KEY, None)}
        self.credentials = credentials
        # The global endpoint signs for one region per partition; a test
        # may accept more (the AWS CLI signs a custom endpoint with its
        # client region).
        self.signing_regions = ((signing_region,) if isinstance(
            signing_region, str) else tuple(signing_region))
        self.insync_after = insync_after
        self.insync_seconds = insync_seconds
        self.max_skew = max_skew
        self.change_batch_error_form = change_batch_error_form
        self.calls = []
        self.zones = {}     # id -> zone dict (records under "_records")
        self.changes = {}   # id -> change dict
        self._fails = {}
        self._seq = 0
        service_model()
        _routes()

    # --- helpers for tests ------------------------------------------------
    def _new_id(self, prefix):
        self._seq += 1
        h = hashlib.sha256(f"{prefix}{self._seq}{uuid.uuid4()}".encode()).hexdigest()
        alnum = "".join(c for c in h.upper() if c.isalnum())
        return prefix + alnum[:13]

    def add_zone(self, name, private=False, zone_id=None, comment=None,
                 delegated=True):
        """A hosted zone with its SOA and NS records; returns the bare id.
        delegated=False: a public zone the parent does not point at (a
        second zone of the same name), so public DNS never sees it."""
        with self.lock:
            zid = zone_id or self._new_id("Z")
            n = norm(name)
            soa = {"Name": n, "Type": "SOA", "TTL": 900, "ResourceRecords": [
                {"Value": "ns-1.awsdns-01.org. awsdns-hostmaster.amazon.com. "
                          "1 7200 900 1209600 86400"}]}
            nsr = {"Name": n, "Type": "NS", "TTL": 172800, "ResourceRecords": [
                {"Value": f"ns-{i}.awsdns-0{i}.net."} for i in range(1, 5)]}
            cfg = {"PrivateZone": bool(private)}
            if comment:
                cfg["Comment"] = comment
            self.zones[zid] = {
                "Id": "/hostedzone/" + zid, "Name": n,
                "CallerReference": str(uuid.uuid4()), "Config": cfg,
                "_delegated": delegated,
                "_records": {(n, "SOA"): soa, (n, "NS"): nsr}}
            return zid

    def put_record(self, zone_id, name, type_, values, ttl=300):
        """Writes a record set directly (as if it had existed before)."""
        with self.lock:
            n = norm(name)
            self.zones[zone_id]["_records"][(n, type_)] = {
                "Name": n, "Type": type_, "TTL": ttl,
                "ResourceRecords": [{"Value": v} for v in values]}

    def records(self, zone_id, type_=None):
        """{name: record set} of a zone (names normalised)."""
        with self.lock:
            return {k[0]: copy.deepcopy(v) for k, v in
                    self.zones[zone_id]["_records"].items()
                    if type_ is None or k[1] == type_}

    def record(self, zone_id, name, type_="CNAME"):
        with self.lock:
            r = self.zones[zone_id]["_records"].get((norm(name), type_))
            return copy.deepcopy(r)

    def authoritative_zone(self, name):
        """The public zone that answers for name in public DNS: the
        longest public zone name that contains it (delegations assumed)."""
        with self.lock:
            best = None
            for zid, z in self.zones.items():
                if z["Config"]["PrivateZone"] or not z["_delegated"] \
                        or not in_zone(name, z["Name"]):
                    continue
                if best is None or len(z["Name"]) > len(self.zones[best]["Name"]):
                    best = zid
            return best

    def resolve_cname(self, name):
        """The CNAME target public DNS gives for name, or None."""
        with self.lock:
            zid = self.authoritative_zone(name)
            if zid is None:
                return None
            r = self.zones[zid]["_records"].get((norm(name), "CNAME"))
            if not r:
                return None
            return r["ResourceRecords"][0]["Value"]

    def caa_values(self, name):
        """CAA values at the closest name at or above `name` that has any
        (RFC 8659 tree climbing), from public zones."""
        n = norm(name)
        with self.lock:
            while n and n != ".":
                zid = self.authoritative_zone(n)
                if zid is not None:
                    r = self.zones[zid]["_records"].get((n, "CAA"))
                    if r:
                        return [v["Value"] for v in r["ResourceRecords"]]
                n = n.split(".", 1)[1] if "." in n[:-1] else "."
        return []

    def fail(self, op, code, message=None, count=1, messages=None, status=None):
        """The next `count` valid, authenticated calls of op ("*" = any)
        answer this error (Throttling, PriorRequestNotComplete,
        InvalidChangeBatch with messages=[...], AccessDenied, ...)."""
        with self.lock:
            self._fails.setdefault(op, []).append(
                [code, message or DEFAULT_MESSAGES.get(code, code), count,
                 messages, status])

    def calls_of(self, op):
        with self.lock:
            return [c for c in self.calls if c["op"] == op]

    # --- FakeServer interface ---------------------------------------------
    def route_of(self, req):
        op, _ = match_operation(req.method, req.raw_path)
        return op or "?"

    def fault_body(self, status):
        if status >= 500:
            return self._error_body("ServiceUnavailable" if status == 503
                                    else "InternalFailure", "Internal error",
                                    str(uuid.uuid4()), "Receiver"), \
                [("Content-Type", "text/xml")]
        return self._error_body("Throttling", "Rate exceeded",
                                str(uuid.uuid4())), [("Content-Type", "text/xml")]

    def truncate_template(self):
        return Response(200, serialize_output("GetChange", {"ChangeInfo": {
            "Id": "/change/C0000000000000", "Status": "PENDING",
            "SubmittedAt": time.time()}}), content_type="text/xml")

    def handle(self, req):
        rid = str(uuid.uuid4())
        op = self.route_of(req)
        call = {"op": op, "params": None, "method": req.method,
                "path": req.raw_path, "query": req.raw_query,
                "raw_body": req.body, "headers": req.headers,
                "conn": req.conn, "time": req.time, "signature_ok": False,
                "error": None, "status": None, "request_id": rid,
                "signed_headers": None, "region": None, "access_key": None,
                "messages": None}
        try:
            self._verify_signature(req, call)
            call["signature_ok"] = True
            resp = self._serve(req, op, call)
        except _ApiError as e:
            call["error"] = e.code
            call["messages"] = e.messages
            resp = self._error(e, rid)
        else:
            resp.headers.append(("x-amzn-RequestId", rid))
        call["status"] = resp.status
        with self.lock:
            self.calls.append(call)
        return resp

    # --- protocol ---------------------------------------------------------
    @staticmethod
    def _error_body(code, message, rid, type_="Sender"):
        root = ET.Element("ErrorResponse")
        root.set("xmlns", NS)
        err = ET.SubElement(root, "Error")
        ET.SubElement(err, "Type").text = type_
        ET.SubElement(err, "Code").text = code
        ET.SubElement(err, "Message").text = message
        ET.SubElement(root, "RequestId").text = rid
        return b'<?xml version="1.0"?>\n' + ET.tostring(root)

    def _error(self, e, rid):
        if e.code == "InvalidChangeBatch" and e.messages is not None \
                and self.change_batch_error_form == "own-root":
            # aws-route53.md §4 form 2: its own root element.
            root = ET.Element("InvalidChangeBatch")
            root.set("xmlns", NS)
            ms = ET.SubElement(root, "Messages")
            for m in e.messages:
                ET.SubElement(ms, "Message").text = m
            ET.SubElement(root, "RequestId").text = rid
            body = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root)
        elif e.code == "InvalidChangeBatch" and e.messages is not None:
            # What the AWS CLI shows for real batches: the generic shape,
            # the messages as one "[m1, m2]" (see the module docstring).
            body = self._error_body(e.code, "[" + ", ".join(e.messages) + "]",
                                    rid)
        else:
            body = self._error_body(e.code, e.message, rid,
                                    "Receiver" if e.status >= 500 else "Sender")
        return Response(e.status, body, [("x-amzn-RequestId", rid),
                                         ("Content-Type", "text/xml")])

    def _verify_signature(self, req, call):
        # Error codes for signature problems are [U] (aws-route53.md §9.3);
        # these are the rest-xml/query family's names.
        auth = req.header("Authorization")
        if not auth:
            raise _ApiError("MissingAuthenticationToken",
                            "Missing Authentication Token", 403)
        parts = sigv4_check.auth_parts(auth)
        if parts is None:
            raise _ApiError("IncompleteSignature", "Unsupported authorization type")
        for k in ("Credential", "SignedHeaders", "Signature"):
            if not parts.get(k):
                raise _ApiError("IncompleteSignature",
                                f"Authorization header requires '{k}' parameter.")
        scope = parts["Credential"].split("/")
        if len(scope) != 5:
            raise _ApiError("IncompleteSignature", "Credential must have exactly "
                            "5 slash-delimited elements")
        akid, sdate, sregion, sservice, term = scope
        call["access_key"] = akid
        call["region"] = sregion
        if akid not in self.credentials:
            raise _ApiError("InvalidClientTokenId", "The security token included "
                            "in the request is invalid.", 403)
        secret, token = self.credentials[akid]
        amz_date = req.header("X-Amz-Date")
        if not amz_date:
            raise _ApiError("IncompleteSignature", "Authorization header requires "
                            "existence of either a 'X-Amz-Date' or a 'Date' header.")
        try:
            ts = datetime.datetime.strptime(amz_date, SIGV4_FORMAT).replace(
                tzinfo=datetime.timezone.utc).timestamp()
        except ValueError:
            raise _ApiError("IncompleteSignature", f"Date must be in ISO-8601 "
                            f"'basic format'. Got '{amz_date}'.")
        if sdate != amz_date[:8]:
            raise _ApiError("SignatureDoesNotMatch", "Date in Credential scope "
                            "does not match YYYYMMDD from X-Amz-Date.", 403)
        if sregion not in self.signing_regions:
            raise _ApiError("SignatureDoesNotMatch", "Credential should be scoped "
                            f"to a valid region, not '{sregion}'. ", 403)
        if sservice != "route53":
            raise _ApiError("SignatureDoesNotMatch", "Credential should be scoped "
                            "to correct service: 'route53'. ", 403)
        if term != "aws4_request":
            raise _ApiError("SignatureDoesNotMatch", "Credential should be scoped "
                            f"with a valid terminator: 'aws4_request', not '{term}'.",
                            403)
        if abs(time.time() - ts) > self.max_skew:
            raise _ApiError("SignatureDoesNotMatch", f"Signature expired: "
                            f"{amz_date} is outside the allowed clock skew.", 403)
        signed = parts["SignedHeaders"].split(";")
        call["signed_headers"] = signed
        sent_token = req.header("X-Amz-Security-Token")
        if sent_token != token:
            raise _ApiError("InvalidClientTokenId", "The security token included "
                            "in the request is invalid.", 403)
        required = ["host", "x-amz-date"]
        required += [k.lower() for k, _ in req.header_items
                     if k.lower().startswith("x-amz-")]
        for name in required:
            if name not in signed:
                raise _ApiError("IncompleteSignature", f"'{name}' must be a "
                                "'SignedHeader' in the AWS Authorization.")
        for name in signed:
            if not req.header_all(name):
                raise _ApiError("SignatureDoesNotMatch", f"Header '{name}' is "
                                "listed in SignedHeaders but was not sent.", 403)
        want, want_signed, cr, sts = sigv4_check.expected(
            req, signed, akid, secret, token, "route53", sregion, amz_date)
        if (parts["Signature"] != want
                or parts["SignedHeaders"] != want_signed):
            raise _ApiError("SignatureDoesNotMatch",
                            sigv4_check.mismatch_message(cr, sts), 403)

    def _parse(self, req, op, labels):
        """URI labels + query + XML body -> params (botocore names)."""
        opm = service_model().operation_model(op)
        shape = opm.input_shape
        params, by_query = {}, {}
        for m, ms in shape.members.items():
            loc = ms.serialization.get("location")
            lname = ms.serialization.get("name", m)
            if loc == "uri":
                params[m] = _scalar(ms, labels[lname], lname)
            elif loc == "querystring":
                by_query[lname] = (m, ms)
        for k, vals in req.query.items():
            if k not in by_query:
                raise _ApiError("InvalidInput", f"Unknown query parameter '{k}'")
            if len(vals) != 1:
                raise _ApiError("InvalidInput", f"Query parameter '{k}' given "
                                "more than once")
            m, ms = by_query[k]
            params[m] = _scalar(ms, vals[0], k)
        payload = opm.input_shape.serialization.get("name")
        if payload:
            if req.method != "POST":
                raise _ApiError("InvalidInput", "body expected")
            try:
                root = ET.fromstring(req.body)
            except ET.ParseError as e:
                raise _ApiError("InvalidInput", f"Could not parse the request "
                                f"body as XML: {e}")
            want = "{" + NS + "}" + payload
            if root.tag != want:
                raise _ApiError("InvalidInput", f"Root element must be <{payload} "
                                f"xmlns=\"{NS}\">, got {root.tag}")
            body = _from_xml(root, shape, payload)
            for m in body:
                if shape.members[m].serialization.get("location"):
                    raise _ApiError("InvalidInput", f"<{m}> belongs in the URI")
            params.update(body)
        elif req.body:
            raise _ApiError("InvalidInput", f"{op} takes no request body")
        report = botocore.validate.ParamValidator().validate(params, shape)
        if report.has_errors():
            raise _ApiError("InvalidInput", report.generate_report())
        errs = []
        _constraint_errors(params, shape, "", errs)
        # min length/value too (the ACM helper checks only the maxima).
        _min_errors(params, shape, "", errs)
        if errs:
            n = len(errs)
            raise _ApiError("InvalidInput", f"{n} validation error"
                            f"{'s' if n > 1 else ''} detected: " + "; ".join(
                                f"Value '{v}' at '{p}' failed to satisfy "
                                f"constraint: {why}" for p, v, why in errs))
        return params

    def _serve(self, req, op, call):
        if op == "?":
            raise _ApiError("UnknownOperation", f"No Route 53 operation matches "
                            f"{req.method} {req.raw_path}", 404)
        _, labels = match_operation(req.method, req.raw_path)
        params = self._parse(req, op, labels)
        call["params"] = params
        scripted = self._take_fail(op)
        if scripted:
            code, message, _, messages, status = scripted
            raise _ApiError(code, message, status, messages)
        if op not in SERVED:
            raise _ApiError("InvalidInput", f"this fake Route 53 serves only "
                            f"{', '.join(SERVED)}; {op} is outside its scope")
        with self.lock:
            payload = getattr(self, "_op_" + op)(params, call)
        return Response(200, serialize_output(op, payload),
                        content_type="text/xml")

    def _take_fail(self, op):
        with self.lock:
            return take_queued(self._fails, op, 2)

    # --- operations -------------------------------------------------------
    def _zone(self, zid):
        z = self.zones.get(zid)
        if z is None:
            raise _ApiError("NoSuchHostedZone", f"No hosted zone found with ID: {zid}")
        return z

    def _zone_out(self, zid, z):
        out = {k: copy.deepcopy(v) for k, v in z.items() if not k.startswith("_")}
        out["Name"] = escape_name(z["Name"])
        out["ResourceRecordSetCount"] = len(z["_records"])
        return out

    def _op_ListHostedZonesByName(self, p, call):
        dns = p.get("DNSName")
        hzid = p.get("HostedZoneId")
        if hzid is not None and dns is None:
            raise _ApiError("InvalidInput", "The hosted zone ID can only be "
                            "specified together with a DNS name.")
        maxitems, n = _page_size(p, 100)

        def rank(kv):
            return sort_key(kv[1]["Name"]), kv[0]
        order = sorted(self.zones.items(), key=rank)
        start = 0
        if dns is not None:
            d = norm(dns)
            if d != "." and not DOMAIN_RE.fullmatch(d):
                raise _ApiError("InvalidDomainName", f"{dns} is not a valid "
                                "domain name.")
            start = _first_from(order, rank, (sort_key(d), hzid or ""))
        page = order[start:start + n]
        out = {"HostedZones": [self._zone_out(zid, z) for zid, z in page],
               "IsTruncated": start + n < len(order), "MaxItems": maxitems}
        if dns is not None:
            out["DNSName"] = dns
        if hzid is not None:
            out["HostedZoneId"] = hzid
        if out["IsTruncated"]:
            nz, nzone = order[start + n]
            out["NextDNSName"] = escape_name(nzone["Name"])
            out["NextHostedZoneId"] = nz
        return out

    def _op_ChangeResourceRecordSets(self, p, call):
        zid = p["HostedZoneId"]
        z = self._zone(zid)
        batch = p["ChangeBatch"]
        recs = dict(z["_records"])  # transactional: applied at the end
        msgs, seen = [], set()
        for ch in batch["Changes"]:
            action, rrs = ch["Action"], ch["ResourceRecordSet"]
            name, type_ = norm(rrs["Name"]), rrs["Type"]
            label = f"[name='{name}', type='{type_}']"
            if (name, type_) in seen:
                # The wildcard + apex complaint (aws-route53.md §6).
                msgs.append("The request contains an invalid set of changes for "
                            f"a resource record set '{type_} {name}'")
                continue
            seen.add((name, type_))
            has_rr = "ResourceRecords" in rrs
            if "AliasTarget" in rrs or not has_rr or "TTL" not in rrs:
                raise _ApiError("InvalidInput", "Invalid request: Expected exactly "
                                "one of [AliasTarget, all of [TTL, and "
                                "ResourceRecords]], but found none in Change with "
                                f"[Action={action}, Name={rrs['Name']}, "
                                f"Type={type_}, SetIdentifier=null]")
            if not in_zone(name, z["Name"]):
                msgs.append(f"RRSet with DNS name {name} is not permitted in zone "
                            f"{z['Name']}")
                continue
            new = {"Name": name, "Type": type_, "TTL": rrs["TTL"],
                   "ResourceRecords": [dict(r) for r in rrs["ResourceRecords"]]}
            cur = recs.get((name, type_))
            if action == "DELETE":
                if cur is None:
                    msgs.append(f"Tried to delete resource record set {label} but "
                                "it was not found")
                elif (cur["TTL"], sorted(v["Value"] for v in cur["ResourceRecords"])) \
                        != (new["TTL"], sorted(v["Value"] for v in new["ResourceRecords"])):
                    msgs.append(f"Tried to delete resource record set {label} but "
                                "the values provided do not match the current values")
                else:
                    del recs[(name, type_)]
                continue
            if action == "CREATE" and cur is not None:
                msgs.append(f"Tried to create resource record set {label} but it "
                            "already exists")
                continue
            if type_ == "CNAME":
                if name == z["Name"]:
                    msgs.append(f"RRSet of type CNAME with DNS name {name} is not "
                                f"permitted at apex in zone {z['Name']}")
                    continue
                if len(new["ResourceRecords"]) != 1:
                    msgs.append(f"RRSet of type CNAME with DNS name {name} must "
                                "have exactly one value")
                    continue
            others = [t for (n2, t) in recs if n2 == name and t != type_]
            if others and (type_ == "CNAME" or "CNAME" in others):
                msgs.append(f"RRSet of type {type_} with DNS name {name} is not "
                            "permitted because a conflicting RRSet of type "
                            f"{others[0]} with the same DNS name already exists "
                            f"in zone {z['Name']}")
                continue
            recs[(name, type_)] = new
        if msgs:
            raise _ApiError("InvalidChangeBatch", msgs[0], messages=msgs)
        z["_records"] = recs
        cid = self._new_id("C")
        now = time.time()
        info = {"Id": "/change/" + cid, "Status": "PENDING", "SubmittedAt": now}
        if batch.get("Comment") is not None:
            info["Comment"] = batch["Comment"]
        self.changes[cid] = dict(info, _polls=0, _zone=zid, _changes=copy.deepcopy(
            batch["Changes"]))
        call["change_id"] = cid
        call["zone"] = zid
        return {"ChangeInfo": info}

    def _op_GetHostedZone(self, p, call):
        zid = p["Id"].rsplit("/", 1)[-1]
        z = self._zone(zid)
        out = {"HostedZone": self._zone_out(zid, z)}
        if z["Config"]["PrivateZone"]:
            out["VPCs"] = [{"VPCRegion": "eu-west-1", "VPCId": "vpc-0e2e0e2e0e2e0e2e0"}]
        else:
            out["DelegationSet"] = {"NameServers": [
                r["Value"] for r in z["_records"][(z["Name"], "NS")]["ResourceRecords"]]}
        return out

    def _op_GetChange(self, p, call):
        c = self.changes.get(p["Id"])
        if c is None:
            raise _ApiError("NoSuchChange", "A change with the specified change ID "
                            f"does not exist: {p['Id']}")
        c["_polls"] += 1
        if c["Status"] == "PENDING" and (
                c["_polls"] > self.insync_after
                or (self.insync_seconds is not None
                    and time.time() - c["SubmittedAt"] >= self.insync_seconds)):
            c["Status"] = "INSYNC"
        return {"ChangeInfo": {k: v for k, v in c.items() if not k.startswith("_")}}

    def _op_ListResourceRecordSets(self, p, call):
        z = self._zone(p["HostedZoneId"])
        if "StartRecordType" in p and "StartRecordName" not in p:
            raise _ApiError("InvalidInput", "The record type can only be "
                            "specified together with a record name.")
        maxitems, n = _page_size(p, 300)

        def rank(r):
            return sort_key(r["Name"]), r["Type"]
        order = sorted(z["_records"].values(), key=rank)
        start = 0
        if "StartRecordName" in p:
            start = _first_from(order, rank, (sort_key(p["StartRecordName"]),
                                              p.get("StartRecordType", "")))
        page = order[start:start + n]
        out = {"ResourceRecordSets": [dict(copy.deepcopy(r),
                                           Name=escape_name(r["Name"]))
                                      for r in page],
               "IsTruncated": start + n < len(order), "MaxItems": maxitems}
        if out["IsTruncated"]:
            nxt = order[start + n]
            out["NextRecordName"] = escape_name(nxt["Name"])
            out["NextRecordType"] = nxt["Type"]
        return out


def _min_errors(value, shape, path, out):
    meta = shape.metadata
    t = shape.type_name
    if t == "structure":
        for k, v in value.items():
            if k in shape.members:
                sub = f"{path}.{k[:1].lower() + k[1:]}" if path else k[:1].lower() + k[1:]
                _min_errors(v, shape.members[k], sub, out)
    elif t == "list":
        for i, v in enumerate(value, 1):
            _min_errors(v, shape.member, f"{path}.{i}.member", out)
    elif t == "string":
        if "min" in meta and len(value) < meta["min"]:
            out.append((path, value, "Member must have length greater than or "
                                     f"equal to {meta['min']}"))
    elif t in ("integer", "long"):
        if "min" in meta and value < meta["min"]:
            out.append((path, value, "Member must have value greater than or "
                                     f"equal to {meta['min']}"))


def main(argv=None):
    ap = argparse.ArgumentParser(description="Fake Route 53 for manual tests.")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--zone", action="append", default=[],
                    help="public zone name (repeatable); private:NAME for private")
    ap.add_argument("--access-key", default=DEFAULT_ACCESS_KEY)
    ap.add_argument("--secret-key", default=DEFAULT_SECRET_KEY)
    ap.add_argument("--session-token")
    a = ap.parse_args(argv)
    tls = (a.tls_cert, a.tls_key) if a.tls_cert else None
    fake = FakeRoute53(tls=tls, port=a.port, credentials={
        a.access_key: (a.secret_key, a.session_token)})
    for z in a.zone:
        priv = z.startswith("private:")
        zid = fake.add_zone(z[8:] if priv else z, private=priv)
        print(f"zone {zid} {z}", file=sys.stderr)
    serve_standalone(fake)


if __name__ == "__main__":
    main()
