#!/usr/bin/python3
"""Proves the fake Route 53 speaks real Route 53: the real AWS CLI
(Debian's awscli, /usr/bin/aws) drives it over HTTPS with the test CA
(list-hosted-zones-by-name, change-resource-record-sets, get-change,
list-resource-record-sets), and raw botocore-signed requests probe what
the CLI would never send (wrong region or secret, elements out of order,
wrong namespace, unknown query parameters). The fake ACM's issuance
through the fake Route 53's records is checked at the end."""

import json
import os
import sys
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

import botocore.auth  # noqa: E402
import botocore.awsrequest  # noqa: E402
import botocore.credentials  # noqa: E402

from tests.fakes.fake_route53 import (DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY,  # noqa: E402
                                      NS, FakeRoute53)
from tests.fakes.fake_acm import FakeACM  # noqa: E402
from tests.fakes import awscli  # noqa: E402
from tests.lib.tap import Tap  # noqa: E402

T = Tap()
TOKEN_KEY, TOKEN_SECRET, TOKEN = ("ASIAFAKETEMPORARY053", "tempSecret/r53+def",
                                  "FwoGZXIvYXdzEFAKE//r53token+with/slashes==")


class Cli(awscli.Cli):
    # The CLI signs a custom endpoint with its client region (botocore
    # 1.29), so the region here is us-east-1, the global endpoint's.
    service = "route53"
    default_key, default_secret = DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY


def signed(url, method, path, body=b"", ca=None, key=DEFAULT_ACCESS_KEY,
           secret=DEFAULT_SECRET_KEY, region="us-east-1", service="route53"):
    """A botocore-signed request; returns (status, body bytes)."""
    areq = botocore.awsrequest.AWSRequest(method, url + path, data=body)
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(key, secret),
                            service, region).add_auth(areq)
    status, data, _ = awscli.send(url, method, path, body,
                                  dict(areq.headers.items()), ca)
    return status, data


def batch(*changes, comment=None):
    """The CLI's --change-batch JSON. botocore's rest-xml serializer
    writes members in the order of this dict, not the model's, so
    Comment goes first as in the model (ChangeBatch: Comment, Changes)."""
    b = {} if comment is None else {"Comment": comment}
    b["Changes"] = [{"Action": a, "ResourceRecordSet": {
        "Name": n, "Type": t, "TTL": ttl, "ResourceRecords": [{"Value": v}]}}
        for a, n, t, v, ttl in changes]
    return json.dumps(b)


def xml_batch(*changes):
    """A ChangeResourceRecordSetsRequest body of CNAME changes, TTL 300."""
    cs = "".join(
        f"<Change><Action>{a}</Action><ResourceRecordSet><Name>{n}</Name><Type>CNAME"
        f"</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>{v}</Value>"
        f"</ResourceRecord></ResourceRecords></ResourceRecordSet></Change>"
        for a, n, v in changes)
    return (f'<ChangeResourceRecordSetsRequest xmlns="{NS}"><ChangeBatch><Changes>{cs}'
            '</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>').encode()


def last(r53, op):
    c = r53.calls_of(op)
    return c[-1] if c else {}


def test_list(r53, cli, z):
    rc, out, err = cli("list-hosted-zones-by-name", "--no-paginate")
    T.eq(rc, 0, "list-hosted-zones-by-name succeeds") or print("# " + err)
    names = [(h["Name"], h["Config"]["PrivateZone"]) for h in (out or {}).get("HostedZones", [])]
    want = ["example.com.", "example.com.", "a.example.com.", "dev.example.com.",
            "example.net.", "example.org."]
    T.eq([n for n, _ in names], want,
         "exact order: com.example. < com.example.a. < com.example.dev. < net... < org...")
    T.eq(sorted(p for n, p in names if n == "example.com."), [False, True],
         "a public and a private example.com, told apart by Config.PrivateZone")
    T.ok(all(h["Id"].startswith("/hostedzone/Z") for h in out["HostedZones"]),
         "zone ids come with the /hostedzone/ prefix", out["HostedZones"][0]["Id"])
    c = last(r53, "ListHostedZonesByName")
    T.ok(c.get("signature_ok") and c.get("region") == "us-east-1"
         and c.get("path") == "/2013-04-01/hostedzonesbyname",
         "fake verified the CLI's signature (route53/us-east-1) on the model's URI", c)

    rc, out, err = cli("list-hosted-zones-by-name", "--dns-name", "dev.example.com",
                       "--no-paginate")
    T.eq([h["Name"] for h in out["HostedZones"]][:3],
         ["dev.example.com.", "example.net.", "example.org."],
         "dnsname is where the listing starts, not a filter")
    T.eq(out.get("DNSName"), "dev.example.com", "DNSName echoes the request")
    T.eq(last(r53, "ListHostedZonesByName").get("query"), "dnsname=dev.example.com",
         "query parameter named dnsname, as the model's locationName")
    rc, out, err = cli("list-hosted-zones-by-name", "--dns-name", "b.example.com",
                       "--no-paginate")
    T.eq(out["HostedZones"][0]["Name"], "dev.example.com.",
         "a name without a zone starts at the next zone in order (check Name!)")

    # Page size goes through the API's MaxItems (the CLI's --max-items
    # is its own paginator knob).
    rc, out, err = Cli(cli.url, cli.env.get("AWS_CA_BUNDLE"))(
        "list-hosted-zones-by-name", "--dns-name", "example.com", "--no-paginate",
        "--cli-input-json", json.dumps({"MaxItems": "1"}))
    T.ok(rc == 0 and len(out["HostedZones"]) == 1 and out["IsTruncated"] is True
         and out["MaxItems"] == "1" and out["NextDNSName"] == "example.com."
         and out["NextHostedZoneId"] != out["HostedZones"][0]["Id"].split("/")[-1],
         "MaxItems=1: one zone, IsTruncated, NextDNSName/NextHostedZoneId name the "
         "second example.com", out)
    rc, out2, err = Cli(cli.url, cli.env.get("AWS_CA_BUNDLE"))(
        "list-hosted-zones-by-name", "--no-paginate", "--cli-input-json", json.dumps(
            {"DNSName": out["NextDNSName"], "HostedZoneId": out["NextHostedZoneId"],
             "MaxItems": "1"}))
    T.ok(rc == 0 and out2["HostedZones"][0]["Id"] == "/hostedzone/" + out["NextHostedZoneId"]
         and out2["HostedZoneId"] == out["NextHostedZoneId"]
         and out2["NextDNSName"] == "a.example.com.",
         "the next page starts at NextDNSName + NextHostedZoneId", out2)
    q = urllib.parse.parse_qs(last(r53, "ListHostedZonesByName")["query"])
    T.eq(q, {"dnsname": ["example.com."], "hostedzoneid": [out["NextHostedZoneId"]],
             "maxitems": ["1"]}, "the CLI's query: dnsname, hostedzoneid, maxitems")

    rc, out, err = cli("list-hosted-zones-by-name")  # the CLI paginates itself
    T.eq(len((out or {}).get("HostedZones", [])), 6, "CLI pagination sees all six zones")
    ca = cli.env.get("AWS_CA_BUNDLE")
    s, b = signed(cli.url, "GET", "/2013-04-01/hostedzonesbyname?hostedzoneid=" + z["pub"],
                  ca=ca)
    T.ok(s == 400 and b"<Code>InvalidInput</Code>" in b,
         "hostedzoneid without dnsname is InvalidInput", b.decode())
    s, b = signed(cli.url, "GET", "/2013-04-01/hostedzonesbyname?dnsname=bad..name", ca=ca)
    T.ok(s == 400 and b"<Code>InvalidDomainName</Code>" in b,
         "a bad dnsname is InvalidDomainName", b.decode())


def test_get_zone(r53, cli, z):
    """GetHostedZone as the AWS CLI reads it (issue 16, defect 20)."""
    rc, out, err = cli("get-hosted-zone", "--id", z["priv"])
    T.eq(rc, 0, "get-hosted-zone succeeds") or print("# " + err)
    hz = (out or {}).get("HostedZone", {})
    T.ok(hz.get("Id") == "/hostedzone/" + z["priv"] and hz.get("Name") == "example.com."
         and hz.get("Config", {}).get("PrivateZone") is True and out.get("VPCs"),
         "a private zone: PrivateZone true, with its VPCs", out)
    rc, out, err = cli("get-hosted-zone", "--id", "/hostedzone/" + z["pub"])
    T.ok(rc == 0 and out["HostedZone"]["Config"]["PrivateZone"] is False
         and len(out.get("DelegationSet", {}).get("NameServers", [])) == 4,
         "a public zone (id with its prefix): PrivateZone false, its name servers", out)
    rc, out, err = cli("get-hosted-zone", "--id", "Z0NOSUCHZONE")
    T.ok(rc != 0 and "NoSuchHostedZone" in err, "an unknown zone: NoSuchHostedZone", err)


def test_change(r53, cli, z):
    name = "_3639ac514e785e898d2646601fa951d5.example.com."
    value = "_98d2646601fa951d53639ac514e785e8.mhbtsbpdnt.acm-validations.aws."
    rc, out, err = cli("change-resource-record-sets", "--hosted-zone-id",
                       "/hostedzone/" + z["pub"], "--change-batch",
                       batch(("UPSERT", name, "CNAME", value, 300), comment="port-acm"))
    T.eq(rc, 0, "change-resource-record-sets UPSERT succeeds") or print("# " + err)
    info = (out or {}).get("ChangeInfo", {})
    T.ok(info.get("Id", "").startswith("/change/C") and info.get("Status") == "PENDING"
         and info.get("Comment") == "port-acm" and info.get("SubmittedAt"),
         "ChangeInfo: /change/ id, PENDING, SubmittedAt, Comment", info)
    c = last(r53, "ChangeResourceRecordSets")
    T.eq(c.get("path"), f"/2013-04-01/hostedzone/{z['pub']}/rrset/",
         "URI: /hostedzone/ prefix stripped, trailing slash")
    want = (f'<ChangeResourceRecordSetsRequest xmlns="{NS}"><ChangeBatch><Comment>'
            f'port-acm</Comment><Changes><Change><Action>UPSERT</Action>'
            f'<ResourceRecordSet><Name>{name}</Name><Type>CNAME</Type><TTL>300</TTL>'
            f'<ResourceRecords><ResourceRecord><Value>{value}</Value></ResourceRecord>'
            f'</ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch>'
            f'</ChangeResourceRecordSetsRequest>').encode()
    T.eq(c.get("raw_body"), want, "the body arrived byte for byte as aws-route53.md §3.2 "
         "shows (512 bytes)")
    T.eq(len(c.get("raw_body") or b""), 512, "... 512 bytes")
    T.eq(r53.record(z["pub"], name), {"Name": name, "Type": "CNAME", "TTL": 300,
                                       "ResourceRecords": [{"Value": value}]},
         "the fake stored the record in the public zone")
    T.eq(r53.record(z["priv"], name), None, "... and not in the private zone")
    cid = info["Id"]
    swapped = json.dumps({"Changes": json.loads(batch(("UPSERT", name, "CNAME", value, 300)))[
        "Changes"], "Comment": "late"})
    rc, _, err = cli("change-resource-record-sets", "--hosted-zone-id", z["pub"],
                     "--change-batch", swapped)
    T.ok(rc != 0 and "InvalidInput" in err and "out of order" in err,
         "the CLI writes Changes before Comment when the JSON says so; the fake "
         "holds it to the model's order", err)

    rc, g1, _ = cli("get-change", "--id", cid)
    rc2, g2, _ = cli("get-change", "--id", cid.split("/")[-1])
    T.eq((g1["ChangeInfo"]["Status"], g2["ChangeInfo"]["Status"]), ("PENDING", "INSYNC"),
         "get-change: PENDING, then INSYNC (insync_after=1)")
    T.eq(last(r53, "GetChange").get("path"), "/2013-04-01/change/" + cid.split("/")[-1],
         "GetChange URI without the /change/ prefix")
    rc, _, err = cli("get-change", "--id", "CNOSUCHCHANGE1")
    T.ok(rc != 0 and "NoSuchChange" in err and last(r53, "GetChange")["status"] == 404,
         "unknown change: NoSuchChange, HTTP 404", err)

    n0 = len(r53.calls_of("ChangeResourceRecordSets"))
    rc, out, err = cli("change-resource-record-sets", "--hosted-zone-id", z["pub"],
                       "--change-batch", batch(("UPSERT", name, "CNAME", value, 300)))
    T.ok(rc == 0 and len(r53.records(z["pub"], "CNAME")) == 1,
         "UPSERT again: harmless, still one record", err)
    rc, _, err = cli("change-resource-record-sets", "--hosted-zone-id", z["pub"],
                     "--change-batch", batch(("CREATE", name, "CNAME", value, 300)))
    T.ok(rc != 0 and "(InvalidChangeBatch)" in err and
         f"Tried to create resource record set [name='{name}', type='CNAME'] but it "
         "already exists" in err, "CREATE of an existing record: InvalidChangeBatch "
         "in the CLI's words", err)

    apex = "_aaaa1111bbbb2222cccc3333dddd4444.example.com."
    rc, _, err = cli("change-resource-record-sets", "--hosted-zone-id", z["pub"],
                     "--change-batch", batch(("UPSERT", apex, "CNAME", "_x.acm-validations.aws.", 300),
                                             ("UPSERT", apex, "CNAME", "_x.acm-validations.aws.", 300)))
    T.ok(rc != 0 and "(InvalidChangeBatch)" in err and
         f"The request contains an invalid set of changes for a resource record set "
         f"'CNAME {apex}'" in err,
         "the same record twice in one batch (wildcard + apex): InvalidChangeBatch", err)
    T.eq(r53.record(z["pub"], apex), None, "... and nothing of that batch was applied")
    ca = cli.env.get("AWS_CA_BUNDLE")
    path = f"/2013-04-01/hostedzone/{z['pub']}/rrset/"
    s, b = signed(cli.url, "POST", path, xml_batch(
        ("UPSERT", apex, "_x.acm-validations.aws."), ("UPSERT", "_y.example.org.", "_y.aws.")), ca)
    T.ok(s == 400 and b"is not permitted in zone example.com." in b
         and r53.record(z["pub"], apex) is None,
         "a name outside the zone fails the whole batch (transactional)", b.decode())
    s, b = signed(cli.url, "POST", path, xml_batch(("DELETE", name, "_other.aws.")), ca)
    T.ok(s == 400 and b"do not match the current values" in b,
         "DELETE with another value: InvalidChangeBatch", b.decode())
    rc, out, err = cli("list-resource-record-sets", "--hosted-zone-id", z["pub"],
                       "--start-record-name", name, "--start-record-type", "CNAME",
                       "--max-items", "1")
    T.ok(rc == 0 and out["ResourceRecordSets"][0]["Name"] == name
         and out["ResourceRecordSets"][0]["ResourceRecords"] == [{"Value": value}],
         "list-resource-record-sets reads the record back", out)
    rc, _, err = cli("change-resource-record-sets", "--hosted-zone-id", z["pub"],
                     "--change-batch", batch(("DELETE", name, "CNAME", value, 300)))
    T.ok(rc == 0 and r53.record(z["pub"], name) is None,
         "DELETE with the exact values removes it", err)
    s, b = signed(cli.url, "POST", "/2013-04-01/hostedzone/ZNOSUCHZONE/rrset/",
                  xml_batch(("UPSERT", name, value)), ca)
    T.ok(s == 404 and b"<Code>NoSuchHostedZone</Code>" in b,
         "unknown zone: NoSuchHostedZone, 404", b.decode())
    s, b = signed(cli.url, "POST", path, xml_batch(("UPSERT", "example.com.", value)), ca)
    T.ok(s == 400 and b"not permitted at apex" in b, "CNAME at the apex refused", b.decode())
    r53.put_record(z["pub"], "_w.example.com", "CAA", ['0 issue "letsencrypt.org"'])
    T.eq(r53.caa_values("x.y._w.example.com"), ['0 issue "letsencrypt.org"'],
         "CAA lookup climbs the tree")
    T.ok(len(r53.calls_of("ChangeResourceRecordSets")) > n0, "calls recorded")


def test_readiness_reads(r53, cli, z):
    """What sync's renewal readiness sends (issue 18): every zone from the
    start, 100 a page; then one ListResourceRecordSets per validation
    record, starting at its name and type, MaxItems 1 (the API's, not the
    CLI's paginator knob)."""
    api = Cli(cli.url, cli.env.get("AWS_CA_BUNDLE"))
    rc, out, err = api("list-hosted-zones-by-name", "--no-paginate",
                       "--cli-input-json", json.dumps({"MaxItems": "100"}))
    T.ok(rc == 0 and len(out["HostedZones"]) == 6 and out["IsTruncated"] is False
         and "DNSName" not in out, "MaxItems=100 without DNSName: every zone, one page",
         out if rc == 0 else err)
    T.eq(urllib.parse.parse_qs(last(r53, "ListHostedZonesByName")["query"]),
         {"maxitems": ["100"]}, "the query carries maxitems only")
    name, value = "_r1.ready.example.com.", "_v1.xyz.acm-validations.aws."
    r53.put_record(z["pub"], name, "CNAME", [value])
    r53.put_record(z["pub"], "_s9.ready.example.com.", "CNAME", ["_v9.acm-validations.aws."])

    def one(start):
        rc, out, err = api("list-resource-record-sets", "--hosted-zone-id", z["pub"],
                           "--no-paginate", "--cli-input-json", json.dumps(
                               {"StartRecordName": start, "StartRecordType": "CNAME",
                                "MaxItems": "1"}))
        T.eq(rc, 0, f"list-resource-record-sets from {start} succeeds") or print("# " + err)
        return out or {}
    out = one(name)
    T.ok([r["Name"] for r in out["ResourceRecordSets"]] == [name]
         and out["ResourceRecordSets"][0]["ResourceRecords"] == [{"Value": value}]
         and out["IsTruncated"] is True and out["MaxItems"] == "1",
         "the record itself, one item, truncated", out)
    q = urllib.parse.parse_qs(last(r53, "ListResourceRecordSets")["query"])
    T.eq(q, {"name": [name], "type": ["CNAME"], "maxitems": ["1"]},
         "the CLI's query: name, type, maxitems (what port-acm sends)")
    out = one("_gone.ready.example.com.")
    T.ok(out["ResourceRecordSets"] and
         out["ResourceRecordSets"][0]["Name"] != "_gone.ready.example.com.",
         "a missing record: the listing starts at the next one (check Name!)", out)
    rc, out, err = api("list-resource-record-sets", "--hosted-zone-id", z["net"],
                       "--no-paginate", "--cli-input-json", json.dumps(
                           {"StartRecordName": "_zz.example.net.",
                            "StartRecordType": "CNAME", "MaxItems": "1"}))
    T.ok(rc == 0 and out["ResourceRecordSets"] == [] and out["IsTruncated"] is False,
         "past the zone's last record: an empty list", out)
    ca = cli.env.get("AWS_CA_BUNDLE")
    s, b = signed(cli.url, "GET", f"/2013-04-01/hostedzone/{z['pub']}/rrset?type=CNAME",
                  ca=ca)
    T.ok(s == 400 and b"<Code>InvalidInput</Code>" in b,
         "a type without a name is InvalidInput", b.decode())
    s, b = signed(cli.url, "GET", f"/2013-04-01/hostedzone/{z['pub']}/rrset?name="
                  f"{name}&type=BOGUS&maxitems=1", ca=ca)
    T.ok(s == 400, "a type the model's enum lacks is refused", b.decode())
    s, b = signed(cli.url, "GET", "/2013-04-01/hostedzone/ZNOSUCHZONE/rrset?name="
                  f"{name}&type=CNAME&maxitems=1", ca=ca)
    T.ok(s == 404 and b"<Code>NoSuchHostedZone</Code>" in b,
         "an unknown zone: NoSuchHostedZone, 404", b.decode())


def test_injected(r53, cli, z):
    name = "_inj.example.com."
    r53.fail("ChangeResourceRecordSets", "Throttling")
    n0 = len(r53.calls_of("ChangeResourceRecordSets"))
    rc, out, err = cli("change-resource-record-sets", "--hosted-zone-id", z["pub"],
                       "--change-batch", batch(("UPSERT", name, "CNAME", "_v.aws.", 60)))
    calls = r53.calls_of("ChangeResourceRecordSets")[n0:]
    T.ok(rc == 0 and [c["error"] for c in calls] == ["Throttling", None]
         and calls[0]["status"] == 400,
         "injected Throttling (400): the CLI retries and succeeds", [c["error"] for c in calls])
    r53.fail("GetChange", "PriorRequestNotComplete")
    n0 = len(r53.calls_of("GetChange"))
    rc, out, err = cli("get-change", "--id", out["ChangeInfo"]["Id"])
    calls = r53.calls_of("GetChange")[n0:]
    T.ok(rc == 0 and [c["error"] for c in calls] == ["PriorRequestNotComplete", None],
         "injected PriorRequestNotComplete: botocore retries it as transient", err)
    r53.fail("ChangeResourceRecordSets", "InvalidChangeBatch",
             messages=["first problem", "second problem"])
    rc, _, err = cli("change-resource-record-sets", "--hosted-zone-id", z["pub"],
                     "--change-batch", batch(("UPSERT", name, "CNAME", "_v.aws.", 60)))
    T.ok(rc != 0 and "(InvalidChangeBatch)" in err and "[first problem, second problem]" in err,
         "injected InvalidChangeBatch with two messages, not retried",
         err)
    r53.fail("ListHostedZonesByName", "AccessDenied", count=1)
    rc, _, err = Cli(cli.url, cli.env.get("AWS_CA_BUNDLE"), attempts="1")(
        "list-hosted-zones-by-name")
    T.ok(rc != 0 and "(AccessDenied)" in err and "not authorized" in err,
         "injected AccessDenied (403)", err)
    r53.change_batch_error_form = "own-root"
    r53.fail("ChangeResourceRecordSets", "InvalidChangeBatch", messages=["own root"])
    rc, _, err = cli("change-resource-record-sets", "--hosted-zone-id", z["pub"],
                     "--change-batch", batch(("UPSERT", name, "CNAME", "_v.aws.", 60)))
    body = last(r53, "ChangeResourceRecordSets")
    T.ok(rc != 0 and "An error occurred () " in err,
         "own-root form (aws-route53.md §4 form 2): botocore's generic parser finds no "
         "code in it, which is why the generic form is the default", err)
    r53.change_batch_error_form = "generic"
    T.ok(body.get("messages") == ["own root"], "fake recorded the messages", body)


def test_cli_auth(r53, url, ca):
    s, b = signed(url, "GET", "/2013-04-01/change/C1", ca=ca, secret="wrong")
    T.ok(s == 403 and b"<Code>SignatureDoesNotMatch</Code>" in b, "wrong secret: refused",
         b.decode())
    rc, _, err = Cli(url, ca, region="eu-west-1")("get-change", "--id", "C1")
    T.ok(rc != 0 and "SignatureDoesNotMatch" in err and "eu-west-1" in err,
         "signed for eu-west-1 instead of us-east-1: refused", err)
    s, b = signed(url, "GET", "/2013-04-01/change/C1", ca=ca, key="AKIDUNKNOWN000000000")
    T.ok(s == 403 and b"InvalidClientTokenId" in b, "unknown key: refused", b.decode())
    r53.credentials[TOKEN_KEY] = (TOKEN_SECRET, TOKEN)
    rc, out, err = Cli(url, ca, key=TOKEN_KEY, secret=TOKEN_SECRET, token=TOKEN)(
        "list-hosted-zones-by-name", "--no-paginate")
    c = last(r53, "ListHostedZonesByName")
    T.ok(rc == 0 and "x-amz-security-token" in (c.get("signed_headers") or []),
         "temporary credentials: session token sent and signed", err)
    rc, _, err = Cli(url, ca, key=TOKEN_KEY, secret=TOKEN_SECRET)(
        "list-hosted-zones-by-name", "--no-paginate")
    T.ok(rc != 0 and "InvalidClientTokenId" in err, "... and required", err)


def test_raw(r53, url, ca, z):
    ok_body = (f'<ChangeResourceRecordSetsRequest xmlns="{NS}"><ChangeBatch><Changes>'
               '<Change><Action>UPSERT</Action><ResourceRecordSet><Name>_raw.example.com.'
               '</Name><Type>CNAME</Type><TTL>60</TTL><ResourceRecords><ResourceRecord>'
               '<Value>_v.aws.</Value></ResourceRecord></ResourceRecords>'
               '</ResourceRecordSet></Change></Changes></ChangeBatch>'
               '</ChangeResourceRecordSetsRequest>')
    path = f"/2013-04-01/hostedzone/{z['pub']}/rrset/"
    s, b = signed(url, "POST", path, ok_body.encode(), ca)
    T.ok(s == 200 and b"<Status>PENDING</Status>" in b and b.startswith(b"<?xml"),
         "raw botocore-signed POST without Content-Type is accepted", b.decode())
    swapped = ok_body.replace("<Type>CNAME</Type><TTL>60</TTL>", "<TTL>60</TTL><Type>CNAME</Type>")
    s, b = signed(url, "POST", path, swapped.encode(), ca)
    T.ok(s == 400 and b"<Code>InvalidInput</Code>" in b and b"out of order" in b
         and b"<ErrorResponse" in b and b"<RequestId>" in b,
         "TTL before Type: InvalidInput (element order), ErrorResponse shape", b.decode())
    s, b = signed(url, "POST", path, ok_body.replace(f' xmlns="{NS}"', "").encode(), ca)
    T.ok(s == 400 and b"InvalidInput" in b, "no namespace: InvalidInput", b.decode())
    s, b = signed(url, "POST", path, ok_body.replace(
        "<TTL>60</TTL>", "<TTL>60</TTL><Colour>red</Colour>").encode(), ca)
    T.ok(s == 400 and b"Colour" in b, "unknown element: InvalidInput", b.decode())
    s, b = signed(url, "POST", path, ok_body.replace("<TTL>60</TTL>", "<TTL>-1</TTL>").encode(), ca)
    T.ok(s == 400 and b"TTL" in b and b"0" in b, "TTL -1: range checked", b.decode())
    s, b = signed(url, "POST", path, ok_body.replace("UPSERT", "UPSURT").encode(), ca)
    T.ok(s == 400 and b"enum" in b, "Action outside the enum: InvalidInput", b.decode())
    s, b = signed(url, "POST", path, ok_body.replace("&", "").replace(
        "_v.aws.", "a & b").encode(), ca)
    T.ok(s == 400 and b"parse" in b, "unescaped & is not XML", b.decode())
    s, b = signed(url, "POST", path.rstrip("/"), ok_body.encode(), ca)
    T.ok(s == 404 and b"No Route 53 operation" in b,
         "POST .../rrset without the trailing slash matches no operation", b.decode())
    s, b = signed(url, "GET", "/2013-04-01/hostedzonesbyname?dnsname=example.com&colour=red",
                  b"", ca)
    T.ok(s == 400 and b"colour" in b, "unknown query parameter: InvalidInput", b.decode())
    s, b = signed(url, "GET", "/2013-04-01/hostedzonesbyname", b"", ca, service="acm")
    T.ok(s == 403 and b"route53" in b, "scoped to service acm: refused", b.decode())
    s, b = signed(url, "GET", "/2013-04-01/hostedzonecount", b"", ca)
    T.ok(s == 400 and b"GetHostedZoneCount is outside its scope" in b,
         "a modeled operation this fake does not serve is refused by name", b.decode())


def test_acm_shared_state(pki):
    """The fake ACM issues a DNS-validated certificate only once public DNS
    (the fake Route 53) has the right CNAME for every name."""
    r53 = FakeRoute53()
    acm = FakeACM(dns=r53)
    zid = r53.add_zone("example.com")
    priv = r53.add_zone("example.com", private=True)
    try:
        arn = acm.add_certificate("example.com", sans=["*.example.com", "www.example.com"],
                                  status="PENDING_VALIDATION")
        with acm.lock:
            c = acm.certs[arn]
            dvos = acm._dvos(c, True)
        recs = {d["ResourceRecord"]["Name"]: d["ResourceRecord"]["Value"] for d in dvos}
        T.eq(len(recs), 2, "apex and wildcard share one record: two distinct records")

        def describe():
            with acm.lock:
                acm._op_DescribeCertificate({"CertificateArn": arn}, "rid",
                                            {"region": acm.region})
                return acm.certs[arn]["Status"], [
                    d["ValidationStatus"] for d in acm._detail(acm.certs[arn])[
                        "DomainValidationOptions"]]
        T.eq(describe()[0], "PENDING_VALIDATION", "no records: pending")
        (n1, v1), (n2, v2) = sorted(recs.items())
        for zz in (priv,):
            r53.put_record(zz, n1, "CNAME", [v1])
            r53.put_record(zz, n2, "CNAME", [v2])
        T.eq(describe()[0], "PENDING_VALIDATION", "records in the private zone only: pending")
        r53.put_record(zid, n1, "CNAME", [v1])
        r53.put_record(zid, n2, "TXT", [v2])
        st, vs = describe()
        T.ok(st == "PENDING_VALIDATION" and "SUCCESS" in vs and "PENDING_VALIDATION" in vs,
             "one right, one of the wrong type: pending, per-name status shows progress",
             (st, vs))
        r53.zones[zid]["_records"].pop((n2, "TXT"))
        r53.put_record(zid, n2, "CNAME", [v2 + "x"])
        T.eq(describe()[0], "PENDING_VALIDATION", "wrong value: pending")
        r53.put_record(zid, "x" + n2, "CNAME", [v2])
        T.eq(describe()[0], "PENDING_VALIDATION", "wrong name: pending")
        r53.put_record(zid, n2, "CNAME", [v2])
        T.eq(describe(), ("ISSUED", ["SUCCESS"] * 3), "all right: ISSUED, every name SUCCESS")

        arn2 = acm.add_certificate("www.example.com", status="PENDING_VALIDATION")
        with acm.lock:
            d2 = acm._dvos(acm.certs[arn2], True)[0]["ResourceRecord"]
        T.eq((d2["Name"], d2["Value"]), (n2, v2) if n2.startswith("_") and
             n2.endswith("www.example.com.") else (n1, v1),
             "same account, same name: ACM hands out the same record again")
        r53.put_record(zid, "example.com", "CAA", ['0 issue "letsencrypt.org"'])
        arn3 = acm.add_certificate("new.example.com", status="PENDING_VALIDATION")
        with acm.lock:
            d3 = acm._dvos(acm.certs[arn3], True)[0]["ResourceRecord"]
        r53.put_record(zid, d3["Name"], "CNAME", [d3["Value"]])
        with acm.lock:
            acm._op_DescribeCertificate({"CertificateArn": arn3}, "rid", {"region": acm.region})
            c3 = acm.certs[arn3]
        T.eq((c3["Status"], c3["FailureReason"]), ("FAILED", "CAA_ERROR"),
             "a CAA record that allows only another CA: FAILED with CAA_ERROR")
    finally:
        r53.stop()
        acm.stop()


def main():
    awscli.require_cli(T)
    pki, tls = awscli.shared_pki()
    r53 = FakeRoute53(tls=tls)
    z = {"pub": r53.add_zone("example.com"),
         "priv": r53.add_zone("example.com", private=True),
         "dev": r53.add_zone("dev.example.com"),
         "a": r53.add_zone("a.example.com"),
         "net": r53.add_zone("example.net"),
         "org": r53.add_zone("example.org")}
    url = r53.start()
    cli = Cli(url, pki["ca"])
    try:
        T.run("list", test_list, r53, cli, z)
        T.run("get zone", test_get_zone, r53, cli, z)
        T.run("change", test_change, r53, cli, z)
        T.run("readiness reads", test_readiness_reads, r53, cli, z)
        T.run("injected", test_injected, r53, cli, z)
        T.run("cli auth", test_cli_auth, r53, url, pki["ca"])
        T.run("raw", test_raw, r53, url, pki["ca"], z)
        with r53.lock:
            bad = [c for c in r53.calls if not c["signature_ok"] and c["status"] not in (400, 403)]
        T.eq(bad, [], "no call failed its signature check unexpectedly")
        T.ok(r53.connections < len(r53.requests),
             "connections were reused (keep-alive)", (r53.connections, len(r53.requests)))
    finally:
        r53.stop()
    T.run("acm shared state", test_acm_shared_state, pki)
    T.done()


if __name__ == "__main__":
    main()
