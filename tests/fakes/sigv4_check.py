"""The SigV4 check every fake AWS service makes, by botocore (never by our
own signer, so the fakes cannot share its bugs): what signature the
client should have sent for the headers it says it signed, at the time
it says it signed them."""

import hashlib

import botocore.auth
import botocore.awsrequest
import botocore.credentials


class _VerifyingSigner(botocore.auth.SigV4Auth):
    """botocore's SigV4 with two changes for verifying, not signing: the
    timestamp is the client's X-Amz-Date (not the clock), and the headers
    signed are exactly those the client listed (botocore would drop
    User-Agent and Expect, which a client may legitimately sign)."""

    def __init__(self, credentials, service, region, signed):
        super().__init__(credentials, service, region)
        self._signed = signed

    def headers_to_sign(self, request):
        hm = botocore.awsrequest.HTTPHeaders()
        for name, value in request.headers.items():
            if name.lower() in self._signed:
                hm[name.lower()] = value
        return hm


def expected(req, signed, akid, secret, token, service, region, amz_date):
    """For the fakes' Request req whose Authorization lists signed (lower
    case names): (signature, SignedHeaders, canonical request, string to
    sign) as botocore computes them."""
    areq = botocore.awsrequest.AWSRequest(
        method=req.method, url=f"{req.scheme}://{req.header('Host')}"
        f"{req.target}", data=req.body)
    for k, v in req.header_items:
        if k.lower() in signed:
            areq.headers[k] = v
    signer = _VerifyingSigner(
        botocore.credentials.Credentials(akid, secret, token), service,
        region, set(signed))
    areq.context["timestamp"] = amz_date
    cr = signer.canonical_request(areq)
    sts = signer.string_to_sign(areq, cr)
    return (signer.signature(sts, areq),
            signer.signed_headers(signer.headers_to_sign(areq)), cr, sts)


def auth_parts(auth):
    """A SigV4 Authorization header's parts ({"Credential": ...,
    "SignedHeaders": ..., "Signature": ...}, as sent), or None when it
    is not AWS4-HMAC-SHA256."""
    alg = "AWS4-HMAC-SHA256 "
    if not auth.startswith(alg):
        return None
    return dict(p.strip().partition("=")[::2] for p in auth[len(alg):].split(","))


def header_problem(req, signed, required=()):
    """Why req's headers break SigV4 as the JSON services enforce it, as
    (HTTP status, error code, message), or None: one that must be signed
    is not (host, x-amz-date, the service's `required`, and every
    x-amz-* header sent: IAM-SIG), one listed as signed was not sent, or
    X-Amz-Content-SHA256 is not the body's digest."""
    need = ["host", "x-amz-date", *required] + [
        k.lower() for k, _ in req.header_items
        if k.lower().startswith("x-amz-")]
    for n in need:
        if n not in signed:
            return (400, "IncompleteSignatureException",
                    f"'{n}' must be a 'SignedHeader' in the AWS "
                    "Authorization.")
    for n in signed:
        if not req.header_all(n):
            return (403, "InvalidSignatureException",
                    f"Header '{n}' is listed in SignedHeaders but was not "
                    "sent.")
    sha = req.header("X-Amz-Content-SHA256")
    if sha is not None and sha != hashlib.sha256(req.body).hexdigest():
        return (400, "InvalidSignatureException",
                "The provided 'x-amz-content-sha256' header does not match "
                "what was computed.")
    return None


def mismatch_message(cr, sts=None):
    """The services' words for a signature that is not botocore's, with
    the canonical request and (sts not None) the string to sign it should
    have had; STS names the canonical request only."""
    out = ("The request signature we calculated does not match the "
           "signature you provided. Check your AWS Secret Access Key and "
           "signing method. Consult the service documentation for details."
           f"\n\nThe Canonical String for this request should have been\n"
           f"'{cr}'\n")
    if sts is not None:
        out += f"\nThe String-to-Sign should have been\n'{sts}'\n"
    return out
