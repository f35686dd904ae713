"""The SigV4 check every fake AWS service makes, by botocore (never by our
own signer, so the fakes cannot share its bugs): what signature the
client should have sent for the headers it says it signed, at the time
it says it signed them."""

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
