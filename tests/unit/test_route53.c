/*
 * test_route53: the pure parts of the Route 53 client: the change batch
 * body byte for byte (aws-route53.md §3.2, as botocore writes it),
 * escaping, name normalisation, and the answers' parsers.
 */
#include <stdio.h>
#include <string.h>

#include "aws/route53.h"
#include "tap.h"

static void
test_body(void)
{
	struct buf b = {0};
	struct route53_change ch = {"UPSERT",
	    "_3639ac514e785e898d2646601fa951d5.example.com.", "CNAME", 300,
	    "_98d2646601fa951d53639ac514e785e8.mhbtsbpdnt.acm-validations."
	    "aws."};
	const char *want =
	    "<ChangeResourceRecordSetsRequest "
	    "xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
	    "<ChangeBatch><Comment>port-acm</Comment><Changes><Change>"
	    "<Action>UPSERT</Action><ResourceRecordSet><Name>_"
	    "3639ac514e785e898d2646601fa951d5.example.com.</Name><Type>CNAME"
	    "</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>_"
	    "98d2646601fa951d53639ac514e785e8.mhbtsbpdnt.acm-validations.aws."
	    "</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>"
	    "</Change></Changes></ChangeBatch>"
	    "</ChangeResourceRecordSetsRequest>";

	ok(route53_change_xml(&b, "port-acm", &ch, 1) == 0, "body written");
	is_str(buf_str(&b), want, "body is the doc's 512 bytes, byte for byte");
	ok(b.len == 512, "512 bytes (got %zu)", b.len);
	buf_reset(&b);
	ch.value = "a<b>&\"c'";
	ok(route53_change_xml(&b, "x & <y>", &ch, 1) == 0 &&
	        strstr(buf_str(&b), "<Comment>x &amp; &lt;y&gt;</Comment>") &&
	        strstr(
	            buf_str(&b), "<Value>a&lt;b&gt;&amp;&quot;c&apos;</Value>"),
	    "comment and value are escaped");
	buf_reset(&b);
	ok(route53_change_xml(&b, NULL, &ch, 1) == 0 &&
	        strstr(buf_str(&b), "<Comment>") == NULL,
	    "no comment element without a comment");
	buf_reset(&b);
	ch.value = "bad\001";
	ok(route53_change_xml(&b, NULL, &ch, 1) != 0,
	    "a control character XML cannot carry is refused");
	buf_free(&b);
}

static void
test_norm(void)
{
	char out[256];

	ok(route53_name_norm("Example.COM", out, sizeof(out)) == 0, "norm ok");
	is_str(out, "example.com.", "lower case, trailing dot added");
	route53_name_norm("\\052.example.com.", out, sizeof(out));
	is_str(out, "*.example.com.", "\\052 decoded to *");
	route53_name_norm("a\\.b.com", out, sizeof(out));
	is_str(out, "a.b.com.", "\\. decoded");
	ok(route53_name_norm("", out, sizeof(out)) != 0, "empty refused");
	ok(route53_name_norm("example.com", out, 5) != 0, "too long refused");
}

static void
test_zones(void)
{
	/* aws-route53.md §3.1's answer, plus a private twin. */
	const char *xml =
	    "<?xml version=\"1.0\"?>\n<ListHostedZonesByNameResponse "
	    "xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
	    "<HostedZones><HostedZone><Id>/hostedzone/Z3M3LMPEXAMPLE</Id>"
	    "<Name>example.com.</Name><CallerReference>2014-10-01T11:22:33."
	    "000Z</CallerReference><Config><Comment>public</Comment>"
	    "<PrivateZone>false</PrivateZone></Config><ResourceRecordSetCount>"
	    "17</ResourceRecordSetCount></HostedZone><HostedZone><Id>"
	    "/hostedzone/ZPRIVATE1</Id><Name>example.com.</Name>"
	    "<CallerReference>x</CallerReference><Config><PrivateZone>true"
	    "</PrivateZone></Config></HostedZone></HostedZones><DNSName>"
	    "example.com</DNSName><IsTruncated>true</IsTruncated><NextDNSName>"
	    "example.net.</NextDNSName><NextHostedZoneId>Z1D633PJN98FT9"
	    "</NextHostedZoneId><MaxItems>2</MaxItems>"
	    "</ListHostedZonesByNameResponse>";
	struct route53_zone z[2];
	char nn[256], ni[40], why[256];
	size_t n;
	int tr;

	ok(route53_parse_zones(xml, strlen(xml), z, 2, &n, &tr, nn, sizeof(nn),
	       ni, sizeof(ni), why, sizeof(why)) == 0,
	    "zones parsed");
	ok(n == 2 && tr == 1, "two zones, truncated");
	is_str(z[0].id, "Z3M3LMPEXAMPLE", "id without /hostedzone/");
	is_str(z[0].name, "example.com.", "name");
	ok(!z[0].private_zone && z[1].private_zone, "PrivateZone read");
	is_str(nn, "example.net.", "NextDNSName");
	is_str(ni, "Z1D633PJN98FT9", "NextHostedZoneId");
	ok(route53_parse_zones(xml, strlen(xml), z, 1, &n, &tr, nn, sizeof(nn),
	       ni, sizeof(ni), why, sizeof(why)) != 0,
	    "more zones than room is an error");
	ok(route53_parse_zones("<x/>", 4, z, 2, &n, &tr, nn, sizeof(nn), ni,
	       sizeof(ni), why, sizeof(why)) != 0,
	    "another document is an error");
	ok(route53_parse_zones("<a", 2, z, 2, &n, &tr, nn, sizeof(nn), ni,
	       sizeof(ni), why, sizeof(why)) != 0,
	    "broken XML is an error");
}

static void
test_change_info(void)
{
	const char *xml =
	    "<?xml version=\"1.0\"?>\n<GetChangeResponse xmlns=\"https://"
	    "route53.amazonaws.com/doc/2013-04-01/\"><ChangeInfo><Comment>c"
	    "</Comment><Status>INSYNC</Status><Id>/change/C2682N5HXP0BZ4</Id>"
	    "<SubmittedAt>2017-02-10T01:36:41.958Z</SubmittedAt></ChangeInfo>"
	    "</GetChangeResponse>";
	struct route53_change_info ci;
	char why[256];

	ok(route53_parse_change_info(xml, strlen(xml), &ci, why, sizeof(why)) ==
	        0,
	    "ChangeInfo parsed in another member order");
	is_str(ci.id, "C2682N5HXP0BZ4", "id without /change/");
	is_str(ci.status, "INSYNC", "status");
	is_str(ci.submitted_at, "2017-02-10T01:36:41.958Z", "submitted at");
	xml = "<GetChangeResponse><ChangeInfo><Id>/change/C1</Id><Status>DONE"
	      "</Status></ChangeInfo></GetChangeResponse>";
	ok(route53_parse_change_info(xml, strlen(xml), &ci, why, sizeof(why)) !=
	        0,
	    "an unknown status is an error");
	xml = "<GetChangeResponse><ChangeInfo><Id>/change/C1%2F..</Id><Status>"
	      "INSYNC</Status></ChangeInfo></GetChangeResponse>";
	ok(route53_parse_change_info(xml, strlen(xml), &ci, why, sizeof(why)) !=
	        0,
	    "an id that could escape a URL path is refused");
}

/* defect 20: GetHostedZone tells a private zone apart. */
static void
test_get_zone(void)
{
	static const char priv[] =
	    "<?xml version=\"1.0\"?><GetHostedZoneResponse xmlns=\"https://"
	    "route53.amazonaws.com/doc/2013-04-01/\"><HostedZone><Id>/"
	    "hostedzone/Z0PRIV</Id><Name>Example.com.</Name><Config>"
	    "<PrivateZone>true</PrivateZone></Config></HostedZone><VPCs/>"
	    "</GetHostedZoneResponse>";
	static const char pub[] =
	    "<GetHostedZoneResponse><HostedZone><Id>/hostedzone/Z0PUB</Id>"
	    "<Name>example.com.</Name><Config><PrivateZone>false"
	    "</PrivateZone></Config></HostedZone></GetHostedZoneResponse>";
	struct route53_zone z;
	char why[128];

	ok(route53_parse_zone(priv, strlen(priv), &z, why, sizeof(why)) == 0 &&
	        z.private_zone && strcmp(z.id, "Z0PRIV") == 0 &&
	        strcmp(z.name, "example.com.") == 0,
	    "defect 20: a private zone is read as private");
	ok(route53_parse_zone(pub, strlen(pub), &z, why, sizeof(why)) == 0 &&
	        !z.private_zone && strcmp(z.id, "Z0PUB") == 0,
	    "a public one as public");
	ok(route53_parse_zone("<x/>", 4, &z, why, sizeof(why)) == -1,
	    "another answer is refused");
}

/* The delegation set the validation doctor compares with public DNS. */
static void
test_zone_ns(void)
{
	static const char xml[] =
	    "<GetHostedZoneResponse><HostedZone><Id>/hostedzone/Z0PUB</Id>"
	    "<Name>example.com.</Name><Config><PrivateZone>false"
	    "</PrivateZone></Config></HostedZone><DelegationSet>"
	    "<NameServers><NameServer>NS-2048.awsdns-64.com</NameServer>"
	    "<NameServer>ns-1.awsdns-01.net.</NameServer><NameServer>"
	    "</NameServer></NameServers></DelegationSet>"
	    "</GetHostedZoneResponse>";
	struct route53_zone z;
	struct route53_ns ns;
	struct buf many = {0};
	char why[128];
	int i;

	ok(route53_parse_zone_ns(xml, strlen(xml), &z, &ns, why, sizeof(why)) ==
	            0 &&
	        ns.n == 2 && strcmp(ns.ns[0], "ns-2048.awsdns-64.com") == 0 &&
	        strcmp(ns.ns[1], "ns-1.awsdns-01.net") == 0 && !ns.cut,
	    "the delegation set: lower case, no trailing dot, empty skipped");
	buf_puts(&many,
	    "<GetHostedZoneResponse><HostedZone><Id>Z1</Id><Name>"
	    "a.com.</Name></HostedZone><DelegationSet><NameServers>");
	for (i = 0; i < ROUTE53_MAX_NS + 3; i++)
		buf_printf(&many, "<NameServer>ns%d.a.net</NameServer>", i);
	buf_puts(
	    &many, "</NameServers></DelegationSet></GetHostedZoneResponse>");
	ok(route53_parse_zone_ns(
	       many.data, many.len, &z, &ns, why, sizeof(why)) == 0 &&
	        ns.n == ROUTE53_MAX_NS && ns.cut,
	    "at most ROUTE53_MAX_NS kept, the rest marked cut");
	ok(route53_parse_zone_ns("<x/>", 4, &z, &ns, why, sizeof(why)) == -1 &&
	        ns.n == 0,
	    "another answer is refused, ns left empty");
	buf_free(&many);
}

int
main(void)
{
	test_body();
	test_get_zone();
	test_zone_ns();
	test_norm();
	test_zones();
	test_change_info();
	return done_testing();
}
