"""One endpoint in front of one fake per AWS account: requests go to the
fake of the account their access key belongs to (awsjson.Registry), the
way one regional AWS endpoint serves every account. port-acm has one
endpoint URL per service (AWS_ENDPOINT_URL_ACM), so a multi-account test
needs this to give each account its own certificates without changing
fake_acm.py:

    reg = Registry()
    acm_a = FakeACM(credentials=reg, account=A, region=("us-east-1",))
    acm_b = FakeACM(credentials=reg, account=B, region=("us-east-1",))
    acm = AccountRouter(reg, {A: acm_a, B: acm_b})   # only this one starts
    url = acm.start()

The backends are never started: the router hands each request (the
bytes that arrived, Host header included) to backend.handle(), so the
backend still verifies SigV4 with botocore and validates against its
model, and records the call in its own `calls`. Faults scripted on the
router (common.FakeServer.fault, routes named by the backend's
route_of) act on the wire before any backend sees the request.

A key the registry does not know, or an account without a backend, is
refused with the awsJson error the services send for an unknown key
(UnrecognizedClientException, 403); an unsigned request with
MissingAuthenticationTokenException.
"""

import json
import uuid

from .common import FakeServer, Response


def access_key_of(req):
    """The access key id in a SigV4 Authorization header, or None."""
    auth = req.header("Authorization") or ""
    if "Credential=" not in auth:
        return None
    return auth.split("Credential=", 1)[1].split("/", 1)[0].strip()


class AccountRouter(FakeServer):
    name = "fake-account-router"

    def __init__(self, registry, backends=None, **kw):
        super().__init__(**kw)
        self.registry = registry
        self.backends = dict(backends or {})
        self.calls = []   # {"account", "akid", "status", "op"}

    def add(self, account, backend):
        self.backends[account] = backend
        return backend

    def backend_for(self, req):
        akid = access_key_of(req)
        if akid is None or akid not in self.registry:
            return akid, None, None
        account = self.registry.account_of(akid)
        return akid, account, self.backends.get(account)

    def route_of(self, req):
        for b in self.backends.values():
            return b.route_of(req)
        return "*"

    def fault_body(self, status):
        for b in self.backends.values():
            return b.fault_body(status)
        return b"", []

    def truncate_template(self):
        for b in self.backends.values():
            return b.truncate_template()
        return super().truncate_template()

    def handle(self, req):
        akid, account, backend = self.backend_for(req)
        if backend is None:
            code, status = "UnrecognizedClientException", 403
            msg = "The security token included in the request is invalid."
            if akid is None:
                code = "MissingAuthenticationTokenException"
                msg = "Missing Authentication Token"
            resp = Response(status, json.dumps(
                {"__type": code, "message": msg}).encode(),
                [("x-amzn-RequestId", str(uuid.uuid4())),
                 ("Content-Type", "application/x-amz-json-1.1")])
        else:
            resp = backend.handle(req)
        with self.lock:
            self.calls.append({"account": account, "akid": akid,
                               "op": self.route_of(req),
                               "status": resp.status})
        return resp
