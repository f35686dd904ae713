/* Unit tests for ops/doctor.c's pure parts: CAA issuer matching, which
 * CAA record set blocks Amazon, and the diagnosis itself, on DNS
 * answers served from a table (no network). */
#include <stdio.h>
#include <string.h>

#include "ops/doctor.h"
#include "tap.h"

/* One scripted answer: name and type, what comes back. */
struct row {
	const char *name;
	enum dns_type type;
	enum dns_status status;
	const char *values[4]; /* names, or CAA "flags tag value" */
};

struct table {
	const struct row *rows;
	size_t n;
	unsigned asked;
	char log[2048];
};

static enum dns_status
lookup(void *ctx, const char *name, enum dns_type type, struct dns_answer *out)
{
	struct table *t = ctx;
	size_t i, j;

	t->asked++;
	snprintf(t->log + strlen(t->log), sizeof(t->log) - strlen(t->log),
	    "%s/%d ", name, (int)type);
	memset(out, 0, sizeof(*out));
	out->status = DNS_NONE;
	for (i = 0; i < t->n; i++) {
		const struct row *r = &t->rows[i];

		if (strcmp(r->name, name) != 0 || r->type != type)
			continue;
		out->status = r->status;
		if (r->status == DNS_ERROR)
			snprintf(out->why, sizeof(out->why),
			    "Timeout while contacting DNS servers");
		for (j = 0; j < 4 && r->values[j]; j++) {
			if (type == DNS_CAA) {
				struct dns_caa *c = &out->caa[j];
				char tag[16];
				int flags = 0, used = 0;

				sscanf(r->values[j], "%d %15s %n", &flags, tag,
				    &used);
				c->critical = flags >= 128;
				snprintf(c->tag, sizeof(c->tag), "%s", tag);
				snprintf(c->value, sizeof(c->value), "%s",
				    r->values[j] + used);
			} else
				snprintf(out->names[j], sizeof(out->names[j]),
				    "%s", r->values[j]);
			out->n++;
		}
	}
	return out->status;
}

static struct buf out; /* the last diagnosis */

#define NAME  "_abc.app.example.com."
#define VALUE "_def.xyz.acm-validations.aws."

static void
cert_init(struct acm_certificate *c, struct acm_validation *v, size_t n,
    const char *status)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->arn, "arn:aws:acm:eu-west-1:123456789012:certificate/x");
	strcpy(c->domain, "app.example.com");
	strcpy(c->status, status);
	strcpy(c->type, "AMAZON_ISSUED");
	c->validations = v;
	c->nvalidations = n;
}

static void
val_init(struct acm_validation *v, const char *domain, const char *name)
{
	memset(v, 0, sizeof(*v));
	strcpy(v->domain, domain);
	strcpy(v->method, "DNS");
	strcpy(v->record_name, name);
	strcpy(v->record_type, "CNAME");
	strcpy(v->record_value, VALUE);
}

/* The diagnosis of one certificate against rows; returns the text. */
static const char *
run(const struct acm_certificate *c, const struct row *rows, size_t n,
    const struct doctor_zone *z, size_t nz, struct doctor_result *r,
    struct table *t)
{
	struct doctor_dns d = {lookup, t};

	memset(t, 0, sizeof(*t));
	t->rows = rows;
	t->n = n;
	buf_reset(&out);
	doctor_diagnose(c, z, nz, &d, &out, r);
	return buf_str(&out);
}

static void
test_caa(void)
{
	struct dns_answer a;
	char why[256];

	ok(doctor_caa_amazon("amazon.com") &&
	        doctor_caa_amazon(
	            " AmazonTrust.com ; cansignhttpexchanges=no") &&
	        doctor_caa_amazon("awstrust.com;") &&
	        doctor_caa_amazon("amazonaws.com"),
	    "Amazon's four issuer domains, any case, parameters ignored");
	ok(!doctor_caa_amazon("letsencrypt.org") && !doctor_caa_amazon(";") &&
	        !doctor_caa_amazon("") && !doctor_caa_amazon("amazon.com.evil"),
	    "others, an empty issuer (\";\": nobody) and look-alikes do not");

	memset(&a, 0, sizeof(a));
	a.n = 2;
	strcpy(a.caa[0].tag, "issue");
	strcpy(a.caa[0].value, "letsencrypt.org");
	strcpy(a.caa[1].tag, "iodef");
	strcpy(a.caa[1].value, "mailto:x@example.com");
	ok(!doctor_caa_allows(&a, 0, why, sizeof(why)) &&
	        strcmp(why, "0 issue \"letsencrypt.org\"") == 0,
	    "issue letsencrypt.org blocks, and says which record: %s", why);
	strcpy(a.caa[1].tag, "issue");
	strcpy(a.caa[1].value, "amazon.com");
	ok(doctor_caa_allows(&a, 0, why, sizeof(why)),
	    "one issue amazon.com among others allows");
	strcpy(a.caa[0].tag, "issuewild");
	strcpy(a.caa[0].value, ";");
	ok(!doctor_caa_allows(&a, 1, why, sizeof(why)) &&
	        strstr(why, "issuewild") != NULL,
	    "a wildcard: issuewild wins over issue (RFC 8659 §4.3)");
	ok(doctor_caa_allows(&a, 0, why, sizeof(why)),
	    "... and a plain name ignores issuewild");
	a.n = 1;
	strcpy(a.caa[0].tag, "iodef");
	ok(doctor_caa_allows(&a, 0, why, sizeof(why)),
	    "a set with no issue property restricts nobody");
	a.caa[0].critical = 1;
	strcpy(a.caa[0].tag, "future");
	ok(!doctor_caa_allows(&a, 0, why, sizeof(why)) &&
	        strstr(why, "critical") != NULL,
	    "an unknown critical property blocks every CA");
	a.caa[0].critical = 0;
	strcpy(a.caa[0].tag, "issue");
	strcpy(a.caa[0].value, "x`y<z|w");
	ok(!doctor_caa_allows(&a, 0, why, sizeof(why)) &&
	        strchr(why, '`') == NULL && strchr(why, '<') == NULL,
	    "a hostile CAA value is neutralised: %s", why);
}

static void
test_cname(void)
{
	struct acm_validation v[2];
	struct acm_certificate c;
	struct doctor_result r;
	struct table t;
	const char *s;
	static const struct row right[] = {
	    {"_abc.app.example.com", DNS_CNAME, DNS_FOUND, {VALUE}}};
	static const struct row wrong[] = {
	    {"_abc.app.example.com", DNS_CNAME, DNS_FOUND, {"old.example."}}};
	static const struct row error[] = {
	    {"_abc.app.example.com", DNS_CNAME, DNS_ERROR, {NULL}},
	    {"app.example.com", DNS_CAA, DNS_ERROR, {NULL}}};

	val_init(&v[0], "app.example.com", NAME);
	val_init(&v[1], "*.app.example.com", NAME);
	cert_init(&c, v, 2, "PENDING_VALIDATION");

	s = run(&c, NULL, 0, NULL, 0, &r, &t);
	ok(r.causes == 1 &&
	        strstr(s, "The validation CNAME _abc.app.example.com is "
	                  "missing") != NULL &&
	        strstr(s, "Add CNAME _abc.app.example.com with the value "
	                  "_def.xyz.acm-validations.aws") != NULL,
	    "missing: said, with the record to add");
	ok(strstr(t.log, "_abc.app.example.com/0 ") != NULL &&
	        strstr(strstr(t.log, "_abc.app.example.com/0 ") + 1,
	            "_abc.app.example.com/0 ") == NULL,
	    "the wildcard's shared record is asked once: %s", t.log);
	ok(strstr(t.log, "app.example.com/2 example.com/2 ") != NULL,
	    "CAA climbs from the name to example.com and no further: %s",
	    t.log);

	s = run(&c, wrong, 1, NULL, 0, &r, &t);
	ok(r.causes == 1 && strstr(s, "has the wrong value: public DNS "
	                              "answers old.example, ACM expects "
	                              "_def.xyz.acm-validations.aws") != NULL,
	    "a wrong value: what DNS says and what ACM wants");

	s = run(&c, right, 1, NULL, 0, &r, &t);
	ok(r.causes == 0 && r.right == 2 && strstr(s, "is right") != NULL &&
	        strstr(s, "The DNS is right for ACM. What is left is ACM "
	                  "itself") != NULL,
	    "right: then what is left for a pending one");
	strcpy(c.status, "FAILED");
	strcpy(c.failure_reason, "DOMAIN_NOT_ALLOWED");
	s = run(&c, right, 1, NULL, 0, &r, &t);
	ok(strstr(s, "failure reason DOMAIN_NOT_ALLOWED") != NULL,
	    "... and for a FAILED one, its reason");

	s = run(&c, error, 2, NULL, 0, &r, &t);
	ok(r.causes == 0 && r.unchecked == 3 &&
	        strstr(s, "Could not check the validation CNAME "
	                  "_abc.app.example.com: Timeout while contacting DNS "
	                  "servers.") != NULL &&
	        strstr(s, "Could not check CAA for app.example.com at "
	                  "app.example.com") != NULL &&
	        strstr(s, "Nothing wrong was found") != NULL,
	    "a DNS error is 'could not check X: why', never a cause");
}

static void
test_delegation(void)
{
	struct acm_validation v;
	struct acm_certificate c;
	struct doctor_result r;
	struct doctor_zone z;
	struct table t;
	const char *s;
	static const struct row other[] = {{"example.com", DNS_NS, DNS_FOUND,
	    {"ns-1.other-dns.net.", "ns-2.other-dns.net."}}};
	static const struct row partial[] = {{"example.com", DNS_NS, DNS_FOUND,
	    {"NS-1.awsdns-01.net.", "ns-2.other-dns.net"}}};
	static const struct row same[] = {
	    {"example.com", DNS_NS, DNS_FOUND,
	        {"ns-1.awsdns-01.net", "ns-2.awsdns-02.org"}},
	    {"_abc.app.example.com", DNS_CNAME, DNS_FOUND, {VALUE}}};

	val_init(&v, "app.example.com", NAME);
	cert_init(&c, &v, 1, "PENDING_VALIDATION");
	memset(&z, 0, sizeof(z));
	strcpy(z.id, "Z123");
	strcpy(z.name, "example.com");
	z.ns.n = 2;
	strcpy(z.ns.ns[0], "ns-1.awsdns-01.net");
	strcpy(z.ns.ns[1], "ns-2.awsdns-02.org");

	s = run(&c, other, 1, &z, 1, &r, &t);
	ok(strstr(s, "example.com is delegated to ns-1.other-dns.net, "
	             "ns-2.other-dns.net, not to this Route 53 zone (Z123); "
	             "records written here are invisible.") != NULL &&
	        strstr(s, "ns-1.awsdns-01.net, ns-2.awsdns-02.org") != NULL,
	    "delegated elsewhere: said, with the zone's own servers");
	ok(strstr(s, "port-acm wrote it to Route 53 zone example.com "
	             "(Z123)") != NULL &&
	        r.causes == 2,
	    "... and the missing CNAME points at it");
	s = run(&c, partial, 1, &z, 1, &r, &t);
	ok(strstr(s, "only partly to this Route 53 zone") != NULL,
	    "partly delegated: said (names compared without case or dot)");
	s = run(&c, same, 2, &z, 1, &r, &t);
	ok(r.causes == 0 && strstr(s, "is delegated to this Route 53 zone "
	                              "(Z123)") != NULL,
	    "delegated here: right");
	s = run(&c, NULL, 0, &z, 1, &r, &t);
	ok(strstr(s, "example.com has no NS records in public DNS") != NULL,
	    "no NS at all: not delegated");
	z.ns.n = 0;
	strcpy(z.why, "Route 53 did not answer GetHostedZone (AccessDenied)");
	s = run(&c, same, 2, &z, 1, &r, &t);
	ok(r.unchecked == 1 &&
	        strstr(s,
	            "Could not check the delegation of example.com to "
	            "Route 53 zone Z123: Route 53 did not answer") != NULL &&
	        strstr(t.log, "example.com/1") == NULL,
	    "without the delegation set: could not check, NS not asked");
}

static void
test_caa_walk(void)
{
	struct acm_validation v[3];
	struct acm_certificate c;
	struct doctor_result r;
	struct table t;
	const char *s;
	static const struct row rows[] = {
	    {"example.com", DNS_CAA, DNS_FOUND, {"0 issue letsencrypt.org"}}};
	static const struct row deeper[] = {
	    {"app.example.com", DNS_CAA, DNS_FOUND, {"0 issue amazon.com"}},
	    {"example.com", DNS_CAA, DNS_FOUND, {"0 issue letsencrypt.org"}}};

	val_init(&v[0], "app.example.com", NAME);
	val_init(&v[1], "*.app.example.com", NAME);
	val_init(&v[2], "www.example.com", "_w.www.example.com.");
	cert_init(&c, v, 3, "FAILED");
	s = run(&c, rows, 1, NULL, 0, &r, &t);
	ok(strstr(s, "The CAA record at example.com (0 issue "
	             "\"letsencrypt.org\") names none of amazon.com, "
	             "amazontrust.com, awstrust.com, amazonaws.com, so it "
	             "blocks ACM from issuing for app.example.com: add CAA 0 "
	             "issue \"amazon.com\" to example.com, or remove the CAA "
	             "record at example.com.") != NULL,
	    "the blocking record, the name and both fixes");
	ok(strstr(s, "for www.example.com") == NULL &&
	        strstr(s, "issuewild") == NULL,
	    "one line per blocking record set, however many names climb to "
	    "it");
	s = run(&c, deeper, 2, NULL, 0, &r, &t);
	ok(strstr(s, "blocks ACM from issuing for www.example.com") != NULL &&
	        strstr(s, "for app.example.com:") == NULL &&
	        strstr(s, "No CAA record keeps Amazon from issuing for "
	                  "app.example.com, *.app.example.com.") != NULL,
	    "the closest CAA set wins: app.example.com's allows Amazon, "
	    "www's parent blocks");
}

static void
test_bounds(void)
{
	static struct acm_validation v[40];
	struct acm_certificate c;
	struct doctor_result r;
	struct table t;
	char name[64], dom[64];
	const char *s;
	size_t i;

	for (i = 0; i < 40; i++) {
		snprintf(dom, sizeof(dom), "n%zu.a.b.example.com", i);
		snprintf(name, sizeof(name), "_x.%s.", dom);
		val_init(&v[i], dom, name);
	}
	cert_init(&c, v, 40, "FAILED");
	s = run(&c, NULL, 0, NULL, 0, &r, &t);
	ok(t.asked == DOCTOR_MAX_QUERIES,
	    "at most %d DNS questions per certificate (%u)", DOCTOR_MAX_QUERIES,
	    t.asked);
	ok(strstr(s, "30 more validation CNAMEs were not checked") != NULL,
	    "CNAMEs past the first %d are counted, not checked",
	    DOCTOR_MAX_RECORDS);
	ok(strstr(s, "at most 40 DNS questions") != NULL,
	    "the cap is said as a could-not-check");
}

int
main(void)
{
	test_caa();
	test_cname();
	test_delegation();
	test_caa_walk();
	test_bounds();
	buf_free(&out);
	return done_testing();
}
